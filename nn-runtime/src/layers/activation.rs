//! A standalone activation layer: `relu`, `gelu`, `softmax`, ... in `network!`.

use std::marker::PhantomData;

use super::{Layer, expect_len};
use crate::act::Activation;
use crate::params::parameter_free;
use crate::rng::SeededRng;
use crate::shape::Shape;
use crate::{Element, NoParams};

/// Applies `A` to each value of a sample of shape `S` (rows of the last
/// dimension for a softmax): `y = A(x)`, `dx = A'(x, y) * dy`.
///
/// # Examples
///
/// ```
/// use nn_runtime::act::Relu;
/// use nn_runtime::layers::{ActivationLayer, Layer};
/// use nn_runtime::shape::Flat;
/// let relu = ActivationLayer::<Flat<2>, Relu>::default();
/// let mut y = [0.0f32; 2];
/// Layer::<f32>::forward(&relu, &[-1.0, 1.0], &mut y, 1);
/// assert_eq!(y, [0.0, 1.0]);
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct ActivationLayer<S: Shape, A: Activation> {
    shape: PhantomData<(S, A)>,
}

parameter_free!([S: Shape, A: Activation] ActivationLayer<S, A>);

impl<S: Shape, A: Activation, E: Element> Layer<E> for ActivationLayer<S, A> {
    type Input = S;
    type Output = S;
    type Grads = NoParams;

    fn init(_rng: &mut SeededRng) -> Self {
        Self::default()
    }

    fn forward(&self, x: &[E], y: &mut [E], batch: usize) {
        expect_len("activation input", x.len(), batch, S::NUMEL);
        expect_len("activation output", y.len(), batch, S::NUMEL);
        y.copy_from_slice(x);
        A::forward(y, S::ROW);
    }

    fn backward(
        &self,
        x: &[E],
        y: &[E],
        dy: &mut [E],
        dx: Option<&mut [E]>,
        _grads: &mut NoParams,
        batch: usize,
    ) {
        expect_len("activation output gradient", dy.len(), batch, S::NUMEL);
        if let Some(dx) = dx {
            expect_len("activation input gradient", dx.len(), batch, S::NUMEL);
            dx.copy_from_slice(dy);
            A::backward(Some(x), y, dx, S::ROW);
        }
    }
}

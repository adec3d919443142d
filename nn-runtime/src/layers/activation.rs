//! A standalone activation layer: `relu`, `gelu`, `softmax`, ... in `network!`.

use std::marker::PhantomData;

use super::{Layer, expect_len};
use crate::act::Activation;
use crate::params::no_tensor;
use crate::rng::SeededRng;
use crate::shape::Flat;
use crate::{Element, NoParams, Params};

/// Applies `A` to `N` features: `y = A(x)`, `dx = A'(y) * dy`.
///
/// # Examples
///
/// ```
/// use nn_runtime::act::Relu;
/// use nn_runtime::layers::{ActivationLayer, Layer};
/// let relu = ActivationLayer::<2, Relu>::default();
/// let mut y = [0.0f32; 2];
/// Layer::<f32>::forward(&relu, &[-1.0, 1.0], &mut y, 1);
/// assert_eq!(y, [0.0, 1.0]);
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct ActivationLayer<const N: usize, A: Activation> {
    activation: PhantomData<A>,
}

impl<const N: usize, A: Activation, E: Element> Params<E> for ActivationLayer<N, A> {
    const TENSORS: usize = 0;
    fn tensor(&self, index: usize) -> &[E] {
        no_tensor(index)
    }
    fn tensor_mut(&mut self, index: usize) -> &mut [E] {
        no_tensor(index)
    }
    fn tensor_name(&self, index: usize) -> String {
        no_tensor(index)
    }
}

impl<const N: usize, A: Activation, E: Element> Layer<E> for ActivationLayer<N, A> {
    type Input = Flat<N>;
    type Output = Flat<N>;
    type Grads = NoParams;

    fn init(_rng: &mut SeededRng) -> Self {
        Self::default()
    }

    fn forward(&self, x: &[E], y: &mut [E], batch: usize) {
        expect_len("activation input", x.len(), batch, N);
        expect_len("activation output", y.len(), batch, N);
        y.copy_from_slice(x);
        A::forward(y, N);
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
        expect_len("activation output gradient", dy.len(), batch, N);
        if let Some(dx) = dx {
            expect_len("activation input gradient", dx.len(), batch, N);
            dx.copy_from_slice(dy);
            A::backward(Some(x), y, dx, N);
        }
    }
}

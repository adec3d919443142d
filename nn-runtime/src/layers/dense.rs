//! Fully connected layer: `dense(units)` / `dense(units, activation)` in `network!`.
//!
//! Forward: `Z = X W + b`, `Y = A(Z)`, with `X` `[batch, IN]`, the weight
//! `W` stored `[IN, OUT]` as Keras stores its kernel (PyTorch's `weight` is
//! the transpose) and `b` `[OUT]`. This layout keeps the large products
//! gather-free: the forward and weight-gradient products read `W`, `X` and
//! `dZ` along their contiguous rows.
//!
//! Backward, from `dY`: `dZ = A'(Y) * dY` (computed from the output, so
//! nothing beyond `X` and `Y` is kept), then `dW = X^T dZ`, `db = sum over the
//! batch of dZ`, `dX = dZ W^T`.

use std::marker::PhantomData;

use super::{Layer, expect_len};
use crate::Element;
use crate::act::Activation;
use crate::gemm::{Epilogue, MatMut, MatRef, gemm, gemm_fused};
use crate::params::{params_in_field, weight_and_bias};
use crate::rng::SeededRng;
use crate::shape::Flat;

/// `IN` features to `OUT` units, then activation `A`.
///
/// Initialised as Keras does: Glorot-uniform weights, in
/// `±sqrt(6 / (IN + OUT))`, and zero biases.
///
/// # Examples
///
/// ```
/// use nn_runtime::act::Relu;
/// use nn_runtime::layers::{Dense, Layer};
/// use nn_runtime::rng::SeededRng;
/// let mut layer = Dense::<2, 1, Relu>::new(&mut SeededRng::new(0));
/// layer.weight_mut().copy_from_slice(&[1.0, -1.0]);
/// let mut y = [0.0f32; 2];
/// layer.forward(&[3.0, 1.0, 1.0, 3.0], &mut y, 2);
/// assert_eq!(y, [2.0, 0.0]);
/// ```
#[derive(Clone, Debug)]
pub struct Dense<const IN: usize, const OUT: usize, A: Activation, E: Element = f32> {
    params: DenseParams<IN, OUT, E>,
    activation: PhantomData<A>,
}

impl<const IN: usize, const OUT: usize, A: Activation, E: Element> Dense<IN, OUT, A, E> {
    /// Glorot-uniform weights and zero biases, drawn from `rng`.
    pub fn new(rng: &mut SeededRng) -> Self {
        let limit = (6.0 / (IN + OUT) as f64).sqrt();
        let weight = (0..IN * OUT).map(|_| E::from_f64(rng.uniform(-limit, limit)));
        Self {
            params: DenseParams {
                weight: weight.collect(),
                bias: vec![E::zero(); OUT],
            },
            activation: PhantomData,
        }
    }

    /// The weight, `[IN, OUT]` row-major.
    pub fn weight(&self) -> &[E] {
        &self.params.weight
    }

    /// The weight, mutable.
    pub fn weight_mut(&mut self) -> &mut [E] {
        &mut self.params.weight
    }

    /// The bias, `[OUT]`.
    pub fn bias(&self) -> &[E] {
        &self.params.bias
    }

    /// The bias, mutable.
    pub fn bias_mut(&mut self) -> &mut [E] {
        &mut self.params.bias
    }
}

params_in_field!([const IN: usize, const OUT: usize, A: Activation, E: Element] Dense<IN, OUT, A, E>, DenseParams<IN, OUT, E>);

/// The tensors of a [`Dense`] layer, `weight` `[IN, OUT]` and `bias` `[OUT]`:
/// its parameters, and (as [`DenseGrads`]) their gradients.
///
/// # Examples
///
/// ```
/// use nn_runtime::layers::DenseParams;
/// let zeros = DenseParams::<3, 2, f32>::default();
/// assert_eq!((zeros.weight.len(), zeros.bias.len()), (6, 2));
/// ```
#[derive(Clone, Debug)]
pub struct DenseParams<const IN: usize, const OUT: usize, E: Element = f32> {
    /// `[IN, OUT]`, row-major.
    pub weight: Vec<E>,
    /// `[OUT]`.
    pub bias: Vec<E>,
}

/// Gradients of a [`Dense`] layer: `dL/dW` and `dL/db`, shaped like its parameters.
///
/// # Examples
///
/// ```
/// use nn_runtime::layers::DenseGrads;
/// let grads = DenseGrads::<3, 2, f32>::default();
/// assert_eq!((grads.weight.len(), grads.bias.len()), (6, 2));
/// ```
pub type DenseGrads<const IN: usize, const OUT: usize, E = f32> = DenseParams<IN, OUT, E>;

impl<const IN: usize, const OUT: usize, E: Element> Default for DenseParams<IN, OUT, E> {
    /// All zeros.
    fn default() -> Self {
        Self {
            weight: vec![E::zero(); IN * OUT],
            bias: vec![E::zero(); OUT],
        }
    }
}

weight_and_bias!([const IN: usize, const OUT: usize, E: Element] DenseParams<IN, OUT, E>, weight_shape = [IN, OUT]);

impl<const IN: usize, const OUT: usize, A: Activation, E: Element> Layer<E>
    for Dense<IN, OUT, A, E>
{
    type Input = Flat<IN>;
    type Output = Flat<OUT>;
    type Grads = DenseGrads<IN, OUT, E>;

    fn init(rng: &mut SeededRng) -> Self {
        Self::new(rng)
    }

    fn forward(&self, x: &[E], y: &mut [E], batch: usize) {
        expect_len("dense input", x.len(), batch, IN);
        expect_len("dense output", y.len(), batch, OUT);
        let x = MatRef::row_major(x, batch, IN);
        let w = MatRef::row_major(&self.params.weight, IN, OUT);
        // Bias and an element-wise activation are applied as each tile of Y is
        // written; a softmax needs whole rows, so it runs after.
        let epilogue = Epilogue {
            bias: Some(&self.params.bias),
            map: A::ELEMENTWISE.then_some(elementwise::<A, E>),
        };
        gemm_fused(
            E::one(),
            x,
            w,
            E::zero(),
            MatMut::row_major(y, batch, OUT),
            epilogue,
        );
        if !A::ELEMENTWISE {
            A::forward(y, OUT);
        }
    }

    fn backward(
        &self,
        x: &[E],
        y: &[E],
        dy: &mut [E],
        dx: Option<&mut [E]>,
        grads: &mut Self::Grads,
        batch: usize,
    ) {
        expect_len("dense input", x.len(), batch, IN);
        expect_len("dense output", y.len(), batch, OUT);
        expect_len("dense output gradient", dy.len(), batch, OUT);
        const {
            assert!(
                !A::NEEDS_INPUT,
                "a dense layer keeps only its output, so its activation must not need its input; \
                 follow `Dense<.., Identity>` with an `ActivationLayer` instead"
            )
        };
        A::backward(None, y, dy, OUT);
        let dz = MatRef::row_major(&*dy, batch, OUT);
        let x = MatRef::row_major(x, batch, IN);
        gemm(
            E::one(),
            x.t(),
            dz,
            E::zero(),
            MatMut::row_major(&mut grads.weight, IN, OUT),
        );
        grads.bias.fill(E::zero());
        for row in dy.chunks_exact(OUT) {
            for (g, &d) in grads.bias.iter_mut().zip(row) {
                *g += d;
            }
        }
        if let Some(dx) = dx {
            expect_len("dense input gradient", dx.len(), batch, IN);
            let w_t = MatRef::row_major(&self.params.weight, IN, OUT).t();
            gemm(
                E::one(),
                dz,
                w_t,
                E::zero(),
                MatMut::row_major(dx, batch, IN),
            );
        }
    }
}

/// An element-wise activation applied to a run of values, as a GEMM epilogue.
fn elementwise<A: Activation, E: Element>(values: &mut [E]) {
    A::forward(values, values.len());
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::act::{Elu, Identity, LeakyRelu, Relu, Sigmoid, Softmax, Softplus, Tanh};
    use crate::testing::check_layer_gradients;

    /// Checks dX, dW and db of `Dense<4, 5, A>` against central differences.
    fn check<A: Activation>() {
        let mut layer = Dense::<4, 5, A, f64>::new(&mut SeededRng::new(9));
        layer
            .bias_mut()
            .copy_from_slice(&[0.1, -0.2, 0.3, 0.05, -0.15]);
        check_layer_gradients(&layer, 3);
    }

    #[test]
    fn gradients_match_finite_differences_for_every_activation() {
        // Every activation that needs only its output (the others cannot be fused).
        check::<Identity>();
        check::<Relu>();
        check::<LeakyRelu>();
        check::<Elu>();
        check::<Sigmoid>();
        check::<Tanh>();
        check::<Softplus>();
        check::<Softmax>();
    }

    #[test]
    fn glorot_uniform_stays_within_its_limit_and_biases_start_at_zero() {
        let layer = Dense::<784, 128, Relu>::new(&mut SeededRng::new(1));
        let limit = (6.0f32 / 912.0).sqrt();
        assert!(layer.weight().iter().all(|w| w.abs() <= limit));
        let mean: f32 = layer.weight().iter().sum::<f32>() / layer.weight().len() as f32;
        assert!(mean.abs() < 1e-3, "mean {mean}");
        assert!(layer.bias().iter().all(|&b| b == 0.0));
    }

    #[test]
    #[should_panic(expected = "dense input holds 5 values; expected batch 2 x 4 = 8")]
    fn wrong_batch_length_is_named() {
        let layer = Dense::<4, 5, Relu>::new(&mut SeededRng::new(0));
        layer.forward(&[0.0; 5], &mut [0.0; 10], 2);
    }
}

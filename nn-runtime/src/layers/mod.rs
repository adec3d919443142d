//! Layers: static shapes in the type, forward and hand-derived backward.
//!
//! A layer reads a batch of rows (`batch x Input::NUMEL`, row-major) and
//! writes a batch of rows (`batch x Output::NUMEL`) into a buffer the caller
//! owns, so a training step allocates nothing once the buffers exist.

mod activation;
mod batchnorm;
mod conv2d;
mod dense;
mod dropout;
mod embedding;
mod layernorm;
mod pool;
mod reshape;
mod workspace;

pub use activation::ActivationLayer;
pub use batchnorm::{BatchNorm, BatchNormParams};
pub use conv2d::{Conv2d, Conv2dGrads, Conv2dParams};
pub use dense::{Dense, DenseGrads, DenseParams};
pub use dropout::Dropout;
pub use embedding::{Embedding, EmbeddingParams};
pub use layernorm::{LayerNorm, LayerNormParams};
pub use pool::{AvgPool2d, GlobalAvgPool, MaxPool2d};
pub use reshape::{Flatten, Reshape};

use crate::rng::SeededRng;
use crate::shape::Shape;
use crate::{Element, Params};

/// One layer of a network.
///
/// # Examples
///
/// ```
/// use nn_runtime::act::Identity;
/// use nn_runtime::layers::{Dense, Layer};
/// use nn_runtime::rng::SeededRng;
/// let layer = Dense::<2, 1, Identity, f64>::new(&mut SeededRng::new(0));
/// let mut y = [0.0f64; 3];
/// layer.forward(&[1.0, 0.0, 0.0, 1.0, 0.0, 0.0], &mut y, 3);
/// assert_eq!(y[2], 0.0); // zero input, zero bias
/// ```
pub trait Layer<E: Element>: Params<E> + Clone + std::fmt::Debug {
    /// Shape of one input sample.
    type Input: Shape;
    /// Shape of one output sample.
    type Output: Shape;
    /// Gradients of the parameters: same tensors, same order, same lengths.
    type Grads: Params<E> + Default + Clone + std::fmt::Debug;

    /// A freshly initialised layer, drawing from `rng`.
    fn init(rng: &mut SeededRng) -> Self;

    /// Writes the outputs `y` (`batch x Output::NUMEL`) for the inputs `x`.
    fn forward(&self, x: &[E], y: &mut [E], batch: usize);

    /// [`Self::forward`] in training: layers that behave differently while
    /// training (dropout) override it and draw any randomness from `rng`.
    fn forward_train(&self, x: &[E], y: &mut [E], batch: usize, rng: &mut SeededRng) {
        let _ = rng;
        self.forward(x, y, batch);
    }

    /// Back-propagates `dy`, the loss gradient with respect to `y`.
    ///
    /// `x` and `y` are the forward pass's input and output. `dy` is scratch:
    /// the layer may overwrite it. Writes the input gradient into `dx` when
    /// asked for one and *overwrites* `grads` with this batch's parameter
    /// gradients.
    fn backward(
        &self,
        x: &[E],
        y: &[E],
        dy: &mut [E],
        dx: Option<&mut [E]>,
        grads: &mut Self::Grads,
        batch: usize,
    );
}

/// Panics unless a buffer holds exactly `batch` samples of `numel` scalars.
#[track_caller]
pub(crate) fn expect_len(what: &str, len: usize, batch: usize, numel: usize) {
    assert!(
        len == batch * numel,
        "{what} holds {len} values; expected batch {batch} x {numel} = {}",
        batch * numel
    );
}

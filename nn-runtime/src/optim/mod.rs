//! Optimizers: update parameters from their gradients, with state shaped like them.

mod adam;
#[doc(hidden)]
pub mod kernel;
mod momentum;
mod rmsprop;
mod sgd;

pub use adam::{Adam, AdamConfig, EpsilonStyle};
pub use momentum::Momentum;
pub use rmsprop::RmsProp;
pub use sgd::Sgd;

use crate::{Element, Params};

/// Updates parameters `P` from gradients `G` (same tensors, same order).
///
/// # Examples
///
/// ```
/// use nn_runtime::optim::{Optimizer, Sgd};
/// use nn_runtime::{NoParams};
/// let mut sgd = Sgd::new(0.1);
/// Optimizer::<f32, NoParams, NoParams>::step(&mut sgd, &mut NoParams, &NoParams);
/// ```
pub trait Optimizer<E: Element, P: Params<E>, G: Params<E>> {
    /// Applies one update.
    fn step(&mut self, params: &mut P, grads: &G);
}

/// Panics unless parameters and gradients have the same tensors and lengths.
#[track_caller]
fn expect_matching<E: Element>(params: &impl Params<E>, grads: &impl Params<E>, index: usize) {
    let (p, g) = (params.tensor(index).len(), grads.tensor(index).len());
    assert!(
        p == g,
        "parameter tensor {index} has {p} values but its gradient has {g}"
    );
}

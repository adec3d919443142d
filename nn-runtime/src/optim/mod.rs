//! Optimizers: update parameters from their gradients, with state shaped like them.

mod adagrad;
mod adam;
mod clip;
#[doc(hidden)]
pub mod kernel;
mod momentum;
mod rmsprop;
mod sgd;
mod state;

pub use adagrad::Adagrad;
pub use adam::{Adam, AdamConfig, EpsilonStyle};
pub use clip::Clip;
pub use momentum::Momentum;
pub use rmsprop::RmsProp;
pub use sgd::Sgd;
pub use state::OptimizerState;

use crate::{Element, Error, Params, Result};

/// Updates parameters `P` from gradients `G` (same tensors, same order).
///
/// # Examples
///
/// ```
/// use nn_runtime::optim::{Optimizer, Sgd};
/// use nn_runtime::{NoParams};
/// let mut sgd = Sgd::new(0.1)?;
/// Optimizer::<f32, NoParams, NoParams>::step(&mut sgd, &mut NoParams, &NoParams);
/// Optimizer::<f32, NoParams, NoParams>::set_learning_rate(&mut sgd, 0.05)?;
/// assert_eq!(Optimizer::<f32, NoParams, NoParams>::learning_rate(&sgd), 0.05);
/// # Ok::<(), nn_runtime::Error>(())
/// ```
pub trait Optimizer<E: Element, P: Params<E>, G: Params<E>> {
    /// Applies one update.
    fn step(&mut self, params: &mut P, grads: &G);

    /// The step size the next update uses.
    fn learning_rate(&self) -> f64;

    /// Changes the step size from the next update on (schedules call this). A
    /// rate of 0 is allowed here, as the end of a cosine schedule whose minimum
    /// is 0: the updates then leave the parameters as they are.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] unless `learning_rate` is finite and at least 0.
    fn set_learning_rate(&mut self, learning_rate: f64) -> Result<()>;

    /// Everything the optimizer has accumulated, for a checkpoint.
    fn state(&self) -> OptimizerState<E>;

    /// Continues from a saved [`state`](Self::state) of the same kind of
    /// optimizer on the same model; on error nothing changes.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] naming a tensor the state lacks or has
    /// with another length.
    fn restore(&mut self, state: &OptimizerState<E>) -> Result<()>;
}

/// What a setting that must stay positive in `f32` is expected to be.
const POSITIVE_IN_F32: &str = "a positive number that f32 holds (1.2e-38 to 3.4e38)";

/// Whether `value` is positive and stays a positive normal number in `f32`
/// (a setting of 1e-300 would be 0 there, one of 1e300 infinite).
fn positive_in_f32(value: f64) -> bool {
    (f64::from(f32::MIN_POSITIVE)..=f64::from(f32::MAX)).contains(&value)
}

/// Checks an optimizer's initial learning rate is positive, in `f32` too.
fn check_learning_rate(learning_rate: f64) -> Result<()> {
    require(
        "learning_rate",
        positive_in_f32(learning_rate),
        POSITIVE_IN_F32,
        learning_rate,
    )
}

/// Checks a learning rate set by a schedule is finite and at least 0.
fn check_scheduled_rate(learning_rate: f64) -> Result<()> {
    require(
        "learning_rate",
        learning_rate == 0.0 || positive_in_f32(learning_rate),
        "0, or a positive number that f32 holds (1.2e-38 to 3.4e38)",
        learning_rate,
    )
}

/// `Ok` when `ok`, else an [`Error::InvalidArgument`] for setting `name`.
fn require(name: &'static str, ok: bool, expected: &str, found: f64) -> Result<()> {
    if ok {
        Ok(())
    } else {
        Err(Error::InvalidArgument {
            name,
            expected: expected.to_owned(),
            found: found.to_string(),
        })
    }
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

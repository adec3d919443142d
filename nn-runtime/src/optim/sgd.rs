//! Plain stochastic gradient descent.

use super::{
    Optimizer, OptimizerState, check_learning_rate, check_scheduled_rate, expect_matching,
};
use crate::{Element, Params, Result};

/// `p -= lr * g`.
///
/// # Examples
///
/// ```
/// use nn_runtime::act::Identity;
/// use nn_runtime::layers::{Dense, DenseGrads};
/// use nn_runtime::optim::{Optimizer, Sgd};
/// use nn_runtime::rng::SeededRng;
/// let mut layer = Dense::<1, 1, Identity>::new(&mut SeededRng::new(0));
/// layer.weight_mut()[0] = 1.0;
/// let grads = DenseGrads::<1, 1> { weight: vec![2.0], bias: vec![0.0] };
/// Sgd::new(0.25)?.step(&mut layer, &grads);
/// assert_eq!(layer.weight()[0], 0.5);
/// # Ok::<(), nn_runtime::Error>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Sgd {
    learning_rate: f64,
}

impl Sgd {
    /// SGD with the given learning rate.
    ///
    /// # Errors
    ///
    /// [`crate::Error::InvalidArgument`] unless `learning_rate` is positive and finite.
    pub fn new(learning_rate: f64) -> Result<Self> {
        check_learning_rate(learning_rate)?;
        Ok(Self { learning_rate })
    }
}

impl<E: Element, P: Params<E>, G: Params<E>> Optimizer<E, P, G> for Sgd {
    fn step(&mut self, params: &mut P, grads: &G) {
        let lr = E::from_f64(self.learning_rate);
        for index in 0..P::TENSORS {
            expect_matching(params, grads, index);
            for (p, &g) in params.tensor_mut(index).iter_mut().zip(grads.tensor(index)) {
                *p -= lr * g;
            }
        }
    }

    fn learning_rate(&self) -> f64 {
        self.learning_rate
    }

    fn set_learning_rate(&mut self, learning_rate: f64) -> Result<()> {
        check_scheduled_rate(learning_rate)?;
        self.learning_rate = learning_rate;
        Ok(())
    }

    fn state(&self) -> OptimizerState<E> {
        OptimizerState::default()
    }

    fn restore(&mut self, _state: &OptimizerState<E>) -> Result<()> {
        Ok(())
    }
}

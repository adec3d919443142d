//! SGD with momentum, classical or Nesterov, as `torch.optim.SGD` computes it.

use super::state::{named, restore_named};
use super::{
    Optimizer, OptimizerState, check_learning_rate, check_scheduled_rate, expect_matching, require,
};
use crate::{Element, Params, Result};

/// `v = momentum * v + g`, then `p -= lr * v`, or with Nesterov
/// `p -= lr * (g + momentum * v)`; the velocity `v` starts at zero and has
/// the model's gradient type `G` (PyTorch's SGD with dampening 0).
///
/// # Examples
///
/// ```
/// use nn_runtime::act::Identity;
/// use nn_runtime::layers::{Dense, DenseGrads};
/// use nn_runtime::optim::{Momentum, Optimizer};
/// use nn_runtime::rng::SeededRng;
/// let mut layer = Dense::<1, 1, Identity>::new(&mut SeededRng::new(0));
/// layer.weight_mut()[0] = 1.0;
/// let grads = DenseGrads::<1, 1> { weight: vec![1.0], bias: vec![0.0] };
/// let mut sgd = Momentum::<DenseGrads<1, 1>>::new(0.1, 0.5, false)?;
/// sgd.step(&mut layer, &grads); // v = 1: p = 1 - 0.1
/// sgd.step(&mut layer, &grads); // v = 1.5: p = 0.9 - 0.15
/// assert!((layer.weight()[0] - 0.75).abs() < 1e-6);
/// # Ok::<(), nn_runtime::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct Momentum<G> {
    learning_rate: f64,
    momentum: f64,
    nesterov: bool,
    velocity: G,
}

impl<G: Default> Momentum<G> {
    /// SGD with `momentum` in [0, 1), Nesterov's form when `nesterov`.
    ///
    /// # Errors
    ///
    /// [`crate::Error::InvalidArgument`] when the learning rate is not positive and
    /// finite or the momentum is outside [0, 1).
    pub fn new(learning_rate: f64, momentum: f64, nesterov: bool) -> Result<Self> {
        check_learning_rate(learning_rate)?;
        require(
            "momentum",
            (0.0..1.0).contains(&momentum),
            "a number in [0, 1)",
            momentum,
        )?;
        Ok(Self {
            learning_rate,
            momentum,
            nesterov,
            velocity: G::default(),
        })
    }
}

impl<E: Element, P: Params<E>, G: Params<E>> Optimizer<E, P, G> for Momentum<G> {
    fn step(&mut self, params: &mut P, grads: &G) {
        let (lr, mu) = (E::from_f64(self.learning_rate), E::from_f64(self.momentum));
        for index in 0..P::TENSORS {
            expect_matching(params, grads, index);
            let velocity = self.velocity.tensor_mut(index);
            let values = params.tensor_mut(index).iter_mut().zip(grads.tensor(index));
            for ((p, &g), v) in values.zip(velocity.iter_mut()) {
                *v = mu * *v + g;
                *p -= lr * if self.nesterov { g + mu * *v } else { *v };
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
        OptimizerState {
            steps: 0,
            tensors: named("velocity", &self.velocity),
        }
    }

    fn restore(&mut self, state: &OptimizerState<E>) -> Result<()> {
        restore_named(&mut [("velocity", &mut self.velocity)], state)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::NoParams;

    #[test]
    fn settings_out_of_range_are_errors_naming_them() {
        let error = |lr, momentum| {
            Momentum::<NoParams>::new(lr, momentum, true)
                .unwrap_err()
                .to_string()
        };
        assert!(error(f64::INFINITY, 0.9).contains("learning_rate"));
        assert!(error(0.1, -0.1).contains("momentum"));
        assert!(error(0.1, 1.0).contains("momentum"));
    }
}

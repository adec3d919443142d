//! RMSprop as `torch.optim.RMSprop` computes it (no momentum, not centred).

use super::state::{named, restore_named};
use super::{
    Optimizer, OptimizerState, POSITIVE_IN_F32, check_learning_rate, check_scheduled_rate,
    expect_matching, positive_in_f32, require,
};
use crate::{Element, Params, Result};

/// `v = alpha * v + (1 - alpha) * g^2`, then `p -= lr * g / (sqrt(v) + eps)`;
/// `v` starts at zero and has the model's gradient type `G`. (Keras's
/// RMSprop calls `alpha` rho and puts `eps` inside the square root.)
///
/// # Examples
///
/// ```
/// use nn_runtime::act::Identity;
/// use nn_runtime::layers::{Dense, DenseGrads};
/// use nn_runtime::optim::{Optimizer, RmsProp};
/// use nn_runtime::rng::SeededRng;
/// let mut layer = Dense::<1, 1, Identity>::new(&mut SeededRng::new(0));
/// layer.weight_mut()[0] = 1.0;
/// let mut rms = RmsProp::<DenseGrads<1, 1>>::new(0.01, 0.99, 1e-8)?;
/// rms.step(&mut layer, &DenseGrads { weight: vec![2.0], bias: vec![0.0] });
/// // v = 0.01 * 4, so the step is 0.01 * 2 / 0.2 = 0.1.
/// assert!((layer.weight()[0] - 0.9).abs() < 1e-6);
/// # Ok::<(), nn_runtime::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct RmsProp<G> {
    learning_rate: f64,
    alpha: f64,
    epsilon: f64,
    square_average: G,
}

impl<G: Default> RmsProp<G> {
    /// RMSprop with decay `alpha` in [0, 1) and a positive `epsilon`.
    ///
    /// # Errors
    ///
    /// [`crate::Error::InvalidArgument`] naming the first setting out of range.
    pub fn new(learning_rate: f64, alpha: f64, epsilon: f64) -> Result<Self> {
        check_learning_rate(learning_rate)?;
        require(
            "alpha",
            (0.0..1.0).contains(&alpha),
            "a number in [0, 1)",
            alpha,
        )?;
        require(
            "epsilon",
            positive_in_f32(epsilon),
            POSITIVE_IN_F32,
            epsilon,
        )?;
        Ok(Self {
            learning_rate,
            alpha,
            epsilon,
            square_average: G::default(),
        })
    }
}

impl<E: Element, P: Params<E>, G: Params<E>> Optimizer<E, P, G> for RmsProp<G> {
    fn step(&mut self, params: &mut P, grads: &G) {
        let lr = E::from_f64(self.learning_rate);
        let (alpha, rest) = (E::from_f64(self.alpha), E::from_f64(1.0 - self.alpha));
        let eps = E::from_f64(self.epsilon);
        for index in 0..P::TENSORS {
            expect_matching(params, grads, index);
            let average = self.square_average.tensor_mut(index);
            let values = params.tensor_mut(index).iter_mut().zip(grads.tensor(index));
            for ((p, &g), v) in values.zip(average.iter_mut()) {
                *v = alpha * *v + rest * g * g;
                *p -= lr * g / (v.sqrt() + eps);
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
            tensors: named("square_average", &self.square_average),
        }
    }

    fn restore(&mut self, state: &OptimizerState<E>) -> Result<()> {
        restore_named(&mut [("square_average", &mut self.square_average)], state)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::NoParams;

    #[test]
    fn settings_out_of_range_are_errors_naming_them() {
        let error = |lr, alpha, eps| {
            RmsProp::<NoParams>::new(lr, alpha, eps)
                .unwrap_err()
                .to_string()
        };
        assert!(error(0.0, 0.9, 1e-7).contains("learning_rate"));
        assert!(error(0.01, 1.0, 1e-7).contains("alpha"));
        assert!(error(0.01, 0.9, f64::NAN).contains("epsilon"));
    }
}

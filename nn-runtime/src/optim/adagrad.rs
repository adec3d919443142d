//! Adagrad as `torch.optim.Adagrad` computes it (without `lr_decay`; use a
//! learning-rate schedule instead).

use super::state::{named, restore_named};
use super::{
    Optimizer, OptimizerState, POSITIVE_IN_F32, check_learning_rate, check_scheduled_rate,
    expect_matching, positive_in_f32, require,
};
use crate::{Element, Params, Result};

/// `s += g^2`, then `p -= lr * g / (sqrt(s) + eps)`; the sum of squares `s`
/// starts at `initial_accumulator` and has the model's gradient type `G`.
///
/// # Examples
///
/// ```
/// use nn_runtime::act::Identity;
/// use nn_runtime::layers::{Dense, DenseGrads};
/// use nn_runtime::optim::{Adagrad, Optimizer};
/// use nn_runtime::rng::SeededRng;
/// let mut layer = Dense::<1, 1, Identity>::new(&mut SeededRng::new(0));
/// layer.weight_mut()[0] = 1.0;
/// let mut adagrad = Adagrad::<DenseGrads<1, 1>>::new(0.1, 0.0, 1e-10)?;
/// adagrad.step(&mut layer, &DenseGrads { weight: vec![3.0], bias: vec![0.0] });
/// // s = 9, so the first step is 0.1 * 3 / 3 = 0.1 whatever the gradient's size.
/// assert!((layer.weight()[0] - 0.9).abs() < 1e-6);
/// # Ok::<(), nn_runtime::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct Adagrad<G> {
    learning_rate: f64,
    initial_accumulator: f64,
    epsilon: f64,
    square_sum: G,
    steps: u64,
}

impl<G: Default> Adagrad<G> {
    /// Adagrad with a positive learning rate, a starting sum of squares of at
    /// least 0, and a positive `epsilon` (PyTorch's defaults: 0.01, 0, 1e-10).
    ///
    /// # Errors
    ///
    /// [`crate::Error::InvalidArgument`] naming the first setting out of range.
    pub fn new(learning_rate: f64, initial_accumulator: f64, epsilon: f64) -> Result<Self> {
        check_learning_rate(learning_rate)?;
        require(
            "initial_accumulator",
            initial_accumulator.is_finite() && initial_accumulator >= 0.0,
            "a finite number of at least 0",
            initial_accumulator,
        )?;
        require(
            "epsilon",
            positive_in_f32(epsilon),
            POSITIVE_IN_F32,
            epsilon,
        )?;
        Ok(Self {
            learning_rate,
            initial_accumulator,
            epsilon,
            square_sum: G::default(),
            steps: 0,
        })
    }
}

impl<E: Element, P: Params<E>, G: Params<E>> Optimizer<E, P, G> for Adagrad<G> {
    fn step(&mut self, params: &mut P, grads: &G) {
        let lr = E::from_f64(self.learning_rate);
        let eps = E::from_f64(self.epsilon);
        let initial = E::from_f64(self.initial_accumulator);
        for index in 0..P::TENSORS {
            expect_matching(params, grads, index);
            let sums = self.square_sum.tensor_mut(index);
            if self.steps == 0 {
                sums.fill(initial);
            }
            let values = params.tensor_mut(index).iter_mut().zip(grads.tensor(index));
            for ((p, &g), s) in values.zip(sums.iter_mut()) {
                *s += g * g;
                *p -= lr * g / (s.sqrt() + eps);
            }
        }
        self.steps += 1;
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
            steps: self.steps,
            tensors: named("square_sum", &self.square_sum),
        }
    }

    fn restore(&mut self, state: &OptimizerState<E>) -> Result<()> {
        restore_named(&mut [("square_sum", &mut self.square_sum)], state)?;
        self.steps = state.steps;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::act::Identity;
    use crate::layers::{Dense, DenseGrads};
    use crate::rng::SeededRng;

    /// Three steps on one weight against the update rule written out by hand,
    /// starting from a non-zero sum of squares.
    #[test]
    fn steps_follow_the_update_rule() {
        let mut layer = Dense::<1, 1, Identity, f64>::new(&mut SeededRng::new(0));
        layer.weight_mut()[0] = 1.0;
        let mut adagrad = Adagrad::<DenseGrads<1, 1, f64>>::new(0.5, 0.1, 1e-3).unwrap();
        let (mut p, mut s) = (1.0f64, 0.1f64);
        for g in [0.5, -2.0, 0.25] {
            s += g * g;
            p -= 0.5 * g / (s.sqrt() + 1e-3);
            let grads = DenseGrads {
                weight: vec![g],
                bias: vec![0.0],
            };
            adagrad.step(&mut layer, &grads);
            assert!((layer.weight()[0] - p).abs() < 1e-15);
        }
        // The bias saw only zero gradients: its sum of squares stays 0.1 and it never moves.
        assert_eq!(layer.bias()[0], 0.0);
    }

    #[test]
    fn settings_out_of_range_are_errors_naming_them() {
        let error = |lr, initial, eps| {
            Adagrad::<crate::NoParams>::new(lr, initial, eps)
                .unwrap_err()
                .to_string()
        };
        assert!(error(-1.0, 0.0, 1e-10).contains("learning_rate"));
        assert!(error(0.01, -0.1, 1e-10).contains("initial_accumulator"));
        assert!(error(0.01, 0.0, 0.0).contains("epsilon"));
    }
}

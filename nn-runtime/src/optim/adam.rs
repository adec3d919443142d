//! Adam (Kingma & Ba), with PyTorch's or Keras's placement of epsilon, and
//! AdamW (Loshchilov & Hutter): Adam with decoupled weight decay.

use super::kernel::AdamStep;
use super::state::{named, restore_named};
use super::{
    Optimizer, OptimizerState, POSITIVE_IN_F32, check_scheduled_rate, expect_matching,
    positive_in_f32,
};
use crate::{Element, Error, Params, Result};

/// Where epsilon enters the update; the two frameworks differ slightly.
///
/// With `m` and `v` the moment estimates after `t` steps:
///
/// - [`EpsilonStyle::PyTorch`]: `p -= lr * m_hat / (sqrt(v_hat) + eps)`, with
///   `m_hat = m / (1 - b1^t)` and `v_hat = v / (1 - b2^t)`.
/// - [`EpsilonStyle::Keras`]: `p -= lr_t * m / (sqrt(v) + eps)`, with
///   `lr_t = lr * sqrt(1 - b2^t) / (1 - b1^t)`: the bias correction is folded
///   into the learning rate, so eps acts on the uncorrected `sqrt(v)`.
///
/// # Examples
///
/// ```
/// use nn_runtime::optim::{AdamConfig, EpsilonStyle};
/// assert_eq!(AdamConfig::keras().epsilon_style, EpsilonStyle::Keras);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EpsilonStyle {
    /// `torch.optim.Adam`: eps added after the bias correction of `v`.
    PyTorch,
    /// `keras.optimizers.Adam`: bias correction folded into the step size.
    Keras,
}

/// Adam's hyper-parameters.
///
/// # Examples
///
/// ```
/// use nn_runtime::optim::AdamConfig;
/// let config = AdamConfig { learning_rate: 0.01, ..AdamConfig::pytorch() };
/// assert_eq!(config.epsilon, 1e-8);
/// assert!(config.validate().is_ok());
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AdamConfig {
    /// Step size.
    pub learning_rate: f64,
    /// Decay of the first moment.
    pub beta1: f64,
    /// Decay of the second moment.
    pub beta2: f64,
    /// Added to the denominator for stability.
    pub epsilon: f64,
    /// Where `epsilon` enters (see [`EpsilonStyle`]).
    pub epsilon_style: EpsilonStyle,
    /// Weight decay `wd`, 0 for none. Coupled (`torch.optim.Adam`'s
    /// `weight_decay`, an L2 penalty): `g += wd * p` before the moments see
    /// `g`. Decoupled (AdamW): `p *= 1 - lr * wd` before the Adam update, and
    /// the moments never see the decay.
    pub weight_decay: f64,
    /// Whether `weight_decay` is decoupled (AdamW) rather than coupled.
    pub decoupled_weight_decay: bool,
}

impl AdamConfig {
    /// PyTorch's defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8, PyTorch style.
    pub fn pytorch() -> Self {
        Self {
            learning_rate: 1e-3,
            beta1: 0.9,
            beta2: 0.999,
            epsilon: 1e-8,
            epsilon_style: EpsilonStyle::PyTorch,
            weight_decay: 0.0,
            decoupled_weight_decay: false,
        }
    }

    /// `torch.optim.AdamW`'s defaults: [`AdamConfig::pytorch`] with decoupled
    /// weight decay 0.01.
    ///
    /// ```
    /// use nn_runtime::optim::AdamConfig;
    /// let adamw = AdamConfig { learning_rate: 0.01, weight_decay: 0.1, ..AdamConfig::adamw() };
    /// assert!(adamw.decoupled_weight_decay);
    /// ```
    pub fn adamw() -> Self {
        Self {
            weight_decay: 0.01,
            decoupled_weight_decay: true,
            ..Self::pytorch()
        }
    }

    /// Keras's defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-7, Keras style.
    pub fn keras() -> Self {
        Self {
            epsilon: 1e-7,
            epsilon_style: EpsilonStyle::Keras,
            ..Self::pytorch()
        }
    }

    /// Checks every value is in range.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] naming the first value out of range.
    pub fn validate(&self) -> Result<()> {
        let checks = [
            (
                "learning_rate",
                self.learning_rate,
                positive_in_f32(self.learning_rate),
                POSITIVE_IN_F32,
            ),
            (
                "beta1",
                self.beta1,
                (0.0..1.0).contains(&self.beta1),
                "a value in [0, 1)",
            ),
            (
                "beta2",
                self.beta2,
                (0.0..1.0).contains(&self.beta2),
                "a value in [0, 1)",
            ),
            (
                "epsilon",
                self.epsilon,
                positive_in_f32(self.epsilon),
                "a positive number that f32 holds, 1.2e-38 to 3.4e38 (with 0, a gradient of \
                 exactly 0 divides 0 by 0)",
            ),
            (
                "weight_decay",
                self.weight_decay,
                self.weight_decay >= 0.0,
                "a finite value of at least 0",
            ),
            (
                "weight_decay",
                self.weight_decay,
                !self.decoupled_weight_decay || self.learning_rate * self.weight_decay <= 1.0,
                "at most 1 / learning_rate with decoupled decay (each step multiplies the \
                 weights by 1 - learning_rate * weight_decay)",
            ),
        ];
        for (name, value, ok, expected) in checks {
            if !ok || !value.is_finite() {
                return Err(Error::InvalidArgument {
                    name,
                    expected: expected.to_owned(),
                    found: value.to_string(),
                });
            }
        }
        Ok(())
    }
}

impl Default for AdamConfig {
    /// [`AdamConfig::pytorch`].
    fn default() -> Self {
        Self::pytorch()
    }
}

/// Adam; its moments `m` and `v` have the model's gradient type `G`.
///
/// Bias correction starts at step 1 (the first update divides by `1 - b1`).
///
/// # Examples
///
/// ```
/// use nn_runtime::act::Identity;
/// use nn_runtime::layers::{Dense, DenseGrads};
/// use nn_runtime::optim::{Adam, AdamConfig, Optimizer};
/// use nn_runtime::rng::SeededRng;
/// let mut layer = Dense::<1, 1, Identity>::new(&mut SeededRng::new(0));
/// let before = layer.weight()[0];
/// let mut adam = Adam::<DenseGrads<1, 1>>::new(AdamConfig::pytorch())?;
/// adam.step(&mut layer, &DenseGrads { weight: vec![3.0], bias: vec![0.0] });
/// // The first step moves each parameter by about lr against its gradient's sign.
/// assert!((before - layer.weight()[0] - 1e-3).abs() < 1e-6);
/// # Ok::<(), nn_runtime::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct Adam<G> {
    config: AdamConfig,
    m: G,
    v: G,
    steps: u64,
}

impl<G: Default> Adam<G> {
    /// Adam with zeroed moments.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] when a hyper-parameter is out of range.
    pub fn new(config: AdamConfig) -> Result<Self> {
        config.validate()?;
        Ok(Self {
            config,
            m: G::default(),
            v: G::default(),
            steps: 0,
        })
    }

    /// Updates applied so far.
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// The hyper-parameters.
    pub fn config(&self) -> &AdamConfig {
        &self.config
    }
}

impl<E: Element, P: Params<E>, G: Params<E>> Optimizer<E, P, G> for Adam<G> {
    fn step(&mut self, params: &mut P, grads: &G) {
        self.steps += 1;
        let c = self.config;
        let t = self.steps as f64;
        let correction1 = 1.0 - c.beta1.powf(t);
        let correction2 = 1.0 - c.beta2.powf(t);
        // Both styles become p -= step * m / (sqrt(v) * v_scale + eps).
        let (step, v_scale) = match c.epsilon_style {
            EpsilonStyle::PyTorch => (c.learning_rate / correction1, 1.0 / correction2.sqrt()),
            EpsilonStyle::Keras => (c.learning_rate * correction2.sqrt() / correction1, 1.0),
        };
        let (decay, shrink) = if c.decoupled_weight_decay {
            (0.0, 1.0 - c.learning_rate * c.weight_decay)
        } else {
            (c.weight_decay, 1.0)
        };
        let coefficients = AdamStep {
            b1: E::from_f64(c.beta1),
            b2: E::from_f64(c.beta2),
            step: E::from_f64(step),
            v_scale: E::from_f64(v_scale),
            eps: E::from_f64(c.epsilon),
            decay: E::from_f64(decay),
            shrink: E::from_f64(shrink),
        };
        for index in 0..P::TENSORS {
            expect_matching(params, grads, index);
            let m = self.m.tensor_mut(index);
            let v = self.v.tensor_mut(index);
            let p = params.tensor_mut(index);
            E::adam_update(coefficients, p, grads.tensor(index), m, v);
        }
    }

    fn learning_rate(&self) -> f64 {
        self.config.learning_rate
    }

    fn set_learning_rate(&mut self, learning_rate: f64) -> Result<()> {
        check_scheduled_rate(learning_rate)?;
        self.config.learning_rate = learning_rate;
        Ok(())
    }

    fn state(&self) -> OptimizerState<E> {
        let mut tensors = named("m", &self.m);
        tensors.extend(named("v", &self.v));
        OptimizerState {
            steps: self.steps,
            tensors,
        }
    }

    fn restore(&mut self, state: &OptimizerState<E>) -> Result<()> {
        restore_named(&mut [("m", &mut self.m), ("v", &mut self.v)], state)?;
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

    /// Two steps on one weight, against Keras's published update rule:
    /// `lr_t = lr * sqrt(1 - b2^t) / (1 - b1^t)`, `p -= lr_t * m / (sqrt(v) + eps)`.
    #[test]
    fn keras_style_follows_the_keras_update_rule() {
        let mut layer = Dense::<1, 1, Identity, f64>::new(&mut SeededRng::new(0));
        layer.weight_mut()[0] = 1.0;
        let config = AdamConfig {
            learning_rate: 0.1,
            epsilon: 0.01, // large, so the two styles differ visibly
            ..AdamConfig::keras()
        };
        let mut adam = Adam::<DenseGrads<1, 1, f64>>::new(config).unwrap();
        let (mut p, mut m, mut v) = (1.0f64, 0.0, 0.0);
        for (t, g) in [(1, 0.5f64), (2, -0.25)] {
            m = 0.9 * m + 0.1 * g;
            v = 0.999 * v + 0.001 * g * g;
            let lr_t = 0.1 * (1.0 - 0.999f64.powi(t)).sqrt() / (1.0 - 0.9f64.powi(t));
            p -= lr_t * m / (v.sqrt() + 0.01);
            let grads = DenseGrads {
                weight: vec![g],
                bias: vec![0.0],
            };
            adam.step(&mut layer, &grads);
            assert!(
                (layer.weight()[0] - p).abs() < 1e-15,
                "step {t}: {} vs {p}",
                layer.weight()[0]
            );
        }
        assert_eq!(adam.steps(), 2);
    }

    /// Adam on `weight` alone, with one config, over the gradients `steps`.
    fn train_one_weight(config: AdamConfig, steps: &[f64]) -> f64 {
        let mut layer = Dense::<1, 1, Identity, f64>::new(&mut SeededRng::new(0));
        layer.weight_mut()[0] = 2.0;
        let mut adam = Adam::<DenseGrads<1, 1, f64>>::new(config).unwrap();
        for &g in steps {
            let grads = DenseGrads {
                weight: vec![g],
                bias: vec![0.0],
            };
            adam.step(&mut layer, &grads);
        }
        layer.weight()[0]
    }

    /// Coupled decay is the L2 gradient `g + wd * p` fed to plain Adam,
    /// written out by hand for two steps.
    #[test]
    fn coupled_weight_decay_adds_the_penalty_gradient() {
        let config = AdamConfig {
            learning_rate: 0.1,
            weight_decay: 0.5,
            ..AdamConfig::pytorch()
        };
        let (mut p, mut m, mut v) = (2.0f64, 0.0, 0.0);
        for (t, g) in [(1, 0.3f64), (2, -0.7)] {
            let g = g + 0.5 * p;
            m = 0.9 * m + 0.1 * g;
            v = 0.999 * v + 0.001 * g * g;
            let m_hat = m / (1.0 - 0.9f64.powi(t));
            let v_hat = v / (1.0 - 0.999f64.powi(t));
            p -= 0.1 * m_hat / (v_hat.sqrt() + 1e-8);
        }
        assert!((train_one_weight(config, &[0.3, -0.7]) - p).abs() < 1e-14);
    }

    #[test]
    fn without_decay_adam_and_adamw_are_plain_adam_bit_for_bit() {
        let steps = [0.3, -0.1, 0.7, 1e-3];
        let plain = train_one_weight(AdamConfig::pytorch(), &steps);
        for decoupled_weight_decay in [false, true] {
            let config = AdamConfig {
                weight_decay: 0.0,
                decoupled_weight_decay,
                ..AdamConfig::pytorch()
            };
            assert_eq!(train_one_weight(config, &steps), plain);
        }
    }

    #[test]
    fn pytorch_and_keras_styles_differ_only_through_epsilon() {
        let run = |style| {
            let mut layer = Dense::<1, 1, Identity, f64>::new(&mut SeededRng::new(0));
            let config = AdamConfig {
                epsilon: 1e-30,
                epsilon_style: style,
                ..AdamConfig::pytorch()
            };
            let mut adam = Adam::<DenseGrads<1, 1, f64>>::new(config).unwrap();
            for g in [0.3, -0.1, 0.7] {
                adam.step(
                    &mut layer,
                    &DenseGrads {
                        weight: vec![g],
                        bias: vec![g],
                    },
                );
            }
            layer.weight()[0]
        };
        assert!((run(EpsilonStyle::PyTorch) - run(EpsilonStyle::Keras)).abs() < 1e-15);
    }

    #[test]
    fn out_of_range_hyper_parameters_are_named() {
        let bad = AdamConfig {
            beta2: 1.0,
            ..AdamConfig::keras()
        };
        let err = Adam::<DenseGrads<1, 1>>::new(bad).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid beta2: expected a value in [0, 1), found 1"
        );
        let nan = AdamConfig {
            learning_rate: f64::NAN,
            ..AdamConfig::keras()
        };
        assert!(Adam::<DenseGrads<1, 1>>::new(nan).is_err());
    }
}

//! Regression losses on the difference `d = output - target`, averaged over
//! each sample's outputs.

use super::{Loss, TargetKind, Targets, batch_size, value_rows};
use crate::Element;

/// Mean squared error: `d^2`, gradient `2 d`.
///
/// # Examples
///
/// ```
/// use nn_runtime::loss::{Loss, MeanSquaredError, Targets};
/// let sum = MeanSquaredError.sum(&[3.0f32, 0.0], Targets::Values(&[1.0, 0.0]), 2, None);
/// assert_eq!(sum, 2.0); // one sample: (4 + 0) / 2
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct MeanSquaredError;

/// Mean absolute error: `|d|`, gradient `sign(d)` (0 at `d = 0`, as PyTorch).
///
/// # Examples
///
/// ```
/// use nn_runtime::loss::{Loss, MeanAbsoluteError, Targets};
/// let sum = MeanAbsoluteError.sum(&[3.0f32, 0.0], Targets::Values(&[1.0, 1.0]), 2, None);
/// assert_eq!(sum, 1.5);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct MeanAbsoluteError;

/// Huber loss: `d^2 / 2` where `|d| <= delta`, else `delta * (|d| - delta / 2)`;
/// gradient `d` clipped to `[-delta, delta]`. Keras's and PyTorch's default
/// `delta` is 1.
///
/// # Examples
///
/// ```
/// use nn_runtime::loss::{Huber, Loss, Targets};
/// let huber = Huber { delta: 1.0 };
/// assert_eq!(huber.sum(&[0.5f64, 3.0], Targets::Values(&[0.0, 0.0]), 1, None), 0.125 + 2.5);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Huber {
    /// Where the loss turns from quadratic to linear; above 0.
    pub delta: f64,
}

impl Default for Huber {
    fn default() -> Self {
        Self { delta: 1.0 }
    }
}

impl Loss for MeanSquaredError {
    fn name(&self) -> &'static str {
        "mean_squared_error"
    }

    fn accepts(&self, kind: TargetKind) -> bool {
        kind == TargetKind::Values
    }

    fn sum<E: Element>(
        &self,
        outputs: &[E],
        targets: Targets<'_, E>,
        width: usize,
        grad: Option<&mut [E]>,
    ) -> f64 {
        let two = E::from_f64(2.0);
        let values = value_rows(self.name(), outputs, targets);
        elementwise(outputs, values, width, grad, |d| (d * d, two * d))
    }
}

impl Loss for MeanAbsoluteError {
    fn name(&self) -> &'static str {
        "mean_absolute_error"
    }

    fn accepts(&self, kind: TargetKind) -> bool {
        kind == TargetKind::Values
    }

    fn sum<E: Element>(
        &self,
        outputs: &[E],
        targets: Targets<'_, E>,
        width: usize,
        grad: Option<&mut [E]>,
    ) -> f64 {
        let values = value_rows(self.name(), outputs, targets);
        elementwise(outputs, values, width, grad, |d| {
            let sign = if d == E::zero() { d } else { d.signum() };
            (d.abs(), sign)
        })
    }
}

impl Loss for Huber {
    fn name(&self) -> &'static str {
        "huber"
    }

    fn accepts(&self, kind: TargetKind) -> bool {
        kind == TargetKind::Values
    }

    fn check(&self) -> crate::Result<()> {
        if self.delta.is_finite() && self.delta > 0.0 {
            Ok(())
        } else {
            Err(crate::Error::InvalidArgument {
                name: "delta",
                expected: "a positive finite Huber delta".to_owned(),
                found: self.delta.to_string(),
            })
        }
    }

    /// # Panics
    ///
    /// Also when `delta` is not positive and finite (see [`Loss::check`]).
    fn sum<E: Element>(
        &self,
        outputs: &[E],
        targets: Targets<'_, E>,
        width: usize,
        grad: Option<&mut [E]>,
    ) -> f64 {
        assert!(
            self.delta.is_finite() && self.delta > 0.0,
            "huber delta must be positive and finite, found {}",
            self.delta
        );
        let values = value_rows(self.name(), outputs, targets);
        let (delta, half) = (E::from_f64(self.delta), E::from_f64(0.5));
        elementwise(outputs, values, width, grad, |d| {
            if d.abs() <= delta {
                (half * d * d, d)
            } else {
                (delta * (d.abs() - half * delta), delta * d.signum())
            }
        })
    }
}

/// Sums `value(d) / width` over every output, and writes
/// `slope(d) / (samples * width)` into `grad`, where `loss(d) = (value, slope)`.
#[track_caller]
fn elementwise<E: Element>(
    outputs: &[E],
    targets: &[E],
    width: usize,
    mut grad: Option<&mut [E]>,
    loss: impl Fn(E) -> (E, E),
) -> f64 {
    let samples = batch_size(outputs, width, outputs.len() / width.max(1), &grad);
    let scale = E::one() / E::from_f64((samples * width) as f64);
    let mut total = 0.0;
    for (i, (&y, &t)) in outputs.iter().zip(targets).enumerate() {
        let (value, slope) = loss(y - t);
        total += value.into_f64();
        if let Some(grad) = grad.as_deref_mut() {
            grad[i] = slope * scale;
        }
    }
    total / width as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::check_vjp;

    /// Finite differences of the batch mean against the written gradient.
    fn check_gradient(loss: impl Loss + Copy, outputs: &[f64], targets: &[f64], width: usize) {
        let samples = outputs.len() / width;
        let mean =
            |y: &[f64]| vec![loss.sum(y, Targets::Values(targets), width, None) / samples as f64];
        check_vjp(
            mean,
            |y, dy| {
                let mut g = vec![0.0; y.len()];
                loss.sum(y, Targets::Values(targets), width, Some(&mut g));
                g.iter().map(|g| g * dy[0]).collect()
            },
            outputs,
            &[0.7],
        );
    }

    #[test]
    fn gradients_match_finite_differences() {
        // Differences kept away from the kinks (0 for MAE, +-delta for Huber).
        let outputs = [0.3, -1.2, 2.5, 0.9, -0.4, 1.7];
        let targets = [0.1, 0.4, -0.5, 0.2, 0.6, -2.0];
        check_gradient(MeanSquaredError, &outputs, &targets, 3);
        check_gradient(MeanAbsoluteError, &outputs, &targets, 2);
        check_gradient(Huber { delta: 1.0 }, &outputs, &targets, 3);
        check_gradient(Huber { delta: 0.25 }, &outputs, &targets, 1);
    }

    #[test]
    #[should_panic(expected = "mean_squared_error needs a row of target values per sample")]
    fn class_targets_are_refused_by_name() {
        MeanSquaredError.sum(&[0.0f32; 2], Targets::Classes(&[1]), 2, None);
    }
}

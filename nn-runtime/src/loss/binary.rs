//! Binary cross-entropy, one independent yes/no per output.

use super::{
    Loss, LossInput, TargetKind, Targets, batch_size, check_probability_targets, clip_keeping_nan,
    value_rows,
};
use crate::Element;

/// Probabilities are clipped to `[CLIP, 1 - CLIP]` before their logarithm
/// (Keras's `epsilon()`), so a confident wrong answer costs about 16, not infinity.
const CLIP: f64 = 1e-7;

/// Binary cross-entropy `-(t ln p + (1 - t) ln(1 - p))` per output, averaged
/// over each sample's outputs; targets `t` in `[0, 1]`.
///
/// From logits (`p = sigmoid(z)`), the loss is computed fused and stable as
/// `max(z, 0) - z t + ln(1 + exp(-|z|))`, with gradient `sigmoid(z) - t`:
/// logit 100 with target 0 costs 100, not infinity or NaN. From probabilities,
/// `p` is clipped to `[1e-7, 1 - 1e-7]` (Keras), and the gradient is 0 where
/// the clip holds.
///
/// # Examples
///
/// ```
/// use nn_runtime::loss::{BinaryCrossEntropy, Loss, Targets};
/// let bce = BinaryCrossEntropy { from_logits: true };
/// let mut grad = [0.0f32];
/// let loss = bce.sum(&[100.0f32], Targets::Values(&[0.0]), 1, Some(&mut grad));
/// assert_eq!((loss, grad), (100.0, [1.0]));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BinaryCrossEntropy {
    /// Whether the outputs are logits (no sigmoid layer) rather than probabilities.
    pub from_logits: bool,
}

impl Loss for BinaryCrossEntropy {
    fn name(&self) -> &'static str {
        "binary_crossentropy"
    }

    fn accepts(&self, kind: TargetKind) -> bool {
        kind == TargetKind::Values
    }

    fn binary_threshold(&self) -> f64 {
        if self.from_logits { 0.0 } else { 0.5 }
    }

    fn input(&self) -> LossInput {
        LossInput::from_logits(self.from_logits)
    }

    fn check_targets(&self, values: &[f32], width: usize) -> crate::Result<()> {
        check_probability_targets(self.name(), values, width)
    }

    fn sum<E: Element>(
        &self,
        outputs: &[E],
        targets: Targets<'_, E>,
        width: usize,
        mut grad: Option<&mut [E]>,
    ) -> f64 {
        let targets = value_rows(self.name(), outputs, targets);
        let samples = batch_size(outputs, width, outputs.len() / width.max(1), &grad);
        let scale = E::one() / E::from_f64((samples * width) as f64);
        let (low, high) = (E::from_f64(CLIP), E::from_f64(1.0 - CLIP));
        let mut total = 0.0;
        for (i, (&y, &t)) in outputs.iter().zip(targets).enumerate() {
            let (value, slope) = if self.from_logits {
                let value = y.max(E::zero()) - y * t + (-y.abs()).exp().ln_1p();
                (value, sigmoid(y) - t)
            } else {
                let p = clip_keeping_nan(y, low, high);
                let value = -(t * p.ln() + (E::one() - t) * (E::one() - p).ln());
                let slope = if p == y {
                    (p - t) / (p * (E::one() - p))
                } else {
                    E::zero()
                };
                (value, slope)
            };
            total += value.into_f64();
            if let Some(grad) = grad.as_deref_mut() {
                grad[i] = slope * scale;
            }
        }
        total / width as f64
    }
}

/// `1 / (1 + exp(-z))` without overflow for large `|z|`.
fn sigmoid<E: Element>(z: E) -> E {
    if z >= E::zero() {
        E::one() / (E::one() + (-z).exp())
    } else {
        let e = z.exp();
        e / (E::one() + e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::check_vjp;

    #[test]
    fn gradients_match_finite_differences() {
        let targets = [1.0, 0.0, 0.3, 1.0, 0.0, 0.5];
        for (from_logits, outputs) in [
            (true, [2.0, -1.5, 0.2, -3.0, 4.0, 0.0]),
            (false, [0.9, 0.2, 0.35, 0.05, 0.6, 0.5]),
        ] {
            let bce = BinaryCrossEntropy { from_logits };
            let mean = |y: &[f64]| vec![bce.sum(y, Targets::Values(&targets), 2, None) / 3.0];
            check_vjp(
                mean,
                |y, dy| {
                    let mut g = vec![0.0; y.len()];
                    bce.sum(y, Targets::Values(&targets), 2, Some(&mut g));
                    g.iter().map(|g| g * dy[0]).collect()
                },
                &outputs,
                &[1.1],
            );
        }
    }

    #[test]
    fn extreme_inputs_stay_finite() {
        let logits = BinaryCrossEntropy { from_logits: true };
        let mut grad = [0.0f32; 4];
        let sum = logits.sum(
            &[1e30f32, -1e30, 100.0, -100.0],
            Targets::Values(&[0.0, 1.0, 1.0, 0.0]),
            1,
            Some(&mut grad),
        );
        assert_eq!(sum, 2.0 * f64::from(1e30f32));
        assert_eq!(grad[..3], [0.25, -0.25, 0.0]);
        assert!(grad[3].abs() < 1e-40);
        // Certain and wrong probabilities cost -ln(1e-7) each, with no gradient.
        let probabilities = BinaryCrossEntropy { from_logits: false };
        let mut grad = [1.0f64; 2];
        let sum = probabilities.sum(
            &[1.0, 0.0],
            Targets::Values(&[0.0, 1.0]),
            1,
            Some(&mut grad),
        );
        assert!((sum - 2.0 * -CLIP.ln()).abs() < 1e-6, "{sum}");
        assert_eq!(grad, [0.0, 0.0]);
    }
}

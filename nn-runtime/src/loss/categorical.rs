//! Categorical cross-entropy with class-index, one-hot or soft targets.

use super::{
    Loss, LossInput, TargetKind, Targets, batch_size, check_probability_targets, clip_keeping_nan,
};
use crate::Element;

/// Probabilities are clipped to `[CLIP, 1 - CLIP]` before their logarithm, as Keras does.
const CLIP: f64 = 1e-7;

/// Cross-entropy `-sum_j t_j ln p_j` per sample, for a distribution `p` over
/// the outputs and targets `t` given as class indices (the sparse form,
/// `t` one-hot) or as rows of one-hot or soft probabilities.
///
/// From logits, `ln p = z - logsumexp(z)`, computed around `max z` so that
/// logits of 1000 stay exact; the gradient is `softmax(z) * sum(t) - t`. From
/// probabilities (a softmax layer last), the outputs are first scaled to sum
/// to 1 and clipped to `[1e-7, 1 - 1e-7]`, as Keras does.
///
/// # Examples
///
/// ```
/// use nn_runtime::loss::{CategoricalCrossEntropy, Loss, Targets};
/// let ce = CategoricalCrossEntropy { from_logits: true };
/// let logits = [0.0f64, 0.0];
/// let soft = ce.sum(&logits, Targets::Values(&[0.5, 0.5]), 2, None);
/// let sparse = ce.sum(&logits, Targets::Classes(&[1]), 2, None);
/// assert!((soft - 2f64.ln()).abs() < 1e-15 && (sparse - 2f64.ln()).abs() < 1e-15);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CategoricalCrossEntropy {
    /// Whether the outputs are logits rather than probabilities.
    pub from_logits: bool,
}

impl Loss for CategoricalCrossEntropy {
    fn name(&self) -> &'static str {
        "categorical_crossentropy"
    }

    fn accepts(&self, _kind: TargetKind) -> bool {
        true
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
        let samples = match targets {
            Targets::Classes(classes) => classes.len(),
            Targets::Values(values) => values.len() / width.max(1),
        };
        let samples = batch_size(outputs, width, samples, &grad);
        if let Targets::Values(values) = targets {
            assert_eq!(
                values.len(),
                outputs.len(),
                "{}: {} target values for {} outputs",
                self.name(),
                values.len(),
                outputs.len()
            );
        }
        let inv_batch = E::one() / E::from_f64(samples as f64);
        let mut total = 0.0;
        for (sample, row) in outputs.chunks_exact(width).enumerate() {
            let target = |j: usize| match targets {
                Targets::Classes(classes) => {
                    let class = classes[sample];
                    assert!(class < width, "label {class} is not below {width} classes");
                    if j == class { E::one() } else { E::zero() }
                }
                Targets::Values(values) => values[sample * width + j],
            };
            let grad_row = grad
                .as_deref_mut()
                .map(|g| &mut g[sample * width..(sample + 1) * width]);
            total += if self.from_logits {
                from_logits(row, target, grad_row, inv_batch)
            } else {
                from_probabilities(row, target, grad_row, inv_batch)
            };
        }
        total
    }
}

/// One sample's loss from logits `z`; writes `scale * (softmax(z) sum(t) - t)`.
fn from_logits<E: Element>(
    z: &[E],
    target: impl Fn(usize) -> E,
    grad: Option<&mut [E]>,
    scale: E,
) -> f64 {
    let max = z.iter().fold(E::neg_infinity(), |m, &v| m.max(v));
    let sum_exp = z.iter().fold(E::zero(), |acc, &v| acc + (v - max).exp());
    let log_sum_exp = sum_exp.ln() + max;
    let mut loss = E::zero();
    let mut target_mass = E::zero();
    for (j, &v) in z.iter().enumerate() {
        let t = target(j);
        if t != E::zero() {
            loss += t * (log_sum_exp - v);
        }
        target_mass += t;
    }
    if let Some(grad) = grad {
        for (j, (g, &v)) in grad.iter_mut().zip(z).enumerate() {
            *g = ((v - max).exp() / sum_exp * target_mass - target(j)) * scale;
        }
    }
    loss.into_f64()
}

/// One sample's loss from probabilities `p` (rescaled to sum to 1, clipped).
fn from_probabilities<E: Element>(
    p: &[E],
    target: impl Fn(usize) -> E,
    grad: Option<&mut [E]>,
    scale: E,
) -> f64 {
    let (low, high) = (E::from_f64(CLIP), E::from_f64(1.0 - CLIP));
    let total = p.iter().fold(E::zero(), |acc, &v| acc + v);
    // All zeros (a dropout after the softmax): every q is clipped to `low`.
    let total = if total == E::zero() {
        E::min_positive_value()
    } else {
        total
    };
    let clipped = |j: usize| {
        let q = p[j] / total;
        (clip_keeping_nan(q, low, high), q >= low && q <= high)
    };
    let mut loss = E::zero();
    // sum_j t_j u_j, where u_j says q_j was not clipped: the part of the
    // gradient that flows through the normalisation.
    let mut unclipped_mass = E::zero();
    for j in 0..p.len() {
        let (q, inside) = clipped(j);
        let t = target(j);
        if t != E::zero() {
            loss -= t * q.ln();
        }
        if inside {
            unclipped_mass += t;
        }
    }
    if let Some(grad) = grad {
        for (j, g) in grad.iter_mut().enumerate() {
            let (q, inside) = clipped(j);
            let direct = if inside { -target(j) / q } else { E::zero() };
            *g = (direct + unclipped_mass) / total * scale;
        }
    }
    loss.into_f64()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::check_vjp;

    fn check_gradient(ce: CategoricalCrossEntropy, outputs: &[f64], targets: Targets<'_, f64>) {
        let mean = |y: &[f64]| vec![ce.sum(y, targets, 3, None) / 2.0];
        check_vjp(
            mean,
            |y, dy| {
                let mut g = vec![0.0; y.len()];
                ce.sum(y, targets, 3, Some(&mut g));
                g.iter().map(|g| g * dy[0]).collect()
            },
            outputs,
            &[0.9],
        );
    }

    #[test]
    fn gradients_match_finite_differences() {
        let soft = [0.2, 0.5, 0.3, 0.0, 0.9, 0.1];
        let logits = [1.2, -0.3, 0.4, 2.0, 0.1, -1.0];
        let probabilities = [0.2, 0.5, 0.3, 0.1, 0.6, 0.3];
        for from_logits in [true, false] {
            let ce = CategoricalCrossEntropy { from_logits };
            let outputs = if from_logits { &logits } else { &probabilities };
            check_gradient(ce, outputs, Targets::Values(&soft));
            check_gradient(ce, outputs, Targets::Classes(&[2, 0]));
        }
    }

    #[test]
    fn class_targets_equal_one_hot_rows_and_the_sparse_loss() {
        let logits = [3.0f64, -1.0, 0.5, 1000.0, -1000.0, 0.0];
        let ce = CategoricalCrossEntropy { from_logits: true };
        let (mut g_sparse, mut g_one_hot) = ([0.0; 6], [0.0; 6]);
        let sparse = ce.sum(&logits, Targets::Classes(&[0, 1]), 3, Some(&mut g_sparse));
        let one_hot = [1.0, 0.0, 0.0, 0.0, 1.0, 0.0];
        let dense = ce.sum(&logits, Targets::Values(&one_hot), 3, Some(&mut g_one_hot));
        assert_eq!((sparse, g_sparse), (dense, g_one_hot));
        let fast = super::super::SparseCrossEntropy::forward(&logits, &[0, 1], 3);
        assert!((fast.loss_sum - sparse).abs() < 1e-12);
    }
}

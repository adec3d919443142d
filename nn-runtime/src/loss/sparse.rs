//! Sparse categorical cross-entropy from logits: the loss `fit` trains with.

use super::{BatchStats, Loss, LossInput, TargetKind, Targets, argmax};
use crate::Element;

/// Sparse categorical cross-entropy from logits, averaged over the batch.
///
/// Per sample: `loss = logsumexp(z) - z[label]`, computed as
/// `log(sum exp(z - max z)) + max z - z[label]` so that logits of `1e8` give
/// finite, correct values. Its gradient is `(softmax(z) - onehot(label)) / batch`.
///
/// # Examples
///
/// ```
/// use nn_runtime::loss::SparseCrossEntropy;
/// let logits = [1e8f32, 0.0, 0.0, 1e8];
/// let mut grad = [0.0f32; 4];
/// let stats = SparseCrossEntropy::forward_backward(&logits, &[0, 0], &mut grad, 2);
/// assert_eq!(stats.loss_sum, 1e8); // sample 0 is certain and right, sample 1 certain and wrong
/// assert_eq!(stats.correct, 1);
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct SparseCrossEntropy;

impl SparseCrossEntropy {
    /// Loss totals of a batch of logits (`labels.len() x classes`), without a gradient.
    ///
    /// # Panics
    ///
    /// When `logits` is not `labels.len() x classes` or a label is not below `classes`.
    #[track_caller]
    pub fn forward<E: Element>(logits: &[E], labels: &[usize], classes: usize) -> BatchStats {
        Self::run(logits, labels, None, classes)
    }

    /// Loss totals, and the gradient of the *mean* loss written into `grad`.
    ///
    /// # Panics
    ///
    /// When the lengths disagree or a label is not below `classes`.
    #[track_caller]
    pub fn forward_backward<E: Element>(
        logits: &[E],
        labels: &[usize],
        grad: &mut [E],
        classes: usize,
    ) -> BatchStats {
        assert_eq!(
            grad.len(),
            logits.len(),
            "gradient and logits differ in length"
        );
        Self::run(logits, labels, Some(grad), classes)
    }

    #[track_caller]
    fn run<E: Element>(
        logits: &[E],
        labels: &[usize],
        mut grad: Option<&mut [E]>,
        classes: usize,
    ) -> BatchStats {
        assert_eq!(
            logits.len(),
            labels.len() * classes,
            "{} logits do not make {} samples of {classes} classes",
            logits.len(),
            labels.len()
        );
        let batch = labels.len();
        let inv_batch = E::one() / E::from_f64(batch as f64);
        let mut stats = BatchStats {
            samples: batch,
            ..BatchStats::default()
        };
        for (sample, (row, &label)) in logits.chunks_exact(classes).zip(labels).enumerate() {
            assert!(
                label < classes,
                "label {label} is not below {classes} classes"
            );
            let (best, max) = argmax(row);
            let sum_exp = row.iter().fold(E::zero(), |acc, &v| acc + (v - max).exp());
            let log_sum_exp = sum_exp.ln() + max;
            stats.loss_sum += (log_sum_exp - row[label]).into_f64();
            stats.correct += usize::from(best == label);
            if let Some(grad) = grad.as_deref_mut() {
                let out = &mut grad[sample * classes..(sample + 1) * classes];
                for (g, &v) in out.iter_mut().zip(row) {
                    *g = (v - max).exp() / sum_exp * inv_batch;
                }
                out[label] -= inv_batch;
            }
        }
        stats
    }
}

impl Loss for SparseCrossEntropy {
    fn name(&self) -> &'static str {
        "sparse_categorical_crossentropy"
    }

    fn accepts(&self, kind: TargetKind) -> bool {
        kind == TargetKind::Classes
    }

    fn input(&self) -> LossInput {
        LossInput::Logits
    }

    fn sum<E: Element>(
        &self,
        outputs: &[E],
        targets: Targets<'_, E>,
        width: usize,
        grad: Option<&mut [E]>,
    ) -> f64 {
        let Targets::Classes(labels) = targets else {
            panic!("{} needs one class index per sample", self.name())
        };
        match grad {
            Some(grad) => Self::forward_backward(outputs, labels, grad, width).loss_sum,
            None => Self::forward(outputs, labels, width).loss_sum,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::check_vjp;

    #[test]
    fn gradient_matches_finite_differences() {
        let labels = [2, 0, 1];
        let z: Vec<f64> = (0..12).map(|i| ((i * 5 % 7) as f64 - 3.0) * 0.7).collect();
        let loss = |z: &[f64]| vec![SparseCrossEntropy::forward(z, &labels, 4).mean_loss()];
        check_vjp(
            loss,
            |z, dy| {
                let mut g = vec![0.0; z.len()];
                SparseCrossEntropy::forward_backward(z, &labels, &mut g, 4);
                g.iter().map(|g| g * dy[0]).collect()
            },
            &z,
            &[1.3],
        );
    }

    #[test]
    fn huge_logits_give_finite_exact_values() {
        // logsumexp(1e8, -1e8, 0) = 1e8; the loss is 1e8 - z[label].
        let z = [1e8f32, -1e8, 0.0];
        let mut g = [0.0f32; 3];
        let right = SparseCrossEntropy::forward_backward(&z, &[0], &mut g, 3);
        assert_eq!((right.loss_sum, right.correct), (0.0, 1));
        assert_eq!(g, [0.0, 0.0, 0.0]);
        let wrong = SparseCrossEntropy::forward_backward(&z, &[1], &mut g, 3);
        assert_eq!((wrong.loss_sum, wrong.correct), (2e8, 0));
        assert_eq!(g, [1.0, -1.0, 0.0]);
    }

    #[test]
    fn uniform_logits_cost_log_classes() {
        let stats = SparseCrossEntropy::forward(&[0.0f64; 10], &[3], 10);
        assert!((stats.loss_sum - 10f64.ln()).abs() < 1e-12);
    }
}

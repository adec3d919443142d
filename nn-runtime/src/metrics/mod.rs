//! Metrics: figures reported alongside the loss, aggregated over samples
//! (never as a mean of batch means).

mod confusion;

pub use confusion::ConfusionMatrix;

use crate::Element;
use crate::loss::{Targets, argmax};

/// A figure to report during training and evaluation.
///
/// Classification metrics take the predicted class as the largest output
/// (or, with a single output, `output >= threshold`: 0.5 for a sigmoid's
/// probability, 0 for a logit; see [`MetricTally::with_threshold`]), and the actual
/// class from a class index or as the largest value of a one-hot target row.
///
/// # Examples
///
/// ```
/// use nn_runtime::metrics::Metric;
/// assert_eq!(Metric::TopK(5).name(), "top_5_accuracy");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Metric {
    /// Fraction of samples whose predicted class is right.
    Accuracy,
    /// Fraction of samples whose class is among the `k` largest outputs.
    TopK(usize),
    /// `1 - accuracy`.
    ErrorRate,
    /// Macro-averaged precision.
    Precision,
    /// Macro-averaged recall.
    Recall,
    /// Macro-averaged F1.
    F1,
    /// Mean of `(output - target)^2` over every output.
    MeanSquaredError,
    /// Mean of `|output - target|` over every output.
    MeanAbsoluteError,
}

impl Metric {
    /// The metric's name in logs and histories (Keras's, where it has one).
    pub fn name(&self) -> String {
        match self {
            Metric::Accuracy => "accuracy".to_owned(),
            Metric::TopK(k) => format!("top_{k}_accuracy"),
            Metric::ErrorRate => "error_rate".to_owned(),
            Metric::Precision => "precision".to_owned(),
            Metric::Recall => "recall".to_owned(),
            Metric::F1 => "f1".to_owned(),
            Metric::MeanSquaredError => "mse".to_owned(),
            Metric::MeanAbsoluteError => "mae".to_owned(),
        }
    }

    /// Whether a larger value is better (for early stopping and checkpoints).
    pub fn higher_is_better(&self) -> bool {
        !matches!(
            self,
            Metric::ErrorRate | Metric::MeanSquaredError | Metric::MeanAbsoluteError
        )
    }

    /// Whether the metric compares an output with a row of target values.
    pub(crate) fn needs_values(&self) -> bool {
        matches!(self, Metric::MeanSquaredError | Metric::MeanAbsoluteError)
    }
}

/// Running totals of metrics over the samples seen so far.
///
/// # Examples
///
/// ```
/// use nn_runtime::loss::Targets;
/// use nn_runtime::metrics::{Metric, MetricTally};
/// let mut tally = MetricTally::new(3);
/// let outputs = [0.1f32, 0.7, 0.2, 0.5, 0.1, 0.4];
/// tally.record(&outputs, Targets::Classes(&[1, 2]), 3);
/// assert_eq!(tally.value(Metric::Accuracy), Some(0.5));
/// assert_eq!(tally.value(Metric::TopK(2)), Some(1.0));
/// assert_eq!(tally.value(Metric::MeanSquaredError), None); // class targets only
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct MetricTally {
    confusion: ConfusionMatrix,
    /// Per sample, how many outputs beat the actual class's output.
    rank_counts: Vec<u64>,
    squared_error: f64,
    absolute_error: f64,
    values: u64,
    samples: u64,
    threshold: f64,
}

impl MetricTally {
    /// Empty totals for outputs of `width` values (classes).
    pub fn new(width: usize) -> Self {
        Self {
            confusion: ConfusionMatrix::new(width.max(2)),
            rank_counts: vec![0; width.max(2)],
            squared_error: 0.0,
            absolute_error: 0.0,
            values: 0,
            samples: 0,
            threshold: 0.5,
        }
    }

    /// Classes a single output as 1 from `threshold` up (0.5 unless set; 0
    /// for a logit, as [`crate::loss::Loss::binary_threshold`] says).
    ///
    /// ```
    /// use nn_runtime::loss::Targets;
    /// use nn_runtime::metrics::{Metric, MetricTally};
    /// let mut logits = MetricTally::new(1).with_threshold(0.0);
    /// logits.record(&[0.2f32, -1.0], Targets::Values(&[1.0, 0.0]), 1);
    /// assert_eq!(logits.value(Metric::Accuracy), Some(1.0));
    /// ```
    pub fn with_threshold(mut self, threshold: f64) -> Self {
        self.threshold = threshold;
        self
    }

    /// Adds a batch of `outputs` (samples of `width` values) and their targets.
    ///
    /// # Panics
    ///
    /// When the lengths disagree or a class index is out of range.
    #[track_caller]
    pub fn record<E: Element>(&mut self, outputs: &[E], targets: Targets<'_, E>, width: usize) {
        assert!(
            width > 0 && outputs.len().is_multiple_of(width),
            "{} outputs do not make samples of {width}",
            outputs.len()
        );
        let samples = outputs.len() / width;
        if let Targets::Values(values) = targets {
            assert_eq!(
                values.len(),
                outputs.len(),
                "targets and outputs differ in length"
            );
            for (&y, &t) in outputs.iter().zip(values) {
                let d = (y - t).into_f64();
                self.squared_error += d * d;
                self.absolute_error += d.abs();
            }
            self.values += outputs.len() as u64;
        }
        for (sample, row) in outputs.chunks_exact(width).enumerate() {
            let actual = match targets {
                Targets::Classes(classes) => classes[sample],
                Targets::Values(values) if width == 1 => {
                    usize::from(values[sample].into_f64() >= 0.5)
                }
                Targets::Values(values) => argmax(&values[sample * width..(sample + 1) * width]).0,
            };
            let predicted = if width == 1 {
                usize::from(row[0].into_f64() >= self.threshold)
            } else {
                argmax(row).0
            };
            self.confusion.record(actual, predicted);
            if width > 1 {
                let beaten_by = row.iter().filter(|&&v| v > row[actual]).count();
                self.rank_counts[beaten_by] += 1;
            }
        }
        self.samples += samples as u64;
    }

    /// Adds another tally's totals (of the same width).
    ///
    /// # Panics
    ///
    /// When the widths differ.
    #[track_caller]
    pub fn merge(&mut self, other: &MetricTally) {
        self.confusion.merge(&other.confusion);
        for (mine, theirs) in self.rank_counts.iter_mut().zip(&other.rank_counts) {
            *mine += theirs;
        }
        self.squared_error += other.squared_error;
        self.absolute_error += other.absolute_error;
        self.values += other.values;
        self.samples += other.samples;
    }

    /// The metric over every sample recorded; `None` for a regression metric
    /// when only class targets were seen, or when nothing was recorded.
    pub fn value(&self, metric: Metric) -> Option<f64> {
        if self.samples == 0 || (metric.needs_values() && self.values == 0) {
            return None;
        }
        let c = &self.confusion;
        Some(match metric {
            Metric::Accuracy => c.accuracy(),
            Metric::TopK(k) => {
                let hits: u64 = self.rank_counts.iter().take(k).sum();
                hits as f64 / self.samples as f64
            }
            Metric::ErrorRate => 1.0 - c.accuracy(),
            Metric::Precision => c.macro_precision(),
            Metric::Recall => c.macro_recall(),
            Metric::F1 => c.macro_f1(),
            Metric::MeanSquaredError => self.squared_error / self.values as f64,
            Metric::MeanAbsoluteError => self.absolute_error / self.values as f64,
        })
    }

    /// The confusion matrix of every sample recorded.
    pub fn confusion_matrix(&self) -> &ConfusionMatrix {
        &self.confusion
    }

    /// Samples recorded.
    pub fn samples(&self) -> u64 {
        self.samples
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totals_are_over_samples_not_batch_means() {
        // Batches of 1 and 3 samples: the mean of batch accuracies would be (1 + 1/3) / 2.
        let mut tally = MetricTally::new(2);
        tally.record(&[0.0f32, 1.0], Targets::Classes(&[1]), 2);
        tally.record(
            &[1.0f32, 0.0, 1.0, 0.0, 0.0, 1.0],
            Targets::Classes(&[1, 1, 1]),
            2,
        );
        assert_eq!(tally.value(Metric::Accuracy), Some(0.5));
        assert_eq!(tally.value(Metric::ErrorRate), Some(0.5));
        assert_eq!(tally.samples(), 4);
    }

    #[test]
    fn regression_errors_and_one_hot_rows() {
        let mut tally = MetricTally::new(2);
        let outputs = [0.9f64, 0.1, 0.2, 0.8];
        tally.record(&outputs, Targets::Values(&[1.0, 0.0, 1.0, 0.0]), 2);
        assert_eq!(tally.value(Metric::Accuracy), Some(0.5));
        let mse = tally.value(Metric::MeanSquaredError).unwrap();
        assert!((mse - (0.01 + 0.01 + 0.64 + 0.64) / 4.0).abs() < 1e-12);
        let mae = tally.value(Metric::MeanAbsoluteError).unwrap();
        assert!((mae - 1.8 / 4.0).abs() < 1e-12);
    }

    #[test]
    fn a_single_sigmoid_output_is_thresholded_at_one_half() {
        let mut tally = MetricTally::new(1);
        tally.record(&[0.7f32, 0.2, 0.6], Targets::Values(&[1.0, 0.0, 0.0]), 1);
        assert_eq!(tally.value(Metric::Accuracy), Some(2.0 / 3.0));
        assert_eq!(tally.confusion_matrix().count(0, 1), 1);
    }

    #[test]
    fn top_k_counts_ties_in_the_labels_favour() {
        let mut tally = MetricTally::new(4);
        tally.record(&[0.4f32, 0.3, 0.3, 0.0], Targets::Classes(&[2]), 4);
        assert_eq!(tally.value(Metric::TopK(1)), Some(0.0));
        assert_eq!(tally.value(Metric::TopK(2)), Some(1.0));
        assert_eq!(tally.value(Metric::TopK(4)), Some(1.0));
    }
}

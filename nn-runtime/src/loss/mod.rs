//! Losses: per-sample values and the gradient of their batch mean with
//! respect to the network's outputs.
//!
//! Every loss implements [`Loss`]. A per-sample loss is the sum over classes
//! for the cross-entropies and the mean over the sample's outputs for the
//! element-wise losses (binary cross-entropy, MSE, MAE, Huber), so the batch
//! mean equals both Keras's and PyTorch's `mean` reduction.

mod binary;
mod categorical;
mod regression;
mod sparse;

pub use binary::BinaryCrossEntropy;
pub use categorical::CategoricalCrossEntropy;
pub use regression::{Huber, MeanAbsoluteError, MeanSquaredError};
pub use sparse::SparseCrossEntropy;

use crate::Element;

/// The targets of one batch: a class index per sample, or a row of values per
/// sample (one-hot or soft class probabilities, 0/1 labels, regression values).
///
/// # Examples
///
/// ```
/// use nn_runtime::loss::{TargetKind, Targets};
/// assert_eq!(Targets::<f32>::Classes(&[3, 1]).kind(), TargetKind::Classes);
/// ```
#[derive(Clone, Copy, Debug)]
pub enum Targets<'a, E> {
    /// One class index per sample.
    Classes(&'a [usize]),
    /// One row of `width` values per sample, row after row.
    Values(&'a [E]),
}

/// What a loss reads from the network: logits, probabilities, or plain values.
///
/// # Examples
///
/// ```
/// use nn_runtime::loss::{BinaryCrossEntropy, Loss, LossInput, MeanSquaredError};
/// assert_eq!(BinaryCrossEntropy { from_logits: true }.input(), LossInput::Logits);
/// assert_eq!(MeanSquaredError.input(), LossInput::Values);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LossInput {
    /// Logits: a softmax or sigmoid is applied inside the loss.
    Logits,
    /// Probabilities from a softmax or sigmoid layer.
    Probabilities,
    /// Any values (regression losses).
    Values,
}

impl LossInput {
    /// What a cross-entropy with a `from_logits` setting reads.
    pub fn from_logits(from_logits: bool) -> Self {
        if from_logits {
            LossInput::Logits
        } else {
            LossInput::Probabilities
        }
    }
}

/// Which kind of [`Targets`] a loss reads.
///
/// # Examples
///
/// ```
/// use nn_runtime::loss::{Loss, MeanSquaredError, TargetKind};
/// assert!(!MeanSquaredError.accepts(TargetKind::Classes));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TargetKind {
    /// Class indices.
    Classes,
    /// Rows of values.
    Values,
}

impl<E> Targets<'_, E> {
    /// Which kind of targets these are.
    pub fn kind(&self) -> TargetKind {
        match self {
            Targets::Classes(_) => TargetKind::Classes,
            Targets::Values(_) => TargetKind::Values,
        }
    }
}

/// `v` clipped to `[low, high]`, a NaN left NaN (`f32::max` would turn it into
/// `low` and hide broken weights behind a finite loss).
fn clip_keeping_nan<E: Element>(v: E, low: E, high: E) -> E {
    if v < low {
        low
    } else if v > high {
        high
    } else {
        v
    }
}

/// Checks every target value of `loss_name` lies in `[0, 1]`.
fn check_probability_targets(loss_name: &str, values: &[f32], width: usize) -> crate::Result<()> {
    match values.iter().position(|v| !(0.0..=1.0).contains(v)) {
        None => Ok(()),
        Some(at) => Err(crate::Error::InvalidArgument {
            name: "targets",
            expected: format!("target values in [0, 1] for {loss_name}"),
            found: format!(
                "{} at value {} of sample {}",
                values[at],
                at % width.max(1),
                at / width.max(1)
            ),
        }),
    }
}

/// A training objective over a batch of network outputs.
///
/// # Examples
///
/// ```
/// use nn_runtime::loss::{Loss, MeanSquaredError, Targets};
/// let outputs = [1.0f64, 3.0];
/// let mut grad = [0.0; 2];
/// // Two samples of one output: squared errors 1 and 1, batch mean gradient (y - t) * 2 / 2.
/// let sum = MeanSquaredError.sum(&outputs, Targets::Values(&[0.0, 4.0]), 1, Some(&mut grad));
/// assert_eq!((sum, grad), (2.0, [1.0, -1.0]));
/// ```
pub trait Loss {
    /// Keras's name for the loss, as shown in logs.
    fn name(&self) -> &'static str;

    /// Whether this loss reads targets of `kind`.
    fn accepts(&self, kind: TargetKind) -> bool;

    /// Where a single output turns from class 0 to class 1, for metrics:
    /// 0.5 for probabilities, 0 for a logit.
    fn binary_threshold(&self) -> f64 {
        0.5
    }

    /// What the loss reads from the network; `fit` and `evaluate` refuse a
    /// network whose last layer gives the other kind.
    fn input(&self) -> LossInput {
        LossInput::Values
    }

    /// Checks that target values lie in the range the loss is defined on
    /// (`[0, 1]` for the cross-entropies), so a mistake in the data is an
    /// error rather than a negative loss.
    ///
    /// # Errors
    ///
    /// [`crate::Error::InvalidArgument`] naming the first value out of range.
    fn check_targets(&self, values: &[f32], width: usize) -> crate::Result<()> {
        let _ = (values, width);
        Ok(())
    }

    /// Checks the loss's own settings, so `fit` and `evaluate` refuse bad
    /// ones before training instead of panicking in [`sum`](Self::sum).
    ///
    /// # Errors
    ///
    /// [`crate::Error::InvalidArgument`] naming the setting.
    fn check(&self) -> crate::Result<()> {
        Ok(())
    }

    /// The sum over the batch of the per-sample losses of `outputs` (samples
    /// of `width` values, row after row). With `grad`, also writes the
    /// gradient of the batch *mean* with respect to `outputs` into it.
    ///
    /// # Panics
    ///
    /// When the lengths disagree, the targets are of a kind the loss does not
    /// accept, or a class index is not below `width`.
    fn sum<E: Element>(
        &self,
        outputs: &[E],
        targets: Targets<'_, E>,
        width: usize,
        grad: Option<&mut [E]>,
    ) -> f64;
}

/// Checks `outputs` and `grad` are `samples x width`; returns `samples`.
#[track_caller]
fn batch_size<E>(outputs: &[E], width: usize, samples: usize, grad: &Option<&mut [E]>) -> usize {
    assert!(
        width > 0 && outputs.len() == samples * width,
        "{} outputs do not make {samples} samples of {width}",
        outputs.len()
    );
    if let Some(grad) = grad {
        assert_eq!(
            grad.len(),
            outputs.len(),
            "gradient and outputs differ in length"
        );
    }
    samples
}

/// The value rows of `targets`, checked to be as long as `outputs`.
#[track_caller]
fn value_rows<'a, E>(name: &str, outputs: &[E], targets: Targets<'a, E>) -> &'a [E] {
    match targets {
        Targets::Values(values) => {
            assert_eq!(
                values.len(),
                outputs.len(),
                "{name}: {} target values for {} outputs",
                values.len(),
                outputs.len()
            );
            values
        }
        Targets::Classes(_) => {
            panic!("{name} needs a row of target values per sample, not class indices")
        }
    }
}

/// Loss and accuracy totals over one batch.
///
/// # Examples
///
/// ```
/// let stats = nn_runtime::loss::BatchStats { loss_sum: 1.5, correct: 1, samples: 2 };
/// assert_eq!(stats.mean_loss(), 0.75);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct BatchStats {
    /// Sum of per-sample losses (not a mean, so batches of any size add up).
    pub loss_sum: f64,
    /// Samples whose largest output is the label.
    pub correct: usize,
    /// Samples counted.
    pub samples: usize,
}

impl BatchStats {
    /// Mean loss per sample.
    pub fn mean_loss(&self) -> f64 {
        self.loss_sum / self.samples.max(1) as f64
    }

    /// Fraction of samples classified correctly.
    pub fn accuracy(&self) -> f64 {
        self.correct as f64 / self.samples.max(1) as f64
    }

    /// Adds another batch's totals.
    pub fn add(&mut self, other: BatchStats) {
        self.loss_sum += other.loss_sum;
        self.correct += other.correct;
        self.samples += other.samples;
    }
}

/// The index and value of the largest element (the first one on ties).
pub(crate) fn argmax<E: Element>(row: &[E]) -> (usize, E) {
    let mut best = (0, E::neg_infinity());
    for (i, &v) in row.iter().enumerate() {
        if v > best.1 {
            best = (i, v);
        }
    }
    best
}

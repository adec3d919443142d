//! Loss and metrics over a whole data set.

use super::{check_batch_size, check_data};
use crate::data::{BatchTargets, Dataset};
use crate::gemm::FlushDenormals;
use crate::loss::Loss;
use crate::metrics::{ConfusionMatrix, Metric, MetricTally};
use crate::shape::Shape;
use crate::{Network, Result};

/// Figures over a data set, computed over samples (not as a mean of batch
/// means): the mean loss and every metric, read off the tally.
///
/// # Examples
///
/// See [`evaluate`].
#[derive(Clone, Debug, PartialEq)]
pub struct Evaluation {
    /// Mean loss per sample, weight penalties included.
    pub loss: f64,
    /// Samples evaluated.
    pub samples: usize,
    /// Totals every metric is read from.
    pub tally: MetricTally,
}

impl Evaluation {
    /// Fraction of samples whose predicted class is right.
    pub fn accuracy(&self) -> f64 {
        self.tally.confusion_matrix().accuracy()
    }

    /// `1 - accuracy`.
    pub fn error_rate(&self) -> f64 {
        1.0 - self.accuracy()
    }

    /// Any metric; `None` for a regression metric on class labels.
    pub fn value(&self, metric: Metric) -> Option<f64> {
        self.tally.value(metric)
    }

    /// Actual against predicted classes.
    pub fn confusion_matrix(&self) -> &ConfusionMatrix {
        self.tally.confusion_matrix()
    }
}

/// `loss` and every metric of `model` over `data`, in batches of `batch_size`
/// (inference mode: no dropout, batch norm on its running statistics).
///
/// # Errors
///
/// [`crate::Error::InvalidArgument`] when the batch size is 0, the data is
/// empty, or does not fit the network or the loss.
///
/// # Examples
///
/// ```
/// use ndarray::array;
/// use nn_runtime::data::Dataset;
/// use nn_runtime::loss::SparseCrossEntropy;
/// use nn_runtime::metrics::Metric;
/// use nn_runtime::train::evaluate;
/// # use nn_runtime::{testing::Tiny, Network};
/// let data = Dataset::new(array![[0.0f32, 1.0], [1.0, 0.0]], vec![1, 0], 2)?;
/// let eval = evaluate(&Tiny::from_seed(1), &SparseCrossEntropy, &data, 32)?;
/// assert_eq!(eval.samples, 2);
/// assert_eq!(eval.value(Metric::TopK(2)), Some(1.0));
/// # Ok::<(), nn_runtime::Error>(())
/// ```
pub fn evaluate<N: Network<f32>, L: Loss>(
    model: &N,
    loss: &L,
    data: &Dataset,
    batch_size: usize,
) -> Result<Evaluation> {
    check_batch_size(batch_size)?;
    check_data::<N>(data, loss, "evaluation")?;
    let _flush = FlushDenormals::enable();
    let width = <N::Output as Shape>::NUMEL;
    let mut cache = N::Cache::default();
    let (mut x, mut targets) = (Vec::new(), BatchTargets::default());
    let mut tally = MetricTally::new(width).with_threshold(loss.binary_threshold());
    let mut loss_sum = 0.0;
    let indices: Vec<usize> = (0..data.len()).collect();
    for chunk in indices.chunks(batch_size) {
        data.gather(chunk, &mut x, &mut targets);
        let outputs = model.forward(&x, &mut cache);
        loss_sum += loss.sum(outputs, targets.targets(), width, None);
        tally.record(outputs, targets.targets(), width);
    }
    Ok(Evaluation {
        loss: loss_sum / data.len() as f64 + model.penalty(None),
        samples: data.len(),
        tally,
    })
}

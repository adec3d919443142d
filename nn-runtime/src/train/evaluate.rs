//! Loss and accuracy over a whole data set.

use super::{check_batch_size, check_data, gather};
use crate::data::Dataset;
use crate::gemm::FlushDenormals;
use crate::loss::{BatchStats, SparseCrossEntropy};
use crate::shape::Shape;
use crate::{Network, Result};

/// Test-set figures, computed over samples (not as a mean of batch means).
///
/// # Examples
///
/// ```
/// let eval = nn_runtime::train::Evaluation { loss: 0.08, accuracy: 0.977, samples: 10_000 };
/// assert!((eval.error_rate() - 0.023).abs() < 1e-12);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Evaluation {
    /// Mean cross-entropy per sample.
    pub loss: f64,
    /// Fraction classified correctly.
    pub accuracy: f64,
    /// Samples evaluated.
    pub samples: usize,
}

impl Evaluation {
    /// `1 - accuracy`.
    pub fn error_rate(&self) -> f64 {
        1.0 - self.accuracy
    }
}

/// Sparse categorical cross-entropy and accuracy of `model` over `data`.
///
/// # Errors
///
/// [`crate::Error::InvalidArgument`] when the batch size is 0, the data is
/// empty, or its features or classes do not fit the network.
///
/// # Examples
///
/// ```
/// use ndarray::array;
/// use nn_runtime::data::Dataset;
/// use nn_runtime::train::evaluate;
/// # use nn_runtime::{testing::Tiny, Network};
/// let data = Dataset::new(array![[0.0f32, 1.0], [1.0, 0.0]], vec![1, 0], 2)?;
/// let eval = evaluate(&Tiny::from_seed(1), &data, 32)?;
/// assert_eq!(eval.samples, 2);
/// # Ok::<(), nn_runtime::Error>(())
/// ```
pub fn evaluate<N: Network<f32>>(
    model: &N,
    data: &Dataset,
    batch_size: usize,
) -> Result<Evaluation> {
    check_batch_size(batch_size)?;
    check_data::<N>(data)?;
    let _flush = FlushDenormals::enable();
    let mut cache = N::Cache::default();
    let (mut x, mut labels) = (Vec::new(), Vec::new());
    let mut total = BatchStats::default();
    let indices: Vec<usize> = (0..data.len()).collect();
    for chunk in indices.chunks(batch_size) {
        gather(data, chunk, &mut x, &mut labels);
        let logits = model.forward(&x, &mut cache);
        total.add(SparseCrossEntropy::forward(
            logits,
            &labels,
            <N::Output as Shape>::NUMEL,
        ));
    }
    Ok(Evaluation {
        loss: total.mean_loss(),
        accuracy: total.accuracy(),
        samples: total.samples,
    })
}

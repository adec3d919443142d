//! The training loop.

use std::time::Instant;

use super::{check_batch_size, check_data, gather};
use crate::data::Dataset;
use crate::gemm::FlushDenormals;
use crate::loss::{BatchStats, SparseCrossEntropy};
use crate::optim::Optimizer;
use crate::rng::SeededRng;
use crate::shape::Shape;
use crate::{Cache, Element, Network, Result};

/// How to train.
///
/// # Examples
///
/// ```
/// use nn_runtime::train::FitOptions;
/// let options = FitOptions { epochs: 10, ..FitOptions::default() };
/// assert_eq!(options.batch_size, 32); // Keras's default
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FitOptions {
    /// Passes over the data.
    pub epochs: usize,
    /// Samples per update; the last batch of an epoch may be smaller.
    pub batch_size: usize,
    /// Seeds the shuffles.
    pub seed: u64,
    /// Shuffle the samples before every epoch.
    pub shuffle: bool,
}

impl Default for FitOptions {
    fn default() -> Self {
        Self {
            epochs: 1,
            batch_size: 32,
            seed: 0,
            shuffle: true,
        }
    }
}

/// Totals of one training epoch.
///
/// # Examples
///
/// ```
/// let report = nn_runtime::train::EpochReport {
///     epoch: 1, loss: 0.25, accuracy: 0.9, seconds: 2.0, samples: 60_000,
/// };
/// assert_eq!(report.samples_per_second(), 30_000.0);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EpochReport {
    /// 1-based epoch number.
    pub epoch: usize,
    /// Mean training loss over the epoch's samples (before each batch's update).
    pub loss: f64,
    /// Training accuracy over the epoch's samples.
    pub accuracy: f64,
    /// Wall-clock seconds the epoch took.
    pub seconds: f64,
    /// Samples trained on.
    pub samples: usize,
}

impl EpochReport {
    /// Training throughput.
    pub fn samples_per_second(&self) -> f64 {
        self.samples as f64 / self.seconds.max(f64::MIN_POSITIVE)
    }
}

/// What happened during `fit`, epoch by epoch.
///
/// # Examples
///
/// ```
/// let history = nn_runtime::train::History::default();
/// assert_eq!(history.train_seconds(), 0.0);
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct History {
    /// One report per finished epoch.
    pub epochs: Vec<EpochReport>,
}

impl History {
    /// Seconds spent in all epochs together.
    pub fn train_seconds(&self) -> f64 {
        self.epochs.iter().fold(0.0, |total, e| total + e.seconds)
    }
}

/// Sent to the progress callback of [`fit`].
///
/// # Examples
///
/// ```
/// use nn_runtime::train::Progress;
/// fn show(event: Progress<'_>) {
///     if let Progress::Epoch(report) = event {
///         println!("epoch {} loss {:.4}", report.epoch, report.loss);
///     }
/// }
/// ```
#[derive(Clone, Copy, Debug)]
pub enum Progress<'a> {
    /// An epoch starts.
    EpochStart {
        /// 1-based epoch number.
        epoch: usize,
        /// Batches it will run.
        batches: usize,
    },
    /// A batch finished.
    Batch {
        /// 1-based epoch number.
        epoch: usize,
        /// Batches finished so far in this epoch.
        done: usize,
        /// Totals so far in this epoch.
        running: &'a BatchStats,
    },
    /// An epoch finished.
    Epoch(&'a EpochReport),
}

/// Mixed into the seed for the dropout stream (an arbitrary odd constant).
const DROPOUT_STREAM: u64 = 0x9e37_79b9_7f4a_7c15;

/// One update on one batch: forward, loss, backward, optimizer step.
///
/// The forward pass runs in training mode, with dropout masks drawn from
/// `rng`. Returns the batch's loss and accuracy before the update. `cache` and
/// `grads` are reused buffers: after the first call with a given batch size,
/// a step allocates nothing. Hold a [`FlushDenormals`] guard around a loop of
/// steps for full speed, as [`fit`] does.
///
/// # Panics
///
/// When `x` is not `labels.len()` samples or a label is out of range.
///
/// # Examples
///
/// See [`fit`], which calls it once per batch.
pub fn train_step<E, N, O>(
    model: &mut N,
    optimizer: &mut O,
    x: &[E],
    labels: &[usize],
    cache: &mut N::Cache,
    grads: &mut N::Grads,
    rng: &mut SeededRng,
) -> BatchStats
where
    E: Element,
    N: Network<E>,
    O: Optimizer<E, N, N::Grads>,
{
    model.forward_train(x, cache, rng);
    let (logits, grad) = cache.output_and_grad();
    let stats =
        SparseCrossEntropy::forward_backward(logits, labels, grad, <N::Output as Shape>::NUMEL);
    model.backward(x, cache, grads);
    optimizer.step(model, grads);
    stats
}

/// Trains `model` on `data` with sparse categorical cross-entropy from logits.
///
/// Calls `on_progress` at each epoch's start, after every batch and at each
/// epoch's end; returns the per-epoch history. Subnormal floats are flushed to
/// zero while it runs (see [`FlushDenormals`]).
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
/// use nn_runtime::optim::{Adam, AdamConfig};
/// use nn_runtime::train::{fit, FitOptions};
/// # use nn_runtime::{testing::Tiny, Network};
/// let data = Dataset::new(array![[0.0f32, 1.0], [1.0, 0.0]], vec![1, 0], 2)?;
/// let mut model = Tiny::from_seed(1);
/// let mut adam = Adam::new(AdamConfig::keras())?;
/// let history = fit(&mut model, &mut adam, &data, &FitOptions::default(), |_| {})?;
/// assert_eq!(history.epochs.len(), 1);
/// # Ok::<(), nn_runtime::Error>(())
/// ```
pub fn fit<N, O>(
    model: &mut N,
    optimizer: &mut O,
    data: &Dataset,
    options: &FitOptions,
    mut on_progress: impl FnMut(Progress<'_>),
) -> Result<History>
where
    N: Network<f32>,
    O: Optimizer<f32, N, N::Grads>,
{
    check_batch_size(options.batch_size)?;
    check_data::<N>(data)?;
    let _flush = FlushDenormals::enable();
    let mut order: Vec<usize> = (0..data.len()).collect();
    let mut rng = SeededRng::new(options.seed);
    // Dropout draws from its own stream, so adding it leaves the order of
    // batches that the seed gives unchanged.
    let mut dropout_rng = SeededRng::new(options.seed ^ DROPOUT_STREAM);
    let mut cache = N::Cache::default();
    let mut grads = N::Grads::default();
    let largest_batch = options.batch_size.min(data.len());
    let mut x = Vec::with_capacity(largest_batch * data.features_per_sample());
    let mut labels = Vec::with_capacity(largest_batch);
    let batches = data.len().div_ceil(options.batch_size);
    let mut history = History::default();
    for epoch in 1..=options.epochs {
        if options.shuffle {
            rng.shuffle(&mut order);
        }
        on_progress(Progress::EpochStart { epoch, batches });
        let start = Instant::now();
        let mut running = BatchStats::default();
        for (done, indices) in order.chunks(options.batch_size).enumerate() {
            gather(data, indices, &mut x, &mut labels);
            running.add(train_step(
                model,
                optimizer,
                &x,
                &labels,
                &mut cache,
                &mut grads,
                &mut dropout_rng,
            ));
            on_progress(Progress::Batch {
                epoch,
                done: done + 1,
                running: &running,
            });
        }
        let report = EpochReport {
            epoch,
            loss: running.mean_loss(),
            accuracy: running.accuracy(),
            seconds: start.elapsed().as_secs_f64(),
            samples: running.samples,
        };
        on_progress(Progress::Epoch(&report));
        history.epochs.push(report);
    }
    Ok(history)
}

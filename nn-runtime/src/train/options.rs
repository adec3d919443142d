//! The settings of `fit`.

use std::path::PathBuf;

use super::{Augmentation, Schedule, Verbosity};
use crate::metrics::Metric;
use crate::optim::Clip;

/// How to train: Keras's `fit` arguments, with clipping and a schedule.
///
/// # Examples
///
/// ```
/// use nn_runtime::metrics::Metric;
/// use nn_runtime::train::FitOptions;
/// let options = FitOptions {
///     epochs: 10,
///     validation_split: Some(0.1),
///     metrics: vec![Metric::Accuracy],
///     ..FitOptions::default()
/// };
/// assert_eq!(options.batch_size, 32); // Keras's default
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct FitOptions {
    /// Passes over the data.
    pub epochs: usize,
    /// Samples per update; the last batch of an epoch may be smaller.
    pub batch_size: usize,
    /// Seeds the shuffles and the dropout masks.
    pub seed: u64,
    /// Shuffle the samples before every epoch.
    pub shuffle: bool,
    /// Hold out this last fraction of the data (before shuffling, as Keras)
    /// for validation, unless validation data is passed to `fit`.
    pub validation_split: Option<f64>,
    /// Figures reported besides the loss, on training and validation data.
    pub metrics: Vec<Metric>,
    /// Bound on the gradients before each update.
    pub clip: Option<Clip>,
    /// How the learning rate moves from epoch to epoch.
    pub schedule: Option<Schedule>,
    /// Random flips, rotations and shifts of training images (the network's
    /// input must be an image `[channels, height, width]`).
    pub augment: Option<Augmentation>,
    /// What `fit` prints.
    pub verbosity: Verbosity,
    /// A training checkpoint (Keras's `BackupAndRestore`): after every epoch
    /// (before the callbacks run) `fit` saves the weights, the optimizer's
    /// state, the schedule's position, the random generators, the sample
    /// order and the history there, atomically; when the file exists as `fit`
    /// starts, training continues from it, exactly as if it had never
    /// stopped. Callbacks pick up where they stood (see
    /// [`Callback::on_resume`](crate::train::Callback::on_resume)) when they are
    /// passed in the same order. The file is removed when training ends
    /// without error.
    pub backup: Option<PathBuf>,
}

impl Default for FitOptions {
    fn default() -> Self {
        Self {
            epochs: 1,
            batch_size: 32,
            seed: 0,
            shuffle: true,
            validation_split: None,
            metrics: Vec::new(),
            clip: None,
            schedule: None,
            augment: None,
            verbosity: Verbosity::Auto,
            backup: None,
        }
    }
}

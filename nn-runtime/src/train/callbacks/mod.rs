//! Hooks into `fit`: early stopping, checkpoints, CSV logs, stopping on NaN,
//! progress display, and any user-defined [`Callback`].

mod checkpoint;
mod csv_logger;
mod early_stopping;
mod progress;
mod terminate_on_nan;

pub use checkpoint::ModelCheckpoint;
pub use csv_logger::CsvLogger;
pub use early_stopping::EarlyStopping;
pub use progress::{ProgressLogger, Verbosity};
pub use terminate_on_nan::TerminateOnNan;

use super::{EpochReport, History};
use crate::Result;
use crate::metrics::{Metric, MetricTally};

/// Whether training goes on after a callback has run.
///
/// # Examples
///
/// ```
/// use nn_runtime::train::Signal;
/// assert_ne!(Signal::Stop, Signal::Continue);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Signal {
    /// Keep training.
    Continue,
    /// Finish this epoch's report and stop.
    Stop,
}

/// Where an epoch stands after a batch.
///
/// # Examples
///
/// ```
/// use nn_runtime::metrics::{Metric, MetricTally};
/// use nn_runtime::train::BatchReport;
/// let tally = MetricTally::new(2);
/// let report = BatchReport {
///     epoch: 1, done: 3, batches: 10, samples: 96, loss: 0.5, tally: &tally, metrics: &[Metric::Accuracy],
/// };
/// assert_eq!(report.figures(), vec![("loss".to_owned(), 0.5)]); // nothing tallied yet
/// ```
#[derive(Clone, Copy, Debug)]
pub struct BatchReport<'a> {
    /// 1-based epoch number.
    pub epoch: usize,
    /// Batches finished so far in this epoch.
    pub done: usize,
    /// Batches in the epoch.
    pub batches: usize,
    /// Samples trained on so far in this epoch.
    pub samples: usize,
    /// Mean loss per sample so far in this epoch (`NaN` once a batch diverged).
    pub loss: f64,
    /// Metric totals so far in this epoch.
    pub tally: &'a MetricTally,
    /// The metrics `fit` reports.
    pub metrics: &'a [Metric],
}

impl BatchReport<'_> {
    /// The running loss and metrics, by name.
    pub fn figures(&self) -> Vec<(String, f64)> {
        let metrics = self
            .metrics
            .iter()
            .filter_map(|m| self.tally.value(*m).map(|v| (m.name(), v)));
        std::iter::once(("loss".to_owned(), self.loss))
            .chain(metrics)
            .collect()
    }
}

/// Code run by `fit` at fixed points of training; every method has a default
/// that does nothing, so a callback implements only what it needs. An error
/// from a callback ends `fit` with that error.
///
/// # Examples
///
/// ```
/// use nn_runtime::train::{Callback, EpochReport, Signal};
/// /// Stops as soon as training accuracy reaches a target.
/// struct GoodEnough(f64);
/// impl<N> Callback<N> for GoodEnough {
///     fn on_epoch_end(&mut self, report: &EpochReport, _model: &N) -> nn_runtime::Result<Signal> {
///         let reached = report.get("accuracy").is_some_and(|a| a >= self.0);
///         Ok(if reached { Signal::Stop } else { Signal::Continue })
///     }
/// }
/// ```
pub trait Callback<N> {
    /// Training is about to start.
    ///
    /// # Errors
    ///
    /// Any error ends `fit` with it.
    fn on_train_begin(&mut self, epochs: usize) -> Result<()> {
        let _ = epochs;
        Ok(())
    }

    /// An epoch of `batches` batches starts.
    ///
    /// # Errors
    ///
    /// Any error ends `fit` with it.
    fn on_epoch_begin(&mut self, epoch: usize, batches: usize) -> Result<()> {
        let _ = (epoch, batches);
        Ok(())
    }

    /// A batch has been trained on.
    ///
    /// # Errors
    ///
    /// Any error ends `fit` with it.
    fn on_batch_end(&mut self, batch: &BatchReport<'_>) -> Result<Signal> {
        let _ = batch;
        Ok(Signal::Continue)
    }

    /// An epoch has finished, validation included; `model` holds its weights.
    ///
    /// # Errors
    ///
    /// Any error ends `fit` with it.
    fn on_epoch_end(&mut self, report: &EpochReport, model: &N) -> Result<Signal> {
        let _ = (report, model);
        Ok(Signal::Continue)
    }

    /// Training continues from a backup ([`FitOptions::backup`]) after the
    /// epochs of `history`, before [`on_train_begin`](Self::on_train_begin).
    /// The callback should pick up where it stood: `model` holds the weights
    /// after the last of those epochs, and `kept` is the model this callback
    /// handed to the backup through [`kept_model`](Self::kept_model). The
    /// backup is written before the callbacks see an epoch, so the last epoch
    /// of `history` may be one the callback has not seen yet. Returning
    /// [`Signal::Stop`] ends training at once.
    ///
    /// [`FitOptions::backup`]: crate::train::FitOptions::backup
    ///
    /// # Errors
    ///
    /// Any error ends `fit` with it.
    fn on_resume(&mut self, history: &History, model: &N, kept: Option<N>) -> Result<Signal> {
        let _ = (history, model, kept);
        Ok(Signal::Continue)
    }

    /// Before training, `fit` passes the names of the figures every epoch
    /// will report (`loss`, the metrics, their `val_` forms with validation
    /// data, `learning_rate`), so that a callback can refuse a misspelled
    /// monitor before any training instead of after the first epoch.
    ///
    /// # Errors
    ///
    /// Any error ends `fit` with it, before training.
    fn check_figures(&self, figures: &[&str]) -> Result<()> {
        let _ = figures;
        Ok(())
    }

    /// A copy of the model this callback holds (such as the best weights of
    /// [`EarlyStopping`]), for `fit` to save in its backup and hand back to
    /// [`on_resume`](Self::on_resume).
    fn kept_model(&self) -> Option<&N> {
        None
    }

    /// Training has ended, normally or stopped; the callback may change the model.
    ///
    /// # Errors
    ///
    /// Any error ends `fit` with it.
    fn on_train_end(&mut self, history: &History, model: &mut N) -> Result<()> {
        let _ = (history, model);
        Ok(())
    }
}

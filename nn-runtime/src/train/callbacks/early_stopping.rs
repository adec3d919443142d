//! Stopping when a monitored figure stops improving.

use super::{Callback, Signal};
use crate::train::history::check_monitor;
use crate::train::schedule::{improved, lower_is_better};
use crate::train::{EpochReport, History};
use crate::{Error, Result};

/// Keras's `EarlyStopping`: stops once `monitor` has gone `patience` epochs
/// without improving by more than `min_delta`. Losses and errors improve
/// downwards, other figures (accuracy, F1, ...) upwards.
///
/// With `restore_best_weights`, the model ends training with the weights of
/// its best epoch, whether or not patience ran out (Keras restores them only
/// when it stops early).
///
/// # Examples
///
/// ```
/// use nn_runtime::testing::Tiny;
/// use nn_runtime::train::EarlyStopping;
/// let stop = EarlyStopping::<Tiny>::new("val_loss", 3).restore_best_weights();
/// assert_eq!(stop.best_epoch(), None);
/// ```
#[derive(Clone, Debug)]
pub struct EarlyStopping<N> {
    monitor: String,
    patience: usize,
    min_delta: f64,
    restore: bool,
    best: Option<(usize, f64)>,
    best_model: Option<N>,
    waited: usize,
    stopped_epoch: Option<usize>,
}

impl<N: Clone> EarlyStopping<N> {
    /// Watches figure `monitor` (such as `val_loss` or `val_accuracy`) with
    /// `patience` epochs of patience.
    pub fn new(monitor: &str, patience: usize) -> Self {
        Self {
            monitor: monitor.to_owned(),
            patience,
            min_delta: 0.0,
            restore: false,
            best: None,
            best_model: None,
            waited: 0,
            stopped_epoch: None,
        }
    }

    /// Counts only improvements larger than `min_delta` (absolute; `fit`
    /// refuses one that is not finite).
    pub fn min_delta(mut self, min_delta: f64) -> Self {
        self.min_delta = min_delta.abs();
        self
    }

    /// Puts the best epoch's weights back at the end of training.
    pub fn restore_best_weights(mut self) -> Self {
        self.restore = true;
        self
    }

    /// The best epoch so far and its figure.
    pub fn best_epoch(&self) -> Option<(usize, f64)> {
        self.best
    }

    /// The epoch training stopped after, if patience ran out.
    pub fn stopped_epoch(&self) -> Option<usize> {
        self.stopped_epoch
    }
}

impl<N: Clone> EarlyStopping<N> {
    /// Takes `value`, epoch `epoch`'s figure, into account; whether it is a
    /// new best.
    fn observe(&mut self, epoch: usize, value: f64) -> bool {
        // The value must beat the best by min_delta in the improving direction.
        let shifted = if lower_is_better(&self.monitor) {
            value + self.min_delta
        } else {
            value - self.min_delta
        };
        if improved(&self.monitor, shifted, self.best.map(|(_, best)| best)) {
            self.best = Some((epoch, value));
            self.waited = 0;
            return true;
        }
        self.waited += 1;
        false
    }
}

impl<N: Clone> Callback<N> for EarlyStopping<N> {
    fn on_epoch_end(&mut self, report: &EpochReport, model: &N) -> Result<Signal> {
        let value = report.require(&self.monitor, "early-stopping monitor")?;
        if self.observe(report.epoch, value) {
            if self.restore {
                self.best_model = Some(model.clone());
            }
            return Ok(Signal::Continue);
        }
        if self.waited >= self.patience {
            self.stopped_epoch = Some(report.epoch);
            return Ok(Signal::Stop);
        }
        Ok(Signal::Continue)
    }

    /// Replays the figures of the epochs before the last, takes back the best
    /// weights among them from the backup, then sees the last epoch as usual.
    fn on_resume(&mut self, history: &History, model: &N, kept: Option<N>) -> Result<Signal> {
        let Some((last, before)) = history.epochs.split_last() else {
            return Ok(Signal::Continue);
        };
        for report in before {
            let value = report.require(&self.monitor, "early-stopping monitor")?;
            self.observe(report.epoch, value);
        }
        if self.restore {
            if kept.is_none() && self.best.is_some() {
                return Err(Error::InvalidArgument {
                    name: "callbacks",
                    expected: "the callbacks of the interrupted run, in the same order (the \
                               backup keeps early stopping's best weights by its position)"
                        .to_owned(),
                    found: "no best weights in the backup for this early stopping".to_owned(),
                });
            }
            self.best_model = kept;
        }
        self.on_epoch_end(last, model)
    }

    fn on_train_begin(&mut self, _epochs: usize) -> Result<()> {
        if self.min_delta.is_finite() {
            Ok(())
        } else {
            Err(Error::InvalidArgument {
                name: "min_delta",
                expected: "a finite number".to_owned(),
                found: self.min_delta.to_string(),
            })
        }
    }

    fn check_figures(&self, figures: &[&str]) -> Result<()> {
        check_monitor(&self.monitor, figures, "early-stopping monitor")
    }

    fn kept_model(&self) -> Option<&N> {
        self.best_model.as_ref()
    }

    fn on_train_end(&mut self, _history: &History, model: &mut N) -> Result<()> {
        if let Some(best) = self.best_model.take() {
            *model = best;
        }
        Ok(())
    }
}

//! Saving the model's weights during training.

use std::path::PathBuf;

use super::{Callback, Signal};
use crate::persist::save_weights;
use crate::train::schedule::improved;
use crate::train::{EpochReport, History};
use crate::{Params, Result};

/// Keras's `ModelCheckpoint`: saves the weights (see [`crate::persist`]) after
/// every epoch, or only when `monitor` reaches a new best. Each file is
/// written to a temporary name and renamed, so an interrupted save never
/// replaces a good checkpoint with a broken one. A `{epoch}` in the path is
/// replaced by the epoch number.
///
/// # Examples
///
/// ```
/// use nn_runtime::train::ModelCheckpoint;
/// let best = ModelCheckpoint::best("checkpoints/best.safetensors", "val_accuracy");
/// let each = ModelCheckpoint::every_epoch("checkpoints/epoch-{epoch}.safetensors");
/// assert_eq!(best.saved(), &[] as &[std::path::PathBuf]);
/// # let _ = each;
/// ```
#[derive(Clone, Debug)]
pub struct ModelCheckpoint {
    path: String,
    monitor: Option<String>,
    best: Option<f64>,
    saved: Vec<PathBuf>,
}

impl ModelCheckpoint {
    /// Saves after every epoch.
    pub fn every_epoch(path: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            monitor: None,
            best: None,
            saved: Vec::new(),
        }
    }

    /// Saves only when figure `monitor` improves on every epoch before.
    pub fn best(path: impl Into<String>, monitor: &str) -> Self {
        Self {
            monitor: Some(monitor.to_owned()),
            ..Self::every_epoch(path)
        }
    }

    /// The files written so far, in order.
    pub fn saved(&self) -> &[PathBuf] {
        &self.saved
    }
}

impl ModelCheckpoint {
    /// Whether `report` calls for a save: always, or when its monitored
    /// figure is a new best (which it then records).
    fn wants(&mut self, report: &EpochReport) -> Result<bool> {
        let Some(monitor) = &self.monitor else {
            return Ok(true);
        };
        let value = report.require(monitor, "checkpoint monitor")?;
        if !improved(monitor, value, self.best) {
            return Ok(false);
        }
        self.best = Some(value);
        Ok(true)
    }
}

impl<N: Params<f32>> Callback<N> for ModelCheckpoint {
    fn on_epoch_end(&mut self, report: &EpochReport, model: &N) -> Result<Signal> {
        if !self.wants(report)? {
            return Ok(Signal::Continue);
        }
        let path = PathBuf::from(self.path.replace("{epoch}", &report.epoch.to_string()));
        save_weights(model, &path)?;
        self.saved.push(path);
        Ok(Signal::Continue)
    }

    /// Takes the best figure of the epochs before the last as its best (their
    /// files were written before the interruption), then sees the last epoch
    /// as usual: its file may not have been written yet.
    fn on_resume(&mut self, history: &History, model: &N, _kept: Option<N>) -> Result<Signal> {
        let Some((last, before)) = history.epochs.split_last() else {
            return Ok(Signal::Continue);
        };
        for report in before {
            self.wants(report)?;
        }
        self.on_epoch_end(last, model)
    }
}

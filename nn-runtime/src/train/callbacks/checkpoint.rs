//! Saving the model's weights during training.

use std::path::PathBuf;

use super::{Callback, Signal};
use crate::persist::save_weights;
use crate::train::history::check_monitor;
use crate::train::schedule::improved;
use crate::train::{EpochReport, History};
use crate::{Error, Params, Result};

/// Keras's `ModelCheckpoint`: saves the weights (see [`crate::persist`]) after
/// every epoch, or only when `monitor` reaches a new best. Each file is
/// written to a temporary name and renamed, so an interrupted save never
/// replaces a good checkpoint with a broken one. A `{epoch}` in the path is
/// replaced by the epoch number, and Keras's `{epoch:02d}` by the number
/// padded with zeros to that width; any other `{...}` is an error when
/// training starts.
///
/// # Examples
///
/// ```
/// use nn_runtime::train::ModelCheckpoint;
/// let best = ModelCheckpoint::best("checkpoints/best.safetensors", "val_accuracy");
/// let each = ModelCheckpoint::every_epoch("checkpoints/epoch-{epoch:03d}.safetensors");
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

    /// The file for `epoch`: the path with its placeholders filled in.
    fn file_for(&self, epoch: usize) -> Result<PathBuf> {
        let bad = |found: String| Error::InvalidArgument {
            name: "checkpoint path",
            expected: "a file path whose only placeholders are {epoch} or {epoch:0Nd}".to_owned(),
            found,
        };
        if self.path.is_empty() {
            return Err(bad("an empty path".to_owned()));
        }
        let mut file = String::new();
        let mut rest = self.path.as_str();
        while let Some(open) = rest.find('{') {
            file.push_str(&rest[..open]);
            let close = rest[open..]
                .find('}')
                .ok_or_else(|| bad(format!("an unclosed `{{` in {:?}", self.path)))?;
            let placeholder = &rest[open + 1..open + close];
            let width = match placeholder.strip_prefix("epoch") {
                Some("") => 0,
                Some(format) => format
                    .strip_prefix(":0")
                    .and_then(|f| f.strip_suffix('d'))
                    .and_then(|digits| digits.parse::<usize>().ok())
                    .filter(|&width| width <= 20)
                    .ok_or_else(|| bad(format!("{{{placeholder}}}")))?,
                None => return Err(bad(format!("{{{placeholder}}}"))),
            };
            file.push_str(&format!("{epoch:0width$}"));
            rest = &rest[open + close + 1..];
        }
        file.push_str(rest);
        Ok(PathBuf::from(file))
    }

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
        let path = self.file_for(report.epoch)?;
        save_weights(model, &path)?;
        self.saved.push(path);
        Ok(Signal::Continue)
    }

    fn on_train_begin(&mut self, _epochs: usize) -> Result<()> {
        self.file_for(1).map(|_| ())
    }

    fn check_figures(&self, figures: &[&str]) -> Result<()> {
        match &self.monitor {
            Some(monitor) => check_monitor(monitor, figures, "checkpoint monitor"),
            None => Ok(()),
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_placeholders_are_filled_and_others_refused() {
        let file = |path: &str| ModelCheckpoint::every_epoch(path).file_for(7);
        assert_eq!(file("m-{epoch}.st").unwrap(), PathBuf::from("m-7.st"));
        assert_eq!(
            file("{epoch:03d}/m-{epoch}.st").unwrap(),
            PathBuf::from("007/m-7.st")
        );
        for bad in [
            "",
            "m-{EPOCH}.st",
            "m-{epoch:2d}.st",
            "m-{loss}.st",
            "m-{epoch",
        ] {
            let error = file(bad).unwrap_err().to_string();
            assert!(
                error.starts_with("invalid checkpoint path: expected a file path whose only"),
                "{bad}: {error}"
            );
        }
    }
}

//! One CSV row of figures per epoch.

use std::fmt::Write as _;
use std::path::PathBuf;

use super::{Callback, Signal};
use crate::Result;
use crate::persist::write_atomically;
use crate::train::{EpochReport, History};

/// Keras's `CSVLogger`: a header `epoch,<figures...>,seconds` and a row per
/// epoch, the file rewritten atomically after each epoch so it is always
/// complete. A run resumed from a backup keeps the rows of the epochs before.
///
/// # Examples
///
/// ```
/// use nn_runtime::train::{Callback, CsvLogger, EpochReport};
/// let path = std::env::temp_dir().join(format!("nn-doc-log-{}.csv", std::process::id()));
/// let mut log = CsvLogger::new(&path);
/// let report = EpochReport { epoch: 1, figures: vec![("loss".into(), 0.5)], seconds: 1.25, samples: 10 };
/// Callback::<()>::on_epoch_end(&mut log, &report, &())?;
/// assert_eq!(std::fs::read_to_string(&path).unwrap(), "epoch,loss,seconds\n1,0.5,1.25\n");
/// # std::fs::remove_file(&path).unwrap();
/// # Ok::<(), nn_runtime::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct CsvLogger {
    path: PathBuf,
    text: String,
    columns: Vec<String>,
}

impl CsvLogger {
    /// Logs to `path`, replacing any file there.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self {
            path: path.into(),
            text: String::new(),
            columns: Vec::new(),
        }
    }
}

impl CsvLogger {
    /// Adds `report`'s row to the text of the file.
    fn add_row(&mut self, report: &EpochReport) {
        if self.columns.is_empty() {
            self.columns = report.figures.iter().map(|(n, _)| n.clone()).collect();
            self.text = format!("epoch,{},seconds\n", self.columns.join(","));
        }
        let _ = write!(self.text, "{}", report.epoch);
        for column in &self.columns {
            // A figure missing from this epoch stays an empty cell.
            let cell = report
                .get(column)
                .map(|v| v.to_string())
                .unwrap_or_default();
            let _ = write!(self.text, ",{cell}");
        }
        let _ = writeln!(self.text, ",{}", report.seconds);
    }
}

impl<N> Callback<N> for CsvLogger {
    fn on_epoch_end(&mut self, report: &EpochReport, _model: &N) -> Result<Signal> {
        self.add_row(report);
        write_atomically(&self.path, self.text.as_bytes())?;
        Ok(Signal::Continue)
    }

    /// Rewrites the rows of every epoch so far, so the log reads as if
    /// training had never stopped.
    fn on_resume(&mut self, history: &History, _model: &N, _kept: Option<N>) -> Result<Signal> {
        for report in &history.epochs {
            self.add_row(report);
        }
        write_atomically(&self.path, self.text.as_bytes())?;
        Ok(Signal::Continue)
    }
}

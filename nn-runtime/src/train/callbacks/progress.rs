//! What `fit` shows while it trains.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressStyle};

use super::{BatchReport, Callback, Signal};
use crate::Result;
use crate::train::EpochReport;

/// How much `fit` prints, on standard error.
///
/// # Examples
///
/// ```
/// use nn_runtime::train::Verbosity;
/// assert_eq!(Verbosity::default(), Verbosity::Auto);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Verbosity {
    /// A progress bar (ETA, running loss and metrics) on a terminal, then a
    /// line per epoch; only the lines when standard error is not a terminal.
    #[default]
    Auto,
    /// A line per epoch, never a bar.
    Lines,
    /// Nothing.
    Quiet,
}

/// Shows training progress as [`Verbosity`] asks; `fit` runs one itself.
///
/// # Examples
///
/// ```
/// use nn_runtime::train::{ProgressLogger, Verbosity};
/// let quiet = ProgressLogger::new(Verbosity::Quiet);
/// # let _ = quiet;
/// ```
#[derive(Debug)]
pub struct ProgressLogger {
    verbosity: Verbosity,
    epochs: usize,
    bar: Option<ProgressBar>,
}

/// Batches between updates of the bar's text (formatting every batch would
/// cost more than a small batch's training).
const REFRESH_EVERY: usize = 25;

impl ProgressLogger {
    /// A logger printing as `verbosity` asks.
    pub fn new(verbosity: Verbosity) -> Self {
        let verbosity = match verbosity {
            Verbosity::Auto if !std::io::stderr().is_terminal() => Verbosity::Lines,
            other => other,
        };
        Self {
            verbosity,
            epochs: 0,
            bar: None,
        }
    }
}

/// `name value` pairs, four decimals each.
fn show(figures: &[(String, f64)]) -> String {
    figures
        .iter()
        .map(|(name, value)| format!("{name} {value:.4}"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl<N> Callback<N> for ProgressLogger {
    fn on_train_begin(&mut self, epochs: usize) -> Result<()> {
        self.epochs = epochs;
        Ok(())
    }

    fn on_epoch_begin(&mut self, epoch: usize, batches: usize) -> Result<()> {
        if self.verbosity == Verbosity::Auto {
            let style =
                ProgressStyle::with_template("{prefix} [{bar:30}] {pos}/{len} ETA {eta} {msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar())
                    .progress_chars("=> ");
            let bar = ProgressBar::new(batches as u64).with_style(style);
            bar.set_prefix(format!("epoch {epoch}/{}", self.epochs));
            self.bar = Some(bar);
        }
        Ok(())
    }

    fn on_batch_end(&mut self, batch: &BatchReport<'_>) -> Result<Signal> {
        if let Some(bar) = &self.bar {
            bar.set_position(batch.done as u64);
            if batch.done.is_multiple_of(REFRESH_EVERY) || batch.done == batch.batches {
                bar.set_message(show(&batch.figures()));
            }
        }
        Ok(Signal::Continue)
    }

    fn on_epoch_end(&mut self, report: &EpochReport, _model: &N) -> Result<Signal> {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
        if self.verbosity != Verbosity::Quiet {
            eprintln!(
                "epoch {}/{}: {}; {:.2} s, {:.0} samples/s",
                report.epoch,
                self.epochs,
                show(&report.figures),
                report.seconds,
                report.samples_per_second()
            );
        }
        Ok(Signal::Continue)
    }
}

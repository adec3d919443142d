//! Stopping as soon as the loss stops being a number.

use super::{BatchReport, Callback, Signal};
use crate::Result;

/// Stops training after the first batch whose loss is NaN or infinite
/// (Keras's `TerminateOnNaN`): the weights are beyond repair, and every later
/// batch would only waste time.
///
/// # Examples
///
/// ```
/// use nn_runtime::metrics::MetricTally;
/// use nn_runtime::train::{BatchReport, Callback, Signal, TerminateOnNan};
/// let tally = MetricTally::new(2);
/// let batch = BatchReport { epoch: 1, done: 1, batches: 9, samples: 32, loss: f64::NAN, tally: &tally, metrics: &[] };
/// let signal = Callback::<()>::on_batch_end(&mut TerminateOnNan::default(), &batch)?;
/// assert_eq!(signal, Signal::Stop);
/// # Ok::<(), nn_runtime::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct TerminateOnNan {
    /// The epoch and batch that diverged, once one has.
    pub stopped_at: Option<(usize, usize)>,
}

impl<N> Callback<N> for TerminateOnNan {
    fn on_batch_end(&mut self, batch: &BatchReport<'_>) -> Result<Signal> {
        if batch.loss.is_finite() {
            return Ok(Signal::Continue);
        }
        self.stopped_at = Some((batch.epoch, batch.done));
        Ok(Signal::Stop)
    }
}

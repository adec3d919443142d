//! What `fit` reports: per-epoch figures, kept as a history.

/// The figures of one finished epoch, by Keras's names: `loss`, each
/// metric's name (`accuracy`, ...), `val_loss` and `val_<metric>` with
/// validation data, and `learning_rate`.
///
/// # Examples
///
/// ```
/// use nn_runtime::train::EpochReport;
/// let report = EpochReport {
///     epoch: 1,
///     figures: vec![("loss".into(), 0.25), ("val_loss".into(), 0.3)],
///     seconds: 2.0,
///     samples: 60_000,
/// };
/// assert_eq!(report.get("val_loss"), Some(0.3));
/// assert_eq!(report.samples_per_second(), 30_000.0);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct EpochReport {
    /// 1-based epoch number.
    pub epoch: usize,
    /// Named figures, in the order logs show them.
    pub figures: Vec<(String, f64)>,
    /// Wall-clock seconds of the training part of the epoch.
    pub seconds: f64,
    /// Samples trained on.
    pub samples: usize,
}

impl EpochReport {
    /// The figure called `name`, if the epoch has it.
    pub fn get(&self, name: &str) -> Option<f64> {
        self.figures
            .iter()
            .find(|(figure, _)| figure == name)
            .map(|&(_, value)| value)
    }

    /// The mean training loss per sample (before each batch's update).
    pub fn loss(&self) -> f64 {
        self.get("loss").unwrap_or(f64::NAN)
    }

    /// Training throughput.
    pub fn samples_per_second(&self) -> f64 {
        self.samples as f64 / self.seconds.max(f64::MIN_POSITIVE)
    }

    /// `name`'s value, or an error listing the figures there are.
    pub(crate) fn require(&self, name: &str, purpose: &'static str) -> crate::Result<f64> {
        self.get(name).ok_or_else(|| {
            let names: Vec<&str> = self.figures.iter().map(|(n, _)| n.as_str()).collect();
            unknown_monitor(name, &names, purpose)
        })
    }
}

/// Checks `monitor` is one of `figures` (the names each epoch reports); the
/// error, for setting `purpose`, lists them.
///
/// # Errors
///
/// [`crate::Error::InvalidArgument`] when it is not.
pub(crate) fn check_monitor(
    monitor: &str,
    figures: &[&str],
    purpose: &'static str,
) -> crate::Result<()> {
    if figures.contains(&monitor) {
        Ok(())
    } else {
        Err(unknown_monitor(monitor, figures, purpose))
    }
}

/// The error for `monitor`, the setting `purpose`, not being one of `figures`.
fn unknown_monitor(monitor: &str, figures: &[&str], purpose: &'static str) -> crate::Error {
    crate::Error::InvalidArgument {
        name: purpose,
        expected: format!(
            "one of the figures fit reports: {}",
            figures
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        found: format!("`{monitor}`"),
    }
}

/// What happened during `fit`, epoch by epoch.
///
/// # Examples
///
/// ```
/// let history = nn_runtime::train::History::default();
/// assert_eq!(history.train_seconds(), 0.0);
/// assert!(history.series("loss").is_empty());
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct History {
    /// One report per finished epoch.
    pub epochs: Vec<EpochReport>,
}

impl History {
    /// Seconds spent training in all epochs together.
    pub fn train_seconds(&self) -> f64 {
        self.epochs.iter().fold(0.0, |total, e| total + e.seconds)
    }

    /// The figure `name` of every epoch that has it, in order.
    pub fn series(&self, name: &str) -> Vec<f64> {
        self.epochs.iter().filter_map(|e| e.get(name)).collect()
    }

    /// Samples trained on over all epochs.
    pub fn samples(&self) -> usize {
        self.epochs.iter().map(|e| e.samples).sum()
    }
}

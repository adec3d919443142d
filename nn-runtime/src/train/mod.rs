//! Training and inference: `fit` with callbacks and schedules, `evaluate`,
//! `predict`.

mod augment;
mod callbacks;
mod evaluate;
mod fit;
mod history;
mod options;
mod plot;
mod predict;
mod schedule;

pub use augment::Augmentation;
pub use callbacks::{
    BatchReport, Callback, CsvLogger, EarlyStopping, ModelCheckpoint, ProgressLogger, Signal,
    TerminateOnNan, Verbosity,
};
pub use evaluate::{Evaluation, evaluate};
pub use fit::{StepBuffers, fit, train_step};
pub use history::{EpochReport, History};
pub use options::FitOptions;
pub use plot::history_svg;
pub use predict::{predict_classes, predict_proba};
pub use schedule::{Schedule, Scheduler};

use crate::data::Dataset;
use crate::loss::{Loss, LossInput, TargetKind};
use crate::metrics::Metric;
use crate::network::Output;
use crate::shape::Shape;
use crate::{Error, Network, Result};

/// Checks `loss`'s settings and that `data` fits `N` and `loss`: features per
/// sample, and targets of a kind the loss reads, as many classes or values as
/// the network outputs.
fn check_data<N: Network<f32>>(data: &Dataset, loss: &impl Loss, role: &str) -> Result<()> {
    loss.check()?;
    check_output::<N>(loss)?;
    let (inputs, outputs) = (<N::Input as Shape>::NUMEL, <N::Output as Shape>::NUMEL);
    let invalid = |expected: String, found: String| Error::InvalidArgument {
        name: "data",
        expected,
        found: format!("{found} in the {role} data"),
    };
    if data.features_per_sample() != inputs {
        return Err(invalid(
            format!("{inputs} features per sample (the network's input)"),
            format!("{} features per sample", data.features_per_sample()),
        ));
    }
    if data.is_empty() {
        return Err(invalid(
            "at least one sample".to_owned(),
            "an empty data set".to_owned(),
        ));
    }
    match (data.classes(), data.target_width()) {
        (Some(_), _) if !loss.accepts(TargetKind::Classes) => Err(invalid(
            format!(
                "a row of {outputs} target values per sample for {}",
                loss.name()
            ),
            "class labels".to_owned(),
        )),
        (Some(classes), _) if classes > outputs => Err(invalid(
            format!(
                "at most {outputs} {} (one per network output; a single sigmoid output \
                 trains on 0/1 target values with binary cross-entropy)",
                if outputs == 1 { "class" } else { "classes" }
            ),
            format!("{classes} classes"),
        )),
        (None, _) if !loss.accepts(TargetKind::Values) => Err(invalid(
            format!("class labels for {}", loss.name()),
            "rows of target values".to_owned(),
        )),
        (None, Some(width)) if width != outputs => Err(invalid(
            format!("{outputs} target values per sample (the network's output)"),
            format!("{width}"),
        )),
        _ => match data.values() {
            Some(values) => loss.check_targets(
                values.as_slice().unwrap_or_else(|| {
                    unreachable!("invariant: a data set's targets are in standard layout")
                }),
                outputs,
            ),
            None => Ok(()),
        },
    }
}

/// Checks `metrics` can all be computed on `data` and each is asked once.
fn check_metrics(metrics: &[Metric], data: &Dataset) -> Result<()> {
    let invalid = |expected: &str, found: String| {
        Err(Error::InvalidArgument {
            name: "metrics",
            expected: expected.to_owned(),
            found,
        })
    };
    for (at, metric) in metrics.iter().enumerate() {
        if *metric == Metric::TopK(0) {
            return invalid(
                "a top-k accuracy with k of at least 1",
                "TopK(0)".to_owned(),
            );
        }
        if metrics[..at].contains(metric) {
            return invalid("each metric once", format!("{} twice", metric.name()));
        }
        if metric.needs_values() && data.classes().is_some() {
            return invalid(
                "metrics that suit class labels (mse and mae need rows of target values)",
                metric.name(),
            );
        }
    }
    Ok(())
}

/// Checks `loss` reads what the network's last layer gives: logits for a
/// loss that applies its own softmax or sigmoid, probabilities otherwise.
fn check_output<N: Network<f32>>(loss: &impl Loss) -> Result<()> {
    let output = N::OUTPUT;
    let (expected, found) = match loss.input() {
        LossInput::Logits if output.is_probabilities() => {
            let fix = if loss.accepts(TargetKind::Values) {
                "set from_logits: false".to_owned()
            } else if <N::Output as Shape>::NUMEL == 1 {
                format!(
                    "use BinaryCrossEntropy {{ from_logits: false }} on 0/1 target values \
                     instead of {}",
                    loss.name()
                )
            } else {
                format!(
                    "use CategoricalCrossEntropy {{ from_logits: false }}, which takes class \
                     labels too, instead of {}",
                    loss.name()
                )
            };
            (
                format!(
                    "a loss that reads probabilities, as the network {}: {fix}, or remove \
                     the last activation",
                    output.describe()
                ),
                format!("{}, which reads logits", loss.name()),
            )
        }
        LossInput::Probabilities if output == Output::Linear => (
            format!(
                "a loss that reads logits, as the network {}: set from_logits: true, or \
                 end the network in a softmax or sigmoid",
                output.describe()
            ),
            format!("{} with from_logits: false", loss.name()),
        ),
        _ => return Ok(()),
    };
    Err(Error::InvalidArgument {
        name: "loss",
        expected,
        found,
    })
}

/// Checks a batch size is at least 1.
fn check_batch_size(batch_size: usize) -> Result<()> {
    if batch_size == 0 {
        return Err(Error::InvalidArgument {
            name: "batch_size",
            expected: "at least 1".to_owned(),
            found: "0".to_owned(),
        });
    }
    Ok(())
}

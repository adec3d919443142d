//! Training and inference loops: `fit`, `evaluate`, `predict`.

mod evaluate;
mod fit;
mod predict;

pub use evaluate::{Evaluation, evaluate};
pub use fit::{EpochReport, FitOptions, History, Progress, fit, train_step};
pub use predict::{predict_classes, predict_proba};

use crate::data::Dataset;
use crate::shape::Shape;
use crate::{Error, Network, Result};

/// Checks that `data` fits `N`: features per sample and class count.
fn check_data<N: Network<f32>>(data: &Dataset) -> Result<()> {
    let (inputs, outputs) = (<N::Input as Shape>::NUMEL, <N::Output as Shape>::NUMEL);
    if data.features_per_sample() != inputs {
        return Err(Error::InvalidArgument {
            name: "data",
            expected: format!("{inputs} features per sample (the network's input)"),
            found: format!("{} features per sample", data.features_per_sample()),
        });
    }
    if data.classes() > outputs {
        return Err(Error::InvalidArgument {
            name: "data",
            expected: format!(
                "at most {outputs} {} (one per network output; a single sigmoid output \
                 needs binary cross-entropy, which fit does not offer yet)",
                if outputs == 1 { "class" } else { "classes" }
            ),
            found: format!("{} classes", data.classes()),
        });
    }
    if data.is_empty() {
        return Err(Error::InvalidArgument {
            name: "data",
            expected: "at least one sample".to_owned(),
            found: "an empty data set".to_owned(),
        });
    }
    Ok(())
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

/// Copies the samples `indices` of `data` into `x` and their labels into `labels`.
fn gather(data: &Dataset, indices: &[usize], x: &mut Vec<f32>, labels: &mut Vec<usize>) {
    x.clear();
    labels.clear();
    for &i in indices {
        x.extend_from_slice(data.sample(i));
        labels.push(data.labels()[i]);
    }
}

//! Training checkpoints: everything `fit` needs to continue exactly where it
//! stopped, in one safetensors file.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use super::tensors::{
    Entry, counts, floats, model_entries, model_values, parse, read, refuse_unknown, serialize,
    set_model,
};
use super::write_atomically;
use crate::optim::OptimizerState;
use crate::train::{EpochReport, History};
use crate::{Error, Params, Result};

/// What a checkpoint holds besides the weights and the optimizer's tensors.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct TrainingState {
    /// Epochs finished.
    pub(crate) epoch: usize,
    /// The optimizer's learning rate after the last epoch.
    pub(crate) learning_rate: f64,
    /// The shuffling generator's state.
    pub(crate) shuffle_rng: [u64; 4],
    /// The dropout generator's state.
    pub(crate) dropout_rng: [u64; 4],
    /// The augmentation generator's state.
    pub(crate) augment_rng: [u64; 4],
    /// The sample order the next shuffle starts from.
    pub(crate) order: Vec<usize>,
    /// The plateau schedule's rate, best figure and wait, when there is one.
    pub(crate) plateau: Option<(f64, Option<f64>, usize)>,
    /// The epochs so far.
    pub(crate) history: History,
}

/// A checkpoint read back, not yet applied to a model.
pub(crate) struct Loaded {
    model: Vec<Vec<f32>>,
    /// The models callbacks kept, by the callback's position.
    kept: Vec<(usize, Vec<Vec<f32>>)>,
    pub(crate) optimizer: OptimizerState<f32>,
    pub(crate) state: TrainingState,
}

impl Loaded {
    /// Puts the checkpoint's weights and buffers into `model`.
    pub(crate) fn apply_model<N: Params<f32>>(&self, model: &mut N) {
        set_model(model, &self.model);
    }

    /// The model the callback at `position` kept, as a copy of `model` with
    /// the kept weights and buffers, if it kept one.
    pub(crate) fn kept_model<N: Params<f32> + Clone>(
        &self,
        position: usize,
        model: &N,
    ) -> Option<N> {
        let (_, values) = self.kept.iter().find(|(p, _)| *p == position)?;
        let mut kept = model.clone();
        set_model(&mut kept, values);
        Some(kept)
    }
}

const MODEL: &str = "model.";
const OPTIMIZER: &str = "optimizer.";
const ORDER: &str = "fit.order";
/// Prefix of the models callbacks keep: `callback<position>.<tensor name>`.
const KEPT: &str = "callback";

/// The name prefix of the model kept by the callback at `position`.
fn kept_prefix(position: usize) -> String {
    format!("{KEPT}{position}.")
}

/// The callback position a tensor name belongs to, if it is a kept model's.
fn kept_position(name: &str) -> Option<usize> {
    let (position, _) = name.strip_prefix(KEPT)?.split_once('.')?;
    position.parse().ok()
}

/// Writes a checkpoint to `path`, atomically, with the models callbacks keep
/// (`kept`: each with the callback's position).
///
/// # Errors
///
/// [`Error::WriteFailed`] when the file cannot be written.
pub(crate) fn save_checkpoint<N: Params<f32>>(
    path: &Path,
    model: &N,
    kept: &[(usize, &N)],
    optimizer: &OptimizerState<f32>,
    state: &TrainingState,
) -> Result<()> {
    let mut entries = model_entries(model, MODEL);
    for &(position, kept) in kept {
        entries.extend(model_entries(kept, &kept_prefix(position)));
    }
    entries.extend(optimizer.tensors.iter().map(|(name, values)| Entry {
        name: format!("{OPTIMIZER}{name}"),
        shape: vec![values.len()],
        values: values.clone(),
    }));
    let order: Vec<u64> = state.order.iter().map(|&i| i as u64).collect();
    let rng = |s: &[u64; 4]| s.map(|v| v.to_string()).join(",");
    let mut metadata = HashMap::from([
        ("format".to_owned(), "nn-checkpoint".to_owned()),
        ("epoch".to_owned(), state.epoch.to_string()),
        ("learning_rate".to_owned(), state.learning_rate.to_string()),
        ("optimizer_steps".to_owned(), optimizer.steps.to_string()),
        ("shuffle_rng".to_owned(), rng(&state.shuffle_rng)),
        ("dropout_rng".to_owned(), rng(&state.dropout_rng)),
        ("augment_rng".to_owned(), rng(&state.augment_rng)),
        ("history".to_owned(), history_text(&state.history)),
    ]);
    if let Some((rate, best, waited)) = state.plateau {
        let best = best.map_or_else(|| "none".to_owned(), |b| b.to_string());
        metadata.insert("plateau".to_owned(), format!("{rate},{best},{waited}"));
    }
    write_atomically(path, &serialize(&entries, &[(ORDER, &order)], metadata))
}

/// Reads the checkpoint at `path` for `model`, checking every model tensor's
/// name, type and shape and the metadata; nothing is applied yet.
///
/// # Errors
///
/// [`Error::Io`], [`Error::BadFormat`] (not a checkpoint, bad metadata) or
/// [`Error::TensorMismatch`].
pub(crate) fn load_checkpoint<N: Params<f32>>(path: &Path, model: &N) -> Result<Loaded> {
    let bytes = read(path)?;
    let file = parse(path, &bytes)?;
    let bad = |detail: String| Error::BadFormat {
        path: path.to_owned(),
        detail,
    };
    let metadata = safetensors::SafeTensors::read_metadata(&bytes)
        .map(|(_, header)| header.metadata().clone().unwrap_or_default())
        .unwrap_or_default();
    let field = |key: &str| {
        metadata.get(key).ok_or_else(|| {
            bad(format!(
                "not a training checkpoint: no `{key}` in its header"
            ))
        })
    };
    if field("format")? != "nn-checkpoint" {
        return Err(bad(
            "not a training checkpoint (format is not `nn-checkpoint`)".into(),
        ));
    }
    let number = |key: &str| -> Result<f64> {
        let text = field(key)?;
        text.parse().map_err(|_| {
            bad(format!(
                "checkpoint field `{key}` is not a number: `{text}`"
            ))
        })
    };
    let rng = |key: &str| -> Result<[u64; 4]> {
        let text = field(key)?;
        let words: Vec<u64> = text.split(',').filter_map(|w| w.parse().ok()).collect();
        <[u64; 4]>::try_from(words)
            .ok()
            .filter(|s| *s != [0; 4])
            .ok_or_else(|| {
                bad(format!(
                    "checkpoint field `{key}` is not a generator state: `{text}`"
                ))
            })
    };
    let plateau = metadata
        .get("plateau")
        .map(|text| {
            parse_plateau(text)
                .ok_or_else(|| bad(format!("checkpoint field `plateau` is malformed: `{text}`")))
        })
        .transpose()?;
    let history = parse_history(field("history")?)
        .ok_or_else(|| bad("checkpoint field `history` is malformed".into()))?;
    let current = model_values(path, &file, model, MODEL)?;
    let positions: BTreeSet<usize> = file.names().into_iter().filter_map(kept_position).collect();
    let kept = positions
        .into_iter()
        .map(|p| Ok((p, model_values(path, &file, model, &kept_prefix(p))?)))
        .collect::<Result<Vec<_>>>()?;
    let known: BTreeSet<String> = model_entries(model, "")
        .into_iter()
        .map(|e| e.name)
        .collect();
    let is_model_tensor = |name: &str, prefix: &str| {
        name.strip_prefix(prefix)
            .is_some_and(|short| known.contains(short))
    };
    refuse_unknown(path, &file, |name| {
        is_model_tensor(name, MODEL)
            || kept_position(name).is_some_and(|p| is_model_tensor(name, &kept_prefix(p)))
            || name.starts_with(OPTIMIZER)
            || name == ORDER
    })?;
    let mut tensors = Vec::new();
    for name in file.names() {
        if let Some(short) = name.strip_prefix(OPTIMIZER) {
            let len = file
                .tensor(name)
                .map(|v| v.shape().iter().product())
                .unwrap_or(0);
            tensors.push((short.to_owned(), floats(path, &file, name, &[len])?));
        }
    }
    tensors.sort_by(|a, b| a.0.cmp(&b.0));
    let order = counts(path, &file, ORDER)?
        .into_iter()
        .map(|i| usize::try_from(i).map_err(|_| bad("sample order out of range".into())))
        .collect::<Result<Vec<_>>>()?;
    let steps = field("optimizer_steps")?
        .parse()
        .map_err(|_| bad("checkpoint field `optimizer_steps` is not a count".into()))?;
    let learning_rate = number("learning_rate")?;
    if !(learning_rate.is_finite() && learning_rate >= 0.0) {
        return Err(bad(format!(
            "checkpoint learning rate {learning_rate} is not a finite number of at least 0"
        )));
    }
    let epoch = number("epoch")?;
    if epoch < 0.0 || epoch.fract() != 0.0 || epoch as usize != history.epochs.len() {
        return Err(bad(format!(
            "checkpoint epoch {epoch} does not match its history"
        )));
    }
    Ok(Loaded {
        model: current,
        kept,
        optimizer: OptimizerState { steps, tensors },
        state: TrainingState {
            epoch: epoch as usize,
            learning_rate,
            shuffle_rng: rng("shuffle_rng")?,
            dropout_rng: rng("dropout_rng")?,
            augment_rng: rng("augment_rng")?,
            order,
            plateau,
            history,
        },
    })
}

/// One line per epoch: `epoch|seconds|samples|name=value,name=value`.
fn history_text(history: &History) -> String {
    history
        .epochs
        .iter()
        .map(|e| {
            let figures: Vec<String> = e.figures.iter().map(|(n, v)| format!("{n}={v}")).collect();
            format!(
                "{}|{}|{}|{}",
                e.epoch,
                e.seconds,
                e.samples,
                figures.join(",")
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn parse_history(text: &str) -> Option<History> {
    let epochs = text
        .lines()
        .filter(|line| !line.is_empty())
        .map(|line| {
            let mut parts = line.split('|');
            let epoch = parts.next()?.parse().ok()?;
            let seconds = parts.next()?.parse().ok()?;
            let samples = parts.next()?.parse().ok()?;
            let figures = parts
                .next()?
                .split(',')
                .filter(|f| !f.is_empty())
                .map(|f| {
                    let (name, value) = f.split_once('=')?;
                    Some((name.to_owned(), value.parse().ok()?))
                })
                .collect::<Option<Vec<_>>>()?;
            Some(EpochReport {
                epoch,
                figures,
                seconds,
                samples,
            })
        })
        .collect::<Option<Vec<_>>>()?;
    Some(History { epochs })
}

fn parse_plateau(text: &str) -> Option<(f64, Option<f64>, usize)> {
    let mut parts = text.split(',');
    let rate = parts.next()?.parse().ok()?;
    let best = match parts.next()? {
        "none" => None,
        value => Some(value.parse().ok()?),
    };
    let waited = parts.next()?.parse().ok()?;
    Some((rate, best, waited))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn history_and_plateau_text_round_trip_exactly() {
        let history = History {
            epochs: vec![EpochReport {
                epoch: 1,
                figures: vec![
                    ("loss".into(), 0.1 + 0.2),
                    ("val_accuracy".into(), f64::NAN),
                ],
                seconds: 1.0 / 3.0,
                samples: 7,
            }],
        };
        let back = parse_history(&history_text(&history)).unwrap();
        assert_eq!(back.epochs[0].figures[0], history.epochs[0].figures[0]);
        assert!(back.epochs[0].figures[1].1.is_nan());
        assert_eq!(back.epochs[0].seconds, 1.0 / 3.0);
        assert_eq!(parse_plateau("0.5,none,2"), Some((0.5, None, 2)));
        assert_eq!(parse_plateau("0.5,0.25,0"), Some((0.5, Some(0.25), 0)));
        assert_eq!(parse_plateau("0.5,x,0"), None);
        assert_eq!(parse_history("1|2|x|loss=1"), None);
    }
}

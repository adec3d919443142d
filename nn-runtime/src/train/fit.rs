//! The training loop.

use std::path::Path;
use std::time::Instant;

use super::callbacks::{BatchReport, Callback, ProgressLogger, Signal, Verbosity};
use super::history::check_monitor;
use super::{
    EpochReport, FitOptions, History, Schedule, Scheduler, check_batch_size, check_data,
    check_metrics, evaluate,
};
use crate::data::{BatchTargets, Dataset};
use crate::gemm::FlushDenormals;
use crate::loss::{Loss, Targets};
use crate::metrics::MetricTally;
use crate::optim::{Clip, Optimizer};
use crate::persist::checkpoint::{Loaded, TrainingState, load_checkpoint, save_checkpoint};
use crate::rng::SeededRng;
use crate::shape::Shape;
use crate::{Cache, Element, Network, Result};

/// Mixed into the seed for the dropout stream (an arbitrary odd constant).
const DROPOUT_STREAM: u64 = 0x9e37_79b9_7f4a_7c15;
/// Mixed into the seed for the augmentation stream (another one).
const AUGMENT_STREAM: u64 = 0xc2b2_ae3d_27d4_eb4f;

/// The buffers a training step reuses: the forward cache, the gradients and
/// the random stream of dropout masks. After the first step at a batch size,
/// steps allocate nothing.
///
/// # Examples
///
/// ```
/// use nn_runtime::testing::Tiny;
/// use nn_runtime::train::StepBuffers;
/// let buffers = StepBuffers::<f32, Tiny>::new(7);
/// # let _ = buffers;
/// ```
#[derive(Clone, Debug)]
pub struct StepBuffers<E: Element, N: Network<E>> {
    /// Activations of the last forward pass.
    pub cache: N::Cache,
    /// Gradients of the last backward pass.
    pub grads: N::Grads,
    /// Draws the dropout masks.
    pub rng: SeededRng,
}

impl<E: Element, N: Network<E>> StepBuffers<E, N> {
    /// Empty buffers, dropout masks drawn from a stream derived from `seed`
    /// (`fit` passes its own seed, so a model without dropout trains the same
    /// whatever the stream).
    pub fn new(seed: u64) -> Self {
        Self {
            cache: N::Cache::default(),
            grads: N::Grads::default(),
            rng: SeededRng::new(seed ^ DROPOUT_STREAM),
        }
    }
}

/// One update on one batch: forward in training mode, loss, backward,
/// weight penalties, optional clipping, optimizer step. Returns the sum of
/// the batch's per-sample losses before the update, each including the
/// network's weight penalty ([`Network::penalty`]); the outputs stay in
/// `buffers.cache`. Hold a [`FlushDenormals`] guard around a loop of steps for
/// full speed, as [`fit`] does.
///
/// # Panics
///
/// When `x` and `targets` do not hold the same number of samples, or the
/// targets do not suit `loss` (see [`Loss::sum`]).
///
/// # Examples
///
/// ```
/// use nn_runtime::loss::{SparseCrossEntropy, Targets};
/// use nn_runtime::optim::Sgd;
/// use nn_runtime::testing::Tiny;
/// use nn_runtime::train::{StepBuffers, train_step};
/// use nn_runtime::Network;
/// let mut model = Tiny::from_seed(0);
/// let mut buffers = StepBuffers::new(0);
/// let x = [1.0f32, 0.0, 0.0, 1.0];
/// let loss = train_step(&mut model, &mut Sgd::new(0.1)?, &SparseCrossEntropy, &x,
///                       Targets::Classes(&[0, 1]), &mut buffers, None);
/// assert!(loss > 0.0);
/// # Ok::<(), nn_runtime::Error>(())
/// ```
pub fn train_step<E, N, O, L>(
    model: &mut N,
    optimizer: &mut O,
    loss: &L,
    x: &[E],
    targets: Targets<'_, E>,
    buffers: &mut StepBuffers<E, N>,
    clip: Option<Clip>,
) -> f64
where
    E: Element,
    N: Network<E>,
    O: Optimizer<E, N, N::Grads>,
    L: Loss,
{
    model.forward_train(x, &mut buffers.cache, &mut buffers.rng);
    let (outputs, grad) = buffers.cache.output_and_grad();
    let sum = loss.sum(outputs, targets, <N::Output as Shape>::NUMEL, Some(grad));
    model.backward(x, &mut buffers.cache, &mut buffers.grads);
    // The weight penalties join the loss of every sample, as in Keras.
    let penalty = model.penalty(Some(&mut buffers.grads));
    let samples = x.len() / <N::Input as Shape>::NUMEL;
    if let Some(clip) = clip {
        clip.apply(&mut buffers.grads);
    }
    optimizer.step(model, &buffers.grads);
    sum + penalty * samples as f64
}

/// Trains `model` on `data` with `loss`, as Keras's `fit` does: shuffled
/// batches, the options' metrics on training and validation data, a
/// learning-rate schedule, and `callbacks` after every batch and epoch.
///
/// Validation data is `validation` when given, else the last
/// `options.validation_split` of `data`. Progress is shown as
/// `options.verbosity` asks. Subnormal floats are flushed to zero while it
/// runs (see [`FlushDenormals`]). With one thread, the same seed gives the
/// same weights bit for bit.
///
/// # Errors
///
/// [`crate::Error::InvalidArgument`] when an option is out of range, the
/// data is empty, does not fit the network or the loss; any error a callback
/// or the schedule returns.
///
/// # Examples
///
/// ```
/// use ndarray::array;
/// use nn_runtime::data::Dataset;
/// use nn_runtime::loss::SparseCrossEntropy;
/// use nn_runtime::metrics::Metric;
/// use nn_runtime::optim::{Adam, AdamConfig};
/// use nn_runtime::train::{fit, FitOptions, Verbosity};
/// # use nn_runtime::{testing::Tiny, Network};
/// let data = Dataset::new(array![[0.0f32, 1.0], [1.0, 0.0]], vec![1, 0], 2)?;
/// let mut model = Tiny::from_seed(1);
/// let mut adam = Adam::new(AdamConfig::keras())?;
/// let options = FitOptions {
///     metrics: vec![Metric::Accuracy],
///     verbosity: Verbosity::Quiet,
///     ..FitOptions::default()
/// };
/// let history = fit(&mut model, &mut adam, &SparseCrossEntropy, &data, None, &options, &mut [])?;
/// assert!(history.epochs[0].get("accuracy").is_some());
/// # Ok::<(), nn_runtime::Error>(())
/// ```
pub fn fit<N, O, L>(
    model: &mut N,
    optimizer: &mut O,
    loss: &L,
    data: &Dataset,
    validation: Option<&Dataset>,
    options: &FitOptions,
    callbacks: &mut [&mut dyn Callback<N>],
) -> Result<History>
where
    N: Network<f32>,
    O: Optimizer<f32, N, N::Grads>,
    L: Loss,
{
    check_batch_size(options.batch_size)?;
    if let Some(clip) = options.clip {
        clip.validate()?;
    }
    let split;
    let (train, validation) = match (validation, options.validation_split) {
        (Some(_), Some(fraction)) => {
            return Err(crate::Error::InvalidArgument {
                name: "validation_split",
                expected: "None when validation data is given".to_owned(),
                found: fraction.to_string(),
            });
        }
        (Some(validation), None) => (data, Some(validation)),
        (None, Some(fraction)) => {
            split = data.split_last(fraction)?;
            (&split.0, Some(&split.1))
        }
        (None, None) => (data, None),
    };
    check_data::<N>(train, loss, "training")?;
    check_metrics(&options.metrics, train)?;
    if let Some(validation) = validation {
        check_data::<N>(validation, loss, "validation")?;
    }
    let figures = figure_names(&options.metrics, validation.is_some());
    let figures: Vec<&str> = figures.iter().map(String::as_str).collect();
    if let Some(Schedule::ReduceOnPlateau { monitor, .. }) = &options.schedule {
        check_monitor(monitor, &figures, "schedule monitor")?;
    }
    for callback in callbacks.iter() {
        callback.check_figures(&figures)?;
    }
    let mut scheduler = options
        .schedule
        .clone()
        .map(|schedule| Scheduler::new(schedule, optimizer.learning_rate()))
        .transpose()?;
    let augment = options
        .augment
        .map(|a| a.image_dims::<N::Input>().map(|dims| (a, dims)))
        .transpose()?;
    let mut progress = ProgressLogger::new(options.verbosity);
    let _flush = FlushDenormals::enable();
    let mut run = Run {
        order: (0..train.len()).collect(),
        shuffle_rng: SeededRng::new(options.seed),
        augment_rng: SeededRng::new(options.seed ^ AUGMENT_STREAM),
        buffers: StepBuffers::new(options.seed),
        x: Vec::new(),
        scratch: Vec::new(),
        targets: BatchTargets::default(),
    };
    let batches = train.len().div_ceil(options.batch_size);
    let mut history = History::default();
    let mut stopped_on_resume = false;
    if let Some(path) = options.backup.as_deref().filter(|p| p.exists()) {
        let loaded = resume(path, model, optimizer, &mut run, scheduler.as_mut())?;
        history = loaded.state.history.clone();
        if options.verbosity != Verbosity::Quiet {
            eprintln!(
                "resuming from {} after epoch {}",
                path.display(),
                history.epochs.len()
            );
        }
        for (position, callback) in callbacks.iter_mut().enumerate() {
            let kept = loaded.kept_model(position, model);
            stopped_on_resume |= callback.on_resume(&history, model, kept)? == Signal::Stop;
        }
    }
    let first_epoch = history.epochs.len() + 1;
    for_each_callback(&mut progress, callbacks, |c| {
        c.on_train_begin(options.epochs)
    })?;
    let epochs = if stopped_on_resume { 0 } else { options.epochs };
    for epoch in first_epoch..=epochs {
        if let Some(scheduler) = &mut scheduler {
            let rate = scheduler.rate(epoch - 1, history.epochs.last())?;
            optimizer.set_learning_rate(rate)?;
        }
        for_each_callback(&mut progress, callbacks, |c| {
            c.on_epoch_begin(epoch, batches)
        })?;
        let start = Instant::now();
        let tally = MetricTally::new(<N::Output as Shape>::NUMEL);
        let (mut loss_sum, mut tally) = (0.0, tally.with_threshold(loss.binary_threshold()));
        let mut stop = false;
        let mut samples = 0;
        for (done, indices) in run.batches(train, options) {
            train.gather(&indices, &mut run.x, &mut run.targets);
            if let Some((augment, dims)) = augment {
                augment.apply(&mut run.x, dims, &mut run.augment_rng, &mut run.scratch);
            }
            let targets = run.targets.targets();
            loss_sum += train_step(
                model,
                optimizer,
                loss,
                &run.x,
                targets,
                &mut run.buffers,
                options.clip,
            );
            let (outputs, _) = run.buffers.cache.output_and_grad();
            tally.record(outputs, targets, <N::Output as Shape>::NUMEL);
            samples += indices.len();
            let report = BatchReport {
                epoch,
                done,
                batches,
                samples,
                loss: loss_sum / samples as f64,
                tally: &tally,
                metrics: &options.metrics,
            };
            if for_each_signal(&mut progress, callbacks, |c| c.on_batch_end(&report))? {
                stop = true;
                break;
            }
        }
        let seconds = start.elapsed().as_secs_f64();
        let mut figures = vec![("loss".to_owned(), loss_sum / samples.max(1) as f64)];
        figures.extend(named(&options.metrics, &tally, ""));
        if let Some(validation) = validation {
            let evaluation = evaluate(model, loss, validation, options.batch_size)?;
            figures.push(("val_loss".to_owned(), evaluation.loss));
            figures.extend(named(&options.metrics, &evaluation.tally, "val_"));
        }
        figures.push(("learning_rate".to_owned(), optimizer.learning_rate()));
        let report = EpochReport {
            epoch,
            figures,
            seconds,
            samples,
        };
        history.epochs.push(report);
        // Saved before the callbacks run, so an error in one loses no training.
        if let Some(path) = &options.backup {
            let state = TrainingState {
                epoch,
                learning_rate: optimizer.learning_rate(),
                shuffle_rng: run.shuffle_rng.state(),
                dropout_rng: run.buffers.rng.state(),
                augment_rng: run.augment_rng.state(),
                order: run.order.clone(),
                plateau: scheduler.as_ref().map(Scheduler::plateau_state),
                history: history.clone(),
            };
            let kept: Vec<(usize, &N)> = callbacks
                .iter()
                .enumerate()
                .filter_map(|(position, c)| Some((position, c.kept_model()?)))
                .collect();
            save_checkpoint(path, model, &kept, &optimizer.state(), &state)?;
        }
        let report = &history.epochs[history.epochs.len() - 1];
        stop |= for_each_signal(&mut progress, callbacks, |c| c.on_epoch_end(report, model))?;
        if stop {
            break;
        }
    }
    for callback in callbacks.iter_mut() {
        callback.on_train_end(&history, model)?;
    }
    if let Some(path) = options.backup.as_deref().filter(|p| p.exists()) {
        std::fs::remove_file(path).map_err(|source| crate::Error::WriteFailed {
            path: path.to_owned(),
            source,
        })?;
    }
    Ok(history)
}

/// Restores `model`, `optimizer`, the run's generators and sample order and
/// the schedule from the checkpoint at `path`; returns the checkpoint, for its
/// history and the models callbacks kept. Nothing changes when the checkpoint
/// does not fit.
fn resume<N, O>(
    path: &Path,
    model: &mut N,
    optimizer: &mut O,
    run: &mut Run<N>,
    scheduler: Option<&mut Scheduler>,
) -> Result<Loaded>
where
    N: Network<f32>,
    O: Optimizer<f32, N, N::Grads>,
{
    let loaded = load_checkpoint(path, model)?;
    let state = &loaded.state;
    let mut seen = vec![false; run.order.len()];
    let permutation = state.order.len() == run.order.len()
        && state
            .order
            .iter()
            .all(|&i| i < seen.len() && !std::mem::replace(&mut seen[i], true));
    if !permutation {
        return Err(crate::Error::BadFormat {
            path: path.to_owned(),
            detail: format!(
                "the checkpoint is for a data set of {} training samples; this one has {}",
                state.order.len(),
                run.order.len()
            ),
        });
    }
    let rng = |state| {
        SeededRng::from_state(state).unwrap_or_else(|| {
            unreachable!("invariant: load_checkpoint refuses the all-zero generator state")
        })
    };
    optimizer.restore(&loaded.optimizer)?;
    optimizer.set_learning_rate(state.learning_rate)?;
    loaded.apply_model(model);
    run.order.clone_from(&state.order);
    run.shuffle_rng = rng(state.shuffle_rng);
    run.buffers.rng = rng(state.dropout_rng);
    run.augment_rng = rng(state.augment_rng);
    if let (Some(scheduler), Some(plateau)) = (scheduler, state.plateau) {
        scheduler.resume_plateau(plateau);
    }
    Ok(loaded)
}

/// The per-run state of [`fit`]: sample order, random streams and reused
/// batch buffers.
struct Run<N: Network<f32>> {
    order: Vec<usize>,
    shuffle_rng: SeededRng,
    augment_rng: SeededRng,
    buffers: StepBuffers<f32, N>,
    x: Vec<f32>,
    scratch: Vec<f32>,
    targets: BatchTargets,
}

impl<N: Network<f32>> Run<N> {
    /// Shuffles (if asked) and returns the epoch's batches of sample indices,
    /// numbered from 1.
    fn batches(&mut self, train: &Dataset, options: &FitOptions) -> Vec<(usize, Vec<usize>)> {
        debug_assert_eq!(self.order.len(), train.len());
        if options.shuffle {
            self.shuffle_rng.shuffle(&mut self.order);
        }
        self.order
            .chunks(options.batch_size)
            .enumerate()
            .map(|(i, chunk)| (i + 1, chunk.to_vec()))
            .collect()
    }
}

/// The names of the figures each epoch reports, in order.
fn figure_names(metrics: &[crate::metrics::Metric], validating: bool) -> Vec<String> {
    let mut names = vec!["loss".to_owned()];
    names.extend(metrics.iter().map(|m| m.name()));
    if validating {
        names.push("val_loss".to_owned());
        names.extend(metrics.iter().map(|m| format!("val_{}", m.name())));
    }
    names.push("learning_rate".to_owned());
    names
}

/// `(prefix + name, value)` for each metric the tally can give.
fn named<'a>(
    metrics: &'a [crate::metrics::Metric],
    tally: &'a MetricTally,
    prefix: &'a str,
) -> impl Iterator<Item = (String, f64)> + 'a {
    metrics.iter().filter_map(move |m| {
        tally
            .value(*m)
            .map(|v| (format!("{prefix}{}", m.name()), v))
    })
}

/// Runs `event` on the progress logger, then on every callback.
fn for_each_callback<N>(
    progress: &mut ProgressLogger,
    callbacks: &mut [&mut dyn Callback<N>],
    mut event: impl FnMut(&mut dyn Callback<N>) -> Result<()>,
) -> Result<()> {
    event(progress)?;
    callbacks.iter_mut().try_for_each(|c| event(&mut **c))
}

/// Runs `event` on the progress logger and every callback (all of them, even
/// after one asks to stop); whether any asked to stop.
fn for_each_signal<N>(
    progress: &mut ProgressLogger,
    callbacks: &mut [&mut dyn Callback<N>],
    mut event: impl FnMut(&mut dyn Callback<N>) -> Result<Signal>,
) -> Result<bool> {
    let mut stop = event(progress)? == Signal::Stop;
    for callback in callbacks.iter_mut() {
        stop |= event(&mut **callback)? == Signal::Stop;
    }
    Ok(stop)
}

//! What the training examples share: their flags, `fit` with validation,
//! early stopping, a checkpoint, a CSV log and a history plot, evaluation and
//! the JSON report.

use std::path::PathBuf;
use std::process::ExitCode;

use nn::Network;
use nn::data::{MnistKind, load_mnist};
use nn::loss::SparseCrossEntropy;
use nn::metrics::Metric;
use nn::optim::{Adam, AdamConfig};
use nn::persist::write_atomically;
use nn::train::{
    Callback, CsvLogger, EarlyStopping, FitOptions, ModelCheckpoint, TerminateOnNan, evaluate, fit,
    history_svg,
};

use crate::common::{cores, number, run_on_threads, say};

/// What an example trains by default, before its flags.
pub struct Defaults {
    /// Passes over the training data.
    pub epochs: usize,
    /// The last fraction of the training data held out for validation (0: none).
    pub validation_split: f64,
    /// Epochs without a better validation loss before stopping (0: never stop early).
    pub patience: usize,
}

/// A training example's whole `main`: parses the flags (over `defaults`),
/// builds the model from the seed, trains, evaluates and reports.
pub fn main_with<N: Network<f32>>(
    defaults: Defaults,
    model: impl FnOnce(u64) -> N + Send,
) -> ExitCode {
    let args = match Args::parse(std::env::args().skip(1), &defaults) {
        Ok(Some(args)) => args,
        Ok(None) => {
            say!("{}", usage(&defaults));
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    run_on_threads(args.threads, |threads| {
        train_and_evaluate(&args, threads, model(args.seed))
    })
}

/// The example's name: its program file's stem.
fn program_name() -> String {
    let name = std::env::args().next().unwrap_or_default();
    std::path::Path::new(&name)
        .file_stem()
        .map_or_else(|| "example".into(), |s| s.to_string_lossy().into_owned())
}

/// The flags every training example takes, with this example's defaults.
fn usage(defaults: &Defaults) -> String {
    format!(
        "usage: {} [--dataset mnist|fashion] [--epochs N] [--batch-size N] [--seed N] \
         [--threads N] [--data-dir PATH] [--validation-split F] [--patience N] [--out DIR] \
         [--resume] [--json]\n\
         defaults: --dataset mnist --epochs {} --batch-size 32 --seed 42 --threads <all cores> \
         --validation-split {} --patience {}\n\
         --validation-split F  hold out the last fraction F of the training data (0: none)\n\
         --patience N          stop after N epochs without a better validation loss (0: never)\n\
         --out DIR             where the checkpoint, history.csv and history.svg go \
         (default target/examples/<example>)\n\
         --resume              continue an interrupted run from the backup it left in DIR \
         (without it, a run starts afresh)",
        program_name(),
        defaults.epochs,
        defaults.validation_split,
        defaults.patience
    )
}

/// Command-line settings shared by the training examples.
struct Args {
    dataset: MnistKind,
    epochs: usize,
    batch_size: usize,
    seed: u64,
    threads: usize,
    data_dir: Option<PathBuf>,
    validation_split: f64,
    patience: usize,
    out: PathBuf,
    resume: bool,
    json: bool,
}

impl Args {
    /// The settings (`defaults` unless flags say otherwise), or `None` when
    /// help was asked for.
    fn parse(
        mut words: impl Iterator<Item = String>,
        defaults: &Defaults,
    ) -> Result<Option<Self>, String> {
        let mut args = Self {
            dataset: MnistKind::Digits,
            epochs: defaults.epochs,
            batch_size: 32,
            seed: 42,
            threads: cores(),
            data_dir: None,
            validation_split: defaults.validation_split,
            patience: defaults.patience,
            out: PathBuf::from("target/examples").join(program_name()),
            resume: false,
            json: false,
        };
        while let Some(flag) = words.next() {
            let mut value = || {
                words
                    .next()
                    .ok_or_else(|| format!("{flag} needs a value\n{}", usage(defaults)))
            };
            match flag.as_str() {
                "--dataset" => args.dataset = value()?.parse()?,
                "--epochs" => args.epochs = number(&flag, &value()?, 0)?,
                "--batch-size" => args.batch_size = number(&flag, &value()?, 1)?,
                "--seed" => args.seed = number(&flag, &value()?, 0)?,
                "--threads" => args.threads = number(&flag, &value()?, 1)?,
                "--data-dir" => args.data_dir = Some(PathBuf::from(value()?)),
                "--validation-split" => args.validation_split = fraction(&flag, &value()?)?,
                "--patience" => args.patience = number(&flag, &value()?, 0)?,
                "--out" => args.out = PathBuf::from(value()?),
                "--resume" => args.resume = true,
                "--json" => args.json = true,
                "-h" | "--help" => return Ok(None),
                other => return Err(format!("unknown flag `{other}`\n{}", usage(defaults))),
            }
        }
        if args.patience > 0 && args.validation_split == 0.0 {
            return Err("--patience needs validation data: give --validation-split too".into());
        }
        Ok(Some(args))
    }
}

/// Parses a fraction in [0, 1) for `flag`.
fn fraction(flag: &str, text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(f) if (0.0..1.0).contains(&f) => Ok(f),
        _ => Err(format!(
            "{flag} needs a fraction from 0 up to (not including) 1, found `{text}`"
        )),
    }
}

/// Trains `model` on the data set `args` names with Keras-style Adam and
/// sparse categorical cross-entropy (validation, early stopping, a checkpoint,
/// a CSV log, a backup to resume from), plots the history, evaluates on the test split and reports,
/// with `--json`, one JSON line.
fn train_and_evaluate<N: Network<f32>>(
    args: &Args,
    threads: usize,
    mut model: N,
) -> nn::Result<()> {
    let data = load_mnist(args.dataset, args.data_dir.as_deref())?;
    say!(
        "{}: {} training and {} test samples from {}; {} thread(s)",
        args.dataset.name(),
        data.train.len(),
        data.test.len(),
        data.dir.display(),
        threads
    );
    std::fs::create_dir_all(&args.out).map_err(|source| nn::Error::WriteFailed {
        path: args.out.clone(),
        source,
    })?;
    let backup = args.out.join("backup.safetensors");
    if backup.exists() && !args.resume {
        std::fs::remove_file(&backup).map_err(|source| nn::Error::WriteFailed {
            path: backup.clone(),
            source,
        })?;
        say!("removed the backup of an interrupted run; --resume continues one instead");
    }
    let validating = args.validation_split > 0.0;
    let options = FitOptions {
        epochs: args.epochs,
        batch_size: args.batch_size,
        seed: args.seed,
        validation_split: validating.then_some(args.validation_split),
        metrics: vec![Metric::Accuracy],
        backup: Some(backup),
        ..FitOptions::default()
    };
    let checkpoint_path = args.out.join("checkpoint.safetensors");
    let checkpoint_path = checkpoint_path.to_string_lossy();
    let mut checkpoint = if validating {
        ModelCheckpoint::best(checkpoint_path, "val_accuracy")
    } else {
        ModelCheckpoint::every_epoch(checkpoint_path)
    };
    let mut log = CsvLogger::new(args.out.join("history.csv"));
    let mut nan_stop = TerminateOnNan::default();
    let mut early_stop = EarlyStopping::new("val_loss", args.patience).restore_best_weights();
    let mut callbacks: Vec<&mut dyn Callback<N>> = vec![&mut checkpoint, &mut log, &mut nan_stop];
    if args.patience > 0 {
        callbacks.push(&mut early_stop);
    }
    let mut adam = Adam::new(AdamConfig::keras())?;
    let loss = &SparseCrossEntropy;
    let history = fit(
        &mut model,
        &mut adam,
        loss,
        &data.train,
        None,
        &options,
        &mut callbacks,
    )?;
    let plot = args.out.join("history.svg");
    write_atomically(
        &plot,
        history_svg(&history, &["loss", "accuracy"]).as_bytes(),
    )?;
    let test = evaluate(&model, loss, &data.test, 1000)?;
    let train_seconds = history.train_seconds();
    let trained = history.samples();
    let samples_per_second = trained as f64 / train_seconds.max(f64::MIN_POSITIVE);
    if let Some((epoch, value)) = early_stop.best_epoch().filter(|_| args.patience > 0) {
        say!("kept the weights of epoch {epoch} (validation loss {value:.4})");
    }
    say!(
        "test: loss {:.4}, accuracy {:.2}%, error rate {:.2}% ({} samples)",
        test.loss,
        100.0 * test.accuracy(),
        100.0 * test.error_rate(),
        test.samples
    );
    say!("trained {trained} samples in {train_seconds:.2} s ({samples_per_second:.0} samples/s)");
    let saved = checkpoint.saved().last().map_or_else(
        || "no checkpoint (no epoch ran)".into(),
        |p| format!("{} ({} parameters)", p.display(), model.scalar_count()),
    );
    say!(
        "wrote {saved}, {} and {}",
        args.out.join("history.csv").display(),
        plot.display()
    );
    if args.json {
        say!(
            "{{\"dataset\": \"{}\", \"epochs\": {}, \"epochs_run\": {}, \"batch_size\": {}, \
             \"validation_split\": {}, \"train_seconds\": {:.3}, \"samples_per_second\": {:.1}, \
             \"test_loss\": {:.6}, \"test_accuracy\": {:.6}}}",
            args.dataset.name(),
            args.epochs,
            history.epochs.len(),
            args.batch_size,
            args.validation_split,
            train_seconds,
            samples_per_second,
            test.loss,
            test.accuracy()
        );
    }
    Ok(())
}

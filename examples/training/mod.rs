//! What the training examples share: their flags, training with a progress
//! display, evaluation and the JSON report.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use indicatif::{ProgressBar, ProgressStyle};
use nn::Network;
use nn::data::{MnistKind, load_mnist};
use nn::optim::{Adam, AdamConfig};
use nn::train::{FitOptions, Progress, evaluate, fit};

use crate::common::{cores, number, run_on_threads, say};

/// A training example's whole `main`: parses the flags (`default_epochs`
/// unless `--epochs` is given), builds the model from the seed, trains,
/// evaluates and reports.
pub fn main_with<N: Network<f32>>(
    default_epochs: usize,
    model: impl FnOnce(u64) -> N + Send,
) -> ExitCode {
    let args = match Args::parse(std::env::args().skip(1), default_epochs) {
        Ok(Some(args)) => args,
        Ok(None) => {
            say!("{}", usage());
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

/// The flags every training example takes.
fn usage() -> String {
    let name = std::env::args().next().unwrap_or_default();
    let name = std::path::Path::new(&name)
        .file_stem()
        .map_or_else(|| "example".into(), |s| s.to_string_lossy().into_owned());
    format!(
        "usage: {name} [--dataset mnist|fashion] [--epochs N] [--batch-size N] [--seed N] \
         [--threads N] [--data-dir PATH] [--json]"
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
    json: bool,
}

impl Args {
    /// The settings (`epochs` unless `--epochs` is given), or `None` when
    /// help was asked for.
    fn parse(
        mut words: impl Iterator<Item = String>,
        epochs: usize,
    ) -> Result<Option<Self>, String> {
        let mut args = Self {
            dataset: MnistKind::Digits,
            epochs,
            batch_size: 32,
            seed: 42,
            threads: cores(),
            data_dir: None,
            json: false,
        };
        while let Some(flag) = words.next() {
            let mut value = || {
                words
                    .next()
                    .ok_or_else(|| format!("{flag} needs a value\n{}", usage()))
            };
            match flag.as_str() {
                "--dataset" => args.dataset = value()?.parse()?,
                "--epochs" => args.epochs = number(&flag, &value()?, 0)?,
                "--batch-size" => args.batch_size = number(&flag, &value()?, 1)?,
                "--seed" => args.seed = number(&flag, &value()?, 0)?,
                "--threads" => args.threads = number(&flag, &value()?, 1)?,
                "--data-dir" => args.data_dir = Some(PathBuf::from(value()?)),
                "--json" => args.json = true,
                "-h" | "--help" => return Ok(None),
                other => return Err(format!("unknown flag `{other}`\n{}", usage())),
            }
        }
        Ok(Some(args))
    }
}

/// Trains `model` on the data set `args` names with Keras-style Adam and
/// sparse categorical cross-entropy, then evaluates it on the test split and
/// reports, with `--json`, one JSON line.
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
    let mut adam = Adam::new(AdamConfig::keras())?;
    let options = FitOptions {
        epochs: args.epochs,
        batch_size: args.batch_size,
        seed: args.seed,
        shuffle: true,
    };
    let mut bar = EpochBar::new(args.epochs);
    let history = fit(&mut model, &mut adam, &data.train, &options, |event| {
        bar.show(event)
    })?;
    let test = evaluate(&model, &data.test, 1000)?;
    let train_seconds = history.train_seconds();
    let trained: usize = history.epochs.iter().map(|e| e.samples).sum();
    let samples_per_second = trained as f64 / train_seconds.max(f64::MIN_POSITIVE);
    say!(
        "test: loss {:.4}, accuracy {:.2}%, error rate {:.2}% ({} samples)",
        test.loss,
        100.0 * test.accuracy,
        100.0 * test.error_rate(),
        test.samples
    );
    say!("trained {trained} samples in {train_seconds:.2} s ({samples_per_second:.0} samples/s)");
    if args.json {
        say!(
            "{{\"dataset\": \"{}\", \"epochs\": {}, \"batch_size\": {}, \"train_seconds\": {:.3}, \
             \"samples_per_second\": {:.1}, \"test_loss\": {:.6}, \"test_accuracy\": {:.6}}}",
            args.dataset.name(),
            args.epochs,
            args.batch_size,
            train_seconds,
            samples_per_second,
            test.loss,
            test.accuracy
        );
    }
    Ok(())
}

/// Per-epoch progress: a bar on a terminal, one plain line per epoch otherwise.
struct EpochBar {
    epochs: usize,
    bar: Option<ProgressBar>,
    terminal: bool,
}

impl EpochBar {
    fn new(epochs: usize) -> Self {
        Self {
            epochs,
            bar: None,
            terminal: std::io::stderr().is_terminal(),
        }
    }

    fn show(&mut self, event: Progress<'_>) {
        match event {
            Progress::EpochStart { epoch, batches } if self.terminal => {
                let style = ProgressStyle::with_template("{prefix} [{bar:30}] {pos}/{len} {msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar())
                    .progress_chars("=> ");
                let bar = ProgressBar::new(batches as u64).with_style(style);
                bar.set_prefix(format!("epoch {epoch}/{}", self.epochs));
                self.bar = Some(bar);
            }
            Progress::Batch { done, running, .. } => {
                if let Some(bar) = &self.bar
                    && (done % 50 == 0)
                {
                    bar.set_position(done as u64);
                    bar.set_message(format!(
                        "loss {:.4} accuracy {:.4}",
                        running.mean_loss(),
                        running.accuracy()
                    ));
                }
            }
            Progress::Epoch(report) => {
                let line = format!(
                    "epoch {}/{}: loss {:.4}, accuracy {:.4}, {:.2} s, {:.0} samples/s",
                    report.epoch,
                    self.epochs,
                    report.loss,
                    report.accuracy,
                    report.seconds,
                    report.samples_per_second()
                );
                match self.bar.take() {
                    Some(bar) => {
                        bar.finish_and_clear();
                        say!("{line}");
                    }
                    None => say!("{line}"),
                }
            }
            Progress::EpochStart { .. } => {}
        }
    }
}

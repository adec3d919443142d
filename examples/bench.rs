//! Speed of the MNIST MLP (dense(128, relu) -> dense(10), Adam, cross-entropy)
//! on real MNIST, for comparison with other frameworks on the same machine:
//! one warm-up epoch, then timed epochs (median), batch-1 inference latency
//! (median over many calls) and batch-1000 inference throughput.
//!
//! ```text
//! cargo run --release --example bench -- [--threads 1] [--batch-size 32] [--epochs 3] [--json]
//! ```

use std::process::ExitCode;
use std::time::Instant;

use common::{cores, number, run_on_threads, say};
use nn::Network;
use nn::data::{MnistKind, load_mnist};
use nn::gemm::FlushDenormals;
use nn::loss::SparseCrossEntropy;
use nn::optim::{Adam, AdamConfig};
use nn::train::{FitOptions, Verbosity, evaluate, fit};

mod common;

nn::network! {
    /// The network of the Keras "quickstart for beginners" tutorial.
    Mlp: [784] => dense(128, relu) -> dense(10)
}

const USAGE: &str =
    "usage: bench [--threads N] [--batch-size N] [--epochs N (timed, after one warm-up)] [--json]";

/// Command-line settings.
struct Args {
    threads: usize,
    batch_size: usize,
    epochs: usize,
    json: bool,
}

impl Args {
    /// The settings, or `None` when help was asked for.
    fn parse(mut words: impl Iterator<Item = String>) -> Result<Option<Self>, String> {
        let mut args = Self {
            threads: 1,
            batch_size: 32,
            epochs: 3,
            json: false,
        };
        while let Some(flag) = words.next() {
            let mut value = || {
                words
                    .next()
                    .ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))
            };
            match flag.as_str() {
                "--threads" => args.threads = number(&flag, &value()?, 1)?,
                "--batch-size" => args.batch_size = number(&flag, &value()?, 1)?,
                "--epochs" => args.epochs = number(&flag, &value()?, 1)?,
                "--json" => args.json = true,
                "-h" | "--help" => return Ok(None),
                other => return Err(format!("unknown flag `{other}`\n{USAGE}")),
            }
        }
        Ok(Some(args))
    }
}

fn main() -> ExitCode {
    match Args::parse(std::env::args().skip(1)) {
        Ok(Some(args)) => run_on_threads(args.threads, |threads| run(&args, threads)),
        Ok(None) => {
            say!("{USAGE}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("{message}");
            ExitCode::from(2)
        }
    }
}

/// The median of `values` (which must not be empty).
fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// Median seconds per call of `f`, over `rounds` rounds of `calls` calls.
fn time_calls(rounds: usize, calls: usize, mut f: impl FnMut()) -> f64 {
    let per_round = (0..rounds).map(|_| {
        let start = Instant::now();
        for _ in 0..calls {
            f();
        }
        start.elapsed().as_secs_f64() / calls as f64
    });
    median(per_round.collect())
}

fn run(args: &Args, threads: usize) -> nn::Result<()> {
    let data = load_mnist(MnistKind::Digits, None)?;
    let mut model = Mlp::<f32>::new(42);
    let mut adam = Adam::new(AdamConfig::keras())?;
    let options = FitOptions {
        epochs: 1 + args.epochs,
        batch_size: args.batch_size,
        seed: 42,
        verbosity: Verbosity::Quiet,
        ..FitOptions::default()
    };
    let loss = &SparseCrossEntropy;
    let history = fit(
        &mut model,
        &mut adam,
        loss,
        &data.train,
        None,
        &options,
        &mut [],
    )?;
    let timed: Vec<f64> = history.epochs[1..].iter().map(|e| e.seconds).collect();
    let epoch_seconds = median(timed);
    let test = evaluate(&model, loss, &data.test, 1000)?;

    let _flush = FlushDenormals::enable();
    let one = data.test.sample(0);
    let mut cache = MlpCache::default();
    let infer_b1 = time_calls(51, 200, || {
        std::hint::black_box(model.forward(std::hint::black_box(one), &mut cache));
    });
    let thousand: Vec<f32> = (0..1000)
        .flat_map(|i| data.test.sample(i).iter().copied())
        .collect();
    let mut big_cache = MlpCache::default();
    let infer_b1000 = time_calls(21, 5, || {
        std::hint::black_box(model.forward(std::hint::black_box(&thousand), &mut big_cache));
    });

    let samples_per_second = data.train.len() as f64 / epoch_seconds;
    say!(
        "threads {threads} (of {} cores), batch {}: median epoch {epoch_seconds:.3} s over {} \
         timed epochs ({samples_per_second:.0} samples/s); test accuracy {:.2}%",
        cores(),
        args.batch_size,
        args.epochs,
        100.0 * test.accuracy()
    );
    say!(
        "inference: batch 1 {:.2} us (median), batch 1000 {:.0} samples/s; {} parameters",
        infer_b1 * 1e6,
        1000.0 / infer_b1000,
        <Mlp as Network>::PARAMETERS
    );
    if args.json {
        say!(
            "{{\"threads\": {threads}, \"batch_size\": {}, \"epoch_seconds\": {epoch_seconds:.4}, \
             \"samples_per_second\": {samples_per_second:.1}, \"infer_b1_us\": {:.3}, \
             \"infer_b1000_samples_per_second\": {:.1}, \"test_accuracy\": {:.6}}}",
            args.batch_size,
            infer_b1 * 1e6,
            1000.0 / infer_b1000,
            test.accuracy()
        );
    }
    Ok(())
}

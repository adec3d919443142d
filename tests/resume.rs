//! Training stopped by a crash and resumed from its checkpoint in a new
//! process ends with the same weights, bit for bit, and the same history as
//! training straight through.

use std::path::{Path, PathBuf};
use std::process::Command;

use ndarray::Array2;
use nn::data::Dataset;
use nn::loss::SparseCrossEntropy;
use nn::metrics::Metric;
use nn::optim::{Adam, AdamConfig};
use nn::persist::{load_weights, save_weights};
use nn::train::{Callback, EpochReport, FitOptions, History, Schedule, Signal, Verbosity, fit};
use nn::{Error, Params};

nn::network! { Net: [2] => dense(16, tanh) -> dropout(0.2) -> dense(2) }

const EPOCHS: usize = 6;
const CRASH_AFTER: usize = 3;

fn data() -> Dataset {
    let mut rng = nn::rng::SeededRng::new(5);
    let mut features = Vec::new();
    let mut labels = Vec::new();
    for _ in 0..240 {
        let (a, b) = (rng.uniform(-1.0, 1.0), rng.uniform(-1.0, 1.0));
        features.extend([a as f32, b as f32]);
        labels.push(usize::from(a * b > 0.0));
    }
    Dataset::new(
        Array2::from_shape_vec((240, 2), features).unwrap(),
        labels,
        2,
    )
    .unwrap()
}

/// Adam with moments, dropout, shuffling, a validation split and a plateau
/// schedule (validation accuracy stalls, so the rate halves from epoch 3 on):
/// every piece of state a checkpoint must carry.
fn options(backup: Option<PathBuf>) -> FitOptions {
    FitOptions {
        epochs: EPOCHS,
        batch_size: 16,
        seed: 9,
        validation_split: Some(0.25),
        metrics: vec![Metric::Accuracy],
        schedule: Some(Schedule::ReduceOnPlateau {
            monitor: "val_accuracy".into(),
            factor: 0.5,
            patience: 1,
            minimum: 1e-4,
        }),
        verbosity: Verbosity::Quiet,
        backup,
        ..FitOptions::default()
    }
}

fn train(
    backup: Option<PathBuf>,
    callbacks: &mut [&mut dyn Callback<Net>],
) -> nn::Result<(Net, History)> {
    let mut model = Net::<f32>::new(1);
    let config = AdamConfig {
        learning_rate: 0.05,
        ..AdamConfig::keras()
    };
    let mut adam = Adam::new(config)?;
    let history = fit(
        &mut model,
        &mut adam,
        &SparseCrossEntropy,
        &data(),
        None,
        &options(backup),
        callbacks,
    )?;
    Ok((model, history))
}

/// Fails at the end of an epoch, as a crash would.
struct CrashAfter(usize);

impl<N> Callback<N> for CrashAfter {
    fn on_epoch_end(&mut self, report: &EpochReport, _: &N) -> nn::Result<Signal> {
        if report.epoch == self.0 {
            return Err(Error::InvalidArgument {
                name: "epoch",
                expected: "no crash".into(),
                found: "a simulated crash".into(),
            });
        }
        Ok(Signal::Continue)
    }
}

fn losses_file(dir: &Path) -> PathBuf {
    dir.join("losses.txt")
}

/// One phase of the interrupted run, in its own process: `crash` trains
/// until the simulated crash; `resume` continues from the checkpoint and
/// saves the final weights and losses.
#[test]
#[ignore = "a child process of resuming_in_a_new_process_matches_training_straight_through"]
fn phase() {
    let dir = PathBuf::from(std::env::var("NN_RESUME_DIR").expect("NN_RESUME_DIR"));
    let backup = Some(dir.join("backup.safetensors"));
    match std::env::var("NN_RESUME_PHASE").as_deref() {
        Ok("crash") => {
            let error = train(backup, &mut [&mut CrashAfter(CRASH_AFTER)]).unwrap_err();
            assert!(error.to_string().contains("simulated crash"), "{error}");
        }
        Ok("resume") => {
            let (model, history) = train(backup, &mut []).unwrap();
            save_weights(&model, &dir.join("resumed.safetensors")).unwrap();
            let losses: Vec<String> = history.series("loss").iter().map(f64::to_string).collect();
            std::fs::write(losses_file(&dir), losses.join("\n")).unwrap();
        }
        other => panic!("unknown phase {other:?}"),
    }
}

fn run_phase(dir: &Path, phase: &str) {
    let status = Command::new(std::env::current_exe().unwrap())
        .args(["phase", "--exact", "--ignored", "--quiet"])
        .env("NN_RESUME_DIR", dir)
        .env("NN_RESUME_PHASE", phase)
        .status()
        .unwrap();
    assert!(status.success(), "phase {phase} failed");
}

#[test]
fn resuming_in_a_new_process_matches_training_straight_through() {
    let dir = std::env::temp_dir().join(format!("nn-resume-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (straight, history) = train(None, &mut []).unwrap();

    run_phase(&dir, "crash");
    let backup = dir.join("backup.safetensors");
    assert!(backup.exists(), "the crash left the last checkpoint");
    run_phase(&dir, "resume");
    assert!(!backup.exists(), "finished training removes its checkpoint");

    let mut resumed = Net::<f32>::new(0);
    load_weights(&mut resumed, &dir.join("resumed.safetensors")).unwrap();
    for index in 0..<Net as Params<f32>>::TENSORS {
        assert_eq!(
            resumed.tensor(index),
            straight.tensor(index),
            "tensor {index}"
        );
    }
    let losses: Vec<f64> = std::fs::read_to_string(losses_file(&dir))
        .unwrap()
        .lines()
        .map(|l| l.parse().unwrap())
        .collect();
    assert_eq!(losses, history.series("loss"));
    assert_eq!(losses.len(), EPOCHS);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_checkpoint_for_other_data_is_refused_and_changes_nothing() {
    let dir = std::env::temp_dir().join(format!("nn-resume-other-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let backup = dir.join("backup.safetensors");
    let _ = train(Some(backup.clone()), &mut [&mut CrashAfter(1)]);
    let (features, labels) = (Array2::zeros((100, 2)), vec![0; 100]);
    let other = Dataset::new(features, labels, 2).unwrap();
    let mut model = Net::<f32>::new(1);
    let before = model.tensor(0).to_vec();
    let mut adam = Adam::new(AdamConfig::keras()).unwrap();
    let error = fit(
        &mut model,
        &mut adam,
        &SparseCrossEntropy,
        &other,
        None,
        &options(Some(backup)),
        &mut [],
    )
    .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("a data set of 180 training samples; this one has 75"),
        "{error}"
    );
    assert_eq!(model.tensor(0), before);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The rows of a CSV log without the last column (the seconds each epoch took).
fn rows_without_seconds(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|line| line.rsplit_once(',').unwrap().0.to_owned())
        .collect()
}

#[test]
fn callbacks_resume_where_they_stood() {
    use nn::train::{CsvLogger, EarlyStopping, ModelCheckpoint};

    let dir = std::env::temp_dir().join(format!("nn-resume-callbacks-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // Runs with early stopping (restoring the best weights), a best-only
    // checkpoint and a CSV log, crashing after `crash` epochs when asked.
    let run = |name: &str, backup: Option<PathBuf>, crash: Option<usize>| {
        let mut stop = EarlyStopping::new("val_accuracy", 3).restore_best_weights();
        let mut best = ModelCheckpoint::best(
            dir.join(format!("{name}.safetensors")).to_string_lossy(),
            "val_accuracy",
        );
        let mut log = CsvLogger::new(dir.join(format!("{name}.csv")));
        let mut crash = CrashAfter(crash.unwrap_or(0));
        let result = train(backup, &mut [&mut stop, &mut best, &mut log, &mut crash]);
        result.map(|(model, history)| (model, history, stop.best_epoch()))
    };
    let (straight, history, best_epoch) = run("straight", None, None).unwrap();
    assert!(
        history.epochs.len() < EPOCHS && best_epoch.unwrap().0 < history.epochs.len(),
        "stopped early, with best weights from before the last epoch"
    );

    let backup = dir.join("backup.safetensors");
    for crash in 1..=3 {
        assert!(run("resumed", Some(backup.clone()), Some(crash)).is_err());
    }
    let (resumed, resumed_history, resumed_best) = run("resumed", Some(backup), None).unwrap();
    assert_eq!(resumed_best, best_epoch);
    assert_eq!(resumed_history.series("loss"), history.series("loss"));
    for index in 0..<Net as Params<f32>>::TENSORS {
        assert_eq!(
            resumed.tensor(index),
            straight.tensor(index),
            "restored best weights, tensor {index}"
        );
    }
    assert_eq!(
        rows_without_seconds(&dir.join("resumed.csv")),
        rows_without_seconds(&dir.join("straight.csv"))
    );
    // The backup keeps early stopping's best weights by its position.
    let backup = dir.join("reordered.safetensors");
    let mut stop = EarlyStopping::new("val_accuracy", 3).restore_best_weights();
    let mut log = CsvLogger::new(dir.join("reordered.csv"));
    assert!(
        train(
            Some(backup.clone()),
            &mut [&mut stop, &mut log, &mut CrashAfter(2)]
        )
        .is_err()
    );
    let mut stop = EarlyStopping::new("val_accuracy", 3).restore_best_weights();
    let error = train(Some(backup), &mut [&mut log, &mut stop]).unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("invalid callbacks: expected the callbacks of the interrupted run"),
        "{error}"
    );

    let (mut a, mut b) = (Net::<f32>::new(0), Net::<f32>::new(0));
    load_weights(&mut a, &dir.join("straight.safetensors")).unwrap();
    load_weights(&mut b, &dir.join("resumed.safetensors")).unwrap();
    assert_eq!(a.tensor(0), b.tensor(0), "the best-only checkpoint");
    std::fs::remove_dir_all(&dir).unwrap();
}

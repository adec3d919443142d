//! The training loop on small synthetic data: it learns, it is reproducible,
//! and it rejects data or settings that do not fit the network.

use ndarray::Array2;
use nn::data::Dataset;
use nn::optim::{Adam, AdamConfig};
use nn::train::{FitOptions, Progress, evaluate, fit, predict_proba};

nn::network! { Xor: [2] => dense(16, tanh) -> dense(2) }

/// XOR of the signs of two coordinates, 200 points.
fn xor_data() -> Dataset {
    let mut rng = nn::rng::SeededRng::new(3);
    let mut features = Vec::new();
    let mut labels = Vec::new();
    for _ in 0..200 {
        let (a, b) = (rng.uniform(-1.0, 1.0), rng.uniform(-1.0, 1.0));
        features.extend([a as f32, b as f32]);
        labels.push(usize::from((a > 0.0) != (b > 0.0)));
    }
    Dataset::new(
        Array2::from_shape_vec((200, 2), features).unwrap(),
        labels,
        2,
    )
    .unwrap()
}

fn train(seed: u64, epochs: usize) -> (Xor, nn::train::History) {
    let mut model = Xor::<f32>::new(seed);
    let config = AdamConfig {
        learning_rate: 0.02,
        ..AdamConfig::keras()
    };
    let mut adam = Adam::new(config).unwrap();
    let options = FitOptions {
        epochs,
        batch_size: 16,
        seed,
        shuffle: true,
    };
    let history = fit(&mut model, &mut adam, &xor_data(), &options, |_| {}).unwrap();
    (model, history)
}

#[test]
fn learns_xor_and_is_reproducible_from_the_seed() {
    let (model, history) = train(7, 150);
    let eval = evaluate(&model, &xor_data(), 64).unwrap();
    assert!(eval.accuracy >= 0.95, "accuracy {}", eval.accuracy);
    assert!(history.epochs.last().unwrap().loss < history.epochs[0].loss / 3.0);
    let (again, history_again) = train(7, 150);
    assert_eq!(model.dense0.weight(), again.dense0.weight());
    let losses = |h: &nn::train::History| h.epochs.iter().map(|e| e.loss).collect::<Vec<_>>();
    assert_eq!(losses(&history), losses(&history_again));
}

#[test]
fn progress_reports_every_batch_and_epoch() {
    let mut model = Xor::<f32>::new(1);
    let mut adam = Adam::new(AdamConfig::keras()).unwrap();
    let options = FitOptions {
        epochs: 2,
        batch_size: 64,
        ..FitOptions::default()
    };
    let mut seen = Vec::new();
    fit(&mut model, &mut adam, &xor_data(), &options, |event| {
        seen.push(match event {
            Progress::EpochStart { batches, .. } => format!("start {batches}"),
            Progress::Batch { done, running, .. } => format!("batch {done} {}", running.samples),
            Progress::Epoch(report) => format!("epoch {} {}", report.epoch, report.samples),
        })
    })
    .unwrap();
    let one_epoch = [
        "start 4",
        "batch 1 64",
        "batch 2 128",
        "batch 3 192",
        "batch 4 200",
    ];
    assert_eq!(seen[..5], one_epoch);
    assert_eq!(seen[5], "epoch 1 200");
    assert_eq!(seen.len(), 12);
}

#[test]
fn settings_and_data_that_do_not_fit_are_errors() {
    let mut model = Xor::<f32>::new(1);
    let mut adam = Adam::new(AdamConfig::keras()).unwrap();
    let zero_batch = FitOptions {
        batch_size: 0,
        ..FitOptions::default()
    };
    let err = fit(&mut model, &mut adam, &xor_data(), &zero_batch, |_| {}).unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid batch_size: expected at least 1, found 0"
    );

    let wide = Dataset::new(Array2::zeros((3, 5)), vec![0, 1, 0], 2).unwrap();
    let err = fit(&mut model, &mut adam, &wide, &FitOptions::default(), |_| {}).unwrap_err();
    assert!(
        err.to_string().contains("expected 2 features per sample"),
        "{err}"
    );

    let many_classes = Dataset::new(Array2::zeros((3, 2)), vec![0, 1, 4], 5).unwrap();
    let err = evaluate(&model, &many_classes, 8).unwrap_err();
    assert!(err.to_string().contains("at most 2 classes"), "{err}");

    let err = predict_proba(&model, Array2::zeros((1, 3)).view()).unwrap_err();
    assert!(err.to_string().contains("2 features per row"), "{err}");

    let err = Dataset::new(Array2::zeros((2, 2)), vec![0, 2], 2).unwrap_err();
    assert!(
        err.to_string()
            .contains("label 2 of sample 1 is out of range"),
        "{err}"
    );
    let mut nan = Array2::zeros((2, 2));
    nan[[1, 0]] = f32::NAN;
    let err = Dataset::new(nan, vec![0, 1], 2).unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid features: expected finite values, found NaN at feature 0 of sample 1"
    );
    let huge = FitOptions {
        batch_size: usize::MAX,
        ..FitOptions::default()
    };
    let history = fit(&mut model, &mut adam, &xor_data(), &huge, |_| {}).unwrap();
    assert_eq!(
        history.epochs[0].samples, 200,
        "one batch holds the whole data set"
    );

    let err = Dataset::new(Array2::zeros((2, 2)), vec![0], 2).unwrap_err();
    assert!(
        err.to_string().contains("one label per sample (2)"),
        "{err}"
    );
}

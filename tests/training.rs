//! The training loop on small synthetic data: it learns, it is reproducible,
//! its callbacks, validation, schedules and clipping work, and it rejects data
//! or settings that do not fit the network.

use std::path::PathBuf;

use ndarray::Array2;
use nn::data::Dataset;
use nn::loss::{
    BinaryCrossEntropy, CategoricalCrossEntropy, Huber, MeanSquaredError, SparseCrossEntropy,
};
use nn::metrics::Metric;
use nn::optim::{Adam, AdamConfig, Clip, Sgd};
use nn::persist::load_weights;
use nn::train::{
    Augmentation, BatchReport, Callback, CsvLogger, EarlyStopping, EpochReport, FitOptions,
    History, ModelCheckpoint, Schedule, Signal, TerminateOnNan, Verbosity, evaluate, fit,
    predict_classes, predict_proba,
};
use nn::{Network, Params};

nn::network! { Xor: [2] => dense(16, tanh) -> dense(2) }
nn::network! { XorDropout: [2] => dense(32, tanh) -> dropout(0.2) -> dense(2) }
nn::network! { XorLogit: [2] => dense(16, tanh) -> dense(1) }
nn::network! { Line: [1] => dense(1) }

/// XOR of the signs of two coordinates: features and 0/1 labels.
fn xor_points(count: usize) -> (Array2<f32>, Vec<usize>) {
    let mut rng = nn::rng::SeededRng::new(3);
    let mut features = Vec::new();
    let mut labels = Vec::new();
    for _ in 0..count {
        let (a, b) = (rng.uniform(-1.0, 1.0), rng.uniform(-1.0, 1.0));
        features.extend([a as f32, b as f32]);
        labels.push(usize::from((a > 0.0) != (b > 0.0)));
    }
    (
        Array2::from_shape_vec((count, 2), features).unwrap(),
        labels,
    )
}

fn xor_data() -> Dataset {
    let (features, labels) = xor_points(200);
    Dataset::new(features, labels, 2).unwrap()
}

fn quiet(epochs: usize, seed: u64) -> FitOptions {
    FitOptions {
        epochs,
        batch_size: 16,
        seed,
        metrics: vec![Metric::Accuracy],
        verbosity: Verbosity::Quiet,
        ..FitOptions::default()
    }
}

fn adam(learning_rate: f64) -> Adam<XorGrads> {
    let config = AdamConfig {
        learning_rate,
        ..AdamConfig::keras()
    };
    Adam::new(config).unwrap()
}

fn train(seed: u64, epochs: usize) -> (Xor, History) {
    let mut model = Xor::<f32>::new(seed);
    let options = quiet(epochs, seed);
    let loss = &SparseCrossEntropy;
    let history = fit(
        &mut model,
        &mut adam(0.02),
        loss,
        &xor_data(),
        None,
        &options,
        &mut [],
    );
    (model, history.unwrap())
}

/// A scratch directory for one test.
fn scratch(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("nn-training-{}-{test}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn learns_xor_and_is_reproducible_from_the_seed() {
    let (model, history) = train(7, 150);
    let eval = evaluate(&model, &SparseCrossEntropy, &xor_data(), 64).unwrap();
    assert!(eval.accuracy() >= 0.95, "accuracy {}", eval.accuracy());
    let losses = history.series("loss");
    assert!(losses[149] < losses[0] / 3.0);
    let (again, history_again) = train(7, 150);
    assert_eq!(model.dense0.weight(), again.dense0.weight());
    assert_eq!(losses, history_again.series("loss"));
}

#[test]
fn one_seed_drives_shuffling_and_dropout_bit_for_bit() {
    let run = |seed| {
        let mut model = XorDropout::<f32>::new(seed);
        let mut adam = Adam::new(AdamConfig::keras()).unwrap();
        let options = quiet(5, seed);
        fit(
            &mut model,
            &mut adam,
            &SparseCrossEntropy,
            &xor_data(),
            None,
            &options,
            &mut [],
        )
        .unwrap();
        (0..XorDropout::<f32>::TENSORS)
            .flat_map(|i| model.tensor(i).to_vec())
            .collect::<Vec<f32>>()
    };
    let first = run(11);
    assert_eq!(first, run(11));
    assert_ne!(first, run(12));
}

/// Records every event it sees, as a user callback would.
#[derive(Default)]
struct Recorder {
    events: Vec<String>,
}

impl<N> Callback<N> for Recorder {
    fn on_train_begin(&mut self, epochs: usize) -> nn::Result<()> {
        self.events.push(format!("begin {epochs}"));
        Ok(())
    }
    fn on_epoch_begin(&mut self, epoch: usize, batches: usize) -> nn::Result<()> {
        self.events
            .push(format!("epoch {epoch} of {batches} batches"));
        Ok(())
    }
    fn on_batch_end(&mut self, batch: &BatchReport<'_>) -> nn::Result<Signal> {
        self.events
            .push(format!("batch {} {}", batch.done, batch.samples));
        Ok(Signal::Continue)
    }
    fn on_epoch_end(&mut self, report: &EpochReport, _: &N) -> nn::Result<Signal> {
        self.events
            .push(format!("end {} {}", report.epoch, report.samples));
        Ok(Signal::Continue)
    }
    fn on_train_end(&mut self, history: &History, _: &mut N) -> nn::Result<()> {
        self.events.push(format!("done {}", history.epochs.len()));
        Ok(())
    }
}

#[test]
fn user_callbacks_see_every_batch_and_epoch() {
    let mut model = Xor::<f32>::new(1);
    let options = FitOptions {
        batch_size: 64,
        ..quiet(2, 1)
    };
    let mut recorder = Recorder::default();
    let loss = &SparseCrossEntropy;
    fit(
        &mut model,
        &mut adam(1e-3),
        loss,
        &xor_data(),
        None,
        &options,
        &mut [&mut recorder],
    )
    .unwrap();
    let first_epoch = [
        "begin 2",
        "epoch 1 of 4 batches",
        "batch 1 64",
        "batch 2 128",
        "batch 3 192",
        "batch 4 200",
        "end 1 200",
    ];
    assert_eq!(recorder.events[..7], first_epoch);
    assert_eq!(recorder.events.len(), 14);
    assert_eq!(recorder.events[13], "done 2");
}

#[test]
fn validation_split_holds_out_the_last_samples_and_reports_them() {
    let mut model = Xor::<f32>::new(2);
    let options = FitOptions {
        validation_split: Some(0.25),
        metrics: vec![Metric::Accuracy, Metric::F1],
        ..quiet(3, 2)
    };
    let loss = &SparseCrossEntropy;
    let history = fit(
        &mut model,
        &mut adam(0.02),
        loss,
        &xor_data(),
        None,
        &options,
        &mut [],
    );
    let last = history.unwrap().epochs.pop().unwrap();
    assert_eq!(last.samples, 150);
    let names: Vec<&str> = last.figures.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "loss",
            "accuracy",
            "f1",
            "val_loss",
            "val_accuracy",
            "val_f1",
            "learning_rate"
        ]
    );
    let (_, held_out) = xor_data().split_last(0.25).unwrap();
    let direct = evaluate(&model, loss, &held_out, 7).unwrap();
    assert!((last.get("val_loss").unwrap() - direct.loss).abs() < 1e-9);
    assert_eq!(last.get("val_accuracy"), Some(direct.accuracy()));
}

#[test]
fn early_stopping_stops_and_restores_the_best_weights() {
    // A learning rate far too high: the validation loss soon stops improving.
    let mut model = Xor::<f32>::new(4);
    let options = FitOptions {
        validation_split: Some(0.3),
        ..quiet(200, 4)
    };
    let mut stop = EarlyStopping::new("val_loss", 3).restore_best_weights();
    let loss = &SparseCrossEntropy;
    let history = fit(
        &mut model,
        &mut adam(0.5),
        loss,
        &xor_data(),
        None,
        &options,
        &mut [&mut stop],
    )
    .unwrap();
    let stopped = stop.stopped_epoch().expect("patience ran out");
    assert!(history.epochs.len() == stopped && stopped < 200);
    let (best_epoch, best_loss) = stop.best_epoch().unwrap();
    assert_eq!(stopped, best_epoch + 3);
    let val_losses = history.series("val_loss");
    assert_eq!(
        best_loss,
        val_losses.iter().copied().fold(f64::INFINITY, f64::min)
    );
    let (_, held_out) = xor_data().split_last(0.3).unwrap();
    let restored = evaluate(&model, loss, &held_out, 64).unwrap().loss;
    assert!(
        (restored - best_loss).abs() < 1e-9,
        "{restored} vs {best_loss}"
    );
}

#[test]
fn checkpoints_keep_the_best_model_and_csv_logs_every_epoch() {
    let dir = scratch("checkpoint");
    let best_path = dir.join("best.safetensors");
    let mut best = ModelCheckpoint::best(best_path.to_string_lossy(), "val_accuracy");
    let mut every =
        ModelCheckpoint::every_epoch(dir.join("epoch-{epoch}.safetensors").to_string_lossy());
    let mut log = CsvLogger::new(dir.join("log.csv"));
    let mut model = Xor::<f32>::new(5);
    let options = FitOptions {
        validation_split: Some(0.2),
        ..quiet(6, 5)
    };
    let history = fit(
        &mut model,
        &mut adam(0.02),
        &SparseCrossEntropy,
        &xor_data(),
        None,
        &options,
        &mut [&mut best, &mut every, &mut log],
    )
    .unwrap();
    assert_eq!(every.saved().len(), 6);
    assert!(dir.join("epoch-6.safetensors").exists());
    // The best file holds the model of the first epoch with the top validation accuracy.
    let accuracies = history.series("val_accuracy");
    let top = accuracies.iter().copied().fold(f64::MIN, f64::max);
    let best_epoch = accuracies.iter().position(|&a| a == top).unwrap() + 1;
    let mut from_best = Xor::<f32>::new(0);
    load_weights(&mut from_best, &best_path).unwrap();
    let mut from_epoch = Xor::<f32>::new(0);
    load_weights(
        &mut from_epoch,
        &dir.join(format!("epoch-{best_epoch}.safetensors")),
    )
    .unwrap();
    assert_eq!(from_best.dense0.weight(), from_epoch.dense0.weight());
    let csv = std::fs::read_to_string(dir.join("log.csv")).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "epoch,loss,accuracy,val_loss,val_accuracy,learning_rate,seconds"
    );
    assert_eq!(lines.len(), 7);
    assert!(lines[6].starts_with("6,"));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// y = 3x - 1 on [-1, 1).
fn line_data() -> Dataset {
    let x = Array2::from_shape_fn((64, 1), |(i, _)| i as f32 / 32.0 - 1.0);
    let y = x.mapv(|v| 3.0 * v - 1.0);
    Dataset::with_values(x, y).unwrap()
}

#[test]
fn a_diverging_loss_stops_training_at_the_first_bad_batch() {
    // Plain SGD with a learning rate far too high grows the weights geometrically.
    let mut model = Line::<f32>::new(6);
    let mut nan_stop = TerminateOnNan::default();
    let history = fit(
        &mut model,
        &mut Sgd::new(10.0).unwrap(),
        &MeanSquaredError,
        &line_data(),
        None,
        &quiet(100, 6),
        &mut [&mut nan_stop],
    )
    .unwrap();
    let (epoch, batch) = nan_stop.stopped_at.expect("the loss diverged");
    assert!(epoch < 100);
    assert_eq!(history.epochs.len(), epoch);
    let last = &history.epochs[epoch - 1];
    assert_eq!(
        last.samples,
        (batch * 16).min(64),
        "the epoch ends at the bad batch"
    );
    assert!(!last.loss().is_finite());
}

#[test]
fn schedules_set_the_rate_each_epoch_and_clipping_bounds_the_steps() {
    let mut model = Xor::<f32>::new(8);
    let options = FitOptions {
        schedule: Some(Schedule::Step {
            every: 2,
            factor: 0.5,
        }),
        clip: Some(Clip::Norm(0.1)),
        ..quiet(5, 8)
    };
    let history = fit(
        &mut model,
        &mut Sgd::new(0.4).unwrap(),
        &SparseCrossEntropy,
        &xor_data(),
        None,
        &options,
        &mut [],
    )
    .unwrap();
    assert_eq!(history.series("learning_rate"), [0.4, 0.4, 0.2, 0.2, 0.1]);
    // With every step's gradient norm at most 0.1, no weight moves more than
    // lr * 0.1 per step: 13 steps per epoch, rates as above.
    let moved = Xor::<f32>::new(8)
        .dense0
        .weight()
        .iter()
        .zip(model.dense0.weight())
        .map(|(a, b)| (a - b).abs())
        .fold(0.0f32, f32::max);
    assert!(
        f64::from(moved) <= 13.0 * 0.1 * (0.4 + 0.4 + 0.2 + 0.2 + 0.1) + 1e-6,
        "{moved}"
    );
}

#[test]
fn a_cosine_schedule_down_to_zero_stops_the_updates_there() {
    let mut model = Xor::<f32>::new(8);
    let cosine = |epochs| FitOptions {
        schedule: Some(Schedule::Cosine {
            epochs: 2,
            minimum: 0.0,
        }),
        ..quiet(epochs, 8)
    };
    let train = |model: &mut Xor, epochs| {
        let mut sgd = Sgd::new(0.4).unwrap();
        fit(
            model,
            &mut sgd,
            &SparseCrossEntropy,
            &xor_data(),
            None,
            &cosine(epochs),
            &mut [],
        )
        .unwrap()
    };
    let history = train(&mut model, 4);
    assert_eq!(history.series("learning_rate")[2..], [0.0, 0.0]);
    let mut two_epochs = Xor::<f32>::new(8);
    train(&mut two_epochs, 2);
    assert_eq!(model.dense0.weight(), two_epochs.dense0.weight());
}

#[test]
fn regression_and_binary_targets_train_with_their_losses() {
    let line = line_data();
    let mut model = Line::<f32>::new(0);
    let options = FitOptions {
        metrics: vec![Metric::MeanAbsoluteError],
        ..quiet(200, 0)
    };
    let mut sgd = Sgd::new(0.1).unwrap();
    let history = fit(
        &mut model,
        &mut sgd,
        &MeanSquaredError,
        &line,
        None,
        &options,
        &mut [],
    )
    .unwrap();
    assert!(history.epochs.last().unwrap().get("mae").unwrap() < 1e-3);
    assert!((model.dense0.weight()[0] - 3.0).abs() < 1e-3);
    assert!((model.dense0.bias()[0] + 1.0).abs() < 1e-3);

    // XOR with one logit and binary cross-entropy on 0/1 targets.
    let (features, labels) = xor_points(200);
    let targets = Array2::from_shape_fn((200, 1), |(i, _)| labels[i] as f32);
    let binary = Dataset::with_values(features, targets).unwrap();
    let mut model = XorLogit::<f32>::new(1);
    let mut adam = Adam::new(AdamConfig {
        learning_rate: 0.02,
        ..AdamConfig::keras()
    })
    .unwrap();
    let bce = BinaryCrossEntropy { from_logits: true };
    fit(
        &mut model,
        &mut adam,
        &bce,
        &binary,
        None,
        &quiet(150, 1),
        &mut [],
    )
    .unwrap();
    let eval = evaluate(&model, &bce, &binary, 64).unwrap();
    assert!(eval.loss < 0.2, "loss {}", eval.loss);
    assert!(eval.accuracy() >= 0.95, "accuracy {}", eval.accuracy());
    // One logit per sample: its probability is a sigmoid, its class a threshold.
    let (x, _) = xor_points(200);
    let proba = predict_proba(&model, x.view()).unwrap();
    assert!(proba.iter().all(|p| (0.0..=1.0).contains(p)));
    let classes = predict_classes(&model, x.view()).unwrap();
    let right = classes.iter().zip(&labels).filter(|(a, b)| a == b).count();
    assert_eq!(right as f64 / 200.0, eval.accuracy());
}

nn::network! { XorSoftmax: [2] => dense(16, tanh) -> dense(2, softmax) }
nn::network! { SoftmaxDropout: [2] => dense(16, tanh) -> dense(2, softmax) -> dropout(0.1) }

fn fit_xor_softmax_dropout() -> nn::Result<History> {
    let mut model = SoftmaxDropout::<f32>::new(0);
    let mut adam = Adam::new(AdamConfig::keras())?;
    fit(
        &mut model,
        &mut adam,
        &SparseCrossEntropy,
        &xor_data(),
        None,
        &quiet(1, 0),
        &mut [],
    )
}

#[test]
fn a_loss_must_read_what_the_last_layer_gives() {
    let mut adam = Adam::new(AdamConfig::keras()).unwrap();
    let mut softmax = XorSoftmax::<f32>::new(0);
    let err = fit(
        &mut softmax,
        &mut adam,
        &SparseCrossEntropy,
        &xor_data(),
        None,
        &quiet(1, 0),
        &mut [],
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid loss: expected a loss that reads probabilities, as the network ends in a \
         softmax (its outputs are probabilities): use CategoricalCrossEntropy { from_logits: \
         false }, which takes class labels too, instead of sparse_categorical_crossentropy, or \
         remove the last activation, found sparse_categorical_crossentropy, which reads logits"
    );
    let probabilities = CategoricalCrossEntropy { from_logits: false };
    let history = fit(
        &mut softmax,
        &mut adam,
        &probabilities,
        &xor_data(),
        None,
        &quiet(1, 0),
        &mut [],
    );
    assert!(history.is_ok());
    let err = evaluate(&Xor::<f32>::new(0), &probabilities, &xor_data(), 8).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("invalid loss: expected a loss that reads logits, as the network has no"),
        "{err}"
    );

    // Dropout or a reshape after the softmax leaves the outputs probabilities.
    assert_eq!(SoftmaxDropout::<f32>::OUTPUT, nn::network::Output::Softmax);
    let err = fit_xor_softmax_dropout().unwrap_err();
    assert!(
        err.to_string()
            .starts_with("invalid loss: expected a loss that reads probabilities"),
        "{err}"
    );
    // A NaN weight is a NaN loss, not one hidden by the clip to [1e-7, 1 - 1e-7].
    softmax.dense0.weight_mut()[0] = f32::NAN;
    let broken = evaluate(&softmax, &probabilities, &xor_data(), 8).unwrap();
    assert!(broken.loss.is_nan(), "{}", broken.loss);

    let (features, _) = xor_points(4);
    let targets = Array2::from_shape_vec((4, 1), vec![0.0, 1.0, 2.0, 0.5]).unwrap();
    let outside = Dataset::with_values(features, targets).unwrap();
    let bce = BinaryCrossEntropy { from_logits: true };
    let err = evaluate(&XorLogit::<f32>::new(0), &bce, &outside, 8).unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid targets: expected target values in [0, 1] for binary_crossentropy, \
         found 2 at value 0 of sample 2"
    );
}

#[test]
fn binary_accuracy_thresholds_a_logit_at_zero_and_a_probability_at_one_half() {
    // Outputs 0.25 for the positive sample, -1 for the negative one.
    let mut model = Line::<f32>::new(0);
    model.dense0.weight_mut()[0] = 0.25;
    model.dense0.bias_mut()[0] = 0.0;
    let features = Array2::from_shape_vec((2, 1), vec![1.0, -4.0]).unwrap();
    let targets = Array2::from_shape_vec((2, 1), vec![1.0, 0.0]).unwrap();
    let data = Dataset::with_values(features, targets).unwrap();
    let logits = evaluate(&model, &BinaryCrossEntropy { from_logits: true }, &data, 2).unwrap();
    assert_eq!(logits.accuracy(), 1.0);
    let mse = evaluate(&model, &MeanSquaredError, &data, 2).unwrap();
    assert_eq!(mse.accuracy(), 0.5);
}

/// Fits a fresh `Xor` with Adam and sparse cross-entropy, for the tests of
/// what `fit` refuses.
fn fit_xor(
    data: &Dataset,
    validation: Option<&Dataset>,
    options: &FitOptions,
    callbacks: &mut [&mut dyn Callback<Xor>],
) -> nn::Result<History> {
    let mut model = Xor::<f32>::new(1);
    fit(
        &mut model,
        &mut adam(1e-3),
        &SparseCrossEntropy,
        data,
        validation,
        options,
        callbacks,
    )
}

#[test]
fn settings_and_data_that_do_not_fit_are_errors() {
    let loss = &SparseCrossEntropy;
    let zero_batch = FitOptions {
        batch_size: 0,
        ..quiet(1, 0)
    };
    let err = fit_xor(&xor_data(), None, &zero_batch, &mut []).unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid batch_size: expected at least 1, found 0"
    );

    let wide = Dataset::new(Array2::zeros((3, 5)), vec![0, 1, 0], 2).unwrap();
    let err = fit_xor(&wide, None, &quiet(1, 0), &mut []).unwrap_err();
    assert!(
        err.to_string().contains("expected 2 features per sample"),
        "{err}"
    );

    let values = Dataset::with_values(Array2::zeros((3, 2)), Array2::zeros((3, 2))).unwrap();
    let err = fit_xor(&values, None, &quiet(1, 0), &mut []).unwrap_err();
    assert!(
        err.to_string()
            .contains("class labels for sparse_categorical_crossentropy"),
        "{err}"
    );

    let split_all = FitOptions {
        validation_split: Some(1.0),
        ..quiet(1, 0)
    };
    let err = fit_xor(&xor_data(), None, &split_all, &mut []).unwrap_err();
    assert!(
        err.to_string().starts_with("invalid validation_split"),
        "{err}"
    );

    let bad_clip = FitOptions {
        clip: Some(Clip::Value(-1.0)),
        ..quiet(1, 0)
    };
    assert!(
        fit_xor(&xor_data(), None, &bad_clip, &mut [])
            .unwrap_err()
            .to_string()
            .contains("clip value")
    );

    let huge = FitOptions {
        batch_size: usize::MAX,
        ..quiet(1, 0)
    };
    fit_xor(&xor_data(), None, &huge, &mut []).unwrap();

    let mut line = Line::<f32>::new(1);
    let err = fit(
        &mut line,
        &mut Sgd::new(0.1).unwrap(),
        &Huber { delta: 0.0 },
        &line_data(),
        None,
        &quiet(1, 0),
        &mut [],
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid delta: expected a positive finite Huber delta, found 0"
    );
    assert!(Sgd::new(0.0).is_err() && Sgd::new(f64::NAN).is_err());
    let zero_epsilon = AdamConfig {
        epsilon: 0.0,
        ..AdamConfig::keras()
    };
    assert!(Adam::<XorGrads>::new(zero_epsilon).is_err());

    let both = FitOptions {
        validation_split: Some(0.2),
        ..quiet(1, 0)
    };
    let err = fit_xor(&xor_data(), Some(&xor_data()), &both, &mut []).unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid validation_split: expected None when validation data is given, found 0.2"
    );
    let wide_validation = Dataset::new(Array2::zeros((3, 5)), vec![0, 1, 0], 2).unwrap();
    let err = fit_xor(&xor_data(), Some(&wide_validation), &quiet(1, 0), &mut []).unwrap_err();
    assert!(
        err.to_string()
            .ends_with("found 5 features per sample in the validation data"),
        "{err}"
    );
    for (metrics, message) in [
        (
            vec![Metric::TopK(0)],
            "expected a top-k accuracy with k of at least 1, found TopK(0)",
        ),
        (
            vec![Metric::Accuracy, Metric::Accuracy],
            "expected each metric once, found accuracy twice",
        ),
        (
            vec![Metric::MeanSquaredError],
            "(mse and mae need rows of target values), found mse",
        ),
    ] {
        let options = FitOptions {
            metrics,
            ..quiet(1, 0)
        };
        let err = fit_xor(&xor_data(), None, &options, &mut []).unwrap_err();
        assert!(err.to_string().ends_with(message), "{err}");
    }
    let mut nan_delta = EarlyStopping::new("loss", 2).min_delta(f64::NAN);
    let err = fit_xor(&xor_data(), None, &quiet(1, 0), &mut [&mut nan_delta]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid min_delta: expected a finite number, found NaN"
    );
    let rising = FitOptions {
        schedule: Some(Schedule::ReduceOnPlateau {
            monitor: "loss".into(),
            factor: 0.5,
            patience: 1,
            minimum: 0.5,
        }),
        ..quiet(1, 0)
    };
    let err = fit_xor(&xor_data(), None, &rising, &mut []).unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid plateau minimum: expected a rate from 0 to the starting rate 0.001, found 0.5"
    );

    let many_classes = Dataset::new(Array2::zeros((3, 2)), vec![0, 1, 4], 5).unwrap();
    let err = evaluate(&Xor::<f32>::new(1), loss, &many_classes, 8).unwrap_err();
    assert!(err.to_string().contains("at most 2 classes"), "{err}");

    let err = predict_proba(&Xor::<f32>::new(1), Array2::zeros((1, 3)).view()).unwrap_err();
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
    let err = Dataset::new(Array2::zeros((2, 2)), vec![0], 2).unwrap_err();
    assert!(
        err.to_string().contains("one label per sample (2)"),
        "{err}"
    );
}

#[test]
fn an_unknown_monitor_is_an_error_listing_the_figures() {
    let mut recorder = Recorder::default();
    let mut stop = EarlyStopping::new("val_acc", 2);
    let err = fit_xor(
        &xor_data(),
        None,
        &quiet(2, 0),
        &mut [&mut recorder, &mut stop],
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid early-stopping monitor: expected one of the figures fit reports: `loss`, \
         `accuracy`, `learning_rate`, found `val_acc`"
    );
    assert!(recorder.events.is_empty(), "refused before training");

    let mut best = ModelCheckpoint::best("never.safetensors", "val_accuracy");
    let err = fit_xor(&xor_data(), None, &quiet(2, 0), &mut [&mut best]).unwrap_err();
    assert!(
        err.to_string().starts_with("invalid checkpoint monitor")
            && err.to_string().ends_with("found `val_accuracy`"),
        "without validation data: {err}"
    );
    let plateau = FitOptions {
        validation_split: Some(0.2),
        schedule: Some(Schedule::ReduceOnPlateau {
            monitor: "val_los".into(),
            factor: 0.5,
            patience: 1,
            minimum: 0.0,
        }),
        ..quiet(2, 0)
    };
    let err = fit_xor(&xor_data(), None, &plateau, &mut []).unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid schedule monitor: expected one of the figures fit reports: `loss`, \
         `accuracy`, `val_loss`, `val_accuracy`, `learning_rate`, found `val_los`"
    );
}

nn::network! { Patch: [1, 4, 4] => flatten -> dense(8, relu) -> dense(2) }

/// 4 x 4 images: a bright left half is class 0, a bright right half class 1.
fn halves() -> Dataset {
    let mut rng = nn::rng::SeededRng::new(8);
    let mut features = Vec::new();
    let mut labels = Vec::new();
    for i in 0..64 {
        let class = i % 2;
        for _ in 0..4 {
            for column in 0..4 {
                let bright = (column < 2) == (class == 0);
                features.push(if bright { 1.0 } else { 0.0 } + rng.uniform(0.0, 0.1) as f32);
            }
        }
        labels.push(class);
    }
    Dataset::new(
        Array2::from_shape_vec((64, 16), features).unwrap(),
        labels,
        2,
    )
    .unwrap()
}

/// Stops training with an error at the end of an epoch, as a crash would.
struct CrashAfter(usize);

impl<N> Callback<N> for CrashAfter {
    fn on_epoch_end(&mut self, report: &EpochReport, _: &N) -> nn::Result<Signal> {
        if report.epoch == self.0 {
            return Err(nn::Error::InvalidArgument {
                name: "epoch",
                expected: "no crash".into(),
                found: "a simulated crash".into(),
            });
        }
        Ok(Signal::Continue)
    }
}

#[test]
fn augmentation_is_drawn_from_the_seed_and_survives_a_resume() {
    let augment = Augmentation {
        flip_horizontal: false,
        max_rotation_degrees: 10.0,
        max_shift: 0.1,
    };
    let train = |augment: Option<Augmentation>, backup: Option<PathBuf>, crash: Option<usize>| {
        let mut model = Patch::<f32>::new(3);
        let options = FitOptions {
            augment,
            backup,
            ..quiet(4, 3)
        };
        let mut adam = Adam::new(AdamConfig::keras()).unwrap();
        let mut crash = CrashAfter(crash.unwrap_or(0));
        let result = fit(
            &mut model,
            &mut adam,
            &SparseCrossEntropy,
            &halves(),
            None,
            &options,
            &mut [&mut crash],
        );
        result.map(|_| model.dense0.weight().to_vec())
    };
    let plain = train(None, None, None).unwrap();
    let augmented = train(Some(augment), None, None).unwrap();
    assert_ne!(
        plain, augmented,
        "augmentation changed what the network saw"
    );
    assert_eq!(augmented, train(Some(augment), None, None).unwrap());

    let backup = scratch("augment").join("backup.safetensors");
    assert!(train(Some(augment), Some(backup.clone()), Some(2)).is_err());
    let resumed = train(Some(augment), Some(backup.clone()), None).unwrap();
    assert_eq!(
        resumed, augmented,
        "the augmentation stream resumed where it stopped"
    );
    assert!(!backup.exists());

    let mut flat = Xor::<f32>::new(0);
    let options = FitOptions {
        augment: Some(augment),
        ..quiet(1, 0)
    };
    let err = fit(
        &mut flat,
        &mut adam(1e-3),
        &SparseCrossEntropy,
        &xor_data(),
        None,
        &options,
        &mut [],
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid augment: expected a network whose input is an image [channels, height, width], \
         found an input of 2 values"
    );
}

nn::network! { XorL2: [2] => dense(16, tanh, l2 = 0.01) -> dense(2, l2 = 0.01) }

#[test]
fn weight_penalties_shrink_the_weights_and_are_reported_in_the_loss() {
    let mut plain = Xor::<f32>::new(7);
    let mut penalized = XorL2::<f32>::new(7);
    let options = quiet(60, 7);
    let loss = &SparseCrossEntropy;
    fit(
        &mut plain,
        &mut adam(0.02),
        loss,
        &xor_data(),
        None,
        &options,
        &mut [],
    )
    .unwrap();
    let mut adam_l2 = Adam::new(AdamConfig {
        learning_rate: 0.02,
        ..AdamConfig::keras()
    })
    .unwrap();
    let history = fit(
        &mut penalized,
        &mut adam_l2,
        loss,
        &xor_data(),
        None,
        &options,
        &mut [],
    )
    .unwrap();
    let squares = |w: &[f32]| w.iter().map(|v| f64::from(v * v)).sum::<f64>();
    assert!(squares(penalized.dense0.weight()) < 0.5 * squares(plain.dense0.weight()));
    // evaluate reports the data loss plus the penalty, as fit does.
    let penalty = penalized.penalty(None);
    let with = evaluate(&penalized, loss, &xor_data(), 64).unwrap().loss;
    let mut cache = XorL2Cache::default();
    let (features, labels) = xor_points(200);
    let logits = penalized.forward(features.as_slice().unwrap(), &mut cache);
    let data_only = SparseCrossEntropy::forward(logits, &labels, 2).mean_loss();
    assert!((with - (data_only + penalty)).abs() < 1e-6 && penalty > 0.01);
    assert!(history.epochs.last().unwrap().loss() > penalty);
}

/// Trains 3 epochs with the verbosity `NN_PROGRESS` names, printing only
/// what `fit` prints: the child process of
/// `progress_is_plain_lines_off_a_terminal_and_nothing_when_quiet`.
#[test]
#[ignore = "a child process of progress_is_plain_lines_off_a_terminal_and_nothing_when_quiet"]
fn progress_phase() {
    let verbosity = match std::env::var("NN_PROGRESS").as_deref() {
        Ok("auto") => Verbosity::Auto,
        Ok("quiet") => Verbosity::Quiet,
        other => panic!("unknown verbosity {other:?}"),
    };
    let options = FitOptions {
        verbosity,
        ..quiet(3, 0)
    };
    let mut model = Xor::<f32>::new(0);
    fit(
        &mut model,
        &mut adam(0.01),
        &SparseCrossEntropy,
        &xor_data(),
        None,
        &options,
        &mut [],
    )
    .unwrap();
}

#[test]
fn progress_is_plain_lines_off_a_terminal_and_nothing_when_quiet() {
    let run = |verbosity: &str| {
        let output = std::process::Command::new(std::env::current_exe().unwrap())
            .args([
                "progress_phase",
                "--exact",
                "--ignored",
                "--quiet",
                "--nocapture",
            ])
            .env("NN_PROGRESS", verbosity)
            .output()
            .unwrap();
        assert!(output.status.success(), "{verbosity}");
        String::from_utf8(output.stderr).unwrap()
    };
    let lines = run("auto");
    let epochs: Vec<&str> = lines.lines().filter(|l| l.starts_with("epoch ")).collect();
    assert_eq!(epochs.len(), 3, "{lines}");
    assert!(
        epochs[2].starts_with("epoch 3/3: loss ") && epochs[2].contains(", accuracy "),
        "{lines}"
    );
    assert!(
        !lines.contains('\r') && !lines.contains("ETA"),
        "no bar off a terminal"
    );
    assert_eq!(run("quiet"), "");
}

//! End to end on real MNIST: one epoch of the Keras tutorial network reaches
//! at least 95% test accuracy.
//!
//! The data is found as the example finds it (`NN_DATA_DIR`, `./data`,
//! `../shared/data`). Without it the test is skipped with a loud message,
//! except in CI (`CI=true`), where missing data fails it.

use nn::data::{MnistKind, load_mnist};
use nn::loss::SparseCrossEntropy;
use nn::optim::{Adam, AdamConfig};
use nn::train::{FitOptions, Verbosity, evaluate, fit, predict_classes};

nn::network! { Mlp: [784] => dense(128, relu) -> dense(10) }

#[test]
fn one_epoch_of_the_tutorial_network_reaches_95_percent() {
    let data = match load_mnist(MnistKind::Digits, None) {
        Ok(data) => data,
        Err(e) if std::env::var("CI").is_ok_and(|v| v == "true") => panic!("CI needs MNIST: {e}"),
        Err(e) => {
            eprintln!("SKIPPED: MNIST end-to-end test, no data: {e}");
            return;
        }
    };
    let mut model = Mlp::<f32>::new(42);
    let mut adam = Adam::new(AdamConfig::keras()).unwrap();
    let options = FitOptions {
        epochs: 1,
        batch_size: 32,
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
    )
    .unwrap();
    assert_eq!(history.epochs[0].samples, 60_000);
    let test = evaluate(&model, loss, &data.test, 1000).unwrap();
    assert_eq!(test.samples, 10_000);
    assert!(
        test.accuracy() >= 0.95,
        "test accuracy {:.4} after one epoch",
        test.accuracy()
    );
    assert!(
        test.loss < 0.2,
        "test loss {:.4} after one epoch",
        test.loss
    );

    let predicted = predict_classes(&model, data.test.features()).unwrap();
    let correct = predicted
        .iter()
        .zip(data.test.labels().unwrap())
        .filter(|(p, l)| p == l)
        .count();
    assert_eq!(
        correct as f64 / 10_000.0,
        test.accuracy(),
        "predict and evaluate disagree"
    );
}

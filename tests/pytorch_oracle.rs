//! Generated networks agree with PyTorch (float64 oracle values in
//! `tests/fixtures/`): forward values, every parameter gradient, and five
//! optimizer steps.

mod common;

use common::{Case, case, fixture};
use nn::layers::Layer;
use nn::loss::{SparseCrossEntropy, Targets};
use nn::optim::{Adam, AdamConfig, Momentum, Optimizer, RmsProp, Sgd};
use nn::testing::assert_close;
use nn::train::{StepBuffers, train_step};
use nn::{Cache, Element, Network, Params};

nn::network! { ReluB4: [8] => dense(5, relu) -> dense(3) }
nn::network! { TanhB6: [7] => dense(4, tanh) -> dense(5) }
nn::network! { SigmoidB3: [5] => dense(6, sigmoid) -> dense(4) }
nn::network! { LargeLogitsB5: [6] => dense(5, relu) -> dense(4) }

/// Tensor `key` in our layout: PyTorch's dense weights `W*`/`dW*` are `[out, in]`,
/// ours `[in, out]`.
fn ours(case: &Case<'_>, key: &str) -> Vec<f64> {
    if key.starts_with('W') || key.starts_with("dW") {
        case.transposed(key)
    } else {
        case.tensor(key)
    }
}

/// Loads W1, b1, W2, b2 (suffixed by `suffix`) into the four tensors of `model`.
fn load<E: Element, N: Params<E>>(model: &mut N, case: &Case<'_>, suffix: &str) {
    for (index, key) in ["W1", "b1", "W2", "b2"].iter().enumerate() {
        let values = ours(case, &format!("{key}{suffix}"));
        let tensor = model.tensor_mut(index);
        assert_eq!(tensor.len(), values.len(), "{}: {key} size", case.name);
        for (t, v) in tensor.iter_mut().zip(values) {
            *t = E::from_f64(v);
        }
    }
}

/// Forward values, loss and all gradients of one `mlp_grad.json` case.
fn check_mlp_case<E: Element, N: Network<E>>(name: &str, tol: f64)
where
    N::Grads: Params<E>,
{
    let fixture = fixture("mlp_grad.json");
    let case = case(&fixture, name);
    let mut model = N::from_seed(0);
    load(&mut model, &case, "");
    let x: Vec<E> = case.tensor("x").into_iter().map(E::from_f64).collect();
    let labels = case.labels("labels");
    let mut cache = N::Cache::default();
    let logits = model.forward(&x, &mut cache).to_vec();
    assert_close(
        &format!("{name} logits"),
        &logits,
        &case.tensor("logits"),
        tol,
    );
    let (out, grad) = cache.output_and_grad();
    let stats =
        SparseCrossEntropy::forward_backward(out, &labels, grad, logits.len() / labels.len());
    assert_close(
        &format!("{name} loss"),
        &[stats.mean_loss()],
        &case.tensor("loss"),
        tol,
    );
    let mut grads = N::Grads::default();
    model.backward(&x, &mut cache, &mut grads);
    for (index, key) in ["dW1", "db1", "dW2", "db2"].iter().enumerate() {
        assert_close(
            &format!("{name} {key}"),
            grads.tensor(index),
            &ours(&case, key),
            tol,
        );
    }
}

#[test]
fn mlp_forward_and_gradients_match_pytorch_in_f64() {
    check_mlp_case::<f64, ReluB4<f64>>("relu_b4", 1e-10);
    check_mlp_case::<f64, TanhB6<f64>>("tanh_b6", 1e-10);
    check_mlp_case::<f64, SigmoidB3<f64>>("sigmoid_b3", 1e-10);
    check_mlp_case::<f64, LargeLogitsB5<f64>>("relu_large_logits_b5", 1e-10);
}

#[test]
fn mlp_forward_and_gradients_match_pytorch_in_f32() {
    check_mlp_case::<f32, ReluB4>("relu_b4", 1e-5);
    check_mlp_case::<f32, TanhB6>("tanh_b6", 1e-5);
    check_mlp_case::<f32, SigmoidB3>("sigmoid_b3", 1e-5);
    // Logits in the hundreds: f32 keeps about 7 significant digits of each.
    check_mlp_case::<f32, LargeLogitsB5>("relu_large_logits_b5", 1e-4);
}

#[test]
fn hidden_activations_match_pytorch() {
    let fixture = fixture("mlp_grad.json");
    let case = case(&fixture, "tanh_b6");
    let mut model = TanhB6::<f64>::new(0);
    load(&mut model, &case, "");
    let x = case.tensor("x");
    let mut hidden = vec![0.0; 6 * 4];
    model.dense0.forward(&x, &mut hidden, 6);
    assert_close("tanh_b6 hidden", &hidden, &case.tensor("hidden"), 1e-12);
}

/// Runs the five steps of an `optimizer_steps.json` case and compares losses and final parameters.
fn check_steps<E: Element, O: Optimizer<E, ReluB4<E>, ReluB4Grads<E>>>(
    name: &str,
    mut optimizer: O,
    tol: f64,
) {
    let fixture = fixture("optimizer_steps.json");
    let case = case(&fixture, name);
    let mut model = ReluB4::<E>::new(0);
    load(&mut model, &case, "_0");
    let mut buffers = StepBuffers::new(0);
    let mut losses = Vec::new();
    for step in 0..5 {
        let x: Vec<E> = case
            .tensor(&format!("x_{step}"))
            .into_iter()
            .map(E::from_f64)
            .collect();
        let labels = case.labels(&format!("labels_{step}"));
        let targets = Targets::Classes(&labels);
        let sum = train_step(
            &mut model,
            &mut optimizer,
            &SparseCrossEntropy,
            &x,
            targets,
            &mut buffers,
            None,
        );
        losses.push(sum / labels.len() as f64);
    }
    let mut deviation = assert_close(
        &format!("{name} losses"),
        &losses,
        &case.tensor("losses"),
        tol,
    );
    let mut expected = ReluB4::<E>::new(0);
    load(&mut expected, &case, "_final");
    for index in 0..4 {
        let want: Vec<f64> = expected
            .tensor(index)
            .iter()
            .map(|v| v.into_f64())
            .collect();
        deviation = deviation.max(assert_close(
            &format!("{name} {}", model.tensor_name(index)),
            model.tensor(index),
            &want,
            tol,
        ));
    }
    eprintln!(
        "{name} ({}): largest relative deviation {deviation:.1e}",
        std::any::type_name::<E>()
    );
}

#[test]
fn adam_steps_match_pytorch() {
    let config = AdamConfig {
        learning_rate: 0.01,
        ..AdamConfig::pytorch()
    };
    check_steps::<f64, _>(
        "adam_lr0.01_b0.9_0.999_eps1e-8",
        Adam::new(config).unwrap(),
        1e-9,
    );
    check_steps::<f32, _>(
        "adam_lr0.01_b0.9_0.999_eps1e-8",
        Adam::new(config).unwrap(),
        1e-4,
    );
}

#[test]
fn adamw_steps_match_pytorch() {
    let config = AdamConfig {
        learning_rate: 0.01,
        weight_decay: 0.1,
        ..AdamConfig::adamw()
    };
    let case = "adamw_lr0.01_wd0.1";
    check_steps::<f64, _>(case, Adam::new(config).unwrap(), 1e-9);
    check_steps::<f32, _>(case, Adam::new(config).unwrap(), 1e-4);
}

#[test]
fn sgd_steps_match_pytorch() {
    check_steps::<f64, _>("sgd_lr0.1", Sgd::new(0.1).unwrap(), 1e-10);
}

#[test]
fn momentum_and_nesterov_steps_match_pytorch() {
    for (case, nesterov) in [
        ("sgd_momentum0.9_lr0.05", false),
        ("sgd_nesterov0.9_lr0.05", true),
    ] {
        check_steps::<f64, _>(case, Momentum::new(0.05, 0.9, nesterov).unwrap(), 1e-10);
        check_steps::<f32, _>(case, Momentum::new(0.05, 0.9, nesterov).unwrap(), 1e-4);
    }
}

#[test]
fn rmsprop_steps_match_pytorch() {
    let case = "rmsprop_lr0.01_alpha0.9_eps1e-7";
    check_steps::<f64, _>(case, RmsProp::new(0.01, 0.9, 1e-7).unwrap(), 1e-9);
    check_steps::<f32, _>(case, RmsProp::new(0.01, 0.9, 1e-7).unwrap(), 1e-4);
}

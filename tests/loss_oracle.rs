//! Every case of `tests/fixtures/losses.json` (PyTorch, float64): loss values
//! and gradients with respect to the network's outputs, in f64 and f32.

mod common;

use common::{case, fixture};
use nn::Element;
use nn::loss::{
    BinaryCrossEntropy, CategoricalCrossEntropy, Huber, Loss, MeanSquaredError, SparseCrossEntropy,
    Targets,
};
use nn::testing::assert_close;

/// How PyTorch reduced the case: the batch mean, or the sum over samples.
#[derive(Clone, Copy)]
enum Reduction {
    Mean,
    Sum,
}

/// Runs `loss` on one case (outputs under `output_key`, targets under
/// `target_key`, class indices when `classes`), compares the reduced loss and
/// its gradient (`grad_key`), and returns the largest relative deviation.
fn check<E: Element>(
    name: &str,
    loss: impl Loss,
    [output_key, target_key, grad_key]: [&str; 3],
    classes: bool,
    reduction: Reduction,
    tol: f64,
) -> f64 {
    let fixture = fixture("losses.json");
    let case = case(&fixture, name);
    let outputs: Vec<E> = case
        .tensor(output_key)
        .into_iter()
        .map(E::from_f64)
        .collect();
    let values: Vec<E> = case
        .tensor(target_key)
        .into_iter()
        .map(E::from_f64)
        .collect();
    let labels = if classes {
        case.labels(target_key)
    } else {
        Vec::new()
    };
    let (targets, samples) = if classes {
        (Targets::Classes(&labels), labels.len())
    } else {
        (Targets::Values(&values), case.rows(target_key))
    };
    let width = outputs.len() / samples;
    let mut grad = vec![E::zero(); outputs.len()];
    let sum = loss.sum(&outputs, targets, width, Some(&mut grad));
    let (reduced, grad_scale) = match reduction {
        Reduction::Mean => (sum / samples as f64, 1.0),
        Reduction::Sum => (sum, samples as f64),
    };
    let grad: Vec<E> = grad.iter().map(|&g| g * E::from_f64(grad_scale)).collect();
    let deviation = assert_close(
        &format!("{name} loss"),
        &[reduced],
        &case.tensor("loss"),
        tol,
    )
    .max(assert_close(
        &format!("{name} gradient"),
        &grad,
        &case.tensor(grad_key),
        tol,
    ));
    eprintln!(
        "{name} ({}): largest relative deviation {deviation:.1e}",
        std::any::type_name::<E>()
    );
    deviation
}

fn check_both(
    name: &str,
    loss: impl Loss + Copy,
    keys: [&str; 3],
    classes: bool,
    reduction: Reduction,
) {
    check::<f64>(name, loss, keys, classes, reduction, 1e-12);
    check::<f32>(name, loss, keys, classes, reduction, 1e-5);
}

const LOGITS: [&str; 3] = ["logits", "labels", "dlogits"];
const SOFT: [&str; 3] = ["logits", "targets", "dlogits"];
const REGRESSION: [&str; 3] = ["pred", "target", "dpred"];

#[test]
fn sparse_cross_entropy_matches_pytorch_with_huge_logits() {
    let name = "sparse_ce_from_logits_mean";
    check_both(name, SparseCrossEntropy, LOGITS, true, Reduction::Mean);
    let categorical = CategoricalCrossEntropy { from_logits: true };
    check_both(name, categorical, LOGITS, true, Reduction::Mean);
    let name = "sparse_ce_from_logits_sum";
    check_both(name, SparseCrossEntropy, LOGITS, true, Reduction::Sum);
    check_both(name, categorical, LOGITS, true, Reduction::Sum);
}

#[test]
fn soft_target_cross_entropy_matches_pytorch() {
    let categorical = CategoricalCrossEntropy { from_logits: true };
    let name = "categorical_ce_soft_targets_from_logits";
    check_both(name, categorical, SOFT, false, Reduction::Mean);
}

#[test]
fn binary_cross_entropy_from_logits_matches_pytorch_at_500() {
    let bce = BinaryCrossEntropy { from_logits: true };
    check_both("bce_from_logits_mean", bce, SOFT, false, Reduction::Mean);
}

#[test]
fn mse_and_huber_match_pytorch() {
    check_both(
        "mse_mean",
        MeanSquaredError,
        REGRESSION,
        false,
        Reduction::Mean,
    );
    let huber = Huber { delta: 1.0 };
    check_both(
        "huber_delta1_mean",
        huber,
        REGRESSION,
        false,
        Reduction::Mean,
    );
}

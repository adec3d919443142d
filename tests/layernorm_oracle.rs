//! Layer normalisation agrees with PyTorch (`tests/fixtures/layernorm.json`,
//! float64): output and the gradients of `sum(y * upstream)` for the input,
//! the weight (gamma) and the bias (beta).

mod common;

use common::{case, fixture};
use nn::Params;
use nn::layers::{Layer, LayerNorm, LayerNormParams};
use nn::rng::SeededRng;
use nn::testing::assert_close;

#[test]
fn layernorm_matches_pytorch() {
    let fixture = fixture("layernorm.json");
    let case = case(&fixture, "ln_n4_d6");
    let mut norm = LayerNorm::<6, { 1e-5f64.to_bits() }, f64>::init(&mut SeededRng::new(0));
    norm.tensor_mut(0).copy_from_slice(&case.tensor("gamma"));
    norm.tensor_mut(1).copy_from_slice(&case.tensor("beta"));
    let x = case.tensor("x");
    let mut y = vec![0.0; x.len()];
    norm.forward(&x, &mut y, 4);
    assert_close("y", &y, &case.tensor("y"), 1e-12);
    let (mut dy, mut dx) = (case.tensor("upstream"), vec![f64::NAN; x.len()]);
    let mut grads = LayerNormParams::<6, f64>::default();
    norm.backward(&x, &y, &mut dy, Some(&mut dx), &mut grads, 4);
    assert_close("dx", &dx, &case.tensor("dx"), 1e-12);
    assert_close("dgamma", &grads.weight, &case.tensor("dgamma"), 1e-12);
    assert_close("dbeta", &grads.bias, &case.tensor("dbeta"), 1e-12);
}

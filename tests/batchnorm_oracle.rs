//! Batch normalisation agrees with PyTorch (`tests/fixtures/batchnorm.json`,
//! float64): three training steps (outputs, gradients, running statistics)
//! then one inference pass, per feature and per channel.

mod common;

use common::{Case, case, fixture};
use nn::Params;
use nn::layers::{BatchNorm, BatchNormParams, Layer};
use nn::rng::SeededRng;
use nn::shape::{Flat, Image, Shape};
use nn::testing::assert_close;

const TOL: f64 = 1e-12;

/// PyTorch's momentum 0.1 is Keras's (and ours) 0.9.
type Norm<S> = BatchNorm<S, { 0.9f64.to_bits() }, { 1e-5f64.to_bits() }, f64>;

fn check<S: Shape>(case: &Case<'_>) {
    let name = case.name;
    let mut norm = Norm::<S>::init(&mut SeededRng::new(0));
    norm.tensor_mut(0).copy_from_slice(&case.tensor("gamma"));
    norm.tensor_mut(1).copy_from_slice(&case.tensor("beta"));
    for step in 0..3 {
        let x = case.tensor(&format!("x_{step}"));
        let batch = x.len() / S::NUMEL;
        let mut y = vec![0.0; x.len()];
        norm.forward_train(&x, &mut y, batch, &mut SeededRng::new(0));
        assert_close(
            &format!("{name} y_{step}"),
            &y,
            &case.tensor(&format!("y_{step}")),
            TOL,
        );
        let (mut dy, mut dx) = (
            case.tensor(&format!("upstream_{step}")),
            vec![f64::NAN; x.len()],
        );
        let mut grads = BatchNormParams::<S, f64>::default();
        norm.backward(&x, &y, &mut dy, Some(&mut dx), &mut grads, batch);
        let want = |key: &str| case.tensor(&format!("{key}_{step}"));
        assert_close(&format!("{name} dx_{step}"), &dx, &want("dx"), TOL);
        assert_close(
            &format!("{name} dgamma_{step}"),
            &grads.weight,
            &want("dgamma"),
            TOL,
        );
        assert_close(
            &format!("{name} dbeta_{step}"),
            &grads.bias,
            &want("dbeta"),
            TOL,
        );
        assert_close(
            &format!("{name} running_mean_{step}"),
            &norm.running_mean(),
            &want("running_mean_after"),
            TOL,
        );
        assert_close(
            &format!("{name} running_var_{step}"),
            &norm.running_var(),
            &want("running_var_after"),
            TOL,
        );
    }
    let x = case.tensor("x_eval");
    let mut y = vec![0.0; x.len()];
    norm.forward(&x, &mut y, x.len() / S::NUMEL);
    assert_close(&format!("{name} y_eval"), &y, &case.tensor("y_eval"), TOL);
}

#[test]
fn batchnorm_matches_pytorch_per_feature_and_per_channel() {
    let fixture = fixture("batchnorm.json");
    check::<Flat<5>>(&case(&fixture, "bn1d_n8_c5"));
    check::<Image<3, 5, 5>>(&case(&fixture, "bn2d_n4_c3_h5_w5"));
}

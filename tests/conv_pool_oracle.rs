//! Convolution and pooling agree with PyTorch (`tests/fixtures/conv2d.json`
//! and `pool2d.json`, float64): outputs and the gradients of
//! `sum(y * upstream)` for the input and every parameter.

mod common;

use common::{case, fixture};
use nn::layers::{AvgPool2d, Conv2d, Conv2dGrads, Layer, MaxPool2d};
use nn::rng::SeededRng;
use nn::testing::assert_close;

const TOL: f64 = 1e-12;

fn check_conv<
    const C: usize,
    const H: usize,
    const W: usize,
    const F: usize,
    const K: usize,
    const S: usize,
    const P: usize,
    const OH: usize,
    const OW: usize,
>(
    name: &str,
) {
    let fixture = fixture("conv2d.json");
    let case = case(&fixture, name);
    let mut conv = Conv2d::<C, H, W, F, K, S, P, OH, OW, f64>::new(&mut SeededRng::new(0));
    conv.weight_mut().copy_from_slice(&case.tensor("W"));
    conv.bias_mut().copy_from_slice(&case.tensor("b"));
    let x = case.tensor("x");
    let batch = x.len() / (C * H * W);
    let mut y = vec![0.0; batch * F * OH * OW];
    conv.forward(&x, &mut y, batch);
    assert_close(&format!("{name} y"), &y, &case.tensor("y"), TOL);
    let mut dy = case.tensor("upstream");
    let mut dx = vec![f64::NAN; x.len()];
    let mut grads = Conv2dGrads::<C, F, K, f64>::default();
    conv.backward(&x, &y, &mut dy, Some(&mut dx), &mut grads, batch);
    assert_close(&format!("{name} dx"), &dx, &case.tensor("dx"), TOL);
    assert_close(
        &format!("{name} dW"),
        &grads.weight,
        &case.tensor("dW"),
        TOL,
    );
    assert_close(&format!("{name} db"), &grads.bias, &case.tensor("db"), TOL);
}

#[test]
fn conv2d_matches_pytorch() {
    check_conv::<3, 7, 7, 4, 3, 1, 1, 7, 7>("k3_s1_p1");
    check_conv::<2, 6, 5, 3, 3, 1, 0, 4, 3>("k3_s1_p0");
    check_conv::<1, 8, 8, 2, 5, 1, 2, 8, 8>("k5_s1_p2_single_channel");
}

fn check_pool<L: Layer<f64> + Default>(name: &str) {
    let fixture = fixture("pool2d.json");
    let case = case(&fixture, name);
    let pool = L::default();
    let x = case.tensor("x");
    let want_y = case.tensor("y");
    let batch = x.len() / <L::Input as nn::shape::Shape>::NUMEL;
    let mut y = vec![0.0; want_y.len()];
    pool.forward(&x, &mut y, batch);
    assert_close(&format!("{name} y"), &y, &want_y, TOL);
    let mut dy = case.tensor("upstream");
    let mut dx = vec![f64::NAN; x.len()];
    pool.backward(
        &x,
        &y,
        &mut dy,
        Some(&mut dx),
        &mut Default::default(),
        batch,
    );
    assert_close(&format!("{name} dx"), &dx, &case.tensor("dx"), TOL);
}

#[test]
fn pooling_matches_pytorch_including_ties() {
    check_pool::<MaxPool2d<3, 6, 6, 2, 2, 3, 3>>("max_k2_s2");
    check_pool::<AvgPool2d<2, 4, 6, 2, 2, 2, 3>>("avg_k2_s2");
    check_pool::<MaxPool2d<1, 4, 4, 2, 2, 2, 2>>("max_ties");
    check_pool::<MaxPool2d<2, 7, 7, 3, 2, 3, 3>>("max_k3_s2_odd");
}

//! Every activation agrees with PyTorch (`tests/fixtures/activations.json`,
//! float64): values and derivatives over [-6, 6] and at extreme inputs, in
//! f64 and f32.

mod common;

use common::{Case, case, fixture};
use nn::Element;
use nn::act::{
    Activation, Elu, Gelu, GeluTanh, LeakyRelu, Relu, Sigmoid, Silu, Softmax, Softplus, Tanh,
};
use nn::testing::assert_close;

/// `f(x)` and `f'(x)` (the backward pass of a gradient of ones) for the
/// element-wise case `name`.
fn check_elementwise<A: Activation, E: Element>(name: &str, tol: f64) {
    let fixture = fixture("activations.json");
    let case = case(&fixture, name);
    let x: Vec<E> = to_element(&case, "x");
    let mut y = x.clone();
    A::forward(&mut y, x.len());
    assert_close(&format!("{name} y"), &y, &case.tensor("y"), tol);
    let mut grad = vec![E::one(); x.len()];
    A::backward(A::NEEDS_INPUT.then_some(&x[..]), &y, &mut grad, x.len());
    assert_close(&format!("{name} dy/dx"), &grad, &case.tensor("dy_dx"), tol);
}

fn to_element<E: Element>(case: &Case<'_>, key: &str) -> Vec<E> {
    case.tensor(key).into_iter().map(E::from_f64).collect()
}

fn check_all<E: Element>(tol: f64) {
    check_elementwise::<Relu, E>("relu", tol);
    check_elementwise::<Sigmoid, E>("sigmoid", tol);
    check_elementwise::<Tanh, E>("tanh", tol);
    check_elementwise::<LeakyRelu<{ 0.01f64.to_bits() }>, E>("leaky_relu_0.01", tol);
    check_elementwise::<Elu<{ 1.0f64.to_bits() }>, E>("elu_1.0", tol);
    check_elementwise::<Gelu, E>("gelu_erf", tol);
    check_elementwise::<GeluTanh, E>("gelu_tanh", tol);
    check_elementwise::<Silu, E>("silu", tol);
    check_elementwise::<Softplus, E>("softplus", tol);

    let fixture = fixture("activations.json");
    let case = case(&fixture, "softmax_rows");
    let width = 3;
    let mut y: Vec<E> = to_element(&case, "x");
    Softmax::forward(&mut y, width);
    assert_close("softmax y", &y, &case.tensor("y"), tol);
    let mut grad: Vec<E> = to_element(&case, "upstream");
    Softmax::backward(None, &y, &mut grad, width);
    assert_close("softmax dx", &grad, &case.tensor("dx"), tol);
}

#[test]
fn activations_match_pytorch_in_f64() {
    check_all::<f64>(1e-12);
}

#[test]
fn activations_match_pytorch_in_f32() {
    check_all::<f32>(2e-6);
}

//! The classic activations: identity, ReLU, sigmoid, tanh and softmax.

use super::Activation;
use crate::Element;

/// `f(z) = z`.
///
/// # Examples
///
/// ```
/// use nn_runtime::act::{Activation, Identity};
/// let mut y = [-1.0f32];
/// Identity::forward(&mut y, 1);
/// assert_eq!(y, [-1.0]);
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct Identity;

impl Activation for Identity {
    const NAME: &'static str = "identity";
    fn forward<E: Element>(_values: &mut [E], _width: usize) {}
    fn backward<E: Element>(_z: Option<&[E]>, _y: &[E], _grad: &mut [E], _width: usize) {}
}

/// `f(z) = max(z, 0)`; the derivative at 0 is taken as 0, as PyTorch does.
/// A NaN stays NaN, as in PyTorch, so a broken weight shows in the loss.
///
/// # Examples
///
/// ```
/// use nn_runtime::act::{Activation, Relu};
/// let mut y = [-3.0f64, 0.0, 3.0, f64::NAN];
/// Relu::forward(&mut y, 4);
/// assert_eq!(y[..3], [0.0, 0.0, 3.0]);
/// assert!(y[3].is_nan());
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct Relu;

impl Activation for Relu {
    const NAME: &'static str = "relu";
    fn forward<E: Element>(values: &mut [E], _width: usize) {
        for v in values {
            if *v < E::zero() {
                *v = E::zero();
            }
        }
    }
    fn backward<E: Element>(_z: Option<&[E]>, y: &[E], grad: &mut [E], _width: usize) {
        for (g, &y) in grad.iter_mut().zip(y) {
            if y <= E::zero() {
                *g = E::zero();
            }
        }
    }
}

/// `f(z) = 1 / (1 + e^-z)`, evaluated without overflow for large `|z|`.
///
/// # Examples
///
/// ```
/// use nn_runtime::act::{Activation, Sigmoid};
/// let mut y = [0.0f32, -1000.0];
/// Sigmoid::forward(&mut y, 2);
/// assert_eq!(y, [0.5, 0.0]);
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct Sigmoid;

impl Activation for Sigmoid {
    const NAME: &'static str = "sigmoid";
    fn forward<E: Element>(values: &mut [E], _width: usize) {
        for v in values {
            *v = sigmoid(*v);
        }
    }
    fn backward<E: Element>(_z: Option<&[E]>, y: &[E], grad: &mut [E], _width: usize) {
        for (g, &y) in grad.iter_mut().zip(y) {
            *g *= y * (E::one() - y);
        }
    }
}

/// `f(z) = tanh(z)`.
///
/// # Examples
///
/// ```
/// use nn_runtime::act::{Activation, Tanh};
/// let mut y = [0.0f32];
/// Tanh::forward(&mut y, 1);
/// assert_eq!(y, [0.0]);
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct Tanh;

impl Activation for Tanh {
    const NAME: &'static str = "tanh";
    fn forward<E: Element>(values: &mut [E], _width: usize) {
        for v in values {
            *v = v.tanh();
        }
    }
    fn backward<E: Element>(_z: Option<&[E]>, y: &[E], grad: &mut [E], _width: usize) {
        for (g, &y) in grad.iter_mut().zip(y) {
            *g *= E::one() - y * y;
        }
    }
}

/// Row-wise `softmax(z)_i = e^(z_i - max z) / sum_j e^(z_j - max z)`: stable for any `z`.
///
/// # Examples
///
/// ```
/// use nn_runtime::act::{Activation, Softmax};
/// let mut y = [1e8f32, 1e8, 0.0, 0.0];
/// Softmax::forward(&mut y, 2);
/// assert_eq!(y, [0.5, 0.5, 0.5, 0.5]);
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct Softmax;

impl Activation for Softmax {
    const NAME: &'static str = "softmax";
    const ELEMENTWISE: bool = false;
    fn forward<E: Element>(values: &mut [E], width: usize) {
        for row in values.chunks_exact_mut(width) {
            softmax_row(row);
        }
    }
    fn backward<E: Element>(_z: Option<&[E]>, y: &[E], grad: &mut [E], width: usize) {
        // dz_i = y_i * (dy_i - sum_j dy_j y_j)
        for (g, y) in grad.chunks_exact_mut(width).zip(y.chunks_exact(width)) {
            let dot = g.iter().zip(y).fold(E::zero(), |acc, (&g, &y)| acc + g * y);
            for (g, &y) in g.iter_mut().zip(y) {
                *g = y * (*g - dot);
            }
        }
    }
}

/// `1 / (1 + e^-z)` without overflow for large `|z|`.
pub(crate) fn sigmoid<E: Element>(z: E) -> E {
    if z >= E::zero() {
        E::one() / (E::one() + (-z).exp())
    } else {
        let e = z.exp();
        e / (E::one() + e)
    }
}

/// Softmax of one row in place, shifted by the row's maximum.
pub(crate) fn softmax_row<E: Element>(row: &mut [E]) {
    let max = row.iter().fold(E::neg_infinity(), |m, &v| m.max(v));
    let mut sum = E::zero();
    for v in row.iter_mut() {
        *v = (*v - max).exp();
        sum += *v;
    }
    for v in row.iter_mut() {
        *v /= sum;
    }
}

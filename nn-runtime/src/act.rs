//! Activation functions: zero-sized types with a forward map and its gradient.
//!
//! Each gradient is computed from the activation's *output* `y`, which the
//! network keeps anyway, so no pre-activation values need to be stored.

use crate::Element;

/// An activation applied to each row of a batch.
///
/// # Examples
///
/// ```
/// use nn_runtime::act::{Activation, Relu};
/// let mut y = [-1.0f32, 2.0];
/// Relu::forward(&mut y, 2);
/// assert_eq!(y, [0.0, 2.0]);
/// let mut dy = [5.0f32, 5.0];
/// Relu::backward(&y, &mut dy, 2);
/// assert_eq!(dy, [0.0, 5.0]);
/// ```
pub trait Activation: Copy + Default + std::fmt::Debug + Send + Sync + 'static {
    /// The name used in `network!` (`relu`, `softmax`, ...).
    const NAME: &'static str;

    /// Whether each output depends on its own input only, so the activation
    /// can be fused into the write-back of a matrix product (false for softmax).
    const ELEMENTWISE: bool = true;

    /// Replaces each pre-activation `z` in `values` by `f(z)`; rows are `width` long.
    fn forward<E: Element>(values: &mut [E], width: usize);

    /// Turns the gradient with respect to the output into the gradient with
    /// respect to the input, in place, given the forward output `y`.
    fn backward<E: Element>(y: &[E], grad: &mut [E], width: usize);
}

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
    fn backward<E: Element>(_y: &[E], _grad: &mut [E], _width: usize) {}
}

/// `f(z) = max(z, 0)`; the derivative at 0 is taken as 0, as PyTorch does.
///
/// # Examples
///
/// ```
/// use nn_runtime::act::{Activation, Relu};
/// let mut y = [-3.0f64, 0.0, 3.0];
/// Relu::forward(&mut y, 3);
/// assert_eq!(y, [0.0, 0.0, 3.0]);
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct Relu;

impl Activation for Relu {
    const NAME: &'static str = "relu";
    fn forward<E: Element>(values: &mut [E], _width: usize) {
        for v in values {
            *v = v.max(E::zero());
        }
    }
    fn backward<E: Element>(y: &[E], grad: &mut [E], _width: usize) {
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
            *v = if *v >= E::zero() {
                E::one() / (E::one() + (-*v).exp())
            } else {
                let e = v.exp();
                e / (E::one() + e)
            };
        }
    }
    fn backward<E: Element>(y: &[E], grad: &mut [E], _width: usize) {
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
    fn backward<E: Element>(y: &[E], grad: &mut [E], _width: usize) {
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
    fn backward<E: Element>(y: &[E], grad: &mut [E], width: usize) {
        // dz_i = y_i * (dy_i - sum_j dy_j y_j)
        for (g, y) in grad.chunks_exact_mut(width).zip(y.chunks_exact(width)) {
            let dot = g.iter().zip(y).fold(E::zero(), |acc, (&g, &y)| acc + g * y);
            for (g, &y) in g.iter_mut().zip(y) {
                *g = y * (*g - dot);
            }
        }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::check_vjp;

    fn check<A: Activation>(x: &[f64], width: usize) {
        let f = |x: &[f64]| {
            let mut y = x.to_vec();
            A::forward(&mut y, width);
            y
        };
        let dy: Vec<f64> = (0..x.len())
            .map(|i| ((i * 7 % 5) as f64 - 2.0) * 0.3)
            .collect();
        check_vjp(
            f,
            |x, dy| {
                let y = f(x);
                let mut g = dy.to_vec();
                A::backward(&y, &mut g, width);
                g
            },
            x,
            &dy,
        );
    }

    const X: [f64; 6] = [-2.1, -0.4, 0.3, 0.9, 1.7, 3.2];

    #[test]
    fn gradients_match_finite_differences() {
        check::<Identity>(&X, 3);
        check::<Relu>(&X, 3);
        check::<Sigmoid>(&X, 3);
        check::<Tanh>(&X, 3);
        check::<Softmax>(&X, 3);
        check::<Softmax>(&X, 2);
    }

    #[test]
    fn sigmoid_and_softmax_are_finite_for_huge_inputs() {
        let mut y = [1e8f32, -1e8, 0.0];
        Sigmoid::forward(&mut y, 3);
        assert_eq!(y, [1.0, 0.0, 0.5]);
        let mut y = [1e8f32, -1e8, 1e8 - 1.0];
        Softmax::forward(&mut y, 3);
        assert!(y.iter().all(|v| v.is_finite()));
        assert!((y.iter().sum::<f32>() - 1.0).abs() < 1e-6);
    }
}

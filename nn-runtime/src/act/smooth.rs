//! Smooth activations: GELU (exact and tanh forms), SiLU and softplus.

use super::Activation;
use super::basic::sigmoid;
use super::erf::erfc;
use crate::Element;

/// `sqrt(2 / pi)`, the tanh form of GELU's scale.
const SQRT_2_OVER_PI: f64 = 0.797_884_560_802_865_4;

/// The cubic coefficient of the tanh form of GELU.
const GELU_CUBIC: f64 = 0.044_715;

/// `1 / sqrt(2 pi)`, the standard normal density at 0.
const INV_SQRT_2PI: f64 = 0.398_942_280_401_432_7;

/// `f(z) = z Phi(z)`, `Phi` the standard normal CDF: PyTorch's and Keras's
/// default GELU, computed in `f64` with an exact error function (from
/// `erfc`, so `f(-6)` keeps all its digits). Its gradient needs `z`.
///
/// # Examples
///
/// ```
/// use nn_runtime::act::{Activation, Gelu};
/// let mut y = [0.0f64, 1.0];
/// Gelu::forward(&mut y, 2);
/// assert_eq!(y[0], 0.0);
/// assert!((y[1] - 0.841_344_746_068_542_9).abs() < 1e-15);
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct Gelu;

/// `Phi(z) = erfc(-z / sqrt 2) / 2`.
fn normal_cdf(z: f64) -> f64 {
    0.5 * erfc(-z * std::f64::consts::FRAC_1_SQRT_2)
}

impl Activation for Gelu {
    const NAME: &'static str = "gelu";
    const NEEDS_INPUT: bool = true;
    fn forward<E: Element>(values: &mut [E], _width: usize) {
        for v in values {
            let z = v.into_f64();
            *v = E::from_f64(z * normal_cdf(z));
        }
    }
    fn backward<E: Element>(z: Option<&[E]>, _y: &[E], grad: &mut [E], _width: usize) {
        let z = z.unwrap_or_else(|| unreachable!("invariant: NEEDS_INPUT layers pass z"));
        for (g, &z) in grad.iter_mut().zip(z) {
            let z = z.into_f64();
            let density = INV_SQRT_2PI * (-0.5 * z * z).exp();
            *g *= E::from_f64(normal_cdf(z) + z * density);
        }
    }
}

/// `f(z) = z (1 + tanh(sqrt(2/pi) (z + 0.044715 z^3))) / 2`: GELU's tanh
/// approximation (`gelu(approximate = true)`), with `1 + tanh(u)` evaluated
/// as `2 sigmoid(2u)` so large negative `z` lose no digits. Its gradient needs `z`.
///
/// # Examples
///
/// ```
/// use nn_runtime::act::{Activation, GeluTanh};
/// let mut y = [1.0f64];
/// GeluTanh::forward(&mut y, 1);
/// assert!((y[0] - 0.841_191_990_608_276_8).abs() < 1e-15); // PyTorch's value
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct GeluTanh;

/// `(1 + tanh u) / 2 = sigmoid(2u)` with `u = sqrt(2/pi) (z + 0.044715 z^3)`.
fn half_one_plus_tanh<E: Element>(z: E) -> E {
    let u = E::from_f64(SQRT_2_OVER_PI) * (z + E::from_f64(GELU_CUBIC) * z * z * z);
    sigmoid(u + u)
}

impl Activation for GeluTanh {
    const NAME: &'static str = "gelu";
    const NEEDS_INPUT: bool = true;
    fn forward<E: Element>(values: &mut [E], _width: usize) {
        for v in values {
            *v *= half_one_plus_tanh(*v);
        }
    }
    fn backward<E: Element>(z: Option<&[E]>, _y: &[E], grad: &mut [E], _width: usize) {
        let z = z.unwrap_or_else(|| unreachable!("invariant: NEEDS_INPUT layers pass z"));
        let (two, three) = (E::from_f64(2.0), E::from_f64(3.0));
        for (g, &z) in grad.iter_mut().zip(z) {
            let s = half_one_plus_tanh(z);
            // f = z s; tanh u = 2s - 1, so ds/du = (1 - tanh^2 u) / 2 = 2 s (1 - s).
            let du_dz =
                E::from_f64(SQRT_2_OVER_PI) * (E::one() + three * E::from_f64(GELU_CUBIC) * z * z);
            *g *= s + z * two * s * (E::one() - s) * du_dz;
        }
    }
}

/// `f(z) = z sigmoid(z)` (`silu`, also `swish`). Its gradient needs `z`.
///
/// # Examples
///
/// ```
/// use nn_runtime::act::{Activation, Silu};
/// let mut y = [0.0f32, -1000.0, 1000.0];
/// Silu::forward(&mut y, 3);
/// assert_eq!(y, [0.0, 0.0, 1000.0]);
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct Silu;

impl Activation for Silu {
    const NAME: &'static str = "silu";
    const NEEDS_INPUT: bool = true;
    fn forward<E: Element>(values: &mut [E], _width: usize) {
        for v in values {
            *v *= sigmoid(*v);
        }
    }
    fn backward<E: Element>(z: Option<&[E]>, _y: &[E], grad: &mut [E], _width: usize) {
        let z = z.unwrap_or_else(|| unreachable!("invariant: NEEDS_INPUT layers pass z"));
        for (g, &z) in grad.iter_mut().zip(z) {
            let s = sigmoid(z);
            *g *= s * (E::one() + z * (E::one() - s));
        }
    }
}

/// `f(z) = ln(1 + e^z)`, as `max(z, 0) + ln(1 + e^-|z|)`: finite for any `z`,
/// and exact to rounding where PyTorch switches to `z` above 20.
///
/// # Examples
///
/// ```
/// use nn_runtime::act::{Activation, Softplus};
/// let mut y = [1000.0f32, -1000.0];
/// Softplus::forward(&mut y, 2);
/// assert_eq!(y, [1000.0, 0.0]);
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct Softplus;

impl Activation for Softplus {
    const NAME: &'static str = "softplus";
    fn forward<E: Element>(values: &mut [E], _width: usize) {
        for v in values {
            *v = v.max(E::zero()) + (-v.abs()).exp().ln_1p();
        }
    }
    fn backward<E: Element>(_z: Option<&[E]>, y: &[E], grad: &mut [E], _width: usize) {
        // f'(z) = sigmoid(z) = 1 - e^-f(z), without cancellation for small f.
        for (g, &y) in grad.iter_mut().zip(y) {
            *g *= -(-y).exp_m1();
        }
    }
}

//! Rectifiers with a slope below zero: leaky ReLU and ELU.
//!
//! Their parameter `alpha` is a const generic holding the bits of an `f64`
//! (`{ 0.2f64.to_bits() }`), since float const generics are not stable Rust;
//! `network!` writes it for you from `leaky_relu(0.2)`.

use super::Activation;
use crate::Element;

/// `f(z) = z` for `z > 0`, else `alpha z` (`alpha >= 0`; PyTorch's default 0.01).
///
/// The derivative at 0 is `alpha`, as PyTorch takes it.
///
/// # Examples
///
/// ```
/// use nn_runtime::act::{Activation, LeakyRelu};
/// type Leaky = LeakyRelu<{ 0.5f64.to_bits() }>;
/// let mut y = [-2.0f32, 3.0];
/// Leaky::forward(&mut y, 2);
/// assert_eq!(y, [-1.0, 3.0]);
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct LeakyRelu<const ALPHA: u64 = { 0.01f64.to_bits() }>;

impl<const ALPHA: u64> LeakyRelu<ALPHA> {
    /// The slope below zero.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(nn_runtime::act::LeakyRelu::<{ 0.2f64.to_bits() }>::ALPHA, 0.2);
    /// ```
    pub const ALPHA: f64 = f64::from_bits(ALPHA);
}

impl<const ALPHA: u64> Activation for LeakyRelu<ALPHA> {
    const NAME: &'static str = "leaky_relu";
    fn forward<E: Element>(values: &mut [E], _width: usize) {
        let alpha = E::from_f64(Self::ALPHA);
        for v in values {
            if *v <= E::zero() {
                *v *= alpha;
            }
        }
    }
    fn backward<E: Element>(_z: Option<&[E]>, y: &[E], grad: &mut [E], _width: usize) {
        // With alpha >= 0, y > 0 exactly when z > 0.
        let alpha = E::from_f64(Self::ALPHA);
        for (g, &y) in grad.iter_mut().zip(y) {
            if y <= E::zero() {
                *g *= alpha;
            }
        }
    }
}

/// `f(z) = z` for `z > 0`, else `alpha (e^z - 1)` (`alpha > 0`; default 1).
///
/// # Examples
///
/// ```
/// use nn_runtime::act::{Activation, Elu};
/// let mut y = [0.0f64, 2.0, -1000.0];
/// Elu::<{ 1.0f64.to_bits() }>::forward(&mut y, 3);
/// assert_eq!(y, [0.0, 2.0, -1.0]);
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct Elu<const ALPHA: u64 = { 1.0f64.to_bits() }>;

impl<const ALPHA: u64> Elu<ALPHA> {
    /// The scale of the negative part, which tends to `-alpha`.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(nn_runtime::act::Elu::<{ 1.0f64.to_bits() }>::ALPHA, 1.0);
    /// ```
    pub const ALPHA: f64 = f64::from_bits(ALPHA);
}

impl<const ALPHA: u64> Activation for Elu<ALPHA> {
    const NAME: &'static str = "elu";
    fn forward<E: Element>(values: &mut [E], _width: usize) {
        let alpha = E::from_f64(Self::ALPHA);
        for v in values {
            if *v <= E::zero() {
                *v = alpha * v.exp_m1();
            }
        }
    }
    fn backward<E: Element>(_z: Option<&[E]>, y: &[E], grad: &mut [E], _width: usize) {
        // For z <= 0, f'(z) = alpha e^z = f(z) + alpha (alpha at 0, as PyTorch
        // takes it); with alpha > 0, y <= 0 exactly when z <= 0.
        let alpha = E::from_f64(Self::ALPHA);
        for (g, &y) in grad.iter_mut().zip(y) {
            if y <= E::zero() {
                *g *= y + alpha;
            }
        }
    }
}

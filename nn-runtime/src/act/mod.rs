//! Activation functions: zero-sized types with a forward map and its gradient.
//!
//! Most gradients are computed from the activation's *output* `y`, which the
//! network keeps anyway, so no pre-activation values need to be stored. GELU
//! and SiLU need their input too ([`Activation::NEEDS_INPUT`]); `network!`
//! gives them a layer of their own, which keeps it.
//!
//! | DSL name | type | `f(z)` |
//! | --- | --- | --- |
//! | `identity` | [`Identity`] | `z` |
//! | `relu` | [`Relu`] | `max(z, 0)` |
//! | `leaky_relu(alpha = 0.01)` | [`LeakyRelu`] | `z` if `z > 0`, else `alpha z` |
//! | `elu(alpha = 1.0)` | [`Elu`] | `z` if `z > 0`, else `alpha (e^z - 1)` |
//! | `gelu` | [`Gelu`] | `z Phi(z)` (exact, with erf) |
//! | `gelu(approximate = true)` | [`GeluTanh`] | the tanh approximation |
//! | `silu`, `swish` | [`Silu`] | `z sigmoid(z)` |
//! | `sigmoid` | [`Sigmoid`] | `1 / (1 + e^-z)` |
//! | `tanh` | [`Tanh`] | `tanh(z)` |
//! | `softplus` | [`Softplus`] | `ln(1 + e^z)` |
//! | `softmax` | [`Softmax`] | `e^z_i / sum_j e^z_j` over the last dimension (an image's rows, as Keras) |

mod basic;
mod erf;
mod rectifiers;
mod smooth;

pub use basic::{Identity, Relu, Sigmoid, Softmax, Tanh};
pub(crate) use basic::{sigmoid, softmax_row};
pub use rectifiers::{Elu, LeakyRelu};
pub use smooth::{Gelu, GeluTanh, Silu, Softplus};

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
/// Relu::backward(None, &y, &mut dy, 2);
/// assert_eq!(dy, [0.0, 5.0]);
/// ```
pub trait Activation: Copy + Default + std::fmt::Debug + Send + Sync + 'static {
    /// The name used in `network!` (`relu`, `softmax`, ...).
    const NAME: &'static str;

    /// Whether each output depends on its own input only, so the activation
    /// can be fused into the write-back of a matrix product (false for softmax).
    const ELEMENTWISE: bool = true;

    /// Whether [`backward`](Self::backward) needs the activation's input as
    /// well as its output. A dense layer keeps only its output, so it takes
    /// only activations without this; `network!` turns `dense(64, gelu)` into
    /// `dense(64)` followed by a `gelu` layer.
    const NEEDS_INPUT: bool = false;

    /// Replaces each pre-activation `z` in `values` by `f(z)`; rows are `width` long.
    fn forward<E: Element>(values: &mut [E], width: usize);

    /// Turns the gradient with respect to the output into the gradient with
    /// respect to the input, in place, given the forward output `y` and, when
    /// the layer kept it, the input `z` (always given when [`Self::NEEDS_INPUT`]).
    fn backward<E: Element>(z: Option<&[E]>, y: &[E], grad: &mut [E], width: usize);
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
                // Activations that say they need no input get none.
                A::backward(A::NEEDS_INPUT.then_some(x), &y, &mut g, width);
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
        check::<LeakyRelu<{ 0.2f64.to_bits() }>>(&X, 3);
        check::<LeakyRelu>(&X, 3);
        check::<Elu>(&X, 3);
        check::<Elu<{ 0.5f64.to_bits() }>>(&X, 3);
        check::<Gelu>(&X, 3);
        check::<GeluTanh>(&X, 3);
        check::<Silu>(&X, 3);
        check::<Softplus>(&X, 3);
        // Beyond the erf series, in its continued fraction.
        check::<Gelu>(&[-4.5, -3.1, 2.2, 5.0], 2);
    }

    #[test]
    fn smooth_activations_are_finite_for_huge_inputs() {
        fn run<A: Activation>() -> Vec<f32> {
            let mut y = vec![-1e30f32, -100.0, 100.0, 1e30];
            A::forward(&mut y, 4);
            y
        }
        // ln(1 + e^-100) = 3.7e-44, a subnormal f32.
        assert_eq!(run::<Softplus>(), [0.0, (-100.0f32).exp(), 100.0, 1e30]);
        assert_eq!(run::<Elu>(), [-1.0, -1.0, 100.0, 1e30]);
        for y in [run::<Silu>(), run::<Gelu>(), run::<GeluTanh>()] {
            assert!(y[..2].iter().all(|&v| v <= 0.0 && v > -1e-40), "{y:?}");
            assert_eq!(y[2..], [100.0, 1e30]);
        }
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

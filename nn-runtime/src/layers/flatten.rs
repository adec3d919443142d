//! `flatten`: an image's values as a flat vector, in NCHW order.

use super::{Layer, expect_len};
use crate::params::parameter_free;
use crate::rng::SeededRng;
use crate::shape::{Flat, Image};
use crate::{Element, NoParams};

/// `C x H x W` to `N = C * H * W` features; the values and their order stay
/// (channel by channel, row by row), so a dense layer can follow.
///
/// # Examples
///
/// ```
/// use nn_runtime::layers::{Flatten, Layer};
/// let mut y = [0.0f32; 4];
/// Layer::<f32>::forward(&Flatten::<1, 2, 2, 4>, &[1.0, 2.0, 3.0, 4.0], &mut y, 1);
/// assert_eq!(y, [1.0, 2.0, 3.0, 4.0]);
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct Flatten<const C: usize, const H: usize, const W: usize, const N: usize>;

parameter_free!([const C: usize, const H: usize, const W: usize, const N: usize] Flatten<C, H, W, N>);

impl<const C: usize, const H: usize, const W: usize, const N: usize, E: Element> Layer<E>
    for Flatten<C, H, W, N>
{
    type Input = Image<C, H, W>;
    type Output = Flat<N>;
    type Grads = NoParams;

    fn init(_rng: &mut SeededRng) -> Self {
        const {
            assert!(
                N == C * H * W,
                "flatten's size must be channels x height x width"
            )
        };
        Self
    }

    fn forward(&self, x: &[E], y: &mut [E], batch: usize) {
        expect_len("flatten input", x.len(), batch, N);
        expect_len("flatten output", y.len(), batch, N);
        y.copy_from_slice(x);
    }

    fn backward(
        &self,
        _x: &[E],
        _y: &[E],
        dy: &mut [E],
        dx: Option<&mut [E]>,
        _grads: &mut NoParams,
        batch: usize,
    ) {
        expect_len("flatten output gradient", dy.len(), batch, N);
        if let Some(dx) = dx {
            expect_len("flatten input gradient", dx.len(), batch, N);
            dx.copy_from_slice(dy);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::check_layer_gradients;

    #[test]
    fn gradients_match_finite_differences() {
        check_layer_gradients(&Flatten::<2, 3, 2, 12>, 2);
    }
}

//! `reshape` and `flatten`: the same values, in the same order, as another shape.

use std::marker::PhantomData;

use super::{Layer, expect_len};
use crate::params::parameter_free;
use crate::rng::SeededRng;
use crate::shape::{Flat, Image, Shape};
use crate::{Element, NoParams};

/// Reads samples of shape `A` as samples of shape `B`, which holds as many
/// values: `[784]` as `[1, 28, 28]`, say. A copy, since every layer writes
/// its own buffer.
///
/// # Examples
///
/// ```
/// use nn_runtime::layers::{Layer, Reshape};
/// use nn_runtime::shape::{Flat, Image};
/// let reshape = Reshape::<Flat<4>, Image<1, 2, 2>>::default();
/// let mut y = [0.0f32; 4];
/// Layer::<f32>::forward(&reshape, &[1.0, 2.0, 3.0, 4.0], &mut y, 1);
/// assert_eq!(y, [1.0, 2.0, 3.0, 4.0]);
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct Reshape<A: Shape, B: Shape> {
    shapes: PhantomData<(A, B)>,
}

parameter_free!([A: Shape, B: Shape] Reshape<A, B>);

/// `flatten`: a `C x H x W` image as `N = C * H * W` features, channel by
/// channel, row by row, so a dense layer can follow.
///
/// # Examples
///
/// ```
/// use nn_runtime::layers::{Flatten, Layer};
/// let mut y = [0.0f32; 4];
/// Layer::<f32>::forward(&Flatten::<1, 2, 2, 4>::default(), &[1.0, 2.0, 3.0, 4.0], &mut y, 1);
/// assert_eq!(y, [1.0, 2.0, 3.0, 4.0]);
/// ```
pub type Flatten<const C: usize, const H: usize, const W: usize, const N: usize> =
    Reshape<Image<C, H, W>, Flat<N>>;

impl<A: Shape, B: Shape, E: Element> Layer<E> for Reshape<A, B> {
    type Input = A;
    type Output = B;
    type Grads = NoParams;

    fn init(_rng: &mut SeededRng) -> Self {
        const {
            assert!(
                A::NUMEL == B::NUMEL,
                "reshape must keep the number of values"
            )
        };
        Self::default()
    }

    fn forward(&self, x: &[E], y: &mut [E], batch: usize) {
        expect_len("reshape input", x.len(), batch, A::NUMEL);
        expect_len("reshape output", y.len(), batch, B::NUMEL);
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
        expect_len("reshape output gradient", dy.len(), batch, B::NUMEL);
        if let Some(dx) = dx {
            expect_len("reshape input gradient", dx.len(), batch, A::NUMEL);
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
        check_layer_gradients(&Reshape::<Flat<12>, Image<3, 2, 2>>::default(), 2);
        check_layer_gradients(&Flatten::<2, 3, 2, 12>::default(), 2);
    }
}

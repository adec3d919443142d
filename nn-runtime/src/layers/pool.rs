//! Pooling over NCHW images: max and average over `K x K` windows with stride
//! `S` (no padding), and the global average of each channel.

use super::{Layer, expect_len};
use crate::params::parameter_free;
use crate::rng::SeededRng;
use crate::shape::{Flat, Image};
use crate::{Element, NoParams};

/// The input positions `(row, column)` of the window of output `(oi, oj)`, row by row.
fn window<const K: usize, const S: usize>(
    oi: usize,
    oj: usize,
) -> impl Iterator<Item = (usize, usize)> {
    (0..K).flat_map(move |ki| (0..K).map(move |kj| (oi * S + ki, oj * S + kj)))
}

/// The largest value of each `K x K` window (stride `S`) of each channel.
///
/// The gradient goes to the first maximum of a window in row-major order,
/// as PyTorch routes it. `OH = (H - K) / S + 1`, likewise `OW`; the macro
/// computes them.
///
/// # Examples
///
/// ```
/// use nn_runtime::layers::{Layer, MaxPool2d};
/// let pool = MaxPool2d::<1, 2, 2, 2, 2, 1, 1>::default();
/// let mut y = [0.0f32];
/// Layer::<f32>::forward(&pool, &[1.0, 4.0, 3.0, 2.0], &mut y, 1);
/// assert_eq!(y, [4.0]);
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct MaxPool2d<
    const C: usize,
    const H: usize,
    const W: usize,
    const K: usize,
    const S: usize,
    const OH: usize,
    const OW: usize,
>;

/// The mean of each `K x K` window (stride `S`) of each channel.
///
/// # Examples
///
/// ```
/// use nn_runtime::layers::{AvgPool2d, Layer};
/// let pool = AvgPool2d::<1, 2, 2, 2, 2, 1, 1>::default();
/// let mut y = [0.0f32];
/// Layer::<f32>::forward(&pool, &[1.0, 4.0, 3.0, 2.0], &mut y, 1);
/// assert_eq!(y, [2.5]);
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct AvgPool2d<
    const C: usize,
    const H: usize,
    const W: usize,
    const K: usize,
    const S: usize,
    const OH: usize,
    const OW: usize,
>;

/// The mean of each channel: `C x H x W` to `C` features.
///
/// # Examples
///
/// ```
/// use nn_runtime::layers::{GlobalAvgPool, Layer};
/// let mut y = [0.0f32; 2];
/// Layer::<f32>::forward(&GlobalAvgPool::<2, 1, 2>, &[1.0, 3.0, 5.0, 7.0], &mut y, 1);
/// assert_eq!(y, [2.0, 6.0]);
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct GlobalAvgPool<const C: usize, const H: usize, const W: usize>;

/// Compile-time checks shared by the windowed pools.
const fn check_window(h: usize, w: usize, k: usize, s: usize, oh: usize, ow: usize) {
    assert!(
        k > 0 && s > 0,
        "pooling needs a window and a stride of at least 1"
    );
    assert!(h >= k && w >= k, "pooling window larger than its input");
    assert!(
        oh == (h - k) / s + 1 && ow == (w - k) / s + 1,
        "pooling output size does not follow from its input, window and stride"
    );
}

parameter_free!([const C: usize, const H: usize, const W: usize, const K: usize, const S: usize, const OH: usize, const OW: usize] MaxPool2d<C, H, W, K, S, OH, OW>);
parameter_free!([const C: usize, const H: usize, const W: usize, const K: usize, const S: usize, const OH: usize, const OW: usize] AvgPool2d<C, H, W, K, S, OH, OW>);
parameter_free!([const C: usize, const H: usize, const W: usize] GlobalAvgPool<C, H, W>);

impl<
    const C: usize,
    const H: usize,
    const W: usize,
    const K: usize,
    const S: usize,
    const OH: usize,
    const OW: usize,
    E: Element,
> Layer<E> for MaxPool2d<C, H, W, K, S, OH, OW>
{
    type Input = Image<C, H, W>;
    type Output = Image<C, OH, OW>;
    type Grads = NoParams;

    fn init(_rng: &mut SeededRng) -> Self {
        const { check_window(H, W, K, S, OH, OW) };
        Self
    }

    fn forward(&self, x: &[E], y: &mut [E], batch: usize) {
        expect_len("maxpool2d input", x.len(), batch, C * H * W);
        expect_len("maxpool2d output", y.len(), batch, C * OH * OW);
        for (x, y) in x.chunks_exact(H * W).zip(y.chunks_exact_mut(OH * OW)) {
            for (oi, y) in y.chunks_exact_mut(OW).enumerate() {
                y.fill(E::neg_infinity());
                for row in x[oi * S * W..].chunks(W).take(K) {
                    for (oj, out) in y.iter_mut().enumerate() {
                        for &v in &row[oj * S..oj * S + K] {
                            if v > *out {
                                *out = v;
                            }
                        }
                    }
                }
            }
        }
    }

    fn backward(
        &self,
        x: &[E],
        _y: &[E],
        dy: &mut [E],
        dx: Option<&mut [E]>,
        _grads: &mut NoParams,
        batch: usize,
    ) {
        expect_len("maxpool2d output gradient", dy.len(), batch, C * OH * OW);
        let Some(dx) = dx else { return };
        expect_len("maxpool2d input gradient", dx.len(), batch, C * H * W);
        dx.fill(E::zero());
        for ((x, dy), dx) in x
            .chunks_exact(H * W)
            .zip(dy.chunks_exact(OH * OW))
            .zip(dx.chunks_exact_mut(H * W))
        {
            for (o, &g) in dy.iter().enumerate() {
                let (top, left) = (o / OW * S, o % OW * S);
                // The first maximum in row-major order: later ties do not replace it.
                let mut best = (top * W + left, x[top * W + left]);
                for r in top..top + K {
                    let start = r * W + left;
                    for (index, &v) in x[start..start + K].iter().enumerate() {
                        if v > best.1 {
                            best = (start + index, v);
                        }
                    }
                }
                dx[best.0] += g;
            }
        }
    }
}

impl<
    const C: usize,
    const H: usize,
    const W: usize,
    const K: usize,
    const S: usize,
    const OH: usize,
    const OW: usize,
    E: Element,
> Layer<E> for AvgPool2d<C, H, W, K, S, OH, OW>
{
    type Input = Image<C, H, W>;
    type Output = Image<C, OH, OW>;
    type Grads = NoParams;

    fn init(_rng: &mut SeededRng) -> Self {
        const { check_window(H, W, K, S, OH, OW) };
        Self
    }

    fn forward(&self, x: &[E], y: &mut [E], batch: usize) {
        expect_len("avgpool2d input", x.len(), batch, C * H * W);
        expect_len("avgpool2d output", y.len(), batch, C * OH * OW);
        let scale = E::one() / E::from_f64((K * K) as f64);
        for (x, y) in x.chunks_exact(H * W).zip(y.chunks_exact_mut(OH * OW)) {
            for (o, out) in y.iter_mut().enumerate() {
                let sum =
                    window::<K, S>(o / OW, o % OW).fold(E::zero(), |s, (r, c)| s + x[r * W + c]);
                *out = sum * scale;
            }
        }
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
        expect_len("avgpool2d output gradient", dy.len(), batch, C * OH * OW);
        let Some(dx) = dx else { return };
        expect_len("avgpool2d input gradient", dx.len(), batch, C * H * W);
        dx.fill(E::zero());
        let scale = E::one() / E::from_f64((K * K) as f64);
        for (dy, dx) in dy.chunks_exact(OH * OW).zip(dx.chunks_exact_mut(H * W)) {
            for (o, &g) in dy.iter().enumerate() {
                for (r, c) in window::<K, S>(o / OW, o % OW) {
                    dx[r * W + c] += g * scale;
                }
            }
        }
    }
}

impl<const C: usize, const H: usize, const W: usize, E: Element> Layer<E>
    for GlobalAvgPool<C, H, W>
{
    type Input = Image<C, H, W>;
    type Output = Flat<C>;
    type Grads = NoParams;

    fn init(_rng: &mut SeededRng) -> Self {
        Self
    }

    fn forward(&self, x: &[E], y: &mut [E], batch: usize) {
        expect_len("global_avgpool input", x.len(), batch, C * H * W);
        expect_len("global_avgpool output", y.len(), batch, C);
        let scale = E::one() / E::from_f64((H * W) as f64);
        for (plane, out) in x.chunks_exact(H * W).zip(y.iter_mut()) {
            *out = plane.iter().fold(E::zero(), |s, &v| s + v) * scale;
        }
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
        expect_len("global_avgpool output gradient", dy.len(), batch, C);
        let Some(dx) = dx else { return };
        expect_len("global_avgpool input gradient", dx.len(), batch, C * H * W);
        let scale = E::one() / E::from_f64((H * W) as f64);
        for (plane, &g) in dx.chunks_exact_mut(H * W).zip(dy.iter()) {
            plane.fill(g * scale);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::check_layer_gradients;

    #[test]
    fn gradients_match_finite_differences() {
        check_layer_gradients(&MaxPool2d::<2, 6, 5, 2, 2, 3, 2>, 2);
        check_layer_gradients(&MaxPool2d::<1, 7, 7, 3, 2, 3, 3>, 2);
        check_layer_gradients(&AvgPool2d::<2, 6, 5, 2, 2, 3, 2>, 2);
        check_layer_gradients(&AvgPool2d::<1, 5, 5, 3, 1, 3, 3>, 1);
        check_layer_gradients(&GlobalAvgPool::<3, 2, 4>, 2);
    }

    #[test]
    fn max_pooling_ignores_minus_infinity_padding_and_routes_ties_to_the_first() {
        let pool = MaxPool2d::<1, 2, 2, 2, 2, 1, 1>;
        let x = [f32::NEG_INFINITY, 5.0, 5.0, 1.0];
        let mut y = [0.0f32];
        Layer::<f32>::forward(&pool, &x, &mut y, 1);
        assert_eq!(y, [5.0]);
        let mut dx = [9.0f32; 4];
        Layer::<f32>::backward(&pool, &x, &y, &mut [2.0], Some(&mut dx), &mut NoParams, 1);
        assert_eq!(dx, [0.0, 2.0, 0.0, 0.0]);
    }
}

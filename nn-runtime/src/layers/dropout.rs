//! Inverted dropout: in training, each value is zeroed with probability
//! `rate` and the kept ones are scaled by `1 / (1 - rate)`; at inference the
//! layer passes values through unchanged.

use std::marker::PhantomData;

use super::workspace::Workspace;
use super::{Layer, expect_len};
use crate::params::parameter_free;
use crate::rng::SeededRng;
use crate::shape::Shape;
use crate::{Element, NoParams};

/// Dropout over samples of shape `S` with the rate given as the bits of an
/// `f64` (`{ 0.5f64.to_bits() }`; `network!` writes it from `dropout(0.5)`).
///
/// The mask of the last training pass is kept for `backward`; after an
/// inference pass `backward` is the identity too.
///
/// # Examples
///
/// ```
/// use nn_runtime::layers::{Dropout, Layer};
/// use nn_runtime::rng::SeededRng;
/// use nn_runtime::shape::Flat;
/// let dropout = Dropout::<Flat<4>, { 0.5f64.to_bits() }, f32>::default();
/// let mut y = [0.0f32; 4];
/// dropout.forward(&[1.0; 4], &mut y, 1);
/// assert_eq!(y, [1.0; 4]); // inference: unchanged
/// dropout.forward_train(&[1.0; 4], &mut y, 1, &mut SeededRng::new(3));
/// assert!(y.iter().all(|&v| v == 0.0 || v == 2.0)); // training: dropped or doubled
/// ```
#[derive(Clone, Debug, Default)]
pub struct Dropout<S: Shape, const RATE: u64, E: Element = f32> {
    /// `0` or `1 / (1 - rate)` per value of the last training batch; empty
    /// after an inference pass.
    mask: Workspace<E, 1>,
    shape: PhantomData<S>,
}

impl<S: Shape, const RATE: u64, E: Element> Dropout<S, RATE, E> {
    /// The probability of dropping a value.
    ///
    /// # Examples
    ///
    /// ```
    /// use nn_runtime::layers::Dropout;
    /// use nn_runtime::shape::Flat;
    /// assert_eq!(Dropout::<Flat<2>, { 0.25f64.to_bits() }, f32>::RATE, 0.25);
    /// ```
    pub const RATE: f64 = f64::from_bits(RATE);
}

parameter_free!([S: Shape, const RATE: u64, E2: Element] Dropout<S, RATE, E2>);

impl<S: Shape, const RATE: u64, E: Element> Layer<E> for Dropout<S, RATE, E> {
    type Input = S;
    type Output = S;
    type Grads = NoParams;

    fn init(_rng: &mut SeededRng) -> Self {
        const {
            let rate = f64::from_bits(RATE);
            assert!(rate >= 0.0 && rate < 1.0, "dropout rate must be in [0, 1)");
        }
        Self::default()
    }

    fn forward(&self, x: &[E], y: &mut [E], batch: usize) {
        expect_len("dropout input", x.len(), batch, S::NUMEL);
        expect_len("dropout output", y.len(), batch, S::NUMEL);
        y.copy_from_slice(x);
        self.mask.with([0], |_| ());
    }

    fn forward_train(&self, x: &[E], y: &mut [E], batch: usize, rng: &mut SeededRng) {
        expect_len("dropout input", x.len(), batch, S::NUMEL);
        expect_len("dropout output", y.len(), batch, S::NUMEL);
        let scale = E::from_f64(1.0 / (1.0 - Self::RATE));
        self.mask.with([x.len()], |[mask]| {
            for ((y, &x), keep) in y.iter_mut().zip(x).zip(mask.iter_mut()) {
                *keep = if rng.uniform(0.0, 1.0) < Self::RATE {
                    E::zero()
                } else {
                    scale
                };
                *y = x * *keep;
            }
        });
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
        expect_len("dropout output gradient", dy.len(), batch, S::NUMEL);
        let Some(dx) = dx else { return };
        expect_len("dropout input gradient", dx.len(), batch, S::NUMEL);
        self.mask.with_current(|[mask]| {
            if mask.len() == dx.len() {
                for ((dx, &dy), &keep) in dx.iter_mut().zip(dy.iter()).zip(mask) {
                    *dx = dy * keep;
                }
            } else {
                dx.copy_from_slice(dy);
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shape::Flat;

    type Half = Dropout<Flat<1000>, { 0.5f64.to_bits() }, f64>;

    #[test]
    fn training_drops_about_rate_and_keeps_the_mean() {
        let layer = Half::default();
        let x = vec![1.0; 1000];
        let mut y = vec![0.0; 1000];
        layer.forward_train(&x, &mut y, 1, &mut SeededRng::new(7));
        let dropped = y.iter().filter(|&&v| v == 0.0).count();
        assert!((430..570).contains(&dropped), "{dropped} of 1000 dropped");
        assert!(y.iter().all(|&v| v == 0.0 || v == 2.0));
        let mean = y.iter().sum::<f64>() / 1000.0;
        assert!((mean - 1.0).abs() < 0.15, "mean {mean}");
    }

    #[test]
    fn backward_follows_the_last_forward_mode() {
        let layer = Half::default();
        let x: Vec<f64> = (0..1000).map(|i| i as f64).collect();
        let mut y = vec![0.0; 1000];
        let (mut dy, mut dx) = (vec![3.0; 1000], vec![f64::NAN; 1000]);
        layer.forward_train(&x, &mut y, 1, &mut SeededRng::new(1));
        layer.backward(&x, &y, &mut dy, Some(&mut dx), &mut NoParams, 1);
        for ((&y, &x), &dx) in y.iter().zip(&x).zip(&dx) {
            // Where a value was kept it was doubled, and so is its gradient.
            assert_eq!(dx, if y == 0.0 && x != 0.0 { 0.0 } else { 6.0 });
        }
        layer.forward(&x, &mut y, 1);
        layer.backward(&x, &y, &mut dy, Some(&mut dx), &mut NoParams, 1);
        assert!(dx.iter().all(|&g| g == 3.0));
    }

    #[test]
    fn training_gradients_match_finite_differences() {
        type Quarter = Dropout<Flat<6>, { 0.25f64.to_bits() }, f64>;
        let layer = Quarter::default();
        // The same seed gives the same mask on every pass.
        let run = |x: &[f64]| {
            let mut y = vec![0.0; 12];
            layer.forward_train(x, &mut y, 2, &mut SeededRng::new(4));
            y
        };
        crate::testing::check_vjp(
            run,
            |x, dy| {
                let y = run(x);
                let (mut dy, mut dx) = (dy.to_vec(), vec![f64::NAN; 12]);
                layer.backward(x, &y, &mut dy, Some(&mut dx), &mut NoParams, 2);
                dx
            },
            &[
                0.3, -1.2, 0.8, 2.0, -0.5, 1.1, 0.0, 0.4, -0.9, 1.5, 0.7, -2.2,
            ],
            &[
                1.0, 0.5, -0.3, 0.2, 0.9, -1.1, 0.6, -0.4, 0.8, 0.1, -0.7, 0.3,
            ],
        );
    }

    #[test]
    fn the_same_seed_gives_the_same_mask() {
        let run = |seed| {
            let mut y = vec![0.0; 1000];
            Half::default().forward_train(&[1.0; 1000], &mut y, 1, &mut SeededRng::new(seed));
            y
        };
        assert_eq!(run(5), run(5));
        assert_ne!(run(5), run(6));
    }
}

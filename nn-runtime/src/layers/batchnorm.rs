//! Batch normalisation: per feature of flat samples, per channel of images.
//!
//! Training normalises with the batch's mean and biased variance and moves
//! the running statistics towards the batch's mean and *unbiased* variance,
//! as PyTorch does; inference normalises with the running statistics.
//! `running = momentum * running + (1 - momentum) * batch`, with Keras's
//! meaning of momentum (PyTorch's `momentum` is `1 - momentum`).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError};

use super::{Layer, expect_len};
use crate::params::weight_and_bias;
use crate::rng::SeededRng;
use crate::shape::Shape;
use crate::{Element, Params};

/// Batch normalisation over samples of shape `S`, keeping statistics for
/// each of `S::CHANNELS`; `MOMENTUM` and `EPS` hold the bits of `f64`s
/// (`network!` writes them from `batchnorm(momentum = 0.99, eps = 1e-3)`).
///
/// The learned `weight` and `bias` (gamma and beta) are its parameters;
/// the running mean and variance are state, updated by training passes and
/// read by [`Self::running_mean`] and [`Self::running_var`]. They start at
/// 0 and 1.
///
/// # Examples
///
/// ```
/// use nn_runtime::layers::{BatchNorm, Layer};
/// use nn_runtime::rng::SeededRng;
/// use nn_runtime::shape::Flat;
/// type Norm = BatchNorm<Flat<1>, { 0.9f64.to_bits() }, { 1e-5f64.to_bits() }, f64>;
/// let mut rng = SeededRng::new(0);
/// let norm = Norm::init(&mut rng);
/// let mut y = [0.0; 2];
/// norm.forward_train(&[1.0, 3.0], &mut y, 2, &mut rng);
/// assert!((y[0] + 1.0).abs() < 1e-4 && (y[1] - 1.0).abs() < 1e-4);
/// assert!((norm.running_mean()[0] - 0.2).abs() < 1e-12); // 0.9 * 0 + 0.1 * 2
/// ```
#[derive(Debug)]
pub struct BatchNorm<S: Shape, const MOMENTUM: u64, const EPS: u64, E: Element = f32> {
    params: BatchNormParams<S, E>,
    /// Running mean and variance, one of each per channel.
    running: Mutex<(Vec<E>, Vec<E>)>,
    /// Whether the last forward pass was a training pass, which `backward`
    /// differentiates (batch statistics) rather than an inference pass.
    trained_last: AtomicBool,
}

/// The tensors of a [`BatchNorm`], `weight` and `bias`, one per channel
/// (PyTorch's names; Keras's gamma and beta); as gradients, zeros by default.
///
/// # Examples
///
/// ```
/// use nn_runtime::layers::BatchNormParams;
/// use nn_runtime::shape::Image;
/// assert_eq!(BatchNormParams::<Image<3, 4, 4>, f32>::default().weight.len(), 3);
/// ```
#[derive(Clone, Debug)]
pub struct BatchNormParams<S: Shape, E: Element = f32> {
    /// `[CHANNELS]`, the scale.
    pub weight: Vec<E>,
    /// `[CHANNELS]`, the shift.
    pub bias: Vec<E>,
    shape: std::marker::PhantomData<S>,
}

impl<S: Shape, E: Element> Default for BatchNormParams<S, E> {
    /// All zeros.
    fn default() -> Self {
        Self {
            weight: vec![E::zero(); S::CHANNELS],
            bias: vec![E::zero(); S::CHANNELS],
            shape: std::marker::PhantomData,
        }
    }
}

weight_and_bias!([S: Shape, E: Element] BatchNormParams<S, E>);

impl<S: Shape, const MOMENTUM: u64, const EPS: u64, E: Element> Clone
    for BatchNorm<S, MOMENTUM, EPS, E>
{
    fn clone(&self) -> Self {
        Self {
            params: self.params.clone(),
            running: Mutex::new(self.running_state()),
            trained_last: AtomicBool::new(self.trained_last.load(Ordering::Relaxed)),
        }
    }
}

impl<S: Shape, const MOMENTUM: u64, const EPS: u64, E: Element> BatchNorm<S, MOMENTUM, EPS, E> {
    /// The weight of the old running statistics in each update (Keras's momentum).
    pub const MOMENTUM: f64 = f64::from_bits(MOMENTUM);
    /// The constant added to the variance.
    pub const EPS: f64 = f64::from_bits(EPS);
    /// Values per channel in one sample.
    const SPATIAL: usize = S::NUMEL / S::CHANNELS;

    /// The running mean, one value per channel.
    pub fn running_mean(&self) -> Vec<E> {
        self.running_state().0
    }

    /// The running variance, one value per channel.
    pub fn running_var(&self) -> Vec<E> {
        self.running_state().1
    }

    fn running_state(&self) -> (Vec<E>, Vec<E>) {
        self.running_lock().clone()
    }

    fn running_lock(&self) -> std::sync::MutexGuard<'_, (Vec<E>, Vec<E>)> {
        self.running.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The values of channel `c` across the batch.
    fn channel(x: &[E], c: usize) -> impl Iterator<Item = &E> {
        x.chunks_exact(S::NUMEL)
            .flat_map(move |sample| &sample[c * Self::SPATIAL..(c + 1) * Self::SPATIAL])
    }

    /// The batch mean and biased variance of channel `c`.
    fn batch_moments(x: &[E], c: usize, count: E) -> (E, E) {
        let mean = Self::channel(x, c).fold(E::zero(), |s, &v| s + v) / count;
        let var = Self::channel(x, c).fold(E::zero(), |s, &v| s + (v - mean) * (v - mean)) / count;
        (mean, var)
    }

    /// `y = weight * (x - mean) / sqrt(var + eps) + bias` for channel `c`
    /// of every sample.
    fn normalise_channel(&self, x: &[E], y: &mut [E], c: usize, mean: E, var: E) {
        let scale = self.params.weight[c] / (var + E::from_f64(Self::EPS)).sqrt();
        let shift = self.params.bias[c] - mean * scale;
        let span = c * Self::SPATIAL..(c + 1) * Self::SPATIAL;
        for (x, y) in x.chunks_exact(S::NUMEL).zip(y.chunks_exact_mut(S::NUMEL)) {
            for (y, &x) in y[span.clone()].iter_mut().zip(&x[span.clone()]) {
                *y = x * scale + shift;
            }
        }
    }
}

impl<S: Shape, const MOMENTUM: u64, const EPS: u64, E: Element> Params<E>
    for BatchNorm<S, MOMENTUM, EPS, E>
{
    const TENSORS: usize = 2;
    fn tensor(&self, index: usize) -> &[E] {
        self.params.tensor(index)
    }
    fn tensor_mut(&mut self, index: usize) -> &mut [E] {
        self.params.tensor_mut(index)
    }
    fn tensor_name(&self, index: usize) -> String {
        self.params.tensor_name(index)
    }
    /// `running_mean` and `running_var`, PyTorch's names for them.
    fn buffers(&self) -> Vec<(String, Vec<E>)> {
        let (mean, var) = self.running_state();
        vec![
            ("running_mean".to_owned(), mean),
            ("running_var".to_owned(), var),
        ]
    }
    fn set_buffer(&mut self, name: &str, values: &[E]) -> bool {
        let running = self
            .running
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner);
        let target = match name {
            "running_mean" => &mut running.0,
            "running_var" => &mut running.1,
            _ => return false,
        };
        if target.len() != values.len() {
            return false;
        }
        target.copy_from_slice(values);
        true
    }
}

impl<S: Shape, const MOMENTUM: u64, const EPS: u64, E: Element> Layer<E>
    for BatchNorm<S, MOMENTUM, EPS, E>
{
    type Input = S;
    type Output = S;
    type Grads = BatchNormParams<S, E>;

    fn init(_rng: &mut SeededRng) -> Self {
        const {
            let (momentum, eps) = (f64::from_bits(MOMENTUM), f64::from_bits(EPS));
            assert!(
                momentum >= 0.0 && momentum < 1.0,
                "batchnorm momentum must be in [0, 1)"
            );
            assert!(eps > 0.0, "batchnorm eps must be positive");
        }
        Self {
            params: BatchNormParams {
                weight: vec![E::one(); S::CHANNELS],
                ..BatchNormParams::default()
            },
            running: Mutex::new((vec![E::zero(); S::CHANNELS], vec![E::one(); S::CHANNELS])),
            trained_last: AtomicBool::new(false),
        }
    }

    fn forward(&self, x: &[E], y: &mut [E], batch: usize) {
        expect_len("batchnorm input", x.len(), batch, S::NUMEL);
        expect_len("batchnorm output", y.len(), batch, S::NUMEL);
        let running = self.running_lock();
        for c in 0..S::CHANNELS {
            self.normalise_channel(x, y, c, running.0[c], running.1[c]);
        }
        self.trained_last.store(false, Ordering::Relaxed);
    }

    fn forward_train(&self, x: &[E], y: &mut [E], batch: usize, _rng: &mut SeededRng) {
        expect_len("batchnorm input", x.len(), batch, S::NUMEL);
        expect_len("batchnorm output", y.len(), batch, S::NUMEL);
        let count = batch * Self::SPATIAL;
        // The running variance moves towards the unbiased batch variance; a
        // batch of one value per channel has none, and leaves it as it is.
        let momentum = E::from_f64(Self::MOMENTUM);
        let rest = E::one() - momentum;
        let mut running = self.running_lock();
        let (running_mean, running_var) = &mut *running;
        for c in 0..S::CHANNELS {
            let (mean, var) = Self::batch_moments(x, c, E::from_f64(count as f64));
            self.normalise_channel(x, y, c, mean, var);
            running_mean[c] = momentum * running_mean[c] + rest * mean;
            if count > 1 {
                let unbiased = var * E::from_f64(count as f64 / (count - 1) as f64);
                running_var[c] = momentum * running_var[c] + rest * unbiased;
            }
        }
        self.trained_last.store(true, Ordering::Relaxed);
    }

    fn backward(
        &self,
        x: &[E],
        _y: &[E],
        dy: &mut [E],
        mut dx: Option<&mut [E]>,
        grads: &mut Self::Grads,
        batch: usize,
    ) {
        expect_len("batchnorm input", x.len(), batch, S::NUMEL);
        expect_len("batchnorm output gradient", dy.len(), batch, S::NUMEL);
        if let Some(dx) = dx.as_deref() {
            expect_len("batchnorm input gradient", dx.len(), batch, S::NUMEL);
        }
        let training = self.trained_last.load(Ordering::Relaxed);
        let count = E::from_f64((batch * Self::SPATIAL) as f64);
        let running = self.running_lock();
        let (running_means, running_vars) = (&running.0, &running.1);
        let eps = E::from_f64(Self::EPS);
        for c in 0..S::CHANNELS {
            let (mean, var) = if training {
                Self::batch_moments(x, c, count)
            } else {
                (running_means[c], running_vars[c])
            };
            let inv_std = E::one() / (var + eps).sqrt();
            let (mut sum_dy, mut sum_dy_xhat) = (E::zero(), E::zero());
            for (&v, &d) in Self::channel(x, c).zip(Self::channel(dy, c)) {
                sum_dy += d;
                sum_dy_xhat += d * (v - mean) * inv_std;
            }
            grads.weight[c] = sum_dy_xhat;
            grads.bias[c] = sum_dy;
            let Some(dx) = dx.as_deref_mut() else {
                continue;
            };
            let gamma = self.params.weight[c];
            // Training: the batch statistics depend on x too, giving
            // dx = gamma inv_std (dy - mean(dy) - xhat mean(dy xhat)).
            let (mean_dy, mean_dy_xhat) = if training {
                (sum_dy / count, sum_dy_xhat / count)
            } else {
                (E::zero(), E::zero())
            };
            let planes = x
                .chunks_exact(S::NUMEL)
                .zip(dy.chunks_exact(S::NUMEL))
                .zip(dx.chunks_exact_mut(S::NUMEL));
            for ((x, dy), dx) in planes {
                let span = c * Self::SPATIAL..(c + 1) * Self::SPATIAL;
                for ((dx, &v), &d) in dx[span.clone()]
                    .iter_mut()
                    .zip(&x[span.clone()])
                    .zip(&dy[span])
                {
                    let xhat = (v - mean) * inv_std;
                    *dx = gamma * inv_std * (d - mean_dy - xhat * mean_dy_xhat);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shape::{Flat, Image};
    use crate::testing::check_layer_gradients;

    #[test]
    fn inference_gradients_match_finite_differences() {
        // check_layer_gradients runs inference passes: running statistics.
        let norm =
            BatchNorm::<Image<2, 3, 2>, { 0.9f64.to_bits() }, { 1e-5f64.to_bits() }, f64>::init(
                &mut SeededRng::new(0),
            );
        norm.running
            .lock()
            .unwrap()
            .clone_from(&(vec![0.3, -0.2], vec![1.5, 0.7]));
        check_layer_gradients(&norm, 2);
    }

    #[test]
    fn training_gradients_match_finite_differences() {
        type Norm = BatchNorm<Flat<3>, { 0.9f64.to_bits() }, { 1e-5f64.to_bits() }, f64>;
        let mut norm = Norm::init(&mut SeededRng::new(0));
        norm.params.weight.copy_from_slice(&[0.5, -1.5, 2.0]);
        let x: Vec<f64> = (0..12).map(|i| ((i * 7 % 11) as f64 - 5.0) / 3.0).collect();
        let dy: Vec<f64> = (0..12).map(|i| ((i * 5 % 7) as f64 - 3.0) / 2.0).collect();
        let run = |x: &[f64]| {
            let mut y = vec![0.0; 12];
            norm.clone()
                .forward_train(x, &mut y, 4, &mut SeededRng::new(0));
            y
        };
        crate::testing::check_vjp(
            run,
            |x, dy| {
                let probe = norm.clone();
                let mut y = vec![0.0; 12];
                probe.forward_train(x, &mut y, 4, &mut SeededRng::new(0));
                let (mut dy, mut dx) = (dy.to_vec(), vec![f64::NAN; 12]);
                let mut grads = BatchNormParams::default();
                probe.backward(x, &y, &mut dy, Some(&mut dx), &mut grads, 4);
                dx
            },
            &x,
            &dy,
        );
    }
}

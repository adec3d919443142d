//! Layer normalisation over each sample's `N` features, with a learned
//! scale and shift: `y = weight * (x - mean) / sqrt(var + eps) + bias`, the
//! variance biased (divided by `N`), as PyTorch and Keras compute it.

use super::{Layer, expect_len};
use crate::Element;
use crate::params::{params_in_field, weight_and_bias};
use crate::rng::SeededRng;
use crate::shape::Flat;

/// Normalises each sample of `N` features; `EPS` holds the bits of an `f64`
/// (`{ 1e-5f64.to_bits() }`; `network!` writes it from `layernorm(eps = 1e-5)`).
/// Starts as the identity: weight 1, bias 0.
///
/// # Examples
///
/// ```
/// use nn_runtime::layers::{Layer, LayerNorm};
/// use nn_runtime::rng::SeededRng;
/// let norm = LayerNorm::<2, { 1e-5f64.to_bits() }, f64>::init(&mut SeededRng::new(0));
/// let mut y = [0.0; 2];
/// norm.forward(&[1.0, 3.0], &mut y, 1);
/// assert!((y[0] + 1.0).abs() < 1e-5 && (y[1] - 1.0).abs() < 1e-5);
/// ```
#[derive(Clone, Debug)]
pub struct LayerNorm<const N: usize, const EPS: u64, E: Element = f32> {
    params: LayerNormParams<N, E>,
}

/// The tensors of a [`LayerNorm`], `weight` and `bias`, `[N]` each (PyTorch's
/// names; Keras calls them gamma and beta); as gradients, zeros by default.
///
/// # Examples
///
/// ```
/// use nn_runtime::layers::LayerNormParams;
/// assert_eq!(LayerNormParams::<3, f32>::default().weight, [0.0; 3]);
/// ```
#[derive(Clone, Debug)]
pub struct LayerNormParams<const N: usize, E: Element = f32> {
    /// `[N]`, the scale.
    pub weight: Vec<E>,
    /// `[N]`, the shift.
    pub bias: Vec<E>,
}

impl<const N: usize, E: Element> Default for LayerNormParams<N, E> {
    /// All zeros.
    fn default() -> Self {
        Self {
            weight: vec![E::zero(); N],
            bias: vec![E::zero(); N],
        }
    }
}

weight_and_bias!([const N: usize, E: Element] LayerNormParams<N, E>);

impl<const N: usize, const EPS: u64, E: Element> LayerNorm<N, EPS, E> {
    /// The constant added to the variance.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(nn_runtime::layers::LayerNorm::<4, { 1e-3f64.to_bits() }>::EPS, 1e-3);
    /// ```
    pub const EPS: f64 = f64::from_bits(EPS);

    /// `(mean, 1 / sqrt(var + eps))` of one sample.
    fn moments(x: &[E]) -> (E, E) {
        let n = E::from_f64(N as f64);
        let mean = x.iter().fold(E::zero(), |s, &v| s + v) / n;
        let var = x
            .iter()
            .fold(E::zero(), |s, &v| s + (v - mean) * (v - mean))
            / n;
        (mean, E::one() / (var + E::from_f64(Self::EPS)).sqrt())
    }
}

params_in_field!([const N: usize, const EPS: u64, E: Element] LayerNorm<N, EPS, E>, LayerNormParams<N, E>);

impl<const N: usize, const EPS: u64, E: Element> Layer<E> for LayerNorm<N, EPS, E> {
    type Input = Flat<N>;
    type Output = Flat<N>;
    type Grads = LayerNormParams<N, E>;

    fn init(_rng: &mut SeededRng) -> Self {
        const { assert!(f64::from_bits(EPS) > 0.0, "layernorm eps must be positive") };
        Self {
            params: LayerNormParams {
                weight: vec![E::one(); N],
                bias: vec![E::zero(); N],
            },
        }
    }

    fn forward(&self, x: &[E], y: &mut [E], batch: usize) {
        expect_len("layernorm input", x.len(), batch, N);
        expect_len("layernorm output", y.len(), batch, N);
        for (x, y) in x.chunks_exact(N).zip(y.chunks_exact_mut(N)) {
            let (mean, inv_std) = Self::moments(x);
            for (((y, &x), &w), &b) in y
                .iter_mut()
                .zip(x)
                .zip(&self.params.weight)
                .zip(&self.params.bias)
            {
                *y = w * (x - mean) * inv_std + b;
            }
        }
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
        expect_len("layernorm input", x.len(), batch, N);
        expect_len("layernorm output gradient", dy.len(), batch, N);
        if let Some(dx) = dx.as_deref() {
            expect_len("layernorm input gradient", dx.len(), batch, N);
        }
        grads.weight.fill(E::zero());
        grads.bias.fill(E::zero());
        let n = E::from_f64(N as f64);
        for (sample, (x, dy)) in x.chunks_exact(N).zip(dy.chunks_exact(N)).enumerate() {
            let (mean, inv_std) = Self::moments(x);
            let normalised = |v: E| (v - mean) * inv_std;
            // With g = dy * weight: dx = inv_std * (g - mean(g) - xhat * mean(g * xhat)).
            let (mut sum_g, mut sum_g_xhat) = (E::zero(), E::zero());
            for (i, (&v, &d)) in x.iter().zip(dy).enumerate() {
                let xhat = normalised(v);
                grads.weight[i] += d * xhat;
                grads.bias[i] += d;
                let g = d * self.params.weight[i];
                sum_g += g;
                sum_g_xhat += g * xhat;
            }
            if let Some(dx) = dx.as_deref_mut() {
                let (mean_g, mean_g_xhat) = (sum_g / n, sum_g_xhat / n);
                let dx = &mut dx[sample * N..(sample + 1) * N];
                for (i, (dx, (&v, &d))) in dx.iter_mut().zip(x.iter().zip(dy)).enumerate() {
                    let g = d * self.params.weight[i];
                    *dx = inv_std * (g - mean_g - normalised(v) * mean_g_xhat);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::check_layer_gradients;

    #[test]
    fn gradients_match_finite_differences() {
        let mut norm = LayerNorm::<5, { 1e-5f64.to_bits() }, f64>::init(&mut SeededRng::new(0));
        norm.params
            .weight
            .copy_from_slice(&[0.5, -1.0, 2.0, 1.5, 0.3]);
        norm.params
            .bias
            .copy_from_slice(&[0.1, 0.0, -0.2, 0.3, 1.0]);
        check_layer_gradients(&norm, 3);
    }
}

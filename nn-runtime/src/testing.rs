//! Test helpers: finite-difference gradient checks, tolerant comparisons, a tiny network.

use crate::act::Identity;
use crate::layers::{Dense, DenseGrads, Layer};
use crate::network::{batch_size, fit_buffer};
use crate::rng::SeededRng;
use crate::shape::Flat;
use crate::{Cache, Network, Params};

/// Compares an analytic vector-Jacobian product with central differences.
///
/// `f(x)` is the forward map; `vjp(x, dy)` must return `dL/dx` for
/// `L = <dy, f(x)>`. Runs in `f64`: with a step of `1e-6` truncation error is
/// about `1e-12` and round-off about `1e-10`, both far below the tolerance.
///
/// # Panics
///
/// On the first component whose analytic and numeric derivatives differ by
/// more than `1e-6` relative to their size (at least 1).
///
/// # Examples
///
/// ```
/// use nn_runtime::testing::check_vjp;
/// // f(x) = x^2 elementwise, so dL/dx = 2 x dy.
/// check_vjp(
///     |x| x.iter().map(|v| v * v).collect(),
///     |x, dy| x.iter().zip(dy).map(|(v, d)| 2.0 * v * d).collect(),
///     &[1.0, -2.0],
///     &[0.5, 0.25],
/// );
/// ```
#[track_caller]
pub fn check_vjp(
    f: impl Fn(&[f64]) -> Vec<f64>,
    vjp: impl Fn(&[f64], &[f64]) -> Vec<f64>,
    x: &[f64],
    dy: &[f64],
) {
    const H: f64 = 1e-6;
    const TOL: f64 = 1e-6;
    let analytic = vjp(x, dy);
    assert_eq!(
        analytic.len(),
        x.len(),
        "vjp returned the wrong number of components"
    );
    let mut probe = x.to_vec();
    for i in 0..x.len() {
        let saved = probe[i];
        probe[i] = saved + H;
        let up: f64 = f(&probe).iter().zip(dy).map(|(y, d)| y * d).sum();
        probe[i] = saved - H;
        let down: f64 = f(&probe).iter().zip(dy).map(|(y, d)| y * d).sum();
        probe[i] = saved;
        let numeric = (up - down) / (2.0 * H);
        let scale = numeric.abs().max(analytic[i].abs()).max(1.0);
        assert!(
            (numeric - analytic[i]).abs() <= TOL * scale,
            "dL/dx[{i}]: backward gives {}, finite differences give {numeric}",
            analytic[i],
        );
    }
}

/// Checks a layer's backward pass against central differences: the input
/// gradient and the gradient of every parameter tensor, for a batch of
/// `batch` deterministic inputs spread over about [-1.2, 1.2].
///
/// Max pooling's gradient jumps where two inputs of a window tie, so the
/// inputs here are distinct.
///
/// # Panics
///
/// As [`check_vjp`], naming the first component that disagrees.
///
/// # Examples
///
/// ```
/// use nn_runtime::act::Tanh;
/// use nn_runtime::layers::{Dense, Layer};
/// use nn_runtime::rng::SeededRng;
/// nn_runtime::testing::check_layer_gradients(&Dense::<3, 2, Tanh, f64>::new(&mut SeededRng::new(1)), 2);
/// ```
#[track_caller]
pub fn check_layer_gradients<L: Layer<f64>>(layer: &L, batch: usize) {
    use crate::shape::Shape;
    let (inputs, outputs) = (<L::Input as Shape>::NUMEL, <L::Output as Shape>::NUMEL);
    let spread = |len: usize, salt: usize| -> Vec<f64> {
        (0..len)
            .map(|i| ((i * 7919 + salt) % 1009) as f64 / 420.0 - 1.2)
            .collect()
    };
    let x = spread(batch * inputs, 1);
    let dy = spread(batch * outputs, 5);
    let run = |layer: &L, x: &[f64]| {
        let mut y = vec![0.0; batch * outputs];
        layer.forward(x, &mut y, batch);
        y
    };
    let grads_at = |layer: &L, x: &[f64], dy: &[f64]| {
        let y = run(layer, x);
        let (mut scratch, mut dx) = (dy.to_vec(), vec![f64::NAN; batch * inputs]);
        let mut grads = L::Grads::default();
        layer.backward(x, &y, &mut scratch, Some(&mut dx), &mut grads, batch);
        (dx, grads)
    };
    check_vjp(|x| run(layer, x), |x, dy| grads_at(layer, x, dy).0, &x, &dy);
    for tensor in 0..L::TENSORS {
        let with = |p: &[f64]| {
            let mut probe = layer.clone();
            probe.tensor_mut(tensor).copy_from_slice(p);
            probe
        };
        check_vjp(
            |p| run(&with(p), &x),
            |p, dy| grads_at(&with(p), &x, dy).1.tensor(tensor).to_vec(),
            layer.tensor(tensor),
            &dy,
        );
    }
}

/// Asserts `|got - want| <= tol * max(1, |want|)` element by element, and
/// returns the largest `|got - want| / max(1, |want|)` seen.
///
/// # Panics
///
/// On a length mismatch or the first element out of tolerance, naming `what`.
///
/// # Examples
///
/// ```
/// let deviation = nn_runtime::testing::assert_close("loss", &[1.0f32], &[1.000001], 1e-5);
/// assert!(deviation < 2e-6);
/// ```
#[track_caller]
pub fn assert_close<E: crate::Element>(what: &str, got: &[E], want: &[f64], tol: f64) -> f64 {
    assert_eq!(
        got.len(),
        want.len(),
        "{what}: got {} values, expected {}",
        got.len(),
        want.len()
    );
    let mut largest = 0.0f64;
    for (i, (&g, &w)) in got.iter().zip(want).enumerate() {
        let g = g.into_f64();
        let deviation = (g - w).abs() / w.abs().max(1.0);
        assert!(
            deviation <= tol,
            "{what}[{i}]: got {g}, expected {w} (tolerance {tol})"
        );
        largest = largest.max(deviation);
    }
    largest
}

/// A hand-written one-layer network (`[2] => dense(2)`), for examples and
/// tests of the runtime that cannot use `network!`.
///
/// # Examples
///
/// ```
/// use nn_runtime::{testing::Tiny, Network};
/// assert_eq!(Tiny::PARAMETERS, 6);
/// ```
#[derive(Clone, Debug)]
pub struct Tiny {
    /// The only layer.
    pub dense0: Dense<2, 2, Identity>,
}

/// The buffers of [`Tiny`].
#[derive(Clone, Debug, Default)]
pub struct TinyCache {
    batch: usize,
    a1: Vec<f32>,
    d1: Vec<f32>,
}

impl Cache<f32> for TinyCache {
    fn batch(&self) -> usize {
        self.batch
    }
    fn output_and_grad(&mut self) -> (&[f32], &mut [f32]) {
        (&self.a1, &mut self.d1)
    }
}

impl Params<f32> for Tiny {
    const TENSORS: usize = 2;
    fn tensor(&self, index: usize) -> &[f32] {
        self.dense0.tensor(index)
    }
    fn tensor_mut(&mut self, index: usize) -> &mut [f32] {
        self.dense0.tensor_mut(index)
    }
    fn tensor_name(&self, index: usize) -> String {
        format!("dense0.{}", self.dense0.tensor_name(index))
    }
}

impl Network<f32> for Tiny {
    type Input = Flat<2>;
    type Output = Flat<2>;
    type Grads = DenseGrads<2, 2>;
    type Cache = TinyCache;
    const PARAMETERS: usize = 6;
    const OUTPUT: crate::network::Output = crate::network::Output::Linear;

    fn from_seed(seed: u64) -> Self {
        Self {
            dense0: Dense::new(&mut SeededRng::new(seed)),
        }
    }

    fn forward<'c>(&self, x: &[f32], cache: &'c mut TinyCache) -> &'c [f32] {
        cache.batch = batch_size(x, 2);
        fit_buffer(&mut cache.a1, cache.batch * 2);
        fit_buffer(&mut cache.d1, cache.batch * 2);
        self.dense0.forward(x, &mut cache.a1, cache.batch);
        &cache.a1
    }

    fn backward(&self, x: &[f32], cache: &mut TinyCache, grads: &mut DenseGrads<2, 2>) {
        self.dense0
            .backward(x, &cache.a1, &mut cache.d1, None, grads, cache.batch);
    }
}

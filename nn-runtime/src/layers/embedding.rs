//! Embedding lookup: each of a sample's `SEQ` token ids picks a row of a
//! learned `[VOCAB, DIM]` table.

use super::{Layer, expect_len};
use crate::params::no_tensor;
use crate::rng::SeededRng;
use crate::shape::{Flat, Image};
use crate::{Element, Params};

/// `SEQ` token ids (whole numbers below `VOCAB`, stored as the network's
/// element type) to `DIM` features each, laid out `[DIM, 1, SEQ]`: features
/// as channels and positions along the width, the layout PyTorch's `Conv1d`
/// reads, so `global_avgpool` after it averages over the sequence (a bag of
/// words) and `flatten` keeps every position.
///
/// The table is `weight` `[VOCAB, DIM]` (PyTorch's layout), initialised
/// uniformly in ±0.05 as Keras does. A repeated id adds up its gradients.
///
/// # Panics
///
/// In `forward`, on an id that is not a whole number in `0..VOCAB`, naming it.
///
/// # Examples
///
/// ```
/// use nn_runtime::layers::{Embedding, Layer};
/// use nn_runtime::rng::SeededRng;
/// let mut table = Embedding::<2, 3, 1, f32>::init(&mut SeededRng::new(0));
/// table.weight_mut().copy_from_slice(&[10.0, 20.0, 30.0]);
/// let mut y = [0.0f32; 2];
/// table.forward(&[2.0, 0.0], &mut y, 1);
/// assert_eq!(y, [30.0, 10.0]);
/// ```
#[derive(Clone, Debug)]
pub struct Embedding<const SEQ: usize, const VOCAB: usize, const DIM: usize, E: Element = f32> {
    params: EmbeddingParams<VOCAB, DIM, E>,
}

/// The table of an [`Embedding`], `weight` `[VOCAB, DIM]`; as gradients, zeros by default.
///
/// # Examples
///
/// ```
/// use nn_runtime::layers::EmbeddingParams;
/// assert_eq!(EmbeddingParams::<10, 4, f32>::default().weight.len(), 40);
/// ```
#[derive(Clone, Debug)]
pub struct EmbeddingParams<const VOCAB: usize, const DIM: usize, E: Element = f32> {
    /// `[VOCAB, DIM]`, row-major: row `id` is that token's vector.
    pub weight: Vec<E>,
}

impl<const VOCAB: usize, const DIM: usize, E: Element> Default for EmbeddingParams<VOCAB, DIM, E> {
    /// All zeros.
    fn default() -> Self {
        Self {
            weight: vec![E::zero(); VOCAB * DIM],
        }
    }
}

impl<const VOCAB: usize, const DIM: usize, E: Element> Params<E>
    for EmbeddingParams<VOCAB, DIM, E>
{
    const TENSORS: usize = 1;
    fn tensor(&self, index: usize) -> &[E] {
        match index {
            0 => &self.weight,
            _ => no_tensor(index),
        }
    }
    fn tensor_mut(&mut self, index: usize) -> &mut [E] {
        match index {
            0 => &mut self.weight,
            _ => no_tensor(index),
        }
    }
    fn tensor_name(&self, index: usize) -> String {
        match index {
            0 => "weight".to_owned(),
            _ => no_tensor(index),
        }
    }
    fn tensor_shape(&self, index: usize) -> Vec<usize> {
        match index {
            0 => vec![VOCAB, DIM],
            _ => no_tensor(index),
        }
    }
}

crate::params::params_in_field!(
    [const SEQ: usize, const VOCAB: usize, const DIM: usize, E: Element]
    Embedding<SEQ, VOCAB, DIM, E>,
    EmbeddingParams<VOCAB, DIM, E>
);

impl<const SEQ: usize, const VOCAB: usize, const DIM: usize, E: Element>
    Embedding<SEQ, VOCAB, DIM, E>
{
    /// The table, `[VOCAB, DIM]` row-major.
    pub fn weight(&self) -> &[E] {
        &self.params.weight
    }

    /// The table, mutable.
    pub fn weight_mut(&mut self) -> &mut [E] {
        &mut self.params.weight
    }

    /// The row index of token `value` at `position`.
    #[track_caller]
    fn id(value: E, position: usize) -> usize {
        let id = value.into_f64();
        assert!(
            id >= 0.0 && id.fract() == 0.0 && id < VOCAB as f64,
            "embedding input {position} is {id}, not a token id: ids are whole numbers in 0..{VOCAB}"
        );
        id as usize
    }
}

impl<const SEQ: usize, const VOCAB: usize, const DIM: usize, E: Element> Layer<E>
    for Embedding<SEQ, VOCAB, DIM, E>
{
    type Input = Flat<SEQ>;
    type Output = Image<DIM, 1, SEQ>;
    type Grads = EmbeddingParams<VOCAB, DIM, E>;

    fn init(rng: &mut SeededRng) -> Self {
        let weight = (0..VOCAB * DIM).map(|_| E::from_f64(rng.uniform(-0.05, 0.05)));
        Self {
            params: EmbeddingParams {
                weight: weight.collect(),
            },
        }
    }

    fn forward(&self, x: &[E], y: &mut [E], batch: usize) {
        expect_len("embedding input", x.len(), batch, SEQ);
        expect_len("embedding output", y.len(), batch, DIM * SEQ);
        for (sample, (ids, y)) in x
            .chunks_exact(SEQ)
            .zip(y.chunks_exact_mut(DIM * SEQ))
            .enumerate()
        {
            for (t, &value) in ids.iter().enumerate() {
                let row = &self.params.weight[Self::id(value, sample * SEQ + t) * DIM..][..DIM];
                for (d, &v) in row.iter().enumerate() {
                    y[d * SEQ + t] = v;
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
        grads: &mut Self::Grads,
        batch: usize,
    ) {
        expect_len("embedding input", x.len(), batch, SEQ);
        expect_len("embedding output gradient", dy.len(), batch, DIM * SEQ);
        // Token ids have no gradient.
        if let Some(dx) = dx {
            expect_len("embedding input gradient", dx.len(), batch, SEQ);
            dx.fill(E::zero());
        }
        grads.weight.fill(E::zero());
        for (sample, (ids, dy)) in x
            .chunks_exact(SEQ)
            .zip(dy.chunks_exact(DIM * SEQ))
            .enumerate()
        {
            for (t, &value) in ids.iter().enumerate() {
                let row = &mut grads.weight[Self::id(value, sample * SEQ + t) * DIM..][..DIM];
                for (d, g) in row.iter_mut().enumerate() {
                    *g += dy[d * SEQ + t];
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[should_panic(
        expected = "embedding input 1 is 2.5, not a token id: ids are whole numbers in 0..3"
    )]
    fn a_fractional_id_is_named() {
        let table = Embedding::<2, 3, 1, f32>::init(&mut SeededRng::new(0));
        table.forward(&[1.0, 2.5], &mut [0.0; 2], 1);
    }

    #[test]
    fn table_gradients_match_finite_differences() {
        let table = Embedding::<4, 5, 3, f64>::init(&mut SeededRng::new(2));
        let ids = [4.0, 1.0, 1.0, 0.0, 2.0, 4.0, 3.0, 1.0];
        let dy: Vec<f64> = (0..24).map(|i| ((i * 7 % 5) as f64 - 2.0) / 3.0).collect();
        let with = |weight: &[f64]| {
            let mut probe = table.clone();
            probe.weight_mut().copy_from_slice(weight);
            probe
        };
        crate::testing::check_vjp(
            |weight| {
                let mut y = vec![0.0; 24];
                with(weight).forward(&ids, &mut y, 2);
                y
            },
            |weight, dy| {
                let probe = with(weight);
                let mut y = vec![0.0; 24];
                probe.forward(&ids, &mut y, 2);
                let mut grads = EmbeddingParams::default();
                probe.backward(&ids, &y, &mut dy.to_vec(), None, &mut grads, 2);
                grads.weight
            },
            table.weight(),
            &dy,
        );
    }

    #[test]
    fn repeated_ids_add_their_gradients() {
        let table = Embedding::<3, 4, 2, f64>::init(&mut SeededRng::new(0));
        let x = [1.0, 1.0, 3.0];
        let mut y = [0.0; 6];
        table.forward(&x, &mut y, 1);
        let mut dy = [1.0, 2.0, 3.0, 10.0, 20.0, 30.0];
        let mut grads = EmbeddingParams::default();
        table.backward(&x, &y, &mut dy, None, &mut grads, 1);
        assert_eq!(grads.weight, [0.0, 0.0, 3.0, 30.0, 0.0, 0.0, 3.0, 30.0]);
    }
}

//! Embedding agrees with PyTorch (`tests/fixtures/embedding.json`,
//! float64): the lookup and the table's gradient with repeated ids.
//! PyTorch's output is `[batch, seq, dim]`; ours `[batch, dim, 1, seq]`.

mod common;

use common::{case, fixture};
use nn::Params;
use nn::layers::{Embedding, EmbeddingParams, Layer};
use nn::rng::SeededRng;
use nn::testing::assert_close;

const BATCH: usize = 2;
const SEQ: usize = 3;
const DIM: usize = 3;

/// `[batch, seq, dim]` to `[batch, dim, seq]`.
fn to_ours(values: &[f64]) -> Vec<f64> {
    let mut out = vec![0.0; values.len()];
    for b in 0..BATCH {
        for t in 0..SEQ {
            for d in 0..DIM {
                out[(b * DIM + d) * SEQ + t] = values[(b * SEQ + t) * DIM + d];
            }
        }
    }
    out
}

#[test]
fn embedding_matches_pytorch_with_repeated_ids() {
    let fixture = fixture("embedding.json");
    let case = case(&fixture, "vocab7_dim3");
    let mut table = Embedding::<SEQ, 7, DIM, f64>::init(&mut SeededRng::new(0));
    table.tensor_mut(0).copy_from_slice(&case.tensor("weight"));
    let ids = case.tensor("indices");
    let mut y = vec![0.0; BATCH * SEQ * DIM];
    table.forward(&ids, &mut y, BATCH);
    assert_close("y", &y, &to_ours(&case.tensor("y")), 1e-12);
    let mut dy = to_ours(&case.tensor("upstream"));
    let mut grads = EmbeddingParams::<7, DIM, f64>::default();
    table.backward(&ids, &y, &mut dy, None, &mut grads, BATCH);
    assert_close("dweight", &grads.weight, &case.tensor("dweight"), 1e-12);
}

//! The AVX-512 microkernel: up to an 8 x 32 tile in sixteen 512-bit
//! accumulators (two 16-lane vectors per row; with two vectors of `B~` and a
//! broadcast of `A~` it uses 19 of the 32 vector registers).
//!
//! Edge tiles run narrower instances of the same loop (1, 2 or 4 rows; 16
//! columns) instead of computing a full tile of zeros: the batch-1 product of
//! inference and the 10-wide output layer of a classifier are edge tiles.

use std::arch::x86_64::*;

use super::kernel::{MicroKernel, write_back};

/// 8 x 32 `f32` tiles with AVX-512F.
pub(super) struct Avx512;

const MR: usize = 8;
const LANES: usize = 16;
const NR: usize = 2 * LANES;

impl MicroKernel<f32> for Avx512 {
    const MR: usize = MR;
    const NR: usize = NR;
    const MC: usize = 128;
    const KC: usize = 256;
    const NC: usize = 1024;

    unsafe fn tile(
        k: usize,
        alpha: f32,
        a: &[f32],
        b: &[f32],
        ldb: usize,
        beta: f32,
        c: *mut f32,
        rsc: usize,
        m: usize,
        n: usize,
    ) {
        let args = (k, alpha, a, b, ldb, beta, c, rsc, m, n);
        // SAFETY: the caller guarantees AVX-512F is present and the rest of the
        // contract; each instance computes at least m rows and n columns.
        unsafe {
            match (m, n <= LANES) {
                (1, true) => tile_avx512::<1, 1, 4>(args),
                (1, false) => tile_avx512::<1, 2, 4>(args),
                (2, true) => tile_avx512::<2, 1, 2>(args),
                (2, false) => tile_avx512::<2, 2, 2>(args),
                (3 | 4, true) => tile_avx512::<4, 1, 1>(args),
                (3 | 4, false) => tile_avx512::<4, 2, 1>(args),
                (_, true) => tile_avx512::<8, 1, 1>(args),
                (_, false) => tile_avx512::<8, 2, 1>(args),
            }
        }
    }
}

/// The arguments of [`MicroKernel::tile`], in order.
type TileArgs<'a> = (
    usize,
    f32,
    &'a [f32],
    &'a [f32],
    usize,
    f32,
    *mut f32,
    usize,
    usize,
    usize,
);

/// An `R x (V * 16)` tile, `m <= R`, `n <= V * 16`; `MicroKernel::tile`'s
/// contract. Short tiles have few independent accumulator chains, so they keep
/// `U` sets of accumulators over interleaved depths (summed at the end) to
/// hide the FMA latency.
#[target_feature(enable = "avx512f")]
unsafe fn tile_avx512<const R: usize, const V: usize, const U: usize>(
    (k, alpha, a, b, ldb, beta, c, rsc, m, n): TileArgs<'_>,
) {
    debug_assert!(m <= R && n <= V * LANES);
    assert!(
        a.len() >= k * MR && (k == 0 || b.len() >= (k - 1) * ldb + V * LANES),
        "micropanels too short for depth {k}"
    );
    let mut sets = [[[_mm512_setzero_ps(); V]; R]; U];
    let (a, b) = (a.as_ptr(), b.as_ptr());
    // Adds depth `p`'s outer product into accumulator set `acc`.
    macro_rules! depth {
        ($acc:expr, $p:expr) => {{
            let p = $p;
            // SAFETY: checked above: for p < k, A~ holds a[p * MR + i] for i < R <= MR
            // and B~ holds b[p * ldb + h * LANES..][..LANES] for h < V.
            let (a_row, b_row) = unsafe { (a.add(p * MR), b.add(p * ldb)) };
            let bv: [__m512; V] = std::array::from_fn(|h| {
                // SAFETY: as above, load h < V reads LANES floats of this B~ row.
                unsafe { _mm512_loadu_ps(b_row.add(h * LANES)) }
            });
            for (i, acc) in $acc.iter_mut().enumerate() {
                // SAFETY: i < R <= MR, inside this depth's A~ values.
                let a = _mm512_set1_ps(unsafe { *a_row.add(i) });
                for (acc, &b) in acc.iter_mut().zip(&bv) {
                    *acc = _mm512_fmadd_ps(a, b, *acc);
                }
            }
        }};
    }
    let whole = k / U * U;
    for p0 in (0..whole).step_by(U) {
        for (u, acc) in sets.iter_mut().enumerate() {
            depth!(acc, p0 + u);
        }
    }
    let (first, rest) = sets.split_at_mut(1);
    let acc = &mut first[0];
    for p in whole..k {
        depth!(acc, p);
    }
    for set in rest.iter() {
        for (acc, set) in acc.iter_mut().zip(set) {
            for (acc, &s) in acc.iter_mut().zip(set) {
                *acc = _mm512_add_ps(*acc, s);
            }
        }
    }
    let alpha_v = _mm512_set1_ps(alpha);
    if m == R && n == V * LANES {
        let beta_v = _mm512_set1_ps(beta);
        for (i, acc) in acc.iter().enumerate() {
            for (h, &sum) in acc.iter().enumerate() {
                // SAFETY: a full tile: row i < R = m of C holds n = V * 16 contiguous
                // elements at c + i * rsc, so vector h is in bounds; C is read only
                // when beta != 0.
                unsafe {
                    let out = c.add(i * rsc + h * LANES);
                    let scaled = _mm512_mul_ps(alpha_v, sum);
                    let value = if beta == 0.0 {
                        scaled
                    } else {
                        _mm512_fmadd_ps(beta_v, _mm512_loadu_ps(out), scaled)
                    };
                    _mm512_storeu_ps(out, value);
                }
            }
        }
    } else {
        let mut spill = [0.0f32; MR * NR];
        for (i, acc) in acc.iter().enumerate() {
            for (h, &sum) in acc.iter().enumerate() {
                // SAFETY: row i < R <= MR of `spill` has NR >= V * 16 floats.
                unsafe { _mm512_storeu_ps(spill.as_mut_ptr().add(i * NR + h * LANES), sum) };
            }
        }
        // SAFETY: the caller's contract on `c`, `m` and `n` is write_back's.
        unsafe { write_back(&spill, NR, alpha, beta, c, rsc, m, n) }
    }
}

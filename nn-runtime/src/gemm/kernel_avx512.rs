//! The AVX-512 microkernel: an 8 x 32 tile in sixteen 512-bit accumulators
//! (two 16-lane vectors per row; with two vectors of B~ and a broadcast of A~
//! it uses 19 of the 32 vector registers).

use std::arch::x86_64::*;

use super::kernel::{MicroKernel, write_back};

/// 8 x 32 `f32` tiles with AVX-512F.
pub(super) struct Avx512;

const MR: usize = 8;
const NR: usize = 32;

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
        beta: f32,
        c: *mut f32,
        rsc: usize,
        m: usize,
        n: usize,
    ) {
        // SAFETY: the caller guarantees AVX-512F is present and the rest
        // of the contract, which `tile_avx512` shares.
        unsafe { tile_avx512(k, alpha, a, b, beta, c, rsc, m, n) }
    }
}

#[target_feature(enable = "avx512f")]
#[allow(clippy::too_many_arguments)]
unsafe fn tile_avx512(
    k: usize,
    alpha: f32,
    a: &[f32],
    b: &[f32],
    beta: f32,
    c: *mut f32,
    rsc: usize,
    m: usize,
    n: usize,
) {
    debug_assert!(a.len() >= k * MR && b.len() >= k * NR);
    let mut acc = [[_mm512_setzero_ps(); 2]; MR];
    for (a, b) in a.chunks_exact(MR).zip(b.chunks_exact(NR)).take(k) {
        // SAFETY: `b` is a chunk of exactly NR = 32 floats, so both 16-float loads are in bounds.
        let (b0, b1) = unsafe {
            (
                _mm512_loadu_ps(b.as_ptr()),
                _mm512_loadu_ps(b.as_ptr().add(16)),
            )
        };
        for (acc, &a) in acc.iter_mut().zip(a) {
            let a = _mm512_set1_ps(a);
            acc[0] = _mm512_fmadd_ps(a, b0, acc[0]);
            acc[1] = _mm512_fmadd_ps(a, b1, acc[1]);
        }
    }
    let alpha_v = _mm512_set1_ps(alpha);
    if m == MR && n == NR {
        let beta_v = _mm512_set1_ps(beta);
        for (i, acc) in acc.iter().enumerate() {
            for (half, &sum) in acc.iter().enumerate() {
                // SAFETY: a full tile: row i < MR of C holds NR = 32 contiguous
                // elements at c + i * rsc, so both halves are in bounds; C is read
                // only when beta != 0.
                unsafe {
                    let out = c.add(i * rsc + half * 16);
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
            // SAFETY: row i of `spill` holds NR = 32 floats.
            unsafe {
                _mm512_storeu_ps(spill.as_mut_ptr().add(i * NR), acc[0]);
                _mm512_storeu_ps(spill.as_mut_ptr().add(i * NR + 16), acc[1]);
            }
        }
        // SAFETY: the caller's contract on `c`, `m` and `n` is write_back's.
        unsafe { write_back(&spill, NR, alpha, beta, c, rsc, m, n) }
    }
}

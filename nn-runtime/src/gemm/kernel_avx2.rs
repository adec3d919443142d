//! The AVX2 + FMA microkernel: a 6 x 16 tile in twelve 256-bit accumulators
//! (the shape of BLIS's Haswell sgemm kernel, transposed for row-major C).

use std::arch::x86_64::*;

use super::kernel::{MicroKernel, write_back};

/// 6 x 16 `f32` tiles with AVX2 and FMA.
pub(super) struct Avx2Fma;

const MR: usize = 6;
const NR: usize = 16;

impl MicroKernel<f32> for Avx2Fma {
    const MR: usize = MR;
    const NR: usize = NR;
    const MC: usize = 96;
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
        // SAFETY: the caller guarantees AVX2 and FMA are present and the rest
        // of the contract, which `tile_avx2` shares.
        unsafe { tile_avx2(k, alpha, a, b, beta, c, rsc, m, n) }
    }
}

#[target_feature(enable = "avx2,fma")]
#[allow(clippy::too_many_arguments)]
unsafe fn tile_avx2(
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
    let mut acc = [[_mm256_setzero_ps(); 2]; MR];
    for (a, b) in a.chunks_exact(MR).zip(b.chunks_exact(NR)).take(k) {
        // SAFETY: `b` is a chunk of exactly NR = 16 floats, so both 8-float loads are in bounds.
        let (b0, b1) = unsafe {
            (
                _mm256_loadu_ps(b.as_ptr()),
                _mm256_loadu_ps(b.as_ptr().add(8)),
            )
        };
        for (acc, &a) in acc.iter_mut().zip(a) {
            let a = _mm256_set1_ps(a);
            acc[0] = _mm256_fmadd_ps(a, b0, acc[0]);
            acc[1] = _mm256_fmadd_ps(a, b1, acc[1]);
        }
    }
    let alpha_v = _mm256_set1_ps(alpha);
    if m == MR && n == NR {
        let beta_v = _mm256_set1_ps(beta);
        for (i, acc) in acc.iter().enumerate() {
            for (half, &sum) in acc.iter().enumerate() {
                // SAFETY: a full tile: row i < MR of C holds NR = 16 contiguous
                // elements at c + i * rsc, so both halves are in bounds; C is read
                // only when beta != 0.
                unsafe {
                    let out = c.add(i * rsc + half * 8);
                    let scaled = _mm256_mul_ps(alpha_v, sum);
                    let value = if beta == 0.0 {
                        scaled
                    } else {
                        _mm256_fmadd_ps(beta_v, _mm256_loadu_ps(out), scaled)
                    };
                    _mm256_storeu_ps(out, value);
                }
            }
        }
    } else {
        let mut spill = [0.0f32; MR * NR];
        for (i, acc) in acc.iter().enumerate() {
            // SAFETY: row i of `spill` holds NR = 16 floats.
            unsafe {
                _mm256_storeu_ps(spill.as_mut_ptr().add(i * NR), acc[0]);
                _mm256_storeu_ps(spill.as_mut_ptr().add(i * NR + 8), acc[1]);
            }
        }
        // SAFETY: the caller's contract on `c`, `m` and `n` is write_back's.
        unsafe { write_back(&spill, NR, alpha, beta, c, rsc, m, n) }
    }
}

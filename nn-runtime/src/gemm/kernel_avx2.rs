//! The AVX2 + FMA microkernel: up to a 6 x 16 tile in twelve 256-bit
//! accumulators (two 8-lane vectors per row, the shape of BLIS's Haswell sgemm
//! kernel transposed for row-major C; 15 of the 16 vector registers).

use std::arch::x86_64::*;

use super::kernel::MicroKernel;
use super::kernel_simd::{InPlaceArgs, TileArgs, simd_kernel};

simd_kernel! {
    /// 6 x 16 `f32` tiles with AVX2 and FMA.
    Avx2Fma, tile_avx2, row_avx2, feature = "avx2,fma", vector = __m256, lanes = 8, mr = 6, mc = 96,
    setzero = _mm256_setzero_ps, loadu = _mm256_loadu_ps, storeu = _mm256_storeu_ps,
    set1 = _mm256_set1_ps, fmadd = _mm256_fmadd_ps, mul = _mm256_mul_ps, add = _mm256_add_ps,
    load_first = load_first, store_first = store_first,
}

/// The first `count < 8` floats at `from`, zeros in the other lanes; the
/// masked-off lanes are never read, so they may lie past the end of memory.
///
/// # Safety
///
/// The CPU has AVX2, and `count` floats at `from` are readable.
#[target_feature(enable = "avx2,fma")]
#[inline]
unsafe fn load_first(from: *const f32, count: usize) -> __m256 {
    let lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    let mask = _mm256_cmpgt_epi32(_mm256_set1_epi32(count as i32), lane);
    // SAFETY: the caller guarantees the unmasked lanes are readable.
    unsafe { _mm256_maskload_ps(from, mask) }
}

/// Stores the first `count < 8` lanes of `value` at `to`; the memory of the
/// other lanes is not touched.
///
/// # Safety
///
/// The CPU has AVX2, and `count` floats at `to` are writable.
#[target_feature(enable = "avx2,fma")]
#[inline]
unsafe fn store_first(to: *mut f32, count: usize, value: __m256) {
    let lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    let mask = _mm256_cmpgt_epi32(_mm256_set1_epi32(count as i32), lane);
    // SAFETY: the caller guarantees the unmasked lanes are writable.
    unsafe { _mm256_maskstore_ps(to, mask, value) }
}

//! The AVX-512 microkernel: up to a 12 x 32 tile in twenty-four 512-bit
//! accumulators (two 16-lane vectors per row; with two vectors of `B~` and a
//! broadcast of `A~` it uses 27 of the 32 vector registers).

use std::arch::x86_64::*;

use super::kernel::MicroKernel;
use super::kernel_simd::{InPlaceArgs, TileArgs, simd_kernel};

simd_kernel! {
    /// 12 x 32 `f32` tiles with AVX-512F.
    Avx512, tile_avx512, row_avx512, feature = "avx512f", vector = __m512, lanes = 16, mr = 12, mc = 144,
    setzero = _mm512_setzero_ps, loadu = _mm512_loadu_ps, storeu = _mm512_storeu_ps,
    set1 = _mm512_set1_ps, fmadd = _mm512_fmadd_ps, mul = _mm512_mul_ps, add = _mm512_add_ps,
    load_first = load_first, store_first = store_first,
}

/// The first `count < 16` floats at `from`, zeros in the other lanes; the
/// masked-off lanes are never read, so they may lie past the end of memory.
///
/// # Safety
///
/// The CPU has AVX-512F, and `count` floats at `from` are readable.
#[target_feature(enable = "avx512f")]
#[inline]
unsafe fn load_first(from: *const f32, count: usize) -> __m512 {
    let mask = ((1u32 << count) - 1) as __mmask16;
    // SAFETY: the caller guarantees the unmasked lanes are readable.
    unsafe { _mm512_maskz_loadu_ps(mask, from) }
}

/// Stores the first `count < 16` lanes of `value` at `to`; the memory of the
/// other lanes is not touched.
///
/// # Safety
///
/// The CPU has AVX-512F, and `count` floats at `to` are writable.
#[target_feature(enable = "avx512f")]
#[inline]
unsafe fn store_first(to: *mut f32, count: usize, value: __m512) {
    let mask = ((1u32 << count) - 1) as __mmask16;
    // SAFETY: the caller guarantees the unmasked lanes are writable.
    unsafe { _mm512_mask_storeu_ps(to, mask, value) }
}

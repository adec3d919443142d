//! The AVX2 + FMA microkernel: up to a 6 x 16 tile in twelve 256-bit
//! accumulators (two 8-lane vectors per row, the shape of BLIS's Haswell sgemm
//! kernel transposed for row-major C; 15 of the 16 vector registers).

use std::arch::x86_64::*;

use super::kernel::{MicroKernel, write_back};
use super::kernel_simd::{TileArgs, simd_kernel};

simd_kernel! {
    /// 6 x 16 `f32` tiles with AVX2 and FMA.
    Avx2Fma, tile_avx2, row_avx2, feature = "avx2,fma", vector = __m256, lanes = 8, mr = 6, mc = 96,
    setzero = _mm256_setzero_ps, loadu = _mm256_loadu_ps, storeu = _mm256_storeu_ps,
    set1 = _mm256_set1_ps, fmadd = _mm256_fmadd_ps, mul = _mm256_mul_ps, add = _mm256_add_ps,
}

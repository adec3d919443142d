//! The AVX-512 microkernel: up to an 8 x 32 tile in sixteen 512-bit
//! accumulators (two 16-lane vectors per row; with two vectors of `B~` and a
//! broadcast of `A~` it uses 19 of the 32 vector registers).

use std::arch::x86_64::*;

use super::kernel::{MicroKernel, write_back};
use super::kernel_simd::{TileArgs, simd_kernel};

simd_kernel! {
    /// 8 x 32 `f32` tiles with AVX-512F.
    Avx512, tile_avx512, row_avx512, feature = "avx512f", vector = __m512, lanes = 16, mr = 8, mc = 128,
    setzero = _mm512_setzero_ps, loadu = _mm512_loadu_ps, storeu = _mm512_storeu_ps,
    set1 = _mm512_set1_ps, fmadd = _mm512_fmadd_ps, mul = _mm512_mul_ps, add = _mm512_add_ps,
}

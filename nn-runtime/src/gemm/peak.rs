//! A burst of independent fused multiply-adds, to measure this CPU's `f32`
//! peak: the yardstick GEMM throughput is quoted against.
//!
//! Each burst keeps more accumulators in flight than the FMA latency times
//! the number of FMA units needs, but no more than the vector registers hold
//! (24 of AVX-512's 32; 12 of AVX2's 16, as 24 spilled to the stack and
//! measured a fifth below the products it is meant to bound), so it runs at
//! the FMA ports' full throughput and nothing else.

use super::{Isa, isa};

/// Independent accumulator chains per burst with 32 vector registers (AVX-512,
/// and the portable loop).
const CHAINS: usize = 24;
/// Independent accumulator chains per AVX2 burst: 16 registers in all.
const CHAINS_AVX2: usize = 12;

/// Floating-point operations one call of [`fma_burst`] performs (2 per lane per FMA).
///
/// # Examples
///
/// ```
/// use nn_runtime::gemm::{fma_burst_flops, isa};
/// assert!(fma_burst_flops(isa(), 1000) >= 2 * 24 * 1000);
/// ```
pub fn fma_burst_flops(isa: Isa, iterations: usize) -> usize {
    let (chains, lanes) = match isa {
        Isa::Avx512 => (CHAINS, 16),
        Isa::Avx2Fma => (CHAINS_AVX2, 8),
        Isa::Fallback => (CHAINS, 1),
    };
    2 * chains * lanes * iterations
}

/// Runs `iterations` rounds of 24 (AVX2: 12) independent vector FMAs on the
/// kernel family [`isa()`] chose and returns a value depending on all of them
/// (so the work cannot be optimised away).
///
/// # Examples
///
/// ```
/// let value = nn_runtime::gemm::fma_burst(10);
/// assert!(value.is_finite());
/// ```
pub fn fma_burst(iterations: usize) -> f32 {
    match isa() {
        #[cfg(target_arch = "x86_64")]
        // SAFETY: `isa()` returns `Avx512` only after detecting AVX-512F.
        Isa::Avx512 => unsafe { burst_avx512(iterations) },
        #[cfg(target_arch = "x86_64")]
        // SAFETY: `isa()` returns `Avx2Fma` only after detecting AVX2 and FMA.
        Isa::Avx2Fma => unsafe { burst_avx2(iterations) },
        _ => burst_portable(iterations),
    }
}

fn burst_portable(iterations: usize) -> f32 {
    let mut acc = [0.0f32; CHAINS];
    let (x, y) = (
        std::hint::black_box(0.999_f32),
        std::hint::black_box(1e-3_f32),
    );
    for _ in 0..iterations {
        for a in &mut acc {
            *a = a.mul_add(x, y);
        }
    }
    acc.iter().sum()
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
fn burst_avx512(iterations: usize) -> f32 {
    use std::arch::x86_64::*;
    let x = _mm512_set1_ps(std::hint::black_box(0.999));
    let y = _mm512_set1_ps(std::hint::black_box(1e-3));
    let mut acc = [_mm512_setzero_ps(); CHAINS];
    for _ in 0..iterations {
        for a in &mut acc {
            *a = _mm512_fmadd_ps(*a, x, y);
        }
    }
    let sum = acc
        .iter()
        .fold(_mm512_setzero_ps(), |s, &a| _mm512_add_ps(s, a));
    _mm512_reduce_add_ps(sum)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
fn burst_avx2(iterations: usize) -> f32 {
    use std::arch::x86_64::*;
    let x = _mm256_set1_ps(std::hint::black_box(0.999));
    let y = _mm256_set1_ps(std::hint::black_box(1e-3));
    let mut acc = [_mm256_setzero_ps(); CHAINS_AVX2];
    for _ in 0..iterations {
        for a in &mut acc {
            *a = _mm256_fmadd_ps(*a, x, y);
        }
    }
    let sum = acc
        .iter()
        .fold(_mm256_setzero_ps(), |s, &a| _mm256_add_ps(s, a));
    let mut lanes = [0.0f32; 8];
    // SAFETY: `lanes` holds exactly 8 floats, one 256-bit store.
    unsafe { _mm256_storeu_ps(lanes.as_mut_ptr(), sum) };
    lanes.iter().sum()
}

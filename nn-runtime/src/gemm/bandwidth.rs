//! A plain sequential read of a buffer with the widest vector loads this CPU
//! has: the yardstick for products that are bound by reading memory, such as
//! the batch-1 row product, which streams a whole weight matrix from cache
//! for two flops per value.

use super::{Isa, isa};

/// Independent vector sums per read, enough to keep the loads, not the adds,
/// the limit.
const CHAINS: usize = 8;

/// Reads every value of `values` once, front to back, with the kernel family
/// [`isa()`] chose, and returns their sum (so the reads cannot be optimised
/// away). Timing it over a buffer the size of a weight matrix gives the
/// fastest any product could stream that matrix.
///
/// # Examples
///
/// ```
/// let values = vec![0.5f32; 1000];
/// assert_eq!(nn_runtime::gemm::read_burst(&values), 500.0);
/// ```
pub fn read_burst(values: &[f32]) -> f32 {
    match isa() {
        #[cfg(target_arch = "x86_64")]
        // SAFETY: `isa()` returns `Avx512` only after detecting AVX-512F.
        Isa::Avx512 => unsafe { read_avx512(values) },
        #[cfg(target_arch = "x86_64")]
        // SAFETY: `isa()` returns `Avx2Fma` only after detecting AVX2 and FMA.
        Isa::Avx2Fma => unsafe { read_avx2(values) },
        _ => read_portable(values),
    }
}

fn read_portable(values: &[f32]) -> f32 {
    let mut sums = [0.0f32; CHAINS];
    let chunks = values.chunks_exact(CHAINS);
    let tail: f32 = chunks.remainder().iter().sum();
    for chunk in chunks {
        for (sum, &v) in sums.iter_mut().zip(chunk) {
            *sum += v;
        }
    }
    sums.iter().sum::<f32>() + tail
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
fn read_avx512(values: &[f32]) -> f32 {
    use std::arch::x86_64::*;
    const LANES: usize = 16;
    let mut sums = [_mm512_setzero_ps(); CHAINS];
    let blocks = values.chunks_exact(CHAINS * LANES);
    let tail: f32 = blocks.remainder().iter().sum();
    for block in blocks {
        for (h, sum) in sums.iter_mut().enumerate() {
            // SAFETY: the block holds CHAINS * LANES floats, so vector h < CHAINS
            // of LANES floats lies inside it.
            let v = unsafe { _mm512_loadu_ps(block.as_ptr().add(h * LANES)) };
            *sum = _mm512_add_ps(*sum, v);
        }
    }
    let sum = sums
        .iter()
        .fold(_mm512_setzero_ps(), |s, &v| _mm512_add_ps(s, v));
    _mm512_reduce_add_ps(sum) + tail
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
fn read_avx2(values: &[f32]) -> f32 {
    use std::arch::x86_64::*;
    const LANES: usize = 8;
    let mut sums = [_mm256_setzero_ps(); CHAINS];
    let blocks = values.chunks_exact(CHAINS * LANES);
    let tail: f32 = blocks.remainder().iter().sum();
    for block in blocks {
        for (h, sum) in sums.iter_mut().enumerate() {
            // SAFETY: the block holds CHAINS * LANES floats, so vector h < CHAINS
            // of LANES floats lies inside it.
            let v = unsafe { _mm256_loadu_ps(block.as_ptr().add(h * LANES)) };
            *sum = _mm256_add_ps(*sum, v);
        }
    }
    let sum = sums
        .iter()
        .fold(_mm256_setzero_ps(), |s, &v| _mm256_add_ps(s, v));
    let mut lanes = [0.0f32; LANES];
    // SAFETY: `lanes` holds exactly 8 floats, one 256-bit store.
    unsafe { _mm256_storeu_ps(lanes.as_mut_ptr(), sum) };
    lanes.iter().sum::<f32>() + tail
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kernel_family_sums_every_value_once() {
        // Small integers: every partial sum is exact, whatever the order.
        for len in [0, 1, 7, 127, 128, 129, 1000, 4099] {
            let values: Vec<f32> = (0..len).map(|i| (i % 5) as f32).collect();
            let want: f32 = values.iter().sum();
            assert_eq!(read_portable(&values), want, "portable, {len}");
            assert_eq!(read_burst(&values), want, "{:?}, {len}", isa());
        }
    }
}

//! Flushing subnormal floats to zero while training.
//!
//! Training drives many values (Adam's moments, gradients of weights fed by
//! always-blank pixels) through the subnormal range, where x86 arithmetic is
//! much slower (microcode assists). With FTZ/DAZ set, such values count as zero:
//! on the MNIST MLP (`examples/mnist --threads 1`, when this was introduced)
//! an epoch went from 0.73-1.16 s to 0.45 s on one core, with
//! the same losses to four digits. TensorFlow trains this way by default;
//! PyTorch offers it as `torch.set_flush_denormal(True)`.
//!
//! The mode lives in each thread's MXCSR register, so it is set by a guard on
//! the thread that trains and restored when the guard drops.
#![allow(unsafe_code)]

use std::marker::PhantomData;

/// MXCSR bit 15 (flush results to zero) and bit 6 (treat inputs as zero).
#[cfg(target_arch = "x86_64")]
const FTZ_DAZ: u32 = (1 << 15) | (1 << 6);

/// While alive, the current thread's `f32`/`f64` arithmetic flushes subnormals to zero.
///
/// A no-op on targets other than x86-64. Not `Send`: the mode belongs to the
/// thread that set it.
///
/// # Examples
///
/// ```
/// use nn_runtime::gemm::FlushDenormals;
/// let tiny = std::hint::black_box(1e-40f32); // subnormal
/// {
///     let _flush = FlushDenormals::enable();
///     # #[cfg(target_arch = "x86_64")]
///     assert_eq!(std::hint::black_box(tiny) * 1.0, 0.0);
/// }
/// assert_eq!(std::hint::black_box(tiny) * 1.0, 1e-40);
/// ```
#[derive(Debug)]
pub struct FlushDenormals {
    #[cfg(target_arch = "x86_64")]
    previous: u32,
    not_send: PhantomData<*const ()>,
}

impl FlushDenormals {
    /// Turns flushing on for this thread until the guard drops.
    pub fn enable() -> Self {
        #[cfg(target_arch = "x86_64")]
        {
            let previous = read_mxcsr();
            write_mxcsr(previous | FTZ_DAZ);
            Self {
                previous,
                not_send: PhantomData,
            }
        }
        #[cfg(not(target_arch = "x86_64"))]
        Self {
            not_send: PhantomData,
        }
    }

    /// Whether flushing is on for this thread (always `false` off x86-64).
    pub fn is_enabled() -> bool {
        #[cfg(target_arch = "x86_64")]
        {
            read_mxcsr() & FTZ_DAZ == FTZ_DAZ
        }
        #[cfg(not(target_arch = "x86_64"))]
        false
    }
}

impl Drop for FlushDenormals {
    fn drop(&mut self) {
        #[cfg(target_arch = "x86_64")]
        write_mxcsr(self.previous);
    }
}

#[cfg(target_arch = "x86_64")]
#[allow(deprecated)] // the intrinsics are deprecated in favour of inline asm, which is no safer
fn read_mxcsr() -> u32 {
    // SAFETY: SSE is part of the x86-64 baseline; reading MXCSR has no other effect.
    unsafe { std::arch::x86_64::_mm_getcsr() }
}

#[cfg(target_arch = "x86_64")]
#[allow(deprecated)]
fn write_mxcsr(value: u32) {
    // SAFETY: SSE is part of the x86-64 baseline. Callers only toggle the FTZ/DAZ
    // bits of a value just read or restore a value read earlier, so rounding mode
    // and exception masks stay as the program set them.
    unsafe { std::arch::x86_64::_mm_setcsr(value) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guard_sets_and_restores_the_mode() {
        let before = FlushDenormals::is_enabled();
        {
            let _outer = FlushDenormals::enable();
            assert_eq!(FlushDenormals::is_enabled(), cfg!(target_arch = "x86_64"));
        }
        assert_eq!(FlushDenormals::is_enabled(), before);
    }
}

//! General matrix multiply, `C = alpha * A * B + beta * C`, on strided views.
//!
//! This is the one entry point every layer multiplies through. Operands are
//! [`MatRef`] views (any row and column stride, so a transpose is a view, never
//! a copy) and the output is a row-major [`MatMut`].
//!
//! The arithmetic is BLIS-style: blocks of `A` and `B` are packed into
//! micropanels (`pack`), and a register-blocked microkernel computes one
//! `MR x NR` tile of `C` at a time (`driver` holds the five loops). One kernel
//! per instruction set, chosen once at run time ([`isa`], overridable with
//! `NN_GEMM_ISA` for tests):
//!
//! | kernel | tile MR x NR | MC / KC / NC |
//! | --- | --- | --- |
//! | AVX-512F | 12 x 32 | 144 / 512 / 1024 |
//! | AVX2 + FMA | 6 x 16 | 96 / 512 / 1024 |
//! | portable (and all `f64`) | 4 x 8 | 64 / 256 / 1024 |
//!
//! The tiles keep every accumulator in registers (24 of 32 zmm, 12 of 16
//! ymm). As in BLIS's Skylake-X configuration (whose column-major tiles are
//! ours transposed), one `A~` micropanel (12 x 512 floats, 24 KiB) stays in
//! L1 while the `B~` micropanels stream past it, prefetched eight rows ahead;
//! depth blocks are split evenly (784 deep runs as 2 x 392, not 512 + 272).
//! The block sizes were chosen by measurement on a Zen 4 core (32 KiB L1,
//! 1 MiB L2), not derived from cache sizes: with a `B~` block of 2 MiB the
//! hardware prefetcher still keeps the stream fed from L3, and the deeper
//! blocks halve the passes over `C`. Square 1024 went from 84% to 89% of the
//! measured FMA peak with KC 256 -> 512.
//!
//! `A` and `B` are read in place, not packed, when packing would cost more
//! than it saves: `A` (any layout) when `C` is at most four tiles wide, so
//! each of its values meets at most four tiles; a row-major `B` when `A` has
//! at most 16 micropanels of rows. Every product of the MNIST MLP's training
//! step is one of these: the 32 x 784 x 128 forward product went from 80% to
//! 95% of peak.
//!
//! Products of at least [`PARALLEL_MIN_FLOPS`] split their row blocks over the
//! current rayon pool. A single row of `A` times a row-major `B` (batch-1
//! inference) skips packing altogether, and [`gemm_fused`] applies a bias and
//! an element-wise activation ([`Epilogue`]) to each tile as it is written.
//!
//! BLAS semantics: with `beta == 0` the old contents of `C` are never read (a
//! `C` full of NaN does not leak), `k == 0` gives `C = beta * C`, and an empty
//! `C` is left untouched.
#![allow(unsafe_code)]

mod bandwidth;
mod denormals;
mod dispatch;
mod driver;
mod epilogue;
mod kernel;
#[cfg(target_arch = "x86_64")]
mod kernel_avx2;
#[cfg(target_arch = "x86_64")]
mod kernel_avx512;
mod kernel_fallback;
#[cfg(target_arch = "x86_64")]
mod kernel_simd;
mod pack;
mod peak;
mod view;

pub use bandwidth::read_burst;
pub use denormals::FlushDenormals;
pub use dispatch::{Isa, isa};
pub use epilogue::Epilogue;
pub use peak::{fma_burst, fma_burst_flops};
pub use view::{MatMut, MatRef};

/// Products below this many floating-point operations (`2 * m * k * n`) run on
/// the calling thread; above it, row blocks of `C` go to the rayon pool (with
/// `B~` packed once and shared). Measured on the MNIST MLP with 2 threads
/// against 1 (whole `examples/bench` runs): at 4 MFLOP the batch-32
/// weight-gradient product (6.4 MFLOP) split and the run was 8% slower; at
/// 16 MFLOP only batch-128 products split and 2 threads were about 1% faster.
pub const PARALLEL_MIN_FLOPS: usize = 1 << 24;

/// Scalars with GEMM kernels: `f32` (a microkernel per ISA) and `f64` (the
/// portable kernel, for gradient checks).
pub trait GemmScalar: num_traits::Float + Send + Sync + 'static {
    /// For a single row of `A` and a row-major `B`: runs the packing-free row
    /// product and returns `true`, or returns `false` when there is none for
    /// this scalar and `isa` (only the `f32` SIMD kernels have one).
    #[doc(hidden)]
    fn run_row(
        _isa: Isa,
        _alpha: Self,
        _a: MatRef<'_, Self>,
        _b: MatRef<'_, Self>,
        _beta: Self,
        _c: MatMut<'_, Self>,
    ) -> bool {
        false
    }

    /// Runs `C = alpha * A * B + beta * C` with `isa`'s kernel (`f64` always
    /// uses the portable one); shapes already checked, `m, n, k > 0`.
    #[doc(hidden)]
    #[allow(clippy::too_many_arguments)]
    fn run_kernel(
        isa: Isa,
        alpha: Self,
        a: MatRef<'_, Self>,
        b: MatRef<'_, Self>,
        beta: Self,
        c: MatMut<'_, Self>,
        parallel: bool,
        epilogue: Epilogue<'_, Self>,
    );
}

#[allow(clippy::too_many_arguments)]
impl GemmScalar for f32 {
    fn run_row(
        isa: Isa,
        alpha: f32,
        a: MatRef<'_, f32>,
        b: MatRef<'_, f32>,
        beta: f32,
        c: MatMut<'_, f32>,
    ) -> bool {
        let (k, n) = (a.cols, b.cols);
        let c = &mut c.data[..n];
        match isa {
            #[cfg(target_arch = "x86_64")]
            // SAFETY: `Isa::Avx512` is only produced after detecting AVX-512F.
            Isa::Avx512 => unsafe {
                kernel_avx512::row_avx512(
                    k,
                    alpha,
                    a.data,
                    a.col_stride,
                    b.data,
                    b.row_stride,
                    beta,
                    c,
                )
            },
            #[cfg(target_arch = "x86_64")]
            // SAFETY: `Isa::Avx2Fma` is only produced after detecting AVX2 and FMA.
            Isa::Avx2Fma => unsafe {
                kernel_avx2::row_avx2(
                    k,
                    alpha,
                    a.data,
                    a.col_stride,
                    b.data,
                    b.row_stride,
                    beta,
                    c,
                )
            },
            _ => return false,
        }
        true
    }

    fn run_kernel(
        isa: Isa,
        alpha: f32,
        a: MatRef<'_, f32>,
        b: MatRef<'_, f32>,
        beta: f32,
        c: MatMut<'_, f32>,
        parallel: bool,
        epilogue: Epilogue<'_, f32>,
    ) {
        match isa {
            // SAFETY: `Isa::Avx512` is only produced after detecting AVX-512F on this CPU.
            #[cfg(target_arch = "x86_64")]
            Isa::Avx512 => unsafe {
                driver::run::<f32, kernel_avx512::Avx512>(alpha, a, b, beta, c, parallel, epilogue)
            },
            // SAFETY: `Isa::Avx2Fma` is only produced after detecting AVX2 and FMA.
            #[cfg(target_arch = "x86_64")]
            Isa::Avx2Fma => unsafe {
                driver::run::<f32, kernel_avx2::Avx2Fma>(alpha, a, b, beta, c, parallel, epilogue)
            },
            // SAFETY: the portable kernel needs no CPU feature.
            _ => unsafe {
                driver::run::<f32, kernel_fallback::Fallback>(
                    alpha, a, b, beta, c, parallel, epilogue,
                )
            },
        }
    }
}

#[allow(clippy::too_many_arguments)]
impl GemmScalar for f64 {
    fn run_kernel(
        _isa: Isa,
        alpha: f64,
        a: MatRef<'_, f64>,
        b: MatRef<'_, f64>,
        beta: f64,
        c: MatMut<'_, f64>,
        parallel: bool,
        epilogue: Epilogue<'_, f64>,
    ) {
        // SAFETY: the portable kernel needs no CPU feature.
        unsafe {
            driver::run::<f64, kernel_fallback::Fallback>(alpha, a, b, beta, c, parallel, epilogue)
        }
    }
}

/// `C = alpha * A * B + beta * C`.
///
/// # Panics
///
/// When the shapes disagree (`A` is `m x k`, `B` is `k x n`, `C` is `m x n`).
///
/// # Examples
///
/// ```
/// use nn_runtime::gemm::{gemm, MatMut, MatRef};
/// let a = [1.0f32, 2.0, 3.0, 4.0]; // [[1, 2], [3, 4]]
/// let b = [1.0f32, 0.0, 0.0, 1.0]; // identity
/// let mut c = [f32::NAN; 4];       // beta = 0: never read
/// gemm(1.0, MatRef::row_major(&a, 2, 2).t(), MatRef::row_major(&b, 2, 2), 0.0,
///      MatMut::row_major(&mut c, 2, 2));
/// assert_eq!(c, [1.0, 3.0, 2.0, 4.0]);
/// ```
#[track_caller]
pub fn gemm<E: GemmScalar>(
    alpha: E,
    a: MatRef<'_, E>,
    b: MatRef<'_, E>,
    beta: E,
    c: MatMut<'_, E>,
) {
    gemm_on(
        isa(),
        PARALLEL_MIN_FLOPS,
        alpha,
        a,
        b,
        beta,
        c,
        Epilogue::NONE,
    );
}

/// [`gemm`], then `C = map(C + bias)` applied to each tile as it is written
/// (see [`Epilogue`]).
///
/// # Panics
///
/// When the shapes disagree, or the bias is not one value per column of `C`.
///
/// # Examples
///
/// See [`Epilogue`].
#[track_caller]
pub fn gemm_fused<E: GemmScalar>(
    alpha: E,
    a: MatRef<'_, E>,
    b: MatRef<'_, E>,
    beta: E,
    c: MatMut<'_, E>,
    epilogue: Epilogue<'_, E>,
) {
    if let Some(bias) = epilogue.bias {
        assert_eq!(
            bias.len(),
            c.cols,
            "the bias needs one value per column of C"
        );
    }
    gemm_on(isa(), PARALLEL_MIN_FLOPS, alpha, a, b, beta, c, epilogue);
}

/// [`gemm_fused`] with a given kernel family, splitting over the rayon pool
/// from `min_flops` operations up.
#[track_caller]
#[allow(clippy::too_many_arguments)]
pub(crate) fn gemm_on<E: GemmScalar>(
    isa: Isa,
    min_flops: usize,
    alpha: E,
    a: MatRef<'_, E>,
    b: MatRef<'_, E>,
    beta: E,
    mut c: MatMut<'_, E>,
    epilogue: Epilogue<'_, E>,
) {
    assert!(
        a.cols == b.rows && a.rows == c.rows && b.cols == c.cols,
        "gemm shapes do not chain: A is {}x{}, B is {}x{}, C is {}x{}",
        a.rows,
        a.cols,
        b.rows,
        b.cols,
        c.rows,
        c.cols
    );
    let (m, k, n) = (a.rows, a.cols, b.cols);
    if m == 0 || n == 0 {
        return;
    }
    if k == 0 {
        scale(beta, c.reborrow());
        epilogue.apply(c.data, m, n, c.row_stride, 0);
        return;
    }
    if m == 1 && b.col_stride == 1 {
        // A copy of B into packed panels would cost more than the product.
        if E::run_row(isa, alpha, a, b, beta, c.reborrow()) {
            epilogue.apply(c.data, 1, n, c.row_stride, 0);
            return;
        }
    }
    let parallel = rayon::current_num_threads() > 1 && 2 * m * k * n >= min_flops;
    E::run_kernel(isa, alpha, a, b, beta, c, parallel, epilogue);
}

/// `C = beta * C`, writing zeros without reading when `beta == 0`.
fn scale<E: GemmScalar>(beta: E, c: MatMut<'_, E>) {
    for row in c.data.chunks_mut(c.row_stride).take(c.rows) {
        for value in &mut row[..c.cols] {
            *value = if beta.is_zero() {
                E::zero()
            } else {
                beta * *value
            };
        }
    }
}

#[cfg(test)]
mod tests;

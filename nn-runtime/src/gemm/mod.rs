//! General matrix multiply, `C = alpha * A * B + beta * C`, on strided views.
//!
//! This is the one entry point every layer multiplies through. Operands are
//! [`MatRef`] views (any row and column stride, so a transpose is a view, never
//! a copy) and the output is a row-major [`MatMut`]. The arithmetic runs on
//! `matrixmultiply`'s packed, blocked kernels; large products are split by
//! rows of `C` over the current rayon pool (see [`PARALLEL_MIN_FLOPS`]).
//!
//! BLAS semantics: with `beta == 0` the old contents of `C` are never read (a
//! `C` full of NaN does not leak), `k == 0` gives `C = beta * C`, and an empty
//! `C` is left untouched.
#![allow(unsafe_code)]

mod denormals;

pub use denormals::FlushDenormals;
use rayon::prelude::*;

/// Products below this many floating-point operations (`2 * m * k * n`) run on
/// the calling thread. Splitting by rows makes every task pack all of `B`, so
/// on the MNIST MLP's products (batch 32 and 128, 784 x 128) two threads were
/// measured slower than one (1.4 s against 0.76 s per epoch at batch 32); only
/// products well above those sizes gain.
pub const PARALLEL_MIN_FLOPS: usize = 1 << 26;

/// A read-only strided matrix view.
///
/// Element `(i, j)` is `data[i * row_stride + j * col_stride]`.
///
/// # Examples
///
/// ```
/// use nn_runtime::gemm::MatRef;
/// let data = [1.0f32, 2.0, 3.0, 4.0, 5.0, 6.0];
/// let a = MatRef::row_major(&data, 2, 3);
/// assert_eq!(a.get(1, 2), 6.0);
/// assert_eq!(a.t().get(2, 1), 6.0);
/// ```
#[derive(Clone, Copy, Debug)]
pub struct MatRef<'a, E> {
    data: &'a [E],
    rows: usize,
    cols: usize,
    row_stride: usize,
    col_stride: usize,
}

impl<'a, E: Copy> MatRef<'a, E> {
    /// A view with explicit strides.
    ///
    /// # Panics
    ///
    /// When `data` is too short to hold every element the strides address.
    #[track_caller]
    pub fn new(
        data: &'a [E],
        rows: usize,
        cols: usize,
        row_stride: usize,
        col_stride: usize,
    ) -> Self {
        let needed = span_len(rows, cols, row_stride, col_stride);
        assert!(
            data.len() >= needed,
            "MatRef {rows}x{cols} with strides ({row_stride}, {col_stride}) needs {needed} elements, \
             the slice has {}",
            data.len()
        );
        Self {
            data,
            rows,
            cols,
            row_stride,
            col_stride,
        }
    }

    /// A dense row-major `rows x cols` view.
    #[track_caller]
    pub fn row_major(data: &'a [E], rows: usize, cols: usize) -> Self {
        Self::new(data, rows, cols, cols, 1)
    }

    /// The transpose, as a view of the same memory.
    pub fn t(self) -> Self {
        Self {
            rows: self.cols,
            cols: self.rows,
            row_stride: self.col_stride,
            col_stride: self.row_stride,
            ..self
        }
    }

    /// Element `(i, j)`.
    #[track_caller]
    pub fn get(&self, i: usize, j: usize) -> E {
        assert!(
            i < self.rows && j < self.cols,
            "({i}, {j}) is outside {}x{}",
            self.rows,
            self.cols
        );
        self.data[i * self.row_stride + j * self.col_stride]
    }

    /// Rows `start..start + count`, as a view.
    fn rows_from(self, start: usize, count: usize) -> Self {
        let offset = if count == 0 {
            0
        } else {
            start * self.row_stride
        };
        Self {
            data: &self.data[offset.min(self.data.len())..],
            rows: count,
            ..self
        }
    }
}

/// A mutable row-major matrix view whose rows are `row_stride >= cols` apart.
///
/// # Examples
///
/// ```
/// use nn_runtime::gemm::MatMut;
/// let mut data = [0.0f32; 6];
/// let c = MatMut::row_major(&mut data, 2, 3);
/// assert_eq!((c.rows(), c.cols()), (2, 3));
/// ```
#[derive(Debug)]
pub struct MatMut<'a, E> {
    data: &'a mut [E],
    rows: usize,
    cols: usize,
    row_stride: usize,
}

impl<'a, E> MatMut<'a, E> {
    /// A view with rows `row_stride` elements apart.
    ///
    /// # Panics
    ///
    /// When `row_stride < cols` or `data` is too short.
    #[track_caller]
    pub fn new(data: &'a mut [E], rows: usize, cols: usize, row_stride: usize) -> Self {
        assert!(
            row_stride >= cols,
            "MatMut row stride {row_stride} is below its {cols} columns"
        );
        let needed = span_len(rows, cols, row_stride, 1);
        assert!(
            data.len() >= needed,
            "MatMut {rows}x{cols} with row stride {row_stride} needs {needed} elements, the slice has {}",
            data.len()
        );
        Self {
            data,
            rows,
            cols,
            row_stride,
        }
    }

    /// A dense row-major `rows x cols` view.
    #[track_caller]
    pub fn row_major(data: &'a mut [E], rows: usize, cols: usize) -> Self {
        Self::new(data, rows, cols, cols)
    }

    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Number of columns.
    pub fn cols(&self) -> usize {
        self.cols
    }
}

/// Elements a strided view spans, from its first to its last element.
fn span_len(rows: usize, cols: usize, row_stride: usize, col_stride: usize) -> usize {
    if rows == 0 || cols == 0 {
        0
    } else {
        (rows - 1) * row_stride + (cols - 1) * col_stride + 1
    }
}

/// Scalars with a GEMM kernel: `f32` and `f64`.
pub trait GemmScalar: Copy + Send + Sync {
    /// Runs the kernel on one problem, serially.
    ///
    /// # Safety
    ///
    /// `a`, `b` and `c` must be valid for every element their dimensions and
    /// strides address (`c` for writes too), and `c` must not alias `a` or `b`.
    /// When `beta` is zero `c` may hold any bit pattern: it is only written.
    #[allow(clippy::too_many_arguments)]
    unsafe fn kernel(
        m: usize,
        k: usize,
        n: usize,
        alpha: Self,
        a: *const Self,
        a_strides: (isize, isize),
        b: *const Self,
        b_strides: (isize, isize),
        beta: Self,
        c: *mut Self,
        rsc: isize,
    );
}

macro_rules! gemm_scalar {
    ($ty:ty, $kernel:path) => {
        impl GemmScalar for $ty {
            unsafe fn kernel(
                m: usize,
                k: usize,
                n: usize,
                alpha: Self,
                a: *const Self,
                (rsa, csa): (isize, isize),
                b: *const Self,
                (rsb, csb): (isize, isize),
                beta: Self,
                c: *mut Self,
                rsc: isize,
            ) {
                // SAFETY: the caller guarantees every pointer is valid for the
                // elements its dimensions and strides address, and that `c` does
                // not alias the inputs; matrixmultiply does not read C when beta == 0.
                unsafe { $kernel(m, k, n, alpha, a, rsa, csa, b, rsb, csb, beta, c, rsc, 1) }
            }
        }
    };
}

gemm_scalar!(f32, matrixmultiply::sgemm);
gemm_scalar!(f64, matrixmultiply::dgemm);

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
pub fn gemm<E: GemmScalar + num_traits::Zero + std::ops::MulAssign>(
    alpha: E,
    a: MatRef<'_, E>,
    b: MatRef<'_, E>,
    beta: E,
    c: MatMut<'_, E>,
) {
    gemm_split(alpha, a, b, beta, c, PARALLEL_MIN_FLOPS);
}

/// [`gemm`], splitting over the rayon pool from `min_flops` operations up.
#[track_caller]
fn gemm_split<E: GemmScalar + num_traits::Zero + std::ops::MulAssign>(
    alpha: E,
    a: MatRef<'_, E>,
    b: MatRef<'_, E>,
    beta: E,
    c: MatMut<'_, E>,
    min_flops: usize,
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
    let threads = rayon::current_num_threads();
    let flops = 2 * m * k * n;
    if threads < 2 || flops < min_flops || m < 2 {
        serial(alpha, a, b, beta, c);
        return;
    }
    let rows_per_task = m.div_ceil(threads);
    let chunk_len = rows_per_task * c.row_stride;
    let (cols, row_stride) = (c.cols, c.row_stride);
    let flush = FlushDenormals::is_enabled();
    c.data[..span_len(m, n, row_stride, 1)]
        .par_chunks_mut(chunk_len)
        .enumerate()
        .for_each(|(task, chunk)| {
            let _same_mode = flush.then(FlushDenormals::enable);
            let start = task * rows_per_task;
            let count = rows_per_task.min(m - start);
            let c_part = MatMut::new(chunk, count, cols, row_stride);
            serial(alpha, a.rows_from(start, count), b, beta, c_part);
        });
}

/// One kernel call on the calling thread; shapes already checked.
fn serial<E: GemmScalar + num_traits::Zero + std::ops::MulAssign>(
    alpha: E,
    a: MatRef<'_, E>,
    b: MatRef<'_, E>,
    beta: E,
    c: MatMut<'_, E>,
) {
    let (m, k, n) = (a.rows, a.cols, b.cols);
    if k == 0 {
        // The kernel would multiply C by beta, reading NaN when beta == 0; BLAS says C = 0.
        for row in c.data.chunks_mut(c.row_stride).take(m) {
            for value in &mut row[..n] {
                if beta.is_zero() {
                    *value = E::zero();
                } else {
                    *value *= beta;
                }
            }
        }
        return;
    }
    // Strides fit in isize: each view lies inside a slice, whose length is at most isize::MAX.
    let stride = |s: usize| s as isize;
    // SAFETY: `MatRef::new` / `MatMut::new` checked that each slice holds every element
    // its dimensions and strides address; `c` is a unique borrow, so it aliases neither
    // input; m, k, n > 0 here.
    unsafe {
        E::kernel(
            m,
            k,
            n,
            alpha,
            a.data.as_ptr(),
            (stride(a.row_stride), stride(a.col_stride)),
            b.data.as_ptr(),
            (stride(b.row_stride), stride(b.col_stride)),
            beta,
            c.data.as_mut_ptr(),
            stride(c.row_stride),
        );
    }
}

#[cfg(test)]
mod tests;

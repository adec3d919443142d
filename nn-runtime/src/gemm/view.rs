//! Strided matrix views: the operands of [`super::gemm`].

/// A read-only strided matrix view.
///
/// Element `(i, j)` is `data[i * row_stride + j * col_stride]`, so a row-major
/// matrix, a column-major one and the transpose of either are all views of
/// the same memory.
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
    pub(super) data: &'a [E],
    pub(super) rows: usize,
    pub(super) cols: usize,
    pub(super) row_stride: usize,
    pub(super) col_stride: usize,
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
            "MatRef {rows}x{cols} with strides ({row_stride}, {col_stride}) needs {needed} \
             elements, the slice has {}",
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
    ///
    /// # Panics
    ///
    /// When `(i, j)` is outside the view.
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

    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Number of columns.
    pub fn cols(&self) -> usize {
        self.cols
    }

    /// The `rows x cols` block whose top-left element is `(row, col)`; it must lie inside.
    pub(super) fn block(self, row: usize, col: usize, rows: usize, cols: usize) -> Self {
        debug_assert!(row + rows <= self.rows && col + cols <= self.cols);
        let offset = if rows == 0 || cols == 0 {
            0
        } else {
            row * self.row_stride + col * self.col_stride
        };
        Self {
            data: &self.data[offset.min(self.data.len())..],
            rows,
            cols,
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
    pub(super) data: &'a mut [E],
    pub(super) rows: usize,
    pub(super) cols: usize,
    pub(super) row_stride: usize,
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
            "MatMut {rows}x{cols} with row stride {row_stride} needs {needed} elements, \
             the slice has {}",
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

    /// The same view, borrowed for a shorter time.
    pub(super) fn reborrow(&mut self) -> MatMut<'_, E> {
        MatMut {
            data: self.data,
            ..*self
        }
    }
}

/// Elements a strided view spans, from its first to its last element.
pub(super) fn span_len(rows: usize, cols: usize, row_stride: usize, col_stride: usize) -> usize {
    if rows == 0 || cols == 0 {
        0
    } else {
        (rows - 1) * row_stride + (cols - 1) * col_stride + 1
    }
}

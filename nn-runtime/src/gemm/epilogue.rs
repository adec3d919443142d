//! Work fused into the write-back of `C`: a bias per column, then an
//! element-wise map, applied to each tile while it is still in L1 (for a
//! dense layer's forward pass, one pass over the output instead of three).

/// What to apply to each finished element of `C`: `c = map(c + bias[column])`.
///
/// # Examples
///
/// ```
/// use nn_runtime::gemm::{gemm_fused, Epilogue, MatMut, MatRef};
/// fn relu(row: &mut [f32]) {
///     row.iter_mut().for_each(|v| *v = v.max(0.0));
/// }
/// let (a, b) = ([1.0f32, 2.0], [1.0f32, -1.0]); // 1x2 times 2x1 = [-1]
/// let mut c = [0.0f32; 1];
/// let epilogue = Epilogue { bias: Some(&[3.0]), map: Some(relu) };
/// gemm_fused(1.0, MatRef::row_major(&a, 1, 2), MatRef::row_major(&b, 2, 1), 0.0,
///            MatMut::row_major(&mut c, 1, 1), epilogue);
/// assert_eq!(c, [2.0]); // relu(-1 + 3)
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Epilogue<'a, E> {
    /// Added to every row; its length is the number of columns of `C`.
    pub bias: Option<&'a [E]>,
    /// Applied to runs of finished elements of a row (it must act element-wise).
    pub map: Option<fn(&mut [E])>,
}

impl<E> Epilogue<'_, E> {
    /// Nothing to apply.
    pub const NONE: Self = Epilogue {
        bias: None,
        map: None,
    };

    /// Whether there is nothing to apply.
    pub fn is_none(&self) -> bool {
        self.bias.is_none() && self.map.is_none()
    }
}

impl<E: num_traits::Float> Epilogue<'_, E> {
    /// Applies the epilogue to the first `n` elements of each of `rows` rows of
    /// `c`, `row_stride` apart, whose first column is column `col0` of `C`.
    pub(super) fn apply(&self, c: &mut [E], rows: usize, n: usize, row_stride: usize, col0: usize) {
        if self.is_none() {
            return;
        }
        for row in c.chunks_mut(row_stride).take(rows) {
            let row = &mut row[..n];
            if let Some(bias) = self.bias {
                for (v, &b) in row.iter_mut().zip(&bias[col0..col0 + n]) {
                    *v = *v + b;
                }
            }
            if let Some(map) = self.map {
                map(row);
            }
        }
    }
}

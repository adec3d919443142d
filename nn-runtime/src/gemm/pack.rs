//! Packing: copying blocks of `A` and `B` into the micropanel order the
//! kernels stream, zero-padded to whole tiles. Transposes and strides are
//! absorbed here, so a transposed operand is never materialised.
//!
//! `A~` holds `MR`-row micropanels: for each depth `p`, the `MR` values
//! `A[i0..i0 + MR, p]`. `B~` holds `NR`-column micropanels: for each `p`, the
//! `NR` values `B[p, j0..j0 + NR]`.

use super::MatRef;

/// Packs the `mc x kc` block `a` into `out` as `ceil(mc / mr)` micropanels.
pub(super) fn pack_a<E: num_traits::Float>(a: MatRef<'_, E>, mr: usize, out: &mut Vec<E>) {
    let (mc, kc) = (a.rows, a.cols);
    // Resizing reuses the buffer's capacity: no allocation once it has grown.
    out.resize(mc.div_ceil(mr) * mr * kc, E::zero());
    for (panel, dst) in out.chunks_exact_mut(mr * kc).enumerate() {
        let i0 = panel * mr;
        let height = mr.min(mc - i0);
        if a.row_stride == 1 {
            // Column-major: each depth's `height` values are contiguous.
            for (p, dst) in dst.chunks_exact_mut(mr).enumerate() {
                let start = i0 + p * a.col_stride;
                dst[..height].copy_from_slice(&a.data[start..start + height]);
                dst[height..].fill(E::zero());
            }
        } else if a.col_stride == 1 && height == mr && pack_rows(&a, i0, dst) {
            // A full panel of a row-major block, packed by `pack_rows`.
        } else {
            // Row-major or strided: walk each row along its depth; rows past
            // the edge are zero, written in one sweep first.
            if height < mr {
                dst.fill(E::zero());
            }
            for i in 0..height {
                let row = &a.data[(i0 + i) * a.row_stride..];
                for (d, &v) in dst
                    .chunks_exact_mut(mr)
                    .zip(row.iter().step_by(a.col_stride))
                {
                    d[i] = v;
                }
            }
        }
    }
}

/// Packs `dst.len() / kc` full rows of the row-major block `a` from row `i0`,
/// interleaving them depth by depth with the row count fixed at compile time
/// (the generic loop above took about ten instructions a value). Returns
/// `false`, packing nothing, for a row count without a specialised loop.
fn pack_rows<E: num_traits::Float>(a: &MatRef<'_, E>, i0: usize, dst: &mut [E]) -> bool {
    match dst.len() / a.cols {
        4 => pack_rows_of::<E, 4>(a, i0, dst),
        6 => pack_rows_of::<E, 6>(a, i0, dst),
        12 => pack_rows_of::<E, 12>(a, i0, dst),
        _ => return false,
    }
    true
}

fn pack_rows_of<E: num_traits::Float, const MR: usize>(
    a: &MatRef<'_, E>,
    i0: usize,
    dst: &mut [E],
) {
    let kc = a.cols;
    let rows: [&[E]; MR] = std::array::from_fn(|i| &a.data[(i0 + i) * a.row_stride..][..kc]);
    let (depths, _) = dst.as_chunks_mut::<MR>();
    for (p, depth) in depths[..kc].iter_mut().enumerate() {
        for (value, row) in depth.iter_mut().zip(&rows) {
            *value = row[p];
        }
    }
}

/// Packs the `kc x nc` block `b` into `out` as `ceil(nc / nr)` micropanels.
pub(super) fn pack_b<E: num_traits::Float>(b: MatRef<'_, E>, nr: usize, out: &mut Vec<E>) {
    let (kc, nc) = (b.rows, b.cols);
    out.resize(nc.div_ceil(nr) * nr * kc, E::zero());
    for (panel, dst) in out.chunks_exact_mut(nr * kc).enumerate() {
        let j0 = panel * nr;
        let width = nr.min(nc - j0);
        if b.col_stride == 1 {
            // Row-major: each depth's `width` values are contiguous.
            for (p, dst) in dst.chunks_exact_mut(nr).enumerate() {
                let start = p * b.row_stride + j0;
                dst[..width].copy_from_slice(&b.data[start..start + width]);
                dst[width..].fill(E::zero());
            }
        } else {
            // Column-major or strided: walk each column down its depth.
            for j in 0..nr {
                let depth = dst.chunks_exact_mut(nr);
                if j < width {
                    let column = &b.data[(j0 + j) * b.col_stride..];
                    for (d, &v) in depth.zip(column.iter().step_by(b.row_stride)) {
                        d[j] = v;
                    }
                } else {
                    depth.for_each(|d| d[j] = E::zero());
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packs_a_row_major_block_with_zero_padding() {
        // A is 3x2: [[1, 2], [3, 4], [5, 6]]; MR = 2 gives two panels, the second padded.
        let data = [1.0f32, 2.0, 3.0, 4.0, 5.0, 6.0];
        let mut out = Vec::new();
        pack_a(MatRef::row_major(&data, 3, 2), 2, &mut out);
        assert_eq!(out, [1.0, 3.0, 2.0, 4.0, 5.0, 0.0, 6.0, 0.0]);
        let mut transposed = Vec::new();
        pack_a(
            MatRef::row_major(&[1.0, 3.0, 5.0, 2.0, 4.0, 6.0], 2, 3).t(),
            2,
            &mut transposed,
        );
        assert_eq!(transposed, out);
    }

    #[test]
    fn packs_b_from_both_layouts_identically() {
        // B is 2x3: [[1, 2, 3], [4, 5, 6]]; NR = 2.
        let mut row_major = Vec::new();
        pack_b(
            MatRef::row_major(&[1.0f32, 2.0, 3.0, 4.0, 5.0, 6.0], 2, 3),
            2,
            &mut row_major,
        );
        assert_eq!(row_major, [1.0, 2.0, 4.0, 5.0, 3.0, 0.0, 6.0, 0.0]);
        let mut col_major = Vec::new();
        pack_b(
            MatRef::row_major(&[1.0, 4.0, 2.0, 5.0, 3.0, 6.0], 3, 2).t(),
            2,
            &mut col_major,
        );
        assert_eq!(col_major, row_major);
    }
}

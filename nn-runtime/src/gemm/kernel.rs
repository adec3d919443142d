//! The microkernel contract.

/// An `MR x NR` register-blocked update of one tile of `C`:
/// `C[..m, ..n] = alpha * A~ B~ + beta * C`, where `A~` is a packed `MR`-row
/// micropanel and `B~` an `NR`-column micropanel, both `k` deep. `B~` is either
/// packed (rows `NR` apart) or, for a row-major `B`, read in place (rows
/// `ldb` apart), which saves copying the larger operand of a dense layer.
///
/// Block sizes come with the kernel: the driver packs `MC x KC` blocks of `A`
/// and `KC x NC` blocks of `B`, keeps one `MR x KC` micropanel of `A~` in L1
/// and streams every `KC x NR` micropanel of `B~` past it.
pub(super) trait MicroKernel<E> {
    /// Rows of a tile.
    const MR: usize;
    /// Columns of a tile.
    const NR: usize;
    /// Rows of a packed block of `A`; a multiple of `MR`.
    const MC: usize;
    /// Depth of packed blocks.
    const KC: usize;
    /// Columns of a packed block of `B`; a multiple of `NR`.
    const NC: usize;

    /// Computes one tile.
    ///
    /// # Safety
    ///
    /// - the running CPU supports this kernel's target features;
    /// - `a.len() >= k * MR` and `b.len() >= (k - 1) * ldb + n`, `ldb >= n`
    ///   (row `p` of the `B~` micropanel starts at `b[p * ldb]`; only its first
    ///   `n` columns are read, so an unpadded `B` can be read in place);
    /// - `c` is valid for reads and writes of an `m x n` tile whose rows are
    ///   `rsc` elements apart and whose columns are contiguous, with
    ///   `1 <= m <= MR` and `1 <= n <= NR`, and nothing else aliases it;
    /// - when `beta == 0` the tile is only written: it may hold NaN.
    #[allow(clippy::too_many_arguments)]
    unsafe fn tile(
        k: usize,
        alpha: E,
        a: &[E],
        b: &[E],
        ldb: usize,
        beta: E,
        c: *mut E,
        rsc: usize,
        m: usize,
        n: usize,
    );

    /// [`tile`](Self::tile) with `A` read in place instead of from a packed
    /// micropanel: with `a_strides = (rsa, csa)`, element `(i, p)` of the tile's
    /// rows is `a[i * rsa + p * csa]`.
    /// When `C` is one tile wide, each element of `A` is used once, so packing
    /// it would only copy it.
    ///
    /// # Safety
    ///
    /// As [`tile`](Self::tile), with `a.len() > (m - 1) * rsa + (k - 1) * csa`
    /// in place of the packed `A~`'s length, and `k >= 1`.
    #[allow(clippy::too_many_arguments)]
    unsafe fn tile_in_place(
        k: usize,
        alpha: E,
        a: &[E],
        a_strides: (usize, usize),
        b: &[E],
        ldb: usize,
        beta: E,
        c: *mut E,
        rsc: usize,
        m: usize,
        n: usize,
    );
}

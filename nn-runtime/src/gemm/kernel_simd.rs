//! The SIMD microkernels' shared body, instantiated per instruction set by
//! `kernel_avx2.rs` and `kernel_avx512.rs` with their vector type and intrinsics.
//!
//! A tile is up to `MR` rows by two vectors of columns (`NR = 2 * LANES`).
//! Edge tiles run narrower instances of the same loop (1, 2 or 4 rows; one
//! vector of columns) instead of computing a full tile of zeros: the batch-1
//! product of inference and the 10-wide output layer of a classifier are edge
//! tiles. Tiles of one or two rows keep several accumulator sets over
//! interleaved depths so FMA latency does not serialise them.

/// The arguments of [`MicroKernel::tile_in_place`], in order.
pub(super) type InPlaceArgs<'a> = (
    usize,
    f32,
    &'a [f32],
    (usize, usize),
    &'a [f32],
    usize,
    f32,
    *mut f32,
    usize,
    usize,
    usize,
);

/// The arguments of [`MicroKernel::tile`], in order.
pub(super) type TileArgs<'a> = (
    usize,
    f32,
    &'a [f32],
    &'a [f32],
    usize,
    f32,
    *mut f32,
    usize,
    usize,
    usize,
);

/// Defines a microkernel type `$name`, its tile function `$tile`, and `$row`,
/// the packing-free product of a single row of `A` with a row-major `B`.
macro_rules! simd_kernel {
    (
        $(#[$doc:meta])*
        $name:ident, $tile:ident, $row:ident, feature = $feature:literal, vector = $vec:ty,
        lanes = $lanes:literal, mr = $mr:literal, mc = $mc:literal,
        setzero = $setzero:path, loadu = $loadu:path, storeu = $storeu:path,
        set1 = $set1:path, fmadd = $fmadd:path, mul = $mul:path, add = $add:path,
        load_first = $load_first:path, store_first = $store_first:path $(,)?
    ) => {
        $(#[$doc])*
        pub(super) struct $name;

        impl MicroKernel<f32> for $name {
            const MR: usize = $mr;
            const NR: usize = 2 * $lanes;
            const MC: usize = $mc;
            const KC: usize = 512;
            const NC: usize = 1024;

            unsafe fn tile(
                k: usize,
                alpha: f32,
                a: &[f32],
                b: &[f32],
                ldb: usize,
                beta: f32,
                c: *mut f32,
                rsc: usize,
                m: usize,
                n: usize,
            ) {
                let args = (k, alpha, a, b, ldb, beta, c, rsc, m, n);
                // SAFETY: the caller guarantees the CPU has this kernel's features and
                // the rest of the contract; each instance covers m rows and n columns.
                unsafe {
                    match (m, n <= $lanes, n % $lanes != 0) {
                        (1, true, tail) => tile_with_tail::<1, 1, 4>(tail, args),
                        (1, false, tail) => tile_with_tail::<1, 2, 4>(tail, args),
                        (2, true, tail) => tile_with_tail::<2, 1, 2>(tail, args),
                        (2, false, tail) => tile_with_tail::<2, 2, 2>(tail, args),
                        (3 | 4, true, tail) => tile_with_tail::<4, 1, 1>(tail, args),
                        (3 | 4, false, tail) => tile_with_tail::<4, 2, 1>(tail, args),
                        (5..=8, true, tail) if $mr > 8 => tile_with_tail::<8, 1, 1>(tail, args),
                        (5..=8, false, tail) if $mr > 8 => tile_with_tail::<8, 2, 1>(tail, args),
                        (_, true, tail) => tile_with_tail::<$mr, 1, 1>(tail, args),
                        (_, false, tail) => tile_with_tail::<$mr, 2, 1>(tail, args),
                    }
                }
            }

            unsafe fn tile_in_place(
                k: usize,
                alpha: f32,
                a: &[f32],
                a_strides: (usize, usize),
                b: &[f32],
                ldb: usize,
                beta: f32,
                c: *mut f32,
                rsc: usize,
                m: usize,
                n: usize,
            ) {
                let args = (k, alpha, a, a_strides, b, ldb, beta, c, rsc, m, n);
                // SAFETY: the caller guarantees the CPU has this kernel's features and
                // the rest of the contract; each instance covers at least m rows and
                // n columns.
                unsafe {
                    match (m, n <= $lanes, n % $lanes != 0) {
                        (1..=4, true, false) => in_place_tile::<4, 1, false>(args),
                        (1..=4, true, true) => in_place_tile::<4, 1, true>(args),
                        (1..=4, false, false) => in_place_tile::<4, 2, false>(args),
                        (1..=4, false, true) => in_place_tile::<4, 2, true>(args),
                        (5..=8, true, false) if $mr > 8 => in_place_tile::<8, 1, false>(args),
                        (5..=8, true, true) if $mr > 8 => in_place_tile::<8, 1, true>(args),
                        (5..=8, false, false) if $mr > 8 => in_place_tile::<8, 2, false>(args),
                        (5..=8, false, true) if $mr > 8 => in_place_tile::<8, 2, true>(args),
                        (_, true, false) => in_place_tile::<$mr, 1, false>(args),
                        (_, true, true) => in_place_tile::<$mr, 1, true>(args),
                        (_, false, false) => in_place_tile::<$mr, 2, false>(args),
                        (_, false, true) => in_place_tile::<$mr, 2, true>(args),
                    }
                }
            }
        }

        /// An `R x (V * LANES)` tile of `MicroKernel::tile_in_place`, `m <= R`,
        /// `n <= V * LANES`, reading the last vector of each `B` row with a mask
        /// when `TAIL`. Rows past `m` repeat row `m - 1`: computed, never stored.
        ///
        /// # Safety
        ///
        /// `MicroKernel::tile_in_place`'s contract.
        #[target_feature(enable = $feature)]
        unsafe fn in_place_tile<const R: usize, const V: usize, const TAIL: bool>(
            (k, alpha, a, (rsa, csa), b, ldb, beta, c, rsc, m, n): InPlaceArgs<'_>,
        ) {
            const LANES: usize = $lanes;
            debug_assert!(m <= R && n <= V * LANES);
            assert!(
                k > 0
                    && m > 0
                    && a.len() > (m - 1) * rsa + (k - 1) * csa
                    && b.len() >= (k - 1) * ldb + n,
                "operands too short for a {m} x {n} tile {k} deep"
            );
            let rows: [*const f32; R] = std::array::from_fn(|i| a[i.min(m - 1) * rsa..].as_ptr());
            let b = b.as_ptr();
            let mut acc = [[$setzero(); V]; R];
            for p in 0..k {
                // SAFETY: checked above: row p of B starts at p * ldb and holds n floats.
                let b_row = unsafe { b.add(p * ldb) };
                let bv: [$vec; V] = std::array::from_fn(|h| {
                    // SAFETY: as above: vector h < V of this row holds LANES readable
                    // floats, or, for the last one with TAIL, n % LANES.
                    unsafe {
                        if TAIL && h + 1 == V {
                            $load_first(b_row.add(h * LANES), n % LANES)
                        } else {
                            $loadu(b_row.add(h * LANES))
                        }
                    }
                });
                let offset = p * csa;
                for (row, acc) in rows.iter().zip(acc.iter_mut()) {
                    // SAFETY: each row pointer is row r < m of A, and element p of it,
                    // at r * rsa + p * csa, was checked to lie inside `a`.
                    let x = $set1(unsafe { *row.add(offset) });
                    for (acc, &b) in acc.iter_mut().zip(&bv) {
                        *acc = $fmadd(x, b, *acc);
                    }
                }
            }
            // SAFETY: the caller's contract on `c`, `m` and `n` is store_tile's.
            unsafe { store_tile(&acc, alpha, beta, c, rsc, m, n) }
        }

        /// Writes `alpha * acc + beta * C` for the top-left `m x n` of a tile held
        /// in `acc`, reading `C` only when `beta != 0`; a partial last vector is
        /// read and written with a mask.
        ///
        /// # Safety
        ///
        /// The CPU has this kernel's features; `c` is valid for reads and writes
        /// of `m <= R` rows of `n <= V * LANES` contiguous floats, `rsc` apart,
        /// and nothing else aliases them.
        #[target_feature(enable = $feature)]
        #[inline]
        unsafe fn store_tile<const R: usize, const V: usize>(
            acc: &[[$vec; V]; R],
            alpha: f32,
            beta: f32,
            c: *mut f32,
            rsc: usize,
            m: usize,
            n: usize,
        ) {
            const LANES: usize = $lanes;
            let (alpha_v, beta_v) = ($set1(alpha), $set1(beta));
            for (i, acc) in acc.iter().enumerate().take(m) {
                for (h, &sum) in acc.iter().enumerate() {
                    let start = h * LANES;
                    if start >= n {
                        break;
                    }
                    let width = LANES.min(n - start);
                    let scaled = $mul(alpha_v, sum);
                    // SAFETY: row i < m of C holds n contiguous floats at c + i * rsc,
                    // and `width` of them from column `start`; C is read only when
                    // beta != 0.
                    unsafe {
                        let out = c.add(i * rsc + start);
                        if width == LANES {
                            let value = if beta == 0.0 {
                                scaled
                            } else {
                                $fmadd(beta_v, $loadu(out), scaled)
                            };
                            $storeu(out, value);
                        } else {
                            let value = if beta == 0.0 {
                                scaled
                            } else {
                                $fmadd(beta_v, $load_first(out, width), scaled)
                            };
                            $store_first(out, width, value);
                        }
                    }
                }
            }
        }

        /// The `R x (V * LANES)` tile, reading only `n` columns of `B~` when `tail`
        /// (`n` is not a whole number of vectors).
        ///
        /// # Safety
        ///
        /// `MicroKernel::tile`'s contract.
        #[inline(always)]
        unsafe fn tile_with_tail<const R: usize, const V: usize, const U: usize>(
            tail: bool,
            args: TileArgs<'_>,
        ) {
            // SAFETY: forwarded from the caller.
            unsafe {
                if tail {
                    $tile::<R, V, U, true>(args)
                } else {
                    $tile::<R, V, U, false>(args)
                }
            }
        }

        /// An `R x (V * LANES)` tile, `m <= R`, `n <= V * LANES`; `MicroKernel::tile`'s
        /// contract. With `TAIL`, the last vector of each `B~` row is read with a mask
        /// to its `n % LANES` columns, so an unpadded `B` can be read in place. Short tiles have few independent accumulator chains, so they keep
        /// `U` sets of accumulators over interleaved depths (summed at the end) to
        /// hide the FMA latency.
        #[target_feature(enable = $feature)]
        unsafe fn $tile<const R: usize, const V: usize, const U: usize, const TAIL: bool>(
            (k, alpha, a, b, ldb, beta, c, rsc, m, n): TileArgs<'_>,
        ) {
            const MR: usize = $mr;
            const LANES: usize = $lanes;
            const PREFETCH_ROWS: usize = 8;
            debug_assert!(m <= R && n <= V * LANES);
            assert!(
                a.len() >= k * MR && (k == 0 || b.len() >= (k - 1) * ldb + n),
                "micropanels too short for depth {k}"
            );
            let mut sets = [[[$setzero(); V]; R]; U];
            let (a, b) = (a.as_ptr(), b.as_ptr());
            for p0 in (0..k).step_by(U) {
                for (u, acc) in sets.iter_mut().enumerate() {
                    let p = p0 + u;
                    if p == k {
                        break;
                    }
                    // SAFETY: checked above: for p < k, A~ holds a[p * MR + i] for
                    // i < R <= MR and B~ holds b[p * ldb + h * LANES..][..LANES] for h < V.
                    let (a_row, b_row) = unsafe { (a.add(p * MR), b.add(p * ldb)) };
                    for h in 0..V {
                        _mm_prefetch::<_MM_HINT_T0>(
                            b_row.wrapping_add(PREFETCH_ROWS * ldb + h * LANES) as *const i8,
                        );
                    }
                    let bv: [$vec; V] = std::array::from_fn(|h| {
                        // SAFETY: as above: vector h < V of this B~ row holds LANES
                        // readable floats, or, for the last one with TAIL, n % LANES.
                        unsafe {
                            if TAIL && h + 1 == V {
                                $load_first(b_row.add(h * LANES), n % LANES)
                            } else {
                                $loadu(b_row.add(h * LANES))
                            }
                        }
                    });
                    for (i, acc) in acc.iter_mut().enumerate() {
                        // SAFETY: i < R <= MR, inside this depth's A~ values.
                        let a = $set1(unsafe { *a_row.add(i) });
                        for (acc, &b) in acc.iter_mut().zip(&bv) {
                            *acc = $fmadd(a, b, *acc);
                        }
                    }
                }
            }
            let (first, rest) = sets.split_at_mut(1);
            let acc = &mut first[0];
            for set in rest.iter() {
                for (acc, set) in acc.iter_mut().zip(set) {
                    for (acc, &s) in acc.iter_mut().zip(set) {
                        *acc = $add(*acc, s);
                    }
                }
            }
            // SAFETY: the caller's contract on `c`, `m` and `n` is store_tile's.
            unsafe { store_tile(acc, alpha, beta, c, rsc, m, n) }
        }

        /// `c = alpha * a B + beta * c` for one row `a` (`k` values, `a_step`
        /// apart) and a row-major `B` (`k` rows, `ldb` apart, `n` wide), in one
        /// sequential pass over `B` with eight vectors of columns in flight and
        /// no packing: the batch-1 product of inference.
        ///
        /// # Safety
        ///
        /// The CPU has this kernel's features. Bounds are checked here.
        #[target_feature(enable = $feature)]
        #[allow(clippy::too_many_arguments)]
        pub(super) unsafe fn $row(
            k: usize,
            alpha: f32,
            a: &[f32],
            a_step: usize,
            b: &[f32],
            ldb: usize,
            beta: f32,
            c: &mut [f32],
        ) {
            const LANES: usize = $lanes;
            const WIDE: usize = 8;
            const PREFETCH_ROWS: usize = 16;

            /// The sums of `W` vectors of columns starting at `b`, kept in registers.
            ///
            /// # Safety
            ///
            /// As the row product's; `b` starts a strip of `W * LANES` columns that
            /// lies inside each of the `k` rows of `B`.
            #[target_feature(enable = $feature)]
            #[inline]
            unsafe fn strip<const W: usize>(
                k: usize,
                a: &[f32],
                a_step: usize,
                b: *const f32,
                ldb: usize,
                last_width: usize,
            ) -> [$vec; W] {
                let mut acc = [$setzero(); W];
                for p in 0..k {
                    let x = $set1(a[p * a_step]);
                    // SAFETY: the caller guarantees the strip lies inside row p.
                    let row = unsafe { b.add(p * ldb) };
                    for (h, acc) in acc.iter_mut().enumerate() {
                        _mm_prefetch::<_MM_HINT_T0>(
                            row.wrapping_add(PREFETCH_ROWS * ldb + h * LANES) as *const i8,
                        );
                        // SAFETY: h < W, so these LANES floats (or the first `last_width`
                        // of the last vector) lie inside the strip.
                        let values = unsafe {
                            if h + 1 == W && last_width < LANES {
                                $load_first(row.add(h * LANES), last_width)
                            } else {
                                $loadu(row.add(h * LANES))
                            }
                        };
                        *acc = $fmadd(x, values, *acc);
                    }
                }
                acc
            }

            let n = c.len();
            assert!(
                k > 0 && a.len() > (k - 1) * a_step && b.len() >= (k - 1) * ldb + n,
                "row product operands too short"
            );
            let finish = |sum: f32, out: &mut f32| {
                *out = if beta == 0.0 { alpha * sum } else { alpha * sum + beta * *out };
            };
            let mut j = 0;
            while j < n {
                let strip_start = b[j..].as_ptr();
                let mut sums = [[0.0f32; LANES]; WIDE];
                // SAFETY: asserted above: each of the k rows of B holds n columns,
                // and the strip chosen, j..j + width, ends at or before n.
                let width = unsafe {
                    if j + WIDE * LANES <= n {
                        let acc = strip::<WIDE>(k, a, a_step, strip_start, ldb, LANES);
                        for (sum, acc) in sums.iter_mut().zip(acc) {
                            $storeu(sum.as_mut_ptr(), acc);
                        }
                        WIDE * LANES
                    } else {
                        let width = LANES.min(n - j);
                        let [acc] = strip::<1>(k, a, a_step, strip_start, ldb, width);
                        $storeu(sums[0].as_mut_ptr(), acc);
                        width
                    }
                };
                let out = &mut c[j..j + width];
                for (out, &sum) in out.iter_mut().zip(sums.iter().flatten()) {
                    finish(sum, out);
                }
                j += width;
            }
        }
    };
}

pub(super) use simd_kernel;

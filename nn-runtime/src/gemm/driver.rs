//! The blocked loops around a microkernel (BLIS's JC / PC / IC / JR / IR).
//!
//! ```text
//! for jc in 0..n step NC          B block columns
//!   for pc in 0..k step KC        depth; pack B[pc.., jc..] into B~ (once, shared)
//!     for ic in 0..m step MC      A block rows; pack A[ic.., pc..] into A~ (per task)
//!       for ir in 0..mc step MR   micropanel of A~, stays in L1
//!         for jr in 0..nc step NR micropanel of B~, streamed -> kernel -> tile
//! ```
//!
//! The broadcast operand (`A~`, `MR` values a depth) stays in L1 and the
//! vector operand streams, as in BLIS's Skylake-X sgemm (whose column-major
//! tiles are ours transposed). Measured on square 1024 with the AVX-512
//! kernel (`cargo bench -p nn-runtime --bench gemm`, when the order was
//! chosen), this order with prefetching ran at 136 GFLOP/s against 126 for the
//! other one.
//!
//! Either operand is read in place instead of packed when it meets too few
//! tiles for the copy to pay off (see `A_IN_PLACE_MAX_TILES` and
//! `B_IN_PLACE_MAX_PANELS`).
//!
//! The IC loop runs on the rayon pool when the caller asks for it. Packing
//! buffers are per thread and reused, so a steady stream of products of the
//! same sizes allocates nothing.

use std::cell::RefCell;

use rayon::prelude::*;

use super::kernel::MicroKernel;
use super::pack::{pack_a, pack_b};
use super::view::span_len;
use super::{Epilogue, FlushDenormals, MatMut, MatRef};

/// Up to this many `MR`-row panels of `A` (192 rows for the AVX-512 kernel),
/// a row-major `B` is read in place rather than packed: each of its values
/// meets at most this many tiles. The 128 x 784 x 128 forward product went
/// from 81% to 95% of the measured peak with the limit raised from 4 to 16.
/// A row-major `B` at most one tile wide is never packed, nor is `A` (see
/// `run_in_place`).
const B_IN_PLACE_MAX_PANELS: usize = 16;

/// Up to this many `NR`-column tiles of `C` (128 columns for the AVX-512
/// kernel), `A` is read in place in any layout: each of its values meets at
/// most this many tiles. The transposed `A` of the weight-gradient product
/// 784 x 32 x 128 went from 78% to 83% of the measured peak.
const A_IN_PLACE_MAX_TILES: usize = 4;

/// Scalars with per-thread packing buffers.
pub(super) trait PackBuffers: num_traits::Float + Send + Sync {
    /// Runs `f` with this thread's buffer `slot` (0 for `A~`, 1 for `B~`), or a
    /// fresh one when it is already in use (a re-entrant call on this thread).
    fn with_buffer<R>(slot: usize, f: impl FnOnce(&mut Vec<Self>) -> R) -> R;
}

macro_rules! pack_buffers {
    ($ty:ty) => {
        impl PackBuffers for $ty {
            fn with_buffer<R>(slot: usize, f: impl FnOnce(&mut Vec<Self>) -> R) -> R {
                thread_local! {
                    static BUFFERS: [RefCell<Vec<$ty>>; 2] = const {
                        [RefCell::new(Vec::new()), RefCell::new(Vec::new())]
                    };
                }
                BUFFERS.with(|buffers| match buffers[slot].try_borrow_mut() {
                    Ok(mut buffer) => f(&mut buffer),
                    Err(_) => f(&mut Vec::new()),
                })
            }
        }
    };
}

pack_buffers!(f32);
pack_buffers!(f64);

/// `C = alpha * A * B + beta * C` with kernel `K`; shapes already checked,
/// `m, n, k > 0`. With `parallel`, row blocks of `C` run on the rayon pool.
///
/// # Safety
///
/// The running CPU supports `K`'s target features.
pub(super) unsafe fn run<E: PackBuffers, K: MicroKernel<E>>(
    alpha: E,
    a: MatRef<'_, E>,
    b: MatRef<'_, E>,
    beta: E,
    c: MatMut<'_, E>,
    parallel: bool,
    epilogue: Epilogue<'_, E>,
) {
    let (m, k, n) = (a.rows, a.cols, b.cols);
    let row_stride = c.row_stride;
    let c_data = &mut c.data[..span_len(m, n, row_stride, 1)];
    if b.col_stride == 1 && n <= K::NR {
        // SAFETY: forwarded from this function's caller.
        unsafe { run_in_place::<E, K>(alpha, a, b, beta, c_data, row_stride, parallel, epilogue) };
        return;
    }
    // Equal depth blocks: 784 deep is 2 x 392, not 512 + 272.
    let depth_block = k.div_ceil(k.div_ceil(K::KC));
    // With few rows of A, packing B costs more than it saves: a row-major B is
    // then read in place. With many rows, B~ is reused often, and packing avoids
    // strided reads that alias in cache.
    let b_in_place = b.col_stride == 1 && m <= B_IN_PLACE_MAX_PANELS * K::MR;
    // With few columns of B, each value of A meets only n / NR tiles, too few
    // for a copy to pay off: A is then read in place, whatever its layout.
    let a_in_place = n <= A_IN_PLACE_MAX_TILES * K::NR;
    E::with_buffer(1, |b_packed| {
        for jc in (0..n).step_by(K::NC) {
            let nc = K::NC.min(n - jc);
            for pc in (0..k).step_by(depth_block) {
                let kc = depth_block.min(k - pc);
                let beta = if pc == 0 { beta } else { E::one() };
                if !b_in_place {
                    pack_b(b.block(pc, jc, kc, nc), K::NR, b_packed);
                }
                let last_depth = pc + kc == k;
                let block = Block {
                    alpha,
                    beta,
                    epilogue: if last_depth { epilogue } else { Epilogue::NONE },
                    a: a.block(0, pc, m, kc),
                    b: b.block(pc, jc, kc, nc),
                    a_in_place,
                    b_in_place,
                    b_packed,
                    columns: jc..jc + nc,
                    row_stride,
                };
                for_each_row_block(c_data, K::MC, row_stride, parallel, |row0, c_rows| {
                    // SAFETY: this function's caller guarantees the CPU runs K.
                    unsafe { block.compute::<K>(row0, c_rows) };
                });
            }
        }
    });
}

/// `run` for a row-major `B` at most one tile (`NR` columns) wide: `C` is a
/// single column of tiles, so each element of `A` is used once and neither
/// operand is packed. In `cargo bench -p nn-runtime --bench gemm`, the
/// 32 x 128 x 10 output layer went from 28 to 65 GFLOP/s (with a measured peak
/// of 115; 10 of 16 lanes do useful work).
///
/// # Safety
///
/// The running CPU supports `K`'s target features.
#[allow(clippy::too_many_arguments)]
unsafe fn run_in_place<E: PackBuffers, K: MicroKernel<E>>(
    alpha: E,
    a: MatRef<'_, E>,
    b: MatRef<'_, E>,
    beta: E,
    c_data: &mut [E],
    row_stride: usize,
    parallel: bool,
    epilogue: Epilogue<'_, E>,
) {
    let (m, k, n) = (a.rows, a.cols, b.cols);
    for_each_row_block(c_data, K::MC, row_stride, parallel, |row0, c_rows| {
        let mc = K::MC.min(m - row0);
        for i in (0..mc).step_by(K::MR) {
            let m_tile = K::MR.min(mc - i);
            let start = i * row_stride;
            let tile = &mut c_rows[start..start + span_len(m_tile, n, row_stride, 1)];
            let a_rows = &a.data[(row0 + i) * a.row_stride..];
            // SAFETY: the caller guarantees the CPU runs `K`. `a_rows` starts at row
            // row0 + i of A, whose view holds (m_tile - 1) * rsa + (k - 1) * csa more
            // elements after it; B is row-major with k rows of n <= NR columns, ldb
            // apart; `tile` is a unique borrow of the m_tile x n tile, rows row_stride
            // apart, 1 <= m_tile <= MR, and k >= 1 (the caller handles k == 0).
            unsafe {
                K::tile_in_place(
                    k,
                    alpha,
                    a_rows,
                    (a.row_stride, a.col_stride),
                    b.data,
                    b.row_stride,
                    beta,
                    tile.as_mut_ptr(),
                    row_stride,
                    m_tile,
                    n,
                );
            }
            epilogue.apply(tile, m_tile, n, row_stride, 0);
        }
    });
}

/// Runs `compute(row0, rows)` on each block of `block_rows` rows of `C`
/// (rows `row_stride` apart; the last block may be short), on the rayon pool
/// when `parallel`, keeping the caller's denormal mode on the pool's threads.
fn for_each_row_block<E: Send>(
    c_data: &mut [E],
    block_rows: usize,
    row_stride: usize,
    parallel: bool,
    compute: impl Fn(usize, &mut [E]) + Sync,
) {
    let chunk = block_rows * row_stride;
    if parallel {
        let flush = FlushDenormals::is_enabled();
        c_data
            .par_chunks_mut(chunk)
            .enumerate()
            .for_each(|(block, c_rows)| {
                let _same_mode = flush.then(FlushDenormals::enable);
                compute(block * block_rows, c_rows);
            });
    } else {
        for (block, c_rows) in c_data.chunks_mut(chunk).enumerate() {
            compute(block * block_rows, c_rows);
        }
    }
}

/// One (jc, pc) step: a packed `B~` block and the `A` columns that meet it.
struct Block<'a, E> {
    alpha: E,
    beta: E,
    /// Applied to each tile after the last depth block has been added in.
    epilogue: Epilogue<'a, E>,
    /// All rows of `A`, the `kc` columns of this depth block.
    a: MatRef<'a, E>,
    /// The `kc x nc` block of `B`.
    b: MatRef<'a, E>,
    /// Whether `A` is read directly rather than packed.
    a_in_place: bool,
    /// Whether the block is read from `b` directly rather than from `b_packed`.
    b_in_place: bool,
    /// Micropanels of the block, when it is packed.
    b_packed: &'a [E],
    columns: std::ops::Range<usize>,
    row_stride: usize,
}

impl<E: PackBuffers> Block<'_, E> {
    /// Computes rows `row0..` of `C` (at most `MC`), given as `c_rows`, which
    /// starts at row `row0` and holds whole rows except possibly the last.
    ///
    /// # Safety
    ///
    /// The running CPU supports `K`'s target features.
    unsafe fn compute<K: MicroKernel<E>>(&self, row0: usize, c_rows: &mut [E]) {
        let kc = self.a.cols;
        let mc = K::MC.min(self.a.rows - row0);
        if self.a_in_place {
            for i in (0..mc).step_by(K::MR) {
                let rows = &self.a.data[(row0 + i) * self.a.row_stride..];
                // SAFETY: forwarded from the caller; `rows` starts at row row0 + i of
                // the view, which holds the rest of its rows after it.
                unsafe { self.row_of_tiles::<K>(Panel::InPlace(rows), i, mc, c_rows) };
            }
            return;
        }
        E::with_buffer(0, |a_packed| {
            pack_a(self.a.block(row0, 0, mc, kc), K::MR, a_packed);
            for (ir, a_panel) in a_packed.chunks_exact(K::MR * kc).enumerate() {
                // SAFETY: forwarded from the caller; the panel is kc * MR long.
                unsafe { self.row_of_tiles::<K>(Panel::Packed(a_panel), ir * K::MR, mc, c_rows) };
            }
        });
    }

    /// Computes the tiles of rows `i..i + MR` (at most `mc`) of `c_rows`
    /// from `a`: a packed `A~` micropanel or the rows of `A` themselves.
    ///
    /// # Safety
    ///
    /// The running CPU supports `K`'s target features; an in-place `a` starts at
    /// the tile's first row of `A`.
    unsafe fn row_of_tiles<K: MicroKernel<E>>(
        &self,
        a: Panel<'_, E>,
        i: usize,
        mc: usize,
        c_rows: &mut [E],
    ) {
        let kc = self.a.cols;
        let nc = self.columns.len();
        let m_tile = K::MR.min(mc - i);
        for j in (0..nc).step_by(K::NR) {
            let n_tile = K::NR.min(nc - j);
            let (b_panel, ldb) = if self.b_in_place {
                (&self.b.data[j..], self.b.row_stride)
            } else {
                let start = j * kc;
                (&self.b_packed[start..start + K::NR * kc], K::NR)
            };
            let start = i * self.row_stride + self.columns.start + j;
            let needed = span_len(m_tile, n_tile, self.row_stride, 1);
            let tile = &mut c_rows[start..start + needed];
            // SAFETY: the caller guarantees the CPU runs `K`. A packed A~ panel is
            // kc * MR long; an in-place one starts at the tile's first row of A, whose
            // view holds (m_tile - 1) * rsa + (kc - 1) * csa more elements after it. A
            // packed B~ panel is kc * NR long with ldb = NR; an in-place one starts at
            // column j of the row-major block, so (kc - 1) * ldb + n_tile elements
            // follow its start. `tile` is a unique borrow holding the m_tile x n_tile
            // tile with rows row_stride apart (its length is that span),
            // 1 <= m_tile <= MR, 1 <= n_tile <= NR, and kc >= 1.
            unsafe {
                match a {
                    Panel::Packed(a_panel) => K::tile(
                        kc,
                        self.alpha,
                        a_panel,
                        b_panel,
                        ldb,
                        self.beta,
                        tile.as_mut_ptr(),
                        self.row_stride,
                        m_tile,
                        n_tile,
                    ),
                    Panel::InPlace(a_rows) => K::tile_in_place(
                        kc,
                        self.alpha,
                        a_rows,
                        (self.a.row_stride, self.a.col_stride),
                        b_panel,
                        ldb,
                        self.beta,
                        tile.as_mut_ptr(),
                        self.row_stride,
                        m_tile,
                        n_tile,
                    ),
                }
            }
            let col0 = self.columns.start + j;
            self.epilogue
                .apply(tile, m_tile, n_tile, self.row_stride, col0);
        }
    }
}

/// Where a row of tiles reads its rows of `A` from.
#[derive(Clone, Copy)]
enum Panel<'a, E> {
    /// An `MR`-row micropanel of `A~`.
    Packed(&'a [E]),
    /// `A` itself, from the tile's first row.
    InPlace(&'a [E]),
}

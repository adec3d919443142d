//! The portable microkernel: plain Rust, any float type, always available.

use super::kernel::MicroKernel;

/// A 4 x 8 tile in scalar code (the compiler vectorises what it can).
pub(super) struct Fallback;

const MR: usize = 4;
const NR: usize = 8;

impl<E: num_traits::Float> MicroKernel<E> for Fallback {
    const MR: usize = MR;
    const NR: usize = NR;
    const MC: usize = 64;
    const KC: usize = 256;
    const NC: usize = 1024;

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
    ) {
        let mut acc = [E::zero(); MR * NR];
        for (p, a) in a.chunks_exact(MR).take(k).enumerate() {
            let b = &b[p * ldb..p * ldb + n];
            for (i, &a) in a.iter().enumerate() {
                for (j, &b) in b.iter().enumerate() {
                    acc[i * NR + j] = acc[i * NR + j] + a * b;
                }
            }
        }
        // SAFETY: the caller's contract on `c`, `m` and `n` is write_back's.
        unsafe { write_back(&acc, NR, alpha, beta, c, rsc, m, n) }
    }

    unsafe fn tile_in_place(
        k: usize,
        alpha: E,
        a: &[E],
        (rsa, csa): (usize, usize),
        b: &[E],
        ldb: usize,
        beta: E,
        c: *mut E,
        rsc: usize,
        m: usize,
        n: usize,
    ) {
        let mut acc = [E::zero(); MR * NR];
        for p in 0..k {
            let b = &b[p * ldb..p * ldb + n];
            for i in 0..m {
                let a = a[i * rsa + p * csa];
                for (j, &b) in b.iter().enumerate() {
                    acc[i * NR + j] = acc[i * NR + j] + a * b;
                }
            }
        }
        // SAFETY: the caller's contract on `c`, `m` and `n` is write_back's.
        unsafe { write_back(&acc, NR, alpha, beta, c, rsc, m, n) }
    }
}

/// Writes `alpha * acc + beta * C` for the top-left `m x n` of a tile held in
/// `acc` (row-major, rows `nr` long); `C` is not read when `beta == 0`.
///
/// # Safety
///
/// `c` is valid for reads and writes of `m` rows of `n` contiguous elements,
/// rows `rsc` apart, and nothing else aliases them; `acc.len() >= m * nr`.
#[allow(clippy::too_many_arguments)]
unsafe fn write_back<E: num_traits::Float>(
    acc: &[E],
    nr: usize,
    alpha: E,
    beta: E,
    c: *mut E,
    rsc: usize,
    m: usize,
    n: usize,
) {
    for i in 0..m {
        // SAFETY: the caller guarantees row `i < m` of the tile is valid for
        // `n` contiguous elements at `c + i * rsc` and unaliased.
        let row = unsafe { std::slice::from_raw_parts_mut(c.add(i * rsc), n) };
        for (out, &value) in row.iter_mut().zip(&acc[i * nr..i * nr + n]) {
            *out = if beta.is_zero() {
                alpha * value
            } else {
                alpha * value + beta * *out
            };
        }
    }
}

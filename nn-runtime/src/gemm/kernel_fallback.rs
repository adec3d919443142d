//! The portable microkernel: plain Rust, any float type, always available.

use super::kernel::{MicroKernel, write_back};

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
}

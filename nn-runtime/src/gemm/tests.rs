use super::*;
use crate::rng::SeededRng;

/// Small integers keep every sum exact in f32, so results compare bit for bit.
fn small_ints(rng: &mut SeededRng, len: usize) -> Vec<f32> {
    (0..len).map(|_| rng.below(9) as f32 - 4.0).collect()
}

/// The textbook triple loop, reading operands through the same strided views.
fn naive(alpha: f32, a: MatRef<'_, f32>, b: MatRef<'_, f32>, beta: f32, c: &mut [f32], ldc: usize) {
    for i in 0..a.rows {
        for j in 0..b.cols {
            let dot: f32 = (0..a.cols).map(|p| a.get(i, p) * b.get(p, j)).sum();
            let old = if beta == 0.0 {
                0.0
            } else {
                beta * c[i * ldc + j]
            };
            c[i * ldc + j] = alpha * dot + old;
        }
    }
}

/// Stores an `rows x cols` matrix either row-major, column-major, or with a padded row stride.
fn store(values: &[f32], rows: usize, cols: usize, layout: usize) -> (Vec<f32>, usize, usize) {
    match layout {
        0 => (values.to_vec(), cols, 1),
        1 => {
            let mut out = vec![0.0; values.len()];
            for i in 0..rows {
                for j in 0..cols {
                    out[j * rows + i] = values[i * cols + j];
                }
            }
            (out, 1, rows.max(1))
        }
        _ => {
            let ld = cols + 3;
            let mut out = vec![f32::NAN; rows * ld];
            for i in 0..rows {
                out[i * ld..i * ld + cols].copy_from_slice(&values[i * cols..(i + 1) * cols]);
            }
            (out, ld, 1)
        }
    }
}

fn sweep(dims: &[usize], min_flops: usize) {
    let mut rng = SeededRng::new(0x5eed);
    for &m in dims {
        for &k in dims {
            for &n in dims {
                for (alpha, beta) in [(1.0, 0.0), (0.5, 1.0), (-2.0, 0.25)] {
                    for (la, lb) in [(0, 0), (1, 0), (0, 1), (1, 1), (2, 2)] {
                        let a_vals = small_ints(&mut rng, m * k);
                        let b_vals = small_ints(&mut rng, k * n);
                        let (a_buf, ars, acs) = store(&a_vals, m, k, la);
                        let (b_buf, brs, bcs) = store(&b_vals, k, n, lb);
                        let a = MatRef::new(&a_buf, m, k, ars, acs);
                        let b = MatRef::new(&b_buf, k, n, brs, bcs);
                        let ldc = n + 2;
                        let c0 = if beta == 0.0 {
                            vec![f32::NAN; m * ldc]
                        } else {
                            small_ints(&mut rng, m * ldc)
                        };
                        let mut want = c0.clone();
                        naive(alpha, a, b, beta, &mut want, ldc);
                        let mut got = c0.clone();
                        gemm_split(
                            alpha,
                            a,
                            b,
                            beta,
                            MatMut::new(&mut got, m, n, ldc),
                            min_flops,
                        );
                        for i in 0..m {
                            assert_eq!(
                                got[i * ldc..i * ldc + n],
                                want[i * ldc..i * ldc + n],
                                "m={m} k={k} n={n} alpha={alpha} beta={beta} layouts=({la}, {lb})"
                            );
                        }
                    }
                }
            }
        }
    }
}

#[test]
fn matches_naive_exactly_on_awkward_shapes_and_layouts() {
    sweep(&[0, 1, 2, 7, 17, 33], PARALLEL_MIN_FLOPS);
}

#[test]
fn parallel_split_matches_naive_exactly() {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(3)
        .build()
        .unwrap();
    pool.install(|| sweep(&[1, 2, 7, 33], 0));
}

#[test]
fn beta_zero_never_reads_nan_in_c_with_k_zero() {
    let mut c = [f32::NAN; 6];
    gemm(
        1.0,
        MatRef::row_major(&[], 2, 0),
        MatRef::row_major(&[], 0, 3),
        0.0,
        MatMut::row_major(&mut c, 2, 3),
    );
    assert_eq!(c, [0.0; 6]);
}

#[test]
#[should_panic(expected = "gemm shapes do not chain: A is 2x3, B is 2x2, C is 2x2")]
fn mismatched_shapes_name_both() {
    let mut c = [0.0f32; 4];
    gemm(
        1.0,
        MatRef::row_major(&[0.0; 6], 2, 3),
        MatRef::row_major(&[0.0; 4], 2, 2),
        0.0,
        MatMut::row_major(&mut c, 2, 2),
    );
}

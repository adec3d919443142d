use super::kernel::MicroKernel;
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

/// Whether `NN_FAST_TEST` asks for the trimmed sweep (valgrind runs).
fn fast() -> bool {
    std::env::var_os("NN_FAST_TEST").is_some()
}

/// The kernel families to test: all this CPU has, or only `NN_GEMM_ISA`.
fn isas() -> Vec<Isa> {
    match std::env::var("NN_GEMM_ISA") {
        Ok(_) => vec![isa()],
        Err(_) => Isa::available(),
    }
}

/// One product on `isa` against the naive loop, bit for bit.
#[allow(clippy::too_many_arguments)]
fn check_one(
    rng: &mut SeededRng,
    isa: Isa,
    (m, k, n): (usize, usize, usize),
    (alpha, beta): (f32, f32),
    (la, lb): (usize, usize),
    min_flops: usize,
) {
    let a_vals = small_ints(rng, m * k);
    let b_vals = small_ints(rng, k * n);
    let (a_buf, ars, acs) = store(&a_vals, m, k, la);
    let (b_buf, brs, bcs) = store(&b_vals, k, n, lb);
    let a = MatRef::new(&a_buf, m, k, ars, acs);
    let b = MatRef::new(&b_buf, k, n, brs, bcs);
    let ldc = n + 2;
    let c0 = if beta == 0.0 {
        vec![f32::NAN; m * ldc]
    } else {
        small_ints(rng, m * ldc)
    };
    let mut want = c0.clone();
    naive(alpha, a, b, beta, &mut want, ldc);
    let mut got = c0;
    gemm_on(
        isa,
        min_flops,
        alpha,
        a,
        b,
        beta,
        MatMut::new(&mut got, m, n, ldc),
        Epilogue::NONE,
    );
    for i in 0..m {
        assert_eq!(
            got[i * ldc..i * ldc + n],
            want[i * ldc..i * ldc + n],
            "{isa:?} m={m} k={k} n={n} alpha={alpha} beta={beta} layouts=({la}, {lb}) row {i}"
        );
        assert!(
            got[i * ldc + n..(i + 1) * ldc]
                .iter()
                .zip(&want[i * ldc + n..(i + 1) * ldc])
                .all(|(g, w)| g.to_bits() == w.to_bits()),
            "{isa:?} m={m} k={k} n={n}: wrote past the row's end"
        );
    }
}

const SCALARS: [(f32, f32); 3] = [(1.0, 0.0), (0.5, 1.0), (-2.0, 0.25)];
const LAYOUTS: [(usize, usize); 5] = [(0, 0), (1, 0), (0, 1), (1, 1), (2, 2)];

fn sweep(dims: &[usize], min_flops: usize) {
    let mut rng = SeededRng::new(0x5eed);
    for isa in isas() {
        for &m in dims {
            for &k in dims {
                for &n in dims {
                    for scalars in SCALARS {
                        for layouts in LAYOUTS {
                            check_one(&mut rng, isa, (m, k, n), scalars, layouts, min_flops);
                        }
                    }
                }
            }
        }
    }
}

#[test]
fn every_isa_matches_naive_exactly_on_awkward_shapes_and_layouts() {
    // Around every kernel's MR (4, 6, 12) and NR (8, 16, 32), and primes.
    let dims: &[usize] = if fast() {
        &[0, 1, 7, 17]
    } else {
        &[0, 1, 2, 5, 6, 7, 9, 12, 13, 17, 31, 33]
    };
    sweep(dims, PARALLEL_MIN_FLOPS);
}

#[test]
fn every_isa_matches_naive_exactly_across_block_edges() {
    // MC (64, 96, 144) +- 1, KC (512) +- 1 and a depth split three ways, NC (1024)
    // + 1; the in-place limits on either side: A is packed above 4 tiles of
    // columns (32, 64, 128), B above 16 panels of rows (64, 96, 192); and single
    // rows (the packing-free row product) wide enough for its eight-vector
    // chunks, with and without a partial vector at the end.
    let shapes: &[(usize, usize, usize)] = if fast() {
        &[(65, 257, 33), (13, 9, 129)]
    } else {
        &[
            (63, 511, 31),
            (65, 513, 33),
            (97, 300, 65),
            (129, 1025, 65),
            (143, 100, 129),
            (145, 257, 33),
            (192, 40, 128),
            (193, 40, 129),
            (97, 40, 200),
            (3, 40, 1025),
            (127, 256, 1),
            (1, 784, 128),
            (1, 784, 138),
            (1, 300, 150),
            (1, 128, 10),
        ]
    };
    let mut rng = SeededRng::new(7);
    for isa in isas() {
        for &shape in shapes {
            for scalars in SCALARS {
                for layouts in LAYOUTS {
                    check_one(&mut rng, isa, shape, scalars, layouts, PARALLEL_MIN_FLOPS);
                }
            }
        }
    }
}

#[test]
fn parallel_row_blocks_match_naive_exactly() {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(3)
        .build()
        .unwrap();
    let mut rng = SeededRng::new(3);
    pool.install(|| {
        for isa in isas() {
            for shape in [(1, 9, 5), (300, 70, 40), (129, 257, 33)] {
                check_one(&mut rng, isa, shape, (1.0, 0.0), (0, 1), 0);
                check_one(&mut rng, isa, shape, (0.5, 1.0), (1, 0), 0);
            }
        }
    });
}

#[test]
fn f64_products_match_naive_within_rounding() {
    let mut rng = SeededRng::new(9);
    let (m, k, n) = (13, 300, 21);
    let a: Vec<f64> = (0..m * k).map(|_| rng.uniform(-1.0, 1.0)).collect();
    let b: Vec<f64> = (0..k * n).map(|_| rng.uniform(-1.0, 1.0)).collect();
    let mut c = vec![f64::NAN; m * n];
    gemm(
        1.0,
        MatRef::row_major(&a, m, k),
        MatRef::row_major(&b, n, k).t(),
        0.0,
        MatMut::row_major(&mut c, m, n),
    );
    for i in 0..m {
        for j in 0..n {
            let want: f64 = (0..k).map(|p| a[i * k + p] * b[j * k + p]).sum();
            assert!(
                (c[i * n + j] - want).abs() < 1e-12,
                "({i}, {j}): {} vs {want}",
                c[i * n + j]
            );
        }
    }
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

/// One microkernel alone: every tile size up to MR x NR, packed and in-place
/// B~, a few depths and alpha/beta pairs, against the naive sum, bit for bit.
fn check_kernel<K: MicroKernel<f32>>(name: &str) {
    let mut rng = SeededRng::new(11);
    for k in [1, 2, 7, 33] {
        let a = small_ints(&mut rng, k * K::MR);
        // The same rows of A stored row-major, for `tile_in_place`.
        let a_rows: Vec<f32> = (0..K::MR * k).map(|e| a[(e % k) * K::MR + e / k]).collect();
        for ldb in [K::NR, K::NR + 5] {
            let b = small_ints(&mut rng, (k - 1) * ldb + K::NR);
            for m in 1..=K::MR {
                for n in 1..=K::NR {
                    for (alpha, beta) in SCALARS {
                        let rsc = n + 3;
                        let c0 = if beta == 0.0 {
                            vec![f32::NAN; m * rsc]
                        } else {
                            small_ints(&mut rng, m * rsc)
                        };
                        let mut want = c0.clone();
                        for i in 0..m {
                            for j in 0..n {
                                let dot: f32 =
                                    (0..k).map(|p| a[p * K::MR + i] * b[p * ldb + j]).sum();
                                let old = if beta == 0.0 {
                                    0.0
                                } else {
                                    beta * want[i * rsc + j]
                                };
                                want[i * rsc + j] = alpha * dot + old;
                            }
                        }
                        let packed = (&a[..], None);
                        let column_major = (&a[..], Some((1, K::MR)));
                        let row_major = (&a_rows[..], Some((k, 1)));
                        for (a, in_place) in [packed, column_major, row_major] {
                            let mut got = c0.clone();
                            let c = got.as_mut_ptr();
                            // SAFETY: the test runs only kernels whose ISA was detected;
                            // A holds k * MR floats (packed, or m rows in place with these
                            // strides), B (k - 1) * ldb + NR; `got` holds m rows of n
                            // columns, rsc apart, unaliased.
                            unsafe {
                                match in_place {
                                    None => K::tile(k, alpha, a, &b, ldb, beta, c, rsc, m, n),
                                    Some(strides) => K::tile_in_place(
                                        k, alpha, a, strides, &b, ldb, beta, c, rsc, m, n,
                                    ),
                                }
                            }
                            for i in 0..m {
                                assert_eq!(
                                    got[i * rsc..i * rsc + n],
                                    want[i * rsc..i * rsc + n],
                                    "{name} k={k} ldb={ldb} m={m} n={n} alpha={alpha} \
                                     beta={beta} A in place with strides {in_place:?}"
                                );
                                assert!(
                                    got[i * rsc + n..(i + 1) * rsc]
                                        .iter()
                                        .all(|v| v.is_nan() || beta != 0.0)
                                );
                            }
                        }
                    }
                }
            }
        }
    }
}

#[test]
fn each_microkernel_alone_matches_naive_exactly() {
    let available = isas();
    if available.contains(&Isa::Fallback) {
        check_kernel::<super::kernel_fallback::Fallback>("fallback");
    }
    #[cfg(target_arch = "x86_64")]
    {
        if available.contains(&Isa::Avx2Fma) {
            check_kernel::<super::kernel_avx2::Avx2Fma>("avx2");
        }
        if available.contains(&Isa::Avx512) {
            check_kernel::<super::kernel_avx512::Avx512>("avx512");
        }
    }
}

fn relu(row: &mut [f32]) {
    row.iter_mut().for_each(|v| *v = v.max(0.0));
}

#[test]
fn fused_bias_and_map_equal_the_separate_passes() {
    let mut rng = SeededRng::new(21);
    for isa in isas() {
        for (m, k, n) in [
            (1, 40, 150),
            (5, 3, 7),
            (32, 300, 130),
            (129, 257, 33),
            (3, 0, 4),
        ] {
            let a = small_ints(&mut rng, m * k);
            let b = small_ints(&mut rng, k * n);
            let bias = small_ints(&mut rng, n);
            let (a, b) = (MatRef::row_major(&a, m, k), MatRef::row_major(&b, k, n));
            let mut want = vec![f32::NAN; m * n];
            gemm_on(
                isa,
                PARALLEL_MIN_FLOPS,
                1.0,
                a,
                b,
                0.0,
                MatMut::row_major(&mut want, m, n),
                Epilogue::NONE,
            );
            for row in want.chunks_mut(n) {
                row.iter_mut().zip(&bias).for_each(|(v, b)| *v += b);
                relu(row);
            }
            let mut got = vec![f32::NAN; m * n];
            let epilogue = Epilogue {
                bias: Some(&bias),
                map: Some(relu),
            };
            gemm_on(
                isa,
                0,
                1.0,
                a,
                b,
                0.0,
                MatMut::row_major(&mut got, m, n),
                epilogue,
            );
            assert_eq!(got, want, "{isa:?} m={m} k={k} n={n}");
        }
    }
}

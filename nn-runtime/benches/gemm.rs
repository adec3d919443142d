//! GEMM throughput: ours against `matrixmultiply` in the same run, in GFLOP/s
//! (criterion's elements/s with 2*m*k*n elements per product), on square
//! sizes and on the MNIST MLP's products, one thread and the whole pool.
//!
//! `fma_peak` measures this CPU's one-core `f32` peak first, so every GEMM
//! figure can be read as a percentage of it; `read_bandwidth` measures how
//! fast one core streams the MLP's first-layer weight, the ceiling of the
//! batch-1 product. `NN_GEMM_ISA=avx2` (or
//! `fallback`) benchmarks another kernel family.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use nn_runtime::gemm::{MatMut, MatRef, fma_burst, fma_burst_flops, gemm, isa, read_burst};

/// A product to time: sizes, whether A and B are stored transposed, and a label.
struct Shape {
    label: &'static str,
    m: usize,
    k: usize,
    n: usize,
    a_transposed: bool,
    b_transposed: bool,
}

const fn shape(label: &'static str, m: usize, k: usize, n: usize, at: bool, bt: bool) -> Shape {
    Shape {
        label,
        m,
        k,
        n,
        a_transposed: at,
        b_transposed: bt,
    }
}

/// The dense layers' products (weights stored [in, out]) and square sizes.
const SHAPES: &[Shape] = &[
    shape("forward 1x784x128", 1, 784, 128, false, false),
    shape("forward 32x784x128", 32, 784, 128, false, false),
    shape("forward 128x784x128", 128, 784, 128, false, false),
    shape("weight-grad 784x32x128", 784, 32, 128, true, false),
    shape("weight-grad 784x128x128", 784, 128, 128, true, false),
    shape("output 32x128x10", 32, 128, 10, false, false),
    shape("output 128x128x10", 128, 128, 10, false, false),
    shape("output-weight-grad 128x32x10", 128, 32, 10, true, false),
    shape("input-grad 32x10x128", 32, 10, 128, false, true),
    shape("square 64", 64, 64, 64, false, false),
    shape("square 256", 256, 256, 256, false, false),
    shape("square 1024", 1024, 1024, 1024, false, false),
    shape("square 2048", 2048, 2048, 2048, false, false),
];

fn data(len: usize) -> Vec<f32> {
    (0..len)
        .map(|i| ((i * 7919) % 17) as f32 / 17.0 - 0.5)
        .collect()
}

/// `(data, row stride, col stride)` of an `rows x cols` operand.
fn operand(rows: usize, cols: usize, transposed: bool) -> (Vec<f32>, usize, usize) {
    if transposed {
        (data(rows * cols), 1, rows)
    } else {
        (data(rows * cols), cols, 1)
    }
}

fn products(c: &mut Criterion, threads: usize) {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("thread pool");
    let mut group = c.benchmark_group(format!("gemm_{threads}_thread"));
    for s in SHAPES {
        let (a, rsa, csa) = operand(s.m, s.k, s.a_transposed);
        let (b, rsb, csb) = operand(s.k, s.n, s.b_transposed);
        let mut out = vec![0.0f32; s.m * s.n];
        group.throughput(Throughput::Elements((2 * s.m * s.k * s.n) as u64));
        group.bench_function(BenchmarkId::new("nn", s.label), |bench| {
            pool.install(|| {
                bench.iter(|| {
                    gemm(
                        1.0,
                        MatRef::new(&a, s.m, s.k, rsa, csa),
                        MatRef::new(&b, s.k, s.n, rsb, csb),
                        0.0,
                        MatMut::row_major(&mut out, s.m, s.n),
                    )
                })
            })
        });
        if threads == 1 {
            group.bench_function(BenchmarkId::new("matrixmultiply", s.label), |bench| {
                bench.iter(|| {
                    // SAFETY: each operand's strides address only elements of its
                    // buffer (sizes from the same shape), and `out` is m x n row-major.
                    unsafe {
                        matrixmultiply::sgemm(
                            s.m,
                            s.k,
                            s.n,
                            1.0,
                            a.as_ptr(),
                            rsa as isize,
                            csa as isize,
                            b.as_ptr(),
                            rsb as isize,
                            csb as isize,
                            0.0,
                            out.as_mut_ptr(),
                            s.n as isize,
                            1,
                        )
                    }
                })
            });
        }
    }
    group.finish();
}

/// This CPU's one-core `f32` peak, in GFLOP/s (criterion's elements/s): the
/// yardstick for the GEMM figures, which are percentages of it.
fn fma_peak(c: &mut Criterion) {
    const ITERATIONS: usize = 100_000;
    let mut group = c.benchmark_group("fma_peak");
    group.throughput(Throughput::Elements(
        fma_burst_flops(isa(), ITERATIONS) as u64
    ));
    group.bench_function(format!("{:?}", isa()), |bench| {
        bench.iter(|| fma_burst(std::hint::black_box(ITERATIONS)))
    });
    group.finish();
}

/// How fast one core reads the MLP's 784 x 128 first-layer weight (401 KB,
/// from L2 once warm): the ceiling of the batch-1 row product, which reads
/// each weight once for one FMA.
fn read_bandwidth(c: &mut Criterion) {
    let weight = data(784 * 128);
    let mut group = c.benchmark_group("read_bandwidth");
    group.throughput(Throughput::Bytes(std::mem::size_of_val(&weight[..]) as u64));
    group.bench_function("weight 784x128", |bench| {
        bench.iter(|| read_burst(std::hint::black_box(&weight)))
    });
    group.finish();
}

fn one_thread(c: &mut Criterion) {
    products(c, 1);
}

fn all_threads(c: &mut Criterion) {
    products(
        c,
        std::thread::available_parallelism().map_or(1, |n| n.get()),
    );
}

criterion_group!(benches, fma_peak, read_bandwidth, one_thread, all_threads);
criterion_main!(benches);

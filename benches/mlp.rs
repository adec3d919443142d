//! The MNIST MLP: one training step at batch 32 and 128, one epoch on real
//! MNIST at both batch sizes (skipped with a note when the data is absent),
//! and inference latency at batch 1 and throughput at batch 1000.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use nn::Network;
use nn::data::{MnistKind, load_mnist};
use nn::gemm::FlushDenormals;
use nn::loss::{SparseCrossEntropy, Targets};
use nn::optim::{Adam, AdamConfig};
use nn::train::{FitOptions, StepBuffers, Verbosity, fit, train_step};

nn::network! { Mlp: [784] => dense(128, relu) -> dense(10) }

/// Synthetic inputs and labels (the speed does not depend on the values).
fn batch(size: usize) -> (Vec<f32>, Vec<usize>) {
    let x = (0..size * 784)
        .map(|i| ((i * 7919) % 256) as f32 / 255.0)
        .collect();
    let labels = (0..size).map(|i| i % 10).collect();
    (x, labels)
}

fn training_step(c: &mut Criterion) {
    let _flush = FlushDenormals::enable();
    let mut group = c.benchmark_group("mlp_train_step");
    for size in [32, 128] {
        let (x, labels) = batch(size);
        let mut model = Mlp::<f32>::new(0);
        let mut adam = Adam::new(AdamConfig::keras()).expect("valid config");
        let mut buffers = StepBuffers::new(0);
        group.throughput(Throughput::Elements(size as u64));
        group.bench_function(BenchmarkId::from_parameter(size), |b| {
            b.iter(|| {
                let targets = Targets::Classes(&labels);
                let loss = &SparseCrossEntropy;
                train_step(&mut model, &mut adam, loss, &x, targets, &mut buffers, None)
            })
        });
    }
    group.finish();
}

fn training_epoch(c: &mut Criterion) {
    let data = match load_mnist(MnistKind::Digits, None) {
        Ok(data) => data,
        Err(e) => {
            eprintln!("mlp_epoch skipped: {e}");
            return;
        }
    };
    let mut group = c.benchmark_group("mlp_epoch");
    group.sample_size(10);
    group.throughput(Throughput::Elements(data.train.len() as u64));
    for size in [32, 128] {
        let mut model = Mlp::<f32>::new(0);
        let mut adam = Adam::new(AdamConfig::keras()).expect("valid config");
        let options = FitOptions {
            epochs: 1,
            batch_size: size,
            verbosity: Verbosity::Quiet,
            ..FitOptions::default()
        };
        let loss = &SparseCrossEntropy;
        group.bench_function(BenchmarkId::from_parameter(size), |b| {
            b.iter(|| {
                fit(
                    &mut model,
                    &mut adam,
                    loss,
                    &data.train,
                    None,
                    &options,
                    &mut [],
                )
            })
        });
    }
    group.finish();
}

fn inference(c: &mut Criterion) {
    let _flush = FlushDenormals::enable();
    let model = Mlp::<f32>::new(0);
    let mut group = c.benchmark_group("mlp_inference");
    for size in [1, 1000] {
        let (x, _) = batch(size);
        let mut cache = MlpCache::default();
        group.throughput(Throughput::Elements(size as u64));
        group.bench_function(BenchmarkId::from_parameter(size), |b| {
            b.iter(|| model.forward(std::hint::black_box(&x), &mut cache)[0])
        });
    }
    group.finish();
    assert_eq!(<Mlp as Network>::PARAMETERS, 101_770);
}

criterion_group!(benches, training_step, training_epoch, inference);
criterion_main!(benches);

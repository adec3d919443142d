//! The MNIST MLP: one training step at batch 32 and 128, and inference at
//! batch 1, on synthetic inputs (the speed does not depend on the values).

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use nn::Network;
use nn::gemm::FlushDenormals;
use nn::optim::{Adam, AdamConfig};
use nn::train::train_step;

nn::network! { Mlp: [784] => dense(128, relu) -> dense(10) }

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
        let (mut cache, mut grads) = (MlpCache::default(), MlpGrads::default());
        group.throughput(Throughput::Elements(size as u64));
        group.bench_function(BenchmarkId::from_parameter(size), |b| {
            b.iter(|| train_step(&mut model, &mut adam, &x, &labels, &mut cache, &mut grads))
        });
    }
    group.finish();
}

fn inference(c: &mut Criterion) {
    let _flush = FlushDenormals::enable();
    let model = Mlp::<f32>::new(0);
    let (x, _) = batch(1);
    let mut cache = MlpCache::default();
    c.bench_function("mlp_inference_batch1", |b| {
        b.iter(|| model.forward(std::hint::black_box(&x), &mut cache)[0])
    });
}

criterion_group!(benches, training_step, inference);
criterion_main!(benches);

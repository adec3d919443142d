//! The generated backward of whole networks agrees with central finite
//! differences in f64, for every parameter tensor.

use nn::loss::SparseCrossEntropy;
use nn::testing::check_vjp;
use nn::{Cache, Network, Params};

nn::network! {
    /// Every layer kind of the DSL in one chain.
    Deep: [6] => dense(5, tanh) -> dense(4, sigmoid) -> relu -> dense(7) -> tanh -> dense(3) -> softmax
}

nn::network! {
    /// Every activation with settings, fused into `dense` or split off after it.
    Activations: [5] => dense(6, leaky_relu(0.2)) -> dense(6, elu(0.5)) -> dense(6, gelu)
        -> dense(5, gelu(approximate = true)) -> dense(5, swish) -> softplus -> dense(3)
}

nn::network! { Tutorial: [9] => dense(8, relu) -> dense(4) }

nn::network! {
    /// Residual blocks: one from the input itself, one nested in another,
    /// one around convolutions.
    Residual: [1, 4, 4] => residual(conv2d(2, 3, tanh, padding = same) -> conv2d(1, 3, padding = 1))
        -> flatten -> dense(6, tanh)
        -> residual(dense(6, tanh) -> residual(dense(6, sigmoid) -> dense(6)) -> layernorm)
        -> dense(3)
}

const BATCH: usize = 3;

fn inputs(len: usize, salt: usize) -> Vec<f64> {
    (0..len)
        .map(|i| (((i + salt) * 29 % 19) as f64 - 9.0) / 7.0)
        .collect()
}

/// A copy of `model` whose tensor `index` holds `values`.
fn with_tensor<N: Network<f64>>(model: &N, index: usize, values: &[f64]) -> N {
    let mut probe = model.clone();
    probe.tensor_mut(index).copy_from_slice(values);
    probe
}

/// L = <dy, network(x)>: checks every parameter gradient the generated backward gives.
fn check_output_vjp<N: Network<f64>>(model: &N) {
    let x = inputs(BATCH * <N::Input as nn::shape::Shape>::NUMEL, 1);
    let dy = inputs(BATCH * <N::Output as nn::shape::Shape>::NUMEL, 4);
    for index in 0..N::TENSORS {
        let forward = |p: &[f64]| {
            let mut cache = N::Cache::default();
            with_tensor(model, index, p)
                .forward(&x, &mut cache)
                .to_vec()
        };
        let backward = |p: &[f64], dy: &[f64]| {
            let probe = with_tensor(model, index, p);
            let mut cache = N::Cache::default();
            probe.forward(&x, &mut cache);
            cache.output_and_grad().1.copy_from_slice(dy);
            let mut grads = N::Grads::default();
            probe.backward(&x, &mut cache, &mut grads);
            grads.tensor(index).to_vec()
        };
        check_vjp(forward, backward, model.tensor(index), &dy);
    }
}

#[test]
fn deep_chain_backward_matches_finite_differences() {
    check_output_vjp(&Deep::<f64>::new(3));
}

#[test]
fn every_activation_in_a_network_matches_finite_differences() {
    check_output_vjp(&Activations::<f64>::new(5));
}

nn::network! { Skip: [3] => residual(dense(3)) }

nn::network! {
    /// Used as a layer below; its residual block starts at its own input, so
    /// the gradient it passes back includes the skip connection.
    Block: [4] => residual(dense(4, tanh) -> layernorm) -> dense(3, sigmoid)
}

nn::network! {
    /// A network with another network inside, twice.
    Outer: [5] => dense(4, tanh) -> Block(output = [3]) -> dense(4) -> Block([3]) -> dense(2)
}

#[test]
fn a_residual_block_adds_its_input() {
    let mut model = Skip::<f64>::new(1);
    for tensor in 0..<Skip<f64> as Params<f64>>::TENSORS {
        model.tensor_mut(tensor).fill(0.0);
    }
    model.tensor_mut(1).copy_from_slice(&[0.5, 0.0, -0.5]); // the dense bias
    let mut cache = SkipCache::default();
    assert_eq!(model.forward(&[1.0, 2.0, 3.0], &mut cache), [1.5, 2.0, 2.5]);
}

#[test]
fn nested_networks_match_finite_differences() {
    check_output_vjp(&Outer::<f64>::new(13));
    assert_eq!(
        <Outer<f64> as Network<f64>>::PARAMETERS,
        (5 * 4 + 4) + 2 * <Block<f64> as Network<f64>>::PARAMETERS + (3 * 4 + 4) + (3 * 2 + 2)
    );
}

#[test]
fn residual_blocks_match_finite_differences() {
    check_output_vjp(&Residual::<f64>::new(11));
}

#[test]
fn tutorial_network_with_cross_entropy_matches_finite_differences() {
    let model = Tutorial::<f64>::new(5);
    let x = inputs(BATCH * 9, 2);
    let labels = [3, 0, 2];
    let loss = |m: &Tutorial<f64>| {
        let mut cache = TutorialCache::default();
        vec![SparseCrossEntropy::forward(m.forward(&x, &mut cache), &labels, 4).mean_loss()]
    };
    for index in 0..Tutorial::<f64>::TENSORS {
        check_vjp(
            |p| loss(&with_tensor(&model, index, p)),
            |p, dy| {
                let probe = with_tensor(&model, index, p);
                let mut cache = TutorialCache::default();
                probe.forward(&x, &mut cache);
                let (logits, grad) = cache.output_and_grad();
                SparseCrossEntropy::forward_backward(logits, &labels, grad, 4);
                let mut grads = TutorialGrads::default();
                probe.backward(&x, &mut cache, &mut grads);
                grads.tensor(index).iter().map(|g| g * dy[0]).collect()
            },
            model.tensor(index),
            &[1.0],
        );
    }
}

#[test]
fn parameter_names_and_counts_follow_the_layers() {
    let model = Deep::<f32>::new(0);
    let names: Vec<String> = (0..Deep::<f32>::TENSORS)
        .map(|i| model.tensor_name(i))
        .collect();
    assert_eq!(
        names,
        [
            "dense0.weight",
            "dense0.bias",
            "dense1.weight",
            "dense1.bias",
            "dense2.weight",
            "dense2.bias",
            "dense3.weight",
            "dense3.bias"
        ]
    );
    assert_eq!(model.scalar_count(), Deep::<f32>::PARAMETERS);
    assert_eq!(
        Deep::<f32>::PARAMETERS,
        6 * 5 + 5 + 5 * 4 + 4 + 4 * 7 + 7 + 7 * 3 + 3
    );
    assert_eq!(Deep::<f32>::OUTPUT, nn::network::Output::Softmax);
    assert_eq!(Tutorial::<f32>::OUTPUT, nn::network::Output::Linear);
}

#[test]
fn same_seed_same_model_and_batch_size_can_change_between_calls() {
    let (a, b) = (Tutorial::<f32>::new(9), Tutorial::<f32>::new(9));
    assert_eq!(a.dense0.weight(), b.dense0.weight());
    assert_ne!(a.dense0.weight(), Tutorial::<f32>::new(10).dense0.weight());
    let mut cache = TutorialCache::default();
    assert_eq!(a.forward(&[0.5; 9 * 5], &mut cache).len(), 20);
    assert_eq!(a.forward(&[0.5; 9], &mut cache).len(), 4);
    assert_eq!(cache.batch(), 1);
}

nn::network! { PenalBlock: [5] => dense(5, tanh, l2 = 0.3) }
nn::network! {
    Penalized: [1, 4, 4] => conv2d(2, 3, tanh, l2 = 0.2) -> flatten
        -> dense(5, relu, l1 = 0.05, l2 = 0.1) -> PenalBlock(output = [5]) -> dense(3)
}
nn::network! { Weighed: [2] => dense(1, l1 = 0.5, l2 = 0.25) }

#[test]
fn weight_penalties_follow_keras_and_exclude_biases() {
    let mut model = Weighed::<f64>::new(0);
    model.dense0.weight_mut().copy_from_slice(&[1.0, -2.0]);
    model.dense0.bias_mut()[0] = 100.0;
    let mut grads = WeighedGrads::default();
    // 0.5 * (|1| + |-2|) + 0.25 * (1 + 4); gradient 0.5 * sign(w) + 2 * 0.25 * w.
    assert_eq!(model.penalty(Some(&mut grads)), 2.75);
    assert_eq!(grads.tensor(0), [1.0, -1.5]);
    assert_eq!(grads.tensor(1), [0.0]);
}

#[test]
fn weight_penalties_in_every_kind_of_layer_match_finite_differences() {
    let model = Penalized::<f64>::new(9);
    let x = inputs(BATCH * 16, 4);
    let labels = [1, 0, 2];
    let objective = |m: &Penalized<f64>| {
        let mut cache = PenalizedCache::default();
        let data = SparseCrossEntropy::forward(m.forward(&x, &mut cache), &labels, 3).mean_loss();
        vec![data + m.penalty(None)]
    };
    let sum_of = |name: &str, f: fn(f64) -> f64| -> f64 {
        let index = (0..Penalized::<f64>::TENSORS)
            .find(|&i| model.tensor_name(i) == name)
            .unwrap();
        model.tensor(index).iter().map(|&w| f(w)).sum()
    };
    let square: fn(f64) -> f64 = |w| w * w;
    let absolute: fn(f64) -> f64 = f64::abs;
    let expected = 0.2 * sum_of("conv2d_0.weight", square)
        + 0.05 * sum_of("dense0.weight", absolute)
        + 0.1 * sum_of("dense0.weight", square)
        + 0.3 * sum_of("penalblock0.dense0.weight", square);
    assert!((model.penalty(None) - expected).abs() < 1e-12);
    for index in 0..Penalized::<f64>::TENSORS {
        check_vjp(
            |p| objective(&with_tensor(&model, index, p)),
            |p, dy| {
                let probe = with_tensor(&model, index, p);
                let mut cache = PenalizedCache::default();
                probe.forward(&x, &mut cache);
                let (logits, grad) = cache.output_and_grad();
                SparseCrossEntropy::forward_backward(logits, &labels, grad, 3);
                let mut grads = PenalizedGrads::default();
                probe.backward(&x, &mut cache, &mut grads);
                probe.penalty(Some(&mut grads));
                grads.tensor(index).iter().map(|g| g * dy[0]).collect()
            },
            model.tensor(index),
            &[1.0],
        );
    }
}

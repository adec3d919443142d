nn::network! {
    Activations: [3] => dense(4, leaky_relu) -> dense(4, leaky_relu(0.2))
        -> dense(4, elu(alpha = 0.5)) -> dense(4, gelu) -> dense(4, gelu(approximate = true))
        -> dense(4, silu) -> dense(4, swish) -> dense(4, softplus)
        -> leaky_relu(alpha = 0.1) -> elu -> gelu -> silu -> softplus -> dense(2, softmax)
}

fn main() {
    use nn::Network;
    let model = Activations::<f64>::new(1);
    let mut cache = ActivationsCache::default();
    let out = model.forward(&[1.0, -2.0, 3.0], &mut cache);
    assert!((out.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    // `dense(4, gelu)` is a linear dense layer followed by a `gelu` layer,
    // which keeps the input its gradient needs.
    let _: &nn::layers::Dense<4, 4, nn::act::Identity, f64> = &model.dense3;
    let _: &nn::layers::ActivationLayer<nn::shape::Flat<4>, nn::act::Gelu> = &model.gelu0;
    let _: &nn::layers::ActivationLayer<nn::shape::Flat<4>, nn::act::GeluTanh> = &model.gelu1;
    let _: &nn::layers::Dense<4, 4, nn::act::Elu<{ 0.5f64.to_bits() }>, f64> = &model.dense2;
}

nn::network! {
    /// Every image layer kind, each shape inferred by the macro.
    Cnn: [1, 12, 12] => conv2d(4, 3, padding = same) -> batchnorm -> relu -> maxpool2d(2)
        -> conv2d(filters = 6, kernel = 3, stride = 1, padding = 1) -> avgpool2d(2, stride = 2)
        -> conv2d(8, 3, gelu) -> global_avgpool -> dense(10) -> batchnorm(momentum = 0.9, eps = 1e-5)
        -> softmax
}

nn::network! {
    Flattened: [3, 8, 8] => conv2d(2, 5) -> tanh -> dropout(0.25) -> flatten -> dense(4)
        -> dropout(rate = 0.5) -> layernorm -> layernorm(eps = 1e-3)
}

nn::network! {
    /// Flat MNIST samples read as images.
    Reshaped: [784] => reshape([1, 28, 28]) -> conv2d(4, 5, stride = 3) -> flatten -> reshape([4, 8, 8])
        -> global_avgpool -> dense(2)
}

fn main() {
    assert_eq!(Reshaped::<f32>::new(1).forward(&[0.5; 784], &mut ReshapedCache::default()).len(), 2);
    use nn::Network;
    let model = Cnn::<f64>::new(1);
    let mut cache = CnnCache::default();
    let out = model.forward(&[0.5; 144], &mut cache);
    assert!((out.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    let _: &nn::layers::Conv2d<1, 12, 12, 4, 3, 1, 1, 12, 12, f64> = &model.conv2d_0;
    let _: &nn::layers::MaxPool2d<4, 12, 12, 2, 2, 6, 6> = &model.maxpool2d_0;
    let _: &nn::layers::GlobalAvgPool<8, 1, 1> = &model.global_avgpool0;
    assert_eq!(<Flattened as Network>::PARAMETERS, 2 * 3 * 25 + 2 + 32 * 4 + 4 + 2 * 8);
    assert_eq!(Flattened::<f32>::INPUT_SHAPE, [3, 8, 8]);
    assert_eq!(Flattened::<f32>::OUTPUT_SHAPE, [4]);
    assert!(Flattened::<f32>::summary().contains("layernorm1 (LayerNormalization)"));
    let flat = Flattened::<f32>::new(2);
    assert_eq!(flat.forward(&[0.1; 192], &mut FlattenedCache::default()).len(), 4);
    let _: &nn::layers::Dropout<nn::shape::Image<2, 4, 4>, { 0.25f64.to_bits() }, f32> =
        &flat.dropout0;
    let mut rng = nn::rng::SeededRng::new(3);
    let trained = flat.forward_train(&[0.1; 192], &mut FlattenedCache::default(), &mut rng).len();
    assert_eq!(trained, 4);
}

nn::network! {
    /// A small ResNet-style stack: the skip connections are checked shapes.
    ResNet: [1, 8, 8] => conv2d(8, 3, relu, padding = same)
        -> residual(conv2d(8, 3, padding = same) -> batchnorm -> relu -> conv2d(8, 3, padding = same))
        -> relu -> global_avgpool
        -> residual(dense(8, relu) -> dropout(0.1) -> dense(8)) -> dense(10)
}

fn main() {
    use nn::Network;
    let model = ResNet::<f32>::new(1);
    assert_eq!(model.forward(&[0.5; 64], &mut ResNetCache::default()).len(), 10);
    assert!(ResNet::<f32>::summary().contains("residual0 (Add: input of 4 layers back)"));
}

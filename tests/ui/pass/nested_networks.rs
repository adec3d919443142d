nn::network! {
    /// A reusable feature extractor.
    pub Encoder: [1, 28, 28] => conv2d(8, 3, relu, padding = same) -> maxpool2d(2) -> flatten
        -> dense(32, relu)
}

nn::network! {
    /// A classifier built on it: the encoder is a field, with its own tensors.
    pub Classifier: [1, 28, 28] => Encoder(output = [32]) -> dropout(0.2) -> dense(10)
}

fn main() {
    use nn::{Network, Params};
    let model = Classifier::<f32>::new(1);
    assert_eq!(model.forward(&[0.5; 784], &mut ClassifierCache::default()).len(), 10);
    assert_eq!(
        <Classifier as Network>::PARAMETERS,
        <Encoder as Network>::PARAMETERS + 32 * 10 + 10
    );
    assert_eq!(model.tensor_name(0), "encoder0.conv2d_0.weight");
    assert!(Classifier::<f32>::summary().contains("plus those of Encoder"));
}

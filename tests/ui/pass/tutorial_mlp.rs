nn::network! {
    /// The Keras tutorial network.
    pub Mlp: [784] => dense(128, relu) -> dense(10)
}

fn main() {
    use nn::Network;
    let model = Mlp::<f32>::new(0);
    let mut cache = MlpCache::default();
    assert_eq!(model.forward(&[0.0; 784], &mut cache).len(), 10);
    assert_eq!(<Mlp as Network>::PARAMETERS, 101_770);
}

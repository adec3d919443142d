nn::network! {
    Everything: [3] => dense(4, relu) -> dense(4, sigmoid) -> dense(4, tanh)
        -> dense(4, activation = identity) -> dense(units = 4, activation = softmax)
        -> relu -> sigmoid -> tanh -> identity -> dense(2,) -> softmax
}

fn main() {
    use nn::Network;
    let model = Everything::<f64>::new(1);
    let mut cache = EverythingCache::default();
    let out = model.forward(&[1.0, 2.0, 3.0], &mut cache);
    assert!((out.iter().sum::<f64>() - 1.0).abs() < 1e-12);
}

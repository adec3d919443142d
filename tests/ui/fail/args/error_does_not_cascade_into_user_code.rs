nn::network! { Net: [4] => dense(8, leaky_relu(-1.0)) -> dense(2) }

fn main() {
    use nn::{Network, Params};
    let model = Net::<f32>::new(1);
    let mut cache = NetCache::default();
    let _grads = NetGrads::<f32>::default();
    let out = model.forward(&[0.0; 4], &mut cache);
    println!("{} {} {}", out.len(), model.tensor_name(0), Net::<f32>::PARAMETERS);
}

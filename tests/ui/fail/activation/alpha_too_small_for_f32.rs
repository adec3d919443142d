nn::network! { Net: [4] => dense(8, elu(alpha = 1e-40)) -> dense(2) }

fn main() {}

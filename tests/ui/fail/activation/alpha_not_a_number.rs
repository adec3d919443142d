nn::network! { Net: [4] => dense(8, leaky_relu(alpha = relu)) -> dense(2) }

fn main() {}

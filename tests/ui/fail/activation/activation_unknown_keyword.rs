nn::network! { Net: [4] => dense(8, leaky_relu(slope = 0.2)) -> dense(2) }

fn main() {}

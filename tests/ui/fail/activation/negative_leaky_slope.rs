nn::network! { Net: [4] => dense(8, leaky_relu(-0.1)) -> dense(2) }

fn main() {}

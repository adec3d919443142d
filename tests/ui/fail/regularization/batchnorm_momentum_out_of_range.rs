nn::network! { Net: [1, 28, 28] => conv2d(8, 3) -> batchnorm(momentum = 1.5) -> relu -> flatten -> dense(10) }

fn main() {}

nn::network! { Net: [8] => batchnorm(0.9) -> dense(2) }

fn main() {}

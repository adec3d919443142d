nn::network! { Net: [1, 28, 28] => conv2d(8, 3, relu) -> dense(10) }

fn main() {}

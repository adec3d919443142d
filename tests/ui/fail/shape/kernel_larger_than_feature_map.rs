nn::network! { Net: [1, 28, 28] => conv2d(8, 5) -> maxpool2d(4) -> conv2d(8, 7) -> flatten -> dense(10) }

fn main() {}

nn::network! { Net: [1, 28, 28] => conv2d(8, 3, l1 = 1e-5) -> maxpool2d(2, l2 = 1e-4) -> flatten -> dense(10) }

fn main() {}

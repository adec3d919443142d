nn::network! { Net: [28, 28, 1] => conv2d(8, 3) -> flatten -> dense(10) }

fn main() {}

nn::network! { Net: [1, 100000, 100000] => conv2d(100000, 3) -> flatten -> dense(10) }

fn main() {}

nn::network! { Net: [1, 8, 8] => conv2d(8) -> flatten -> dense(2) }

fn main() {}

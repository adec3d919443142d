nn::network! { Net: [1, 28, 28] => conv2d(8, 4, padding = same) -> flatten -> dense(10) }

fn main() {}

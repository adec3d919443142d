nn::network! { Net: [1, 8, 8] => conv2d(4, 3, stride = 2, padding = same) -> flatten -> dense(2) }

fn main() {}

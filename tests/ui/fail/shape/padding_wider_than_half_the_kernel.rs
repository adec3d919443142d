nn::network! { Net: [1, 8, 8] => conv2d(4, 3, padding = 2) -> flatten -> dense(2) }

fn main() {}

nn::network! { Net: [1, 8, 8] => conv2d(4, 3, padding = sme) -> flatten -> dense(2) }

fn main() {}

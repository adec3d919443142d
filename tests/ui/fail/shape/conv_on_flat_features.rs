nn::network! { Net: [784] => conv2d(8, 3) -> flatten -> dense(10) }

fn main() {}

nn::network! { Net: [1, 2, 2] => maxpool2d(3) -> flatten -> dense(2) }

fn main() {}

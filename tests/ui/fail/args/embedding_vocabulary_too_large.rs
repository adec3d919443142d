nn::network! { Net: [4] => embedding(20000000, 1) -> flatten -> dense(2) }

fn main() {}

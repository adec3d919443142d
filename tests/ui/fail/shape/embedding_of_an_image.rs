nn::network! { Net: [1, 4, 4] => embedding(10, 2) -> flatten -> dense(2) }

fn main() {}

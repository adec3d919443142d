nn::network! { Net: [100] => dense(32, relu) -> embedding(1000, 8) -> flatten -> dense(2) }

fn main() {}

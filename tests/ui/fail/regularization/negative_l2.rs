nn::network! { Net: [784] => dense(128, relu, l2 = -1e-4) -> dense(10) }

fn main() {}

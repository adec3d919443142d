nn::network! { Net: [4] => dense(8, elu(1.0, 2.0)) -> dense(2) }

fn main() {}

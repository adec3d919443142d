nn::network! { Net: [4] => dense(8) -> elu(alpha = 0) -> dense(2) }

fn main() {}

nn::network! { Net: [4] => dense(8, leaky_rellu(0.2)) -> dense(2) }

fn main() {}

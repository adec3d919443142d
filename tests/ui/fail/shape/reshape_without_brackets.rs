nn::network! { Net: [784] => reshape(784) -> dense(2) }

fn main() {}

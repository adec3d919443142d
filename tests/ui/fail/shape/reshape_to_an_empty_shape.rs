nn::network! { Net: [784] => reshape([]) -> dense(2) }

fn main() {}

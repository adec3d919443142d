nn::network! { Net: [1, 4, 4] => flatten(2) -> dense(2) }

fn main() {}

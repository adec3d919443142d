nn::network! { Net: [3, 4000, 4000] => flatten -> dense(100000) }

fn main() {}

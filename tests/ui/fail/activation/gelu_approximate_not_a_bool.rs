nn::network! { Net: [4] => dense(8, gelu(approximate = 1)) -> dense(2) }

fn main() {}

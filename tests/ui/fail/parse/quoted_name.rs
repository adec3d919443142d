nn::network! { Net: [4] => dense(8, gelu(approximate = "tanh")) -> dense(2) }

fn main() {}

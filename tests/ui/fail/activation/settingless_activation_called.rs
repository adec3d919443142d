nn::network! { Net: [4] => dense(8, relu(0.5)) -> dense(2) }

fn main() {}

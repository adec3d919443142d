nn::network! { Net: [1, 28, 28] => conv2d(8, 3) -> layernorm -> flatten -> dense(10) }

fn main() {}

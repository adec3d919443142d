nn::network! { Net: [64] => residual(dense(64, relu) -> dense(32)) -> dense(10) }

fn main() {}

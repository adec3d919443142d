nn::network! { Net: [8] => layernorm(eps = 1e-50) -> dense(2) }

fn main() {}

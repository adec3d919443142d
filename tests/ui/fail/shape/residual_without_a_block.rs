nn::network! { Net: [8] => residual -> dense(2) }

fn main() {}

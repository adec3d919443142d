nn::network! { Net: [784] => dense(128, relu) -> dropout -> dense(10) }

fn main() {}

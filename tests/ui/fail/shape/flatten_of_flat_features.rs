nn::network! { Net: [784] => dense(128, relu) -> flatten -> dense(10) }

fn main() {}

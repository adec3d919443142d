nn::network! { Net: [8] => dropout(0.99999999999) -> dense(2) }

fn main() {}

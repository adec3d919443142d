nn::network! { Encoder: [784] => dense(64, relu) }

nn::network! { Net: [784] => Encoder -> dense(10) }

fn main() {}

nn::network! { Encoder: [784] => dense(64, relu) }

nn::network! { Net: [784] => Encoder(output = [32]) -> dense(10) }

fn main() {}

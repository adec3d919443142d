nn::network! {
    pub Net: [784] => dense(128, relu, use_bias = false) -> dense(10)
}

fn main() {}

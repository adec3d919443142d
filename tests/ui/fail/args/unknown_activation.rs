nn::network! {
    pub Net: [784] => dense(128, rleu) -> dense(10)
}

fn main() {}

nn::network! {
    pub Net: [784] => dense(64 * 2, relu) -> dense(10)
}

fn main() {}

nn::network! {
    pub Net: [784] => dense(99999999999999999999999, relu) -> dense(10)
}

fn main() {}

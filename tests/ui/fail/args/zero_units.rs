nn::network! {
    pub Net: [784] => dense(0, relu) -> dense(10)
}

fn main() {}

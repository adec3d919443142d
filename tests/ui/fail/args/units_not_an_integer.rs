nn::network! {
    pub Net: [784] => dense(12.5, relu) -> dense(10)
}

fn main() {}

nn::network! {
    pub Net: [784] => dense(-3, relu) -> dense(10)
}

fn main() {}

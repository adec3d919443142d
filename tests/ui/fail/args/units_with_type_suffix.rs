nn::network! {
    pub Net: [784] => dense(128u8, relu) -> dense(10)
}

fn main() {}

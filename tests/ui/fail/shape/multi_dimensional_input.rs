nn::network! {
    pub Net: [28, 28] => dense(128, relu) -> dense(10)
}

fn main() {}

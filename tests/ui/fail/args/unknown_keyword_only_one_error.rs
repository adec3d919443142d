nn::network! {
    pub Net: [784] => dense(unit = 128, activation = relu) -> dense(10)
}

fn main() {}

nn::network! {
    pub Net: [784] => dense(128, activation: relu) -> dense(10)
}

fn main() {}

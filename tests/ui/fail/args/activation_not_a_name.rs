nn::network! {
    pub Net: [784] => dense(128, 3) -> dense(10)
}

fn main() {}

nn::network! {
    pub Net: [784] =>
}

fn main() {}

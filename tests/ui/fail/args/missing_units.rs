nn::network! {
    pub Net: [784] => dense -> dense(10)
}

fn main() {}

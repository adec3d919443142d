nn::network! {
    pub Net: [4294967296] => dense(4294967296) -> dense(10)
}

fn main() {}

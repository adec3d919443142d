nn::network! {
    pub Net: [0] => dense(10)
}

fn main() {}

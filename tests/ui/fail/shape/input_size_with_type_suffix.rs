nn::network! {
    pub Net: [784u16] => dense(10)
}

fn main() {}

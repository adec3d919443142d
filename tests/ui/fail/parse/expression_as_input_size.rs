nn::network! {
    pub Net: [28 * 28] => dense(10)
}

fn main() {}

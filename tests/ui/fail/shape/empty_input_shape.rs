nn::network! {
    pub Net: [] => dense(10)
}

fn main() {}

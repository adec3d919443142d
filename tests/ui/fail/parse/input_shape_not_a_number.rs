nn::network! {
    pub Net: [features] => dense(10)
}

fn main() {}

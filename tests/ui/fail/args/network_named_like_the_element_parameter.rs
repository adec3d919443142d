nn::network! {
    pub E: [784] => dense(10)
}

fn main() {}

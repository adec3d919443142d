nn::network! {
    pub : [784] => dense(10)
}

fn main() {}

nn::network! {
    pub Net: [784] => dens(128, relu) -> dense(10)
}

fn main() {}

nn::network! {
    pub Net: [784] => dens(128) -> dense(0, rleu) -> relu(2) -> dense(10)
}

fn main() {
    // The stub emitted on error keeps this line from adding a second error.
    let _ = Net::<f32>::new(0);
}

mod models {
    nn::network! {
        #[allow(dead_code)]
        /// Private to this module, with an attribute.
        Small: [2] => dense(1)
    }

    pub fn count() -> usize {
        <Small as nn::Network>::PARAMETERS
    }
}

fn main() {
    assert_eq!(models::count(), 3);
}

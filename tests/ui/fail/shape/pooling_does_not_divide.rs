nn::network! {
    Net: [1, 28, 28] => conv2d(32, 3, relu) -> maxpool2d(2) -> conv2d(64, 3, relu) -> maxpool2d(2)
        -> flatten -> dense(10)
}

fn main() {}

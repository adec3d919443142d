nn::network! { Net: [784] => reshape([1, 28, 27]) -> conv2d(8, 3) -> flatten -> dense(10) }

fn main() {}

nn::network!(file = 123);

fn main() {}

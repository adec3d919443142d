nn::network!(file = "models/mlp.nn", extra);

fn main() {}

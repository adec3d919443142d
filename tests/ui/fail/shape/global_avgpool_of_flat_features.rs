nn::network! { Net: [8] => global_avgpool -> dense(2) }

fn main() {}

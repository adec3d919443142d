//! A small CNN on MNIST or Fashion-MNIST: two convolution + pooling blocks,
//! a dense layer with dropout, trained with Adam and sparse categorical
//! cross-entropy, then evaluated on the test split.
//!
//! ```text
//! cargo run --release --example mnist_cnn -- [--dataset mnist|fashion] [--epochs 6]
//!     [--batch-size 32] [--seed 42] [--threads N] [--data-dir PATH]
//!     [--validation-split 0.1] [--patience 2] [--out target/examples/mnist_cnn] [--resume]
//!     [--json]
//! ```
//!
//! It holds out the last 10% of the training images for validation, stops
//! after 2 epochs without a better validation loss (keeping the best
//! weights), keeps the checkpoint of the best validation accuracy, and writes
//! `history.csv` and `history.svg` under `--out`.

use std::process::ExitCode;

mod common;
mod training;

nn::network! {
    /// 28x28 -> 32 maps of 28x28 -> 14x14 -> 64 maps of 14x14 -> 7x7 -> 128 -> 10.
    Cnn: [1, 28, 28] => conv2d(32, 3, relu, padding = same) -> maxpool2d(2)
        -> conv2d(64, 3, relu, padding = same) -> maxpool2d(2)
        -> flatten -> dense(128, relu) -> dropout(0.5) -> dense(10)
}

fn main() -> ExitCode {
    let defaults = training::Defaults {
        epochs: 6,
        validation_split: 0.1,
        patience: 2,
    };
    training::main_with(defaults, Cnn::<f32>::new)
}

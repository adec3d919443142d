//! The Keras tutorial program, in Rust: train dense(128, relu) -> dense(10)
//! with Adam and sparse categorical cross-entropy on MNIST, then evaluate.
//!
//! ```text
//! cargo run --release --example mnist -- [--dataset mnist|fashion] [--epochs 10]
//!     [--batch-size 32] [--seed 42] [--threads N] [--data-dir PATH] [--json]
//! ```
//!
//! Expected: about 97.7% test accuracy on MNIST after 10 epochs (Keras
//! reaches 97.7% with the same program), about 88% on Fashion-MNIST.

use std::process::ExitCode;

mod common;
mod training;

nn::network! {
    /// The network of the Keras "quickstart for beginners" tutorial.
    Mlp: [784] => dense(128, relu) -> dense(10)
}

fn main() -> ExitCode {
    training::main_with(10, Mlp::<f32>::new)
}

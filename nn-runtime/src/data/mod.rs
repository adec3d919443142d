//! Data sets: in-memory samples with integer labels, and loaders for files.

mod dataset;
pub mod idx;
pub mod mnist;

pub use dataset::Dataset;
pub use mnist::{MnistKind, MnistSplits, load_mnist};

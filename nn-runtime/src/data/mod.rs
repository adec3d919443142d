//! Data sets: in-memory samples with class labels or target rows, and loaders for files.

mod dataset;
pub mod idx;
pub mod mnist;
mod tabular;

pub(crate) use dataset::BatchTargets;
pub use dataset::Dataset;
pub use mnist::{MnistKind, MnistSplits, load_mnist};
pub use tabular::{CsvData, load_csv_classes, load_csv_values};

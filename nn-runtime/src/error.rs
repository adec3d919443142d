//! The error type of everything that can fail on user input.

use std::fmt;
use std::path::PathBuf;

/// Result with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What went wrong, with the file, field and expectation that explain it.
///
/// # Examples
///
/// ```
/// use nn_runtime::Error;
/// let err = Error::InvalidArgument {
///     name: "batch_size",
///     expected: "at least 1".into(),
///     found: "0".into(),
/// };
/// assert_eq!(err.to_string(), "invalid batch_size: expected at least 1, found 0");
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// Reading a file failed at the operating-system level.
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A file does not start with the magic number its format requires.
    BadMagic {
        /// The file.
        path: PathBuf,
        /// The magic number the format requires.
        expected: u32,
        /// The magic number the file holds.
        found: u32,
    },
    /// A file ends before the data its header announces.
    Truncated {
        /// The file.
        path: PathBuf,
        /// Bytes the header announces (header included).
        expected_bytes: u64,
        /// Bytes actually present.
        found_bytes: u64,
    },
    /// A file holds something other than the layout expected.
    BadFormat {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        detail: String,
    },
    /// An image file and its label file disagree on the number of samples.
    CountMismatch {
        /// The images file.
        images: PathBuf,
        /// Samples in the images file.
        image_count: usize,
        /// The labels file.
        labels: PathBuf,
        /// Samples in the labels file.
        label_count: usize,
    },
    /// A label is not a valid class index.
    LabelOutOfRange {
        /// Where the labels came from.
        source: String,
        /// Index of the first bad sample.
        index: usize,
        /// Its label.
        label: usize,
        /// Number of classes (labels must be below it).
        classes: usize,
    },
    /// A data set was not found in any of the places searched.
    DataNotFound {
        /// The data set's name.
        dataset: String,
        /// Every directory tried, in order.
        searched: Vec<PathBuf>,
        /// How to get the data.
        hint: String,
    },
    /// Writing a file failed at the operating-system level; the previous
    /// file at `path`, if any, is untouched.
    WriteFailed {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A saved tensor does not fit the model: missing, of another type or
    /// shape, or unknown to the model.
    TensorMismatch {
        /// The file.
        path: PathBuf,
        /// The tensor's name.
        tensor: String,
        /// What the model needs.
        expected: String,
        /// What the file holds.
        found: String,
    },
    /// A value passed in (a hyper-parameter, a batch) is out of range.
    InvalidArgument {
        /// The argument.
        name: &'static str,
        /// What it must be.
        expected: String,
        /// What it was.
        found: String,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Io { path, source } => write!(f, "cannot read {}: {source}", path.display()),
            Self::BadMagic {
                path,
                expected,
                found,
            } => write!(
                f,
                "{}: wrong magic number {found} (0x{found:08x}); expected {expected} (0x{expected:08x})",
                path.display()
            ),
            Self::Truncated {
                path,
                expected_bytes,
                found_bytes,
            } => write!(
                f,
                "{}: truncated: the header announces {expected_bytes} bytes but the file has {found_bytes}",
                path.display()
            ),
            Self::BadFormat { path, detail } => write!(f, "{}: {detail}", path.display()),
            Self::CountMismatch {
                images,
                image_count,
                labels,
                label_count,
            } => write!(
                f,
                "{} holds {image_count} images but {} holds {label_count} labels; they must match",
                images.display(),
                labels.display()
            ),
            Self::LabelOutOfRange {
                source,
                index,
                label,
                classes,
            } => write!(
                f,
                "{source}: label {label} of sample {index} is out of range; expected 0 to {}",
                classes.saturating_sub(1)
            ),
            Self::DataNotFound {
                dataset,
                searched,
                hint,
            } => {
                write!(f, "{dataset} not found; looked in:")?;
                for dir in searched {
                    write!(f, "\n  {}", dir.display())?;
                }
                write!(f, "\n{hint}")
            }
            Self::WriteFailed { path, source } => {
                write!(f, "cannot write {}: {source}", path.display())
            }
            Self::TensorMismatch {
                path,
                tensor,
                expected,
                found,
            } => write!(
                f,
                "{}: tensor `{tensor}`: expected {expected}, found {found}",
                path.display()
            ),
            Self::InvalidArgument {
                name,
                expected,
                found,
            } => write!(f, "invalid {name}: expected {expected}, found {found}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Io { source, .. } | Self::WriteFailed { source, .. } => Some(source),
            _ => None,
        }
    }
}

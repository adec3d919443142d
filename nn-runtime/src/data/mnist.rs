//! MNIST and Fashion-MNIST: finding the files and loading both splits.
//!
//! The loader looks for the four standard IDX files (each gzip-compressed or
//! raw) in, in order: an explicit directory when one is given (and only
//! there), else `$NN_DATA_DIR`, `./data` and `../shared/data`. In each base
//! directory it accepts the files in the data set's own subfolder (`mnist/`,
//! `fashion-mnist/`) or directly inside.

use std::path::{Path, PathBuf};

use super::Dataset;
use super::idx::{self, IMAGES_MAGIC, LABELS_MAGIC};
use crate::{Error, Result};

/// Which of the two 28x28, 10-class data sets.
///
/// # Examples
///
/// ```
/// use nn_runtime::data::MnistKind;
/// assert_eq!("fashion".parse::<MnistKind>(), Ok(MnistKind::Fashion));
/// assert_eq!(MnistKind::Digits.folder(), "mnist");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MnistKind {
    /// Handwritten digits (LeCun, Cortes, Burges).
    Digits,
    /// Zalando's clothing images.
    Fashion,
}

impl MnistKind {
    /// The subfolder the files usually live in.
    pub fn folder(self) -> &'static str {
        match self {
            Self::Digits => "mnist",
            Self::Fashion => "fashion-mnist",
        }
    }

    /// The name users give it on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Self::Digits => "mnist",
            Self::Fashion => "fashion",
        }
    }
}

impl std::str::FromStr for MnistKind {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s {
            "mnist" | "digits" => Ok(Self::Digits),
            "fashion" | "fashion-mnist" => Ok(Self::Fashion),
            other => Err(format!(
                "unknown data set `{other}`; expected `mnist` or `fashion`"
            )),
        }
    }
}

/// The training (60,000) and test (10,000) splits, pixels scaled to `[0, 1]`.
///
/// # Examples
///
/// ```no_run
/// use nn_runtime::data::{load_mnist, MnistKind};
/// let mnist = load_mnist(MnistKind::Digits, None)?;
/// assert_eq!(mnist.train.features_per_sample(), 784);
/// # Ok::<(), nn_runtime::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct MnistSplits {
    /// The training split.
    pub train: Dataset,
    /// The test split.
    pub test: Dataset,
    /// The directory the files were read from.
    pub dir: PathBuf,
}

/// Number of classes in both data sets.
const CLASSES: usize = 10;

/// Finds and loads a data set (see the module docs for where it looks).
///
/// # Errors
///
/// [`Error::DataNotFound`] listing every directory tried and how to get the
/// data; the errors of [`idx::read`]; [`Error::CountMismatch`] when images and
/// labels differ in number; [`Error::LabelOutOfRange`] for a label above 9.
pub fn load_mnist(kind: MnistKind, explicit_dir: Option<&Path>) -> Result<MnistSplits> {
    let dir = locate(kind, explicit_dir)?;
    Ok(MnistSplits {
        train: load_split(&dir, "train")?,
        test: load_split(&dir, "t10k")?,
        dir,
    })
}

/// The four files of a data set, without the optional `.gz`.
const FILES: [&str; 4] = [
    "train-images-idx3-ubyte",
    "train-labels-idx1-ubyte",
    "t10k-images-idx3-ubyte",
    "t10k-labels-idx1-ubyte",
];

/// Side of the square images.
const SIDE: usize = 28;

/// The base directories searched when none is given explicitly.
fn default_bases() -> Vec<PathBuf> {
    let mut bases: Vec<PathBuf> = std::env::var_os("NN_DATA_DIR")
        .map(PathBuf::from)
        .into_iter()
        .collect();
    bases.extend([PathBuf::from("data"), PathBuf::from("../shared/data")]);
    bases
}

fn locate(kind: MnistKind, explicit_dir: Option<&Path>) -> Result<PathBuf> {
    let bases = match explicit_dir {
        Some(dir) => vec![dir.to_owned()],
        None => default_bases(),
    };
    let candidates: Vec<PathBuf> = bases
        .iter()
        .flat_map(|b| [b.join(kind.folder()), b.clone()])
        .collect();
    // A directory holding any of the four files is the one meant; a missing
    // sibling is then reported by name rather than as a missing data set.
    let found = candidates
        .iter()
        .find(|dir| FILES.iter().any(|name| file_in(dir, name).is_some()))
        .cloned();
    let where_to_put = match explicit_dir {
        Some(dir) => format!(
            "in {} or {}",
            dir.join(kind.folder()).display(),
            dir.display()
        ),
        None => format!(
            "in data/{folder}/, or set NN_DATA_DIR to the folder that holds {folder}/",
            folder = kind.folder()
        ),
    };
    found.ok_or_else(|| Error::DataNotFound {
        dataset: kind.folder().to_owned(),
        searched: candidates,
        hint: format!(
            "put {} (each gzipped or not) {where_to_put}; the files are published by the data set's authors",
            FILES.join(", ")
        ),
    })
}

/// `dir/name.gz` or `dir/name`, whichever exists.
fn file_in(dir: &Path, name: &str) -> Option<PathBuf> {
    [dir.join(format!("{name}.gz")), dir.join(name)]
        .into_iter()
        .find(|p| p.is_file())
}

fn required_file(dir: &Path, name: &str) -> Result<PathBuf> {
    file_in(dir, name).ok_or_else(|| Error::Io {
        path: dir.join(format!("{name}.gz")),
        source: std::io::Error::new(
            std::io::ErrorKind::NotFound,
            "missing (neither gzipped nor raw)",
        ),
    })
}

fn load_split(dir: &Path, prefix: &str) -> Result<Dataset> {
    let images_path = required_file(dir, &format!("{prefix}-images-idx3-ubyte"))?;
    let labels_path = required_file(dir, &format!("{prefix}-labels-idx1-ubyte"))?;
    let images = idx::read(&images_path, IMAGES_MAGIC)?;
    if images.dims[1..] != [SIDE, SIDE] {
        return Err(Error::BadFormat {
            path: images_path,
            detail: format!(
                "images are {}x{} pixels; expected {SIDE}x{SIDE}",
                images.dims[1], images.dims[2]
            ),
        });
    }
    if images.dims[0] == 0 {
        return Err(Error::BadFormat {
            path: images_path,
            detail: "holds no images".to_owned(),
        });
    }
    let labels = idx::read(&labels_path, LABELS_MAGIC)?;
    if images.dims[0] != labels.dims[0] {
        return Err(Error::CountMismatch {
            images: images_path,
            image_count: images.dims[0],
            labels: labels_path,
            label_count: labels.dims[0],
        });
    }
    let features = images.data.iter().map(|&p| f32::from(p) / 255.0).collect();
    let labels = labels.data.iter().map(|&l| usize::from(l)).collect();
    Dataset::from_parts(
        features,
        SIDE * SIDE,
        labels,
        CLASSES,
        &labels_path.display().to_string(),
    )
}

//! An in-memory data set: feature rows with class labels or target rows.

use ndarray::{Array2, ArrayView2};

use crate::loss::Targets;
use crate::{Error, Result};

/// What each sample should produce.
#[derive(Clone, Debug, PartialEq)]
enum Answers {
    /// A class index per sample, each below `classes`.
    Classes { labels: Vec<usize>, classes: usize },
    /// A row of `width` values per sample (one-hot or soft classes, 0/1
    /// labels for binary cross-entropy, regression targets).
    Values { values: Vec<f32>, width: usize },
}

/// Samples as rows of `f32` features, each with a class label or a row of
/// target values.
///
/// # Examples
///
/// ```
/// use ndarray::array;
/// use nn_runtime::data::Dataset;
/// let data = Dataset::new(array![[0.0f32, 1.0], [1.0, 0.0]], vec![1, 0], 2)?;
/// assert_eq!((data.len(), data.features_per_sample()), (2, 2));
/// assert_eq!(data.sample(1), &[1.0, 0.0]);
/// let prices = Dataset::with_values(array![[1.0f32], [2.0]], array![[10.0f32], [20.0]])?;
/// assert_eq!(prices.values().unwrap()[[1, 0]], 20.0);
/// # Ok::<(), nn_runtime::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Dataset {
    features: Vec<f32>,
    per_sample: usize,
    answers: Answers,
}

impl Dataset {
    /// A classification data set from a `[samples, features]` matrix and one
    /// label per row.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] when the row and label counts differ,
    /// `classes` is 0 or a feature is NaN or infinite;
    /// [`Error::LabelOutOfRange`] for a label `>= classes`.
    pub fn new(features: Array2<f32>, labels: Vec<usize>, classes: usize) -> Result<Self> {
        let per_sample = features.ncols();
        let features = features.as_standard_layout().iter().copied().collect();
        Self::from_parts(features, per_sample, labels, classes, "labels")
    }

    /// A data set whose targets are rows of values, `[samples, width]`: one-hot
    /// or soft class probabilities, 0/1 labels, or regression targets.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] when the row counts differ, a matrix has no
    /// columns, or a feature or target is NaN or infinite.
    pub fn with_values(features: Array2<f32>, targets: Array2<f32>) -> Result<Self> {
        let per_sample = features.ncols();
        let features: Vec<f32> = features.as_standard_layout().iter().copied().collect();
        let width = targets.ncols();
        let values: Vec<f32> = targets.as_standard_layout().iter().copied().collect();
        check_shape(features.len(), per_sample, values.len(), width, "targets")?;
        check_finite(&features, per_sample, "features", "feature")?;
        check_finite(&values, width, "targets", "target")?;
        Ok(Self {
            features,
            per_sample,
            answers: Answers::Values { values, width },
        })
    }

    /// A classification data set from flat row-major features; `source` names
    /// the labels in errors.
    pub(crate) fn from_parts(
        features: Vec<f32>,
        per_sample: usize,
        labels: Vec<usize>,
        classes: usize,
        source: &str,
    ) -> Result<Self> {
        if classes == 0 {
            return Err(Error::InvalidArgument {
                name: "classes",
                expected: "at least 1".to_owned(),
                found: "0".to_owned(),
            });
        }
        check_shape(features.len(), per_sample, labels.len(), 1, "labels")?;
        check_finite(&features, per_sample, "features", "feature")?;
        if let Some((index, &label)) = labels.iter().enumerate().find(|(_, l)| **l >= classes) {
            return Err(Error::LabelOutOfRange {
                source: source.to_owned(),
                index,
                label,
                classes,
            });
        }
        Ok(Self {
            features,
            per_sample,
            answers: Answers::Classes { labels, classes },
        })
    }

    /// Number of samples.
    pub fn len(&self) -> usize {
        self.features.len() / self.per_sample
    }

    /// Whether there are no samples.
    pub fn is_empty(&self) -> bool {
        self.features.is_empty()
    }

    /// Features in one sample.
    pub fn features_per_sample(&self) -> usize {
        self.per_sample
    }

    /// The number of classes of a labelled data set (every label is below
    /// it), `None` for value targets.
    pub fn classes(&self) -> Option<usize> {
        match &self.answers {
            Answers::Classes { classes, .. } => Some(*classes),
            Answers::Values { .. } => None,
        }
    }

    /// Values in one target row, `None` for class labels.
    pub fn target_width(&self) -> Option<usize> {
        match &self.answers {
            Answers::Classes { .. } => None,
            Answers::Values { width, .. } => Some(*width),
        }
    }

    /// All features, `[samples, features]`.
    pub fn features(&self) -> ArrayView2<'_, f32> {
        ArrayView2::from_shape((self.len(), self.per_sample), &self.features)
            .unwrap_or_else(|_| unreachable!("invariant: features hold len x per_sample values"))
    }

    /// All labels of a labelled data set; `None` for value targets.
    pub fn labels(&self) -> Option<&[usize]> {
        match &self.answers {
            Answers::Classes { labels, .. } => Some(labels),
            Answers::Values { .. } => None,
        }
    }

    /// All target rows, `[samples, width]`; `None` for class labels.
    pub fn values(&self) -> Option<ArrayView2<'_, f32>> {
        match &self.answers {
            Answers::Classes { .. } => None,
            Answers::Values { values, width } => Some(
                ArrayView2::from_shape((self.len(), *width), values)
                    .unwrap_or_else(|_| unreachable!("invariant: one target row per sample")),
            ),
        }
    }

    /// The features of sample `index`.
    ///
    /// # Panics
    ///
    /// When `index >= len()`.
    pub fn sample(&self, index: usize) -> &[f32] {
        &self.features[index * self.per_sample..(index + 1) * self.per_sample]
    }

    /// Splits off the last `fraction` of the samples (taken before any
    /// shuffling, as Keras's `validation_split` does): returns the first part
    /// and the last.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] unless `fraction` is in (0, 1) and leaves at
    /// least one sample on each side.
    ///
    /// # Examples
    ///
    /// ```
    /// use ndarray::Array2;
    /// use nn_runtime::data::Dataset;
    /// let data = Dataset::new(Array2::zeros((10, 3)), vec![0; 10], 2)?;
    /// let (train, validation) = data.split_last(0.2)?;
    /// assert_eq!((train.len(), validation.len()), (8, 2));
    /// # Ok::<(), nn_runtime::Error>(())
    /// ```
    pub fn split_last(&self, fraction: f64) -> Result<(Dataset, Dataset)> {
        let held_out = (self.len() as f64 * fraction).round() as usize;
        if !(fraction > 0.0 && fraction < 1.0) || held_out == 0 || held_out == self.len() {
            return Err(Error::InvalidArgument {
                name: "validation_split",
                expected: "a fraction in (0, 1) leaving samples on both sides".to_owned(),
                found: format!("{fraction} of {} samples", self.len()),
            });
        }
        let first = self.len() - held_out;
        Ok((self.rows(0..first), self.rows(first..self.len())))
    }

    /// The samples in `range`, as a data set of the same kind.
    fn rows(&self, range: std::ops::Range<usize>) -> Dataset {
        let features =
            self.features[range.start * self.per_sample..range.end * self.per_sample].to_vec();
        let answers = match &self.answers {
            Answers::Classes { labels, classes } => Answers::Classes {
                labels: labels[range].to_vec(),
                classes: *classes,
            },
            Answers::Values { values, width } => Answers::Values {
                values: values[range.start * width..range.end * width].to_vec(),
                width: *width,
            },
        };
        Dataset {
            features,
            per_sample: self.per_sample,
            answers,
        }
    }

    /// Copies the features of samples `indices` into `x`, and their targets
    /// into `batch`.
    pub(crate) fn gather(&self, indices: &[usize], x: &mut Vec<f32>, batch: &mut BatchTargets) {
        x.clear();
        batch.labels.clear();
        batch.values.clear();
        for &i in indices {
            x.extend_from_slice(self.sample(i));
            match &self.answers {
                Answers::Classes { labels, .. } => batch.labels.push(labels[i]),
                Answers::Values { values, width } => {
                    batch
                        .values
                        .extend_from_slice(&values[i * width..(i + 1) * width]);
                }
            }
        }
    }
}

/// Reused buffers for the targets of one batch.
#[derive(Clone, Debug, Default)]
pub(crate) struct BatchTargets {
    labels: Vec<usize>,
    values: Vec<f32>,
}

impl BatchTargets {
    /// The targets gathered last, as a loss reads them.
    pub(crate) fn targets(&self) -> Targets<'_, f32> {
        if self.values.is_empty() {
            Targets::Classes(&self.labels)
        } else {
            Targets::Values(&self.values)
        }
    }
}

/// Checks `len` values make whole rows of `per_sample`, as many as the
/// `targets_len / width` target rows.
fn check_shape(
    len: usize,
    per_sample: usize,
    targets_len: usize,
    width: usize,
    what: &'static str,
) -> Result<()> {
    if per_sample == 0 || width == 0 {
        return Err(Error::InvalidArgument {
            name: "features and targets per sample",
            expected: "at least 1 each".to_owned(),
            found: format!("{per_sample} features, {width} targets"),
        });
    }
    if len / per_sample != targets_len / width {
        return Err(Error::InvalidArgument {
            name: what,
            expected: format!(
                "one {} per sample ({})",
                if width == 1 && what == "labels" {
                    "label"
                } else {
                    "target row"
                },
                len / per_sample
            ),
            found: format!("{}", targets_len / width),
        });
    }
    Ok(())
}

/// Checks every value is finite, naming the first that is not (`noun` of it).
fn check_finite(values: &[f32], per_sample: usize, what: &'static str, noun: &str) -> Result<()> {
    match values.iter().position(|v| !v.is_finite()) {
        None => Ok(()),
        Some(at) => Err(Error::InvalidArgument {
            name: what,
            expected: "finite values".to_owned(),
            found: format!(
                "{} at {noun} {} of sample {}",
                values[at],
                at % per_sample,
                at / per_sample
            ),
        }),
    }
}

//! An in-memory classification data set.

use ndarray::{Array2, ArrayView2};

use crate::{Error, Result};

/// Samples as rows of `f32` features, each with a class label.
///
/// # Examples
///
/// ```
/// use ndarray::array;
/// use nn_runtime::data::Dataset;
/// let data = Dataset::new(array![[0.0f32, 1.0], [1.0, 0.0]], vec![1, 0], 2)?;
/// assert_eq!((data.len(), data.features_per_sample()), (2, 2));
/// assert_eq!(data.sample(1), &[1.0, 0.0]);
/// # Ok::<(), nn_runtime::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct Dataset {
    features: Vec<f32>,
    per_sample: usize,
    labels: Vec<usize>,
    classes: usize,
}

impl Dataset {
    /// A data set from a `[samples, features]` matrix and one label per row.
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

    /// A data set from flat row-major features; `source` names the labels in errors.
    pub(crate) fn from_parts(
        features: Vec<f32>,
        per_sample: usize,
        labels: Vec<usize>,
        classes: usize,
        source: &str,
    ) -> Result<Self> {
        if classes == 0 || per_sample == 0 {
            return Err(Error::InvalidArgument {
                name: "classes and features per sample",
                expected: "at least 1 each".to_owned(),
                found: format!("{classes} classes, {per_sample} features"),
            });
        }
        if features.len() != labels.len() * per_sample {
            return Err(Error::InvalidArgument {
                name: "labels",
                expected: format!("one label per sample ({})", features.len() / per_sample),
                found: format!("{} labels", labels.len()),
            });
        }
        if let Some(at) = features.iter().position(|v| !v.is_finite()) {
            return Err(Error::InvalidArgument {
                name: "features",
                expected: "finite values".to_owned(),
                found: format!(
                    "{} at feature {} of sample {}",
                    features[at],
                    at % per_sample,
                    at / per_sample
                ),
            });
        }
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
            labels,
            classes,
        })
    }

    /// Number of samples.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// Whether there are no samples.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// Features in one sample.
    pub fn features_per_sample(&self) -> usize {
        self.per_sample
    }

    /// Number of classes; every label is below it.
    pub fn classes(&self) -> usize {
        self.classes
    }

    /// All features, `[samples, features]`.
    pub fn features(&self) -> ArrayView2<'_, f32> {
        ArrayView2::from_shape((self.len(), self.per_sample), &self.features)
            .unwrap_or_else(|_| unreachable!("invariant: features hold len x per_sample values"))
    }

    /// All labels.
    pub fn labels(&self) -> &[usize] {
        &self.labels
    }

    /// The features of sample `index`.
    ///
    /// # Panics
    ///
    /// When `index >= len()`.
    pub fn sample(&self, index: usize) -> &[f32] {
        &self.features[index * self.per_sample..(index + 1) * self.per_sample]
    }
}

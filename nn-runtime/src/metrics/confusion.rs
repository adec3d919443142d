//! The confusion matrix and the classification figures read off it.

use std::fmt;

/// Counts of (actual class, predicted class) pairs over a data set.
///
/// Precision, recall and F1 are macro averages over classes, as
/// scikit-learn's `average="macro"`: a class never predicted has precision 0,
/// and a class absent from the data is left out of the averages.
///
/// # Examples
///
/// ```
/// use nn_runtime::metrics::ConfusionMatrix;
/// let mut matrix = ConfusionMatrix::new(2);
/// for (actual, predicted) in [(0, 0), (0, 1), (1, 1), (1, 1)] {
///     matrix.record(actual, predicted);
/// }
/// assert_eq!(matrix.count(0, 1), 1);
/// assert_eq!(matrix.accuracy(), 0.75);
/// assert_eq!(matrix.recall(0), Some(0.5));
/// assert!((matrix.macro_f1() - (2.0 / 3.0 + 0.8) / 2.0).abs() < 1e-12);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfusionMatrix {
    classes: usize,
    /// `counts[actual * classes + predicted]`.
    counts: Vec<u64>,
}

impl ConfusionMatrix {
    /// An empty matrix over `classes` classes.
    pub fn new(classes: usize) -> Self {
        Self {
            classes,
            counts: vec![0; classes * classes],
        }
    }

    /// The number of classes.
    pub fn classes(&self) -> usize {
        self.classes
    }

    /// Counts one sample.
    ///
    /// # Panics
    ///
    /// When a class is not below [`classes`](Self::classes).
    #[track_caller]
    pub fn record(&mut self, actual: usize, predicted: usize) {
        assert!(
            actual < self.classes && predicted < self.classes,
            "class {} is not below {} classes",
            actual.max(predicted),
            self.classes
        );
        self.counts[actual * self.classes + predicted] += 1;
    }

    /// Adds another matrix's counts.
    ///
    /// # Panics
    ///
    /// When the two have different numbers of classes.
    #[track_caller]
    pub fn merge(&mut self, other: &ConfusionMatrix) {
        assert_eq!(
            self.classes, other.classes,
            "confusion matrices differ in classes"
        );
        for (mine, theirs) in self.counts.iter_mut().zip(&other.counts) {
            *mine += theirs;
        }
    }

    /// Samples of class `actual` predicted as `predicted`.
    pub fn count(&self, actual: usize, predicted: usize) -> u64 {
        self.counts[actual * self.classes + predicted]
    }

    /// All samples counted.
    pub fn total(&self) -> u64 {
        self.counts.iter().sum()
    }

    /// The fraction predicted right (0 when empty).
    pub fn accuracy(&self) -> f64 {
        let right: u64 = (0..self.classes).map(|c| self.count(c, c)).sum();
        ratio(right, self.total()).unwrap_or(0.0)
    }

    /// Of the samples predicted as `class`, the fraction that are; `None`
    /// when nothing was predicted as `class`.
    pub fn precision(&self, class: usize) -> Option<f64> {
        let predicted = (0..self.classes).map(|a| self.count(a, class)).sum();
        ratio(self.count(class, class), predicted)
    }

    /// Of the samples of `class`, the fraction predicted as it; `None` when
    /// the data holds no sample of `class`.
    pub fn recall(&self, class: usize) -> Option<f64> {
        let actual = (0..self.classes).map(|p| self.count(class, p)).sum();
        ratio(self.count(class, class), actual)
    }

    /// The harmonic mean of precision and recall; `None` when `class` is
    /// absent from the data.
    pub fn f1(&self, class: usize) -> Option<f64> {
        let recall = self.recall(class)?;
        let precision = self.precision(class).unwrap_or(0.0);
        Some(if precision + recall == 0.0 {
            0.0
        } else {
            2.0 * precision * recall / (precision + recall)
        })
    }

    /// Mean precision over the classes present in the data.
    pub fn macro_precision(&self) -> f64 {
        self.macro_average(|class| self.precision(class).unwrap_or(0.0))
    }

    /// Mean recall over the classes present in the data.
    pub fn macro_recall(&self) -> f64 {
        self.macro_average(|class| self.recall(class).unwrap_or(0.0))
    }

    /// Mean F1 over the classes present in the data.
    pub fn macro_f1(&self) -> f64 {
        self.macro_average(|class| self.f1(class).unwrap_or(0.0))
    }

    fn macro_average(&self, per_class: impl Fn(usize) -> f64) -> f64 {
        let present: Vec<usize> = (0..self.classes)
            .filter(|&c| self.recall(c).is_some())
            .collect();
        let sum: f64 = present.iter().map(|&c| per_class(c)).sum();
        sum / present.len().max(1) as f64
    }
}

/// `part / whole`, or `None` when `whole` is 0.
fn ratio(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

impl fmt::Display for ConfusionMatrix {
    /// Rows are actual classes, columns predicted ones.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let width = self
            .counts
            .iter()
            .map(|c| c.to_string().len())
            .max()
            .unwrap_or(1)
            .max(self.classes.saturating_sub(1).to_string().len());
        write!(f, "{:>9}", "actual\\")?;
        for predicted in 0..self.classes {
            write!(f, " {predicted:>width$}")?;
        }
        writeln!(f)?;
        for actual in 0..self.classes {
            write!(f, "{actual:>9}")?;
            for predicted in 0..self.classes {
                write!(f, " {:>width$}", self.count(actual, predicted))?;
            }
            writeln!(f)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// y = [0, 0, 1, 1, 2, 2, 2], p = [0, 1, 1, 1, 2, 0, 2]. Per class:
    /// precision 1/2, 2/3, 1; recall 1/2, 1, 2/3; F1 1/2, 4/5, 4/5. Macro:
    /// precision and recall 13/18, F1 7/10 (scikit-learn's `average="macro"`).
    #[test]
    fn macro_figures_match_scikit_learn() {
        let mut matrix = ConfusionMatrix::new(3);
        for (y, p) in [0, 0, 1, 1, 2, 2, 2].into_iter().zip([0, 1, 1, 1, 2, 0, 2]) {
            matrix.record(y, p);
        }
        assert!((matrix.macro_precision() - 13.0 / 18.0).abs() < 1e-15);
        assert!((matrix.macro_recall() - 13.0 / 18.0).abs() < 1e-15);
        assert!((matrix.macro_f1() - 0.7).abs() < 1e-15);
        assert!((matrix.accuracy() - 5.0 / 7.0).abs() < 1e-15);
    }

    #[test]
    fn classes_absent_or_never_predicted_are_handled() {
        let mut matrix = ConfusionMatrix::new(3);
        matrix.record(0, 0);
        matrix.record(1, 0);
        // Class 2 is absent: left out of the averages. Class 1 is never predicted.
        assert_eq!(matrix.precision(1), None);
        assert_eq!(matrix.recall(2), None);
        assert_eq!(matrix.f1(1), Some(0.0));
        assert_eq!(matrix.macro_recall(), 0.5);
        assert_eq!(ConfusionMatrix::new(2).accuracy(), 0.0);
    }

    #[test]
    fn display_puts_actual_classes_in_rows() {
        let mut matrix = ConfusionMatrix::new(2);
        matrix.record(1, 0);
        matrix.record(1, 0);
        matrix.record(0, 0);
        assert_eq!(
            matrix.to_string(),
            "  actual\\ 0 1\n        0 1 0\n        1 2 0\n"
        );
    }
}

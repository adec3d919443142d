//! Tabular data from CSV files with a header row.

use std::path::Path;

use ndarray::Array2;

use super::Dataset;
use crate::{Error, Result};

/// A data set read from CSV, with the names that explain its columns.
///
/// # Examples
///
/// See [`load_csv_classes`].
#[derive(Clone, Debug, PartialEq)]
pub struct CsvData {
    /// The samples.
    pub dataset: Dataset,
    /// The feature columns' names, in order.
    pub feature_names: Vec<String>,
    /// For class labels given as text, each class's name (class `i` is
    /// `class_names[i]`, in sorted order); empty when labels were numbers.
    pub class_names: Vec<String>,
}

/// Reads a classification data set: every column but `label_column` is a
/// numeric feature. Labels are whole numbers from 0 (the classes are 0 up to
/// the largest, below 2^24), or text, each distinct text a class in sorted
/// order; not a mix of the two, and never empty.
///
/// # Errors
///
/// - [`Error::Io`] when the file cannot be read;
/// - [`Error::BadFormat`] naming the line and column of a value that is not
///   a finite number, an empty label, a numeric label that is not a whole
///   number from 0 below 2^24 while others are numbers, a row with another
///   number of fields than the header, a missing label column, or a file
///   without data rows.
///
/// # Examples
///
/// ```
/// let path = std::env::temp_dir().join(format!("nn-doc-iris-{}.csv", std::process::id()));
/// std::fs::write(&path, "petal_length,petal_width,species\n1.4,0.2,setosa\n4.7,1.4,versicolor\n")?;
/// let data = nn_runtime::data::load_csv_classes(&path, "species")?;
/// assert_eq!(data.dataset.labels(), Some(&[0, 1][..]));
/// assert_eq!(data.class_names, ["setosa", "versicolor"]);
/// assert_eq!(data.feature_names, ["petal_length", "petal_width"]);
/// # std::fs::remove_file(&path)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn load_csv_classes(path: &Path, label_column: &str) -> Result<CsvData> {
    let table = Table::read(path, &[label_column])?;
    let labels_text: Vec<&str> = table.targets.iter().map(|row| row[0].as_str()).collect();
    let bad_label = |row: usize, why: &str| Error::BadFormat {
        path: path.to_owned(),
        detail: format!(
            "line {}, column `{label_column}`: {why}",
            table.features[row].0
        ),
    };
    if let Some(row) = labels_text.iter().position(|t| t.is_empty()) {
        return Err(bad_label(row, "the label is empty"));
    }
    // Numbers are class indices; then every label must be one.
    if labels_text.iter().any(|t| t.parse::<f64>().is_ok()) {
        let index = |t: &str| t.parse::<usize>().ok().filter(|&i| i < MAX_CSV_CLASSES);
        if let Some(row) = labels_text.iter().position(|t| index(t).is_none()) {
            return Err(bad_label(
                row,
                &format!(
                    "`{}` is not a class index (a whole number from 0 below 2^24), while other \
                     labels are numbers; write every label as a class index, or every label as text",
                    labels_text[row]
                ),
            ));
        }
    }
    let numeric: Option<Vec<usize>> = labels_text.iter().map(|t| t.parse().ok()).collect();
    let (labels, class_names) = match numeric {
        Some(labels) => (labels, Vec::new()),
        None => {
            let mut names: Vec<String> = labels_text.iter().map(|t| (*t).to_owned()).collect();
            names.sort();
            names.dedup();
            let labels = labels_text
                .iter()
                .map(|t| names.binary_search_by(|n| n.as_str().cmp(t)).unwrap_or(0))
                .collect();
            (labels, names)
        }
    };
    let classes = labels
        .iter()
        .max()
        .map_or(1, |&m| m + 1)
        .max(class_names.len());
    let dataset = Dataset::new(table.features()?, labels, classes)?;
    Ok(CsvData {
        dataset,
        feature_names: table.feature_names,
        class_names,
    })
}

/// Reads a data set whose targets are the numeric columns `target_columns`
/// (regression values, or 0/1 labels for binary cross-entropy); every other
/// column is a numeric feature.
///
/// # Errors
///
/// As [`load_csv_classes`], for target values too.
///
/// # Examples
///
/// ```
/// let path = std::env::temp_dir().join(format!("nn-doc-houses-{}.csv", std::process::id()));
/// std::fs::write(&path, "rooms,age,price\n3,10,250.5\n4,2,410\n")?;
/// let data = nn_runtime::data::load_csv_values(&path, &["price"])?;
/// assert_eq!(data.dataset.values().unwrap()[[1, 0]], 410.0);
/// # std::fs::remove_file(&path)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn load_csv_values(path: &Path, target_columns: &[&str]) -> Result<CsvData> {
    let table = Table::read(path, target_columns)?;
    let targets = table.numbers(&table.targets, target_columns.len(), &table.target_names)?;
    let dataset = Dataset::with_values(table.features()?, targets)?;
    Ok(CsvData {
        dataset,
        feature_names: table.feature_names,
        class_names: Vec::new(),
    })
}

/// Class indices read from a CSV file stay below this (16.7 million classes).
const MAX_CSV_CLASSES: usize = 1 << 24;

/// A CSV file split into feature and target columns, still as text.
struct Table<'a> {
    path: &'a Path,
    feature_names: Vec<String>,
    target_names: Vec<String>,
    /// Per row: its line in the file, and its feature fields.
    features: Vec<(u64, Vec<String>)>,
    /// Per row: its target fields.
    targets: Vec<Vec<String>>,
}

impl<'a> Table<'a> {
    fn read(path: &'a Path, target_columns: &[&str]) -> Result<Self> {
        let bad = |detail: String| Error::BadFormat {
            path: path.to_owned(),
            detail,
        };
        let mut reader = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .from_path(path)
            .map_err(|e| csv_error(path, e))?;
        let header: Vec<String> = reader
            .headers()
            .map_err(|e| csv_error(path, e))?
            .iter()
            .map(str::to_owned)
            .collect();
        if header.iter().all(String::is_empty) {
            return Err(bad(
                "no header line: expected the column names on the first line".to_owned(),
            ));
        }
        let mut target_at = Vec::with_capacity(target_columns.len());
        for name in target_columns {
            let at = header.iter().position(|h| h == name).ok_or_else(|| {
                bad(format!(
                    "no column `{name}`; the header has {}",
                    header.join(", ")
                ))
            })?;
            target_at.push(at);
        }
        let feature_at: Vec<usize> = (0..header.len())
            .filter(|i| !target_at.contains(i))
            .collect();
        if feature_at.is_empty() {
            return Err(bad("no feature columns besides the targets".to_owned()));
        }
        let mut table = Table {
            path,
            feature_names: feature_at.iter().map(|&i| header[i].clone()).collect(),
            target_names: target_columns.iter().map(|&n| n.to_owned()).collect(),
            features: Vec::new(),
            targets: Vec::new(),
        };
        for record in reader.records() {
            let record = record.map_err(|e| csv_error(path, e))?;
            let line = record.position().map_or(0, csv::Position::line);
            let field = |i: usize| record.get(i).unwrap_or_default().to_owned();
            table
                .features
                .push((line, feature_at.iter().map(|&i| field(i)).collect()));
            table
                .targets
                .push(target_at.iter().map(|&i| field(i)).collect());
        }
        if table.features.is_empty() {
            return Err(bad("no data rows after the header".to_owned()));
        }
        Ok(table)
    }

    /// The feature fields as numbers.
    fn features(&self) -> Result<Array2<f32>> {
        let rows: Vec<Vec<String>> = self.features.iter().map(|(_, r)| r.clone()).collect();
        self.numbers(&rows, self.feature_names.len(), &self.feature_names)
    }

    /// `rows` (of `width` fields named `names`) parsed as finite numbers.
    fn numbers(&self, rows: &[Vec<String>], width: usize, names: &[String]) -> Result<Array2<f32>> {
        let mut values = Vec::with_capacity(rows.len() * width);
        for ((line, _), row) in self.features.iter().zip(rows) {
            for (text, name) in row.iter().zip(names) {
                match text.parse::<f32>() {
                    Ok(v) if v.is_finite() => values.push(v),
                    _ => {
                        return Err(Error::BadFormat {
                            path: self.path.to_owned(),
                            detail: format!(
                                "line {line}, column `{name}`: `{text}` is not a finite number"
                            ),
                        });
                    }
                }
            }
        }
        Array2::from_shape_vec((rows.len(), width), values)
            .map_err(|_| unreachable!("invariant: every row has `width` fields"))
    }
}

/// A CSV reader's error as ours: I/O failures as [`Error::Io`], the rest
/// (rows of another length, invalid UTF-8) as [`Error::BadFormat`] with its line.
fn csv_error(path: &Path, error: csv::Error) -> Error {
    let line = error.position().map(csv::Position::line);
    match error.into_kind() {
        csv::ErrorKind::Io(source) => Error::Io {
            path: path.to_owned(),
            source,
        },
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => Error::BadFormat {
            path: path.to_owned(),
            detail: format!(
                "line {}: {len} fields, but the header has {expected_len}",
                line.unwrap_or(0)
            ),
        },
        csv::ErrorKind::Utf8 { err, .. } => Error::BadFormat {
            path: path.to_owned(),
            detail: format!(
                "line {}, field {}: not valid UTF-8 text",
                line.unwrap_or(0),
                err.field() + 1
            ),
        },
        other => Error::BadFormat {
            path: path.to_owned(),
            detail: format!("line {}: {other:?}", line.unwrap_or(0)),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(name: &str, text: &str) -> std::path::PathBuf {
        let path = std::env::temp_dir().join(format!("nn-csv-{}-{name}.csv", std::process::id()));
        std::fs::write(&path, text).unwrap();
        path
    }

    fn error(text: &str, label: &str) -> String {
        let path = write("bad", text);
        let message = load_csv_classes(&path, label).unwrap_err().to_string();
        std::fs::remove_file(&path).unwrap();
        message
            .split_once(": ")
            .map(|(_, m)| m.to_owned())
            .unwrap_or(message)
    }

    #[test]
    fn numeric_labels_anywhere_and_quoted_fields() {
        let path = write("ok", "label,\"x, in cm\",y\n2, 1.5 ,\"-3\"\n0,0,1e3\n");
        let data = load_csv_classes(&path, "label").unwrap();
        std::fs::remove_file(&path).unwrap();
        assert_eq!(data.feature_names, ["x, in cm", "y"]);
        assert_eq!(data.dataset.classes(), Some(3));
        assert_eq!(data.dataset.sample(0), &[1.5, -3.0]);
        assert_eq!(data.dataset.sample(1), &[0.0, 1000.0]);
    }

    #[test]
    fn bad_input_names_the_line_and_column() {
        assert_eq!(
            error("a,b,label\n1,2,0\n3,x,1\n", "label"),
            "line 3, column `b`: `x` is not a finite number"
        );
        assert_eq!(
            error("a,label\n1,0\n2\n", "label"),
            "line 3: 1 fields, but the header has 2"
        );
        assert_eq!(
            error("a,label\nNaN,0\n", "label"),
            "line 2, column `a`: `NaN` is not a finite number"
        );
        assert_eq!(
            error("a,b\n1,2\n", "label"),
            "no column `label`; the header has a, b"
        );
        assert_eq!(error("a,label\n", "label"), "no data rows after the header");
        assert_eq!(
            error("label\n1\n", "label"),
            "no feature columns besides the targets"
        );
        assert_eq!(
            error("", "label"),
            "no header line: expected the column names on the first line"
        );
        assert_eq!(
            error("a,label\n1,0\n2,\n", "label"),
            "line 3, column `label`: the label is empty"
        );
        for label in ["?", "-1", "0.0", "18446744073709551615"] {
            let text = format!("a,label\n1,0\n2,{label}\n3,1\n");
            let message = error(&text, "label");
            assert!(
                message.starts_with(&format!(
                    "line 3, column `label`: `{label}` is not a class index"
                )),
                "{message}"
            );
        }
        let path = write("utf8", "a,label\n1,0\n");
        std::fs::write(&path, b"a,label\n1,\xff\n").unwrap();
        let message = load_csv_classes(&path, "label").unwrap_err().to_string();
        std::fs::remove_file(&path).unwrap();
        assert!(
            message.ends_with("line 2, field 2: not valid UTF-8 text"),
            "{message}"
        );
    }

    #[test]
    fn value_targets_are_checked_as_numbers_too() {
        let path = write("values", "x,price\n1,2.5\n2,cheap\n");
        let message = load_csv_values(&path, &["price"]).unwrap_err().to_string();
        std::fs::remove_file(&path).unwrap();
        assert!(
            message.ends_with("line 3, column `price`: `cheap` is not a finite number"),
            "{message}"
        );
        let missing = std::env::temp_dir().join("nn-csv-absent.csv");
        assert!(matches!(
            load_csv_values(&missing, &["y"]),
            Err(Error::Io { .. })
        ));
    }
}

//! Shared helpers of the integration tests: reading the PyTorch fixtures.
#![allow(dead_code)] // each test binary uses a different part of these helpers

use serde_json::Value;

/// One case of a fixture file: named tensors and settings.
pub struct Case<'a> {
    pub name: &'a str,
    fields: &'a serde_json::Map<String, Value>,
}

impl Case<'_> {
    /// The flattened values of tensor `key`.
    pub fn tensor(&self, key: &str) -> Vec<f64> {
        self.fields[key]["data"]
            .as_array()
            .unwrap_or_else(|| panic!("{}: `{key}` has no data", self.name))
            .iter()
            .map(|v| {
                v.as_f64()
                    .unwrap_or_else(|| panic!("{}: `{key}` holds a non-number", self.name))
            })
            .collect()
    }

    /// The 2-D tensor `key` transposed: a PyTorch `weight` `[out, in]` as our
    /// (and Keras's) dense kernel `[in, out]`.
    pub fn transposed(&self, key: &str) -> Vec<f64> {
        let shape: Vec<usize> = self.fields[key]["shape"]
            .as_array()
            .unwrap_or_else(|| panic!("{}: `{key}` has no shape", self.name))
            .iter()
            .map(|d| {
                d.as_u64()
                    .unwrap_or_else(|| panic!("{}: bad shape of `{key}`", self.name))
                    as usize
            })
            .collect();
        let [rows, cols] = shape[..] else {
            panic!("{}: `{key}` is not 2-D", self.name)
        };
        let values = self.tensor(key);
        (0..rows * cols)
            .map(|i| values[(i % rows) * cols + i / rows])
            .collect()
    }

    /// The first dimension of tensor `key` (its rows, or samples).
    pub fn rows(&self, key: &str) -> usize {
        self.fields[key]["shape"][0]
            .as_u64()
            .unwrap_or_else(|| panic!("{}: `{key}` has no first dimension", self.name))
            as usize
    }

    /// Tensor `key` as class labels.
    pub fn labels(&self, key: &str) -> Vec<usize> {
        self.tensor(key).into_iter().map(|v| v as usize).collect()
    }
}

/// Parses `tests/fixtures/<file>`.
pub fn fixture(file: &str) -> Value {
    let path = format!("{}/tests/fixtures/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Case `name` of a parsed fixture.
pub fn case<'a>(fixture: &'a Value, name: &'a str) -> Case<'a> {
    let fields = fixture["cases"][name]
        .as_object()
        .unwrap_or_else(|| panic!("fixture has no case `{name}`"));
    Case { name, fields }
}

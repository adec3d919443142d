//! Model weights (parameters and buffers) as a safetensors file.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use safetensors::tensor::{Dtype, SafeTensors, TensorView};

use super::write_atomically;
use crate::{Element, Error, Params, Result};

/// One tensor the model has: its name, shape and values.
struct Entry<E> {
    name: String,
    shape: Vec<usize>,
    values: Vec<E>,
}

/// Every parameter tensor, then every buffer, of `model`.
fn entries<E: Element, P: Params<E>>(model: &P) -> Vec<Entry<E>> {
    let parameters = (0..P::TENSORS).map(|index| Entry {
        name: model.tensor_name(index),
        shape: model.tensor_shape(index),
        values: model.tensor(index).to_vec(),
    });
    let buffers = model.buffers().into_iter().map(|(name, values)| Entry {
        name,
        shape: vec![values.len()],
        values,
    });
    parameters.chain(buffers).collect()
}

/// The safetensors type of `E`: `F32` or `F64`.
fn dtype<E: Element>() -> Dtype {
    if size_of::<E>() == 4 {
        Dtype::F32
    } else {
        Dtype::F64
    }
}

fn to_bytes<E: Element>(values: &[E]) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(size_of_val(values));
    for &v in values {
        if size_of::<E>() == 4 {
            bytes.extend_from_slice(&(v.into_f64() as f32).to_le_bytes());
        } else {
            bytes.extend_from_slice(&v.into_f64().to_le_bytes());
        }
    }
    bytes
}

fn from_bytes<E: Element>(bytes: &[u8]) -> Vec<E> {
    if size_of::<E>() == 4 {
        bytes
            .chunks_exact(4)
            .map(|b| E::from_f64(f64::from(f32::from_le_bytes([b[0], b[1], b[2], b[3]]))))
            .collect()
    } else {
        bytes
            .chunks_exact(8)
            .map(|b| E::from_f64(f64::from_le_bytes(b.try_into().unwrap_or([0; 8]))))
            .collect()
    }
}

/// Saves `model`'s parameters and buffers (batch-norm running statistics) to
/// `path` as safetensors, named and shaped as the [module](super) documents.
/// The file is replaced atomically.
///
/// # Errors
///
/// [`Error::WriteFailed`] when the file cannot be written.
///
/// # Examples
///
/// ```
/// use nn_runtime::persist::{load_weights, save_weights};
/// use nn_runtime::{testing::Tiny, Network, Params};
/// let path = std::env::temp_dir().join(format!("nn-doc-weights-{}.safetensors", std::process::id()));
/// let trained = Tiny::from_seed(1);
/// save_weights(&trained, &path)?;
/// let mut fresh = Tiny::from_seed(2);
/// load_weights(&mut fresh, &path)?;
/// assert_eq!(fresh.tensor(0), trained.tensor(0));
/// # std::fs::remove_file(&path).unwrap();
/// # Ok::<(), nn_runtime::Error>(())
/// ```
pub fn save_weights<E: Element, P: Params<E>>(model: &P, path: &Path) -> Result<()> {
    write_atomically(path, &serialize(model, HashMap::new()))
}

/// The safetensors bytes of `model`'s tensors, with `metadata` in the header.
pub(super) fn serialize<E: Element, P: Params<E>>(
    model: &P,
    mut metadata: HashMap<String, String>,
) -> Vec<u8> {
    let entries = entries(model);
    let bytes: Vec<Vec<u8>> = entries.iter().map(|e| to_bytes(&e.values)).collect();
    let views = entries.iter().zip(&bytes).map(|(entry, bytes)| {
        let view = TensorView::new(dtype::<E>(), entry.shape.clone(), bytes)
            .unwrap_or_else(|e| unreachable!("invariant: each shape matches its values: {e}"));
        (entry.name.clone(), view)
    });
    metadata.insert("format".to_owned(), "nn".to_owned());
    safetensors::serialize(views, Some(metadata))
        .unwrap_or_else(|e| unreachable!("invariant: distinct names and consistent sizes: {e}"))
}

/// Loads weights saved by [`save_weights`] into `model`. Every tensor's name,
/// type and shape is checked against the model before anything is changed, so
/// on error the model is as it was.
///
/// # Errors
///
/// - [`Error::Io`] when the file cannot be read;
/// - [`Error::BadFormat`] when it is not a whole safetensors file (truncated,
///   corrupted header, offsets out of range);
/// - [`Error::TensorMismatch`] naming the first tensor that is missing, of
///   another type or shape, or that the model does not have.
///
/// # Examples
///
/// See [`save_weights`].
pub fn load_weights<E: Element, P: Params<E>>(model: &mut P, path: &Path) -> Result<()> {
    let bytes = std::fs::read(path).map_err(|source| Error::Io {
        path: path.to_owned(),
        source,
    })?;
    let file = parse(path, &bytes)?;
    restore(model, path, &file)
}

/// Parses a whole safetensors file.
pub(super) fn parse<'a>(path: &Path, bytes: &'a [u8]) -> Result<SafeTensors<'a>> {
    SafeTensors::deserialize(bytes).map_err(|e| Error::BadFormat {
        path: path.to_owned(),
        detail: format!("not a complete safetensors file ({e})"),
    })
}

/// Checks every tensor of `file` against `model`, then copies them in.
pub(super) fn restore<E: Element, P: Params<E>>(
    model: &mut P,
    path: &Path,
    file: &SafeTensors<'_>,
) -> Result<()> {
    let mismatch = |tensor: &str, expected: String, found: String| Error::TensorMismatch {
        path: path.to_owned(),
        tensor: tensor.to_owned(),
        expected,
        found,
    };
    let wanted = entries(model);
    let mut loaded = Vec::with_capacity(wanted.len());
    for entry in &wanted {
        let expected = format!("{:?} of shape {:?}", dtype::<E>(), entry.shape);
        let view = file
            .tensor(&entry.name)
            .map_err(|_| mismatch(&entry.name, expected.clone(), "no such tensor".to_owned()))?;
        if view.dtype() != dtype::<E>() || view.shape() != entry.shape.as_slice() {
            let found = format!("{:?} of shape {:?}", view.dtype(), view.shape());
            return Err(mismatch(&entry.name, expected, found));
        }
        loaded.push(from_bytes::<E>(view.data()));
    }
    let known: BTreeSet<&str> = wanted.iter().map(|e| e.name.as_str()).collect();
    if let Some(extra) = file.names().into_iter().find(|name| !known.contains(name)) {
        return Err(mismatch(
            extra,
            "only the model's tensors".to_owned(),
            "a tensor the model does not have (a different architecture?)".to_owned(),
        ));
    }
    for (index, values) in loaded.iter().enumerate().take(P::TENSORS) {
        model.tensor_mut(index).copy_from_slice(values);
    }
    for (entry, values) in wanted.iter().zip(&loaded).skip(P::TENSORS) {
        let restored = model.set_buffer(&entry.name, values);
        debug_assert!(restored, "buffer {} was listed by the model", entry.name);
    }
    Ok(())
}

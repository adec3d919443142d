//! Named tensors to and from safetensors bytes: what weight files and
//! training checkpoints share.

use std::collections::HashMap;
use std::path::Path;

use safetensors::tensor::{Dtype, SafeTensors, TensorView};

use crate::{Element, Error, Params, Result};

/// One tensor to save or to find: its name, shape and values.
pub(super) struct Entry<E> {
    pub(super) name: String,
    pub(super) shape: Vec<usize>,
    pub(super) values: Vec<E>,
}

/// Every parameter tensor, then every buffer, of `model`, names prefixed by `prefix`.
pub(super) fn model_entries<E: Element, P: Params<E>>(model: &P, prefix: &str) -> Vec<Entry<E>> {
    let parameters = (0..P::TENSORS).map(|index| Entry {
        name: format!("{prefix}{}", model.tensor_name(index)),
        shape: model.tensor_shape(index),
        values: model.tensor(index).to_vec(),
    });
    let buffers = model.buffers().into_iter().map(|(name, values)| Entry {
        name: format!("{prefix}{name}"),
        shape: vec![values.len()],
        values,
    });
    parameters.chain(buffers).collect()
}

/// The safetensors type of `E`: `F32` or `F64`.
pub(super) fn dtype<E: Element>() -> Dtype {
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

/// The safetensors bytes of `entries` and the `U64` tensors `counts`, with
/// `metadata` in the header.
pub(super) fn serialize<E: Element>(
    entries: &[Entry<E>],
    counts: &[(&str, &[u64])],
    metadata: HashMap<String, String>,
) -> Vec<u8> {
    let floats: Vec<Vec<u8>> = entries.iter().map(|e| to_bytes(&e.values)).collect();
    let integers: Vec<Vec<u8>> = counts
        .iter()
        .map(|(_, values)| values.iter().flat_map(|v| v.to_le_bytes()).collect())
        .collect();
    let float_views = entries.iter().zip(&floats).map(|(entry, bytes)| {
        (
            entry.name.clone(),
            view(dtype::<E>(), entry.shape.clone(), bytes),
        )
    });
    let integer_views = counts.iter().zip(&integers).map(|((name, values), bytes)| {
        (
            (*name).to_owned(),
            view(Dtype::U64, vec![values.len()], bytes),
        )
    });
    safetensors::serialize(float_views.chain(integer_views), Some(metadata))
        .unwrap_or_else(|e| unreachable!("invariant: distinct names and consistent sizes: {e}"))
}

fn view(dtype: Dtype, shape: Vec<usize>, bytes: &[u8]) -> TensorView<'_> {
    TensorView::new(dtype, shape, bytes)
        .unwrap_or_else(|e| unreachable!("invariant: each shape matches its values: {e}"))
}

/// The bytes of the file at `path`.
pub(super) fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|source| Error::Io {
        path: path.to_owned(),
        source,
    })
}

/// Parses a whole safetensors file read from `path`.
pub(super) fn parse<'a>(path: &Path, bytes: &'a [u8]) -> Result<SafeTensors<'a>> {
    SafeTensors::deserialize(bytes).map_err(|e| Error::BadFormat {
        path: path.to_owned(),
        detail: format!("not a complete safetensors file ({e})"),
    })
}

/// A [`Error::TensorMismatch`] for `tensor` of `path`.
pub(super) fn mismatch(path: &Path, tensor: &str, expected: String, found: String) -> Error {
    Error::TensorMismatch {
        path: path.to_owned(),
        tensor: tensor.to_owned(),
        expected,
        found,
    }
}

/// The values of tensor `name`, checked to be of `E`'s type and `shape`.
pub(super) fn floats<E: Element>(
    path: &Path,
    file: &SafeTensors<'_>,
    name: &str,
    shape: &[usize],
) -> Result<Vec<E>> {
    let expected = format!("{:?} of shape {shape:?}", dtype::<E>());
    let view = file
        .tensor(name)
        .map_err(|_| mismatch(path, name, expected.clone(), "no such tensor".to_owned()))?;
    if view.dtype() != dtype::<E>() || view.shape() != shape {
        let found = format!("{:?} of shape {:?}", view.dtype(), view.shape());
        return Err(mismatch(path, name, expected, found));
    }
    Ok(from_bytes(view.data()))
}

/// The values of the one-dimensional `U64` tensor `name`.
pub(super) fn counts(path: &Path, file: &SafeTensors<'_>, name: &str) -> Result<Vec<u64>> {
    let expected = "U64 of one dimension".to_owned();
    let view = file
        .tensor(name)
        .map_err(|_| mismatch(path, name, expected.clone(), "no such tensor".to_owned()))?;
    if view.dtype() != Dtype::U64 || view.shape().len() != 1 {
        let found = format!("{:?} of shape {:?}", view.dtype(), view.shape());
        return Err(mismatch(path, name, expected, found));
    }
    Ok(view
        .data()
        .chunks_exact(8)
        .map(|b| u64::from_le_bytes(b.try_into().unwrap_or([0; 8])))
        .collect())
}

/// Checks every entry of `model` (names prefixed by `prefix`) is in `file`
/// with its type and shape, and returns their values in order.
pub(super) fn model_values<E: Element, P: Params<E>>(
    path: &Path,
    file: &SafeTensors<'_>,
    model: &P,
    prefix: &str,
) -> Result<Vec<Vec<E>>> {
    model_entries(model, prefix)
        .iter()
        .map(|entry| floats(path, file, &entry.name, &entry.shape))
        .collect()
}

/// Copies values found by [`model_values`] into `model`.
pub(super) fn set_model<E: Element, P: Params<E>>(model: &mut P, values: &[Vec<E>]) {
    for (index, values) in values.iter().enumerate().take(P::TENSORS) {
        model.tensor_mut(index).copy_from_slice(values);
    }
    let buffers: Vec<String> = model.buffers().into_iter().map(|(name, _)| name).collect();
    for (name, values) in buffers.iter().zip(values.iter().skip(P::TENSORS)) {
        let restored = model.set_buffer(name, values);
        debug_assert!(restored, "buffer {name} was listed by the model");
    }
}

/// An error for the first name in `file` that `known` does not accept.
pub(super) fn refuse_unknown(
    path: &Path,
    file: &SafeTensors<'_>,
    known: impl Fn(&str) -> bool,
) -> Result<()> {
    match file.names().into_iter().find(|name| !known(name)) {
        None => Ok(()),
        Some(extra) => Err(mismatch(
            path,
            extra,
            "only the model's tensors".to_owned(),
            "a tensor the model does not have (a different architecture?)".to_owned(),
        )),
    }
}

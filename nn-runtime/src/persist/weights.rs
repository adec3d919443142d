//! Model weights (parameters and buffers) as a safetensors file.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use super::tensors::{
    model_entries, model_values, parse, read, refuse_unknown, serialize, set_model,
};
use super::write_atomically;
use crate::{Element, Params, Result};

/// Saves `model`'s parameters and buffers (batch-norm running statistics) to
/// `path` as safetensors, named and shaped as the [module](super) documents.
/// The file is replaced atomically.
///
/// # Errors
///
/// [`crate::Error::WriteFailed`] when the file cannot be written.
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
    let metadata = HashMap::from([("format".to_owned(), "nn".to_owned())]);
    write_atomically(path, &serialize(&model_entries(model, ""), &[], metadata))
}

/// Loads weights saved by [`save_weights`] into `model`. Every tensor's name,
/// type and shape is checked against the model before anything is changed, so
/// on error the model is as it was.
///
/// # Errors
///
/// - [`crate::Error::Io`] when the file cannot be read;
/// - [`crate::Error::BadFormat`] when it is not a whole safetensors file (truncated,
///   corrupted header, offsets out of range);
/// - [`crate::Error::TensorMismatch`] naming the first tensor that is missing, of
///   another type or shape, or that the model does not have.
///
/// # Examples
///
/// See [`save_weights`].
pub fn load_weights<E: Element, P: Params<E>>(model: &mut P, path: &Path) -> Result<()> {
    let bytes = read(path)?;
    let file = parse(path, &bytes)?;
    let values = model_values(path, &file, model, "")?;
    let known: BTreeSet<String> = model_entries(model, "")
        .into_iter()
        .map(|e| e.name)
        .collect();
    refuse_unknown(path, &file, |name| known.contains(name))?;
    set_model(model, &values);
    Ok(())
}

//! Class probabilities and labels for new inputs.

use ndarray::{Array2, ArrayView2};

use crate::act::{sigmoid, softmax_row};
use crate::gemm::FlushDenormals;
use crate::loss::argmax;
use crate::network::Output;
use crate::shape::Shape;
use crate::{Error, Network, Result};

/// Samples per forward pass when predicting.
const PREDICT_BATCH: usize = 1024;

/// Class probabilities, `[samples, classes]`, for inputs `[samples, features]`.
///
/// The network's outputs when its last layer is a softmax or a sigmoid;
/// otherwise they are logits, turned into probabilities by a softmax, or by a
/// sigmoid when there is a single output (one yes/no per sample).
///
/// # Errors
///
/// [`Error::InvalidArgument`] when `x` does not have the network's input width.
///
/// # Examples
///
/// ```
/// use ndarray::array;
/// use nn_runtime::train::predict_proba;
/// # use nn_runtime::{testing::Tiny, Network};
/// let p = predict_proba(&Tiny::from_seed(1), array![[0.0f32, 1.0]].view())?;
/// assert!((p.sum() - 1.0).abs() < 1e-6);
/// # Ok::<(), nn_runtime::Error>(())
/// ```
pub fn predict_proba<N: Network<f32>>(model: &N, x: ArrayView2<'_, f32>) -> Result<Array2<f32>> {
    let (inputs, classes) = (<N::Input as Shape>::NUMEL, <N::Output as Shape>::NUMEL);
    if x.ncols() != inputs {
        return Err(Error::InvalidArgument {
            name: "x",
            expected: format!("{inputs} features per row (the network's input)"),
            found: format!("{} per row", x.ncols()),
        });
    }
    let x = x.as_standard_layout();
    let flat = x
        .as_slice()
        .unwrap_or_else(|| unreachable!("invariant: standard layout is contiguous"));
    let _flush = FlushDenormals::enable();
    let mut out = Vec::with_capacity(x.nrows() * classes);
    let mut cache = N::Cache::default();
    for chunk in flat.chunks(PREDICT_BATCH * inputs) {
        out.extend_from_slice(model.forward(chunk, &mut cache));
    }
    match N::OUTPUT {
        Output::Softmax | Output::Sigmoid => {}
        // One logit per sample is one yes/no: its probability is a sigmoid.
        _ if classes == 1 => out.iter_mut().for_each(|z| *z = sigmoid(*z)),
        _ => out.chunks_exact_mut(classes).for_each(softmax_row),
    }
    Ok(Array2::from_shape_vec((x.nrows(), classes), out)
        .unwrap_or_else(|_| unreachable!("invariant: one output row per input row")))
}

/// The most likely class of each row of `x`; with a single output, class 1
/// where its probability is at least 0.5, as binary accuracy counts.
///
/// # Errors
///
/// As [`predict_proba`].
///
/// # Examples
///
/// ```
/// use ndarray::array;
/// use nn_runtime::train::predict_classes;
/// # use nn_runtime::{testing::Tiny, Network};
/// let classes = predict_classes(&Tiny::from_seed(1), array![[0.0f32, 1.0], [1.0, 0.0]].view())?;
/// assert_eq!(classes.len(), 2);
/// # Ok::<(), nn_runtime::Error>(())
/// ```
pub fn predict_classes<N: Network<f32>>(model: &N, x: ArrayView2<'_, f32>) -> Result<Vec<usize>> {
    let proba = predict_proba(model, x)?;
    let classes = proba.ncols().max(1);
    let flat = proba.as_slice().unwrap_or_else(|| {
        unreachable!("invariant: predict_proba returns a standard-layout array")
    });
    if classes == 1 {
        return Ok(flat.iter().map(|&p| usize::from(p >= 0.5)).collect());
    }
    Ok(flat
        .chunks_exact(classes)
        .map(|row| argmax(row).0)
        .collect())
}

//! An optimizer's state as named tensors, for checkpoints.

use crate::{Element, Error, Params, Result};

/// What an optimizer has accumulated: its update count and its per-parameter
/// tensors (moments, velocities, sums of squares), each named
/// `<kind>.<parameter name>`, such as `m.dense0.weight`.
///
/// # Examples
///
/// ```
/// use nn_runtime::layers::{Dense, DenseGrads};
/// use nn_runtime::act::Identity;
/// use nn_runtime::optim::{Adam, AdamConfig, Optimizer};
/// use nn_runtime::rng::SeededRng;
/// let mut layer = Dense::<1, 1, Identity>::new(&mut SeededRng::new(0));
/// let mut adam = Adam::<DenseGrads<1, 1>>::new(AdamConfig::keras())?;
/// adam.step(&mut layer, &DenseGrads { weight: vec![1.0], bias: vec![0.5] });
/// let state = Optimizer::<f32, Dense<1, 1, Identity>, _>::state(&adam);
/// assert_eq!(state.steps, 1);
/// assert_eq!(state.tensors[0].0, "m.weight");
/// let mut fresh = Adam::<DenseGrads<1, 1>>::new(AdamConfig::keras())?;
/// Optimizer::<f32, Dense<1, 1, Identity>, _>::restore(&mut fresh, &state)?;
/// # Ok::<(), nn_runtime::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct OptimizerState<E> {
    /// Updates applied so far.
    pub steps: u64,
    /// Named tensors, in a fixed order.
    pub tensors: Vec<(String, Vec<E>)>,
}

/// `(kind.name, values)` for each tensor of `moments`.
pub(super) fn named<E: Element, G: Params<E>>(kind: &str, moments: &G) -> Vec<(String, Vec<E>)> {
    (0..G::TENSORS)
        .map(|i| {
            (
                format!("{kind}.{}", moments.tensor_name(i)),
                moments.tensor(i).to_vec(),
            )
        })
        .collect()
}

/// For each `(kind, moments)` pair, copies the tensors named `kind.<name>`
/// in `state` into `moments`, after checking all of them, of every pair, are
/// there with the right lengths: on error nothing has changed.
///
/// # Errors
///
/// [`Error::InvalidArgument`] naming the first tensor missing or of another length.
pub(super) fn restore_named<E: Element, G: Params<E>>(
    targets: &mut [(&str, &mut G)],
    state: &OptimizerState<E>,
) -> Result<()> {
    let mut found = Vec::new();
    for (kind, moments) in targets.iter() {
        for i in 0..G::TENSORS {
            let name = format!("{kind}.{}", moments.tensor_name(i));
            let len = moments.tensor(i).len();
            let values = state
                .tensors
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v)
                .filter(|v| v.len() == len)
                .ok_or_else(|| Error::InvalidArgument {
                    name: "optimizer state",
                    expected: format!("tensor `{name}` of {len} values"),
                    found: "it missing or of another length (another optimizer or model?)"
                        .to_owned(),
                })?;
            found.push(values);
        }
    }
    let mut values = found.into_iter();
    for (_, moments) in targets.iter_mut() {
        for i in 0..G::TENSORS {
            if let Some(v) = values.next() {
                moments.tensor_mut(i).copy_from_slice(v);
            }
        }
    }
    Ok(())
}

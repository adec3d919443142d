//! Gradient clipping, applied between the backward pass and the update.

use crate::{Element, Error, Params, Result};

/// How to bound gradients before each update.
///
/// # Examples
///
/// ```
/// use nn_runtime::layers::DenseGrads;
/// use nn_runtime::optim::Clip;
/// let mut grads = DenseGrads::<1, 2> { weight: vec![3.0, 0.0], bias: vec![4.0, 0.0] };
/// Clip::Norm(1.0).apply(&mut grads);
/// assert_eq!((grads.weight[0], grads.bias[0]), (0.6, 0.8)); // global norm 5 scaled to 1
/// Clip::Value(0.7).apply(&mut grads);
/// assert_eq!(grads.bias[0], 0.7);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Clip {
    /// Scales all gradients together so that their global L2 norm (over every
    /// tensor) is at most this, as `torch.nn.utils.clip_grad_norm_` and Keras's
    /// `global_clipnorm` do; smaller gradients are left alone.
    Norm(f64),
    /// Clamps each gradient value to `[-v, v]` (Keras's `clipvalue`).
    Value(f64),
}

impl Clip {
    /// Checks the bound is positive and finite.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] naming the setting.
    pub fn validate(&self) -> Result<()> {
        let (name, bound) = match *self {
            Clip::Norm(bound) => ("clip norm", bound),
            Clip::Value(bound) => ("clip value", bound),
        };
        if super::positive_in_f32(bound) {
            Ok(())
        } else {
            Err(Error::InvalidArgument {
                name,
                expected: super::POSITIVE_IN_F32.to_owned(),
                found: bound.to_string(),
            })
        }
    }

    /// Clips `grads` in place; returns their global L2 norm before clipping.
    pub fn apply<E: Element, G: Params<E>>(&self, grads: &mut G) -> f64 {
        let norm = (0..G::TENSORS)
            .flat_map(|i| grads.tensor(i).iter())
            .map(|g| {
                let g = g.into_f64();
                g * g
            })
            .sum::<f64>()
            .sqrt();
        match *self {
            Clip::Norm(max) if norm > max => {
                let scale = E::from_f64(max / norm);
                for i in 0..G::TENSORS {
                    grads.tensor_mut(i).iter_mut().for_each(|g| *g *= scale);
                }
            }
            Clip::Norm(_) => {}
            Clip::Value(bound) => {
                let (low, high) = (E::from_f64(-bound), E::from_f64(bound));
                for i in 0..G::TENSORS {
                    grads
                        .tensor_mut(i)
                        .iter_mut()
                        .for_each(|g| *g = g.max(low).min(high));
                }
            }
        }
        norm
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layers::DenseGrads;

    #[test]
    fn small_gradients_pass_unchanged_and_bad_bounds_are_named() {
        let mut grads = DenseGrads::<1, 1, f64> {
            weight: vec![0.3],
            bias: vec![-0.4],
        };
        assert!((Clip::Norm(1.0).apply(&mut grads) - 0.5).abs() < 1e-15);
        assert_eq!((grads.weight[0], grads.bias[0]), (0.3, -0.4));
        Clip::Value(0.35).apply(&mut grads);
        assert_eq!((grads.weight[0], grads.bias[0]), (0.3, -0.35));
        let error = Clip::Norm(0.0).validate().unwrap_err();
        assert_eq!(
            error.to_string(),
            "invalid clip norm: expected a positive number that f32 holds (1.2e-38 to 3.4e38), \
             found 0"
        );
        assert!(Clip::Value(f64::NAN).validate().is_err());
        assert!(Clip::Value(1e-300).validate().is_err(), "0 in f32");
    }
}

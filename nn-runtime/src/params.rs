//! Uniform access to the parameter tensors of a layer or network.
//!
//! Parameters, their gradients and optimizer moments all implement
//! [`Params`] with the same tensor order and lengths, so an optimizer walks
//! them in lock-step without knowing the model.

use crate::Element;

/// An ordered, fixed set of flat parameter tensors.
///
/// # Examples
///
/// ```
/// use nn_runtime::act::Relu;
/// use nn_runtime::layers::Dense;
/// use nn_runtime::Params;
/// let dense = Dense::<3, 2, Relu>::new(&mut nn_runtime::rng::SeededRng::new(0));
/// assert_eq!(<Dense<3, 2, Relu> as Params<f32>>::TENSORS, 2);
/// assert_eq!(dense.tensor(0).len(), 6); // weight [in, out]
/// assert_eq!(dense.tensor(1).len(), 2); // bias
/// assert_eq!(dense.tensor_name(1), "bias");
/// ```
pub trait Params<E: Element> {
    /// Number of tensors.
    const TENSORS: usize;

    /// Tensor `index`, flattened row-major.
    ///
    /// # Panics
    ///
    /// When `index >= TENSORS`.
    fn tensor(&self, index: usize) -> &[E];

    /// Tensor `index`, mutable.
    ///
    /// # Panics
    ///
    /// When `index >= TENSORS`.
    fn tensor_mut(&mut self, index: usize) -> &mut [E];

    /// Tensor `index`'s stable name (`"weight"`, or `"dense0.weight"` in a network).
    ///
    /// # Panics
    ///
    /// When `index >= TENSORS`.
    fn tensor_name(&self, index: usize) -> String;

    /// Tensor `index`'s shape: `[in, out]` for a dense weight (Keras's kernel
    /// layout), `[filters, channels, k, k]` for a convolution, `[vocab, dim]`
    /// for an embedding; one dimension for everything else.
    ///
    /// # Panics
    ///
    /// When `index >= TENSORS`.
    fn tensor_shape(&self, index: usize) -> Vec<usize> {
        vec![self.tensor(index).len()]
    }

    /// State saved with the parameters but not trained, by name: batch
    /// norm's `running_mean` and `running_var` (`"batchnorm0.running_mean"` in a
    /// network). Empty for most layers.
    fn buffers(&self) -> Vec<(String, Vec<E>)> {
        Vec::new()
    }

    /// Replaces buffer `name`'s values; `false` (and no change) when there is
    /// no such buffer or `values` has another length.
    fn set_buffer(&mut self, name: &str, values: &[E]) -> bool {
        let _ = (name, values);
        false
    }

    /// Total number of scalars over all tensors.
    fn scalar_count(&self) -> usize {
        (0..Self::TENSORS).map(|i| self.tensor(i).len()).sum()
    }
}

/// The parameter set of a layer without parameters.
///
/// # Examples
///
/// ```
/// use nn_runtime::{NoParams, Params};
/// assert_eq!(<NoParams as Params<f32>>::TENSORS, 0);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NoParams;

impl<E: Element> Params<E> for NoParams {
    const TENSORS: usize = 0;
    fn tensor(&self, index: usize) -> &[E] {
        no_tensor(index)
    }
    fn tensor_mut(&mut self, index: usize) -> &mut [E] {
        no_tensor(index)
    }
    fn tensor_name(&self, index: usize) -> String {
        no_tensor(index)
    }
}

/// The panic behind every out-of-range tensor index.
///
/// # Panics
///
/// Always: it reports `index` as out of range.
#[track_caller]
pub fn no_tensor<T>(index: usize) -> T {
    panic!("parameter tensor index {index} is out of range")
}

/// Implements [`Params`] with no tensors for a parameter-free layer:
/// `parameter_free!([const N: usize] Layer<N>)` (the element type `E` is added).
macro_rules! parameter_free {
    ([$($generics:tt)*] $ty:ty) => {
        impl<$($generics)*, E: $crate::Element> $crate::Params<E> for $ty {
            const TENSORS: usize = 0;
            fn tensor(&self, index: usize) -> &[E] {
                $crate::params::no_tensor(index)
            }
            fn tensor_mut(&mut self, index: usize) -> &mut [E] {
                $crate::params::no_tensor(index)
            }
            fn tensor_name(&self, index: usize) -> String {
                $crate::params::no_tensor(index)
            }
        }
    };
}

pub(crate) use parameter_free;

/// Implements [`Params`] for a struct of two tensors, `weight` then `bias`
/// (the names PyTorch uses): `weight_and_bias!([const N: usize, E: Element] Norm<N, E>)`,
/// with `, weight_shape = [..]` when the weight has more than one dimension.
macro_rules! weight_and_bias {
    ([$($generics:tt)*] $ty:ty $(, weight_shape = $shape:expr)?) => {
        impl<$($generics)*> $crate::Params<E> for $ty {
            const TENSORS: usize = 2;
            fn tensor(&self, index: usize) -> &[E] {
                match index {
                    0 => &self.weight,
                    1 => &self.bias,
                    _ => $crate::params::no_tensor(index),
                }
            }
            fn tensor_mut(&mut self, index: usize) -> &mut [E] {
                match index {
                    0 => &mut self.weight,
                    1 => &mut self.bias,
                    _ => $crate::params::no_tensor(index),
                }
            }
            fn tensor_name(&self, index: usize) -> String {
                match index {
                    0 => "weight".to_owned(),
                    1 => "bias".to_owned(),
                    _ => $crate::params::no_tensor(index),
                }
            }
            $(
                fn tensor_shape(&self, index: usize) -> Vec<usize> {
                    match index {
                        0 => $shape.to_vec(),
                        _ => vec![self.tensor(index).len()],
                    }
                }
            )?
        }
    };
}

pub(crate) use weight_and_bias;

/// Implements [`Params`] for a layer by forwarding to its `params` field:
/// `params_in_field!([const N: usize, E: Element] Layer<N, E>, Tensors<N, E>)`.
macro_rules! params_in_field {
    ([$($generics:tt)*] $ty:ty, $field_ty:ty) => {
        impl<$($generics)*> $crate::Params<E> for $ty {
            const TENSORS: usize = <$field_ty as $crate::Params<E>>::TENSORS;
            fn tensor(&self, index: usize) -> &[E] {
                self.params.tensor(index)
            }
            fn tensor_mut(&mut self, index: usize) -> &mut [E] {
                self.params.tensor_mut(index)
            }
            fn tensor_name(&self, index: usize) -> String {
                self.params.tensor_name(index)
            }
            fn tensor_shape(&self, index: usize) -> Vec<usize> {
                self.params.tensor_shape(index)
            }
        }
    };
}

pub(crate) use params_in_field;

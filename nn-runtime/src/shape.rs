//! Per-sample shapes carried in types.
//!
//! The batch size is the only runtime dimension; every other size lives in a
//! shape type, so layers that do not fit together do not type-check.

/// The static shape of one sample (without the batch dimension).
///
/// # Examples
///
/// ```
/// use nn_runtime::shape::{Flat, Shape};
/// assert_eq!(<Flat<784> as Shape>::NUMEL, 784);
/// ```
pub trait Shape: Copy + Default + std::fmt::Debug + Send + Sync + 'static {
    /// Number of scalars in one sample.
    const NUMEL: usize;
    /// Length of the last dimension: the rows a softmax normalises.
    const ROW: usize;
    /// What batch normalisation keeps statistics for: features of a flat
    /// sample, channels of an image.
    const CHANNELS: usize;
}

/// A flat vector of `N` features.
///
/// # Examples
///
/// ```
/// use nn_runtime::shape::{Flat, Shape};
/// let _ten: Flat<10> = Flat;
/// assert_eq!(Flat::<10>::NUMEL, 10);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Flat<const N: usize>;

impl<const N: usize> Shape for Flat<N> {
    const NUMEL: usize = N;
    const ROW: usize = N;
    const CHANNELS: usize = N;
}

/// An image of `C` channels, `H` rows and `W` columns, stored channel by
/// channel, row by row (PyTorch's NCHW without the batch).
///
/// # Examples
///
/// ```
/// use nn_runtime::shape::{Image, Shape};
/// assert_eq!(Image::<1, 28, 28>::NUMEL, 784);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Image<const C: usize, const H: usize, const W: usize>;

impl<const C: usize, const H: usize, const W: usize> Shape for Image<C, H, W> {
    const NUMEL: usize = C * H * W;
    const ROW: usize = W;
    const CHANNELS: usize = C;
}

/// Implemented only by a shape for itself; generated code uses it to make
/// the type checker confirm that each layer's output feeds the next layer's input.
///
/// # Examples
///
/// ```
/// use nn_runtime::shape::{Flat, SameShape};
/// fn chain<A: SameShape<B>, B>() {}
/// chain::<Flat<3>, Flat<3>>();
/// ```
pub trait SameShape<T> {}

impl<T> SameShape<T> for T {}

//! The scalar types layers compute in.

use std::fmt::Debug;

use crate::optim::kernel::AdamStep;

/// A floating-point element type: `f32` for training, `f64` for gradient checks.
///
/// Every layer, loss and optimizer is generic over it, so the same code that
/// trains in `f32` can be checked against finite differences in `f64`.
///
/// # Examples
///
/// ```
/// use nn_runtime::Element;
/// assert_eq!(<f32 as Element>::from_f64(0.5), 0.5f32);
/// assert_eq!(2.0f64.into_f64(), 2.0);
/// ```
pub trait Element:
    num_traits::Float
    + num_traits::NumAssign
    + crate::gemm::GemmScalar
    + Default
    + Debug
    + Send
    + Sync
    + 'static
{
    /// Converts from `f64`, rounding to the nearest representable value.
    fn from_f64(value: f64) -> Self;
    /// Widens to `f64` (exact for both implementations).
    fn into_f64(self) -> f64;

    /// One Adam step over a tensor; `f32` uses the CPU's widest vectors.
    #[doc(hidden)]
    fn adam_update(
        step: AdamStep<Self>,
        p: &mut [Self],
        g: &[Self],
        m: &mut [Self],
        v: &mut [Self],
    ) {
        crate::optim::kernel::update(step, p, g, m, v);
    }
}

impl Element for f32 {
    fn from_f64(value: f64) -> Self {
        value as f32
    }
    fn into_f64(self) -> f64 {
        f64::from(self)
    }
    fn adam_update(
        step: AdamStep<Self>,
        p: &mut [Self],
        g: &[Self],
        m: &mut [Self],
        v: &mut [Self],
    ) {
        crate::optim::kernel::update_f32(step, p, g, m, v);
    }
}

impl Element for f64 {
    fn from_f64(value: f64) -> Self {
        value
    }
    fn into_f64(self) -> f64 {
        self
    }
}

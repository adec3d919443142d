//! Scratch buffers a layer keeps between calls, so a steady stream of
//! batches of one size allocates nothing.

use std::sync::{Mutex, PoisonError};

use crate::Element;

/// `N` scratch vectors behind a lock (layers run through `&self`). A clone
/// starts empty: scratch is not part of a model's state.
pub(crate) struct Workspace<E, const N: usize>(Mutex<[Vec<E>; N]>);

impl<E: Element, const N: usize> Workspace<E, N> {
    /// Runs `f` on the buffers, resized to `lens` (contents unspecified).
    pub fn with<R>(&self, lens: [usize; N], f: impl FnOnce([&mut [E]; N]) -> R) -> R {
        let mut buffers = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        for (buffer, len) in buffers.iter_mut().zip(lens) {
            buffer.resize(len, E::zero());
        }
        f(buffers.each_mut().map(|b| b.as_mut_slice()))
    }
}

impl<E, const N: usize> Workspace<E, N> {
    /// Runs `f` on the buffers as they are, without resizing them.
    pub fn with_current<R>(&self, f: impl FnOnce([&[E]; N]) -> R) -> R {
        let buffers = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        f(buffers.each_ref().map(|b| b.as_slice()))
    }
}

impl<E, const N: usize> Default for Workspace<E, N> {
    fn default() -> Self {
        Self(Mutex::new(std::array::from_fn(|_| Vec::new())))
    }
}

impl<E, const N: usize> Clone for Workspace<E, N> {
    fn clone(&self) -> Self {
        Self::default()
    }
}

impl<E, const N: usize> std::fmt::Debug for Workspace<E, N> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Workspace")
    }
}

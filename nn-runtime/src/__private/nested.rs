//! The cache a network keeps for itself when it runs as a layer of another.

use std::sync::{Mutex, PoisonError};

/// A network's own per-batch buffers, used when it is a layer of another
/// network (layers run through `&self` and hold no cache of the caller's).
/// A clone starts empty: buffers are not part of a model's state.
#[derive(Default)]
pub struct NestedCache<C>(Mutex<C>);

impl<C> NestedCache<C> {
    /// Runs `f` on the cache.
    pub fn with<R>(&self, f: impl FnOnce(&mut C) -> R) -> R {
        f(&mut self.0.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

impl<C: Default> Clone for NestedCache<C> {
    fn clone(&self) -> Self {
        Self::default()
    }
}

impl<C> std::fmt::Debug for NestedCache<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NestedCache")
    }
}

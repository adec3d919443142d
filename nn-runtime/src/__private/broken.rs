//! Stand-ins for a network whose `network!` definition has errors.
//!
//! The macro reports the errors and declares the network's name (and its
//! `Grads` and `Cache` companions) as these types, which offer the whole API
//! of a generated network. Code that uses the network then compiles, so the
//! user sees the definition's errors and nothing more. None of it can run:
//! the crate does not compile.

use std::marker::PhantomData;

use crate::shape::Flat;
use crate::{Cache, Element, Network, Params};

/// Why no method of a stand-in is reachable.
const UNREACHABLE: &str = "the network definition has compile errors";

/// Stands in for the network struct.
#[derive(Clone, Copy, Debug, Default)]
pub struct Broken<E = f32>(PhantomData<E>);

impl<E> Broken<E> {
    /// Stands in for the generated `INPUT_SHAPE`.
    pub const INPUT_SHAPE: &'static [usize] = &[];
    /// Stands in for the generated `OUTPUT_SHAPE`.
    pub const OUTPUT_SHAPE: &'static [usize] = &[];

    /// Stands in for the generated `new(seed)`.
    pub fn new(_seed: u64) -> Self {
        unreachable!("{UNREACHABLE}")
    }

    /// Stands in for the generated `summary()`.
    pub fn summary() -> &'static str {
        unreachable!("{UNREACHABLE}")
    }
}

/// Stands in for the `Grads` and `Cache` companions.
#[derive(Clone, Copy, Debug, Default)]
pub struct BrokenParts<E = f32>(PhantomData<E>);

impl<E: Element> Params<E> for Broken<E> {
    const TENSORS: usize = 0;
    fn tensor(&self, _index: usize) -> &[E] {
        unreachable!("{UNREACHABLE}")
    }
    fn tensor_mut(&mut self, _index: usize) -> &mut [E] {
        unreachable!("{UNREACHABLE}")
    }
    fn tensor_name(&self, _index: usize) -> String {
        unreachable!("{UNREACHABLE}")
    }
}

impl<E: Element> Params<E> for BrokenParts<E> {
    const TENSORS: usize = 0;
    fn tensor(&self, _index: usize) -> &[E] {
        unreachable!("{UNREACHABLE}")
    }
    fn tensor_mut(&mut self, _index: usize) -> &mut [E] {
        unreachable!("{UNREACHABLE}")
    }
    fn tensor_name(&self, _index: usize) -> String {
        unreachable!("{UNREACHABLE}")
    }
}

impl<E: Element> Cache<E> for BrokenParts<E> {
    fn batch(&self) -> usize {
        unreachable!("{UNREACHABLE}")
    }
    fn output_and_grad(&mut self) -> (&[E], &mut [E]) {
        unreachable!("{UNREACHABLE}")
    }
}

impl<E: Element> Network<E> for Broken<E> {
    type Input = Flat<1>;
    type Output = Flat<1>;
    type Grads = BrokenParts<E>;
    type Cache = BrokenParts<E>;
    const PARAMETERS: usize = 0;
    const OUTPUT: crate::network::Output = crate::network::Output::Linear;
    fn from_seed(_seed: u64) -> Self {
        unreachable!("{UNREACHABLE}")
    }
    fn forward<'c>(&self, _x: &[E], _cache: &'c mut Self::Cache) -> &'c [E] {
        unreachable!("{UNREACHABLE}")
    }
    fn backward(&self, _x: &[E], _cache: &mut Self::Cache, _grads: &mut Self::Grads) {
        unreachable!("{UNREACHABLE}")
    }
}

//! Runtime of `nn`: everything a network declared with `network!` runs on.
//!
//! Depend on the `nn` crate, which re-exports this one together with the
//! `network!` macro. The pieces:
//!
//! - [`gemm`]: matrix multiply on strided views, the core of every dense layer;
//! - [`layers`], [`act`]: layers with static shapes and hand-derived backward passes;
//! - [`loss`]: cross-entropies (sparse, categorical, binary), MSE, MAE, Huber;
//! - [`metrics`]: accuracy, top-k, precision / recall / F1, confusion matrix, MSE, MAE;
//! - [`optim`]: SGD (with momentum or Nesterov), Adam, AdamW, RMSprop, Adagrad;
//! - [`train`]: `fit`, `evaluate`, `predict`;
//! - [`persist`]: weights as safetensors, written atomically;
//! - [`data`]: data sets, the IDX format and the MNIST family.
//!
//! # Examples
//!
//! ```
//! use nn_runtime::{testing::Tiny, Network};
//! let model = Tiny::from_seed(0);
//! let mut cache = <Tiny as Network>::Cache::default();
//! let logits = model.forward(&[1.0, 0.0], &mut cache);
//! assert_eq!(logits.len(), 2);
//! ```
#![deny(unsafe_code)]
#![warn(missing_docs)]

pub mod act;
pub mod data;
mod element;
mod error;
pub mod gemm;
pub mod layers;
pub mod loss;
pub mod metrics;
pub mod network;
pub mod optim;
mod params;
pub mod persist;
pub mod rng;
pub mod shape;
pub mod testing;
pub mod train;

#[doc(hidden)]
pub mod __private;

pub use element::Element;
pub use error::{Error, Result};
pub use network::{Cache, Network};
pub use params::{NoParams, Params};

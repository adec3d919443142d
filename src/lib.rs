//! `nn`: neural networks declared inline with [`network!`] and checked at compile time.
//!
//! ```
//! nn::network! {
//!     /// The Keras tutorial network.
//!     pub Mlp: [784] => dense(128, relu) -> dense(10)
//! }
//!
//! use nn::Network;
//! let model = Mlp::<f32>::new(42);
//! let mut cache = MlpCache::default();
//! let logits = model.forward(&[0.5; 2 * 784], &mut cache); // a batch of two samples
//! assert_eq!(logits.len(), 2 * 10);
//! ```
//!
//! Everything that runs lives in `nn-runtime`, re-exported here: layers,
//! losses, optimizers, the training loop (`nn::train`) and data loaders
//! (`nn::data`). Training the network above on MNIST is `examples/mnist.rs`.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

extern crate self as nn;

pub use nn_runtime::*;

/// Declares a neural network whose shapes are checked at compile time.
///
/// ```text
/// network := attribute* visibility? Name ":" input "=>" layer ("->" layer)*
/// input   := "[" features "]" | "[" channels "," height "," width "]"
/// layer   := "dense" "(" units ("," activation)? penalty* ")"
///          | "conv2d" "(" filters "," kernel ("," activation)?
///                     ("," "stride" "=" n)? ("," "padding" "=" ("valid" | "same" | n))? penalty* ")"
///          | ("maxpool2d" | "avgpool2d") "(" kernel ("," "stride" "=" n)? ")"  (stride defaults to kernel)
///          | "flatten" | "global_avgpool" | "reshape" "(" "[" dims "]" ")"  (same number of values)
///          | "embedding" "(" vocab "," dim penalty* ")"   (first layer only: reads `[seq]` token ids,
///                                                  gives `[dim, 1, seq]`)
///          | "residual" "(" layer ("->" layer)* ")"  (the block's output, of its input's
///                                                  shape, is added to its input)
///          | Name "(" ("output" "=")? "[" dims "]" ")" (a network declared with `network!`,
///                                                  as a layer; shapes checked against its type)
///          | "dropout" "(" ("rate" "=")? rate ")"                  (rate in [0, 1))
///          | "layernorm" ("(" "eps" "=" eps ")")?                    (flat features; eps 1e-5)
///          | "batchnorm" ("(" "momentum" "=" m ("," "eps" "=" eps)? ")")?
///                     (per feature or channel; Keras's momentum 0.99 and eps 1e-3)
///          | activation
/// penalty := "," ("l1" | "l2") "=" number   (>= 0: Keras's kernel regularizers on the
///                                          weight, not the bias, added to the loss)
/// activation := "relu" | "sigmoid" | "tanh" | "softmax" | "identity"
///          | "silu" | "swish" | "softplus"
///          | "leaky_relu" ("(" ("alpha" "=")? number ")")?   (alpha >= 0, default 0.01)
///          | "elu" ("(" ("alpha" "=")? number ")")?          (alpha > 0, default 1.0)
///          | "gelu" ("(" ("approximate" "=")? bool ")")?     (default false: exact erf form)
/// ```
///
/// The same definition can live in a file, read at compile time relative to
/// the crate's root: `nn::network!(file = "models/cnn.nn");`. Its errors are
/// reported as `models/cnn.nn:line:column: message`, and cargo rebuilds when
/// the file changes.
///
/// Every argument can also be given by its keyword (`dense(units = 128)`,
/// `conv2d(32, kernel = 3)`). Images are NCHW, one sample `[channels, height,
/// width]`; `dense` takes flat features, so an image reaches it through
/// `flatten` or `global_avgpool`. A convolution's activation runs as a layer
/// of its own after it (fields `conv2d_0`, `relu0`).
///
/// A dense layer keeps only its output, so an activation whose gradient needs
/// its input (`gelu`, `silu`) gets a layer of its own: `dense(64, gelu)` is
/// `dense(64) -> gelu` (fields `dense0` and `gelu0`). The activations are
/// listed with their formulas in [`act`].
///
/// `Name` becomes a struct generic over the element type (`f32` by default,
/// `f64` for gradient checks) with one field per layer, each with its static
/// shape in its type (`dense0: Dense<784, 128, Relu>`, `relu0`, `dense1`, ...).
/// Two companions come with it: `NameGrads`, one gradient per parameter
/// tensor, and `NameCache`, the activations of one batch. The batch size is
/// the only runtime dimension. Attributes and doc comments written before the
/// name go to the network struct, which already derives `Clone` and `Debug`.
/// Generated code refers to this crate as `::nn`, so depend on it under that
/// name (not renamed in `Cargo.toml`).
///
/// ```
/// nn::network! {
///     /// The Keras tutorial network.
///     pub Mlp: [784] => dense(128, relu) -> dense(10)
/// }
/// use nn::{Network, Params};
/// assert_eq!(Mlp::<f32>::PARAMETERS, 784 * 128 + 128 + 128 * 10 + 10);
/// let model = Mlp::<f32>::new(42);
/// assert_eq!(model.tensor_name(2), "dense1.weight");
/// let mut cache = MlpCache::default();
/// assert_eq!(model.forward(&[0.0; 784], &mut cache).len(), 10);
/// ```
///
/// A small CNN: every shape is inferred and checked at compile time.
///
/// ```
/// nn::network! {
///     Cnn: [1, 28, 28] => conv2d(32, 3, relu, padding = same) -> maxpool2d(2)
///         -> conv2d(64, 3, relu, padding = same) -> maxpool2d(2) -> flatten
///         -> dense(128, relu) -> dense(10)
/// }
/// # use nn::Network;
/// assert_eq!(
///     Cnn::<f32>::PARAMETERS,
///     (32 * 9 + 32) + (64 * 32 * 9 + 64) + (64 * 7 * 7 * 128 + 128) + (128 * 10 + 10)
/// );
/// ```
///
/// Shapes and a Keras-style summary, all written at compile time:
///
/// ```
/// nn::network! { Mlp: [784] => dense(128, relu) -> dropout(0.2) -> dense(10) }
/// assert_eq!((Mlp::<f32>::INPUT_SHAPE, Mlp::<f32>::OUTPUT_SHAPE), (&[784][..], &[10][..]));
/// assert_eq!(
///     Mlp::<f32>::summary(),
///     "Model: \"Mlp\"\n\
///      Layer (type)        Output shape   Params\n\
///      -----------------------------------------\n\
///      dense0 (Dense)      [128]         100,480\n\
///      dropout0 (Dropout)  [128]               0\n\
///      dense1 (Dense)      [10]            1,290\n\
///      Input [784]; total parameters 101,770"
/// );
/// ```
///
/// Standalone activations, activations with settings, and keyword arguments:
///
/// ```
/// nn::network! {
///     Classifier: [4] => dense(16, leaky_relu(0.2)) -> dense(16) -> gelu
///         -> dense(3, activation = identity) -> softmax
/// }
/// # use nn::Network;
/// assert_eq!(Classifier::<f64>::OUTPUT, nn::network::Output::Softmax);
/// ```
///
/// # Compile errors
///
/// Each points at the token to blame and says what to write instead:
///
/// - an unknown layer or activation (`dens`, `rleu`), with the closest valid name;
/// - `dense` without units, with `0` or a non-integer number of units, with
///   more than two arguments, an unknown or repeated keyword;
/// - arguments to an activation without settings (`relu(2)`), a slope or
///   scale out of range (`leaky_relu(-0.1)`, `elu(0)`), a non-boolean
///   `approximate`, an unknown keyword or a second setting;
/// - a missing, empty or zero input shape, or one that is neither `[n]` nor
///   `[channels, height, width]`;
/// - shapes that do not fit, naming them: `dense` after an image without
///   `flatten`, an image layer after flat features, a kernel larger than its
///   (padded) feature map, pooling that does not tile its input, `padding =
///   same` with an even kernel or a stride above 1, `flatten` of flat features,
///   `layernorm` of an image, `reshape` to a different number of values,
///   `embedding` anywhere but first (it would be fed floats, not token ids),
///   a `residual` block whose output shape differs from its input's, a
///   nested network without its declared output shape (a declared shape that
///   differs from the network's real one is a type error naming both);
/// - a dropout rate outside [0, 1), a missing rate, a non-positive `eps`, a
///   batch-norm momentum outside [0, 1), a negative `l1` or `l2`, settings
///   that are not normal `f32`s;
/// - sizes no machine could hold: more than 2^38 parameters or 2^32 values
///   per sample;
/// - layers not joined by `->`, a trailing `->`, no layer after `=>`.
pub use nn_macros::network;

/// The README's code samples, compiled as doctests so they stay true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

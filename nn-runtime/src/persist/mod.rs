//! Saving and loading models: weights as safetensors, written atomically.
//!
//! # Tensor names and layouts
//!
//! Each tensor is named `<layer field>.<tensor>`, the layer fields being those
//! of the generated struct, numbered per kind in declaration order (`conv2d_0`,
//! `batchnorm0`, `dense0`, `dense1`, ...), as [`crate::Params::tensor_name`]
//! reports them:
//!
//! | layer | tensors | shapes |
//! | --- | --- | --- |
//! | dense | `weight`, `bias` | `[in, out]` (Keras's kernel; PyTorch's `Linear.weight` is its transpose), `[out]` |
//! | conv2d | `weight`, `bias` | `[filters, channels, k, k]` (PyTorch's), `[filters]` |
//! | batchnorm | `weight`, `bias`, `running_mean`, `running_var` | `[channels]` each |
//! | layernorm | `weight`, `bias` | `[features]` |
//! | embedding | `weight` | `[vocab, dim]` |
//!
//! A nested network's tensors carry its field's prefix too
//! (`encoder.dense0.weight`). Values are stored as the model's element type
//! (`F32` or `F64`), little-endian, so the files open with PyTorch's
//! `safetensors.torch.load_file` and any other safetensors reader.

mod atomic;
pub(crate) mod checkpoint;
mod tensors;
mod weights;

pub use atomic::write_atomically;
pub use weights::{load_weights, save_weights};

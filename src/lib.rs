pub use nn_runtime::*; pub use nn_macros::network;

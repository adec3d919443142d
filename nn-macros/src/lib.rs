//! Implementation of `nn::network!`. Depend on `nn`, not on this crate.
//!
//! The macro runs in three stages, each in its own module: `parse` turns
//! tokens into raw syntax, `check` resolves layers and infers every shape
//! (collecting all errors with their spans), `expand` emits the structs
//! and impls.
#![forbid(unsafe_code)]

mod ast;
mod check;
mod diag;
mod expand;
mod file;
mod parse;

/// Declares a neural network whose shapes are checked at compile time.
///
/// ```text
/// network := attribute* visibility? Name ":" "[" features "]" "=>" layer ("->" layer)*
/// layer   := "dense" "(" units ("," activation)? ")"
///          | "dense" "(" units "," "activation" "=" activation ")"
///          | activation
/// activation := "relu" | "sigmoid" | "tanh" | "softmax" | "identity"
/// ```
///
/// `Name` becomes a struct generic over the element type (`f32` by
/// default) with one field per layer (`dense0`, `relu0`, `dense1`, ...), plus
/// `NameGrads` (one gradient per parameter tensor) and `NameCache` (the
/// activations of one batch), all implementing `nn::Network`'s companions.
///
/// See the `nn` crate's re-export of this macro for runnable examples.
///
/// Mistakes are compile errors at the offending token: an unknown layer or
/// activation, `dense(0)`, a missing input shape, layers not joined by `->`.
///
/// `network!(file = "models/mlp.nn")` reads the same definition from a file
/// (relative to the crate's root), with errors naming its line and column.
#[proc_macro]
pub fn network(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    if file::is_file_source(&input) {
        return match syn::parse::<file::FileSource>(input) {
            Ok(source) => file::network(&source).into(),
            Err(e) => e.to_compile_error().into(),
        };
    }
    let def = syn::parse_macro_input!(input as parse::NetworkDef);
    expand::network(&def).into()
}

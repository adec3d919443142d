//! Code generation: the network struct, its companions and their impls.
//!
//! Everything generated names runtime items by absolute `::nn::` paths, so
//! it works whatever the user has imported.

mod fallback;
mod forward;
mod params;
mod types;

use proc_macro2::TokenStream;
use quote::quote;

use crate::{ast, check, parse};

/// Checks `def` and emits the network, or the errors plus a stub of the type.
pub(crate) fn network(def: &parse::NetworkDef) -> TokenStream {
    match check::check(def) {
        Ok(net) => emit(&net),
        Err(errors) => {
            let stub = fallback::stub(def);
            let errors = errors.to_compile_error();
            quote!(#errors #stub)
        }
    }
}

fn emit(net: &ast::Network) -> TokenStream {
    let types = types::structs(net);
    let params = params::impls(net);
    let network = forward::network_impl(net);
    let cache = forward::cache_impl(net);
    let backstop = forward::shape_backstop(net);
    quote! {
        #types
        #[allow(unused_qualifications, clippy::all)]
        const _: () = {
            #params
            #network
            #cache
            #backstop
        };
    }
}

/// Names of the generated companions: `MlpGrads`, `MlpCache`.
fn companion(net: &ast::Network, suffix: &str) -> syn::Ident {
    quote::format_ident!("{}{suffix}", net.name)
}

/// The runtime type of one layer, generic over the element type `E`.
fn layer_type(layer: &ast::Layer, element: &TokenStream) -> TokenStream {
    let (input, output) = (lit(layer.input), lit(layer.output));
    match layer.kind {
        ast::LayerKind::Dense { activation, .. } => {
            let activation = activation.path();
            quote!(::nn::layers::Dense<#input, #output, #activation, #element>)
        }
        ast::LayerKind::Activation(activation) => {
            let activation = activation.path();
            quote!(::nn::layers::ActivationLayer<::nn::shape::Flat<#output>, #activation>)
        }
    }
}

/// An unsuffixed integer literal, so generated code reads like hand-written code.
fn lit(value: usize) -> proc_macro2::Literal {
    proc_macro2::Literal::usize_unsuffixed(value)
}

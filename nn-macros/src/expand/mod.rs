//! Code generation: the network struct, its companions and their impls.
//!
//! Everything generated names runtime items by absolute `::nn::` paths, so
//! it works whatever the user has imported.

mod fallback;
mod forward;
mod params;
mod summary;
mod types;

use proc_macro2::TokenStream;
use quote::quote;

use crate::{ast, check, parse};

/// Checks `def` and emits the network, or the errors plus a stub of the type.
/// The stand-ins declared for a definition with errors.
pub(crate) fn stub(def: &parse::NetworkDef) -> TokenStream {
    fallback::stub(def)
}

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

/// The runtime type of a layer with element type `element`.
fn layer_type(layer: &ast::Layer, element: &TokenStream) -> TokenStream {
    use ast::{LayerKind, Shape};
    let image = |shape: Shape| match shape {
        Shape::Image { c, h, w } => (lit(c), lit(h), lit(w)),
        Shape::Flat(_) => unreachable!("invariant: check gives image layers image shapes"),
    };
    match layer.kind {
        LayerKind::Dense { activation, .. } => {
            let (input, output) = (lit(layer.input.numel()), lit(layer.output.numel()));
            let activation = activation.path();
            quote!(::nn::layers::Dense<#input, #output, #activation, #element>)
        }
        LayerKind::Conv2d {
            filters,
            kernel,
            stride,
            padding,
            ..
        } => {
            let (c, h, w) = image(layer.input);
            let (_, oh, ow) = image(layer.output);
            let (f, k, s, p) = (lit(filters), lit(kernel), lit(stride), lit(padding));
            quote!(::nn::layers::Conv2d<#c, #h, #w, #f, #k, #s, #p, #oh, #ow, #element>)
        }
        LayerKind::MaxPool2d { kernel, stride } | LayerKind::AvgPool2d { kernel, stride } => {
            let (c, h, w) = image(layer.input);
            let (_, oh, ow) = image(layer.output);
            let (k, s) = (lit(kernel), lit(stride));
            let pool = if matches!(layer.kind, LayerKind::MaxPool2d { .. }) {
                quote!(MaxPool2d)
            } else {
                quote!(AvgPool2d)
            };
            quote!(::nn::layers::#pool<#c, #h, #w, #k, #s, #oh, #ow>)
        }
        LayerKind::GlobalAvgPool => {
            let (c, h, w) = image(layer.input);
            quote!(::nn::layers::GlobalAvgPool<#c, #h, #w>)
        }
        LayerKind::Flatten => {
            let (c, h, w) = image(layer.input);
            let n = lit(layer.output.numel());
            quote!(::nn::layers::Flatten<#c, #h, #w, #n>)
        }
        LayerKind::Embedding { vocab, dim, .. } => {
            let (seq, vocab, dim) = (lit(layer.input.numel()), lit(vocab), lit(dim));
            quote!(::nn::layers::Embedding<#seq, #vocab, #dim, #element>)
        }
        LayerKind::ResidualAdd { .. } => {
            let shape = layer.output.path();
            quote!(::nn::layers::Reshape<#shape, #shape>)
        }
        LayerKind::Nested { ref name } => quote!(#name<#element>),
        LayerKind::Reshape => {
            let (input, output) = (layer.input.path(), layer.output.path());
            quote!(::nn::layers::Reshape<#input, #output>)
        }
        LayerKind::LayerNorm { eps } => {
            let (n, bits) = (lit(layer.output.numel()), eps.to_bits());
            quote!(::nn::layers::LayerNorm<#n, #bits, #element>)
        }
        LayerKind::BatchNorm { momentum, eps } => {
            let (shape, momentum, eps) = (layer.output.path(), momentum.to_bits(), eps.to_bits());
            quote!(::nn::layers::BatchNorm<#shape, #momentum, #eps, #element>)
        }
        LayerKind::Dropout { rate } => {
            let (shape, bits) = (layer.output.path(), rate.to_bits());
            quote!(::nn::layers::Dropout<#shape, #bits, #element>)
        }
        LayerKind::Activation(activation) => {
            let (shape, activation) = (layer.output.path(), activation.path());
            quote!(::nn::layers::ActivationLayer<#shape, #activation>)
        }
    }
}

fn lit(value: usize) -> proc_macro2::Literal {
    proc_macro2::Literal::usize_unsuffixed(value)
}

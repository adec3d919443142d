//! The network struct and its companions `Grads` and `Cache`.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{companion, layer_type, lit};
use crate::ast;

pub(super) fn structs(net: &ast::Network) -> TokenStream {
    let (vis, name, attrs) = (&net.vis, &net.name, &net.attrs);
    let element = quote!(E);
    let summary = format!(
        " `{name}`: {} ({} parameters).",
        net.source,
        net.parameters()
    );
    let fields = net.layers.iter().map(|layer| {
        let (field, ty) = (&layer.field, layer_type(layer, &element));
        let doc = format!(
            " Layer {}: {} -> {}.",
            layer.field, layer.input, layer.output
        );
        quote!(#[doc = #doc] pub #field: #ty,)
    });
    let grads = companion(net, "Grads");
    let grads_doc = format!(
        " Gradients of every parameter of [`{name}`], one field per layer with parameters."
    );
    let grad_fields = net.layers.iter().filter(|l| l.has_params()).map(|layer| {
        let (field, ty) = (&layer.field, layer_type(layer, &element));
        let doc = format!(" Gradients of `{field}`'s parameters.");
        quote!(#[doc = #doc] pub #field: <#ty as ::nn::layers::Layer<E>>::Grads,)
    });
    let cache = companion(net, "Cache");
    let cache_doc = format!(
        " Activations of one batch of [`{name}`] and their gradients, reused between steps."
    );
    let table = super::summary::table(net);
    let input_dims = net.input.dims().into_iter().map(lit);
    let output_dims = net.output().dims().into_iter().map(lit);
    let buffers =
        (1..=net.layers.len()).flat_map(|i| [format_ident!("a{i}"), format_ident!("d{i}")]);
    quote! {
        #(#attrs)*
        #[doc = ""]
        #[doc = #summary]
        #[derive(Clone, Debug)]
        #vis struct #name<E: ::nn::Element = f32> {
            #(#fields)*
            /// Buffers for running as a layer of another network.
            _nested: ::nn::__private::NestedCache<#cache<E>>,
            _element: ::core::marker::PhantomData<E>,
        }

        #[doc = #grads_doc]
        #[derive(Clone, Debug, Default)]
        #vis struct #grads<E: ::nn::Element = f32> {
            #(#grad_fields)*
            _element: ::core::marker::PhantomData<E>,
        }

        #[doc = #cache_doc]
        #[derive(Clone, Debug, Default)]
        #vis struct #cache<E: ::nn::Element = f32> {
            batch: usize,
            #(#buffers: ::std::vec::Vec<E>,)*
        }

        impl<E: ::nn::Element> #name<E> {
            /// The shape of one input sample: `[features]` or `[channels, height, width]`.
            #vis const INPUT_SHAPE: &'static [usize] = &[#(#input_dims),*];
            /// The shape of one output sample.
            #vis const OUTPUT_SHAPE: &'static [usize] = &[#(#output_dims),*];

            /// A network initialised deterministically from `seed`.
            #vis fn new(seed: u64) -> Self {
                <Self as ::nn::Network<E>>::from_seed(seed)
            }

            /// A Keras-style table of the layers, their output shapes and
            /// parameter counts, written when the network was compiled.
            #vis fn summary() -> &'static str {
                #table
            }
        }
    }
}

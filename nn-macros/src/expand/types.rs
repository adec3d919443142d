//! The network struct and its companions `Grads` and `Cache`.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{companion, layer_type};
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
    let buffers =
        (1..=net.layers.len()).flat_map(|i| [format_ident!("a{i}"), format_ident!("d{i}")]);
    quote! {
        #(#attrs)*
        #[doc = ""]
        #[doc = #summary]
        #[derive(Clone, Debug)]
        #vis struct #name<E: ::nn::Element = f32> {
            #(#fields)*
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
            /// A network initialised deterministically from `seed`.
            #vis fn new(seed: u64) -> Self {
                <Self as ::nn::Network<E>>::from_seed(seed)
            }
        }
    }
}

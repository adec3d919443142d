//! `Params` for the network and its gradients: tensors in layer order.

use proc_macro2::TokenStream;
use quote::quote;

use super::{companion, layer_type};
use crate::ast;

pub(super) fn impls(net: &ast::Network) -> TokenStream {
    let name = &net.name;
    let grads = companion(net, "Grads");
    let element = quote!(E);
    let layers: Vec<_> = net.layers.iter().filter(|l| l.has_params()).collect();
    let of_layer = layers.iter().map(|l| {
        let ty = layer_type(l, &element);
        quote!(<#ty as ::nn::Params<E>>)
    });
    let of_grads = layers.iter().map(|l| {
        let ty = layer_type(l, &element);
        quote!(<<#ty as ::nn::layers::Layer<E>>::Grads as ::nn::Params<E>>)
    });
    let fields: Vec<_> = layers.iter().map(|l| &l.field).collect();
    let network = one_impl(quote!(#name<E>), &fields, of_layer.collect());
    let gradients = one_impl(quote!(#grads<E>), &fields, of_grads.collect());
    quote!(#network #gradients)
}

/// `Params` for `target`, whose `fields` hold tensors described by `params`.
fn one_impl(target: TokenStream, fields: &[&syn::Ident], params: Vec<TokenStream>) -> TokenStream {
    // Layer j's tensors start after those of layers 0..j.
    let starts: Vec<TokenStream> = (0..fields.len())
        .map(|j| {
            let before = &params[..j];
            quote!((0 #(+ #before::TENSORS)*))
        })
        .collect();
    let lookup = |method: TokenStream, reference: TokenStream| {
        let arms = fields
            .iter()
            .zip(&params)
            .zip(&starts)
            .map(|((field, p), start)| {
                quote! {
                    if index >= #start && index < #start + #p::TENSORS {
                        return #p::#method(#reference self.#field, index - #start);
                    }
                }
            });
        quote!(#(#arms)* ::nn::__private::no_tensor(index))
    };
    let tensor = lookup(quote!(tensor), quote!(&));
    let tensor_mut = lookup(quote!(tensor_mut), quote!(&mut));
    let tensor_shape = lookup(quote!(tensor_shape), quote!(&));
    let prefixes: Vec<String> = fields.iter().map(|field| format!("{field}.")).collect();
    let names = fields.iter().zip(&params).zip(&starts).zip(&prefixes).map(|(((field, p), start), prefix)| {
        quote! {
            if index >= #start && index < #start + #p::TENSORS {
                return ::std::format!("{}{}", #prefix, #p::tensor_name(&self.#field, index - #start));
            }
        }
    });
    let buffers = fields
        .iter()
        .zip(&params)
        .zip(&prefixes)
        .map(|((field, p), prefix)| {
            quote! {
                for (name, values) in #p::buffers(&self.#field) {
                    all.push((::std::format!("{}{}", #prefix, name), values));
                }
            }
        });
    let set_buffer = fields
        .iter()
        .zip(&params)
        .zip(&prefixes)
        .map(|((field, p), prefix)| {
            quote! {
                if let ::core::option::Option::Some(rest) = name.strip_prefix(#prefix) {
                    return #p::set_buffer(&mut self.#field, rest, values);
                }
            }
        });
    quote! {
        #[automatically_derived]
        impl<E: ::nn::Element> ::nn::Params<E> for #target {
            const TENSORS: usize = 0 #(+ #params::TENSORS)*;
            fn tensor(&self, index: usize) -> &[E] {
                #tensor
            }
            fn tensor_mut(&mut self, index: usize) -> &mut [E] {
                #tensor_mut
            }
            fn tensor_name(&self, index: usize) -> ::std::string::String {
                #(#names)*
                ::nn::__private::no_tensor(index)
            }
            fn tensor_shape(&self, index: usize) -> ::std::vec::Vec<usize> {
                #tensor_shape
            }
            fn buffers(&self) -> ::std::vec::Vec<(::std::string::String, ::std::vec::Vec<E>)> {
                #[allow(unused_mut)]
                let mut all = ::std::vec::Vec::new();
                #(#buffers)*
                all
            }
            fn set_buffer(&mut self, name: &str, values: &[E]) -> bool {
                #(#set_buffer)*
                let _ = values;
                false
            }
        }
    }
}

//! `Network` (forward and backward), `Cache`, and the type-level shape backstop.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};

use super::{companion, layer_type, lit};
use crate::ast;

/// `a{i}`: the output of layer `i - 1`; `d{i}`: the loss gradient with respect to it.
fn buffers(i: usize) -> (syn::Ident, syn::Ident) {
    (format_ident!("a{i}"), format_ident!("d{i}"))
}

pub(super) fn network_impl(net: &ast::Network) -> TokenStream {
    let name = &net.name;
    let (grads, cache) = (companion(net, "Grads"), companion(net, "Cache"));
    let (input, output) = (net.input.path(), net.output().path());
    let (parameters, input_numel) = (lit(net.parameters()), lit(net.input.numel()));
    let nested = net.nested();
    let output_kind = net.output_kind();
    let last = net.layers.len();
    let (last_a, _) = buffers(last);
    let inits = net.layers.iter().map(|layer| {
        let field = &layer.field;
        quote_spanned!(layer.span=> #field: ::nn::layers::Layer::<E>::init(&mut __rng),)
    });
    let resizes = net.layers.iter().enumerate().map(|(i, layer)| {
        let (a, d) = buffers(i + 1);
        let len = lit(layer.output.numel());
        quote! {
            ::nn::__private::fit_buffer(&mut __cache.#a, __batch * #len);
            ::nn::__private::fit_buffer(&mut __cache.#d, __batch * #len);
        }
    });
    let forward_calls = |training: bool| {
        net.layers.iter().enumerate().map(move |(i, layer)| {
            let field = &layer.field;
            let x = if i == 0 {
                quote!(__x)
            } else {
                let (a, _) = buffers(i);
                quote!(&__cache.#a)
            };
            let (y, _) = buffers(i + 1);
            let call = if training {
                quote_spanned! {layer.span=>
                    ::nn::layers::Layer::<E>::forward_train(
                        &self.#field, #x, &mut __cache.#y, __batch, __rng,
                    );
                }
            } else {
                quote_spanned! {layer.span=>
                    ::nn::layers::Layer::<E>::forward(&self.#field, #x, &mut __cache.#y, __batch);
                }
            };
            // The end of a residual block adds the block's input to its output.
            let skip = match layer.kind {
                ast::LayerKind::ResidualAdd { block_len } => {
                    let start = i - block_len;
                    let source = if start == 0 {
                        quote!(__x)
                    } else {
                        let (a, _) = buffers(start);
                        quote!(&__cache.#a)
                    };
                    quote!(::nn::__private::add_assign(&mut __cache.#y, #source);)
                }
                _ => quote!(),
            };
            quote!(#call #skip)
        })
    };
    let (forwards, train_forwards) = (forward_calls(false), forward_calls(true));
    let train_resizes = resizes.clone();
    let backwards = net.layers.iter().enumerate().rev().map(|(i, layer)| {
        let field = &layer.field;
        let (y, dy) = buffers(i + 1);
        let (x, dx) = if i == 0 {
            (quote!(__x), quote!(__dx.as_deref_mut()))
        } else {
            let (a, d) = buffers(i);
            (
                quote!(&__cache.#a),
                quote!(::core::option::Option::Some(&mut __cache.#d)),
            )
        };
        let layer_grads = if layer.has_params() {
            quote!(&mut __grads.#field)
        } else {
            quote!(&mut ::nn::NoParams)
        };
        // A residual block starting here also sends its output's gradient
        // straight back to its input.
        let skips = net.layers.iter().enumerate().filter_map(|(k, end)| match end.kind {
            ast::LayerKind::ResidualAdd { block_len } if k - block_len == i => {
                let (_, d_output) = buffers(k + 1);
                Some(if i == 0 {
                    // The network's input: only when a caller wants its gradient.
                    quote! {
                        if let ::core::option::Option::Some(__dx) = __dx.as_deref_mut() {
                            ::nn::__private::add_assign(__dx, &__cache.#d_output);
                        }
                    }
                } else {
                    let (_, d_input) = buffers(i);
                    quote!(::nn::__private::add_assign(&mut __cache.#d_input, &__cache.#d_output);)
                })
            }
            _ => None,
        });
        quote_spanned! {layer.span=>
            ::nn::layers::Layer::<E>::backward(
                &self.#field, #x, &__cache.#y, &mut __cache.#dy, #dx, #layer_grads, __batch,
            );
            #(#skips)*
        }
    });
    let penalties = net.layers.iter().filter_map(|layer| {
        let field = &layer.field;
        if let ast::LayerKind::Nested { .. } = layer.kind {
            return Some(quote! {
                __total += ::nn::Network::<E>::penalty(
                    &self.#field,
                    __grads.as_deref_mut().map(|g| &mut g.#field),
                );
            });
        }
        let penalty = layer.penalty()?;
        let (l1, l2) = (
            proc_macro2::Literal::f64_suffixed(penalty.l1),
            proc_macro2::Literal::f64_suffixed(penalty.l2),
        );
        Some(quote! {
            __total += ::nn::__private::penalize(
                ::nn::Params::<E>::tensor(&self.#field, 0),
                #l1,
                #l2,
                __grads.as_deref_mut().map(|g| ::nn::Params::<E>::tensor_mut(&mut g.#field, 0)),
            );
        })
    });
    quote! {
        #[automatically_derived]
        impl<E: ::nn::Element> ::nn::Network<E> for #name<E> {
            type Input = #input;
            type Output = #output;
            type Grads = #grads<E>;
            type Cache = #cache<E>;
            const PARAMETERS: usize = #parameters #(+ <#nested<E> as ::nn::Network<E>>::PARAMETERS)*;
            const OUTPUT: ::nn::network::Output = #output_kind;

            fn from_seed(seed: u64) -> Self {
                let mut __rng = ::nn::rng::SeededRng::new(seed);
                Self {
                    #(#inits)*
                    _nested: ::core::default::Default::default(),
                    _element: ::core::marker::PhantomData,
                }
            }

            #[track_caller]
            fn forward<'c>(&self, __x: &[E], __cache: &'c mut #cache<E>) -> &'c [E] {
                let __batch = ::nn::__private::batch_size(__x, #input_numel);
                __cache.batch = __batch;
                #(#resizes)*
                #(#forwards)*
                &__cache.#last_a
            }

            #[track_caller]
            fn forward_train<'c>(
                &self,
                __x: &[E],
                __cache: &'c mut #cache<E>,
                __rng: &mut ::nn::rng::SeededRng,
            ) -> &'c [E] {
                let __batch = ::nn::__private::batch_size(__x, #input_numel);
                __cache.batch = __batch;
                #(#train_resizes)*
                #(#train_forwards)*
                &__cache.#last_a
            }

            fn backward(&self, __x: &[E], __cache: &mut #cache<E>, __grads: &mut #grads<E>) {
                self.__backward(__x, __cache, __grads, ::core::option::Option::None);
            }

            #[allow(unused_mut, clippy::needless_option_as_deref)]
            fn penalty(&self, mut __grads: ::core::option::Option<&mut #grads<E>>) -> f64 {
                let mut __total = 0.0;
                #(#penalties)*
                let _ = &mut __grads;
                __total
            }
        }

        impl<E: ::nn::Element> #name<E> {
            /// `Network::backward`, also writing the gradient with respect to
            /// the input into `__dx` when given (for use as a nested layer).
            #[doc(hidden)]
            #[allow(clippy::needless_option_as_deref)]
            fn __backward(
                &self,
                __x: &[E],
                __cache: &mut #cache<E>,
                __grads: &mut #grads<E>,
                mut __dx: ::core::option::Option<&mut [E]>,
            ) {
                let __batch = __cache.batch;
                #(#backwards)*
            }
        }

        /// The network as a layer of another (`Name(output = [..])` there).
        #[automatically_derived]
        impl<E: ::nn::Element> ::nn::layers::Layer<E> for #name<E> {
            type Input = #input;
            type Output = #output;
            type Grads = #grads<E>;

            fn init(rng: &mut ::nn::rng::SeededRng) -> Self {
                <Self as ::nn::Network<E>>::from_seed(rng.next_u64())
            }

            fn forward(&self, x: &[E], y: &mut [E], _batch: usize) {
                self._nested.with(|cache| {
                    y.copy_from_slice(<Self as ::nn::Network<E>>::forward(self, x, cache));
                });
            }

            fn forward_train(&self, x: &[E], y: &mut [E], _batch: usize, rng: &mut ::nn::rng::SeededRng) {
                self._nested.with(|cache| {
                    y.copy_from_slice(<Self as ::nn::Network<E>>::forward_train(self, x, cache, rng));
                });
            }

            fn backward(
                &self,
                x: &[E],
                _y: &[E],
                dy: &mut [E],
                dx: ::core::option::Option<&mut [E]>,
                grads: &mut #grads<E>,
                _batch: usize,
            ) {
                self._nested.with(|cache| {
                    ::nn::Cache::output_and_grad(cache).1.copy_from_slice(dy);
                    self.__backward(x, cache, grads, dx);
                });
            }
        }
    }
}

pub(super) fn cache_impl(net: &ast::Network) -> TokenStream {
    let cache = companion(net, "Cache");
    let (a, d) = buffers(net.layers.len());
    quote! {
        #[automatically_derived]
        impl<E: ::nn::Element> ::nn::Cache<E> for #cache<E> {
            fn batch(&self) -> usize {
                self.batch
            }
            fn output_and_grad(&mut self) -> (&[E], &mut [E]) {
                (&self.#a, &mut self.#d)
            }
        }
    }
}

/// Makes the type checker confirm each layer's output is the next one's
/// input, so a bug in the macro's own shape inference cannot go unnoticed.
/// For a nested network this is the real check: the macro cannot see its
/// shapes, so its input and declared output are compared with its type
/// (the next layer is then compared with the declared output, which it was
/// built from, so a mismatch is reported once).
pub(super) fn shape_backstop(net: &ast::Network) -> TokenStream {
    let element = quote!(f32);
    let mut previous = net.input.path();
    let checks = net.layers.iter().map(|layer| {
        let ty = layer_type(layer, &element);
        let actual = quote!(<#ty as ::nn::layers::Layer<f32>>::Output);
        let (next, declared) = match layer.kind {
            ast::LayerKind::Nested { .. } => {
                let output = layer.output.path();
                let check = quote!(::nn::__private::assert_same_shape::<#output, #actual>(););
                (output, check)
            }
            _ => (actual, quote!()),
        };
        let expected = std::mem::replace(&mut previous, next);
        quote_spanned! {layer.span=>
            ::nn::__private::assert_same_shape::<#expected, <#ty as ::nn::layers::Layer<f32>>::Input>();
            #declared
        }
    });
    quote!(#(#checks)*)
}

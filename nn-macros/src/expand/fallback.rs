//! What is emitted when the definition has errors: the errors, plus a stub
//! type with the network's name so that code using it reports nothing more.

use proc_macro2::TokenStream;
use quote::quote;

use crate::parse;

pub(super) fn stub(def: &parse::NetworkDef) -> TokenStream {
    let (vis, name) = (&def.vis, &def.name);
    quote! {
        #vis struct #name<__Element = f32>(::core::marker::PhantomData<__Element>);
        impl<__Element> #name<__Element> {
            /// Not available: the network definition has errors.
            #vis fn new(_seed: u64) -> Self {
                ::core::unreachable!("the network definition has compile errors")
            }
        }
    }
}

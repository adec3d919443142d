//! What is emitted when the definition has errors: the errors, plus the
//! network's name and its companions declared as the runtime's stand-ins, so
//! that code using the network reports nothing more.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::parse;

pub(super) fn stub(def: &parse::NetworkDef) -> TokenStream {
    let (vis, name) = (&def.vis, &def.name);
    let grads = format_ident!("{name}Grads");
    let cache = format_ident!("{name}Cache");
    quote! {
        #vis type #name<__Element = f32> = ::nn::__private::Broken<__Element>;
        #vis type #grads<__Element = f32> = ::nn::__private::BrokenParts<__Element>;
        #vis type #cache<__Element = f32> = ::nn::__private::BrokenParts<__Element>;
    }
}

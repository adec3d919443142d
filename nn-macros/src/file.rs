//! `network!(file = "models/mlp.nn")`: the same definition, read from a file
//! relative to the crate's root at compile time.
//!
//! Errors must name the file's line and column, which the compiler's spans
//! cannot do for text a macro reads. So the file is first parsed and checked
//! with proc-macro2's own lexer, whose spans know their line and column, and
//! every error is reported at the `"path"` literal as `path:line:column:
//! message`. A definition without errors is then parsed again with the
//! compiler's lexer and expanded as usual, and `include_str!` makes cargo
//! rebuild when the file changes.

use proc_macro2::TokenStream;
use quote::quote;
use syn::parse::{Parse, ParseStream};
use syn::{LitStr, Token};

use crate::{check, expand, parse};

/// Whether the macro's input starts `file =`: a definition read from a file
/// (a network named `file` is followed by `:`).
pub(crate) fn is_file_source(input: &proc_macro::TokenStream) -> bool {
    let mut tokens = input.clone().into_iter();
    matches!(
        (tokens.next(), tokens.next()),
        (Some(proc_macro::TokenTree::Ident(key)), Some(proc_macro::TokenTree::Punct(eq)))
            if key.to_string() == "file" && eq.as_char() == '='
    )
}

/// `file = "path"`.
pub(crate) struct FileSource {
    path: LitStr,
}

impl Parse for FileSource {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let key: syn::Ident = input.parse()?;
        if key != "file" {
            return Err(syn::Error::new(key.span(), "expected `file`"));
        }
        input.parse::<Token![=]>()?;
        let path = input.parse().map_err(|e| {
            syn::Error::new(
                e.span(),
                "expected the definition's path as a string, e.g. `network!(file = \"models/mlp.nn\")`",
            )
        })?;
        if !input.is_empty() {
            return Err(input.error(
                "`network!(file = \"...\")` takes only the path; put everything else in the file",
            ));
        }
        Ok(Self { path })
    }
}

/// The network defined in the file, or its errors at the path literal.
pub(crate) fn network(source: &FileSource) -> TokenStream {
    let relative = source.path.value();
    let root = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default();
    let path = std::path::Path::new(&root).join(&relative);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) => {
            let message = format!(
                "cannot read the network definition `{}`: {e}; the path is relative to the \
                 crate's root ({root})",
                path.display()
            );
            return syn::Error::new(source.path.span(), message).to_compile_error();
        }
    };
    let errors = located_errors(&text);
    let tracked = path.display().to_string();
    let track = quote!(
        const _: &str = ::core::include_str!(#tracked);
    );
    let compiled = text
        .parse::<TokenStream>()
        .map_err(|e| e.to_string())
        .and_then(|tokens| syn::parse2::<parse::NetworkDef>(tokens).map_err(|e| e.to_string()));
    match (errors.is_empty(), compiled) {
        (true, Ok(def)) => {
            let network = expand::network(&def);
            quote!(#network #track)
        }
        (_, compiled) => {
            let reported = errors.into_iter().map(|message| {
                syn::Error::new(source.path.span(), format!("{relative}:{message}"))
                    .to_compile_error()
            });
            // The stand-ins keep code that uses the network from adding errors.
            let stub = compiled.map_or_else(|_| quote!(), |def| expand::stub(&def));
            quote!(#(#reported)* #stub #track)
        }
    }
}

/// Every parse and check error of `text` as `line:column: message`, found
/// with proc-macro2's own lexer (whose spans have positions).
fn located_errors(text: &str) -> Vec<String> {
    proc_macro2::fallback::force();
    let located = |e: syn::Error| -> Vec<String> {
        e.into_iter()
            .map(|e| {
                let start = e.span().start();
                format!("{}:{}: {e}", start.line, start.column + 1)
            })
            .collect()
    };
    let errors = match text.parse::<TokenStream>() {
        Err(e) => {
            let start = e.span().start();
            vec![format!("{}:{}: {e}", start.line, start.column + 1)]
        }
        Ok(tokens) => match syn::parse2::<parse::NetworkDef>(tokens) {
            Err(e) => located(e),
            Ok(def) => check::check(&def).err().map(located).unwrap_or_default(),
        },
    };
    proc_macro2::fallback::unforce();
    errors
}

#[cfg(test)]
mod tests {
    use super::located_errors;

    #[test]
    fn errors_name_the_line_and_column() {
        let text = "Net: [784] =>\n    dense(128, rleu)\n    -> dense(0)";
        assert_eq!(
            located_errors(text),
            [
                "2:16: unknown activation `rleu`; did you mean `relu`? write one of `relu`, \
                 `leaky_relu`, `elu`, `gelu`, `silu`, `swish`, `sigmoid`, `tanh`, `softplus`, \
                 `softmax`, `identity`, or leave it out for a linear layer",
                "3:14: `dense` needs at least 1 unit, found 0",
            ]
        );
    }

    #[test]
    fn syntax_and_lexer_errors_are_located_too() {
        assert_eq!(
            located_errors("Net: [4] =>\n  dense(3) dense(2)"),
            ["2:12: expected `->` between layers"]
        );
        assert!(located_errors("Net: [4] => dense(\"3)")[0].starts_with("1:"));
        assert!(located_errors("Net: [4] => dense(3)").is_empty());
    }
}

//! Raw syntax of `network!`: `impl Parse` only, no meaning attached yet.

use proc_macro2::Span;
use quote::ToTokens;
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{
    Attribute, Ident, LitBool, LitFloat, LitInt, LitStr, Token, Visibility, bracketed,
    parenthesized,
};

/// `#[attrs] vis Name: [784] => layer -> layer ...`
pub(crate) struct NetworkDef {
    pub attrs: Vec<Attribute>,
    pub vis: Visibility,
    pub name: Ident,
    pub input: InputShape,
    pub layers: Vec<LayerCall>,
}

/// `[d0, d1, ...]`: the shape of one input sample.
pub(crate) struct InputShape {
    pub bracket_span: Span,
    pub dims: Punctuated<LitInt, Token![,]>,
}

/// `name` or `name(args)`.
pub(crate) struct LayerCall {
    pub name: Ident,
    pub args: Option<Args>,
    /// The chain inside `residual( ... )`; `args` is then `None`.
    pub body: Option<Block>,
}

/// A chain of layers in parentheses: the body of `residual(...)`.
pub(crate) struct Block {
    pub paren_span: Span,
    pub layers: Vec<LayerCall>,
}

/// The parenthesised arguments of a layer.
pub(crate) struct Args {
    pub paren_span: Span,
    pub list: Punctuated<Arg, Token![,]>,
}

/// One argument: positional (`128`, `relu`) or keyword (`activation = relu`).
pub(crate) enum Arg {
    Positional(Value),
    Keyword { key: Ident, value: Value },
}

/// An argument's value as written.
pub(crate) enum Value {
    Int(LitInt),
    Float(LitFloat),
    Bool(LitBool),
    Word(Ident),
    /// A name with arguments: `leaky_relu(0.2)`.
    Call(Box<LayerCall>),
    /// A shape: `[1, 28, 28]`.
    Shape(InputShape),
    /// `-` before a number.
    Negative(Token![-], Box<Value>),
}

impl Value {
    /// The span of the whole value (both tokens of `-3`, where the compiler can join them).
    pub fn span(&self) -> Span {
        match self {
            Self::Int(lit) => lit.span(),
            Self::Float(lit) => lit.span(),
            Self::Bool(lit) => lit.span(),
            Self::Word(ident) => ident.span(),
            Self::Call(call) => {
                let end = call
                    .args
                    .as_ref()
                    .map_or(call.name.span(), |a| a.paren_span);
                call.name.span().join(end).unwrap_or(call.name.span())
            }
            Self::Shape(shape) => shape.bracket_span,
            Self::Negative(minus, value) => minus.span.join(value.span()).unwrap_or(minus.span),
        }
    }
}

impl std::fmt::Display for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Int(lit) => write!(f, "{lit}"),
            Self::Float(lit) => write!(f, "{lit}"),
            Self::Bool(lit) => write!(f, "{}", lit.value()),
            Self::Word(ident) => write!(f, "{ident}"),
            Self::Call(call) => write!(f, "{}", compact(call.to_token_stream().to_string())),
            Self::Shape(shape) => {
                let dims: Vec<String> = shape.dims.iter().map(|d| d.to_string()).collect();
                write!(f, "[{}]", dims.join(", "))
            }
            Self::Negative(_, value) => write!(f, "-{value}"),
        }
    }
}

impl ToTokens for LayerCall {
    fn to_tokens(&self, tokens: &mut proc_macro2::TokenStream) {
        self.name.to_tokens(tokens);
        if let Some(args) = &self.args {
            let list = &args.list;
            tokens.extend(quote::quote_spanned!(args.paren_span=> (#list)));
        }
        if let Some(body) = &self.body {
            let layers = body.layers.iter();
            tokens.extend(quote::quote_spanned!(body.paren_span=> (#(#layers)->*)));
        }
    }
}

impl ToTokens for Arg {
    fn to_tokens(&self, tokens: &mut proc_macro2::TokenStream) {
        match self {
            Self::Positional(value) => value.to_tokens(tokens),
            Self::Keyword { key, value } => tokens.extend(quote::quote!(#key = #value)),
        }
    }
}

impl ToTokens for Value {
    fn to_tokens(&self, tokens: &mut proc_macro2::TokenStream) {
        match self {
            Self::Int(lit) => lit.to_tokens(tokens),
            Self::Float(lit) => lit.to_tokens(tokens),
            Self::Bool(lit) => lit.to_tokens(tokens),
            Self::Word(ident) => ident.to_tokens(tokens),
            Self::Call(call) => call.to_tokens(tokens),
            Self::Shape(shape) => {
                let dims = &shape.dims;
                tokens.extend(quote::quote_spanned!(shape.bracket_span=> [#dims]));
            }
            Self::Negative(minus, value) => {
                minus.to_tokens(tokens);
                value.to_tokens(tokens);
            }
        }
    }
}

impl Parse for NetworkDef {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let attrs = input.call(Attribute::parse_outer)?;
        let vis: Visibility = input.parse()?;
        let name: Ident = input.parse().map_err(|e| {
            syn::Error::new(
                e.span(),
                "expected the network's name, e.g. `pub Mlp: [784] => dense(10)`",
            )
        })?;
        if !input.peek(Token![:]) {
            return Err(input.error(format!(
                "expected `:` and the input shape after the network's name, e.g. `{name}: [784] => ...`"
            )));
        }
        input.parse::<Token![:]>()?;
        let input_shape: InputShape = input.parse()?;
        if !input.peek(Token![=>]) {
            return Err(input.error("expected `=>` between the input shape and the first layer"));
        }
        let fat_arrow: Token![=>] = input.parse()?;
        if input.is_empty() {
            return Err(syn::Error::new_spanned(
                fat_arrow,
                "expected at least one layer after `=>`, e.g. `dense(10)`",
            ));
        }
        let layers = chain(input)?;
        Ok(Self {
            attrs,
            vis,
            name,
            input: input_shape,
            layers,
        })
    }
}

impl Parse for InputShape {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        if !input.peek(syn::token::Bracket) {
            return Err(input.error("expected the input shape in brackets, e.g. `[784]`"));
        }
        let content;
        let bracket = bracketed!(content in input);
        let dims = separated(
            &content,
            "input sizes",
            "a single number, e.g. `[784]`",
            |dim| {
                dim.parse::<LitInt>().map_err(|e| {
                    syn::Error::new(
                        e.span(),
                        "expected a whole number of input features, e.g. `[784]`",
                    )
                })
            },
        )?;
        Ok(Self {
            bracket_span: bracket.span.join(),
            dims,
        })
    }
}

impl Parse for LayerCall {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let name: Ident = input.parse().map_err(|e| {
            syn::Error::new(
                e.span(),
                "expected a layer, e.g. `dense(128, relu)` or `relu`",
            )
        })?;
        if name == "residual" && input.peek(syn::token::Paren) {
            let content;
            let paren = parenthesized!(content in input);
            if content.is_empty() {
                return Err(syn::Error::new(
                    paren.span.join(),
                    "`residual` needs the layers of its block, e.g. `residual(dense(64, relu) -> dense(64))`",
                ));
            }
            let body = Block {
                paren_span: paren.span.join(),
                layers: chain(&content)?,
            };
            return Ok(Self {
                name,
                args: None,
                body: Some(body),
            });
        }
        let args = if input.peek(syn::token::Paren) {
            let content;
            let paren = parenthesized!(content in input);
            Some(Args {
                paren_span: paren.span.join(),
                list: separated(
                    &content,
                    "layer arguments",
                    "`dense(128, relu)`",
                    Arg::parse,
                )?,
            })
        } else {
            None
        };
        Ok(Self {
            name,
            args,
            body: None,
        })
    }
}

impl Parse for Arg {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        if input.peek(Ident) && input.peek2(Token![=]) {
            let key: Ident = input.parse()?;
            input.parse::<Token![=]>()?;
            return Ok(Self::Keyword {
                key,
                value: input.parse()?,
            });
        }
        Ok(Self::Positional(input.parse()?))
    }
}

impl Parse for Value {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        if input.peek(Token![-]) && (input.peek2(LitInt) || input.peek2(LitFloat)) {
            let minus: Token![-] = input.parse()?;
            return Ok(Self::Negative(minus, Box::new(input.parse()?)));
        }
        if input.peek(LitStr) {
            return Err(input.error(
                "layer arguments are written without quotes: numbers (`128`), names (`relu`) \
                 and `true` or `false`",
            ));
        }
        if input.peek(syn::token::Bracket) {
            return input.parse().map(Self::Shape);
        }
        let lookahead = input.lookahead1();
        if lookahead.peek(LitBool) {
            input.parse().map(Self::Bool)
        } else if lookahead.peek(LitInt) {
            input.parse().map(Self::Int)
        } else if lookahead.peek(LitFloat) {
            input.parse().map(Self::Float)
        } else if lookahead.peek(Ident) && input.peek2(syn::token::Paren) {
            input.parse().map(|call| Self::Call(Box::new(call)))
        } else if lookahead.peek(Ident) {
            input.parse().map(Self::Word)
        } else {
            Err(syn::Error::new(
                input.span(),
                "expected a number (`128`) or a name (`relu`) as a layer argument",
            ))
        }
    }
}

/// `layer (-> layer)*` up to the end of `input` (a whole definition or the
/// body of `residual(...)`).
fn chain(input: ParseStream) -> syn::Result<Vec<LayerCall>> {
    let mut layers = vec![input.parse::<LayerCall>()?];
    while !input.is_empty() {
        if input.peek(Ident) {
            return Err(input.error("expected `->` between layers"));
        }
        if !input.peek(Token![->]) {
            return Err(input.error("expected `->` and another layer, or the end of the network"));
        }
        let arrow: Token![->] = input.parse()?;
        if input.is_empty() {
            return Err(syn::Error::new_spanned(
                arrow,
                "expected a layer after `->`; remove the trailing `->`",
            ));
        }
        layers.push(input.parse()?);
    }
    Ok(layers)
}

/// Token text without the spaces `to_string` puts around punctuation.
pub(crate) fn compact(text: String) -> String {
    text.replace(" (", "(")
        .replace("( ", "(")
        .replace(" )", ")")
        .replace(" ,", ",")
}

/// Parses `item (, item)* ,?` up to the end of a delimited group, explaining a
/// missing comma in terms of what the list holds (`what`, e.g. "layer arguments")
/// and what each item may be (`each`).
fn separated<T>(
    content: ParseStream,
    what: &str,
    each: &str,
    item: fn(ParseStream) -> syn::Result<T>,
) -> syn::Result<Punctuated<T, Token![,]>> {
    let mut list = Punctuated::new();
    while !content.is_empty() {
        list.push_value(item(content)?);
        if content.is_empty() {
            break;
        }
        if content.peek(Token![:]) {
            return Err(content.error(format!(
                "write keyword arguments with `=`, e.g. `activation = relu`; {what} are separated by `,`"
            )));
        }
        if !content.peek(Token![,]) {
            return Err(content.error(format!("expected `,` between {what}; each is {each}")));
        }
        list.push_punct(content.parse()?);
    }
    Ok(list)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(tokens: proc_macro2::TokenStream) -> syn::Result<NetworkDef> {
        syn::parse2(tokens)
    }

    fn error(tokens: proc_macro2::TokenStream) -> String {
        match parse(tokens) {
            Ok(_) => panic!("expected a parse error"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn parses_the_tutorial_network() {
        let def = parse(quote::quote!(pub Mlp: [784] => dense(128, relu) -> dense(10))).unwrap();
        assert_eq!(def.name.to_string(), "Mlp");
        assert_eq!(def.input.dims.len(), 1);
        assert_eq!(def.layers.len(), 2);
        assert_eq!(def.layers[0].args.as_ref().map(|a| a.list.len()), Some(2));
    }

    #[test]
    fn keyword_arguments_parse() {
        let def = parse(quote::quote!(N: [4] => dense(3, activation = tanh) -> softmax)).unwrap();
        assert!(matches!(
            def.layers[0].args.as_ref().unwrap().list[1],
            Arg::Keyword { .. }
        ));
        assert!(def.layers[1].args.is_none());
    }

    #[test]
    fn malformed_chains_say_what_to_write() {
        assert!(error(quote::quote!(N => dense(3))).contains("expected `:` and the input shape"));
        assert!(error(quote::quote!(N: dense(3))).contains("in brackets"));
        assert!(error(quote::quote!(N: [4] dense(3))).contains("expected `=>`"));
        assert!(
            error(quote::quote!(N: [4] => dense(3) dense(2))).contains("expected `->` between")
        );
        assert!(error(quote::quote!(N: [4] => dense(3) ->)).contains("after `->`"));
        assert!(error(quote::quote!(N: [4] =>)).contains("at least one layer"));
    }
}

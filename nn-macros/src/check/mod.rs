//! `parse::NetworkDef` -> `ast::Network`: resolve layers, check arguments,
//! infer every shape. Each rule is a small function; all errors are collected.

use proc_macro2::Span;
use quote::{ToTokens, format_ident};

use crate::ast::{self, Activation, LayerKind};
use crate::diag::{Diagnostics, closest};
use crate::parse::{self, Arg, LayerCall, Value, compact};
use syn::LitInt;

mod activation;

/// Checks the whole definition; `Err` holds every problem found.
pub(crate) fn check(def: &parse::NetworkDef) -> syn::Result<ast::Network> {
    let mut diag = Diagnostics::default();
    check_name(&def.name, &mut diag);
    let input = check_input_shape(&def.input, &mut diag);
    let mut layers = Vec::with_capacity(def.layers.len());
    let mut counts = std::collections::HashMap::<&'static str, usize>::new();
    let mut features = input.unwrap_or(1);
    for call in &def.layers {
        let Some(kind) = resolve(call, features, &mut diag) else {
            continue;
        };
        for kind in split_activation(kind) {
            let output = match kind {
                LayerKind::Dense { units, .. } => units,
                LayerKind::Activation(_) => features,
            };
            let params = match kind {
                LayerKind::Dense { .. } => dense_parameters(call, features, output, &mut diag),
                LayerKind::Activation(_) => 0,
            };
            let prefix = kind.field_prefix();
            let index = counts.entry(prefix).or_default();
            let field = format_ident!("{prefix}{index}", span = call.name.span());
            *index += 1;
            layers.push(ast::Layer {
                kind,
                input: features,
                output,
                params,
                span: call.name.span(),
                field,
            });
            features = output;
        }
    }
    if layers
        .iter()
        .try_fold(0usize, |sum, l| sum.checked_add(l.params))
        .is_none()
    {
        diag.at(
            def.name.span(),
            "the network has more parameters than this machine can address; use fewer units",
        );
    }
    let source = def
        .layers
        .iter()
        .map(|c| compact(c.to_token_stream().to_string()))
        .collect::<Vec<_>>();
    diag.finish(ast::Network {
        attrs: def.attrs.clone(),
        vis: def.vis.clone(),
        name: def.name.clone(),
        input: input.unwrap_or(1),
        layers,
        source: format!(
            "[{}] => {}",
            def.input
                .dims
                .iter()
                .map(|d| d.to_string())
                .collect::<Vec<_>>()
                .join(", "),
            source.join(" -> ")
        ),
    })
}

/// Rule: the network is not named `E`, the generated structs' element-type parameter.
fn check_name(name: &syn::Ident, diag: &mut Diagnostics) {
    if name == "E" {
        diag.at(
            name.span(),
            "`E` is the element-type parameter of the generated structs (`Net<E = f32>`); \
             give the network another name",
        );
    }
}

/// Rule: a dense layer's `input x units + units` parameters fit in a `usize`.
fn dense_parameters(call: &LayerCall, input: usize, units: usize, diag: &mut Diagnostics) -> usize {
    match input
        .checked_mul(units)
        .and_then(|weights| weights.checked_add(units))
    {
        Some(params) => params,
        None => {
            diag.over(
                call,
                format_args!(
                    "`dense` with {units} units after {input} features needs more parameters \
                     than this machine can address; use fewer units"
                ),
            );
            0
        }
    }
}

/// Rule: a size is a plain whole number without a type suffix that fits a `usize`.
fn whole_number(lit: &LitInt, what: &str, diag: &mut Diagnostics) -> Option<usize> {
    if !lit.suffix().is_empty() {
        diag.at(
            lit.span(),
            format_args!(
                "write {what} without a type suffix: `{}`",
                lit.base10_digits()
            ),
        );
        return None;
    }
    match lit.base10_parse::<usize>() {
        Ok(value) => Some(value),
        Err(_) => {
            diag.at(lit.span(), format_args!("{what} `{lit}` is too large"));
            None
        }
    }
}

/// Rule: the input is one positive number of features, `[784]`.
fn check_input_shape(shape: &parse::InputShape, diag: &mut Diagnostics) -> Option<usize> {
    let dims: Vec<(usize, Span)> = shape
        .dims
        .iter()
        .filter_map(|lit| Some((whole_number(lit, "an input size", diag)?, lit.span())))
        .collect();
    if dims.len() != shape.dims.len() {
        return None;
    }
    if let Some((_, span)) = dims.iter().find(|(d, _)| *d == 0) {
        diag.at(*span, "an input dimension of 0 leaves nothing to learn from; give the number of features, e.g. `[784]`");
        return None;
    }
    match dims.as_slice() {
        [] => {
            diag.at(
                shape.bracket_span,
                "the input shape is empty; give the number of features, e.g. `[784]`",
            );
            None
        }
        [(features, _)] => Some(*features),
        many => {
            let total: usize = many.iter().map(|(d, _)| d).product();
            let written = many
                .iter()
                .map(|(d, _)| d.to_string())
                .collect::<Vec<_>>()
                .join(", ");
            diag.at(
                shape.bracket_span,
                format_args!(
                    "`network!` takes flat inputs for now; declare `[{total}]` instead of `[{written}]` \
                     and pass each sample as {total} values in row-major order"
                ),
            );
            None
        }
    }
}

/// Rule: the layer name is known and its arguments fit it.
///
/// After a bad argument the layer still resolves, with the shape the user
/// most likely meant (`features` for missing units), so later layers are
/// checked without a cascade of follow-on errors.
fn resolve(call: &LayerCall, features: usize, diag: &mut Diagnostics) -> Option<LayerKind> {
    let name = call.name.to_string();
    if name == "dense" {
        let args = dense_args(call, diag);
        return Some(LayerKind::Dense {
            units: dense_units(call, &args, diag).unwrap_or(features),
            activation: args
                .activation
                .and_then(|a| dense_activation(a, diag))
                .unwrap_or(Activation::Identity),
        });
    }
    if Activation::NAMES.contains(&name.as_str()) {
        return activation::resolve(&call.name, call.args.as_ref(), diag)
            .map(LayerKind::Activation);
    }
    let mut layer_names = vec!["dense"];
    layer_names.extend(Activation::NAMES);
    let hint = match closest(&name, &layer_names) {
        Some(near) => format!("did you mean `{near}`? "),
        None => String::new(),
    };
    diag.at(
        call.name.span(),
        format_args!(
            "unknown layer `{name}`; {hint}the layers are `dense(units)`, `dense(units, activation)` \
             and the activations {}",
            activation::listing()
        ),
    );
    None
}

/// A dense layer keeps only its output, so an activation whose gradient needs
/// its input (`gelu`, `silu`) becomes a layer of its own after it.
fn split_activation(kind: LayerKind) -> Vec<LayerKind> {
    match kind {
        LayerKind::Dense { units, activation } if activation.needs_input() => vec![
            LayerKind::Dense {
                units,
                activation: Activation::Identity,
            },
            LayerKind::Activation(activation),
        ],
        kind => vec![kind],
    }
}

/// The arguments of `dense`, sorted into units and activation.
struct DenseArgs<'a> {
    units: Option<&'a Value>,
    activation: Option<&'a Value>,
    /// An unknown keyword was reported: a missing value is its consequence, not a second error.
    unknown_keyword: bool,
}

/// Rule: `dense` takes `units` then `activation`, positionally or by keyword, each once.
fn dense_args<'a>(call: &'a LayerCall, diag: &mut Diagnostics) -> DenseArgs<'a> {
    let mut found = DenseArgs {
        units: None,
        activation: None,
        unknown_keyword: false,
    };
    let Some(args) = &call.args else {
        return found;
    };
    let mut positional = 0;
    for arg in &args.list {
        let (which, slot, value, key_span) = match arg {
            Arg::Positional(value) => {
                positional += 1;
                match positional {
                    1 => ("units", &mut found.units, value, None),
                    2 => ("activation", &mut found.activation, value, None),
                    _ => {
                        diag.at(
                            value.span(),
                            format_args!(
                                "`dense` takes at most two arguments, the units and the activation; remove `{value}`"
                            ),
                        );
                        continue;
                    }
                }
            }
            Arg::Keyword { key, value } => match key.to_string().as_str() {
                "units" => ("units", &mut found.units, value, Some(key.span())),
                "activation" => ("activation", &mut found.activation, value, Some(key.span())),
                other => {
                    let hint = match closest(other, &["units", "activation"]) {
                        Some(near) => format!("did you mean `{near}`? "),
                        None => String::new(),
                    };
                    diag.at(
                        key.span(),
                        format_args!(
                            "unknown keyword `{other}` for `dense`; {hint}the keywords are `units` and `activation`"
                        ),
                    );
                    found.unknown_keyword = true;
                    continue;
                }
            },
        };
        if slot.is_some() {
            diag.at(
                key_span.unwrap_or_else(|| value.span()),
                format_args!("`{which}` is given twice; keep one"),
            );
        } else {
            *slot = Some(value);
        }
    }
    found
}

/// Rule: `dense` has a positive whole number of units.
fn dense_units(call: &LayerCall, args: &DenseArgs<'_>, diag: &mut Diagnostics) -> Option<usize> {
    let Some(value) = args.units else {
        if args.unknown_keyword {
            return None;
        }
        diag.over(
            call,
            "`dense` needs the number of units, e.g. `dense(128)` or `dense(128, relu)`",
        );
        return None;
    };
    match value {
        Value::Int(lit) => match whole_number(lit, "the number of units", diag)? {
            0 => {
                diag.at(lit.span(), "`dense` needs at least 1 unit, found 0");
                None
            }
            units => Some(units),
        },
        Value::Negative(..) => {
            diag.over(
                value,
                format_args!("`dense` needs at least 1 unit, found {value}"),
            );
            None
        }
        _ => {
            diag.at(
                value.span(),
                format_args!(
                    "the number of units must be a whole number such as `128`, found `{value}`"
                ),
            );
            None
        }
    }
}

/// Rule: a dense activation is a known one, with fitting settings.
fn dense_activation(value: &Value, diag: &mut Diagnostics) -> Option<Activation> {
    match value {
        Value::Word(name) => activation::resolve(name, None, diag),
        Value::Call(call) => activation::resolve(&call.name, call.args.as_ref(), diag),
        _ => {
            diag.at(
                value.span(),
                format_args!(
                    "expected an activation such as `relu` after the units, found `{value}`"
                ),
            );
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(tokens: proc_macro2::TokenStream) -> syn::Result<ast::Network> {
        check(&syn::parse2(tokens).unwrap())
    }

    fn errors(tokens: proc_macro2::TokenStream) -> Vec<String> {
        match run(tokens) {
            Ok(_) => panic!("expected check errors"),
            Err(e) => e.into_iter().map(|e| e.to_string()).collect(),
        }
    }

    #[test]
    fn infers_shapes_fields_and_parameters_of_the_tutorial_network() {
        let net = run(quote::quote!(pub Mlp: [784] => dense(128, relu) -> dense(10))).unwrap();
        let fields: Vec<String> = net.layers.iter().map(|l| l.field.to_string()).collect();
        assert_eq!(fields, ["dense0", "dense1"]);
        assert_eq!(
            (net.input, net.output(), net.parameters()),
            (784, 10, 101_770)
        );
        assert_eq!(net.source, "[784] => dense(128, relu) -> dense(10)");
        assert!(!net.outputs_probabilities());
    }

    #[test]
    fn activation_layers_keep_the_width_and_count_per_kind() {
        let net = run(
            quote::quote!(N: [4] => dense(8) -> relu -> dense(3, activation = identity) -> softmax),
        )
        .unwrap();
        let fields: Vec<String> = net.layers.iter().map(|l| l.field.to_string()).collect();
        assert_eq!(fields, ["dense0", "relu0", "dense1", "softmax0"]);
        assert_eq!(net.layers[1].output, 8);
        assert!(net.outputs_probabilities());
    }

    #[test]
    fn every_mistake_is_reported_once_in_one_pass() {
        let all = errors(
            quote::quote!(N: [4] => dens(3) -> dense(0, rleu) -> relu(2) -> dense(4, foo = 1)),
        );
        assert_eq!(all.len(), 5, "{all:#?}");
        assert!(all[0].starts_with("unknown layer `dens`; did you mean `dense`?"));
        assert_eq!(all[1], "`dense` needs at least 1 unit, found 0");
        assert!(all[2].starts_with("unknown activation `rleu`; did you mean `relu`?"));
        assert!(all[3].starts_with("`relu` takes no arguments"));
        assert!(all[4].starts_with("unknown keyword `foo` for `dense`"));
    }

    #[test]
    fn argument_list_mistakes() {
        assert!(
            errors(quote::quote!(N: [4] => dense))[0]
                .starts_with("`dense` needs the number of units")
        );
        assert!(errors(quote::quote!(N: [4] => dense(2.5)))[0].contains("found `2.5`"));
        assert!(errors(quote::quote!(N: [4] => dense(2, relu, tanh)))[0].contains("remove `tanh`"));
        assert!(
            errors(quote::quote!(N: [4] => dense(2, units = 3)))[0]
                .contains("`units` is given twice")
        );
        assert!(errors(quote::quote!(N: [4] => dense(2, 3)))[0].contains("expected an activation"));
    }

    #[test]
    fn numbers_that_do_not_fit_are_errors_not_panics() {
        assert!(
            errors(quote::quote!(N: [4294967296] => dense(4294967296)))[0]
                .contains("more parameters")
        );
        assert!(
            errors(quote::quote!(N: [18446744073709551615] => dense(1)))[0]
                .contains("more parameters")
        );
        let huge = errors(
            quote::quote!(N: [2] => dense(9223372036854775807) -> dense(9223372036854775807)),
        );
        assert!(
            huge.iter().any(|e| e.contains("more parameters")),
            "{huge:?}"
        );
        assert!(
            errors(quote::quote!(N: [4] => dense(99999999999999999999)))[0].contains("too large")
        );
        assert!(errors(quote::quote!(N: [4] => dense(3u8)))[0].contains("without a type suffix"));
        assert!(errors(quote::quote!(E: [4] => dense(3)))[0].contains("element-type parameter"));
    }

    #[test]
    fn input_shape_mistakes() {
        assert!(errors(quote::quote!(N: [0] => dense(2)))[0].contains("input dimension of 0"));
        assert!(errors(quote::quote!(N: [] => dense(2)))[0].contains("input shape is empty"));
        assert!(
            errors(quote::quote!(N: [28, 28] => dense(2)))[0]
                .contains("declare `[784]` instead of `[28, 28]`")
        );
    }
}

//! `parse::NetworkDef` -> `ast::Network`: resolve layers, check arguments,
//! infer every shape. Each rule is a small function; all errors are collected.

use proc_macro2::Span;
use quote::{ToTokens, format_ident};

use crate::ast::{self, Activation, LayerKind, Penalty, Shape};
use crate::diag::{Diagnostics, closest};
use crate::parse::{self, LayerCall, Value, compact};
use syn::LitInt;

mod activation;
mod args;
mod images;

/// More trainable scalars than this (1 TB as `f32`) is surely a mistake in
/// a size: the model could not be allocated.
const MAX_PARAMETERS: usize = 1 << 38;

/// More values than this in one sample between two layers (16 GB as `f32`)
/// is surely a mistake in a size.
const MAX_SAMPLE_VALUES: usize = 1 << 32;

/// Token ids are `f32` values, whole numbers exact up to 2^24.
const MAX_VOCABULARY: usize = 1 << 24;

/// One layer a call resolves to (`dense(64, gelu)` resolves to two), with
/// its output shape and parameter count.
struct Resolved {
    kind: LayerKind,
    output: Shape,
    params: usize,
    /// The token generated code for it is spanned at; `None` for the call's name.
    span: Option<Span>,
}

/// Checks the whole definition; `Err` holds every problem found.
pub(crate) fn check(def: &parse::NetworkDef) -> syn::Result<ast::Network> {
    let mut diag = Diagnostics::default();
    check_name(&def.name, &mut diag);
    let input = check_input_shape(&def.input, &mut diag);
    let (resolved, _) = resolve_chain(&def.layers, input, true, &mut diag);
    let mut layers = Vec::with_capacity(resolved.len());
    let mut counts = std::collections::HashMap::<String, usize>::new();
    let mut shape = input.unwrap_or(Shape::Flat(1));
    for layer in resolved {
        let span = layer.span.unwrap_or_else(Span::call_site);
        let prefix = layer.kind.field_prefix();
        let index = counts.entry(prefix.clone()).or_default();
        let field = format_ident!("{prefix}{index}", span = span);
        *index += 1;
        layers.push(ast::Layer {
            kind: layer.kind,
            input: std::mem::replace(&mut shape, layer.output),
            output: layer.output,
            params: layer.params,
            span,
            field,
        });
    }
    match layers
        .iter()
        .try_fold(0usize, |sum, l| sum.checked_add(l.params))
    {
        None => diag.at(
            def.name.span(),
            "the network has more parameters than this machine can address; use fewer units",
        ),
        Some(total) if total > MAX_PARAMETERS => diag.at(
            def.name.span(),
            format_args!(
                "the network has {total} parameters ({} GB as f32), more than `network!` \
                 accepts ({MAX_PARAMETERS}); use fewer units or filters",
                total / 250_000_000
            ),
        ),
        Some(_) => {}
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
        input: input.unwrap_or(Shape::Flat(1)),
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
pub(super) fn whole_number(lit: &LitInt, what: &str, diag: &mut Diagnostics) -> Option<usize> {
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
fn check_input_shape(shape: &parse::InputShape, diag: &mut Diagnostics) -> Option<Shape> {
    check_shape(shape, ShapeRole::Input, diag)
}

/// Whose shape [`check_shape`] checks, for its messages.
#[derive(Clone, Copy, PartialEq)]
enum ShapeRole {
    /// The network's input: `Net: [784] => ...`.
    Input,
    /// The target of `reshape([...])`.
    Reshape,
    /// The declared output of a nested network.
    Nested,
}

/// Rule: a shape is `[n]` or `[channels, height, width]` of positive whole
/// numbers whose product fits a `usize`.
fn check_shape(
    shape: &parse::InputShape,
    role: ShapeRole,
    diag: &mut Diagnostics,
) -> Option<Shape> {
    let (what, example) = match role {
        ShapeRole::Input => ("the input", "`[784]` or `[1, 28, 28]`"),
        ShapeRole::Reshape => (
            "`reshape`'s shape",
            "`reshape([784])` or `reshape([1, 28, 28])`",
        ),
        ShapeRole::Nested => ("a nested network's output", "`Encoder(output = [64])`"),
    };
    let dims: Vec<(usize, Span)> = shape
        .dims
        .iter()
        .filter_map(|lit| Some((whole_number(lit, "a size", diag)?, lit.span())))
        .collect();
    if dims.len() != shape.dims.len() {
        return None;
    }
    if let Some((_, span)) = dims.iter().find(|(d, _)| *d == 0) {
        diag.at(
            *span,
            format_args!(
                "a dimension of 0 in {what} leaves no values; give features or an image's \
                 channels, height and width, e.g. {example}"
            ),
        );
        return None;
    }
    match dims.as_slice() {
        [] => {
            diag.at(
                shape.bracket_span,
                format_args!(
                    "{what} is empty; give the number of features or an image's channels, \
                     height and width, e.g. {example}"
                ),
            );
            None
        }
        [(features, _)] => Some(Shape::Flat(*features)),
        [(h, _), (w, _)] => {
            diag.at(
                shape.bracket_span,
                format_args!(
                    "a 2-D shape needs its channels: write `[1, {h}, {w}]` for a one-channel \
                     image, or `[{}]` for flat features",
                    h.saturating_mul(*w)
                ),
            );
            None
        }
        [(c, _), (h, _), (w, _)] => {
            if c.checked_mul(*h)
                .and_then(|ch| ch.checked_mul(*w))
                .is_none()
            {
                diag.at(
                    shape.bracket_span,
                    format_args!("{what} has more values than this machine can address"),
                );
                return None;
            }
            Some(Shape::Image {
                c: *c,
                h: *h,
                w: *w,
            })
        }
        many => {
            let written = many
                .iter()
                .map(|(d, _)| d.to_string())
                .collect::<Vec<_>>()
                .join(", ");
            let batch_hint = if role == ShapeRole::Input {
                ", one sample without the batch dimension"
            } else {
                ""
            };
            diag.at(
                shape.bracket_span,
                format_args!(
                    "`network!` takes flat features `[n]` or images `[channels, height, width]`{batch_hint}, \
                     not `[{written}]`"
                ),
            );
            None
        }
    }
}

/// Resolves `calls` in order from `input` (`top_level`: the network's own
/// chain, where `embedding` may come first). Returns the layers, each with
/// its span, and the chain's output shape.
///
/// The shape is `None` once unknown after an error: later layers still have
/// their arguments checked, but no shape rule, so nothing cascades. Layers
/// are returned only while every shape is known.
fn resolve_chain(
    calls: &[LayerCall],
    input: Option<Shape>,
    top_level: bool,
    diag: &mut Diagnostics,
) -> (Vec<Resolved>, Option<Shape>) {
    let mut layers = Vec::new();
    let mut shape = input;
    for (position, call) in calls.iter().enumerate() {
        let resolved = resolve(call, shape, top_level && position == 0, diag);
        shape = resolved.as_ref().and_then(|r| r.last()).map(|r| r.output);
        let Some(resolved) = resolved else {
            continue;
        };
        if let Some(layer) = resolved.iter().find(|l| {
            l.output
                .checked_numel()
                .is_none_or(|n| n > MAX_SAMPLE_VALUES)
        }) {
            diag.over(
                call,
                format_args!(
                    "`{}` gives {} per sample, more values than `network!` accepts ({MAX_SAMPLE_VALUES}); \
                     use fewer filters or smaller images",
                    call.name, layer.output
                ),
            );
            shape = None;
            continue;
        }
        layers.extend(resolved.into_iter().map(|layer| Resolved {
            span: layer.span.or(Some(call.name.span())),
            ..layer
        }));
    }
    if shape.is_none() {
        layers.clear();
    }
    (layers, shape)
}

/// Rules of `residual(chain)`: the chain's output has its input's shape, and
/// is added to it.
fn residual(
    call: &LayerCall,
    input: Option<Shape>,
    diag: &mut Diagnostics,
) -> Option<Vec<Resolved>> {
    let Some(body) = &call.body else {
        diag.over(
            call,
            "`residual` needs the layers of its block in parentheses, e.g. \
             `residual(dense(64, relu) -> dense(64))`",
        );
        return None;
    };
    let (mut layers, output) = resolve_chain(&body.layers, input, false, diag);
    let (input, output) = (input?, output?);
    if output != input {
        diag.at(
            body.paren_span,
            format_args!(
                "`residual` adds its block's output to its input, but the block turns {input} \
                 into {output}; end the block with the input's shape {input}"
            ),
        );
        return None;
    }
    let block_len = layers.len();
    layers.push(Resolved {
        kind: LayerKind::ResidualAdd { block_len },
        output,
        params: 0,
        span: None,
    });
    Some(layers)
}

/// Rule: the layer name is known and its arguments fit it; its shape rule
/// holds for `input` when that is known. `None` leaves the shape unknown.
fn resolve(
    call: &LayerCall,
    input: Option<Shape>,
    first: bool,
    diag: &mut Diagnostics,
) -> Option<Vec<Resolved>> {
    let name = call.name.to_string();
    match name.as_str() {
        "dense" => dense(call, input, diag),
        "conv2d" => images::conv2d(call, input, diag),
        "maxpool2d" | "avgpool2d" => images::pool(call, input, diag),
        "flatten" | "global_avgpool" => images::to_features(call, input, diag),
        "dropout" => dropout(call, input, diag),
        "reshape" => reshape(call, input, diag),
        "embedding" => embedding(call, input, first, diag),
        "residual" => residual(call, input, diag),
        _ if name.starts_with(|c: char| c.is_ascii_uppercase()) => nested(call, input, diag),
        "layernorm" => layernorm(call, input, diag),
        "batchnorm" => batchnorm(call, input, diag),
        _ if Activation::NAMES.contains(&name.as_str()) => {
            let activation = activation::resolve(&call.name, call.args.as_ref(), diag)?;
            Some(vec![Resolved {
                kind: LayerKind::Activation(activation),
                output: input?,
                params: 0,
                span: None,
            }])
        }
        _ => {
            let mut layer_names = vec![
                "dense",
                "conv2d",
                "maxpool2d",
                "avgpool2d",
                "flatten",
                "global_avgpool",
            ];
            layer_names.extend(Activation::NAMES);
            let hint = match closest(&name, &layer_names) {
                Some(near) => format!("did you mean `{near}`? "),
                None => String::new(),
            };
            diag.at(
                call.name.span(),
                format_args!(
                    "unknown layer `{name}`; {hint}the layers are `dense(units)`, \
                     `conv2d(filters, kernel)`, `maxpool2d(kernel)`, `avgpool2d(kernel)`, `flatten`, \
                     `global_avgpool`, `reshape([c, h, w])`, `embedding(vocab, dim)`, `dropout(rate)`, \
                     `layernorm`, `batchnorm`, `residual(layer -> ...)` and the activations {}",
                    activation::listing()
                ),
            );
            None
        }
    }
}

/// Rules of `dense(units, activation)`: arguments, then a flat input.
fn dense(call: &LayerCall, input: Option<Shape>, diag: &mut Diagnostics) -> Option<Vec<Resolved>> {
    let args = args::sort(call, &["units", "activation"], &["l1", "l2"], diag);
    let penalty = penalty(&args, "dense", diag);
    let units = match args.get("units") {
        Some(value) => args::count(
            value,
            &args::Count {
                layer: "dense",
                at_least_one: "unit",
                what: "the number of units",
                example: "128",
            },
            diag,
        ),
        None => {
            if !args.unknown_keyword {
                diag.over(
                    call,
                    "`dense` needs the number of units, e.g. `dense(128)` or `dense(128, relu)`",
                );
            }
            None
        }
    };
    let activation = match args.get("activation") {
        Some(value) => dense_activation(value, diag)?,
        None => Activation::Identity,
    };
    let features = match input? {
        Shape::Flat(features) => features,
        image => {
            diag.at(
                call.name.span(),
                format_args!(
                    "`dense` needs flat features, but its input is the image {image}; \
                     put `flatten` or `global_avgpool` before it"
                ),
            );
            return None;
        }
    };
    let units = units?;
    let params = dense_parameters(call, features, units, diag);
    Some(split_activation(
        LayerKind::Dense {
            units,
            activation,
            penalty: penalty?,
        },
        Shape::Flat(units),
        params,
    ))
}

/// Rules of `reshape([n])` / `reshape([c, h, w])`: a valid shape with as many
/// values as the input.
fn reshape(
    call: &LayerCall,
    input: Option<Shape>,
    diag: &mut Diagnostics,
) -> Option<Vec<Resolved>> {
    let sorted = args::sort(call, &["shape"], &[], diag);
    let target = match sorted.get("shape") {
        Some(Value::Shape(shape)) => check_shape(shape, ShapeRole::Reshape, diag)?,
        Some(other) => {
            diag.at(
                other.span(),
                format_args!("`reshape` takes a shape in brackets, e.g. `reshape([1, 28, 28])`, found `{other}`"),
            );
            return None;
        }
        None => {
            if !sorted.unknown_keyword {
                diag.over(
                    call,
                    "`reshape` needs the new shape, e.g. `reshape([1, 28, 28])`",
                );
            }
            return None;
        }
    };
    let input = input?;
    if target.checked_numel() != input.checked_numel() {
        diag.over(
            call,
            format_args!(
                "`reshape` to {target} needs {} values, but its input {input} has {}",
                target.numel(),
                input.numel()
            ),
        );
        return None;
    }
    Some(vec![Resolved {
        kind: LayerKind::Reshape,
        output: target,
        params: 0,
        span: None,
    }])
}

/// Rules of `embedding(vocab, dim)`: the first layer, reading a flat input
/// of token ids; its output is `[dim, 1, seq]`.
fn embedding(
    call: &LayerCall,
    input: Option<Shape>,
    first: bool,
    diag: &mut Diagnostics,
) -> Option<Vec<Resolved>> {
    let sorted = args::sort(call, &["vocab", "dim"], &["l1", "l2"], diag);
    let penalty = penalty(&sorted, "embedding", diag);
    let count = |name: &str, what: &str, example: &str, diag: &mut Diagnostics| match sorted
        .get(name)
    {
        Some(value) => args::count(
            value,
            &args::Count {
                layer: "embedding",
                at_least_one: what,
                what: name,
                example,
            },
            diag,
        ),
        None => {
            if !sorted.unknown_keyword {
                diag.over(call, "`embedding` needs the vocabulary size and the vector size, e.g. `embedding(10000, 16)`");
            }
            None
        }
    };
    let vocab = count("vocab", "token in its vocabulary", "10000", diag);
    let dim = count("dim", "feature per token", "16", diag);
    if !first {
        diag.at(
            call.name.span(),
            "`embedding` reads token ids, so it must be the first layer, straight after the \
             input `[sequence length]`; here it would read another layer's float outputs",
        );
        return None;
    }
    let seq = match input? {
        Shape::Flat(seq) => seq,
        image => {
            diag.at(
                call.name.span(),
                format_args!(
                    "`embedding` reads a sequence of token ids `[length]`, but the input is the image {image}"
                ),
            );
            return None;
        }
    };
    let (vocab, dim) = (vocab?, dim?);
    if vocab > MAX_VOCABULARY {
        diag.over(
            call,
            format_args!(
                "`embedding` over {vocab} tokens: ids travel as `f32`, exact only up to \
                 {MAX_VOCABULARY}; use a smaller vocabulary (hash or bucket rare tokens)"
            ),
        );
        return None;
    }
    let Some(params) = vocab.checked_mul(dim) else {
        diag.over(call, "`embedding` needs more parameters than this machine can address; use a smaller vocabulary or vectors");
        return None;
    };
    Some(vec![Resolved {
        kind: LayerKind::Embedding {
            vocab,
            dim,
            penalty: penalty?,
        },
        output: Shape::Image {
            c: dim,
            h: 1,
            w: seq,
        },
        params,
        span: None,
    }])
}

/// Rules of `Encoder(output = [64])`: a network declared with `network!`
/// used as a layer. The macro cannot see its shapes, so its output is
/// declared; generated code checks both shapes against its type.
fn nested(call: &LayerCall, input: Option<Shape>, diag: &mut Diagnostics) -> Option<Vec<Resolved>> {
    let sorted = args::sort(call, &["output"], &[], diag);
    let output = match sorted.get("output") {
        Some(Value::Shape(shape)) => check_shape(shape, ShapeRole::Nested, diag),
        Some(other) => {
            diag.at(
                other.span(),
                format_args!(
                    "the output shape of `{}` goes in brackets, e.g. `{}(output = [64])`, found `{other}`",
                    call.name, call.name
                ),
            );
            None
        }
        None => {
            if !sorted.unknown_keyword {
                diag.over(
                    call,
                    format_args!(
                        "`{name}` is used as a nested network; declare its output shape, \
                         e.g. `{name}(output = [64])` (it is checked against `{name}`'s type)",
                        name = call.name
                    ),
                );
            }
            None
        }
    };
    input?;
    Some(vec![Resolved {
        kind: LayerKind::Nested {
            name: call.name.clone(),
        },
        output: output?,
        params: 0,
        span: None,
    }])
}

/// Rules of `dropout(rate)`: a rate in [0, 1), for any input shape.
fn dropout(
    call: &LayerCall,
    input: Option<Shape>,
    diag: &mut Diagnostics,
) -> Option<Vec<Resolved>> {
    let sorted = args::sort(call, &["rate"], &[], diag);
    let Some(value) = sorted.get("rate") else {
        if !sorted.unknown_keyword {
            diag.over(
                call,
                "`dropout` needs its rate, the fraction of values dropped, e.g. `dropout(0.5)`",
            );
        }
        return None;
    };
    let rate = match activation::number(value) {
        // 0.99999999999 rounds to 1 in f32, which would drop everything.
        Some(rate) if (0.0..1.0).contains(&rate) && (rate as f32) < 1.0 => rate,
        Some(_) => {
            diag.over(
                value,
                format_args!(
                    "`dropout` needs a rate in [0, 1), the fraction of values dropped, found {value}"
                ),
            );
            return None;
        }
        None => {
            diag.at(
                value.span(),
                format_args!(
                    "the rate of `dropout` must be a plain number such as `0.5`, found `{value}`"
                ),
            );
            return None;
        }
    };
    Some(vec![Resolved {
        kind: LayerKind::Dropout { rate },
        output: input?,
        params: 0,
        span: None,
    }])
}

/// Rule: a setting is a number for which `valid` holds and that stays a
/// normal `f32`; `default` when it is not given.
fn setting(
    sorted: &args::Sorted<'_>,
    layer: &str,
    name: &str,
    default: f64,
    valid: fn(f64) -> bool,
    range: &str,
    diag: &mut Diagnostics,
) -> Option<f64> {
    let Some(value) = sorted.get(name) else {
        return Some(default);
    };
    let problem = match activation::number(value) {
        Some(v) if !(v as f32).is_finite() => format!("is beyond `f32`'s range, found `{value}`"),
        Some(v) if v != 0.0 && !(v as f32).is_normal() => {
            format!(
                "is too small for `f32` (at least {:e}), found `{value}`",
                f32::MIN_POSITIVE
            )
        }
        Some(v) if valid(v) => return Some(v),
        _ => format!("must be {range}, such as `{default:?}`, found `{value}`"),
    };
    diag.over(value, format_args!("`{name}` of `{layer}` {problem}"));
    None
}

/// Rules of `l1 = ...` and `l2 = ...` on a layer with a weight: numbers of at
/// least 0 (Keras's kernel regularizers), 0 when left out.
fn penalty(sorted: &args::Sorted<'_>, layer: &str, diag: &mut Diagnostics) -> Option<Penalty> {
    let at_least_zero = |v: f64| v >= 0.0;
    let range = "a number of at least 0";
    let l1 = setting(sorted, layer, "l1", 0.0, at_least_zero, range, diag);
    let l2 = setting(sorted, layer, "l2", 0.0, at_least_zero, range, diag);
    Some(Penalty { l1: l1?, l2: l2? })
}

/// Rules of `layernorm(eps = 1e-5)`: flat features, a positive eps.
fn layernorm(
    call: &LayerCall,
    input: Option<Shape>,
    diag: &mut Diagnostics,
) -> Option<Vec<Resolved>> {
    let sorted = args::sort(call, &[], &["eps"], diag);
    let eps = setting(
        &sorted,
        "layernorm",
        "eps",
        1e-5,
        |v| v > 0.0,
        "a positive number",
        diag,
    )?;
    let features = match input? {
        Shape::Flat(features) => features,
        image => {
            diag.at(
                call.name.span(),
                format_args!(
                    "`layernorm` normalises flat features, but its input is the image {image}; \
                     put it after `flatten` or a dense layer"
                ),
            );
            return None;
        }
    };
    Some(vec![Resolved {
        kind: LayerKind::LayerNorm { eps },
        output: Shape::Flat(features),
        params: 2 * features,
        span: None,
    }])
}

/// Rules of `batchnorm(momentum = 0.99, eps = 1e-3)` (Keras's defaults and
/// meaning of momentum): per feature of flat input, per channel of images.
fn batchnorm(
    call: &LayerCall,
    input: Option<Shape>,
    diag: &mut Diagnostics,
) -> Option<Vec<Resolved>> {
    let sorted = args::sort(call, &[], &["momentum", "eps"], diag);
    let momentum = setting(
        &sorted,
        "batchnorm",
        "momentum",
        0.99,
        |v| (0.0..1.0).contains(&v),
        "in [0, 1) (the weight of the old running statistics, as in Keras)",
        diag,
    );
    let eps = setting(
        &sorted,
        "batchnorm",
        "eps",
        1e-3,
        |v| v > 0.0,
        "a positive number",
        diag,
    );
    let shape = input?;
    let channels = match shape {
        Shape::Flat(features) => features,
        Shape::Image { c, .. } => c,
    };
    Some(vec![Resolved {
        kind: LayerKind::BatchNorm {
            momentum: momentum?,
            eps: eps?,
        },
        output: shape,
        params: 2 * channels,
        span: None,
    }])
}

/// A dense layer keeps only its output, so an activation whose gradient needs
/// its input (`gelu`, `silu`) becomes a layer of its own after it.
fn split_activation(kind: LayerKind, output: Shape, params: usize) -> Vec<Resolved> {
    match kind {
        LayerKind::Dense {
            units,
            activation,
            penalty,
        } if activation.needs_input() => vec![
            Resolved {
                kind: LayerKind::Dense {
                    units,
                    activation: Activation::Identity,
                    penalty,
                },
                output,
                params,
                span: None,
            },
            Resolved {
                kind: LayerKind::Activation(activation),
                output,
                params: 0,
                span: None,
            },
        ],
        kind => vec![Resolved {
            kind,
            output,
            params,
            span: None,
        }],
    }
}

/// Rule: a dense activation is a known one, with fitting settings.
pub(super) fn dense_activation(value: &Value, diag: &mut Diagnostics) -> Option<Activation> {
    match value {
        Value::Word(name) => activation::resolve(name, None, diag),
        Value::Call(call) => activation::resolve(&call.name, call.args.as_ref(), diag),
        _ => {
            diag.at(
                value.span(),
                format_args!("expected an activation such as `relu`, found `{value}`"),
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
        assert!(net.input == Shape::Flat(784) && net.output() == Shape::Flat(10));
        assert_eq!(net.parameters(), 101_770);
        assert_eq!(net.source, "[784] => dense(128, relu) -> dense(10)");
        assert_eq!(
            net.output_kind().to_string(),
            quote::quote!(::nn::network::Output::Linear).to_string()
        );
    }

    #[test]
    fn activation_layers_keep_the_width_and_count_per_kind() {
        let net = run(
            quote::quote!(N: [4] => dense(8) -> relu -> dense(3, activation = identity) -> softmax),
        )
        .unwrap();
        let fields: Vec<String> = net.layers.iter().map(|l| l.field.to_string()).collect();
        assert_eq!(fields, ["dense0", "relu0", "dense1", "softmax0"]);
        assert!(net.layers[1].output == Shape::Flat(8));
        assert_eq!(
            net.output_kind().to_string(),
            quote::quote!(::nn::network::Output::Softmax).to_string()
        );
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
        assert!(
            errors(quote::quote!(N: [0] => dense(2)))[0].contains("a dimension of 0 in the input")
        );
        assert!(errors(quote::quote!(N: [] => dense(2)))[0].starts_with("the input is empty"));
        assert!(
            errors(quote::quote!(N: [28, 28] => dense(2)))[0]
                .contains("write `[1, 28, 28]` for a one-channel image, or `[784]`")
        );
        assert!(
            errors(quote::quote!(N: [1, 2, 3, 4] => dense(2)))[0].contains("not `[1, 2, 3, 4]`")
        );
    }

    #[test]
    fn image_layers_infer_shapes_and_split_off_activations() {
        let text = run(quote::quote!(
            N: [200] => embedding(10000, 16) -> global_avgpool -> dense(1, sigmoid)
        ))
        .unwrap();
        let shapes: Vec<String> = text.layers.iter().map(|l| l.output.to_string()).collect();
        assert_eq!(shapes, ["[16, 1, 200]", "[16]", "[1]"]);
        assert_eq!(text.parameters(), 10000 * 16 + 16 + 1);
        let reshaped =
            run(quote::quote!(N: [784] => reshape([1, 28, 28]) -> conv2d(2, 3))).unwrap();
        assert_eq!(reshaped.layers[0].output.to_string(), "[1, 28, 28]");
        let net = run(quote::quote!(
            N: [1, 28, 28] => conv2d(8, 3, relu, padding = same) -> maxpool2d(2)
                -> conv2d(16, kernel = 3, stride = 2) -> avgpool2d(2, stride = 1) -> flatten -> dense(10)
        ))
        .unwrap();
        let fields: Vec<String> = net.layers.iter().map(|l| l.field.to_string()).collect();
        assert_eq!(
            fields,
            [
                "conv2d_0",
                "relu0",
                "maxpool2d_0",
                "conv2d_1",
                "avgpool2d_0",
                "flatten0",
                "dense0"
            ]
        );
        let shapes: Vec<String> = net.layers.iter().map(|l| l.output.to_string()).collect();
        assert_eq!(
            shapes,
            [
                "[8, 28, 28]",
                "[8, 28, 28]",
                "[8, 14, 14]",
                "[16, 6, 6]",
                "[16, 5, 5]",
                "[400]",
                "[10]"
            ]
        );
        assert_eq!(
            net.parameters(),
            (8 * 9 + 8) + (16 * 8 * 9 + 16) + (400 * 10 + 10)
        );
    }

    #[test]
    fn image_shape_mistakes_name_the_shapes() {
        let first = |tokens| errors(tokens)[0].clone();
        assert!(
            first(quote::quote!(N: [1, 28, 28] => dense(10)))
                .contains("its input is the image [1, 28, 28]; put `flatten`")
        );
        assert!(
            first(quote::quote!(N: [784] => conv2d(8, 3)))
                .contains("its input is 784 flat features")
        );
        assert!(
            first(quote::quote!(N: [1, 4, 4] => conv2d(8, 5)))
                .contains("kernel 5x5 is larger than its input [1, 4, 4]")
        );
        assert!(
            first(quote::quote!(N: [1, 13, 13] => maxpool2d(2)))
                .contains("does not tile its 13x13 input")
        );
        assert!(
            first(quote::quote!(N: [1, 2, 2] => maxpool2d(3))).contains("window 3x3 is larger")
        );
        assert!(
            first(quote::quote!(N: [1, 8, 8] => conv2d(4, 2, padding = same)))
                .contains("odd kernel")
        );
        assert!(
            first(quote::quote!(N: [1, 8, 8] => conv2d(4, 3, stride = 2, padding = same)))
                .contains("stride 1")
        );
        assert!(first(quote::quote!(N: [8] => flatten)).contains("already flat ([8])"));
        assert!(
            first(quote::quote!(N: [1, 4, 4] => conv2d(2, 3, padding = 30)))
                .contains("more than half its kernel")
        );
        assert!(
            first(quote::quote!(N: [28, 28, 1] => conv2d(2, 3)))
                .contains("did you mean `[1, 28, 28]`?")
        );
        assert!(
            first(quote::quote!(N: [1, 8, 8] => conv2d(2, 3, padding = sme)))
                .starts_with("did you mean `same`?")
        );
        assert!(
            first(quote::quote!(N: [1, 100000, 100000] => conv2d(100000, 3)))
                .contains("more values than")
        );
        assert!(
            first(quote::quote!(N: [3, 4000, 4000] => flatten -> dense(100000)))
                .contains("more than `network!` accepts")
        );
        assert!(
            first(quote::quote!(N: [8] => layernorm(eps = 1e-50))).contains("too small for `f32`")
        );
        assert!(
            first(quote::quote!(N: [8] => batchnorm(eps = 1e400))).contains("beyond `f32`'s range")
        );
        assert!(first(quote::quote!(N: [8] => batchnorm(momentum = 1))).contains("in [0, 1)"));
        assert!(first(quote::quote!(N: [8] => dropout(0.99999999999))).contains("rate in [0, 1)"));
        assert!(
            first(quote::quote!(N: [8] => layernorm(1e-5)))
                .contains("e.g. `layernorm(eps = 1e-5)`")
        );
        assert!(
            first(quote::quote!(N: [8] => dropout(0.5, 0.2)))
                .contains("at most 1 positional argument (`rate`)")
        );
        assert!(
            first(quote::quote!(N: [1, 8, 8] => conv2d(4))).contains("`conv2d` needs `kernel`")
        );
        assert!(first(quote::quote!(N: [8] => dropout(1.0))).contains("rate in [0, 1)"));
        assert!(first(quote::quote!(N: [8] => dropout(-0.5))).contains("rate in [0, 1)"));
        assert!(first(quote::quote!(N: [8] => dropout)).contains("needs its rate"));
        assert!(first(quote::quote!(N: [8] => dropout(p = 0.5))).contains("unknown keyword `p`"));
        assert!(
            first(quote::quote!(N: [784] => reshape([1, 28, 27])))
                .contains("`reshape` to [1, 28, 27] needs 756 values, but its input [784] has 784")
        );
        assert!(first(quote::quote!(N: [784] => reshape(784))).contains("a shape in brackets"));
        assert!(
            first(quote::quote!(N: [784] => reshape([]))).starts_with("`reshape`'s shape is empty")
        );
        assert!(
            first(quote::quote!(N: [784] => reshape([0, 784]))).contains("0 in `reshape`'s shape")
        );
        assert!(
            first(quote::quote!(N: [4] => embedding(20000000, 1)))
                .contains("exact only up to 16777216")
        );
        assert!(
            first(quote::quote!(N: [8] => dense(4) -> embedding(10, 2)))
                .contains("must be the first layer")
        );
        assert!(
            first(quote::quote!(N: [1, 8, 8] => embedding(10, 2)))
                .contains("but the input is the image [1, 8, 8]")
        );
        assert!(
            first(quote::quote!(N: [8] => embedding(10)))
                .contains("needs the vocabulary size and the vector size")
        );
        assert!(
            first(quote::quote!(N: [8] => residual(dense(4))))
                .contains("the block turns [8] into [4]")
        );
        assert!(first(quote::quote!(N: [8] => residual)).contains("needs the layers of its block"));
        // One mistake, one message: the unknown shape after it silences the rest.
        assert_eq!(
            errors(quote::quote!(N: [784] => conv2d(8, 3) -> maxpool2d(2) -> flatten)).len(),
            1
        );
    }
}

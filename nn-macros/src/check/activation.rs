//! Rules for activations, as layers (`leaky_relu(0.2)`) and as the last
//! argument of `dense` (`dense(64, elu(alpha = 0.5))`).

use syn::Ident;

use crate::ast::Activation;
use crate::diag::{Diagnostics, closest};
use crate::parse::{Arg, Args, Value};

/// Every activation, written out for error messages.
pub(super) fn listing() -> String {
    Activation::NAMES
        .iter()
        .map(|name| format!("`{name}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Rule: `name` is a known activation and `args` fit it. Returns `None` for
/// an unknown name (reported); a known name with bad arguments is reported
/// and resolves with its default settings, so nothing cascades.
pub(super) fn resolve(
    name: &Ident,
    args: Option<&Args>,
    diag: &mut Diagnostics,
) -> Option<Activation> {
    let text = name.to_string();
    let Some(default) = Activation::from_name(&text) else {
        let hint = match closest(&text, &Activation::NAMES) {
            Some(near) => format!("did you mean `{near}`? "),
            None => String::new(),
        };
        diag.at(
            name.span(),
            format_args!(
                "unknown activation `{text}`; {hint}write one of {}, or leave it out for a linear layer",
                listing()
            ),
        );
        return None;
    };
    let Some(args) = args else {
        return Some(default);
    };
    let setting = match default {
        Activation::LeakyRelu { .. } | Activation::Elu { .. } => "alpha",
        Activation::Gelu { .. } => "approximate",
        _ => {
            diag.at(
                args.paren_span,
                format_args!(
                    "`{text}` takes no arguments; write `{text}` alone, or `dense(units, {text})` \
                     to apply it to a dense layer's output"
                ),
            );
            return Some(default);
        }
    };
    let Some(value) = single_setting(&text, setting, args, diag) else {
        return Some(default);
    };
    Some(match default {
        Activation::LeakyRelu { .. } => Activation::LeakyRelu {
            alpha: alpha(&text, value, 0.01, |a| a >= 0.0, "0 or more", diag),
        },
        Activation::Elu { .. } => Activation::Elu {
            alpha: alpha(&text, value, 1.0, |a| a > 0.0, "more than 0", diag),
        },
        _ => Activation::Gelu {
            approximate: approximate(value, diag),
        },
    })
}

/// Rule: an activation with a setting takes at most that one argument,
/// positionally or by its keyword.
fn single_setting<'a>(
    name: &str,
    setting: &str,
    args: &'a Args,
    diag: &mut Diagnostics,
) -> Option<&'a Value> {
    let mut found = None;
    for arg in &args.list {
        let value = match arg {
            Arg::Positional(value) => value,
            Arg::Keyword { key, value } if key == setting => value,
            Arg::Keyword { key, .. } => {
                diag.at(
                    key.span(),
                    format_args!(
                        "unknown keyword `{key}` for `{name}`; its keyword is `{setting}`"
                    ),
                );
                continue;
            }
        };
        if found.is_some() {
            diag.at(
                value.span(),
                format_args!("`{name}` takes one argument, `{setting}`; remove `{value}`"),
            );
        } else {
            found = Some(value);
        }
    }
    found
}

/// Rule: a slope or scale is a number in the activation's range that stays
/// a finite, non-subnormal value in `f32` (networks train in `f32`).
fn alpha(
    name: &str,
    value: &Value,
    default: f64,
    allowed: fn(f64) -> bool,
    range: &str,
    diag: &mut Diagnostics,
) -> f64 {
    let Some(alpha) = number(value) else {
        diag.at(
            value.span(),
            format_args!(
                "`alpha` of `{name}` must be a plain number such as `{default:?}`, found `{value}`"
            ),
        );
        return default;
    };
    let single = alpha as f32;
    let problem = if !single.is_finite() {
        Some(format!(
            "is beyond `f32`'s range (magnitude at most {:e})",
            f32::MAX
        ))
    } else if alpha != 0.0 && !single.is_normal() {
        Some(format!(
            "is too small for `f32` (magnitude at least {:e})",
            f32::MIN_POSITIVE
        ))
    } else if !allowed(alpha) {
        Some(format!("must be {range}"))
    } else {
        None
    };
    match problem {
        None => alpha,
        Some(problem) => {
            diag.over(
                value,
                format_args!("`alpha` of `{name}` {problem}, found {value}"),
            );
            default
        }
    }
}

/// The value of a numeric literal without a type suffix, signed.
pub(super) fn number(value: &Value) -> Option<f64> {
    match value {
        Value::Int(lit) if lit.suffix().is_empty() => lit.base10_parse().ok(),
        Value::Float(lit) if lit.suffix().is_empty() => lit.base10_parse().ok(),
        Value::Negative(_, inner) => number(inner).map(|v| -v),
        _ => None,
    }
}

/// Rule: `gelu`'s `approximate` is `true` (the tanh form) or `false`.
fn approximate(value: &Value, diag: &mut Diagnostics) -> bool {
    if let Value::Bool(lit) = value {
        return lit.value();
    }
    diag.at(
        value.span(),
        format_args!(
            "`approximate` of `gelu` is `true` (the tanh form) or `false` (exact), found `{value}`"
        ),
    );
    false
}

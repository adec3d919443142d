//! Sorting a layer's arguments by name, and the rules every argument list
//! and count shares.

use crate::diag::{Diagnostics, closest};
use crate::parse::{Arg, LayerCall, Value};

use super::whole_number;

/// A layer's arguments by name, after the list rules have been checked.
pub(super) struct Sorted<'a> {
    values: Vec<(&'static str, &'a Value)>,
    /// An unknown keyword was reported: a missing value may be its
    /// consequence, not a second mistake.
    pub unknown_keyword: bool,
}

impl<'a> Sorted<'a> {
    /// The value given for `name`, positionally or by keyword.
    pub fn get(&self, name: &str) -> Option<&'a Value> {
        self.values
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| *v)
    }
}

/// `a`, `a` and `b`, `a`, `b` and `c`.
fn listing(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    match quoted.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// Rule: a layer takes its `positional` arguments in order, then any of them
/// or of `keyword_only` by keyword, each once, and no others.
pub(super) fn sort<'a>(
    call: &'a LayerCall,
    positional: &[&'static str],
    keyword_only: &[&'static str],
    diag: &mut Diagnostics,
) -> Sorted<'a> {
    let layer = call.name.to_string();
    let mut sorted = Sorted {
        values: Vec::new(),
        unknown_keyword: false,
    };
    let Some(args) = &call.args else {
        return sorted;
    };
    let keywords: Vec<&'static str> = positional.iter().chain(keyword_only).copied().collect();
    let mut next = 0;
    for arg in &args.list {
        let (name, value, blame) = match arg {
            Arg::Positional(value) => {
                let Some(&name) = positional.get(next) else {
                    let message = match positional.len() {
                        0 => format!(
                            "`{layer}` takes only keyword arguments ({}), e.g. `{layer}({} = {value})`",
                            listing(&keywords),
                            keywords.first().copied().unwrap_or("name")
                        ),
                        1 => format!(
                            "`{layer}` takes at most 1 positional argument (`{}`); remove `{value}`",
                            positional[0]
                        ),
                        n => format!(
                            "`{layer}` takes at most {n} positional arguments ({}); remove `{value}`",
                            listing(positional)
                        ),
                    };
                    diag.at(value.span(), message);
                    continue;
                };
                next += 1;
                (name, value, value.span())
            }
            Arg::Keyword { key, value } => {
                let key_text = key.to_string();
                let Some(&name) = keywords.iter().find(|k| **k == key_text) else {
                    let hint = match closest(&key_text, &keywords) {
                        Some(near) => format!("did you mean `{near}`? "),
                        None => String::new(),
                    };
                    diag.at(
                        key.span(),
                        format_args!(
                            "unknown keyword `{key_text}` for `{layer}`; {hint}the keywords are {}",
                            listing(&keywords)
                        ),
                    );
                    sorted.unknown_keyword = true;
                    continue;
                };
                (name, value, key.span())
            }
        };
        if sorted.get(name).is_some() {
            diag.at(blame, format_args!("`{name}` is given twice; keep one"));
        } else {
            sorted.values.push((name, value));
        }
    }
    sorted
}

/// How a count is named in messages.
pub(super) struct Count<'a> {
    /// The layer, `conv2d`.
    pub layer: &'a str,
    /// What there must be at least 1 of: `unit`, "`kernel` size".
    pub at_least_one: &'a str,
    /// The count as a noun phrase: `the number of units`, "`kernel`".
    pub what: &'a str,
    /// A valid value to show: `128`.
    pub example: &'a str,
}

/// Rule: a count is a whole number of at least 1.
pub(super) fn count(value: &Value, names: &Count<'_>, diag: &mut Diagnostics) -> Option<usize> {
    let Count {
        layer,
        at_least_one,
        what,
        example,
    } = names;
    match value {
        Value::Int(lit) => match whole_number(lit, what, diag)? {
            0 => {
                diag.at(
                    lit.span(),
                    format_args!("`{layer}` needs at least 1 {at_least_one}, found 0"),
                );
                None
            }
            n => Some(n),
        },
        Value::Negative(..) => {
            diag.over(
                value,
                format_args!("`{layer}` needs at least 1 {at_least_one}, found {value}"),
            );
            None
        }
        _ => {
            diag.at(
                value.span(),
                format_args!("{what} must be a whole number such as `{example}`, found `{value}`"),
            );
            None
        }
    }
}

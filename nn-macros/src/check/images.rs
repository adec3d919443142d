//! Rules of the image layers: `conv2d`, `maxpool2d`, `avgpool2d`, and the
//! two ways from an image to features, `flatten` and `global_avgpool`.

use crate::ast::{Activation, LayerKind, Shape};
use crate::diag::{Diagnostics, closest};
use crate::parse::{LayerCall, Value};

use super::args::{self, Count};
use super::{Resolved, dense_activation};

/// The image an image layer reads, or an error naming what it got instead.
fn image_input(
    call: &LayerCall,
    input: Shape,
    diag: &mut Diagnostics,
) -> Option<(usize, usize, usize)> {
    match input {
        Shape::Image { c, h, w } => Some((c, h, w)),
        Shape::Flat(n) => {
            diag.at(
                call.name.span(),
                format_args!(
                    "`{}` needs an image [channels, height, width], but its input is {n} flat \
                     features; declare the network's input as an image, e.g. `[1, 28, 28]`, and \
                     put image layers before `flatten`",
                    call.name
                ),
            );
            None
        }
    }
}

/// A required count argument, reported once when missing.
fn required(
    call: &LayerCall,
    sorted: &args::Sorted<'_>,
    name: &str,
    names: &Count<'_>,
    usage: &str,
    diag: &mut Diagnostics,
) -> Option<usize> {
    match sorted.get(name) {
        Some(value) => args::count(value, names, diag),
        None => {
            if !sorted.unknown_keyword {
                diag.over(
                    call,
                    format_args!("`{}` needs `{name}`, e.g. `{usage}`", call.name),
                );
            }
            None
        }
    }
}

/// An optional count argument with a default.
fn optional(
    sorted: &args::Sorted<'_>,
    name: &str,
    names: &Count<'_>,
    default: usize,
    diag: &mut Diagnostics,
) -> Option<usize> {
    match sorted.get(name) {
        Some(value) => args::count(value, names, diag),
        None => Some(default),
    }
}

/// `padding = valid | same | n`.
enum Padding {
    Valid,
    Same,
    Pixels(usize),
}

/// Rule: padding is `valid`, `same` or a whole number of pixels.
fn padding(value: &Value, diag: &mut Diagnostics) -> Option<Padding> {
    match value {
        Value::Word(word) if word == "valid" => Some(Padding::Valid),
        Value::Word(word) if word == "same" => Some(Padding::Same),
        Value::Int(lit) => super::whole_number(lit, "`padding`", diag).map(Padding::Pixels),
        _ => {
            let hint = match value {
                Value::Word(word) => closest(&word.to_string(), &["valid", "same"])
                    .map_or(String::new(), |near| format!("did you mean `{near}`? ")),
                _ => String::new(),
            };
            diag.at(
                value.span(),
                format_args!(
                    "{hint}`padding` is `valid` (none), `same` (keep the size) or a number of \
                     pixels, found `{value}`"
                ),
            );
            None
        }
    }
}

/// Rules of `conv2d(filters, kernel, activation, stride = 1, padding = valid)`.
pub(super) fn conv2d(
    call: &LayerCall,
    input: Option<Shape>,
    diag: &mut Diagnostics,
) -> Option<Vec<Resolved>> {
    let sorted = args::sort(
        call,
        &["filters", "kernel", "activation"],
        &["stride", "padding", "l1", "l2"],
        diag,
    );
    let penalty = super::penalty(&sorted, "conv2d", diag);
    let usage = "conv2d(32, 3)";
    let filters = required(
        call,
        &sorted,
        "filters",
        &Count {
            layer: "conv2d",
            at_least_one: "filter",
            what: "the number of filters",
            example: "32",
        },
        usage,
        diag,
    );
    let kernel = required(
        call,
        &sorted,
        "kernel",
        &Count {
            layer: "conv2d",
            at_least_one: "row and column of kernel",
            what: "`kernel`",
            example: "3",
        },
        usage,
        diag,
    );
    let stride = optional(
        &sorted,
        "stride",
        &Count {
            layer: "conv2d",
            at_least_one: "pixel of stride",
            what: "`stride`",
            example: "1",
        },
        1,
        diag,
    );
    let padding = match sorted.get("padding") {
        Some(value) => padding(value, diag),
        None => Some(Padding::Valid),
    };
    let activation = match sorted.get("activation") {
        Some(value) => dense_activation(value, diag),
        None => Some(Activation::Identity),
    };
    let (c, h, w) = image_input(call, input?, diag)?;
    let (filters, kernel, stride, padding, activation) =
        (filters?, kernel?, stride?, padding?, activation?);
    let pad = match padding {
        Padding::Valid => 0,
        Padding::Pixels(p) => p,
        Padding::Same if stride != 1 => {
            diag.over(call, "`padding = same` keeps the size only with stride 1; give the padding as a number of pixels");
            return None;
        }
        Padding::Same if kernel % 2 == 0 => {
            diag.over(
                call,
                format_args!(
                    "`padding = same` needs an odd kernel (3, 5, ...) to pad both sides equally, found {kernel}"
                ),
            );
            return None;
        }
        Padding::Same => (kernel - 1) / 2,
    };
    if 2 * pad > kernel {
        diag.over(
            call,
            format_args!(
                "`conv2d` padding {pad} is more than half its kernel {kernel}: whole output rows \
                 would see only padding; use at most {} (`padding = same` for odd kernels)",
                kernel / 2
            ),
        );
        return None;
    }
    let (padded_h, padded_w) = (h + 2 * pad, w + 2 * pad);
    if padded_h < kernel || padded_w < kernel {
        // [28, 28, 1] is a Keras habit: channels last.
        let hint = if w <= 4 && c > w {
            format!(" (images are [channels, height, width]: did you mean `[{w}, {c}, {h}]`?)")
        } else {
            String::new()
        };
        diag.over(
            call,
            format_args!(
                "`conv2d` kernel {kernel}x{kernel} is larger than its input [{c}, {h}, {w}] \
                 (with padding {pad}){hint}; use a smaller kernel or more padding"
            ),
        );
        return None;
    }
    let output = Shape::Image {
        c: filters,
        h: (padded_h - kernel) / stride + 1,
        w: (padded_w - kernel) / stride + 1,
    };
    let Some(params) = filters
        .checked_mul(c)
        .and_then(|p| p.checked_mul(kernel * kernel))
        .and_then(|p| p.checked_add(filters))
    else {
        diag.over(
            call,
            "`conv2d` needs more parameters than this machine can address; use fewer filters",
        );
        return None;
    };
    let mut layers = vec![Resolved {
        kind: LayerKind::Conv2d {
            filters,
            kernel,
            stride,
            padding: pad,
            penalty: penalty?,
        },
        output,
        params,
        span: None,
    }];
    if activation != Activation::Identity {
        layers.push(Resolved {
            kind: LayerKind::Activation(activation),
            output,
            params: 0,
            span: None,
        });
    }
    Some(layers)
}

/// Rules of `maxpool2d(kernel, stride = kernel)` and `avgpool2d`: the window
/// fits the image and tiles it exactly.
pub(super) fn pool(
    call: &LayerCall,
    input: Option<Shape>,
    diag: &mut Diagnostics,
) -> Option<Vec<Resolved>> {
    let name = call.name.to_string();
    let sorted = args::sort(call, &["kernel"], &["stride"], diag);
    let usage = format!("{name}(2)");
    let kernel = required(
        call,
        &sorted,
        "kernel",
        &Count {
            layer: &name,
            at_least_one: "row and column of window",
            what: "`kernel`",
            example: "2",
        },
        &usage,
        diag,
    );
    let stride = match sorted.get("stride") {
        Some(value) => args::count(
            value,
            &Count {
                layer: &name,
                at_least_one: "pixel of stride",
                what: "`stride`",
                example: "2",
            },
            diag,
        ),
        None => kernel,
    };
    let (c, h, w) = image_input(call, input?, diag)?;
    let (kernel, stride) = (kernel?, stride?);
    if kernel > h || kernel > w {
        diag.over(
            call,
            format_args!(
                "`{name}` window {kernel}x{kernel} is larger than its input [{c}, {h}, {w}]"
            ),
        );
        return None;
    }
    if (h - kernel) % stride != 0 || (w - kernel) % stride != 0 {
        diag.over(
            call,
            format_args!(
                "`{name}` with window {kernel} and stride {stride} does not tile its {h}x{w} input: \
                 the last rows or columns would be dropped; use a window and stride that fit, or \
                 `padding = same` on the convolution before it"
            ),
        );
        return None;
    }
    let output = Shape::Image {
        c,
        h: (h - kernel) / stride + 1,
        w: (w - kernel) / stride + 1,
    };
    let kind = if name == "maxpool2d" {
        LayerKind::MaxPool2d { kernel, stride }
    } else {
        LayerKind::AvgPool2d { kernel, stride }
    };
    Some(vec![Resolved {
        kind,
        output,
        params: 0,
        span: None,
    }])
}

/// Rules of `flatten` and `global_avgpool`: no arguments, an image input.
pub(super) fn to_features(
    call: &LayerCall,
    input: Option<Shape>,
    diag: &mut Diagnostics,
) -> Option<Vec<Resolved>> {
    let name = call.name.to_string();
    if let Some(args) = &call.args {
        diag.at(
            args.paren_span,
            format_args!("`{name}` takes no arguments; write `{name}` alone"),
        );
    }
    let (c, h, w) = match input? {
        Shape::Image { c, h, w } => (c, h, w),
        Shape::Flat(n) => {
            diag.at(
                call.name.span(),
                format_args!(
                    "`{name}` needs an image, but its input is already flat ([{n}]); remove it"
                ),
            );
            return None;
        }
    };
    let (kind, output) = if name == "flatten" {
        (LayerKind::Flatten, Shape::Flat(c * h * w))
    } else {
        (LayerKind::GlobalAvgPool, Shape::Flat(c))
    };
    Some(vec![Resolved {
        kind,
        output,
        params: 0,
        span: None,
    }])
}

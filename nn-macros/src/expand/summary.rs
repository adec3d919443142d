//! The Keras-style summary table of a network, written at expansion time.

use crate::ast::{self, LayerKind};

/// The layer kind as Keras names its class (`Dense`, `Conv2D`, ...).
fn class(kind: &LayerKind) -> String {
    match kind {
        LayerKind::Dense { .. } => "Dense".into(),
        LayerKind::Conv2d { .. } => "Conv2D".into(),
        LayerKind::MaxPool2d { .. } => "MaxPooling2D".into(),
        LayerKind::AvgPool2d { .. } => "AveragePooling2D".into(),
        LayerKind::GlobalAvgPool => "GlobalAveragePooling2D".into(),
        LayerKind::Flatten => "Flatten".into(),
        LayerKind::Reshape => "Reshape".into(),
        LayerKind::Nested { name } => format!("network {name}"),
        LayerKind::ResidualAdd { block_len: 1 } => "Add: input of 1 layer back".into(),
        LayerKind::ResidualAdd { block_len } => format!("Add: input of {block_len} layers back"),
        LayerKind::Embedding { .. } => "Embedding".into(),
        LayerKind::Dropout { .. } => "Dropout".into(),
        LayerKind::LayerNorm { .. } => "LayerNormalization".into(),
        LayerKind::BatchNorm { .. } => "BatchNormalization".into(),
        LayerKind::Activation(activation) => format!("Activation: {}", activation.name()),
    }
}

/// `1234567` as `1,234,567`.
fn grouped(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// One row a layer, then the input and total parameter count:
///
/// ```text
/// Model: "Mlp"
/// Layer (type)                    Output shape        Params
/// ----------------------------------------------------------
/// dense0 (Dense)                  [128]              100,480
/// ...
/// Input [784]; total parameters 101,770
/// ```
pub(super) fn table(net: &ast::Network) -> String {
    let rows: Vec<[String; 3]> = net
        .layers
        .iter()
        .map(|layer| {
            [
                format!("{} ({})", layer.field, class(&layer.kind)),
                layer.output.to_string(),
                match &layer.kind {
                    LayerKind::Nested { name } => format!("see {name}"),
                    _ => grouped(layer.params),
                },
            ]
        })
        .collect();
    let header = [
        "Layer (type)".to_owned(),
        "Output shape".to_owned(),
        "Params".to_owned(),
    ];
    let width = |column: usize| {
        rows.iter()
            .chain([&header])
            .map(|row| row[column].len())
            .max()
            .unwrap_or(0)
    };
    let (w0, w1, w2) = (width(0) + 2, width(1) + 2, width(2));
    let line = |row: &[String; 3]| format!("{:<w0$}{:<w1$}{:>w2$}\n", row[0], row[1], row[2]);
    let mut out = format!("Model: \"{}\"\n", net.name);
    out.push_str(&line(&header));
    out.push_str(&"-".repeat(w0 + w1 + w2));
    out.push('\n');
    for row in &rows {
        out.push_str(&line(row));
    }
    let nested: Vec<String> = net.nested().map(|n| n.to_string()).collect();
    let plus = if nested.is_empty() {
        String::new()
    } else {
        format!(" plus those of {}", nested.join(", "))
    };
    out.push_str(&format!(
        "Input {}; total parameters {}{plus}",
        net.input,
        grouped(net.parameters())
    ));
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn groups_thousands() {
        assert_eq!(super::grouped(0), "0");
        assert_eq!(super::grouped(101_770), "101,770");
        assert_eq!(super::grouped(1_234_567), "1,234,567");
    }
}

//! The training history as a picture: an SVG line chart.

use std::fmt::Write as _;

use super::History;

/// Size of one panel, in pixels, and its margins.
const PANEL_WIDTH: f64 = 420.0;
const PANEL_HEIGHT: f64 = 300.0;
const MARGIN_LEFT: f64 = 62.0;
const MARGIN_RIGHT: f64 = 16.0;
const MARGIN_TOP: f64 = 34.0;
const MARGIN_BOTTOM: f64 = 44.0;
/// Horizontal grid lines (and value labels) per panel.
const TICKS: usize = 5;

/// An SVG image of `history`: one panel per name in `figures` (such as
/// `["loss", "accuracy"]`), each with the training curve and, where the
/// history has it, the validation curve (`val_<name>`), against the epoch.
/// Names the history lacks are left out.
///
/// # Examples
///
/// ```
/// use nn_runtime::train::{history_svg, EpochReport, History};
/// let epoch = |epoch, loss, val_loss| EpochReport {
///     epoch,
///     figures: vec![("loss".into(), loss), ("val_loss".into(), val_loss)],
///     seconds: 1.0,
///     samples: 100,
/// };
/// let history = History { epochs: vec![epoch(1, 0.9, 1.0), epoch(2, 0.5, 0.7)] };
/// let svg = history_svg(&history, &["loss", "accuracy"]);
/// assert!(svg.starts_with("<svg") && svg.contains(">val_loss<"));
/// assert!(!svg.contains(">accuracy<")); // not in the history
/// ```
pub fn history_svg(history: &History, figures: &[&str]) -> String {
    let panels: Vec<&str> = figures
        .iter()
        .copied()
        .filter(|name| !history.series(name).is_empty())
        .collect();
    let width = PANEL_WIDTH * panels.len().max(1) as f64;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{PANEL_HEIGHT}\" \
         viewBox=\"0 0 {width} {PANEL_HEIGHT}\" font-family=\"sans-serif\" font-size=\"12\">\n\
         <rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
    );
    for (index, name) in panels.iter().enumerate() {
        panel(&mut svg, history, name, index as f64 * PANEL_WIDTH);
    }
    svg.push_str("</svg>\n");
    svg
}

/// One line of a panel: its label, `(epoch, value)` points, color and dash style.
struct Curve {
    label: String,
    points: Vec<(usize, f64)>,
    color: &'static str,
    dash: &'static str,
}

/// Draws the panel of figure `name` with its left edge at `left`.
fn panel(svg: &mut String, history: &History, name: &str, left: f64) {
    let validation = format!("val_{name}");
    let curves: Vec<Curve> = [
        (name.to_owned(), "#1f77b4", ""),
        (validation, "#ff7f0e", " stroke-dasharray=\"6 4\""),
    ]
    .into_iter()
    .map(|(label, color, dash)| {
        let points = history
            .epochs
            .iter()
            .filter_map(|e| {
                e.get(&label)
                    .filter(|v| v.is_finite())
                    .map(|v| (e.epoch, v))
            })
            .collect::<Vec<_>>();
        Curve {
            label,
            points,
            color,
            dash,
        }
    })
    .filter(|curve| !curve.points.is_empty())
    .collect();
    let values = curves.iter().flat_map(|c| c.points.iter().map(|&(_, v)| v));
    let (low, high) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    let (low, high) = if curves.is_empty() {
        // Nothing finite to draw (a diverged run): an empty panel from 0 to 1.
        (0.0, 1.0)
    } else if high > low {
        let pad = (high - low) * 0.05;
        (low - pad, high + pad)
    } else {
        (low - 0.5, high + 0.5)
    };
    let last_epoch = history.epochs.last().map_or(1, |e| e.epoch).max(2);
    let (x0, x1) = (left + MARGIN_LEFT, left + PANEL_WIDTH - MARGIN_RIGHT);
    let (y0, y1) = (PANEL_HEIGHT - MARGIN_BOTTOM, MARGIN_TOP);
    let x = |epoch: usize| x0 + (x1 - x0) * (epoch - 1) as f64 / (last_epoch - 1) as f64;
    let y = |v: f64| y0 + (y1 - y0) * (v - low) / (high - low);
    let _ = writeln!(
        svg,
        "<text x=\"{x0}\" y=\"20\" font-size=\"14\" font-weight=\"bold\">{name}</text>"
    );
    for tick in 0..=TICKS {
        let value = low + (high - low) * tick as f64 / TICKS as f64;
        let at = y(value);
        let _ = writeln!(
            svg,
            "<line x1=\"{x0}\" y1=\"{at:.1}\" x2=\"{x1}\" y2=\"{at:.1}\" stroke=\"#ddd\"/>\
             <text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            x0 - 6.0,
            at + 4.0,
            format_value(value, high - low)
        );
    }
    let step = last_epoch.div_ceil(10).max(1);
    for epoch in (1..=last_epoch).filter(|e| (e - 1) % step == 0 || *e == last_epoch) {
        let _ = writeln!(
            svg,
            "<text x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\">{epoch}</text>",
            x(epoch),
            y0 + 16.0
        );
    }
    let _ = writeln!(
        svg,
        "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">epoch</text>\
         <rect x=\"{x0}\" y=\"{y1}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"#888\"/>",
        (x0 + x1) / 2.0,
        PANEL_HEIGHT - 8.0,
        x1 - x0,
        y0 - y1
    );
    for (row, curve) in curves.iter().enumerate() {
        let Curve {
            label,
            points,
            color,
            dash,
        } = curve;
        let path: Vec<String> = points
            .iter()
            .map(|&(epoch, v)| format!("{:.1},{:.1}", x(epoch), y(v)))
            .collect();
        let _ = writeln!(
            svg,
            "<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"2\"{dash} points=\"{}\"/>",
            path.join(" ")
        );
        for &(epoch, v) in points {
            let _ = writeln!(
                svg,
                "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"2.5\" fill=\"{color}\"/>",
                x(epoch),
                y(v)
            );
        }
        // The legend sits in the title row, right-aligned, clear of the curves.
        let legend_x = x1 - 200.0 + 100.0 * row as f64;
        let _ = writeln!(
            svg,
            "<line x1=\"{legend_x}\" y1=\"16\" x2=\"{}\" y2=\"16\" stroke=\"{color}\" \
             stroke-width=\"2\"{dash}/><text x=\"{}\" y=\"20\">{label}</text>",
            legend_x + 20.0,
            legend_x + 24.0
        );
    }
}

/// A tick label with as many decimals as the axis's span needs.
fn format_value(value: f64, span: f64) -> String {
    let decimals = (2.0 - span.log10().floor()).clamp(0.0, 6.0) as usize;
    format!("{value:.decimals$}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::train::EpochReport;

    #[test]
    fn curves_span_the_panel_and_skip_non_finite_values() {
        let epochs = (1..=4)
            .map(|epoch| EpochReport {
                epoch,
                figures: vec![
                    (
                        "loss".into(),
                        if epoch == 3 {
                            f64::NAN
                        } else {
                            1.0 / epoch as f64
                        },
                    ),
                    ("accuracy".into(), 0.5 + 0.1 * epoch as f64),
                ],
                seconds: 1.0,
                samples: 10,
            })
            .collect();
        let svg = history_svg(&History { epochs }, &["loss", "accuracy"]);
        assert_eq!(svg.matches("<polyline").count(), 2, "no validation curves");
        assert_eq!(
            svg.matches("<circle").count(),
            3 + 4,
            "the NaN point is left out"
        );
        // The highest loss (epoch 1) is near the top of the plot area.
        let top = MARGIN_TOP + 0.05 / 1.1 * (PANEL_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM);
        assert!(
            svg.contains(&format!("cx=\"{MARGIN_LEFT:.1}\" cy=\"{top:.1}\"")),
            "{svg}"
        );
        assert!(svg.contains(&format!(
            "viewBox=\"0 0 {} {PANEL_HEIGHT}\"",
            2.0 * PANEL_WIDTH
        )));
    }

    #[test]
    fn a_figure_without_finite_values_gives_an_empty_panel() {
        let history = History {
            epochs: vec![EpochReport {
                epoch: 1,
                figures: vec![("loss".to_owned(), f64::NAN)],
                seconds: 1.0,
                samples: 4,
            }],
        };
        let svg = history_svg(&history, &["loss"]);
        assert!(!svg.contains("NaN") && !svg.contains("inf"), "{svg}");
    }

    #[test]
    fn tick_labels_follow_the_span() {
        assert_eq!(format_value(0.98765, 0.05), "0.9877");
        assert_eq!(format_value(1234.5, 900.0), "1234");
    }
}

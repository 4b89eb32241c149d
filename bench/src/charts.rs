//! Charts as plain SVG, drawn here without a plotting library (no font or
//! system dependencies: text is left to the viewer's sans-serif font).
//!
//! * [`bars`]: horizontal grouped bars (gas per operation, one bar per side,
//!   an optional floor tick, an annotation column);
//! * [`lines`]: line panels on a log x axis (gas against holders/recipients);
//! * [`sizes`]: contract sizes against the code limit and the size target.

use std::fmt::Write as _;

use crate::report::{thousands, SizeRow, CODE_LIMIT, SIZE_TARGET};

/// Colour of the Stylus (cached) series.
pub const STYLUS_CACHED: &str = "#d9480f";
/// Colour of the Stylus (uncached) series.
pub const STYLUS_UNCACHED: &str = "#f5a76c";
/// Colour of the Solidity series.
pub const SOLIDITY: &str = "#4263eb";
/// Colour of the floor marks.
pub const FLOOR: &str = "#212529";

const FONT: &str = "font-family=\"Helvetica,Arial,sans-serif\"";

/// One bar series.
#[derive(Debug, Clone)]
pub struct BarSeries {
    /// Legend name.
    pub name: String,
    /// Fill colour.
    pub color: &'static str,
    /// One value per category (`None`: no bar).
    pub values: Vec<Option<u64>>,
}

/// Escapes text for SVG.
#[must_use]
pub fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A "nice" axis maximum and tick step covering `max` with about five ticks.
#[must_use]
pub fn nice_axis(max: f64) -> (f64, f64) {
    if max <= 0.0 || !max.is_finite() {
        return (1.0, 0.2);
    }
    let raw = max / 5.0;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|&s| s >= raw)
        .unwrap_or(10.0 * mag);
    ((max / step).ceil() * step, step)
}

/// Short gas label: `950`, `12.5k`, `1.25M`.
#[must_use]
pub fn short(v: f64) -> String {
    if v >= 1e6 {
        format!("{}M", trim(v / 1e6))
    } else if v >= 1e3 {
        format!("{}k", trim(v / 1e3))
    } else {
        trim(v)
    }
}

fn trim(v: f64) -> String {
    let s = format!("{v:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

fn header(s: &mut String, w: f64, h: f64, title: &str) {
    let _ = writeln!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" {FONT} font-size=\"12\">"
    );
    let _ = writeln!(s, "<rect width=\"{w}\" height=\"{h}\" fill=\"white\"/>");
    let _ = writeln!(
        s,
        "<text x=\"{}\" y=\"22\" text-anchor=\"middle\" font-size=\"15\" font-weight=\"bold\">{}</text>",
        w / 2.0,
        esc(title)
    );
}

fn legend(s: &mut String, x: f64, y: f64, items: &[(&str, &str, bool)]) {
    let mut cx = x;
    for (name, color, is_line) in items {
        if *is_line {
            let _ = writeln!(
                s,
                "<line x1=\"{cx}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{color}\" stroke-width=\"2\"/>",
                y - 4.0,
                cx + 14.0,
                y - 4.0
            );
        } else {
            let _ = writeln!(
                s,
                "<rect x=\"{cx}\" y=\"{}\" width=\"14\" height=\"10\" fill=\"{color}\"/>",
                y - 9.0
            );
        }
        let _ = writeln!(
            s,
            "<text x=\"{}\" y=\"{y}\">{}</text>",
            cx + 18.0,
            esc(name)
        );
        cx += 26.0 + 6.5 * name.chars().count() as f64;
    }
}

/// Horizontal grouped bars: one group per category, one bar per series,
/// an optional floor tick per category and a right-hand annotation column
/// headed `annotation_title`.
#[must_use]
pub fn bars(
    title: &str,
    categories: &[String],
    series: &[BarSeries],
    floor: Option<&[Option<u64>]>,
    annotations: &[String],
    annotation_title: &str,
) -> String {
    let (label_w, plot_w, note_w) = (350.0, 560.0, 120.0);
    let bar_h = 8.0;
    let group_h = bar_h * series.len() as f64 + 10.0;
    let top = 58.0;
    let plot_h = group_h * categories.len() as f64;
    let (w, h) = (label_w + plot_w + note_w + 20.0, top + plot_h + 40.0);
    let max = series
        .iter()
        .flat_map(|s| s.values.iter().flatten())
        .chain(floor.into_iter().flatten().flatten())
        .copied()
        .max()
        .unwrap_or(1) as f64;
    let (axis_max, step) = nice_axis(max);
    let x_of = |v: f64| label_w + v / axis_max * plot_w;
    let mut s = String::new();
    header(&mut s, w, h, title);
    let mut items: Vec<(&str, &str, bool)> = series
        .iter()
        .map(|x| (x.name.as_str(), x.color, false))
        .collect();
    if floor.is_some() {
        items.push(("storage floor", FLOOR, true));
    }
    legend(&mut s, label_w, 44.0, &items);
    let _ = writeln!(
        s,
        "<text x=\"{:.1}\" y=\"{:.1}\" fill=\"#495057\" font-size=\"10\">{}</text>",
        label_w + plot_w + 10.0,
        top - 4.0,
        esc(annotation_title)
    );
    let mut t = 0.0;
    while t <= axis_max + step / 2.0 {
        let x = x_of(t);
        let _ = writeln!(
            s,
            "<line x1=\"{x:.1}\" y1=\"{top}\" x2=\"{x:.1}\" y2=\"{:.1}\" stroke=\"#dee2e6\"/>",
            top + plot_h
        );
        let _ = writeln!(
            s,
            "<text x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"#495057\">{}</text>",
            top + plot_h + 16.0,
            short(t)
        );
        t += step;
    }
    let _ = writeln!(
        s,
        "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"#495057\">gas</text>",
        label_w + plot_w / 2.0,
        top + plot_h + 32.0
    );
    for (i, cat) in categories.iter().enumerate() {
        let y0 = top + i as f64 * group_h + 5.0;
        let _ = writeln!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            label_w - 8.0,
            y0 + group_h / 2.0,
            esc(cat)
        );
        for (j, ser) in series.iter().enumerate() {
            if let Some(v) = ser.values.get(i).copied().flatten() {
                let _ = writeln!(
                    s,
                    "<rect x=\"{label_w}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{bar_h}\" fill=\"{}\"><title>{}: {}</title></rect>",
                    y0 + j as f64 * bar_h,
                    x_of(v as f64) - label_w,
                    ser.color,
                    esc(&ser.name),
                    thousands(v)
                );
            }
        }
        if let Some(f) = floor.and_then(|f| f.get(i).copied().flatten()) {
            let x = x_of(f as f64);
            let _ = writeln!(
                s,
                "<line x1=\"{x:.1}\" y1=\"{:.1}\" x2=\"{x:.1}\" y2=\"{:.1}\" stroke=\"{FLOOR}\" stroke-width=\"2\"><title>floor: {}</title></line>",
                y0 - 2.0,
                y0 + bar_h * series.len() as f64 + 2.0,
                thousands(f)
            );
        }
        if let Some(a) = annotations.get(i) {
            let _ = writeln!(
                s,
                "<text x=\"{:.1}\" y=\"{:.1}\" fill=\"#495057\">{}</text>",
                label_w + plot_w + 10.0,
                y0 + group_h / 2.0,
                esc(a)
            );
        }
    }
    let _ = writeln!(
        s,
        "<line x1=\"{label_w}\" y1=\"{top}\" x2=\"{label_w}\" y2=\"{:.1}\" stroke=\"#495057\"/>",
        top + plot_h
    );
    s.push_str("</svg>\n");
    s
}

/// One line of a panel.
#[derive(Debug, Clone)]
pub struct Line {
    /// Legend name.
    pub name: String,
    /// Colour.
    pub color: &'static str,
    /// Dashed?
    pub dashed: bool,
    /// `(x, gas)` points, x > 0.
    pub points: Vec<(f64, u64)>,
}

/// One panel of [`lines`].
#[derive(Debug, Clone)]
pub struct Panel {
    /// Panel title.
    pub title: String,
    /// X axis label.
    pub x_label: String,
    /// Lines.
    pub lines: Vec<Line>,
}

/// Side-by-side panels of lines on a log10 x axis (ticks at the data's x
/// values) and a linear gas axis from zero.
#[must_use]
pub fn lines(title: &str, panels: &[Panel]) -> String {
    let (pw, ph) = (400.0, 260.0);
    let (left, gap, top) = (60.0, 70.0, 80.0);
    let w = left + panels.len() as f64 * (pw + gap);
    let h = top + ph + 60.0;
    let mut s = String::new();
    header(&mut s, w, h, title);
    if let Some(p) = panels.first() {
        let items: Vec<(&str, &str, bool)> = p
            .lines
            .iter()
            .map(|l| (l.name.as_str(), l.color, true))
            .collect();
        legend(&mut s, left, 46.0, &items);
    }
    for (k, p) in panels.iter().enumerate() {
        let x0 = left + k as f64 * (pw + gap);
        let mut xs: Vec<f64> = p
            .lines
            .iter()
            .flat_map(|l| l.points.iter().map(|q| q.0))
            .collect();
        xs.sort_by(f64::total_cmp);
        xs.dedup();
        let (lo, hi) = match (xs.first(), xs.last()) {
            (Some(&a), Some(&b)) if b > a => (a.log10(), b.log10()),
            (Some(&a), _) => (a.log10() - 1.0, a.log10() + 1.0),
            _ => (0.0, 1.0),
        };
        let max = p
            .lines
            .iter()
            .flat_map(|l| l.points.iter().map(|q| q.1))
            .max()
            .unwrap_or(1) as f64;
        let (ymax, step) = nice_axis(max * 1.05);
        let px = |x: f64| x0 + 20.0 + (x.log10() - lo) / (hi - lo) * (pw - 40.0);
        let py = |y: f64| top + ph - y / ymax * ph;
        let _ = writeln!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-weight=\"bold\">{}</text>",
            x0 + pw / 2.0,
            top - 10.0,
            esc(&p.title)
        );
        let mut t = 0.0;
        while t <= ymax + step / 2.0 {
            let y = py(t);
            let _ = writeln!(
                s,
                "<line x1=\"{x0}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\" stroke=\"#dee2e6\"/>",
                x0 + pw
            );
            let _ = writeln!(
                s,
                "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" fill=\"#495057\">{}</text>",
                x0 - 6.0,
                y + 4.0,
                short(t)
            );
            t += step;
        }
        for &x in &xs {
            let _ = writeln!(
                s,
                "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"#495057\">{}</text>",
                px(x),
                top + ph + 16.0,
                thousands(x as u64)
            );
        }
        let _ = writeln!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"#495057\">{} (log scale)</text>",
            x0 + pw / 2.0,
            top + ph + 34.0,
            esc(&p.x_label)
        );
        let _ = writeln!(
            s,
            "<rect x=\"{x0}\" y=\"{top}\" width=\"{pw}\" height=\"{ph}\" fill=\"none\" stroke=\"#495057\"/>"
        );
        for l in &p.lines {
            let pts: Vec<String> = l
                .points
                .iter()
                .map(|&(x, y)| format!("{:.1},{:.1}", px(x), py(y as f64)))
                .collect();
            let dash = if l.dashed {
                " stroke-dasharray=\"5,3\""
            } else {
                ""
            };
            let _ = writeln!(
                s,
                "<polyline points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\"{dash}/>",
                pts.join(" "),
                l.color
            );
            for &(x, y) in &l.points {
                let _ = writeln!(
                    s,
                    "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3\" fill=\"{}\"><title>{} at {}: {}</title></circle>",
                    px(x),
                    py(y as f64),
                    l.color,
                    esc(&l.name),
                    x,
                    thousands(y)
                );
            }
        }
    }
    s.push_str("</svg>\n");
    s
}

/// Contract sizes (deployed, compressed) against the 24,576-byte limit and
/// the 16 KiB target.
#[must_use]
pub fn sizes(rows: &[SizeRow]) -> String {
    let (label_w, plot_w) = (140.0, 560.0);
    let (top, bar_h, gap) = (58.0, 16.0, 8.0);
    let plot_h = rows.len() as f64 * (bar_h + gap);
    let (w, h) = (label_w + plot_w + 90.0, top + plot_h + 44.0);
    let axis_max = 26_000.0;
    let x_of = |v: f64| label_w + v / axis_max * plot_w;
    let mut s = String::new();
    header(
        &mut s,
        w,
        h,
        "Stylus contract sizes (deployed code: prefix + brotli)",
    );
    legend(
        &mut s,
        label_w,
        44.0,
        &[
            ("within 16 KiB", "#2b8a3e", false),
            ("above 16 KiB", "#e8590c", false),
            ("24,576 B limit", "#c92a2a", true),
            ("16 KiB target", "#2b8a3e", true),
        ],
    );
    for t in (0..=26_000).step_by(4_000) {
        let x = x_of(f64::from(t));
        let _ = writeln!(
            s,
            "<line x1=\"{x:.1}\" y1=\"{top}\" x2=\"{x:.1}\" y2=\"{:.1}\" stroke=\"#dee2e6\"/><text x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"#495057\">{}</text>",
            top + plot_h,
            top + plot_h + 16.0,
            short(f64::from(t))
        );
    }
    let _ = writeln!(
        s,
        "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"#495057\">bytes</text>",
        label_w + plot_w / 2.0,
        top + plot_h + 32.0
    );
    for (v, color) in [(CODE_LIMIT, "#c92a2a"), (SIZE_TARGET, "#2b8a3e")] {
        let x = x_of(v as f64);
        let _ = writeln!(
            s,
            "<line x1=\"{x:.1}\" y1=\"{:.1}\" x2=\"{x:.1}\" y2=\"{:.1}\" stroke=\"{color}\" stroke-width=\"2\" stroke-dasharray=\"6,3\"/>",
            top - 4.0,
            top + plot_h
        );
    }
    for (i, r) in rows.iter().enumerate() {
        let y = top + i as f64 * (bar_h + gap) + gap / 2.0;
        let color = if r.compressed <= SIZE_TARGET {
            "#2b8a3e"
        } else {
            "#e8590c"
        };
        let _ = writeln!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            label_w - 8.0,
            y + bar_h - 4.0,
            esc(&r.contract)
        );
        let _ = writeln!(
            s,
            "<rect x=\"{label_w}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{bar_h}\" fill=\"{color}\"><title>{}: {} B (raw {} B)</title></rect>",
            x_of(r.compressed as f64) - label_w,
            esc(&r.contract),
            thousands(r.compressed as u64),
            thousands(r.raw as u64)
        );
        let _ = writeln!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" fill=\"white\" font-size=\"11\">{} B · {:.0} % (raw {} B)</text>",
            x_of(r.compressed as f64) - 4.0,
            y + bar_h - 4.0,
            thousands(r.compressed as u64),
            r.compressed as f64 * 100.0 / CODE_LIMIT as f64,
            thousands(r.raw as u64)
        );
    }
    s.push_str("</svg>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_axes_cover_the_maximum() {
        assert_eq!(nice_axis(93_000.0), (100_000.0, 20_000.0));
        assert_eq!(nice_axis(12.0), (12.5, 2.5));
        assert_eq!(nice_axis(0.0), (1.0, 0.2));
        for m in [1.0, 7.0, 123.0, 4_567.0, 12_100_000.0] {
            let (top, step) = nice_axis(m);
            assert!(top >= m && top / step <= 10.0, "{m}");
        }
    }

    #[test]
    fn short_labels() {
        assert_eq!(short(950.0), "950");
        assert_eq!(short(12_500.0), "12.5k");
        assert_eq!(short(1_250_000.0), "1.25M");
        assert_eq!(short(20_000.0), "20k");
    }

    #[test]
    fn bars_draw_one_rect_per_value_and_escape_text() {
        let svg = bars(
            "t",
            &["a<b".into(), "c".into()],
            &[
                BarSeries {
                    name: "x".into(),
                    color: SOLIDITY,
                    values: vec![Some(10), None],
                },
                BarSeries {
                    name: "y".into(),
                    color: STYLUS_CACHED,
                    values: vec![Some(20), Some(30)],
                },
            ],
            Some(&[Some(5), None]),
            &["0.5×".into()],
            "ratio",
        );
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>\n"));
        assert_eq!(svg.matches("height=\"8\" fill=").count(), 3);
        assert!(svg.contains("a&lt;b") && svg.contains("0.5×"));
        assert!(svg.contains("floor: 5"));
    }

    #[test]
    fn lines_place_points_on_a_log_axis() {
        let svg = lines(
            "t",
            &[Panel {
                title: "claim".into(),
                x_label: "holders".into(),
                lines: vec![Line {
                    name: "s".into(),
                    color: SOLIDITY,
                    dashed: false,
                    points: vec![(1.0, 100), (10.0, 100), (100.0, 100), (1000.0, 100)],
                }],
            }],
        );
        // equal steps in log10(x) over the panel (60..460, 20 px margins): 80, 200, 320, 440
        for x in ["80.0,", "200.0,", "320.0,", "440.0,"] {
            assert!(svg.contains(x), "{x}");
        }
        assert_eq!(svg.matches("<circle").count(), 4);
    }

    #[test]
    fn sizes_mark_the_limit_and_the_target() {
        let svg = sizes(&[
            SizeRow {
                contract: "a".into(),
                raw: 1,
                compressed: 12_000,
            },
            SizeRow {
                contract: "b".into(),
                raw: 1,
                compressed: 24_000,
            },
        ]);
        assert!(svg.contains("#2b8a3e\"><title>a") && svg.contains("#e8590c\"><title>b"));
        assert!(svg.contains("24,000 B · 98 % (raw 1 B)"));
    }
}

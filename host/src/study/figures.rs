//! The study's figures, drawn with plotters into PNG and/or SVG files:
//!
//! - `lstm_input_nonzeros`: where the non-zeros of the LSTM input weights are (`W_ih` of both
//!   directions, gate rows i, f, g, o top to bottom, input columns left to right; each cell
//!   shaded by the fraction of non-zeros it covers);
//! - `layer_nonzeros`: the non-zero percentage of each weight matrix;
//! - `weight_distribution`: histograms of the weights before pruning (the dense model) and the
//!   non-zero weights after;
//! - `pruning_loss`: training and validation loss, and validation WER / CER, across the dense
//!   run and the pruning rounds laid end to end.
//!
//! Text needs a TrueType font (plotters' `ab_glyph` backend, no system font library): the one
//! given, else the first of [`FONT_CANDIDATES`] that exists.

use super::logs::{RunLog, ValidPoint};
use super::stats::{matrix_values, ModelStats};
use super::StudyError;
use crate::model::Model;
use plotters::coord::Shift;
use plotters::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Fonts tried when none is given (Debian's `fonts-dejavu-core`, then others).
pub const FONT_CANDIDATES: &[&str] = &[
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "/usr/share/fonts/truetype/lato/Lato-Regular.ttf",
    "/usr/share/fonts/truetype/freefont/FreeSans.ttf",
];

/// Which files to write.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// PNG only.
    Png,
    /// SVG only.
    Svg,
    /// Both.
    Both,
}

impl Format {
    fn extensions(self) -> &'static [&'static str] {
        match self {
            Format::Png => &["png"],
            Format::Svg => &["svg"],
            Format::Both => &["png", "svg"],
        }
    }
}

static FONT: OnceLock<PathBuf> = OnceLock::new();

/// Registers the figures' font once per process (`font`, else the first candidate found).
pub fn load_font(font: Option<&Path>) -> Result<&'static Path, StudyError> {
    if let Some(p) = FONT.get() {
        return Ok(p);
    }
    let path = match font {
        Some(p) => p.to_path_buf(),
        None => FONT_CANDIDATES
            .iter()
            .map(PathBuf::from)
            .find(|p| p.is_file())
            .ok_or_else(|| StudyError::NoFont {
                tried: FONT_CANDIDATES.join(", "),
            })?,
    };
    let bytes = std::fs::read(&path).map_err(|source| StudyError::Io {
        path: path.clone(),
        source,
    })?;
    // plotters keeps fonts for the life of the process
    let bytes: &'static [u8] = Box::leak(bytes.into_boxed_slice());
    for style in [FontStyle::Normal, FontStyle::Bold] {
        plotters::style::register_font("sans-serif", style, bytes)
            .map_err(|_| StudyError::BadFont { path: path.clone() })?;
    }
    Ok(FONT.get_or_init(|| path))
}

fn plot_err(path: &Path) -> impl Fn(String) -> StudyError + '_ {
    move |message| StudyError::Plot {
        path: path.to_path_buf(),
        message,
    }
}

/// Draws a figure on an SVG drawing area.
type DrawSvg<'a> = &'a dyn Fn(&DrawingArea<SVGBackend, Shift>) -> Result<(), String>;
/// Draws a figure on a bitmap drawing area.
type DrawPng<'a> = &'a dyn Fn(&DrawingArea<BitMapBackend, Shift>) -> Result<(), String>;

/// Draws one figure into `out/<stem>.<ext>` for each extension of `format`; returns the files.
fn render(
    out: &Path,
    stem: &str,
    format: Format,
    size: (u32, u32),
    draw: DrawSvg,
    draw_png: DrawPng,
) -> Result<Vec<PathBuf>, StudyError> {
    let mut files = Vec::new();
    for ext in format.extensions() {
        let path = out.join(format!("{stem}.{ext}"));
        let err = plot_err(&path);
        if *ext == "svg" {
            let root = SVGBackend::new(&path, size).into_drawing_area();
            root.fill(&WHITE).map_err(|e| err(e.to_string()))?;
            draw(&root).map_err(&err)?;
            root.present().map_err(|e| err(e.to_string()))?;
        } else {
            let root = BitMapBackend::new(&path, size).into_drawing_area();
            root.fill(&WHITE).map_err(|e| err(e.to_string()))?;
            draw_png(&root).map_err(&err)?;
            root.present().map_err(|e| err(e.to_string()))?;
        }
        files.push(path.clone());
    }
    Ok(files)
}

/// Calls `f` with the drawing area of either backend (one closure body for both).
macro_rules! both {
    (|$area:ident| $body:expr) => {
        (
            &|$area: &DrawingArea<SVGBackend, Shift>| -> Result<(), String> { $body },
            &|$area: &DrawingArea<BitMapBackend, Shift>| -> Result<(), String> { $body },
        )
    };
}

fn s<E: std::fmt::Display>(e: E) -> String {
    e.to_string()
}

/// Non-zero fraction of `m` over a grid of at most `max_rows × max_cols` cells:
/// `(cells, cell height, cell width)`.
pub fn density_grid(
    m: &ndarray::Array2<f32>,
    max_rows: usize,
    max_cols: usize,
) -> (ndarray::Array2<f32>, usize, usize) {
    let (rows, cols) = m.dim();
    let ch = rows.div_ceil(max_rows.max(1)).max(1);
    let cw = cols.div_ceil(max_cols.max(1)).max(1);
    let mut grid = ndarray::Array2::<f32>::zeros((rows.div_ceil(ch), cols.div_ceil(cw)));
    let mut count = ndarray::Array2::<f32>::zeros(grid.dim());
    for ((r, c), v) in m.indexed_iter() {
        count[[r / ch, c / cw]] += 1.0;
        if *v != 0.0 {
            grid[[r / ch, c / cw]] += 1.0;
        }
    }
    grid.zip_mut_with(&count, |g, n| *g /= n.max(1.0));
    (grid, ch, cw)
}

fn heat_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    title: &str,
    m: &ndarray::Array2<f32>,
) -> Result<(), String> {
    let (rows, cols) = m.dim();
    let (grid, ch, cw) = density_grid(m, 96, 64);
    let nz = m.iter().filter(|v| **v != 0.0).count();
    let caption = format!(
        "{title}: {rows}×{cols}, {:.1} % non-zero",
        100.0 * nz as f64 / (rows * cols).max(1) as f64
    );
    let mut chart = ChartBuilder::on(area)
        .caption(caption, ("sans-serif", 16))
        .margin(8)
        .x_label_area_size(30)
        .y_label_area_size(45)
        .build_cartesian_2d(0f64..cols as f64, rows as f64..0f64)
        .map_err(s)?;
    let h = rows / 4;
    chart
        .configure_mesh()
        .disable_mesh()
        .x_desc("input column")
        .y_desc("gate row")
        .x_label_formatter(&|x| format!("{x:.0}"))
        .y_labels(8)
        .y_label_formatter(&|y| {
            let r = *y as usize;
            if h > 0 && r.is_multiple_of(h) && r / h < 4 {
                format!("{} {r}", ["i", "f", "g", "o"][r / h])
            } else {
                format!("{r}")
            }
        })
        .draw()
        .map_err(s)?;
    chart
        .draw_series(grid.indexed_iter().map(|((r, c), d)| {
            let shade = (255.0 * (1.0 - d)).round() as u8;
            let (y0, x0) = ((r * ch) as f64, (c * cw) as f64);
            Rectangle::new(
                [(x0, y0), (x0 + cw as f64, y0 + ch as f64)],
                RGBColor(shade, shade, shade.saturating_add(20)).filled(),
            )
        }))
        .map_err(s)?;
    for g in 1..4 {
        let y = (g * h) as f64;
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(0.0, y), (cols as f64, y)],
                RED.stroke_width(1),
            )))
            .map_err(s)?;
    }
    Ok(())
}

/// The non-zero map of both LSTM directions' input weights.
pub fn lstm_input_nonzeros(
    model: &Model,
    out: &Path,
    format: Format,
) -> Result<Vec<PathBuf>, StudyError> {
    let (f, b) = (
        &model.weights.lstm_forward.weight_ih,
        &model.weights.lstm_backward.weight_ih,
    );
    let (svg, png) = both!(|root| {
        let (l, r) = root.split_horizontally(root.dim_in_pixel().0 / 2);
        heat_panel(&l, "LSTM W_ih forward", f)?;
        heat_panel(&r, "LSTM W_ih backward", b)
    });
    render(out, "lstm_input_nonzeros", format, (1100, 700), svg, png)
}

/// Short names of the eight weight matrices, in tensor order.
pub fn matrix_label(name: &str) -> String {
    match name {
        "lstm.weight_ih_l0" => "lstm W_ih fwd".into(),
        "lstm.weight_hh_l0" => "lstm W_hh fwd".into(),
        "lstm.weight_ih_l0_reverse" => "lstm W_ih bwd".into(),
        "lstm.weight_hh_l0_reverse" => "lstm W_hh bwd".into(),
        other => other.trim_end_matches(".weight").to_string(),
    }
}

/// Bar chart of each weight matrix's non-zero percentage.
pub fn layer_nonzeros(
    stats: &ModelStats,
    out: &Path,
    format: Format,
) -> Result<Vec<PathBuf>, StudyError> {
    let bars: Vec<(String, f64)> = stats
        .matrices()
        .map(|t| (matrix_label(&t.name), 100.0 * (1.0 - t.sparsity)))
        .collect();
    let overall = 100.0 * (1.0 - stats.sparsity);
    let (svg, png) = both!(|root| {
        let n = bars.len();
        let top = bars.iter().map(|b| b.1).fold(overall, f64::max);
        let mut chart = ChartBuilder::on(root)
            .caption(
                format!(
                    "non-zero weights per matrix (all matrices: {overall:.1} %, sparsity {:.1} %)",
                    100.0 - overall
                ),
                ("sans-serif", 18),
            )
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(50)
            .build_cartesian_2d(
                (0..n.saturating_sub(1)).into_segmented(),
                0f64..(top * 1.15).max(1.0),
            )
            .map_err(s)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .y_desc("non-zero %")
            .y_label_formatter(&|y| format!("{y:.0}"))
            .x_labels(n)
            .x_label_formatter(&|v| match v {
                SegmentValue::CenterOf(i) | SegmentValue::Exact(i) => {
                    bars.get(*i).map(|b| b.0.clone()).unwrap_or_default()
                }
                SegmentValue::Last => String::new(),
            })
            .draw()
            .map_err(s)?;
        chart
            .draw_series(bars.iter().enumerate().map(|(i, (_, pct))| {
                let mut bar = Rectangle::new(
                    [
                        (SegmentValue::Exact(i), 0.0),
                        (SegmentValue::Exact(i + 1), *pct),
                    ],
                    BLUE.mix(0.6).filled(),
                );
                bar.set_margin(0, 0, 8, 8);
                bar
            }))
            .map_err(s)?;
        chart
            .draw_series(bars.iter().enumerate().map(|(i, (_, pct))| {
                Text::new(
                    format!("{pct:.1}"),
                    (SegmentValue::CenterOf(i), pct + top * 0.02),
                    ("sans-serif", 14),
                )
            }))
            .map_err(s)?;
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![
                    (SegmentValue::Exact(0), overall),
                    (SegmentValue::Last, overall),
                ],
                RED.stroke_width(1),
            )))
            .map_err(s)?;
        Ok(())
    });
    render(out, "layer_nonzeros", format, (1000, 520), svg, png)
}

/// Bin counts of `values` over `[lo, hi)` in `bins` bins (values outside are left out).
pub fn histogram(values: &[f32], lo: f32, hi: f32, bins: usize) -> Vec<usize> {
    let mut counts = vec![0usize; bins];
    let width = (hi - lo) / bins as f32;
    if width.is_nan() || width <= 0.0 {
        return counts;
    }
    for v in values {
        let k = ((v - lo) / width).floor();
        if k >= 0.0 && (k as usize) < bins {
            counts[k as usize] += 1;
        }
    }
    counts
}

fn hist_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    title: &str,
    values: &[f32],
    lim: f32,
    color: RGBColor,
) -> Result<(), String> {
    let bins = 120;
    let counts = histogram(values, -lim, lim, bins);
    let top = counts.iter().copied().max().unwrap_or(1).max(1) as f64;
    let width = 2.0 * lim as f64 / bins as f64;
    let mut chart = ChartBuilder::on(area)
        .caption(title, ("sans-serif", 16))
        .margin(10)
        .x_label_area_size(30)
        .y_label_area_size(60)
        .build_cartesian_2d(-lim as f64..lim as f64, 0f64..top * 1.05)
        .map_err(s)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_desc("weight")
        .y_desc("count")
        .y_label_formatter(&|y| format!("{y:.0}"))
        .draw()
        .map_err(s)?;
    chart
        .draw_series(counts.iter().enumerate().map(|(k, c)| {
            let x0 = -lim as f64 + k as f64 * width;
            Rectangle::new([(x0, 0.0), (x0 + width, *c as f64)], color.filled())
        }))
        .map_err(s)?;
    Ok(())
}

/// Histograms of the dense model's weights (if given) and the model's non-zero weights, on
/// one weight axis.
pub fn weight_distribution(
    model: &Model,
    dense: Option<&Model>,
    out: &Path,
    format: Format,
) -> Result<Vec<PathBuf>, StudyError> {
    let after: Vec<f32> = matrix_values(&model.weights);
    let zeros = after.iter().filter(|v| **v == 0.0).count();
    let after_nz: Vec<f32> = after.iter().copied().filter(|v| *v != 0.0).collect();
    let before: Option<Vec<f32>> = dense.map(|d| matrix_values(&d.weights));
    let lim = after
        .iter()
        .chain(before.iter().flatten())
        .fold(0f32, |m, v| m.max(v.abs()))
        .max(1e-6);
    let total = after.len();
    let (svg, png) = both!(|root| {
        let after_title = format!(
            "after pruning: {} non-zero weights of {} ({:.1} % zero)",
            after_nz.len(),
            total,
            100.0 * zeros as f64 / total.max(1) as f64
        );
        match &before {
            Some(b) => {
                let (top, bottom) = root.split_vertically(root.dim_in_pixel().1 / 2);
                hist_panel(
                    &top,
                    &format!("before pruning (dense): {} weights", b.len()),
                    b,
                    lim,
                    RGBColor(90, 90, 200),
                )?;
                hist_panel(&bottom, &after_title, &after_nz, lim, RGBColor(200, 90, 60))
            }
            None => hist_panel(root, &after_title, &after_nz, lim, RGBColor(200, 90, 60)),
        }
    });
    let height = if before.is_some() { 760 } else { 400 };
    render(out, "weight_distribution", format, (1000, height), svg, png)
}

/// Whether run `k` is the first of its kind (branched or not), so its series get legend
/// entries, and the suffix of those entries.
fn legend_entry(logs: &[RunLog], k: usize) -> (bool, &'static str) {
    let branched = logs[k].branched_at.is_some();
    let first = logs[..k]
        .iter()
        .all(|o| o.branched_at.is_some() != branched);
    (first, if branched { " (branched run)" } else { "" })
}

/// Training and validation loss colours of a run: blue and red, or for a branched run (drawn
/// over its parent's steps) purple and orange.
fn run_colours(l: &RunLog) -> (RGBAColor, RGBAColor) {
    if l.branched_at.is_some() {
        (
            RGBColor(120, 60, 170).mix(0.7),
            RGBColor(230, 130, 0).mix(1.0),
        )
    } else {
        (BLUE.mix(0.7), RED.mix(1.0))
    }
}

/// Training and validation loss (top) and validation WER / CER (bottom) over the runs laid
/// end to end, each run's start marked with its name; a
/// branched run (`RunLog::branched_at`) drawn over its parent's steps in its own colours, with
/// the sparsity of its validations written over its WER points.
pub fn pruning_loss(
    logs: &[RunLog],
    out: &Path,
    format: Format,
) -> Result<Vec<PathBuf>, StudyError> {
    let end = logs.iter().map(RunLog::last_step).fold(1.0, f64::max);
    // the first steps' loss dwarfs the rest: the axis ends at 2.5 times the median validation
    // loss (training loss if none), and what lies above is drawn at the top edge
    let finite = |v: &f64| v.is_finite();
    let mut typical: Vec<f64> = logs
        .iter()
        .flat_map(|l| l.valid.iter().map(|v| v.loss))
        .filter(finite)
        .collect();
    if typical.is_empty() {
        typical = logs
            .iter()
            .flat_map(|l| l.train.iter().map(|p| p.1))
            .filter(finite)
            .collect();
    }
    typical.sort_by(f64::total_cmp);
    let all_max = logs
        .iter()
        .flat_map(|l| {
            l.train
                .iter()
                .map(|p| p.1)
                .chain(l.valid.iter().map(|v| v.loss))
        })
        .filter(finite)
        .fold(1.0, f64::max);
    let max_loss = typical
        .get(typical.len() / 2)
        .map(|m| (2.5 * m).min(all_max))
        .unwrap_or(all_max)
        .max(1e-3);
    let clamp = move |p: (f64, f64)| (p.0, p.1.min(max_loss * 1.04));
    let starts: Vec<(f64, String)> = logs
        .iter()
        .map(|l| {
            let first = l
                .train
                .first()
                .map(|p| p.0)
                .or(l.valid.first().map(|v| v.step))
                .unwrap_or(0.0);
            (first, l.name.clone())
        })
        .collect();
    let (svg, png) = both!(|root| {
        let (top, bottom) = root.split_vertically(root.dim_in_pixel().1 * 3 / 5);
        let mut chart = ChartBuilder::on(&top)
            .caption("CTC loss: dense training and pruning", ("sans-serif", 18))
            .margin(10)
            .x_label_area_size(30)
            .y_label_area_size(55)
            .build_cartesian_2d(0f64..end, 0f64..max_loss * 1.05)
            .map_err(s)?;
        chart
            .configure_mesh()
            .y_desc("loss per utterance")
            .x_label_formatter(&|x| format!("{x:.0}"))
            .draw()
            .map_err(s)?;
        // one series per run (a branched run overlaps its parent's steps); the runs that follow
        // one another share a colour, a branched run gets its own
        for (k, l) in logs.iter().enumerate() {
            let (tc, vc) = run_colours(l);
            let train: Vec<(f64, f64)> = l.train.iter().copied().map(clamp).collect();
            let valid: Vec<(f64, f64)> = l.valid.iter().map(|v| clamp((v.step, v.loss))).collect();
            let (first_of_kind, suffix) = legend_entry(logs, k);
            let series = chart
                .draw_series(LineSeries::new(train, tc.stroke_width(1)))
                .map_err(s)?;
            if first_of_kind {
                series
                    .label(format!("training{suffix}"))
                    .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], tc));
            }
            let series = chart
                .draw_series(LineSeries::new(valid.clone(), vc.stroke_width(2)))
                .map_err(s)?;
            if first_of_kind {
                series
                    .label(format!("validation{suffix}"))
                    .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], vc));
            }
            chart
                .draw_series(valid.iter().map(|p| Circle::new(*p, 3, vc.filled())))
                .map_err(s)?;
        }
        for (k, (x, name)) in starts.iter().enumerate() {
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(*x, 0.0), (*x, max_loss * 1.05)],
                    BLACK.mix(0.3),
                )))
                .map_err(s)?;
            // staggered, so the names of short rounds do not overlap
            let y = max_loss * (1.0 - 0.06 * (k % 4) as f64);
            chart
                .draw_series(std::iter::once(Text::new(
                    name.clone(),
                    (*x, y),
                    ("sans-serif", 11),
                )))
                .map_err(s)?;
        }
        chart
            .configure_series_labels()
            .border_style(BLACK)
            .background_style(WHITE.mix(0.8))
            .draw()
            .map_err(s)?;

        let rate = |l: &RunLog, f: fn(&ValidPoint) -> Option<f64>| -> Vec<(f64, f64)> {
            l.valid
                .iter()
                .filter_map(|v| f(v).map(|r| (v.step, 100.0 * r)))
                .collect()
        };
        let top_rate = logs
            .iter()
            .flat_map(|l| rate(l, |v| v.wer).into_iter().chain(rate(l, |v| v.cer)))
            .map(|p| p.1)
            .fold(10.0, f64::max);
        let mut chart = ChartBuilder::on(&bottom)
            .margin(10)
            .x_label_area_size(35)
            .y_label_area_size(55)
            .build_cartesian_2d(0f64..end, 0f64..top_rate * 1.05)
            .map_err(s)?;
        chart
            .configure_mesh()
            .x_desc("step (runs end to end; a branched run at its own steps)")
            .y_desc("validation %")
            .x_label_formatter(&|x| format!("{x:.0}"))
            .draw()
            .map_err(s)?;
        for (k, l) in logs.iter().enumerate() {
            let branched = l.branched_at.is_some();
            let (first_of_kind, suffix) = legend_entry(logs, k);
            let (wc, cc) = if branched {
                (RGBColor(0, 120, 140), RGBColor(150, 60, 0))
            } else {
                (GREEN, MAGENTA)
            };
            for (points, colour, name) in [
                (rate(l, |v| v.wer), wc, "WER"),
                (rate(l, |v| v.cer), cc, "CER"),
            ] {
                chart
                    .draw_series(points.iter().map(|p| Circle::new(*p, 2, colour.filled())))
                    .map_err(s)?;
                let series = chart
                    .draw_series(LineSeries::new(points, colour.stroke_width(2)))
                    .map_err(s)?;
                if first_of_kind {
                    series
                        .label(format!("{name}{suffix}"))
                        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], colour));
                }
            }
            // the sparsity reached at each validation of a pruning run, above its WER point
            for v in l
                .valid
                .iter()
                .filter(|v| v.sparsity.is_some_and(|z| z > 0.0))
            {
                let (Some(z), Some(w)) = (v.sparsity, v.wer) else {
                    continue;
                };
                chart
                    .draw_series(std::iter::once(Text::new(
                        format!("{:.0}%", 100.0 * z),
                        (v.step, (100.0 * w + top_rate * 0.04).min(top_rate)),
                        ("sans-serif", 10),
                    )))
                    .map_err(s)?;
            }
        }
        for (x, _) in &starts {
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(*x, 0.0), (*x, top_rate * 1.05)],
                    BLACK.mix(0.3),
                )))
                .map_err(s)?;
        }
        chart
            .configure_series_labels()
            .border_style(BLACK)
            .background_style(WHITE.mix(0.8))
            .draw()
            .map_err(s)?;
        Ok(())
    });
    render(out, "pruning_loss", format, (1100, 760), svg, png)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_density_grid_averages_non_zeros_per_cell() {
        let mut m = ndarray::Array2::<f32>::ones((8, 6));
        m[[0, 0]] = 0.0;
        m.row_mut(7).fill(0.0);
        let (g, ch, cw) = density_grid(&m, 4, 3);
        assert_eq!((g.dim(), ch, cw), ((4, 3), 2, 2));
        assert_eq!(g[[0, 0]], 0.75);
        assert_eq!(g[[3, 1]], 0.5);
        assert_eq!(g[[1, 1]], 1.0);
    }

    #[test]
    fn the_histogram_counts_values_in_range_only() {
        let c = histogram(&[-1.0, -0.5, 0.0, 0.49, 0.5, 2.0], -1.0, 1.0, 4);
        assert_eq!(c, vec![1, 1, 2, 1]);
        assert_eq!(histogram(&[1.0], 0.0, 0.0, 3), vec![0, 0, 0]);
    }
}

//! Sweep plots, PNG and SVG: each kind a [`Figure`], saved through [`crate::output::plot::save`].
//!
//! * `sobol_<output>`: S1 and ST bars with 95% bootstrap whiskers, parameters in tornado order
//!   (largest ST on top);
//! * `morris_<output>`: μ* against σ with μ* whiskers and the line σ = μ*;
//! * `heatmap_<output>`: point means of a two-parameter grid;
//! * `response_<output>__<parameter>`: grid response curves: mean output at each level of the
//!   parameter (averaged over the other parameters and replications), with a band of ±1.96
//!   standard deviations of single runs at that level.
//!
//! Plots only draw what the sweep computed; they never run the model.

use super::results::SweepDetails;
use super::results::SweepOutcome;
use super::spec::{Method, SweepSpec};
use crate::output::plot::figure::{save_names, Figure};
use crate::output::plot::safe_name as safe;
use crate::output::plot::{colour, plot_err as err, SIZE};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::path::Path;

type Res = anyhow::Result<()>;

fn finite_or(v: f64, d: f64) -> f64 {
    if v.is_finite() {
        v
    } else {
        d
    }
}

/// What the plots need to know of a sweep: from its spec, or from its manifest when re-drawn.
#[derive(Debug, Clone)]
pub struct PlotSpec {
    /// the method
    pub method: Method,
    /// swept parameter paths, in design order
    pub parameters: Vec<String>,
    /// grid sweeps: the values each parameter takes
    pub grid_levels: Vec<Vec<f64>>,
    /// outputs, in column order
    pub outputs: Vec<String>,
    /// per output: a share, drawn within [0, 1]
    pub shares: Vec<bool>,
}

impl PlotSpec {
    /// From a validated sweep.
    pub fn from_spec(spec: &SweepSpec) -> PlotSpec {
        PlotSpec {
            method: spec.method,
            parameters: spec.parameters.iter().map(|p| p.path.clone()).collect(),
            grid_levels: if spec.method == Method::Grid {
                spec.grid_levels()
            } else {
                Vec::new()
            },
            outputs: spec.outputs.clone(),
            shares: spec
                .outputs
                .iter()
                .map(|o| crate::metrics::metric_index(o).is_some_and(crate::metrics::is_share))
                .collect(),
        }
    }

    /// From a finished sweep's manifest.
    pub fn from_details(d: &SweepDetails) -> anyhow::Result<PlotSpec> {
        let method = [
            Method::Grid,
            Method::Lhs,
            Method::Morris,
            Method::Sobol,
            Method::Design,
        ]
        .into_iter()
        .find(|m| m.name() == d.method)
        .ok_or_else(|| anyhow::anyhow!("manifest.json: unknown method `{}`", d.method))?;
        Ok(PlotSpec {
            method,
            parameters: d.parameters.iter().map(|p| p.path.clone()).collect(),
            grid_levels: d
                .parameters
                .iter()
                .map(|p| p.grid_values.clone().unwrap_or_default())
                .collect(),
            outputs: d.outputs.clone(),
            shares: d
                .outputs
                .iter()
                .map(|o| {
                    d.target.kind == "scenario"
                        && crate::metrics::metric_index(o).is_some_and(crate::metrics::is_share)
                })
                .collect(),
        })
    }
}

/// Renders every plot that fits the sweep into `dir`; returns the file names written.
pub fn render_all(spec: &PlotSpec, o: &SweepOutcome, dir: &Path) -> anyhow::Result<Vec<String>> {
    let mut files = Vec::new();
    let names: Vec<&str> = spec.parameters.iter().map(String::as_str).collect();
    for (oi, output) in spec.outputs.iter().enumerate() {
        let rows = |index: &str| -> Vec<(f64, f64, f64)> {
            o.sensitivity
                .iter()
                .filter(|r| &r.output == output && r.index == index)
                .map(|r| (r.estimate.value, r.estimate.low, r.estimate.high))
                .collect()
        };
        match spec.method {
            Method::Sobol => {
                let bars = SobolBars {
                    title: format!("Sobol' indices of {output}"),
                    names: &names,
                    s1: rows("S1"),
                    st: rows("ST"),
                    labels: ["S1 (first order)", "ST (total)"],
                };
                files.extend(save_names(&bars, dir, &format!("sobol_{}", safe(output)))?);
            }
            Method::Morris => {
                let m = MorrisPlot {
                    title: format!("Morris screening of {output}"),
                    names: &names,
                    mu_star: rows("mu_star"),
                    sigma: rows("sigma"),
                };
                files.extend(save_names(&m, dir, &format!("morris_{}", safe(output)))?);
            }
            Method::Grid => {
                let levels = &spec.grid_levels;
                let varying: Vec<usize> =
                    (0..levels.len()).filter(|&i| levels[i].len() > 1).collect();
                if let [xi, yi] = varying[..] {
                    // parameters with one level do not change the point index (last fastest)
                    let h = Heatmap {
                        title: format!("{output} (mean over replications)"),
                        xname: names[xi],
                        yname: names[yi],
                        xs: &levels[xi],
                        ys: &levels[yi],
                        z: &o.means[oi],
                    };
                    files.extend(save_names(&h, dir, &format!("heatmap_{}", safe(output)))?);
                }
                let bounds = spec
                    .shares
                    .get(oi)
                    .is_some_and(|&s| s)
                    .then_some((0.0, 1.0));
                for &pi in &varying {
                    let name = names[pi];
                    let curve = response_curve(o, oi, pi, &levels[pi]);
                    let r = Response {
                        title: format!("{output} against {name}"),
                        xname: name,
                        yname: output,
                        curve,
                        bounds,
                    };
                    let stem = format!("response_{}__{}", safe(output), safe(name));
                    files.extend(save_names(&r, dir, &stem)?);
                }
            }
            Method::Lhs => {
                let r2 = |index: &str| rows(index).first().map_or(f64::NAN, |&(v, _, _)| v);
                let bars = SobolBars {
                    title: format!(
                        "{output}: regression (R² {:.2}) and rank correlation (rank R² {:.2})",
                        r2("R2"),
                        r2("R2_rank")
                    ),
                    names: &names,
                    s1: rows("SRC"),
                    st: rows("PRCC"),
                    labels: [
                        "SRC (standardised regression coefficient)",
                        "PRCC (partial rank correlation)",
                    ],
                };
                files.extend(save_names(&bars, dir, &format!("lhs_{}", safe(output)))?);
            }
            // an external design's points have no structure to plot indices from
            Method::Design => {}
        }
    }
    Ok(files)
}

/// Per level of parameter `pi`: (value, mean, sd of single runs) over the points at that level.
fn response_curve(o: &SweepOutcome, oi: usize, pi: usize, levels: &[f64]) -> Vec<(f64, f64, f64)> {
    levels
        .iter()
        .map(|&lv| {
            let pts: Vec<usize> = (0..o.design.n)
                .filter(|&p| o.design.point(p)[pi].to_bits() == lv.to_bits())
                .collect();
            let means: Vec<f64> = pts.iter().map(|&p| o.means[oi][p]).collect();
            let m = super::estimators::mean(&means);
            let between = if means.len() > 1 {
                super::estimators::sample_variance(&means)
            } else {
                0.0
            };
            let within: Vec<f64> = pts.iter().map(|&p| o.within[oi][p]).collect();
            let w = finite_or(super::estimators::mean(&within), 0.0);
            (lv, m, (between + w).sqrt())
        })
        .collect()
}

/// Two indices per parameter as paired bars with intervals, parameters ordered by the second
/// index's size (Sobol' S1 and ST; or SRC and PRCC of a Latin hypercube).
struct SobolBars<'a> {
    title: String,
    names: &'a [&'a str],
    s1: Vec<(f64, f64, f64)>,
    st: Vec<(f64, f64, f64)>,
    /// legend labels of the two indices
    labels: [&'a str; 2],
}

fn label_style<'a>(size: u32) -> TextStyle<'a> {
    ("sans-serif", size).into_font().color(&BLACK)
}

impl Figure for SobolBars<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Res
    where
        DB::ErrorType: 'static,
    {
        draw_sobol(root, self)
    }
}

fn draw_sobol<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, b: &SobolBars<'_>) -> Res {
    root.fill(&WHITE).map_err(err)?;
    let k = b.names.len();
    let mut order: Vec<usize> = (0..k).collect();
    order.sort_by(|&i, &j| {
        finite_or(b.st[j].0.abs(), -1.0).total_cmp(&finite_or(b.st[i].0.abs(), -1.0))
    });
    let all = b.s1.iter().chain(&b.st).flat_map(|&(v, l, h)| [v, l, h]);
    let lo = all.clone().filter(|v| v.is_finite()).fold(0.0f64, f64::min);
    let hi = all.filter(|v| v.is_finite()).fold(0.1f64, f64::max);
    let pad = 0.05 * (hi - lo);
    let longest = b.names.iter().map(|n| n.len()).max().unwrap_or(4) as u32;
    // the legend in a strip under the title, clear of the bars, the names and the axis
    let body = root.titled(&b.title, ("sans-serif", 22)).map_err(err)?;
    let (strip, rest) = body.split_vertically(30);
    let mut x = 20;
    for (name, c) in [(b.labels[0], colour(0)), (b.labels[1], colour(1))] {
        strip
            .draw(&Rectangle::new([(x, 9), (x + 14, 21)], c.filled()))
            .map_err(err)?;
        strip
            .draw(&Text::new(
                name.to_string(),
                (x + 20, 15),
                label_style(14).pos(Pos::new(HPos::Left, VPos::Center)),
            ))
            .map_err(err)?;
        x += 20 + crate::output::plot::text::width(name, 14.0) as i32 + 30;
    }
    let mut chart = ChartBuilder::on(&rest)
        .margin(15)
        .x_label_area_size(40)
        .y_label_area_size((longest * 8).clamp(40, 380))
        .build_cartesian_2d((lo - pad)..(hi + pad), -0.5..(k as f64 - 0.5))
        .map_err(err)?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(0)
        .x_desc("index (95% bootstrap interval)")
        .draw()
        .map_err(err)?;
    let h = 0.35;
    for (rank, &i) in order.iter().enumerate() {
        let y = (k - 1 - rank) as f64;
        for (est, c, off) in [(&b.s1[i], colour(0), h), (&b.st[i], colour(1), 0.0)] {
            let (v, l, u) = *est;
            if !v.is_finite() {
                continue;
            }
            let (y0, y1) = (y - h + off, y + off);
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(0.0, y0), (v, y1)],
                    c.filled(),
                )))
                .map_err(err)?;
            if l.is_finite() && u.is_finite() {
                let ym = (y0 + y1) / 2.0;
                chart
                    .draw_series([
                        PathElement::new(vec![(l, ym), (u, ym)], BLACK.stroke_width(2)),
                        PathElement::new(
                            vec![(l, y0 + 0.08), (l, y1 - 0.08)],
                            BLACK.stroke_width(2),
                        ),
                        PathElement::new(
                            vec![(u, y0 + 0.08), (u, y1 - 0.08)],
                            BLACK.stroke_width(2),
                        ),
                    ])
                    .map_err(err)?;
            }
        }
        let (px, py) = chart.backend_coord(&(lo - pad, y));
        root.draw(&Text::new(
            b.names[i].to_string(),
            (px - 8, py),
            label_style(14).pos(Pos::new(HPos::Right, VPos::Center)),
        ))
        .map_err(err)?;
    }
    Ok(())
}

struct MorrisPlot<'a> {
    title: String,
    names: &'a [&'a str],
    mu_star: Vec<(f64, f64, f64)>,
    sigma: Vec<(f64, f64, f64)>,
}

impl Figure for MorrisPlot<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Res
    where
        DB::ErrorType: 'static,
    {
        draw_morris(root, self)
    }
}

fn draw_morris<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, m: &MorrisPlot<'_>) -> Res {
    root.fill(&WHITE).map_err(err)?;
    let xs = m.mu_star.iter().flat_map(|&(v, _, h)| [v, h]);
    let xmax = xs.filter(|v| v.is_finite()).fold(0.0f64, f64::max);
    let ymax = m
        .sigma
        .iter()
        .map(|s| s.0)
        .filter(|v| v.is_finite())
        .fold(0.0f64, f64::max);
    let top = xmax.max(ymax).max(1e-12) * 1.1;
    let mut chart = ChartBuilder::on(root)
        .caption(&m.title, ("sans-serif", 22))
        .margin(15)
        .x_label_area_size(45)
        .y_label_area_size(70)
        .build_cartesian_2d(0.0..top, 0.0..top)
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc("mu* (mean |elementary effect|, per full range)")
        .y_desc("sigma (sd of elementary effects)")
        .draw()
        .map_err(err)?;
    chart
        .draw_series(std::iter::once(PathElement::new(
            vec![(0.0, 0.0), (top, top)],
            RGBColor(170, 170, 170).stroke_width(1),
        )))
        .map_err(err)?;
    // markers first; then labels, most influential first, each at the first spot around its
    // marker that is clear of every marker and label so far (a crowded point stays unlabelled)
    use crate::output::plot::text::{self, Placer};
    let (px0, py0) = chart.backend_coord(&(0.0, top));
    let (px1, py1) = chart.backend_coord(&(top, 0.0));
    let mut placer = Placer::new((
        f64::from(px0),
        f64::from(py0),
        f64::from(px1),
        f64::from(py1),
    ));
    let note_size = 13.0;
    let note_box = (
        f64::from(px0) + 4.0,
        f64::from(py0) + 2.0,
        f64::from(px0)
            + 8.0
            + text::width(
                "99 crowded points unlabelled (see sensitivity.csv)",
                note_size,
            ),
        f64::from(py0) + 4.0 + text::height(note_size),
    );
    placer.block(note_box);
    let mut order: Vec<usize> = Vec::new();
    for (i, _) in m.names.iter().enumerate() {
        let (x, l, h) = m.mu_star[i];
        let y = m.sigma[i].0;
        if !(x.is_finite() && y.is_finite()) {
            continue;
        }
        let c = colour(i);
        if l.is_finite() && h.is_finite() {
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(l, y), (h, y)],
                    c.stroke_width(2),
                )))
                .map_err(err)?;
        }
        chart
            .draw_series(std::iter::once(Circle::new((x, y), 5, c.filled())))
            .map_err(err)?;
        let (px, py) = chart.backend_coord(&(x, y));
        let (px, py) = (f64::from(px), f64::from(py));
        placer.block((px - 6.0, py - 6.0, px + 6.0, py + 6.0));
        order.push(i);
    }
    order.sort_by(|&a, &b| m.mu_star[b].0.total_cmp(&m.mu_star[a].0));
    let size = 13.0;
    let th = text::height(size);
    let mut unlabelled = 0;
    for i in order {
        let (px, py) = chart.backend_coord(&(m.mu_star[i].0, m.sigma[i].0));
        let (px, py) = (f64::from(px), f64::from(py));
        let w = text::width(m.names[i], size);
        // right above, right below, left above, left below, then further out
        let mut spots = Vec::new();
        for d in [0.0, 10.0, 22.0] {
            spots.push((px + 7.0, py - th - 2.0 - d, HPos::Left, VPos::Top));
            spots.push((px + 7.0, py + 2.0 + d, HPos::Left, VPos::Top));
            spots.push((px - 7.0 - w, py - th - 2.0 - d, HPos::Left, VPos::Top));
            spots.push((px - 7.0 - w, py + 2.0 + d, HPos::Left, VPos::Top));
        }
        let boxes: Vec<text::Rect> = spots
            .iter()
            .map(|&(x, y, _, _)| (x, y, x + w, y + th))
            .collect();
        match placer.place(&boxes) {
            Some(k) => {
                let (x, y, hp, vp) = spots[k];
                root.draw(&Text::new(
                    m.names[i].to_string(),
                    (x as i32, y as i32),
                    label_style(size as u32).pos(Pos::new(hp, vp)),
                ))
                .map_err(err)?;
            }
            None => unlabelled += 1,
        }
    }
    if unlabelled > 0 {
        root.draw(&Text::new(
            format!("{unlabelled} crowded points unlabelled (see sensitivity.csv)"),
            (note_box.0 as i32, note_box.1 as i32),
            label_style(note_size as u32).pos(Pos::new(HPos::Left, VPos::Top)),
        ))
        .map_err(err)?;
    }
    Ok(())
}

struct Heatmap<'a> {
    title: String,
    xname: &'a str,
    yname: &'a str,
    xs: &'a [f64],
    ys: &'a [f64],
    z: &'a [f64],
}

/// Viridis-like colour ramp from five anchors.
fn ramp(t: f64) -> RGBColor {
    const A: [(f64, f64, f64); 5] = [
        (68.0, 1.0, 84.0),
        (59.0, 82.0, 139.0),
        (33.0, 145.0, 140.0),
        (94.0, 201.0, 98.0),
        (253.0, 231.0, 37.0),
    ];
    let t = finite_or(t, 0.0).clamp(0.0, 1.0) * 4.0;
    let i = (t.floor() as usize).min(3);
    let f = t - i as f64;
    let mix = |a: f64, b: f64| (a + (b - a) * f).round() as u8;
    RGBColor(
        mix(A[i].0, A[i + 1].0),
        mix(A[i].1, A[i + 1].1),
        mix(A[i].2, A[i + 1].2),
    )
}

fn short(v: f64) -> String {
    if v == v.round() && v.abs() < 1e9 {
        format!("{}", v as i64)
    } else {
        format!("{v:.3}")
    }
}

impl Figure for Heatmap<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Res
    where
        DB::ErrorType: 'static,
    {
        draw_heatmap(root, self)
    }
}

fn draw_heatmap<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, h: &Heatmap<'_>) -> Res {
    root.fill(&WHITE).map_err(err)?;
    let (main, bar) = root.split_horizontally(SIZE.0 - 130);
    let (nx, ny) = (h.xs.len(), h.ys.len());
    let finite = h.z.iter().copied().filter(|v| v.is_finite());
    let zmin = finite.clone().fold(f64::INFINITY, f64::min);
    let zmax = finite.fold(f64::NEG_INFINITY, f64::max);
    let span = if zmax > zmin { zmax - zmin } else { 1.0 };
    let mut chart = ChartBuilder::on(&main)
        .caption(&h.title, ("sans-serif", 22))
        .margin(15)
        .x_label_area_size(45)
        .y_label_area_size(70)
        .build_cartesian_2d(-0.5..(nx as f64 - 0.5), -0.5..(ny as f64 - 0.5))
        .map_err(err)?;
    let lab = |vals: &[f64], v: &f64| {
        let i = v.round();
        let every = vals.len().div_ceil(10).max(1);
        if (v - i).abs() < 1e-6
            && i >= 0.0
            && (i as usize) < vals.len()
            && (i as usize).is_multiple_of(every)
        {
            short(vals[i as usize])
        } else {
            String::new()
        }
    };
    chart
        .configure_mesh()
        .disable_mesh()
        .x_labels(nx.min(12) * 2 + 1)
        .y_labels(ny.min(12) * 2 + 1)
        .x_label_formatter(&|v| lab(h.xs, v))
        .y_label_formatter(&|v| lab(h.ys, v))
        .x_desc(h.xname)
        .y_desc(h.yname)
        .draw()
        .map_err(err)?;
    chart
        .draw_series((0..nx).flat_map(|i| {
            (0..ny).map(move |j| {
                let z = h.z[i * ny + j];
                Rectangle::new(
                    [
                        (i as f64 - 0.5, j as f64 - 0.5),
                        (i as f64 + 0.5, j as f64 + 0.5),
                    ],
                    ramp((z - zmin) / span).filled(),
                )
            })
        }))
        .map_err(err)?;
    // colour bar
    let mut cb = ChartBuilder::on(&bar)
        .margin_top(60)
        .margin_bottom(60)
        .margin_right(10)
        .y_label_area_size(70)
        .build_cartesian_2d(0.0..1.0, zmin..(zmin + span))
        .map_err(err)?;
    cb.configure_mesh()
        .disable_mesh()
        .x_labels(0)
        .y_labels(6)
        .y_label_style(("sans-serif", 14))
        .draw()
        .map_err(err)?;
    let steps = 64;
    cb.draw_series((0..steps).map(|s| {
        let a = zmin + span * s as f64 / steps as f64;
        let b = zmin + span * (s + 1) as f64 / steps as f64;
        Rectangle::new(
            [(0.0, a), (1.0, b)],
            ramp((s as f64 + 0.5) / steps as f64).filled(),
        )
    }))
    .map_err(err)?;
    Ok(())
}

struct Response<'a> {
    title: String,
    xname: &'a str,
    yname: &'a str,
    curve: Vec<(f64, f64, f64)>,
    /// the band is clipped to these bounds (shares: 0 to 1)
    bounds: Option<(f64, f64)>,
}

impl Figure for Response<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Res
    where
        DB::ErrorType: 'static,
    {
        draw_response(root, self)
    }
}

fn draw_response<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, r: &Response<'_>) -> Res {
    root.fill(&WHITE).map_err(err)?;
    let pts: Vec<(f64, f64, f64)> = r
        .curve
        .iter()
        .copied()
        .filter(|(x, m, _)| x.is_finite() && m.is_finite())
        .collect();
    let (blo, bhi) = r.bounds.unwrap_or((f64::NEG_INFINITY, f64::INFINITY));
    let band = |p: &(f64, f64, f64)| ((p.1 - 1.96 * p.2).max(blo), (p.1 + 1.96 * p.2).min(bhi));
    let xmin = pts.iter().map(|p| p.0).fold(f64::INFINITY, f64::min);
    let xmax = pts.iter().map(|p| p.0).fold(f64::NEG_INFINITY, f64::max);
    let ymin = pts.iter().map(|p| band(p).0).fold(f64::INFINITY, f64::min);
    let ymax = pts
        .iter()
        .map(|p| band(p).1)
        .fold(f64::NEG_INFINITY, f64::max);
    let (xmin, xmax) = if pts.is_empty() {
        (0.0, 1.0)
    } else if xmax > xmin {
        (xmin, xmax)
    } else {
        (xmin - 0.5, xmax + 0.5)
    };
    let (ymin, ymax) = if pts.is_empty() {
        (0.0, 1.0)
    } else if ymax > ymin {
        let pad = 0.05 * (ymax - ymin);
        (ymin - pad, ymax + pad)
    } else {
        (
            ymin - 0.5 * ymin.abs().max(1e-9),
            ymax + 0.5 * ymax.abs().max(1e-9),
        )
    };
    let mut chart = ChartBuilder::on(root)
        .caption(&r.title, ("sans-serif", 22))
        .margin(15)
        .x_label_area_size(45)
        .y_label_area_size(80)
        .build_cartesian_2d(xmin..xmax, ymin..ymax)
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc(r.xname)
        .y_desc(format!("{} (mean; band: ±1.96 sd of single runs)", r.yname))
        .draw()
        .map_err(err)?;
    let c = colour(0);
    if pts.len() > 1 {
        let mut poly: Vec<(f64, f64)> = pts.iter().map(|p| (p.0, band(p).1)).collect();
        poly.extend(pts.iter().rev().map(|p| (p.0, band(p).0)));
        chart
            .draw_series(std::iter::once(Polygon::new(poly, c.mix(0.2).filled())))
            .map_err(err)?;
    } else {
        chart
            .draw_series(pts.iter().map(|p| {
                PathElement::new(
                    vec![(p.0, band(p).0), (p.0, band(p).1)],
                    c.mix(0.4).stroke_width(6),
                )
            }))
            .map_err(err)?;
    }
    chart
        .draw_series(LineSeries::new(
            pts.iter().map(|p| (p.0, p.1)),
            c.stroke_width(2),
        ))
        .map_err(err)?;
    chart
        .draw_series(pts.iter().map(|p| Circle::new((p.0, p.1), 4, c.filled())))
        .map_err(err)?;
    Ok(())
}

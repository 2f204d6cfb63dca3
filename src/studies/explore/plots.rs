//! Exploration plots, PNG and SVG: each kind a case of one [`Figure`], saved through
//! [`crate::output::plot::save`]. They draw what the exploration computed; they never run the model.
//!
//! * `regret_<outcome>`: per regime, the distribution of its regret across the states (10th to
//!   90th percentile bar, median, mean, maximum);
//! * `prim_tradeoff_<case>`: PRIM's peeling and pasting trajectory, density against coverage,
//!   coloured by the number of restricted dimensions, the chosen box circled;
//! * `prim_box_<case>`: the chosen box's restricted dimensions as range bars on each parameter's
//!   range, with the quasi-p-value of each edge;
//! * `prim_scatter_<case>`: the states on the two most restricted parameters, cases and other
//!   states in two colours, the box drawn over them.

use super::prim::{Dim, Found, Side};
use super::results::{Discovery, ExploreOutcome};
use crate::output::plot::figure::{save_names, Figure};
pub use crate::output::plot::safe_name as safe;
use crate::output::plot::{colour, plot_err as err};
use plotters::coord::Shift;
use plotters::prelude::*;
use std::path::Path;

type Res = anyhow::Result<()>;

/// The dimension indices of a discovery's box, most restricted first (the smallest share of its
/// range kept).
pub fn most_restricted(d: &Discovery, dims: &[Dim]) -> Vec<usize> {
    let Some(f) = &d.found else {
        return Vec::new();
    };
    let mut idx: Vec<usize> = (0..dims.len())
        .filter(|&k| {
            f.bounds.restricts(dims, k, Side::Lower) || f.bounds.restricts(dims, k, Side::Upper)
        })
        .collect();
    let kept = |k: usize| (f.bounds.hi[k] - f.bounds.lo[k]) / (dims[k].max - dims[k].min);
    idx.sort_by(|&a, &b| kept(a).total_cmp(&kept(b)).then(a.cmp(&b)));
    idx
}

/// Draws every plot into `<dir>/plots/`; returns the file names (relative to `plots/`).
pub fn draw_all(o: &ExploreOutcome, dir: &Path) -> anyhow::Result<Vec<String>> {
    let pdir = dir.join("plots");
    let mut files = Vec::new();
    for (k, out) in o.spec.outcomes.iter().enumerate() {
        let stem = format!("regret_{}", safe(&out.metric));
        files.extend(save_names(&Plot::Regret(o, k), &pdir, &stem)?);
    }
    for d in &o.discoveries {
        let Some(f) = &d.found else { continue };
        let name = safe(&d.discover.name);
        let stem = format!("prim_tradeoff_{name}");
        files.extend(save_names(&Plot::Tradeoff(d, f), &pdir, &stem)?);
        if !f.limits.is_empty() {
            let stem = format!("prim_box_{name}");
            files.extend(save_names(&Plot::PrimBox(o, d, f), &pdir, &stem)?);
            let stem = format!("prim_scatter_{name}");
            files.extend(save_names(&Plot::PrimScatter(o, d, f), &pdir, &stem)?);
        }
    }
    Ok(files)
}

/// One exploration plot and what it is drawn from.
enum Plot<'a> {
    /// `regret_<outcome>`: the outcome's index in the explore file
    Regret(&'a ExploreOutcome, usize),
    /// `prim_tradeoff_<case>`
    Tradeoff(&'a Discovery, &'a Found),
    /// `prim_box_<case>`
    PrimBox(&'a ExploreOutcome, &'a Discovery, &'a Found),
    /// `prim_scatter_<case>`
    PrimScatter(&'a ExploreOutcome, &'a Discovery, &'a Found),
}

impl Figure for Plot<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Res
    where
        DB::ErrorType: 'static,
    {
        root.fill(&WHITE).map_err(err)?;
        match *self {
            Plot::Regret(o, k) => regret(o, k, root),
            Plot::Tradeoff(d, f) => tradeoff(d, f, root),
            Plot::PrimBox(o, d, f) => box_bars(o, d, f, root),
            Plot::PrimScatter(o, d, f) => scatter(o, d, f, root),
        }
    }
}

fn regret<DB: DrawingBackend>(o: &ExploreOutcome, k: usize, root: &DrawingArea<DB, Shift>) -> Res
where
    DB::ErrorType: 'static,
{
    let out = &o.spec.outcomes[k];
    let g_n = o.spec.regimes.len();
    let per: Vec<Vec<f64>> = (0..g_n)
        .map(|g| {
            let mut v: Vec<f64> = (0..o.table.n)
                .map(|s| o.table.regret(s, g, k, out.direction))
                .collect();
            v.sort_by(f64::total_cmp);
            v
        })
        .collect();
    let hi = per
        .iter()
        .filter_map(|v| v.last().copied())
        .fold(0.0f64, f64::max)
        .max(1e-12);
    let label =
        crate::metrics::spec(&out.metric).map_or(out.metric.clone(), |m| m.label.to_string());
    let mut chart = ChartBuilder::on(root)
        .caption(
            format!("Regret on {label}: how much worse than the best regime of each state"),
            ("sans-serif", 20),
        )
        .margin(16)
        .x_label_area_size(44)
        .y_label_area_size(150)
        .build_cartesian_2d(0.0..hi * 1.05, -0.5..(g_n as f64 - 0.5))
        .map_err(err)?;
    let names: Vec<String> = o.spec.regimes.iter().map(|g| g.name.clone()).collect();
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(g_n)
        .y_label_formatter(&|y| {
            let i = y.round();
            if (y - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < names.len() {
                names[g_n - 1 - i as usize].clone()
            } else {
                String::new()
            }
        })
        .x_desc(format!(
            "regret ({}; bar: 10th–90th percentile of {} states, dot: median, triangle: mean, tick: maximum)",
            out.direction.name(),
            o.table.n
        ))
        .draw()
        .map_err(err)?;
    for (g, v) in per.iter().enumerate() {
        let y = (g_n - 1 - g) as f64;
        let q = |p: f64| crate::stats::quantile_sorted(v, p);
        let c = colour(g);
        chart
            .draw_series(std::iter::once(Rectangle::new(
                [(q(0.1), y - 0.18), (q(0.9), y + 0.18)],
                c.mix(0.35).filled(),
            )))
            .map_err(err)?;
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(0.0, y), (q(1.0), y)],
                c.stroke_width(1),
            )))
            .map_err(err)?;
        chart
            .draw_series(std::iter::once(Circle::new((q(0.5), y), 5, c.filled())))
            .map_err(err)?;
        let mean = v.iter().sum::<f64>() / v.len().max(1) as f64;
        chart
            .draw_series(std::iter::once(TriangleMarker::new(
                (mean, y),
                6,
                BLACK.filled(),
            )))
            .map_err(err)?;
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(q(1.0), y - 0.25), (q(1.0), y + 0.25)],
                c.stroke_width(3),
            )))
            .map_err(err)?;
    }
    Ok(())
}

fn tradeoff<DB: DrawingBackend>(d: &Discovery, f: &Found, root: &DrawingArea<DB, Shift>) -> Res
where
    DB::ErrorType: 'static,
{
    let mut chart = ChartBuilder::on(root)
        .caption(
            format!("PRIM trajectory: {}", d.discover.name),
            ("sans-serif", 20),
        )
        .margin(16)
        .x_label_area_size(44)
        .y_label_area_size(60)
        .build_cartesian_2d(0.0..1.02, 0.0..1.02)
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc("coverage (share of all cases inside the box)")
        .y_desc("density (share of the box's states that are cases)")
        .draw()
        .map_err(err)?;
    let max_r = f
        .trajectory
        .iter()
        .map(|s| s.stats.restricted)
        .max()
        .unwrap_or(0);
    chart
        .draw_series(LineSeries::new(
            f.trajectory
                .iter()
                .map(|s| (s.stats.coverage, s.stats.density)),
            BLACK.mix(0.3).stroke_width(1),
        ))
        .map_err(err)?;
    for r in 0..=max_r {
        chart
            .draw_series(
                f.trajectory
                    .iter()
                    .filter(|s| s.stats.restricted == r)
                    .map(|s| {
                        Circle::new((s.stats.coverage, s.stats.density), 4, colour(r).filled())
                    }),
            )
            .map_err(err)?
            .label(format!("{r} restricted"))
            .legend(move |(x, y)| Circle::new((x, y), 4, colour(r).filled()));
    }
    let sel = &f.trajectory[f.selected].stats;
    chart
        .draw_series(std::iter::once(Circle::new(
            (sel.coverage, sel.density),
            10,
            BLACK.stroke_width(2),
        )))
        .map_err(err)?
        .label("chosen box")
        .legend(|(x, y)| Circle::new((x, y), 6, BLACK.stroke_width(2)));
    if f.stats != *sel {
        chart
            .draw_series(std::iter::once(Rectangle::new(
                [
                    (f.stats.coverage - 0.008, f.stats.density - 0.012),
                    (f.stats.coverage + 0.008, f.stats.density + 0.012),
                ],
                BLACK.stroke_width(2),
            )))
            .map_err(err)?
            .label("reported box (insignificant edges dropped)")
            .legend(|(x, y)| {
                Rectangle::new([(x - 5, y - 5), (x + 5, y + 5)], BLACK.stroke_width(2))
            });
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::LowerLeft)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK.mix(0.4))
        .draw()
        .map_err(err)?;
    Ok(())
}

fn box_bars<DB: DrawingBackend>(
    o: &ExploreOutcome,
    d: &Discovery,
    f: &Found,
    root: &DrawingArea<DB, Shift>,
) -> Res
where
    DB::ErrorType: 'static,
{
    let dims = &o.dims;
    let rows = most_restricted(d, dims);
    let n = rows.len().max(1);
    let mut chart = ChartBuilder::on(root)
        .caption(
            format!(
                "PRIM box: {} (coverage {:.0}%, density {:.0}%)",
                d.discover.name,
                100.0 * f.stats.coverage,
                100.0 * f.stats.density
            ),
            ("sans-serif", 20),
        )
        .margin(16)
        .x_label_area_size(44)
        .y_label_area_size(20)
        .build_cartesian_2d(0.0..1.0, -0.5..(n as f64 - 0.5))
        .map_err(err)?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(0)
        .x_desc("share of each parameter's range (grey: whole range; colour: inside the box)")
        .draw()
        .map_err(err)?;
    for (i, &k) in rows.iter().enumerate() {
        let y = (n - 1 - i) as f64;
        let dim = &dims[k];
        let w = dim.max - dim.min;
        let (a, b) = (
            (f.bounds.lo[k] - dim.min) / w,
            (f.bounds.hi[k] - dim.min) / w,
        );
        chart
            .draw_series(std::iter::once(Rectangle::new(
                [(0.0, y - 0.15), (1.0, y + 0.15)],
                BLACK.mix(0.12).filled(),
            )))
            .map_err(err)?;
        chart
            .draw_series(std::iter::once(Rectangle::new(
                [(a, y - 0.15), (b, y + 0.15)],
                colour(0).filled(),
            )))
            .map_err(err)?;
        let qp = |side: Side| {
            f.limits
                .iter()
                .find(|l| l.dim == k && l.side == side)
                .map(|l| format!("{:.1e}", l.quasi_p))
        };
        let mut text = format!(
            "{}: {} to {}",
            dim.name,
            super::results::num(f.bounds.lo[k]),
            super::results::num(f.bounds.hi[k])
        );
        let qs: Vec<String> = [("lower", qp(Side::Lower)), ("upper", qp(Side::Upper))]
            .into_iter()
            .filter_map(|(w, q)| q.map(|q| format!("{w} edge quasi-p {q}")))
            .collect();
        text.push_str(&format!(" ({})", qs.join(", ")));
        chart
            .draw_series(std::iter::once(Text::new(
                text,
                (0.01, y + 0.38),
                ("sans-serif", 15).into_font(),
            )))
            .map_err(err)?;
    }
    Ok(())
}

fn scatter<DB: DrawingBackend>(
    o: &ExploreOutcome,
    d: &Discovery,
    f: &Found,
    root: &DrawingArea<DB, Shift>,
) -> Res
where
    DB::ErrorType: 'static,
{
    let dims = &o.dims;
    let mut pick = most_restricted(d, dims);
    for k in 0..dims.len() {
        if !pick.contains(&k) {
            pick.push(k);
        }
    }
    let (kx, ky) = (pick[0], *pick.get(1).unwrap_or(&pick[0]));
    let (dx, dy) = (&dims[kx], &dims[ky]);
    let mut chart = ChartBuilder::on(root)
        .caption(
            format!(
                "{}: cases on the two most restricted parameters",
                d.discover.name
            ),
            ("sans-serif", 20),
        )
        .margin(16)
        .x_label_area_size(44)
        .y_label_area_size(70)
        .build_cartesian_2d(dx.min..dx.max, dy.min..dy.max)
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc(dx.name.as_str())
        .y_desc(dy.name.as_str())
        .draw()
        .map_err(err)?;
    for (case, c, label) in [
        (false, BLACK.mix(0.35), "other states"),
        (true, colour(5).mix(0.9), "cases"),
    ] {
        chart
            .draw_series((0..o.states.n).filter(|&s| d.cases[s] == case).map(|s| {
                let p = o.states.point(s);
                Circle::new((p[kx], p[ky]), 3, c.filled())
            }))
            .map_err(err)?
            .label(label)
            .legend(move |(x, y)| Circle::new((x, y), 4, c.filled()));
    }
    chart
        .draw_series(std::iter::once(Rectangle::new(
            [
                (f.bounds.lo[kx], f.bounds.lo[ky]),
                (f.bounds.hi[kx], f.bounds.hi[ky]),
            ],
            colour(0).stroke_width(2),
        )))
        .map_err(err)?
        .label("PRIM box")
        .legend(|(x, y)| {
            Rectangle::new([(x - 6, y - 4), (x + 6, y + 4)], colour(0).stroke_width(2))
        });
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK.mix(0.4))
        .draw()
        .map_err(err)?;
    Ok(())
}

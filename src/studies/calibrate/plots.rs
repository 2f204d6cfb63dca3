//! A calibration's plots (PNG and SVG, in `plots/`): marginal posteriors against their priors, a
//! pair plot, each target's posterior predictive against its goal, and the tolerance schedule.
//! Each is a case of one [`Figure`], saved through [`crate::output::plot::save_sized`]. They read the
//! finished result only.

use super::spec::{CalibrationSpec, Goal};
use super::{weighted_quantile, CalibrationResult, GenerationStats, Particle};
use crate::output::plot::colour;
use crate::output::plot::figure::{save_sized, Figure};
use plotters::coord::Shift;
use plotters::prelude::*;
use std::path::{Path, PathBuf};

const GREY: RGBColor = RGBColor(150, 150, 150);

fn short(path: &str) -> String {
    let parts: Vec<&str> = path.split('.').collect();
    match parts.len() {
        0 | 1 => path.to_string(),
        n => format!("{}.{}", parts[n - 2], parts[n - 1]),
    }
}

fn panels<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    n: usize,
) -> anyhow::Result<Vec<DrawingArea<DB, Shift>>>
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE)?;
    let (top, body) = root.split_vertically(40);
    top.draw(&Text::new(
        title.to_string(),
        (10, 10),
        ("sans-serif", 20).into_font(),
    ))?;
    let cols = (n as f64).sqrt().ceil().max(1.0) as usize;
    let rows = n.div_ceil(cols).max(1);
    Ok(body
        .split_evenly((rows, cols))
        .into_iter()
        .take(n)
        .collect())
}

fn bounds(xs: impl Iterator<Item = f64>) -> (f64, f64) {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for x in xs.filter(|x| x.is_finite()) {
        lo = lo.min(x);
        hi = hi.max(x);
    }
    if !lo.is_finite() {
        return (0.0, 1.0);
    }
    if hi - lo < 1e-12 {
        let pad = lo.abs().max(1.0) * 0.05;
        return (lo - pad, hi + pad);
    }
    (lo, hi)
}

/// The plots' file stems in `plots/`, each written as `.png` and `.svg` (`pairs` only with two
/// parameters or more).
pub const STEMS: [&str; 4] = ["marginals", "pairs", "predictive", "tolerance"];

/// Draws the four plots into `dir/plots/`.
pub fn draw(spec: &CalibrationSpec, r: &CalibrationResult, dir: &Path) -> anyhow::Result<()> {
    draw_from(spec, &r.population, &r.weights(), &r.generations, dir).map(|_| ())
}

/// What a calibration's plots are drawn from.
struct Posterior<'a> {
    spec: &'a CalibrationSpec,
    population: &'a [Particle],
    /// the normalised weights
    w: &'a [f64],
    generations: &'a [GenerationStats],
}

/// One calibration plot.
enum Plot<'a> {
    /// marginals: weighted histogram (density) against the prior's density
    Marginals(&'a Posterior<'a>),
    /// pair plot: every pair of parameters (given), points shaded by weight
    Pairs(&'a Posterior<'a>, &'a [(usize, usize)]),
    /// posterior predictive: each target's summaries (5-95% bar, mean) against its goal
    Predictive(&'a Posterior<'a>),
    /// the tolerance schedule and the acceptance rate by generation
    Tolerance(&'a Posterior<'a>),
}

impl Figure for Plot<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> anyhow::Result<()>
    where
        DB::ErrorType: 'static,
    {
        match *self {
            Plot::Marginals(p) => marginals(p, root),
            Plot::Pairs(p, pairs) => pair_plot(p, pairs, root),
            Plot::Predictive(p) => predictive(p, root),
            Plot::Tolerance(p) => tolerance(p, root),
        }
    }
}

/// Draws the four plots from the posterior (`population`, with its normalised weights `w`) and
/// the generations' statistics: what `calibrate` has when it finishes, and what `posterior.csv`
/// and `generations.csv` hold to the last digit ([`super::output::reload`]).
pub fn draw_from(
    spec: &CalibrationSpec,
    population: &[Particle],
    w: &[f64],
    generations: &[GenerationStats],
    dir: &Path,
) -> anyhow::Result<Vec<PathBuf>> {
    let plots = dir.join("plots");
    let p = Posterior {
        spec,
        population,
        w,
        generations,
    };
    let mut written = Vec::new();
    written.extend(save_sized(
        &Plot::Marginals(&p),
        &plots,
        STEMS[0],
        (1000, 700),
    )?);
    let pairs: Vec<(usize, usize)> = (0..spec.priors.len())
        .flat_map(|i| (i + 1..spec.priors.len()).map(move |j| (i, j)))
        .take(28)
        .collect();
    if !pairs.is_empty() {
        let fig = Plot::Pairs(&p, &pairs);
        written.extend(save_sized(&fig, &plots, STEMS[1], (1000, 1000))?);
    }
    written.extend(save_sized(
        &Plot::Predictive(&p),
        &plots,
        STEMS[2],
        (1000, 700),
    )?);
    written.extend(save_sized(
        &Plot::Tolerance(&p),
        &plots,
        STEMS[3],
        (900, 500),
    )?);
    Ok(written)
}

fn marginals<DB: DrawingBackend>(
    p: &Posterior<'_>,
    root: &DrawingArea<DB, Shift>,
) -> anyhow::Result<()>
where
    DB::ErrorType: 'static,
{
    let (spec, population, w) = (p.spec, p.population, p.w);
    let areas = panels(
        root,
        "Marginal posteriors (bars) against priors (grey line)",
        spec.priors.len(),
    )?;
    for (k, (area, prior)) in areas.iter().zip(&spec.priors).enumerate() {
        let bins = 20usize;
        let (lo, hi) = (prior.min, prior.max);
        let width = (hi - lo) / bins as f64;
        let mut h = vec![0.0; bins];
        for (p, wi) in population.iter().zip(w) {
            let b = (((p.value[k] - lo) / width).floor() as usize).min(bins - 1);
            h[b] += wi / width;
        }
        // prior density on the natural scale, normalised over the same bins
        let dens: Vec<f64> = (0..bins)
            .map(|b| {
                let x = lo + (b as f64 + 0.5) * width;
                let jac = if prior.kind == super::prior::PriorKind::LogUniform {
                    1.0 / x
                } else {
                    1.0
                };
                prior
                    .density_work(prior.to_work(x))
                    .max(if prior.is_integer() { 1.0 } else { 0.0 })
                    * jac
            })
            .collect();
        let dsum: f64 = dens.iter().sum::<f64>() * width;
        let ymax = h
            .iter()
            .chain(dens.iter().map(|d| d / dsum).collect::<Vec<_>>().iter())
            .fold(0.0f64, |a, &b| a.max(b))
            * 1.1;
        let mut c = ChartBuilder::on(area)
            .caption(short(&prior.path), ("sans-serif", 14))
            .margin(8)
            .x_label_area_size(25)
            .y_label_area_size(40)
            .build_cartesian_2d(lo..hi, 0.0..ymax.max(1e-12))?;
        c.configure_mesh()
            .disable_mesh()
            .x_labels(4)
            .y_labels(3)
            .label_style(("sans-serif", 11))
            .draw()?;
        c.draw_series(h.iter().enumerate().map(|(b, &v)| {
            let x0 = lo + b as f64 * width;
            Rectangle::new([(x0, 0.0), (x0 + width, v)], colour(0).mix(0.6).filled())
        }))?;
        c.draw_series(LineSeries::new(
            dens.iter()
                .enumerate()
                .map(|(b, d)| (lo + (b as f64 + 0.5) * width, d / dsum)),
            GREY.stroke_width(2),
        ))?;
    }
    Ok(())
}

fn pair_plot<DB: DrawingBackend>(
    p: &Posterior<'_>,
    pairs: &[(usize, usize)],
    root: &DrawingArea<DB, Shift>,
) -> anyhow::Result<()>
where
    DB::ErrorType: 'static,
{
    let (spec, population, w) = (p.spec, p.population, p.w);
    let wmax = w.iter().fold(0.0f64, |a, &b| a.max(b));
    let areas = panels(root, "Posterior pairs (darker: more weight)", pairs.len())?;
    for (area, &(i, j)) in areas.iter().zip(pairs) {
        let (pi, pj) = (&spec.priors[i], &spec.priors[j]);
        let mut c = ChartBuilder::on(area)
            .caption(
                format!("{} vs {}", short(&pj.path), short(&pi.path)),
                ("sans-serif", 11),
            )
            .margin(5)
            .x_label_area_size(20)
            .y_label_area_size(35)
            .build_cartesian_2d(pi.min..pi.max, pj.min..pj.max)?;
        c.configure_mesh()
            .disable_mesh()
            .x_labels(3)
            .y_labels(3)
            .label_style(("sans-serif", 10))
            .draw()?;
        c.draw_series(population.iter().zip(w).map(|(p, wi)| {
            Circle::new(
                (p.value[i], p.value[j]),
                2,
                colour(0).mix(0.2 + 0.8 * wi / wmax).filled(),
            )
        }))?;
    }
    Ok(())
}

fn predictive<DB: DrawingBackend>(
    p: &Posterior<'_>,
    root: &DrawingArea<DB, Shift>,
) -> anyhow::Result<()>
where
    DB::ErrorType: 'static,
{
    let (spec, population, w) = (p.spec, p.population, p.w);
    let areas = panels(
        root,
        "Posterior predictive (blue: 5-95% and mean) against each target (grey band or line)",
        spec.targets.len(),
    )?;
    for (k, (area, t)) in areas.iter().zip(&spec.targets).enumerate() {
        let xs: Vec<f64> = population.iter().map(|p| p.summaries[k]).collect();
        let (q05, q50, q95) = (
            weighted_quantile(&xs, w, 0.05),
            xs.iter().zip(w).map(|(x, w)| x * w).sum::<f64>(),
            weighted_quantile(&xs, w, 0.95),
        );
        let (glo, ghi) = match t.goal {
            Goal::Value { value, .. } => (value, value),
            Goal::Interval { low, high } => (low, high),
        };
        let (lo, hi) = bounds([q05, q95, glo, ghi].into_iter());
        let pad = (hi - lo) * 0.2;
        let mut c = ChartBuilder::on(area)
            .caption(t.label(), ("sans-serif", 13))
            .margin(8)
            .x_label_area_size(25)
            .build_cartesian_2d((lo - pad)..(hi + pad), 0.0..1.0)?;
        c.configure_mesh()
            .disable_mesh()
            .disable_y_axis()
            .x_labels(4)
            .label_style(("sans-serif", 11))
            .draw()?;
        if ghi > glo {
            c.draw_series(std::iter::once(Rectangle::new(
                [(glo, 0.1), (ghi, 0.9)],
                GREY.mix(0.4).filled(),
            )))?;
        } else {
            c.draw_series(std::iter::once(PathElement::new(
                vec![(glo, 0.1), (glo, 0.9)],
                GREY.stroke_width(3),
            )))?;
        }
        c.draw_series(std::iter::once(PathElement::new(
            vec![(q05, 0.5), (q95, 0.5)],
            colour(0).stroke_width(4),
        )))?;
        c.draw_series(std::iter::once(Circle::new(
            (q50, 0.5),
            6,
            colour(0).filled(),
        )))?;
    }
    Ok(())
}

fn tolerance<DB: DrawingBackend>(
    p: &Posterior<'_>,
    root: &DrawingArea<DB, Shift>,
) -> anyhow::Result<()>
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE)?;
    let g = p.generations;
    let finite: Vec<f64> = g
        .iter()
        .map(|s| s.tolerance)
        .filter(|t| t.is_finite())
        .collect();
    let ymax = finite.iter().fold(0.0f64, |a, &b| a.max(b)).max(1e-9) * 1.1;
    let mut c = ChartBuilder::on(root)
        .caption(
            "Tolerance (blue) and acceptance rate (orange, right axis) by generation",
            ("sans-serif", 16),
        )
        .margin(12)
        .x_label_area_size(35)
        .y_label_area_size(55)
        .right_y_label_area_size(45)
        .build_cartesian_2d(0.0..(g.len().max(2) - 1) as f64, 0.0..ymax)?
        .set_secondary_coord(0.0..(g.len().max(2) - 1) as f64, 0.0..1.0);
    c.configure_mesh()
        .disable_mesh()
        .x_desc("generation")
        .y_desc("tolerance")
        .draw()?;
    c.configure_secondary_axes()
        .y_desc("acceptance rate")
        .draw()?;
    c.draw_series(LineSeries::new(
        g.iter()
            .filter(|s| s.tolerance.is_finite())
            .map(|s| (s.generation as f64, s.tolerance)),
        colour(0).stroke_width(2),
    ))?;
    c.draw_secondary_series(LineSeries::new(
        g.iter().map(|s| (s.generation as f64, s.acceptance)),
        colour(1).stroke_width(2),
    ))?;
    Ok(())
}

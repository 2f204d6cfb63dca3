//! Chart kinds drawn on any plotters backend: band/fan charts, box plots,
//! stacked areas in panels and forest plots in panels.
//!
//! Every figure has the same layout: a title line, a legend strip under it
//! (legends never cover data), then one or more panels.

use super::figure::Figure;
use super::text::{self, first_fitting, fit, fit_size};
use super::SIZE;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::FontTransform;

const TITLE_SIZE: f64 = 22.0;
const LABEL_SIZE: f64 = 15.0;
const TICK_SIZE: f64 = 13.0;

/// How a legend entry is drawn.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Swatch {
    Line,
    /// a vertical dashed line: a timeline event
    Mark,
    /// a thin line with tall end ticks: an interval over the posterior
    Thin,
    Fill,
    Diamond,
    Dot,
}

/// A legend entry.
#[derive(Debug, Clone)]
pub(crate) struct LegendItem {
    pub label: String,
    pub colour: RGBColor,
    pub swatch: Swatch,
}

fn font(size: f64) -> TextStyle<'static> {
    ("sans-serif", size).into_font().color(&BLACK)
}

/// The step plotters puts between at most `n` tick labels over `lo..hi`: 1, 2 or 5 times a power
/// of ten, the smallest that gives at most `n` ticks.
pub(crate) fn tick_step(lo: f64, hi: f64, n: usize) -> f64 {
    let span = (hi - lo).abs();
    if !span.is_finite() || span <= 0.0 {
        return 1.0;
    }
    let raw = span / (n.max(2) - 1) as f64;
    let k = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * k)
        .find(|s| *s >= raw * (1.0 - 1e-9))
        .unwrap_or(10.0 * k)
}

/// Tick labels for an axis over `lo..hi` with at most `n` ticks: decimals chosen from the step
/// between ticks (`0.05, 0.10, 0.15`; `-10k, -5k, 0`), thousands grouped, never `-0`. A tick
/// that the step's decimals cannot show exactly gets one more decimal.
pub(crate) fn axis_fmt(lo: f64, hi: f64, n: usize) -> impl Fn(&f64) -> String {
    let step = tick_step(lo, hi, n);
    let big = lo.abs().max(hi.abs());
    let (div, suffix) = if big >= 1e6 {
        (1e6, "M")
    } else if big >= 1e4 {
        (1e3, "k")
    } else {
        (1.0, "")
    };
    let s = step / div;
    let dec = if s >= 1.0 {
        0
    } else {
        (-s.log10()).ceil().max(0.0) as usize
    };
    move |v: &f64| {
        let x = *v / div;
        if !x.is_finite() {
            return String::new();
        }
        let mut d = dec;
        while d < 9
            && ((x * 10f64.powi(d as i32)).round() / 10f64.powi(d as i32) - x).abs() > s * 1e-6
        {
            d += 1;
        }
        let t = crate::output::report::fixed(x, d);
        if t.chars().all(|c| matches!(c, '0' | '.' | '-')) {
            // zero, whatever the rounding left of its sign
            return crate::output::report::fixed(0.0, d) + if d == 0 { "" } else { suffix };
        }
        t + suffix
    }
}

/// The title of a month axis drawn in years.
pub(crate) const YEARS_DESC: &str = "years from the start (12 months each)";

/// A month axis in years (`x0..x1` in years): a tick every year up to 6 years, every 2 years up
/// to 16, then every 5 or 10, on whole years (plotters' own steps would give 2.5 years).
pub(crate) struct YearAxis {
    inner: plotters::coord::types::RangedCoordf64,
    ticks: Vec<f64>,
}

impl plotters::coord::ranged1d::Ranged for YearAxis {
    type FormatOption = plotters::coord::ranged1d::DefaultFormatting;
    type ValueType = f64;
    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        self.inner.map(value, limit)
    }
    fn key_points<H: plotters::coord::ranged1d::KeyPointHint>(&self, hint: H) -> Vec<f64> {
        if hint.max_num_points() == 0 || hint.weight().allow_light_points() {
            Vec::new()
        } else {
            self.ticks.clone()
        }
    }
    fn range(&self) -> std::ops::Range<f64> {
        self.inner.range()
    }
}

/// See [`YearAxis`].
pub(crate) fn year_axis(x0: f64, x1: f64) -> YearAxis {
    let span = x1 - x0;
    let step = if span <= 6.0 {
        1.0
    } else if span <= 16.0 {
        2.0
    } else if span <= 40.0 {
        5.0
    } else {
        10.0
    };
    let first = (x0 / step - 1e-9).ceil() * step;
    let ticks: Vec<f64> = (0..1000)
        .map(|k| first + step * f64::from(k))
        .take_while(|t| *t <= x1 + 1e-9)
        .collect();
    YearAxis {
        inner: (x0..x1).into(),
        ticks,
    }
}

/// Year tick labels (whole years).
fn year_label(v: &f64) -> String {
    crate::output::report::fixed(*v, 0)
}

/// Draws background, title and legend strip; returns the area left for panels.
fn frame<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    legend: &[LegendItem],
) -> anyhow::Result<DrawingArea<DB, Shift>>
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE)?;
    let (w, _) = root.dim_in_pixel();
    // a title that does not fit is set smaller, then shortened
    let (size, title) = fit_size(title, TITLE_SIZE, 14.0, f64::from(w) - 20.0);
    let body = root.titled(&title, font(size))?;
    if legend.is_empty() {
        return Ok(body);
    }
    let style = font(LABEL_SIZE);
    let w = w as i32;
    let legend: Vec<LegendItem> = legend
        .iter()
        .map(|item| LegendItem {
            label: fit(&item.label, LABEL_SIZE, f64::from(w - 20 - 52)),
            ..item.clone()
        })
        .collect();
    // Lay the entries out left to right, wrapping to new rows.
    let mut rows: Vec<Vec<(i32, &LegendItem)>> = vec![Vec::new()];
    let mut x = 10;
    for item in &legend {
        let tw = text::width(&item.label, LABEL_SIZE);
        let width = 34 + tw as i32 + 18;
        if x + width > w - 10 && x > 10 {
            rows.push(Vec::new());
            x = 10;
        }
        if let Some(row) = rows.last_mut() {
            row.push((x, item));
        }
        x += width;
    }
    let row_h = 22;
    let strip_h = row_h * rows.len() as i32 + 6;
    let (strip, rest) = body.split_vertically(strip_h);
    for (r, row) in rows.iter().enumerate() {
        let y = 3 + r as i32 * row_h + row_h / 2;
        for (x, item) in row {
            match item.swatch {
                Swatch::Line => strip.draw(&PathElement::new(
                    vec![(*x, y), (*x + 26, y)],
                    item.colour.stroke_width(3),
                ))?,
                Swatch::Mark => {
                    for k in 0..3 {
                        let y0 = y - 9 + 7 * k;
                        strip.draw(&PathElement::new(
                            vec![(*x + 13, y0), (*x + 13, y0 + 4)],
                            item.colour.stroke_width(2),
                        ))?;
                    }
                }
                Swatch::Thin => {
                    for seg in [
                        vec![(*x, y), (*x + 26, y)],
                        vec![(*x, y - 6), (*x, y + 6)],
                        vec![(*x + 26, y - 6), (*x + 26, y + 6)],
                    ] {
                        strip.draw(&PathElement::new(seg, item.colour.stroke_width(1)))?;
                    }
                }
                Swatch::Fill => strip.draw(&Rectangle::new(
                    [(*x, y - 7), (*x + 26, y + 7)],
                    item.colour.filled(),
                ))?,
                Swatch::Diamond => strip.draw(&Polygon::new(
                    vec![
                        (*x + 13, y - 7),
                        (*x + 20, y),
                        (*x + 13, y + 7),
                        (*x + 6, y),
                    ],
                    item.colour.filled(),
                ))?,
                Swatch::Dot => strip.draw(&Circle::new((*x + 13, y), 3, item.colour.filled()))?,
            }
            strip.draw(&Text::new(
                item.label.clone(),
                (*x + 32, y),
                style.pos(Pos::new(HPos::Left, VPos::Center)),
            ))?;
        }
    }
    Ok(rest)
}

/// Padded value range of finite values; shares stay within [0, 1] (plus a sliver of padding).
pub(crate) fn value_range(values: impl Iterator<Item = f64>, share: bool) -> (f64, f64) {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for v in values.filter(|v| v.is_finite()) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if !lo.is_finite() {
        return (0.0, 1.0);
    }
    let span = hi - lo;
    let pad = if span > 0.0 {
        span * 0.06
    } else if hi.abs() > 0.0 {
        hi.abs() * 0.1
    } else {
        0.5
    };
    let (mut lo, mut hi) = (lo - pad, hi + pad);
    if share {
        // a little room beyond [0, 1] so values on the bounds stay visible
        lo = lo.max(-0.015);
        hi = hi.min(1.015);
        if hi <= lo {
            (lo, hi) = (0.0, 1.0);
        }
    }
    (lo, hi)
}

/// A metric's axis title without its unit: `Clients served (client-months per month)` becomes
/// `Clients served`.
pub(crate) fn without_unit(label: &str) -> &str {
    match label.rfind(" (") {
        Some(i) if label.ends_with(')') => &label[..i],
        _ => label,
    }
}

/// Size of the shared axis titles of small multiples.
const SHARED_TITLE_SIZE: f64 = 14.0;
/// Size of the tick labels of small multiples.
const PANEL_TICK_SIZE: f64 = 11.0;

/// The shared axis titles of a grid of panels, each drawn once: `y_title` rotated at the left,
/// centred on the panels (without its unit if it does not fit, shortened if still too long),
/// `x_title` centred under them. Returns the area left for the panels.
fn shared_axis_titles<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    y_title: &str,
    x_title: &str,
) -> anyhow::Result<DrawingArea<DB, Shift>>
where
    DB::ErrorType: 'static,
{
    let size = SHARED_TITLE_SIZE;
    let strip = (text::height(size) + 8.0).ceil() as u32;
    let (w, h) = area.dim_in_pixel();
    let (left, right) = area.split_horizontally(strip);
    let (panels, bottom) = right.split_vertically(h.saturating_sub(strip));
    let avail = f64::from(h.saturating_sub(strip)) - 12.0;
    let y = first_fitting(&[y_title, without_unit(y_title)], size, avail);
    left.draw(&Text::new(
        y,
        (3, (h.saturating_sub(strip) / 2) as i32),
        font(size)
            .transform(FontTransform::Rotate270)
            .pos(Pos::new(HPos::Center, VPos::Top)),
    ))?;
    let pw = w.saturating_sub(strip);
    bottom.draw(&Text::new(
        fit(x_title, size, f64::from(pw) - 10.0),
        ((pw / 2) as i32, 2),
        font(size).pos(Pos::new(HPos::Center, VPos::Top)),
    ))?;
    Ok(panels)
}

/// Width of the y tick labels of values in `lo..hi` at `size`, plus room for the tick marks.
fn y_tick_width(lo: f64, hi: f64, size: f64) -> u32 {
    let f = axis_fmt(lo, hi, 6);
    let step = tick_step(lo, hi, 6);
    let w = (0..=8)
        .map(|k| lo + (hi - lo) * f64::from(k) / 8.0)
        .map(|v| (v / step).round() * step)
        .map(|v| text::width(&f(&v), size))
        .fold(0.0, f64::max);
    (w + 12.0).ceil() as u32
}

/// Tick counts that fit a panel of `w` x `h` pixels: about one x label per 70 pixels and one y
/// label per 32 pixels, at least two.
fn tick_counts(w: u32, h: u32) -> (usize, usize) {
    ((w / 70).clamp(2, 6) as usize, (h / 32).clamp(2, 6) as usize)
}

// ---------------------------------------------------------------------------
// Band (fan / survival) charts

/// (month, p05, p25, line, p75, p95)
pub(crate) type BandRow = (f64, f64, f64, f64, f64, f64);

/// One scenario's bands over months.
pub(crate) struct BandSeries {
    pub name: String,
    pub colour: RGBColor,
    /// (month, p05, p25, line, p75, p95); rows with a non-finite value are skipped
    pub rows: Vec<BandRow>,
}

/// Median line with a 90% band (and optionally a 50% band) per scenario.
pub(crate) struct BandFigure {
    pub title: String,
    pub y_label: String,
    pub share: bool,
    /// draw p25–p75 as well
    pub inner: bool,
    /// draw as a right-continuous step function (Kaplan–Meier style)
    pub step: bool,
    /// value at month 0 prepended to every series (e.g. survival 1.0)
    pub anchor: Option<f64>,
    /// the value axis includes the anchor (survival's 1.0 at the start) and starts at a round
    /// number written in the axis title ("axis from 0.80"), so a zoomed axis says it is zoomed
    pub say_start: bool,
    pub series: Vec<BandSeries>,
    /// timeline events marked as dashed vertical lines at their month, listed in the legend
    pub events: Vec<Event>,
    /// the series every other one is compared with (a comparison's baseline): with more than
    /// [`SMALL_MULTIPLES_ABOVE`] series, each other series gets its own panel with this one's
    /// median as a grey reference line
    pub reference: Option<String>,
}

/// A timeline event on a band chart: a dashed vertical line at `month`, named in the legend.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Event {
    pub month: f64,
    pub label: String,
    /// the series whose timeline holds the event: in small multiples only their panels mark it
    pub holders: Vec<String>,
}

/// The colour of event marks.
const EVENT_COLOUR: RGBColor = RGBColor(70, 70, 70);

/// More series than this are drawn as small multiples (one panel each): overlapping bands of many
/// scenarios cannot be read, and the palette's colours repeat.
pub const SMALL_MULTIPLES_ABOVE: usize = 5;

type Chart2d<'a, 'b, DB> =
    ChartContext<'a, DB, Cartesian2d<YearAxis, plotters::coord::types::RangedCoordf64>>;

fn steps(points: &[(f64, f64)]) -> Vec<(f64, f64)> {
    let mut out = Vec::with_capacity(points.len() * 2);
    for (i, &(x, y)) in points.iter().enumerate() {
        if i > 0 {
            out.push((x, points[i - 1].1));
        }
        out.push((x, y));
    }
    out
}

impl BandFigure {
    fn rows(&self, s: &BandSeries) -> Vec<BandRow> {
        let mut rows: Vec<_> = s
            .rows
            .iter()
            .copied()
            .filter(|r| {
                [r.0, r.1, r.3, r.5].iter().all(|v| v.is_finite())
                    && (!self.inner || (r.2.is_finite() && r.4.is_finite()))
            })
            .collect();
        if let (Some(a), Some(first)) = (self.anchor, rows.first()) {
            if first.0 > 0.0 {
                rows.insert(0, (0.0, a, a, a, a, a));
            }
        }
        // months drawn in years
        for r in &mut rows {
            r.0 /= 12.0;
        }
        rows
    }
}

impl BandFigure {
    /// Bands of one series: 90%, and 50% when `inner`.
    fn draw_bands<DB: DrawingBackend>(
        &self,
        chart: &mut Chart2d<'_, '_, DB>,
        s: &BandSeries,
        rows: &[BandRow],
    ) -> anyhow::Result<()>
    where
        DB::ErrorType: 'static,
    {
        let shape = |pts: Vec<(f64, f64)>| if self.step { steps(&pts) } else { pts };
        let mut bands = vec![(1usize, 5usize, 0.14)];
        if self.inner {
            bands.push((2, 4, 0.28));
        }
        for (lo, hi, alpha) in bands {
            let pick = |r: &BandRow, k: usize| match k {
                1 => r.1,
                2 => r.2,
                4 => r.4,
                _ => r.5,
            };
            let upper = shape(rows.iter().map(|r| (r.0, pick(r, hi))).collect());
            let mut lower = shape(rows.iter().map(|r| (r.0, pick(r, lo))).collect());
            lower.reverse();
            let mut poly = upper;
            poly.extend(lower);
            if poly.len() >= 3 {
                chart.draw_series(std::iter::once(Polygon::new(
                    poly,
                    s.colour.mix(alpha).filled(),
                )))?;
            }
        }
        Ok(())
    }

    fn draw_line<DB: DrawingBackend>(
        &self,
        chart: &mut Chart2d<'_, '_, DB>,
        style: ShapeStyle,
        rows: &[BandRow],
    ) -> anyhow::Result<()>
    where
        DB::ErrorType: 'static,
    {
        let pts: Vec<(f64, f64)> = rows.iter().map(|r| (r.0, r.3)).collect();
        let line = if self.step { steps(&pts) } else { pts };
        chart.draw_series(LineSeries::new(line, style))?;
        Ok(())
    }

    /// Legend entries of the events: "month 36: label".
    fn event_legend(&self) -> impl Iterator<Item = LegendItem> + '_ {
        self.events.iter().map(|e| LegendItem {
            label: format!("month {}: {}", e.month, e.label),
            colour: EVENT_COLOUR,
            swatch: Swatch::Mark,
        })
    }

    /// Dashed vertical lines at the events' months (within the x range).
    fn draw_events<DB: DrawingBackend>(
        &self,
        chart: &mut Chart2d<'_, '_, DB>,
        x: (f64, f64),
        y: (f64, f64),
        panel: Option<&str>,
    ) -> anyhow::Result<()>
    where
        DB::ErrorType: 'static,
    {
        let dash = (y.1 - y.0) / 40.0;
        for e in self.events.iter().filter(|e| {
            e.month / 12.0 >= x.0
                && e.month / 12.0 <= x.1
                && panel.is_none_or(|p| e.holders.iter().any(|h| h == p))
        }) {
            let at = e.month / 12.0;
            let segments = (0..20).map(|k| {
                let lo = y.0 + 2.0 * dash * f64::from(k);
                PathElement::new(
                    vec![(at, lo), (at, (lo + dash).min(y.1))],
                    EVENT_COLOUR.stroke_width(2),
                )
            });
            chart.draw_series(segments)?;
        }
        Ok(())
    }

    fn band_label(&self) -> LegendItem {
        LegendItem {
            label: if self.inner {
                "bands: 50% (dark), 90% (light)"
            } else {
                "band: 90% (p05–p95)"
            }
            .to_string(),
            colour: RGBColor(190, 190, 190),
            swatch: Swatch::Fill,
        }
    }

    /// One panel per series other than the reference, on shared axes, each with the reference's
    /// median as a grey line.
    fn draw_small_multiples<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        reference: usize,
        all: &[Vec<BandRow>],
        x: (f64, f64),
        y: (f64, f64),
        y_label: &str,
    ) -> anyhow::Result<()>
    where
        DB::ErrorType: 'static,
    {
        let grey = RGBColor(80, 80, 80);
        let legend = vec![
            LegendItem {
                label: format!("{} (median, in every panel)", self.series[reference].name),
                colour: grey,
                swatch: Swatch::Line,
            },
            self.band_label(),
        ];
        let legend: Vec<LegendItem> = legend.into_iter().chain(self.event_legend()).collect();
        let area = frame(root, &self.title, &legend)?;
        let panels = shared_axis_titles(&area, y_label, YEARS_DESC)?;
        let others: Vec<usize> = (0..self.series.len()).filter(|&k| k != reference).collect();
        let (rows, cols) = grid(others.len());
        let (pw, ph) = panels.dim_in_pixel();
        let (cw, ch) = (pw / cols as u32, ph / rows as u32);
        let y_area = y_tick_width(y.0, y.1, PANEL_TICK_SIZE);
        let (x_ticks, y_ticks) = tick_counts(cw.saturating_sub(y_area), ch);
        for (j, (&k, cell)) in others
            .iter()
            .zip(panels.split_evenly((rows, cols)))
            .enumerate()
        {
            let first_col = j % cols == 0;
            let last_row = j + cols >= others.len();
            // tick labels on the outer panels only; the axis titles are shared
            let caption = fit(&self.series[k].name, 13.0, f64::from(cw) - 12.0);
            let mut chart = ChartBuilder::on(&cell)
                .margin(5)
                .margin_right(14)
                .caption(caption, font(13.0))
                .x_label_area_size(if last_row { 22 } else { 4 })
                .y_label_area_size(if first_col { y_area } else { 4 })
                .build_cartesian_2d(year_axis(x.0, x.1), y.0..y.1)?;
            chart
                .configure_mesh()
                .x_labels(if last_row { x_ticks } else { 0 })
                .y_labels(if first_col { y_ticks } else { 0 })
                .label_style(font(PANEL_TICK_SIZE))
                .y_label_formatter(&axis_fmt(y.0, y.1, y_ticks))
                .x_label_formatter(&|v| {
                    if last_row {
                        year_label(v)
                    } else {
                        String::new()
                    }
                })
                .light_line_style(TRANSPARENT)
                .bold_line_style(RGBColor(225, 225, 225))
                .draw()?;
            self.draw_bands(&mut chart, &self.series[k], &all[k])?;
            self.draw_events(&mut chart, x, y, Some(&self.series[k].name))?;
            self.draw_line(&mut chart, grey.stroke_width(1), &all[reference])?;
            self.draw_line(&mut chart, self.series[k].colour.stroke_width(2), &all[k])?;
        }
        Ok(())
    }
}

impl Figure for BandFigure {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> anyhow::Result<()>
    where
        DB::ErrorType: 'static,
    {
        let all: Vec<_> = self.series.iter().map(|s| self.rows(s)).collect();
        let x_max = all
            .iter()
            .flat_map(|r| r.iter().map(|r| r.0))
            .fold(1.0 / 12.0, f64::max);
        let x_min = all
            .iter()
            .flat_map(|r| r.iter().map(|r| r.0))
            .fold(x_max, f64::min)
            .min(x_max - 1.0 / 12.0);
        let (mut y0, y1) = value_range(
            all.iter()
                .flat_map(|r| r.iter().flat_map(|r| [r.1, r.3, r.5])),
            self.share,
        );
        let mut y_label = self.y_label.clone();
        if self.say_start {
            if let Some(a) = self.anchor {
                y0 = y0.min(a);
            }
            let step = tick_step(y0, y1, 6);
            y0 = ((y0 / step).floor() * step).max(if self.share { 0.0 } else { f64::MIN });
            y_label = format!("{} – axis from {}", y_label, axis_fmt(y0, y1, 6)(&y0));
        }
        let reference = self
            .reference
            .as_ref()
            .and_then(|name| self.series.iter().position(|s| &s.name == name));
        if let (true, Some(r)) = (self.series.len() > SMALL_MULTIPLES_ABOVE, reference) {
            return self.draw_small_multiples(root, r, &all, (x_min, x_max), (y0, y1), &y_label);
        }
        let mut legend: Vec<LegendItem> = self
            .series
            .iter()
            .map(|s| LegendItem {
                label: s.name.clone(),
                colour: s.colour,
                swatch: Swatch::Line,
            })
            .collect();
        legend.push(self.band_label());
        legend.extend(self.event_legend());
        let area = frame(root, &self.title, &legend)?;
        let y_desc = first_fitting(
            &[&y_label, without_unit(&self.y_label)],
            LABEL_SIZE,
            f64::from(area.dim_in_pixel().1) - 70.0,
        );
        let mut chart = ChartBuilder::on(&area)
            .margin(12)
            .margin_right(18)
            .x_label_area_size(44)
            .y_label_area_size(78)
            .build_cartesian_2d(year_axis(x_min, x_max), y0..y1)?;
        chart
            .configure_mesh()
            .x_desc(YEARS_DESC)
            .y_desc(y_desc)
            .axis_desc_style(font(LABEL_SIZE))
            .label_style(font(TICK_SIZE))
            .x_labels(10)
            .y_labels(10)
            .y_label_formatter(&axis_fmt(y0, y1, 10))
            .x_label_formatter(&year_label)
            .light_line_style(RGBColor(235, 235, 235))
            .bold_line_style(RGBColor(215, 215, 215))
            .draw()?;
        // all bands first, then all lines: no line is hidden under another scenario's band
        for (s, rows) in self.series.iter().zip(&all) {
            self.draw_bands(&mut chart, s, rows)?;
        }
        self.draw_events(&mut chart, (x_min, x_max), (y0, y1), None)?;
        for (s, rows) in self.series.iter().zip(&all) {
            self.draw_line(&mut chart, s.colour.stroke_width(2), rows)?;
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------
// Box plots

/// One box: finite per-replication values, sorted.
pub(crate) struct BoxItem {
    pub name: String,
    pub colour: RGBColor,
    pub sorted: Vec<f64>,
}

/// Box plots: box p25–p75, median bar, whiskers p05–p95, mean as a diamond; the replications as
/// dots in a strip beside the box (never on it: values that many replications share, as
/// survival's multiples of 1/40, would line up into a bar that reads as a second median).
pub(crate) struct BoxFigure {
    pub title: String,
    pub y_label: String,
    pub share: bool,
    pub items: Vec<BoxItem>,
}

/// Horizontal layout of one box plot slot (slot `i` spans `i - 0.5` to `i + 0.5`), as offsets from
/// the slot's centre: the replication strip, then the box.
pub(crate) const BOX_STRIP: (f64, f64) = (-0.40, -0.12);
/// The box (and its whiskers, median and mean) of a slot, as offsets from its centre.
pub(crate) const BOX_BODY: (f64, f64) = (-0.04, 0.32);
/// Half the width and height of the mean diamond, in pixels.
pub(crate) const MEAN_DIAMOND: i32 = 7;

impl Figure for BoxFigure {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> anyhow::Result<()>
    where
        DB::ErrorType: 'static,
    {
        use super::data::quantile;
        let grey = RGBColor(150, 150, 150);
        let item = |label: &str, colour, swatch| LegendItem {
            label: label.to_string(),
            colour,
            swatch,
        };
        let legend = vec![
            item("box: p25–p75", grey, Swatch::Fill),
            item("median", BLACK, Swatch::Line),
            item("whiskers: p05–p95", grey, Swatch::Line),
            item("mean", BLACK, Swatch::Diamond),
            item("replications (left of each box)", grey, Swatch::Dot),
        ];
        let area = frame(root, &self.title, &legend)?;
        let n = self.items.len().max(1);
        let (y0, y1) = value_range(
            self.items.iter().flat_map(|i| i.sorted.iter().copied()),
            self.share,
        );
        // Scenario names that do not fit their slot are staggered over up to four lines, and
        // shortened if they still do not fit.
        let mut widest = 0.0f64;
        for item in &self.items {
            widest = widest.max(text::width(&item.name, TICK_SIZE));
        }
        let slot = (f64::from(area.dim_in_pixel().0.saturating_sub(78 + 24)) / n as f64).max(1.0);
        let lines = ((widest + 10.0) / slot).ceil().clamp(1.0, 4.0) as usize;
        let name_w = slot * lines as f64 - 10.0;
        let line_h = TICK_SIZE as i32 + 3;
        let y_desc = first_fitting(
            &[&self.y_label, without_unit(&self.y_label)],
            LABEL_SIZE,
            f64::from(area.dim_in_pixel().1) - 70.0 - f64::from(line_h) * (lines - 1) as f64,
        );
        let mut chart = ChartBuilder::on(&area)
            .margin(12)
            .x_label_area_size(44 + line_h as u32 * (lines as u32 - 1))
            .y_label_area_size(78)
            .build_cartesian_2d(-0.5..n as f64 - 0.5, y0..y1)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(0)
            .x_desc("scenario")
            .y_desc(y_desc)
            .axis_desc_style(font(LABEL_SIZE))
            .label_style(font(TICK_SIZE))
            .y_labels(10)
            .y_label_formatter(&axis_fmt(y0, y1, 10))
            .light_line_style(TRANSPARENT)
            .bold_line_style(RGBColor(225, 225, 225))
            .draw()?;
        // scenario names under the axis (categorical ticks drawn by hand)
        let (bx, by) = area.get_base_pixel();
        let name_style = font(TICK_SIZE);
        for (i, item) in self.items.iter().enumerate() {
            let (px, py) = chart.backend_coord(&(i as f64, y0));
            let line = (i % lines) as i32;
            if line > 0 {
                // a tick joins a staggered name to its slot
                area.draw(&PathElement::new(
                    vec![
                        (px - bx, py - by + 2),
                        (px - bx, py - by + 4 + line * line_h),
                    ],
                    RGBColor(160, 160, 160).stroke_width(1),
                ))?;
            }
            // a name centred under the last slots may reach past the figure's right edge
            // (a staggered name is wider than its slot): it moves left just enough to fit
            let name = fit(&item.name, TICK_SIZE, name_w);
            let right = f64::from(area.dim_in_pixel().0) - 2.0;
            let half = text::width(&name, TICK_SIZE) / 2.0;
            let cx = (px - bx).min((right - half).floor() as i32);
            area.draw(&Text::new(
                name,
                (cx, py - by + 6 + line * line_h),
                name_style.pos(Pos::new(HPos::Center, VPos::Top)),
            ))?;
        }
        let (b0, b1) = BOX_BODY;
        let xc = (b0 + b1) / 2.0;
        let (s0, s1) = BOX_STRIP;
        for (i, item) in self.items.iter().enumerate() {
            if item.sorted.is_empty() {
                continue;
            }
            let x = i as f64;
            let c = item.colour;
            // replications in the strip left of the box, spread evenly across it in a fixed
            // scrambled order
            let k = item.sorted.len();
            let dots = item.sorted.iter().enumerate().map(|(j, &v)| {
                let off = if k > 1 {
                    ((j * 7919) % k) as f64 / (k - 1) as f64
                } else {
                    0.5
                };
                Circle::new((x + s0 + (s1 - s0) * off, v), 2, c.mix(0.6).filled())
            });
            chart.draw_series(dots)?;
        }
        // then the boxes, medians and means, over every replication dot
        for (i, item) in self.items.iter().enumerate() {
            if item.sorted.is_empty() {
                continue;
            }
            let x = i as f64;
            let q = |p: f64| quantile(&item.sorted, p);
            let (p05, p25, p50, p75, p95) = (q(0.05), q(0.25), q(0.5), q(0.75), q(0.95));
            let mean = item.sorted.iter().sum::<f64>() / item.sorted.len() as f64;
            let c = item.colour;
            let cap = (b1 - b0) / 4.0;
            chart.draw_series([
                PathElement::new(vec![(x + xc, p05), (x + xc, p25)], c.stroke_width(2)),
                PathElement::new(vec![(x + xc, p75), (x + xc, p95)], c.stroke_width(2)),
                PathElement::new(
                    vec![(x + xc - cap, p05), (x + xc + cap, p05)],
                    c.stroke_width(2),
                ),
                PathElement::new(
                    vec![(x + xc - cap, p95), (x + xc + cap, p95)],
                    c.stroke_width(2),
                ),
            ])?;
            chart.draw_series(std::iter::once(Rectangle::new(
                [(x + b0, p25), (x + b1, p75)],
                c.mix(0.25).filled(),
            )))?;
            chart.draw_series(std::iter::once(Rectangle::new(
                [(x + b0, p25), (x + b1, p75)],
                c.stroke_width(2),
            )))?;
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(x + b0, p50), (x + b1, p50)],
                BLACK.stroke_width(3),
            )))?;
            // the mean: a diamond of fixed pixel size, black with a white rim so that it stays
            // visible on the median bar
            let d = MEAN_DIAMOND;
            let diamond = |r: i32, style: ShapeStyle| {
                EmptyElement::at((x + xc, mean))
                    + Polygon::new(vec![(0, -r), (r, 0), (0, r), (-r, 0)], style)
            };
            chart.draw_series([diamond(d + 2, WHITE.filled()), diamond(d, BLACK.filled())])?;
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------
// Stacked areas in panels

/// One panel of stacked areas.
pub(crate) struct StackPanel {
    pub caption: String,
    pub months: Vec<f64>,
    /// one layer per legend entry, same length as months (non-finite drawn as 0)
    pub layers: Vec<Vec<f64>>,
}

/// Stacked areas, one panel per scenario, shared legend.
pub(crate) struct StackedFigure {
    pub title: String,
    pub y_label: String,
    pub labels: Vec<String>,
    pub colours: Vec<RGBColor>,
    /// fix the y axis to [0, 1]
    pub unit_interval: bool,
    pub panels: Vec<StackPanel>,
}

/// Rows × columns for `n` panels.
pub(crate) fn grid(n: usize) -> (usize, usize) {
    let n = n.max(1);
    let cols = match n {
        1 => 1,
        2 => 2,
        3 | 4 => 2,
        5 | 6 => 3,
        _ => (n as f64).sqrt().ceil() as usize,
    };
    (n.div_ceil(cols), cols)
}

impl Figure for StackedFigure {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> anyhow::Result<()>
    where
        DB::ErrorType: 'static,
    {
        let legend: Vec<LegendItem> = self
            .labels
            .iter()
            .zip(&self.colours)
            .map(|(l, c)| LegendItem {
                label: l.clone(),
                colour: *c,
                swatch: Swatch::Fill,
            })
            .collect();
        let area = frame(root, &self.title, &legend)?;
        let clean = |v: f64| if v.is_finite() { v.max(0.0) } else { 0.0 };
        let totals = self.panels.iter().flat_map(|p| {
            (0..p.months.len()).map(|t| p.layers.iter().map(|l| clean(l[t])).sum::<f64>())
        });
        let y_max = if self.unit_interval {
            totals.fold(1.0_f64, f64::max)
        } else {
            totals.fold(0.0_f64, f64::max) * 1.05
        };
        let y_max = if y_max > 0.0 { y_max } else { 1.0 };
        let (rows, cols) = grid(self.panels.len());
        let small = self.panels.len() > 1;
        // small multiples: axis titles once for the grid, tick labels on the outer panels
        let panels_area = if small {
            shared_axis_titles(&area, &self.y_label, YEARS_DESC)?
        } else {
            area.clone()
        };
        let (pw, ph) = panels_area.dim_in_pixel();
        let (cw, ch) = (pw / cols as u32, ph / rows as u32);
        let tick = if small { PANEL_TICK_SIZE } else { TICK_SIZE };
        let y_area = y_tick_width(0.0, y_max, tick);
        let (x_ticks, y_ticks) = if small {
            tick_counts(cw.saturating_sub(y_area), ch)
        } else {
            (10, 10)
        };
        let n_panels = self.panels.len();
        for (j, (panel, cell)) in self
            .panels
            .iter()
            .zip(panels_area.split_evenly((rows, cols)))
            .enumerate()
        {
            let first_col = j % cols == 0;
            let last_row = j + cols >= n_panels;
            // months drawn in years
            let x_min = panel.months.first().copied().unwrap_or(0.0) / 12.0;
            let x_max =
                (panel.months.last().copied().unwrap_or(1.0) / 12.0).max(x_min + 1.0 / 12.0);
            let caption = fit(&panel.caption, LABEL_SIZE, f64::from(cw) - 16.0);
            let mut chart = ChartBuilder::on(&cell)
                .margin(8)
                .margin_right(16)
                .caption(caption, font(LABEL_SIZE))
                .x_label_area_size(match (small, last_row) {
                    (false, _) => 44,
                    (true, true) => 22,
                    (true, false) => 4,
                })
                .y_label_area_size(match (small, first_col) {
                    (false, _) => 78,
                    (true, true) => y_area,
                    (true, false) => 4,
                })
                .build_cartesian_2d(year_axis(x_min, x_max), 0.0..y_max)?;
            let y_desc = if small {
                String::new()
            } else {
                first_fitting(
                    &[&self.y_label, without_unit(&self.y_label)],
                    LABEL_SIZE,
                    f64::from(ch) - 80.0,
                )
            };
            chart
                .configure_mesh()
                .x_desc(if small { "" } else { YEARS_DESC })
                .y_desc(y_desc)
                .axis_desc_style(font(LABEL_SIZE))
                .label_style(font(tick))
                .y_label_formatter(&axis_fmt(0.0, y_max, y_ticks))
                .x_label_formatter(&|v| {
                    if !small || last_row {
                        year_label(v)
                    } else {
                        String::new()
                    }
                })
                .x_labels(if !small || last_row { x_ticks } else { 0 })
                .y_labels(if !small || first_col { y_ticks } else { 0 })
                .light_line_style(TRANSPARENT)
                .bold_line_style(RGBColor(225, 225, 225))
                .draw()?;
            let mut base = vec![0.0; panel.months.len()];
            for (layer, colour) in panel.layers.iter().zip(&self.colours) {
                let top: Vec<f64> = base.iter().zip(layer).map(|(b, v)| b + clean(*v)).collect();
                let years = panel.months.iter().map(|m| m / 12.0);
                let mut poly: Vec<(f64, f64)> = years.clone().zip(top.iter().copied()).collect();
                poly.extend(years.zip(base.iter().copied()).rev());
                if poly.len() >= 3 {
                    chart.draw_series(std::iter::once(Polygon::new(
                        poly,
                        colour.mix(0.85).filled(),
                    )))?;
                }
                base = top;
            }
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------
// Forest plots in panels

/// One row of a forest plot.
pub(crate) struct ForestRow {
    pub colour: RGBColor,
    pub diff: f64,
    pub low: f64,
    pub high: f64,
    /// the interval over posterior draws (`compare --posterior`), drawn thin around the Monte
    /// Carlo one
    pub outer: Option<(f64, f64)>,
}

/// One panel (metric) of a forest plot.
pub(crate) struct ForestPanel {
    pub caption: String,
    /// the x axis title, e.g. `difference vs baseline; higher is better`
    pub x_desc: String,
    /// the side of zero that is better (`Some(true)`: right), shaded light green
    pub better_right: Option<bool>,
    pub rows: Vec<ForestRow>,
}

/// Paired differences with 95% CIs against the baseline, one panel per metric. Rows are named
/// once at the left of each row of panels (colours repeat beyond seven scenarios; names do not).
pub(crate) struct ForestFigure {
    pub title: String,
    /// one name per row, top to bottom (the same rows in every panel)
    pub labels: Vec<String>,
    pub panels: Vec<ForestPanel>,
    /// all panels side by side in one row (a compact headline figure)
    pub one_row: bool,
    /// what the colours and bars mean
    pub legend: Vec<LegendItem>,
}

impl ForestFigure {
    /// A pixel size for the one-row layout: full width, tall enough for every row of names.
    pub(crate) fn one_row_size(rows: usize) -> (u32, u32) {
        (SIZE.0, (150 + 20 * rows as u32).clamp(300, SIZE.1))
    }
}

impl Figure for ForestFigure {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> anyhow::Result<()>
    where
        DB::ErrorType: 'static,
    {
        let area = frame(root, &self.title, &self.legend)?;
        let (rows, cols) = if self.one_row {
            (1, self.panels.len().max(1))
        } else {
            grid(self.panels.len())
        };
        // Row names in a strip at the left: the font shrinks with the number of rows so that
        // names never overlap, and names longer than a quarter of the figure are shortened.
        let n = self.labels.len().max(1);
        let cell_h = f64::from(area.dim_in_pixel().1) / rows as f64;
        let pitch = (cell_h - 90.0).max(n as f64) / n as f64;
        let name_size = (0.8 * pitch).clamp(8.0, 13.0);
        let name_style = font(name_size);
        let max_name = f64::from(area.dim_in_pixel().0) * 0.25;
        let names: Vec<String> = self
            .labels
            .iter()
            .map(|l| fit(l, name_size, max_name))
            .collect();
        let name_w = names
            .iter()
            .map(|l| text::width(l, name_size))
            .fold(0.0, f64::max)
            .ceil() as u32;
        let (_, panels_area) = area.split_horizontally(name_w + 14);
        let names_right = panels_area.get_base_pixel().0 - 6;
        let cells = panels_area.split_evenly((rows, cols));
        let cell_w = cells.first().map_or(0.0, |c| f64::from(c.dim_in_pixel().0));
        // panel captions at one size for the figure: each at a smaller size, else without its
        // unit, before any is shortened
        let fitted: Vec<(f64, String)> = self
            .panels
            .iter()
            .map(|p| {
                let (size, text) = fit_size(&p.caption, 14.0, 11.0, cell_w - 12.0);
                if text == p.caption {
                    (size, p.caption.clone())
                } else {
                    let short = without_unit(&p.caption);
                    (
                        fit_size(short, 14.0, 11.0, cell_w - 12.0).0,
                        short.to_string(),
                    )
                }
            })
            .collect();
        let cap_size = fitted.iter().map(|f| f.0).fold(14.0, f64::min);
        let captions: Vec<String> = fitted.into_iter().map(|f| f.1).collect();
        for (k, (panel, cell)) in self.panels.iter().zip(cells).enumerate() {
            let first_col = k % cols == 0;
            let n = panel.rows.len().max(1);
            let (mut x0, mut x1) = value_range(
                panel
                    .rows
                    .iter()
                    .flat_map(|r| {
                        let (a, b) = r.outer.unwrap_or((r.low, r.high));
                        [r.diff, r.low, r.high, a, b]
                    })
                    .chain([0.0]),
                false,
            );
            // keep zero visible and roughly centred when the data allow
            let m = x0.abs().max(x1.abs());
            if x0 < 0.0 && x1 > 0.0 && x0.abs().min(x1.abs()) > 0.3 * m {
                x0 = -m;
                x1 = m;
            }
            let plot_w = cell_w - 36.0;
            let (cap_size, caption) = (cap_size, fit(&captions[k], cap_size, cell_w - 12.0));
            let short = panel
                .x_desc
                .split_once("; ")
                .map_or(String::new(), |(_, d)| d.to_string());
            let x_desc = first_fitting(
                &[
                    &panel.x_desc,
                    &format!("difference; {short}"),
                    &short,
                    "difference",
                    "",
                ],
                12.0,
                plot_w,
            );
            let mut chart = ChartBuilder::on(&cell)
                .margin(10)
                .margin_right(18)
                .caption(caption, font(cap_size))
                .x_label_area_size(36)
                .y_label_area_size(8)
                .build_cartesian_2d(x0..x1, -0.5..n as f64 - 0.5)?;
            if let Some(right) = panel.better_right {
                let (a, b) = if right { (0.0, x1) } else { (x0, 0.0) };
                chart.plotting_area().draw(&Rectangle::new(
                    [(a, -0.5), (b, n as f64 - 0.5)],
                    RGBColor(232, 245, 233).filled(),
                ))?;
            }
            let x_ticks = ((plot_w / 60.0) as usize).clamp(3, 6);
            chart
                .configure_mesh()
                .disable_y_mesh()
                .y_labels(0)
                .x_labels(x_ticks)
                .x_desc(x_desc)
                .axis_desc_style(font(12.0))
                .label_style(font(11.0))
                .x_label_formatter(&axis_fmt(x0, x1, x_ticks))
                .light_line_style(TRANSPARENT)
                .bold_line_style(RGBColor(225, 225, 225))
                .draw()?;
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(0.0, -0.5), (0.0, n as f64 - 0.5)],
                BLACK.stroke_width(1),
            )))?;
            for (i, r) in panel.rows.iter().enumerate() {
                // first scenario on top
                let y = (n - 1 - i) as f64;
                if let (true, Some(name)) = (first_col, names.get(i)) {
                    let (_, py) = chart.backend_coord(&(x0, y));
                    root.draw(&Text::new(
                        name.clone(),
                        (names_right, py),
                        name_style.pos(Pos::new(HPos::Right, VPos::Center)),
                    ))?;
                }
                if let Some((a, b)) = r.outer.filter(|o| o.0.is_finite() && o.1.is_finite()) {
                    // the interval over the posterior: a thin line with tall end ticks
                    let t = 0.26;
                    let c = r.colour.mix(0.75);
                    chart.draw_series([
                        PathElement::new(vec![(a, y), (b, y)], c.stroke_width(1)),
                        PathElement::new(vec![(a, y - t), (a, y + t)], c.stroke_width(1)),
                        PathElement::new(vec![(b, y - t), (b, y + t)], c.stroke_width(1)),
                    ])?;
                }
                if r.low.is_finite() && r.high.is_finite() {
                    let t = 0.12;
                    chart.draw_series([
                        PathElement::new(vec![(r.low, y), (r.high, y)], r.colour.stroke_width(3)),
                        PathElement::new(
                            vec![(r.low, y - t), (r.low, y + t)],
                            r.colour.stroke_width(2),
                        ),
                        PathElement::new(
                            vec![(r.high, y - t), (r.high, y + t)],
                            r.colour.stroke_width(2),
                        ),
                    ])?;
                }
                if r.diff.is_finite() {
                    chart.draw_series(std::iter::once(Circle::new(
                        (r.diff, y),
                        5,
                        r.colour.filled(),
                    )))?;
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use plotters::coord::ranged1d::Ranged;
    use plotters::coord::types::RangedCoordf64;

    #[test]
    fn tick_labels_are_distinct_and_never_a_negative_zero() {
        let ranges = [
            (-0.004, 0.003),
            (-0.05, 0.08),
            (0.0, 1.0),
            (-15000.0, 2000.0),
            (0.75, 1.015),
            (-1e-5, 2e-5),
            (123.0, 129.0),
            (-0.0031, 0.0026),
        ];
        for (lo, hi) in ranges {
            for n in [3usize, 4, 6, 10] {
                // the ticks plotters draws for this range and count
                let ticks = RangedCoordf64::from(lo..hi).key_points(n);
                let f = axis_fmt(lo, hi, n);
                let labels: Vec<String> = ticks.iter().map(&f).collect();
                for l in &labels {
                    let negative_zero =
                        l.starts_with('-') && !l.chars().any(|c| c.is_ascii_digit() && c != '0');
                    assert!(!negative_zero, "{lo}..{hi} n {n}: {labels:?}");
                }
                let mut u = labels.clone();
                u.sort();
                u.dedup();
                assert_eq!(u.len(), labels.len(), "{lo}..{hi} n {n}: {labels:?}");
            }
        }
        assert_eq!(axis_fmt(-0.05, 0.08, 6)(&0.05), "0.05");
        assert_eq!(axis_fmt(-15000.0, 2000.0, 4)(&-10000.0), "-10k");
        assert_eq!(axis_fmt(0.0, 1.0, 6)(&0.5), "0.5");
    }

    #[test]
    fn year_axes_tick_every_one_or_two_years() {
        use plotters::coord::ranged1d::KeyPointWeight;
        struct Bold;
        impl plotters::coord::ranged1d::KeyPointHint for Bold {
            fn max_num_points(&self) -> usize {
                10
            }
            fn weight(&self) -> KeyPointWeight {
                KeyPointWeight::Bold
            }
        }
        assert_eq!(
            year_axis(1.0 / 12.0, 10.0).key_points(Bold),
            vec![2.0, 4.0, 6.0, 8.0, 10.0]
        );
        assert_eq!(
            year_axis(0.0, 3.0).key_points(Bold),
            vec![0.0, 1.0, 2.0, 3.0]
        );
    }
}

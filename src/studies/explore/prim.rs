//! PRIM, the patient rule induction method (Friedman & Fisher 1999), for scenario discovery
//! (Bryant & Lempert 2010): the box in the space of uncertainties where the cases of interest
//! (a regime failing, or doing worse than another) concentrate.
//!
//! Given the states of the world `x` (n points of k uncertainties, each with its declared range)
//! and a yes/no case `y` per state, [`discover`]:
//!
//! 1. **peels**: starting from the whole space, repeatedly removes the slice of points below the
//!    `peel_alpha` quantile (or above the `1 − peel_alpha` quantile) of one dimension, choosing
//!    the slice whose removal raises the share of cases most per point removed (the "lenient"
//!    objective of the EMA Workbench, which treats whole-number dimensions fairly), until no slice
//!    raises it or the box would hold fewer than `mass_min` of the points;
//! 2. **pastes**: widens the last box by `paste_alpha` of the points just outside one of its
//!    restricted edges while that raises the share of cases;
//! 3. **selects** from this peeling and pasting trajectory the box with the largest coverage
//!    whose density reaches `min_density` (ties: the denser, then the one restricting fewer
//!    dimensions; if no box reaches it, the densest);
//! 4. **drops** the restrictions that are not significant: each restricted edge gets a
//!    quasi-p-value (the one-sided binomial test of the EMA Workbench and sdtoolkit: how likely
//!    the box's cases are if that edge were removed), and the edge with the largest one is
//!    removed while it exceeds `significance`;
//! 5. **tests the whole box** by permutation: the same four steps on `permutations` random
//!    re-assignments of the cases to states give the distribution of the box's strength
//!    (`−ln` of the binomial probability of its cases at the overall share of cases) when cases
//!    have nothing to do with the uncertainties. The p-value counts the selection itself (unlike a
//!    quasi-p-value, which takes the box as given).
//!
//! Coverage is the share of all cases inside the box, density the share of the box's points that
//! are cases, mass the share of all points inside the box.
//!
//! Everything is a function of the inputs and the random key: the same box at any thread count.

use crate::stats::ln_gamma;
use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};
use rayon::prelude::*;

/// One dimension PRIM may restrict: an uncertainty and its declared range.
#[derive(Debug, Clone, PartialEq)]
pub struct Dim {
    /// name (the parameter path)
    pub name: String,
    /// lower end of the declared range
    pub min: f64,
    /// upper end of the declared range
    pub max: f64,
    /// takes whole numbers only (peeled and pasted a value at a time)
    pub whole: bool,
}

/// PRIM's settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settings {
    /// share of the box's points a peel removes (0 < alpha ≤ 0.5)
    pub peel_alpha: f64,
    /// share of the points outside an edge a paste adds (0 = no pasting)
    pub paste_alpha: f64,
    /// smallest share of all points a box may hold
    pub mass_min: f64,
    /// density the selected box should reach
    pub min_density: f64,
    /// largest quasi-p-value of a restriction that is kept
    pub significance: f64,
    /// permutations of the box-level test (0 = no test)
    pub permutations: usize,
}

impl Default for Settings {
    /// The EMA Workbench's defaults (alpha 0.05, mass 0.05), a density target of 0.8, quasi-p
    /// 0.05 and 199 permutations.
    fn default() -> Self {
        Settings {
            peel_alpha: 0.05,
            paste_alpha: 0.05,
            mass_min: 0.05,
            min_density: 0.8,
            significance: 0.05,
            permutations: 199,
        }
    }
}

/// A box: per dimension, the lowest and highest value inside (inclusive).
#[derive(Debug, Clone, PartialEq)]
pub struct Bounds {
    /// lower edges
    pub lo: Vec<f64>,
    /// upper edges
    pub hi: Vec<f64>,
}

impl Bounds {
    /// The whole declared space.
    pub fn whole(dims: &[Dim]) -> Bounds {
        Bounds {
            lo: dims.iter().map(|d| d.min).collect(),
            hi: dims.iter().map(|d| d.max).collect(),
        }
    }

    /// Whether the point `row` (one value per dimension) is inside.
    pub fn contains(&self, row: &[f64]) -> bool {
        row.iter()
            .zip(self.lo.iter().zip(&self.hi))
            .all(|(v, (lo, hi))| *lo <= *v && *v <= *hi)
    }

    /// Whether dimension `d` is restricted on side `side`.
    pub fn restricts(&self, dims: &[Dim], d: usize, side: Side) -> bool {
        match side {
            Side::Lower => self.lo[d] > dims[d].min,
            Side::Upper => self.hi[d] < dims[d].max,
        }
    }

    /// Number of dimensions restricted on either side.
    pub fn restricted(&self, dims: &[Dim]) -> usize {
        (0..dims.len())
            .filter(|&d| {
                self.restricts(dims, d, Side::Lower) || self.restricts(dims, d, Side::Upper)
            })
            .count()
    }

    fn relax(&mut self, dims: &[Dim], d: usize, side: Side) {
        match side {
            Side::Lower => self.lo[d] = dims[d].min,
            Side::Upper => self.hi[d] = dims[d].max,
        }
    }
}

/// How a box fits the cases.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stats {
    /// points inside
    pub points: usize,
    /// cases inside
    pub cases: usize,
    /// cases inside / all cases
    pub coverage: f64,
    /// cases inside / points inside
    pub density: f64,
    /// points inside / all points
    pub mass: f64,
    /// dimensions restricted
    pub restricted: usize,
}

/// Where a box on the trajectory comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// the whole space
    Start,
    /// a peel
    Peel,
    /// a paste
    Paste,
}

impl Phase {
    /// `start`, `peel` or `paste`.
    pub fn name(self) -> &'static str {
        match self {
            Phase::Start => "start",
            Phase::Peel => "peel",
            Phase::Paste => "paste",
        }
    }
}

/// One box of the peeling and pasting trajectory.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// peel or paste
    pub phase: Phase,
    /// the box
    pub bounds: Bounds,
    /// its fit
    pub stats: Stats,
}

/// The lower or upper edge of a dimension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// the lower edge
    Lower,
    /// the upper edge
    Upper,
}

/// A restricted edge of a box with its quasi-p-value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limit {
    /// the dimension
    pub dim: usize,
    /// which edge
    pub side: Side,
    /// where the edge is
    pub value: f64,
    /// probability of at least the box's cases among its points if the share of cases were
    /// that of the box without this edge (one-sided binomial test)
    pub quasi_p: f64,
}

/// What [`discover`] found.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    /// points (states)
    pub n: usize,
    /// cases among them
    pub cases: usize,
    /// the peeling and pasting trajectory, from the whole space
    pub trajectory: Vec<Step>,
    /// the trajectory box selected
    pub selected: usize,
    /// whether the selected box reaches the density target
    pub target_met: bool,
    /// the reported box: the selected one without its insignificant restrictions
    pub bounds: Bounds,
    /// its fit
    pub stats: Stats,
    /// its restricted edges, each with its quasi-p-value
    pub limits: Vec<Limit>,
    /// the edges of the selected box that were dropped, in order, with the quasi-p-value that
    /// dropped them
    pub dropped: Vec<Limit>,
    /// strength of the box: `−ln P(X ≥ cases inside)`, X binomial (points inside, share of
    /// cases overall); 0 for a box without restrictions
    pub strength: f64,
    /// permutation p-value of the strength (NaN without permutations)
    pub p_value: f64,
    /// permutations run
    pub permutations: usize,
}

impl Found {
    /// Whether the box restricts something and its permutation test is below `alpha`.
    pub fn significant(&self, alpha: f64) -> bool {
        !self.limits.is_empty() && self.p_value < alpha
    }
}

/// Why PRIM cannot run on the data given.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PrimError {
    /// `x` is not `n × k` values for `n` cases and `k` dimensions, or a value lies outside its range.
    #[error("PRIM input: {0}")]
    Shape(String),
}

/// Runs PRIM on `x` (row-major, one row of `dims.len()` values per point) and the cases `y`.
/// `key` seeds the permutations (each permutation `b` draws from ChaCha8 stream `b` of it).
pub fn discover(
    x: &[f64],
    dims: &[Dim],
    y: &[bool],
    s: &Settings,
    key: u64,
) -> Result<Found, PrimError> {
    let k = dims.len();
    let n = y.len();
    if k == 0 || x.len() != n * k {
        return Err(PrimError::Shape(format!(
            "{} values for {n} points of {k} dimensions",
            x.len()
        )));
    }
    if let Some((i, v)) = x
        .iter()
        .enumerate()
        .find(|(i, v)| !(dims[i % k].min <= **v && **v <= dims[i % k].max))
    {
        return Err(PrimError::Shape(format!(
            "point {} has {} = {v}, outside its range {} to {}",
            i / k,
            dims[i % k].name,
            dims[i % k].min,
            dims[i % k].max
        )));
    }
    let data = Data { x, dims, n, k };
    let fit = data.fit(y, s);
    let strength = fit.strength;
    let p_value = if s.permutations == 0 {
        f64::NAN
    } else {
        let beaten = (0..s.permutations as u64)
            .into_par_iter()
            .map(|b| {
                let mut r = ChaCha8Rng::seed_from_u64(key);
                r.set_stream(b);
                let mut yp = y.to_vec();
                for i in (1..n).rev() {
                    let j = r.random_range(0..=i);
                    yp.swap(i, j);
                }
                data.fit(&yp, s).strength
            })
            .collect::<Vec<f64>>()
            .into_iter()
            .filter(|&t| t >= strength)
            .count();
        (1 + beaten) as f64 / (1 + s.permutations) as f64
    };
    Ok(Found {
        n,
        cases: fit.cases,
        trajectory: fit.trajectory,
        selected: fit.selected,
        target_met: fit.target_met,
        bounds: fit.bounds,
        stats: fit.stats,
        limits: fit.limits,
        dropped: fit.dropped,
        strength,
        p_value,
        permutations: s.permutations,
    })
}

/// The quantile of sorted values used by sdtoolkit and the EMA Workbench for peeling: between
/// two neighbouring values that differ (moving past ties), so that a peel removes whole values.
fn edge_quantile(sorted: &[f64], q: f64) -> f64 {
    let n = sorted.len();
    let i = (n - 1) as f64 * q;
    let (mut lo, mut hi) = (i.floor() as usize, i.ceil() as usize);
    if q > 0.5 {
        while sorted[lo] == sorted[hi] && lo > 0 {
            lo -= 1;
        }
    } else {
        while sorted[lo] == sorted[hi] && hi < n - 1 {
            hi += 1;
        }
    }
    (sorted[lo] + sorted[hi]) / 2.0
}

/// The points and their dimensions.
struct Data<'a> {
    x: &'a [f64],
    dims: &'a [Dim],
    n: usize,
    k: usize,
}

/// The result of one fit (observed or permuted cases).
struct Fit {
    cases: usize,
    trajectory: Vec<Step>,
    selected: usize,
    target_met: bool,
    bounds: Bounds,
    stats: Stats,
    limits: Vec<Limit>,
    dropped: Vec<Limit>,
    strength: f64,
}

/// A candidate box: its edges, points and cases, and its objective.
struct Candidate {
    bounds: Bounds,
    points: usize,
    cases: usize,
    score: f64,
    restricted: usize,
}

impl Candidate {
    fn beats(&self, other: &Option<Candidate>) -> bool {
        other.as_ref().is_none_or(|o| {
            self.score > o.score || (self.score == o.score && self.restricted < o.restricted)
        })
    }
}

impl Data<'_> {
    fn row(&self, i: usize) -> &[f64] {
        &self.x[i * self.k..(i + 1) * self.k]
    }

    fn value(&self, i: usize, d: usize) -> f64 {
        self.x[i * self.k + d]
    }

    fn members(&self, b: &Bounds) -> Vec<usize> {
        (0..self.n).filter(|&i| b.contains(self.row(i))).collect()
    }

    fn stats(&self, b: &Bounds, y: &[bool], total_cases: usize) -> Stats {
        let (points, cases) = (0..self.n)
            .filter(|&i| b.contains(self.row(i)))
            .fold((0, 0), |(p, c), i| (p + 1, c + usize::from(y[i])));
        self.stats_of(b, points, cases, total_cases)
    }

    fn stats_of(&self, b: &Bounds, points: usize, cases: usize, total_cases: usize) -> Stats {
        Stats {
            points,
            cases,
            coverage: if total_cases == 0 {
                0.0
            } else {
                cases as f64 / total_cases as f64
            },
            density: if points == 0 {
                0.0
            } else {
                cases as f64 / points as f64
            },
            mass: points as f64 / self.n as f64,
            restricted: b.restricted(self.dims),
        }
    }

    /// Peel, paste, select, drop insignificant edges, and measure the box's strength.
    fn fit(&self, y: &[bool], s: &Settings) -> Fit {
        let total = y.iter().filter(|&&c| c).count();
        let mut b = Bounds::whole(self.dims);
        let mut trajectory = vec![Step {
            phase: Phase::Start,
            bounds: b.clone(),
            stats: self.stats_of(&b, self.n, total, total),
        }];
        let mut members: Vec<usize> = (0..self.n).collect();
        let mut cases = total;
        while let Some(c) = self.best_peel(y, &members, cases, &b, s.peel_alpha) {
            let big_enough = c.points as f64 >= s.mass_min * self.n as f64;
            if !(big_enough && c.points < members.len() && c.score > 0.0) {
                break;
            }
            b = c.bounds;
            members.retain(|&i| b.contains(self.row(i)));
            cases = c.cases;
            trajectory.push(Step {
                phase: Phase::Peel,
                bounds: b.clone(),
                stats: self.stats_of(&b, c.points, c.cases, total),
            });
        }
        if s.paste_alpha > 0.0 {
            let mut points = members.len();
            while let Some(c) = self.best_paste(y, points, cases, &b, s.paste_alpha) {
                if c.score <= 0.0 {
                    break;
                }
                b = c.bounds;
                (points, cases) = (c.points, c.cases);
                trajectory.push(Step {
                    phase: Phase::Paste,
                    bounds: b.clone(),
                    stats: self.stats_of(&b, points, cases, total),
                });
            }
        }
        // the largest coverage at the density target; else the densest box
        let reaching = |st: &Stats| st.density >= s.min_density;
        let target_met = trajectory.iter().any(|t| reaching(&t.stats));
        let mut selected = 0;
        for (i, t) in trajectory.iter().enumerate() {
            let (a, c) = (&t.stats, &trajectory[selected].stats);
            let better = if target_met {
                reaching(a)
                    && (!reaching(c)
                        || a.coverage > c.coverage
                        || (a.coverage == c.coverage && a.density > c.density)
                        || (a.coverage == c.coverage
                            && a.density == c.density
                            && a.restricted < c.restricted))
            } else {
                a.density > c.density || (a.density == c.density && a.coverage > c.coverage)
            };
            if better {
                selected = i;
            }
        }
        let mut bounds = trajectory[selected].bounds.clone();
        let mut stats = trajectory[selected].stats;
        let mut dropped = Vec::new();
        let limits = loop {
            let limits = self.limits(y, &bounds, &stats);
            let worst = limits
                .iter()
                .copied()
                .reduce(|a, l| if l.quasi_p > a.quasi_p { l } else { a });
            match worst {
                Some(w) if w.quasi_p > s.significance => {
                    bounds.relax(self.dims, w.dim, w.side);
                    stats = self.stats(&bounds, y, total);
                    dropped.push(w);
                }
                _ => break limits,
            }
        };
        let strength = if limits.is_empty() || total == 0 {
            0.0
        } else {
            -ln_binomial_tail(stats.points, total as f64 / self.n as f64, stats.cases)
        };
        Fit {
            cases: total,
            trajectory,
            selected,
            target_met,
            bounds,
            stats,
            limits,
            dropped,
            strength,
        }
    }

    /// The best peel of the box holding `members` (with `cases` cases).
    fn best_peel(
        &self,
        y: &[bool],
        members: &[usize],
        cases: usize,
        b: &Bounds,
        alpha: f64,
    ) -> Option<Candidate> {
        let m = members.len();
        let mean = cases as f64 / m as f64;
        let mut best: Option<Candidate> = None;
        let mut vals = Vec::with_capacity(m);
        for d in 0..self.k {
            vals.clear();
            vals.extend(members.iter().map(|&i| self.value(i, d)));
            vals.sort_by(f64::total_cmp);
            if vals.first() == vals.last() {
                continue;
            }
            for side in [Side::Lower, Side::Upper] {
                let q = if side == Side::Lower {
                    alpha
                } else {
                    1.0 - alpha
                };
                let t = edge_quantile(&vals, q);
                let keep = |v: f64| match side {
                    Side::Lower => v >= t,
                    Side::Upper => v <= t,
                };
                let (mut points, mut kept_cases) = (0, 0);
                let (mut vmin, mut vmax) = (f64::INFINITY, f64::NEG_INFINITY);
                for &i in members {
                    let v = self.value(i, d);
                    if keep(v) {
                        points += 1;
                        kept_cases += usize::from(y[i]);
                        vmin = vmin.min(v);
                        vmax = vmax.max(v);
                    }
                }
                if points == 0 || points == m {
                    continue;
                }
                let mut nb = b.clone();
                match side {
                    Side::Lower => nb.lo[d] = if self.dims[d].whole { vmin } else { t },
                    Side::Upper => nb.hi[d] = if self.dims[d].whole { vmax } else { t },
                }
                let c = Candidate {
                    restricted: nb.restricted(self.dims),
                    bounds: nb,
                    points,
                    cases: kept_cases,
                    score: (kept_cases as f64 / points as f64 - mean) / (m - points) as f64,
                };
                if c.beats(&best) {
                    best = Some(c);
                }
            }
        }
        best
    }

    /// The best paste of the box `b` (holding `points` points and `cases` cases).
    fn best_paste(
        &self,
        y: &[bool],
        points: usize,
        cases: usize,
        b: &Bounds,
        alpha: f64,
    ) -> Option<Candidate> {
        let mean = cases as f64 / points as f64;
        let mut best: Option<Candidate> = None;
        let mut slab: Vec<(f64, bool)> = Vec::new();
        for d in 0..self.k {
            for side in [Side::Lower, Side::Upper] {
                if !b.restricts(self.dims, d, side) {
                    continue;
                }
                // the points just outside this edge: inside the box on every other dimension
                slab.clear();
                for (i, &yi) in y.iter().enumerate().take(self.n) {
                    let row = self.row(i);
                    let v = row[d];
                    let outside = match side {
                        Side::Lower => v < b.lo[d],
                        Side::Upper => v > b.hi[d],
                    };
                    let others = (0..self.k)
                        .filter(|&e| e != d)
                        .all(|e| b.lo[e] <= row[e] && row[e] <= b.hi[e]);
                    if outside && others {
                        slab.push((v, yi));
                    }
                }
                if slab.is_empty() {
                    continue;
                }
                let mut vals: Vec<f64> = slab.iter().map(|p| p.0).collect();
                vals.sort_by(f64::total_cmp);
                let (q, add): (f64, fn(f64, f64) -> bool) = match side {
                    Side::Lower => (1.0 - alpha, |v, t| v >= t),
                    Side::Upper => (alpha, |v, t| v <= t),
                };
                let t = edge_quantile(&vals, q);
                let (mut added, mut added_cases) = (0, 0);
                let (mut vmin, mut vmax) = (f64::INFINITY, f64::NEG_INFINITY);
                for &(v, c) in &slab {
                    if add(v, t) {
                        added += 1;
                        added_cases += usize::from(c);
                        vmin = vmin.min(v);
                        vmax = vmax.max(v);
                    }
                }
                if added == 0 {
                    continue;
                }
                let mut nb = b.clone();
                let all = added == slab.len();
                match side {
                    Side::Lower if all => nb.lo[d] = self.dims[d].min,
                    Side::Upper if all => nb.hi[d] = self.dims[d].max,
                    Side::Lower => nb.lo[d] = if self.dims[d].whole { vmin } else { t },
                    Side::Upper => nb.hi[d] = if self.dims[d].whole { vmax } else { t },
                }
                let (np, nc) = (points + added, cases + added_cases);
                let c = Candidate {
                    restricted: nb.restricted(self.dims),
                    bounds: nb,
                    points: np,
                    cases: nc,
                    score: (nc as f64 / np as f64 - mean) / added as f64,
                };
                if c.beats(&best) {
                    best = Some(c);
                }
            }
        }
        best
    }

    /// The restricted edges of `b` with their quasi-p-values.
    fn limits(&self, y: &[bool], b: &Bounds, st: &Stats) -> Vec<Limit> {
        let mut out = Vec::new();
        for d in 0..self.k {
            for side in [Side::Lower, Side::Upper] {
                if !b.restricts(self.dims, d, side) {
                    continue;
                }
                let mut relaxed = b.clone();
                relaxed.relax(self.dims, d, side);
                let members = self.members(&relaxed);
                let h = members.iter().filter(|&&i| y[i]).count();
                let p = h as f64 / members.len() as f64;
                out.push(Limit {
                    dim: d,
                    side,
                    value: match side {
                        Side::Lower => b.lo[d],
                        Side::Upper => b.hi[d],
                    },
                    quasi_p: ln_binomial_tail(st.points, p, st.cases).exp(),
                });
            }
        }
        out
    }
}

/// `ln P(X ≥ h)` for X binomial with `n` trials and success probability `p`.
pub fn ln_binomial_tail(n: usize, p: f64, h: usize) -> f64 {
    if h == 0 || p >= 1.0 {
        return if h <= n { 0.0 } else { f64::NEG_INFINITY };
    }
    if h > n || p <= 0.0 {
        return f64::NEG_INFINITY;
    }
    let (nf, hf) = (n as f64, h as f64);
    let ln_choose = ln_gamma(nf + 1.0) - ln_gamma(hf + 1.0) - ln_gamma(nf - hf + 1.0);
    let ratio = (p / (1.0 - p)).ln();
    // log terms k = h..n by the recurrence of the probabilities, summed relative to the largest
    let mut term = ln_choose + hf * p.ln() + (nf - hf) * (1.0 - p).ln();
    let mut terms = Vec::with_capacity(n - h + 1);
    terms.push(term);
    let mut top = term;
    for k in h..n {
        term += ((nf - k as f64) / (k as f64 + 1.0)).ln() + ratio;
        terms.push(term);
        if term > top {
            top = term;
        } else if term < top - 50.0 {
            break;
        }
    }
    let sum: f64 = terms.iter().map(|t| (t - top).exp()).sum();
    (top + sum.ln()).min(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn choose(n: u64, k: u64) -> f64 {
        (0..k).fold(1.0, |a, i| a * (n - i) as f64 / (i + 1) as f64)
    }

    #[test]
    fn binomial_tail_matches_the_sum_of_probabilities() {
        for (n, p) in [(10usize, 0.3f64), (25, 0.5), (40, 0.05), (7, 0.9)] {
            for h in 0..=n {
                let exact: f64 = (h..=n)
                    .map(|k| {
                        choose(n as u64, k as u64)
                            * p.powi(k as i32)
                            * (1.0 - p).powi((n - k) as i32)
                    })
                    .sum();
                let got = ln_binomial_tail(n, p, h).exp();
                assert!(
                    (got - exact).abs() <= 1e-12 + 1e-9 * exact,
                    "n {n} p {p} h {h}: {got} vs {exact}"
                );
            }
        }
        // deep tails stay finite in logs
        let t = ln_binomial_tail(1000, 0.1, 500);
        assert!(t.is_finite() && t < -300.0, "{t}");
        assert_eq!(ln_binomial_tail(5, 0.0, 1), f64::NEG_INFINITY);
        assert_eq!(ln_binomial_tail(5, 1.0, 5), 0.0);
    }

    #[test]
    fn ln_gamma_of_integers_is_ln_factorial() {
        let mut f = 1.0f64;
        for k in 1..30 {
            f *= k as f64;
            let g = ln_gamma(k as f64 + 1.0);
            assert!((g - f.ln()).abs() < 1e-10 * f.ln().max(1.0), "{k}");
        }
        assert!((ln_gamma(0.5) - std::f64::consts::PI.sqrt().ln()).abs() < 1e-12);
    }

    #[test]
    fn edge_quantile_moves_past_ties() {
        let v = [1.0, 1.0, 1.0, 2.0, 3.0];
        assert_eq!(edge_quantile(&v, 0.05), 1.5);
        assert_eq!(edge_quantile(&v, 0.95), 2.5);
        let flat = [4.0; 5];
        assert_eq!(edge_quantile(&flat, 0.05), 4.0);
        let cont: Vec<f64> = (0..200).map(f64::from).collect();
        // removes the lowest 10 points (5%)
        assert_eq!(edge_quantile(&cont, 0.05), 9.5);
    }

    fn dims(k: usize) -> Vec<Dim> {
        (0..k)
            .map(|d| Dim {
                name: format!("x{d}"),
                min: 0.0,
                max: 1.0,
                whole: false,
            })
            .collect()
    }

    #[test]
    fn cases_on_one_side_of_a_dimension_give_one_edge() {
        // 400 points on a grid; cases where x0 > 0.7
        let mut x = Vec::new();
        let mut y = Vec::new();
        for i in 0..20 {
            for j in 0..20 {
                let (a, b) = ((i as f64 + 0.5) / 20.0, (j as f64 + 0.5) / 20.0);
                x.extend([a, b]);
                y.push(a > 0.7);
            }
        }
        let s = Settings {
            permutations: 19,
            ..Settings::default()
        };
        let f = discover(&x, &dims(2), &y, &s, 1).unwrap();
        assert_eq!(f.cases, 120);
        assert_eq!(f.stats.density, 1.0);
        assert_eq!(f.stats.coverage, 1.0);
        assert_eq!(f.limits.len(), 1);
        assert_eq!((f.limits[0].dim, f.limits[0].side), (0, Side::Lower));
        assert!(
            f.bounds.lo[0] > 0.675 && f.bounds.lo[0] < 0.725,
            "{:?}",
            f.bounds
        );
        assert_eq!(f.p_value, 1.0 / 20.0);
        assert!(f.trajectory[0].phase == Phase::Start && f.trajectory.len() > 2);
    }

    #[test]
    fn whole_number_dimensions_are_peeled_a_value_at_a_time() {
        // x0 in 0..=4 (whole), x1 continuous; cases where x0 == 4
        let mut x = Vec::new();
        let mut y = Vec::new();
        for i in 0..200 {
            let a = (i % 5) as f64;
            x.extend([a, (i as f64 + 0.5) / 200.0]);
            y.push(a == 4.0);
        }
        let mut d = dims(2);
        d[0].max = 4.0;
        d[0].whole = true;
        let f = discover(&x, &d, &y, &Settings::default(), 3).unwrap();
        assert_eq!(f.bounds.lo[0], 4.0);
        assert_eq!(f.bounds.hi[0], 4.0);
        assert_eq!(f.stats.density, 1.0);
        assert_eq!(f.limits.len(), 1);
    }

    #[test]
    fn bad_shapes_are_errors() {
        assert!(discover(
            &[0.1, 0.2, 0.3],
            &dims(2),
            &[true, false],
            &Settings::default(),
            0
        )
        .is_err());
        assert!(discover(&[0.1, 2.0], &dims(2), &[true], &Settings::default(), 0).is_err());
    }

    #[test]
    fn no_cases_or_only_cases_give_no_box() {
        let x: Vec<f64> = (0..100).map(|i| f64::from(i) / 99.0).collect();
        for all in [false, true] {
            let y = vec![all; 100];
            let f = discover(&x, &dims(1), &y, &Settings::default(), 0).unwrap();
            assert!(f.limits.is_empty());
            assert!(!f.significant(0.05));
        }
    }
}

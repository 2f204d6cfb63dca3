//! States of the world: the points in the space of uncertainties every regime is run in.
//!
//! A [`States`] is a list of parameter vectors (one value per uncertain parameter path) with the
//! range each parameter may take. It comes from a Latin hypercube over the explore file's
//! `[[uncertainties]]` ([`States::lhs`]), or from any other list of vectors, such as draws from a
//! posterior ([`States::from_draws`]): the rest of `explore` does not care where they came from.

use crate::input::InputError;
use crate::params::{self, registry, Kind};
use sha2::{Digest, Sha256};

/// How an uncertainty's unit-interval coordinate maps to its value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Distribution {
    /// `min + u (max − min)`.
    Uniform,
    /// `exp(ln min + u (ln max − ln min))`; needs `min > 0`.
    LogUniform,
    /// Whole numbers `min..=max`, each equally likely: `min + floor(u (max − min + 1))`.
    Integer,
    /// Triangular on `[min, max]` with its peak at `mode` (inverse distribution function).
    Triangular {
        /// the most likely value
        mode: f64,
    },
}

impl Distribution {
    /// Name as written in an explore file.
    pub fn name(self) -> &'static str {
        match self {
            Distribution::Uniform => "uniform",
            Distribution::LogUniform => "log_uniform",
            Distribution::Integer => "integer",
            Distribution::Triangular { .. } => "triangular",
        }
    }
}

/// One uncertain parameter: a registered path, a range within its allowed range, a distribution.
#[derive(Debug, Clone, PartialEq)]
pub struct Uncertainty {
    /// dotted parameter path
    pub path: String,
    /// registry index
    pub index: usize,
    /// lower bound (inclusive)
    pub min: f64,
    /// upper bound (inclusive)
    pub max: f64,
    /// how values are spread over the range
    pub distribution: Distribution,
}

impl Uncertainty {
    /// The value at unit coordinate `u ∈ [0, 1]`.
    ///
    /// ```
    /// use partnersim::studies::explore::states::{Distribution, Uncertainty};
    /// let u = Uncertainty {
    ///     path: "iso.reserve_months_median".into(),
    ///     index: 0,
    ///     min: 0.0,
    ///     max: 4.0,
    ///     distribution: Distribution::Triangular { mode: 1.0 },
    /// };
    /// assert_eq!(u.map(0.25), 1.0); // a quarter of the mass lies below the mode
    /// assert_eq!(u.map(0.0), 0.0);
    /// assert_eq!(u.map(1.0), 4.0);
    /// ```
    pub fn map(&self, u: f64) -> f64 {
        let (a, b) = (self.min, self.max);
        let u = u.clamp(0.0, 1.0);
        let v = match self.distribution {
            Distribution::Uniform => a + u * (b - a),
            Distribution::LogUniform => (a.ln() + u * (b.ln() - a.ln())).exp(),
            Distribution::Integer => (a + (u * (b - a + 1.0)).floor()).min(b),
            Distribution::Triangular { mode: c } => {
                let f = (c - a) / (b - a);
                if u < f {
                    a + (u * (b - a) * (c - a)).sqrt()
                } else {
                    b - ((1.0 - u) * (b - a) * (b - c)).sqrt()
                }
            }
        };
        v.clamp(a, b)
    }

    /// Whether the parameter takes whole numbers only.
    pub fn whole(&self) -> bool {
        !matches!(registry()[self.index].kind, Kind::Float)
    }
}

/// Where the states came from.
#[derive(Debug, Clone, PartialEq)]
pub enum Origin {
    /// A Latin hypercube of the uncertainties (McKay et al. 1979) from the seed's design stream.
    Lhs,
    /// Given vectors, e.g. posterior draws; the text says from where.
    Draws(String),
}

/// The states of the world: `n` vectors of `k` parameter values, and each parameter's range.
#[derive(Debug, Clone, PartialEq)]
pub struct States {
    /// parameter paths, in column order
    pub paths: Vec<String>,
    /// registry index of each path
    pub index: Vec<usize>,
    /// per path: the range PRIM treats as the whole space (declared, or spanned by the draws)
    pub ranges: Vec<(f64, f64)>,
    /// number of states
    pub n: usize,
    /// row-major values: state `s` is `values[s * k..(s + 1) * k]`
    pub values: Vec<f64>,
    /// where they came from
    pub origin: Origin,
    /// per regime, per path: the regime sets that parameter itself and keeps its own value in
    /// every state (calibrated parameters under `--posterior`, as `compare --posterior` does);
    /// empty: every regime takes every state's values
    pub held: Vec<Vec<bool>>,
}

impl States {
    /// A Latin hypercube of `n` states over `unc`, from the design stream of `seed` (the same
    /// generator as a sweep's Latin hypercube).
    pub fn lhs(unc: &[Uncertainty], n: usize, seed: u64) -> States {
        let k = unc.len();
        let unit = crate::studies::sweep::design::lhs_unit(n, k, seed);
        let values = unit
            .chunks_exact(k.max(1))
            .flat_map(|row| row.iter().zip(unc).map(|(&u, p)| p.map(u)))
            .collect();
        States {
            paths: unc.iter().map(|u| u.path.clone()).collect(),
            index: unc.iter().map(|u| u.index).collect(),
            ranges: unc.iter().map(|u| (u.min, u.max)).collect(),
            n,
            values,
            origin: Origin::Lhs,
            held: Vec::new(),
        }
    }

    /// States from given parameter vectors (`rows`, one value per path), such as posterior draws
    /// (`source` says where they came from). Every path must be registered and every value
    /// allowed for it; a parameter's range is the span of its values.
    pub fn from_draws(
        paths: Vec<String>,
        rows: &[Vec<f64>],
        source: &str,
    ) -> Result<States, InputError> {
        let bad = |msg: String| InputError::States {
            origin: source.to_string(),
            msg,
        };
        if paths.is_empty() || rows.is_empty() {
            return Err(bad("no parameters or no draws".into()));
        }
        let mut index = Vec::with_capacity(paths.len());
        for p in &paths {
            let i = params::index_of(p).ok_or_else(|| {
                bad(format!(
                    "unknown parameter `{p}`{}",
                    crate::input::tomlfile::did_you_mean(params::suggest(p))
                ))
            })?;
            index.push(i);
        }
        let k = paths.len();
        let mut values = Vec::with_capacity(rows.len() * k);
        let mut ranges = vec![(f64::INFINITY, f64::NEG_INFINITY); k];
        for (s, row) in rows.iter().enumerate() {
            if row.len() != k {
                return Err(bad(format!(
                    "draw {s} has {} values for {k} parameters",
                    row.len()
                )));
            }
            for (d, &v) in row.iter().enumerate() {
                let spec = &registry()[index[d]];
                let whole = !matches!(spec.kind, Kind::Float);
                if !v.is_finite() || v < spec.min || v > spec.max || (whole && v.fract() != 0.0) {
                    return Err(bad(format!(
                        "draw {s}: `{}` = {v} is not allowed; allowed: {}",
                        paths[d],
                        spec.range_text()
                    )));
                }
                ranges[d] = (ranges[d].0.min(v), ranges[d].1.max(v));
                values.push(v);
            }
        }
        Ok(States {
            paths,
            index,
            ranges,
            n: rows.len(),
            values,
            origin: Origin::Draws(source.to_string()),
            held: Vec::new(),
        })
    }

    /// These states with the columns of `other` (as many states, other parameters) added; the
    /// origin is `other`'s when it is given draws (a Latin hypercube joined with posterior
    /// draws is no longer a Latin hypercube).
    pub fn join(self, other: States) -> Result<States, InputError> {
        let bad = |msg: String| InputError::States {
            origin: match &other.origin {
                Origin::Lhs => "lhs".into(),
                Origin::Draws(f) => f.clone(),
            },
            msg,
        };
        if self.n != other.n {
            return Err(bad(format!("{} states against {}", other.n, self.n)));
        }
        if let Some(p) = other.paths.iter().find(|p| self.paths.contains(p)) {
            return Err(bad(format!(
                "`{p}` is both an uncertainty of the explore file and a drawn parameter: give it one source"
            )));
        }
        let (k1, k2) = (self.k(), other.k());
        let mut values = Vec::with_capacity(self.n * (k1 + k2));
        for s in 0..self.n {
            values.extend_from_slice(self.point(s));
            values.extend_from_slice(other.point(s));
        }
        let origin = match other.origin {
            Origin::Draws(f) => Origin::Draws(f),
            Origin::Lhs => self.origin,
        };
        Ok(States {
            paths: self.paths.into_iter().chain(other.paths).collect(),
            index: self.index.into_iter().chain(other.index).collect(),
            ranges: self.ranges.into_iter().chain(other.ranges).collect(),
            n: self.n,
            values,
            origin,
            held: Vec::new(),
        })
    }

    /// Whether regime `g` keeps its own value of parameter `d` (see [`States::held`]).
    pub fn is_held(&self, g: usize, d: usize) -> bool {
        self.held
            .get(g)
            .and_then(|h| h.get(d))
            .copied()
            .unwrap_or(false)
    }

    /// Number of parameters.
    pub fn k(&self) -> usize {
        self.paths.len()
    }

    /// The values of state `s`.
    pub fn point(&self, s: usize) -> &[f64] {
        let k = self.k();
        &self.values[s * k..(s + 1) * k]
    }

    /// Whether parameter `d` takes whole numbers only.
    pub fn whole(&self, d: usize) -> bool {
        !matches!(registry()[self.index[d]].kind, Kind::Float)
    }

    /// SHA-256 (hex) of the paths and the exact bits of every value: two equal digests, the same
    /// states.
    pub fn digest(&self) -> String {
        let mut h = Sha256::new();
        for p in &self.paths {
            h.update(p.as_bytes());
            h.update(b"\n");
        }
        for v in &self.values {
            h.update(v.to_bits().to_le_bytes());
        }
        // which regimes keep their own values (only under draws; Latin hypercube digests are
        // unchanged by it)
        for row in &self.held {
            h.update(row.iter().map(|&b| u8::from(b)).collect::<Vec<u8>>());
        }
        h.finalize().iter().map(|b| format!("{b:02x}")).collect()
    }

    /// The value of parameter `d` as a scenario file writes it (whole numbers without `.0`).
    pub fn text(&self, d: usize, v: f64) -> String {
        if self.whole(d) {
            params::fmt_num(v)
        } else {
            format!("{v}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unc(path: &str, min: f64, max: f64, d: Distribution) -> Uncertainty {
        Uncertainty {
            path: path.into(),
            index: params::index_of(path).unwrap(),
            min,
            max,
            distribution: d,
        }
    }

    #[test]
    fn every_distribution_stays_in_range_and_is_monotone() {
        let us = [
            unc("iso.quit_rate_per_year", 0.05, 0.3, Distribution::Uniform),
            unc(
                "iso.reserve_months_median",
                0.25,
                8.0,
                Distribution::LogUniform,
            ),
            unc(
                "funders.federal.alternatives",
                0.0,
                40.0,
                Distribution::Integer,
            ),
            unc(
                "newcomers.arrival_trend_per_year",
                -0.05,
                0.1,
                Distribution::Triangular { mode: 0.04 },
            ),
        ];
        for u in &us {
            let mut last = f64::NEG_INFINITY;
            for i in 0..=1000 {
                let v = u.map(f64::from(i) / 1000.0);
                assert!(
                    v >= u.min && v <= u.max && v >= last,
                    "{} at {i}: {v}",
                    u.path
                );
                last = v;
            }
        }
        // integer: every value equally likely
        let mut counts = [0; 41];
        for i in 0..41_000 {
            counts[us[2].map((f64::from(i) + 0.5) / 41_000.0) as usize] += 1;
        }
        assert!(counts.iter().all(|&c| c == 1000), "{counts:?}");
        // log-uniform: the geometric mean at the middle
        assert!((us[1].map(0.5) - (0.25f64 * 8.0).sqrt()).abs() < 1e-12);
    }

    #[test]
    fn lhs_states_stratify_every_parameter() {
        let us = [
            unc("iso.quit_rate_per_year", 0.0, 1.0, Distribution::Uniform),
            unc("iso.credit_line_months", 0.0, 2.0, Distribution::Uniform),
        ];
        let s = States::lhs(&us, 50, 3);
        assert_eq!((s.n, s.k()), (50, 2));
        for d in 0..2 {
            let (lo, hi) = s.ranges[d];
            let mut strata: Vec<usize> = (0..50)
                .map(|i| ((s.point(i)[d] - lo) / (hi - lo) * 50.0) as usize)
                .collect();
            strata.sort_unstable();
            assert_eq!(strata, (0..50).collect::<Vec<_>>());
        }
        assert_eq!(s.digest(), States::lhs(&us, 50, 3).digest());
        assert_ne!(s.digest(), States::lhs(&us, 50, 4).digest());
    }

    #[test]
    fn draws_are_checked_against_the_registry() {
        let paths = vec!["iso.quit_rate_per_year".to_string()];
        let s = States::from_draws(paths.clone(), &[vec![0.1], vec![0.3]], "post.csv").unwrap();
        assert_eq!(s.ranges, vec![(0.1, 0.3)]);
        assert_eq!(s.origin, Origin::Draws("post.csv".into()));
        let e = States::from_draws(paths.clone(), &[vec![1.5]], "post.csv").unwrap_err();
        assert!(e.to_string().contains("0 to 1"), "{e}");
        let e = States::from_draws(vec!["iso.quit_rate".into()], &[vec![0.1]], "p").unwrap_err();
        assert!(e.to_string().contains("did you mean"), "{e}");
        assert!(States::from_draws(paths, &[vec![0.1, 0.2]], "p").is_err());
    }
}

//! Sensitivity estimators: Sobol' indices (Saltelli 2010 / Jansen 1999), Morris elementary
//! effects (Morris 1991, Campolongo et al. 2007), and the replication-noise decomposition.
//!
//! Every function here is a pure, sequential function of its inputs (point values in design
//! order), so results do not depend on how the model runs were scheduled. Bootstrap confidence
//! intervals draw their resamples from a ChaCha8 stream of the sweep seed.

use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};

/// ChaCha8 stream used for bootstrap resampling (far from the model's replication streams).
pub const BOOTSTRAP_STREAM: u64 = u64::MAX - 1;

/// A point estimate with a 95% bootstrap percentile interval (NaN when not computed/undefined).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    /// the estimate on all data
    pub value: f64,
    /// 2.5% percentile of the bootstrap distribution
    pub low: f64,
    /// 97.5% percentile of the bootstrap distribution
    pub high: f64,
}

impl Estimate {
    fn point(value: f64) -> Self {
        Estimate {
            value,
            low: f64::NAN,
            high: f64::NAN,
        }
    }
}

/// Percentile (linear interpolation between order statistics) of finite values; NaN if none.
pub fn percentile(values: &mut [f64], q: f64) -> f64 {
    values.sort_by(f64::total_cmp);
    let finite: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    if finite.is_empty() {
        return f64::NAN;
    }
    let pos = q.clamp(0.0, 1.0) * (finite.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = pos.ceil() as usize;
    finite[lo] + (finite[hi] - finite[lo]) * (pos - lo as f64)
}

fn ci(mut samples: Vec<f64>, value: f64) -> Estimate {
    if samples.is_empty() {
        return Estimate::point(value);
    }
    let low = percentile(&mut samples, 0.025);
    let high = percentile(&mut samples, 0.975);
    Estimate { value, low, high }
}

/// Mean of a slice (sequential sum).
pub fn mean(x: &[f64]) -> f64 {
    if x.is_empty() {
        return f64::NAN;
    }
    x.iter().sum::<f64>() / x.len() as f64
}

/// Sample variance (n − 1 denominator; NaN for fewer than two values), two-pass.
pub fn sample_variance(x: &[f64]) -> f64 {
    if x.len() < 2 {
        return f64::NAN;
    }
    let m = mean(x);
    x.iter().map(|v| (v - m).powi(2)).sum::<f64>() / (x.len() - 1) as f64
}

/// The layout of a Saltelli design: rows `A, B, AB_1..AB_k [, BA_1..BA_k]` for each base row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SaltelliLayout {
    /// number of parameters
    pub k: usize,
    /// whether `BA_i` rows are present (needed for S2)
    pub second_order: bool,
}

impl SaltelliLayout {
    /// Points per base row.
    pub fn stride(&self) -> usize {
        if self.second_order {
            2 * self.k + 2
        } else {
            self.k + 2
        }
    }
    /// Offset of `A` in a block.
    pub const A: usize = 0;
    /// Offset of `B` in a block.
    pub const B: usize = 1;
    /// Offset of `AB_i` in a block.
    pub fn ab(&self, i: usize) -> usize {
        2 + i
    }
    /// Offset of `BA_i` in a block.
    pub fn ba(&self, i: usize) -> usize {
        2 + self.k + i
    }
}

/// Sobol' indices of one output.
#[derive(Debug, Clone, PartialEq)]
pub struct SobolIndices {
    /// first-order indices (Saltelli et al. 2010)
    pub s1: Vec<Estimate>,
    /// total indices (Jansen 1999)
    pub st: Vec<Estimate>,
    /// second-order indices `(i, j, S2_ij)` for `i < j` (Saltelli 2002), when requested
    pub s2: Vec<(usize, usize, Estimate)>,
}

/// What replication noise adds to the Sobol' estimators, estimated from the replications of
/// each point (under common random numbers replication r of every point shares its streams, so
/// differences are paired by replication).
#[derive(Debug, Clone, Copy)]
pub struct SobolNoise<'a> {
    /// per point (indexed like `y`): sample variance over replications of `y_p − y_A`, with A
    /// the point's base row's A (0 for A itself)
    pub diff_var: &'a [f64],
    /// per point: sample covariance over replications of `y_B` and `y_p − y_A`
    pub diff_cov: &'a [f64],
    /// replications per point
    pub reps: usize,
    /// noise variance of the spread of the A and B point means (the two-way interaction mean
    /// square over replications, divided by `reps`; see [`crn_noise_var_of_means`])
    pub var_of_means: f64,
}

/// Point estimates of the indices for the base rows `rows` (a bootstrap resample or all rows),
/// without (`noise` None) or with the replication-noise correction.
///
/// The products of S1 and S2 are centred on `centre`, the mean of every value of the design
/// (A, B, AB and BA rows), as SALib's `sobol.analyze` standardises its outputs once before it
/// estimates and resamples: the same expectation as any other centre, far less variance than
/// none when the output's mean is large against its spread, and SALib's numbers exactly. The
/// variance `V` is over the rows' A and B values about their own mean, as SALib's `var`.
fn sobol_point_noise(
    y: &[f64],
    layout: SaltelliLayout,
    rows: &[usize],
    centre: f64,
    noise: Option<&SobolNoise<'_>>,
) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    let k = layout.k;
    let stride = layout.stride();
    let n = rows.len() as f64;
    let at = |r: usize, off: usize| y[r * stride + off];
    // total variance over A and B together
    let mut sum = 0.0;
    for &r in rows {
        sum += at(r, SaltelliLayout::A) + at(r, SaltelliLayout::B);
    }
    let m = sum / (2.0 * n);
    let mut ss = 0.0;
    for &r in rows {
        ss += (at(r, SaltelliLayout::A) - m).powi(2) + (at(r, SaltelliLayout::B) - m).powi(2);
    }
    let mut var = ss / (2.0 * n);
    if let Some(z) = noise {
        var -= z.var_of_means;
        if var <= 0.0 {
            // the spread of the point means is all noise: nothing to apportion
            var = f64::NAN;
        }
    }
    let mut s1 = vec![0.0; k];
    let mut st = vec![0.0; k];
    for i in 0..k {
        let (mut a1, mut at_) = (0.0, 0.0);
        for &r in rows {
            let fa = at(r, SaltelliLayout::A) - centre;
            let fb = at(r, SaltelliLayout::B) - centre;
            let fab = at(r, layout.ab(i)) - centre;
            a1 += fb * (fab - fa);
            at_ += (fa - fab).powi(2);
            if let Some(z) = noise {
                // E[(mean over R of d)²] = (E d)² + Var(d) / R: remove the noise term, row by row
                let p = r * stride + layout.ab(i);
                a1 -= z.diff_cov[p] / z.reps as f64;
                at_ -= z.diff_var[p] / z.reps as f64;
            }
        }
        s1[i] = a1 / n / var;
        st[i] = at_ / (2.0 * n) / var;
    }
    let mut s2 = Vec::new();
    if layout.second_order {
        for i in 0..k {
            for j in i + 1..k {
                let mut acc = 0.0;
                for &r in rows {
                    acc += (at(r, layout.ba(i)) - centre) * (at(r, layout.ab(j)) - centre)
                        - (at(r, SaltelliLayout::A) - centre) * (at(r, SaltelliLayout::B) - centre);
                }
                s2.push(acc / n / var - s1[i] - s1[j]);
            }
        }
    }
    (s1, st, s2)
}

/// Bootstrap resamples of `n` units: `resamples` index vectors drawn with replacement.
pub fn bootstrap_indices(n: usize, resamples: usize, seed: u64) -> Vec<Vec<usize>> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(BOOTSTRAP_STREAM);
    (0..resamples)
        .map(|_| (0..n).map(|_| rng.random_range(0..n)).collect())
        .collect()
}

/// First-order (Saltelli 2010), total (Jansen 1999) and optional second-order (Saltelli 2002)
/// indices from model values `y` in Saltelli design order, with bootstrap percentile intervals
/// from resampling base rows (`resamples` as from [`bootstrap_indices`]; empty = no intervals).
pub fn sobol_indices(y: &[f64], layout: SaltelliLayout, resamples: &[Vec<usize>]) -> SobolIndices {
    sobol_indices_noise(y, layout, resamples, None)
}

/// [`sobol_indices`] of point means `y` with replication noise removed (`noise`; None: as
/// [`sobol_indices`]). Replication noise in the point means inflates `V` and the squared
/// differences of ST (by `Var(d)/R` per base row, `d = y_ABi − y_A` over the paired
/// replications), and adds `Cov(y_B, d)/R` to the S1 numerator: each is subtracted, row by row,
/// from unbiased estimates (`V` by the noise variance of the A and B point means). S2 shares the
/// corrected `V` but its numerator is not corrected.
pub fn sobol_indices_noise(
    y: &[f64],
    layout: SaltelliLayout,
    resamples: &[Vec<usize>],
    noise: Option<&SobolNoise<'_>>,
) -> SobolIndices {
    let n = y.len() / layout.stride();
    let all: Vec<usize> = (0..n).collect();
    let centre = y[..n * layout.stride()].iter().sum::<f64>() / (n * layout.stride()) as f64;
    let (s1, st, s2) = sobol_point_noise(y, layout, &all, centre, noise);
    let mut b1: Vec<Vec<f64>> = vec![Vec::with_capacity(resamples.len()); s1.len()];
    let mut bt: Vec<Vec<f64>> = vec![Vec::with_capacity(resamples.len()); st.len()];
    let mut b2: Vec<Vec<f64>> = vec![Vec::with_capacity(resamples.len()); s2.len()];
    for rows in resamples {
        let (r1, rt, r2) = sobol_point_noise(y, layout, rows, centre, noise);
        for (b, v) in b1.iter_mut().zip(r1) {
            b.push(v);
        }
        for (b, v) in bt.iter_mut().zip(rt) {
            b.push(v);
        }
        for (b, v) in b2.iter_mut().zip(r2) {
            b.push(v);
        }
    }
    let k = layout.k;
    let mut pairs = Vec::new();
    for i in 0..k {
        for j in i + 1..k {
            pairs.push((i, j));
        }
    }
    SobolIndices {
        s1: s1.iter().zip(b1).map(|(&v, b)| ci(b, v)).collect(),
        st: st.iter().zip(bt).map(|(&v, b)| ci(b, v)).collect(),
        s2: pairs
            .into_iter()
            .zip(s2.iter().zip(b2))
            .map(|((i, j), (&v, b))| (i, j, ci(b, v)))
            .collect(),
    }
}

/// Regression-based measures of one output over a sampled design (Latin hypercube): standardised
/// regression coefficients and partial rank correlation coefficients, each signed, with the
/// share of variance the linear model (on values, and on ranks) explains.
#[derive(Debug, Clone, PartialEq)]
pub struct RegressionIndices {
    /// standardised regression coefficients (Saltelli et al. 2008, ch. 1.2.5): the change of the
    /// output, in output standard deviations, per standard deviation of the parameter, others held
    pub src: Vec<Estimate>,
    /// coefficient of determination of the linear model on values; SRC² sum to it when the
    /// parameters are uncorrelated, and the SRC describe the model only when it is near 1
    pub r2: Estimate,
    /// partial rank correlation coefficients (Iman & Conover 1980; Marino et al. 2008): the
    /// correlation of ranks of parameter and output with the other parameters' ranks removed;
    /// valid for monotone, not only linear, relations
    pub prcc: Vec<Estimate>,
    /// coefficient of determination of the linear model on ranks
    pub r2_rank: Estimate,
}

/// Relative tolerance under which two values rank as tied: `TIE_TOLERANCE × max |v|` (point
/// means that are equal in exact arithmetic differ by rounding, about 1e-16 relative).
pub const TIE_TOLERANCE: f64 = 1e-12;

/// Average ranks (1-based; ties share their mean rank) of `v`. Values within
/// [`TIE_TOLERANCE`]` × max |v|` of their neighbour in sorted order are tied, so that rounding
/// noise does not order values that are equal in exact arithmetic.
fn ranks(v: &[f64]) -> Vec<f64> {
    let mut idx: Vec<usize> = (0..v.len()).collect();
    idx.sort_by(|&a, &b| v[a].total_cmp(&v[b]));
    let scale = v
        .iter()
        .filter(|x| x.is_finite())
        .fold(0.0f64, |m, x| m.max(x.abs()));
    let tol = TIE_TOLERANCE * scale;
    let mut r = vec![0.0; v.len()];
    let mut i = 0;
    while i < idx.len() {
        let mut j = i;
        while j + 1 < idx.len()
            && (v[idx[j + 1]].total_cmp(&v[idx[j]]).is_eq() || v[idx[j + 1]] - v[idx[j]] <= tol)
        {
            j += 1;
        }
        let mean_rank = (i + j) as f64 / 2.0 + 1.0;
        for &t in &idx[i..=j] {
            r[t] = mean_rank;
        }
        i = j + 1;
    }
    r
}

/// Correlation matrix (row-major, `m × m`) of the columns of `cols` (each of one length).
fn correlation(cols: &[Vec<f64>]) -> Vec<f64> {
    let m = cols.len();
    let n = cols.first().map_or(0, Vec::len) as f64;
    let centred: Vec<Vec<f64>> = cols
        .iter()
        .map(|c| {
            let mu = mean(c);
            c.iter().map(|v| v - mu).collect()
        })
        .collect();
    let mut c = vec![0.0; m * m];
    for a in 0..m {
        for b in a..m {
            let s: f64 = centred[a].iter().zip(&centred[b]).map(|(x, y)| x * y).sum();
            c[a * m + b] = s / n;
            c[b * m + a] = s / n;
        }
    }
    let sd: Vec<f64> = (0..m).map(|a| c[a * m + a].sqrt()).collect();
    for a in 0..m {
        for b in 0..m {
            c[a * m + b] /= sd[a] * sd[b];
        }
    }
    c
}

/// Cholesky factor (lower, row-major) of a symmetric positive definite `m × m` matrix; None when
/// it is not (for example, a parameter that does not vary).
fn cholesky(a: &[f64], m: usize) -> Option<Vec<f64>> {
    let mut l = vec![0.0; m * m];
    for i in 0..m {
        for j in 0..=i {
            let s: f64 = (0..j).map(|t| l[i * m + t] * l[j * m + t]).sum();
            if i == j {
                let d = a[i * m + i] - s;
                if d.is_nan() || d <= 1e-12 {
                    return None;
                }
                l[i * m + i] = d.sqrt();
            } else {
                l[i * m + j] = (a[i * m + j] - s) / l[j * m + j];
            }
        }
    }
    Some(l)
}

/// Solves `L Lᵀ x = b` in place.
fn cholesky_solve(l: &[f64], m: usize, b: &mut [f64]) {
    for i in 0..m {
        let s: f64 = (0..i).map(|t| l[i * m + t] * b[t]).sum();
        b[i] = (b[i] - s) / l[i * m + i];
    }
    for i in (0..m).rev() {
        let s: f64 = (i + 1..m).map(|t| l[t * m + i] * b[t]).sum();
        b[i] = (b[i] - s) / l[i * m + i];
    }
}

/// (standardised coefficients, R²) of the regression of the last column on the others, from
/// the correlation matrix of all columns.
fn standardised_regression(c: &[f64], k: usize) -> Option<(Vec<f64>, f64)> {
    let m = k + 1;
    let rxx: Vec<f64> = (0..k)
        .flat_map(|a| (0..k).map(move |b| (a, b)))
        .map(|(a, b)| c[a * m + b])
        .collect();
    let rxy: Vec<f64> = (0..k).map(|a| c[a * m + k]).collect();
    let l = cholesky(&rxx, k)?;
    let mut beta = rxy.clone();
    cholesky_solve(&l, k, &mut beta);
    let r2 = beta.iter().zip(&rxy).map(|(b, r)| b * r).sum();
    Some((beta, r2))
}

/// Partial correlations of each of the first `k` columns with the last, from the correlation
/// matrix of all columns: `−P[j][k] / √(P[j][j] P[k][k])` with `P` its inverse.
fn partial_correlations(c: &[f64], k: usize) -> Option<Vec<f64>> {
    let m = k + 1;
    let l = cholesky(c, m)?;
    let column = |j: usize| {
        let mut e = vec![0.0; m];
        e[j] = 1.0;
        cholesky_solve(&l, m, &mut e);
        e
    };
    let last = column(k);
    Some(
        (0..k)
            .map(|j| -last[j] / (column(j)[j] * last[k]).sqrt())
            .collect(),
    )
}

/// SRC, R², PRCC and rank R² on the points `rows` (row-major `x`, `k` columns).
fn regression_point(
    x: &[f64],
    k: usize,
    y: &[f64],
    rows: &[usize],
) -> (Vec<f64>, f64, Vec<f64>, f64) {
    let nan = || (vec![f64::NAN; k], f64::NAN);
    let mut cols: Vec<Vec<f64>> = (0..k)
        .map(|j| rows.iter().map(|&p| x[p * k + j]).collect())
        .collect();
    cols.push(rows.iter().map(|&p| y[p]).collect());
    let (src, r2) = standardised_regression(&correlation(&cols), k).unwrap_or_else(nan);
    let ranked: Vec<Vec<f64>> = cols.iter().map(|c| ranks(c)).collect();
    let cr = correlation(&ranked);
    let (_, r2_rank) = standardised_regression(&cr, k).unwrap_or_else(nan);
    let prcc = partial_correlations(&cr, k).unwrap_or_else(|| vec![f64::NAN; k]);
    (src, r2, prcc, r2_rank)
}

/// [`RegressionIndices`] of model values `y` over the design points `x` (row-major, `k`
/// parameter values per point), with bootstrap percentile intervals from resampling points
/// (`resamples` as from [`bootstrap_indices`]; empty = no intervals). Undefined values (fewer
/// points than parameters + 2, a parameter or output that does not vary) are NaN.
pub fn regression_indices(
    x: &[f64],
    k: usize,
    y: &[f64],
    resamples: &[Vec<usize>],
) -> RegressionIndices {
    let n = y.len();
    if n < k + 2 {
        let none = Estimate::point(f64::NAN);
        return RegressionIndices {
            src: vec![none; k],
            r2: none,
            prcc: vec![none; k],
            r2_rank: none,
        };
    }
    let all: Vec<usize> = (0..n).collect();
    let (src, r2, prcc, r2_rank) = regression_point(x, k, y, &all);
    let mut b_src = vec![Vec::with_capacity(resamples.len()); k];
    let mut b_prcc = vec![Vec::with_capacity(resamples.len()); k];
    let (mut b_r2, mut b_r2_rank) = (Vec::new(), Vec::new());
    for rows in resamples {
        let (s, r, p, rr) = regression_point(x, k, y, rows);
        for j in 0..k {
            b_src[j].push(s[j]);
            b_prcc[j].push(p[j]);
        }
        b_r2.push(r);
        b_r2_rank.push(rr);
    }
    RegressionIndices {
        src: src.iter().zip(b_src).map(|(&v, b)| ci(b, v)).collect(),
        r2: ci(b_r2, r2),
        prcc: prcc.iter().zip(b_prcc).map(|(&v, b)| ci(b, v)).collect(),
        r2_rank: ci(b_r2_rank, r2_rank),
    }
}

/// Morris measures of one output.
#[derive(Debug, Clone, PartialEq)]
pub struct MorrisIndices {
    /// mean elementary effect
    pub mu: Vec<Estimate>,
    /// mean absolute elementary effect (Campolongo et al. 2007)
    pub mu_star: Vec<Estimate>,
    /// standard deviation of the elementary effects
    pub sigma: Vec<Estimate>,
}

/// Elementary effects `ee[t][i]` of each trajectory `t` and parameter `i`, from the unit-scale
/// design `unit` (row-major, `k` columns, `k + 1` rows per trajectory) and model values `y`.
/// An effect is the output change divided by the step in unit scale, so it is in output units
/// per full range of the parameter.
pub fn elementary_effects(unit: &[f64], y: &[f64], k: usize) -> Vec<Vec<f64>> {
    elementary_effects_realised(unit, unit, y, k)
}

/// [`elementary_effects`] divided by the step the parameter really took: `realised` holds the
/// points' coordinates on the parameter's unit scale after mapping (for an `integer` parameter
/// `(x − min)/(max − min)`, which rounding makes differ from the nominal grid: a switch always
/// moves 0 → 1, a whole range, never the nominal `Δ = p / (2(p − 1))`). The moved parameter is
/// found from `unit`; a step that rounding made zero gives no effect (NaN, left out of the
/// measures).
pub fn elementary_effects_realised(
    unit: &[f64],
    realised: &[f64],
    y: &[f64],
    k: usize,
) -> Vec<Vec<f64>> {
    let r = y.len() / (k + 1);
    (0..r)
        .map(|t| {
            let mut ee = vec![f64::NAN; k];
            for s in 0..k {
                let p0 = t * (k + 1) + s;
                let p1 = p0 + 1;
                for i in 0..k {
                    if unit[p1 * k + i] != unit[p0 * k + i] {
                        let d = realised[p1 * k + i] - realised[p0 * k + i];
                        if d != 0.0 {
                            ee[i] = (y[p1] - y[p0]) / d;
                        }
                        break;
                    }
                }
            }
            ee
        })
        .collect()
}

fn morris_point(ee: &[Vec<f64>], rows: &[usize], k: usize) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    let mut mu = vec![0.0; k];
    let mut mu_star = vec![0.0; k];
    let mut sigma = vec![0.0; k];
    for i in 0..k {
        let v: Vec<f64> = rows
            .iter()
            .map(|&t| ee[t][i])
            .filter(|e| !e.is_nan())
            .collect();
        mu[i] = mean(&v);
        mu_star[i] = v.iter().map(|x| x.abs()).sum::<f64>() / v.len() as f64;
        sigma[i] = sample_variance(&v).sqrt();
    }
    (mu, mu_star, sigma)
}

/// Morris measures from elementary effects, with bootstrap percentile intervals from
/// resampling trajectories.
pub fn morris_indices(ee: &[Vec<f64>], k: usize, resamples: &[Vec<usize>]) -> MorrisIndices {
    let all: Vec<usize> = (0..ee.len()).collect();
    let (mu, ms, sd) = morris_point(ee, &all, k);
    let mut b: [Vec<Vec<f64>>; 3] = std::array::from_fn(|_| vec![Vec::new(); k]);
    for rows in resamples {
        let (a, c, d) = morris_point(ee, rows, k);
        for i in 0..k {
            b[0][i].push(a[i]);
            b[1][i].push(c[i]);
            b[2][i].push(d[i]);
        }
    }
    let [b0, b1, b2] = b;
    MorrisIndices {
        mu: mu.iter().zip(b0).map(|(&v, s)| ci(s, v)).collect(),
        mu_star: ms.iter().zip(b1).map(|(&v, s)| ci(s, v)).collect(),
        sigma: sd.iter().zip(b2).map(|(&v, s)| ci(s, v)).collect(),
    }
}

/// How much of an output's variation across points is replication noise.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NoiseDecomposition {
    /// variance of the per-point means across points
    pub var_point_means: f64,
    /// mean over points of the within-point (between-replication) sample variance
    pub mean_within_var: f64,
    /// expected noise variance of a point mean: `mean_within_var / reps`
    pub noise_var_of_means: f64,
    /// `noise_var_of_means / var_point_means`: share of the variance of point means that is noise
    pub noise_share: f64,
    /// `1 − noise_share`, floored at 0: share driven by the parameters
    pub param_share: f64,
    /// share of a single run's variance that is noise:
    /// `mean_within_var / (mean_within_var + max(0, var_point_means − noise_var_of_means))`
    pub single_run_noise_share: f64,
    /// the noise variance that really spreads the point means under common random numbers: the
    /// point × replication interaction mean square over `reps` ([`crn_noise_var_of_means`];
    /// noise common to every point, the same luck everywhere, does not spread them)
    pub crn_noise_var_of_means: f64,
    /// `crn_noise_var_of_means / var_point_means`: the share of the spread of the point means
    /// that is noise (what the Sobol' correction removes)
    pub crn_noise_share: f64,
}

/// The noise variance of the spread of `P` point means over `R` paired replications (replication
/// r of every point shares its random streams): the interaction mean square of the two-way
/// layout, `(W − P Σ_r (ȳ_r − ȳ)²) / ((P − 1)(R − 1))`, divided by `R`. `W = Σ_p (R − 1) w_p`
/// sums the points' within variances `w_p`, and `ȳ_r` is the mean over points of replication
/// r. Its expectation is the noise part of the expected sample variance of the point means
/// whatever the correlation of noise between points, as the mean within variance over R is only
/// when the noise at different points is independent. NaN with fewer than two points or
/// replications.
pub fn crn_noise_var_of_means(within: &[f64], rep_means: &[f64]) -> f64 {
    let (p, r) = (within.len(), rep_means.len());
    if p < 2 || r < 2 {
        return f64::NAN;
    }
    let w: f64 = within.iter().map(|v| v * (r - 1) as f64).sum();
    let grand = mean(rep_means);
    let between: f64 = rep_means.iter().map(|m| (m - grand).powi(2)).sum();
    ((w - p as f64 * between) / ((p - 1) * (r - 1)) as f64 / r as f64).max(0.0)
}

/// Noise decomposition from per-point means and within-point variances (`reps` per point), and
/// the common-random-numbers noise variance of the means ([`crn_noise_var_of_means`]; NaN if
/// unknown).
pub fn noise_decomposition(
    means: &[f64],
    within: &[f64],
    reps: usize,
    crn_noise_var: f64,
) -> NoiseDecomposition {
    let vm = sample_variance(means);
    let w = if reps >= 2 { mean(within) } else { f64::NAN };
    let nv = w / reps as f64;
    let share = if vm > 0.0 { nv / vm } else { f64::NAN };
    let signal = (vm - nv).max(0.0);
    NoiseDecomposition {
        var_point_means: vm,
        mean_within_var: w,
        noise_var_of_means: nv,
        noise_share: share,
        param_share: (1.0 - share).max(0.0),
        single_run_noise_share: if w + signal > 0.0 {
            w / (w + signal)
        } else {
            f64::NAN
        },
        crn_noise_var_of_means: crn_noise_var,
        crn_noise_share: if vm > 0.0 {
            crn_noise_var / vm
        } else {
            f64::NAN
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentile_interpolates() {
        let mut v = vec![3.0, 1.0, 2.0, 4.0, f64::NAN];
        assert_eq!(percentile(&mut v, 0.5), 2.5);
        assert_eq!(percentile(&mut v, 0.0), 1.0);
        assert_eq!(percentile(&mut v, 1.0), 4.0);
    }

    #[test]
    fn additive_model_has_exact_structure() {
        // y = x1 + 2 x2 with x on a tiny hand-made Saltelli design: ST == S1 for additive models
        // only in expectation, but S2 must be ~0 and x3 (unused) must get exactly 0 total effect.
        let layout = SaltelliLayout {
            k: 3,
            second_order: false,
        };
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let n = 20000;
        let mut y = Vec::new();
        for _ in 0..n {
            let a: [f64; 3] = std::array::from_fn(|_| rng.random::<f64>());
            let b: [f64; 3] = std::array::from_fn(|_| rng.random::<f64>());
            let f = |x: &[f64; 3]| x[0] + 2.0 * x[1];
            y.push(f(&a));
            y.push(f(&b));
            for i in 0..3 {
                let mut ab = a;
                ab[i] = b[i];
                y.push(f(&ab));
            }
        }
        let r = sobol_indices(&y, layout, &bootstrap_indices(n, 100, 1));
        assert_eq!(r.st[2].value, 0.0);
        assert!((r.s1[0].value - 0.2).abs() < 0.05, "{:?}", r.s1);
        assert!((r.s1[1].value - 0.8).abs() < 0.05, "{:?}", r.s1);
        assert!(r.s1[0].low <= 0.2 && 0.2 <= r.s1[0].high, "{:?}", r.s1[0]);
        assert!(r.s1[1].low <= 0.8 && 0.8 <= r.s1[1].high, "{:?}", r.s1[1]);
    }

    #[test]
    fn indices_do_not_depend_on_the_output_mean() {
        let layout = SaltelliLayout {
            k: 2,
            second_order: true,
        };
        let mut rng = ChaCha8Rng::seed_from_u64(4);
        let y: Vec<f64> = (0..600 * layout.stride())
            .map(|_| rng.random::<f64>())
            .collect();
        let shifted: Vec<f64> = y.iter().map(|v| v + 1000.0).collect();
        let values = |y: &[f64]| {
            let r = sobol_indices(y, layout, &[]);
            let mut v: Vec<f64> = r.s1.iter().chain(&r.st).map(|e| e.value).collect();
            v.extend(r.s2.iter().map(|(_, _, e)| e.value));
            v
        };
        for (x, z) in values(&y).iter().zip(values(&shifted)) {
            assert!((x - z).abs() < 1e-6, "{x} {z}");
        }
    }

    #[test]
    fn noise_decomposition_of_pure_noise_is_near_one() {
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        let reps = 10;
        let (mut means, mut within) = (Vec::new(), Vec::new());
        for _ in 0..400 {
            let x: Vec<f64> = (0..reps).map(|_| rng.random::<f64>()).collect();
            means.push(mean(&x));
            within.push(sample_variance(&x));
        }
        let d = noise_decomposition(&means, &within, reps, f64::NAN);
        assert!((d.noise_share - 1.0).abs() < 0.2, "{d:?}");
        assert!(d.single_run_noise_share > 0.8, "{d:?}");
    }

    #[test]
    fn bootstrap_is_seeded() {
        assert_eq!(bootstrap_indices(10, 3, 7), bootstrap_indices(10, 3, 7));
        assert_ne!(bootstrap_indices(10, 3, 7), bootstrap_indices(10, 3, 8));
    }
    #[test]
    fn regression_recovers_a_linear_model() {
        // y = 3 x1 + x2 + 0 x3 on a Latin hypercube: SRC = (3, 1, 0) / √10, R² = 1
        let (n, k) = (2000, 3);
        let x = crate::studies::sweep::design::lhs_unit(n, k, 5);
        let y: Vec<f64> = (0..n).map(|p| 3.0 * x[p * k] + x[p * k + 1]).collect();
        let r = regression_indices(&x, k, &y, &bootstrap_indices(n, 50, 1));
        let want = [3.0 / 10f64.sqrt(), 1.0 / 10f64.sqrt(), 0.0];
        for (e, w) in r.src.iter().zip(want) {
            assert!((e.value - w).abs() < 0.01, "{e:?} vs {w}");
        }
        assert!((r.r2.value - 1.0).abs() < 1e-9, "{:?}", r.r2);
        // ranks of a linear function are nearly linear; the unused input has no partial effect
        assert!(
            r.prcc[0].value > 0.9 && r.prcc[1].value > 0.5,
            "{:?}",
            r.prcc
        );
        assert!(r.prcc[2].value.abs() < 0.1, "{:?}", r.prcc);
    }

    #[test]
    fn prcc_sees_a_monotone_effect_that_src_understates() {
        // y = exp(8 x1) + noise(x2): strongly monotone in x1, far from linear
        let (n, k) = (1000, 2);
        let x = crate::studies::sweep::design::lhs_unit(n, k, 6);
        let y: Vec<f64> = (0..n)
            .map(|p| (8.0 * x[p * k]).exp() + 50.0 * (x[p * k + 1] - 0.5))
            .collect();
        let r = regression_indices(&x, k, &y, &[]);
        assert!(r.prcc[0].value > 0.95, "{:?}", r.prcc);
        assert!(r.r2_rank.value > r.r2.value, "{:?} {:?}", r.r2_rank, r.r2);
        assert!(r.src[0].value < r.prcc[0].value);
        // negative effects keep their sign
        let neg: Vec<f64> = y.iter().map(|v| -v).collect();
        let rn = regression_indices(&x, k, &neg, &[]);
        assert!((rn.prcc[0].value + r.prcc[0].value).abs() < 1e-12);
        assert!((rn.src[0].value + r.src[0].value).abs() < 1e-12);
    }

    #[test]
    fn regression_is_undefined_for_a_constant_parameter_or_too_few_points() {
        let x = vec![0.5, 0.1, 0.5, 0.7, 0.5, 0.2, 0.5, 0.9];
        let y = vec![1.0, 2.0, 3.0, 4.0];
        let r = regression_indices(&x, 2, &y, &[]);
        assert!(r.src.iter().all(|e| e.value.is_nan()));
        let r = regression_indices(&x[..4], 2, &y[..2], &[]);
        assert!(r.r2.value.is_nan());
    }

    #[test]
    fn ranks_share_ties() {
        assert_eq!(ranks(&[3.0, 1.0, 3.0, 2.0]), vec![3.5, 1.0, 3.5, 2.0]);
    }

    #[test]
    fn morris_effects_divide_by_the_realised_step() {
        // p = 4 levels: the nominal step is 2/3 of the range, but a switch rounds it to 0 -> 1;
        // an output that moves by exactly 1 between the switch's two values has effect 1 per
        // full range, not 1.5 (defect: division by the nominal step)
        let unit = [0.0, 2.0 / 3.0, 1.0 / 3.0, 1.0];
        let realised = [0.0, 1.0, 0.0, 1.0];
        let y = [0.25, 1.25, 0.5, 1.5];
        let ee = elementary_effects_realised(&unit, &realised, &y, 1);
        assert_eq!(ee, vec![vec![1.0], vec![1.0]]);
        let m = morris_indices(&ee, 1, &[]);
        assert_eq!(m.mu_star[0].value, 1.0);
        // a step that rounding made zero is no effect at all, not an effect of 0
        let ee = elementary_effects_realised(&[0.0, 0.1], &[0.0, 0.0], &[1.0, 1.0], 1);
        assert!(ee[0][0].is_nan());
    }

    #[test]
    fn ranks_tie_values_equal_but_for_rounding() {
        // point means equal in exact arithmetic differ by rounding: they share their rank
        let r = ranks(&[0.3, 0.1 + 0.2, 0.5, 0.1]);
        assert_eq!(r, vec![2.5, 2.5, 4.0, 1.0]);
        // values that really differ keep their order
        let r = ranks(&[0.3, 0.3 + 1e-9, 0.1]);
        assert_eq!(r, vec![2.0, 3.0, 1.0]);
    }

    #[test]
    fn crn_noise_variance_of_means_is_unbiased_with_and_without_shared_luck() {
        // P points, R replications: y = f_p + c_r + e_pr, with c_r the luck every point shares
        // (common random numbers) and e_pr independent noise of variance 0.04. The spread of
        // the point means carries e's noise only: 0.04 / R. The mean within variance / R would
        // also count c's variance (0.09 / R), which does not spread the means.
        let (p, r) = (400, 8);
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        let mut est = Vec::new();
        for _ in 0..50 {
            let c: Vec<f64> = (0..r).map(|_| 0.3 * normal(&mut rng)).collect();
            let mut within = Vec::new();
            let mut rep_sums = vec![0.0; r];
            for q in 0..p {
                let ys: Vec<f64> = (0..r)
                    .map(|j| q as f64 * 0.01 + c[j] + 0.2 * normal(&mut rng))
                    .collect();
                for (s, y) in rep_sums.iter_mut().zip(&ys) {
                    *s += y;
                }
                within.push(sample_variance(&ys));
            }
            let rep_means: Vec<f64> = rep_sums.iter().map(|s| s / p as f64).collect();
            est.push(crn_noise_var_of_means(&within, &rep_means));
        }
        let m = mean(&est);
        let truth = 0.04 / r as f64;
        // 50 repetitions of 400 x 8 cells: the mean is within 2% of the truth
        assert!((m - truth).abs() < 0.02 * truth, "{m} vs {truth}");
    }

    /// A standard normal draw (Box-Muller), for the tests.
    fn normal(rng: &mut ChaCha8Rng) -> f64 {
        let (u, v): (f64, f64) = (rng.random(), rng.random());
        (-2.0 * (1.0 - u).ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
    }
}

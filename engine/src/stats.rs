//! Deterministic statistics: streaming moments, a bounded-memory quantile
//! sketch, Student-t intervals and paired differences.
//!
//! Everything here is fed in replication order by one thread, so results are
//! bit-identical whatever the number of threads that produced the inputs.

/// Streaming mean and variance (Welford).
#[derive(Debug, Clone, Copy, Default)]
pub struct Welford {
    n: u64,
    mean: f64,
    m2: f64,
}

impl Welford {
    /// Adds one value.
    pub fn push(&mut self, x: f64) {
        self.n += 1;
        let d = x - self.mean;
        self.mean += d / self.n as f64;
        self.m2 += d * (x - self.mean);
    }
    /// Count.
    pub fn n(&self) -> u64 {
        self.n
    }
    /// Mean (0 when empty).
    pub fn mean(&self) -> f64 {
        self.mean
    }
    /// Sample standard deviation (0 with fewer than two values).
    pub fn sd(&self) -> f64 {
        Self::sd_of(self.n, self.m2)
    }

    /// The sample standard deviation of `n` values whose squared deviations sum to `m2`, as
    /// [`Welford::sd`] gives it (for callers that keep the moments of many series in arrays).
    pub fn sd_of(n: u64, m2: f64) -> f64 {
        if n < 2 {
            0.0
        } else {
            (m2 / (n - 1) as f64).sqrt()
        }
    }
}

/// A deterministic quantile sketch with bounded memory (a KLL-style compactor
/// stack with alternating, not random, offsets).
///
/// Exact (type-7 interpolation) while it holds at most `k` values; after that
/// each level keeps at most its capacity, so memory stays O(k) whatever the
/// count, with rank error of order 1/k.
#[derive(Debug, Clone)]
pub struct QuantileSketch {
    k: usize,
    /// values as their total-order keys ([`order_key`]): sorting the keys as integers orders the
    /// values as `f64::total_cmp` does, faster
    levels: Vec<Vec<i64>>,
    flips: Vec<bool>,
    n: u64,
    /// capacity of each level (they change only when a level is added)
    caps: Vec<usize>,
    /// a level may be over its capacity: the next push checks every level
    unsettled: bool,
    /// while every value so far is the same finite value: its key and how many there were. The
    /// levels stay empty meanwhile; the first other value replays them (so the sketch is the
    /// same as if they had been pushed), and a series that never changes (a metric of a
    /// mechanism the scenario switches off) costs nothing
    constant: Option<(i64, u64)>,
    /// room level 0 takes when its first value arrives (0: it grows as a `Vec` grows); see
    /// [`QuantileSketch::expecting`]
    room: usize,
}

impl QuantileSketch {
    /// A sketch that is exact up to `k` values (k >= 8).
    pub fn new(k: usize) -> Self {
        let k = k.max(8);
        let mut s = QuantileSketch {
            k,
            levels: vec![Vec::new()],
            flips: vec![false],
            n: 0,
            caps: Vec::new(),
            unsettled: false,
            constant: None,
            room: 0,
        };
        s.set_capacities();
        s
    }

    /// A sketch that is exact up to `k` values and expects about `n`: level 0 takes room for
    /// `min(n, k + 1)` keys at once when its first value arrives, instead of growing by doubling
    /// (a copy at every doubling, and up to twice the room it needs). The values are the same as
    /// [`QuantileSketch::new`]'s; a sketch whose values are all one (which keeps no keys) takes
    /// no room.
    pub fn expecting(k: usize, n: u64) -> Self {
        let mut s = QuantileSketch::new(k);
        s.room = usize::try_from(n).unwrap_or(usize::MAX).min(s.k + 1);
        s
    }

    fn capacity(&self, h: usize) -> usize {
        let depth = self.levels.len() - 1 - h;
        ((self.k as f64) * (2.0f64 / 3.0).powi(depth as i32))
            .ceil()
            .max(8.0) as usize
    }

    fn set_capacities(&mut self) {
        self.caps = (0..self.levels.len()).map(|h| self.capacity(h)).collect();
    }

    /// Adds one value.
    pub fn push(&mut self, x: f64) {
        let key = order_key(x);
        match self.constant {
            Some((c, ref mut count)) if c == key => {
                *count += 1;
                self.n += 1;
                return;
            }
            Some((c, count)) => {
                self.constant = None;
                self.n = 0;
                for _ in 0..count {
                    self.push_key(c);
                }
            }
            None if self.n == 0 && x.is_finite() => {
                self.constant = Some((key, 1));
                self.n = 1;
                return;
            }
            None => {}
        }
        self.push_key(key);
    }

    /// Adds one value, as its key, to the levels.
    fn push_key(&mut self, key: i64) {
        self.n += 1;
        if self.room > 0 {
            self.levels[0].reserve_exact(std::mem::take(&mut self.room));
        }
        self.levels[0].push(key);
        // Fast path: while no level is over capacity, a push can overflow only level 0 (with a
        // single level its capacity is k). Any compaction makes the next push check every level,
        // exactly as checking every level on every push would.
        if !self.unsettled && self.levels[0].len() <= self.caps[0] {
            return;
        }
        let mut compacted = false;
        let mut h = 0;
        while h < self.levels.len() {
            if self.levels[h].len() > self.caps[h] {
                self.compact(h);
                compacted = true;
            }
            h += 1;
        }
        self.unsettled = compacted;
    }

    /// Adds values in order (the same as pushing them one by one).
    pub fn extend(&mut self, xs: &[f64]) {
        for &x in xs {
            self.push(x);
        }
    }

    fn compact(&mut self, h: usize) {
        if h + 1 == self.levels.len() {
            self.levels.push(Vec::new());
            self.flips.push(false);
            self.set_capacities();
        }
        let mut buf = std::mem::take(&mut self.levels[h]);
        // equal keys are bit-identical values: an unstable sort gives the same order
        buf.sort_unstable();
        // An odd leftover stays at this level.
        let leftover = if buf.len() % 2 == 1 { buf.pop() } else { None };
        let off = usize::from(self.flips[h]);
        self.flips[h] = !self.flips[h];
        self.levels[h + 1].extend(buf.iter().skip(off).step_by(2).copied());
        // level 0, compacted most often, starts again with room for what it takes before its
        // next compaction; the others grow as needed (memory stays close to what they hold)
        if h == 0 {
            self.levels[0].reserve_exact(self.caps[0] + 1);
        }
        self.levels[h].extend(leftover);
    }

    /// Number of values pushed.
    pub fn count(&self) -> u64 {
        self.n
    }

    /// The q-quantile (q in [0, 1]); NaN when empty.
    pub fn quantile(&self, q: f64) -> f64 {
        self.quantiles(&[q])[0]
    }

    /// Several quantiles at once, from one sort (each the same as [`QuantileSketch::quantile`]).
    pub fn quantiles(&self, qs: &[f64]) -> Vec<f64> {
        if self.n == 0 {
            return vec![f64::NAN; qs.len()];
        }
        if let Some((c, _)) = self.constant {
            // every value is this finite one: every quantile (type-7 or weighted) is it
            return vec![key_value(c); qs.len()];
        }
        if self.levels.len() == 1 {
            let mut keys = self.levels[0].clone();
            keys.sort_unstable();
            let v: Vec<f64> = keys.into_iter().map(key_value).collect();
            return qs.iter().map(|&q| quantile_sorted(&v, q)).collect();
        }
        let mut items: Vec<(i64, f64)> = Vec::new();
        for (h, lv) in self.levels.iter().enumerate() {
            let w = (1u64 << h) as f64;
            items.extend(lv.iter().map(|&x| (x, w)));
        }
        items.sort_by_key(|x| x.0);
        let items: Vec<(f64, f64)> = items.into_iter().map(|(k, w)| (key_value(k), w)).collect();
        let total: f64 = items.iter().map(|x| x.1).sum();
        qs.iter()
            .map(|&q| {
                let target = q.clamp(0.0, 1.0) * total;
                let mut acc = 0.0;
                for (x, w) in &items {
                    acc += w;
                    if acc >= target {
                        return *x;
                    }
                }
                items.last().map_or(f64::NAN, |x| x.0)
            })
            .collect()
    }
}

/// The key of `x` in the total order of `f64::total_cmp`: keys compare as integers exactly as
/// the values compare under `total_cmp`.
fn order_key(x: f64) -> i64 {
    let b = x.to_bits() as i64;
    b ^ ((((b >> 63) as u64) >> 1) as i64)
}

/// The value of a key ([`order_key`] is its own inverse).
fn key_value(k: i64) -> f64 {
    f64::from_bits((k ^ ((((k >> 63) as u64) >> 1) as i64)) as u64)
}

/// Type-7 quantile (linear interpolation, as R's default) of sorted values; NaN when empty.
pub fn quantile_sorted(v: &[f64], q: f64) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    let h = (v.len() - 1) as f64 * q.clamp(0.0, 1.0);
    let lo = h.floor() as usize;
    let hi = h.ceil() as usize;
    v[lo] + (h - lo as f64) * (v[hi] - v[lo])
}

/// Standard normal quantile (Acklam's rational approximation, relative error < 1.2e-9).
pub fn normal_quantile(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969683028665376e1,
        2.209460984245205e2,
        -2.759285104469687e2,
        1.383_577_518_672_69e2,
        -3.066479806614716e1,
        2.506628277459239,
    ];
    const B: [f64; 5] = [
        -5.447609879822406e1,
        1.615858368580409e2,
        -1.556989798598866e2,
        6.680131188771972e1,
        -1.328068155288572e1,
    ];
    const C: [f64; 6] = [
        -7.784894002430293e-3,
        -3.223964580411365e-1,
        -2.400758277161838,
        -2.549732539343734,
        4.374664141464968,
        2.938163982698783,
    ];
    const D: [f64; 4] = [
        7.784695709041462e-3,
        3.224671290700398e-1,
        2.445134137142996,
        3.754408661907416,
    ];
    let p = p.clamp(1e-300, 1.0 - 1e-16);
    let pl = 0.02425;
    if p < pl {
        let q = (-2.0 * p.ln()).sqrt();
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    } else if p <= 1.0 - pl {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    } else {
        -normal_quantile(1.0 - p)
    }
}

/// Student-t quantile with `df` degrees of freedom (exact for df = 1, 2; Cornish–Fisher otherwise).
pub fn t_quantile(p: f64, df: f64) -> f64 {
    if df <= 0.0 {
        return f64::NAN;
    }
    if df == 1.0 {
        return (std::f64::consts::PI * (p - 0.5)).tan();
    }
    if df == 2.0 {
        return (2.0 * p - 1.0) / (2.0 * p * (1.0 - p)).sqrt();
    }
    let z = normal_quantile(p);
    let (z2, v) = (z * z, df);
    z + (z2 * z + z) / (4.0 * v)
        + (5.0 * z2 * z2 * z + 16.0 * z2 * z + 3.0 * z) / (96.0 * v * v)
        + (3.0 * z2 * z2 * z2 * z + 19.0 * z2 * z2 * z + 17.0 * z2 * z - 15.0 * z)
            / (384.0 * v * v * v)
        + (79.0 * z.powi(9) + 776.0 * z.powi(7) + 1482.0 * z.powi(5)
            - 1920.0 * z.powi(3)
            - 945.0 * z)
            / (92160.0 * v.powi(4))
}

/// Mean, sd and 95% confidence interval of the mean of `v` (t-based). With fewer than two
/// values the interval is undefined: NaN at both ends (shown as n/a, never as significant).
pub fn mean_ci95(v: &[f64]) -> (f64, f64, f64, f64) {
    let mut w = Welford::default();
    for &x in v {
        w.push(x);
    }
    let n = w.n() as f64;
    let (m, sd) = (w.mean(), w.sd());
    if n < 2.0 {
        return (m, sd, f64::NAN, f64::NAN);
    }
    let h = t_quantile(0.975, n - 1.0) * sd / n.sqrt();
    (m, sd, m - h, m + h)
}

/// Mean, sd and 95% confidence interval of the mean of shares (values in [0, 1]): the t interval
/// on the logit scale (delta method: half-width `t · se / (m (1 − m))`), mapped back, so both ends
/// lie within [0, 1] and the interval is asymmetric near 0 and 1 as a share's uncertainty is.
/// When every value is equal the interval is that value; with fewer than two values, NaN.
pub fn share_ci95(v: &[f64]) -> (f64, f64, f64, f64) {
    let (m, sd, lo, hi) = mean_ci95(v);
    if lo.is_nan() {
        return (m, sd, lo, hi);
    }
    if sd == 0.0 || !(m > 0.0 && m < 1.0) {
        return (m, sd, lo.clamp(0.0, 1.0).min(m), hi.clamp(0.0, 1.0).max(m));
    }
    let n = v.len() as f64;
    let se = sd / n.sqrt();
    let h = t_quantile(0.975, n - 1.0) * se / (m * (1.0 - m));
    let logit = (m / (1.0 - m)).ln();
    let expit = |x: f64| 1.0 / (1.0 + (-x).exp());
    (m, sd, expit(logit - h), expit(logit + h))
}

/// [`share_ci95`] when `share` (the metric is bounded in [0, 1]), else [`mean_ci95`].
pub fn metric_ci95(v: &[f64], share: bool) -> (f64, f64, f64, f64) {
    if share {
        share_ci95(v)
    } else {
        mean_ci95(v)
    }
}

/// Paired comparison of `a` (scenario) against `b` (baseline), replication by replication.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Paired {
    /// mean of a
    pub mean: f64,
    /// mean of b
    pub baseline_mean: f64,
    /// mean of a - b
    pub diff_mean: f64,
    /// 95% CI of the mean difference, lower
    pub diff_ci95_low: f64,
    /// 95% CI of the mean difference, upper
    pub diff_ci95_high: f64,
    /// var(a - b) / (var(a) + var(b)): below 1 when common random numbers help
    pub variance_ratio: f64,
}

/// Paired statistics of two equally long samples.
pub fn paired(a: &[f64], b: &[f64]) -> Paired {
    let n = a.len().min(b.len());
    let d: Vec<f64> = (0..n).map(|i| a[i] - b[i]).collect();
    let (dm, dsd, lo, hi) = mean_ci95(&d);
    let (am, asd, _, _) = mean_ci95(&a[..n]);
    let (bm, bsd, _, _) = mean_ci95(&b[..n]);
    let unpaired = asd * asd + bsd * bsd;
    let variance_ratio = if unpaired > 0.0 {
        dsd * dsd / unpaired
    } else if dsd == 0.0 {
        0.0
    } else {
        f64::INFINITY
    };
    Paired {
        mean: am,
        baseline_mean: bm,
        diff_mean: dm,
        diff_ci95_low: lo,
        diff_ci95_high: hi,
        variance_ratio,
    }
}

/// Decimals that show a value of this size in a terminal table: 3 below 10, 1 below 100, none
/// from 100 up.
pub fn decimals(magnitude: f64) -> usize {
    if magnitude >= 100.0 {
        0
    } else if magnitude >= 10.0 {
        1
    } else {
        3
    }
}

/// The logarithm of the gamma function for `x > 0` (Lanczos, g = 7, nine coefficients:
/// relative error near 1e-15).
pub fn ln_gamma(x: f64) -> f64 {
    const G: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        // reflection
        let pi = std::f64::consts::PI;
        return (pi / (pi * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let t = x + 7.5;
    let mut a = G[0];
    for (i, g) in G.iter().enumerate().skip(1) {
        a += g / (x + i as f64);
    }
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + a.ln()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn welford_matches_two_pass() {
        let v = [1.0, 2.0, 4.0, 8.0, 16.0];
        let mut w = Welford::default();
        v.iter().for_each(|&x| w.push(x));
        assert!((w.mean() - 6.2).abs() < 1e-12);
        let var = v.iter().map(|x| (x - 6.2) * (x - 6.2)).sum::<f64>() / 4.0;
        assert!((w.sd() - var.sqrt()).abs() < 1e-12);
    }

    #[test]
    fn sketch_exact_when_small_and_close_when_large() {
        let mut s = QuantileSketch::new(64);
        for i in 0..50 {
            s.push(f64::from(i));
        }
        assert_eq!(s.quantile(0.5), 24.5);
        let mut big = QuantileSketch::new(64);
        let n = 20000;
        for i in 0..n {
            // a deterministic permutation of 0..n
            big.push(f64::from((i * 7919) % n));
        }
        for q in [0.05, 0.25, 0.5, 0.75, 0.95] {
            let got = big.quantile(q) / f64::from(n);
            assert!((got - q).abs() < 0.04, "q {q} got {got}");
        }
        let held: usize = big.levels.iter().map(Vec::len).sum();
        assert!(held < 64 * 4, "sketch holds {held} values");
    }

    #[test]
    fn a_sketch_expecting_its_count_gives_the_same_quantiles_in_the_room_it_needs() {
        for (n, expected) in [
            (5u64, 5u64),
            (40, 40),
            (200, 200),
            (201, 201),
            (700, 200),
            (9, 0),
        ] {
            let mut plain = QuantileSketch::new(16);
            let mut sized = QuantileSketch::expecting(16, expected);
            for i in 0..n {
                // a repeated value first (the constant prefix is replayed), then a permutation
                let x = if i < 3 { 1.0 } else { ((i * 37) % n) as f64 };
                plain.push(x);
                sized.push(x);
            }
            let qs = [0.0, 0.05, 0.25, 0.5, 0.75, 0.95, 1.0];
            let (a, b) = (plain.quantiles(&qs), sized.quantiles(&qs));
            assert_eq!(a.map_bits(), b.map_bits(), "n {n}, expecting {expected}");
            assert_eq!(plain.count(), sized.count());
            if n <= 16 && expected >= n {
                // below the exact limit the levels hold every key, in exactly the room expected
                assert_eq!(sized.levels[0].capacity() as u64, expected.min(17));
            }
        }
        // all one value: no room taken
        let mut constant = QuantileSketch::expecting(200, 200);
        (0..200).for_each(|_| constant.push(2.5));
        assert_eq!(constant.levels[0].capacity(), 0);
        assert_eq!(constant.quantile(0.5), 2.5);
    }

    trait MapBits {
        fn map_bits(&self) -> Vec<u64>;
    }
    impl MapBits for Vec<f64> {
        fn map_bits(&self) -> Vec<u64> {
            self.iter().map(|x| x.to_bits()).collect()
        }
    }

    #[test]
    fn t_quantiles_match_tables() {
        assert!((t_quantile(0.975, 1.0) - 12.706).abs() < 1e-3);
        assert!((t_quantile(0.975, 2.0) - 4.303).abs() < 1e-3);
        assert!((t_quantile(0.975, 5.0) - 2.571).abs() < 5e-3);
        assert!((t_quantile(0.975, 10.0) - 2.228).abs() < 1e-3);
        assert!((t_quantile(0.975, 100.0) - 1.984).abs() < 1e-3);
        assert!((normal_quantile(0.975) - 1.959964).abs() < 1e-6);
    }

    #[test]
    fn sketch_fast_path_matches_checking_every_level() {
        // the reference: every level checked on every push (the sketch before the fast path)
        struct Reference(QuantileSketch);
        impl Reference {
            fn push(&mut self, x: f64) {
                let s = &mut self.0;
                s.n += 1;
                s.levels[0].push(order_key(x));
                let mut h = 0;
                while h < s.levels.len() {
                    if s.levels[h].len() > s.capacity(h)
                        || (s.levels.len() == 1 && s.levels[0].len() > s.k)
                    {
                        s.compact(h);
                    }
                    h += 1;
                }
            }
        }
        let mut fast = QuantileSketch::new(16);
        let mut slow = Reference(QuantileSketch::new(16));
        let mut x = 0.5f64;
        for i in 0..20_000 {
            x = (x * 3.9 * (1.0 - x)).clamp(1e-9, 1.0 - 1e-9);
            fast.push(x + f64::from(i % 7));
            slow.push(x + f64::from(i % 7));
            if i % 997 == 1 {
                assert_eq!(fast.levels, slow.0.levels, "after {i} values");
            }
        }
        for q in [0.0, 0.05, 0.5, 0.95, 1.0] {
            assert_eq!(fast.quantile(q).to_bits(), slow.0.quantile(q).to_bits());
        }
        // a long constant stretch, then other values: the same sketch as pushing them all
        for n_const in [1, 150, 201, 5000] {
            let mut fast = QuantileSketch::new(16);
            let mut slow = Reference(QuantileSketch::new(16));
            for _ in 0..n_const {
                fast.push(0.25);
                slow.push(0.25);
            }
            for q in [0.0, 0.3, 1.0] {
                assert_eq!(fast.quantile(q).to_bits(), slow.0.quantile(q).to_bits());
            }
            for i in 0..300 {
                fast.push(f64::from(i % 13) / 13.0);
                slow.push(f64::from(i % 13) / 13.0);
            }
            assert_eq!(fast.levels, slow.0.levels, "after {n_const} equal values");
            assert_eq!(fast.count(), slow.0.count());
            for q in [0.0, 0.05, 0.5, 0.95, 1.0] {
                assert_eq!(fast.quantile(q).to_bits(), slow.0.quantile(q).to_bits());
            }
        }
    }

    #[test]
    fn order_keys_sort_as_total_cmp_and_invert() {
        let mut v = vec![
            1.5,
            -0.0,
            0.0,
            -2.0,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            -f64::NAN,
            1e-300,
            -1e-300,
        ];
        let mut keys: Vec<i64> = v.iter().map(|&x| order_key(x)).collect();
        keys.sort_unstable();
        v.sort_by(f64::total_cmp);
        let back: Vec<u64> = keys.into_iter().map(|k| key_value(k).to_bits()).collect();
        assert_eq!(back, v.iter().map(|x| x.to_bits()).collect::<Vec<_>>());
    }

    #[test]
    fn undefined_and_share_intervals() {
        let (m, _, lo, hi) = mean_ci95(&[0.3]);
        assert_eq!(m, 0.3);
        assert!(lo.is_nan() && hi.is_nan());
        // a share with a t interval reaching below 0 stays within [0, 1] on the logit scale
        let v = [0.0, 0.0, 0.05, 0.0, 0.6];
        let (_, _, tlo, _) = mean_ci95(&v);
        assert!(tlo < 0.0);
        let (m, _, lo, hi) = share_ci95(&v);
        assert!(lo > 0.0 && lo < m && m < hi && hi < 1.0, "{lo} {m} {hi}");
        // all equal: the value itself; all zero: zero
        assert_eq!(share_ci95(&[0.4, 0.4, 0.4]).2, 0.4);
        let z = share_ci95(&[0.0, 0.0]);
        assert_eq!((z.2, z.3), (0.0, 0.0));
        // close to the t interval away from the bounds
        let mid: Vec<f64> = (0..100)
            .map(|i| 0.4 + 0.2 * f64::from(i % 10) / 9.0)
            .collect();
        let (_, _, a, b) = share_ci95(&mid);
        let (_, _, c, d) = mean_ci95(&mid);
        assert!((a - c).abs() < 1e-3 && (b - d).abs() < 1e-3);
        assert!(share_ci95(&[0.5]).2.is_nan());
    }

    #[test]
    fn paired_differences() {
        let b = [1.0, 2.0, 3.0, 4.0, 5.0];
        let a = [1.5, 2.4, 3.6, 4.5, 5.5];
        let p = paired(&a, &b);
        assert!((p.diff_mean - 0.5).abs() < 1e-12);
        assert!(p.diff_ci95_low < 0.5 && p.diff_ci95_high > 0.5);
        assert!(p.variance_ratio < 0.05);
    }
}

//! Designs: the points a sweep runs, as unit-cube coordinates and as parameter values.
//!
//! * grid: full factorial, last parameter varying fastest;
//! * lhs: Latin hypercube (McKay et al. 1979), one point per stratum in every dimension;
//! * morris: Morris (1991) one-at-a-time trajectories on a p-level grid, optionally the `r` of
//!   more candidates that spread most (Campolongo et al. 2007);
//! * sobol: Saltelli (2010) blocks `A, B, AB_1..AB_k [, BA_1..BA_k]` per base row, with `A` and
//!   `B` from an Owen-scrambled Sobol' sequence of dimension 2k (`sobol_burley`).
//!
//! Random choices come from a ChaCha8 stream of the sweep seed ([`DESIGN_STREAM`]), so a design
//! is a portable function of the sweep file and seed.

use super::estimators::SaltelliLayout;
use super::spec::{Method, SweepSpec};
use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};

/// ChaCha8 stream used for design randomness (far from the model's replication streams).
pub const DESIGN_STREAM: u64 = u64::MAX;

/// A design: `n` points of `k` parameters, row-major.
#[derive(Debug, Clone, PartialEq)]
pub struct Design {
    /// number of points
    pub n: usize,
    /// number of parameters
    pub k: usize,
    /// unit-cube coordinates (absent for grids, which are given in values)
    pub unit: Option<Vec<f64>>,
    /// parameter values
    pub values: Vec<f64>,
}

impl Design {
    /// The values of point `p`.
    pub fn point(&self, p: usize) -> &[f64] {
        &self.values[p * self.k..(p + 1) * self.k]
    }
}

fn rng(seed: u64) -> ChaCha8Rng {
    let mut r = ChaCha8Rng::seed_from_u64(seed);
    r.set_stream(DESIGN_STREAM);
    r
}

fn shuffle(v: &mut [usize], r: &mut ChaCha8Rng) {
    // Fisher–Yates, explicit so the order is fixed by this code, not a library version.
    for i in (1..v.len()).rev() {
        let j = r.random_range(0..=i);
        v.swap(i, j);
    }
}

/// Latin hypercube of `n` points in `k` dimensions: `u = (perm_d[i] + U) / n`.
pub fn lhs_unit(n: usize, k: usize, seed: u64) -> Vec<f64> {
    let mut r = rng(seed);
    let mut out = vec![0.0; n * k];
    for d in 0..k {
        let mut perm: Vec<usize> = (0..n).collect();
        shuffle(&mut perm, &mut r);
        for (i, &s) in perm.iter().enumerate() {
            out[i * k + d] = (s as f64 + r.random::<f64>()) / n as f64;
        }
    }
    out
}

/// Morris trajectories: `r` trajectories of `k + 1` points on the grid `{0, 1/(p−1), …, 1}`.
///
/// Each trajectory starts at a random grid point; the factors then move one at a time, in a
/// random order, by `Δ = p / (2 (p − 1))`: up when that stays within `[0, 1]`, down otherwise
/// (with `p` even every level can move exactly one way, so all levels are visited equally often).
pub fn morris_unit(r: usize, k: usize, p: usize, seed: u64) -> Vec<f64> {
    let mut g = rng(seed);
    let half = p / 2; // Δ in grid steps
    let step = 1.0 / (p - 1) as f64;
    let mut out = Vec::with_capacity(r * (k + 1) * k);
    for _ in 0..r {
        let mut lvl: Vec<usize> = (0..k).map(|_| g.random_range(0..p)).collect();
        let mut order: Vec<usize> = (0..k).collect();
        shuffle(&mut order, &mut g);
        out.extend(lvl.iter().map(|&l| l as f64 * step));
        for &i in &order {
            lvl[i] = if lvl[i] + half < p {
                lvl[i] + half
            } else {
                lvl[i] - half
            };
            out.extend(lvl.iter().map(|&l| l as f64 * step));
        }
    }
    out
}

/// Campolongo et al.'s (2007) spread of a set of Morris trajectories, each `k + 1` points of
/// `k` unit coordinates: `D = sqrt(Σ_{m<l} d_ml²)`, where `d_ml` sums the Euclidean distances
/// between every point of trajectory `m` and every point of trajectory `l`.
pub fn morris_spread(unit: &[f64], k: usize) -> f64 {
    let d = trajectory_distances(unit, k);
    let m = unit.len() / ((k + 1) * k).max(1);
    let mut sum = 0.0;
    for a in 0..m {
        for b in a + 1..m {
            sum += d[a * m + b] * d[a * m + b];
        }
    }
    sum.sqrt()
}

/// The `m × m` matrix of distances `d_ml` between trajectories (zero diagonal).
fn trajectory_distances(unit: &[f64], k: usize) -> Vec<f64> {
    let len = (k + 1) * k;
    let m = unit.len() / len.max(1);
    let mut d = vec![0.0; m * m];
    for a in 0..m {
        let ta = &unit[a * len..(a + 1) * len];
        for b in a + 1..m {
            let tb = &unit[b * len..(b + 1) * len];
            let mut s = 0.0;
            for pa in ta.chunks(k) {
                for pb in tb.chunks(k) {
                    let sq: f64 = pa.iter().zip(pb).map(|(x, y)| (x - y) * (x - y)).sum();
                    s += sq.sqrt();
                }
            }
            d[a * m + b] = s;
            d[b * m + a] = s;
        }
    }
    d
}

/// Morris trajectories chosen for spread (Campolongo et al. 2007): `candidates` trajectories are
/// drawn as by [`morris_unit`], and the `r` kept are found by backward elimination: while more
/// than `r` remain, drop the one whose removal leaves the largest spread `D` (the one with the
/// smallest `Σ_l d_ml²` over the others left; ties drop the later one). An exhaustive search over
/// all subsets is combinatorial; this is a greedy one (SALib offers an exhaustive and a local
/// greedy search). The kept trajectories stay in the order they were drawn.
pub fn morris_unit_spread(r: usize, candidates: usize, k: usize, p: usize, seed: u64) -> Vec<f64> {
    let m = candidates.max(r);
    let all = morris_unit(m, k, p, seed);
    if m == r {
        return all;
    }
    let d = trajectory_distances(&all, k);
    let mut contribution: Vec<f64> = (0..m)
        .map(|a| (0..m).map(|b| d[a * m + b] * d[a * m + b]).sum())
        .collect();
    let mut alive = vec![true; m];
    for _ in r..m {
        let mut worst: Option<usize> = None;
        for a in (0..m).filter(|&a| alive[a]) {
            if worst.is_none_or(|w| contribution[a] <= contribution[w]) {
                worst = Some(a);
            }
        }
        let Some(w) = worst else { break };
        alive[w] = false;
        for a in 0..m {
            contribution[a] -= d[a * m + w] * d[a * m + w];
        }
    }
    let len = (k + 1) * k;
    (0..m)
        .filter(|&a| alive[a])
        .flat_map(|a| all[a * len..(a + 1) * len].iter().copied())
        .collect()
}

/// The 32-bit scrambling seed of the Sobol' generator (`sobol_burley` takes 32 bits) from all 64
/// bits of a design seed: the low 32 bits, XOR-ed with a SplitMix64 hash of the high 32 bits
/// when they are not zero. Seeds below 2^32 keep the scramble they always had; above, seeds that
/// differ only in their high bits (`1` and `4294967297`, or `1` and `2^32`) no longer fold onto
/// one design. With 2^32 scrambles, two arbitrary seeds still coincide with probability 2^-32.
pub fn scramble_seed(seed: u64) -> u32 {
    let (lo, hi) = (seed as u32, seed >> 32);
    if hi == 0 {
        return lo;
    }
    // SplitMix64 (Steele et al. 2014) of the high bits
    let mut z = hi.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    lo ^ (z as u32) ^ ((z >> 32) as u32)
}

/// Saltelli design in unit coordinates for base sample `n` (≤ 2^16) and `k` parameters.
pub fn saltelli_unit(n: usize, layout: SaltelliLayout, seed: u64) -> Vec<f64> {
    let k = layout.k;
    let s = scramble_seed(seed);
    let stride = layout.stride();
    let mut out = vec![0.0; n * stride * k];
    for j in 0..n {
        let a: Vec<f64> = (0..k)
            .map(|d| f64::from(sobol_burley::sample(j as u32, d as u32, s)))
            .collect();
        let b: Vec<f64> = (0..k)
            .map(|d| f64::from(sobol_burley::sample(j as u32, (k + d) as u32, s)))
            .collect();
        let base = j * stride;
        let mut put =
            |row: usize, x: &[f64]| out[(base + row) * k..(base + row + 1) * k].copy_from_slice(x);
        put(SaltelliLayout::A, &a);
        put(SaltelliLayout::B, &b);
        for i in 0..k {
            let mut ab = a.clone();
            ab[i] = b[i];
            put(layout.ab(i), &ab);
            if layout.second_order {
                let mut ba = b.clone();
                ba[i] = a[i];
                put(layout.ba(i), &ba);
            }
        }
    }
    out
}

/// Full factorial over per-parameter value lists, last parameter fastest.
pub fn grid_values(levels: &[Vec<f64>]) -> Vec<f64> {
    let k = levels.len();
    let n: usize = levels.iter().map(Vec::len).product();
    let mut out = Vec::with_capacity(n * k);
    let mut idx = vec![0usize; k];
    for _ in 0..n {
        out.extend(idx.iter().enumerate().map(|(d, &i)| levels[d][i]));
        for d in (0..k).rev() {
            idx[d] += 1;
            if idx[d] < levels[d].len() {
                break;
            }
            idx[d] = 0;
        }
    }
    out
}

/// The Saltelli layout of a sweep.
pub fn layout(spec: &SweepSpec) -> SaltelliLayout {
    SaltelliLayout {
        k: spec.k(),
        second_order: spec.second_order,
    }
}

/// Builds the design of a validated sweep under master seed `seed` (its randomness comes from
/// [`SweepSpec::design_seed_or`]: the file's `design_seed` when it has one).
pub fn build(spec: &SweepSpec, seed: u64) -> Design {
    let k = spec.k();
    let seed = spec.design_seed_or(seed);
    let unit = match spec.method {
        Method::Design => {
            let d = spec.external.as_ref();
            return Design {
                n: d.map_or(0, |d| d.points),
                k,
                unit: None,
                values: d.map_or_else(Vec::new, |d| d.values.clone()),
            };
        }
        Method::Grid => {
            let levels = spec.grid_levels();
            let values = grid_values(&levels);
            return Design {
                n: values.len() / k.max(1),
                k,
                unit: None,
                values,
            };
        }
        Method::Lhs => lhs_unit(spec.samples, k, seed),
        Method::Morris => match spec.candidate_trajectories {
            Some(m) => morris_unit_spread(spec.samples, m, k, spec.levels, seed),
            None => morris_unit(spec.samples, k, spec.levels, seed),
        },
        Method::Sobol => saltelli_unit(spec.samples, layout(spec), seed),
    };
    let values = unit
        .chunks(k)
        .flat_map(|row| row.iter().zip(&spec.parameters).map(|(&u, p)| p.map(u)))
        .collect::<Vec<f64>>();
    Design {
        n: values.len() / k.max(1),
        k,
        unit: Some(unit),
        values,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lhs_hits_each_stratum_once() {
        let (n, k) = (37, 4);
        let u = lhs_unit(n, k, 9);
        for d in 0..k {
            let mut hit = vec![0; n];
            for i in 0..n {
                let x = u[i * k + d];
                assert!((0.0..1.0).contains(&x));
                hit[(x * n as f64) as usize] += 1;
            }
            assert!(hit.iter().all(|&h| h == 1), "dimension {d}: {hit:?}");
        }
    }

    #[test]
    fn grid_is_full_factorial() {
        let v = grid_values(&[vec![1.0, 2.0], vec![10.0, 20.0, 30.0]]);
        assert_eq!(v.len(), 2 * 3 * 2);
        assert_eq!(&v[..4], &[1.0, 10.0, 1.0, 20.0]);
        assert_eq!(&v[10..], &[2.0, 30.0]);
    }

    #[test]
    fn chosen_trajectories_spread_more_than_the_first_drawn() {
        let (r, m, k, p) = (10, 60, 6, 4);
        let len = (k + 1) * k;
        for seed in 0..5 {
            let first = morris_unit(r, k, p, seed);
            let all = morris_unit(m, k, p, seed);
            assert_eq!(first, all[..r * len]);
            let chosen = morris_unit_spread(r, m, k, p, seed);
            assert_eq!(chosen.len(), r * len);
            // every chosen trajectory is one of the candidates, none twice, in drawn order
            let at: Vec<usize> = chosen
                .chunks(len)
                .map(|t| all.chunks(len).position(|c| c == t).unwrap())
                .collect();
            assert!(at.windows(2).all(|w| w[0] < w[1]), "{at:?}");
            let (d0, d1) = (morris_spread(&first, k), morris_spread(&chosen, k));
            assert!(d1 > 1.05 * d0, "seed {seed}: spread {d1} vs {d0}");
        }
        // no more candidates than trajectories: the plain design
        assert_eq!(morris_unit_spread(r, r, k, p, 1), morris_unit(r, k, p, 1));
    }

    #[test]
    fn spread_is_the_root_sum_of_squared_trajectory_distances() {
        // two one-parameter trajectories {0, 1} and {1, 0}: the point distances are 1, 0, 0, 1
        assert_eq!(morris_spread(&[0.0, 1.0, 1.0, 0.0], 1), 2.0);
        // a third equal to the first: three pairs at distance 2
        assert_eq!(
            morris_spread(&[0.0, 1.0, 1.0, 0.0, 0.0, 1.0], 1),
            12f64.sqrt()
        );
    }

    #[test]
    fn morris_moves_one_factor_by_delta() {
        let (r, k, p) = (20, 5, 4);
        let u = morris_unit(r, k, p, 3);
        let delta = p as f64 / (2.0 * (p - 1) as f64);
        for t in 0..r {
            let mut moved = vec![false; k];
            for s in 0..k {
                let a = &u[(t * (k + 1) + s) * k..][..k];
                let b = &u[(t * (k + 1) + s + 1) * k..][..k];
                let diffs: Vec<usize> = (0..k).filter(|&i| a[i] != b[i]).collect();
                assert_eq!(diffs.len(), 1);
                assert!(((a[diffs[0]] - b[diffs[0]]).abs() - delta).abs() < 1e-12);
                moved[diffs[0]] = true;
            }
            assert!(moved.iter().all(|&m| m));
        }
    }

    #[test]
    fn sobol_designs_use_all_64_bits_of_the_seed() {
        let layout = SaltelliLayout {
            k: 2,
            second_order: false,
        };
        let one = saltelli_unit(16, layout, 1);
        // seeds that differ only in their high 32 bits used to fold onto one design
        for other in [1u64 << 32, (1u64 << 32) + 1, u64::MAX] {
            assert_ne!(saltelli_unit(16, layout, other), one, "seed {other}");
        }
        // seeds below 2^32 keep their scramble (designs of earlier versions unchanged)
        assert_eq!(scramble_seed(7), 7);
        assert_ne!(scramble_seed(1 << 32), scramble_seed(1));
        assert_ne!(scramble_seed(1 << 32), scramble_seed(2 << 32));
    }

    #[test]
    fn saltelli_blocks_share_columns() {
        let layout = SaltelliLayout {
            k: 3,
            second_order: true,
        };
        let u = saltelli_unit(8, layout, 1);
        let row = |j: usize, off: usize| &u[(j * layout.stride() + off) * 3..][..3];
        for j in 0..8 {
            let (a, b) = (row(j, 0), row(j, 1));
            for i in 0..3 {
                let ab = row(j, layout.ab(i));
                let ba = row(j, layout.ba(i));
                for d in 0..3 {
                    assert_eq!(ab[d], if d == i { b[d] } else { a[d] });
                    assert_eq!(ba[d], if d == i { a[d] } else { b[d] });
                }
            }
        }
    }
}

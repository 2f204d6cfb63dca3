//! Local partnerships (GA): one test per mechanism, and pattern 8 by direction with common
//! random numbers (same seeds and replications in every arm, paired differences).
//!
//! No test asserts a tuned value: only directions, conservation bounds and confidence
//! intervals of paired differences.

use partnersim::metrics::{metric_index, N_METRICS};
use partnersim::model::newcomers::{allocate_into, refer, Alloc, NeedPools, Offer};
use partnersim::model::partnership::Partnership;
use partnersim::model::{Config, Model, ReplicationOutput};
use partnersim::scenario::Scenario;
use std::path::Path;

const R: u64 = 40;
const SEED: u64 = 42;

fn cfg_with(pairs: &[(&str, f64)]) -> Config {
    let mut s = Scenario::from_str("test.toml", "name = \"test\"\n").unwrap();
    for (p, x) in pairs {
        s.set_value(p, *x).unwrap();
    }
    s.config()
}

fn scenario(name: &str) -> Config {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("scenarios/{name}.toml"));
    Config::from_values(&Scenario::load(&p).unwrap().values)
}

fn runs(cfg: &Config) -> Vec<ReplicationOutput> {
    (0..R).map(|r| Model::new(cfg, SEED, r).run()).collect()
}

fn m(name: &str) -> usize {
    metric_index(name).unwrap_or_else(|| panic!("metric {name}"))
}

/// Mean and 95% CI (t, 39 df) of the paired differences a - b of one summary metric.
fn paired(a: &[ReplicationOutput], b: &[ReplicationOutput], metric: &str) -> (f64, f64, f64) {
    let k = m(metric);
    let d: Vec<f64> = a
        .iter()
        .zip(b)
        .map(|(x, y)| x.summary[k] - y.summary[k])
        .collect();
    let n = d.len() as f64;
    let mean = d.iter().sum::<f64>() / n;
    let var = d.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (n - 1.0);
    let half = 2.023 * (var / n).sqrt();
    eprintln!(
        "{metric}: paired difference {mean:.6} (95% CI {:.6} .. {:.6})",
        mean - half,
        mean + half
    );
    (mean, mean - half, mean + half)
}

fn all(outs: &[ReplicationOutput]) -> Vec<&Partnership> {
    outs.iter().flat_map(|o| o.partnerships.iter()).collect()
}

fn formed_before(outs: &[ReplicationOutput], month: u32) -> usize {
    all(outs).iter().filter(|p| p.formed_month < month).count()
}

/// Dissolutions per partnership-month operated.
fn dissolution_rate(outs: &[ReplicationOutput]) -> f64 {
    let ps = all(outs);
    let dissolved = ps.iter().filter(|p| p.dissolved_month.is_some()).count() as f64;
    let months: f64 = ps.iter().map(|p| f64::from(p.months)).sum();
    dissolved / months.max(1.0)
}

const ON: (&str, f64) = ("partnerships.enabled", 1.0);

#[test]
fn formation_responds_to_champions_and_recognition_of_need() {
    let none = runs(&cfg_with(&[
        ON,
        ("partnerships.champion_rate_per_year", 0.0),
    ]));
    assert_eq!(all(&none).len(), 0, "no champion, no partnership");
    let few = runs(&cfg_with(&[
        ON,
        ("partnerships.champion_rate_per_year", 0.5),
    ]));
    let many = runs(&cfg_with(&[
        ON,
        ("partnerships.champion_rate_per_year", 2.0),
    ]));
    assert!(formed_before(&many, 36) > formed_before(&few, 36));
    // need recognized at a lower unmet-need share: more willing joiners, more partnerships
    let low = runs(&cfg_with(&[
        ON,
        ("partnerships.need_recognition_share", 1.0),
    ]));
    let high = runs(&cfg_with(&[
        ON,
        ("partnerships.need_recognition_share", 0.05),
    ]));
    let members = |o: &[ReplicationOutput]| -> usize {
        all(o)
            .iter()
            .filter(|p| p.formed_month < 36)
            .map(|p| p.ever_members.len())
            .sum()
    };
    assert!(
        members(&high) > members(&low),
        "{} vs {}",
        members(&high),
        members(&low)
    );
}

#[test]
fn informal_forms_more_easily_and_formal_lasts_longer() {
    let informal = runs(&cfg_with(&[ON, ("partnerships.formal", 0.0)]));
    let formal = runs(&cfg_with(&[ON, ("partnerships.formal", 1.0)]));
    let (fi, ff) = (formed_before(&informal, 24), formed_before(&formal, 24));
    eprintln!("formed in the first 24 months: informal {fi}, formal {ff}");
    assert!(fi > ff);
    let (di, df) = (dissolution_rate(&informal), dissolution_rate(&formal));
    eprintln!("dissolutions per partnership-month: informal {di:.4}, formal {df:.4}");
    assert!(df < di);
}

#[test]
fn secretariat_lowers_meeting_cost_per_member() {
    let per_member = |outs: &[ReplicationOutput]| {
        let ps = all(outs);
        let h: f64 = ps.iter().map(|p| p.meeting_hours).sum();
        let mm: f64 = ps.iter().map(|p| p.member_months).sum();
        assert!(mm > 0.0, "partnerships formed");
        h / mm
    };
    let base = [ON, ("partnerships.formal", 1.0)];
    let without = runs(&cfg_with(&base));
    let with = runs(&cfg_with(&[
        base[0],
        base[1],
        ("partnerships.secretariat_funded", 1.0),
    ]));
    assert!(per_member(&with) < per_member(&without));
    // A secretariat is a resource for cohesion: partnerships dissolve less. Formal
    // partnerships almost never dissolve, so this is checked where dissolution is common.
    let informal = runs(&cfg_with(&[ON]));
    let informal_sec = runs(&cfg_with(&[ON, ("partnerships.secretariat_funded", 1.0)]));
    let (d0, d1) = (dissolution_rate(&informal), dissolution_rate(&informal_sec));
    eprintln!(
        "informal dissolutions per partnership-month: without secretariat {d0:.4}, with {d1:.4}"
    );
    assert!(d1 < d0);
}

#[test]
fn referrals_move_need_to_members_with_capacity_and_create_no_hours() {
    // ISO 0: too few hours for its catchment; ISO 1: spare hours; ISO 2: spare, not a member.
    let offer = |hours: f64, restricted: f64, catchment: f64| Offer {
        hours,
        restricted_share: restricted,
        holistic_share: 0.5,
        catchment,
        effectiveness: 0.8,
    };
    let offers = [
        offer(100.0, 0.5, 0.5),
        offer(2000.0, 0.5, 0.25),
        offer(400.0, 0.0, 0.25),
    ];
    let pools = NeedPools {
        eligible: 800.0,
        beyond: 400.0,
        new_need: 0.0,
    };
    let mut served = [0.0; 3];
    let mut allocs = [Alloc::default(); 3];
    let mut tot = allocate_into(&offers, pools, &mut served, Some(&mut allocs));
    let before = served;
    let own_total = tot.eligible + tot.beyond;
    let moved = refer(&offers, &allocs, &[0, 1], 1.0, &mut served, &mut tot);
    assert!(moved > 0.0, "need moved");
    assert_eq!(
        served[0], before[0],
        "the referring ISO's hours do not grow"
    );
    assert!(
        served[1] > before[1],
        "the member with spare hours serves more"
    );
    assert_eq!(served[2], before[2], "non-members are not involved");
    let hours: f64 = offers.iter().map(|o| o.hours).sum();
    for (s, o) in served.iter().zip(&offers) {
        assert!(*s <= o.hours + 1e-9, "no ISO serves more than its hours");
    }
    assert!(tot.eligible + tot.beyond <= hours + 1e-9);
    assert!(tot.eligible <= pools.eligible + 1e-9 && tot.beyond <= pools.beyond + 1e-9);
    assert!((tot.eligible + tot.beyond - own_total - moved).abs() < 1e-9);
    // higher alignment refers more; none at intensity 0
    let mut s2 = before;
    let mut t2 = allocate_into(&offers, pools, &mut [0.0; 3], None);
    assert_eq!(refer(&offers, &allocs, &[0, 1], 0.0, &mut s2, &mut t2), 0.0);
    let low = refer(&offers, &allocs, &[0, 1], 0.25, &mut s2.clone(), &mut t2);
    assert!(low < moved);
    // restricted hours never serve need beyond the window
    let restricted_only = [offer(10.0, 0.0, 0.5), offer(1000.0, 1.0, 0.5)];
    let pools_b = NeedPools {
        eligible: 0.0,
        beyond: 1000.0,
        new_need: 0.0,
    };
    let mut sv = [0.0; 2];
    let mut al = [Alloc::default(); 2];
    let mut tb = allocate_into(&restricted_only, pools_b, &mut sv, Some(&mut al));
    assert_eq!(
        refer(&restricted_only, &al, &[0, 1], 1.0, &mut sv, &mut tb),
        0.0
    );
}

#[test]
fn referrals_in_the_model_never_exceed_capacity() {
    // With partnerships on, service hours (own + referred) stay within the month's offer:
    // the model checks need conservation every month in debug builds; here, service never
    // exceeds the no-partnership service by more than the referral hours.
    let cfg = cfg_with(&[ON, ("partnerships.initial_alignment", 3.0)]);
    let off = cfg_with(&[]);
    let (sh, rh) = (m("service_hours"), m("referral_hours"));
    for r in 0..8 {
        let a = Model::new(&cfg, SEED, r).run();
        for rec in &a.months {
            assert!(rec[rh] >= 0.0 && rec[rh] <= rec[sh] + 1e-9);
        }
        let b = Model::new(&off, SEED, r).run();
        assert_eq!(b.summary[rh], 0.0);
    }
}

#[test]
fn coordinated_reporting_lowers_members_reporting_hours() {
    let base = [ON, ("partnerships.initial_alignment", 1.0)];
    let on = runs(&cfg_with(&base));
    let off = runs(&cfg_with(&[]));
    let (d, _, hi) = paired(&on, &off, "reporting_share");
    assert!(
        d < 0.0 && hi < 0.0,
        "reporting share lower with partnerships"
    );
    assert!(on
        .iter()
        .all(|o| o.summary[m("reporting_hours_saved")] >= 0.0));
    assert!(on
        .iter()
        .any(|o| o.summary[m("reporting_hours_saved")] > 0.0));
    // consultative partnerships do not coordinate reporting
    let consult = runs(&cfg_with(&[
        ON,
        ("partnerships.max_alignment", 0.0),
        ("partnerships.initial_alignment", 0.0),
    ]));
    assert!(consult
        .iter()
        .all(|o| o.summary[m("reporting_hours_saved")] == 0.0));
}

#[test]
fn meeting_hours_appear_in_admin_share() {
    // consultative only, no referrals: the partnership's only effect is meeting time
    let cfg = cfg_with(&[
        ON,
        ("partnerships.max_alignment", 0.0),
        ("partnerships.initial_alignment", 0.0),
        ("partnerships.referral_share", 0.0),
    ]);
    let on = runs(&cfg);
    let off = runs(&cfg_with(&[]));
    let (d, lo, _) = paired(&on, &off, "admin_share");
    assert!(d > 0.0 && lo > 0.0, "admin share higher");
    let (dm, lom, _) = paired(&on, &off, "partnership_meeting_share");
    assert!(dm > 0.0 && lom > 0.0);
}

#[test]
fn disabled_partnerships_leave_no_trace() {
    let off = runs(&cfg_with(&[]));
    for name in [
        "partnerships_formed",
        "partnerships_alive",
        "partnership_members",
        "partnership_meeting_share",
        "referral_hours",
        "reporting_hours_saved",
    ] {
        assert!(off.iter().all(|o| o.summary[m(name)] == 0.0), "{name}");
    }
    assert!(off.iter().all(|o| o.partnerships.is_empty()));
    assert_eq!(off[0].summary.len(), N_METRICS);
}

#[test]
fn pattern_8_partnerships_reduce_unmet_need_and_cost_meeting_time() {
    let control = runs(&scenario("no_partnership"));
    let lip = runs(&scenario("calgary_lip"));
    let brandon = runs(&scenario("brandon_informal"));
    eprintln!("calgary_lip - no_partnership:");
    let (_, _, hi) = paired(&lip, &control, "unmet_need_share");
    assert!(hi < 0.0, "Calgary LIP: unmet need lower");
    let (_, lo, _) = paired(&lip, &control, "partnership_meeting_share");
    assert!(lo > 0.0, "Calgary LIP: meeting time");
    paired(&lip, &control, "admin_share");
    paired(&lip, &control, "reporting_share");
    paired(&lip, &control, "integration_index");
    // Brandon's partnerships are consultative: the coordinating mechanisms (coordinated
    // reporting, shared training, joint proposals, stronger referrals) start at contributory
    // alignment, so pattern 8's "partnerships that coordinate reduce unmet need" is checked on
    // Calgary above; for Brandon the effect on unmet need is only reported.
    eprintln!("brandon_informal - no_partnership:");
    paired(&brandon, &control, "unmet_need_share");
    let (_, lo, _) = paired(&brandon, &control, "partnership_meeting_share");
    assert!(lo > 0.0, "Brandon: meeting time");
    paired(&brandon, &control, "admin_share");
    // informal forms more partnerships early; formal ones last longer
    let (fb, fl) = (formed_before(&brandon, 24), formed_before(&lip, 24));
    eprintln!("formed in the first 24 months: brandon {fb}, calgary {fl}");
    assert!(fb > fl);
    let (db, dl) = (dissolution_rate(&brandon), dissolution_rate(&lip));
    eprintln!("dissolutions per partnership-month: brandon {db:.4}, calgary {dl:.4}");
    assert!(dl < db);
}

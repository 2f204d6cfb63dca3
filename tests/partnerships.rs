//! Local partnerships (GA): one test per mechanism, pattern 8 by direction with common
//! random numbers (same seeds and replications in every arm, paired differences), its
//! ablation, and a measurement of formation and persistence by kind.
//!
//! No test asserts a tuned value: only directions, conservation bounds and confidence
//! intervals of paired differences. Formation and persistence by kind are measured and
//! printed (`cargo test --release --test partnerships -- --nocapture`), not asserted.

use partnersim::input::scenario::Scenario;
use partnersim::metrics::{metric_index, N_METRICS};
use partnersim::model::newcomers::{allocate_into, refer, Alloc, NeedPools, Offer};
use partnersim::model::partnership::{Convener, Partnership};
use partnersim::model::{Config, Model, ReplicationOutput};

#[path = "common/sample.rs"]
mod sample;
use sample::{mean_ci, replication_at_end, R, SEED};
#[path = "common/scenarios.rs"]
mod scenarios;
use scenarios::{scenario, scenario_with};

fn cfg_with(pairs: &[(&str, f64)]) -> Config {
    let mut s = Scenario::from_str("test.toml", "name = \"test\"\n").unwrap();
    for (p, x) in pairs {
        s.set_value(p, *x).unwrap();
    }
    s.config()
}

fn runs(cfg: &Config) -> Vec<ReplicationOutput> {
    (0..R).map(|r| Model::new(cfg, SEED, r).run()).collect()
}

fn m(name: &str) -> usize {
    metric_index(name).unwrap_or_else(|| panic!("metric {name}"))
}

/// Mean and 95% CI of the paired differences a - b of one summary metric.
fn paired(a: &[ReplicationOutput], b: &[ReplicationOutput], metric: &str) -> (f64, f64, f64) {
    let k = m(metric);
    let d: Vec<f64> = a
        .iter()
        .zip(b)
        .map(|(x, y)| x.summary[k] - y.summary[k])
        .collect();
    let (mean, lo, hi) = mean_ci(&d);
    eprintln!("{metric}: paired difference {mean:.6} (95% CI {lo:.6} .. {hi:.6})");
    (mean, lo, hi)
}

fn all(outs: &[ReplicationOutput]) -> Vec<&Partnership> {
    outs.iter().flat_map(|o| o.partnerships.iter()).collect()
}

fn formed_before(outs: &[ReplicationOutput], month: u32) -> usize {
    all(outs).iter().filter(|p| p.formed_month < month).count()
}

/// Dissolutions per partnership-month operated, over the partnerships `keep` selects.
fn dissolution_rate(ps: &[&Partnership]) -> f64 {
    let dissolved = ps.iter().filter(|p| p.dissolved_month.is_some()).count() as f64;
    let months: f64 = ps.iter().map(|p| f64::from(p.months)).sum();
    dissolved / months.max(1.0)
}

fn by(outs: &[ReplicationOutput], convener: Convener) -> Vec<&Partnership> {
    all(outs)
        .into_iter()
        .filter(|p| p.convener == convener)
        .collect()
}

const ON: (&str, f64) = ("partnerships.enabled", 1.0);

#[test]
fn formation_responds_to_champions_and_recognition_of_need() {
    let none = runs(&cfg_with(&[
        ON,
        ("partnerships.champion_rate_per_year", 0.0),
    ]));
    assert_eq!(
        all(&none).len(),
        0,
        "no champion, no facilitator, no call: no partnership"
    );
    let few = runs(&cfg_with(&[
        ON,
        ("partnerships.champion_rate_per_year", 0.5),
    ]));
    let many = runs(&cfg_with(&[
        ON,
        ("partnerships.champion_rate_per_year", 2.0),
    ]));
    assert!(formed_before(&many, 36) > formed_before(&few, 36));
    assert!(all(&many)
        .iter()
        .all(|p| !p.formal && p.convener == Convener::Champion || p.convener == Convener::Parent));
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
fn a_funders_call_forms_a_formal_funded_partnership() {
    // No champion: only the funder's call convenes. Calls every 36 months. The call's terms
    // are taken (the kind follows the convener): whether a group accepts them is
    // tests/partnership_formation.rs.
    let cfg = cfg_with(&[
        ON,
        ("partnerships.champion_rate_per_year", 0.0),
        ("partnerships.call_interval_months", 36.0),
        ("partnerships.kind_chosen", 0.0),
    ]);
    let outs = runs(&cfg);
    let ps = all(&outs);
    assert!(!ps.is_empty(), "the call formed partnerships");
    for p in &ps {
        assert!(
            p.formal && p.convener == Convener::Funder || p.convener == Convener::Parent,
            "only the call and sub-partnerships form formal partnerships"
        );
        if p.convener == Convener::Funder {
            assert!(
                p.alignment_max_reached >= 2,
                "a funded partnership is contributory"
            );
            assert!(!p.alive() || p.secretariat, "funded while calls continue");
        }
    }
    // at most one funded partnership operates at a time
    for o in &outs {
        let funded = o
            .partnerships
            .iter()
            .filter(|p| p.alive() && p.convener == Convener::Funder)
            .count();
        assert!(funded <= 1);
    }
    // without calls, nothing forms
    let none = runs(&cfg_with(&[
        ON,
        ("partnerships.champion_rate_per_year", 0.0),
    ]));
    assert!(all(&none).is_empty());
}

#[test]
fn secretariat_lowers_meeting_cost_and_is_a_resource_for_cohesion() {
    // The secretariat's strength is the share of the work it takes over: 0.5 by default, 0
    // here for a secretariat that does nothing.
    let per_member = |ps: &[&Partnership]| {
        let h: f64 = ps.iter().map(|p| p.meeting_hours).sum();
        let mm: f64 = ps.iter().map(|p| p.member_months).sum();
        assert!(mm > 0.0, "partnerships formed");
        h / mm
    };
    let cohesion = |ps: &[&Partnership]| {
        ps.iter().map(|p| p.cohesion_mean()).sum::<f64>() / ps.len().max(1) as f64
    };
    // The call's terms are taken (the kind follows the convener), so that both arms have
    // funded partnerships to compare.
    let base = [
        ON,
        ("partnerships.champion_rate_per_year", 0.0),
        ("partnerships.call_interval_months", 36.0),
        ("partnerships.kind_chosen", 0.0),
    ];
    let with = runs(&cfg_with(&base));
    let without = runs(&cfg_with(&[
        base[0],
        base[1],
        base[2],
        base[3],
        ("partnerships.secretariat_meeting_saving_share", 0.0),
    ]));
    let (fw, fo) = (by(&with, Convener::Funder), by(&without, Convener::Funder));
    eprintln!(
        "funded partnerships, meeting hours per member-month: with secretariat {:.2}, without {:.2}",
        per_member(&fw),
        per_member(&fo)
    );
    assert!(per_member(&fw) < per_member(&fo));
    eprintln!(
        "funded partnerships, mean cohesion: with secretariat {:.3}, without {:.3}",
        cohesion(&fw),
        cohesion(&fo)
    );
    assert!(cohesion(&fw) > cohesion(&fo));
}

#[test]
fn a_facilitator_brings_partners_together_and_leads_their_early_months() {
    // Only a facilitator convenes; membership closed so that members are those who joined at
    // formation.
    let base = [
        ON,
        ("partnerships.champion_rate_per_year", 0.0),
        ("partnerships.facilitator_rate_per_year", 1.0),
        ("partnerships.open_membership", 0.0),
    ];
    let cfg = |pairs: &[(&str, f64)]| {
        let mut v = base.to_vec();
        v.extend_from_slice(pairs);
        cfg_with(&v)
    };
    let joined = |o: &[ReplicationOutput]| -> usize {
        by(o, Convener::Facilitator)
            .iter()
            .filter(|p| p.formed_month < 36)
            .map(|p| p.ever_members.len())
            .sum()
    };
    let informed = runs(&cfg(&[]));
    let uninformed = runs(&cfg(&[(
        "partnerships.facilitation_familiarity_share",
        0.0,
    )]));
    eprintln!(
        "members of facilitated partnerships formed in 36 months: with information sharing {}, without {}",
        joined(&informed),
        joined(&uninformed)
    );
    assert!(joined(&informed) > joined(&uninformed));
    assert!(by(&informed, Convener::Facilitator)
        .iter()
        .all(|p| !p.formal && p.other_orgs[5] > 0));
    // the facilitator's support in the early months is leadership: partnerships last longer
    let supported = dissolution_rate(&by(&informed, Convener::Facilitator));
    let alone = runs(&cfg(&[("partnerships.facilitation_months", 0.0)]));
    let unsupported = dissolution_rate(&by(&alone, Convener::Facilitator));
    eprintln!(
        "facilitated partnerships, dissolutions per partnership-month: supported {supported:.4}, unsupported {unsupported:.4}"
    );
    assert!(supported < unsupported);
    // no facilitator, no facilitated partnership
    let none = runs(&cfg(&[("partnerships.facilitator_rate_per_year", 0.0)]));
    assert!(all(&none).is_empty());
}

#[test]
fn cohesive_operational_partnerships_spawn_formal_sub_partnerships() {
    let base = [ON, ("partnerships.initial_alignment", 2.0)];
    let outs = runs(&cfg_with(&base));
    let subs = by(&outs, Convener::Parent);
    assert!(!subs.is_empty(), "sub-partnerships formed");
    for o in &outs {
        for p in o.partnerships.iter().filter(|p| p.is_sub()) {
            let parent = &o.partnerships[p.parent.unwrap()];
            assert!(p.formal && !p.secretariat && !p.open);
            assert!(!parent.formal && !parent.is_sub());
            assert!(
                parent.alignment_max_reached >= 3,
                "the parent was operational"
            );
            assert!(p.alignment_max_reached >= 3);
            assert!(p.formed_month > parent.formed_month);
            assert!(p
                .ever_members
                .iter()
                .all(|i| parent.ever_members.contains(i)));
            assert!(p.ever_members.len() >= 2);
        }
    }
    eprintln!(
        "sub-partnerships: {} formed in {R} replications, dissolutions per partnership-month {:.4}",
        subs.len(),
        dissolution_rate(&subs)
    );
    let none = runs(&cfg_with(&[
        base[0],
        base[1],
        ("partnerships.sub_rate_per_year", 0.0),
    ]));
    assert!(by(&none, Convener::Parent).is_empty());
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
    let fresh = allocs;
    let before = served;
    let own_total = tot.eligible + tot.beyond;
    let moved = refer(&offers, &mut allocs, &[0, 1], 1.0, &mut served, &mut tot);
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
    // the same referral again finds nothing left to move: need and spare hours were used up
    let again = refer(&offers, &mut allocs, &[0, 1], 1.0, &mut served, &mut tot);
    assert!(again.abs() < 1e-9, "moved twice: {again}");
    // higher alignment refers more; none at intensity 0
    let mut s2 = before;
    let mut t2 = allocate_into(&offers, pools, &mut [0.0; 3], None);
    assert_eq!(
        refer(&offers, &mut fresh.clone(), &[0, 1], 0.0, &mut s2, &mut t2),
        0.0
    );
    let low = refer(
        &offers,
        &mut fresh.clone(),
        &[0, 1],
        0.25,
        &mut s2.clone(),
        &mut t2,
    );
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
        refer(&restricted_only, &mut al, &[0, 1], 1.0, &mut sv, &mut tb),
        0.0
    );
}

#[test]
fn an_iso_in_two_partnerships_never_serves_more_than_its_hours() {
    // ISO 1 has a little spare time and belongs to a main partnership {0, 1} and a
    // sub-partnership {1, 2}; ISOs 0 and 2 have far more need than ISO 1 can serve.
    let offer = |hours: f64, catchment: f64| Offer {
        hours,
        restricted_share: 0.0,
        holistic_share: 0.0,
        catchment,
        effectiveness: 1.0,
    };
    let offers = [offer(10.0, 0.45), offer(300.0, 0.1), offer(10.0, 0.45)];
    let pools = NeedPools {
        eligible: 1000.0,
        beyond: 0.0,
        new_need: 0.0,
    };
    let mut served = [0.0; 3];
    let mut allocs = [Alloc::default(); 3];
    let mut tot = allocate_into(&offers, pools, &mut served, Some(&mut allocs));
    let spare = allocs[1].unrestricted_left;
    assert!(spare > 0.0);
    let a = refer(&offers, &mut allocs, &[0, 1], 1.0, &mut served, &mut tot);
    let b = refer(&offers, &mut allocs, &[1, 2], 1.0, &mut served, &mut tot);
    assert!(a > 0.0);
    assert!(
        (a + b - spare).abs() < 1e-9,
        "both referrals together use ISO 1's spare hours once"
    );
    assert!(served[1] <= offers[1].hours + 1e-9);
}

#[test]
fn referrals_in_the_model_never_exceed_capacity() {
    // With partnerships on (sub-partnerships included), service hours (own + referred) stay
    // within the month's offer: the model checks need conservation every month in debug
    // builds; here, referral hours never exceed service hours.
    let cfg = cfg_with(&[
        ON,
        ("partnerships.initial_alignment", 3.0),
        ("partnerships.sub_rate_per_year", 4.0),
        ("partnerships.facilitator_rate_per_year", 1.0),
    ]);
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
    // consultative partnerships do not coordinate reporting (funded ones included: their
    // contributory start is capped by max_alignment)
    let consult = runs(&cfg_with(&[
        ON,
        ("partnerships.max_alignment", 0.0),
        ("partnerships.initial_alignment", 0.0),
        ("partnerships.call_interval_months", 36.0),
    ]));
    assert!(consult
        .iter()
        .all(|o| o.summary[m("reporting_hours_saved")] == 0.0));
}

#[test]
fn meeting_hours_appear_in_admin_share() {
    // consultative only, no referrals, none of GA's further factors (ODD 7.33: no businesses,
    // whose margins go to members' cash, and no departures): the partnership's only effect is
    // meeting time
    let cfg = cfg_with(&[
        ON,
        ("partnerships.max_alignment", 0.0),
        ("partnerships.initial_alignment", 0.0),
        ("partnerships.referral_share", 0.0),
        ("partnerships.spinoff_rate_per_year", 0.0),
        ("partnerships.preconception_weight", 0.0),
        ("partnerships.self_interest_spread", 0.0),
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
    // every convener set, but the switch off
    let off = runs(&cfg_with(&[
        ("partnerships.call_interval_months", 36.0),
        ("partnerships.facilitator_rate_per_year", 1.0),
    ]));
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
    // and the switch changes no other stream: arrivals are the same month by month
    let on = Model::new(&scenario("calgary_lip"), SEED, 0).run();
    let a = m("arrivals");
    for (x, y) in on.months.iter().zip(&off[0].months) {
        assert_eq!(x[a].to_bits(), y[a].to_bits());
    }
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
    eprintln!("brandon_informal - no_partnership:");
    // Printed, not asserted: with GA's further factors (ODD §7.33) informal members leave
    // when their disposition turns and Brandon's informal partnerships last half as long, so
    // the reduction (-0.0053, CI -0.0075..-0.0030 without them) halves to -0.0023 (CI
    // -0.0048..0.0001) and is no longer distinguishable from 0 at 40 replications (at 100,
    // ODD §1.2's table: -0.0037, CI -0.0050..-0.0024, before -0.0064). The
    // same holds of the mechanism itself (full against no coordination benefits, ablation).
    let (mean, _, _) = paired(&brandon, &control, "unmet_need_share");
    assert!(mean < 0.0, "Brandon: unmet need lower on average");
    let (_, lo, _) = paired(&brandon, &control, "partnership_meeting_share");
    assert!(lo > 0.0, "Brandon: meeting time");
    paired(&brandon, &control, "admin_share");
    paired(&brandon, &control, "reporting_share");
    paired(&brandon, &control, "integration_index");
}

/// The coordination benefits of pattern 8's mechanism (ODD §1.2, §7.25): coordinated
/// reporting, shared professional development, joint proposals and referrals.
const NO_COORDINATION: [(&str, f64); 4] = [
    ("reporting.coordination_saving_share", 0.0),
    ("partnerships.training_learning_share", 0.0),
    ("partnerships.joint_proposal_saving_share", 0.0),
    ("partnerships.referral_share", 0.0),
];

#[test]
fn pattern_8_ablation_without_coordination_benefits_no_reduction_of_unmet_need() {
    // Partnerships still form and meet; only the benefits of coordinating are switched off.
    let control = runs(&scenario_with("no_partnership", &NO_COORDINATION));
    for name in ["calgary_lip", "brandon_informal"] {
        let full = runs(&scenario(name));
        let ablated = runs(&scenario_with(name, &NO_COORDINATION));
        eprintln!("{name} - no_partnership:");
        let (mean, _, hi) = paired(&full, &control, "unmet_need_share");
        // Brandon's informal partnerships are fragile under GA's further factors (ODD §7.33):
        // the reduction is negative on average but its CI reaches 0 (see pattern 8's test).
        if name == "calgary_lip" {
            assert!(hi < 0.0, "{name}: the pattern with its mechanism");
        } else {
            assert!(
                mean < 0.0,
                "{name}: the pattern with its mechanism, on average"
            );
        }
        eprintln!("{name} without coordination benefits - no_partnership:");
        let (_, _, hi) = paired(&ablated, &control, "unmet_need_share");
        assert!(
            hi >= 0.0,
            "{name}: no reduction of unmet need without the mechanism"
        );
        let (_, lo, _) = paired(&ablated, &control, "partnership_meeting_share");
        assert!(lo > 0.0, "{name}: partnerships still meet");
        eprintln!("{name}: full - without coordination benefits:");
        let (mean, _, hi) = paired(&full, &ablated, "unmet_need_share");
        if name == "calgary_lip" {
            assert!(hi < 0.0, "{name}: the mechanism lowers unmet need");
        } else {
            assert!(
                mean < 0.0,
                "{name}: the mechanism lowers unmet need, on average"
            );
        }
    }
}

/// Per replication, stepped to the end: every partnership and the convenings by convener.
fn stepped(cfg: &Config) -> Vec<(Vec<Partnership>, [u32; 4])> {
    (0..R)
        .map(|r| {
            let model = replication_at_end(cfg, r);
            (
                model.partnerships().to_vec(),
                model.partnership_convenings(),
            )
        })
        .collect()
}

/// Formation and persistence by kind (informal: champion or facilitator; formal: a funder's
/// call or a sub-partnership), printed: formations in the first 24 months of the submodel
/// (per replication, 95% CI), formations per convening, dissolutions per partnership-month.
/// GA's "informal ones form more easily, formal ones last" is a finding to read here, not a
/// target: the only assertions are that each kind formed.
#[test]
fn formation_and_persistence_by_kind_are_measured() {
    let mixed = scenario_with(
        "calgary_lip",
        &[("partnerships.facilitator_rate_per_year", 0.5)],
    );
    for (name, cfg) in [
        ("calgary_lip", scenario("calgary_lip")),
        ("brandon_informal", scenario("brandon_informal")),
        ("calgary_lip + facilitator", mixed),
    ] {
        let reps = stepped(&cfg);
        eprintln!("{name}:");
        let early = |formal: bool| -> Vec<f64> {
            reps.iter()
                .map(|(ps, _)| {
                    ps.iter()
                        .filter(|p| p.formal == formal && p.formed_month < 24)
                        .count() as f64
                })
                .collect()
        };
        let (fi, ff) = (early(false), early(true));
        let (mi, loi, hii) = mean_ci(&fi);
        let (mf, lof, hif) = mean_ci(&ff);
        let diff: Vec<f64> = fi.iter().zip(&ff).map(|(a, b)| a - b).collect();
        let (md, lod, hid) = mean_ci(&diff);
        eprintln!(
            "  formed in the first 24 months per replication: informal {mi:.2} [{loi:.2}, {hii:.2}], formal {mf:.2} [{lof:.2}, {hif:.2}], informal - formal {md:.2} [{lod:.2}, {hid:.2}]"
        );
        for c in Convener::ALL {
            let convened: u32 = reps.iter().map(|(_, k)| k[c as usize]).sum();
            let ps: Vec<&Partnership> = reps
                .iter()
                .flat_map(|(ps, _)| ps.iter())
                .filter(|p| p.convener == c)
                .collect();
            if convened == 0 && ps.is_empty() {
                continue;
            }
            let months: f64 = ps.iter().map(|p| f64::from(p.months)).sum();
            eprintln!(
                "  {:15}: {} convenings, {} formed ({:.2} per convening), {:.4} dissolutions per partnership-month, {:.0} months operated on average",
                c.name(),
                convened,
                ps.len(),
                f64::from(ps.len() as u32) / f64::from(convened.max(1)),
                dissolution_rate(&ps),
                months / ps.len().max(1) as f64
            );
        }
        for formal in [false, true] {
            let ps: Vec<&Partnership> = reps
                .iter()
                .flat_map(|(ps, _)| ps.iter())
                .filter(|p| p.formal == formal)
                .collect();
            eprintln!(
                "  {}: {} formed, {:.4} dissolutions per partnership-month",
                if formal { "formal  " } else { "informal" },
                ps.len(),
                dissolution_rate(&ps)
            );
        }
        let informal = reps.iter().flat_map(|(ps, _)| ps.iter()).any(|p| !p.formal);
        let formal = reps.iter().flat_map(|(ps, _)| ps.iter()).any(|p| p.formal);
        assert!(informal, "{name}: informal partnerships formed");
        assert!(formal, "{name}: formal partnerships formed");
    }
}

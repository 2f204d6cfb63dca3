//! Integration as a two-way street (ODD §7.32; MLH 6): the host community's receptivity enters
//! long-term integration beside the service newcomers receive. Receptivity never feeds back into
//! service, so each comparison below holds service fixed to the bit and checks the direction of
//! the integration effect, and that the effect goes when its mechanism is switched off.

use crate::util::{column, idx, load_with, scenario_path, Arms, Dir, SEED};
use partnersim::input::scenario::Scenario;
use partnersim::model::Model;

const R: u64 = 40;

/// Scenario `stem` with the overrides `sets` and extra TOML (events) appended, read as a file.
fn with_events(stem: &str, sets: &[&str], extra: &str) -> Scenario {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("events.toml");
    let base = scenario_path(stem);
    std::fs::write(
        &p,
        format!("extends = {:?}\n{extra}", base.display().to_string()),
    )
    .unwrap();
    let mut s = Scenario::load(&p).unwrap_or_else(|e| panic!("{e}"));
    for o in sets {
        s.apply_override(o).unwrap_or_else(|e| panic!("{o}: {e}"));
    }
    s
}

/// The arms give the same service, bit for bit, in every replication.
fn same_service(a: &Arms) {
    for m in ["service_hours", "unmet_need_share", "unique_clients"] {
        let (x, y) = (column(&a.a, m), column(&a.b, m));
        assert!(
            x.iter().zip(&y).all(|(p, q)| p.to_bits() == q.to_bits()),
            "{} vs {}: {m} differs; receptivity must not change service",
            a.label,
            a.base_label
        );
    }
}

/// Whether the arms' integration is the same, bit for bit, in every replication.
fn same_integration(a: &Arms) -> bool {
    let (x, y) = (
        column(&a.a, "integration_index"),
        column(&a.b, "integration_index"),
    );
    x.iter().zip(&y).all(|(p, q)| p.to_bits() == q.to_bits())
}

/// The same service integrates newcomers better in a more receptive host community; with
/// `community.integration_weight` 0 the difference goes.
#[test]
fn the_same_service_integrates_more_in_a_more_receptive_community() {
    let arms = |w: &str| {
        let high = load_with("baseline", &["community.initial_receptivity=0.7", w]);
        let low = load_with("baseline", &["community.initial_receptivity=0.3", w]);
        Arms::run(&high, &low, R)
    };
    let on = arms("community.integration_weight=0.5");
    same_service(&on);
    on.expect("receptivity", Dir::Up);
    let p = on.expect("integration_index", Dir::Up);
    eprintln!(
        "receptivity 0.7 vs 0.3: integration {:.5} (95% CI {:.5}..{:.5})",
        p.diff_mean, p.diff_ci95_low, p.diff_ci95_high
    );
    let off = arms("community.integration_weight=0");
    same_service(&off);
    assert!(
        same_integration(&off),
        "with integration_weight 0 receptivity changed integration"
    );
}

/// Local partnerships' work with employers and public institutions raises receptivity, and so
/// integration beyond what their service gives: against the same partnerships without
/// community work (`community.community_work_weight` 0), service is the same and integration
/// is higher. The partnerships' whole effect on integration (against no partnerships) is then
/// larger with community work than without it.
#[test]
fn partnerships_raise_integration_beyond_their_service_through_receptivity() {
    let none = load_with("no_partnership", &[]);
    for stem in ["brandon_informal", "calgary_lip"] {
        let on = load_with(stem, &[]);
        let off = load_with(stem, &["community.community_work_weight=0"]);
        let a = Arms::run(&on, &off, R);
        same_service(&a);
        // the partnerships engage host organizations either way; only its effect is off
        let work = a.paired("community_work");
        assert!(work.mean > 0.0 && work.diff_mean == 0.0, "{stem}: {work:?}");
        a.expect("receptivity", Dir::Up);
        let beyond = a.expect("integration_index", Dir::Up);
        let with_work = Arms::run(&on, &none, R).paired("integration_index");
        let without = Arms::run(&off, &none, R).paired("integration_index");
        assert!(
            with_work.diff_mean > without.diff_mean,
            "{stem}: partnerships' effect on integration {} with community work, {} without",
            with_work.diff_mean,
            without.diff_mean
        );
        eprintln!(
            "{stem}: integration beyond service {:.5} (95% CI {:.5}..{:.5}); partnerships' effect {:.5} with community work, {:.5} without",
            beyond.diff_mean, beyond.diff_ci95_low, beyond.diff_ci95_high, with_work.diff_mean, without.diff_mean
        );
    }
}

/// A timeline event that lowers receptivity lowers integration with service unchanged, and
/// changes nothing before its month; with `community.integration_weight` 0 it changes no
/// integration.
#[test]
fn an_event_lowering_receptivity_lowers_integration_with_service_unchanged() {
    let event = "[[events]]\nmonth = 24\nreceptivity_change = -0.3\n";
    let arms = |w: &str| {
        let hit = with_events("baseline", &[w], event);
        let base = load_with("baseline", &[w]);
        Arms::run(&hit, &base, R)
    };
    let on = arms("community.integration_weight=0.5");
    same_service(&on);
    on.expect("receptivity", Dir::Down);
    let p = on.expect("integration_index", Dir::Down);
    eprintln!(
        "receptivity event -0.3 at month 24: integration {:.5} (95% CI {:.5}..{:.5})",
        p.diff_mean, p.diff_ci95_low, p.diff_ci95_high
    );
    let off = arms("community.integration_weight=0");
    same_service(&off);
    assert!(
        same_integration(&off),
        "with integration_weight 0 a receptivity event changed integration"
    );
    // nothing moves before the event's month
    let hit = with_events("baseline", &[], event).config();
    let base = load_with("baseline", &[]).config();
    let (a, b) = (
        Model::new(&hit, SEED, 0).run().months,
        Model::new(&base, SEED, 0).run().months,
    );
    for t in 0..24 {
        assert_eq!(a[t].map(f64::to_bits), b[t].map(f64::to_bits), "month {t}");
    }
    let r = idx("receptivity");
    assert!(a[119][r] < b[119][r] - 0.2, "{} {}", a[119][r], b[119][r]);
}

/// A fast rise of arrivals that service cannot meet lowers receptivity (visibility), and as the
/// higher level becomes familiar receptivity recovers; with `community.visibility_weight` 0
/// the surge leaves receptivity where it was (partnerships are off in the baseline, so
/// nothing else moves it).
#[test]
fn an_unserved_surge_lowers_receptivity_until_it_becomes_familiar() {
    let surge = "[[events]]\nmonth = 12\narrivals_factor = 2\nduration_months = 24\n";
    let series = |sets: &[&str], extra: &str| {
        let cfg = with_events("baseline", sets, extra).config();
        let months = Model::new(&cfg, SEED, 0).run().months;
        let (r, u) = (idx("receptivity"), idx("unmet_need_share"));
        (
            months.iter().map(|m| m[r]).collect::<Vec<f64>>(),
            months.iter().map(|m| m[u]).collect::<Vec<f64>>(),
        )
    };
    let (hit, unmet) = series(&[], surge);
    let (calm, calm_unmet) = series(&[], "");
    let mean = |x: &[f64]| x.iter().sum::<f64>() / x.len() as f64;
    assert!(
        mean(&unmet[12..36]) > mean(&calm_unmet[12..36]),
        "the surge should leave more need unmet"
    );
    let gap = |t: usize| calm[t] - hit[t];
    eprintln!(
        "surge x2 for 24 months: receptivity gap {:.4} at its end, {:.4} at month 119",
        gap(35),
        gap(119)
    );
    assert!(
        gap(35) > 0.0,
        "the surge did not lower receptivity: {}",
        gap(35)
    );
    assert!(
        gap(119) < 0.5 * gap(35),
        "receptivity did not recover as the rise became familiar: gap {} at the surge's end, {} at the run's end",
        gap(35),
        gap(119)
    );
    let (hit0, _) = series(&["community.visibility_weight=0"], surge);
    let (calm0, _) = series(&["community.visibility_weight=0"], "");
    assert_eq!(
        hit0.iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
        calm0.iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
        "with visibility_weight 0 the surge moved receptivity"
    );
}

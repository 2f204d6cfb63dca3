//! The hot loop allocates nothing: after warm-up, a month of the model makes no
//! heap allocation, whatever the number of ISOs (checked with a counting allocator). With
//! local partnerships on, a month allocates only when a partnership forms or takes members.

use partnersim::input::scenario::Scenario;
use partnersim::model::Model;
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

struct Counting;

thread_local! {
    /// Allocations made by this thread. Only the thread that steps the model is measured: the
    /// test harness's other threads (its timer, output capture) may allocate at any moment on a
    /// loaded machine, which a process-wide count would blame on the model.
    static ALLOCS: Cell<usize> = const { Cell::new(0) };
}

fn count() {
    // `try_with`: a thread being torn down has no counter left, and is not the model's.
    let _ = ALLOCS.try_with(|c| c.set(c.get() + 1));
}

fn allocs() -> usize {
    ALLOCS.with(Cell::get)
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        count();
        unsafe { System.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        unsafe { System.dealloc(p, l) }
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, n: usize) -> *mut u8 {
        count();
        unsafe { System.realloc(p, l, n) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocations_in_months(isos: u32, overrides: &[&str]) -> usize {
    let mut s = Scenario::default();
    s.apply_override(&format!("simulation.isos={isos}"))
        .unwrap();
    s.apply_override("simulation.duration_months=60").unwrap();
    for o in overrides {
        s.apply_override(o).unwrap();
    }
    let cfg = s.config();
    let mut m = Model::new(&cfg, 3, 0);
    for _ in 0..12 {
        m.step();
    }
    let before = allocs();
    for _ in 12..48 {
        m.step();
    }
    allocs() - before
}

#[test]
fn months_allocate_nothing() {
    // 36 months including calls, fiscal-year starts, late payments and (with the override) shocks.
    assert_eq!(allocations_in_months(40, &[]), 0);
    assert_eq!(
        allocations_in_months(300, &["funders.federal.shock_probability_per_year=6"]),
        0
    );
    // The count is global, and the test harness allocates when a test ends: every
    // measurement runs inside this one test.
    partnership_months_allocate_only_when_partnerships_grow();
}

fn partnership_months_allocate_only_when_partnerships_grow() {
    // Every convener on: months in which no partnership forms and no member joins allocate
    // nothing (forming or joining may grow a list).
    let mut s = Scenario::default();
    for o in [
        "simulation.duration_months=60",
        "partnerships.enabled=true",
        "partnerships.call_interval_months=12",
        "partnerships.facilitator_rate_per_year=1",
        "partnerships.initial_alignment=\"operational\"",
        "partnerships.sub_rate_per_year=2",
    ] {
        s.apply_override(o).unwrap();
    }
    let cfg = s.config();
    let mut m = Model::new(&cfg, 3, 0);
    // per partnership: members now and ever
    let sizes = |m: &Model| -> Vec<(usize, usize)> {
        m.partnerships()
            .iter()
            .map(|p| (p.members.len(), p.ever_members.len()))
            .collect()
    };
    let (mut quiet, mut grew) = (0, 0);
    for _ in 0..12 {
        m.step();
    }
    for _ in 12..180 {
        let before = sizes(&m);
        let count = allocs();
        m.step();
        let allocs = allocs() - count;
        let after = sizes(&m);
        let growth = after.len() > before.len()
            || after
                .iter()
                .zip(&before)
                .any(|(a, b)| a.0 > b.0 || a.1 > b.1);
        if growth {
            grew += 1;
        } else {
            quiet += 1;
            assert_eq!(allocs, 0, "month {} allocated {allocs}", m.t);
        }
    }
    assert!(quiet > 0 && grew > 0, "quiet {quiet}, grew {grew}");
}

//! The choice of a partnership's kind (ODD §7.25 creation, `partnerships.kind_chosen`).
//!
//! A convening (a champion's, a facilitator's or a funder's call) gathers the ISOs it
//! approaches. Each weighs the partnership as informal and as formal with the same
//! willingness of §7.25 and disposition of §7.33: formal costs setup hours, heavier meetings
//! and the freedom to leave (members are bound for the agreement term); it buys the
//! secretariat a funder's call pays, which only a formal partnership can get. ISOs willing
//! under either kind come to the table; the group chooses the kind its members' willingness,
//! summed, favours (informal on a tie: a written agreement is drafted only when it gains the
//! group something, GA: partnerships are generally unwritten); those unwilling under the
//! chosen kind leave the table. At a call with no funded partnership operating, the most
//! cohesive informal partnership first chooses whether to formalise and take the funding.

use super::{
    ga, meeting_hours, provided_share, Convener, PartnershipMonth, Partnerships, UNIVERSITY, U_ISO,
};
use crate::model::config::PartnershipCfg;
use crate::model::Iso;

/// What a convening offers the group it gathers.
#[derive(Debug, Clone, Copy)]
pub(super) struct Offer {
    /// who convenes: a funder's call offers its secretariat to a formal partnership
    pub convener: Convener,
    /// share of free ISOs approached (1 at a call: every free ISO is invited)
    pub approach_share: f64,
    /// alignment at formation if informal
    pub informal_alignment: u8,
    /// alignment at formation if formal
    pub formal_alignment: u8,
    /// share of the agreement term a formal partnership can expect the call's secretariat: 1
    /// at a call; between calls, the part of the term after the next call when no funded
    /// partnership operates, else 0
    pub funded_share: f64,
}

/// The value (willingness units) a member with disposition `d` puts on the freedom to leave a
/// formal agreement takes away: its opposition `max(0, −d)` over the share of the agreement
/// term during which it could not leave (0 for a one-month term).
pub fn freedom_value(pc: &PartnershipCfg, d: f64) -> f64 {
    let term = f64::from(pc.agreement_months.max(1));
    (-d).max(0.0) * (1.0 - 1.0 / term)
}

/// Whether a group whose members' willingness is `(informal, formal)` chooses formal: the sum
/// over members of formal less informal is positive.
pub fn chooses_formal(w: impl Iterator<Item = (f64, f64)>) -> bool {
    w.map(|(i, f)| f - i).sum::<f64>() > 0.0
}

impl Partnerships {
    /// ISO `i`'s willingness to join partnership `k` if it is formal at alignment `a`, with the
    /// call's secretariat expected over the share `funded` of the agreement term (1: funded
    /// from formation): its expected hours with the setup, the resources a secretariat
    /// provides, its disposition, less the freedom it gives up.
    fn formal_willingness(
        &self,
        pc: &PartnershipCfg,
        m: &PartnershipMonth,
        (k, i): (usize, usize),
        funded: f64,
        a: u8,
    ) -> f64 {
        let (q, hours) = if funded >= 1.0 {
            (
                provided_share(pc, true),
                ga::expected_hours(pc, true, a, true),
            )
        } else {
            let q = funded.max(0.0) * provided_share(pc, true);
            let setup = ga::expected_setup_hours(pc, 0.0);
            (q, meeting_hours(pc, true, a, false) * (1.0 - q) + setup)
        };
        let w = self.willingness_of(pc, m, (k, i), q, hours);
        (w - freedom_value(pc, self.ga.disposition(pc, k, i))).max(0.0)
    }

    /// ISO `i`'s willingness to join partnership `k` if it is informal at alignment `a`.
    fn informal_willingness(
        &self,
        pc: &PartnershipCfg,
        m: &PartnershipMonth,
        (k, i): (usize, usize),
        a: u8,
    ) -> f64 {
        self.willingness_of(pc, m, (k, i), 0.0, meeting_hours(pc, false, a, false))
    }

    /// Share of the agreement term a formal partnership a champion or facilitator convenes in
    /// this month can expect a call's secretariat (ODD §7.25): with calls and no funded
    /// partnership operating, the part of the term after the next call; else 0.
    pub(super) fn expected_funded_share(&self, pc: &PartnershipCfg, m: &PartnershipMonth) -> f64 {
        let funded_exists = self.list.iter().any(|p| p.alive() && p.funded_until > 0);
        if m.months_to_call == 0 || funded_exists {
            return 0.0;
        }
        let term = pc.agreement_months.max(1);
        f64::from(term.saturating_sub(m.months_to_call)) / f64::from(term)
    }

    /// ODD §7.25 creation with the kind chosen: the convening `offer` approaches each free ISO
    /// (uniform below the approach share; a facilitator first raises its familiarity), which
    /// comes to the table when its uniform is below the approach share times its higher
    /// willingness; the group chooses the kind; those whose uniform is not below the approach
    /// share times their willingness under it leave; two or more form a partnership.
    pub(super) fn convene_chosen(
        &mut self,
        pc: &PartnershipCfg,
        m: &PartnershipMonth,
        isos: &[Iso],
        offer: Offer,
        other_orgs: [u32; 6],
    ) {
        let facilitated = offer.convener == Convener::Facilitator;
        let funded = offer.funded_share;
        let share = offer.approach_share;
        let k = self.list.len();
        for i in 0..isos.len() {
            let u = self.u[U_ISO + i];
            if !self.free(isos, i) || u >= share {
                continue;
            }
            if facilitated {
                self.familiarity[i] +=
                    pc.facilitation_familiarity_share * (1.0 - self.familiarity[i]);
            }
            let wi = self.informal_willingness(pc, m, (k, i), offer.informal_alignment);
            let wf = self.formal_willingness(pc, m, (k, i), funded, offer.formal_alignment);
            self.kind_willingness[i] = (wi, wf);
            if u < share * wi.max(wf) {
                self.joiners.push(i);
            }
        }
        let kw = &self.kind_willingness;
        let formal = chooses_formal(self.joiners.iter().map(|&i| kw[i]));
        let u = &self.u;
        self.joiners.retain(|&i| {
            let (wi, wf) = kw[i];
            u[U_ISO + i] < share * if formal { wf } else { wi }
        });
        if self.joiners.len() < 2 {
            return;
        }
        let mut orgs = other_orgs;
        if facilitated {
            orgs[UNIVERSITY] = orgs[UNIVERSITY].max(1);
        }
        let a = if formal {
            offer.formal_alignment
        } else {
            offer.informal_alignment
        };
        self.form(pc, m.t, (offer.convener, formal), None, a, orgs);
    }

    /// ODD §7.25 at a call with no funded partnership operating: the most cohesive operating
    /// unfunded main partnership (the earliest formed on ties) takes the call's secretariat if
    /// it is formal; if informal, it weighs formalising, at its
    /// alignment or contributory if higher, with the call's secretariat, against staying as it
    /// is; its members choose as a convening's group does. If it formalises it becomes formal,
    /// funded until the next call, closed, and its members are bound for the agreement term
    /// and spend the setup hours this month. Returns it if it did.
    pub(super) fn formalise_at_call(
        &mut self,
        pc: &PartnershipCfg,
        m: &PartnershipMonth,
    ) -> Option<usize> {
        let k = self
            .list
            .iter()
            .enumerate()
            .filter(|(_, p)| p.alive() && p.funded_until == 0 && !p.is_sub())
            .max_by(|a, b| a.1.cohesion.total_cmp(&b.1.cohesion).then(b.0.cmp(&a.0)))
            .map(|(k, _)| k)?;
        let a_inf = self.list[k].alignment;
        let a_for = a_inf.max(m.funded_alignment);
        if self.list[k].formal {
            // it already meets the call's terms: it takes the secretariat
            let p = &mut self.list[k];
            p.secretariat = true;
            p.funded_until = m.t + pc.call_interval_months;
            if a_for != p.alignment {
                p.alignment = a_for;
                p.alignment_changed = m.t;
                p.alignment_max_reached = p.alignment_max_reached.max(a_for);
            }
            return Some(k);
        }
        let formal = chooses_formal(self.list[k].members.iter().map(|&i| {
            (
                self.informal_willingness(pc, m, (k, i), a_inf),
                self.formal_willingness(pc, m, (k, i), 1.0, a_for),
            )
        }));
        if !formal {
            return None;
        }
        let p = &mut self.list[k];
        p.formal = true;
        p.formal_since = m.t;
        p.formalised_month = Some(m.t);
        p.secretariat = true;
        p.funded_until = m.t + pc.call_interval_months;
        p.bound_until = m.t + pc.agreement_months;
        p.open = false;
        if a_for != p.alignment {
            p.alignment = a_for;
            p.alignment_changed = m.t;
            p.alignment_max_reached = p.alignment_max_reached.max(a_for);
        }
        self.formal_formed += 1;
        self.formalised += 1;
        Some(k)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Config;

    #[test]
    fn freedom_counts_only_opposition_and_only_over_a_binding_term() {
        let mut pc = Config::default().partnerships;
        pc.agreement_months = 36;
        assert_eq!(freedom_value(&pc, 0.2), 0.0);
        assert!(freedom_value(&pc, -0.1) > freedom_value(&pc, -0.05));
        pc.agreement_months = 1;
        assert_eq!(freedom_value(&pc, -0.1), 0.0);
    }

    #[test]
    fn the_group_formalises_only_when_it_gains() {
        assert!(!chooses_formal([(0.5, 0.5), (0.3, 0.3)].into_iter()));
        assert!(chooses_formal([(0.5, 0.6), (0.3, 0.25)].into_iter()));
        assert!(!chooses_formal([(0.5, 0.6), (0.3, 0.1)].into_iter()));
        assert!(!chooses_formal(std::iter::empty()));
    }
}

//! The overrides that switch every mechanism of model revision 4 (issue #25) off, shared by the
//! tests that compare against revision 3.

/// The overrides that switch every mechanism of revision 4 off.
pub const REVISION_4_OFF: &[&str] = &[
    "funders.federal.authority_weight=1",
    "funders.provincial.authority_weight=1",
    "funders.municipal.authority_weight=1",
    "funders.foundation.authority_weight=1",
    "funders.federal.authority_risk_weight=0",
    "funders.provincial.authority_risk_weight=0",
    "funders.municipal.authority_risk_weight=0",
    "funders.foundation.authority_risk_weight=0",
    "funders.federal.authority_review_months=0",
    "funders.provincial.authority_review_months=0",
    "funders.municipal.authority_review_months=0",
    "funders.foundation.authority_review_months=0",
    "funders.federal.terms_chosen=false",
    "funders.provincial.terms_chosen=false",
    "funders.municipal.terms_chosen=false",
    "funders.foundation.terms_chosen=false",
    "dependence.enabled=false",
    "community.integration_weight=0",
    "sector.umbrella_enabled=false",
    "partnerships.preconception_weight=0",
    "partnerships.self_interest_spread=0",
    "partnerships.formal_setup_hours=0",
    "partnerships.spinoff_rate_per_year=0",
    "partnerships.kind_chosen=false",
];

//! What the studies hand to people: figures ([`plot`], every one as PNG and SVG, text drawn
//! without system fonts), the self-contained HTML report of a comparison or a run ([`report`])
//! and exports in other formats ([`export`]). Readers here depend on the studies' results
//! types, never the reverse.

pub mod export;
pub mod plot;
pub mod report;

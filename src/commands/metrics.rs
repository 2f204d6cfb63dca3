//! `partnersim metrics`: the metric catalogue (name, unit, summary rule, description), the names
//! every output file and sweep file uses.

use super::shared::TableFormat;
use crate::metrics::{Reduce, METRICS};
use std::io::Write;

/// Arguments of `metrics`.
#[derive(Debug, Clone)]
pub struct Args {
    /// output format
    pub format: TableFormat,
}

/// The summary rules in words, as the metric table in `docs/ODD.md` gives them.
const RULES: [(Reduce, &str); 4] = [
    (Reduce::Mean, "mean over months"),
    (Reduce::Last, "last month"),
    (Reduce::Sum, "sum over months"),
    (Reduce::Total, "run totals"),
];

/// How a metric's months reduce to its replication summary, in words.
pub fn summary_rule(r: Reduce) -> &'static str {
    RULES.iter().find(|(x, _)| *x == r).map_or("", |(_, w)| w)
}

/// Prints every metric.
pub fn execute(a: &Args, out: &mut dyn Write) -> anyhow::Result<super::shared::Outcome> {
    match a.format {
        TableFormat::Markdown => out.write_all(crate::metrics::markdown_table().as_bytes())?,
        TableFormat::Csv => {
            let mut w = csv::Writer::from_writer(Vec::new());
            w.write_record(["metric", "unit", "summary", "description"])?;
            for m in METRICS {
                w.write_record([m.name, m.unit, summary_rule(m.reduce), m.description])?;
            }
            out.write_all(&w.into_inner()?)?;
        }
    }
    Ok(super::shared::Outcome::Done)
}

//! `outputs`: metric names (or `y` for a test model).

use super::InputError;
use crate::input::tomlfile::{closest, did_you_mean};
use crate::input::Reader;
use crate::metrics::{self, METRICS};
use std::ops::Range;
use toml::de::DeTable;

/// The outputs of a sweep file and, for the model, their metric indices.
pub(super) fn outputs(
    ctx: &Reader<'_>,
    top: &DeTable<'_>,
    analytic: bool,
) -> Result<(Vec<String>, Vec<usize>), InputError> {
    let file = ctx.file;
    let whole = 0..0;
    let get = |k: &str| top.get(k);
    let outputs: Vec<(String, Option<Range<usize>>)> = match get("outputs") {
        Some(v) => {
            let allowed = if analytic {
                "[\"y\"]"
            } else {
                "metric names (`partnersim metrics`)"
            };
            let arr = ctx.array("outputs", v, allowed)?;
            if arr.is_empty() {
                return Err(ctx.bad("outputs", v, "empty", allowed));
            }
            let mut out = Vec::new();
            for x in arr.iter() {
                out.push((ctx.string("outputs", x, allowed)?, Some(x.span())));
            }
            out
        }
        None if analytic => vec![("y".to_string(), None)],
        None => metrics::REQUIRED
            .iter()
            .map(|s| (s.to_string(), None))
            .collect(),
    };
    let mut output_index = Vec::new();
    let mut seen_out: Vec<&str> = Vec::new();
    for (o, span) in &outputs {
        let span = span.clone().unwrap_or(whole.clone());
        let (line, col) = ctx.at(span.clone());
        let bad = |problem: String, allowed: &str| InputError::BadValue {
            file: file.into(),
            line,
            col,
            key: "outputs".into(),
            value: format!("\"{o}\""),
            problem,
            allowed: allowed.into(),
        };
        if seen_out.contains(&o.as_str()) {
            return Err(bad("listed twice".into(), "each output once"));
        }
        seen_out.push(o);
        if analytic {
            if o != "y" {
                return Err(bad("a test model has one output".into(), "\"y\""));
            }
        } else {
            match metrics::metric_index(o) {
                Some(i) => output_index.push(i),
                None => {
                    let h = did_you_mean(closest(o, METRICS.iter().map(|m| m.name), 0.7));
                    return Err(bad(
                        format!("unknown metric{h}"),
                        "metric names (`partnersim metrics`)",
                    ));
                }
            }
        }
    }
    Ok((outputs.into_iter().map(|(o, _)| o).collect(), output_index))
}

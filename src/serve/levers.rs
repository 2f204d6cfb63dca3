//! The levers of the classroom page, from `levers.toml` (compiled in, or a file given with
//! `--levers`) and checked against the parameter registry: each lever sets one or more
//! parameter paths to one value.

use crate::input::scenario::Scenario;
use crate::input::tomlfile::{self, closest, did_you_mean, Source};
use crate::input::{InputError, Reader};
use crate::params::{self, Kind};
use serde::{Deserialize, Serialize};
use std::path::Path;
use toml::Spanned;

/// The file as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LeverFile {
    charts: Vec<Spanned<String>>,
    lever: Vec<LeverSpec>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LeverSpec {
    id: Spanned<String>,
    label: String,
    paths: Spanned<Vec<String>>,
    #[serde(default)]
    min: Option<f64>,
    #[serde(default)]
    max: Option<f64>,
    #[serde(default)]
    step: Option<f64>,
    #[serde(default)]
    help: String,
}

/// How a lever is moved on the page.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Control {
    /// a slider
    Slider {
        /// smallest value
        min: f64,
        /// largest value
        max: f64,
        /// step
        step: f64,
        /// whole numbers only
        integer: bool,
    },
    /// an on/off switch
    Switch,
    /// one of a few words
    Choice {
        /// the words
        choices: Vec<String>,
    },
}

/// One lever, checked.
#[derive(Debug, Clone, Serialize)]
pub struct Lever {
    /// identifier (letters, digits, `_`)
    pub id: String,
    /// what the page calls it
    pub label: String,
    /// one sentence of help
    pub help: String,
    /// parameter paths it sets, all to the same value
    pub paths: Vec<String>,
    /// the unit of its parameters
    pub unit: String,
    /// how it is moved
    #[serde(flatten)]
    pub control: Control,
}

impl Lever {
    /// The lever's value in a scenario, as JSON (a number, a boolean or a word), and whether its
    /// paths hold different values there (then the first path's value is given).
    pub fn value_in(&self, s: &Scenario) -> (serde_json::Value, bool) {
        let values: Vec<f64> = self
            .paths
            .iter()
            .filter_map(|p| params::index_of(p).map(|i| s.values.0[i]))
            .collect();
        let first = values.first().copied().unwrap_or(f64::NAN);
        let mixed = values.iter().any(|v| v.to_bits() != first.to_bits());
        let v = match &self.control {
            Control::Switch => serde_json::Value::Bool(first != 0.0),
            Control::Choice { choices } => {
                serde_json::Value::String(choices.get(first as usize).cloned().unwrap_or_default())
            }
            Control::Slider { .. } => serde_json::Value::from(first),
        };
        (v, mixed)
    }
}

/// The page's levers and default charts.
#[derive(Debug, Clone, Serialize)]
pub struct Levers {
    /// metrics every lesson charts
    pub charts: Vec<String>,
    /// the levers, in file order
    pub levers: Vec<Lever>,
}

/// Parses and checks a levers file's text (`file` names it in errors): every problem is an
/// [`InputError`] at the line and column of the chart or lever it is about.
pub fn parse(file: &str, text: &str) -> Result<Levers, InputError> {
    let src = Source { file, text };
    let f: LeverFile = toml::from_str(text)
        .map_err(|e| src.syntax(e.span().unwrap_or(0..0), e.message().trim().to_string()))?;
    let r = Reader::new(src);
    for c in &f.charts {
        if crate::metrics::spec(c.get_ref()).is_none() {
            let hint = did_you_mean(closest(
                c.get_ref(),
                crate::metrics::METRICS.iter().map(|m| m.name),
                0.8,
            ));
            return Err(r.bad_key(
                c.span(),
                "charts",
                format!(
                    "`{}` is not a metric{hint} (`partnersim metrics` lists them)",
                    c.get_ref()
                ),
            ));
        }
    }
    let mut levers: Vec<Lever> = Vec::new();
    for l in f.lever {
        let bad = |msg: String| {
            r.bad_key(
                l.id.span(),
                "id",
                format!("lever `{}`: {msg}", l.id.get_ref()),
            )
        };
        let id = l.id.get_ref().clone();
        let paths = l.paths.get_ref();
        if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(bad("the id must be letters, digits and `_`".into()));
        }
        if levers.iter().any(|x| x.id == id) {
            return Err(bad("the id is used twice".into()));
        }
        if paths.is_empty() {
            return Err(bad("no paths".into()));
        }
        let mut specs = Vec::new();
        for p in paths {
            let Some(i) = params::index_of(p) else {
                let hint = crate::input::tomlfile::did_you_mean(params::suggest(p));
                return Err(r.bad_key(
                    l.paths.span(),
                    "paths",
                    format!("lever `{id}`: unknown parameter `{p}`{hint}"),
                ));
            };
            specs.push(&params::registry()[i]);
        }
        let first = specs[0];
        if specs
            .iter()
            .any(|s| s.kind != first.kind || s.unit != first.unit)
        {
            return Err(bad("its paths differ in kind or unit".into()));
        }
        let control = match first.kind {
            Kind::Bool => Control::Switch,
            Kind::Choice(words) => Control::Choice {
                choices: words.iter().map(|w| w.to_string()).collect(),
            },
            Kind::Int | Kind::Float => {
                let (Some(min), Some(max), Some(step)) = (l.min, l.max, l.step) else {
                    return Err(bad("a slider needs min, max and step".into()));
                };
                if !(min < max && step > 0.0 && step <= max - min) {
                    return Err(bad(format!(
                        "min {min}, max {max}, step {step} do not make a slider"
                    )));
                }
                for s in &specs {
                    if min < s.min || max > s.max {
                        return Err(bad(format!(
                            "{min} to {max} leaves the allowed range of `{}` ({})",
                            s.path,
                            s.range_text()
                        )));
                    }
                }
                let integer = first.kind == Kind::Int;
                if integer && (min.fract() != 0.0 || step.fract() != 0.0) {
                    return Err(bad(
                        "a whole-number parameter needs whole min and step".into()
                    ));
                }
                Control::Slider {
                    min,
                    max,
                    step,
                    integer,
                }
            }
        };
        levers.push(Lever {
            id,
            label: l.label,
            help: l.help,
            paths: l.paths.into_inner(),
            unit: first.unit.to_string(),
            control,
        });
    }
    Ok(Levers {
        charts: f.charts.into_iter().map(Spanned::into_inner).collect(),
        levers,
    })
}

/// The levers compiled into the binary (`src/serve/levers.toml`).
pub const BUILT_IN: &str = include_str!("levers.toml");

/// The built-in levers, checked.
pub fn built_in() -> Result<Levers, InputError> {
    parse("built-in levers.toml", BUILT_IN)
}

/// Reads and checks `path`.
pub fn read(path: &Path) -> Result<Levers, InputError> {
    let file = path.display().to_string();
    parse(&file, &tomlfile::read(path, &file)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_levers_fit_the_registry() {
        let l = built_in().unwrap_or_else(|e| panic!("{e}"));
        assert!(l.levers.len() >= 8);
        assert!(!l.charts.is_empty());
        // the levers are all there
        for want in [
            "contract_months",
            "core_share",
            "late_payment",
            "late_days",
            "reporting_hours",
            "rotation_federal",
            "alternatives",
            "reserves",
        ] {
            assert!(l.levers.iter().any(|x| x.id == want), "{want}");
        }
        // the baseline's value of every slider is inside its range
        let base =
            Scenario::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/baseline.toml"))
                .unwrap();
        for lever in &l.levers {
            if let (Control::Slider { min, max, .. }, (v, _)) =
                (&lever.control, lever.value_in(&base))
            {
                let v = v.as_f64().unwrap();
                assert!(
                    v >= *min && v <= *max,
                    "{}: baseline {v} outside {min}..{max}",
                    lever.id
                );
            }
        }
    }

    #[test]
    fn bad_levers_are_refused_with_the_reason() {
        let one = |body: &str| {
            parse(
                "l.toml",
                &format!(
                    "charts = [\"survival_rate\"]\n[[lever]]\nid = \"x\"\nlabel = \"X\"\n{body}"
                ),
            )
            .unwrap_err()
            .to_string()
        };
        assert!(
            one("paths = [\"funders.federal.contract_month\"]\nmin = 1\nmax = 2\nstep = 1")
                .contains("did you mean `funders.federal.contract_months`")
        );
        assert!(
            one("paths = [\"funders.federal.contract_months\"]\nmin = 0\nmax = 2\nstep = 1")
                .contains("leaves the allowed range")
        );
        assert!(one("paths = [\"funders.federal.contract_months\"]")
            .contains("needs min, max and step"));
        assert!(one("paths = [\"funders.federal.contract_months\", \"reporting.coordinated\"]\nmin = 1\nmax = 2\nstep = 1").contains("differ in kind"));
        assert!(one("paths = [\"reporting.coordinated\"]\ncolour = 1").contains("unknown field"));
        let e = parse("l.toml", "charts = [\"survival\"]\nlever = []")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("l.toml:1:11: key `charts`: `survival` is not a metric"),
            "{e}"
        );
        let e = one("paths = [\"funders.federal.contract_month\"]\nmin = 1\nmax = 2\nstep = 1");
        assert!(
            e.starts_with("l.toml:5:9: key `paths`: lever `x`: unknown parameter"),
            "{e}"
        );
        let e = one("paths = [\"reporting.coordinated\"]\ncolour = 1");
        assert!(
            e.starts_with("l.toml:6:1: TOML syntax error: unknown field `colour`"),
            "{e}"
        );
    }
}

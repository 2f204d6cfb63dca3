//! One work budget for every command: how much computing (model runs × simulated months ×
//! ISOs) and how much memory held at once a command may ask for, checked before any work starts.
//!
//! Each command describes what it is about to do as an [`Estimate`] (its model runs, the
//! ISO-months of one run and the bytes it holds at once) and asks the [`Budget`] in force
//! ([`Budget::current`]) to [`Budget::check`] it. A refusal is a [`BadInput`] (exit code 2) that
//! states the estimate, the limit and the flag that raises it (`--max-work`, `--max-memory`):
//!
//! ```text
//! compare: 1000000000 posterior draws x 2 scenarios x 2 replications = 4.0e9 model runs x 4680 ISO-months = 1.9e13 ISO-months (about 72 core-days at 3e6 ISO-months/s/core); the limit is 5.0e11 ISO-months: ask for less or raise the limit with --max-work 2e13
//! ```
//!
//! The binary sets the budget once from its flags ([`set`]); library callers (the Python
//! module, the classroom server) use the defaults or a budget of their own.

use crate::error::BadInput;
use std::sync::RwLock;

/// ISO-months a core simulates per second (about; `partnersim bench` measures it), to turn work
/// into time in messages.
pub const ISO_MONTHS_PER_CORE_SECOND: f64 = 3.0e6;
/// Default limit of work: 5e11 ISO-months, about two core-days (5e7 runs of the baseline, of
/// 9600 ISO-months each).
pub const DEFAULT_MAX_WORK: f64 = 5.0e11;
/// Default limit of memory held at once: 4 GB.
pub const DEFAULT_MAX_MEMORY: f64 = 4.0e9;

/// The limits a command's work must fit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Budget {
    /// most ISO-months (model runs × simulated months × ISOs) one command may compute
    pub max_work: f64,
    /// most bytes one command may hold in memory at once (estimated before it starts)
    pub max_memory: f64,
}

impl Default for Budget {
    fn default() -> Self {
        Budget {
            max_work: DEFAULT_MAX_WORK,
            max_memory: DEFAULT_MAX_MEMORY,
        }
    }
}

static CURRENT: RwLock<Option<Budget>> = RwLock::new(None);

/// Sets the budget of this process (the binary's `--max-work` / `--max-memory`).
pub fn set(b: Budget) {
    if let Ok(mut g) = CURRENT.write() {
        *g = Some(b);
    }
}

/// What a command is about to do.
#[derive(Debug, Clone, PartialEq)]
pub struct Estimate {
    /// the command ("compare", "sweep", …)
    pub command: String,
    /// how the runs add up, in words (`20 draws x 2 scenarios x 200 replications`)
    pub how: String,
    /// model runs (replications, evaluations); f64 so absurd requests do not overflow
    pub runs: f64,
    /// ISO-months of one run (simulated months, the warm-up's included, × ISOs); 1 for an
    /// analytic model
    pub iso_months_per_run: f64,
    /// bytes held in memory at once
    pub bytes: f64,
}

impl Estimate {
    /// Total work, ISO-months.
    pub fn work(&self) -> f64 {
        self.runs * self.iso_months_per_run.max(1.0)
    }
}

/// ISO-months of one run of a scenario: (warm-up + reported months) × ISOs.
pub fn iso_months_per_run(s: &crate::input::scenario::Scenario) -> f64 {
    use crate::params::id::simulation::{duration_months, isos, warmup_months};
    let v = |p: crate::params::Id| s.values.0[p.index];
    (v(duration_months) + v(warmup_months)).max(1.0) * v(isos).max(1.0)
}

/// A number for a message: whole below 1e6, else `4.0e9`.
pub fn num(x: f64) -> String {
    if x.is_finite() && x.abs() < 1e6 {
        format!("{x:.0}")
    } else {
        format!("{x:.1e}")
    }
}

/// A number for a flag's value: the shortest form that parses back (`2.5e11`).
fn flag_value(x: f64) -> String {
    let s = format!("{:.1e}", x * 1.05);
    s.replace(".0e", "e")
}

impl Budget {
    /// The budget in force: the one [`set`] by the binary, else the defaults.
    pub fn current() -> Budget {
        CURRENT.read().ok().and_then(|g| *g).unwrap_or_default()
    }

    /// Refuses an estimate over either limit, saying how much it asks, the limit and the flag
    /// that raises it.
    pub fn check(&self, e: &Estimate) -> Result<(), BadInput> {
        self.refuse(e, true)
    }

    /// The same rule and message for a limit the asker cannot raise (the classroom server's
    /// per-request limit): the message ends with "ask for less" instead of naming a flag.
    pub fn check_fixed(&self, e: &Estimate) -> Result<(), BadInput> {
        self.refuse(e, false)
    }

    fn refuse(&self, e: &Estimate, flags: bool) -> Result<(), BadInput> {
        let raise = |flag: &str, value: f64| {
            if flags {
                format!(
                    "ask for less or raise the limit with {flag} {}",
                    flag_value(value)
                )
            } else {
                "ask for less".to_string()
            }
        };
        let work = e.work();
        if work.is_nan() || work > self.max_work {
            let secs = work / ISO_MONTHS_PER_CORE_SECOND;
            let time = if secs >= 86_400.0 {
                format!("{} core-days", num(secs / 86_400.0))
            } else if secs >= 3_600.0 {
                format!("{} core-hours", num(secs / 3_600.0))
            } else {
                format!("{} core-seconds", num(secs))
            };
            return Err(BadInput(format!(
                "{}: {} = {} model runs x {} ISO-months = {} ISO-months (about {time} at 3e6 ISO-months/s/core); the limit is {} ISO-months: {}",
                e.command,
                e.how,
                num(e.runs),
                num(e.iso_months_per_run.max(1.0)),
                num(work),
                num(self.max_work),
                raise("--max-work", work)
            )));
        }
        if e.bytes.is_nan() || e.bytes > self.max_memory {
            return Err(BadInput(format!(
                "{}: {} holds about {} in memory at once; the limit is {}: {}",
                e.command,
                e.how,
                bytes(e.bytes),
                bytes(self.max_memory),
                raise("--max-memory", e.bytes)
            )));
        }
        Ok(())
    }
}

/// Bytes for people (`1.5 TB`), also for sizes beyond `u64`.
pub fn bytes(b: f64) -> String {
    if b.is_finite() && b < 1e15 {
        super::disk::human(b as u64)
    } else {
        format!("{b:.1e} bytes")
    }
}

/// Parses a `--max-work` or `--max-memory` value: a positive number, `1e12`, or for memory
/// also `8GB`, `500MB`, `2TB`.
pub fn parse_amount(flag: &str, text: &str) -> Result<f64, BadInput> {
    let t = text.trim();
    let (digits, scale) = [
        ("TB", 1e12),
        ("GB", 1e9),
        ("MB", 1e6),
        ("kB", 1e3),
        ("KB", 1e3),
    ]
    .iter()
    .find_map(|(suffix, s)| t.strip_suffix(suffix).map(|d| (d.trim(), *s)))
    .unwrap_or((t, 1.0));
    match digits.parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 => Ok(v * scale),
        _ => Err(BadInput(format!(
            "{flag} {}: expected a positive number such as 1e12 or 8GB",
            crate::input::tomlfile::clip(text)
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn est(runs: f64, per: f64, bytes: f64) -> Estimate {
        Estimate {
            command: "compare".into(),
            how: "1000000000 posterior draws x 2 scenarios x 2 replications".into(),
            runs,
            iso_months_per_run: per,
            bytes,
        }
    }

    #[test]
    fn work_over_the_limit_names_the_estimate_the_limit_and_the_flag() {
        let b = Budget::default();
        assert!(b.check(&est(1000.0, 4680.0, 1e6)).is_ok());
        let e = b.check(&est(4e9, 4680.0, 1e6)).unwrap_err().to_string();
        assert!(
            e.contains("4.0e9 model runs")
                && e.contains("1.9e13 ISO-months")
                && e.contains("the limit is 5.0e11")
                && e.contains("--max-work 2e13"),
            "{e}"
        );
        // the suggested value passes
        let raised = Budget {
            max_work: parse_amount("--max-work", "2e13").unwrap(),
            ..b
        };
        assert!(raised.check(&est(4e9, 4680.0, 1e6)).is_ok());
        let e = b.check(&est(10.0, 10.0, 6e12)).unwrap_err().to_string();
        assert!(
            e.contains("6.0 TB") && e.contains("4.0 GB") && e.contains("--max-memory"),
            "{e}"
        );
        assert!(b.check(&est(f64::INFINITY, 1.0, 0.0)).is_err());
        assert!(b.check(&est(f64::NAN, 1.0, 0.0)).is_err());
        // a fixed limit (the server's) gives the same message without a flag
        let fixed = b
            .check_fixed(&est(4e9, 4680.0, 1e6))
            .unwrap_err()
            .to_string();
        let flagged = b.check(&est(4e9, 4680.0, 1e6)).unwrap_err().to_string();
        assert!(
            fixed.ends_with(": ask for less") && !fixed.contains("--max"),
            "{fixed}"
        );
        assert_eq!(
            fixed.trim_end_matches("ask for less"),
            &flagged[..fixed.len() - "ask for less".len()]
        );
    }

    #[test]
    fn amounts_parse_with_units() {
        assert_eq!(parse_amount("--max-memory", "8GB").unwrap(), 8e9);
        assert_eq!(parse_amount("--max-work", "1e12").unwrap(), 1e12);
        assert!(parse_amount("--max-work", "-1").is_err());
        assert!(parse_amount("--max-work", "inf").is_err());
        assert!(parse_amount("--max-work", "lots").is_err());
    }
}

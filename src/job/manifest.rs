//! `manifest.json`: one type for every kind of result, written last (it marks a finished result)
//! and read back by `plot` and the report.
//!
//! Common fields say what wrote the result, how and when; `details` (flattened into the same
//! JSON object) is the kind's own part: the run's identity, scenario and resolved parameters, or
//! the sweep's design.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

/// The version of the output schema: the layout of `manifest.json` and of the files it lists.
/// It increments when a change would break a reader of the previous layout (a field, column or
/// file removed or renamed, or its meaning, unit or type changed); adding one does not.
/// `docs/schema.md` gives the policy and the history.
pub const SCHEMA_VERSION: u32 = 1;

/// `manifest.json` of a finished result of any kind.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest<D> {
    /// always "partnersim"
    pub tool: String,
    /// crate version
    pub version: String,
    /// [`SCHEMA_VERSION`] of the writer (0: written before the field existed)
    #[serde(default)]
    pub schema_version: u32,
    /// "run", "sweep", …
    pub kind: String,
    /// the command line, as typed
    pub command: String,
    /// worker threads of the last invocation (0 for a merge)
    pub threads: usize,
    /// start of the last invocation (UTC, RFC 3339)
    pub started_at: String,
    /// end of the last invocation (UTC, RFC 3339)
    pub finished_at: String,
    /// wall time of the last invocation, seconds
    pub wall_seconds: f64,
    /// items of the job (replications of a run, points of a sweep)
    pub items: u64,
    /// items computed by the last invocation (fewer after a resume; 0 for a merge)
    pub items_computed: u64,
    /// the shard directories a merge read, in the order given
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub merged_from: Vec<String>,
    /// files written, relative to the directory
    pub files: Vec<String>,
    /// the kind's own fields
    #[serde(flatten)]
    pub details: D,
}

/// When an invocation started, for the manifest's timing fields.
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    start: Instant,
    started_at: SystemTime,
}

impl Clock {
    /// Now.
    pub fn start() -> Clock {
        Clock {
            start: Instant::now(),
            started_at: SystemTime::now(),
        }
    }
    /// Seconds since the start.
    pub fn seconds(&self) -> f64 {
        self.start.elapsed().as_secs_f64()
    }
}

/// How the items of a finished job were obtained, for the manifest.
#[derive(Debug, Clone, Default)]
pub struct Provenance {
    /// the command line
    pub command: String,
    /// worker threads (0 for a merge)
    pub threads: usize,
    /// items of the job
    pub items: u64,
    /// items computed by this invocation
    pub items_computed: u64,
    /// shard directories merged
    pub merged_from: Vec<String>,
}

impl Provenance {
    /// A job computed here (merged from nothing): `computed` of its `items` by this invocation
    /// of `command` on `threads` workers.
    pub fn computed(command: &str, threads: usize, items: u64, computed: u64) -> Provenance {
        Provenance {
            command: command.to_string(),
            threads,
            items,
            items_computed: computed,
            merged_from: Vec::new(),
        }
    }
}

impl<D: Serialize + DeserializeOwned> Manifest<D> {
    /// A manifest finished now.
    pub fn new(kind: &str, p: Provenance, clock: Clock, files: Vec<String>, details: D) -> Self {
        Manifest {
            tool: "partnersim".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            schema_version: SCHEMA_VERSION,
            kind: kind.into(),
            command: p.command,
            threads: p.threads,
            started_at: rfc3339(clock.started_at),
            finished_at: rfc3339(SystemTime::now()),
            wall_seconds: clock.seconds(),
            items: p.items,
            items_computed: p.items_computed,
            merged_from: p.merged_from,
            files,
            details,
        }
    }

    /// Writes the manifest into `dir` (atomically, last), once every file it lists exists;
    /// removes the chunks (the result is finished) and releases the directory's lock.
    pub fn write_last(&self, dir: &Path) -> anyhow::Result<()> {
        if let Some(f) = self.files.iter().find(|f| !dir.join(f).exists()) {
            anyhow::bail!(
                "{}: {f} is missing, so the result is not marked finished (no {}); run the command again",
                dir.display(),
                super::outdir::MANIFEST
            );
        }
        let text = serde_json::to_string_pretty(self)? + "\n";
        let p = dir.join(super::outdir::MANIFEST);
        crate::output::export::write_atomic(&p, text.as_bytes())?;
        super::outdir::remove_chunks(dir)?;
        super::outdir::unlock(dir);
        Ok(())
    }

    /// Reads the manifest of `dir`; refuses one of a newer schema than this build reads.
    pub fn read(dir: &Path) -> anyhow::Result<Self> {
        let p = dir.join(super::outdir::MANIFEST);
        let m: Self = crate::output::export::read_json(&p)?;
        if m.schema_version > SCHEMA_VERSION {
            return Err(crate::error::BadInput::err(format!(
                "{}: written by partnersim {} with output schema {}; this partnersim ({}) reads schema {SCHEMA_VERSION} and older: use a newer partnersim",
                p.display(),
                m.version,
                m.schema_version,
                env!("CARGO_PKG_VERSION")
            )));
        }
        Ok(m)
    }
}

/// The command line of this process, with arguments that contain spaces quoted.
pub fn command_line() -> String {
    std::env::args()
        .map(|a| {
            if a.is_empty() || a.contains([' ', '\'', '"']) {
                format!("'{}'", a.replace('\'', "'\\''"))
            } else {
                a
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// UTC time as RFC 3339 (seconds precision).
pub fn rfc3339(t: SystemTime) -> String {
    let secs = t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs()) as i64;
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // civil from days (Howard Hinnant's algorithm)
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_known_dates() {
        assert_eq!(rfc3339(UNIX_EPOCH), "1970-01-01T00:00:00Z");
        assert_eq!(
            rfc3339(UNIX_EPOCH + std::time::Duration::from_secs(1_700_000_000)),
            "2023-11-14T22:13:20Z"
        );
    }

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    struct Details {
        scenario_name: String,
    }

    #[test]
    fn written_and_read_back_with_the_details_flattened() {
        let d = tempfile::tempdir().unwrap();
        let m = Manifest::new(
            "run",
            Provenance::computed("partnersim run x.toml", 2, 8, 8),
            Clock::start(),
            vec!["summary.csv".into()],
            Details {
                scenario_name: "x".into(),
            },
        );
        std::fs::write(d.path().join("summary.csv"), "x\n").unwrap();
        m.write_last(d.path()).unwrap();
        let v: serde_json::Value =
            serde_json::from_slice(&std::fs::read(d.path().join("manifest.json")).unwrap())
                .unwrap();
        assert_eq!(v["scenario_name"], "x");
        assert!(v.get("merged_from").is_none());
        assert_eq!(v["schema_version"], SCHEMA_VERSION);
        let back = Manifest::<Details>::read(d.path()).unwrap();
        assert_eq!(back.details, m.details);
        assert_eq!(back.command, "partnersim run x.toml");
        // a listed file that is missing: no manifest
        std::fs::remove_file(d.path().join("manifest.json")).unwrap();
        std::fs::remove_file(d.path().join("summary.csv")).unwrap();
        let e = m.write_last(d.path()).unwrap_err().to_string();
        assert!(e.contains("summary.csv is missing"), "{e}");
        assert!(!d.path().join("manifest.json").exists());
    }

    #[test]
    fn a_newer_schema_is_refused_and_a_missing_one_reads_as_zero() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("manifest.json");
        let text = r#"{"tool":"partnersim","version":"0.0.9","kind":"run","command":"","threads":1,
            "started_at":"","finished_at":"","wall_seconds":0,"items":1,"items_computed":1,
            "files":[],"scenario_name":"x"}"#;
        std::fs::write(&p, text).unwrap();
        assert_eq!(
            Manifest::<Details>::read(d.path()).unwrap().schema_version,
            0
        );
        let newer = text.replace(
            r#""kind""#,
            &format!(r#""schema_version":{},"kind""#, SCHEMA_VERSION + 1),
        );
        std::fs::write(&p, newer).unwrap();
        let e = Manifest::<Details>::read(d.path()).unwrap_err();
        assert_eq!(crate::commands::exit_code(&e), 2);
        assert!(e.to_string().contains("use a newer partnersim"), "{e}");
    }
}

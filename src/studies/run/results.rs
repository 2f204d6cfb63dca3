//! What a run produces, in one place: how it ended ([`RunOutcome`], with every replication's
//! summary row) and the run's part of `manifest.json` ([`RunDetails`]), which `plot`, `merge`
//! and a comparison's report read back.

use super::RunIdentity;
use crate::job::exec::Status;
use crate::job::manifest::Manifest;
use crate::metrics::MonthRecord;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// The run's own part of `manifest.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RunDetails {
    /// what was run
    #[serde(flatten)]
    pub identity: RunIdentity,
    /// scenario description
    pub scenario_description: String,
    /// every parameter, resolved
    pub scenario: serde_json::Map<String, serde_json::Value>,
    /// in a comparison from the present (`compare --start present`): `present` (absent for a
    /// run of its own, which warms up under its own rules)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<crate::studies::compare::start::Start>,
    /// the scenario whose present the run started from
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_from: Option<String>,
}

/// `manifest.json` of a run.
pub type RunManifest = Manifest<RunDetails>;

/// How a run ended.
#[derive(Debug, Clone)]
pub struct RunOutcome {
    /// output directory
    pub dir: PathBuf,
    /// how the job ended
    pub status: Status,
    /// replications saved (including reused chunks)
    pub reps_done: u64,
    /// wall time of this invocation
    pub wall_seconds: f64,
    /// per-replication summaries in replication order (empty unless complete)
    pub summaries: Vec<MonthRecord>,
}

impl RunOutcome {
    /// Stopped by Ctrl-C / SIGTERM.
    pub fn interrupted(&self) -> bool {
        matches!(self.status, Status::Interrupted { .. })
    }
    /// Replications computed by this invocation.
    pub fn reps_computed(&self) -> u64 {
        match self.status {
            Status::Complete { computed, .. } | Status::ShardDone { computed, .. } => computed,
            Status::Interrupted { .. } => 0,
        }
    }
}

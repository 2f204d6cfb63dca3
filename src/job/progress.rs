//! Progress on stderr: an indicatif bar on a terminal, plain log lines elsewhere, nothing with
//! `--quiet`.
//!
//! The job core ([`crate::job::exec`]) makes one [`Progress`] per job (a run, a sweep, an
//! exploration, a calibration's generation, a comparison's posterior draws) and counts items on
//! it. On a terminal that is a bar, as before. When stderr is not a terminal (nohup, Slurm, CI
//! logs, `2> file`), or `TERM` is dumb, a bar would draw nothing, so a thread writes one line
//! instead, as cargo and pip do in logs:
//!
//! ```text
//! partnersim: sweep: 1024 of 4096 (25%), 312/s, 3.3 s elapsed, about 9.8 s left
//! partnersim: sweep: done, 4096 in 13.1 s (313/s)
//! ```
//!
//! At most one line every [`interval`] (10 s by default; the environment variable
//! `PARTNERSIM_PROGRESS_SECONDS` sets another, e.g. 60 for a long cluster job), counted across
//! the jobs of one process: a job whose progress was shown ends with a `done` line, so a log
//! never stops at 50%, and a series of short jobs (a calibration's generations, a comparison's
//! scenarios) prints the closing line of one of them every interval rather than one each. A
//! process that ends within the interval prints nothing.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::{IsTerminal, Write};
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::sync::{Mutex, OnceLock};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// The environment variable that sets the seconds between progress lines when stderr is not a
/// terminal.
pub const INTERVAL_VAR: &str = "PARTNERSIM_PROGRESS_SECONDS";

/// Seconds between two progress lines when stderr is not a terminal: `PARTNERSIM_PROGRESS_SECONDS`
/// if it holds a positive number (at least 0.05), else 10.
pub fn interval() -> Duration {
    std::env::var(INTERVAL_VAR)
        .ok()
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s > 0.0)
        .map_or(Duration::from_secs(10), |s| {
            Duration::from_secs_f64(s.clamp(0.05, 86_400.0))
        })
}

/// When the process last printed a progress line (shared by its jobs).
static LAST_LINE: Mutex<Option<Instant>> = Mutex::new(None);

/// When the process's first job with progress lines started.
static FIRST_JOB: OnceLock<Instant> = OnceLock::new();

/// Whether a line is due (none printed for `every`, or none yet and the first job started that
/// long ago); if so, records that one is printed now. Counting from the first job, not this
/// one, lets a run of short jobs (a calibration's generations) print their closing lines now
/// and then.
fn line_due(every: Duration) -> bool {
    let mut last = LAST_LINE.lock().unwrap_or_else(|e| e.into_inner());
    let since = last
        .unwrap_or_else(|| *FIRST_JOB.get_or_init(Instant::now))
        .elapsed();
    if since >= every {
        *last = Some(Instant::now());
        true
    } else {
        false
    }
}

/// Records that a line is printed now.
fn mark_line() {
    *LAST_LINE.lock().unwrap_or_else(|e| e.into_inner()) = Some(Instant::now());
}

/// Progress of one job: a bar (terminal), a thread writing log lines (no terminal) or nothing
/// (`--quiet`). Dereferences to the bar, which counts the items in every case.
pub struct Progress {
    bar: ProgressBar,
    log: Mutex<Option<LogThread>>,
}

struct LogThread {
    stop: Sender<()>,
    handle: JoinHandle<()>,
}

impl std::ops::Deref for Progress {
    type Target = ProgressBar;
    fn deref(&self) -> &ProgressBar {
        &self.bar
    }
}

impl Progress {
    /// Ends the job's progress: clears the bar, or writes the log's closing line.
    pub fn finish_and_clear(&self) {
        self.bar.finish_and_clear();
        self.stop_log();
    }

    fn stop_log(&self) {
        let t = self.log.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(t) = t {
            let _ = t.stop.send(());
            let _ = t.handle.join();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        // a job that failed: stop the thread without a closing line
        let t = self.log.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(t) = t {
            drop(t.stop);
            let _ = t.handle.join();
        }
    }
}

/// Progress of a job of `len` items labelled `what`: a bar when stderr is a terminal, log lines
/// when it is not, nothing when `quiet`.
pub fn bar(len: u64, what: &str, quiet: bool) -> Progress {
    if quiet {
        return Progress {
            bar: ProgressBar::hidden(),
            log: Mutex::new(None),
        };
    }
    let target = ProgressDrawTarget::stderr();
    if !std::io::stderr().is_terminal() || target.is_hidden() {
        let bar = ProgressBar::hidden();
        bar.set_length(len);
        let log = spawn_log(bar.clone(), what.to_string(), interval());
        return Progress {
            bar,
            log: Mutex::new(log),
        };
    }
    let pb = ProgressBar::with_draw_target(Some(len), target);
    let style =
        ProgressStyle::with_template("{msg} [{elapsed_precise}] {wide_bar} {pos}/{len} ETA {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar());
    pb.set_style(style);
    pb.set_message(what.to_string());
    Progress {
        bar: pb,
        log: Mutex::new(None),
    }
}

/// The thread that writes the log lines of one job until told to stop (a closing line if any
/// line was written or one is due) or dropped (no closing line).
fn spawn_log(bar: ProgressBar, what: String, every: Duration) -> Option<LogThread> {
    let (stop, rx) = mpsc::channel::<()>();
    let start = Instant::now();
    FIRST_JOB.get_or_init(|| start);
    let handle = std::thread::Builder::new()
        .name("progress".into())
        .spawn(move || {
            // the first check comes after a full interval, later ones every tenth of it, so
            // that lines follow the shared pace when several jobs run one after another
            let tick = (every / 10).max(Duration::from_millis(20));
            let mut shown = false;
            let mut wait = every;
            loop {
                match rx.recv_timeout(wait) {
                    Err(RecvTimeoutError::Timeout) => {
                        wait = tick;
                        if line_due(every) {
                            shown = true;
                            print_line(&running_line(
                                &what,
                                bar.position(),
                                bar.length().unwrap_or(0),
                                start.elapsed(),
                            ));
                        }
                    }
                    Ok(()) => {
                        if line_due(every) || shown {
                            mark_line();
                            print_line(&done_line(&what, bar.position(), start.elapsed()));
                        }
                        return;
                    }
                    Err(RecvTimeoutError::Disconnected) => return,
                }
            }
        })
        .ok()?;
    Some(LogThread { stop, handle })
}

fn print_line(line: &str) {
    let mut e = std::io::stderr().lock();
    let _ = writeln!(e, "partnersim: {line}");
    let _ = e.flush();
}

/// `what: done of len (pct%), rate/s, elapsed, about left`.
pub fn running_line(what: &str, done: u64, len: u64, elapsed: Duration) -> String {
    let secs = elapsed.as_secs_f64();
    let rate = if secs > 0.0 { done as f64 / secs } else { 0.0 };
    let pct = if len > 0 {
        100.0 * done as f64 / len as f64
    } else {
        0.0
    };
    let left = if rate > 0.0 && len >= done {
        format!(", about {} left", duration((len - done) as f64 / rate))
    } else {
        String::new()
    };
    format!(
        "{what}: {done} of {len} ({pct:.0}%), {}/s, {} elapsed{left}",
        rate_text(rate),
        duration(secs)
    )
}

/// `what: done, n in elapsed (rate/s)`.
pub fn done_line(what: &str, done: u64, elapsed: Duration) -> String {
    let secs = elapsed.as_secs_f64();
    let rate = if secs > 0.0 { done as f64 / secs } else { 0.0 };
    format!(
        "{what}: done, {done} in {} ({}/s)",
        duration(secs),
        rate_text(rate)
    )
}

/// A rate with three significant digits at most (no decimals from 100 up).
fn rate_text(r: f64) -> String {
    if r >= 100.0 {
        format!("{r:.0}")
    } else if r >= 10.0 {
        format!("{r:.1}")
    } else {
        format!("{r:.2}")
    }
}

/// Seconds as `12.3 s`, `4 min 05 s` or `2 h 03 min`.
fn duration(s: f64) -> String {
    if !s.is_finite() || s < 0.0 {
        return "?".into();
    }
    if s < 60.0 {
        return format!("{s:.1} s");
    }
    let whole = s.round() as u64;
    if whole < 3600 {
        format!("{} min {:02} s", whole / 60, whole % 60)
    } else {
        format!("{} h {:02} min", whole / 3600, whole % 3600 / 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_say_what_is_done_the_rate_and_the_time_left() {
        assert_eq!(
            running_line("sweep", 1024, 4096, Duration::from_secs(4)),
            "sweep: 1024 of 4096 (25%), 256/s, 4.0 s elapsed, about 12.0 s left"
        );
        assert_eq!(
            running_line("generation 2", 30, 3000, Duration::from_secs(10)),
            "generation 2: 30 of 3000 (1%), 3.00/s, 10.0 s elapsed, about 16 min 30 s left"
        );
        assert_eq!(
            done_line("baseline", 200, Duration::from_secs(80)),
            "baseline: done, 200 in 1 min 20 s (2.50/s)"
        );
        assert_eq!(duration(7384.0), "2 h 03 min");
    }

    #[test]
    fn a_bad_interval_falls_back_to_ten_seconds() {
        // only this test touches the variable in this process
        std::env::set_var(INTERVAL_VAR, "soon");
        assert_eq!(interval(), Duration::from_secs(10));
        std::env::set_var(INTERVAL_VAR, "0.5");
        assert_eq!(interval(), Duration::from_millis(500));
        std::env::remove_var(INTERVAL_VAR);
    }
}

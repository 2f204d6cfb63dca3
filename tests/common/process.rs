//! Running programs from the tests: the binary (in the crate root), any command with a
//! deadline, and `partnersim serve` as a server that is stopped when the test ends.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::time::{Duration, Instant};

/// The crate root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs the binary in the crate root; panics with its standard error if it fails.
pub fn partnersim(args: &[&str]) {
    let out = Command::new(assert_cmd::cargo::cargo_bin("partnersim"))
        .current_dir(root())
        .args(args)
        .stdout(Stdio::null())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "partnersim {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Runs `partnersim COMMAND FILE --out OUT --quiet EXTRA...` (a study: `sweep`, `explore`) to
/// its end and returns what it wrote and how it exited.
pub fn study(command: &str, file: &Path, out: &Path, extra: &[&str]) -> Output {
    assert_cmd::Command::cargo_bin("partnersim")
        .unwrap()
        .arg(command)
        .arg(file)
        .arg("--out")
        .arg(out)
        .arg("--quiet")
        .args(extra)
        .output()
        .unwrap()
}

/// The `.toml` files of `dir`, as paths relative to the crate root, sorted.
pub fn toml_files(dir: &Path) -> Vec<String> {
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .map(|p| {
            p.strip_prefix(root())
                .unwrap_or(&p)
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    files.sort();
    files
}

/// Runs `cmd` with a deadline; returns (exit success, stdout, stderr). Panics on timeout.
pub fn run_with_timeout(cmd: &mut Command, limit: Duration) -> (bool, String, String) {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the program starts");
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let t_out = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut out, &mut s).ok();
        s
    });
    let t_err = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut err, &mut s).ok();
        s
    });
    let start = Instant::now();
    let status = loop {
        if let Some(st) = child.try_wait().unwrap() {
            break Some(st);
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let stdout = t_out.join().unwrap();
    let stderr = t_err.join().unwrap();
    match status {
        Some(st) => (st.success(), stdout, stderr),
        None => panic!("{cmd:?} timed out after {limit:?}; stderr:\n{stderr}"),
    }
}

/// `partnersim serve` on a free port of 127.0.0.1, stopped when dropped.
pub struct Server {
    child: Child,
    /// `http://127.0.0.1:PORT/`
    pub url: String,
    /// `127.0.0.1:PORT`
    pub addr: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The server's exit status if it has exited, without waiting.
    pub fn try_wait(&mut self) -> Option<ExitStatus> {
        self.child.try_wait().unwrap()
    }
}

/// Starts `partnersim serve --port 0 ARGS` in the crate root and reads the address it prints.
pub fn serve(args: &[&str]) -> Server {
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("partnersim"))
        .current_dir(root())
        .args(["serve", "--port", "0"])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("http://127.0.0.1:"))
        .map(str::to_string);
    let Some(url) = url else {
        let _ = child.kill();
        let _ = child.wait();
        panic!("partnersim serve printed no address: `{line}`");
    };
    let addr = url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    Server { child, url, addr }
}

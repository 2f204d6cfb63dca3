//! `partnersim serve` under load and abuse, over loopback (127.0.0.1 only): slow and idle
//! sockets, oversized headers and bodies, 500 requests at once, clients that leave, requests
//! from other sites, Ctrl-C. Every test starts its own server on a free port, bounds its time
//! and its number of sockets, and stops the server when it ends (also when it fails).

#![cfg(target_os = "linux")]

use partnersim::serve::http::LIMITS;
use partnersim::serve::{RUNS_AT_ONCE, RUNS_WAITING};
use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream};
use std::time::{Duration, Instant};

#[path = "common/process.rs"]
mod process;

/// `partnersim serve` on a free port of 127.0.0.1 (runs of 4 replications on 2 threads),
/// killed when dropped ([`process::Server`]).
struct Server {
    inner: process::Server,
    /// `127.0.0.1:PORT`
    addr: String,
}

impl Server {
    fn start() -> Server {
        let inner = process::serve(&["--reps", "4", "--threads", "2"]);
        let addr = inner.addr.clone();
        Server { inner, addr }
    }

    fn pid(&self) -> u32 {
        self.inner.pid()
    }

    /// Threads of the server process now.
    fn threads(&self) -> usize {
        std::fs::read_dir(format!("/proc/{}/task", self.pid()))
            .unwrap()
            .count()
    }

    /// CPU-seconds the server process has used (user + system).
    fn cpu_seconds(&self) -> f64 {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.pid())).unwrap();
        // fields after the command name (which is in parentheses): state is field 3
        let rest = stat.rsplit_once(')').unwrap().1;
        let f: Vec<&str> = rest.split_whitespace().collect();
        let ticks: f64 = f[11].parse::<f64>().unwrap() + f[12].parse::<f64>().unwrap();
        // SAFETY: sysconf has no preconditions
        let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as f64;
        ticks / hz
    }

    /// Peak resident memory of the server process, in MB.
    fn peak_mb(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid())).unwrap();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .unwrap()
            / 1024
    }

    fn connect(&self) -> TcpStream {
        let s = TcpStream::connect(&self.addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
        s.set_write_timeout(Some(Duration::from_secs(60))).unwrap();
        s
    }

    /// Sends `req` on a new connection and reads the whole answer (the server closes after it:
    /// requests here say `Connection: close`, or are refused).
    fn ask(&self, req: &[u8]) -> String {
        let mut s = self.connect();
        s.write_all(req).unwrap();
        let mut out = Vec::new();
        let _ = s.read_to_end(&mut out);
        String::from_utf8_lossy(&out).into_owned()
    }

    fn get(&self, path: &str) -> String {
        self.ask(
            format!(
                "GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
                self.addr
            )
            .as_bytes(),
        )
    }

    /// `POST /api/run` with `body`, the content type and extra header lines given.
    fn run_request(&self, body: &str, content_type: &str, extra: &str) -> Vec<u8> {
        format!(
            "POST /api/run HTTP/1.1\r\nHost: {}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n{extra}\r\n{body}",
            self.addr,
            body.len()
        )
        .into_bytes()
    }
}

fn status(answer: &str) -> u16 {
    answer
        .strip_prefix("HTTP/1.1 ")
        .and_then(|r| r.get(..3))
        .and_then(|c| c.parse().ok())
        .unwrap_or(0)
}

/// A run of the late-payment lesson that is not in the server's cache (each `i` sets another
/// value), of `reps` replications.
fn run_body(i: usize, reps: u64) -> String {
    format!(
        "{{\"lesson\": \"late_payment\", \"scenario\": \"thin_reserves_late_pay\", \"reps\": {reps}, \"set\": {{\"funders.federal.late_payment_probability\": {}}}}}",
        0.05 + i as f64 * 0.001
    )
}

/// Four sockets that send the headers of a run and one byte of its 2,000-byte body hold no
/// one up, and are answered 408 once the body's time is up.
#[test]
fn slow_sockets_do_not_stop_the_server() {
    let server = Server::start();
    let mut slow: Vec<TcpStream> = (0..4)
        .map(|_| {
            let mut s = server.connect();
            s.write_all(
                format!(
                    "POST /api/run HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nContent-Length: 2000\r\n\r\n{{",
                    server.addr
                )
                .as_bytes(),
            )
            .unwrap();
            s
        })
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    for path in ["/", "/app.js", "/api/lessons"] {
        let t = Instant::now();
        let page = server.get(path);
        assert_eq!(status(&page), 200, "{path}: {page}");
        assert!(
            t.elapsed() < Duration::from_secs(2),
            "{path}: {:?}",
            t.elapsed()
        );
    }
    let t = Instant::now();
    for s in &mut slow {
        let mut out = String::new();
        let _ = s.read_to_string(&mut out);
        assert_eq!(status(&out), 408, "{out}");
        assert!(out.contains("did not arrive in time"), "{out}");
    }
    assert!(
        t.elapsed() < LIMITS.body_timeout + Duration::from_secs(5),
        "{:?}",
        t.elapsed()
    );
}

/// 200 idle connections hold at most `max_connections` connection threads, and the page is
/// still answered while they are open; an idle connection is closed after the idle timeout.
#[test]
fn idle_connections_are_bounded() {
    let server = Server::start();
    let before = server.threads();
    let mut idle: Vec<TcpStream> = (0..200).map(|_| server.connect()).collect();
    std::thread::sleep(Duration::from_millis(1500));
    // steady state: the thread of a connection evicted to make room takes a moment to exit
    // (longer on a loaded machine), so one sample can catch it beside its successor; sample
    // until the count is within the bound, for at most five seconds, and judge the least
    let bound = before + LIMITS.max_connections;
    let mut during = usize::MAX;
    for _ in 0..50 {
        std::thread::sleep(Duration::from_millis(100));
        during = during.min(server.threads());
        if during <= bound {
            break;
        }
    }
    assert!(
        during <= bound,
        "{before} threads, then {during} with 200 idle connections"
    );
    // the page, while they are open: an idle connection makes room for it
    let t = Instant::now();
    let page = server.get("/");
    assert_eq!(status(&page), 200, "{page}");
    assert!(
        t.elapsed() < LIMITS.evict_after + Duration::from_secs(3),
        "{:?}",
        t.elapsed()
    );
    // the newest idle connection is closed by the idle timeout (read gives 0 bytes)
    let last = idle.last_mut().unwrap();
    let t = Instant::now();
    let n = last.read(&mut [0u8; 16]).unwrap_or(0);
    assert_eq!(n, 0);
    assert!(
        t.elapsed() < LIMITS.idle_timeout + Duration::from_secs(5),
        "{:?}",
        t.elapsed()
    );
    drop(idle);
    // and the threads go with them
    let deadline = Instant::now() + Duration::from_secs(10);
    while server.threads() > before && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(server.threads() <= before, "{} threads", server.threads());
}

/// Headers beyond the limit are answered 431 without being read further: eight clients that
/// try to send 100 MB of one unterminated header leave the server's memory as it was.
#[test]
fn oversized_headers_get_431_and_take_no_memory() {
    let server = Server::start();
    let big = format!(
        "GET / HTTP/1.1\r\nHost: {}\r\nX-Big: {}\r\n\r\n",
        server.addr,
        "a".repeat(LIMITS.max_head)
    );
    let out = server.ask(big.as_bytes());
    assert_eq!(status(&out), 431, "{out}");
    let many: String = (0..=LIMITS.max_headers)
        .map(|i| format!("X-{i}: 1\r\n"))
        .collect();
    let out =
        server.ask(format!("GET / HTTP/1.1\r\nHost: {}\r\n{many}\r\n", server.addr).as_bytes());
    assert_eq!(status(&out), 431, "{out}");

    let senders: Vec<_> = (0..8)
        .map(|_| {
            let mut s = server.connect();
            let head = format!("GET / HTTP/1.1\r\nHost: {}\r\nX-Big: ", server.addr);
            std::thread::spawn(move || {
                let chunk = vec![b'a'; 1 << 20];
                let mut sent = 0usize;
                if s.write_all(head.as_bytes()).is_ok() {
                    while sent < 100 && s.write_all(&chunk).is_ok() {
                        sent += 1;
                    }
                }
                sent
            })
        })
        .collect();
    let sent: Vec<usize> = senders.into_iter().map(|t| t.join().unwrap()).collect();
    // the server stopped reading long before 100 MB
    assert!(sent.iter().all(|&mb| mb < 100), "MB sent: {sent:?}");
    let peak = server.peak_mb();
    assert!(peak < 64, "peak resident memory {peak} MB");
    assert_eq!(status(&server.get("/")), 200);
}

/// A body beyond the limit is refused from its Content-Length (413), before it is sent.
#[test]
fn oversized_bodies_get_413() {
    let server = Server::start();
    for extra in ["", "Expect: 100-continue\r\n"] {
        let req = format!(
            "POST /api/run HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nContent-Length: 1000000000\r\n{extra}\r\n",
            server.addr
        );
        let out = server.ask(req.as_bytes());
        assert_eq!(status(&out), 413, "{extra}: {out}");
        assert!(
            out.contains(&format!("at most {} bytes", LIMITS.max_body)),
            "{out}"
        );
    }
    let body = format!("{{\"x\": \"{}\"}}", "a".repeat(LIMITS.max_body));
    let out = server.ask(&server.run_request(&body, "application/json", ""));
    assert_eq!(status(&out), 413, "{}", &out[..out.len().min(300)]);
}

/// Another site's page cannot make the server compute or read it (403), and runs are asked
/// for as JSON only (415); the server's own page is answered.
#[test]
fn other_sites_and_other_content_types_are_refused() {
    let server = Server::start();
    let body = run_body(0, 4);
    let evil = "Origin: http://evil.example\r\n";
    for (ctype, extra, want) in [
        ("text/plain", evil, 403),
        ("application/json", evil, 403),
        ("application/json", "Origin: null\r\n", 403),
        ("text/plain", "", 415),
        ("application/x-www-form-urlencoded", "", 415),
        ("multipart/form-data; boundary=x", "", 415),
    ] {
        let out = server.ask(&server.run_request(&body, ctype, extra));
        assert_eq!(status(&out), want, "{ctype} {extra}: {out}");
    }
    let out = server.ask(
        format!(
            "GET /api/lessons HTTP/1.1\r\nHost: {}\r\n{evil}Connection: close\r\n\r\n",
            server.addr
        )
        .as_bytes(),
    );
    assert_eq!(status(&out), 403, "{out}");
    let own = format!("Origin: http://{}\r\n", server.addr);
    let out = server.ask(&server.run_request(&body, "application/json; charset=utf-8", &own));
    assert_eq!(status(&out), 200, "{}", &out[..out.len().min(300)]);
    let out = server.ask(&server.run_request(&body, "application/json", ""));
    assert_eq!(status(&out), 200, "{}", &out[..out.len().min(300)]);
}

/// 500 requests at once (the page, its style and script, the lessons) are all answered.
#[test]
fn five_hundred_concurrent_requests_are_answered() {
    let server = Server::start();
    let addr = server.addr.clone();
    let t = Instant::now();
    let clients: Vec<_> = (0..500)
        .map(|i| {
            let addr = addr.clone();
            std::thread::Builder::new()
                .stack_size(64 * 1024)
                .spawn(move || {
                    let path = ["/", "/app.css", "/app.js", "/api/lessons"][i % 4];
                    let mut s = TcpStream::connect(&addr).ok()?;
                    s.set_read_timeout(Some(Duration::from_secs(60))).ok()?;
                    s.write_all(
                        format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n")
                            .as_bytes(),
                    )
                    .ok()?;
                    let mut out = Vec::new();
                    s.read_to_end(&mut out).ok()?;
                    Some(status(&String::from_utf8_lossy(&out)))
                })
                .unwrap()
        })
        .collect();
    let answers: Vec<Option<u16>> = clients.into_iter().map(|c| c.join().unwrap()).collect();
    let ok = answers.iter().filter(|a| **a == Some(200)).count();
    assert_eq!(ok, 500, "answers: {answers:?}");
    assert!(t.elapsed() < Duration::from_secs(60), "{:?}", t.elapsed());
}

/// Reads are never queued behind runs: with runs computing and waiting, the page and the
/// lessons are answered at once; runs beyond the queue are answered 503.
#[test]
fn reads_do_not_wait_for_runs() {
    let server = Server::start();
    let n = RUNS_AT_ONCE + RUNS_WAITING + 4;
    let runs: Vec<TcpStream> = (0..n)
        .map(|i| {
            let mut s = server.connect();
            s.write_all(&server.run_request(&run_body(i, 200), "application/json", ""))
                .unwrap();
            s
        })
        .collect();
    std::thread::sleep(Duration::from_millis(500));
    for path in ["/", "/api/lessons", "/app.js", "/api/lessons"] {
        let t = Instant::now();
        let out = server.get(path);
        assert_eq!(status(&out), 200, "{path}");
        assert!(
            t.elapsed() < Duration::from_secs(2),
            "{path}: {:?}",
            t.elapsed()
        );
    }
    // the runs beyond the queue were told at once to come back; the others are computing or
    // waiting (nothing to read yet)
    let mut busy = 0;
    for mut s in runs {
        s.set_read_timeout(Some(Duration::from_millis(200)))
            .unwrap();
        let mut out = Vec::new();
        let _ = s.read_to_end(&mut out);
        let out = String::from_utf8_lossy(&out);
        if status(&out) == 503 {
            assert!(out.contains("Retry-After: 1"), "{out}");
            busy += 1;
        }
    }
    assert_eq!(busy, n - RUNS_AT_ONCE - RUNS_WAITING);
}

/// Runs whose clients have gone stop: once 20 clients that asked for long runs close their
/// connections, the server goes idle (before, it computed every run to its end).
#[test]
fn runs_stop_when_their_clients_leave() {
    let server = Server::start();
    let cpu0 = server.cpu_seconds();
    let clients: Vec<TcpStream> = (0..20)
        .map(|i| {
            let mut s = server.connect();
            s.write_all(&server.run_request(&run_body(i, 200), "application/json", ""))
                .unwrap();
            s
        })
        .collect();
    // work has begun
    let deadline = Instant::now() + Duration::from_secs(20);
    while server.cpu_seconds() - cpu0 < 0.5 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(server.cpu_seconds() - cpu0 >= 0.5, "the runs did not start");
    for s in &clients {
        let _ = s.shutdown(Shutdown::Both);
    }
    drop(clients);
    // a replication in progress finishes; then nothing
    std::thread::sleep(Duration::from_millis(500));
    let after = server.cpu_seconds();
    std::thread::sleep(Duration::from_secs(2));
    let spent = server.cpu_seconds() - after;
    assert!(
        spent < 0.3,
        "{spent:.2} CPU-seconds spent in the 2 s after the clients left"
    );
    // and the server still answers runs
    let out = server.ask(&server.run_request(&run_body(99, 4), "application/json", ""));
    assert_eq!(status(&out), 200, "{}", &out[..out.len().min(300)]);
}

/// Ctrl-C (SIGINT) stops the server with exit code 130, as every command, also with a
/// connection open.
#[test]
fn ctrl_c_exits_130() {
    let mut server = Server::start();
    let _open = server.connect();
    assert_eq!(status(&server.get("/")), 200);
    let pid = i32::try_from(server.pid()).unwrap();
    // SAFETY: sends a signal to the child this test started (and still holds)
    assert_eq!(unsafe { libc::kill(pid, libc::SIGINT) }, 0);
    let deadline = Instant::now() + Duration::from_secs(10);
    let code = loop {
        if let Some(st) = server.inner.try_wait() {
            break st.code();
        }
        assert!(Instant::now() < deadline, "still running 10 s after Ctrl-C");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(code, Some(130));
}

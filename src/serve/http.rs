//! The connection layer of `partnersim serve`: a small HTTP/1.1 server on `std::net`, written
//! for a server that a room of browsers, or a hostile page or laptop, cannot stop.
//!
//! One thread accepts connections; each admitted connection gets a thread of its own (a small
//! stack) that reads requests, asks the [`Handler`] and writes the answers, keeping the
//! connection alive between requests. Everything a client can hold is bounded ([`Limits`]):
//!
//! - **connections**: at most [`Limits::max_connections`] at once (so at most that many
//!   connection threads), and [`Limits::max_per_peer`] from one address other than this
//!   computer. When the server is full, a new connection takes the place of the connection that
//!   has waited longest for its next request (idle for at least [`Limits::evict_after`]); when
//!   none is idle, it waits for a place, and is answered 503 after [`Limits::admit_wait`].
//! - **time**: a connection waiting for a request is closed after [`Limits::idle_timeout`]; a
//!   request's line and headers must arrive within [`Limits::head_timeout`] of its first byte
//!   (else 408), its body within [`Limits::body_timeout`] (else 408); an answer that the client
//!   does not read within [`Limits::write_timeout`] is abandoned.
//! - **size**: the request line and headers together at most [`Limits::max_head`] bytes and
//!   [`Limits::max_headers`] lines (else 431, read no further); a body at most
//!   [`Limits::max_body`] bytes, refused (413) from its `Content-Length` before it is read.
//!   Chunked bodies are not accepted (501): the page never sends them.
//!
//! While the handler works, the connection can tell whether the client has gone
//! ([`Exchange::client_gone`]: the client closed its side of the connection), so long work can
//! stop when nobody is waiting for it. A client that half-closes its connection after sending
//! a request counts as gone.
//!
//! Errors of the layer itself are answered as the rest of the API is: a JSON body
//! `{"error": "..."}`, then the connection is closed (after reading a little of what the client
//! still sends, so that it sees the answer rather than a reset).

use std::io::{ErrorKind, Read, Write};
use std::net::{IpAddr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

/// What a client may hold of the server, in connections, time and bytes.
#[derive(Debug, Clone)]
pub struct Limits {
    /// connections (and so connection threads) at once
    pub max_connections: usize,
    /// connections at once from one address other than this computer's
    pub max_per_peer: usize,
    /// a connection idle this long may be closed to admit a new one when the server is full
    pub evict_after: Duration,
    /// how long a new connection waits for a place before it is answered 503
    pub admit_wait: Duration,
    /// a connection waiting for a request is closed after this long
    pub idle_timeout: Duration,
    /// the request line and headers must arrive within this long of their first byte
    pub head_timeout: Duration,
    /// the body must arrive within this long of the end of the headers
    pub body_timeout: Duration,
    /// an answer must be taken by the client within this long
    pub write_timeout: Duration,
    /// bytes of request line and headers
    pub max_head: usize,
    /// header lines
    pub max_headers: usize,
    /// bytes of body
    pub max_body: usize,
}

/// The limits of `partnersim serve`.
pub const LIMITS: Limits = Limits {
    max_connections: 128,
    max_per_peer: 32,
    evict_after: Duration::from_secs(1),
    admit_wait: Duration::from_secs(10),
    idle_timeout: Duration::from_secs(15),
    head_timeout: Duration::from_secs(10),
    body_timeout: Duration::from_secs(10),
    write_timeout: Duration::from_secs(10),
    max_head: 16 * 1024,
    max_headers: 64,
    max_body: 64 * 1024,
};

/// Stack of a connection thread (it parses headers and writes answers; the model runs on the
/// worker pool).
const CONNECTION_STACK: usize = 256 * 1024;

/// Most bytes read and thrown away before closing a connection after an error answer.
const LINGER_BYTES: usize = 256 * 1024;
/// Longest wait for them.
const LINGER_TIME: Duration = Duration::from_secs(1);

/// A request, read in full.
#[derive(Debug, Clone)]
pub struct Request {
    /// method, as sent (`GET`, `POST`, ...)
    pub method: String,
    /// request target (`/api/run?x`)
    pub target: String,
    /// HTTP/1.1 (else HTTP/1.0)
    pub http11: bool,
    /// headers in order, names as sent
    pub headers: Vec<(String, String)>,
    /// body (empty without `Content-Length`)
    pub body: Vec<u8>,
}

impl Request {
    /// The first header called `name` (case-insensitive), trimmed.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim())
    }

    /// Whether the client wants the connection kept after this request.
    fn keep_alive(&self) -> bool {
        let tokens = |v: &str| {
            v.split(',')
                .map(|t| t.trim().to_ascii_lowercase())
                .collect::<Vec<_>>()
        };
        let conn: Vec<String> = self
            .headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case("Connection"))
            .flat_map(|(_, v)| tokens(v))
            .collect();
        if self.http11 {
            !conn.iter().any(|t| t == "close")
        } else {
            conn.iter().any(|t| t == "keep-alive")
        }
    }
}

/// An answer.
#[derive(Debug, Clone)]
pub struct Response {
    /// status code
    pub status: u16,
    /// headers besides `Content-Length` and `Connection` (which the layer writes)
    pub headers: Vec<(&'static str, String)>,
    /// body (not sent to a HEAD request; its length is)
    pub body: Vec<u8>,
}

impl Response {
    /// A JSON error answer: `{"error": msg}`.
    pub fn error(status: u16, msg: &str) -> Response {
        Response {
            status,
            headers: vec![("Content-Type", "application/json".into())],
            body: serde_json::json!({ "error": msg }).to_string().into_bytes(),
        }
    }
}

/// A request being answered, and its connection.
pub struct Exchange<'a> {
    /// the request
    pub request: &'a Request,
    /// the client's address
    pub peer: SocketAddr,
    stream: &'a TcpStream,
    gone: AtomicBool,
}

impl Exchange<'_> {
    /// Whether the client has closed its side of the connection (it can no longer be waiting for
    /// this answer). Cheap: one non-blocking look at the socket; once gone, always gone.
    pub fn client_gone(&self) -> bool {
        if self.gone.load(Ordering::Relaxed) {
            return true;
        }
        let mut b = [0u8; 1];
        let gone = match self.stream.peek(&mut b) {
            Ok(0) => true,
            Ok(_) => false,
            Err(e) => !matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::Interrupted),
        };
        if gone {
            self.gone.store(true, Ordering::Relaxed);
        }
        gone
    }
}

/// What answers requests.
pub trait Handler: Send + Sync + 'static {
    /// The answer to one request.
    fn answer(&self, x: &Exchange) -> Response;
}

/// Why a request could not be read.
#[derive(Debug)]
enum ReadError {
    /// the client closed the connection, or it stayed idle too long, or it was evicted: close
    /// without an answer
    Closed,
    /// an answer, then close
    Answer(u16, String),
}

/// Connection states, as the admitting thread sees them.
const IDLE: u8 = 0;
const BUSY: u8 = 1;
const EVICTED: u8 = 2;

/// One admitted connection.
struct Slot {
    peer: IpAddr,
    /// a handle on the socket, to close it when evicted
    stream: TcpStream,
    state: AtomicU8,
    idle_since: Mutex<Instant>,
}

impl Slot {
    fn set_idle(&self) {
        if let Ok(mut t) = self.idle_since.lock() {
            *t = Instant::now();
        }
        let _ = self
            .state
            .compare_exchange(BUSY, IDLE, Ordering::SeqCst, Ordering::SeqCst);
    }
    /// Marks the connection busy (a request has begun); false when it was evicted.
    fn set_busy(&self) -> bool {
        self.state.load(Ordering::SeqCst) == BUSY
            || self
                .state
                .compare_exchange(IDLE, BUSY, Ordering::SeqCst, Ordering::SeqCst)
                .is_ok()
    }
    fn idle_for(&self) -> Option<Duration> {
        if self.state.load(Ordering::SeqCst) != IDLE {
            return None;
        }
        self.idle_since.lock().ok().map(|t| t.elapsed())
    }
}

/// The admitted connections.
#[derive(Default)]
struct Registry {
    slots: Mutex<Vec<Arc<Slot>>>,
    freed: Condvar,
}

/// Why a connection was not admitted.
enum Refused {
    Busy(String),
    Stopping,
}

impl Registry {
    /// Admits `stream`: a place for it, evicting the longest-idle connection when full.
    fn admit(
        &self,
        stream: &TcpStream,
        peer: IpAddr,
        limits: &Limits,
        stop: &dyn Fn() -> bool,
    ) -> Result<Arc<Slot>, Refused> {
        let started = Instant::now();
        let handle = stream
            .try_clone()
            .map_err(|e| Refused::Busy(format!("cannot take the connection: {e}")))?;
        let mut slots = self
            .slots
            .lock()
            .map_err(|_| Refused::Busy("internal error".into()))?;
        loop {
            if stop() {
                return Err(Refused::Stopping);
            }
            let from_peer = slots.iter().filter(|s| s.peer == peer).count();
            if !peer.is_loopback() && from_peer >= limits.max_per_peer {
                // this address's own idle connection makes room, or it is refused
                if !evict_idlest(&slots, limits, Some(peer)) {
                    return Err(Refused::Busy(format!(
                        "too many connections from {peer} (at most {})",
                        limits.max_per_peer
                    )));
                }
            } else if slots.len() < limits.max_connections {
                let slot = Arc::new(Slot {
                    peer,
                    stream: handle,
                    state: AtomicU8::new(IDLE),
                    idle_since: Mutex::new(Instant::now()),
                });
                slots.push(slot.clone());
                return Ok(slot);
            } else {
                evict_idlest(&slots, limits, None);
            }
            if started.elapsed() >= limits.admit_wait {
                return Err(Refused::Busy(
                    "the server is busy; try again in a moment".into(),
                ));
            }
            slots = match self.freed.wait_timeout(slots, Duration::from_millis(100)) {
                Ok((s, _)) => s,
                Err(_) => return Err(Refused::Busy("internal error".into())),
            };
        }
    }

    fn release(&self, slot: &Arc<Slot>) {
        if let Ok(mut slots) = self.slots.lock() {
            slots.retain(|s| !Arc::ptr_eq(s, slot));
        }
        self.freed.notify_all();
    }

    #[cfg(test)]
    fn count(&self) -> usize {
        self.slots.lock().map(|s| s.len()).unwrap_or(0)
    }
}

/// Closes the connection (of `peer`, when given) that has been idle longest, if idle at least
/// `evict_after`; whether one was closed. Its thread sees the closed socket and leaves.
fn evict_idlest(slots: &[Arc<Slot>], limits: &Limits, peer: Option<IpAddr>) -> bool {
    let idlest = slots
        .iter()
        .filter(|s| peer.is_none_or(|p| s.peer == p))
        .filter_map(|s| s.idle_for().map(|d| (d, s)))
        .filter(|(d, s)| *d >= limits.evict_after && !has_pending(&s.stream))
        .max_by_key(|(d, _)| *d);
    let Some((_, s)) = idlest else {
        return false;
    };
    if s.state
        .compare_exchange(IDLE, EVICTED, Ordering::SeqCst, Ordering::SeqCst)
        .is_ok()
    {
        let _ = s.stream.shutdown(Shutdown::Both);
        true
    } else {
        false
    }
}

/// Whether bytes of a request wait in the socket (unread yet by its connection thread, which
/// may just not have been scheduled): such a connection is not idle and is never evicted.
#[cfg(unix)]
fn has_pending(stream: &TcpStream) -> bool {
    use std::os::fd::AsRawFd;
    let mut b = [0u8; 1];
    // SAFETY: `recv` writes at most one byte into `b`, which lives across the call; the file
    // descriptor is open for as long as `stream` is borrowed. MSG_PEEK leaves the byte in the
    // socket and MSG_DONTWAIT never blocks, whatever the socket's mode.
    let n = unsafe {
        libc::recv(
            stream.as_raw_fd(),
            b.as_mut_ptr().cast(),
            1,
            libc::MSG_PEEK | libc::MSG_DONTWAIT,
        )
    };
    n > 0
}

/// Elsewhere, an idle connection is taken to be idle.
#[cfg(not(unix))]
fn has_pending(_stream: &TcpStream) -> bool {
    false
}

/// A server: its listener, its limits and the connections it holds.
pub struct Server {
    listener: TcpListener,
    limits: Limits,
    registry: Arc<Registry>,
}

impl Server {
    /// Listens on `addr`.
    pub fn bind(addr: (&str, u16), limits: Limits) -> std::io::Result<Server> {
        Ok(Server {
            listener: TcpListener::bind(addr)?,
            limits,
            registry: Arc::new(Registry::default()),
        })
    }

    /// The address listened on.
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Accepts and answers connections until `stop` says so (it is asked after every
    /// connection; [`wake`] makes the server look at once).
    pub fn run<H: Handler>(&self, handler: Arc<H>, stop: &dyn Fn() -> bool) {
        for stream in self.listener.incoming() {
            if stop() {
                break;
            }
            let stream = match stream {
                Ok(s) => s,
                Err(_) => {
                    // out of file descriptors, a connection reset before it was taken: wait a
                    // little and go on
                    std::thread::sleep(Duration::from_millis(20));
                    continue;
                }
            };
            let Ok(peer) = stream.peer_addr() else {
                continue;
            };
            let _ = stream.set_nodelay(true);
            let slot = match self.registry.admit(&stream, peer.ip(), &self.limits, stop) {
                Ok(s) => s,
                Err(Refused::Stopping) => break,
                Err(Refused::Busy(msg)) => {
                    let mut r = Response::error(503, &msg);
                    r.headers.push(("Retry-After", "1".into()));
                    let _ = stream.set_write_timeout(Some(Duration::from_secs(1)));
                    let _ = write_response(&stream, &r, false, false, &self.limits);
                    linger_close(&stream);
                    continue;
                }
            };
            let (registry, limits, handler) =
                (self.registry.clone(), self.limits.clone(), handler.clone());
            let slot2 = slot.clone();
            let spawned = std::thread::Builder::new()
                .name("serve-connection".into())
                .stack_size(CONNECTION_STACK)
                .spawn(move || {
                    connection(stream, peer, &slot2, &*handler, &limits);
                    registry.release(&slot2);
                });
            if spawned.is_err() {
                let _ = slot.stream.shutdown(Shutdown::Both);
                self.registry.release(&slot);
            }
        }
    }
}

/// Makes a server blocked in [`Server::run`] look at its `stop` (by connecting to it).
pub fn wake(addr: SocketAddr) {
    let ip = if addr.ip().is_unspecified() {
        match addr {
            SocketAddr::V4(_) => IpAddr::from([127, 0, 0, 1]),
            SocketAddr::V6(_) => IpAddr::from([0u16, 0, 0, 0, 0, 0, 0, 1]),
        }
    } else {
        addr.ip()
    };
    let _ = TcpStream::connect_timeout(&SocketAddr::new(ip, addr.port()), Duration::from_secs(1));
}

/// Serves one connection: requests one after another until it closes, errs or idles out.
fn connection(
    stream: TcpStream,
    peer: SocketAddr,
    slot: &Slot,
    handler: &dyn Handler,
    limits: &Limits,
) {
    let _ = stream.set_write_timeout(Some(limits.write_timeout));
    let mut buf: Vec<u8> = Vec::new();
    loop {
        slot.set_idle();
        let rq = match read_request(&stream, &mut buf, slot, limits) {
            Ok(rq) => rq,
            Err(ReadError::Closed) => return,
            Err(ReadError::Answer(status, msg)) => {
                let _ = write_response(
                    &stream,
                    &Response::error(status, &msg),
                    false,
                    false,
                    limits,
                );
                linger_close(&stream);
                return;
            }
        };
        let keep = rq.keep_alive();
        let head = rq.method == "HEAD";
        let x = Exchange {
            request: &rq,
            peer,
            stream: &stream,
            gone: AtomicBool::new(false),
        };
        // the socket is not read while the handler works; non-blocking, it can be looked at
        let _ = stream.set_nonblocking(true);
        let answer = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| handler.answer(&x)))
            .unwrap_or_else(|_| Response::error(500, "internal error"));
        // a client that has gone cannot take another answer on this connection
        let keep = keep && !x.client_gone();
        let _ = stream.set_nonblocking(false);
        if write_response(&stream, &answer, head, keep, limits).is_err() || !keep {
            let _ = stream.shutdown(Shutdown::Write);
            return;
        }
    }
}

/// Reads one request from `stream`, `buf` holding what was read before and not yet used.
fn read_request(
    stream: &TcpStream,
    buf: &mut Vec<u8>,
    slot: &Slot,
    limits: &Limits,
) -> Result<Request, ReadError> {
    let timeout =
        |what: &str| ReadError::Answer(408, format!("the request's {what} did not arrive in time"));
    // idle until the first byte of a request
    let idle_until = Instant::now() + limits.idle_timeout;
    let mut head_until: Option<Instant> = None;
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        // blank lines before a request are allowed
        let skip = buf
            .iter()
            .take_while(|b| **b == b'\r' || **b == b'\n')
            .count();
        buf.drain(..skip);
        if !buf.is_empty() {
            if !slot.set_busy() {
                return Err(ReadError::Closed);
            }
            head_until.get_or_insert_with(|| Instant::now() + limits.head_timeout);
            if let Some(end) = find_head_end(buf) {
                if end > limits.max_head {
                    return Err(too_large_head(limits));
                }
                break end;
            }
            if buf.len() > limits.max_head {
                return Err(too_large_head(limits));
            }
        }
        let until = head_until.unwrap_or(idle_until);
        match read_some(stream, &mut chunk, until) {
            Ok(0) => {
                return Err(if head_until.is_some() {
                    ReadError::Answer(400, "the request ended inside its headers".into())
                } else {
                    ReadError::Closed
                })
            }
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
            Err(Timeout) if head_until.is_some() => return Err(timeout("headers")),
            Err(_) => return Err(ReadError::Closed),
        }
    };
    let head: Vec<u8> = buf.drain(..head_end).collect();
    let mut rq = parse_head(&head, limits)?;
    if rq.header("Transfer-Encoding").is_some() {
        return Err(ReadError::Answer(
            501,
            "chunked request bodies are not accepted; send Content-Length".into(),
        ));
    }
    let mut length: Option<usize> = None;
    for (k, v) in &rq.headers {
        if k.eq_ignore_ascii_case("Content-Length") {
            let v = v.trim();
            let n = if !v.is_empty() && v.len() <= 19 && v.bytes().all(|b| b.is_ascii_digit()) {
                v.parse::<u64>().ok()
            } else {
                None
            };
            let Some(n) = n else {
                return Err(ReadError::Answer(
                    400,
                    "Content-Length: not a number".into(),
                ));
            };
            let n = usize::try_from(n).unwrap_or(usize::MAX);
            if length.is_some_and(|l| l != n) {
                return Err(ReadError::Answer(
                    400,
                    "two different Content-Length headers".into(),
                ));
            }
            length = Some(n);
        }
    }
    let length = length.unwrap_or(0);
    if length > limits.max_body {
        return Err(ReadError::Answer(
            413,
            format!(
                "request body of {length} bytes; at most {} bytes are accepted",
                limits.max_body
            ),
        ));
    }
    if length > buf.len()
        && rq
            .header("Expect")
            .is_some_and(|e| e.eq_ignore_ascii_case("100-continue"))
    {
        let mut w = stream;
        if w.write_all(b"HTTP/1.1 100 Continue\r\n\r\n").is_err() {
            return Err(ReadError::Closed);
        }
    }
    let body_until = Instant::now() + limits.body_timeout;
    while buf.len() < length {
        match read_some(stream, &mut chunk, body_until) {
            Ok(0) => {
                return Err(ReadError::Answer(
                    400,
                    "the request ended inside its body".into(),
                ))
            }
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
            Err(Timeout) => return Err(timeout("body")),
        }
    }
    rq.body = buf.drain(..length).collect();
    Ok(rq)
}

fn too_large_head(limits: &Limits) -> ReadError {
    ReadError::Answer(
        431,
        format!(
            "request line and headers larger than {} bytes",
            limits.max_head
        ),
    )
}

/// A read that did not complete: its deadline passed, or the connection failed.
struct Timeout;

/// Reads what is there, waiting until `until` at most.
fn read_some(stream: &TcpStream, chunk: &mut [u8], until: Instant) -> Result<usize, Timeout> {
    loop {
        let left = until.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(Timeout);
        }
        if stream.set_read_timeout(Some(left)).is_err() {
            return Err(Timeout);
        }
        let mut r = stream;
        match r.read(chunk) {
            Ok(n) => return Ok(n),
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                return Err(Timeout)
            }
            // reset, or closed by eviction: the same as an end
            Err(_) => return Ok(0),
        }
    }
}

/// Where the headers end (just past the blank line), if they have.
fn find_head_end(buf: &[u8]) -> Option<usize> {
    let mut i = 0;
    while let Some(p) = buf[i..].iter().position(|b| *b == b'\n') {
        let at = i + p;
        let rest = &buf[at + 1..];
        if rest.starts_with(b"\r\n") {
            return Some(at + 3);
        }
        if rest.starts_with(b"\n") {
            return Some(at + 2);
        }
        i = at + 1;
    }
    None
}

/// Parses the request line and headers.
fn parse_head(head: &[u8], limits: &Limits) -> Result<Request, ReadError> {
    let bad = |m: &str| ReadError::Answer(400, m.to_string());
    let text = std::str::from_utf8(head).map_err(|e| {
        bad(&format!(
            "request headers are not UTF-8 (byte {})",
            e.valid_up_to()
        ))
    })?;
    let mut lines = text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l));
    let first = lines.next().unwrap_or("");
    let mut parts = first.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(bad("the request line is not `METHOD /path HTTP/1.1`"));
    };
    if method.is_empty() || !method.bytes().all(|b| b.is_ascii_alphabetic()) {
        return Err(bad("the request's method is not a word"));
    }
    if !(target.starts_with('/') || target == "*") {
        return Err(bad("the request's target is not a path"));
    }
    let http11 = match version {
        "HTTP/1.1" => true,
        "HTTP/1.0" => false,
        v if v.starts_with("HTTP/") => {
            return Err(ReadError::Answer(
                505,
                format!("{v} is not served; use HTTP/1.1"),
            ))
        }
        _ => return Err(bad("the request line is not `METHOD /path HTTP/1.1`")),
    };
    let mut headers = Vec::new();
    for line in lines {
        if line.is_empty() {
            continue;
        }
        if line.starts_with([' ', '\t']) {
            return Err(bad("folded header lines are not accepted"));
        }
        let Some((name, value)) = line.split_once(':') else {
            return Err(bad("a header line without `:`"));
        };
        if name.is_empty() || name.bytes().any(|b| b <= b' ' || b == 0x7f) {
            return Err(bad("a header name with spaces"));
        }
        headers.push((name.to_string(), value.trim().to_string()));
        if headers.len() > limits.max_headers {
            return Err(ReadError::Answer(
                431,
                format!("more than {} header lines", limits.max_headers),
            ));
        }
    }
    Ok(Request {
        method: method.to_string(),
        target: target.to_string(),
        http11,
        headers,
        body: Vec::new(),
    })
}

fn reason(status: u16) -> &'static str {
    match status {
        100 => "Continue",
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        409 => "Conflict",
        413 => "Content Too Large",
        415 => "Unsupported Media Type",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        503 => "Service Unavailable",
        505 => "HTTP Version Not Supported",
        _ => "",
    }
}

/// Writes `r` (without its body for a HEAD request), within the write timeout overall.
fn write_response(
    stream: &TcpStream,
    r: &Response,
    head: bool,
    keep: bool,
    limits: &Limits,
) -> std::io::Result<()> {
    let mut out = format!("HTTP/1.1 {} {}\r\n", r.status, reason(r.status));
    for (k, v) in &r.headers {
        // a header value never carries a line break into the answer
        if !v.contains(['\r', '\n']) {
            out.push_str(&format!("{k}: {v}\r\n"));
        }
    }
    out.push_str(&format!(
        "Content-Length: {}\r\nConnection: {}\r\n\r\n",
        r.body.len(),
        if keep { "keep-alive" } else { "close" }
    ));
    let mut bytes = out.into_bytes();
    if !head {
        bytes.extend_from_slice(&r.body);
    }
    let until = Instant::now() + limits.write_timeout;
    let mut w = stream;
    let mut at = 0;
    while at < bytes.len() {
        let left = until.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(ErrorKind::TimedOut.into());
        }
        stream.set_write_timeout(Some(left))?;
        match w.write(&bytes[at..]) {
            Ok(0) => return Err(ErrorKind::WriteZero.into()),
            Ok(n) => at += n,
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    w.flush()
}

/// Closes after an error answer: no more writing, then what the client still sends is read
/// and dropped for a moment (a close with unread data would reset the connection, and the
/// client could lose the answer).
fn linger_close(stream: &TcpStream) {
    let _ = stream.shutdown(Shutdown::Write);
    let until = Instant::now() + LINGER_TIME;
    let mut chunk = [0u8; 8192];
    let mut read = 0;
    while read < LINGER_BYTES {
        match read_some(stream, &mut chunk, until) {
            Ok(0) | Err(Timeout) => break,
            Ok(n) => read += n,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(s: &str) -> Result<Request, ReadError> {
        parse_head(s.as_bytes(), &LIMITS)
    }

    #[test]
    fn request_heads_are_parsed_strictly() {
        let r = head("GET /api/lessons HTTP/1.1\r\nHost: 127.0.0.1:8\r\nX-A:  b \r\n\r\n").unwrap();
        assert_eq!(
            (r.method.as_str(), r.target.as_str(), r.http11),
            ("GET", "/api/lessons", true)
        );
        assert_eq!(r.header("host"), Some("127.0.0.1:8"));
        assert_eq!(r.header("x-a"), Some("b"));
        assert!(r.keep_alive());
        let r = head("GET / HTTP/1.0\r\n\r\n").unwrap();
        assert!(!r.keep_alive());
        for (bad, status) in [
            ("GET /\r\n\r\n", 400),
            ("GET  / HTTP/1.1\r\n\r\n", 400),
            ("GET http://x/ HTTP/1.1\r\n\r\n", 400),
            ("GET / HTTP/2.0\r\n\r\n", 505),
            ("GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n", 400),
            ("GET / HTTP/1.1\r\nNo colon\r\n\r\n", 400),
            ("GET / HTTP/1.1\r\nBad name: x\r\n\r\n", 400),
        ] {
            match head(bad) {
                Err(ReadError::Answer(s, _)) => assert_eq!(s, status, "{bad:?}"),
                other => panic!("{bad:?}: {other:?}"),
            }
        }
        let many: String = (0..=LIMITS.max_headers)
            .map(|i| format!("X-{i}: 1\r\n"))
            .collect();
        match head(&format!("GET / HTTP/1.1\r\n{many}\r\n")) {
            Err(ReadError::Answer(431, _)) => {}
            other => panic!("{other:?}"),
        }
    }

    /// A connected pair: (the server's end, the client's end).
    fn pair(l: &TcpListener) -> (TcpStream, TcpStream) {
        let c = TcpStream::connect(l.local_addr().unwrap()).unwrap();
        let (s, _) = l.accept().unwrap();
        (s, c)
    }

    #[test]
    fn one_address_other_than_this_computer_holds_few_connections() {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let limits = Limits {
            max_connections: 8,
            max_per_peer: 2,
            evict_after: Duration::from_secs(3600),
            admit_wait: Duration::ZERO,
            ..LIMITS
        };
        let r = Registry::default();
        let laptop: IpAddr = [10, 0, 0, 7].into();
        let here: IpAddr = [127, 0, 0, 1].into();
        let conns: Vec<_> = (0..6).map(|_| pair(&l)).collect();
        assert!(r.admit(&conns[0].0, laptop, &limits, &|| false).is_ok());
        assert!(r.admit(&conns[1].0, laptop, &limits, &|| false).is_ok());
        match r.admit(&conns[2].0, laptop, &limits, &|| false) {
            Err(Refused::Busy(m)) => {
                assert!(m.contains("too many connections from 10.0.0.7"), "{m}")
            }
            _ => panic!("a third connection from one address is admitted"),
        }
        for c in &conns[3..] {
            assert!(r.admit(&c.0, here, &limits, &|| false).is_ok());
        }
        assert_eq!(r.count(), 5);
    }

    #[test]
    fn a_full_server_closes_its_longest_idle_connection_for_a_new_one() {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let limits = Limits {
            max_connections: 2,
            evict_after: Duration::ZERO,
            admit_wait: Duration::from_secs(5),
            ..LIMITS
        };
        let r = Arc::new(Registry::default());
        let here: IpAddr = [127, 0, 0, 1].into();
        let (a, mut a_client) = pair(&l);
        let (b, mut b_client) = pair(&l);
        let (c, _c_client) = pair(&l);
        let sa = r.admit(&a, here, &limits, &|| false).ok().unwrap();
        std::thread::sleep(Duration::from_millis(20));
        let sb = r.admit(&b, here, &limits, &|| false).ok().unwrap();
        // the longest idle has a request waiting (its thread has not read it yet): not idle
        a_client.write_all(b"GET / HTTP/1.1\r\n").unwrap();
        std::thread::sleep(Duration::from_millis(50));
        // the connection threads, played here: leave when evicted
        let watcher = {
            let (r, sa, sb) = (r.clone(), sa.clone(), sb.clone());
            std::thread::spawn(move || {
                for _ in 0..500 {
                    for s in [&sa, &sb] {
                        if s.state.load(Ordering::SeqCst) == EVICTED {
                            r.release(s);
                            return Some(Arc::ptr_eq(s, &sb));
                        }
                    }
                    std::thread::sleep(Duration::from_millis(10));
                }
                None
            })
        };
        assert!(r.admit(&c, here, &limits, &|| false).is_ok());
        assert_eq!(watcher.join().unwrap(), Some(true), "b is the one evicted");
        // b's client sees its connection closed
        b_client
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        assert_eq!(b_client.read(&mut [0u8; 8]).unwrap(), 0);
        assert_eq!(sa.state.load(Ordering::SeqCst), IDLE);
        assert_eq!(r.count(), 2);
    }

    #[test]
    fn the_end_of_the_headers_is_found() {
        assert_eq!(find_head_end(b"GET / HTTP/1.1\r\n\r\nbody"), Some(18));
        assert_eq!(find_head_end(b"GET / HTTP/1.1\n\nbody"), Some(16));
        assert_eq!(find_head_end(b"GET / HTTP/1.1\r\nHost: a\r\n"), None);
    }
}

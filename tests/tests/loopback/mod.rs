//! A loopback HTTP/1.1 server that answers with hand-written bytes, so a test controls resets,
//! truncation and slowness, and counts the requests it saw.

#![allow(dead_code)] // Each test binary uses part of it.

use std::io::{self, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use plex_auth_client::{Backoff, ClientIdentity, RetryConfig};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// The token test clients send.
pub const TOKEN: &str = "tok-LOOPBACK-7f3a9c2e51";

/// The identity every test client sends.
pub fn identity() -> ClientIdentity {
    ClientIdentity::new("faults-test-client", "plex-auth-faults", "0.1.0")
        .platform("Linux")
        .device("CI")
}

/// The recorded bodies in shared/, beside the repository.
pub fn recorded_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/fixtures/plex-recorded")
}

/// A recorded body, byte for byte.
pub fn recorded(name: &str) -> Vec<u8> {
    let path = recorded_dir().join(name);
    std::fs::read(&path).unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()))
}

/// Retries the statuses of [`RetryConfig::aggressive`] with millisecond waits and no jitter.
pub fn quick_retry(policy: RetryConfig) -> RetryConfig {
    policy
        .with_backoff(Backoff {
            initial_interval: Duration::from_millis(10),
            max_interval: Duration::from_millis(20),
            exponent: 1.5,
            max_elapsed_time: Duration::from_secs(10),
        })
        .with_jitter(false)
}

/// One request as the server read it.
#[derive(Clone, Debug)]
pub struct Seen {
    pub method: String,
    pub target: String,
    /// Names lowercased.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Seen {
    /// The first value of a header.
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(key, _)| *key == name)
            .map(|(_, value)| value.as_str())
    }
}

/// What the server does after reading a request, in order. The connection is closed (FIN)
/// after the last step unless a step reset it.
#[derive(Clone, Debug)]
pub enum Step {
    Write(Vec<u8>),
    Sleep(Duration),
    /// Closes with RST (SO_LINGER 0), dropping whatever was not yet sent.
    Reset,
}

/// Writes `bytes` then closes.
pub fn send(bytes: Vec<u8>) -> Vec<Step> {
    vec![Step::Write(bytes)]
}

/// A complete response with `Content-Length` and `Connection: close`.
pub fn response(status: u16, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    write!(out, "HTTP/1.1 {status} Status\r\n").unwrap();
    for (name, value) in headers {
        write!(out, "{name}: {value}\r\n").unwrap();
    }
    write!(
        out,
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .unwrap();
    out.extend_from_slice(body);
    out
}

/// A JSON response.
pub fn json(status: u16, body: &[u8]) -> Vec<u8> {
    response(status, &[("Content-Type", "application/json")], body)
}

type Responder = dyn Fn(usize, &Seen) -> Vec<Step> + Send + Sync;

/// A server on 127.0.0.1; stops when dropped.
pub struct Server {
    pub addr: SocketAddr,
    count: Arc<AtomicUsize>,
    seen: Arc<Mutex<Vec<Seen>>>,
    task: JoinHandle<()>,
}

impl Server {
    /// Starts a server whose answer to request number `n` (0-based) is `respond(n, &request)`.
    pub async fn start(
        respond: impl Fn(usize, &Seen) -> Vec<Step> + Send + Sync + 'static,
    ) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let count = Arc::new(AtomicUsize::new(0));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let respond: Arc<Responder> = Arc::new(respond);
        let task = tokio::spawn({
            let count = count.clone();
            let seen = seen.clone();
            async move {
                loop {
                    let Ok((stream, _)) = listener.accept().await else {
                        continue;
                    };
                    let (count, seen, respond) = (count.clone(), seen.clone(), respond.clone());
                    tokio::spawn(async move {
                        // A client that gave up early is not an error of the server.
                        let _ = serve(stream, &count, &seen, &*respond).await;
                    });
                }
            }
        });
        Server {
            addr,
            count,
            seen,
            task,
        }
    }

    /// Answers every request with the same steps.
    pub async fn always(steps: Vec<Step>) -> Server {
        Server::start(move |_, _| steps.clone()).await
    }

    /// `http://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// How many complete requests the server read.
    pub fn count(&self) -> usize {
        self.count.load(Ordering::SeqCst)
    }

    /// The requests the server read, in order of arrival.
    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve(
    mut stream: TcpStream,
    count: &AtomicUsize,
    seen: &Mutex<Vec<Seen>>,
    respond: &Responder,
) -> io::Result<()> {
    let Some(request) = read_request(&mut stream).await? else {
        return Ok(());
    };
    let index = {
        let mut seen = seen.lock().unwrap();
        seen.push(request.clone());
        count.fetch_add(1, Ordering::SeqCst)
    };
    for step in respond(index, &request) {
        match step {
            Step::Write(bytes) => stream.write_all(&bytes).await?,
            Step::Sleep(duration) => tokio::time::sleep(duration).await,
            Step::Reset => {
                stream.set_zero_linger()?;
                drop(stream);
                return Ok(());
            }
        }
    }
    stream.flush().await?;
    stream.shutdown().await
}

/// Reads one request head and its `Content-Length` body; `None` when the client closed first.
async fn read_request(stream: &mut TcpStream) -> io::Result<Option<Seen>> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
        if buffer.len() > 64 * 1024 {
            return Ok(None);
        }
        let read = stream.read(&mut chunk).await?;
        if read == 0 {
            return Ok(None);
        }
        buffer.extend_from_slice(&chunk[..read]);
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next().unwrap_or_default().split(' ');
    let method = request_line.next().unwrap_or_default().to_string();
    let target = request_line.next().unwrap_or_default().to_string();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_string()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(name, _)| name == "content-length")
        .and_then(|(_, value)| value.parse().ok())
        .unwrap_or(0);
    let mut body = buffer[head_end..].to_vec();
    while body.len() < length {
        let read = stream.read(&mut chunk).await?;
        if read == 0 {
            return Ok(None);
        }
        body.extend_from_slice(&chunk[..read]);
    }
    Ok(Some(Seen {
        method,
        target,
        headers,
        body,
    }))
}

/// A shared buffer the trace of one thread is written to.
#[derive(Clone, Default)]
pub struct LogBuffer(Arc<Mutex<Vec<u8>>>);

impl LogBuffer {
    /// What was written so far.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

thread_local! {
    /// Where this thread's trace goes while a capture is on.
    static CAPTURE: std::cell::RefCell<Option<LogBuffer>> = const { std::cell::RefCell::new(None) };
}

/// Writes to the capturing buffer of the thread that emits the event, if any.
struct ThreadWriter;

impl Write for ThreadWriter {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        CAPTURE.with(|capture| {
            if let Some(buffer) = capture.borrow_mut().as_mut() {
                buffer.0.lock().unwrap().extend_from_slice(bytes);
            }
        });
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Ends a capture when dropped.
pub struct CaptureGuard(());

impl Drop for CaptureGuard {
    fn drop(&mut self) {
        CAPTURE.with(|capture| capture.borrow_mut().take());
    }
}

/// Captures every tracing event and span (TRACE and up) emitted on the current thread into a
/// buffer until the guard is dropped. Tests that use it run on a current-thread runtime, so the
/// client's events are emitted on this thread.
///
/// One global subscriber routes each thread's output: a thread-scoped subscriber
/// (`set_default`) misses events when another test thread registers a callsite first
/// (tracing caches the interest of a lone scoped subscriber as if it were global).
pub fn capture_logs() -> (LogBuffer, CaptureGuard) {
    static INSTALL: std::sync::Once = std::sync::Once::new();
    INSTALL.call_once(|| {
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
            .with_ansi(false)
            .with_writer(|| ThreadWriter)
            .finish();
        tracing::subscriber::set_global_default(subscriber)
            .expect("no other global subscriber in the test binary");
    });
    let buffer = LogBuffer::default();
    CAPTURE.with(|capture| *capture.borrow_mut() = Some(buffer.clone()));
    (buffer, CaptureGuard(()))
}

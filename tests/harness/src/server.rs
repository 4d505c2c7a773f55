//! A loopback HTTP/1.1 server on its own thread: it answers each request with the steps a test
//! chooses (answers, raw bytes, pauses, resets), and records what it read.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};

/// A request as the server read it.
#[derive(Clone, Debug)]
pub struct Seen {
    /// `GET`, `POST`…
    pub method: String,
    /// The request target: path and query.
    pub target: String,
    /// Header names lower-cased, in the order sent.
    pub headers: Vec<(String, String)>,
    /// The body (read by `Content-Length`).
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

    /// The path, without the query.
    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or_default()
    }

    /// The query parameters, decoded.
    pub fn query(&self) -> BTreeMap<String, String> {
        let query = self.target.split_once('?').map_or("", |(_, query)| query);
        form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect()
    }

    /// The fields of a form body, decoded.
    pub fn form(&self) -> BTreeMap<String, String> {
        form_urlencoded::parse(&self.body).into_owned().collect()
    }
}

/// A well-formed answer: status, headers and body, with `Content-Length` added.
#[derive(Clone, Debug)]
pub struct Answer {
    /// The status code.
    pub status: u16,
    /// Headers, in the order written (`Content-Length` is added, never listed).
    pub headers: Vec<(String, String)>,
    /// The body, sent as it is.
    pub body: Vec<u8>,
}

impl Answer {
    /// An answer with no header and no body.
    pub fn new(status: u16) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    /// An `application/json` answer.
    pub fn json(status: u16, body: impl Into<Vec<u8>>) -> Self {
        Self::new(status)
            .header("Content-Type", "application/json")
            .body(body)
    }

    /// Adds a header.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    /// Sets the body.
    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = body.into();
        self
    }

    /// The bytes on the wire; `close` adds `Connection: close`.
    pub fn to_bytes(&self, close: bool) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.body.len() + 256);
        let _ = write!(out, "HTTP/1.1 {} {}\r\n", self.status, reason(self.status));
        for (name, value) in &self.headers {
            let _ = write!(out, "{name}: {value}\r\n");
        }
        let _ = write!(out, "Content-Length: {}\r\n", self.body.len());
        if close {
            out.extend_from_slice(b"Connection: close\r\n");
        }
        out.extend_from_slice(b"\r\n");
        out.extend_from_slice(&self.body);
        out
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        302 => "Found",
        307 => "Temporary Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

/// What the server does after reading a request, in order.
#[derive(Clone, Debug)]
pub enum Step {
    /// A well-formed answer.
    Answer(Answer),
    /// Raw bytes: a malformed or partial answer.
    Write(Vec<u8>),
    /// The same bytes written `times` times in a row: a body far larger than the server could
    /// hold (an endless answer). Shared, so that cloning the step copies no bytes and the
    /// server's own memory stays flat while the client's is measured.
    Repeat {
        /// The bytes repeated.
        bytes: Arc<[u8]>,
        /// How many times.
        times: usize,
    },
    /// A pause.
    Sleep(Duration),
    /// Closes with RST (SO_LINGER 0), dropping whatever was not yet sent.
    Reset,
}

impl From<Answer> for Step {
    fn from(answer: Answer) -> Self {
        Step::Answer(answer)
    }
}

/// How the server treats connections.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// Read the next request on the same connection after answering (benches); otherwise close
    /// it (FIN) after the last step.
    pub keep_alive: bool,
    /// Keep every request read, for [`Server::seen`]. Off in benches, whose memory is measured.
    pub record: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            keep_alive: false,
            record: true,
        }
    }
}

type Responder = dyn Fn(usize, &Seen) -> Vec<Step> + Send + Sync;

struct Shared {
    count: AtomicUsize,
    seen: Mutex<Vec<Seen>>,
    respond: Box<Responder>,
    options: Options,
}

/// The certificate an https server of the harness presents. Both name `127.0.0.1` and
/// `localhost`; `fixtures/tls/` holds them (see `fixtures/PROVENANCE.md`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Certificate {
    /// Issued by the test authority, [`test_authority_pem`]: a client that trusts it accepts
    /// the server.
    Trusted,
    /// Self-signed: no client trusts it, as a machine that is not the server would present.
    Untrusted,
}

/// The test authority's certificate (PEM), to trust in a client talking to
/// [`Certificate::Trusted`] servers.
pub fn test_authority_pem() -> Vec<u8> {
    super::fixture("tls/ca.pem")
}

fn acceptor(certificate: Certificate) -> TlsAcceptor {
    let (chain, key) = match certificate {
        Certificate::Trusted => ("tls/server.pem", "tls/server.key"),
        Certificate::Untrusted => ("tls/impostor.pem", "tls/impostor.key"),
    };
    let chain: Vec<CertificateDer<'static>> =
        CertificateDer::pem_slice_iter(&super::fixture(chain))
            .collect::<Result<_, _>>()
            .expect("the fixture's certificate");
    let key = PrivateKeyDer::from_pem_slice(&super::fixture(key)).expect("the fixture's key");
    let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
    let config = tokio_rustls::rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("protocol versions")
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .expect("the fixture's certificate and key");
    TlsAcceptor::from(Arc::new(config))
}

/// A server on 127.0.0.1, on a thread and runtime of its own (so a test's runtime, a blocking
/// test or a measured bench does not schedule it); stops when dropped.
pub struct Server {
    /// The address it listens on.
    pub addr: SocketAddr,
    scheme: &'static str,
    shared: Arc<Shared>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    /// Answers request number `n` (0-based) with `respond(n, &request)`, then closes.
    pub fn start(respond: impl Fn(usize, &Seen) -> Vec<Step> + Send + Sync + 'static) -> Self {
        Self::with_options(Options::default(), respond)
    }

    /// Answers every request with the same steps.
    pub fn always(steps: Vec<Step>) -> Self {
        Self::start(move |_, _| steps.clone())
    }

    /// Answers every request with `answer`.
    pub fn answering(answer: Answer) -> Self {
        Self::answers(vec![answer])
    }

    /// Answers request `n` with `answers[n]`, and the last one again once they run out.
    pub fn answers(answers: Vec<Answer>) -> Self {
        assert!(!answers.is_empty(), "the server needs an answer");
        Self::start(move |n, _| vec![Step::Answer(answers[n.min(answers.len() - 1)].clone())])
    }

    /// An https server presenting `certificate`, answering every request with the same steps.
    pub fn https_always(certificate: Certificate, steps: Vec<Step>) -> Self {
        Self::serve(
            Options::default(),
            Some(acceptor(certificate)),
            move |_, _| steps.clone(),
        )
    }

    /// A server with `options`.
    pub fn with_options(
        options: Options,
        respond: impl Fn(usize, &Seen) -> Vec<Step> + Send + Sync + 'static,
    ) -> Self {
        Self::serve(options, None, respond)
    }

    fn serve(
        options: Options,
        tls: Option<TlsAcceptor>,
        respond: impl Fn(usize, &Seen) -> Vec<Step> + Send + Sync + 'static,
    ) -> Self {
        let scheme = if tls.is_some() { "https" } else { "http" };
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        listener.set_nonblocking(true).expect("non-blocking");
        let addr = listener.local_addr().expect("local address");
        let shared = Arc::new(Shared {
            count: AtomicUsize::new(0),
            seen: Mutex::new(Vec::new()),
            respond: Box::new(respond),
            options,
        });
        let (stop, stopped) = tokio::sync::oneshot::channel();
        let thread = std::thread::Builder::new()
            .name("loopback-server".into())
            .spawn({
                let shared = shared.clone();
                move || serve_until(listener, tls, shared, stopped)
            })
            .expect("server thread");
        Self {
            addr,
            scheme,
            shared,
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    /// `http://127.0.0.1:<port>` (`https://` for an https server).
    pub fn url(&self) -> String {
        format!("{}://{}", self.scheme, self.addr)
    }

    /// How many complete requests the server read.
    pub fn count(&self) -> usize {
        self.shared.count.load(Ordering::SeqCst)
    }

    /// The requests read, in order of arrival.
    pub fn seen(&self) -> Vec<Seen> {
        self.shared.seen.lock().expect("seen lock").clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Runs the accept loop until `stopped`; dropping the runtime then ends every connection.
fn serve_until(
    listener: std::net::TcpListener,
    tls: Option<TlsAcceptor>,
    shared: Arc<Shared>,
    stopped: tokio::sync::oneshot::Receiver<()>,
) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("server runtime");
    runtime.block_on(async move {
        let listener = TcpListener::from_std(listener).expect("listener");
        let accept = async {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    // Out of file descriptors (a test opening a thousand connections): give
                    // them time to close instead of spinning on the error.
                    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
                    continue;
                };
                let _ = stream.set_nodelay(true);
                let shared = shared.clone();
                let tls = tls.clone();
                tokio::spawn(async move {
                    // A client that gave up early, or refused the certificate, is not an error
                    // of the server.
                    let _ = match tls {
                        None => connection(stream, &shared).await,
                        Some(tls) => match tls.accept(stream).await {
                            Ok(stream) => connection(stream, &shared).await,
                            Err(_) => Ok(()),
                        },
                    };
                });
            }
        };
        tokio::select! {
            () = accept => {}
            _ = stopped => {}
        }
    });
}

/// A connection the server answers on: plain TCP, or TLS over it.
trait Connection: AsyncRead + AsyncWrite + Unpin {
    /// Makes closing send RST (SO_LINGER 0).
    fn set_zero_linger(&self) -> std::io::Result<()>;
}

impl Connection for TcpStream {
    fn set_zero_linger(&self) -> std::io::Result<()> {
        TcpStream::set_zero_linger(self)
    }
}

impl Connection for tokio_rustls::server::TlsStream<TcpStream> {
    fn set_zero_linger(&self) -> std::io::Result<()> {
        self.get_ref().0.set_zero_linger()
    }
}

async fn connection(mut stream: impl Connection, shared: &Shared) -> std::io::Result<()> {
    let mut buffer = Vec::new();
    loop {
        let Some(request) = read_request(&mut stream, &mut buffer).await? else {
            return Ok(());
        };
        let index = shared.count.fetch_add(1, Ordering::SeqCst);
        if shared.options.record {
            shared.seen.lock().expect("seen lock").push(request.clone());
        }
        let close = !shared.options.keep_alive;
        for step in (shared.respond)(index, &request) {
            match step {
                Step::Answer(answer) => stream.write_all(&answer.to_bytes(close)).await?,
                Step::Write(bytes) => stream.write_all(&bytes).await?,
                Step::Repeat { bytes, times } => {
                    for _ in 0..times {
                        stream.write_all(&bytes).await?;
                    }
                }
                Step::Sleep(duration) => tokio::time::sleep(duration).await,
                Step::Reset => {
                    stream.set_zero_linger()?;
                    return Ok(());
                }
            }
        }
        stream.flush().await?;
        if close {
            return stream.shutdown().await;
        }
    }
}

/// Reads one request head and its `Content-Length` body from `stream`, keeping any bytes past
/// it in `buffer` for the next request; `None` when the client closed first.
async fn read_request(
    stream: &mut (impl AsyncRead + Unpin),
    buffer: &mut Vec<u8>,
) -> std::io::Result<Option<Seen>> {
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
        if buffer.len() > 256 * 1024 {
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
    while buffer.len() < head_end + length {
        let read = stream.read(&mut chunk).await?;
        if read == 0 {
            return Ok(None);
        }
        buffer.extend_from_slice(&chunk[..read]);
    }
    let body = buffer[head_end..head_end + length].to_vec();
    buffer.drain(..head_end + length);
    Ok(Some(Seen {
        method,
        target,
        headers,
        body,
    }))
}

/// An address that refuses connections: a socket bound to a loopback port but never
/// listening, so a connection attempt is refused at once. It holds the port for as long as it
/// lives: no other test's server can be given that port meanwhile and answer in its place.
pub struct Refused {
    /// Bound, never listening; without `SO_REUSEADDR`, so the port cannot be shared.
    socket: tokio::net::TcpSocket,
}

impl Refused {
    /// A refusing address on 127.0.0.1.
    pub fn new() -> Self {
        let socket = tokio::net::TcpSocket::new_v4().expect("a TCP socket");
        socket
            .bind(SocketAddr::from(([127, 0, 0, 1], 0)))
            .expect("bind 127.0.0.1");
        Self { socket }
    }

    /// `http://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        let addr = self.socket.local_addr().expect("local address");
        format!("http://{addr}")
    }
}

impl Default for Refused {
    fn default() -> Self {
        Self::new()
    }
}

/// An address whose machine never answers: the port accepts connections (the kernel completes
/// the handshake into the backlog) but nothing ever reads or answers them, so a request waits
/// until the client gives up. No thread: any number of them is cheap.
pub struct Silent {
    /// Held so that the port stays bound.
    listener: std::net::TcpListener,
}

impl Silent {
    /// A silent address for `http://` URLs.
    pub fn http() -> Self {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        Self { listener }
    }

    /// `http://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        let addr = self.listener.local_addr().expect("local address");
        format!("http://{addr}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_address_refuses_and_keeps_its_port_while_it_lives() {
        let refused = Refused::new();
        let addr = refused.socket.local_addr().unwrap();
        let error = std::net::TcpStream::connect(addr).unwrap_err();
        assert_eq!(error.kind(), std::io::ErrorKind::ConnectionRefused);
        // Another server cannot take the port meanwhile (std binds with SO_REUSEADDR, as
        // tokio's listeners do).
        let taken = std::net::TcpListener::bind(addr).unwrap_err();
        assert_eq!(taken.kind(), std::io::ErrorKind::AddrInUse);
    }
}

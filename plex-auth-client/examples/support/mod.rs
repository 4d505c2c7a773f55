//! Shared by the examples: the client identity, and a loopback HTTP server that replays recorded
//! Plex answers so each example runs without an account or a network.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use plex_auth_client::ClientIdentity;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The identity the examples send: PLEX_CLIENT_IDENTIFIER, or a fixed identifier for the
/// replayed answers (a real application stores one UUID per installation).
pub fn identity() -> ClientIdentity {
    let id = std::env::var("PLEX_CLIENT_IDENTIFIER")
        .unwrap_or_else(|_| "plex-auth-client-examples".to_string());
    ClientIdentity::new(id, "plex-auth-client examples", env!("CARGO_PKG_VERSION"))
        .platform(std::env::consts::OS)
}

/// One answer of the replay server.
pub struct Answer {
    status: u16,
    content_type: &'static str,
    body: &'static str,
}

impl Answer {
    /// A JSON answer.
    pub fn json(status: u16, body: &'static str) -> Self {
        Self {
            status,
            content_type: "application/json",
            body,
        }
    }

    /// An XML answer (plex.tv's error envelope when it does not render JSON).
    pub fn xml(status: u16, body: &'static str) -> Self {
        Self {
            status,
            content_type: "application/xml",
            body,
        }
    }
}

/// Starts a server on 127.0.0.1 that answers the n-th request with `answers[n]` (the last one
/// again once they run out) and returns its base URL. It stops with the example's runtime.
pub async fn replay(answers: Vec<Answer>) -> std::io::Result<String> {
    assert!(!answers.is_empty(), "the replay server needs an answer");
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}", listener.local_addr()?);
    let answers = Arc::new(answers);
    let served = Arc::new(AtomicUsize::new(0));
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let answers = Arc::clone(&answers);
            let served = Arc::clone(&served);
            tokio::spawn(async move {
                // A failed exchange only fails the example's call, which reports it.
                let _ = exchange(stream, &answers, &served).await;
            });
        }
    });
    Ok(url)
}

/// Reads one request and writes the next answer; every answer closes the connection, so each
/// request arrives on a connection of its own.
async fn exchange(
    mut stream: TcpStream,
    answers: &[Answer],
    served: &AtomicUsize,
) -> std::io::Result<()> {
    let mut request = Vec::new();
    let mut buffer = [0u8; 4096];
    let head_end = loop {
        let read = stream.read(&mut buffer).await?;
        if read == 0 {
            return Ok(());
        }
        request.extend_from_slice(&buffer[..read]);
        if let Some(end) = request.windows(4).position(|w| w == b"\r\n\r\n") {
            break end + 4;
        }
    };
    let head = String::from_utf8_lossy(&request[..head_end]).to_ascii_lowercase();
    let length: usize = head
        .lines()
        .find_map(|line| line.strip_prefix("content-length:"))
        .and_then(|value| value.trim().parse().ok())
        .unwrap_or(0);
    while request.len() < head_end + length {
        let read = stream.read(&mut buffer).await?;
        if read == 0 {
            break;
        }
        request.extend_from_slice(&buffer[..read]);
    }
    let index = served.fetch_add(1, Ordering::SeqCst).min(answers.len() - 1);
    let answer = &answers[index];
    let reason = match answer.status {
        200 => "OK",
        201 => "Created",
        401 => "Unauthorized",
        _ => "Answer",
    };
    let response = format!(
        "HTTP/1.1 {} {reason}\r\ncontent-type: {}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{}",
        answer.status,
        answer.content_type,
        answer.body.len(),
        answer.body
    );
    stream.write_all(response.as_bytes()).await?;
    stream.shutdown().await
}

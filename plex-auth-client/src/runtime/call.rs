//! One call, from the request a generated method built to its result. The generated method
//! passes its operation's static description with the request; everything the call needs
//! later (what it sent, for redaction) stays in the call's own variables.

use std::net::SocketAddr;

use bytes::Bytes;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;

use super::answer::{Failure, failed};
use super::prepare::prepare;
use super::send::execute;
use super::sent::Sent;
use super::token_source;
use super::{Context, Operation};
use crate::{Error, Response};

/// The request progenitor's builder made, or why it could not.
pub(super) type Built = Result<reqwest::Request, progenitor_client::Error<()>>;

/// Runs a call whose success is JSON: sends `request` for `operation` and decodes the body of
/// a 2xx into `T`.
pub async fn json<T: DeserializeOwned>(
    http: &reqwest::Client,
    context: &Context,
    operation: &'static Operation,
    request: Built,
) -> Result<Response<T>, Error> {
    let (sent, status, headers, body, peer) = read::<T>(http, context, operation, request).await?;
    match serde_json::from_slice::<T>(&body) {
        Ok(value) => Ok(Response::new(value, status, headers).answered_by(peer)),
        Err(_) => Err(fail::<T>(operation, &sent, Failure::Decode(status, body)).await),
    }
}

/// Runs a call whose success is binary (an image, a media segment) or XML: the body of a 2xx,
/// read up to the client's size limit.
#[allow(dead_code)] // for specs with such operations
pub async fn bytes(
    http: &reqwest::Client,
    context: &Context,
    operation: &'static Operation,
    request: Built,
) -> Result<Response<Bytes>, Error> {
    let (_, status, headers, body, peer) = read::<()>(http, context, operation, request).await?;
    Ok(Response::new(body, status, headers).answered_by(peer))
}

/// Runs a call whose success is text (subtitles, a playlist): the body of a 2xx as UTF-8; a
/// body that is not is a decode error.
#[allow(dead_code)] // for specs with such operations
pub async fn text(
    http: &reqwest::Client,
    context: &Context,
    operation: &'static Operation,
    request: Built,
) -> Result<Response<String>, Error> {
    let (sent, status, headers, body, peer) = read::<()>(http, context, operation, request).await?;
    match String::from_utf8(body.to_vec()) {
        Ok(text) => Ok(Response::new(text, status, headers).answered_by(peer)),
        Err(_) => Err(fail::<()>(operation, &sent, Failure::NotText(status, body)).await),
    }
}

/// Runs a call whose success has no body: sends `request` for `operation`; a 2xx answers `()`
/// and its body, if any, is not read.
pub async fn empty(
    http: &reqwest::Client,
    context: &Context,
    operation: &'static Operation,
    request: Built,
) -> Result<Response<()>, Error> {
    let (sent, mut response) = send(http, context, operation, request).await?;
    let status = response.status();
    if !status.is_success() {
        return Err(fail::<()>(operation, &sent, Failure::Status(response)).await);
    }
    let headers = std::mem::take(response.headers_mut());
    Ok(Response::new((), status, headers).answered_by(response.remote_addr()))
}

/// Sends the request and reads the body of a 2xx: what was sent, the status, the headers, the
/// body and the peer that answered. `T` is what a success decodes into, for the errors.
async fn read<T: DeserializeOwned>(
    http: &reqwest::Client,
    context: &Context,
    operation: &'static Operation,
    request: Built,
) -> Result<(Sent, StatusCode, HeaderMap, Bytes, Option<SocketAddr>), Error> {
    let (sent, mut response) = send(http, context, operation, request).await?;
    let status = response.status();
    if !status.is_success() {
        return Err(fail::<T>(operation, &sent, Failure::Status(response)).await);
    }
    // Moved out rather than copied: the value keeps them.
    let headers = std::mem::take(response.headers_mut());
    let peer = response.remote_addr();
    match response.bytes().await {
        Ok(body) => Ok((sent, status, headers, body, peer)),
        Err(error) => Err(fail::<T>(operation, &sent, Failure::Body(status, error)).await),
    }
}

/// Checks and sends the request; the answer, with what was sent. A request refused before
/// sending, or one that got no answer, is the call's error.
async fn send(
    http: &reqwest::Client,
    context: &Context,
    operation: &'static Operation,
    request: Built,
) -> Result<(Sent, reqwest::Response), Error> {
    let invalid = |message| Error::InvalidInput {
        operation: operation.id,
        message,
    };
    let mut request = request.map_err(|error| invalid(unbuilt(error)))?;
    let mut sent = prepare(context, &mut request, operation).map_err(invalid)?;
    let answer = match token_source::source_for(context, operation) {
        // Boxed: only the calls of a client built from a token source carry its future.
        Some((source, header)) => {
            let with_source = token_source::execute_with(
                source, header, http, context, request, operation, &mut sent,
            );
            Box::pin(with_source).await?
        }
        None => execute(http, context, request, operation).await,
    };
    match answer {
        Ok(response) => Ok((sent, response)),
        Err(error) => Err(fail::<()>(operation, &sent, Failure::Transport(error)).await),
    }
}

/// A failed call's error. Boxed: the failure path reads and redacts bodies, and keeping it out
/// of the success path's future keeps the future every call moves small.
async fn fail<T: DeserializeOwned>(
    operation: &'static Operation,
    sent: &Sent,
    failure: Failure,
) -> Error {
    Box::pin(failed::<T>(operation, sent, failure)).await
}

/// Why progenitor's builder could not build the request (a header value that is not one, a
/// body that does not encode), without reqwest's URL: its query can hold a credential.
fn unbuilt(error: progenitor_client::Error<()>) -> String {
    match error {
        progenitor_client::Error::InvalidRequest(message) => message,
        progenitor_client::Error::CommunicationError(error) => format!(
            "the request cannot be built: {}",
            super::transport::transport_message(&error)
        ),
        _ => "the request cannot be built".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use std::io::{Read, Write};
    use std::net::TcpListener;

    use reqwest::header::HeaderValue;

    use super::*;
    use crate::ErrorKind;
    use crate::RetryConfig;

    static IMAGE: Operation = Operation {
        id: "getImage",
        method: reqwest::Method::GET,
        path: "/image",
        token_header: None,
        accept: Some(HeaderValue::from_static("image/jpeg, image/png")),
        rules: &[],
    };

    /// A loopback server answering one request with `answer`; the request it read comes back
    /// through the handle.
    fn answer_once(answer: &'static [u8]) -> (String, std::thread::JoinHandle<String>) {
        let listener = TcpListener::bind("127.0.0.1:0").expect("loopback");
        let url = format!("http://{}", listener.local_addr().expect("address"));
        let handle = std::thread::spawn(move || {
            let (mut stream, _) = listener.accept().expect("a request");
            let mut request = Vec::new();
            let mut buffer = [0u8; 4096];
            while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                let read = stream.read(&mut buffer).expect("read");
                if read == 0 {
                    break;
                }
                request.extend_from_slice(&buffer[..read]);
            }
            stream.write_all(answer).expect("write");
            String::from_utf8_lossy(&request).into_owned()
        });
        (url, handle)
    }

    fn call_parts(url: &str) -> (reqwest::Client, Context, Built) {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::new();
        let context = Context::new(None, None, Some(RetryConfig::none()), 1024).expect("context");
        let request = http.get(format!("{url}/image")).build().map_err(Into::into);
        (http, context, request)
    }

    #[tokio::test]
    async fn bytes_answer_the_body_and_ask_for_the_declared_media() {
        let (url, server) = answer_once(
            b"HTTP/1.1 200 OK\r\ncontent-type: image/jpeg\r\ncontent-length: 4\r\n\r\n\xff\xd8\xff\x00",
        );
        let (http, context, request) = call_parts(&url);
        let response = bytes(&http, &context, &IMAGE, request)
            .await
            .expect("bytes");
        assert_eq!(response.status(), 200);
        assert_eq!(&response.into_inner()[..], b"\xff\xd8\xff\x00");
        let seen = server.join().expect("server").to_ascii_lowercase();
        assert!(seen.contains("accept: image/jpeg, image/png\r\n"), "{seen}");
    }

    #[tokio::test]
    async fn text_that_is_not_utf8_is_a_decode_error_with_its_status() {
        let (url, server) = answer_once(
            b"HTTP/1.1 200 OK\r\ncontent-type: text/srt\r\ncontent-length: 2\r\n\r\n\xff\xfe",
        );
        let (http, context, request) = call_parts(&url);
        let error = text(&http, &context, &IMAGE, request).await.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Decode);
        assert_eq!(error.status().map(|s| s.as_u16()), Some(200));
        assert!(
            error.to_string().contains("the body is not UTF-8 text"),
            "{error}"
        );
        server.join().expect("server");
    }

    #[tokio::test]
    async fn text_answers_the_body_as_a_string() {
        let (url, server) = answer_once(
            b"HTTP/1.1 200 OK\r\ncontent-type: text/srt\r\ncontent-length: 10\r\n\r\n1\n00:00 \xc3\xa9",
        );
        let (http, context, request) = call_parts(&url);
        let response = text(&http, &context, &IMAGE, request).await.expect("text");
        assert_eq!(response.into_inner(), "1\n00:00 é");
        server.join().expect("server");
    }

    #[tokio::test]
    async fn a_request_that_cannot_be_built_is_invalid_input_and_nothing_is_sent() {
        let (http, context, _) = call_parts("http://127.0.0.1:9");
        let refused: Built = Err(progenitor_client::Error::InvalidRequest(
            "path parameter `uuid` must not be `.` or `..`: it would change the path".into(),
        ));
        let error = bytes(&http, &context, &IMAGE, refused).await.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidInput);
        assert!(
            error
                .to_string()
                .starts_with("getImage: invalid input: path parameter `uuid`")
        );
    }
}

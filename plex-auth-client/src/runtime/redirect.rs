//! One attempt's redirects: followed by the client, for GET and HEAD only, within the origin.

use reqwest::{Method, StatusCode, Url};

/// At most this many redirects are followed in one attempt.
const MAX_REDIRECTS: usize = 5;

/// Marks an answer reached by following a redirect, in the response's extensions: such an
/// answer is not the first server's own word (a portal's 401 is not plex.tv refusing a token).
#[derive(Clone, Copy, Debug)]
pub(super) struct Redirected;

/// One attempt: sends the request, and follows redirects within its origin, for GET and HEAD
/// only. A redirect of any other request (a sign-in's POST would send the password again, to
/// wherever it points), or to another origin (the token would go with it: reqwest keeps a
/// custom header such as `X-Plex-Token` across origins), is returned as the answer.
///
/// `copy` is an untouched copy of `request`, when the caller keeps one: the first hop then
/// copies the request only if it is redirected.
pub(super) async fn send_following_redirects(
    http: &reqwest::Client,
    mut request: reqwest::Request,
    mut copy: Option<&reqwest::Request>,
) -> reqwest::Result<reqwest::Response> {
    let followable = matches!(*request.method(), Method::GET | Method::HEAD);
    let mut redirected = false;
    for hop in 1..=MAX_REDIRECTS {
        let kept = copy.take();
        let again = if followable && kept.is_none() {
            request.try_clone()
        } else {
            None
        };
        let response = marked(http.execute(request).await?, redirected);
        if !followable {
            return Ok(response);
        }
        // The request as sent: its URL resolves a relative `Location`.
        let Some(sent) = again.as_ref().or(kept) else {
            return Ok(response);
        };
        let Some(target) = same_origin_target(&response, sent.url()) else {
            return Ok(response);
        };
        let Some(mut again) = again.or_else(|| kept.and_then(reqwest::Request::try_clone)) else {
            return Ok(response);
        };
        // Where it points stays out of the trace: a server chooses it, and it can hold a
        // credential.
        tracing::debug!(hop, "redirect followed");
        redirected = true;
        *again.url_mut() = target;
        request = again;
    }
    Ok(marked(http.execute(request).await?, redirected))
}

/// `response`, marked [`Redirected`] when it was reached through a redirect.
fn marked(mut response: reqwest::Response, redirected: bool) -> reqwest::Response {
    if redirected {
        response.extensions_mut().insert(Redirected);
    }
    response
}

/// Where a redirect points, when it is one and stays on `from`'s origin.
fn same_origin_target(response: &reqwest::Response, from: &Url) -> Option<Url> {
    let redirect = matches!(
        response.status(),
        StatusCode::MOVED_PERMANENTLY
            | StatusCode::FOUND
            | StatusCode::SEE_OTHER
            | StatusCode::TEMPORARY_REDIRECT
            | StatusCode::PERMANENT_REDIRECT
    );
    if !redirect {
        return None;
    }
    let location = response.headers().get(reqwest::header::LOCATION)?;
    let target = from.join(location.to_str().ok()?).ok()?;
    (target.origin() == from.origin()).then_some(target)
}

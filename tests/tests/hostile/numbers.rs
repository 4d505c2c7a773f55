//! No number a server sends can panic or stall a flow: `Retry-After`, a PIN's numbers and
//! its code.

use super::*;

/// A quick retry policy that retries a 429, so that `Retry-After` is read and waited on.
fn retrying_429() -> RetryConfig {
    RetryConfig::aggressive().with_backoff(Backoff {
        initial_interval: Duration::from_millis(1),
        max_interval: Duration::from_millis(5),
        max_elapsed_time: Duration::from_secs(2),
        ..Backoff::default()
    })
}

#[tokio::test]
async fn no_retry_after_can_panic_or_stall_a_call() {
    let far = Duration::from_secs(u64::MAX);
    for (value, expected, requests) in [
        ("18446744073709551615", Some(far), 1),
        ("9223372036854775808", Some(Duration::from_secs(1 << 63)), 1),
        ("99999999999999999999999999", None, 5),
        ("-1", None, 5),
        ("1e9", None, 5),
        ("Fri, 31 Dec 9999 23:59:59 GMT", None, 1),
        ("Thu, 01 Jan 1970 00:00:00 GMT", Some(Duration::ZERO), 5),
        ("0", Some(Duration::ZERO), 5),
    ] {
        let server = Server::answering(
            Answer::json(
                429,
                r#"{"errors":[{"code":1003,"message":"API rate limit exceeded"}]}"#,
            )
            .header("Retry-After", value),
        );
        let client = PlexTvClient::builder(identity())
            .base_url(server.url())
            .token(TOKEN)
            .retry(retrying_429())
            .build()
            .unwrap();
        let started = Instant::now();
        let error = client.get_token_details().await.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::RateLimited, "{value}: {error}");
        if let Some(expected) = expected {
            assert_eq!(error.retry_after(), Some(expected), "{value}");
        } else if value.starts_with("Fri") {
            assert!(
                error.retry_after().unwrap() > Duration::from_secs(1 << 37),
                "{value}"
            );
        }
        assert_eq!(server.count(), requests, "{value}");
        assert!(started.elapsed() < Duration::from_secs(30), "{value}");
        let _ = error.to_string();
    }
}

/// plex.tv creating a PIN whose `expiresIn` and `id` are `expires_in` and `id`; every poll of
/// it is answered linked.
fn pin_server(expires_in: serde_json::Value, id: serde_json::Value) -> Server {
    let mut pin: serde_json::Value =
        serde_json::from_slice(&recorded("plextv-pins-201-new.json")).unwrap();
    pin["expiresIn"] = expires_in;
    pin["id"] = id.clone();
    let mut linked: serde_json::Value =
        serde_json::from_slice(&recorded("plextv-pins-200-linked.json")).unwrap();
    linked["id"] = id;
    Server::start(move |_, seen| {
        let answer = if seen.method == "POST" {
            Answer::json(201, pin.to_string())
        } else {
            Answer::json(200, linked.to_string())
        };
        vec![Step::Answer(answer)]
    })
}

#[tokio::test]
async fn no_number_in_a_pin_answer_can_panic() {
    use serde_json::json;
    let short = Duration::from_secs(15 * 60);
    // A lifetime that is not one falls back to the kind's: 15 minutes for a short PIN.
    for (expires_in, lifetime) in [
        (json!(0), short),
        (json!(-1), short),
        (json!(i64::MIN), short),
        (json!(i64::MAX), short),
        (json!(86_401), short),
        (json!(null), short),
        (json!(1), Duration::from_secs(1)),
        (json!(3600), Duration::from_secs(3600)),
    ] {
        let server = pin_server(expires_in.clone(), json!(111222333));
        let pin = plex(&server).create_pin(PinKind::Short).await.unwrap();
        let remaining = pin.remaining();
        assert!(
            remaining <= lifetime && remaining + Duration::from_secs(60) > lifetime,
            "{expires_in}: {remaining:?}"
        );
    }
    // A number that is not an integer, or not a number: the answer does not decode.
    for expires_in in [
        json!(1e308),
        json!(9.5),
        json!(u64::MAX),
        json!("900"),
        json!(true),
        json!({"seconds": 900}),
    ] {
        let server = pin_server(expires_in.clone(), json!(111222333));
        let error = plex(&server).create_pin(PinKind::Short).await.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Decode, "{expires_in}: {error}");
        assert!(error.to_string().contains("at expiresIn"), "{error}");
    }
    // The extreme ids travel as they are, and the flow ends with the token.
    for id in [i64::MIN, i64::MAX, -1, 0] {
        let server = pin_server(json!(i64::MAX), json!(id));
        let client = plex(&server);
        let pin = client.create_pin(PinKind::Strong).await.unwrap();
        assert!(pin.remaining() > Duration::from_secs(29 * 60));
        let polling = PinPolling::new().with_interval(Duration::from_millis(10));
        let token = client.wait_for_token(&pin, polling).await.unwrap();
        assert_eq!(token.expose(), "auth_token");
        assert_eq!(server.seen()[1].path(), format!("/pins/{id}"));
    }
}

#[tokio::test]
async fn a_pin_code_that_is_not_one_is_refused_unquoted() {
    let huge = "C".repeat(3 * 1024 * 1024);
    for code in [
        huge.as_str(),
        "",
        "AB\u{1b}]0;owned\u{7}",
        "AB\nplex-auth: forged",
    ] {
        let mut pin: serde_json::Value =
            serde_json::from_slice(&recorded("plextv-pins-201-new.json")).unwrap();
        pin["code"] = code.into();
        let server = Server::answering(Answer::json(201, pin.to_string()));
        let error = plex(&server).create_pin(PinKind::Short).await.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Decode, "{error}");
        let shown = error.to_string();
        assert!(shown.len() < 200, "{} bytes", shown.len());
        assert!(
            !shown.contains("CCCC") && !shown.contains("owned"),
            "{shown}"
        );
        assert_inert(&shown);
        assert_eq!(server.count(), 1);
    }
}

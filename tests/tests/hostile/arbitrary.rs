//! The property test: a known secret, encoded, placed anywhere in an answer, failed or
//! successful, never shows.

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

use super::*;

/// A token of the answer itself (the account's), echoed by the answer.
const ANSWER_TOKEN: &str = "answer-token-7f3e99";

/// Where the secret goes in the answer.
#[derive(Clone, Copy, Debug)]
enum Place {
    Body,
    EnvelopeMessage,
    XmlAttribute,
    Location,
    OtherHeader,
    SuccessBody,
    /// A successful answer that decodes, its names echoing the secret: what an
    /// application shows of it goes through a `Redactor`.
    AccountNames,
}

fn answer(place: Place, status: u16, text: &str, secret: &str) -> Answer {
    let json_text = serde_json::to_string(&text).unwrap();
    match place {
        Place::Body => Answer::new(status).body(text),
        Place::EnvelopeMessage => Answer::json(
            status,
            format!(r#"{{"errors":[{{"code":1001,"message":{json_text}}}]}}"#),
        ),
        Place::XmlAttribute => Answer::new(status).body(format!(
            "<errors><error code=\"1\" message=\"{}\"/></errors>",
            text.replace('&', "&amp;")
                .replace('"', "&quot;")
                .replace('<', "&lt;")
        )),
        Place::Location => {
            let location: String = text.chars().filter(|c| !c.is_control()).collect();
            Answer::new(302).header("Location", &location)
        }
        Place::OtherHeader => Answer::new(status).header("X-Echo", secret),
        Place::SuccessBody => Answer::json(200, format!("{{\"id\":{json_text}}}")),
        Place::AccountNames => {
            let mut account: serde_json::Value =
                serde_json::from_slice(&recorded("plextv-user-200-free-account.json")).unwrap();
            account["authToken"] = ANSWER_TOKEN.into();
            for field in ["username", "title", "email"] {
                account[field] = text.into();
            }
            // 201: the sign-in's success; the account call takes any 2xx that decodes.
            Answer::json(201, account.to_string())
        }
    }
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[ -~]{0,24}",
        any::<String>().prop_map(|s| s.chars().take(24).collect()),
        Just("\"authToken\":\"".to_string()),
        Just("X-Plex-Token=".to_string()),
        Just("\\".to_string()),
    ]
}

/// What goes right before or after the echo: often the beginning or the end of an escape,
/// which a decoder reading on would complete with the secret's letters (`%0` before
/// `fixture…`, `&#1` before digits, `\` before `\u0066`) or that would complete a
/// secret's own `%`, `&` or `\`.
fn escape_edge() -> impl Strategy<Value = String> {
    prop_oneof![
        1 => Just(String::new()),
        2 => prop::sample::select(vec![
            "%", "%0", "%2", "%25", "%C3", "%E2%80", "%5C", "%26", "&", "&#", "&#x", "&#1",
            "&#x1", "&amp", "&amp;", "&amp;#", "&#37;", "\\", "\\\\", "\\u", "\\u00",
            "\\u0025", "\\u0026#", ";", "0", "41", "F",
        ])
        .prop_map(String::from),
        1 => "[%&#;xu0-9a-fA-F\\\\]{1,4}",
    ]
}

#[test]
fn a_known_secret_anywhere_in_an_answer_in_any_encoding_never_shows() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let (logs, _guard) = capture_logs();
    let mut runner = TestRunner::new(Config {
        cases: 300,
        failure_persistence: None,
        ..Config::default()
    });
    let places = prop_oneof![
        Just(Place::Body),
        Just(Place::EnvelopeMessage),
        Just(Place::XmlAttribute),
        Just(Place::Location),
        Just(Place::OtherHeader),
        Just(Place::SuccessBody),
        Just(Place::AccountNames),
    ];
    let encodings = Encoding::all();
    let strategy = (
        places,
        400u16..600,
        (text(), escape_edge()).prop_map(|(text, edge)| text + &edge),
        (escape_edge(), text()).prop_map(|(edge, text)| edge + &text),
        0..encodings.len(),
        0..3usize,
    );
    runner
        .run(
            &strategy,
            |(place, status, before, after, encoding, which)| {
                let sign_in = which == 1;
                // The answer's own token only where the answer is shown: errors know only what
                // the call sent.
                let secret = match (which, place) {
                    (1, _) => PASSWORD,
                    (2, Place::AccountNames) => ANSWER_TOKEN,
                    _ => TOKEN,
                };
                let (echo, hidden) = encodings[encoding].encode(secret);
                let text = format!("{before}{echo}{after}");
                let server = Server::answering(answer(place, status, &text, secret));
                let client = plex(&server);
                let result = runtime.block_on(async {
                    if sign_in {
                        client
                            .post_users_sign_in_data(&sign_in_request())
                            .await
                            .map(|answer| answer.into_inner())
                    } else {
                        client
                            .get_token_details()
                            .await
                            .map(|answer| answer.into_inner())
                    }
                });
                let shown = match result {
                    // What an application shows of a success: its names, through a Redactor
                    // given the credentials the call sent and the answer's own.
                    Ok(account) => {
                        prop_assert!(matches!(place, Place::AccountNames), "{:?}", place);
                        let sent = if sign_in {
                            [PASSWORD, CODE]
                        } else {
                            [TOKEN, ""]
                        };
                        let redactor = Redactor::new(sent).secrets_of(&account).max_chars(4096);
                        [&account.username, &account.title, &account.email]
                            .map(|name| redactor.text(name))
                            .join("\n")
                    }
                    Err(error) => {
                        let debug = shown(&error);
                        prop_assert!(!debug.contains(secret), "{:?}: {}", place, debug);
                        texts(&error)
                    }
                };
                prop_assert!(
                    !shown.contains(&hidden) && !shown.contains(secret),
                    "{:?} {:?}: {}",
                    place,
                    encodings[encoding],
                    shown
                );
                prop_assert!(!shown.chars().any(|c| c.is_control() && c != '\n'));
                Ok(())
            },
        )
        .unwrap();
    assert_hidden(&logs.text(), &[TOKEN, PASSWORD]);
}

//! What a server echoes never shows: a token in a location, echoed credentials in any field
//! or encoding, and text able to drive a terminal.

use super::*;

#[tokio::test]
async fn a_token_in_a_location_is_not_shown() {
    let (logs, _guard) = capture_logs();
    for location in [
        format!("https://elsewhere.example/cb?X-Plex-Token={TOKEN}&x=1"),
        format!("https://elsewhere.example/{TOKEN}/cb"),
        format!("https://user:{TOKEN}@elsewhere.example/cb#{TOKEN}"),
    ] {
        let server = Server::answering(Answer::new(302).header("Location", &location));
        let error = plex(&server).get_token_details().await.unwrap_err();
        assert_eq!(error.status().map(|s| s.as_u16()), Some(302));
        let shown_location = error.api().unwrap().location.clone().unwrap();
        assert!(
            shown_location.starts_with("https://elsewhere.example/"),
            "{shown_location}"
        );
        assert!(error.to_string().contains("not followed"), "{error}");
        assert_hidden(&shown(&error), &[TOKEN]);
        assert_eq!(server.count(), 1);
    }
    assert_hidden(&logs.text(), &[TOKEN]);
}

#[tokio::test]
async fn credentials_the_server_echoes_are_not_shown() {
    let (logs, _guard) = capture_logs();
    let quoted = format!("login=someone%40example.com&password={PASSWORD}&verificationCode={CODE}");
    for answer in [
        Answer::json(
            400,
            format!(r#"{{"errors":[{{"code":1000,"message":"bad request: {quoted}"}}]}}"#),
        ),
        Answer::new(401)
            .header("Content-Type", "application/xml")
            .body(format!(
                r#"<errors><error code="1001" message="refused {quoted}" status="401"/></errors>"#
            )),
        Answer::new(500).body(format!("echo: {PASSWORD} / {CODE}")),
    ] {
        let server = Server::answering(answer);
        let error = plex(&server)
            .post_users_sign_in_data(&sign_in_request())
            .await
            .unwrap_err();
        assert!(error.status().is_some(), "{error}");
        assert_hidden(&shown(&error), &[PASSWORD, CODE]);
        let messages: Vec<_> = error
            .plex_errors()
            .iter()
            .filter_map(|e| e.message.clone())
            .collect();
        assert_hidden(&messages.join("\n"), &[PASSWORD, CODE]);
        // The credentials did travel: the answer is what must not show them.
        let form = server.seen()[0].form();
        assert_eq!(form["password"], PASSWORD);
    }
    assert_hidden(&logs.text(), &[PASSWORD, CODE]);
}

#[tokio::test]
async fn credential_fields_of_any_shape_are_redacted() {
    let secret = "svc-SECRET-77aa";
    for body in [
        format!(r#"{{"errors":[],"authToken":["{secret}"]}}"#),
        format!(r#"{{"errors":[],"token":{{"v":"{secret}"}}}}"#),
        format!(r#"{{"errors":[],"auth\u0054oken":"{secret}"}}"#),
        format!("<user><authToken>{secret}</authToken></user>"),
        format!("<html><a href=\"/x?X-Plex-Token%3D{secret}\">x</a></html>"),
    ] {
        let server = Server::answering(Answer::new(500).body(body.clone()));
        let error = plex(&server).get_token_details().await.unwrap_err();
        assert_hidden(&shown(&error), &[secret]);
        // The same body as a success that does not decode.
        let server = Server::answering(Answer::json(200, body.as_str()));
        let error = plex(&server).get_token_details().await.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Decode, "{error}");
        assert_hidden(&shown(&error), &[secret]);
    }
}

#[tokio::test]
async fn server_text_cannot_drive_a_terminal() {
    let evil = "first\nplex-auth: error: forged\r\x1b[2J\x1b]0;owned\x07\u{202E}gnp.exe";
    for answer in [
        Answer::json(
            401,
            format!(
                r#"{{"errors":[{{"code":1001,"message":"{}"}}]}}"#,
                evil.escape_default()
            ),
        ),
        Answer::new(400)
            .header("Content-Type", "text/html")
            .body(format!("<html><title>{evil}</title><h1>{evil}</h1></html>")),
        Answer::new(500).body(evil),
    ] {
        let server = Server::answering(answer);
        let error = plex(&server).get_token_details().await.unwrap_err();
        let display = error.to_string();
        assert_inert(&display);
        assert!(
            display.contains("forged"),
            "the text is kept, made inert: {display}"
        );
        assert_inert(&format!("{error:?}"));
        for message in error
            .plex_errors()
            .iter()
            .filter_map(|e| e.message.as_deref())
        {
            assert_inert(message);
        }
        assert_inert(&error.api().unwrap().body);
    }
}

#[test]
fn a_base_url_password_is_never_shown() {
    for url in [
        "http://user:p?ss#word/x@host:32400/",
        "http://user:pass?word@host",
        "http://user:pass%2Fword@host/?X-Plex-Token=pass",
        "not a url pass?word",
    ] {
        let builder = PmsClient::builder(url, identity()).token(TOKEN);
        assert_hidden(
            &format!("{builder:?} {builder:#?}"),
            &["pass", "ss#word", TOKEN],
        );
        let error = builder.build().unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Config, "{url}");
        assert_hidden(&shown(&error), &["pass", "ss#word", TOKEN]);
    }
}

#[tokio::test]
async fn an_echo_in_any_encoding_is_not_shown() {
    let (logs, _guard) = capture_logs();
    for encoding in Encoding::all() {
        for sign_in in [false, true] {
            let secret = if sign_in { PASSWORD } else { TOKEN };
            let (echo, hidden) = encoding.encode(secret);
            let quoted = serde_json::to_string(&format!("echo <{echo}>")).unwrap();
            let server = Server::answering(Answer::json(
                400,
                format!(r#"{{"errors":[{{"code":1000,"message":{quoted}}}],"detail":{quoted}}}"#),
            ));
            let client = plex(&server);
            let error = if sign_in {
                client
                    .post_users_sign_in_data(&sign_in_request())
                    .await
                    .unwrap_err()
            } else {
                client.get_token_details().await.unwrap_err()
            };
            assert_eq!(error.kind(), ErrorKind::ClientIdentifierMissing, "{error}");
            let text = texts(&error);
            assert!(
                !text.contains(&hidden) && !text.contains(secret),
                "{encoding:?} shows in:\n{text}"
            );
            assert!(text.contains("echo <"), "the rest is kept: {text}");
            assert_hidden(&shown(&error), &[secret]);
        }
    }
    assert_hidden(&logs.text(), &[TOKEN, PASSWORD]);
}

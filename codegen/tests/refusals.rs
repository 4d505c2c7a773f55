//! The generator refuses bad specs with an error naming the problem and where, and never panics.

use plex_auth_codegen::{CodegenError, generate};

fn spec() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../spec/plex-auth.yaml"
    ))
    .expect("spec")
}

fn refused(text: &str) -> String {
    match generate(text) {
        Ok(_) => panic!("spec was accepted"),
        Err(error) => error.to_string(),
    }
}

fn file<'a>(files: &'a [plex_auth_codegen::GeneratedFile], path: &str) -> &'a str {
    &files
        .iter()
        .find(|f| f.path == path)
        .unwrap_or_else(|| panic!("no {path}"))
        .contents
}

#[test]
fn the_spec_generates_one_types_module_and_one_file_per_server() {
    let files = generate(&spec()).expect("spec generates");
    let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(
        paths,
        ["mod.rs", "types.rs", "pms.rs", "plex_tv.rs", "mock.rs"]
    );
    for file in &files {
        assert!(
            file.contents
                .starts_with(plex_auth_codegen::GENERATED_HEADER),
            "{} lacks the header",
            file.path
        );
    }
    // Every schema exists once: the account type lives in types.rs only.
    let defining = files
        .iter()
        .filter(|f| f.contents.contains("pub struct UserPlexAccount"))
        .count();
    assert_eq!(defining, 1);
    let plex_tv = file(&files, "plex_tv.rs");
    let pms = file(&files, "pms.rs");
    assert!(plex_tv.contains("pub async fn get_token_details("));
    assert!(plex_tv.contains("pub async fn post_users_sign_in_data("));
    assert!(!plex_tv.contains("get_transient_token"));
    assert!(pms.contains("pub async fn get_transient_token("));
    assert!(pms.contains("pub async fn get_source_connection_information("));
    assert!(!pms.contains("get_token_details"));
    assert!(
        plex_tv.contains(
            r#"crate::ClientBuilder::new("https://plex.tv/api/v2".to_string(), identity)"#
        )
    );
}

#[test]
fn output_is_deterministic() {
    let text = spec();
    let first = generate(&text).expect("first run");
    let second = generate(&text).expect("second run");
    assert_eq!(first, second);
}

#[test]
fn a_new_operation_lands_on_its_servers_client() {
    let addition = r##"
  /users/account:
    get:
      operationId: getAccountSummary
      summary: A plex.tv operation added to the spec
      servers:
        - url: https://plex.tv/api/v2
      responses:
        "200":
          description: The account.
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/UserPlexAccount"
  /identity:
    get:
      operationId: getServerIdentity
      summary: A Plex Media Server operation, on the root server
      responses:
        "200":
          description: Identity.
          content:
            application/json:
              schema:
                type: object
components:"##;
    let text = spec().replacen("\ncomponents:", addition, 1);
    let files = generate(&text).expect("generates");
    assert!(file(&files, "plex_tv.rs").contains("pub async fn get_account_summary("));
    assert!(!file(&files, "pms.rs").contains("get_account_summary"));
    assert!(file(&files, "pms.rs").contains("pub async fn get_server_identity("));
    assert!(!file(&files, "plex_tv.rs").contains("get_server_identity"));
}

#[test]
fn openapi_3_1_is_refused() {
    let message = refused(&spec().replacen("openapi: 3.0.3", "openapi: 3.1.0", 1));
    assert!(
        message.contains("unsupported OpenAPI version \"3.1.0\""),
        "{message}"
    );
    assert!(message.contains("/openapi"), "{message}");
}

#[test]
fn broken_yaml_is_refused_with_its_line() {
    let text = spec().replacen("  title: Plex authentication", "  title: [unclosed", 1);
    let error = generate(&text).expect_err("broken YAML");
    let CodegenError::Yaml { location, .. } = &error else {
        panic!("{error:?}")
    };
    // The parser stops on the line after the unclosed list, and names where the list began.
    assert_eq!(location.0.map(|(line, _)| line), Some(4), "{error}");
    assert!(
        error
            .to_string()
            .starts_with("spec is not valid YAML at line 4"),
        "{error}"
    );
    assert!(
        error.to_string().contains("flow sequence at line 3"),
        "{error}"
    );
}

#[test]
fn a_missing_operation_id_is_refused_with_its_pointer() {
    let message = refused(&spec().replacen("      operationId: getTokenDetails\n", "", 1));
    assert_eq!(message, "operation at /paths/~1user/get has no operationId");
}

#[test]
fn a_duplicate_operation_id_is_refused() {
    let message = refused(&spec().replacen(
        "operationId: getTokenDetails",
        "operationId: getTransientToken",
        1,
    ));
    assert!(
        message.contains("duplicate operationId \"getTransientToken\""),
        "{message}"
    );
    assert!(
        message.contains("/paths/~1security~1token/get"),
        "{message}"
    );
    assert!(message.contains("/paths/~1user/get"), "{message}");
}

#[test]
fn error_responses_of_different_shapes_are_refused() {
    // The 422 of getTokenDetails becomes the HTML page while 400 and 401 are the JSON envelope.
    let text = spec().replacen(
        "        \"422\":\n          $ref: \"#/components/responses/PlexTvError\"",
        "        \"422\":\n          $ref: \"#/components/responses/PmsError\"",
        1,
    );
    let message = refused(&text);
    assert!(
        message.starts_with("operation \"getTokenDetails\""),
        "{message}"
    );
    assert!(
        message.contains("/paths/~1user/get/responses/422"),
        "{message}"
    );
    assert!(
        message.contains("error responses differ in shape"),
        "{message}"
    );
}

#[test]
fn a_response_without_schema_is_refused() {
    let text = spec().replacen(
        "          content:\n            application/json:\n              schema:\n                $ref: \"#/components/schemas/TransientToken\"",
        "          content:\n            application/json: {}",
        1,
    );
    let message = refused(&text);
    assert!(message.contains("getTransientToken"), "{message}");
    assert!(message.contains("without a schema"), "{message}");
}

#[test]
fn an_unknown_server_is_refused() {
    let text = spec().replacen(
        "      servers:\n        - url: https://plex.tv/api/v2\n      security: []",
        "      servers:\n        - url: https://clients.plex.tv/api/v2\n      security: []",
        1,
    );
    let message = refused(&text);
    assert!(message.contains("post-users-sign-in-data"), "{message}");
    assert!(
        message.contains("unknown server https://clients.plex.tv/api/v2"),
        "{message}"
    );
}

#[test]
fn two_request_media_types_are_refused_instead_of_panicking_in_progenitor() {
    let text = spec().replacen(
        "          application/x-www-form-urlencoded:\n            schema:\n              $ref: \"#/components/schemas/SignInRequest\"",
        "          application/x-www-form-urlencoded:\n            schema:\n              $ref: \"#/components/schemas/SignInRequest\"\n          application/json:\n            schema:\n              $ref: \"#/components/schemas/SignInRequest\"",
        1,
    );
    let message = refused(&text);
    assert!(
        message.contains("exactly one request media type"),
        "{message}"
    );
}

#[test]
fn an_invalid_pattern_is_refused() {
    let message = refused(&spec().replacen("\"^(server|provider)://.+\"", "\"^(server\"", 1));
    assert!(
        message.contains("getSourceConnectionInformation"),
        "{message}"
    );
    assert!(message.contains("does not compile"), "{message}");
}

#[test]
fn degenerate_inputs_are_errors_not_panics() {
    for text in [
        "",
        "[]",
        "42",
        "openapi: 3.0.3",
        "openapi: 3.0.3\ninfo: {}\npaths: {}",
        "\t",
    ] {
        assert!(generate(text).is_err(), "{text:?} was accepted");
    }
}

//! The generator on our own spec, and on inputs too degenerate for a golden case: it is
//! deterministic and never panics. Each refusal rule has its golden case in `tests/golden`.

use plex_auth_codegen::generate;

fn spec() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../spec/plex-auth.yaml"
    ))
    .expect("spec")
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
        [
            "mod.rs",
            "types.rs",
            "pms.rs",
            "clients_plex_tv.rs",
            "plex_tv_v1.rs",
            "plex_tv.rs",
            "mock.rs"
        ]
    );
    for file in &files {
        assert!(
            file.contents
                .starts_with(&plex_auth_codegen::generated_header("spec/plex-auth.yaml")),
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
fn degenerate_inputs_are_errors_not_panics() {
    for text in [
        "",
        "[]",
        "42",
        "openapi: 3.0.3",
        "openapi: 3.0.3\ninfo: {}\npaths: {}",
        "\t",
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get: {}\n",
    ] {
        assert!(generate(text).is_err(), "{text:?} was accepted");
    }
}

/// Specs cut, doubled and scrambled at random places: each is generated or refused, never a
/// panic (the generator catches progenitor's panics; nothing of its own may panic).
#[test]
fn mutilated_specs_are_generated_or_refused_never_a_panic() {
    let text = spec();
    let lines: Vec<&str> = text.lines().collect();
    // xorshift64: a fixed sequence, so a failure can be replayed.
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = |bound: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % bound as u64) as usize
    };
    for round in 0..60 {
        let mut mutated: Vec<String> = lines.iter().map(|line| line.to_string()).collect();
        for _ in 0..1 + next(3) {
            let at = next(mutated.len());
            match next(4) {
                0 => {
                    let end = (at + 1 + next(20)).min(mutated.len());
                    mutated.drain(at..end);
                }
                1 => {
                    let line = mutated[at].clone();
                    mutated.insert(at, line);
                }
                2 => {
                    if let Some((key, _)) = mutated[at].split_once(": ") {
                        mutated[at] = format!("{key}: [1, null, {{a: b}}]");
                    }
                }
                _ => {
                    let other = next(mutated.len());
                    mutated.swap(at, other);
                }
            }
            if mutated.is_empty() {
                break;
            }
        }
        let options = plex_auth_codegen::Options {
            source: "mutated.yaml",
            keep_going: round % 2 == 0,
        };
        let _ = plex_auth_codegen::generate_with(&mutated.join("\n"), options);
    }
}

//! `cargo xtask codegen` as maintainers run it: writes, checks, refuses bad specs without
//! touching the generated files. `cargo xtask golden` rewrites golden expectations.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn spec_text() -> String {
    fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../spec/plex-auth.yaml"
    ))
    .expect("spec")
}

/// A scratch directory under the target dir, fresh for each test.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .output()
        .expect("xtask runs")
}

fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = fs::read_dir(dir)
        .expect("dir")
        .map(|e| {
            let e = e.expect("entry");
            (
                e.file_name().to_string_lossy().into_owned(),
                fs::read(e.path()).expect("read"),
            )
        })
        .collect();
    files.sort();
    files
}

#[test]
fn check_fails_after_a_description_edit_and_codegen_brings_it_back() {
    let dir = scratch("check-cycle");
    let spec = dir.join("spec.yaml");
    let out = dir.join("generated");
    fs::write(&spec, spec_text()).expect("write spec");
    let (spec_arg, out_arg) = (spec.to_str().expect("utf8"), out.to_str().expect("utf8"));

    let written = xtask(&["codegen", "--spec", spec_arg, "--out", out_arg]);
    assert!(
        written.status.success(),
        "{}",
        String::from_utf8_lossy(&written.stderr)
    );
    let clean = xtask(&["codegen", "--check", "--spec", spec_arg, "--out", out_arg]);
    assert!(
        clean.status.success(),
        "{}",
        String::from_utf8_lossy(&clean.stdout)
    );

    let edited = spec_text().replacen(
        "this is the standard token check.",
        "this is the usual token check.",
        1,
    );
    assert_ne!(edited, spec_text(), "the edit applies");
    fs::write(&spec, edited).expect("edit spec");
    let stale = xtask(&["codegen", "--check", "--spec", spec_arg, "--out", out_arg]);
    assert_eq!(stale.status.code(), Some(1));
    let diff = String::from_utf8_lossy(&stale.stdout);
    assert!(
        diff.contains("-this is the standard token check."),
        "{diff}"
    );
    assert!(diff.contains("+this is the usual token check."), "{diff}");
    assert!(String::from_utf8_lossy(&stale.stderr).contains("run `cargo xtask codegen`"));

    let regenerated = xtask(&["codegen", "--spec", spec_arg, "--out", out_arg]);
    assert!(regenerated.status.success());
    let green = xtask(&["codegen", "--check", "--spec", spec_arg, "--out", out_arg]);
    assert!(green.status.success());
}

#[test]
fn refused_specs_leave_the_generated_files_untouched() {
    let dir = scratch("refusals");
    let spec = dir.join("spec.yaml");
    let out = dir.join("generated");
    fs::write(&spec, spec_text()).expect("write spec");
    let (spec_arg, out_arg) = (spec.to_str().expect("utf8"), out.to_str().expect("utf8"));
    assert!(
        xtask(&["codegen", "--spec", spec_arg, "--out", out_arg])
            .status
            .success()
    );
    let before = snapshot(&out);
    // mod.rs, types.rs, mock.rs and one file per server (four).
    assert_eq!(before.len(), 7);

    let cases = [
        (
            "openapi: 3.0.3",
            "openapi: 2.0",
            "unsupported OpenAPI version \"2.0\"",
        ),
        (
            "  title: Plex authentication",
            "  title: [broken",
            "not valid YAML at line",
        ),
        (
            "        \"422\":\n          $ref: \"#/components/responses/PlexTvError\"",
            "        \"422\":\n          $ref: \"#/components/responses/Missing\"",
            "1 operation(s) refused:\n  - getTokenDetails at /paths/~1user/get/responses/422",
        ),
    ];
    for (from, to, expected) in cases {
        fs::write(&spec, spec_text().replacen(from, to, 1)).expect("write bad spec");
        let refused = xtask(&["codegen", "--spec", spec_arg, "--out", out_arg]);
        let stderr = String::from_utf8_lossy(&refused.stderr);
        assert_eq!(refused.status.code(), Some(1), "{expected}: {stderr}");
        assert!(stderr.contains(expected), "{expected}: {stderr}");
        assert!(stderr.contains("no file was written"), "{stderr}");
        assert_eq!(snapshot(&out), before, "{expected}: files changed");
    }
}

#[test]
fn golden_rewrites_each_case_and_drops_what_it_no_longer_expects() {
    let dir = scratch("golden");
    let accepted = dir.join("accepted");
    let refused = dir.join("refused");
    for case in [&accepted, &refused] {
        fs::create_dir_all(case.join("expected")).expect("case dir");
        fs::write(case.join("expected/stale.rs"), "// stale").expect("stale file");
    }
    fs::write(accepted.join("expected-error.txt"), "stale").expect("stale error");
    fs::write(accepted.join("spec.yaml"), spec_text()).expect("spec");
    fs::write(refused.join("spec.yaml"), "openapi: 2.0\n").expect("spec");

    let run = xtask(&["golden", "--dir", dir.to_str().expect("utf8")]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );

    let generated = snapshot(&accepted.join("expected"));
    let names: Vec<&str> = generated.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(
        names,
        [
            "clients_plex_tv.rs",
            "mock.rs",
            "mod.rs",
            "plex_tv.rs",
            "plex_tv_v1.rs",
            "pms.rs",
            "types.rs"
        ]
    );
    assert!(!accepted.join("expected-error.txt").exists());
    assert!(!refused.join("expected").exists());
    assert_eq!(
        fs::read_to_string(refused.join("expected-error.txt")).expect("error written"),
        "unsupported OpenAPI version \"2.0\" at /openapi (line 1): OpenAPI 3.0.x and 3.1.x are \
         supported\n"
    );
}

#[test]
fn keep_going_generates_the_accepted_operations_and_lists_every_refused_one() {
    let dir = scratch("keep-going");
    let spec = dir.join("spec.yaml");
    let out = dir.join("generated");
    // Two operations refused for different reasons: both are listed, in one run.
    let text = spec_text()
        .replacen(
            "        \"422\":\n          $ref: \"#/components/responses/PlexTvError\"",
            "        \"422\":\n          $ref: \"#/components/responses/Missing\"",
            1,
        )
        .replacen(
            "          application/x-www-form-urlencoded:\n            schema:\n              $ref: \"#/components/schemas/LinkPinRequest\"",
            "          multipart/form-data:\n            schema:\n              $ref: \"#/components/schemas/LinkPinRequest\"",
            1,
        );
    assert_ne!(text, spec_text());
    fs::write(&spec, &text).expect("write spec");
    let (spec_arg, out_arg) = (spec.to_str().expect("utf8"), out.to_str().expect("utf8"));

    let strict = xtask(&["codegen", "--spec", spec_arg, "--out", out_arg]);
    let stderr = String::from_utf8_lossy(&strict.stderr);
    assert_eq!(strict.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("2 operation(s) refused:"), "{stderr}");
    assert!(!out.exists(), "nothing written when refused");

    let kept = xtask(&[
        "codegen",
        "--spec",
        spec_arg,
        "--out",
        out_arg,
        "--keep-going",
    ]);
    let stdout = String::from_utf8_lossy(&kept.stdout);
    assert!(
        kept.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&kept.stderr)
    );
    let operations = text.matches("operationId:").count();
    assert!(
        stdout.contains(&format!("2 of {operations} operations refused (left out):")),
        "{stdout}"
    );
    assert!(
        stdout.contains("  - getTokenDetails at /paths/~1user/get/responses/422 (line "),
        "{stdout}"
    );
    assert!(
        stdout.contains("  - linkPin at /paths/~1pins~1link/put/requestBody/content (line "),
        "{stdout}"
    );
    let generated = format!("({} of {operations} operations)", operations - 2);
    assert!(stdout.contains(&generated), "{stdout}");
    let plex_tv = fs::read_to_string(out.join("plex_tv.rs")).expect("plex_tv.rs written");
    let header = plex_tv.lines().next().unwrap_or_default();
    // The header names the spec by its path from the workspace root when it lies inside the
    // workspace (the target folder usually does), else by its file name.
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root");
    let named = match spec.strip_prefix(workspace) {
        Ok(relative) => relative.display().to_string(),
        Err(_) => "spec.yaml".to_string(),
    };
    assert!(
        header.ends_with(&format!("{named}. Do not edit this file by hand:")),
        "{header}"
    );
    assert!(plex_tv.contains("pub async fn ping_token("));
    assert!(!plex_tv.contains("pub async fn get_token_details("));
    assert!(!plex_tv.contains("pub async fn link_pin("));
}

#[test]
fn path_items_given_by_ref_are_refused_without_upsetting_the_count() {
    let dir = scratch("path-item-refs");
    let spec = dir.join("spec.yaml");
    let out = dir.join("generated");
    // Two path items given by $ref: refused, yet not counted among the spec's operations.
    let text = spec_text().replacen(
        "paths:\n",
        "paths:\n  /elsewhere:\n    $ref: \"other.yaml#/a\"\n  /further:\n    $ref: \"other.yaml#/b\"\n",
        1,
    );
    assert_ne!(text, spec_text());
    fs::write(&spec, &text).expect("write spec");
    let (spec_arg, out_arg) = (spec.to_str().expect("utf8"), out.to_str().expect("utf8"));
    let kept = xtask(&[
        "codegen",
        "--spec",
        spec_arg,
        "--out",
        out_arg,
        "--keep-going",
    ]);
    let stdout = String::from_utf8_lossy(&kept.stdout);
    assert!(
        kept.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&kept.stderr)
    );
    let operations = text.matches("operationId:").count();
    let generated = format!("({operations} of {operations} operations)");
    assert!(stdout.contains(&generated), "{stdout}");
    assert!(
        stdout.contains("  - path /elsewhere at /paths/~1elsewhere (line "),
        "{stdout}"
    );
}

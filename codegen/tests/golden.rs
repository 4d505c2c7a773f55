//! Golden cases: every folder of `tests/golden` holds a sample `spec.yaml` and what the
//! generator must make of it — the generated files under `expected/`, or the exact refusal in
//! `expected-error.txt`. Adding a case is adding a folder; `cargo xtask golden` refreshes them.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use plex_auth_codegen::golden;

/// Every file of the case folder that holds an expectation, relative to the folder.
fn expectation_on_disk(case: &Path) -> BTreeSet<String> {
    let mut files = BTreeSet::new();
    if case.join(golden::EXPECTED_ERROR_FILE).is_file() {
        files.insert(golden::EXPECTED_ERROR_FILE.to_string());
    }
    if let Ok(entries) = fs::read_dir(case.join(golden::EXPECTED_DIR)) {
        for entry in entries.filter_map(Result::ok) {
            let name = entry.file_name().to_string_lossy().into_owned();
            files.insert(format!("{}/{name}", golden::EXPECTED_DIR));
        }
    }
    files
}

/// The mismatches of one case, as readable reports.
fn check_case(case: &Path) -> Vec<String> {
    let name = case
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let spec = fs::read_to_string(case.join(golden::SPEC_FILE)).expect("the case's spec reads");
    let expected = golden::expectation(&name, &spec);
    let mut reports = Vec::new();
    let mut produced = BTreeSet::new();
    for (path, contents) in &expected {
        produced.insert(path.clone());
        let on_disk = fs::read_to_string(case.join(path)).unwrap_or_default();
        if on_disk != *contents {
            let diff = similar::TextDiff::from_lines(&on_disk, contents);
            reports.push(format!(
                "{}",
                diff.unified_diff().context_radius(3).header(
                    &format!("{name}/{path} (checked in)"),
                    &format!("{name}/{path} (generated)")
                )
            ));
        }
    }
    for stale in expectation_on_disk(case).difference(&produced) {
        reports.push(format!(
            "{name}/{stale} is checked in but no longer produced\n"
        ));
    }
    reports
}

#[test]
fn every_golden_case_matches_its_expectation() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let cases = golden::cases(&root).expect("tests/golden reads");
    assert!(
        cases.len() >= 10,
        "golden cases missing in {}",
        root.display()
    );
    let reports: Vec<String> = cases.iter().flat_map(|case| check_case(case)).collect();
    assert!(
        reports.is_empty(),
        "{}\n{} golden file(s) differ; if the change is intended, run `{}` and review the diff",
        reports.join("\n"),
        reports.len(),
        golden::REFRESH_COMMAND
    );
}

#[test]
fn refusal_and_generation_cases_are_both_covered() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let cases = golden::cases(&root).expect("tests/golden reads");
    let refusals = cases
        .iter()
        .filter(|case| case.join(golden::EXPECTED_ERROR_FILE).is_file())
        .count();
    // Every refusal case is named for it, so a spec that starts being accepted shows up here.
    for case in &cases {
        let name = case
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        assert_eq!(
            name.starts_with("refuse-"),
            case.join(golden::EXPECTED_ERROR_FILE).is_file(),
            "{name}: refusal cases are named refuse-*, and only they expect an error"
        );
    }
    assert!(refusals > 0 && refusals < cases.len());
}

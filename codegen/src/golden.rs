//! Golden cases: what the generator must produce for each sample spec of
//! `codegen/tests/golden/<case>/spec.yaml`. The golden test compares with the files checked in
//! beside each spec, and `cargo xtask golden` rewrites them; both take the expectation from
//! here, so they cannot disagree.

use std::path::{Path, PathBuf};

/// The spec of a case, inside its folder.
pub const SPEC_FILE: &str = "spec.yaml";
/// The folder of the generated files a case expects, inside its folder.
pub const EXPECTED_DIR: &str = "expected";
/// The refusal message a case expects, inside its folder.
pub const EXPECTED_ERROR_FILE: &str = "expected-error.txt";
/// The command that rewrites every expectation.
pub const REFRESH_COMMAND: &str = "cargo xtask golden";

/// The case folders under `root` (each holding a `spec.yaml`), sorted by name.
///
/// # Errors
/// When `root` cannot be read.
pub fn cases(root: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(root)?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.join(SPEC_FILE).is_file())
        .collect();
    cases.sort();
    Ok(cases)
}

/// What a case expects, as `(path relative to the case folder, contents)`: the generated files
/// under `expected/`, or the refusal message in `expected-error.txt`. `case` is the case's
/// folder name, which the files' headers name.
pub fn expectation(case: &str, spec_text: &str) -> Vec<(String, String)> {
    let source = format!("codegen/tests/golden/{case}/{SPEC_FILE}");
    let options = crate::Options {
        source: &source,
        keep_going: false,
    };
    match crate::generate_with(spec_text, options) {
        Ok(generated) => generated
            .files
            .into_iter()
            .map(|file| (format!("{EXPECTED_DIR}/{}", file.path), file.contents))
            .collect(),
        Err(error) => vec![(EXPECTED_ERROR_FILE.to_string(), format!("{error}\n"))],
    }
}

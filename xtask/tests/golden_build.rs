//! Every golden case that generates is built, with the client's runtime and the `mock`
//! feature: a spec the generator accepts must give code that compiles. (`cargo xtask
//! golden-build` does the same by hand.)

use std::path::Path;
use std::process::Command;

#[test]
fn every_generated_golden_output_builds_with_the_runtime() {
    let cases = Path::new(env!("CARGO_MANIFEST_DIR")).join("../codegen/tests/golden");
    let generating = std::fs::read_dir(&cases)
        .expect("the golden cases read")
        .filter_map(Result::ok)
        .filter(|entry| entry.path().join("expected/mod.rs").is_file())
        .count();
    assert!(
        generating >= 5,
        "golden cases missing in {}",
        cases.display()
    );
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("golden-build")
        .output()
        .expect("xtask runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.contains(&format!(
            "built the expected output of {generating} golden cases"
        )),
        "{stdout}"
    );
}

//! The checked-in generated code is what the generator makes of the checked-in spec.

use std::path::Path;

#[test]
fn generated_code_matches_the_spec() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let spec = std::fs::read_to_string(root.join("spec/plex-auth.yaml")).expect("spec");
    let files = plex_auth_codegen::generate(&spec).expect("the spec generates");
    let generated = root.join("plex-auth-client/src/generated");
    let mut stale = Vec::new();
    for file in &files {
        let on_disk = std::fs::read_to_string(generated.join(&file.path)).unwrap_or_default();
        if on_disk != file.contents {
            stale.push(file.path.clone());
        }
    }
    assert!(
        stale.is_empty(),
        "generated files differ from spec/plex-auth.yaml: {stale:?}; run `cargo xtask codegen`"
    );
    let on_disk = std::fs::read_dir(&generated)
        .expect("generated dir")
        .filter(|entry| {
            entry
                .as_ref()
                .map(|e| e.file_name().to_string_lossy().ends_with(".rs"))
                .unwrap_or(false)
        })
        .count();
    assert_eq!(
        on_disk,
        files.len(),
        "a generated file the spec no longer produces lingers"
    );
}

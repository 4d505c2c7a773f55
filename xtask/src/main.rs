//! `cargo xtask codegen` writes the generated modules of plex-auth-client from spec/;
//! `cargo xtask codegen --check` compares instead and fails, with a diff, when they differ.
//! `cargo xtask golden` rewrites the expected output of every golden case of the generator;
//! `cargo xtask golden-build` builds those outputs with the client's runtime;
//! `cargo xtask try-spec FILE` generates what it can of another spec and builds it.

mod scratch;
mod write;

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use plex_auth_codegen::GeneratedFile;
use write::{generated_files_on_disk, write_all};

#[derive(Parser)]
#[command(name = "cargo xtask", about = "plex-auth maintainer tasks")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generate plex-auth-client/src/generated from spec/plex-auth.yaml.
    Codegen {
        /// Compare with the files on disk instead of writing; exit 1 with a diff if they differ.
        #[arg(long)]
        check: bool,
        /// The spec to read (default: spec/plex-auth.yaml in the workspace).
        #[arg(long)]
        spec: Option<PathBuf>,
        /// The directory to write or check (default: plex-auth-client/src/generated).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Generate the operations the generator accepts and list the refused ones (each with
        /// its place and reason), instead of refusing the spec.
        #[arg(long)]
        keep_going: bool,
    },
    /// Generate what the generator accepts of a spec into a scratch crate with the client's
    /// runtime (target/scratch/try-spec), and build it without and with the `mock` feature;
    /// lists every refused operation.
    TrySpec {
        /// The spec to try.
        spec: PathBuf,
    },
    /// Rewrite the expected output of every case of codegen/tests/golden from its spec.yaml.
    Golden {
        /// The folder of cases (default: codegen/tests/golden in the workspace).
        #[arg(long)]
        dir: Option<PathBuf>,
    },
    /// Build the expected output of every generating golden case, each as a module of one
    /// scratch crate (target/scratch/golden) with the client's runtime, `mock` feature on.
    GoldenBuild {
        /// The folder of cases (default: codegen/tests/golden in the workspace).
        #[arg(long)]
        dir: Option<PathBuf>,
    },
}

fn workspace_root() -> PathBuf {
    // xtask lives one level below the workspace root.
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::TrySpec { spec } => report(try_spec(&spec)),
        Command::Codegen {
            check,
            spec,
            out,
            keep_going,
        } => {
            let root = workspace_root();
            let spec = spec.unwrap_or_else(|| root.join("spec/plex-auth.yaml"));
            let out = out.unwrap_or_else(|| root.join("plex-auth-client/src/generated"));
            match codegen(&spec, &out, check, keep_going) {
                Ok(code) => code,
                Err(message) => {
                    eprintln!("error: {message}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::Golden { dir } => {
            report(golden(&dir.unwrap_or_else(|| {
                workspace_root().join("codegen/tests/golden")
            })))
        }
        Command::GoldenBuild { dir } => {
            report(golden_build(&dir.unwrap_or_else(|| {
                workspace_root().join("codegen/tests/golden")
            })))
        }
    }
}

fn report(result: Result<(), String>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Builds the expected output of every case that generates (refusal cases have none) in one
/// scratch crate, one module per case, with the `mock` feature on so that every generated
/// line is compiled.
fn golden_build(root: &Path) -> Result<(), String> {
    use plex_auth_codegen::golden;
    let cases =
        golden::cases(root).map_err(|err| format!("cannot read {}: {err}", root.display()))?;
    let root = fs::canonicalize(root).map_err(|err| format!("{}: {err}", root.display()))?;
    let modules: Vec<scratch::Module> = cases
        .iter()
        .filter_map(|case| {
            let mod_rs = root
                .join(case.file_name()?)
                .join(golden::EXPECTED_DIR)
                .join("mod.rs");
            let name = case.file_name()?.to_string_lossy().replace('-', "_");
            mod_rs.is_file().then(|| scratch::Module {
                name: format!("golden_{name}"),
                mod_rs,
            })
        })
        .collect();
    let crate_ = scratch::Scratch::new(&workspace_root(), "golden");
    crate_.assemble(&modules)?;
    crate_.build(&["mock"])?;
    println!(
        "built the expected output of {} golden cases in {}",
        modules.len(),
        crate_.root().display()
    );
    Ok(())
}

/// Rewrites every case's expectation: the old one is removed first, so a case that changes
/// from generating to refusing (or back) keeps no stale file.
fn golden(root: &Path) -> Result<(), String> {
    use plex_auth_codegen::golden;
    let cases =
        golden::cases(root).map_err(|err| format!("cannot read {}: {err}", root.display()))?;
    for case in &cases {
        let spec = case.join(golden::SPEC_FILE);
        let text = fs::read_to_string(&spec)
            .map_err(|err| format!("cannot read {}: {err}", spec.display()))?;
        let expected_dir = case.join(golden::EXPECTED_DIR);
        let expected_error = case.join(golden::EXPECTED_ERROR_FILE);
        if expected_dir.exists() {
            fs::remove_dir_all(&expected_dir)
                .map_err(|err| format!("cannot remove {}: {err}", expected_dir.display()))?;
        }
        if expected_error.exists() {
            fs::remove_file(&expected_error)
                .map_err(|err| format!("cannot remove {}: {err}", expected_error.display()))?;
        }
        let name = case
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        for (path, contents) in golden::expectation(&name, &text) {
            let target = case.join(path);
            if let Some(parent) = target.parent() {
                fs::create_dir_all(parent)
                    .map_err(|err| format!("cannot create {}: {err}", parent.display()))?;
            }
            fs::write(&target, contents)
                .map_err(|err| format!("cannot write {}: {err}", target.display()))?;
        }
    }
    println!(
        "rewrote the expectations of {} golden cases in {}",
        cases.len(),
        root.display()
    );
    Ok(())
}

/// How a spec is named in the generated files' headers: its path from the workspace root when
/// it is inside the workspace, else its file name.
fn source_name(spec: &Path) -> String {
    let root = fs::canonicalize(workspace_root()).unwrap_or_else(|_| workspace_root());
    let spec = fs::canonicalize(spec).unwrap_or_else(|_| spec.to_path_buf());
    match spec.strip_prefix(&root) {
        Ok(relative) => relative.to_string_lossy().replace('\\', "/"),
        Err(_) => spec
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_else(|| "the spec".into()),
    }
}

/// Generates from the spec at `spec`: all or nothing, or with `keep_going` what is accepted
/// (the refused operations printed, one per line, with their place and reason).
fn generate(spec: &Path, keep_going: bool) -> Result<plex_auth_codegen::Generated, String> {
    let text = fs::read_to_string(spec)
        .map_err(|err| format!("cannot read spec {}: {err}", spec.display()))?;
    let source = source_name(spec);
    let options = plex_auth_codegen::Options {
        source: &source,
        keep_going,
    };
    let generated = plex_auth_codegen::generate_with(&text, options)
        .map_err(|err| format!("{}: {err}\nno file was written", spec.display()))?;
    if !generated.refused.is_empty() {
        println!(
            "{} of {} operations refused (left out):",
            generated.refused.len(),
            generated.operations
        );
        for refusal in &generated.refused {
            println!("  - {refusal}");
        }
    }
    Ok(generated)
}

fn codegen(spec: &Path, out: &Path, check: bool, keep_going: bool) -> Result<ExitCode, String> {
    let generated = generate(spec, keep_going)?;
    let files = generated.files;
    if check {
        return Ok(compare(&files, out));
    }
    write_all(&files, out)?;
    println!(
        "generated {} files in {} from {} ({} of {} operations)",
        files.len(),
        out.display(),
        spec.display(),
        generated.accepted,
        generated.operations
    );
    Ok(ExitCode::SUCCESS)
}

/// Generates what is accepted of `spec` into a scratch crate with the client's runtime, and
/// builds it without and with the `mock` feature.
fn try_spec(spec: &Path) -> Result<(), String> {
    let generated = generate(spec, true)?;
    let crate_ = scratch::Scratch::new(&workspace_root(), "try-spec");
    let out = crate_.root().join("generated");
    write_all(&generated.files, &out)?;
    crate_.assemble(&[scratch::Module {
        name: "try_spec".into(),
        mod_rs: out.join("mod.rs"),
    }])?;
    crate_.build(&[])?;
    crate_.build(&["mock"])?;
    println!(
        "{} of {} operations generate and build, without and with the `mock` feature ({} \
         refused); the crate is {}",
        generated.accepted,
        generated.operations,
        generated.refused.len(),
        crate_.root().display()
    );
    Ok(())
}

/// Prints a unified diff of every file that differs; the exit code says whether any did.
fn compare(files: &[GeneratedFile], out: &Path) -> ExitCode {
    let mut stale = 0;
    let expected: BTreeSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    for file in files {
        let path = out.join(&file.path);
        let current = fs::read_to_string(&path).unwrap_or_default();
        if current != file.contents {
            stale += 1;
            let diff = similar::TextDiff::from_lines(&current, &file.contents);
            print!(
                "{}",
                diff.unified_diff().context_radius(3).header(
                    &format!("{} (on disk)", path.display()),
                    &format!("{} (from the spec)", path.display())
                )
            );
        }
    }
    for extra in generated_files_on_disk(out) {
        if !expected.contains(extra.as_str()) {
            stale += 1;
            println!(
                "{} is not generated by the spec any more",
                out.join(&extra).display()
            );
        }
    }
    if stale == 0 {
        println!("generated code in {} matches the spec", out.display());
        ExitCode::SUCCESS
    } else {
        eprintln!(
            "error: {stale} generated file(s) in {} differ from the spec; run `cargo xtask codegen`",
            out.display()
        );
        ExitCode::FAILURE
    }
}

//! The whole generator in-process on spec/plex-auth.yaml (parse, validate, generate, format),
//! next to two of its stages measured alone, so the ratios show where the time goes:
//! - `parse`: YAML text to `serde_json::Value` to `openapiv3::OpenAPI`, the generator's first
//!   step;
//! - `progenitor_once`: one progenitor run (`generate_tokens`, default settings) over the whole
//!   parsed spec; `generate` runs progenitor once for the clients and once for the httpmock
//!   helpers, on its view of the spec;
//! - `format`: prettyplease on the generated files (parsed by syn outside the timing), the
//!   generator's last step.
//!
//! Target: `generate` under 20 ms (median).

use std::hint::black_box;
use std::path::PathBuf;
use std::time::SystemTime;

use criterion::Criterion;

const SPEC: &str = include_str!("../../spec/plex-auth.yaml");
const GROUP: &str = "codegen";
const TARGET_MS: f64 = 20.0;

/// The same two calls the generator's `load` stage starts with (it also maps YAML lines).
fn parse(text: &str) -> openapiv3::OpenAPI {
    let raw: serde_json::Value = serde_yaml::from_str(text).expect("YAML");
    serde_path_to_error::deserialize(&raw).expect("OpenAPI 3.0")
}

fn codegen(c: &mut Criterion) {
    let files = plex_auth_codegen::generate(SPEC).expect("the spec generates");
    let syntax: Vec<syn::File> = files
        .iter()
        .map(|file| syn::parse_file(&file.contents).expect("generated Rust parses"))
        .collect();

    let mut group = c.benchmark_group(GROUP);
    group.bench_function("generate", |b| {
        b.iter(|| plex_auth_codegen::generate(black_box(SPEC)).unwrap())
    });
    group.bench_function("parse", |b| b.iter(|| parse(black_box(SPEC))));
    // One progenitor run over the whole spec, default settings: `generate` makes one for the
    // clients plus one for the httpmock helpers.
    let spec = parse(SPEC);
    group.bench_function("progenitor_once", |b| {
        b.iter(|| {
            progenitor::Generator::new(&progenitor::GenerationSettings::default())
                .generate_tokens(black_box(&spec))
                .unwrap()
        })
    });
    group.bench_function("format", |b| {
        b.iter(|| {
            syntax
                .iter()
                .map(|file| prettyplease::unparse(black_box(file)).len())
                .sum::<usize>()
        })
    });
    group.finish();
}

/// criterion's output folder, found as criterion finds it in a plain `cargo bench`.
fn criterion_dir() -> Option<PathBuf> {
    if let Some(home) = std::env::var_os("CRITERION_HOME") {
        return Some(PathBuf::from(home));
    }
    if let Some(target) = std::env::var_os("CARGO_TARGET_DIR") {
        return Some(PathBuf::from(target).join("criterion"));
    }
    // The bench runs from <target>/<profile>/deps/.
    let exe = std::env::current_exe().ok()?;
    Some(exe.parent()?.parent()?.parent()?.join("criterion"))
}

/// Median of one benchmark measured since `since`, in milliseconds.
fn median_ms(function: &str, since: SystemTime) -> Option<f64> {
    let path = criterion_dir()?
        .join(GROUP)
        .join(function)
        .join("new/estimates.json");
    if std::fs::metadata(&path).ok()?.modified().ok()? < since {
        return None;
    }
    let value: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()?;
    Some(value.pointer("/median/point_estimate")?.as_f64()? / 1e6)
}

fn main() {
    let started = SystemTime::now();
    let mut criterion = Criterion::default().configure_from_args();
    codegen(&mut criterion);
    criterion.final_summary();
    // `cargo test --benches` passes no `--bench` and times nothing.
    if !std::env::args().any(|arg| arg == "--bench") {
        return;
    }
    let Some(generate) = median_ms("generate", started) else {
        return;
    };
    println!(
        "\n== codegen: generate median {generate:.3} ms (target < {TARGET_MS} ms: {})",
        if generate < TARGET_MS {
            "met"
        } else {
            "MISSED"
        }
    );
    for stage in ["parse", "progenitor_once", "format"] {
        if let Some(ms) = median_ms(stage, started) {
            println!(
                "{stage}: {ms:.3} ms; generate / {stage} = {:.2}",
                generate / ms
            );
        }
    }
}

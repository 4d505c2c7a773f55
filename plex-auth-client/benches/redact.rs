//! The redactor on large hostile texts: its cost must grow linearly with the text's length
//! (an answer can be 8 MiB), whatever the text holds. Each case is timed at 1 MiB and 8 MiB;
//! the ratio of the two should be about 8, never 64. The baseline, in the same run, is one
//! plain pass over the same text (`str::to_lowercase`), the least any scan costs.
//!
//! Cases: ordinary JSON; every character JSON-escaped (`\u0074`…); invisible characters
//! between letters; escaped quotes, the field scan's old quadratic case; a run of backslashes,
//! the readings' worst case (each position reads as `\` four ways, escaped up to twice); the
//! secret's beginning again and again behind escapes that take its letters (`%0fixture\u002d…`),
//! so that several paths walk it at once; 3000 secrets (the automaton an answer listing many
//! tokens gives) with their beginnings behind escapes; one 64 KiB secret whose first 4 KiB the
//! text spells between backslashes (a server choosing a credential's length); and the ordinary
//! text cut at the default 256 characters, as the CLI shows a name.
//!
//! Wall time moves with the load of a shared machine; when valgrind is installed, the bench
//! also counts the instructions of one redaction of each case at each size under callgrind
//! (this binary run again, collecting only inside [`measured_redaction`]), which load does not
//! move.

mod support;

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput};
use plex_auth_client::Redactor;

/// Set in the child run under valgrind: `<case>:<MiB>`.
const MODE: &str = "PLEX_AUTH_BENCH_REDACT_MODE";

const TOKEN: &str = "fixture-token-0123456789";
const PASSWORD: &str = "pw-SECRET-hunter2";
const MIB: usize = 1024 * 1024;

/// A text of about `size` bytes, by repeating `unit`.
fn repeated(unit: &str, size: usize) -> String {
    unit.repeat(size / unit.len() + 1)
}

/// Makes a case's text of about the given size in bytes.
type MakeText = fn(usize) -> String;

/// A case: its name, its text at a given size, and the redactor it is shown through.
struct Case {
    name: &'static str,
    text: MakeText,
    redactor: fn() -> Redactor,
}

fn cases() -> Vec<Case> {
    let case = |name, text, redactor| Case {
        name,
        text,
        redactor,
    };
    vec![
        case(
            "plain_json",
            |size| {
                let body = String::from_utf8(support::fixture(support::PLEXPASS_ACCOUNT)).unwrap();
                repeated(&body, size)
            },
            redactor,
        ),
        case(
            "json_escaped",
            |size| repeated(r"\u0074\u006f\u006b\u0065\u006e\u002d", size),
            redactor,
        ),
        case(
            "invisible",
            |size| repeated("t\u{200B}o\u{200C}k\u{2060}", size),
            redactor,
        ),
        case(
            "escaped_quotes",
            |size| repeated(r#""\"\"\"\""#, size),
            redactor,
        ),
        case("backslashes", |size| "\\".repeat(size), redactor),
        case(
            "escape_prefixes",
            |size| {
                repeated(
                    r"%0fixture\u002dtok&#x66;ixture%2dtoken\u002d012%66ixture-token-0123456788 ",
                    size,
                )
            },
            redactor,
        ),
        case(
            "many_secrets",
            |size| {
                let unit: String = (0..3000)
                    .step_by(61)
                    .map(|i| format!(r"%0{}\u002d", &many_secret(i)[..12].replace('-', "%2d")))
                    .collect();
                repeated(&unit, size)
            },
            || {
                Redactor::new(
                    (0..3000)
                        .map(many_secret)
                        .collect::<Vec<_>>()
                        .iter()
                        .map(String::as_str),
                )
            },
        ),
        case(
            "long_secret",
            |size| repeated(&format!(r"{}\\\\ ", &long_secret()[..4096]), size),
            || Redactor::new([long_secret().as_str()]),
        ),
    ]
}

/// The redactor of the ordinary cases: a token and a password.
fn redactor() -> Redactor {
    Redactor::new([TOKEN, PASSWORD])
}

/// The `i`th of 3000 distinct token-like secrets.
fn many_secret(i: u32) -> String {
    format!("e{i:05}-token-{:08x}", i.wrapping_mul(2_654_435_761))
}

/// A 64 KiB secret: a long run of one letter, then backslashes.
fn long_secret() -> String {
    format!("{}{}", "a".repeat(32 * 1024), "\\".repeat(32 * 1024))
}

fn redact(c: &mut Criterion) {
    for Case {
        name,
        text: make,
        redactor,
    } in cases()
    {
        let mut group = c.benchmark_group(format!("redact_{name}"));
        group.sample_size(10);
        for size in [MIB, 8 * MIB] {
            let text = make(size);
            let whole = redactor().max_chars(usize::MAX);
            group.throughput(Throughput::Bytes(text.len() as u64));
            group.bench_function(format!("whole_{}mib", size / MIB), |b| {
                b.iter(|| whole.text(black_box(&text)))
            });
            group.bench_function(format!("baseline_{}mib", size / MIB), |b| {
                b.iter(|| black_box(&text).to_lowercase())
            });
        }
        group.finish();
    }
    let text = (cases()[0].text)(8 * MIB);
    let shown = redactor();
    c.bench_function("redact_plain_json/cut_256_of_8mib", |b| {
        b.iter(|| shown.text(black_box(&text)))
    });
}

/// The median of `runs` timings of `f`.
fn median_time(runs: usize, mut f: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let started = Instant::now();
            f();
            started.elapsed()
        })
        .collect();
    times.sort();
    times[runs / 2]
}

/// The only code callgrind collects in (see `--toggle-collect`).
#[inline(never)]
fn measured_redaction(redactor: &Redactor, text: &str) -> String {
    redactor.text(text)
}

/// The child, under valgrind: one redaction of `mode`'s case and size.
fn measure(mode: &str) {
    let (name, mib) = mode.split_once(':').expect("<case>:<MiB>");
    let case = cases()
        .into_iter()
        .find(|case| case.name == name)
        .expect("a known case");
    let text = (case.text)(mib.parse::<usize>().expect("MiB") * MIB);
    let whole = (case.redactor)().max_chars(usize::MAX);
    black_box(measured_redaction(&whole, black_box(&text)));
}

/// Instructions of one redaction of each case at 1 and 8 MiB, and their ratio.
fn count_instructions() {
    let Some(version) = support::valgrind_version() else {
        println!("\n== redact: valgrind is not installed; no instruction count");
        return;
    };
    println!("\n== redact: instructions of one whole redaction ({version}, callgrind)");
    for Case { name, .. } in cases() {
        let mut counts = Vec::new();
        for mib in [1, 8] {
            let mode = format!("{name}:{mib}");
            let profile = format!("redact_{name}_{mib}mib");
            match support::callgrind_instructions(MODE, &mode, "*measured_redaction*", &profile) {
                Ok(total) => counts.push(total),
                Err(error) => {
                    println!("redact bench: {error}");
                    return;
                }
            }
        }
        println!(
            "{name}: 1 MiB {} Ir ({:.1} per byte), 8 MiB {} Ir, ratio {:.3} (linear: 8)",
            counts[0],
            counts[0] as f64 / MIB as f64,
            counts[1],
            counts[1] as f64 / counts[0] as f64
        );
    }
}

fn main() {
    if let Some(mode) = std::env::var_os(MODE) {
        measure(&mode.to_string_lossy());
        return;
    }
    let mut criterion = Criterion::default().configure_from_args();
    redact(&mut criterion);
    criterion.final_summary();
    if !support::timing() {
        return;
    }
    println!("\n== redact: paired against one lowercase pass, and 8 MiB / 1 MiB");
    for Case {
        name,
        text: make,
        redactor,
    } in cases()
    {
        let whole = redactor().max_chars(usize::MAX);
        for size in [MIB, 8 * MIB] {
            let text = make(size);
            let ratios = support::paired(
                10,
                1,
                || drop(black_box(whole.text(black_box(&text)))),
                || drop(black_box(black_box(&text).to_lowercase())),
            );
            support::report_paired(
                &format!("{name}, {} MiB, redactor / baseline", size / MIB),
                &ratios,
                None,
            );
        }
        let small = make(MIB);
        let large = make(8 * MIB);
        let one = median_time(7, || drop(black_box(whole.text(&small))));
        let eight = median_time(7, || drop(black_box(whole.text(&large))));
        println!(
            "{name}: 1 MiB {:.1} ms, 8 MiB {:.1} ms, ratio {:.2} (linear: 8)",
            one.as_secs_f64() * 1e3,
            eight.as_secs_f64() * 1e3,
            eight.as_secs_f64() / one.as_secs_f64()
        );
    }
    let text = (cases()[0].text)(8 * MIB);
    let shown = redactor();
    let cut = median_time(21, || drop(black_box(shown.text(&text))));
    println!(
        "plain_json, 8 MiB shown cut at 256 characters: {:.1} µs",
        cut.as_secs_f64() * 1e6
    );
    count_instructions();
}

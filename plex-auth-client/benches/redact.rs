//! The redactor on large hostile texts: its cost must grow linearly with the text's length
//! (an answer can be 8 MiB), whatever the text holds. Each case is timed at 1 MiB and 8 MiB;
//! the ratio of the two should be about 8, never 64. The baseline, in the same run, is one
//! plain pass over the same text (`str::to_lowercase`), the least any scan costs.
//!
//! Cases: ordinary JSON; every character JSON-escaped (`\u0074`…), the decoder's worst case;
//! invisible characters between letters; escaped quotes, the field scan's old quadratic case;
//! and the same ordinary text cut at the default 256 characters, as the CLI shows a name.

mod support;

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput};
use plex_auth_client::Redactor;

const TOKEN: &str = "fixture-token-0123456789";
const PASSWORD: &str = "pw-SECRET-hunter2";
const MIB: usize = 1024 * 1024;

/// A text of about `size` bytes, by repeating `unit`.
fn repeated(unit: &str, size: usize) -> String {
    unit.repeat(size / unit.len() + 1)
}

/// The cases: name, and the text at a given size.
fn cases() -> Vec<(&'static str, fn(usize) -> String)> {
    vec![
        ("plain_json", |size| {
            let body = String::from_utf8(support::fixture(support::PLEXPASS_ACCOUNT)).unwrap();
            repeated(&body, size)
        }),
        ("json_escaped", |size| {
            repeated(r"\u0074\u006f\u006b\u0065\u006e\u002d", size)
        }),
        ("invisible", |size| {
            repeated("t\u{200B}o\u{200C}k\u{2060}", size)
        }),
        ("escaped_quotes", |size| repeated(r#""\"\"\"\""#, size)),
    ]
}

fn redactor() -> Redactor {
    Redactor::new([TOKEN, PASSWORD])
}

fn redact(c: &mut Criterion) {
    for (name, make) in cases() {
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
    let text = cases()[0].1(8 * MIB);
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

fn main() {
    let mut criterion = Criterion::default().configure_from_args();
    redact(&mut criterion);
    criterion.final_summary();
    if !support::timing() {
        return;
    }
    println!("\n== redact: paired against one lowercase pass, and 8 MiB / 1 MiB");
    for (name, make) in cases() {
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
    let text = cases()[0].1(8 * MIB);
    let shown = redactor();
    let cut = median_time(21, || drop(black_box(shown.text(&text))));
    println!(
        "plain_json, 8 MiB shown cut at 256 characters: {:.1} µs",
        cut.as_secs_f64() * 1e6
    );
}

//! Resident memory over 10,000 sequential `get_token_details` calls against the loopback
//! server: VmRSS and VmHWM (peak) from /proc/self/status after 1,000 and after 10,000 calls.
//! Flat means the 10k figures equal the 1k ones within allocator noise. Each client runs in its
//! own process (this binary runs itself again), since a peak cannot be reset.
//!
//! A third run measures the peak during one call whose 200 answer never ends (1 GiB, no
//! `Content-Length`): the client stops at its cap (`ClientBuilder::max_response_size`, 8 MiB by
//! default) with `ErrorKind::TooLarge`, and VmHWM before and after shows what the call held.
//!
//! `cargo bench -p plex-auth-client --bench memory` prints one line per run; Linux only.

mod support;

use std::process::Command;

const MODE: &str = "PLEX_AUTH_BENCH_MEMORY_MODE";
const CHECKPOINTS: [usize; 4] = [1_000, 2_000, 5_000, 10_000];

/// (VmRSS, VmHWM) in KiB.
fn memory() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|kib| kib.parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// One call receiving an endless body: the peak it adds.
fn endless() {
    let server = support::start_endless_server();
    let base_url = server.url();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let generated = runtime.block_on(async { support::generated_client(&base_url) });
    let (rss, before) = memory();
    let started = std::time::Instant::now();
    let error = runtime
        .block_on(generated.get_token_details())
        .expect_err("an endless body cannot decode");
    let elapsed = started.elapsed();
    let (_, after) = memory();
    assert_eq!(
        error.kind(),
        plex_auth_client::ErrorKind::TooLarge,
        "{error}"
    );
    println!(
        "endless    one call, 200 with a {} MiB body, cap {} KiB: rss before {rss} KiB, \
         hwm before {before} after {after} KiB, peak +{} KiB; TooLarge after {:.0} ms",
        support::ENDLESS_BYTES >> 20,
        8 * 1024,
        after.saturating_sub(before),
        elapsed.as_secs_f64() * 1e3
    );
}

fn measure(mode: &str) {
    let server = support::start_server();
    let base_url = server.url();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let generated = runtime.block_on(async { support::generated_client(&base_url) });
    let raw = runtime.block_on(async { support::RawClient::new(&base_url) });
    let (start_rss, _) = memory();
    let mut line = format!("{mode:<10} start rss {start_rss} KiB");
    let mut done = 0;
    let mut at = Vec::new();
    runtime.block_on(async {
        for checkpoint in CHECKPOINTS {
            while done < checkpoint {
                if mode == "generated" {
                    generated.get_token_details().await.expect("generated call");
                } else {
                    raw.get_token_details().await.expect("raw call");
                }
                done += 1;
            }
            let (rss, hwm) = memory();
            at.push(hwm);
            line.push_str(&format!(" | {checkpoint}: rss {rss} hwm {hwm} KiB"));
        }
    });
    // Peak growth from the first checkpoint to the last, in bytes per call.
    let growth = at[at.len() - 1].saturating_sub(at[0]) * 1024;
    let calls = (CHECKPOINTS[CHECKPOINTS.len() - 1] - CHECKPOINTS[0]) as u64;
    println!(
        "{line} | hwm growth 1k->10k {growth} B ({} B/call)",
        growth / calls
    );
}

fn main() {
    if let Ok(mode) = std::env::var(MODE) {
        if mode == "endless" {
            endless();
        } else {
            measure(&mode);
        }
        return;
    }
    // `cargo test --benches` passes no `--bench`: nothing to measure then.
    if !support::timing() {
        println!("memory bench: run with `cargo bench` to measure");
        return;
    }
    let exe = std::env::current_exe().expect("own path");
    println!("resident memory over sequential get_token_details calls (KiB, /proc/self/status)");
    for mode in ["generated", "raw", "endless"] {
        let status = Command::new(&exe)
            .env(MODE, mode)
            .status()
            .expect("run measurement");
        assert!(status.success(), "{mode} measurement failed");
    }
}

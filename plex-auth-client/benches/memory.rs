//! Resident memory over 10,000 sequential `get_token_details` calls against the loopback
//! server: VmRSS and VmHWM (peak) from /proc/self/status after 1,000 and after 10,000 calls.
//! Flat means the 10k figures equal the 1k ones within allocator noise. Each client runs in its
//! own process (this binary runs itself again), since a peak cannot be reset.
//!
//! `cargo bench -p plex-auth-client --bench memory` prints one line per client; Linux only.

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
        measure(&mode);
        return;
    }
    // `cargo test --benches` passes no `--bench`: nothing to measure then.
    if !support::timing() {
        println!("memory bench: run with `cargo bench` to measure");
        return;
    }
    let exe = std::env::current_exe().expect("own path");
    println!("resident memory over sequential get_token_details calls (KiB, /proc/self/status)");
    for mode in ["generated", "raw"] {
        let status = Command::new(&exe)
            .env(MODE, mode)
            .status()
            .expect("run measurement");
        assert!(status.success(), "{mode} measurement failed");
    }
}

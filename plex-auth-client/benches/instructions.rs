//! Instructions per call, counted rather than timed: the generated client against raw reqwest
//! (`support::RawClient`) on the loopback server, for `get_token_details` and for a sign-in.
//! Instruction counts do not move with the load of a shared machine, so small differences
//! (a few percent) show up where wall-clock ratios cannot resolve them.
//! Target: the generated `get_token_details` and sign-in at most 1.03× raw reqwest's
//! instructions.
//!
//! `cargo bench -p plex-auth-client --bench instructions` runs this binary again under
//! `valgrind --tool=callgrind`, once per (client, operation), collecting only inside
//! [`measured_calls`] (`--toggle-collect`). That function drives the calls on a current-thread
//! tokio runtime, so the client's work (hyper's connection task included) runs on the calling
//! thread, inside the toggled function; the loopback server runs on a thread of its own, whose
//! instructions are not collected. Without valgrind the bench says so and exits successfully:
//! CI only compiles it.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use plex_auth_client::PlexTvClient;
use support::RawClient;
use tokio::runtime::Runtime;

/// Set in the child run under valgrind: which side to measure.
const MODE: &str = "PLEX_AUTH_BENCH_INSTRUCTIONS_MODE";
/// Calls measured per side; the fixed cost of entering the runtime once is shared among them.
const CALLS: usize = 200;
/// Calls made before measuring: the connection is open, pools and lazies are initialised.
const WARM_UP: usize = 20;
/// The comparison's target, for both operations.
const TARGET: f64 = 1.03;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    GeneratedGet,
    RawGet,
    GeneratedSignIn,
    RawSignIn,
}

impl Side {
    const ALL: [Side; 4] = [
        Side::GeneratedGet,
        Side::RawGet,
        Side::GeneratedSignIn,
        Side::RawSignIn,
    ];

    fn name(self) -> &'static str {
        match self {
            Side::GeneratedGet => "generated_get_token_details",
            Side::RawGet => "raw_get_token_details",
            Side::GeneratedSignIn => "generated_sign_in",
            Side::RawSignIn => "raw_sign_in",
        }
    }

    fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|side| side.name() == name)
    }
}

struct Clients {
    generated: PlexTvClient,
    raw: RawClient,
}

/// `calls` calls of one side, each checked (a refused request must not be counted as a call).
async fn run(clients: &Clients, side: Side, calls: usize) {
    let request = support::sign_in_request();
    for _ in 0..calls {
        match side {
            Side::GeneratedGet => drop(clients.generated.get_token_details().await.unwrap()),
            Side::RawGet => drop(clients.raw.get_token_details().await.unwrap()),
            Side::GeneratedSignIn => drop(
                clients
                    .generated
                    .post_users_sign_in_data(&request)
                    .await
                    .unwrap(),
            ),
            Side::RawSignIn => drop(clients.raw.sign_in(&request).await.unwrap()),
        }
    }
}

/// The only code callgrind collects in (by name, see `--toggle-collect`): kept out of line so
/// that its symbol exists.
#[inline(never)]
fn measured_calls(runtime: &Runtime, clients: &Clients, side: Side) {
    runtime.block_on(run(clients, side, CALLS));
}

/// The child, under valgrind: warm up, then measure.
fn measure(side: Side) {
    let server = support::start_server();
    let base_url = server.url();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let clients = runtime.block_on(async {
        Clients {
            generated: support::generated_client(&base_url),
            raw: RawClient::new(&base_url),
        }
    });
    runtime.block_on(run(&clients, side, WARM_UP));
    measured_calls(&runtime, &clients, side);
    drop(server);
}

/// Where the callgrind profiles are kept (for `callgrind_annotate`): beside criterion's.
fn out_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .or_else(|| {
            // The bench runs from <target>/<profile>/deps/.
            let exe = std::env::current_exe().ok()?;
            Some(exe.parent()?.parent()?.parent()?.to_path_buf())
        })
        .unwrap_or_else(std::env::temp_dir);
    target.join("callgrind")
}

/// The total of the collected events (instructions, `Ir`) in a callgrind profile.
fn total_instructions(profile: &Path) -> Option<u64> {
    let text = std::fs::read_to_string(profile).ok()?;
    let line = text
        .lines()
        .find_map(|line| line.strip_prefix("totals:"))
        .or_else(|| text.lines().find_map(|line| line.strip_prefix("summary:")))?;
    line.split_whitespace().next()?.parse().ok()
}

/// Runs this binary under callgrind for one side; its instructions per call.
fn count(exe: &Path, dir: &Path, side: Side) -> Result<f64, String> {
    let profile = dir.join(format!("{}.out", side.name()));
    let output = Command::new("valgrind")
        .arg("--tool=callgrind")
        .arg("--collect-atstart=no")
        .arg("--toggle-collect=*measured_calls*")
        .arg(format!("--callgrind-out-file={}", profile.display()))
        .arg(exe)
        .env(MODE, side.name())
        .output()
        .map_err(|error| format!("cannot run valgrind: {error}"))?;
    if !output.status.success() {
        return Err(format!(
            "{} under valgrind failed: {}",
            side.name(),
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let total = total_instructions(&profile)
        .ok_or_else(|| format!("no instruction total in {}", profile.display()))?;
    if total == 0 {
        return Err("nothing was collected: was measured_calls inlined?".into());
    }
    Ok(total as f64 / CALLS as f64)
}

fn main() {
    if let Some(mode) = std::env::var_os(MODE) {
        let side = Side::from_name(&mode.to_string_lossy()).expect("a known mode");
        measure(side);
        return;
    }
    // `cargo test --benches` passes no `--bench`: nothing to measure then.
    if !support::timing() {
        println!("instructions bench: run with `cargo bench` to count");
        return;
    }
    let valgrind = Command::new("valgrind").arg("--version").output();
    let Ok(version) = valgrind.as_ref().map(|output| &output.stdout) else {
        println!("instructions bench: valgrind is not installed; nothing counted");
        return;
    };
    let exe = std::env::current_exe().expect("own path");
    let dir = out_dir();
    if let Err(error) = std::fs::create_dir_all(&dir) {
        println!(
            "instructions bench: cannot create {}: {error}",
            dir.display()
        );
        return;
    }
    println!(
        "instructions per call ({}, callgrind, {CALLS} calls after {WARM_UP} warm-up calls; \
         profiles in {})",
        String::from_utf8_lossy(version).trim(),
        dir.display()
    );
    let mut counts = Vec::new();
    for side in Side::ALL {
        match count(&exe, &dir, side) {
            Ok(per_call) => {
                println!("{:<28} {per_call:>10.0}", side.name());
                counts.push(per_call);
            }
            Err(error) => {
                // A broken valgrind (an unsupported CPU, say) is reported, not a bench failure.
                println!("instructions bench: {error}");
                return;
            }
        }
    }
    for (name, generated, raw) in [
        ("get_token_details", counts[0], counts[1]),
        ("sign_in", counts[2], counts[3]),
    ] {
        let ratio = generated / raw;
        let verdict = if ratio <= TARGET { "met" } else { "MISSED" };
        println!("{name}: generated / raw = {ratio:.3} (target <= {TARGET:.2}: {verdict})");
    }
}

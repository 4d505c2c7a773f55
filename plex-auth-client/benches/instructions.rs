//! Instructions per call, counted rather than timed: the generated client against raw reqwest
//! (`support::RawClient`) on the loopback server, for `get_token_details` and for a sign-in;
//! and `get_token_details` through a client built from a `TokenSource`, legacy and JWT (its
//! token asked of the source; for a JWT, a copy of the request kept for a 498), against the same
//! client built with the token.
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
    SourceGet,
    JwtSourceGet,
}

impl Side {
    const ALL: [Side; 6] = [
        Side::GeneratedGet,
        Side::RawGet,
        Side::GeneratedSignIn,
        Side::RawSignIn,
        Side::SourceGet,
        Side::JwtSourceGet,
    ];

    fn name(self) -> &'static str {
        match self {
            Side::GeneratedGet => "generated_get_token_details",
            Side::RawGet => "raw_get_token_details",
            Side::GeneratedSignIn => "generated_sign_in",
            Side::RawSignIn => "raw_sign_in",
            Side::SourceGet => "token_source_get_token_details",
            Side::JwtSourceGet => "jwt_source_get_token_details",
        }
    }

    fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|side| side.name() == name)
    }
}

struct Clients {
    generated: PlexTvClient,
    raw: RawClient,
    /// Built from a legacy token source holding the same token.
    sourced: PlexTvClient,
    /// Built from a JWT token source (no refresh due).
    jwt_sourced: PlexTvClient,
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
            Side::SourceGet => drop(clients.sourced.get_token_details().await.unwrap()),
            Side::JwtSourceGet => drop(clients.jwt_sourced.get_token_details().await.unwrap()),
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
            sourced: support::token_source_client(&base_url),
            jwt_sourced: support::jwt_source_client(&base_url),
        }
    });
    runtime.block_on(run(&clients, side, WARM_UP));
    measured_calls(&runtime, &clients, side);
    drop(server);
}

/// Runs this binary under callgrind for one side; its instructions per call.
fn count(side: Side) -> Result<f64, String> {
    let total =
        support::callgrind_instructions(MODE, side.name(), "*measured_calls*", side.name())?;
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
    let Some(version) = support::valgrind_version() else {
        println!("instructions bench: valgrind is not installed; nothing counted");
        return;
    };
    println!(
        "instructions per call ({version}, callgrind, {CALLS} calls after {WARM_UP} warm-up \
         calls; profiles in {})",
        support::callgrind_dir().display()
    );
    let mut counts = Vec::new();
    for side in Side::ALL {
        match count(side) {
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
    for (name, count) in [("legacy", counts[4]), ("JWT", counts[5])] {
        println!(
            "get_token_details: {name} token source / token = {:.3} ({:+.0} instructions per call)",
            count / counts[0],
            count - counts[0]
        );
    }
}

//! Shared by the client's benches: the recorded bodies, a loopback HTTP/1.1 server answering
//! them, the two clients under comparison, and the ratio report read from criterion's output.
#![allow(dead_code)] // each bench uses part of it

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, SystemTime};

pub use plex_auth_harness as harness;

pub use harness::Server;
use harness::{Answer, Options, Step};

use plex_auth_client::types::{SignInRequest, UserPlexAccount};
use plex_auth_client::{ClientIdentity, PlexTvClient, Secret};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

pub const FREE_ACCOUNT: &str = "plextv-user-200-free-account.json";
pub const PLEXPASS_ACCOUNT: &str = "plextv-user-200-plexpass-account.json";
pub const SIGN_IN: &str = "plextv-users-signin-201.json";

pub const TOKEN: &str = "bench-token-0123456789";

/// A recorded body, byte for byte.
pub fn fixture(name: &str) -> Vec<u8> {
    harness::recorded(name)
}

/// Starts a keep-alive loopback server of the replay harness (on its own thread and runtime,
/// so its work is not scheduled among the callers being measured, and recording nothing, so its
/// memory stays flat). It answers `GET /user` with the free account and `POST /users/signin`
/// with the sign-in body; a request missing the identity header, the token or the form gets a
/// 400/401, so a client that sends less than the other fails loudly instead of being measured.
pub fn start_server() -> Server {
    let user = Step::Answer(Answer::json(200, fixture(FREE_ACCOUNT)));
    let sign_in = Step::Answer(Answer::json(201, fixture(SIGN_IN)));
    let refused = Step::Answer(Answer::json(401, &br#"{"errors":[{"code":1001}]}"#[..]));
    let bad = Step::Answer(Answer::json(400, &br#"{"errors":[{"code":1000}]}"#[..]));
    let jwt = bench_jwt();
    let options = Options {
        keep_alive: true,
        record: false,
    };
    Server::with_options(options, move |_, seen| {
        let identity = seen
            .header("x-plex-client-identifier")
            .is_some_and(|id| !id.is_empty());
        let token = seen
            .header("x-plex-token")
            .is_some_and(|token| token == TOKEN || token == jwt);
        let answer = match (seen.method.as_str(), seen.path()) {
            _ if !identity => &bad,
            ("GET", "/user") if token => &user,
            ("GET", "/user") => &refused,
            ("POST", "/users/signin") if seen.body.starts_with(b"login=") => &sign_in,
            _ => &bad,
        };
        vec![answer.clone()]
    })
}

/// Bytes an endless answer sends: far beyond any cap (1 GiB).
pub const ENDLESS_BYTES: usize = ENDLESS_CHUNK * ENDLESS_CHUNKS;
const ENDLESS_CHUNK: usize = 64 * 1024;
const ENDLESS_CHUNKS: usize = 16 * 1024;

/// A loopback server whose every answer is a 200 with a body that does not end: no
/// `Content-Length`, so the client cannot refuse it up front and must stop reading by itself;
/// the same 64 KiB buffer is written again and again (never copied), so the server's memory
/// stays flat and the process's peak is the client's.
pub fn start_endless_server() -> Server {
    let chunk: std::sync::Arc<[u8]> = vec![b' '; ENDLESS_CHUNK].into();
    let head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n";
    let options = Options {
        keep_alive: false,
        record: false,
    };
    Server::with_options(options, move |_, _| {
        vec![
            Step::Write(head.to_vec()),
            Step::Repeat {
                bytes: chunk.clone(),
                times: ENDLESS_CHUNKS,
            },
        ]
    })
}

pub fn identity() -> ClientIdentity {
    ClientIdentity::new(
        "3381b62b-9ab7-4e37-827b-203e9809eb58",
        "plex-auth bench",
        "1.0.0",
    )
    .platform("Linux")
    .device("Server")
}

/// The generated client with its defaults: hooks, tracing span, retry policy.
pub fn generated_client(base_url: &str) -> PlexTvClient {
    PlexTvClient::builder(identity())
        .base_url(base_url)
        .token(TOKEN)
        .build()
        .expect("generated client")
}

/// The generated client, asking a token source (a legacy one: no refresh) for the token.
pub fn token_source_client(base_url: &str) -> PlexTvClient {
    PlexTvClient::builder(identity())
        .base_url(base_url)
        .token_source(plex_auth_client::TokenSource::legacy(TOKEN))
        .build()
        .expect("generated client")
}

/// A JWT-shaped token ending in 2100: the bench server takes it as it takes [`TOKEN`].
pub fn bench_jwt() -> String {
    use base64::Engine as _;
    let encode = |json: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json);
    format!(
        "{}.{}.c2lnbmF0dXJl",
        encode(r#"{"alg":"EdDSA","kid":"k","typ":"JWT"}"#),
        encode(r#"{"aud":"plex.tv","iss":"plex.tv","iat":1750000000,"exp":4102444800}"#)
    )
}

/// The generated client, asking a JWT token source for the token: it holds [`bench_jwt`] (kept
/// in its store), so no call refreshes.
pub fn jwt_source_client(base_url: &str) -> PlexTvClient {
    let key = plex_auth_client::DeviceKey::generate().expect("a key");
    let source = plex_auth_client::TokenSource::jwt(identity(), key)
        .store(plex_auth_client::MemoryTokenStore::with_token(bench_jwt()))
        .build()
        .expect("a source");
    PlexTvClient::builder(identity())
        .base_url(base_url)
        .token_source(source)
        .build()
        .expect("generated client")
}

pub fn sign_in_request() -> SignInRequest {
    SignInRequest {
        login: "username@email.com".into(),
        password: Secret::new("password123"),
        remember_me: None,
        verification_code: None,
    }
}

/// What a careful person writes by hand with reqwest: the same headers on every request, the
/// token per request, status check, serde decode into the same account type (the decode bench
/// compares types; this one compares everything around the decode).
#[derive(Clone)]
pub struct RawClient {
    http: reqwest::Client,
    user_url: String,
    sign_in_url: String,
    token: HeaderValue,
}

impl RawClient {
    pub fn new(base_url: &str) -> Self {
        // The generated client installs ring as rustls' provider; the raw one needs it too.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut headers = HeaderMap::new();
        headers.insert(
            reqwest::header::ACCEPT,
            HeaderValue::from_static("application/json"),
        );
        for (name, value) in [
            (
                "x-plex-client-identifier",
                "3381b62b-9ab7-4e37-827b-203e9809eb58",
            ),
            ("x-plex-product", "plex-auth bench"),
            ("x-plex-version", "1.0.0"),
            ("x-plex-platform", "Linux"),
            ("x-plex-device", "Server"),
        ] {
            headers.insert(
                HeaderName::from_static(name),
                HeaderValue::from_static(value),
            );
        }
        let http = reqwest::Client::builder()
            .default_headers(headers)
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(30))
            .user_agent("plex-auth-client/0.1.0")
            .build()
            .expect("raw client");
        let mut token = HeaderValue::from_static(TOKEN);
        token.set_sensitive(true);
        Self {
            http,
            user_url: format!("{base_url}/user"),
            sign_in_url: format!("{base_url}/users/signin"),
            token,
        }
    }

    pub async fn get_token_details(&self) -> reqwest::Result<UserPlexAccount> {
        self.http
            .get(&self.user_url)
            .header("x-plex-token", self.token.clone())
            .send()
            .await?
            .error_for_status()?
            .json()
            .await
    }

    pub async fn sign_in(&self, request: &SignInRequest) -> reqwest::Result<UserPlexAccount> {
        self.http
            .post(&self.sign_in_url)
            .form(request)
            .send()
            .await?
            .error_for_status()?
            .json()
            .await
    }
}

/// Ratios of a paired comparison, sorted: wall time, and (async comparisons) CPU time of the
/// whole process (every thread: callers, runtime workers, the loopback server), which other
/// programs on the machine disturb less.
pub struct Paired {
    pub wall: Vec<f64>,
    pub cpu: Option<Vec<f64>>,
}

/// CPU time used so far by all threads of this process, in nanoseconds (Linux schedstat).
fn process_cpu_ns() -> u64 {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return 0;
    };
    tasks
        .filter_map(|task| std::fs::read_to_string(task.ok()?.path().join("schedstat")).ok())
        .filter_map(|stat| stat.split_whitespace().next()?.parse::<u64>().ok())
        .sum()
}

/// Collects the per-block ratios of a paired comparison.
struct Blocks {
    wall: Vec<f64>,
    cpu: Vec<f64>,
}

impl Blocks {
    fn new(blocks: usize) -> Self {
        Self {
            wall: Vec::with_capacity(blocks),
            cpu: Vec::with_capacity(blocks),
        }
    }

    /// `times[side] = (wall, cpu)`, side 0 measured, 1 baseline.
    fn push(&mut self, times: [(Duration, u64); 2]) {
        self.wall
            .push(times[0].0.as_secs_f64() / times[1].0.as_secs_f64());
        self.cpu.push(times[0].1 as f64 / times[1].1.max(1) as f64);
    }

    /// `with_cpu` is false where the kernel's CPU accounting is too coarse for the block length.
    fn finish(mut self, with_cpu: bool) -> Paired {
        self.wall.sort_by(f64::total_cmp);
        self.cpu.sort_by(f64::total_cmp);
        Paired {
            wall: self.wall,
            cpu: with_cpu.then_some(self.cpu),
        }
    }
}

/// A paired comparison that drifting load on a shared machine cannot bias: `blocks` blocks,
/// each timing `per_block` runs of `measured` and of `baseline` back to back (which one goes
/// first alternates), giving one ratio measured/baseline per block.
pub async fn paired_async<M, MF, B, BF>(
    blocks: usize,
    per_block: usize,
    mut measured: M,
    mut baseline: B,
) -> Paired
where
    M: FnMut() -> MF,
    MF: Future<Output = ()>,
    B: FnMut() -> BF,
    BF: Future<Output = ()>,
{
    let mut out = Blocks::new(blocks);
    for block in 0..blocks {
        let mut times = [(Duration::ZERO, 0); 2];
        for side in [block % 2, 1 - block % 2] {
            let cpu = process_cpu_ns();
            let started = std::time::Instant::now();
            for _ in 0..per_block {
                if side == 0 {
                    measured().await;
                } else {
                    baseline().await;
                }
            }
            times[side] = (started.elapsed(), process_cpu_ns().saturating_sub(cpu));
        }
        out.push(times);
    }
    out.finish(true)
}

/// The synchronous form of [`paired_async`], wall time only: its blocks last a few
/// milliseconds, and the CPU time the kernel reports is updated too rarely for that.
pub fn paired(
    blocks: usize,
    per_block: usize,
    mut measured: impl FnMut(),
    mut baseline: impl FnMut(),
) -> Paired {
    let mut out = Blocks::new(blocks);
    for block in 0..blocks {
        let mut times = [(Duration::ZERO, 0); 2];
        for side in [block % 2, 1 - block % 2] {
            let started = std::time::Instant::now();
            for _ in 0..per_block {
                if side == 0 {
                    measured();
                } else {
                    baseline();
                }
            }
            times[side] = (started.elapsed(), 1);
        }
        out.push(times);
    }
    out.finish(false)
}

/// Prints the median paired ratios (wall and CPU) with quartiles and extremes, and the verdict
/// on the wall-time median when there is a target (a control has none).
pub fn report_paired(name: &str, paired: &Paired, target: Option<f64>) {
    let summary = |ratios: &[f64]| {
        let at = |q: f64| ratios[((ratios.len() - 1) as f64 * q).round() as usize];
        (
            at(0.5),
            format!(
                "median {:.3} (quartiles {:.3} .. {:.3}, range {:.3} .. {:.3})",
                at(0.5),
                at(0.25),
                at(0.75),
                at(0.0),
                at(1.0)
            ),
        )
    };
    let (median, wall) = summary(&paired.wall);
    let verdict = match target {
        Some(target) if median <= target => format!("; target <= {target:.2}: met"),
        Some(target) => format!("; target <= {target:.2}: MISSED"),
        None => String::new(),
    };
    println!(
        "{name} ({} blocks): wall {wall}{verdict}",
        paired.wall.len()
    );
    if let Some(cpu) = &paired.cpu {
        println!("    cpu {}", summary(cpu).1);
    }
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

/// Median with its 95% confidence interval, in nanoseconds, of one benchmark measured since
/// `since` (older results, from a run that measured it when this one did not, are left out).
fn median(group: &str, function: &str, since: SystemTime) -> Option<(f64, f64, f64)> {
    let path = criterion_dir()?
        .join(group)
        .join(function)
        .join("new/estimates.json");
    if std::fs::metadata(&path).ok()?.modified().ok()? < since {
        return None;
    }
    let text = std::fs::read_to_string(path).ok()?;
    let value: serde_json::Value = serde_json::from_str(&text).ok()?;
    let median = value.get("median")?;
    let interval = median.get("confidence_interval")?;
    Some((
        median.get("point_estimate")?.as_f64()?,
        interval.get("lower_bound")?.as_f64()?,
        interval.get("upper_bound")?.as_f64()?,
    ))
}

/// Where callgrind profiles are kept (for `callgrind_annotate`): beside criterion's.
pub fn callgrind_dir() -> PathBuf {
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

/// valgrind's version line, or `None` when it is not installed.
pub fn valgrind_version() -> Option<String> {
    let output = Command::new("valgrind").arg("--version").output().ok()?;
    Some(String::from_utf8_lossy(&output.stdout).trim().to_string())
}

/// Runs this bench's own binary under callgrind with `mode` set in the environment variable
/// `variable`, collecting only inside the functions matching `toggle` (`--toggle-collect`),
/// and answers the instructions (`Ir`) collected. The profile is kept as `<name>.out` in
/// [`callgrind_dir`].
pub fn callgrind_instructions(
    variable: &str,
    mode: &str,
    toggle: &str,
    name: &str,
) -> Result<u64, String> {
    let exe = std::env::current_exe().map_err(|error| format!("own path: {error}"))?;
    let dir = callgrind_dir();
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let profile = dir.join(format!("{name}.out"));
    let output = Command::new("valgrind")
        .arg("--tool=callgrind")
        .arg("--collect-atstart=no")
        .arg(format!("--toggle-collect={toggle}"))
        .arg(format!("--callgrind-out-file={}", profile.display()))
        .arg(exe)
        .env(variable, mode)
        .output()
        .map_err(|error| format!("cannot run valgrind: {error}"))?;
    if !output.status.success() {
        return Err(format!(
            "{name} under valgrind failed: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let total = total_instructions(&profile)
        .ok_or_else(|| format!("no instruction total in {}", profile.display()))?;
    if total == 0 {
        return Err(format!("nothing was collected: was {toggle} inlined?"));
    }
    Ok(total)
}

/// Whether criterion is timing (`cargo bench`), not just running each bench once
/// (`cargo test --benches`).
pub fn timing() -> bool {
    std::env::args().any(|arg| arg == "--bench")
}

/// Prints, for each group measured since `since`, measured/baseline medians and their ratio
/// against the target.
pub fn report_ratios(title: &str, since: SystemTime, rows: &[(&str, &str, &str, f64)]) {
    if !timing() {
        return;
    }
    println!("\n== {title}: ratio of medians (measured / baseline)");
    for &(group, measured, baseline, target) in rows {
        let (Some(m), Some(b)) = (
            median(group, measured, since),
            median(group, baseline, since),
        ) else {
            continue;
        };
        let ratio = m.0 / b.0;
        println!(
            "{group}: {measured} {} [{} .. {}] / {baseline} {} [{} .. {}] = {ratio:.3} \
             (target <= {target:.2}: {})",
            show(m.0),
            show(m.1),
            show(m.2),
            show(b.0),
            show(b.1),
            show(b.2),
            if ratio <= target { "met" } else { "MISSED" }
        );
    }
}

fn show(nanos: f64) -> String {
    if nanos >= 1e6 {
        format!("{:.3} ms", nanos / 1e6)
    } else if nanos >= 1e3 {
        format!("{:.2} µs", nanos / 1e3)
    } else {
        format!("{nanos:.1} ns")
    }
}

/// The total of the collected events (instructions, `Ir`) in a callgrind profile.
pub fn total_instructions(profile: &Path) -> Option<u64> {
    let text = std::fs::read_to_string(profile).ok()?;
    let line = text
        .lines()
        .find_map(|line| line.strip_prefix("totals:"))
        .or_else(|| text.lines().find_map(|line| line.strip_prefix("summary:")))?;
    line.split_whitespace().next()?.parse().ok()
}

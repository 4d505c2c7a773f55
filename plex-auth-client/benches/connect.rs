//! Choosing a server's connection, and building a client, on loopback stand-ins.
//!
//! - **Time to a connected client** (criterion), from the device as `/resources` lists it to
//!   the `PmsClient` `Connector::connect` returns, in the issue's scenarios: (a) a local
//!   address that never answers, the remote answers at once; (b) local and remote answer at
//!   once; (c) the local address refuses, the remote answers after 200 ms, the relay at once;
//!   (d) 20 local addresses that never answer, the remote answers; and two failures: 3,000
//!   connections that refuse, 40 that never answer (probe timeout 0.5 s). Each iteration checks
//!   the connection chosen.
//! - **Building a client** (criterion, and instructions under valgrind's callgrind when it is
//!   installed): `PmsClient::builder(..).build()`, which shares one TLS configuration per
//!   process, against the same reqwest client built with reqwest's own TLS set-up, as every
//!   build did before (it reads the system's root certificates each time).
//!
//! `cargo bench -p plex-auth-client --bench connect`. With
//! `PLEX_AUTH_BENCH_CONNECT_SERVE=<scenario>` it only starts that scenario's stand-ins, prints
//! the device as plex.tv's XML would list it, and serves until standard input closes: how
//! `benches/plexapi_connect.py` measures python-plexapi on the same stand-ins.

mod support;

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use criterion::Criterion;
use plex_auth_client::types::PlexDevice;
use plex_auth_client::{ClientIdentity, Connector, PmsClient};
use support::harness::{Answer, Refused, Server, Silent, Step};

const MACHINE_ID: &str = "bench-server-machine-id";
const DEVICE_TOKEN: &str = "bench-device-token";
/// Set in the child run under valgrind: which build to count.
const COUNT_MODE: &str = "PLEX_AUTH_BENCH_CONNECT_COUNT";
/// Set to serve one scenario's stand-ins for another client (python-plexapi).
const SERVE_MODE: &str = "PLEX_AUTH_BENCH_CONNECT_SERVE";
/// Builds counted per side, after one that initialises what is shared.
const BUILDS: usize = 20;

#[derive(Clone, Copy)]
enum At {
    Local,
    Remote,
    Relay,
}

/// A scenario's stand-ins, the device listing them, and the URL to be chosen.
struct Scenario {
    device: PlexDevice,
    expected: Option<String>,
    connector: Connector,
    _servers: Vec<Server>,
    _silent: Vec<Silent>,
    _refused: Refused,
}

/// A Plex Media Server stand-in answering after `delay`: `/identity` (JSON) for this client,
/// and `/` (XML) for python-plexapi, which reads the root to connect.
fn pms(delay: Duration) -> Server {
    Server::start(move |_, seen| {
        let answer = if seen.path() == "/identity" {
            Answer::json(
                200,
                format!(r#"{{"MediaContainer":{{"size":0,"machineIdentifier":"{MACHINE_ID}"}}}}"#),
            )
        } else {
            Answer::new(200).header("Content-Type", "application/xml").body(format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><MediaContainer size="0" friendlyName="Box" machineIdentifier="{MACHINE_ID}" version="1.41.6.9685-d301f511a" myPlex="1"/>"#
            ))
        };
        vec![Step::Sleep(delay), Step::Answer(answer)]
    })
}

fn device(connections: &[(String, At)]) -> PlexDevice {
    let connections: Vec<_> = connections
        .iter()
        .map(|(uri, at)| {
            let (local, relay) = match at {
                At::Local => (true, false),
                At::Remote => (false, false),
                At::Relay => (false, true),
            };
            serde_json::json!({"protocol": "http", "uri": uri, "local": local, "relay": relay})
        })
        .collect();
    serde_json::from_value(serde_json::json!({
        "name": "Box", "clientIdentifier": MACHINE_ID, "provides": "server",
        "accessToken": DEVICE_TOKEN, "owned": true, "connections": connections,
    }))
    .expect("a device")
}

fn identity() -> ClientIdentity {
    ClientIdentity::new("plex-auth-bench", "plex-auth-bench", "0.1.0")
}

const SCENARIOS: [&str; 6] = ["a", "b", "c", "d", "refused_3000", "silent_40"];

fn scenario(name: &str) -> Scenario {
    let mut servers = Vec::new();
    let mut silent = Vec::new();
    let mut connector = Connector::new(identity());
    // Held for the scenario's life: no other server can take its port meanwhile.
    let refused = Refused::new();
    let connections: Vec<(String, At)> = match name {
        "a" => {
            silent.push(Silent::http());
            servers.push(pms(Duration::ZERO));
            vec![(silent[0].url(), At::Local), (servers[0].url(), At::Remote)]
        }
        "b" => {
            servers.push(pms(Duration::ZERO));
            servers.push(pms(Duration::ZERO));
            vec![
                (servers[0].url(), At::Local),
                (servers[1].url(), At::Remote),
            ]
        }
        "c" => {
            servers.push(pms(Duration::from_millis(200)));
            servers.push(pms(Duration::ZERO));
            vec![
                (refused.url(), At::Local),
                (servers[0].url(), At::Remote),
                (servers[1].url(), At::Relay),
            ]
        }
        "d" => {
            silent.extend((0..20).map(|_| Silent::http()));
            servers.push(pms(Duration::ZERO));
            let mut list: Vec<_> = silent.iter().map(|s| (s.url(), At::Local)).collect();
            list.push((servers[0].url(), At::Remote));
            list
        }
        "refused_3000" => {
            let closed = refused.url();
            (0..3000).map(|_| (closed.clone(), At::Local)).collect()
        }
        "silent_40" => {
            silent.extend((0..40).map(|_| Silent::http()));
            connector = connector.timeout(Duration::from_millis(500));
            silent.iter().map(|s| (s.url(), At::Remote)).collect()
        }
        other => panic!("no scenario {other}"),
    };
    // The first server started is the one to choose: the remote in a, c and d, the local in b.
    let expected = matches!(name, "a" | "b" | "c" | "d").then(|| servers[0].url());
    Scenario {
        device: device(&connections),
        expected,
        connector,
        _servers: servers,
        _silent: silent,
        _refused: refused,
    }
}

fn time_to_connected_client(criterion: &mut Criterion, runtime: &tokio::runtime::Runtime) {
    let mut group = criterion.benchmark_group("connect");
    group.sample_size(10);
    for name in SCENARIOS {
        let scenario = scenario(name);
        group.bench_function(name, |bench| {
            bench.to_async(runtime).iter(|| async {
                let result = scenario.connector.connect(&scenario.device).await;
                match (&scenario.expected, result) {
                    (Some(expected), Ok(pms)) => assert_eq!(pms.base_url(), expected),
                    (None, Err(err)) => assert!(err.to_string().len() < 1000),
                    (_, other) => panic!(
                        "{name}: unexpected {:?}",
                        other.map(|p| p.base_url().to_string())
                    ),
                }
            });
        });
    }
    group.finish();
}

/// The client every build made before TLS was shared: the same settings, reqwest's own TLS
/// set-up (a new platform verifier, reading the system's root certificates).
fn reqwest_own_tls() -> reqwest::Client {
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
    reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(30))
        .redirect(reqwest::redirect::Policy::none())
        .user_agent("plex-auth-client/bench")
        .build()
        .expect("reqwest client")
}

fn shared_tls() -> PmsClient {
    PmsClient::builder("http://127.0.0.1:32400", identity())
        .token(DEVICE_TOKEN)
        .build()
        .expect("client")
}

fn client_build(criterion: &mut Criterion) {
    let mut group = criterion.benchmark_group("build");
    group.bench_function("pms_client", |bench| bench.iter(shared_tls));
    group.bench_function("reqwest_own_tls", |bench| bench.iter(reqwest_own_tls));
    group.finish();
}

/// The only code callgrind collects in (see `--toggle-collect`).
#[inline(never)]
fn measured_builds(side: &str) {
    for _ in 0..BUILDS {
        match side {
            "pms_client" => drop(std::hint::black_box(shared_tls())),
            _ => drop(std::hint::black_box(reqwest_own_tls())),
        }
    }
}

/// Instructions per build, under callgrind, for each side; `None` without valgrind.
fn count_builds() -> Option<Vec<(&'static str, f64)>> {
    Command::new("valgrind").arg("--version").output().ok()?;
    let exe = std::env::current_exe().ok()?;
    let dir = out_dir();
    std::fs::create_dir_all(&dir).ok()?;
    let mut counts = Vec::new();
    for side in ["pms_client", "reqwest_own_tls"] {
        let profile = dir.join(format!("build_{side}.out"));
        let status = Command::new("valgrind")
            .arg("--tool=callgrind")
            .arg("--collect-atstart=no")
            .arg("--toggle-collect=*measured_builds*")
            .arg(format!("--callgrind-out-file={}", profile.display()))
            .arg(&exe)
            .env(COUNT_MODE, side)
            .output()
            .ok()?;
        if !status.status.success() {
            println!("connect bench: {side} under valgrind failed");
            return None;
        }
        counts.push((
            side,
            support::total_instructions(&profile)? as f64 / BUILDS as f64,
        ));
    }
    Some(counts)
}

fn out_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("own path");
    // The bench runs from <target>/<profile>/deps/.
    exe.ancestors()
        .nth(3)
        .map_or_else(std::env::temp_dir, Path::to_path_buf)
        .join("callgrind")
}

/// Serves one scenario for another client: prints the device as plex.tv's XML lists it (the
/// form python-plexapi reads), then serves until standard input closes.
fn serve(name: &str) {
    let scenario = scenario(name);
    let device = &scenario.device;
    println!(
        r#"<Device name="Box" clientIdentifier="{MACHINE_ID}" provides="server" owned="1" accessToken="{DEVICE_TOKEN}" httpsRequired="0" presence="1"><connections>"#
    );
    for connection in &device.connections {
        let url = reqwest::Url::parse(&connection.uri).expect("a URL");
        println!(
            r#"<connection protocol="http" address="{}" port="{}" uri="{}" local="{}" relay="{}" IPv6="0"/>"#,
            url.host_str().unwrap_or_default(),
            url.port().unwrap_or(80),
            connection.uri,
            u8::from(connection.local.is_some_and(|f| f.get())),
            u8::from(connection.relay.is_some_and(|f| f.get())),
        );
    }
    println!("</connections></Device>");
    println!(
        "expected {}",
        scenario.expected.as_deref().unwrap_or("none")
    );
    let _ = std::io::stdin().read_to_end(&mut Vec::new());
}

fn main() {
    if let Ok(side) = std::env::var(COUNT_MODE) {
        // Outside the count: the crypto provider, and the configuration shared from then on.
        drop(shared_tls());
        drop(reqwest_own_tls());
        measured_builds(&side);
        return;
    }
    if let Ok(name) = std::env::var(SERVE_MODE) {
        serve(&name);
        return;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let mut criterion = Criterion::default().configure_from_args();
    time_to_connected_client(&mut criterion, &runtime);
    client_build(&mut criterion);
    criterion.final_summary();
    // `cargo test --benches` passes no `--bench`: nothing to count then.
    if !support::timing() {
        return;
    }
    match count_builds() {
        Some(counts) => {
            println!("\n== building a client: instructions per build (callgrind, {BUILDS} builds)");
            for (side, per_build) in counts {
                println!("{side:<20} {per_build:>14.0}");
            }
        }
        None => println!("connect bench: valgrind is not installed; no instruction counts"),
    }
}

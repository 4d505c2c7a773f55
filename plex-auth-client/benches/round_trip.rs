//! Whole calls against a loopback server answering the recorded bodies: the generated client
//! (hooks, tracing span, retry policy, error mapping) versus the same request made and decoded
//! with reqwest by hand. Single calls, and 64 concurrent callers sharing one client.
//! Target: ratio of medians at most 1.05.

mod support;

use std::sync::Arc;
use std::time::SystemTime;

use criterion::Criterion;
use plex_auth_client::{PlexTvClient, RetryConfig};
use support::RawClient;
use tokio::runtime::Runtime;
use tokio::task::JoinSet;

const CALLERS: usize = 64;
/// Blocks of the paired comparisons.
const BLOCKS: usize = 60;

fn runtime() -> Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
}

/// `CALLERS` tasks, each making one call through its clone of the client; done when all are.
async fn concurrently<C, F>(client: &C, call: fn(C) -> F)
where
    C: Clone + Send + 'static,
    F: Future<Output = ()> + Send + 'static,
{
    let mut callers = JoinSet::new();
    for _ in 0..CALLERS {
        callers.spawn(call(client.clone()));
    }
    while let Some(done) = callers.join_next().await {
        done.expect("caller task");
    }
}

async fn generated_get(client: PlexTvClient) {
    client.get_token_details().await.expect("generated call");
}

async fn raw_get(client: RawClient) {
    client.get_token_details().await.expect("raw call");
}

async fn generated_sign_in(client: PlexTvClient) {
    let request = support::sign_in_request();
    client
        .post_users_sign_in_data(&request)
        .await
        .expect("generated sign-in");
}

async fn raw_sign_in(client: RawClient) {
    let request = support::sign_in_request();
    client.sign_in(&request).await.expect("raw sign-in");
}

fn round_trip(c: &mut Criterion) {
    let server = support::start_server();
    let base_url = server.url();
    let runtime = runtime();
    let generated = runtime.block_on(async { support::generated_client(&base_url) });
    let raw = runtime.block_on(async { RawClient::new(&base_url) });
    // Fail before measuring if either side is refused by the server.
    runtime.block_on(async {
        generated_get(generated.clone()).await;
        raw_get(raw.clone()).await;
        generated_sign_in(generated.clone()).await;
        raw_sign_in(raw.clone()).await;
    });
    let request = Arc::new(support::sign_in_request());

    let mut group = c.benchmark_group("get_token_details");
    group.bench_function("generated", |b| {
        b.to_async(&runtime)
            .iter(|| async { generated.get_token_details().await.unwrap() })
    });
    group.bench_function("raw_reqwest", |b| {
        b.to_async(&runtime)
            .iter(|| async { raw.get_token_details().await.unwrap() })
    });
    group.finish();

    let mut group = c.benchmark_group("sign_in");
    group.bench_function("generated", |b| {
        b.to_async(&runtime)
            .iter(|| async { generated.post_users_sign_in_data(&request).await.unwrap() })
    });
    group.bench_function("raw_reqwest", |b| {
        b.to_async(&runtime)
            .iter(|| async { raw.sign_in(&request).await.unwrap() })
    });
    group.finish();

    let mut group = c.benchmark_group("get_token_details_x64");
    group.bench_function("generated", |b| {
        b.to_async(&runtime)
            .iter(|| concurrently(&generated, generated_get))
    });
    group.bench_function("raw_reqwest", |b| {
        b.to_async(&runtime).iter(|| concurrently(&raw, raw_get))
    });
    group.finish();

    let mut group = c.benchmark_group("sign_in_x64");
    group.bench_function("generated", |b| {
        b.to_async(&runtime)
            .iter(|| concurrently(&generated, generated_sign_in))
    });
    group.bench_function("raw_reqwest", |b| {
        b.to_async(&runtime)
            .iter(|| concurrently(&raw, raw_sign_in))
    });
    group.finish();
}

fn main() {
    let started = SystemTime::now();
    let mut criterion = Criterion::default().configure_from_args();
    round_trip(&mut criterion);
    criterion.final_summary();
    support::report_ratios(
        "round trip",
        started,
        &[
            ("get_token_details", "generated", "raw_reqwest", 1.05),
            ("sign_in", "generated", "raw_reqwest", 1.05),
            ("get_token_details_x64", "generated", "raw_reqwest", 1.05),
            ("sign_in_x64", "generated", "raw_reqwest", 1.05),
        ],
    );
    if support::timing() {
        paired();
    }
}

/// The same four comparisons, interleaved: see `support::paired_async`.
fn paired() {
    let server = support::start_server();
    let base_url = server.url();
    let runtime = runtime();
    let generated = runtime.block_on(async { support::generated_client(&base_url) });
    let raw = runtime.block_on(async { RawClient::new(&base_url) });
    let no_retry = runtime.block_on(async {
        PlexTvClient::builder(support::identity())
            .base_url(&base_url)
            .token(support::TOKEN)
            .retry(RetryConfig::none())
            .build()
            .expect("generated client without retries")
    });
    let request = support::sign_in_request();
    println!(
        "\n== round trip: paired, interleaved blocks (100 calls, or 5 rounds of {CALLERS} callers, each side)"
    );
    // raw against itself: the spread this machine gives a ratio of two equal things.
    let control = raw.clone();
    runtime.block_on(async {
        let ratios = support::paired_async(
            BLOCKS,
            100,
            || raw_get(control.clone()),
            || raw_get(raw.clone()),
        )
        .await;
        support::report_paired("control: raw / raw get_token_details", &ratios, None);
        let ratios = support::paired_async(
            BLOCKS,
            100,
            || generated_get(generated.clone()),
            || raw_get(raw.clone()),
        )
        .await;
        support::report_paired("get_token_details", &ratios, Some(1.05));
        let ratios = support::paired_async(
            BLOCKS,
            100,
            || async { drop(generated.post_users_sign_in_data(&request).await.unwrap()) },
            || async { drop(raw.sign_in(&request).await.unwrap()) },
        )
        .await;
        support::report_paired("sign_in", &ratios, Some(1.05));
        let ratios = support::paired_async(
            BLOCKS,
            5,
            || concurrently(&generated, generated_get),
            || concurrently(&raw, raw_get),
        )
        .await;
        support::report_paired("get_token_details_x64", &ratios, Some(1.05));
        // The same without the retry bookkeeping (policy and request copies), to size its share.
        let ratios = support::paired_async(
            BLOCKS,
            5,
            || concurrently(&no_retry, generated_get),
            || concurrently(&raw, raw_get),
        )
        .await;
        support::report_paired("get_token_details_x64, retries off", &ratios, None);
        let ratios = support::paired_async(
            BLOCKS,
            5,
            || concurrently(&generated, generated_sign_in),
            || concurrently(&raw, raw_sign_in),
        )
        .await;
        support::report_paired("sign_in_x64", &ratios, Some(1.05));
    });
}

//! Decoding each recorded account body into the generated `UserPlexAccount` versus a
//! hand-written serde struct with the same fields. Target: ratio of medians at most 1.10.

mod support;

use std::hint::black_box;
use std::time::SystemTime;

use criterion::{Criterion, Throughput};
use plex_auth_client::types::UserPlexAccount;
use serde::Deserialize;

/// The account as a careful person writes it by hand: the generated struct's fields and
/// types, with `rename_all` instead of per-field renames and a plain `String` for the token.
#[allow(dead_code)] // decoded, never read
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct HandAccount {
    ads_consent: Option<bool>,
    ads_consent_reminder_at: Option<i64>,
    ads_consent_set_at: Option<i64>,
    anonymous: Option<bool>,
    attribution_partner: Option<String>,
    auth_token: String,
    backup_codes_created: Option<bool>,
    confirmed: Option<bool>,
    country: Option<String>,
    email: String,
    email_only_auth: Option<bool>,
    #[serde(default)]
    entitlements: Vec<String>,
    experimental_features: Option<bool>,
    friendly_name: Option<String>,
    guest: Option<bool>,
    has_password: Option<bool>,
    home: Option<bool>,
    home_admin: Option<bool>,
    home_size: Option<i64>,
    id: i64,
    joined_at: Option<i64>,
    locale: Option<String>,
    mailing_list_active: Option<bool>,
    mailing_list_status: Option<String>,
    max_home_size: Option<i64>,
    #[serde(default)]
    past_subscriptions: Vec<HandSubscriptionEntry>,
    pin: Option<String>,
    profile: Option<HandProfile>,
    protected: Option<bool>,
    remember_expires_at: Option<i64>,
    restricted: Option<bool>,
    #[serde(default)]
    roles: Vec<String>,
    scrobble_types: Option<String>,
    #[serde(default)]
    services: Vec<HandService>,
    subscription: Option<HandSubscription>,
    subscription_description: Option<String>,
    #[serde(default)]
    subscriptions: Vec<HandSubscriptionEntry>,
    thumb: Option<String>,
    title: String,
    #[serde(default)]
    trials: Vec<serde_json::Map<String, serde_json::Value>>,
    two_factor_enabled: Option<bool>,
    username: String,
    uuid: String,
}

#[allow(dead_code)]
#[derive(Deserialize)]
struct HandService {
    endpoint: String,
    identifier: String,
    secret: Option<String>,
    status: Option<String>,
    token: Option<String>,
}

#[allow(dead_code)]
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct HandSubscriptionEntry {
    can_convert: Option<bool>,
    can_downgrade: Option<bool>,
    can_reactivate: Option<bool>,
    can_upgrade: Option<bool>,
    canceled: Option<bool>,
    ends_at: Option<i64>,
    grace_period: Option<bool>,
    id: Option<i64>,
    mode: Option<String>,
    on_hold: Option<bool>,
    renews_at: Option<i64>,
    state: Option<String>,
    transfer: Option<String>,
    #[serde(rename = "type")]
    type_: Option<String>,
}

#[allow(dead_code)]
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct HandSubscription {
    active: Option<bool>,
    #[serde(default)]
    features: Vec<String>,
    payment_service: Option<String>,
    plan: Option<String>,
    status: Option<String>,
    subscribed_at: Option<String>,
}

#[allow(dead_code)]
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct HandProfile {
    auto_select_audio: Option<bool>,
    auto_select_subtitle: Option<i64>,
    default_audio_accessibility: Option<i64>,
    default_audio_language: Option<String>,
    default_audio_languages: Option<Vec<String>>,
    default_subtitle_accessibility: Option<i64>,
    default_subtitle_forced: Option<i64>,
    default_subtitle_language: Option<String>,
    default_subtitle_languages: Option<Vec<String>>,
    media_reviews_languages: Option<Vec<String>>,
    media_reviews_visibility: Option<i64>,
    watched_indicator: Option<i64>,
}

const BODIES: [(&str, &str); 3] = [
    ("decode_free_account", support::FREE_ACCOUNT),
    ("decode_plexpass_account", support::PLEXPASS_ACCOUNT),
    ("decode_sign_in", support::SIGN_IN),
];

fn decode(c: &mut Criterion) {
    for (group_name, file) in BODIES {
        let body = support::fixture(file);
        // Both must accept the body, or the comparison means nothing.
        serde_json::from_slice::<UserPlexAccount>(&body).expect("generated type decodes");
        serde_json::from_slice::<HandAccount>(&body).expect("hand-written type decodes");
        let mut group = c.benchmark_group(group_name);
        group.throughput(Throughput::Bytes(body.len() as u64));
        group.bench_function("generated", |b| {
            b.iter(|| serde_json::from_slice::<UserPlexAccount>(black_box(&body)).unwrap())
        });
        group.bench_function("hand_written", |b| {
            b.iter(|| serde_json::from_slice::<HandAccount>(black_box(&body)).unwrap())
        });
        group.finish();
    }
}

fn main() {
    let started = SystemTime::now();
    let mut criterion = Criterion::default().configure_from_args();
    decode(&mut criterion);
    criterion.final_summary();
    let rows: Vec<_> = BODIES
        .iter()
        .map(|&(group, _)| (group, "generated", "hand_written", 1.10))
        .collect();
    support::report_ratios("decode", started, &rows);
    if !support::timing() {
        return;
    }
    println!("\n== decode: paired, interleaved blocks of 500 decodes each side");
    for (group, file) in BODIES {
        let body = support::fixture(file);
        let ratios = support::paired(
            40,
            500,
            || {
                drop(black_box(serde_json::from_slice::<UserPlexAccount>(
                    black_box(&body),
                )))
            },
            || {
                drop(black_box(serde_json::from_slice::<HandAccount>(black_box(
                    &body,
                ))))
            },
        );
        support::report_paired(group, &ratios, Some(1.10));
    }
    // The hand-written type against itself: the spread this machine gives two equal things.
    let body = support::fixture(support::PLEXPASS_ACCOUNT);
    let decode = || {
        drop(black_box(serde_json::from_slice::<HandAccount>(black_box(
            &body,
        ))))
    };
    let ratios = support::paired(40, 500, decode, decode);
    support::report_paired("control: hand_written / hand_written", &ratios, None);
}

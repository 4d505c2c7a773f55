//! The token a command acts with, and where it came from: `--token`, else `PLEX_TOKEN`, else
//! the kept account (`--account`, else the current one). A kept JWT comes with its device
//! key, and is renewed when it nears its end, the renewed JWT kept in the account's file.

use std::path::PathBuf;

use plex_auth_client::{
    AccountStore, DeviceKey, ErrorKind, KeptAccount, KeptCredential, Secret, TokenSource,
    TokenSourceBuilder,
};

use crate::config;
use crate::failure::Failure;
use crate::flags::{ConnectionFlags, TokenArg};
use crate::identity::{identity, identity_as};
use crate::lists::first_of;
use crate::output::Output;

/// How many kept accounts a message names before "and N more".
const ACCOUNTS_NAMED: usize = 10;

/// Where a command's token came from.
pub(crate) enum Origin {
    /// `--token`.
    Flag,
    /// `PLEX_TOKEN`.
    Environment,
    /// A kept account's file.
    Kept {
        account: Box<KeptAccount>,
        path: PathBuf,
    },
}

impl Origin {
    /// How the token is named in a message: "the token given with --token".
    pub(crate) fn describe(&self) -> String {
        match self {
            Origin::Flag => "the token given with --token".into(),
            Origin::Environment => "the token in PLEX_TOKEN".into(),
            Origin::Kept { account, .. } => format!("the kept token of {}", account.name),
        }
    }
}

/// A command's token: a source to build clients with, and where it came from.
pub(crate) struct Credentials {
    pub(crate) source: TokenSource,
    pub(crate) origin: Origin,
    /// The token as given or kept, before any renewal: what a command that must not renew
    /// (`status`) redacts.
    pub(crate) known: Secret,
}

impl Credentials {
    /// A valid token: a kept JWT near its end is renewed first.
    pub(crate) async fn token(&self) -> Result<Secret, Failure> {
        Ok(self.source.token().await?)
    }
}

/// The token of `--token`, else the account `--account` names (an explicit choice beats an
/// ambient variable), else `PLEX_TOKEN`'s, else the account `PLEX_ACCOUNT` names, else the
/// current account's. An empty `--token` is refused: a script whose variable came out empty
/// must not act as someone else. An empty variable is unset.
pub(crate) fn resolve(
    flags: &ConnectionFlags,
    arg: &TokenArg,
    output: &Output,
) -> Result<Credentials, Failure> {
    if let Some(token) = &arg.token {
        let token = token.trim();
        if token.is_empty() {
            return Err(Failure::bad_input("--token is empty"));
        }
        return Ok(Credentials {
            source: TokenSource::legacy(token),
            origin: Origin::Flag,
            known: Secret::new(token),
        });
    }
    let variable = |name: &str| {
        std::env::var(name)
            .ok()
            .map(|value| value.trim().to_string())
            .filter(|value| !value.is_empty())
    };
    let wanted = match &arg.account {
        Some(account) => Some(account.clone()),
        None => {
            if let Some(token) = variable("PLEX_TOKEN") {
                return Ok(Credentials {
                    source: TokenSource::legacy(token.clone()),
                    origin: Origin::Environment,
                    known: Secret::new(token),
                });
            }
            variable("PLEX_ACCOUNT")
        }
    };
    let (store, account) = kept_account(wanted.as_deref(), output)?;
    let path = store.path(&account.uuid).map_err(storage)?;
    let source = kept_source(flags, &store, &account)?;
    Ok(Credentials {
        source,
        known: account.credential.token().clone(),
        origin: Origin::Kept {
            account: Box::new(account),
            path,
        },
    })
}

/// The source of a kept account: its legacy token, or its JWT renewed with its device key
/// and kept renewed in its file.
pub(crate) fn kept_source(
    flags: &ConnectionFlags,
    store: &AccountStore,
    account: &KeptAccount,
) -> Result<TokenSource, Failure> {
    match &account.credential {
        KeptCredential::Legacy(token) => Ok(TokenSource::legacy(token.clone())),
        KeptCredential::Jwt { key, .. } => {
            // The key is registered under the installation the account signed in as: renewing
            // signs as it, whatever this run's identifier (older files: this run's).
            let identity = identity_as(flags, account.client_identifier.as_deref())?;
            let builder = TokenSource::jwt(identity, key.clone())
                .store(store.token_store(&account.uuid).map_err(storage)?);
            jwt_source(flags, builder)
        }
        _ => Err(Failure::other(format!(
            "the kept account {} holds a kind of credential this version does not know",
            account.name
        ))),
    }
}

/// A new device key, for an account signing in with `--jwt` (each account has its own, kept
/// with its JWT), and an empty JWT source signing with it.
pub(crate) fn new_jwt_source(flags: &ConnectionFlags) -> Result<(DeviceKey, TokenSource), Failure> {
    let key = DeviceKey::generate()
        .map_err(|err| Failure::other(format!("cannot make a device key: {err}")))?;
    let source = jwt_source(flags, TokenSource::jwt(identity(flags)?, key.clone()))?;
    Ok((key, source))
}

/// A JWT source built as the flags say: clients.plex.tv's URL, `--timeout`.
pub(crate) fn jwt_source(
    flags: &ConnectionFlags,
    builder: TokenSourceBuilder,
) -> Result<TokenSource, Failure> {
    let mut builder = builder.clients_base_url(&flags.plex_clients_url);
    if let Some(timeouts) = flags.timeouts() {
        builder = builder.timeouts(timeouts);
    }
    Ok(builder.build()?)
}

/// The kept accounts' store, and the account `wanted` names (else the current one). An
/// account file that cannot be read is skipped with a warning, unless it is the one asked for.
pub(crate) fn kept_account(
    wanted: Option<&str>,
    output: &Output,
) -> Result<(AccountStore, KeptAccount), Failure> {
    let Some(store) = config::accounts() else {
        return Err(not_signed_in(&format!(
            "not signed in, and no account can be kept: {}",
            config::NO_FOLDER
        )));
    };
    if let Some(wanted) = wanted {
        let account = find(&store, wanted, output)?;
        return Ok((store, account));
    }
    if let Some(account) = store.chosen().map_err(storage)? {
        return Ok((store, account));
    }
    let mut accounts = listed(&store, output)?;
    match accounts.len() {
        0 => Err(not_signed_in("not signed in")),
        1 => Ok((store, accounts.remove(0))),
        _ => Err(Failure::of_kind(
            ErrorKind::NoToken,
            format!(
                "{} accounts are kept and none is current ({})",
                accounts.len(),
                names(&accounts)
            ),
        )
        .advise("choose one with `plex-auth switch-account ACCOUNT`, or --account ACCOUNT")),
    }
}

/// The kept account `wanted` names: its uuid's file (its error kept when it cannot be read),
/// else the one [`choose`] finds among those that can be read.
pub(crate) fn find(
    store: &AccountStore,
    wanted: &str,
    output: &Output,
) -> Result<KeptAccount, Failure> {
    if store.path(wanted).is_ok()
        && let Some(account) = store.load(wanted).map_err(storage)?
    {
        return Ok(account);
    }
    let accounts = listed(store, output)?;
    choose(&accounts, wanted).cloned()
}

/// The accounts kept that can be read; a warning on stderr names each file that cannot.
pub(crate) fn listed(store: &AccountStore, output: &Output) -> Result<Vec<KeptAccount>, Failure> {
    let listing = store.list().map_err(storage)?;
    for error in &listing.unreadable {
        output.note(&format!(
            "plex-auth: warning: skipped a kept account: {error}"
        ));
    }
    Ok(listing.accounts)
}

/// The kept account `wanted` names: by uuid, else by name or email (in any letter case). A
/// value that names several is an error that lists them.
pub(crate) fn choose<'a>(
    accounts: &'a [KeptAccount],
    wanted: &str,
) -> Result<&'a KeptAccount, Failure> {
    if let Some(account) = accounts.iter().find(|account| account.uuid == wanted) {
        return Ok(account);
    }
    let matches: Vec<&KeptAccount> = accounts
        .iter()
        .filter(|account| {
            account.name.eq_ignore_ascii_case(wanted)
                || account
                    .email
                    .as_deref()
                    .is_some_and(|email| email.eq_ignore_ascii_case(wanted))
        })
        .collect();
    match matches[..] {
        [one] => Ok(one),
        [] if accounts.is_empty() => Err(not_signed_in("no account is kept")),
        [] => Err(Failure::bad_input(format!(
            "no kept account is named {wanted:?} (kept: {})",
            names(accounts)
        ))),
        _ => Err(Failure::bad_input(format!(
            "{wanted:?} names {} kept accounts: {}",
            matches.len(),
            matches
                .iter()
                .map(|account| format!("{} ({})", account.name, account.uuid))
                .collect::<Vec<_>>()
                .join(", ")
        ))
        .advise("name the account by its uuid")),
    }
}

/// "alice, bob, and 3 more".
fn names(accounts: &[KeptAccount]) -> String {
    first_of(accounts, ACCOUNTS_NAMED, |account| account.name.clone()).join(", ")
}

/// What to do when nobody is signed in and a command needs a token.
pub(crate) const SIGN_IN_ADVICE: &str = "sign in with `plex-auth login` (or `plex-auth \
     sign-in`), or give a token with --token or PLEX_TOKEN";

/// Nobody is signed in: exit code 3, with what to do ([`SIGN_IN_ADVICE`]).
pub(crate) fn not_signed_in(message: &str) -> Failure {
    Failure::of_kind(ErrorKind::NoToken, message).advise(SIGN_IN_ADVICE)
}

/// A kept account's file that cannot be read or written.
pub(crate) fn storage(err: std::io::Error) -> Failure {
    Failure::of_kind(ErrorKind::Storage, err.to_string())
}

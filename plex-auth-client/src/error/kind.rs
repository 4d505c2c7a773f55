//! [`ErrorKind`], and the one home of each kind's facts: its documentation, its stable name,
//! the answers that produce it (Plex's codes, statuses, what plex.tv's envelope says), whether
//! it means the token was refused, its [`ErrorCategory`] (the `plex-auth` tool's exit code)
//! and its hint. Everything else derives from here: the runtime's classification of an error
//! status, [`TokenStatus`](crate::TokenStatus), and the tool's names, exit codes and hints.
//! Adding a kind means adding one entry below.

/// Declares [`ErrorKind`] with each kind's facts beside its documentation, and
/// [`ErrorKind::ALL`] in the order of declaration (the order answers are matched in).
macro_rules! error_kinds {
    ($($(#[$doc:meta])* $kind:ident => $facts:expr;)*) => {
        /// What went wrong, in terms a caller can match on without reading error codes.
        ///
        /// Each kind has a stable [`name`](Self::name), a [`category`](Self::category) (what
        /// the failure means for the user: authentication, the network, a rate limit, bad
        /// input, other) and a [`hint`](Self::hint) saying what to do about it.
        ///
        /// The kinds an error status can be come first, in the order an answer is matched
        /// against them: Plex's codes name the case whatever the status, then the refusal of a
        /// token, then what plex.tv says of device keys and JWTs, then a sign-in's refusal,
        /// then any other 401; [`Http`](Self::Http) is every other error status.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum ErrorKind {
            $($(#[$doc])* $kind,)*
        }

        impl ErrorKind {
            /// Every kind, in the order of declaration.
            pub const ALL: &'static [ErrorKind] = &[$(ErrorKind::$kind),*];

            fn facts(self) -> &'static Facts {
                match self {
                    $(ErrorKind::$kind => const { &$facts },)*
                }
            }
        }
    };
}

error_kinds! {
    /// The account has two-factor authentication: sign in again with the verification code
    /// (plex.tv 401, code 1029).
    VerificationCodeRequired => Facts {
        name: "verification-code-required",
        category: ErrorCategory::Authentication,
        refuses_token: false,
        phrase: "verification code required",
        hint: "the verification code was missing or not accepted; sign in again with a new code",
        answers: &[Answer::code(1029)],
    };
    /// Too many failed sign-ins from this IP; retrying makes it worse (plex.tv 401, code 1031).
    LockedOut => Facts {
        name: "locked-out",
        category: ErrorCategory::Authentication,
        refuses_token: false,
        phrase: "locked out after repeated failures",
        hint: "plex.tv locked this IP out after repeated failures; wait before trying again",
        answers: &[Answer::code(1031)],
    };
    /// Too many requests (429, or code 1003); see
    /// [`Error::retry_after`](crate::Error::retry_after).
    RateLimited => Facts {
        name: "rate-limited",
        category: ErrorCategory::RateLimited,
        refuses_token: false,
        phrase: "rate limited",
        hint: "plex.tv is rate limiting this client; try again later",
        answers: &[Answer::status(429), Answer::code(1003)],
    };
    /// The request lacked `X-Plex-Client-Identifier` (400, code 1000).
    ClientIdentifierMissing => Facts {
        name: "client-identifier-missing",
        category: ErrorCategory::Other,
        refuses_token: false,
        phrase: "client identifier missing",
        hint: "plex.tv needs the client identifier (X-Plex-Client-Identifier); give one, and keep \
               it from run to run",
        answers: &[Answer::code(1000)],
    };
    /// The PIN of the link flow expired, or its code is unknown (plex.tv 404, code 1020), or
    /// [`PlexTvClient::wait_for_token`](crate::PlexTvClient::wait_for_token) reached its expiry
    /// before the user linked it: create a new PIN.
    PinExpired => Facts {
        name: "pin-expired",
        category: ErrorCategory::Authentication,
        refuses_token: false,
        phrase: "PIN expired or unknown",
        hint: "the PIN expired or is unknown; start again for a new one",
        answers: &[Answer::code(1020)],
    };
    /// The Plex Home profile is protected: a valid PIN is required to switch to it (plex.tv
    /// 403, code 1041). Plex answers the same to a missing and to a wrong PIN; ask the user for
    /// it rather than retrying.
    HomePinRequired => Facts {
        name: "home-pin-required",
        category: ErrorCategory::Authentication,
        refuses_token: false,
        phrase: "the profile's PIN is required",
        hint: "the profile is protected: a valid PIN is required (plex.tv answers a wrong PIN as \
               a missing one)",
        answers: &[Answer::code(1041)],
    };
    /// plex.tv refused the token: it is invalid or revoked. The one rule, which
    /// [`TokenStatus::Invalid`](crate::TokenStatus::Invalid) and the `plex-auth` tool's exit
    /// code 3 follow too: an answer to a call that sent a token, carrying plex.tv's error
    /// envelope (JSON or XML), either a 401 with code 1001 or the message "Invalid token", or a
    /// 422 "Invalid token"; answered directly (no redirect followed) and without a
    /// `WWW-Authenticate` challenge. Anything else says nothing about the token.
    InvalidToken => Facts {
        name: "invalid-token",
        category: ErrorCategory::Authentication,
        refuses_token: true,
        phrase: "invalid or revoked token",
        hint: "plex.tv refused the token; sign in again to get a new one",
        answers: &[
            Answer::plex_tv(401, Says::Code(1001)).with_token(),
            Answer::plex_tv(401, Says::Message("Invalid token")).with_token(),
            Answer::plex_tv(422, Says::Message("Invalid token")).with_token(),
        ],
    };
    /// plex.tv says the token expired (status 498, answered directly to a call that sent a
    /// token): a plex.tv JWT past its `exp`. A client built from a
    /// [`TokenSource`](crate::TokenSource) refreshes it and retries once by itself.
    TokenExpired => Facts {
        name: "token-expired",
        category: ErrorCategory::Authentication,
        refuses_token: false,
        phrase: "token expired",
        hint: "the token expired; renew it (a token source does so by itself) or sign in again",
        // plex.tv's wording of a 498 is not published: the status alone says it.
        answers: &[Answer::status(498).with_token().not_redirected()],
    };
    /// plex.tv refused to register a device key (422, its envelope naming the thumbprint):
    /// another device already registered a key with the same thumbprint. Make a new key for
    /// this installation.
    ThumbprintTaken => Facts {
        name: "thumbprint-taken",
        category: ErrorCategory::Authentication,
        refuses_token: false,
        phrase: "device key already registered by another device",
        hint: "another device registered a key with the same thumbprint; make a new device key \
               for this installation",
        answers: &[Answer::plex_tv(422, Says::Naming("thumbprint"))],
    };
    /// plex.tv refused a device JWT's signature (422, its envelope naming the signature): the
    /// device key signing it is not the one registered for this client identifier.
    InvalidSignature => Facts {
        name: "invalid-signature",
        category: ErrorCategory::Authentication,
        refuses_token: false,
        phrase: "device JWT signature refused",
        hint: "plex.tv does not accept the device key's signature; register this device's key \
               again (upgrade a legacy token), or sign in again",
        answers: &[Answer::plex_tv(422, Says::Naming("signature"))],
    };
    /// Wrong login or password: plex.tv's error envelope on a 401 to a call that sent a
    /// password and no token (a sign-in), answered directly and without a `WWW-Authenticate`
    /// challenge (code 1001). A 401 to another call without a token (a JWT exchange, a PIN)
    /// judges no credentials of the user's: it is [`Unauthorized`](Self::Unauthorized).
    InvalidCredentials => Facts {
        name: "invalid-credentials",
        category: ErrorCategory::Authentication,
        refuses_token: false,
        phrase: "wrong login or password",
        hint: "plex.tv refused the login or the password; repeated failures lock this IP out",
        answers: &[Answer::plex_tv(401, Says::Anything)
            .without_token()
            .with_password()],
    };
    /// A 401 that is not plex.tv's word on the credentials: a Plex Media Server's 401 page, a
    /// proxy or captive portal asking for its own credentials (`WWW-Authenticate`), a 401
    /// reached through a redirect, or a 401 without plex.tv's envelope. The server did not
    /// authorize the call; whether the token is valid is unknown.
    Unauthorized => Facts {
        name: "unauthorized",
        category: ErrorCategory::Other,
        refuses_token: false,
        phrase: "not authorized on this server",
        hint: "the server answered 401 without saying the token is invalid (a Plex Media Server \
               that does not grant this account access, or a proxy or captive portal asking for \
               its own login): the token was not judged",
        answers: &[Answer::status(401)],
    };
    /// Another error status.
    Http => Facts {
        name: "http",
        category: ErrorCategory::Other,
        refuses_token: false,
        phrase: "error",
        hint: "the server answered an error status the client has no name for; the message says \
               what it answered",
        answers: &[Answer::ANY],
    };
    /// A success status whose body does not decode.
    Decode => Facts {
        name: "decode",
        category: ErrorCategory::Other,
        refuses_token: false,
        phrase: "body does not decode",
        hint: "the answer does not have the shape the client expects; the server may have \
               changed it: report it with the message",
        answers: &[],
    };
    /// The call did not finish in time, or a wait for a PIN's approval reached its deadline
    /// ([`PinPolling::deadline`](crate::PinPolling::deadline)).
    Timeout => Facts {
        name: "timeout",
        category: ErrorCategory::Network,
        refuses_token: false,
        phrase: "timed out",
        hint: "no answer in time; try again, or allow more time",
        answers: &[],
    };
    /// The answer's body is larger than the client's limit
    /// ([`ClientBuilder::max_response_size`](crate::ClientBuilder::max_response_size)).
    TooLarge => Facts {
        name: "too-large",
        category: ErrorCategory::Other,
        refuses_token: false,
        phrase: "answer too large",
        hint: "the answer is larger than the client's limit and was not read; raise the limit \
               only for a server you trust",
        answers: &[],
    };
    /// The connection failed or broke.
    Transport => Facts {
        name: "transport",
        category: ErrorCategory::Network,
        refuses_token: false,
        phrase: "transport error",
        hint: "the connection could not be made or broke; check the network and the server's \
               address",
        answers: &[],
    };
    /// A parameter was refused before anything was sent.
    InvalidInput => Facts {
        name: "invalid-input",
        category: ErrorCategory::BadInput,
        refuses_token: false,
        phrase: "invalid input",
        hint: "a value given was refused before anything was sent; the message says which and why",
        answers: &[],
    };
    /// The client was configured with an unusable value.
    Config => Facts {
        name: "config",
        category: ErrorCategory::BadInput,
        refuses_token: false,
        phrase: "invalid configuration",
        hint: "the client's configuration is unusable; the message says which setting",
        answers: &[],
    };
    /// A JWT that answered as plex.tv's failed verification: not signed by a key of
    /// `getAuthKeys`, another audience or issuer, expired, or not bound to this device's key.
    /// It is never used.
    InvalidJwt => Facts {
        name: "invalid-jwt",
        category: ErrorCategory::Authentication,
        refuses_token: false,
        phrase: "JWT failed verification",
        hint: "the JWT that came failed verification and was not used; check this machine's \
               clock, then sign in again",
        answers: &[],
    };
    /// A [`TokenSource`](crate::TokenSource) holds no token: sign in first (a PIN, or the
    /// upgrade of a legacy token), or it was signed out.
    NoToken => Facts {
        name: "no-token",
        category: ErrorCategory::Authentication,
        refuses_token: false,
        phrase: "no token",
        hint: "no token is held; sign in first (a PIN, or the upgrade of a legacy token)",
        answers: &[],
    };
    /// A [`TokenStore`](crate::TokenStore) or key file could not be read or written.
    Storage => Facts {
        name: "storage",
        category: ErrorCategory::Other,
        refuses_token: false,
        phrase: "storage error",
        hint: "a token or key file could not be read or written; check its path and permissions",
        answers: &[],
    };
    /// No connection of a server answered as that server ([`Connector::connect`]):
    /// [`Error::connect_attempts`] says what was tried and why each failed.
    ///
    /// [`Connector::connect`]: crate::Connector::connect
    /// [`Error::connect_attempts`]: crate::Error::connect_attempts
    NoConnection => Facts {
        name: "no-connection",
        category: ErrorCategory::Network,
        refuses_token: false,
        phrase: "no connection",
        hint: "no connection of the server proved to be it; check that it runs and is reachable \
               from here",
        answers: &[],
    };
    /// plex.tv lists the server without an `accessToken`: this account has no token for it,
    /// and nothing was sent ([`Connector::connect`]).
    ///
    /// [`Connector::connect`]: crate::Connector::connect
    NoServerToken => Facts {
        name: "no-server-token",
        category: ErrorCategory::Authentication,
        refuses_token: false,
        phrase: "no token for the server",
        hint: "plex.tv gives this account no token for that server; sign in with an account that \
               can use it",
        answers: &[],
    };
    /// No server of the list has that name or client identifier ([`find_server`]);
    /// [`Error::servers`] lists the servers there are.
    ///
    /// [`find_server`]: crate::find_server
    /// [`Error::servers`]: crate::Error::servers
    ServerNotFound => Facts {
        name: "server-not-found",
        category: ErrorCategory::BadInput,
        refuses_token: false,
        phrase: "no such server",
        hint: "no server of the account has that name or client identifier; list them to choose \
               one",
        answers: &[],
    };
    /// More than one server has that name or client identifier ([`find_server`]);
    /// [`Error::servers`] lists them: choose one by its client identifier.
    ///
    /// [`find_server`]: crate::find_server
    /// [`Error::servers`]: crate::Error::servers
    AmbiguousServer => Facts {
        name: "ambiguous-server",
        category: ErrorCategory::BadInput,
        refuses_token: false,
        phrase: "ambiguous server",
        hint: "a server's owner chooses its name, so names can repeat: name the server by its \
               client identifier",
        answers: &[],
    };
}

impl ErrorKind {
    /// A stable name in kebab case (`invalid-token`, `rate-limited`…), for logs and
    /// machine-readable output such as the `plex-auth` tool's `--json`.
    pub fn name(self) -> &'static str {
        self.facts().name
    }

    /// What the failure means for the user, coarser than the kind: the `plex-auth` tool exits
    /// with one code per category.
    pub fn category(self) -> ErrorCategory {
        self.facts().category
    }

    /// Whether plex.tv refused the token the call sent: the one case where a token should be
    /// dropped ([`InvalidToken`](Self::InvalidToken) only). Every other failure, a 401 that
    /// is not plex.tv's word included, says nothing about the token.
    pub fn refuses_token(self) -> bool {
        self.facts().refuses_token
    }

    /// One line saying what to do about a failure of this kind, for the people who see it.
    pub fn hint(self) -> &'static str {
        self.facts().hint
    }

    /// A few words saying what went wrong, as an error's text says it (`invalid or revoked
    /// token`, `PIN expired or unknown`): for an application that writes its own messages
    /// from an error's parts, without the operation's name the error's `Display` starts with.
    pub fn phrase(self) -> &'static str {
        self.facts().phrase
    }

    /// The error answers that are this kind; empty for kinds no answer produces.
    pub(crate) fn answers(self) -> &'static [Answer] {
        self.facts().answers
    }
}

/// What a failure means for the user, whatever its kind: each [`ErrorKind`] has one
/// ([`ErrorKind::category`]), and the `plex-auth` tool exits with one code per category.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCategory {
    /// Signing in or the credentials failed: a wrong password, a missing verification code, a
    /// refused or expired token, an expired PIN, a lockout, no token at all.
    Authentication,
    /// The network failed: no connection, a broken one, no answer in time.
    Network,
    /// The server asks to slow down: try again later.
    RateLimited,
    /// What was asked for is not usable: a parameter refused before sending, a configuration,
    /// a server that no name or several names match.
    BadInput,
    /// Anything else: an unexpected answer, a body that does not decode, a file that cannot
    /// be kept.
    Other,
}

/// The facts of one kind; see the module documentation.
struct Facts {
    name: &'static str,
    category: ErrorCategory,
    refuses_token: bool,
    phrase: &'static str,
    hint: &'static str,
    answers: &'static [Answer],
}

/// An error answer that produces a kind: its status, what its body's plex.tv envelope says,
/// how it came, and whether the call sent a token. `None` and `Anything` match every answer.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Answer {
    pub(crate) status: Option<u16>,
    pub(crate) says: Says,
    pub(crate) via: Via,
    pub(crate) token_sent: Option<bool>,
    pub(crate) password_sent: Option<bool>,
}

/// What plex.tv's error envelope must say.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Says {
    /// Anything, an absent envelope included.
    Anything,
    /// One of its errors has this code.
    Code(i64),
    /// One of its messages is this text (trimmed, in any letter case).
    Message(&'static str),
    /// One of its messages names this word (in any letter case): plex.tv's wording of device
    /// key and JWT refusals is not published, the word they name is.
    Naming(&'static str),
}

/// How the answer must have come.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Via {
    /// However it came.
    Anywhere,
    /// Directly: no redirect was followed to it.
    Directly,
    /// From plex.tv itself: its error envelope, answered directly and without a
    /// `WWW-Authenticate` challenge (a proxy or a captive portal asking for its own
    /// credentials).
    PlexTv,
}

impl Answer {
    /// Every answer.
    const ANY: Answer = Answer {
        status: None,
        says: Says::Anything,
        via: Via::Anywhere,
        token_sent: None,
        password_sent: None,
    };

    /// Any answer with this status.
    const fn status(status: u16) -> Self {
        Answer {
            status: Some(status),
            ..Self::ANY
        }
    }

    /// Any answer whose envelope carries plex.tv's `code`: a code names its case whatever the
    /// status and however the answer came.
    const fn code(code: i64) -> Self {
        Answer {
            says: Says::Code(code),
            ..Self::ANY
        }
    }

    /// plex.tv's own envelope on `status`, saying `says`.
    const fn plex_tv(status: u16, says: Says) -> Self {
        Answer {
            status: Some(status),
            says,
            via: Via::PlexTv,
            token_sent: None,
            password_sent: None,
        }
    }

    /// To a call that sent a token.
    const fn with_token(self) -> Self {
        Answer {
            token_sent: Some(true),
            ..self
        }
    }

    /// To a call that sent no token.
    const fn without_token(self) -> Self {
        Answer {
            token_sent: Some(false),
            ..self
        }
    }

    /// To a call that sent a password (a sign-in).
    const fn with_password(self) -> Self {
        Answer {
            password_sent: Some(true),
            ..self
        }
    }

    /// Answered directly, when it came from anywhere.
    const fn not_redirected(self) -> Self {
        Answer {
            via: Via::Directly,
            ..self
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn every_kind_has_a_distinct_kebab_case_name_and_a_hint() {
        let mut names = HashSet::new();
        for &kind in ErrorKind::ALL {
            let name = kind.name();
            assert!(names.insert(name), "{name} is used twice");
            assert!(
                !name.is_empty()
                    && name.split('-').all(|word| !word.is_empty()
                        && word
                            .bytes()
                            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())),
                "{kind:?}: {name:?} is not kebab case"
            );
            let hint = kind.hint();
            assert!(
                !hint.is_empty() && !hint.ends_with('.'),
                "{kind:?}: {hint:?}"
            );
            assert!(!kind.phrase().is_empty(), "{kind:?}");
        }
    }

    #[test]
    fn kinds_that_answers_produce_come_first_and_http_takes_the_rest() {
        let produced = ErrorKind::ALL
            .iter()
            .take_while(|kind| !kind.answers().is_empty())
            .count();
        assert!(
            ErrorKind::ALL[produced..]
                .iter()
                .all(|kind| kind.answers().is_empty()),
            "a kind an answer produces is declared after one no answer produces"
        );
        assert_eq!(ErrorKind::ALL[produced - 1], ErrorKind::Http);
        assert!(matches!(
            ErrorKind::Http.answers(),
            [Answer {
                status: None,
                says: Says::Anything,
                via: Via::Anywhere,
                token_sent: None,
                password_sent: None,
            }]
        ));
    }

    #[test]
    fn only_an_invalid_token_refuses_the_token() {
        let refusing: Vec<ErrorKind> = ErrorKind::ALL
            .iter()
            .copied()
            .filter(|kind| kind.refuses_token())
            .collect();
        assert_eq!(refusing, [ErrorKind::InvalidToken]);
    }
}

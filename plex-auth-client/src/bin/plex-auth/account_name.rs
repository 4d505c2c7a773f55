//! How the commands that name an account (`login`, `sign-in`, `switch-user`) name it in
//! their note.

use plex_auth_client::Redactor;
use plex_auth_client::types::UserPlexAccount;

/// The account's name: its username, else its title (a managed user has no username).
pub(crate) fn account_name(account: &UserPlexAccount) -> &str {
    if account.username.is_empty() {
        &account.title
    } else {
        &account.username
    }
}

/// The username (the title for a managed user) and the email, redacted.
pub(crate) fn display_name(account: &UserPlexAccount, shown: &Redactor) -> String {
    let name = account_name(account);
    if account.email.is_empty() {
        shown.text(name)
    } else {
        format!("{} ({})", shown.text(name), shown.text(&account.email))
    }
}

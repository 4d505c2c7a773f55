//! A hostile file where the tool keeps its own (a FIFO, a huge file) fails at once, never
//! blocks nor reads it whole.

use super::*;

#[cfg(unix)]
#[test]
fn a_fifo_or_a_huge_file_for_the_identifier_fails_at_once() {
    let home = std::env::temp_dir().join(format!("plex-auth-cli-fifo-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&home);
    let folder = home.join("plex-auth");
    std::fs::create_dir_all(&folder).unwrap();
    let path = folder.join("client-identifier");
    let c_path = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path; mkfifo only creates the node.
    assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) }, 0);
    let server = Server::answering(Answer::json(200, "{}"));
    let env = [
        ("XDG_CONFIG_HOME", home.to_str().unwrap()),
        ("PLEX_TOKEN", TOKEN),
    ];
    let args = ["token-details", "--plex-tv-url", &server.url()];
    let started = std::time::Instant::now();
    let output = run(&args, &env, None);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("is a FIFO, not a client identifier file"),
        "{}",
        stderr(&output)
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(60));

    std::fs::remove_file(&path).unwrap();
    let file = std::fs::File::create(&path).unwrap();
    file.set_len(600 * 1024 * 1024).unwrap();
    let output = run(&args, &env, None);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("is larger than 4096 bytes"),
        "{}",
        stderr(&output)
    );
    assert_eq!(server.count(), 0);
    std::fs::remove_dir_all(&home).unwrap();
}

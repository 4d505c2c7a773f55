//! A client identifier kept in a file, so that every run of an application is the same device.
//!
//! plex.tv registers each new `X-Plex-Client-Identifier` as a new device of the account: an
//! application that makes a new one per run fills the account's device list, and loses what
//! plex.tv ties to the device (its sign-ins and the tokens issued to it).

use std::io;
use std::path::Path;

use crate::flows::private_file;

/// The longest identifier accepted from the file.
const MAX_LEN: usize = 256;

/// The most read of the file: an identifier with room for whitespace around it. A larger file
/// is not one this function wrote, and is refused without being read whole.
const MAX_FILE_SIZE: u64 = 4096;

/// The client identifier stored at `path`, or a new random UUID v4 stored there first.
///
/// The file is written to a temporary name beside it, then linked into place, so that a
/// reader never sees half a file and two processes starting together agree on one identifier.
/// On Unix the file is readable by the user only (mode 0600) and a folder created for it has
/// mode 0700. The device key of JWT authentication
/// ([`DeviceKey::load_or_create`](crate::DeviceKey::load_or_create)) is kept the same way,
/// beside it.
///
/// ```no_run
/// use plex_auth_client::{ClientIdentity, load_or_create_client_identifier};
///
/// let id = load_or_create_client_identifier("/home/me/.config/my-app/client-identifier")?;
/// let identity = ClientIdentity::new(id, "My App", "1.0.0");
/// # Ok::<(), std::io::Error>(())
/// ```
///
/// The file is opened without blocking (a FIFO in its place cannot hang the caller), must be
/// a regular file (a symbolic link to one is followed), and is read up to 4 KiB only.
///
/// # Errors
/// An I/O error when the file cannot be read or written, and [`io::ErrorKind::InvalidData`]
/// when it is not a regular file, is larger than 4 KiB, or holds no usable identifier (empty,
/// too long, not printable ASCII): it is never replaced silently, since that would make this
/// installation a new device.
pub fn load_or_create_client_identifier(path: impl AsRef<Path>) -> io::Result<String> {
    let path = path.as_ref();
    if let Some(bytes) = read_stored(path)? {
        return parse(path, &bytes);
    }
    let identifier = new_uuid_v4();
    if private_file::create_new(path, format!("{identifier}\n").as_bytes())? {
        return Ok(identifier);
    }
    // A process that lost the race reads the winner's identifier instead of replacing it.
    match read_stored(path)? {
        Some(bytes) => parse(path, &bytes),
        None => Err(io::Error::other(format!(
            "{} vanished while it was created",
            path.display()
        ))),
    }
}

/// The bytes of the file at `path` (see [`private_file::read_bounded`]), a file that is not
/// usable said so with what to do.
fn read_stored(path: &Path) -> io::Result<Option<Vec<u8>>> {
    private_file::read_bounded(
        path,
        MAX_FILE_SIZE,
        "not a client identifier file; remove it to make a new one",
    )
}

fn parse(path: &Path, bytes: &[u8]) -> io::Result<String> {
    let text = std::str::from_utf8(bytes).unwrap_or_default().trim();
    let usable =
        !text.is_empty() && text.len() <= MAX_LEN && text.bytes().all(|b| b.is_ascii_graphic());
    if usable {
        Ok(text.to_string())
    } else {
        Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "{} holds no usable client identifier (printable ASCII, at most {MAX_LEN} \
                 characters); remove it to make a new one",
                path.display()
            ),
        ))
    }
}

/// A random (version 4) UUID. fastrand's generator is seeded from the OS's randomness through
/// std's hasher keys: unpredictable enough for an identifier that only needs to be unique.
fn new_uuid_v4() -> String {
    let mut bytes = [0u8; 16];
    fastrand::fill(&mut bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flows::private_file::tests::scratch;
    use std::fs::{self, File};

    #[test]
    fn creates_once_then_loads_the_same() {
        let dir = scratch("create");
        let path = dir.join("nested/client-identifier");
        let first = load_or_create_client_identifier(&path).unwrap();
        assert_eq!(first.len(), 36);
        assert_eq!(&first[14..15], "4", "version 4: {first}");
        assert!(matches!(&first[19..20], "8" | "9" | "a" | "b"), "{first}");
        assert_eq!(fs::read_to_string(&path).unwrap(), format!("{first}\n"));
        assert_eq!(load_or_create_client_identifier(&path).unwrap(), first);
        // No temporary file is left behind.
        assert_eq!(fs::read_dir(path.parent().unwrap()).unwrap().count(), 1);
        crate::flows::private_file::tests::assert_user_only(&path, path.parent());
        assert_ne!(new_uuid_v4(), first);
        fs::remove_dir_all(dir).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_is_refused_at_once_and_never_replaced() {
        let dir = scratch("fifo");
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join("id");
        let c_path = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: a valid NUL-terminated path; mkfifo only creates the node.
        assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) }, 0);
        // No writer ever opens it: a blocking open would wait forever.
        let (done, finished) = std::sync::mpsc::channel();
        let reader = path.clone();
        std::thread::spawn(move || {
            let _ = done.send(load_or_create_client_identifier(&reader));
        });
        let result = finished
            .recv_timeout(std::time::Duration::from_secs(60))
            .expect("the FIFO did not block the call");
        let err = result.unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
        assert!(err.to_string().contains("is a FIFO"), "{err}");
        use std::os::unix::fs::FileTypeExt;
        assert!(fs::metadata(&path).unwrap().file_type().is_fifo());
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_large_file_or_a_folder_is_refused_without_being_read() {
        let dir = scratch("large");
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join("id");
        // Sparse: 600 MiB announced, nothing written.
        let file = File::create(&path).unwrap();
        file.set_len(600 * 1024 * 1024).unwrap();
        drop(file);
        let err = load_or_create_client_identifier(&path).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
        assert!(
            err.to_string().contains("is larger than 4096 bytes"),
            "{err}"
        );
        assert_eq!(fs::metadata(&path).unwrap().len(), 600 * 1024 * 1024);

        let folder = dir.join("folder");
        fs::create_dir_all(&folder).unwrap();
        let err = load_or_create_client_identifier(&folder).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
        assert!(err.to_string().contains("is a folder"), "{err}");
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn keeps_an_identifier_written_by_hand_and_refuses_garbage() {
        let dir = scratch("garbage");
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join("id");
        fs::write(&path, "  my-own-id\n").unwrap();
        assert_eq!(
            load_or_create_client_identifier(&path).unwrap(),
            "my-own-id"
        );
        for bad in ["", "\n", "two words", "bell\u{7}", "\u{1b}[31m"] {
            fs::write(&path, bad).unwrap();
            let err = load_or_create_client_identifier(&path).unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::InvalidData, "{bad:?}");
            assert!(err.to_string().contains("remove it to make a new one"));
            // Never replaced.
            assert_eq!(fs::read_to_string(&path).unwrap(), bad);
        }
        fs::remove_dir_all(dir).unwrap();
    }
}

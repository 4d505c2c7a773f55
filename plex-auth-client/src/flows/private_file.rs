//! Small files only the user may read (a device key, a kept token): read bounded, never from
//! something that is not a regular file, and written atomically with mode 0600.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

/// Reads the file at `path`, at most `limit` bytes; `None` when there is no file.
///
/// The file is opened without blocking (a FIFO in its place cannot hang the caller) and must
/// be a regular file (a symbolic link to one is followed). Anything else, and a file larger
/// than `limit`, is refused with [`io::ErrorKind::InvalidData`] without being read whole:
/// "<path> is a FIFO, <advice>", "<path> is larger than <limit> bytes, <advice>", where
/// `advice` says what the file should be and what to do.
pub(crate) fn read_bounded(path: &Path, limit: u64, advice: &str) -> io::Result<Option<Vec<u8>>> {
    let file = match open_without_blocking(path) {
        Ok(file) => file,
        Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(err) => return Err(err),
    };
    let unusable = |what: String| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("{} {what}, {advice}", path.display()),
        )
    };
    let metadata = file.metadata()?;
    if !metadata.is_file() {
        return Err(unusable(format!("is a {}", file_type_name(&metadata))));
    }
    if metadata.len() > limit {
        return Err(unusable(format!("is larger than {limit} bytes")));
    }
    let mut bytes = Vec::new();
    // Bounded again: the file can grow between the check and the read.
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(unusable(format!("is larger than {limit} bytes")));
    }
    Ok(Some(bytes))
}

/// Opens `path` for reading without waiting for a writer (a FIFO) or taking a terminal as the
/// controlling one. On other systems, a plain open: they have no FIFO at a file path.
fn open_without_blocking(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(
        &mut options,
        libc::O_NONBLOCK | libc::O_NOCTTY,
    );
    options.open(path)
}

fn file_type_name(metadata: &fs::Metadata) -> &'static str {
    let kind = metadata.file_type();
    if kind.is_dir() {
        return "folder";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "FIFO";
        }
        if kind.is_socket() {
            return "socket";
        }
        if kind.is_block_device() || kind.is_char_device() {
            return "device";
        }
    }
    "special file"
}

/// Writes `contents` at `path` unless a file is already there, atomically: a reader never
/// sees half a file. Returns `false` when another file was there first (it is kept).
pub(crate) fn create_new(path: &Path, contents: &[u8]) -> io::Result<bool> {
    let temporary = write_temporary(path, contents)?;
    // A hard link fails when the target exists, unlike a rename: a process that lost a race
    // keeps the winner's file.
    let linked = match fs::hard_link(&temporary, path) {
        Ok(()) => sync_folder(path).map(|()| true),
        Err(err) if err.kind() == io::ErrorKind::AlreadyExists => Ok(false),
        // File systems without hard links: a rename is still atomic, but replaces.
        Err(_) if !path.exists() => fs::rename(&temporary, path)
            .and_then(|()| sync_folder(path))
            .map(|()| true),
        Err(err) => Err(err),
    };
    let _ = fs::remove_file(&temporary);
    linked
}

/// Writes `contents` at `path`, replacing what is there, atomically.
pub(crate) fn replace(path: &Path, contents: &[u8]) -> io::Result<()> {
    replace_if(path, contents, || Ok(()))
}

/// [`replace`], when `still` agrees once the new file is written, just before it takes the
/// old one's place (a compare-and-swap against other processes); else `still`'s error.
pub(crate) fn replace_if(
    path: &Path,
    contents: &[u8],
    still: impl FnOnce() -> io::Result<()>,
) -> io::Result<()> {
    let temporary = write_temporary(path, contents)?;
    let renamed = still().and_then(|()| fs::rename(&temporary, path));
    if renamed.is_err() {
        let _ = fs::remove_file(&temporary);
    }
    renamed.and_then(|()| sync_folder(path))
}

/// Syncs the folder of `path`, so that a name just linked or renamed into it survives a crash
/// (the file's own sync does not cover its folder's entry). Unix only: other systems give no
/// portable way to sync a folder. A folder that cannot be synced (not readable, or a file system
/// without folder syncs) is not an error: the file is in place either way.
fn sync_folder(path: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        let folder = path
            .parent()
            .filter(|folder| !folder.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        match File::open(folder).and_then(|folder| folder.sync_all()) {
            Err(err)
                if matches!(
                    err.kind(),
                    io::ErrorKind::PermissionDenied
                        | io::ErrorKind::InvalidInput
                        | io::ErrorKind::Unsupported
                ) => {}
            synced => return synced,
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// Removes the file at `path`; no file is not an error.
pub(crate) fn remove(path: &Path) -> io::Result<()> {
    match fs::remove_file(path) {
        Err(err) if err.kind() != io::ErrorKind::NotFound => Err(err),
        _ => Ok(()),
    }
}

/// A new file beside `path`, mode 0600, holding `contents`, synced; its folder is created
/// (mode 0700) when missing.
fn write_temporary(path: &Path, contents: &[u8]) -> io::Result<PathBuf> {
    if let Some(folder) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        let mut builder = fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(folder)?;
    }
    let mut name = path.as_os_str().to_owned();
    name.push(format!(".{:016x}.tmp", fastrand::u64(..)));
    let temporary = PathBuf::from(name);
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let written = options.open(&temporary).and_then(|mut file: File| {
        file.write_all(contents)?;
        file.sync_all()
    });
    match written {
        Ok(()) => Ok(temporary),
        Err(err) => {
            let _ = fs::remove_file(&temporary);
            Err(err)
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    const ADVICE: &str = "not a test file";

    /// A folder of its own under the system's temporary folder.
    pub(crate) fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "plex-auth-{name}-{}-{:x}",
            std::process::id(),
            fastrand::u64(..)
        ));
        let _ = fs::remove_dir_all(&dir);
        dir
    }

    /// On Unix: `file` is the user's alone (0600), and so is `folder` (0700) when given.
    pub(crate) fn assert_user_only(file: &Path, folder: Option<&Path>) {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |path: &Path| fs::metadata(path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(file), 0o600, "{}", file.display());
            if let Some(folder) = folder {
                assert_eq!(mode(folder), 0o700, "{}", folder.display());
            }
        }
        #[cfg(not(unix))]
        let _ = (file, folder);
    }

    #[test]
    fn syncs_the_folder_of_a_path_with_or_without_one() {
        let dir = scratch("sync-folder");
        fs::create_dir_all(&dir).unwrap();
        sync_folder(&dir.join("file")).unwrap();
        // A bare name is in the current folder.
        sync_folder(Path::new("file")).unwrap();
        #[cfg(unix)]
        {
            let missing = dir.join("missing/file");
            let err = sync_folder(&missing).unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::NotFound);
        }
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn writes_privately_and_atomically_and_reads_bounded() {
        let dir = scratch("private-file");
        let path = dir.join("nested/file");
        assert_eq!(read_bounded(&path, 16, ADVICE).unwrap(), None);
        assert!(create_new(&path, b"first").unwrap());
        assert!(
            !create_new(&path, b"second").unwrap(),
            "an existing file is kept"
        );
        assert_eq!(read_bounded(&path, 16, ADVICE).unwrap().unwrap(), b"first");
        replace(&path, b"third").unwrap();
        assert_eq!(read_bounded(&path, 5, ADVICE).unwrap().unwrap(), b"third");
        let err = read_bounded(&path, 4, ADVICE).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
        assert!(
            err.to_string()
                .ends_with("is larger than 4 bytes, not a test file"),
            "{err}"
        );
        // No temporary file is left behind.
        assert_eq!(fs::read_dir(path.parent().unwrap()).unwrap().count(), 1);
        assert_user_only(&path, path.parent());
        remove(&path).unwrap();
        remove(&path).unwrap();
        assert_eq!(read_bounded(&path, 16, ADVICE).unwrap(), None);
        let err = read_bounded(&dir, 16, ADVICE).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData, "a folder: {err}");
        assert!(
            err.to_string().ends_with("is a folder, not a test file"),
            "{err}"
        );
        fs::remove_dir_all(dir).unwrap();
    }

    /// A FIFO is refused at once: opening it non-blocking returns, and it is not a regular
    /// file. (Opened blocking, the read would wait for a writer forever.)
    #[cfg(unix)]
    #[test]
    fn a_fifo_is_refused_without_blocking() {
        let dir = scratch("fifo");
        fs::create_dir_all(&dir).unwrap();
        let fifo = dir.join("fifo");
        let status = std::process::Command::new("mkfifo").arg(&fifo).status();
        if !status.is_ok_and(|status| status.success()) {
            // No mkfifo on this machine: nothing to check.
            return;
        }
        let (sender, receiver) = std::sync::mpsc::channel();
        let path = fifo.clone();
        std::thread::spawn(move || sender.send(read_bounded(&path, 16, ADVICE).map(|_| ())));
        let result = receiver
            .recv_timeout(std::time::Duration::from_secs(30))
            .expect("reading a FIFO returned");
        let err = result.unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
        assert!(
            err.to_string().ends_with("is a FIFO, not a test file"),
            "{err}"
        );
        fs::remove_dir_all(dir).unwrap();
    }
}

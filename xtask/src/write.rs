//! Writing a set of generated files into a directory, all or nothing: the new files are
//! staged beside the old ones, the old ones set aside, and the new ones moved into place; on
//! any failure the old set is put back as it was. Only generated files (those starting with
//! [`GENERATED_MARK`]) are ever replaced or removed: a hand-written file in the directory
//! stays.

use std::fs;
use std::io::{self, BufRead, Read, Write};
use std::path::{Path, PathBuf};

use plex_auth_codegen::{GENERATED_MARK, GeneratedFile};

/// The generated `.rs` files in `out` (those whose first line starts with the mark), sorted.
pub fn generated_files_on_disk(out: &Path) -> Vec<String> {
    let Ok(entries) = fs::read_dir(out) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|name| name.ends_with(".rs") && is_generated(&out.join(name)))
        .collect();
    names.sort();
    names
}

fn is_generated(path: &Path) -> bool {
    let Ok(file) = fs::File::open(path) else {
        return false;
    };
    // Only the first line is read, and at most a few bytes of it.
    let mut first = String::new();
    io::BufReader::new(file)
        .take(GENERATED_MARK.len() as u64)
        .read_line(&mut first)
        .is_ok_and(|_| first.starts_with(GENERATED_MARK))
}

/// Writes `files` into `out` (see the module documentation): a file the set no longer holds
/// is removed, a hand-written one is left alone.
pub fn write_all(files: &[GeneratedFile], out: &Path) -> Result<(), String> {
    write_all_with(files, out, |from, to| fs::rename(from, to))
}

/// [`write_all`], with the rename it uses given (tests make it fail).
fn write_all_with(
    files: &[GeneratedFile],
    out: &Path,
    rename: impl Fn(&Path, &Path) -> io::Result<()>,
) -> Result<(), String> {
    fs::create_dir_all(out).map_err(|err| format!("cannot create {}: {err}", out.display()))?;
    let mut swap = Swap::default();
    let result = swap.run(files, out, &rename);
    match result {
        Ok(()) => {
            swap.discard_backups();
            Ok(())
        }
        Err(message) => Err(match swap.undo(&rename) {
            Ok(()) => format!("{message}; the files in {} are as they were", out.display()),
            Err(undo) => format!("{message}; then, putting the old files back: {undo}"),
        }),
    }
}

/// What a write did so far, so that it can be undone.
#[derive(Default)]
struct Swap {
    /// New files written beside their targets, not yet moved.
    staged: Vec<PathBuf>,
    /// Old files set aside: (backup, where it was).
    backups: Vec<(PathBuf, PathBuf)>,
    /// New files moved into place.
    placed: Vec<PathBuf>,
}

impl Swap {
    fn run(
        &mut self,
        files: &[GeneratedFile],
        out: &Path,
        rename: &impl Fn(&Path, &Path) -> io::Result<()>,
    ) -> Result<(), String> {
        let mut moves = Vec::new();
        for file in files {
            let temporary = out.join(format!(".{}.tmp-codegen", file.path));
            self.staged.push(temporary.clone());
            fs::File::create(&temporary)
                .and_then(|mut f| {
                    f.write_all(file.contents.as_bytes())
                        .and_then(|()| f.sync_all())
                })
                .map_err(|err| format!("cannot write {}: {err}", temporary.display()))?;
            moves.push((temporary, out.join(&file.path)));
        }
        // The old generated files, replaced or no longer produced, are set aside first.
        let old: Vec<PathBuf> = generated_files_on_disk(out)
            .into_iter()
            .map(|name| out.join(name))
            .collect();
        if let Some((_, target)) = moves
            .iter()
            .find(|(_, target)| !old.contains(target) && target.exists())
        {
            return Err(format!(
                "{} exists and was not generated (its first line is not `{GENERATED_MARK}…`); \
                 not replacing it",
                target.display()
            ));
        }
        for path in old {
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
            let backup = out.join(format!(".{}.old-codegen", name.unwrap_or_default()));
            rename(&path, &backup)
                .map_err(|err| format!("cannot set {} aside: {err}", path.display()))?;
            self.backups.push((backup, path));
        }
        for (temporary, target) in moves {
            rename(&temporary, &target)
                .map_err(|err| format!("cannot move {} into place: {err}", target.display()))?;
            self.staged.retain(|staged| *staged != temporary);
            self.placed.push(target);
        }
        Ok(())
    }

    /// Puts the old files back and removes every new one.
    fn undo(self, rename: &impl Fn(&Path, &Path) -> io::Result<()>) -> Result<(), String> {
        let mut failures = Vec::new();
        for path in self.placed.iter().chain(&self.staged) {
            if let Err(err) = fs::remove_file(path)
                && err.kind() != io::ErrorKind::NotFound
            {
                failures.push(format!("cannot remove {}: {err}", path.display()));
            }
        }
        for (backup, original) in &self.backups {
            if let Err(err) = rename(backup, original) {
                failures.push(format!(
                    "cannot restore {} from {}: {err}",
                    original.display(),
                    backup.display()
                ));
            }
        }
        if failures.is_empty() {
            Ok(())
        } else {
            Err(failures.join("; "))
        }
    }

    /// After a successful swap, the old files go; one that cannot be removed is only a
    /// hidden leftover.
    fn discard_backups(self) {
        for (backup, _) in &self.backups {
            let _ = fs::remove_file(backup);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use super::*;

    fn file(path: &str, body: &str) -> GeneratedFile {
        GeneratedFile {
            path: path.into(),
            contents: format!("{GENERATED_MARK} from test.\n{body}\n"),
        }
    }

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("xtask-write-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).expect("scratch dir");
        dir
    }

    fn listing(dir: &Path) -> Vec<(String, String)> {
        let mut files: Vec<(String, String)> = fs::read_dir(dir)
            .expect("dir")
            .map(|e| {
                let e = e.expect("entry");
                let text = fs::read_to_string(e.path()).expect("read");
                (e.file_name().to_string_lossy().into_owned(), text)
            })
            .collect();
        files.sort();
        files
    }

    #[test]
    fn a_hand_written_file_stays_and_a_stale_generated_one_goes() {
        let dir = scratch("hand-written");
        fs::write(dir.join("lib.rs"), "pub mod generated;\n").expect("write");
        write_all(&[file("mod.rs", "a"), file("old.rs", "b")], &dir).expect("first write");
        write_all(&[file("mod.rs", "c")], &dir).expect("second write");
        let names: Vec<String> = listing(&dir).into_iter().map(|(name, _)| name).collect();
        assert_eq!(names, ["lib.rs", "mod.rs"]);
        assert_eq!(
            fs::read_to_string(dir.join("lib.rs")).expect("read"),
            "pub mod generated;\n"
        );
        assert!(
            fs::read_to_string(dir.join("mod.rs"))
                .expect("read")
                .ends_with("c\n")
        );
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_hand_written_file_of_a_generated_name_is_not_replaced() {
        let dir = scratch("same-name");
        fs::write(dir.join("mod.rs"), "// mine\n").expect("write");
        let err = write_all(&[file("mod.rs", "a")], &dir).expect_err("refused");
        assert!(err.contains("was not generated"), "{err}");
        assert_eq!(listing(&dir), [("mod.rs".into(), "// mine\n".into())]);
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_failed_rename_leaves_the_old_files_as_they_were() {
        let dir = scratch("failed-rename");
        write_all(&[file("a.rs", "old a"), file("b.rs", "old b")], &dir).expect("first write");
        let before = listing(&dir);
        // Every rename until the new `b.rs` is moved in succeeds, then that one fails.
        let renames = Cell::new(0);
        let failing = |from: &Path, to: &Path| {
            renames.set(renames.get() + 1);
            if from.to_string_lossy().ends_with(".b.rs.tmp-codegen") {
                return Err(io::Error::other("injected"));
            }
            fs::rename(from, to)
        };
        let new = [
            file("a.rs", "new a"),
            file("b.rs", "new b"),
            file("c.rs", "c"),
        ];
        let err = write_all_with(&new, &dir, failing).expect_err("the rename fails");
        assert!(err.contains("injected"), "{err}");
        assert!(err.contains("are as they were"), "{err}");
        assert!(renames.get() >= 4, "the failure came after the swap began");
        assert_eq!(listing(&dir), before);
        let _ = fs::remove_dir_all(&dir);
    }
}

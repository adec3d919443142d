//! Replacing a file so that a crash leaves either the old or the new one.

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::{Error, Result};

/// Writes `bytes` to `path` through a temporary file in the same directory,
/// flushed to disk and then renamed over `path`: a crash at any point leaves
/// the previous file (or none) in place, never a half-written one. A `path`
/// that is a symbolic link replaces the file it points to, not the link.
///
/// # Errors
///
/// [`Error::WriteFailed`] naming `path` when the directory cannot be written,
/// the disk is full, or `path` exists and is not a regular file (a directory
/// or a device is never replaced); the temporary file is removed.
///
/// # Examples
///
/// ```
/// let path = std::env::temp_dir().join(format!("nn-doc-{}.txt", std::process::id()));
/// nn_runtime::persist::write_atomically(&path, b"first")?;
/// nn_runtime::persist::write_atomically(&path, b"second")?;
/// assert_eq!(std::fs::read(&path).unwrap(), b"second");
/// # std::fs::remove_file(&path).unwrap();
/// # Ok::<(), nn_runtime::Error>(())
/// ```
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let failed = |source| Error::WriteFailed {
        path: path.to_owned(),
        source,
    };
    let target = match fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => fs::canonicalize(path).map_err(failed)?,
        _ => path.to_owned(),
    };
    if let Ok(meta) = fs::metadata(&target)
        && !meta.is_file()
    {
        return Err(failed(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "it exists and is not a regular file",
        )));
    }
    let path = target.as_path();
    let temporary = temporary_path(path);
    let written = File::create(&temporary).and_then(|mut file| {
        file.write_all(bytes)?;
        file.sync_all()
    });
    if let Err(source) = written.and_then(|()| fs::rename(&temporary, path)) {
        // Best effort: the temporary may not exist, and the error to report is the first.
        let _ = fs::remove_file(&temporary);
        return Err(failed(source));
    }
    // Make the rename itself durable where the platform allows opening a directory.
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
        && let Ok(dir) = File::open(dir)
    {
        let _ = dir.sync_all();
    }
    Ok(())
}

/// `dir/.name.tmp-<pid>-<thread>` beside `path`: the same file system, so the
/// rename is atomic, and a name of its own for each thread, so two threads
/// saving the same file never write into one temporary.
fn temporary_path(path: &Path) -> PathBuf {
    static NEXT_THREAD: AtomicU64 = AtomicU64::new(0);
    thread_local! {
        static THREAD: u64 = NEXT_THREAD.fetch_add(1, Ordering::Relaxed);
    }
    let name = path
        .file_name()
        .map_or_else(|| "file".into(), |n| n.to_string_lossy());
    let thread = THREAD.with(|id| *id);
    path.with_file_name(format!(".{name}.tmp-{}-{thread}", std::process::id()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_write_names_the_path_and_keeps_the_old_file() {
        let dir = std::env::temp_dir().join(format!("nn-atomic-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let target = dir.join("model.safetensors");
        write_atomically(&target, b"good").unwrap();
        // A directory where the temporary file should go makes the write fail.
        fs::create_dir_all(temporary_path(&target)).unwrap();
        let error = write_atomically(&target, b"bad").unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with(&format!("cannot write {}", target.display()))
        );
        assert_eq!(fs::read(&target).unwrap(), b"good");
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn links_are_followed_and_directories_never_replaced() {
        let dir = std::env::temp_dir().join(format!("nn-atomic-link-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let error = write_atomically(&dir, b"x").unwrap_err().to_string();
        assert!(
            error.ends_with("it exists and is not a regular file"),
            "{error}"
        );
        #[cfg(unix)]
        {
            let (target, link) = (dir.join("target"), dir.join("link"));
            fs::write(&target, b"old").unwrap();
            std::os::unix::fs::symlink(&target, &link).unwrap();
            write_atomically(&link, b"new").unwrap();
            assert!(
                fs::symlink_metadata(&link)
                    .unwrap()
                    .file_type()
                    .is_symlink()
            );
            assert_eq!(fs::read(&target).unwrap(), b"new");
        }
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn threads_write_through_temporaries_of_their_own() {
        let path = Path::new("model.safetensors");
        let here = temporary_path(path);
        let there = std::thread::spawn(move || temporary_path(path))
            .join()
            .unwrap();
        assert_ne!(here, there);
        assert_eq!(here, temporary_path(path));
    }
}

//! Atomic file replacement: write a temporary file in the target's directory, flush it to
//! disk, then rename it over the target. Readers see the old file or the new one, never a
//! partial one, and a failure at any step leaves the old file untouched.

use crate::error::{Error, Result};
use std::io::Write;
use std::path::Path;

pub(crate) fn write(path: &Path, data: &[u8]) -> Result<()> {
    let fail = |what: &str, e: std::io::Error| Error::File(format!("cannot save to {}: {what}: {e}", path.display()));
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".deepblocks-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| fail("cannot create a temporary file", e))?;
    // A temporary file is private (0600); the saved file gets the permissions any new file
    // gets (0666 less the umask), as NumPy's and MXNet's files do.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = 0o666 & !current_umask();
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(mode))
            .map_err(|e| fail("cannot set permissions", e))?;
    }
    tmp.write_all(data).map_err(|e| fail("write failed", e))?;
    tmp.as_file().sync_all().map_err(|e| fail("flush failed", e))?;
    tmp.persist(path).map_err(|e| fail("rename failed", e.error))?;
    // The rename itself is durable once the directory is flushed (best effort: not every
    // platform can open a directory).
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// The process's file-creation mask. POSIX can only read it by setting it, so it is set and
/// restored at once (the value is the same before and after).
#[cfg(unix)]
fn current_umask() -> u32 {
    // SAFETY: umask only swaps the process's mask; the old one is put back immediately.
    unsafe {
        let old = libc::umask(0o022);
        libc::umask(old);
        old as u32
    }
}

#[cfg(all(test, unix))]
mod tests {
    #[test]
    fn saved_files_follow_the_umask() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.bin");
        super::write(&path, b"abc").unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o666 & !super::current_umask());
        assert_eq!(std::fs::read(&path).unwrap(), b"abc");
    }
}

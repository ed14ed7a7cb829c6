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

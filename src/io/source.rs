//! Opening a user's path for reading. Only regular files are read: a FIFO would block the
//! open (and the process) until some writer appears, a device such as `/dev/zero` never
//! ends, and a directory is no file at all, so each is refused by its kind, before it is
//! opened. Buffers are sized from the file's real length, checked against the memory this
//! process can get, never from a length that the file's contents declare.

use crate::error::{Error, Result};
use std::fs::{File, FileType, Metadata};
use std::io::Read;
use std::path::Path;

fn cannot_read(path: &Path, why: impl std::fmt::Display) -> Error {
    Error::File(format!("cannot read {}: {why}", path.display()))
}

/// What kind of non-regular file `t` is, in words.
fn kind(t: FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if t.is_char_device() {
            return "a character device";
        }
        if t.is_block_device() {
            return "a block device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    if t.is_dir() {
        "a directory"
    } else {
        "not a regular file"
    }
}

fn require_regular(path: &Path, meta: &Metadata) -> Result<()> {
    if meta.is_file() {
        Ok(())
    } else {
        Err(cannot_read(path, format!("it is {}, not a regular file", kind(meta.file_type()))))
    }
}

/// Opens `path` (following symbolic links) for reading if it is a regular file, and gives
/// its length. The kind is checked before the open; the open itself does not wait (a FIFO
/// swapped in between the two checks would otherwise block it), and the opened file is
/// checked again.
pub(crate) fn open_regular(path: &Path) -> Result<(File, u64)> {
    let before = std::fs::metadata(path).map_err(|e| cannot_read(path, e))?;
    require_regular(path, &before)?;
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path).map_err(|e| cannot_read(path, e))?;
    let meta = file.metadata().map_err(|e| cannot_read(path, e))?;
    require_regular(path, &meta)?;
    Ok((file, meta.len()))
}

/// Appends exactly `n` more bytes of `file` to `buf` (whose room the caller set aside).
pub(crate) fn read_into(path: &Path, file: &mut File, buf: &mut Vec<u8>, n: u64) -> Result<()> {
    let before = buf.len();
    file.by_ref().take(n).read_to_end(buf).map_err(|e| cannot_read(path, e))?;
    let got = (buf.len() - before) as u64;
    if got != n {
        return Err(cannot_read(path, format!("it ended {got} bytes into a part of {n} (it changed while it was read)")));
    }
    Ok(())
}

/// Reads exactly `n` bytes (the caller checked that the file has them) into a buffer
/// allocated fallibly: a file larger than memory (a sparse one, say) is a `MemoryError`.
pub(crate) fn read_exact_vec(path: &Path, file: &mut File, n: u64) -> Result<Vec<u8>> {
    let len = usize::try_from(n).map_err(|_| cannot_read(path, format!("{n} bytes do not fit in memory")))?;
    let mut buf = crate::storage::alloc_vec::<u8>(len)?;
    read_into(path, file, &mut buf, n)?;
    Ok(buf)
}

/// The whole of a regular file.
pub(crate) fn read_all(path: &Path) -> Result<Vec<u8>> {
    let (mut file, len) = open_regular(path)?;
    read_exact_vec(path, &mut file, len)
}

/// Up to `n` first bytes of a regular file.
pub(crate) fn read_head(path: &Path, n: u64) -> Result<Vec<u8>> {
    let (file, _) = open_regular(path)?;
    let mut head = Vec::new();
    file.take(n).read_to_end(&mut head).map_err(|e| cannot_read(path, e))?;
    Ok(head)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn message(r: Result<impl std::fmt::Debug>) -> String {
        match r {
            Err(Error::File(m)) => m,
            other => panic!("expected a file error, got {other:?}"),
        }
    }

    #[test]
    fn only_regular_files_are_opened() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: mkfifo reads a valid C string.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        // Opening a FIFO for reading blocks until a writer comes; refusing it returns at once.
        let msg = message(read_all(&fifo));
        assert!(msg.contains("FIFO") && msg.contains("pipe"), "{msg}");
        assert!(message(read_head(&fifo, 9)).contains("FIFO"));
        let msg = message(read_all(dir.path()));
        assert!(msg.contains("a directory"), "{msg}");
        let msg = message(read_all(Path::new("/dev/zero")));
        assert!(msg.contains("a character device") && msg.contains("/dev/zero"), "{msg}");
        assert!(message(read_all(&dir.path().join("missing"))).contains("missing"));
    }

    #[test]
    fn regular_files_and_links_to_them_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("data");
        std::fs::write(&path, b"0123456789").unwrap();
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&path, &link).unwrap();
        assert_eq!(read_all(&link).unwrap(), b"0123456789");
        assert_eq!(read_head(&path, 4).unwrap(), b"0123");
        assert_eq!(read_head(&path, 40).unwrap(), b"0123456789");
    }

    #[test]
    fn a_sparse_file_larger_than_memory_is_a_memory_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sparse");
        let f = File::create(&path).unwrap();
        // Holes only; file systems cap the length (ext4 below 16 TiB), so the largest that
        // this one takes.
        let size = [1u64 << 60, 1 << 50, (1 << 44) - (1 << 20), 1 << 40].into_iter().find(|&s| f.set_len(s).is_ok());
        let Some(size) = size else { return };
        if size as u128 <= crate::storage::memory_limit() as u128 {
            return; // a machine with more memory than the file system allows in one file
        }
        assert!(matches!(read_all(&path), Err(Error::Memory(_))));
    }
}

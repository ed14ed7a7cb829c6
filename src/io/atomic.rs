//! Atomic file replacement: write a temporary file in the target's directory, flush it to
//! disk, then rename it over the target. Readers see the old file or the new one, never a
//! partial one, and a failure at any step leaves the old file untouched.
//!
//! A writer that is killed mid-save leaves its temporary behind. The temporary's name holds
//! the target's name and the writer's process id (`.model.params.deepblocks-4242-Xy1z.tmp`),
//! and the writer holds a lock on it while it writes, so the next save to the same target
//! removes the temporaries whose writer is gone, and only those.

use crate::error::{Error, Result};
use std::ffi::OsStr;
use std::io::Write;
use std::path::Path;

/// Target names longer than this are cut in temporary names, which must stay within the
/// 255 bytes a file name may have.
const MAX_NAME_IN_TEMP: usize = 200;

pub(crate) fn write(path: &Path, data: &[u8]) -> Result<()> {
    let fail = |what: &str, e: std::io::Error| Error::File(format!("cannot save to {}: {what}: {e}", path.display()));
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let Some(name) = path.file_name() else {
        return Err(Error::File(format!("cannot save to {}: the path names no file", path.display())));
    };
    let stem = temp_stem(name);
    remove_stale_temps(dir, &stem);
    let mut tmp = tempfile::Builder::new()
        .prefix(&format!("{stem}{}-", std::process::id()))
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| fail("cannot create a temporary file", e))?;
    lock(tmp.as_file(), true);
    // A temporary file is private (0600). Replacing a file keeps its permission bits (a
    // checkpoint made group-readable stays so); a new file gets what any new file gets
    // (0666 less the umask), as NumPy's and MXNet's files do.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = match std::fs::metadata(path) {
            Ok(m) if m.is_file() => m.permissions().mode() & 0o777,
            _ => 0o666 & !current_umask(),
        };
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

/// The start of the temporary names for target `name`; the writer's pid, a random part and
/// `.tmp` follow.
fn temp_stem(name: &OsStr) -> String {
    let name = name.to_string_lossy();
    let cut = (0..=name.len().min(MAX_NAME_IN_TEMP)).rev().find(|&i| name.is_char_boundary(i)).unwrap_or(0);
    format!(".{}.deepblocks-", &name[..cut])
}

/// The writer's pid in a temporary name of `stem`, if `file` is one.
fn temp_writer(file: &str, stem: &str) -> Option<u32> {
    let rest = file.strip_prefix(stem)?.strip_suffix(".tmp")?;
    let (pid, random) = rest.split_once('-')?;
    if random.is_empty() || pid.is_empty() || !pid.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    pid.parse().ok()
}

/// Removes the temporaries of `stem` in `dir` that a killed save left: those whose writer
/// process no longer exists and that no one holds locked (a writer in another pid namespace
/// may share the number of a dead process here, but it holds its lock). Best effort: what
/// cannot be read or removed stays.
fn remove_stale_temps(dir: &Path, stem: &str) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(|n| temp_writer(n, stem)) else { continue };
        if pid == std::process::id() || process_exists(pid) {
            continue;
        }
        // Only regular files are opened (a FIFO of that name would block the open).
        if !entry.file_type().is_ok_and(|t| t.is_file()) {
            continue;
        }
        let path = entry.path();
        if std::fs::File::open(&path).is_ok_and(|f| lock(&f, false)) {
            let _ = std::fs::remove_file(&path);
        }
    }
}

/// Takes an exclusive lock on `f` (waiting for it when `wait`), held until `f` is closed;
/// whether it was taken. Without `flock` (not Unix), a lock is always "taken".
fn lock(f: &std::fs::File, wait: bool) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::io::AsRawFd;
        let op = if wait { libc::LOCK_EX } else { libc::LOCK_EX | libc::LOCK_NB };
        // SAFETY: flock on a descriptor this File owns.
        unsafe { libc::flock(f.as_raw_fd(), op) == 0 }
    }
    #[cfg(not(unix))]
    {
        let _ = (f, wait);
        true
    }
}

/// Whether a process with this id exists (one that this user may not signal exists too).
fn process_exists(pid: u32) -> bool {
    #[cfg(unix)]
    {
        let Ok(pid) = libc::pid_t::try_from(pid) else { return false };
        if pid <= 0 {
            return true;
        }
        // SAFETY: signal 0 sends nothing; it only checks that the process exists.
        unsafe { libc::kill(pid, 0) == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM) }
    }
    #[cfg(not(unix))]
    {
        let _ = pid;
        true
    }
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
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(p: &Path) -> u32 {
        std::fs::metadata(p).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn saved_files_follow_the_umask() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.bin");
        write(&path, b"abc").unwrap();
        assert_eq!(mode(&path), 0o666 & !current_umask());
        assert_eq!(std::fs::read(&path).unwrap(), b"abc");
    }

    #[test]
    fn replacing_a_file_keeps_its_permissions() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.bin");
        std::fs::write(&path, b"old").unwrap();
        for bits in [0o640, 0o600, 0o444] {
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(bits)).unwrap();
            write(&path, b"new").unwrap();
            assert_eq!(mode(&path), bits);
            assert_eq!(std::fs::read(&path).unwrap(), b"new");
        }
    }

    /// The id of a process that has exited (and been reaped), so no longer exists.
    fn dead_pid() -> u32 {
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = child.id();
        child.wait().unwrap();
        pid
    }

    #[test]
    fn temporaries_of_dead_writers_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("model.params");
        let names = |d: &Path| {
            let mut v: Vec<String> = std::fs::read_dir(d).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
            v.sort();
            v
        };
        let stale = format!(".model.params.deepblocks-{}-abc123.tmp", dead_pid());
        let live = ".model.params.deepblocks-1-abc123.tmp"; // pid 1 always exists
        let other_target = format!(".other.deepblocks-{}-abc123.tmp", dead_pid());
        let not_ours = format!(".model.params.deepblocks-{}x-abc.tmp", dead_pid());
        for n in [&stale, live, &other_target, &not_ours] {
            std::fs::write(dir.path().join(n), b"partial").unwrap();
        }
        // A dead writer's temporary that someone holds locked is in use: it stays.
        let locked = format!(".model.params.deepblocks-{}-locked.tmp", dead_pid());
        std::fs::write(dir.path().join(&locked), b"partial").unwrap();
        let holder = std::fs::File::open(dir.path().join(&locked)).unwrap();
        assert!(lock(&holder, false));

        write(&path, b"data").unwrap();
        let mut want = vec![locked.clone(), live.to_string(), not_ours, other_target, "model.params".to_string()];
        want.sort();
        assert_eq!(names(dir.path()), want);
        drop(holder);
        write(&path, b"data").unwrap();
        assert!(!names(dir.path()).contains(&locked));
    }

    #[test]
    fn temporary_names_parse_back() {
        let stem = temp_stem(OsStr::new("w.params"));
        assert_eq!(stem, ".w.params.deepblocks-");
        assert_eq!(temp_writer(".w.params.deepblocks-77-Ab9.tmp", &stem), Some(77));
        assert_eq!(temp_writer(".w.params.deepblocks-77-.tmp", &stem), None);
        assert_eq!(temp_writer(".w.params.deepblocks--x.tmp", &stem), None);
        assert_eq!(temp_writer(".w.params.deepblocks-77-Ab9", &stem), None);
        assert_eq!(temp_writer(".v.params.deepblocks-77-Ab9.tmp", &stem), None);
        let long = "é".repeat(120);
        let stem = temp_stem(OsStr::new(&long));
        assert!(stem.len() <= MAX_NAME_IN_TEMP + 13 && stem.ends_with(".deepblocks-"), "{stem}");
        // A long target name still makes a valid temporary name.
        let dir = tempfile::tempdir().unwrap();
        write(&dir.path().join("n".repeat(250)), b"x").unwrap();
    }

    #[test]
    fn a_path_without_a_file_name_is_refused() {
        let msg = write(Path::new("/"), b"x").unwrap_err().to_string();
        assert!(msg.contains("names no file"), "{msg}");
    }
}

//! Compiled kernels kept on disk, so that only the first run on a machine pays for NVRTC
//! (a few seconds per module). A CUBIN is stored under
//! `$DEEPBLOCKS_CACHE_DIR` (else `$XDG_CACHE_HOME/deepblocks`, else `~/.cache/deepblocks`)
//! as `cuda/<module>-<arch>-<hash>.cubin`, where the hash covers the full source, the
//! architecture and NVRTC's version: any change compiles afresh. The cache is only an
//! optimization: a directory that cannot be written, or a damaged file, falls back to compiling.

use super::kernels::KernelSource;
use super::nvrtc;
use std::path::PathBuf;

/// 64-bit FNV-1a: stable across builds and Rust versions (unlike `DefaultHasher`).
fn fnv1a(parts: &[&[u8]]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for &b in *part {
            h ^= b as u64;
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        h ^= 0xff; // separates the parts
    }
    h
}

fn cache_dir() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("DEEPBLOCKS_CACHE_DIR") {
        return Some(PathBuf::from(d).join("cuda"));
    }
    let base = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))?;
    Some(base.join("deepblocks").join("cuda"))
}

/// Where the CUBIN of `src` for `arch` is cached.
pub fn path(src: &KernelSource, arch: &str) -> Option<PathBuf> {
    let full = nvrtc::full_source(src);
    let version = nvrtc::version().map(|(a, b)| format!("{a}.{b}")).unwrap_or_default();
    let hash = fnv1a(&[full.as_bytes(), arch.as_bytes(), version.as_bytes()]);
    Some(cache_dir()?.join(format!("{}-{arch}-{hash:016x}.cubin", src.module)))
}

/// The CUBIN of `src` for `arch`: from the cache, or compiled (and then cached).
pub fn cubin(src: &KernelSource, arch: &str) -> Result<Vec<u8>, String> {
    let file = path(src, arch);
    if let Some(bytes) = file.as_ref().and_then(|f| std::fs::read(f).ok()) {
        // A CUBIN is an ELF file; anything else (a truncated write) is compiled again.
        if bytes.starts_with(b"\x7fELF") {
            return Ok(bytes);
        }
    }
    let compiled = nvrtc::compile(src, arch)?;
    if let Some(f) = file {
        let _ = store(&f, &compiled.cubin);
    }
    Ok(compiled.cubin)
}

fn store(file: &std::path::Path, bytes: &[u8]) -> crate::error::Result<()> {
    if let Some(dir) = file.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    crate::io::atomic::write(file, bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cache_paths_change_with_the_source_and_the_architecture() {
        let src = &super::super::kernels::SOURCES[0];
        let (a, b) = (path(src, "sm_80"), path(src, "sm_90"));
        if let (Some(a), Some(b)) = (a, b) {
            assert_ne!(a, b);
            assert!(a.to_string_lossy().contains(src.module));
        }
        assert_ne!(fnv1a(&[b"ab", b"c"]), fnv1a(&[b"a", b"bc"]));
    }
}

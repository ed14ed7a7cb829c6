//! Compiling the embedded kernel sources with NVRTC.
//!
//! NVRTC needs no GPU and no driver, only `libnvrtc` (PyPI's `nvidia-cuda-nvrtc-cu12` ships
//! it), so CI compiles every kernel for each supported architecture even on a machine without
//! a GPU. At run time the same function compiles a module for the device's own architecture.

use super::guarded;
use super::kernels::{KernelSource, COMMON_HEADER, SOURCES};
use std::ffi::CString;

/// The architectures CI compiles for: Turing (the floor of CUDA 13), Ampere and Hopper.
pub const CHECK_ARCHS: &[&str] = &["sm_75", "sm_80", "sm_90"];

/// Whether `libnvrtc` can be loaded (from the loader's path, or already loaded by the caller).
pub fn available() -> bool {
    // SAFETY: the probe only tries to dlopen candidate library names.
    guarded(|| unsafe { cudarc::nvrtc::sys::is_culib_present() }).unwrap_or(false)
}

/// NVRTC's version as (major, minor), when the library loads.
pub fn version() -> Option<(i32, i32)> {
    if !available() {
        return None;
    }
    let (mut major, mut minor) = (0, 0);
    // SAFETY: both pointers are valid for writes; the library is present.
    let rc = guarded(|| unsafe { cudarc::nvrtc::sys::nvrtcVersion(&mut major, &mut minor) })?;
    (rc == cudarc::nvrtc::sys::nvrtcResult::NVRTC_SUCCESS).then_some((major, minor))
}

/// One module's source with the shared header spliced in (NVRTC has no include path of its own).
pub fn full_source(src: &KernelSource) -> String {
    let (name, text) = COMMON_HEADER;
    src.source.replace(&format!("#include \"{name}\""), text)
}

/// A compiled module: the CUBIN for a real architecture (`sm_XY`).
pub struct Compiled {
    pub cubin: Vec<u8>,
    pub log: String,
}

/// Compiles one module for `arch` (e.g. "sm_80"). Errors carry NVRTC's log.
pub fn compile(src: &KernelSource, arch: &str) -> Result<Compiled, String> {
    if !available() {
        return Err("libnvrtc was not found (install nvidia-cuda-nvrtc-cu12, or a CUDA toolkit)".into());
    }
    let code = CString::new(full_source(src)).map_err(|_| format!("{}: the source contains a NUL byte", src.module))?;
    let name = CString::new(format!("{}.cu", src.module)).map_err(|_| "bad module name".to_string())?;
    let options = [format!("--gpu-architecture={arch}"), "--std=c++17".into(), "-default-device".into()];
    guarded(|| compile_program(&code, &name, &options))
        .unwrap_or_else(|| Err(format!("{}: NVRTC failed (a symbol was missing from libnvrtc)", src.module)))
}

fn compile_program(code: &CString, name: &CString, options: &[String]) -> Result<Compiled, String> {
    use cudarc::nvrtc::{result, sys};
    let module = name.to_string_lossy();
    let prog = result::create_program(code, Some(name)).map_err(|e| format!("{module}: {e:?}"))?;
    // SAFETY: `prog` was just created and is destroyed exactly once below.
    let outcome = unsafe {
        let compiled = result::compile_program(prog, options);
        let log = result::get_program_log(prog)
            .map(|l| {
                let bytes: Vec<u8> = l.iter().take_while(|&&c| c != 0).map(|&c| c as u8).collect();
                String::from_utf8_lossy(&bytes).into_owned()
            })
            .unwrap_or_default();
        match compiled {
            Err(e) => Err(format!("{module} ({}): {e:?}\n{log}", options[0])),
            Ok(()) => {
                let mut size = 0usize;
                let rc = sys::nvrtcGetCUBINSize(prog, &mut size);
                if rc != sys::nvrtcResult::NVRTC_SUCCESS {
                    Err(format!("{module}: no CUBIN ({rc:?})"))
                } else {
                    let mut cubin = vec![0u8; size];
                    let rc = sys::nvrtcGetCUBIN(prog, cubin.as_mut_ptr() as *mut std::ffi::c_char);
                    if rc != sys::nvrtcResult::NVRTC_SUCCESS {
                        Err(format!("{module}: no CUBIN ({rc:?})"))
                    } else {
                        Ok(Compiled { cubin, log })
                    }
                }
            }
        }
    };
    // SAFETY: created above, not destroyed before.
    let _ = unsafe { result::destroy_program(prog) };
    outcome
}

/// The result of compiling every module for one architecture.
pub struct ArchReport {
    pub arch: String,
    pub modules_ok: usize,
    pub kernels_ok: usize,
    pub failures: Vec<String>,
}

/// Compiles every embedded module for each of `archs` (the programs compile in parallel:
/// NVRTC is thread-safe across programs).
pub fn check(archs: &[&str]) -> Vec<ArchReport> {
    use rayon::prelude::*;
    let jobs: Vec<(usize, &KernelSource)> =
        (0..archs.len()).flat_map(|a| SOURCES.iter().map(move |s| (a, s))).collect();
    let results: Vec<(usize, usize, Result<(), String>)> = crate::cpu::pool::install(|| {
        jobs.par_iter().map(|&(a, src)| (a, src.kernels().len(), compile(src, archs[a]).map(|_| ()))).collect()
    });
    let mut reports: Vec<ArchReport> = archs
        .iter()
        .map(|arch| ArchReport { arch: arch.to_string(), modules_ok: 0, kernels_ok: 0, failures: vec![] })
        .collect();
    for (a, kernels, result) in results {
        match result {
            Ok(()) => {
                reports[a].modules_ok += 1;
                reports[a].kernels_ok += kernels;
            }
            Err(e) => reports[a].failures.push(e),
        }
    }
    reports
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Compiles everything when libnvrtc is on the loader path; CI sets
    /// DEEPBLOCKS_REQUIRE_NVRTC=1 so that a missing library fails instead of skipping.
    #[test]
    fn every_module_compiles_for_the_floor_arch() {
        if !available() {
            assert!(std::env::var("DEEPBLOCKS_REQUIRE_NVRTC").is_err(), "libnvrtc is required but was not found");
            eprintln!("libnvrtc not found: NVRTC compile check skipped");
            return;
        }
        // The floor architecture here; `python -m deepblocks cuda-check` (run by CI and by
        // tests/test_cuda.py) covers all of CHECK_ARCHS.
        for r in check(&CHECK_ARCHS[..1]) {
            assert!(r.failures.is_empty(), "{}: {}", r.arch, r.failures.join("\n"));
            assert_eq!(r.modules_ok, SOURCES.len());
        }
    }

    #[test]
    fn the_header_is_spliced_into_each_source() {
        for src in SOURCES {
            let full = full_source(src);
            assert!(!full.contains(&format!("#include \"{}\"", COMMON_HEADER.0)), "{}", src.module);
        }
    }
}

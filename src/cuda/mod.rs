//! The CUDA backend (feature `cuda`), through cudarc with every library loaded at run time.
//!
//! Nothing here may panic when CUDA is absent: cudarc panics when asked for a library it
//! cannot load, so each entry point probes for the library first (`is_culib_present`) and
//! keeps a `catch_unwind` as a backstop. Without a driver or a GPU, `device_count()` is 0 and
//! the rest of the engine reports "no GPU" as an ordinary error.
//!
//! - `kernels`: the CUDA C sources, embedded in the crate; `nvrtc` compiles them for a GPU
//!   architecture and `cache` keeps the results on disk.
//! - `backend`: what a device must do (memory, copies, launches, float products), done by
//!   `driver` on a real GPU and by `emulator` on the host (for tests without a GPU).
//! - `device`: the open GPUs and their memory caches; `buffer`: a GPU tensor's memory.
//! - `launch`: kernel arguments and strided `info` arrays; `ops`: the GPU side of every
//!   operation family of `crate::ops`, which dispatch there for tensors on a GPU.

pub mod backend;
pub mod buffer;
pub mod cache;
pub mod device;
pub mod driver;
pub mod emulator;
pub mod kernels;
pub mod launch;
pub mod nvrtc;
pub mod ops;

pub use buffer::CudaBuffer;

/// The GPU backend: implements every op family's primitives (`ops::backend::Backend`), each
/// in its family's file of `cuda/ops/`.
pub struct Cuda;

use std::panic::{catch_unwind, AssertUnwindSafe};

/// Runs a cudarc call that may panic on a missing library or symbol; a panic becomes `None`.
pub(crate) fn guarded<R>(f: impl FnOnce() -> R) -> Option<R> {
    catch_unwind(AssertUnwindSafe(f)).ok()
}

/// Whether the CUDA driver library (libcuda) can be loaded.
pub fn driver_present() -> bool {
    // SAFETY: the probe only tries to dlopen candidate library names.
    guarded(|| unsafe { cudarc::driver::sys::is_culib_present() }).unwrap_or(false)
}

/// How many CUDA devices the driver reports (0 without a driver or a GPU, never a panic).
pub fn device_count() -> usize {
    if !driver_present() {
        return 0;
    }
    match guarded(cudarc::driver::CudaContext::device_count) {
        Some(Ok(n)) if n > 0 => n as usize,
        _ => 0,
    }
}

/// Why GPU `id` cannot be used, or `None` when it can.
pub fn unavailable_reason(id: usize) -> Option<String> {
    if !driver_present() {
        return Some("the CUDA driver library (libcuda.so.1) was not found".into());
    }
    let n = device_count();
    if id >= n {
        return Some(format!("CUDA reports {n} device(s), so gpu({id}) does not exist"));
    }
    None
}

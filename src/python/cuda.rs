//! `_core.cuda_status()` and `_core.cuda_check(archs)`: what the CUDA backend finds on this
//! machine, and the NVRTC compile check of every embedded kernel (no GPU needed).

use super::errors::MXNetError;
use pyo3::prelude::*;
use pyo3::types::PyDict;

/// `{compiled, driver, devices, nvrtc, nvrtc_version, modules, kernels, emulator}`, where
/// `devices` is what the driver reports and `emulator` the library of the host emulator when
/// one is in use (then `npx.num_gpus()` counts its devices); never fails.
#[pyfunction]
fn cuda_status(py: Python<'_>) -> PyResult<Bound<'_, PyDict>> {
    let d = PyDict::new(py);
    #[cfg(feature = "cuda")]
    {
        d.set_item("compiled", true)?;
        d.set_item("driver", crate::cuda::driver_present())?;
        d.set_item("devices", crate::cuda::device_count())?;
        d.set_item("nvrtc", crate::cuda::nvrtc::available())?;
        d.set_item("nvrtc_version", crate::cuda::nvrtc::version())?;
        d.set_item("modules", crate::cuda::kernels::SOURCES.len())?;
        d.set_item("kernels", crate::cuda::kernels::count())?;
        d.set_item("emulator", crate::cuda::emulator::active())?;
    }
    #[cfg(not(feature = "cuda"))]
    {
        d.set_item("compiled", false)?;
        d.set_item("driver", false)?;
        d.set_item("devices", 0)?;
        d.set_item("nvrtc", false)?;
        d.set_item("nvrtc_version", py.None())?;
        d.set_item("modules", 0)?;
        d.set_item("kernels", 0)?;
        d.set_item("emulator", py.None())?;
    }
    Ok(d)
}

/// Compiles every kernel module with NVRTC for each architecture in `archs` (default: the
/// checked set) and returns one dict per architecture:
/// `{arch, modules, modules_ok, kernels_ok, failures}`.
#[pyfunction]
#[pyo3(signature = (archs = None))]
fn cuda_check<'py>(py: Python<'py>, archs: Option<Vec<String>>) -> PyResult<Vec<Bound<'py, PyDict>>> {
    #[cfg(feature = "cuda")]
    {
        use crate::cuda::nvrtc;
        if !nvrtc::available() {
            return Err(MXNetError::new_err(
                "libnvrtc was not found: install nvidia-cuda-nvrtc-cu12 (python -m deepblocks cuda-check loads it from there)",
            ));
        }
        let archs: Vec<String> = archs.unwrap_or_else(|| nvrtc::CHECK_ARCHS.iter().map(|s| s.to_string()).collect());
        for a in &archs {
            if !a.starts_with("sm_") || a[3..].parse::<u32>().is_err() {
                return Err(pyo3::exceptions::PyValueError::new_err(format!(
                    "cuda_check: architectures look like 'sm_80', got {a:?}"
                )));
            }
        }
        let refs: Vec<&str> = archs.iter().map(String::as_str).collect();
        let reports = py.detach(|| nvrtc::check(&refs));
        let mut out = Vec::new();
        for r in reports {
            let d = PyDict::new(py);
            d.set_item("arch", r.arch)?;
            d.set_item("modules", crate::cuda::kernels::SOURCES.len())?;
            d.set_item("modules_ok", r.modules_ok)?;
            d.set_item("kernels_ok", r.kernels_ok)?;
            d.set_item("failures", r.failures)?;
            out.push(d);
        }
        Ok(out)
    }
    #[cfg(not(feature = "cuda"))]
    {
        let _ = (py, archs);
        Err(MXNetError::new_err("deepblocks was built without its CUDA backend (feature 'cuda')"))
    }
}

/// Waits for the queued work of every GPU in use (`npx.waitall()`); nothing to wait for
/// without one.
#[pyfunction]
fn waitall() -> PyResult<()> {
    #[cfg(feature = "cuda")]
    crate::cuda::device::synchronize_all().map_err(|e| MXNetError::new_err(e.to_string()))?;
    Ok(())
}

/// (host-to-device copies, device-to-host copies) made so far: each waits for queued GPU
/// work, so tests use this to check that a loop never goes through the host.
#[pyfunction]
fn cuda_transfers() -> (u64, u64) {
    #[cfg(feature = "cuda")]
    {
        crate::cuda::buffer::transfers()
    }
    #[cfg(not(feature = "cuda"))]
    {
        (0, 0)
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(cuda_transfers, m)?)?;
    m.add_function(wrap_pyfunction!(waitall, m)?)?;
    m.add_function(wrap_pyfunction!(cuda_status, m)?)?;
    m.add_function(wrap_pyfunction!(cuda_check, m)?)?;
    Ok(())
}

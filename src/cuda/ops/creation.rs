//! Arrays made on a GPU without a host copy: zeros (a memset) and constants (`fill_<T>`).
//! Ranges and random draws are computed by the CPU engine and uploaded, so that a seed gives
//! the same numbers on every device.

use super::new_out;
use crate::cuda::device;
use crate::cuda::launch::{kernel, tag, Args, BLOCK};
use crate::dtype::DType;
use crate::error::Result;
use crate::tensor::{Scalar, Tensor};

/// A dense `shape` array of `value` on gpu(`id`).
pub fn full(shape: &[usize], value: Scalar, dtype: DType, id: usize) -> Result<Tensor> {
    let gpu = device::gpu(id)?;
    let (out, o) = new_out(&gpu, dtype, shape)?;
    let n = out.numel();
    if value.to_f64() == 0.0 && !matches!(value, Scalar::Float(f) if f.is_sign_negative()) {
        gpu.backend.memset_zero(o, n * dtype.size())?;
        return Ok(out);
    }
    let name = kernel(&format!("fill_{}", tag(dtype)))?;
    Args::new().usize(n).ptr(o).scalar(value, dtype).launch(&gpu, name, n, BLOCK)?;
    Ok(out)
}

/// `start + i * step` for `i < n` on gpu(`id`), with the CPU engine's arithmetic: floats in
/// float64 with `step` taken as `(start + step) - start`, integers exactly.
pub fn arange(start: f64, step: f64, n: usize, dtype: DType, id: usize) -> Result<Tensor> {
    let gpu = device::gpu(id)?;
    let (out, o) = new_out(&gpu, dtype, &[n])?;
    let name = kernel(&format!("arange_{}", tag(dtype)))?;
    let args = Args::new().usize(n).ptr(o);
    let args = if dtype.is_float() { args.f64(start).f64((start + step) - start) } else { args.i64(start as i64).i64(step as i64) };
    args.launch(&gpu, name, n, BLOCK)?;
    Ok(out)
}

/// `n` values from `start` by `step`, ending exactly at `stop` with `endpoint`, on gpu(`id`).
pub fn linspace(start: f64, step: f64, stop: f64, n: usize, endpoint: bool, dtype: DType, id: usize) -> Result<Tensor> {
    let gpu = device::gpu(id)?;
    let (out, o) = new_out(&gpu, dtype, &[n])?;
    let name = kernel(&format!("linspace_{}", tag(dtype)))?;
    Args::new().usize(n).ptr(o).f64(start).f64(step).f64(stop).u32(endpoint as u32).launch(&gpu, name, n, BLOCK)?;
    Ok(out)
}

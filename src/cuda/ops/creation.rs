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

//! Selection on a GPU (`where_<T>`). The caller (ops/where_clip.rs) has cast `cond` to bool
//! and `x`, `y` to their promoted dtype; `clip` is two binary operations, as on the CPU.

use super::{base_ptr, gpu_of, new_out};
use crate::cuda::launch::{kernel, tag, Strided, BLOCK};
use crate::error::Result;
use crate::tensor::Tensor;

/// `cond ? x : y` broadcast to `shape`; `cond` is bool, `x` and `y` share a dtype.
pub fn select(cond: &Tensor, x: &Tensor, y: &Tensor, shape: &[usize]) -> Result<Tensor> {
    let gpu = gpu_of(x)?;
    let name = kernel(&format!("where_{}", tag(x.dtype())))?;
    let (lc, lx, ly) = (cond.layout().broadcast_to(shape)?, x.layout().broadcast_to(shape)?, y.layout().broadcast_to(shape)?);
    let (out, o) = new_out(&gpu, x.dtype(), shape)?;
    let plan = Strided::new(&gpu, shape, &[lc.strides(), lx.strides(), ly.strides()])?;
    plan.args()
        .ptr(base_ptr(cond)?)
        .i64(lc.offset() as i64)
        .ptr(base_ptr(x)?)
        .i64(lx.offset() as i64)
        .ptr(base_ptr(y)?)
        .i64(ly.offset() as i64)
        .ptr(o)
        .launch(&gpu, name, plan.numel, BLOCK)?;
    Ok(out)
}

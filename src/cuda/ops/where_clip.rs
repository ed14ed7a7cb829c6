//! Selection on a GPU (`where_<T>`). The caller (ops/where_clip.rs) has cast `cond` to bool
//! and `x`, `y` to their promoted dtype; `clip` is two binary operations, as on the CPU.

use super::{base_ptr, gpu_of, new_out};
use crate::cuda::kernels::KernelTable;
use crate::cuda::launch::{Strided, BLOCK};
use crate::cuda::Cuda;
use crate::error::Result;
use crate::ops::registry::{DTypes, Family};
use crate::ops::where_clip::WhereKernels;
use crate::tensor::Tensor;

/// `where_<T>` (and `clip_<T>`, compiled with it but unused: clip is two binary operations).
pub const KERNELS: [Family; 2] = [Family::one("where", DTypes::ALL), Family::one("clip", DTypes::ALL)];
static WHERE: KernelTable = KernelTable::new(KERNELS[0]);

impl WhereKernels for Cuda {
    fn select(&self, cond: &Tensor, x: &Tensor, y: &Tensor, shape: &[usize]) -> Result<Tensor> {
        let gpu = gpu_of(x)?;
        let name = WHERE.require(0, x.dtype())?;
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
}

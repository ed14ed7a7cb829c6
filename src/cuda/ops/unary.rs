//! Elementwise functions on a GPU (`unary_<op>_<T>`), and the fused activation gradients
//! (`grad_<op>_<T>`). The caller (ops/unary.rs) has already converted the input to the
//! dtype the function computes in, as on the CPU.

use super::{base_ptr, gpu_of, new_out, off};
use crate::cuda::kernels::KernelTable;
use crate::cuda::launch::{Strided, BLOCK};
use crate::cuda::Cuda;
use crate::error::Result;
use crate::ops::unary::{UnaryKernels, UnaryOp, GPU_GRAD_KERNELS, GPU_KERNELS};
use crate::tensor::Tensor;

static MAP: KernelTable = KernelTable::new(GPU_KERNELS);
static GRAD: KernelTable = KernelTable::new(GPU_GRAD_KERNELS);

impl UnaryKernels for Cuda {
    fn map(&self, x: &Tensor, op: UnaryOp) -> Result<Tensor> {
        let gpu = gpu_of(x)?;
        let kernel = MAP.require(op.index(), x.dtype())?;
        let (out, o) = new_out(&gpu, op.out_dtype(x.dtype()), x.shape())?;
        let plan = Strided::new(&gpu, x.shape(), &[x.layout().strides()])?;
        plan.args().ptr(base_ptr(x)?).i64(off(x)).ptr(o).launch(&gpu, kernel, plan.numel, BLOCK)?;
        Ok(out)
    }

    fn fused_grad(&self, op: UnaryOp, g: &Tensor, v: &Tensor) -> Result<Option<Tensor>> {
        let Some(kernel) = GRAD.get(op.index(), g.dtype()) else {
            return Ok(None);
        };
        let gpu = gpu_of(g)?;
        let (out, o) = new_out(&gpu, g.dtype(), g.shape())?;
        let plan = Strided::new(&gpu, g.shape(), &[g.layout().strides(), v.layout().strides()])?;
        plan.args().ptr(base_ptr(g)?).i64(off(g)).ptr(base_ptr(v)?).i64(off(v)).ptr(o).launch(&gpu, kernel, plan.numel, BLOCK)?;
        Ok(Some(out))
    }
}

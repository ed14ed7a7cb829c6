//! Elementwise operations of two arrays on a GPU (`binary_<op>_<T>`, in place
//! `binary_inplace_<op>_<T>`). The caller (ops/binary.rs) has cast the operands to the
//! compute dtype and checked shapes, as on the CPU.

use super::{base_ptr, gpu_of, new_out, off, written_ptr};
use crate::cuda::kernels::KernelTable;
use crate::cuda::launch::{Strided, BLOCK};
use crate::cuda::Cuda;
use crate::dtype::DType;
use crate::error::Result;
use crate::ops::binary::{BinaryKernels, BinaryOp, GPU_INPLACE_KERNELS, GPU_KERNELS};
use crate::tensor::Tensor;

static ZIP: KernelTable = KernelTable::new(GPU_KERNELS);
static INPLACE: KernelTable = KernelTable::new(GPU_INPLACE_KERNELS);

impl BinaryKernels for Cuda {
    /// A result dtype other than the operation's own (legacy comparisons) is a second pass.
    fn zip(&self, a: &Tensor, b: &Tensor, op: BinaryOp, shape: &[usize], out_dtype: DType) -> Result<Tensor> {
        let gpu = gpu_of(a)?;
        let kernel = ZIP.require(op.index(), a.dtype())?;
        let (la, lb) = (a.layout().broadcast_to(shape)?, b.layout().broadcast_to(shape)?);
        let (out, o) = new_out(&gpu, op.out_dtype(a.dtype()), shape)?;
        let plan = Strided::new(&gpu, shape, &[la.strides(), lb.strides()])?;
        plan.args()
            .ptr(base_ptr(a)?)
            .i64(la.offset() as i64)
            .ptr(base_ptr(b)?)
            .i64(lb.offset() as i64)
            .ptr(o)
            .launch(&gpu, kernel, plan.numel, BLOCK)?;
        if out.dtype() != out_dtype {
            return super::copy::astype(&out, out_dtype);
        }
        Ok(out)
    }

    fn zip_inplace(&self, a: &Tensor, b: &Tensor, op: BinaryOp) -> Result<()> {
        let gpu = gpu_of(a)?;
        let kernel = INPLACE.require(op.index(), a.dtype())?;
        let lb = b.layout().broadcast_to(a.shape())?;
        let plan = Strided::new(&gpu, a.shape(), &[a.layout().strides(), lb.strides()])?;
        let pb = base_ptr(b)?;
        let pa = written_ptr(a)?;
        plan.args().ptr(pa).i64(off(a)).ptr(pb).i64(lb.offset() as i64).launch(&gpu, kernel, plan.numel, BLOCK)
    }
}

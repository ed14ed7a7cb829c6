//! Elementwise operations of two arrays on a GPU (`binary_<op>_<T>`, in place
//! `binary_inplace_<op>_<T>`). The caller (ops/binary.rs) has cast the operands to the
//! compute dtype and checked shapes, as on the CPU.

use super::{base_ptr, gpu_of, new_out, off, written_ptr};
use crate::cuda::launch::{kernel, tag, Strided, BLOCK};
use crate::dtype::DType;
use crate::error::Result;
use crate::ops::binary::BinaryOp;
use crate::tensor::Tensor;

/// `a op b` broadcast to `shape`; comparisons and logical operations give bool.
pub fn zip(a: &Tensor, b: &Tensor, op: BinaryOp, shape: &[usize]) -> Result<Tensor> {
    let gpu = gpu_of(a)?;
    let name = kernel(&format!("binary_{}_{}", op.name(), tag(a.dtype())))?;
    let out_dtype = if op.is_comparison() || op.is_logical() { DType::Bool } else { a.dtype() };
    let (la, lb) = (a.layout().broadcast_to(shape)?, b.layout().broadcast_to(shape)?);
    let (out, o) = new_out(&gpu, out_dtype, shape)?;
    let plan = Strided::new(&gpu, shape, &[la.strides(), lb.strides()])?;
    plan.args()
        .ptr(base_ptr(a)?)
        .i64(la.offset() as i64)
        .ptr(base_ptr(b)?)
        .i64(lb.offset() as i64)
        .ptr(o)
        .launch(&gpu, name, plan.numel, BLOCK)?;
    Ok(out)
}

/// `a op= b` in place, `b` (of `a`'s dtype, not overlapping `a`) broadcast to `a`'s shape.
pub fn zip_inplace(a: &Tensor, b: &Tensor, op: BinaryOp) -> Result<()> {
    let gpu = gpu_of(a)?;
    let name = kernel(&format!("binary_inplace_{}_{}", op.name(), tag(a.dtype())))?;
    let lb = b.layout().broadcast_to(a.shape())?;
    let plan = Strided::new(&gpu, a.shape(), &[a.layout().strides(), lb.strides()])?;
    let pb = base_ptr(b)?;
    let pa = written_ptr(a)?;
    plan.args().ptr(pa).i64(off(a)).ptr(pb).i64(lb.offset() as i64).launch(&gpu, name, plan.numel, BLOCK)
}

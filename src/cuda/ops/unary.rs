//! Elementwise functions on a GPU (`unary_<op>_<T>`), and the fused activation gradients
//! (`grad_<op>_<T>`). The caller (ops/unary.rs) has already converted the input to the
//! dtype the function computes in, as on the CPU.

use super::{base_ptr, gpu_of, new_out, off};
use crate::cuda::launch::{kernel, tag, Strided, BLOCK};
use crate::dtype::DType;
use crate::error::Result;
use crate::ops::unary::UnaryOp;
use crate::tensor::Tensor;

/// `op(x)` elementwise, for `x` of the dtype the kernel computes in.
pub fn map(x: &Tensor, op: UnaryOp) -> Result<Tensor> {
    use UnaryOp::*;
    let out_dtype = if matches!(op, IsNan | IsInf | IsFinite | LogicalNot) { DType::Bool } else { x.dtype() };
    let gpu = gpu_of(x)?;
    let name = kernel(&format!("unary_{}_{}", op.name(), tag(x.dtype())))?;
    let (out, o) = new_out(&gpu, out_dtype, x.shape())?;
    let plan = Strided::new(&gpu, x.shape(), &[x.layout().strides()])?;
    plan.args().ptr(base_ptr(x)?).i64(off(x)).ptr(o).launch(&gpu, name, plan.numel, BLOCK)?;
    Ok(out)
}

/// `g * op'(v)` in one pass, when a fused kernel exists for `op` (`None` otherwise); `g` and
/// `v` have one shape and one float dtype.
pub fn fused_grad(op: UnaryOp, g: &Tensor, v: &Tensor) -> Result<Option<Tensor>> {
    let Ok(name) = kernel(&format!("grad_{}_{}", op.name(), tag(g.dtype()))) else {
        return Ok(None);
    };
    g.same_device(v, op.name())?;
    let gpu = gpu_of(g)?;
    let (out, o) = new_out(&gpu, g.dtype(), g.shape())?;
    let plan = Strided::new(&gpu, g.shape(), &[g.layout().strides(), v.layout().strides()])?;
    plan.args().ptr(base_ptr(g)?).i64(off(g)).ptr(base_ptr(v)?).i64(off(v)).ptr(o).launch(&gpu, name, plan.numel, BLOCK)?;
    Ok(Some(out))
}

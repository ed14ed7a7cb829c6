//! Optimizer updates on a GPU (`optim_<rule>_<T>`): the weight and the states are updated in
//! place, after the same checks as on the CPU (optim/mod.rs).

use super::{base_ptr, gpu_of, off, written_ptr};
use crate::cuda::launch::{kernel, tag, Strided, BLOCK};
use crate::error::Result;
use crate::optim::Hyper;
use crate::tensor::Tensor;

/// Applies rule `name` (`sgd_mom_update`, ...) to `operands` (weight, gradient, states...)
/// with the rule's extra hyper-parameters in the kernel's order.
pub fn update(name: &str, operands: &[&Tensor], hyper: Hyper, extra: &[f64]) -> Result<()> {
    let w = operands[0];
    let gpu = gpu_of(w)?;
    let kname = kernel(&format!("optim_{name}_{}", tag(w.dtype())))?;
    let strides: Vec<&[isize]> = operands.iter().map(|t| t.layout().strides()).collect();
    let plan = Strided::new(&gpu, w.shape(), &strides)?;
    let mut args = plan.args();
    for (k, t) in operands.iter().enumerate() {
        // The gradient is only read; the weight and the states are written (new versions).
        let p = if k == 1 { base_ptr(t)? } else { written_ptr(t)? };
        args = args.ptr(p).i64(off(t));
    }
    args = args.f64(hyper.lr).f64(hyper.wd).f64(hyper.rescale_grad).f64(hyper.clip_gradient.unwrap_or(-1.0));
    for &e in extra {
        args = args.f64(e);
    }
    args.launch(&gpu, kname, plan.numel, BLOCK)
}

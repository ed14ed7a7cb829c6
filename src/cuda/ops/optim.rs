//! Optimizer updates on a GPU (`optim_<rule>_<T>`): the weight and the states are updated in
//! place, after the same checks as on the CPU (optim/mod.rs).

use super::{base_ptr, gpu_of, off, written_ptr};
use crate::cuda::kernels::KernelTable;
use crate::cuda::launch::{Strided, BLOCK};
use crate::cuda::Cuda;
use crate::error::{Error, Result};
use crate::optim::{OptimKernels, Update, GPU_KERNELS, GPU_RULES};
use crate::tensor::Tensor;

static KERNELS: KernelTable = KernelTable::new(GPU_KERNELS);

impl OptimKernels for Cuda {
    /// Applies `rule` to `operands` (weight, gradient, states...) with the rule's extra
    /// hyper-parameters in the kernel's order.
    fn update(&self, rule: &dyn Update, operands: &[&Tensor]) -> Result<()> {
        let w = operands[0];
        let gpu = gpu_of(w)?;
        let row = GPU_RULES.iter().position(|&n| n == rule.name()).ok_or_else(|| Error::Device(format!("internal: {} has no GPU kernel", rule.name())))?;
        let kernel = KERNELS.require(row, w.dtype())?;
        let (hyper, extra) = rule.gpu_args();
        let strides: Vec<&[isize]> = operands.iter().map(|t| t.layout().strides()).collect();
        let plan = Strided::new(&gpu, w.shape(), &strides)?;
        let mut args = plan.args();
        for (k, t) in operands.iter().enumerate() {
            // The gradient is only read; the weight and the states are written (new versions).
            let p = if k == 1 { base_ptr(t)? } else { written_ptr(t)? };
            args = args.ptr(p).i64(off(t));
        }
        args = args.f64(hyper.lr).f64(hyper.wd).f64(hyper.rescale_grad).f64(hyper.clip_gradient.unwrap_or(-1.0));
        for &e in extra.iter() {
            args = args.f64(e);
        }
        args.launch(&gpu, kernel, plan.numel, BLOCK)
    }
}

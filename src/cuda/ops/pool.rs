//! Pooling on a GPU (`ops::pool::PoolKernels`): `pool_forward_<T>` computes each output's
//! window directly; the gradient is a gather per input element (`pool_backward_<T>`), which
//! for max pooling first finds each window's first maximum (`pool_argmax_<T>`), so that the
//! gradient goes where the CPU sends it, without atomics and deterministically.

use super::{base_ptr, gpu_of, new_out, off};
use crate::cuda::device::Gpu;
use crate::cuda::kernels::KernelTable;
use crate::cuda::launch::{Args, Info, BLOCK};
use crate::cuda::Cuda;
use crate::dtype::DType;
use crate::error::Result;
use crate::ops::pool::{PoolGeom, PoolKernels, PoolKind};
use crate::ops::registry::{DTypes, Family};
use crate::tensor::Tensor;
use std::sync::Arc;

pub const KERNELS: [Family; 3] = [Family::one("pool_forward", DTypes::FLOAT), Family::one("pool_argmax", DTypes::FLOAT), Family::one("pool_backward", DTypes::FLOAT)];
static FORWARD: KernelTable = KernelTable::new(KERNELS[0]);
static ARGMAX: KernelTable = KernelTable::new(KERNELS[1]);
static BACKWARD: KernelTable = KernelTable::new(KERNELS[2]);

/// The kernels' `kind` argument.
fn kind(k: PoolKind) -> u32 {
    match k {
        PoolKind::Max => 0,
        PoolKind::Avg => 1,
        PoolKind::Sum => 2,
    }
}

/// kernels/conv.cu's `pgeom` array.
fn geom(gpu: &Arc<Gpu>, g: &PoolGeom) -> Result<Info> {
    let mut v = vec![];
    for a in [g.input, g.output, g.kernel, g.stride, g.pad] {
        v.extend(a.iter().map(|&x| x as i64));
    }
    v.push(g.count_include_pad as i64);
    Info::layout(gpu, &v)
}

impl PoolKernels for Cuda {
    fn pool_forward(&self, x: &Tensor, g: &PoolGeom, shape: &[usize]) -> Result<Tensor> {
        let gpu = gpu_of(x)?;
        let x = x.contiguous()?;
        let (out, o) = new_out(&gpu, x.dtype(), shape)?;
        if out.numel() == 0 {
            return Ok(out);
        }
        let info = geom(&gpu, g)?;
        Args::new()
            .usize(out.numel())
            .ptr(info.ptr())
            .u32(kind(g.kind))
            .ptr(base_ptr(&x)?)
            .i64(off(&x))
            .ptr(o)
            .launch(&gpu, FORWARD.require(0, x.dtype())?, out.numel(), BLOCK)?;
        Ok(out)
    }

    fn pool_backward(&self, x: &Tensor, gy: &Tensor, g: &PoolGeom) -> Result<Tensor> {
        let gpu = gpu_of(x)?;
        let (x, gy) = (x.contiguous()?, gy.contiguous()?);
        let (gx, o) = new_out(&gpu, x.dtype(), x.shape())?;
        if gx.numel() == 0 {
            return Ok(gx);
        }
        let info = geom(&gpu, g)?;
        let argmax = if g.kind == PoolKind::Max {
            let (am, pa) = new_out(&gpu, DType::I64, &[gy.numel()])?;
            Args::new()
                .usize(gy.numel())
                .ptr(info.ptr())
                .ptr(base_ptr(&x)?)
                .i64(off(&x))
                .ptr(pa)
                .launch(&gpu, ARGMAX.require(0, x.dtype())?, gy.numel(), BLOCK)?;
            Some(am)
        } else {
            None
        };
        let pa = argmax.as_ref().map(base_ptr).transpose()?.unwrap_or(0);
        Args::new()
            .usize(gx.numel())
            .ptr(info.ptr())
            .u32(kind(g.kind))
            .ptr(base_ptr(&gy)?)
            .i64(off(&gy))
            .ptr(pa)
            .ptr(o)
            .launch(&gpu, BACKWARD.require(0, x.dtype())?, gx.numel(), BLOCK)?;
        Ok(gx)
    }
}

//! Advanced indexing on a GPU: gather (`x[idx]`), scatter (`x[idx] = v`) and scatter-add
//! (the gradient of indexing, where repeated positions accumulate). ops/index.rs works out
//! the plan as on the CPU, including the bounds checks (the index arrays are read on the
//! host for that): the storage offset of each selected sub-block, and the sub-block's shape
//! and strides ("rest"). The kernels move the elements.

use super::{base_ptr, gpu_of, new_out, written_ptr};
use crate::cuda::device::Gpu;
use crate::cuda::kernels::KernelTable;
use crate::cuda::launch::{coalesce, Args, Info, Strided, BLOCK};
use crate::cuda::Cuda;
use crate::error::Result;
use crate::ops::index::{Advanced, IndexKernels};
use crate::ops::registry::{DTypes, Family};
use crate::tensor::Tensor;

/// `index_offsets` and `nonzero` are compiled but not launched yet (indices are checked on
/// the host).
pub const KERNELS: [Family; 5] = [
    Family::one("index_offsets", DTypes::INT),
    Family::one("gather", DTypes::ALL),
    Family::one("scatter", DTypes::ALL),
    Family::one("scatter_add", DTypes::NUM),
    Family::one("nonzero", DTypes::BOOL),
];
static GATHER: KernelTable = KernelTable::new(KERNELS[1]);
static SCATTER: KernelTable = KernelTable::new(KERNELS[2]);
static SCATTER_ADD: KernelTable = KernelTable::new(KERNELS[3]);
use std::sync::Arc;

/// The selected blocks: their offsets on the device, the block size, and the rest's
/// `rest_ndim, rest_info` (nullptr when the rest is contiguous).
struct Blocks {
    offsets: Info,
    block: usize,
    rest_ndim: usize,
    rest_info: Option<Info>,
}

fn blocks(gpu: &Arc<Gpu>, offsets: &[isize], rest_shape: &[usize], rest_strides: &[isize]) -> Result<Blocks> {
    let offs: Vec<i64> = offsets.iter().map(|&o| o as i64).collect();
    let block: usize = rest_shape.iter().product();
    let (dims, st) = coalesce(rest_shape, &[rest_strides]);
    let contiguous = dims.len() <= 1 && st[0].first().is_none_or(|&s| s == 1);
    let rest_info = if contiguous {
        None
    } else {
        let mut info: Vec<i64> = dims.iter().map(|&d| d as i64).collect();
        info.extend(st[0].iter().map(|&s| s as i64));
        Some(Info::layout(gpu, &info)?)
    };
    Ok(Blocks { offsets: Info::upload(gpu, &offs)?, block, rest_ndim: dims.len(), rest_info })
}

impl IndexKernels for Cuda {
    fn gather(&self, src: &Tensor, adv: &Advanced, front: &[usize]) -> Result<Tensor> {
        let gpu = gpu_of(src)?;
        let (out, o) = new_out(&gpu, src.dtype(), front)?;
        if out.numel() == 0 {
            return Ok(out);
        }
        let b = blocks(&gpu, &adv.offsets, &adv.rest_shape, &adv.rest_strides)?;
        let name = GATHER.require(0, src.dtype())?;
        Args::new()
            .usize(out.numel())
            .usize(b.block)
            .usize(b.rest_ndim)
            .opt(b.rest_info.as_ref())
            .ptr(b.offsets.ptr())
            .ptr(base_ptr(src)?)
            .ptr(o)
            .launch(&gpu, name, out.numel(), BLOCK)?;
        Ok(out)
    }

    fn scatter(&self, dst: &Tensor, adv: &Advanced, value: &Tensor, add: bool) -> Result<()> {
        let value = value.to_dtype(dst.dtype())?;
        let value_front = adv.value_layout(&value)?;
        let gpu = gpu_of(dst)?;
        let numel = value_front.numel();
        if numel == 0 {
            return Ok(());
        }
        let b = blocks(&gpu, &adv.offsets, &adv.rest_shape, &adv.rest_strides)?;
        let name = if add { SCATTER_ADD.require(0, dst.dtype())? } else { SCATTER.require(0, dst.dtype())? };
        let plan = Strided::new(&gpu, value_front.shape(), &[value_front.strides()])?;
        let v = base_ptr(&value)?;
        let d = written_ptr(dst)?;
        Args::new()
            .usize(numel)
            .usize(b.block)
            .usize(b.rest_ndim)
            .opt(b.rest_info.as_ref())
            .usize(plan.ndim)
            .opt(plan.info.as_ref())
            .ptr(b.offsets.ptr())
            .ptr(d)
            .ptr(v)
            .i64(value_front.offset() as i64)
            .launch(&gpu, name, numel, BLOCK)
    }
}

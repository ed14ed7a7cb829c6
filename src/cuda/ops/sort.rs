//! Sorting on a GPU: a bitonic network over each lane padded to a power of two, in global
//! scratch (kernels/sort.cu). Short lanes are sorted one block per lane (`sort_block_<T>`,
//! one launch); long ones by every block together, one launch per stage of the network
//! (`sort_fill_<T>`, `sort_stage_<T>` for each stage, `sort_take_<T>`), since one block
//! would take `padded / 2` compare-exchanges per stage alone. The input is made dense first
//! (lanes are then `len` elements `inner` apart), as for `cumsum`.

use super::{base_ptr, gpu_of, new_out, off};
use crate::cuda::kernels::KernelTable;
use crate::cuda::launch::{Args, BLOCK};
use crate::cuda::Cuda;
use crate::dtype::DType;
use crate::error::Result;
use crate::ops::registry::{DTypes, Family};
use crate::ops::sort::SortKernels;
use crate::tensor::Tensor;

pub const KERNELS: [Family; 4] = [
    Family::one("sort_block", DTypes::ALL),
    Family::one("sort_fill", DTypes::ALL),
    Family::one("sort_stage", DTypes::ALL),
    Family::one("sort_take", DTypes::ALL),
];
static SORT_BLOCK: KernelTable = KernelTable::new(KERNELS[0]);
static SORT_FILL: KernelTable = KernelTable::new(KERNELS[1]);
static SORT_STAGE: KernelTable = KernelTable::new(KERNELS[2]);
static SORT_TAKE: KernelTable = KernelTable::new(KERNELS[3]);

/// The longest (padded) lane one block sorts: 1024 compare-exchanges a stage, 4 for each of
/// 256 threads; longer lanes go stage by stage (at least 66 launches, each over all lanes).
const BLOCK_LANE: usize = 2048;

impl SortKernels for Cuda {
    fn sort_lanes(&self, x: &Tensor, axis: usize, k: usize, descending: bool) -> Result<(Tensor, Tensor)> {
        let gpu = gpu_of(x)?;
        let dtype = x.dtype();
        let shape = x.shape();
        let (len, inner) = (shape[axis], shape[axis + 1..].iter().product::<usize>());
        let mut out_shape = shape.to_vec();
        out_shape[axis] = k;
        let (values, pv) = new_out(&gpu, dtype, &out_shape)?;
        let (indices, pi) = new_out(&gpu, DType::I64, &out_shape)?;
        if values.numel() == 0 {
            return Ok((values, indices));
        }
        let src = if x.is_contiguous() { x.clone() } else { super::copy::astype(x, dtype)? };
        let (px, x_off) = (base_ptr(&src)?, off(&src));
        let lanes = x.numel() / len;
        let padded = len.next_power_of_two();
        let desc = descending as u32;
        if padded <= BLOCK_LANE {
            let block = (padded / 2).clamp(1, BLOCK as usize).min(gpu.backend.max_block() as usize);
            // Scratch for the blocks that run at once: at most twice the input (padded < 2 len).
            let blocks = lanes.min(gpu.backend.max_grid() as usize);
            let (_keys, pk) = new_out(&gpu, dtype, &[blocks * padded])?;
            let (_pos, pp) = new_out(&gpu, DType::I64, &[blocks * padded])?;
            let args = Args::new().usize(lanes).usize(len).usize(inner).usize(k).usize(padded).u32(desc);
            let args = args.ptr(px).i64(x_off).ptr(pk).ptr(pp).ptr(pv).ptr(pi);
            args.launch(&gpu, SORT_BLOCK.require(0, dtype)?, blocks * block, block as u32)?;
            return Ok((values, indices));
        }
        let slots = lanes * padded;
        let (_keys, pk) = new_out(&gpu, dtype, &[slots])?;
        let (_pos, pp) = new_out(&gpu, DType::I64, &[slots])?;
        let fill = Args::new().usize(lanes).usize(len).usize(inner).usize(padded).ptr(px).i64(x_off).ptr(pk).ptr(pp);
        fill.launch(&gpu, SORT_FILL.require(0, dtype)?, slots, BLOCK)?;
        let stage = SORT_STAGE.require(0, dtype)?;
        let mut size = 2;
        while size <= padded {
            let mut stride = size / 2;
            while stride > 0 {
                let args = Args::new().usize(lanes).usize(len).usize(padded).usize(size).usize(stride).u32(desc);
                args.ptr(pk).ptr(pp).launch(&gpu, stage, slots / 2, BLOCK)?;
                stride /= 2;
            }
            size *= 2;
        }
        let take = Args::new().usize(lanes).usize(inner).usize(k).usize(padded).ptr(pk).ptr(pp).ptr(pv).ptr(pi);
        take.launch(&gpu, SORT_TAKE.require(0, dtype)?, lanes * k, BLOCK)?;
        Ok((values, indices))
    }
}

//! Sorting on a GPU (`sort_<T>`): one block per lane at a time, a bitonic network over the
//! lane padded to a power of two, in global scratch (kernels/sort.cu). The input is made
//! dense first (lanes are then `len` elements `inner` apart), as for `cumsum`.

use super::{base_ptr, gpu_of, new_out, off};
use crate::cuda::kernels::KernelTable;
use crate::cuda::launch::Args;
use crate::cuda::Cuda;
use crate::dtype::DType;
use crate::error::Result;
use crate::ops::registry::{DTypes, Family};
use crate::ops::sort::SortKernels;
use crate::tensor::Tensor;

pub const KERNELS: [Family; 1] = [Family::one("sort", DTypes::ALL)];
static SORT: KernelTable = KernelTable::new(KERNELS[0]);

/// Threads per block, at most: a lane of `padded` slots has `padded / 2` compare-exchanges
/// per stage.
const BLOCK: usize = 256;

impl SortKernels for Cuda {
    fn sort_lanes(&self, x: &Tensor, axis: usize, k: usize, descending: bool) -> Result<(Tensor, Tensor)> {
        let gpu = gpu_of(x)?;
        let name = SORT.require(0, x.dtype())?;
        let shape = x.shape();
        let (len, inner) = (shape[axis], shape[axis + 1..].iter().product::<usize>());
        let mut out_shape = shape.to_vec();
        out_shape[axis] = k;
        let (values, pv) = new_out(&gpu, x.dtype(), &out_shape)?;
        let (indices, pi) = new_out(&gpu, DType::I64, &out_shape)?;
        if values.numel() == 0 {
            return Ok((values, indices));
        }
        let src = if x.is_contiguous() { x.clone() } else { super::copy::astype(x, x.dtype())? };
        let lanes = x.numel() / len;
        let padded = len.next_power_of_two();
        let block = (padded / 2).clamp(1, BLOCK).min(gpu.backend.max_block() as usize);
        // Scratch for the blocks that run at once: at most twice the input, as padded < 2 len.
        let blocks = lanes.min(gpu.backend.max_grid() as usize);
        let (_keys, pk) = new_out(&gpu, x.dtype(), &[blocks * padded])?;
        let (_pos, pp) = new_out(&gpu, DType::I64, &[blocks * padded])?;
        Args::new()
            .usize(lanes)
            .usize(len)
            .usize(inner)
            .usize(k)
            .usize(padded)
            .u32(descending as u32)
            .ptr(base_ptr(&src)?)
            .i64(off(&src))
            .ptr(pk)
            .ptr(pp)
            .ptr(pv)
            .ptr(pi)
            .launch(&gpu, name, blocks * block, block as u32)?;
        Ok((values, indices))
    }
}

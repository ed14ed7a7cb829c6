//! Reductions and running sums on a GPU (`reduce_<op>_<T>`, `cumsum_<T>`). The kernels see
//! a dense input as (outer, len, inner) and work along `len`; reduced axes that are not one
//! run of a dense array are first brought together by a dense, permuted copy.

use super::{base_ptr, gpu_of, new_out, off};
use crate::cuda::device::Gpu;
use crate::cuda::kernels::{Kernel, KernelTable};
use crate::cuda::launch::Args;
use crate::cuda::Cuda;
use crate::dtype::DType;
use crate::error::Result;
use crate::ops::reduce::{ReduceKernels, ReduceOp, GPU_KERNELS};
use crate::tensor::Tensor;

static REDUCE: KernelTable = KernelTable::new(GPU_KERNELS[0]);
static CUMSUM: KernelTable = KernelTable::new(GPU_KERNELS[1]);

/// Threads per block: lines split among threads; columns want whole blocks (kernels/reduce.cu).
const LINE_BLOCK: u32 = 256;
const COLUMN_BLOCK: u32 = 1024;

/// `x` as a dense array of shape (outer, len, inner) whose `len` axis runs over `axes`
/// (sorted): `x` itself when it is dense and the axes are adjacent, else a copy with the
/// kept axes first and the reduced ones last (inner = 1).
fn lines(x: &Tensor, axes: &[usize]) -> Result<(Tensor, usize, usize, usize)> {
    let shape = x.shape();
    let len: usize = axes.iter().map(|&a| shape[a]).product();
    let adjacent = axes.windows(2).all(|w| w[1] == w[0] + 1);
    if x.is_contiguous() && adjacent {
        let (first, last) = (axes.first().copied().unwrap_or(0), axes.last().map_or(0, |&a| a + 1));
        let outer: usize = shape[..first].iter().product();
        let inner: usize = shape[last.max(first)..].iter().product();
        return Ok((x.clone(), outer, len, inner));
    }
    let mut perm: Vec<usize> = (0..x.ndim()).filter(|a| !axes.contains(a)).collect();
    let outer: usize = perm.iter().map(|&a| shape[a]).product();
    perm.extend_from_slice(axes);
    let moved = x.view(x.layout().permute(&perm)?);
    Ok((super::copy::astype(&moved, x.dtype())?, outer, len, 1))
}

impl ReduceKernels for Cuda {
    /// An index dtype other than int64 (legacy arrays) is a second pass.
    fn reduce(&self, x: &Tensor, op: ReduceOp, axes: &[usize], out_dtype: DType) -> Result<Tensor> {
        let gpu = gpu_of(x)?;
        let kept: Vec<usize> = x.shape().iter().enumerate().map(|(i, &d)| if axes.contains(&i) { 1 } else { d }).collect();
        let name = REDUCE.require(op.index(), x.dtype())?;
        let (out, o) = new_out(&gpu, (op.spec().out_dtype)(x.dtype()), &kept)?;
        let (src, outer, len, inner) = lines(x, axes)?;
        let block = if inner == 1 { LINE_BLOCK } else { COLUMN_BLOCK };
        launch_lines(&gpu, name, (outer, len, inner), &src, o, outer * inner * block as usize, block)?;
        if out.dtype() != out_dtype {
            return super::copy::astype(&out, out_dtype);
        }
        Ok(out)
    }

    fn cumsum(&self, x: &Tensor, axis: usize) -> Result<Tensor> {
        let gpu = gpu_of(x)?;
        let name = CUMSUM.require(0, x.dtype())?;
        let (out, o) = new_out(&gpu, x.dtype().accumulate(), x.shape())?;
        // The output keeps the input's axis order, so the input must be dense in that order.
        let src = if x.is_contiguous() { x.clone() } else { super::copy::astype(x, x.dtype())? };
        let shape = x.shape();
        let (outer, len, inner) = (shape[..axis].iter().product::<usize>(), shape[axis], shape[axis + 1..].iter().product::<usize>());
        let work = if inner == 1 { outer * LINE_BLOCK as usize } else { outer * inner };
        launch_lines(&gpu, name, (outer, len, inner), &src, o, work, LINE_BLOCK)?;
        Ok(out)
    }
}

/// Launches a kernel of this file: `(outer, len, inner, x, x_off, out)`.
fn launch_lines(gpu: &Gpu, name: Kernel, (outer, len, inner): (usize, usize, usize), x: &Tensor, out: u64, work: usize, block: u32) -> Result<()> {
    Args::new().usize(outer).usize(len).usize(inner).ptr(base_ptr(x)?).i64(off(x)).ptr(out).launch(gpu, name, work, block)
}

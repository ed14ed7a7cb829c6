//! The fused fully connected layer's epilogue on a GPU (`linear_epilogue_<T>`): after the
//! product, the bias and the ReLU are applied in place in the product's fresh buffer.

use super::{base_ptr, gpu_of, written_ptr};
use crate::cuda::launch::{kernel, tag, Args, BLOCK};
use crate::error::Result;
use crate::tensor::Tensor;

/// `out = act(out + bias)` row by row, for the dense (rows, cols) `out`.
pub fn epilogue(out: &Tensor, bias: Option<&Tensor>, relu: bool) -> Result<()> {
    let gpu = gpu_of(out)?;
    let name = kernel(&format!("linear_epilogue_{}", tag(out.dtype())))?;
    let cols = out.shape()[1];
    let bias = match bias {
        Some(b) => Some(b.contiguous()?),
        None => None,
    };
    let (pb, boff) = match &bias {
        Some(b) => (base_ptr(b)?, b.layout().offset() as i64),
        None => (0, 0),
    };
    let o = written_ptr(out)? + (out.layout().offset() * out.dtype().size()) as u64;
    Args::new().usize(out.numel()).usize(cols).ptr(o).ptr(pb).i64(boff).u32(relu as u32).launch(&gpu, name, out.numel(), BLOCK)
}

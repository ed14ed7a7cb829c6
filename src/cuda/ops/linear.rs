//! The fused fully connected layer's epilogue on a GPU (`linear_epilogue_<T>`): after the
//! product, the bias and the ReLU are applied in place in the product's fresh buffer.

use super::{base_ptr, gpu_of, written_ptr};
use crate::cuda::kernels::KernelTable;
use crate::cuda::launch::{Args, BLOCK};
use crate::cuda::Cuda;
use crate::error::Result;
use crate::ops::linear::LinearKernels;
use crate::ops::registry::{DTypes, Family};
use crate::tensor::Tensor;

pub const KERNELS: [Family; 1] = [Family::one("linear_epilogue", DTypes::FLOAT)];
static EPILOGUE: KernelTable = KernelTable::new(KERNELS[0]);

impl LinearKernels for Cuda {
    fn epilogue(&self, out: &Tensor, bias: Option<&Tensor>, relu: bool) -> Result<()> {
        let gpu = gpu_of(out)?;
        let name = EPILOGUE.require(0, out.dtype())?;
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
}

//! Random arrays drawn on a GPU: cuRAND's raw draws (uniform in (0, 1], standard normal,
//! random words) turned into the requested distribution by the `uniform_scale`,
//! `normal_scale` and `randint` kernels. Each call seeds the device generator with a number
//! drawn from the engine's own generator, so `np.random.seed` makes GPU draws repeatable too
//! (they differ from the CPU's draws for the same seed, as in MXNet and PyTorch).

use super::new_out;
use crate::cuda::backend::Draw;
use crate::cuda::buffer::CudaBuffer;
use crate::cuda::device;
use crate::cuda::launch::{kernel, tag, Args, BLOCK};
use crate::dtype::DType;
use crate::error::Result;
use crate::tensor::Tensor;

/// Uniform samples in `[low, high)` on gpu(`id`).
pub fn uniform(low: f64, high: f64, shape: &[usize], dtype: DType, id: usize, seed: u64) -> Result<Tensor> {
    let gpu = device::gpu(id)?;
    let (out, o) = new_out(&gpu, dtype, shape)?;
    let n = out.numel();
    if n > 0 {
        gpu.backend.random(Draw::Uniform, dtype, o, n, seed)?;
        let name = kernel(&format!("uniform_scale_{}", tag(dtype)))?;
        Args::new().usize(n).ptr(o).ptr(o).f64(low).f64(high).launch(&gpu, name, n, BLOCK)?;
    }
    Ok(out)
}

/// Normal samples with mean `loc` and standard deviation `scale` on gpu(`id`).
pub fn normal(loc: f64, scale: f64, shape: &[usize], dtype: DType, id: usize, seed: u64) -> Result<Tensor> {
    let gpu = device::gpu(id)?;
    let (out, o) = new_out(&gpu, dtype, shape)?;
    let n = out.numel();
    if n > 0 {
        // cuRAND draws normals in pairs: an odd count goes through a buffer one longer.
        let raw = CudaBuffer::alloc(&gpu, dtype, n + n % 2)?;
        gpu.backend.random(Draw::Normal, dtype, raw.ptr(), raw.len(), seed)?;
        let name = kernel(&format!("normal_scale_{}", tag(dtype)))?;
        Args::new().usize(n).ptr(raw.ptr()).ptr(o).f64(loc).f64(scale).launch(&gpu, name, n, BLOCK)?;
    }
    Ok(out)
}

/// Integers uniform in `[low, high)` on gpu(`id`) (`low < high`, checked by the caller).
pub fn randint(low: i64, high: i64, shape: &[usize], dtype: DType, id: usize, seed: u64) -> Result<Tensor> {
    let gpu = device::gpu(id)?;
    let (out, o) = new_out(&gpu, dtype, shape)?;
    let n = out.numel();
    if n > 0 {
        // Two 32-bit words per element (held in an int32 buffer of twice the length).
        let bits = CudaBuffer::alloc(&gpu, DType::I32, 2 * n)?;
        gpu.backend.random(Draw::Bits, dtype, bits.ptr(), 2 * n, seed)?;
        let span = high.wrapping_sub(low) as u64;
        let name = kernel(&format!("randint_{}", tag(dtype)))?;
        Args::new().usize(n).ptr(bits.ptr()).ptr(o).i64(low).u64(span).launch(&gpu, name, n, BLOCK)?;
    }
    Ok(out)
}

//! Random arrays drawn on a GPU: cuRAND's raw draws (uniform in (0, 1], standard normal,
//! random words) turned into the requested distribution by the `uniform_scale`,
//! `normal_scale` and `randint` kernels. Each call seeds the device generator with a number
//! drawn from the engine's own generator, so `np.random.seed` makes GPU draws repeatable too
//! (they differ from the CPU's draws for the same seed, as in MXNet and PyTorch).

use super::new_out;
use crate::cuda::backend::Draw;
use crate::cuda::buffer::CudaBuffer;
use crate::cuda::device;
use crate::cuda::kernels::KernelTable;
use crate::cuda::launch::{Args, BLOCK};
use crate::cuda::Cuda;
use crate::device::Device;
use crate::dtype::DType;
use crate::error::Result;
use crate::ops::random::{draw_seed, RandomKernels};
use crate::ops::registry::{DTypes, Family};
use crate::tensor::Tensor;

/// Compiled in the `creation` module.
pub const KERNELS: [Family; 3] = [Family::one("uniform_scale", DTypes::FLOAT), Family::one("normal_scale", DTypes::FLOAT), Family::one("randint", DTypes::INT)];
static UNIFORM: KernelTable = KernelTable::new(KERNELS[0]);
static NORMAL: KernelTable = KernelTable::new(KERNELS[1]);
static RANDINT: KernelTable = KernelTable::new(KERNELS[2]);

impl RandomKernels for Cuda {
    fn uniform(&self, low: f64, high: f64, shape: &[usize], dtype: DType, device: Device) -> Result<Tensor> {
        let (gpu, seed) = (device::gpu(device.id())?, draw_seed());
        let (out, o) = new_out(&gpu, dtype, shape)?;
        let n = out.numel();
        if n > 0 {
            gpu.backend.random(Draw::Uniform, dtype, o, n, seed)?;
            let name = UNIFORM.require(0, dtype)?;
            Args::new().usize(n).ptr(o).ptr(o).f64(low).f64(high).launch(&gpu, name, n, BLOCK)?;
        }
        Ok(out)
    }

    fn normal(&self, loc: f64, scale: f64, shape: &[usize], dtype: DType, device: Device) -> Result<Tensor> {
        let (gpu, seed) = (device::gpu(device.id())?, draw_seed());
        let (out, o) = new_out(&gpu, dtype, shape)?;
        let n = out.numel();
        if n > 0 {
            // cuRAND draws normals in pairs: an odd count goes through a buffer one longer.
            let raw = CudaBuffer::alloc(&gpu, dtype, n + n % 2)?;
            gpu.backend.random(Draw::Normal, dtype, raw.ptr(), raw.len(), seed)?;
            let name = NORMAL.require(0, dtype)?;
            Args::new().usize(n).ptr(raw.ptr()).ptr(o).f64(loc).f64(scale).launch(&gpu, name, n, BLOCK)?;
        }
        Ok(out)
    }

    fn randint(&self, low: i64, high: i64, shape: &[usize], dtype: DType, device: Device) -> Result<Tensor> {
        let (gpu, seed) = (device::gpu(device.id())?, draw_seed());
        let (out, o) = new_out(&gpu, dtype, shape)?;
        let n = out.numel();
        if n > 0 {
            // Two 32-bit words per element (held in an int32 buffer of twice the length).
            let bits = CudaBuffer::alloc(&gpu, DType::I32, 2 * n)?;
            gpu.backend.random(Draw::Bits, dtype, bits.ptr(), 2 * n, seed)?;
            let span = high.wrapping_sub(low) as u64;
            let name = RANDINT.require(0, dtype)?;
            Args::new().usize(n).ptr(bits.ptr()).ptr(o).i64(low).u64(span).launch(&gpu, name, n, BLOCK)?;
        }
        Ok(out)
    }
}

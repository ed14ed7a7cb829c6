//! Arrays made on a GPU without a host copy: zeros (a memset), constants (`fill_<T>`) and
//! ranges (`arange_<T>`, `linspace_<T>`, with the CPU engine's arithmetic).

use super::new_out;
use crate::cuda::device;
use crate::cuda::kernels::KernelTable;
use crate::cuda::launch::{Args, BLOCK};
use crate::cuda::Cuda;
use crate::device::Device;
use crate::dtype::DType;
use crate::error::Result;
use crate::ops::creation::CreationKernels;
use crate::ops::registry::{DTypes, Family};
use crate::tensor::{Scalar, Tensor};

pub const KERNELS: [Family; 3] = [Family::one("fill", DTypes::ALL), Family::one("arange", DTypes::ALL), Family::one("linspace", DTypes::ALL)];
static FILL: KernelTable = KernelTable::new(KERNELS[0]);
static ARANGE: KernelTable = KernelTable::new(KERNELS[1]);
static LINSPACE: KernelTable = KernelTable::new(KERNELS[2]);

impl CreationKernels for Cuda {
    /// Zeros are a memset; other constants the `fill` kernel.
    fn full(&self, shape: &[usize], value: Scalar, dtype: DType, device: Device) -> Result<Tensor> {
        let gpu = device::gpu(device.id())?;
        let (out, o) = new_out(&gpu, dtype, shape)?;
        let n = out.numel();
        if value.is_zero_bits() {
            gpu.backend.memset_zero(o, n * dtype.size())?;
            return Ok(out);
        }
        let name = FILL.require(0, dtype)?;
        Args::new().usize(n).ptr(o).scalar(value, dtype).launch(&gpu, name, n, BLOCK)?;
        Ok(out)
    }

    fn arange(&self, start: f64, step: f64, n: usize, dtype: DType, device: Device) -> Result<Tensor> {
        let gpu = device::gpu(device.id())?;
        let (out, o) = new_out(&gpu, dtype, &[n])?;
        let name = ARANGE.require(0, dtype)?;
        let args = Args::new().usize(n).ptr(o);
        let args = if dtype.is_float() { args.f64(start).f64((start + step) - start) } else { args.i64(start as i64).i64(step as i64) };
        args.launch(&gpu, name, n, BLOCK)?;
        Ok(out)
    }

    fn linspace(&self, start: f64, step: f64, stop: f64, n: usize, endpoint: bool, dtype: DType, device: Device) -> Result<Tensor> {
        let gpu = device::gpu(device.id())?;
        let (out, o) = new_out(&gpu, dtype, &[n])?;
        let name = LINSPACE.require(0, dtype)?;
        Args::new().usize(n).ptr(o).f64(start).f64(step).f64(stop).u32(endpoint as u32).launch(&gpu, name, n, BLOCK)?;
        Ok(out)
    }
}

//! Copies and conversions on a GPU (`cast_<S>_<D>`, `set_<S>_<D>`), and moving arrays
//! between devices.

use super::{base_ptr, gpu_of, new_out, off, written_ptr};
use crate::cuda::buffer::CudaBuffer;
use crate::cuda::device;
use crate::cuda::kernels::KernelTable;
use crate::cuda::launch::{Strided, BLOCK};
use crate::cuda::Cuda;
use crate::device::Device;
use crate::dtype::DType;
use crate::error::{fmt_shape, Error, Result};
use crate::ops::copy::CopyKernels;
use crate::ops::registry::{tag, DTypes, Family};
use crate::storage::{CpuStorage, Memory};
use crate::tensor::Tensor;

/// Conversions `cast_<S>_<D>` (dense) and `set_<S>_<D>` (into a view), and `fill_strided_<T>`
/// (compiled, unused: fills are assignments of a 0-d array).
pub const KERNELS: [Family; 3] = [
    Family::rows("cast", 6, |i| tag(DType::ALL[i]), |_| DTypes::ALL),
    Family::rows("set", 6, |i| tag(DType::ALL[i]), |_| DTypes::ALL),
    Family::one("fill_strided", DTypes::ALL),
];
static CAST: KernelTable = KernelTable::new(KERNELS[0]);
static SET: KernelTable = KernelTable::new(KERNELS[1]);

/// A dense copy of `x` converted to `dtype`.
pub fn astype(x: &Tensor, dtype: DType) -> Result<Tensor> {
    let gpu = gpu_of(x)?;
    let (out, o) = new_out(&gpu, dtype, x.shape())?;
    let plan = Strided::new(&gpu, x.shape(), &[x.layout().strides()])?;
    let name = CAST.require(x.dtype() as usize, dtype)?;
    plan.args().ptr(base_ptr(x)?).i64(off(x)).ptr(o).launch(&gpu, name, plan.numel, BLOCK)?;
    Ok(out)
}

impl CopyKernels for Cuda {
    fn astype(&self, x: &Tensor, dtype: DType) -> Result<Tensor> {
        astype(x, dtype)
    }

    fn assign(&self, dst: &Tensor, src: &Tensor) -> Result<()> {
        let gpu = gpu_of(dst)?;
        let src_layout = src.layout();
        let plan = Strided::new(&gpu, dst.shape(), &[dst.layout().strides(), src_layout.strides()])?;
        let name = SET.require(src.dtype() as usize, dst.dtype())?;
        let s = base_ptr(src)?;
        let d = written_ptr(dst)?;
        plan.args().ptr(d).i64(off(dst)).ptr(s).i64(src_layout.offset() as i64).launch(&gpu, name, plan.numel, BLOCK)
    }

    /// Host to GPU and back go through one dense host buffer; between GPUs the bytes are
    /// copied device to device.
    fn to_device(&self, x: &Tensor, device: Device) -> Result<Tensor> {
        to_device(x, device)
    }

    fn store(&self, data: CpuStorage, shape: &[usize], device: Device) -> Result<Tensor> {
        crate::layout::checked_numel(shape)?;
        let len = data.len();
        let buf = CudaBuffer::upload(&device::gpu(device.id())?, &data)?;
        drop(data);
        if len != buf.len() {
            return Err(Error::Shape(format!("{len} elements cannot form an array of shape {}", fmt_shape(shape))));
        }
        Tensor::from_memory(Memory::Cuda(buf), shape, device)
    }

    fn synchronize(&self, device: Device) -> Result<()> {
        device::gpu(device.id())?.backend.synchronize()
    }
}

fn to_device(x: &Tensor, device: Device) -> Result<Tensor> {
    let dense = if let Device::Gpu(_) = x.device() { astype(x, x.dtype())? } else { x.contiguous()? };
    match device {
        Device::Cpu(_) => {
            let guard = dense.storage().read();
            let host = match &*guard {
                Memory::Cuda(b) => b.download()?,
                Memory::Host(h) => h.clone(),
            };
            Tensor::from_memory(Memory::Host(host), x.shape(), device)
        }
        Device::Gpu(id) => {
            let gpu = device::gpu(id)?;
            let guard = dense.storage().read();
            let buf = match &*guard {
                Memory::Host(_) => {
                    // The dense view may start inside its storage: copy just its elements.
                    let start = dense.layout().offset();
                    let part = crate::with_dtype!(x.dtype(), T => {
                        let all = crate::storage::typed::<T>(&guard)?;
                        <T as crate::storage::StorageElement>::wrap(all[start..start + x.numel()].to_vec())
                    });
                    CudaBuffer::upload(&gpu, &part)?
                }
                Memory::Cuda(b) => {
                    let out = CudaBuffer::alloc(&gpu, x.dtype(), x.numel())?;
                    gpu.backend.copy_on_device(out.ptr(), b.ptr(), out.bytes())?;
                    out
                }
            };
            Tensor::from_memory(Memory::Cuda(buf), x.shape(), device)
        }
    }
}

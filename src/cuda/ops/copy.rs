//! Copies and conversions on a GPU (`cast_<S>_<D>`, `set_<S>_<D>`), and moving arrays
//! between devices.

use super::{base_ptr, gpu_of, new_out, off, written_ptr};
use crate::cuda::buffer::CudaBuffer;
use crate::cuda::device;
use crate::cuda::launch::{kernel, tag, Strided, BLOCK};
use crate::device::Device;
use crate::dtype::DType;
use crate::error::Result;
use crate::layout::Layout;
use crate::storage::Memory;
use crate::tensor::Tensor;

/// A dense copy of `x` converted to `dtype`.
pub fn astype(x: &Tensor, dtype: DType) -> Result<Tensor> {
    let gpu = gpu_of(x)?;
    let (out, o) = new_out(&gpu, dtype, x.shape())?;
    let plan = Strided::new(&gpu, x.shape(), &[x.layout().strides()])?;
    let name = kernel(&format!("cast_{}_{}", tag(x.dtype()), tag(dtype)))?;
    plan.args().ptr(base_ptr(x)?).i64(off(x)).ptr(o).launch(&gpu, name, plan.numel, BLOCK)?;
    Ok(out)
}

/// Writes `src` (already broadcast to `dst`'s shape: `src_layout`) into the view `dst`,
/// converting to its dtype. `src` must not overlap `dst` (the caller copies first).
pub fn assign(dst: &Tensor, src: &Tensor, src_layout: &Layout) -> Result<()> {
    let gpu = gpu_of(dst)?;
    let plan = Strided::new(&gpu, dst.shape(), &[dst.layout().strides(), src_layout.strides()])?;
    let name = kernel(&format!("set_{}_{}", tag(src.dtype()), tag(dst.dtype())))?;
    let s = base_ptr(src)?;
    let d = written_ptr(dst)?;
    plan.args().ptr(d).i64(off(dst)).ptr(s).i64(src_layout.offset() as i64).launch(&gpu, name, plan.numel, BLOCK)
}

/// A copy of `x` on `device` (dense, same dtype). Host to GPU and back go through one dense
/// host buffer; between GPUs the bytes are copied device to device.
pub fn to_device(x: &Tensor, device: Device) -> Result<Tensor> {
    let dense = if x.device().device_type() == "gpu" { astype(x, x.dtype())? } else { x.contiguous()? };
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

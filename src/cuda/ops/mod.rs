//! The GPU backend (`crate::cuda::Cuda`): each file implements one op family's primitives
//! trait (`ops::unary::UnaryKernels`, ...), mirroring `crate::ops`; `ops::backend::on` sends
//! GPU tensors here. Everything else (views, shape functions, the composite operations built
//! from these) is device-agnostic and runs unchanged.
//!
//! Host fallbacks: none. Every primitive runs on the device (index bounds are checked on the
//! host, which reads the index arrays back; see `index.rs`).

pub mod binary;
pub mod conv;
pub mod copy;
pub mod creation;
pub mod index;
pub mod linear;
pub mod matmul;
pub mod norm;
pub mod optim;
pub mod pool;
pub mod random;
pub mod reduce;
pub mod rnn;
pub mod sort;
pub mod unary;
pub mod where_clip;

use super::backend::DevicePtr;
use super::buffer::CudaBuffer;
use super::device::{self, Gpu};
use crate::device::Device;
use crate::dtype::DType;
use crate::error::{Error, Result};
use crate::storage::Memory;
use crate::tensor::Tensor;
use std::sync::Arc;

/// The GPU holding `t`.
pub fn gpu_of(t: &Tensor) -> Result<Arc<Gpu>> {
    match t.device() {
        Device::Gpu(id) => device::gpu(id),
        d => Err(Error::Device(format!("internal: an array on {d} reached a GPU kernel"))),
    }
}

/// The device address of element 0 of `t`'s storage (views add their element offset).
pub fn base_ptr(t: &Tensor) -> Result<DevicePtr> {
    let guard = t.storage().read();
    match &*guard {
        Memory::Cuda(b) => Ok(b.ptr()),
        Memory::Host(_) => Err(Error::Device(format!("internal: an array in host memory is labelled {}", t.device()))),
    }
}

/// A fresh dense tensor of `shape` on `gpu` and its device address; the caller's kernel
/// writes every element.
pub fn new_out(gpu: &Arc<Gpu>, dtype: DType, shape: &[usize]) -> Result<(Tensor, DevicePtr)> {
    let n = crate::layout::checked_numel(shape)?;
    let buf = CudaBuffer::alloc(gpu, dtype, n)?;
    let ptr = buf.ptr();
    Ok((Tensor::from_memory(Memory::Cuda(buf), shape, Device::Gpu(gpu.id))?, ptr))
}

/// Marks `t`'s storage as written (autograd's version check) and returns its address.
pub fn written_ptr(t: &Tensor) -> Result<DevicePtr> {
    let guard = t.storage().write();
    match &*guard {
        Memory::Cuda(b) => Ok(b.ptr()),
        Memory::Host(_) => Err(Error::Device(format!("internal: an array in host memory is labelled {}", t.device()))),
    }
}

/// A layout's element offset as the kernels take it.
pub fn off(t: &Tensor) -> i64 {
    t.layout().offset() as i64
}

//! `CudaBuffer`: the device memory behind a GPU tensor, freed when the last view goes.

use super::backend::DevicePtr;
use super::device::Gpu;
use crate::dtype::DType;
use crate::error::Result;
use crate::storage::CpuStorage;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// Copies between host and device memory so far: (to the device, to the host). Each one
/// waits for the work queued before it, so the tests check that a training step makes none.
static TO_DEVICE: AtomicU64 = AtomicU64::new(0);
static TO_HOST: AtomicU64 = AtomicU64::new(0);

/// (host-to-device copies, device-to-host copies) since the process started.
pub fn transfers() -> (u64, u64) {
    (TO_DEVICE.load(Ordering::Relaxed), TO_HOST.load(Ordering::Relaxed))
}

pub struct CudaBuffer {
    gpu: Arc<Gpu>,
    ptr: DevicePtr,
    /// The size class of the block (see `Gpu::alloc`).
    class: usize,
    len: usize,
    dtype: DType,
}

impl std::fmt::Debug for CudaBuffer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CudaBuffer({} x {} on {:?})", self.len, self.dtype, self.gpu)
    }
}

impl CudaBuffer {
    /// `len` elements of `dtype`, uninitialized: the caller's kernel writes every one.
    pub fn alloc(gpu: &Arc<Gpu>, dtype: DType, len: usize) -> Result<CudaBuffer> {
        let bytes = len.checked_mul(dtype.size()).ok_or_else(|| crate::error::Error::Memory(format!("{len} elements of {dtype} do not fit in memory")))?;
        let (ptr, class) = gpu.alloc(bytes)?;
        Ok(CudaBuffer { gpu: gpu.clone(), ptr, class, len, dtype })
    }

    pub fn zeros(gpu: &Arc<Gpu>, dtype: DType, len: usize) -> Result<CudaBuffer> {
        let b = CudaBuffer::alloc(gpu, dtype, len)?;
        gpu.backend.memset_zero(b.ptr, b.bytes())?;
        Ok(b)
    }

    /// A device copy of host data.
    pub fn upload(gpu: &Arc<Gpu>, data: &CpuStorage) -> Result<CudaBuffer> {
        let b = CudaBuffer::alloc(gpu, data.dtype(), data.len())?;
        // SAFETY: a CpuStorage's elements are plain bytes, `len * size` of them (bool is one
        // byte holding 0 or 1).
        let bytes = unsafe { std::slice::from_raw_parts(data.as_ptr(), b.bytes()) };
        gpu.backend.copy_from_host(b.ptr, bytes)?;
        TO_DEVICE.fetch_add(1, Ordering::Relaxed);
        Ok(b)
    }

    /// The whole buffer copied to the host.
    pub fn download(&self) -> Result<CpuStorage> {
        let mut host = CpuStorage::zeros(self.dtype, self.len)?;
        let bytes = self.bytes();
        // SAFETY: the host storage has exactly `bytes` bytes; every byte pattern the kernels
        // write is a valid element (bools are written as 0 or 1).
        let dst = unsafe { std::slice::from_raw_parts_mut(host.as_mut_ptr(), bytes) };
        self.gpu.backend.copy_to_host(dst, self.ptr)?;
        TO_HOST.fetch_add(1, Ordering::Relaxed);
        Ok(host)
    }

    pub fn gpu(&self) -> &Arc<Gpu> {
        &self.gpu
    }

    /// The address of element 0.
    pub fn ptr(&self) -> DevicePtr {
        self.ptr
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn dtype(&self) -> DType {
        self.dtype
    }

    pub fn bytes(&self) -> usize {
        self.len * self.dtype.size()
    }
}

impl Drop for CudaBuffer {
    fn drop(&mut self) {
        self.gpu.free(self.ptr, self.class);
    }
}

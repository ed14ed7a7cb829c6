//! What the CUDA backend needs from a device: memory, copies, kernel launches and matrix
//! products. Two implementations: `driver::Driver` (a real GPU through cudarc) and
//! `emulator::Emulator` (the same kernel sources compiled for the host, which lets the whole
//! GPU path, from dispatch to kernel arguments, run and be tested on a machine without a GPU).

use super::kernels::Kernel;
use crate::dtype::DType;
use crate::error::Result;
use std::ffi::c_void;

/// A device address (CUdeviceptr). In the emulator it is a host address.
pub type DevicePtr = u64;

/// One column-major strided-batched product as cuBLAS computes it:
/// `C[p] = op(A[p]) * op(B[p])` for `p < batch`, `C` (m x n) with leading dimension `ldc`,
/// `op(A)` (m x k), `op(B)` (k x n); `trans_*` transposes an operand first.
#[derive(Clone, Copy, Debug)]
pub struct Gemm {
    pub dtype: DType,
    pub trans_a: bool,
    pub trans_b: bool,
    pub m: usize,
    pub n: usize,
    pub k: usize,
    pub a: DevicePtr,
    pub lda: usize,
    pub stride_a: usize,
    pub b: DevicePtr,
    pub ldb: usize,
    pub stride_b: usize,
    pub c: DevicePtr,
    pub ldc: usize,
    pub stride_c: usize,
    pub batch: usize,
    /// Adds the product to `c` (cuBLAS's beta = 1) instead of overwriting it.
    pub accumulate: bool,
}

/// The raw draws of the device generator (cuRAND's): uniform in (0, 1] or standard normal,
/// in float32 or float64, or random 32-bit words (`Bits`, dtype ignored).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Draw {
    Uniform,
    Normal,
    Bits,
}

/// A device's operations. Every call is ordered after the ones before it (one stream per
/// device); copies to the host return once the data is there.
pub trait Backend: Send + Sync {
    /// What this is, for messages ("NVIDIA H200 (sm_90)", "host emulator").
    fn describe(&self) -> String;
    /// `bytes` of uninitialized device memory (never 0 bytes: callers round up).
    fn alloc(&self, bytes: usize) -> Result<DevicePtr>;
    /// Frees memory from `alloc`, after the work queued before it.
    fn free(&self, ptr: DevicePtr);
    fn memset_zero(&self, dst: DevicePtr, bytes: usize) -> Result<()>;
    fn copy_from_host(&self, dst: DevicePtr, src: &[u8]) -> Result<()>;
    fn copy_to_host(&self, dst: &mut [u8], src: DevicePtr) -> Result<()>;
    fn copy_on_device(&self, dst: DevicePtr, src: DevicePtr, bytes: usize) -> Result<()>;
    /// Launches `kernel` on a 1-D grid; `params` points at each argument's value, as
    /// cuLaunchKernel takes them.
    fn launch(&self, kernel: Kernel, grid: u32, block: u32, params: &mut [*mut c_void]) -> Result<()>;
    /// A float matrix product (f32 or f64).
    fn gemm(&self, g: &Gemm) -> Result<()>;
    /// `n` draws of `kind` (elements of `dtype`, or u32 words for `Bits`) into `dst`, from a
    /// generator seeded with `seed` (`n` is even for `Normal`, as cuRAND requires).
    fn random(&self, kind: Draw, dtype: DType, dst: DevicePtr, n: usize, seed: u64) -> Result<()>;
    /// Waits for every queued operation.
    fn synchronize(&self) -> Result<()>;
    /// The largest grid and block a launch should use (the emulator runs few threads).
    fn max_grid(&self) -> u32;
    fn max_block(&self) -> u32;
}

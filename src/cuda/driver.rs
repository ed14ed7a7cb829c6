//! A real GPU through cudarc: the device's primary context, the legacy default stream (so
//! every call is ordered after the ones before it, and synchronous copies wait for queued
//! kernels), kernels compiled with NVRTC for the device's architecture at first use (kept in
//! memory per device and as CUBIN files on disk, see `cache`), and cuBLAS for float products.

use super::backend::{Backend, DevicePtr, Draw, Gemm};
use super::guarded;
use super::kernels::{self, Kernel};
use crate::dtype::DType;
use crate::error::{Error, Result};
use cudarc::driver::{result as cu, sys, CudaContext};
use parking_lot::Mutex;
use std::collections::HashMap;
use std::ffi::{c_void, CString};
use std::sync::Arc;

pub struct Driver {
    ordinal: usize,
    ctx: Arc<CudaContext>,
    arch: String,
    name: String,
    /// Loaded modules by name, and their functions by kernel id (`Kernel::id`).
    modules: Mutex<HashMap<&'static str, sys::CUmodule>>,
    functions: Mutex<Vec<Option<sys::CUfunction>>>,
    /// Created at the first float product: loading cuBLAS costs hundreds of milliseconds.
    blas: Mutex<Option<BlasHandle>>,
    /// The cuRAND generator (Philox), created at the first random draw.
    rng: Mutex<Option<RngHandle>>,
}

struct BlasHandle(cudarc::cublas::sys::cublasHandle_t);
struct RngHandle(cudarc::curand::sys::curandGenerator_t);
unsafe impl Send for RngHandle {}

// SAFETY: the raw handles are only used under the locks above, with the context bound.
unsafe impl Send for Driver {}
unsafe impl Sync for Driver {}
unsafe impl Send for BlasHandle {}

fn driver_error(what: &str, e: impl std::fmt::Debug) -> Error {
    Error::Device(format!("CUDA {what} failed: {e:?}"))
}

/// Runs a cudarc call that can panic when a symbol is missing; the panic becomes an error.
fn call<R>(what: &str, f: impl FnOnce() -> std::result::Result<R, cu::DriverError>) -> Result<R> {
    match guarded(f) {
        Some(r) => r.map_err(|e| driver_error(what, e)),
        None => Err(Error::Device(format!("CUDA {what} failed: a CUDA library symbol is missing"))),
    }
}

impl Driver {
    /// Opens GPU `ordinal` (the caller has checked that it exists).
    pub fn open(ordinal: usize) -> Result<Driver> {
        let ctx = call("context creation", || CudaContext::new(ordinal))?;
        let (major, minor) = call("compute capability query", || ctx.compute_capability())?;
        let name = call("device name query", || ctx.name()).unwrap_or_else(|_| "GPU".into());
        Ok(Driver {
            ordinal,
            ctx,
            arch: format!("sm_{major}{minor}"),
            name,
            modules: Mutex::new(HashMap::new()),
            functions: Mutex::new(vec![None; kernels::count()]),
            blas: Mutex::new(None),
            rng: Mutex::new(None),
        })
    }

    fn bind(&self) -> Result<()> {
        call("context binding", || self.ctx.bind_to_thread())
    }

    /// The function `kernel`, compiling and loading its module at first use.
    fn function(&self, kernel: Kernel) -> Result<sys::CUfunction> {
        if let Some(Some(f)) = self.functions.lock().get(kernel.id) {
            return Ok(*f);
        }
        let src = &kernels::SOURCES[kernel.module];
        let mut modules = self.modules.lock();
        let module = match modules.get(src.module) {
            Some(&m) => m,
            None => {
                let cubin = super::cache::cubin(src, &self.arch).map_err(|log| {
                    Error::Device(format!("compiling the CUDA kernels of '{}' for gpu({}) failed: {log}", src.module, self.ordinal))
                })?;
                self.bind()?;
                // SAFETY: `cubin` is a complete CUBIN image produced by NVRTC.
                let m = call("module loading", || unsafe { cu::module::load_data(cubin.as_ptr() as *const c_void) })?;
                modules.insert(src.module, m);
                m
            }
        };
        let name = CString::new(kernel.name).map_err(|_| Error::Device("internal: bad kernel name".into()))?;
        // SAFETY: the module is loaded and never unloaded while the process runs.
        let f = call("kernel lookup", || unsafe { cu::module::get_function(module, name) })?;
        if let Some(slot) = self.functions.lock().get_mut(kernel.id) {
            *slot = Some(f);
        }
        Ok(f)
    }

    fn with_blas<R>(&self, f: impl FnOnce(cudarc::cublas::sys::cublasHandle_t) -> Result<R>) -> Result<R> {
        let mut blas = self.blas.lock();
        if blas.is_none() {
            // SAFETY: the probe only tries to dlopen candidate library names.
            let present = guarded(|| unsafe { cudarc::cublas::sys::is_culib_present() }).unwrap_or(false);
            if !present {
                return Err(Error::Device(
                    "float matrix products on a GPU need cuBLAS (libcublas.so.12), which was not found; install nvidia-cublas-cu12 or a CUDA toolkit".into(),
                ));
            }
            self.bind()?;
            let h = guarded(cudarc::cublas::result::create_handle)
                .ok_or_else(|| Error::Device("cuBLAS could not be loaded".into()))?
                .map_err(|e| driver_error("cuBLAS initialization", e))?;
            *blas = Some(BlasHandle(h));
        }
        self.bind()?;
        f(blas.as_ref().map(|b| b.0).unwrap_or(std::ptr::null_mut()))
    }
}

impl Backend for Driver {
    fn describe(&self) -> String {
        format!("{} ({})", self.name, self.arch)
    }

    fn alloc(&self, bytes: usize) -> Result<DevicePtr> {
        self.bind()?;
        // SAFETY: plain allocation in the bound context.
        call("allocation", || unsafe { cu::malloc_sync(bytes.max(1)) }).map_err(|e| match e {
            Error::Device(m) if m.contains("OUT_OF_MEMORY") => Error::Memory(format!(
                "gpu({}) is out of memory: cannot allocate {} MiB",
                self.ordinal,
                bytes >> 20
            )),
            e => e,
        })
    }

    fn free(&self, ptr: DevicePtr) {
        if self.bind().is_ok() {
            // SAFETY: `ptr` came from `alloc` and is freed once (CudaBuffer's Drop).
            let _ = call("free", || unsafe { cu::free_sync(ptr) });
        }
    }

    fn memset_zero(&self, dst: DevicePtr, bytes: usize) -> Result<()> {
        self.bind()?;
        // SAFETY: the caller passes a live range of device memory.
        call("memset", || unsafe { cu::memset_d8_sync(dst, 0, bytes) })
    }

    fn copy_from_host(&self, dst: DevicePtr, src: &[u8]) -> Result<()> {
        self.bind()?;
        // SAFETY: `dst` holds at least `src.len()` bytes.
        call("host-to-device copy", || unsafe { cu::memcpy_htod_sync(dst, src) })
    }

    fn copy_to_host(&self, dst: &mut [u8], src: DevicePtr) -> Result<()> {
        self.bind()?;
        // SAFETY: `src` holds at least `dst.len()` bytes.
        call("device-to-host copy", || unsafe { cu::memcpy_dtoh_sync(dst, src) })
    }

    fn copy_on_device(&self, dst: DevicePtr, src: DevicePtr, bytes: usize) -> Result<()> {
        self.bind()?;
        // SAFETY: both ranges are live device memory of at least `bytes`.
        call("device-to-device copy", || unsafe { cu::memcpy_dtod_sync(dst, src, bytes) })
    }

    fn launch(&self, kernel: Kernel, grid: u32, block: u32, params: &mut [*mut c_void]) -> Result<()> {
        let f = self.function(kernel)?;
        self.bind()?;
        // SAFETY: `params` matches the kernel's parameter list (the launchers in cuda/ops
        // follow the conventions of kernels/common.cuh, which tests check by name and arity).
        call(kernel.name, || unsafe { cu::launch_kernel(f, (grid, 1, 1), (block, 1, 1), 0, std::ptr::null_mut(), params) })
    }

    fn gemm(&self, g: &Gemm) -> Result<()> {
        use cudarc::cublas::{result as blas, sys::cublasOperation_t as Op};
        let op = |t: bool| if t { Op::CUBLAS_OP_T } else { Op::CUBLAS_OP_N };
        let int = |v: usize| i32::try_from(v).map_err(|_| Error::Value(format!("matrix dimension {v} is too large for cuBLAS")));
        let (m, n, k, lda, ldb, ldc, batch) = (int(g.m)?, int(g.n)?, int(g.k)?, int(g.lda)?, int(g.ldb)?, int(g.ldc)?, int(g.batch)?);
        let (sa, sb, sc) = (g.stride_a as i64, g.stride_b as i64, g.stride_c as i64);
        self.with_blas(|h| {
            let r = guarded(|| unsafe {
                // SAFETY: the pointers address live device memory laid out as the strides and
                // leading dimensions say (checked by the matmul launcher); alpha/beta are host values.
                match g.dtype {
                    DType::F32 => blas::sgemm_strided_batched(
                        h, op(g.trans_a), op(g.trans_b), m, n, k, &1.0f32, g.a as *const f32, lda, sa,
                        g.b as *const f32, ldb, sb, if g.accumulate { &1.0f32 } else { &0.0f32 }, g.c as *mut f32, ldc, sc, batch,
                    ),
                    _ => blas::dgemm_strided_batched(
                        h, op(g.trans_a), op(g.trans_b), m, n, k, &1.0f64, g.a as *const f64, lda, sa,
                        g.b as *const f64, ldb, sb, if g.accumulate { &1.0f64 } else { &0.0f64 }, g.c as *mut f64, ldc, sc, batch,
                    ),
                }
            });
            match r {
                Some(Ok(())) => Ok(()),
                Some(Err(e)) => Err(driver_error("cuBLAS gemm", e)),
                None => Err(Error::Device("cuBLAS gemm failed: a cuBLAS symbol is missing".into())),
            }
        })
    }

    fn random(&self, kind: Draw, dtype: DType, dst: DevicePtr, n: usize, seed: u64) -> Result<()> {
        use cudarc::curand::{result as rand, sys as rsys};
        let fail = |e: Option<std::result::Result<(), rand::CurandError>>| match e {
            Some(Ok(())) => Ok(()),
            Some(Err(e)) => Err(driver_error("cuRAND", e)),
            None => Err(Error::Device("cuRAND failed: a cuRAND symbol is missing".into())),
        };
        let mut rng = self.rng.lock();
        self.bind()?;
        if rng.is_none() {
            // SAFETY: the probe only tries to dlopen candidate library names.
            if !guarded(|| unsafe { rsys::is_culib_present() }).unwrap_or(false) {
                return Err(Error::Device(
                    "random arrays on a GPU need cuRAND (libcurand.so.10), which was not found; install nvidia-curand-cu12 or a CUDA toolkit".into(),
                ));
            }
            let g = guarded(|| rand::create_generator_kind(rsys::curandRngType_t::CURAND_RNG_PSEUDO_PHILOX4_32_10))
                .ok_or_else(|| Error::Device("cuRAND could not be loaded".into()))?
                .map_err(|e| driver_error("cuRAND initialization", e))?;
            *rng = Some(RngHandle(g));
        }
        let g = rng.as_ref().map(|r| r.0).unwrap_or(std::ptr::null_mut());
        // SAFETY: `g` is a live generator; `dst` holds `n` elements of the drawn type.
        fail(guarded(|| unsafe { rand::set_seed(g, seed) }))?;
        fail(guarded(|| unsafe { rand::set_offset(g, 0) }))?;
        fail(guarded(|| unsafe {
            match (kind, dtype) {
                (Draw::Uniform, DType::F32) => rand::generate::uniform_f32(g, dst as *mut f32, n),
                (Draw::Uniform, _) => rand::generate::uniform_f64(g, dst as *mut f64, n),
                (Draw::Normal, DType::F32) => rand::generate::normal_f32(g, dst as *mut f32, n, 0.0, 1.0),
                (Draw::Normal, _) => rand::generate::normal_f64(g, dst as *mut f64, n, 0.0, 1.0),
                (Draw::Bits, _) => rand::generate::uniform_u32(g, dst as *mut u32, n),
            }
        }))
    }

    fn synchronize(&self) -> Result<()> {
        self.bind()?;
        call("synchronize", cu::ctx::synchronize)
    }

    fn max_grid(&self) -> u32 {
        65535
    }

    fn max_block(&self) -> u32 {
        1024
    }
}

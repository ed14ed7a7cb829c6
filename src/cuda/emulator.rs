//! A GPU emulated on the host, for testing the CUDA backend on machines without a GPU.
//!
//! `DEEPBLOCKS_CUDA_EMULATOR=<library>` points at the kernel sources of `kernels/` compiled
//! as host C++ (tests/cuda_host_kernels.py `build_emulator`: every kernel gets an entry
//! `dbh_launch_<kernel>(grid, block, void** params)` whose threads run as real threads, with
//! barriers and atomics). The engine then sees `DEEPBLOCKS_CUDA_EMULATOR_DEVICES` GPUs
//! (default 2) and runs every GPU operation through the same launchers, kernel names and
//! argument lists as on a real device; only the driver calls differ: memory is host memory,
//! and float products follow cuBLAS's column-major contract in plain loops. What this cannot
//! check is said in the CUDA section of the README: the driver and cuBLAS calls themselves,
//! the NVRTC-compiled code's behaviour on real hardware, and speed.

use super::backend::{Backend, DevicePtr, Draw, Gemm};
use super::kernels::Kernel;
use crate::dtype::DType;
use crate::error::{Error, Result};
use parking_lot::Mutex;
use std::alloc::Layout;
use std::collections::HashMap;
use std::ffi::c_void;
use std::sync::{Arc, OnceLock};

type Entry = unsafe extern "C" fn(u32, u32, *mut *mut c_void);

/// The loaded library, shared by every emulated device.
pub struct Library {
    lib: libloading::Library,
    path: String,
}

/// The library named by `DEEPBLOCKS_CUDA_EMULATOR`, loaded once; `None` when unset.
pub fn library() -> Option<std::result::Result<Arc<Library>, String>> {
    static LIB: OnceLock<Option<std::result::Result<Arc<Library>, String>>> = OnceLock::new();
    LIB.get_or_init(|| {
        let path = std::env::var("DEEPBLOCKS_CUDA_EMULATOR").ok().filter(|p| !p.is_empty())?;
        // SAFETY: loading runs no initialization beyond the C++ runtime's static constructors.
        Some(match unsafe { libloading::Library::new(&path) } {
            Ok(lib) => Ok(Arc::new(Library { lib, path })),
            Err(e) => Err(format!("DEEPBLOCKS_CUDA_EMULATOR={path} cannot be loaded: {e}")),
        })
    })
    .clone()
}

/// The emulator library in use, when `DEEPBLOCKS_CUDA_EMULATOR` names one that loads.
pub fn active() -> Option<String> {
    match library() {
        Some(Ok(lib)) => Some(lib.path.clone()),
        _ => None,
    }
}

/// How many GPUs the emulator presents.
pub fn device_count() -> usize {
    std::env::var("DEEPBLOCKS_CUDA_EMULATOR_DEVICES").ok().and_then(|v| v.parse().ok()).unwrap_or(2)
}

/// Bytes written into fresh allocations, so that reading memory no kernel wrote shows up as
/// garbage in tests instead of passing as zeros.
const POISON: u8 = 0xA5;

pub struct Emulator {
    ordinal: usize,
    lib: Arc<Library>,
    /// Live allocations and their layouts.
    blocks: Mutex<HashMap<DevicePtr, Layout>>,
    /// The shim's grid state is global to each module: one launch at a time. Holds each
    /// kernel's entry point by `Kernel::id`, looked up at its first launch.
    launching: Mutex<Vec<Option<Entry>>>,
}

impl Emulator {
    pub fn new(ordinal: usize, lib: Arc<Library>) -> Emulator {
        Emulator { ordinal, lib, blocks: Mutex::new(HashMap::new()), launching: Mutex::new(vec![None; super::kernels::count()]) }
    }

    fn check(&self, ptr: DevicePtr, bytes: usize, what: &str) -> Result<()> {
        let blocks = self.blocks.lock();
        let inside = blocks.iter().any(|(&p, l)| ptr >= p && ptr + bytes as u64 <= p + l.size() as u64);
        if inside || bytes == 0 {
            Ok(())
        } else {
            Err(Error::Device(format!("emulated gpu({}): {what} of {bytes} bytes at {ptr:#x} is outside every allocation", self.ordinal)))
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        for (p, l) in self.blocks.lock().drain() {
            // SAFETY: each block was allocated with exactly this layout.
            unsafe { std::alloc::dealloc(p as *mut u8, l) };
        }
    }
}

impl Backend for Emulator {
    fn describe(&self) -> String {
        format!("host emulator ({})", self.lib.path)
    }

    fn alloc(&self, bytes: usize) -> Result<DevicePtr> {
        // Host memory stands in for the device's: more than the host has would be filled
        // (poisoned) below until the kernel killed the process.
        crate::storage::check_alloc(bytes, 1, "bytes of emulated GPU memory")?;
        let layout = Layout::from_size_align(bytes.max(1), 256).map_err(|_| Error::Memory(format!("cannot allocate {bytes} bytes")))?;
        // SAFETY: the layout is non-empty.
        let p = unsafe { std::alloc::alloc(layout) };
        if p.is_null() {
            return Err(Error::Memory(format!("emulated gpu({}) is out of memory ({bytes} bytes)", self.ordinal)));
        }
        // SAFETY: `p` is valid for `layout.size()` bytes.
        unsafe { std::ptr::write_bytes(p, POISON, layout.size()) };
        self.blocks.lock().insert(p as DevicePtr, layout);
        Ok(p as DevicePtr)
    }

    fn free(&self, ptr: DevicePtr) {
        if let Some(l) = self.blocks.lock().remove(&ptr) {
            // SAFETY: allocated by `alloc` with this layout, freed once.
            unsafe { std::alloc::dealloc(ptr as *mut u8, l) };
        }
    }

    fn memset_zero(&self, dst: DevicePtr, bytes: usize) -> Result<()> {
        self.check(dst, bytes, "memset")?;
        // SAFETY: checked to lie inside one allocation.
        unsafe { std::ptr::write_bytes(dst as *mut u8, 0, bytes) };
        Ok(())
    }

    fn copy_from_host(&self, dst: DevicePtr, src: &[u8]) -> Result<()> {
        self.check(dst, src.len(), "host-to-device copy")?;
        // SAFETY: checked bounds; host and emulated device memory never overlap.
        unsafe { std::ptr::copy_nonoverlapping(src.as_ptr(), dst as *mut u8, src.len()) };
        Ok(())
    }

    fn copy_to_host(&self, dst: &mut [u8], src: DevicePtr) -> Result<()> {
        self.check(src, dst.len(), "device-to-host copy")?;
        // SAFETY: as above.
        unsafe { std::ptr::copy_nonoverlapping(src as *const u8, dst.as_mut_ptr(), dst.len()) };
        Ok(())
    }

    fn copy_on_device(&self, dst: DevicePtr, src: DevicePtr, bytes: usize) -> Result<()> {
        self.check(dst, bytes, "device-to-device copy")?;
        // The source may be another emulated device's memory: both are host memory.
        // SAFETY: the destination is checked; the source is a live buffer of the caller.
        unsafe { std::ptr::copy(src as *const u8, dst as *mut u8, bytes) };
        Ok(())
    }

    fn launch(&self, kernel: Kernel, grid: u32, block: u32, params: &mut [*mut c_void]) -> Result<()> {
        let mut entries = self.launching.lock();
        let entry = match entries.get(kernel.id).copied().flatten() {
            Some(e) => e,
            None => {
                let symbol = format!("dbh_launch_{}\0", kernel.name);
                // SAFETY: every entry of the emulator library has this signature; the library
                // stays loaded as long as this emulator (it holds an `Arc` of it).
                let e: Entry = *unsafe { self.lib.lib.get::<Entry>(symbol.as_bytes()) }
                    .map_err(|_| Error::Device(format!("internal: the CUDA emulator has no kernel {}", kernel.name)))?;
                if let Some(slot) = entries.get_mut(kernel.id) {
                    *slot = Some(e);
                }
                e
            }
        };
        // SAFETY: `params` matches the kernel's parameter list, as for cuLaunchKernel.
        unsafe { entry(grid.max(1), block.max(1), params.as_mut_ptr()) };
        Ok(())
    }

    fn gemm(&self, g: &Gemm) -> Result<()> {
        // cuBLAS's contract: column-major, element (r, c) of a matrix at ptr[r + c * ld].
        fn run<T: crate::dtype::Element + std::ops::Mul<Output = T> + std::ops::Add<Output = T>>(g: &Gemm) {
            let at = |p: DevicePtr, i: usize| p as *mut T as usize + i * std::mem::size_of::<T>();
            for p in 0..g.batch {
                for c in 0..g.n {
                    for r in 0..g.m {
                        let mut acc = T::from_f64(0.0);
                        for q in 0..g.k {
                            let ai = if g.trans_a { q + r * g.lda } else { r + q * g.lda };
                            let bi = if g.trans_b { c + q * g.ldb } else { q + c * g.ldb };
                            // SAFETY: the launcher sized the operands for these indices.
                            unsafe {
                                let a = *(at(g.a, p * g.stride_a + ai) as *const T);
                                let b = *(at(g.b, p * g.stride_b + bi) as *const T);
                                acc = acc + a * b;
                            }
                        }
                        let dst = at(g.c, p * g.stride_c + r + c * g.ldc) as *mut T;
                        // SAFETY: as above.
                        unsafe { *dst = if g.accumulate { *dst + acc } else { acc } };
                    }
                }
            }
        }
        let size = g.dtype.size();
        self.check(g.c, size * ((g.batch.max(1) - 1) * g.stride_c + g.m.max(1) + (g.n.max(1) - 1) * g.ldc), "gemm output")?;
        match g.dtype {
            DType::F32 => run::<f32>(g),
            DType::F64 => run::<f64>(g),
            d => return Err(Error::DType(format!("internal: gemm of {d}"))),
        }
        Ok(())
    }

    fn random(&self, kind: Draw, dtype: DType, dst: DevicePtr, n: usize, seed: u64) -> Result<()> {
        use rand::{Rng, SeedableRng};
        use rand_distr::{Distribution, StandardNormal};
        let size = if kind == Draw::Bits { 4 } else { dtype.size() };
        self.check(dst, n * size, "random draw")?;
        let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
        for i in 0..n {
            // SAFETY: checked to lie inside one allocation.
            unsafe {
                match (kind, dtype) {
                    // cuRAND's uniform interval is (0, 1].
                    (Draw::Uniform, DType::F32) => *(dst as *mut f32).add(i) = 1.0 - rng.random::<f32>(),
                    (Draw::Uniform, _) => *(dst as *mut f64).add(i) = 1.0 - rng.random::<f64>(),
                    (Draw::Normal, DType::F32) => *(dst as *mut f32).add(i) = StandardNormal.sample(&mut rng),
                    (Draw::Normal, _) => *(dst as *mut f64).add(i) = StandardNormal.sample(&mut rng),
                    (Draw::Bits, _) => *(dst as *mut u32).add(i) = rng.random::<u32>(),
                }
            }
        }
        Ok(())
    }

    fn synchronize(&self) -> Result<()> {
        Ok(())
    }

    fn max_grid(&self) -> u32 {
        3
    }

    fn max_block(&self) -> u32 {
        16
    }
}

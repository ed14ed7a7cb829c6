//! The memory behind tensors. One `Storage` is shared by a base array and all of its views;
//! the lock gives interior mutability so that a write through any view reaches the others.

use crate::dtype::{DType, Element};
use crate::error::{Error, Result};
use parking_lot::RwLock;
use std::sync::atomic::{AtomicU64, Ordering};

/// Buffers at least this big ask the kernel for transparent huge pages: first-touch page
/// faults, not arithmetic, dominate large elementwise operations (NumPy does the same).
const HUGE_PAGE_BYTES: usize = 4 << 20;

/// Advises the kernel to back `[ptr, ptr + bytes)` with huge pages (Linux only; a hint).
pub(crate) fn advise_huge_pages(ptr: *const u8, bytes: usize) {
    #[cfg(target_os = "linux")]
    if bytes >= HUGE_PAGE_BYTES {
        const HUGE: usize = 2 << 20;
        let start = (ptr as usize).div_ceil(HUGE) * HUGE;
        let end = (ptr as usize + bytes) / HUGE * HUGE;
        if end > start {
            // SAFETY: the range lies inside one live allocation; madvise only changes paging.
            unsafe {
                libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_HUGEPAGE);
            }
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = (ptr, bytes);
}

fn out_of_memory<T>(n: usize) -> Error {
    Error::Memory(format!(
        "cannot allocate {n} elements of {} bytes each ({} MiB)",
        std::mem::size_of::<T>(),
        (n as u128 * std::mem::size_of::<T>() as u128) >> 20
    ))
}

/// An empty vector with room for `n` elements (huge-page backed when large). Failing to
/// allocate is an error, not an abort.
pub(crate) fn alloc_vec<T>(n: usize) -> Result<Vec<T>> {
    let mut v: Vec<T> = Vec::new();
    v.try_reserve_exact(n).map_err(|_| out_of_memory::<T>(n))?;
    advise_huge_pages(v.as_ptr() as *const u8, n * std::mem::size_of::<T>());
    Ok(v)
}

/// `n` copies of `value`.
pub(crate) fn filled_vec<T: Copy>(n: usize, value: T) -> Result<Vec<T>> {
    let mut v = alloc_vec(n)?;
    v.resize(n, value);
    Ok(v)
}

/// `n` zero elements, from zeroed pages that the kernel maps lazily.
fn zeroed_vec<T: Element>(n: usize) -> Result<Vec<T>> {
    if n == 0 || std::mem::size_of::<T>() == 0 {
        return Ok(Vec::new());
    }
    let layout = std::alloc::Layout::array::<T>(n).map_err(|_| out_of_memory::<T>(n))?;
    // SAFETY: the layout is non-empty; all-zero bytes are a valid value of every element type
    // (false, 0, 0.0); the buffer is handed to Vec with the layout it was allocated with.
    unsafe {
        let ptr = std::alloc::alloc_zeroed(layout) as *mut T;
        if ptr.is_null() {
            return Err(out_of_memory::<T>(n));
        }
        advise_huge_pages(ptr as *const u8, layout.size());
        Ok(Vec::from_raw_parts(ptr, n, n))
    }
}

/// Host memory of one dtype.
#[derive(Debug, Clone)]
pub enum CpuStorage {
    Bool(Vec<bool>),
    U8(Vec<u8>),
    I32(Vec<i32>),
    I64(Vec<i64>),
    F32(Vec<f32>),
    F64(Vec<f64>),
}

/// Maps an `Element` type to its `CpuStorage` variant.
pub trait StorageElement: Element {
    fn wrap(v: Vec<Self>) -> CpuStorage;
    fn slice(s: &CpuStorage) -> Option<&[Self]>;
    fn slice_mut(s: &mut CpuStorage) -> Option<&mut [Self]>;
}

macro_rules! storage_element {
    ($t:ty, $variant:ident) => {
        impl StorageElement for $t {
            fn wrap(v: Vec<Self>) -> CpuStorage {
                CpuStorage::$variant(v)
            }
            #[inline]
            fn slice(s: &CpuStorage) -> Option<&[Self]> {
                match s {
                    CpuStorage::$variant(v) => Some(v),
                    _ => None,
                }
            }
            #[inline]
            fn slice_mut(s: &mut CpuStorage) -> Option<&mut [Self]> {
                match s {
                    CpuStorage::$variant(v) => Some(v),
                    _ => None,
                }
            }
        }
    };
}
storage_element!(bool, Bool);
storage_element!(u8, U8);
storage_element!(i32, I32);
storage_element!(i64, I64);
storage_element!(f32, F32);
storage_element!(f64, F64);

impl CpuStorage {
    pub fn dtype(&self) -> DType {
        match self {
            CpuStorage::Bool(_) => DType::Bool,
            CpuStorage::U8(_) => DType::U8,
            CpuStorage::I32(_) => DType::I32,
            CpuStorage::I64(_) => DType::I64,
            CpuStorage::F32(_) => DType::F32,
            CpuStorage::F64(_) => DType::F64,
        }
    }

    pub fn len(&self) -> usize {
        match self {
            CpuStorage::Bool(v) => v.len(),
            CpuStorage::U8(v) => v.len(),
            CpuStorage::I32(v) => v.len(),
            CpuStorage::I64(v) => v.len(),
            CpuStorage::F32(v) => v.len(),
            CpuStorage::F64(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Address of the first element (for zero-copy export to NumPy).
    pub fn as_ptr(&self) -> *const u8 {
        match self {
            CpuStorage::Bool(v) => v.as_ptr() as *const u8,
            CpuStorage::U8(v) => v.as_ptr(),
            CpuStorage::I32(v) => v.as_ptr() as *const u8,
            CpuStorage::I64(v) => v.as_ptr() as *const u8,
            CpuStorage::F32(v) => v.as_ptr() as *const u8,
            CpuStorage::F64(v) => v.as_ptr() as *const u8,
        }
    }

    /// Address of the first element, for writing.
    pub fn as_mut_ptr(&mut self) -> *mut u8 {
        self.as_ptr() as *mut u8
    }

    /// `n` zero elements of `dtype`.
    pub fn zeros(dtype: DType, n: usize) -> Result<CpuStorage> {
        crate::with_dtype!(dtype, T => Ok(T::wrap(zeroed_vec::<T>(n)?)))
    }
}

/// Where a storage's elements live: host memory, or a GPU's (feature `cuda`).
#[derive(Debug)]
pub enum Memory {
    Host(CpuStorage),
    #[cfg(feature = "cuda")]
    Cuda(crate::cuda::CudaBuffer),
}

impl Memory {
    pub fn dtype(&self) -> DType {
        match self {
            Memory::Host(h) => h.dtype(),
            #[cfg(feature = "cuda")]
            Memory::Cuda(b) => b.dtype(),
        }
    }

    pub fn len(&self) -> usize {
        match self {
            Memory::Host(h) => h.len(),
            #[cfg(feature = "cuda")]
            Memory::Cuda(b) => b.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The host memory; an internal error for GPU memory (a CPU kernel reached a GPU array,
    /// which the dispatch in `ops` must prevent).
    pub fn host(&self) -> Result<&CpuStorage> {
        match self {
            Memory::Host(h) => Ok(h),
            #[cfg(feature = "cuda")]
            Memory::Cuda(_) => Err(on_gpu()),
        }
    }

    pub fn host_mut(&mut self) -> Result<&mut CpuStorage> {
        match self {
            Memory::Host(h) => Ok(h),
            #[cfg(feature = "cuda")]
            Memory::Cuda(_) => Err(on_gpu()),
        }
    }

    /// The device memory, when there is some.
    #[cfg(feature = "cuda")]
    pub fn cuda(&self) -> Option<&crate::cuda::CudaBuffer> {
        match self {
            Memory::Cuda(b) => Some(b),
            Memory::Host(_) => None,
        }
    }
}

#[cfg(feature = "cuda")]
fn on_gpu() -> Error {
    Error::Device("internal: a CPU kernel was given an array in GPU memory".into())
}

/// Shared, lockable memory. The lock is held only for the duration of one kernel.
#[derive(Debug)]
pub struct Storage {
    data: RwLock<Memory>,
    /// Bumped by every write, so autograd can tell that a value it saved has changed.
    version: AtomicU64,
}

impl Storage {
    pub fn new(data: CpuStorage) -> Storage {
        Storage::from_memory(Memory::Host(data))
    }

    pub fn from_memory(data: Memory) -> Storage {
        Storage { data: RwLock::new(data), version: AtomicU64::new(0) }
    }

    pub fn dtype(&self) -> DType {
        self.data.read_recursive().dtype()
    }

    pub fn len(&self) -> usize {
        self.data.read_recursive().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn read(&self) -> parking_lot::RwLockReadGuard<'_, Memory> {
        self.data.read_recursive()
    }

    pub fn write(&self) -> parking_lot::RwLockWriteGuard<'_, Memory> {
        self.version.fetch_add(1, Ordering::Relaxed);
        self.data.write()
    }

    /// How many writes this storage has seen.
    pub fn version(&self) -> u64 {
        self.version.load(Ordering::Relaxed)
    }
}

/// Error for a storage whose variant does not match the dtype a kernel expected.
pub(crate) fn dtype_mismatch(expected: DType, found: DType) -> Error {
    Error::DType(format!("internal dtype mismatch: expected {expected}, storage holds {found}"))
}

/// Typed read access to host memory.
pub(crate) fn typed<T: StorageElement>(s: &Memory) -> Result<&[T]> {
    let s = s.host()?;
    T::slice(s).ok_or_else(|| dtype_mismatch(T::DTYPE, s.dtype()))
}

/// Typed write access to host memory.
pub(crate) fn typed_mut<T: StorageElement>(s: &mut Memory) -> Result<&mut [T]> {
    let s = s.host_mut()?;
    let found = s.dtype();
    T::slice_mut(s).ok_or_else(|| dtype_mismatch(T::DTYPE, found))
}

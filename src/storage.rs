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

/// Allocations up to this size skip the limit check: every machine has this much, and the
/// check (two system calls) would cost more than a small operation.
const UNCHECKED_BYTES: usize = 64 << 20;

/// The most bytes that one allocation can get: the machine's RAM plus swap (what Linux's
/// default overcommit heuristic allows for one request), lowered by the process's
/// address-space and data-segment limits. A request above it could only succeed as lazily
/// mapped pages (mimalloc reserves without commit) and the kernel would kill the process
/// while they are filled, so it is refused up front as NumPy's allocations are.
pub fn memory_limit() -> usize {
    #[cfg(target_os = "linux")]
    {
        use std::sync::OnceLock;
        static MACHINE: OnceLock<usize> = OnceLock::new();
        let machine = *MACHINE.get_or_init(|| {
            // SAFETY: sysinfo fills the struct it is given; a zeroed one is a valid start.
            let mut info: libc::sysinfo = unsafe { std::mem::zeroed() };
            if unsafe { libc::sysinfo(&mut info) } != 0 {
                return usize::MAX;
            }
            let unit = u128::from(info.mem_unit.max(1));
            let total = (u128::from(info.totalram) + u128::from(info.totalswap)) * unit;
            usize::try_from(total).unwrap_or(usize::MAX)
        });
        // Limits can change while the process runs (`resource.setrlimit`), so they are read
        // each time; only large requests get here.
        [libc::RLIMIT_AS, libc::RLIMIT_DATA].into_iter().fold(machine, |limit, resource| {
            let mut rl = libc::rlimit { rlim_cur: libc::RLIM_INFINITY, rlim_max: libc::RLIM_INFINITY };
            // SAFETY: getrlimit writes the struct it is given.
            if unsafe { libc::getrlimit(resource, &mut rl) } == 0 && rl.rlim_cur != libc::RLIM_INFINITY {
                limit.min(usize::try_from(rl.rlim_cur).unwrap_or(usize::MAX))
            } else {
                limit
            }
        })
    }
    #[cfg(not(target_os = "linux"))]
    {
        isize::MAX as usize
    }
}

fn gib(bytes: u128) -> String {
    format!("{:.1} GiB", bytes as f64 / (1u64 << 30) as f64)
}

/// Checks that `n` items of `size` bytes each can be allocated at once: an error (Python
/// `MemoryError`) when the bytes overflow or exceed [`memory_limit`]. `what` names the
/// items ("elements of 4 bytes each", "array parts").
pub fn check_alloc(n: usize, size: usize, what: &str) -> Result<()> {
    let bytes = n as u128 * size as u128;
    if bytes <= UNCHECKED_BYTES as u128 {
        return Ok(());
    }
    let limit = memory_limit();
    if bytes > limit as u128 || bytes > isize::MAX as u128 {
        return Err(Error::Memory(format!(
            "cannot allocate {n} {what} ({}): more than the {} this process can use",
            gib(bytes),
            gib(limit as u128)
        )));
    }
    Ok(())
}

fn out_of_memory<T>(n: usize) -> Error {
    Error::Memory(format!(
        "cannot allocate {n} elements of {} bytes each ({})",
        std::mem::size_of::<T>(),
        gib(n as u128 * std::mem::size_of::<T>() as u128)
    ))
}

fn check_elements<T>(n: usize) -> Result<()> {
    let size = std::mem::size_of::<T>();
    if n as u128 * size as u128 <= UNCHECKED_BYTES as u128 {
        return Ok(()); // before the message is formatted: this is every small operation's path
    }
    check_alloc(n, size, &format!("elements of {size} bytes each"))
}

/// An empty vector with room for `n` elements (huge-page backed when large). Failing to
/// allocate, or asking for more than [`memory_limit`], is an error, not an abort.
pub(crate) fn alloc_vec<T>(n: usize) -> Result<Vec<T>> {
    check_elements::<T>(n)?;
    let mut v: Vec<T> = Vec::new();
    v.try_reserve_exact(n).map_err(|_| out_of_memory::<T>(n))?;
    advise_huge_pages(v.as_ptr() as *const u8, n * std::mem::size_of::<T>());
    Ok(v)
}

/// The `n` items of `items` in a vector allocated as [`alloc_vec`] does (an error, not an
/// abort, when `n` is too many). `items` must yield at most `n`.
pub(crate) fn collect_vec<T>(n: usize, items: impl IntoIterator<Item = T>) -> Result<Vec<T>> {
    let mut v = alloc_vec(n)?;
    v.extend(items.into_iter().take(n));
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
    check_elements::<T>(n)?;
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
    /// For memory lent by another library (DLPack import): what keeps it alive. The vector
    /// in `data` then points into that memory, so it is never freed by Rust; dropping the
    /// owner hands the memory back.
    owner: Option<ForeignOwner>,
}

/// Whoever lent a storage its memory; dropped (after the storage's last use) to release it.
pub struct ForeignOwner(pub Box<dyn Send + Sync>);

impl std::fmt::Debug for ForeignOwner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ForeignOwner")
    }
}

impl Drop for Storage {
    fn drop(&mut self) {
        if let Some(owner) = self.owner.take() {
            // The vector's buffer belongs to the lender: forget it rather than free it.
            let lent = std::mem::replace(self.data.get_mut(), Memory::Host(CpuStorage::U8(Vec::new())));
            std::mem::forget(lent);
            drop(owner);
        }
    }
}

impl Storage {
    pub fn new(data: CpuStorage) -> Storage {
        Storage::from_memory(Memory::Host(data))
    }

    pub fn from_memory(data: Memory) -> Storage {
        Storage { data: RwLock::new(data), version: AtomicU64::new(0), owner: None }
    }

    /// Host memory that another library lent: `data`'s vector points into it (it must
    /// never grow or be freed), and `owner` is dropped once the storage is gone.
    ///
    /// # Safety
    /// `data`'s buffer must stay valid, and readable and writable as its elements, until
    /// `owner` is dropped; its bool elements must be 0 or 1.
    pub unsafe fn foreign(data: CpuStorage, owner: ForeignOwner) -> Storage {
        Storage { data: RwLock::new(Memory::Host(data)), version: AtomicU64::new(0), owner: Some(owner) }
    }

    /// Whether this storage's memory was lent by another library.
    pub fn is_foreign(&self) -> bool {
        self.owner.is_some()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn huge_but_representable_requests_are_errors() {
        // 2^60 bytes: below isize::MAX, above any machine's memory.
        let n = 1usize << 58;
        assert!(matches!(alloc_vec::<f32>(n), Err(Error::Memory(m)) if m.contains("more than the")));
        assert!(matches!(zeroed_vec::<f32>(n), Err(Error::Memory(_))));
        assert!(matches!(filled_vec(n, 1.5f32), Err(Error::Memory(_))));
        assert!(matches!(collect_vec(n, std::iter::repeat(0u8)), Err(Error::Memory(_))));
        // Overflowing byte counts are refused the same way.
        assert!(matches!(alloc_vec::<f64>(usize::MAX / 4), Err(Error::Memory(_))));
        assert!(matches!(check_alloc(usize::MAX, usize::MAX, "things"), Err(Error::Memory(m)) if m.contains("things")));
    }

    #[test]
    fn lent_memory_is_handed_back_not_freed() {
        use std::sync::atomic::AtomicBool;
        use std::sync::Arc;
        // The lender: it owns the buffer and notes when it gets it back.
        struct Lender(Vec<f32>, Arc<AtomicBool>);
        impl Drop for Lender {
            fn drop(&mut self) {
                self.1.store(true, Ordering::SeqCst);
            }
        }
        let mut mem = vec![1.0f32, 2.0, 3.0];
        let ptr = mem.as_mut_ptr(); // moving the vector below keeps its buffer where it is
        let returned = Arc::new(AtomicBool::new(false));
        let lender = Lender(mem, returned.clone());
        // SAFETY: the lender keeps the buffer alive until it is dropped, after the storage.
        let s = unsafe { Storage::foreign(CpuStorage::F32(Vec::from_raw_parts(ptr, 3, 3)), ForeignOwner(Box::new(lender))) };
        assert!(s.is_foreign());
        typed_mut::<f32>(&mut s.write()).unwrap()[1] = 5.0;
        assert_eq!(typed::<f32>(&s.read()).unwrap(), [1.0, 5.0, 3.0]);
        assert!(!returned.load(Ordering::SeqCst));
        drop(s);
        assert!(returned.load(Ordering::SeqCst));
    }

    #[test]
    fn ordinary_requests_pass() {
        assert!(memory_limit() >= UNCHECKED_BYTES);
        check_alloc(1 << 20, 8, "elements").unwrap();
        assert_eq!(collect_vec(3, 0..10).unwrap(), [0, 1, 2]);
        assert_eq!(zeroed_vec::<i64>(4).unwrap(), [0; 4]);
    }
}

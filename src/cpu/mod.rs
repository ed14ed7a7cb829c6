//! CPU execution: the thread pool, and the strided loop drivers every CPU kernel is built on.

pub mod math;
pub mod pool;
pub mod special;
pub(crate) mod radix;
pub mod strided;

/// The widest SIMD instruction set this CPU offers (what `gemm` and vectorized loops use).
pub fn simd_level() -> &'static str {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx512f") {
            return "avx512f";
        }
        if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma") {
            return "avx2+fma";
        }
        if std::arch::is_x86_feature_detected!("sse4.1") {
            return "sse4.1";
        }
        "sse2"
    }
    #[cfg(target_arch = "aarch64")]
    {
        "neon"
    }
    #[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
    {
        "scalar"
    }
}

/// The CPU backend: implements every op family's primitives (`ops::backend::Backend`), each
/// in its family's file of `ops/`.
pub struct Cpu;

/// The floating-point element types (f32, f64), with their arithmetic, for kernels written
/// once for both (convolution, pooling, normalization).
pub trait Real:
    crate::storage::StorageElement
    + std::ops::Add<Output = Self>
    + std::ops::Sub<Output = Self>
    + std::ops::Mul<Output = Self>
    + std::ops::Div<Output = Self>
    + std::ops::AddAssign
{
    fn sqrt(self) -> Self;
    fn exp(self) -> Self;
    fn tanh(self) -> Self;
    /// `1 / (1 + exp(-x))`.
    fn sigmoid(self) -> Self;
    /// The lowest finite value (an empty max-pooling window's result, as MXNet's).
    fn lowest() -> Self;
}

impl Real for f32 {
    #[inline(always)]
    fn sqrt(self) -> Self {
        f32::sqrt(self)
    }
    #[inline(always)]
    fn exp(self) -> Self {
        math::exp_f32(self)
    }
    #[inline(always)]
    fn sigmoid(self) -> Self {
        math::sigmoid_f32(self)
    }
    #[inline(always)]
    fn tanh(self) -> Self {
        math::tanh_f32(self)
    }
    fn lowest() -> Self {
        f32::MIN
    }
}

impl Real for f64 {
    #[inline(always)]
    fn sqrt(self) -> Self {
        f64::sqrt(self)
    }
    #[inline(always)]
    fn exp(self) -> Self {
        f64::exp(self)
    }
    #[inline(always)]
    fn sigmoid(self) -> Self {
        1.0 / (1.0 + (-self).exp())
    }
    #[inline(always)]
    fn tanh(self) -> Self {
        f64::tanh(self)
    }
    fn lowest() -> Self {
        f64::MIN
    }
}

/// Runs `task(i, scratch)` for every `i < tasks`, each with a scratch buffer of `scratch_len`
/// elements (uninitialized contents: the task writes before it reads); in parallel when the
/// work (`work`, in multiply-adds) is worth it.
pub fn par_tasks<T: Real>(tasks: usize, scratch_len: usize, work: usize, task: impl Fn(usize, &mut [T]) + Sync + Send) {
    use rayon::prelude::*;
    if tasks > 1 && pool::num_threads() > 1 && work >= 1 << 16 {
        pool::install(|| (0..tasks).into_par_iter().for_each(|i| with_scratch(scratch_len, |buf| task(i, buf))));
    } else {
        with_scratch(scratch_len, |buf| (0..tasks).for_each(|i| task(i, buf)));
    }
}

thread_local! {
    /// Each thread's scratch memory, kept between calls: a convolution's im2col tiles are
    /// hundreds of KB, and a fresh zeroed allocation per call (page faults, memset) cost as much
    /// as a small layer's arithmetic.
    static SCRATCH: std::cell::RefCell<Vec<u64>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Calls `f` with this thread's scratch memory as `len` elements of `T`; their values are
/// whatever the last user left (any bit pattern is a valid f32/f64).
pub fn with_scratch<T: Real, R>(len: usize, f: impl FnOnce(&mut [T]) -> R) -> R {
    const { assert!(std::mem::align_of::<T>() <= 8) };
    let words = (len * std::mem::size_of::<T>()).div_ceil(8);
    SCRATCH.with(|cell| match cell.try_borrow_mut() {
        Ok(mut v) => {
            if v.len() < words {
                v.resize(words, 0);
            }
            // SAFETY: the buffer holds at least `len` elements of T's size and alignment, and T
            // (f32 or f64) is valid for any bits.
            f(unsafe { std::slice::from_raw_parts_mut(v.as_mut_ptr() as *mut T, len) })
        }
        // Already lent on this thread (a nested call): a buffer of its own.
        Err(_) => f(&mut vec![T::zero(); len]),
    })
}

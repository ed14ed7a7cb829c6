//! CPU execution: the thread pool, and the strided loop drivers every CPU kernel is built on.

pub mod pool;
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
    /// The lowest finite value (an empty max-pooling window's result, as MXNet's).
    fn lowest() -> Self;
}

impl Real for f32 {
    #[inline(always)]
    fn sqrt(self) -> Self {
        f32::sqrt(self)
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
    fn lowest() -> Self {
        f64::MIN
    }
}

/// Runs `task(i, scratch)` for every `i < tasks`, each thread with its own `scratch` buffer of
/// `scratch_len` elements; in parallel when the work (`work`, in multiply-adds) is worth it.
pub fn par_tasks<T: Real>(tasks: usize, scratch_len: usize, work: usize, task: impl Fn(usize, &mut [T]) + Sync + Send) {
    use rayon::prelude::*;
    if tasks > 1 && pool::num_threads() > 1 && work >= 1 << 16 {
        pool::install(|| (0..tasks).into_par_iter().for_each_init(|| vec![T::zero(); scratch_len], |buf, i| task(i, buf)));
    } else {
        let mut buf = vec![T::zero(); scratch_len];
        (0..tasks).for_each(|i| task(i, &mut buf));
    }
}

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
    fn exp(self) -> Self;
    fn tanh(self) -> Self;
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
        f32::exp(self)
    }
    #[inline(always)]
    fn tanh(self) -> Self {
        tanh_f32(self)
    }
    fn lowest() -> Self {
        f32::MIN
    }
}

/// `tanh` for f32 in about a third of glibc's `tanhf` time (which goes through `expm1f`; the
/// recurrent layers' gates spend most of their time here): an odd Taylor polynomial below
/// |x| = 0.55, `1 - 2 / (exp(2|x|) + 1)` above (no cancellation there, since the result is at
/// least 0.5). Within 2 ulp of the exact value over the whole range (unit test below); ±inf
/// give ±1, NaN stays NaN.
#[inline(always)]
pub fn tanh_f32(x: f32) -> f32 {
    let a = x.abs();
    if a < 0.55 {
        // Coefficients of x^(2k+1), k = 1..8, in f64 for the sum (the tail is tiny).
        let z = (x * x) as f64;
        let p = z * (-1.0 / 3.0 + z * (2.0 / 15.0 + z * (-17.0 / 315.0 + z * (62.0 / 2835.0 + z * (-1382.0 / 155925.0 + z * (21844.0 / 6081075.0 + z * (-929569.0 / 638512875.0 + z * (6404582.0 / 10854718875.0))))))));
        (x as f64 * (1.0 + p)) as f32
    } else {
        let t = 1.0 - 2.0 / ((2.0 * a).exp() + 1.0);
        t.copysign(x)
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

#[cfg(test)]
mod tanh_tests {
    use super::tanh_f32;

    /// Distance in units in the last place between two finite f32 of the same sign.
    fn ulps(a: f32, b: f32) -> u32 {
        (a.to_bits() as i64 - b.to_bits() as i64).unsigned_abs() as u32
    }

    #[test]
    fn tanh_f32_is_within_two_ulps_everywhere() {
        // Every 97th f32 bit pattern from 0 up to +inf, both signs.
        let mut worst = (0, 0.0f32);
        let mut bits = 0u32;
        while bits < 0x7f80_0000 {
            for x in [f32::from_bits(bits), -f32::from_bits(bits)] {
                let want = (x as f64).tanh() as f32;
                let e = ulps(tanh_f32(x), want);
                if e > worst.0 {
                    worst = (e, x);
                }
            }
            bits += 97;
        }
        assert!(worst.0 <= 2, "worst error {} ulp at {}", worst.0, worst.1);
        assert_eq!((tanh_f32(f32::INFINITY), tanh_f32(f32::NEG_INFINITY)), (1.0, -1.0));
        assert!(tanh_f32(f32::NAN).is_nan());
        assert_eq!(tanh_f32(-0.0).to_bits(), (-0.0f32).to_bits());
    }
}

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

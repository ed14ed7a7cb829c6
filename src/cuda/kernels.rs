//! The CUDA C sources of the kernels, embedded in the crate, and the names of the kernels each
//! module defines. NVRTC compiles a module at first use, for the device's architecture; the
//! launch conventions (argument order, the strided `info` array, grid shapes) are documented
//! at the top of `kernels/common.cuh` and of each `.cu` file.
//!
//! A kernel is named `<family>_<op>_<dtype>`, with the CPU engine's op names
//! (`UnaryOp::name`, `BinaryOp::name`, `ReduceOp::name`, the optimizer rules' `NAME`) and the
//! dtype tags `bool`, `u8`, `i32`, `i64`, `f32`, `f64`: `unary_exp_f32`, `binary_add_i64`,
//! `reduce_sum_u8`; conversions name source then destination: `cast_f32_i64`.

/// One module: a `.cu` file and every kernel it defines.
pub struct KernelSource {
    pub module: &'static str,
    pub source: &'static str,
    pub kernels: &'static [&'static str],
}

/// The header every module includes as `#include "common.cuh"`: (name, text), for NVRTC's
/// header list.
pub const COMMON_HEADER: (&str, &str) = ("common.cuh", include_str!("kernels/common.cuh"));

/// Kernel names as the product of ops and dtypes: each `"family" [ops] [dtypes];` group
/// gives `family_op_dtype` for every pair, and `"family" [dtypes];` gives `family_dtype`.
/// Dtype lists may be the group names `ALL`, `NUM` (no bool), `INT`, `BITS` (bool and the
/// integers) and `FLOAT`, which an op list may use too (for `cast_<src>_<dst>`).
macro_rules! names {
    (@acc [$($out:expr,)*]) => { &[$($out),*] };
    (@acc $out:tt $fam:literal $ops:tt ALL; $($rest:tt)*) => { names!(@acc $out $fam $ops ["bool" "u8" "i32" "i64" "f32" "f64"]; $($rest)*) };
    (@acc $out:tt $fam:literal $ops:tt NUM; $($rest:tt)*) => { names!(@acc $out $fam $ops ["u8" "i32" "i64" "f32" "f64"]; $($rest)*) };
    (@acc $out:tt $fam:literal $ops:tt INT; $($rest:tt)*) => { names!(@acc $out $fam $ops ["u8" "i32" "i64"]; $($rest)*) };
    (@acc $out:tt $fam:literal $ops:tt BITS; $($rest:tt)*) => { names!(@acc $out $fam $ops ["bool" "u8" "i32" "i64"]; $($rest)*) };
    (@acc $out:tt $fam:literal $ops:tt FLOAT; $($rest:tt)*) => { names!(@acc $out $fam $ops ["f32" "f64"]; $($rest)*) };
    (@acc $out:tt $fam:literal ALL $dts:tt; $($rest:tt)*) => { names!(@acc $out $fam ["bool" "u8" "i32" "i64" "f32" "f64"] $dts; $($rest)*) };
    (@acc $out:tt $fam:literal ALL; $($rest:tt)*) => { names!(@acc $out $fam ["bool" "u8" "i32" "i64" "f32" "f64"]; $($rest)*) };
    (@acc $out:tt $fam:literal NUM; $($rest:tt)*) => { names!(@acc $out $fam ["u8" "i32" "i64" "f32" "f64"]; $($rest)*) };
    (@acc $out:tt $fam:literal INT; $($rest:tt)*) => { names!(@acc $out $fam ["u8" "i32" "i64"]; $($rest)*) };
    (@acc $out:tt $fam:literal BITS; $($rest:tt)*) => { names!(@acc $out $fam ["bool" "u8" "i32" "i64"]; $($rest)*) };
    (@acc $out:tt $fam:literal FLOAT; $($rest:tt)*) => { names!(@acc $out $fam ["f32" "f64"]; $($rest)*) };
    (@acc [$($out:expr,)*] $fam:literal [$($dt:literal)*]; $($rest:tt)*) => {
        names!(@acc [$($out,)* $(concat!($fam, "_", $dt),)*] $($rest)*)
    };
    (@acc $out:tt $fam:literal [] [$($dt:literal)*]; $($rest:tt)*) => { names!(@acc $out $($rest)*) };
    (@acc [$($out:expr,)*] $fam:literal [$op:literal $($ops:literal)*] [$($dt:literal)*]; $($rest:tt)*) => {
        names!(@acc [$($out,)* $(concat!($fam, "_", $op, "_", $dt),)*] $fam [$($ops)*] [$($dt)*]; $($rest)*)
    };
    ($($group:tt)*) => { names!(@acc [] $($group)*) };
}

macro_rules! module {
    ($name:literal, $($group:tt)*) => {
        KernelSource {
            module: $name,
            source: include_str!(concat!("kernels/", $name, ".cu")),
            kernels: names!($($group)*),
        }
    };
}

/// Every module, one per op family.
pub const SOURCES: &[KernelSource] = &[
    module!("creation",
        "fill" ALL;
        "arange" ALL;
        "linspace" ALL;
        "uniform_scale" FLOAT;
        "normal_scale" FLOAT;
        "randint" INT;
    ),
    module!("copy",
        "cast" ALL ALL;
        "set" ALL ALL;
        "fill_strided" ALL;
    ),
    module!("unary",
        "unary" ["exp" "exp2" "log" "log2" "log10" "log1p" "expm1" "sqrt" "cbrt" "reciprocal" "sin" "cos" "tan"
                 "arcsin" "arccos" "arctan" "sinh" "cosh" "tanh" "arcsinh" "arccosh" "arctanh" "sigmoid"] FLOAT;
        "unary" ["floor" "ceil" "trunc" "round" "isnan" "isinf" "isfinite" "absolute" "relu" "logical_not"] ALL;
        "unary" ["negative" "sign" "square"] NUM;
        "unary" ["invert"] BITS;
    ),
    module!("grad",
        "grad" ["relu" "sigmoid" "tanh" "exp" "expm1" "sqrt" "reciprocal" "log" "log1p" "square" "negative" "sin" "cos"] FLOAT;
    ),
    module!("binary",
        "binary" ["add" "multiply" "maximum" "minimum"] ALL;
        "binary" ["subtract" "floor_divide" "remainder" "power"] NUM;
        "binary" ["true_divide"] FLOAT;
        "binary" ["equal" "not_equal" "less" "less_equal" "greater" "greater_equal"] ALL;
        "binary" ["logical_and" "logical_or" "logical_xor"] ALL;
        "binary" ["bitwise_and" "bitwise_or" "bitwise_xor"] BITS;
        "binary_inplace" ["add" "multiply" "maximum" "minimum"] ALL;
        "binary_inplace" ["subtract" "floor_divide" "remainder" "power"] NUM;
        "binary_inplace" ["true_divide"] FLOAT;
    ),
    module!("where_clip",
        "where" ALL;
        "clip" ALL;
    ),
    module!("reduce",
        "reduce" ["sum" "prod" "maximum" "minimum" "all" "any" "mean" "argmax" "argmin"] ALL;
        "cumsum" ALL;
    ),
    module!("index",
        "index_offsets" INT;
        "gather" ALL;
        "scatter" ALL;
        "scatter_add" NUM;
        "nonzero" ["bool"];
    ),
    module!("matmul",
        "matmul" BITS;
    ),
    module!("linear",
        "linear_epilogue" FLOAT;
    ),
    module!("optim",
        "optim" ["sgd_update" "sgd_mom_update" "nag_mom_update" "adam_update" "adamw_update" "rmsprop_update"
                 "rmspropalex_update" "adagrad_update"] FLOAT;
    ),
];

/// The module that defines `kernel`.
pub fn source_of(kernel: &str) -> Option<&'static KernelSource> {
    SOURCES.iter().find(|s| s.kernels.contains(&kernel))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// The kernels a source defines: every `__global__` must open `extern "C" __global__ void
    /// <name>(`.
    fn defined(src: &KernelSource) -> Vec<&'static str> {
        const HEAD: &str = "extern \"C\" __global__ void ";
        let text = src.source;
        let mut names = vec![];
        for (at, _) in text.match_indices("__global__") {
            let start = at.checked_sub("extern \"C\" ".len()).expect("__global__ at the start of the file");
            assert!(text[start..].starts_with(HEAD), "{}: a __global__ that is not `{HEAD}<name>(`", src.module);
            let rest = &text[start + HEAD.len()..];
            let end = rest.find('(').expect("a kernel without a parameter list");
            let name = &rest[..end];
            assert!(name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'), "{}: bad kernel name {name:?}", src.module);
            names.push(name);
        }
        names
    }

    #[test]
    fn listed_names_match_the_sources() {
        for src in SOURCES {
            let defined = defined(src);
            let in_source: BTreeSet<&str> = defined.iter().copied().collect();
            assert_eq!(in_source.len(), defined.len(), "{}: a kernel is defined twice", src.module);
            let listed: BTreeSet<&str> = src.kernels.iter().copied().collect();
            assert_eq!(listed.len(), src.kernels.len(), "{}: a kernel is listed twice", src.module);
            for name in &listed {
                assert!(
                    src.source.contains(&format!("extern \"C\" __global__ void {name}(")),
                    "{}: {name} is listed but not defined",
                    src.module
                );
            }
            let unlisted: Vec<_> = in_source.difference(&listed).collect();
            assert!(unlisted.is_empty(), "{}: defined but not listed: {unlisted:?}", src.module);
            assert!(src.source.contains("#include \"common.cuh\""), "{}: does not include the header", src.module);
        }
    }

    #[test]
    fn names_are_unique_across_modules_and_the_header_defines_no_kernel() {
        let mut all = BTreeSet::new();
        for src in SOURCES {
            for name in src.kernels {
                assert!(all.insert(*name), "{name} is defined by two modules");
                assert_eq!(source_of(name).map(|s| s.module), Some(src.module));
            }
        }
        assert!(!COMMON_HEADER.1.contains("__global__ void"));
        assert!(source_of("unary_exp_f32").is_some() && source_of("binary_add_i64").is_some());
        assert!(source_of("cast_f32_i64").is_some() && source_of("unary_exp_i32").is_none());
    }
}

//! Element types: the `DType` tag every tensor carries, the `Element` trait that maps a Rust
//! type to its tag, NumPy's promotion rules, and the `with_dtype!` macro that turns one generic
//! kernel into a `match` over every dtype (so no loop is ever hand-copied per dtype).

use crate::error::{Error, Result};
use std::fmt::Debug;

/// The element type of a tensor. The order of the variants is NumPy's "kind" order.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash, PartialOrd, Ord)]
pub enum DType {
    Bool,
    U8,
    I32,
    I64,
    F32,
    F64,
}

impl DType {
    pub const ALL: [DType; 6] = [DType::Bool, DType::U8, DType::I32, DType::I64, DType::F32, DType::F64];

    /// NumPy's name for the dtype (`np.dtype(name)` gives the same type).
    pub fn name(self) -> &'static str {
        match self {
            DType::Bool => "bool",
            DType::U8 => "uint8",
            DType::I32 => "int32",
            DType::I64 => "int64",
            DType::F32 => "float32",
            DType::F64 => "float64",
        }
    }

    /// Parses a dtype name as NumPy spells it (`'float32'`, `'f4'`, `'int'`, `'bool_'`, ...).
    pub fn parse(name: &str) -> Result<DType> {
        Ok(match name {
            "bool" | "bool_" | "?" | "b1" => DType::Bool,
            "uint8" | "u1" | "B" => DType::U8,
            "int32" | "i4" | "i" | "intc" => DType::I32,
            "int64" | "i8" | "int" | "l" | "q" | "long" | "int_" | "intp" => DType::I64,
            "float32" | "f4" | "f" | "single" => DType::F32,
            "float64" | "f8" | "d" | "float" | "double" | "float_" => DType::F64,
            _ => {
                return Err(Error::DType(format!(
                    "unsupported dtype '{name}'; deepblocks supports bool, uint8, int32, int64, float32 and float64"
                )))
            }
        })
    }

    /// Size of one element in bytes.
    pub fn size(self) -> usize {
        match self {
            DType::Bool | DType::U8 => 1,
            DType::I32 | DType::F32 => 4,
            DType::I64 | DType::F64 => 8,
        }
    }

    pub fn is_float(self) -> bool {
        matches!(self, DType::F32 | DType::F64)
    }

    pub fn is_int(self) -> bool {
        matches!(self, DType::U8 | DType::I32 | DType::I64)
    }

    /// NumPy's `result_type` for two arrays of these dtypes.
    pub fn promote(a: DType, b: DType) -> DType {
        use DType::*;
        if a == b {
            return a;
        }
        let (lo, hi) = if a < b { (a, b) } else { (b, a) };
        match (lo, hi) {
            (Bool, x) => x,
            (U8, x) => x,
            (I32, I64) => I64,
            // int32 and int64 do not fit float32's mantissa, so NumPy goes to float64.
            (I32 | I64, F32) => F64,
            (_, F64) => F64,
            (_, F32) => F32,
            (_, x) => x,
        }
    }

    /// The float type a math function (exp, sqrt, division ...) computes in for this input.
    /// NumPy uses float16 for bool/uint8; deepblocks has no float16 and uses float32.
    pub fn to_float(self) -> DType {
        match self {
            DType::F64 | DType::I32 | DType::I64 => DType::F64,
            _ => DType::F32,
        }
    }

    /// The dtype `sum`/`prod`/`cumsum` give for this input (NumPy: small ints widen to int64).
    pub fn accumulate(self) -> DType {
        match self {
            DType::Bool | DType::U8 | DType::I32 | DType::I64 => DType::I64,
            x => x,
        }
    }
}

impl std::fmt::Display for DType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A Rust type that can live in a tensor. Conversions go through `f64` for floats and `i64`
/// for integers, which is exact for every pair of supported types except int64 → float.
pub trait Element: Copy + Send + Sync + PartialOrd + PartialEq + Default + Debug + 'static {
    const DTYPE: DType;
    fn to_f64(self) -> f64;
    fn from_f64(v: f64) -> Self;
    fn to_i64(self) -> i64;
    fn from_i64(v: i64) -> Self;
    fn zero() -> Self;
    fn one() -> Self;
    /// True only for NaN (used by max/min/argmax, which propagate NaN as NumPy does).
    #[inline(always)]
    fn is_nan(self) -> bool {
        #[allow(clippy::eq_op)]
        {
            self != self
        }
    }
    #[inline(always)]
    fn cast<U: Element>(self) -> U {
        if Self::DTYPE.is_float() {
            U::from_f64(self.to_f64())
        } else {
            U::from_i64(self.to_i64())
        }
    }
}

macro_rules! int_element {
    ($t:ty, $dt:ident) => {
        int_element!($t, $dt, $t);
    };
    // `$via`: the type a float goes through on its way to `$t`.
    ($t:ty, $dt:ident, $via:ty) => {
        impl Element for $t {
            const DTYPE: DType = DType::$dt;
            #[inline(always)]
            fn to_f64(self) -> f64 {
                self as f64
            }
            #[inline(always)]
            fn from_f64(v: f64) -> Self {
                v as $via as $t
            }
            #[inline(always)]
            fn to_i64(self) -> i64 {
                self as i64
            }
            #[inline(always)]
            fn from_i64(v: i64) -> Self {
                v as $t
            }
            #[inline(always)]
            fn zero() -> Self {
                0 as $t
            }
            #[inline(always)]
            fn one() -> Self {
                1 as $t
            }
        }
    };
}
// Floats reach uint8 through int32 and wrap, as NumPy's C cast does (-1.0 gives 255, 300.0
// gives 44) rather than saturating.
int_element!(u8, U8, i32);
int_element!(i32, I32);
int_element!(i64, I64);
int_element!(f32, F32);
int_element!(f64, F64);

impl Element for bool {
    const DTYPE: DType = DType::Bool;
    #[inline(always)]
    fn to_f64(self) -> f64 {
        self as u8 as f64
    }
    #[inline(always)]
    fn from_f64(v: f64) -> Self {
        v != 0.0
    }
    #[inline(always)]
    fn to_i64(self) -> i64 {
        self as i64
    }
    #[inline(always)]
    fn from_i64(v: i64) -> Self {
        v != 0
    }
    fn zero() -> Self {
        false
    }
    fn one() -> Self {
        true
    }
}

/// Runs `$body` with the type alias `$T` bound to the Rust type of `$dt`.
///
/// ```ignore
/// with_dtype!(t.dtype(), T => kernel::<T>(...))
/// ```
#[macro_export]
macro_rules! with_dtype {
    ($dt:expr, $T:ident => $body:expr) => {
        match $dt {
            $crate::DType::Bool => {
                type $T = bool;
                $body
            }
            $crate::DType::U8 => {
                type $T = u8;
                $body
            }
            $crate::DType::I32 => {
                type $T = i32;
                $body
            }
            $crate::DType::I64 => {
                type $T = i64;
                $body
            }
            $crate::DType::F32 => {
                type $T = f32;
                $body
            }
            $crate::DType::F64 => {
                type $T = f64;
                $body
            }
        }
    };
}

/// Like `with_dtype!` but only for the numeric (non-bool) dtypes; bool gives `$else`.
#[macro_export]
macro_rules! with_numeric_dtype {
    ($dt:expr, $T:ident => $body:expr, else $else:expr) => {
        match $dt {
            $crate::DType::Bool => $else,
            $crate::DType::U8 => {
                type $T = u8;
                $body
            }
            $crate::DType::I32 => {
                type $T = i32;
                $body
            }
            $crate::DType::I64 => {
                type $T = i64;
                $body
            }
            $crate::DType::F32 => {
                type $T = f32;
                $body
            }
            $crate::DType::F64 => {
                type $T = f64;
                $body
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn promotion_matches_numpy() {
        use DType::*;
        assert_eq!(DType::promote(Bool, U8), U8);
        assert_eq!(DType::promote(U8, I32), I32);
        assert_eq!(DType::promote(I32, F32), F64);
        assert_eq!(DType::promote(U8, F32), F32);
        assert_eq!(DType::promote(I64, F64), F64);
        assert_eq!(DType::promote(F32, F64), F64);
        for a in DType::ALL {
            for b in DType::ALL {
                assert_eq!(DType::promote(a, b), DType::promote(b, a));
            }
        }
    }

    #[test]
    fn parse_names() {
        assert_eq!(DType::parse("float32").unwrap(), DType::F32);
        assert_eq!(DType::parse("int").unwrap(), DType::I64);
        assert!(DType::parse("complex64").is_err());
    }

    #[test]
    fn casts() {
        assert_eq!(3.7f64.cast::<i32>(), 3);
        assert_eq!((-1i64).cast::<u8>(), 255);
        assert_eq!((-1.0f64).cast::<u8>(), 255);
        assert_eq!(300.0f32.cast::<u8>(), 44);
        assert_eq!(2.9f64.cast::<u8>(), 2);
        assert!(0.5f32.cast::<bool>());
        assert_eq!(true.cast::<f32>(), 1.0);
    }
}

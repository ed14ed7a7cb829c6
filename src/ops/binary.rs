//! Elementwise binary operations with NumPy broadcasting and type promotion: arithmetic,
//! comparisons, logical and bitwise operations, in-place forms, and Python-scalar operands.

use super::backend;
use super::registry::{DTypes, Family};
use super::{build, with_mut_ptr, with_ptr};
use crate::cpu::strided::{map2, Plan};
use crate::cpu::Cpu;
use crate::dtype::DType;
use crate::error::{fmt_shape, Error, Result};
use crate::layout::{broadcast_shapes, contiguous_strides};
use crate::storage::StorageElement;
use crate::tensor::{Scalar, Tensor};
use crate::with_dtype;

/// What a binary operation computes, which decides its dtypes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// In the promoted dtype (integer `true_divide` in float64).
    Arith,
    /// Compares in the promoted dtype, gives bool.
    Comparison,
    /// On the operands' truth, gives bool.
    Logical,
    /// Bool and integers only.
    Bitwise,
    /// A float function (`hypot`, `logaddexp`, ...): integer operands are converted to float
    /// first, float64 for int32/int64 and float32 for bool/uint8 (NumPy: float16), as the
    /// float functions of one array.
    Float,
    /// Integers only (`gcd`, `lcm`): floats and bool with bool are refused, as NumPy does.
    Integer,
}

/// One row of the binary table.
pub struct BinarySpec {
    /// NumPy's ufunc name (the Python bindings' name, the kernels' name) and other names.
    pub name: &'static str,
    pub aliases: &'static [&'static str],
    pub kind: Kind,
    /// The dtypes of the GPU kernels `binary_<name>_<dtype>` (in the compute dtype).
    pub gpu: DTypes,
    /// The dtypes of the in-place kernels `binary_inplace_<name>_<dtype>` (`a op= b`).
    pub gpu_inplace: DTypes,
    /// Recorded by autograd (`floor_divide` is piecewise constant: treated as constant).
    pub differentiable: bool,
}

impl BinarySpec {
    const DEFAULT: BinarySpec =
        BinarySpec { name: "", aliases: &[], kind: Kind::Arith, gpu: DTypes::NONE, gpu_inplace: DTypes::NONE, differentiable: false };
}

crate::declare_ops! {
    /// Elementwise operations of two arrays.
    pub enum BinaryOp: BinarySpec {
        Add { name: "add", kind: Kind::Arith, gpu: DTypes::ALL, gpu_inplace: DTypes::ALL, differentiable: true },
        Sub { name: "subtract", kind: Kind::Arith, gpu: DTypes::NUM, gpu_inplace: DTypes::NUM, differentiable: true },
        Mul { name: "multiply", kind: Kind::Arith, gpu: DTypes::ALL, gpu_inplace: DTypes::ALL, differentiable: true },
        Div { name: "true_divide", aliases: &["divide"], kind: Kind::Arith, gpu: DTypes::FLOAT, gpu_inplace: DTypes::FLOAT, differentiable: true },
        FloorDiv { name: "floor_divide", kind: Kind::Arith, gpu: DTypes::NUM, gpu_inplace: DTypes::NUM },
        Mod { name: "remainder", aliases: &["mod"], kind: Kind::Arith, gpu: DTypes::NUM, gpu_inplace: DTypes::NUM, differentiable: true },
        Pow { name: "power", kind: Kind::Arith, gpu: DTypes::NUM, gpu_inplace: DTypes::NUM, differentiable: true },
        Maximum { name: "maximum", kind: Kind::Arith, gpu: DTypes::ALL, gpu_inplace: DTypes::ALL, differentiable: true },
        Minimum { name: "minimum", kind: Kind::Arith, gpu: DTypes::ALL, gpu_inplace: DTypes::ALL, differentiable: true },
        Eq { name: "equal", kind: Kind::Comparison, gpu: DTypes::ALL },
        Ne { name: "not_equal", kind: Kind::Comparison, gpu: DTypes::ALL },
        Lt { name: "less", kind: Kind::Comparison, gpu: DTypes::ALL },
        Le { name: "less_equal", kind: Kind::Comparison, gpu: DTypes::ALL },
        Gt { name: "greater", kind: Kind::Comparison, gpu: DTypes::ALL },
        Ge { name: "greater_equal", kind: Kind::Comparison, gpu: DTypes::ALL },
        LogicalAnd { name: "logical_and", kind: Kind::Logical, gpu: DTypes::ALL },
        LogicalOr { name: "logical_or", kind: Kind::Logical, gpu: DTypes::ALL },
        LogicalXor { name: "logical_xor", kind: Kind::Logical, gpu: DTypes::ALL },
        BitAnd { name: "bitwise_and", kind: Kind::Bitwise, gpu: DTypes::BITS },
        BitOr { name: "bitwise_or", kind: Kind::Bitwise, gpu: DTypes::BITS },
        BitXor { name: "bitwise_xor", kind: Kind::Bitwise, gpu: DTypes::BITS },
        // copysign is differentiable in x1 only (x2 gives its sign, a step function).
        Copysign { name: "copysign", kind: Kind::Float, gpu: DTypes::FLOAT, differentiable: true },
        Hypot { name: "hypot", kind: Kind::Float, gpu: DTypes::FLOAT, differentiable: true },
        Logaddexp { name: "logaddexp", kind: Kind::Float, gpu: DTypes::FLOAT, differentiable: true },
        Logaddexp2 { name: "logaddexp2", kind: Kind::Float, gpu: DTypes::FLOAT, differentiable: true },
        Arctan2 { name: "arctan2", kind: Kind::Float, gpu: DTypes::FLOAT, differentiable: true },
        Gcd { name: "gcd", kind: Kind::Integer, gpu: DTypes::INT },
        Lcm { name: "lcm", kind: Kind::Integer, gpu: DTypes::INT },
    }
}

/// The GPU kernels of the table (compiled by `cuda/kernels.rs`, launched by `cuda/ops/binary.rs`).
pub const GPU_KERNELS: Family = Family::rows("binary", BinaryOp::ALL.len(), |i| BinaryOp::ALL[i].name(), |i| BinaryOp::ALL[i].spec().gpu);
pub const GPU_INPLACE_KERNELS: Family =
    Family::rows("binary_inplace", BinaryOp::ALL.len(), |i| BinaryOp::ALL[i].name(), |i| BinaryOp::ALL[i].spec().gpu_inplace);

/// The binary primitives of a backend.
pub trait BinaryKernels {
    /// `a op b` broadcast to `shape`, for operands already cast to the compute dtype, with
    /// the result in `out`: `op.out_dtype(compute)`, or for a comparison or logical
    /// operation any dtype (its truth values as 0/1 numbers).
    fn zip(&self, a: &Tensor, b: &Tensor, op: BinaryOp, shape: &[usize], out: DType) -> Result<Tensor>;
    /// `a op= b` for an arithmetic `op`, `b` of `a`'s dtype, not overlapping `a`, broadcast
    /// to `a`'s shape.
    fn zip_inplace(&self, a: &Tensor, b: &Tensor, op: BinaryOp) -> Result<()>;
}

impl BinaryOp {
    pub fn is_comparison(self) -> bool {
        self.spec().kind == Kind::Comparison
    }

    pub fn is_logical(self) -> bool {
        self.spec().kind == Kind::Logical
    }

    fn is_bitwise(self) -> bool {
        self.spec().kind == Kind::Bitwise
    }

    /// The result dtype for operands in the compute dtype `computed`.
    pub fn out_dtype(self, computed: DType) -> DType {
        match self.spec().kind {
            Kind::Comparison | Kind::Logical => DType::Bool,
            _ => computed,
        }
    }

    /// (dtype the kernel computes in, dtype of the result) for operands of dtype `a` and `b`.
    pub fn dtypes(self, a: DType, b: DType) -> Result<(DType, DType)> {
        let p = DType::promote(a, b);
        let err = || {
            Error::DType(format!(
                "ufunc '{}' not supported for the input types {a} and {b}",
                self.name()
            ))
        };
        Ok(match self {
            _ if self.is_comparison() => (p, DType::Bool),
            _ if self.is_logical() => (DType::Bool, DType::Bool),
            _ if self.is_bitwise() => {
                if p.is_float() {
                    return Err(err());
                }
                (p, p)
            }
            _ if self.spec().kind == Kind::Float => (p.to_float(), p.to_float()),
            // NumPy has no bool loop (bool with an integer promotes to the integer).
            _ if self.spec().kind == Kind::Integer => {
                if p.is_float() || p == DType::Bool {
                    return Err(err());
                }
                (p, p)
            }
            // NumPy divides integers in float64 whatever their width.
            BinaryOp::Div if !p.is_float() => (DType::F64, DType::F64),
            BinaryOp::Sub if p == DType::Bool => {
                return Err(Error::DType(
                    "numpy boolean subtract, the `-` operator, is not supported, use the bitwise_xor, the `^` operator, or the logical_xor function instead".into(),
                ))
            }
            BinaryOp::FloorDiv | BinaryOp::Mod | BinaryOp::Pow if p == DType::Bool => (DType::U8, DType::U8),
            _ => (p, p),
        })
    }
}

/// Arithmetic with NumPy's semantics for one element type (integers wrap, integer division
/// by zero gives 0, floats follow IEEE and Python's floor/mod conventions).
pub trait Arith: StorageElement {
    fn add(a: Self, b: Self) -> Self;
    fn sub(a: Self, b: Self) -> Self;
    fn mul(a: Self, b: Self) -> Self;
    fn div(a: Self, b: Self) -> Self;
    fn floor_div(a: Self, b: Self) -> Self;
    fn rem(a: Self, b: Self) -> Self;
    fn pow(a: Self, b: Self) -> Self;
    #[inline(always)]
    fn max(a: Self, b: Self) -> Self {
        if a.is_nan() || a >= b {
            a
        } else {
            b
        }
    }
    #[inline(always)]
    fn min(a: Self, b: Self) -> Self {
        if a.is_nan() || a <= b {
            a
        } else {
            b
        }
    }
}

macro_rules! float_arith {
    ($t:ty) => {
        impl Arith for $t {
            #[inline(always)]
            fn add(a: Self, b: Self) -> Self {
                a + b
            }
            #[inline(always)]
            fn sub(a: Self, b: Self) -> Self {
                a - b
            }
            #[inline(always)]
            fn mul(a: Self, b: Self) -> Self {
                a * b
            }
            #[inline(always)]
            fn div(a: Self, b: Self) -> Self {
                a / b
            }
            fn floor_div(a: Self, b: Self) -> Self {
                float_divmod(a, b).0
            }
            fn rem(a: Self, b: Self) -> Self {
                float_divmod(a, b).1
            }
            #[inline(always)]
            fn pow(a: Self, b: Self) -> Self {
                a.powf(b)
            }
        }
    };
}
float_arith!(f32);
float_arith!(f64);

/// Python's `divmod` for floats (floor division, remainder with the divisor's sign).
fn float_divmod<T: num_like::Float>(a: T, b: T) -> (T, T) {
    if b == T::ZERO {
        return (a / b, a % b);
    }
    let mut m = a % b;
    let mut d = (a - m) / b;
    if m != T::ZERO {
        if (b < T::ZERO) != (m < T::ZERO) {
            m = m + b;
            d = d - T::ONE;
        }
    } else {
        m = T::ZERO.copysign(b);
    }
    let q = if d != T::ZERO {
        let f = d.floor();
        if d - f > T::HALF {
            f + T::ONE
        } else {
            f
        }
    } else {
        T::ZERO.copysign(a / b)
    };
    (q, m)
}

/// The few float operations `float_divmod` needs, for f32 and f64.
mod num_like {
    pub trait Float:
        Copy + PartialOrd + std::ops::Add<Output = Self> + std::ops::Sub<Output = Self> + std::ops::Div<Output = Self> + std::ops::Rem<Output = Self>
    {
        const ZERO: Self;
        const ONE: Self;
        const HALF: Self;
        fn floor(self) -> Self;
        fn copysign(self, sign: Self) -> Self;
    }
    macro_rules! float {
        ($t:ty) => {
            impl Float for $t {
                const ZERO: Self = 0.0;
                const ONE: Self = 1.0;
                const HALF: Self = 0.5;
                fn floor(self) -> Self {
                    <$t>::floor(self)
                }
                fn copysign(self, sign: Self) -> Self {
                    <$t>::copysign(self, sign)
                }
            }
        };
    }
    float!(f32);
    float!(f64);
}

macro_rules! int_arith {
    ($t:ty) => {
        impl Arith for $t {
            #[inline(always)]
            fn add(a: Self, b: Self) -> Self {
                a.wrapping_add(b)
            }
            #[inline(always)]
            fn sub(a: Self, b: Self) -> Self {
                a.wrapping_sub(b)
            }
            #[inline(always)]
            fn mul(a: Self, b: Self) -> Self {
                a.wrapping_mul(b)
            }
            fn div(a: Self, b: Self) -> Self {
                Self::floor_div(a, b)
            }
            #[allow(unused_comparisons)]
            fn floor_div(a: Self, b: Self) -> Self {
                if b == 0 {
                    return 0;
                }
                let q = a.wrapping_div(b);
                if a.wrapping_rem(b) != 0 && ((a < 0) != (b < 0)) {
                    q - 1
                } else {
                    q
                }
            }
            #[allow(unused_comparisons)]
            fn rem(a: Self, b: Self) -> Self {
                if b == 0 {
                    return 0;
                }
                let r = a.wrapping_rem(b);
                if r != 0 && ((r < 0) != (b < 0)) {
                    r.wrapping_add(b)
                } else {
                    r
                }
            }
            fn pow(a: Self, b: Self) -> Self {
                // Negative exponents are rejected before the kernel runs.
                let (mut base, mut exp, mut acc) = (a, b as u64, 1 as $t);
                while exp > 0 {
                    if exp & 1 == 1 {
                        acc = acc.wrapping_mul(base);
                    }
                    base = base.wrapping_mul(base);
                    exp >>= 1;
                }
                acc
            }
        }
    };
}
int_arith!(u8);
int_arith!(i32);
int_arith!(i64);

impl Arith for bool {
    fn add(a: Self, b: Self) -> Self {
        a | b
    }
    fn sub(a: Self, b: Self) -> Self {
        a ^ b
    }
    fn mul(a: Self, b: Self) -> Self {
        a & b
    }
    fn div(a: Self, b: Self) -> Self {
        a & b
    }
    fn floor_div(a: Self, b: Self) -> Self {
        a & b
    }
    fn rem(_: Self, _: Self) -> Self {
        false
    }
    fn pow(a: Self, b: Self) -> Self {
        a | !b
    }
}

/// Bitwise operations, for the integer types and bool.
pub trait Bits: StorageElement + std::ops::BitAnd<Output = Self> + std::ops::BitOr<Output = Self> + std::ops::BitXor<Output = Self> {}
impl Bits for bool {}
impl Bits for u8 {}
impl Bits for i32 {}
impl Bits for i64 {}

/// Runs `f` over `a` and `b` (both of dtype `T`) broadcast to `shape`, into a new tensor.
fn zip_new<T: StorageElement, O: StorageElement>(
    a: &Tensor,
    b: &Tensor,
    shape: &[usize],
    f: impl Fn(T, T) -> O + Sync,
) -> Result<Tensor> {
    let la = a.layout().broadcast_to(shape)?;
    let lb = b.layout().broadcast_to(shape)?;
    let out_strides = contiguous_strides(shape);
    unsafe {
        build::<O>(shape, a.device(), |po| {
            with_ptr::<T, _>(a, |pa| {
                with_ptr::<T, _>(b, |pb| {
                    let plan = Plan::<3>::new(
                        shape,
                        [&out_strides, la.strides(), lb.strides()],
                        [0, la.offset(), lb.offset()],
                    );
                    map2(&plan, po, pa, pb, f);
                    Ok(())
                })
            })
        })
    }
}

/// `a op= b` in place, where `a` has dtype `T`, `b` has been cast to `T` and does not overlap `a`.
fn zip_inplace<T: StorageElement>(a: &Tensor, b: &Tensor, f: impl Fn(T, T) -> T + Sync) -> Result<()> {
    let lb = b.layout().broadcast_to(a.shape())?;
    let la = a.layout();
    with_ptr::<T, _>(b, |pb| {
        with_mut_ptr::<T, _>(a, |pa| unsafe {
            let plan = Plan::<3>::new(
                a.shape(),
                [la.strides(), la.strides(), lb.strides()],
                [la.offset(), la.offset(), lb.offset()],
            );
            map2(&plan, pa, pa as *const T, pb, f);
            Ok(())
        })
    })
}

/// The kernel of `op` for element type `T` with the same output type.
fn arith_fn<T: Arith>(op: BinaryOp) -> fn(T, T) -> T {
    match op {
        BinaryOp::Add => T::add,
        BinaryOp::Sub => T::sub,
        BinaryOp::Mul => T::mul,
        BinaryOp::Div => T::div,
        BinaryOp::FloorDiv => T::floor_div,
        BinaryOp::Mod => T::rem,
        BinaryOp::Pow => T::pow,
        BinaryOp::Maximum => T::max,
        _ => T::min,
    }
}

/// Dispatches `op` on two operands already cast to the compute dtype `T`.
fn apply<T: Arith>(op: BinaryOp, a: &Tensor, b: &Tensor, shape: &[usize]) -> Result<Tensor> {
    use BinaryOp::*;
    // Generic closures (not fn pointers) so each op gets its own inlined, vectorized loop.
    match op {
        Add => zip_new(a, b, shape, |x: T, y: T| T::add(x, y)),
        Sub => zip_new(a, b, shape, |x: T, y: T| T::sub(x, y)),
        Mul => zip_new(a, b, shape, |x: T, y: T| T::mul(x, y)),
        Div => zip_new(a, b, shape, |x: T, y: T| T::div(x, y)),
        Maximum => zip_new(a, b, shape, |x: T, y: T| T::max(x, y)),
        Minimum => zip_new(a, b, shape, |x: T, y: T| T::min(x, y)),
        FloorDiv | Mod | Pow => zip_new(a, b, shape, arith_fn::<T>(op)),
        Eq | Ne | Lt | Le | Gt | Ge => compare::<T, bool>(op, a, b, shape),
        LogicalAnd | LogicalOr | LogicalXor | BitAnd | BitOr | BitXor | Copysign | Hypot | Logaddexp | Logaddexp2 | Arctan2
        | Gcd | Lcm => Err(Error::DType(format!("internal: {} dispatched as arithmetic", op.name()))),
    }
}

/// A comparison's truth value as an element of the result: a bool, or the 0/1 numbers that
/// MXNet's legacy arrays compare to.
trait Truth: StorageElement {
    fn of(t: bool) -> Self;
}

impl Truth for bool {
    #[inline(always)]
    fn of(t: bool) -> bool {
        t
    }
}

impl Truth for f32 {
    #[inline(always)]
    fn of(t: bool) -> f32 {
        t as u8 as f32
    }
}

/// The comparison `op` of two operands of dtype `T`, written as `O`.
fn compare<T: Arith, O: Truth>(op: BinaryOp, a: &Tensor, b: &Tensor, shape: &[usize]) -> Result<Tensor> {
    use BinaryOp::*;
    match op {
        Eq => zip_new(a, b, shape, |x: T, y: T| O::of(x == y)),
        Ne => zip_new(a, b, shape, |x: T, y: T| O::of(x != y)),
        Lt => zip_new(a, b, shape, |x: T, y: T| O::of(x < y)),
        Le => zip_new(a, b, shape, |x: T, y: T| O::of(x <= y)),
        Gt => zip_new(a, b, shape, |x: T, y: T| O::of(x > y)),
        Ge => zip_new(a, b, shape, |x: T, y: T| O::of(x >= y)),
        _ => Err(Error::DType(format!("internal: {} dispatched as a comparison", op.name()))),
    }
}

/// `a op= b` for arithmetic ops, one inlined closure per op (as `apply`).
fn inplace_arith<T: Arith>(op: BinaryOp, a: &Tensor, b: &Tensor) -> Result<()> {
    use BinaryOp::*;
    match op {
        Add => zip_inplace(a, b, |x: T, y: T| T::add(x, y)),
        Sub => zip_inplace(a, b, |x: T, y: T| T::sub(x, y)),
        Mul => zip_inplace(a, b, |x: T, y: T| T::mul(x, y)),
        Div => zip_inplace(a, b, |x: T, y: T| T::div(x, y)),
        Maximum => zip_inplace(a, b, |x: T, y: T| T::max(x, y)),
        Minimum => zip_inplace(a, b, |x: T, y: T| T::min(x, y)),
        _ => zip_inplace(a, b, arith_fn::<T>(op)),
    }
}

/// The float functions of two arrays, for f32 and f64 (NumPy's definitions).
pub trait FloatPair: StorageElement {
    fn copysign(a: Self, b: Self) -> Self;
    fn hypot(a: Self, b: Self) -> Self;
    /// `ln(e^a + e^b)` without overflow: the larger operand plus `ln(1 + e^-|a-b|)`; equal
    /// operands (infinities of one sign included) give `a + ln 2`, a NaN operand NaN.
    fn logaddexp(a: Self, b: Self) -> Self;
    /// `log2(2^a + 2^b)`, likewise.
    fn logaddexp2(a: Self, b: Self) -> Self;
    fn arctan2(a: Self, b: Self) -> Self;
}

macro_rules! float_pair {
    ($t:ty) => {
        impl FloatPair for $t {
            #[inline(always)]
            fn copysign(a: Self, b: Self) -> Self {
                a.copysign(b)
            }
            #[inline(always)]
            fn hypot(a: Self, b: Self) -> Self {
                a.hypot(b)
            }
            fn logaddexp(a: Self, b: Self) -> Self {
                if a == b {
                    return a + std::f64::consts::LN_2 as $t;
                }
                let d = a - b;
                if d > 0.0 {
                    a + (-d).exp().ln_1p()
                } else if d <= 0.0 {
                    b + d.exp().ln_1p()
                } else {
                    d // NaN
                }
            }
            fn logaddexp2(a: Self, b: Self) -> Self {
                if a == b {
                    return a + 1.0;
                }
                let d = a - b;
                let log2_1p = |v: $t| v.ln_1p() * std::f64::consts::LOG2_E as $t;
                if d > 0.0 {
                    a + log2_1p((-d).exp2())
                } else if d <= 0.0 {
                    b + log2_1p(d.exp2())
                } else {
                    d
                }
            }
            #[inline(always)]
            fn arctan2(a: Self, b: Self) -> Self {
                a.atan2(b)
            }
        }
    };
}
float_pair!(f32);
float_pair!(f64);

fn apply_float<T: FloatPair>(op: BinaryOp, a: &Tensor, b: &Tensor, shape: &[usize]) -> Result<Tensor> {
    use BinaryOp::*;
    match op {
        Copysign => zip_new(a, b, shape, |x: T, y: T| T::copysign(x, y)),
        Hypot => zip_new(a, b, shape, |x: T, y: T| T::hypot(x, y)),
        Logaddexp => zip_new(a, b, shape, |x: T, y: T| T::logaddexp(x, y)),
        Logaddexp2 => zip_new(a, b, shape, |x: T, y: T| T::logaddexp2(x, y)),
        Arctan2 => zip_new(a, b, shape, |x: T, y: T| T::arctan2(x, y)),
        _ => Err(Error::DType(format!("internal: {} dispatched as a float function", op.name()))),
    }
}

/// `gcd` and `lcm` of integers as NumPy computes them: on the magnitudes (|MIN| wraps to
/// MIN's bit pattern, read as unsigned), `gcd(0, 0) = 0`, `lcm = |a| / gcd * |b|` with
/// wrapping multiplication, so both are non-negative unless they overflow.
pub trait IntPair: StorageElement {
    fn gcd(a: Self, b: Self) -> Self;
    fn lcm(a: Self, b: Self) -> Self;
}

macro_rules! int_pair {
    ($t:ty, $u:ty, $abs:expr) => {
        impl IntPair for $t {
            fn gcd(a: Self, b: Self) -> Self {
                let (mut x, mut y): ($u, $u) = ($abs(a), $abs(b));
                while x != 0 {
                    (x, y) = (y % x, x);
                }
                y as $t
            }
            fn lcm(a: Self, b: Self) -> Self {
                let g = Self::gcd(a, b) as $u;
                if g == 0 {
                    0
                } else {
                    ($abs(a) / g).wrapping_mul($abs(b)) as $t
                }
            }
        }
    };
}
int_pair!(u8, u8, |v: u8| v);
int_pair!(i32, u32, |v: i32| v.unsigned_abs());
int_pair!(i64, u64, |v: i64| v.unsigned_abs());

fn apply_int<T: IntPair>(op: BinaryOp, a: &Tensor, b: &Tensor, shape: &[usize]) -> Result<Tensor> {
    match op {
        BinaryOp::Gcd => zip_new(a, b, shape, |x: T, y: T| T::gcd(x, y)),
        BinaryOp::Lcm => zip_new(a, b, shape, |x: T, y: T| T::lcm(x, y)),
        _ => Err(Error::DType(format!("internal: {} dispatched as an integer function", op.name()))),
    }
}

fn apply_bits<T: Bits>(op: BinaryOp, a: &Tensor, b: &Tensor, shape: &[usize]) -> Result<Tensor> {
    match op {
        BinaryOp::BitAnd | BinaryOp::LogicalAnd => zip_new(a, b, shape, |x: T, y: T| x & y),
        BinaryOp::BitOr | BinaryOp::LogicalOr => zip_new(a, b, shape, |x: T, y: T| x | y),
        _ => zip_new(a, b, shape, |x: T, y: T| x ^ y),
    }
}

/// Integer powers with a negative exponent have no integer result; NumPy refuses them too.
fn check_int_pow(op: BinaryOp, compute: DType, exponent: &Tensor) -> Result<()> {
    if op == BinaryOp::Pow && exponent.numel() > 0 && compute.is_int() && compute != DType::U8 {
        let negative = exponent.binary_scalar(Scalar::Int(0), BinaryOp::Lt, false)?.any_true()?;
        if negative {
            return Err(Error::Value("Integers to negative integer powers are not allowed.".into()));
        }
    }
    Ok(())
}

/// Fails when NumPy's `same_kind` rule forbids storing `from` into an array of dtype `to`.
fn check_same_kind(op: BinaryOp, from: DType, to: DType) -> Result<()> {
    // NumPy's kinds in casting order: bool, unsigned, signed, float (a signed result does
    // not go into an unsigned array, while uint8 goes into int32 safely).
    let kind = |d: DType| match d {
        DType::Bool => 0,
        DType::U8 => 1,
        DType::I32 | DType::I64 => 2,
        DType::F32 | DType::F64 => 3,
    };
    if kind(from) > kind(to) {
        return Err(Error::DType(format!(
            "Cannot cast ufunc '{}' output from dtype('{from}') to dtype('{to}') with casting rule 'same_kind'",
            op.name()
        )));
    }
    Ok(())
}

impl BinaryKernels for Cpu {
    fn zip(&self, a: &Tensor, b: &Tensor, op: BinaryOp, shape: &[usize], out: DType) -> Result<Tensor> {
        let compute = a.dtype();
        let r = if op.is_logical() || op.is_bitwise() {
            match compute {
                DType::Bool => apply_bits::<bool>(op, a, b, shape),
                DType::U8 => apply_bits::<u8>(op, a, b, shape),
                DType::I32 => apply_bits::<i32>(op, a, b, shape),
                DType::I64 => apply_bits::<i64>(op, a, b, shape),
                _ => Err(Error::DType(format!("ufunc '{}' not supported for {compute}", op.name()))),
            }
        } else if op.spec().kind == Kind::Float {
            match compute {
                DType::F32 => apply_float::<f32>(op, a, b, shape),
                _ => apply_float::<f64>(op, a, b, shape),
            }
        } else if op.spec().kind == Kind::Integer {
            match compute {
                DType::U8 => apply_int::<u8>(op, a, b, shape),
                DType::I32 => apply_int::<i32>(op, a, b, shape),
                _ => apply_int::<i64>(op, a, b, shape),
            }
        } else if op.is_comparison() && out == DType::F32 {
            // Legacy float32 comparisons write their 0/1 numbers in the same pass.
            with_dtype!(compute, T => compare::<T, f32>(op, a, b, shape))
        } else {
            with_dtype!(compute, T => apply::<T>(op, a, b, shape))
        }?;
        r.to_dtype(out)
    }

    fn zip_inplace(&self, a: &Tensor, b: &Tensor, op: BinaryOp) -> Result<()> {
        with_dtype!(a.dtype(), T => inplace_arith::<T>(op, a, b))
    }
}

impl Tensor {
    /// `self op other` with broadcasting and NumPy type promotion.
    pub fn binary(&self, other: &Tensor, op: BinaryOp) -> Result<Tensor> {
        use crate::autograd::{derivatives::binary as d, track};
        if !op.spec().differentiable {
            return self.binary_raw(other, op, None);
        }
        track(op.name(), &[self, other], || self.binary_raw(other, op, None), |s| d::rule(op, s, self, other))
    }

    /// `self op other` with the result in `out`. Comparisons and logical operations write
    /// their truth values as 0/1 numbers of `out` (MXNet's legacy arrays compare to numbers;
    /// one pass for float32); other operations convert their result.
    pub fn binary_as(&self, other: &Tensor, op: BinaryOp, out: DType) -> Result<Tensor> {
        if op.spec().differentiable {
            return self.binary(other, op)?.to_dtype(out);
        }
        self.binary_raw(other, op, Some(out))
    }

    /// `self op scalar` (or `scalar op self` when `reflected`) with the result in `out`, as
    /// `binary_as`.
    pub fn binary_scalar_as(&self, s: Scalar, op: BinaryOp, reflected: bool, out: DType) -> Result<Tensor> {
        let other = weak_scalar(s, op, self)?;
        if reflected {
            other.binary_as(self, op, out)
        } else {
            self.binary_as(&other, op, out)
        }
    }

    fn binary_raw(&self, other: &Tensor, op: BinaryOp, out: Option<DType>) -> Result<Tensor> {
        self.same_device(other, op.name())?;
        let shape = broadcast_shapes(self.shape(), other.shape())?;
        let (compute, result) = op.dtypes(self.dtype(), other.dtype())?;
        let a = self.to_dtype(compute)?;
        let b = other.to_dtype(compute)?;
        if shape.iter().product::<usize>() > 0 {
            check_int_pow(op, compute, &b)?;
        }
        backend::on(a.device())?.zip(&a, &b, op, &shape, out.unwrap_or(result))
    }

    /// `self op scalar` (or `scalar op self` when `reflected`), with the scalar weakly typed.
    pub fn binary_scalar(&self, s: Scalar, op: BinaryOp, reflected: bool) -> Result<Tensor> {
        let other = weak_scalar(s, op, self)?;
        if reflected {
            other.binary(self, op)
        } else {
            self.binary(&other, op)
        }
    }

    /// `self op= other`, in place (NumPy's `same_kind` casting of the result into `self`).
    pub fn binary_inplace(&self, other: &Tensor, op: BinaryOp) -> Result<()> {
        self.same_device(other, op.name())?;
        // Casting is checked before shapes, as NumPy does.
        let (compute, result) = op.dtypes(self.dtype(), other.dtype())?;
        check_same_kind(op, result, self.dtype())?;
        let out_shape = broadcast_shapes(self.shape(), other.shape())?;
        if out_shape.as_slice() != self.shape() {
            return Err(Error::Shape(format!(
                "non-broadcastable output operand with shape {} doesn't match the broadcast shape {}",
                fmt_shape(self.shape()),
                fmt_shape(&out_shape)
            )));
        }
        if crate::autograd::graph::records_inplace(self, &[other])? {
            // While recording: a recorded out-of-place result, copied in. The result is
            // computed from a recorded copy of the old value, so that the backward rule keeps
            // that copy, not this handle (whose value the write replaces, and which will
            // point at the new node).
            let old = self.copy()?;
            let other = if other.shares_storage(self) { other.copy()? } else { other.clone() };
            let r = old.binary(&other, op)?;
            return crate::autograd::graph::commit_inplace(self, &r);
        }
        // The arithmetic operations have in-place kernels; the others write a new result.
        let fast = compute == self.dtype() && op.spec().kind == Kind::Arith;
        if fast {
            // A right operand that overlaps the destination is read from a private copy.
            let b = other.to_dtype(compute)?;
            let b = if b.shares_storage(self) { b.copy()? } else { b };
            if self.numel() > 0 {
                check_int_pow(op, compute, &b)?;
            }
            return backend::on(self.device())?.zip_inplace(self, &b, op);
        }
        let r = self.binary(other, op)?;
        self.assign(&r)
    }

    /// `self op= scalar`, in place.
    pub fn binary_scalar_inplace(&self, s: Scalar, op: BinaryOp) -> Result<()> {
        let other = weak_scalar(s, op, self)?;
        self.binary_inplace(&other, op)
    }

    pub fn add(&self, o: &Tensor) -> Result<Tensor> {
        self.binary(o, BinaryOp::Add)
    }
    pub fn sub(&self, o: &Tensor) -> Result<Tensor> {
        self.binary(o, BinaryOp::Sub)
    }
    pub fn mul(&self, o: &Tensor) -> Result<Tensor> {
        self.binary(o, BinaryOp::Mul)
    }
    pub fn div(&self, o: &Tensor) -> Result<Tensor> {
        self.binary(o, BinaryOp::Div)
    }
}

/// The 0-d tensor a weakly typed Python scalar becomes as the operand of `op` with `array`.
/// NumPy 2 converts the scalar to the dtype the loop runs in, so an int that does not fit an
/// integer array's dtype is refused, except where the loop is float (`/`) or bool (logical
/// ops), and in comparisons, which NumPy evaluates exactly (`uint8_array == -1` is all false).
fn weak_scalar(s: Scalar, op: BinaryOp, array: &Tensor) -> Result<Tensor> {
    if op.is_logical() {
        // Only the truth of the scalar matters (a tiny float is true even where float32 has
        // no room for it).
        return Tensor::from_scalar(s, DType::Bool, array.device());
    }
    let dtype = s.weak_dtype(array.dtype());
    if let Err(e) = check_scalar_fits(s, dtype) {
        let (compute, _) = op.dtypes(array.dtype(), dtype)?;
        let exact = if op.is_comparison() {
            DType::I64
        } else if compute.is_float() || compute == DType::Bool {
            compute
        } else {
            return Err(e);
        };
        return Tensor::from_scalar(s, exact, array.device());
    }
    Tensor::from_scalar(s, dtype, array.device())
}

/// NumPy 2 refuses Python integers that do not fit the array's integer dtype.
fn check_scalar_fits(s: Scalar, dtype: DType) -> Result<()> {
    if let Scalar::Int(v) = s {
        let ok = match dtype {
            DType::U8 => (0..=255).contains(&v),
            DType::I32 => i32::try_from(v).is_ok(),
            _ => true,
        };
        if !ok {
            return Err(Error::Value(format!("Python integer {v} out of bounds for {dtype}")));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broadcast_add_and_promotion() {
        let a = Tensor::from_vec(vec![1i32, 2, 3], &[3, 1]).unwrap();
        let b = Tensor::from_vec(vec![0.5f32, 1.5], &[2]).unwrap();
        let c = a.add(&b).unwrap();
        assert_eq!(c.shape(), &[3, 2]);
        assert_eq!(c.dtype(), DType::F64);
        assert_eq!(c.to_vec::<f64>().unwrap(), vec![1.5, 2.5, 2.5, 3.5, 3.5, 4.5]);
        assert!(a.add(&Tensor::from_vec(vec![1i32, 2], &[2, 1]).unwrap()).is_err());
    }

    #[test]
    fn python_semantics_for_floor_and_mod() {
        let a = Tensor::from_vec(vec![-7i64, 7, -7, 7], &[4]).unwrap();
        let b = Tensor::from_vec(vec![2i64, -2, -2, 0], &[4]).unwrap();
        assert_eq!(a.binary(&b, BinaryOp::FloorDiv).unwrap().to_vec::<i64>().unwrap(), vec![-4, -4, 3, 0]);
        assert_eq!(a.binary(&b, BinaryOp::Mod).unwrap().to_vec::<i64>().unwrap(), vec![1, -1, -1, 0]);
        let f = a.astype(DType::F64).unwrap();
        let g = b.astype(DType::F64).unwrap();
        assert_eq!(f.binary(&g, BinaryOp::Mod).unwrap().to_vec::<f64>().unwrap()[..3], [1.0, -1.0, -1.0]);
    }

    #[test]
    fn inplace_and_scalars() {
        let a = Tensor::from_vec(vec![1.0f32, 2.0], &[2]).unwrap();
        a.binary_scalar_inplace(Scalar::Int(3), BinaryOp::Mul).unwrap();
        assert_eq!(a.to_vec::<f32>().unwrap(), vec![3.0, 6.0]);
        let i = Tensor::from_vec(vec![1i32, 2], &[2]).unwrap();
        assert!(i.binary_scalar_inplace(Scalar::Float(1.5), BinaryOp::Add).is_err());
        let r = i.binary_scalar(Scalar::Int(10), BinaryOp::Sub, true).unwrap();
        assert_eq!(r.to_vec::<i32>().unwrap(), vec![9, 8]);
        assert_eq!(i.binary_scalar(Scalar::Float(0.5), BinaryOp::Mul, false).unwrap().dtype(), DType::F64);
    }

    #[test]
    fn same_kind_separates_signed_from_unsigned() {
        let u = Tensor::from_vec(vec![1u8, 2], &[2]).unwrap();
        let i = Tensor::from_vec(vec![1i32, 1], &[2]).unwrap();
        assert!(matches!(u.binary_inplace(&i, BinaryOp::Sub), Err(Error::DType(_))));
        i.binary_inplace(&u, BinaryOp::Add).unwrap();
        assert_eq!(i.to_vec::<i32>().unwrap(), vec![2, 3]);
        // The dtype error wins over the shape error, as in NumPy.
        let wide = Tensor::from_vec(vec![1i32; 4], &[2, 2]).unwrap();
        assert!(matches!(u.binary_inplace(&wide, BinaryOp::Add), Err(Error::DType(_))));
    }

    #[test]
    fn out_of_range_python_ints() {
        let u = Tensor::from_vec(vec![0u8, 255], &[2]).unwrap();
        // Comparisons are exact, true division runs in float64, logical ops in bool.
        assert_eq!(u.binary_scalar(Scalar::Int(-1), BinaryOp::Eq, false).unwrap().to_vec::<bool>().unwrap(), vec![false, false]);
        assert_eq!(u.binary_scalar(Scalar::Int(256), BinaryOp::Lt, false).unwrap().to_vec::<bool>().unwrap(), vec![true, true]);
        assert_eq!(u.binary_scalar(Scalar::Int(-1), BinaryOp::Div, false).unwrap().to_vec::<f64>().unwrap(), vec![-0.0, -255.0]);
        assert_eq!(u.binary_scalar(Scalar::Int(-1), BinaryOp::LogicalOr, false).unwrap().to_vec::<bool>().unwrap(), vec![true, true]);
        let f = Tensor::from_vec(vec![1.0f32], &[1]).unwrap();
        assert!(f.binary_scalar(Scalar::Float(1e-100), BinaryOp::LogicalAnd, false).unwrap().to_vec::<bool>().unwrap()[0]);
        assert!(matches!(u.binary_scalar(Scalar::Int(-1), BinaryOp::Add, false), Err(Error::Value(_))));
        assert!(matches!(u.binary_scalar_inplace(Scalar::Int(300), BinaryOp::Add), Err(Error::Value(_))));
    }

    #[test]
    fn comparisons_written_as_numbers() {
        let a = Tensor::from_vec(vec![1.0f32, 2.0, 3.0], &[3]).unwrap();
        let b = Tensor::from_vec(vec![2.0f32], &[1]).unwrap();
        let r = a.binary_as(&b, BinaryOp::Ge, DType::F32).unwrap();
        assert_eq!((r.dtype(), r.to_vec::<f32>().unwrap()), (DType::F32, vec![0.0, 1.0, 1.0]));
        let r = a.binary_scalar_as(Scalar::Int(2), BinaryOp::Lt, true, DType::I64).unwrap();
        assert_eq!(r.to_vec::<i64>().unwrap(), vec![0, 0, 1]);
        let r = a.binary_as(&b, BinaryOp::Add, DType::F64).unwrap();
        assert_eq!(r.to_vec::<f64>().unwrap(), vec![3.0, 4.0, 5.0]);
    }

    #[test]
    fn negative_integer_power_of_nothing_is_fine() {
        let e = Tensor::from_vec(Vec::<i32>::new(), &[0]).unwrap();
        assert_eq!(e.binary_scalar(Scalar::Int(-1), BinaryOp::Pow, false).unwrap().shape(), &[0]);
        e.binary_scalar_inplace(Scalar::Int(-1), BinaryOp::Pow).unwrap();
        let x = Tensor::from_vec(vec![2i32], &[1]).unwrap();
        assert!(x.binary_scalar(Scalar::Int(-1), BinaryOp::Pow, false).is_err());
    }
}

//! Elementwise functions of one array: math functions (which compute in float, as NumPy's do
//! for integer input), sign-type functions that keep the dtype, rounding, activations and
//! predicates.

use super::backend;
use super::registry::{DTypes, Family};
use super::{binary::Arith, build, with_ptr};
use crate::cpu::strided::{map1, map2, Plan};
use crate::cpu::special;
use crate::cpu::Cpu;
use crate::dtype::DType;
use crate::error::{Error, Result};
use crate::layout::contiguous_strides;
use crate::storage::StorageElement;
use crate::tensor::Tensor;
use crate::with_dtype;

/// How a function treats dtypes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rule {
    /// Defined on floats: integer input is converted first (float64 for int32/int64, float32
    /// for bool/uint8, where NumPy would use float16).
    Float,
    /// Keeps the dtype (bool has its own rules: `negative` and `sign` refuse it, `square`
    /// computes in uint8).
    Same,
    /// Rounding: a float function, the identity on integers.
    Rounding,
    /// A float predicate (bool result; constant on integers).
    Test,
    /// Computes on the truth of the input (bool result).
    Logical,
    /// Bitwise: bool and integers only.
    Bitwise,
}

/// One row of the unary table.
pub struct UnarySpec {
    /// NumPy's name (the Python bindings' name, the kernels' name) and other accepted names.
    pub name: &'static str,
    pub aliases: &'static [&'static str],
    pub rule: Rule,
    /// The dtypes of the GPU kernels `unary_<name>_<dtype>`.
    pub gpu: DTypes,
    /// The dtypes of the fused gradient kernels `grad_<name>_<dtype>` (`g * op'(v)` in one
    /// pass; the CPU has them for the same ops, see `FloatMath::grad`).
    pub grad_gpu: DTypes,
    /// Recorded by autograd (piecewise-constant functions and predicates are not).
    pub differentiable: bool,
    /// The fused gradient reads the output `y = op(x)` rather than the input.
    pub grad_from_output: bool,
}

impl UnarySpec {
    const DEFAULT: UnarySpec = UnarySpec {
        name: "",
        aliases: &[],
        rule: Rule::Same,
        gpu: DTypes::NONE,
        grad_gpu: DTypes::NONE,
        differentiable: false,
        grad_from_output: false,
    };
}

crate::declare_ops! {
    /// Elementwise functions of one array.
    pub enum UnaryOp: UnarySpec {
        Neg { name: "negative", rule: Rule::Same, gpu: DTypes::NUM, grad_gpu: DTypes::FLOAT, differentiable: true },
        Abs { name: "absolute", aliases: &["abs"], rule: Rule::Same, gpu: DTypes::ALL, differentiable: true },
        Sign { name: "sign", rule: Rule::Same, gpu: DTypes::NUM },
        Square { name: "square", rule: Rule::Same, gpu: DTypes::NUM, grad_gpu: DTypes::FLOAT, differentiable: true },
        Floor { name: "floor", rule: Rule::Rounding, gpu: DTypes::ALL },
        Ceil { name: "ceil", rule: Rule::Rounding, gpu: DTypes::ALL },
        Trunc { name: "trunc", aliases: &["fix"], rule: Rule::Rounding, gpu: DTypes::ALL },
        Round { name: "round", aliases: &["rint"], rule: Rule::Rounding, gpu: DTypes::ALL },
        Relu { name: "relu", rule: Rule::Same, gpu: DTypes::ALL, grad_gpu: DTypes::FLOAT, differentiable: true },
        Exp { name: "exp", rule: Rule::Float, gpu: DTypes::FLOAT, grad_gpu: DTypes::FLOAT, differentiable: true, grad_from_output: true },
        Exp2 { name: "exp2", rule: Rule::Float, gpu: DTypes::FLOAT, differentiable: true },
        Log { name: "log", rule: Rule::Float, gpu: DTypes::FLOAT, grad_gpu: DTypes::FLOAT, differentiable: true },
        Log2 { name: "log2", rule: Rule::Float, gpu: DTypes::FLOAT, differentiable: true },
        Log10 { name: "log10", rule: Rule::Float, gpu: DTypes::FLOAT, differentiable: true },
        Log1p { name: "log1p", rule: Rule::Float, gpu: DTypes::FLOAT, grad_gpu: DTypes::FLOAT, differentiable: true },
        Expm1 { name: "expm1", rule: Rule::Float, gpu: DTypes::FLOAT, grad_gpu: DTypes::FLOAT, differentiable: true, grad_from_output: true },
        Sqrt { name: "sqrt", rule: Rule::Float, gpu: DTypes::FLOAT, grad_gpu: DTypes::FLOAT, differentiable: true, grad_from_output: true },
        Cbrt { name: "cbrt", rule: Rule::Float, gpu: DTypes::FLOAT, differentiable: true },
        Reciprocal { name: "reciprocal", rule: Rule::Float, gpu: DTypes::FLOAT, grad_gpu: DTypes::FLOAT, differentiable: true, grad_from_output: true },
        Sin { name: "sin", rule: Rule::Float, gpu: DTypes::FLOAT, grad_gpu: DTypes::FLOAT, differentiable: true },
        Cos { name: "cos", rule: Rule::Float, gpu: DTypes::FLOAT, grad_gpu: DTypes::FLOAT, differentiable: true },
        Tan { name: "tan", rule: Rule::Float, gpu: DTypes::FLOAT, differentiable: true },
        Arcsin { name: "arcsin", rule: Rule::Float, gpu: DTypes::FLOAT, differentiable: true },
        Arccos { name: "arccos", rule: Rule::Float, gpu: DTypes::FLOAT, differentiable: true },
        Arctan { name: "arctan", rule: Rule::Float, gpu: DTypes::FLOAT, differentiable: true },
        Sinh { name: "sinh", rule: Rule::Float, gpu: DTypes::FLOAT, differentiable: true },
        Cosh { name: "cosh", rule: Rule::Float, gpu: DTypes::FLOAT, differentiable: true },
        Tanh { name: "tanh", rule: Rule::Float, gpu: DTypes::FLOAT, grad_gpu: DTypes::FLOAT, differentiable: true, grad_from_output: true },
        Arcsinh { name: "arcsinh", rule: Rule::Float, gpu: DTypes::FLOAT, differentiable: true },
        Arccosh { name: "arccosh", rule: Rule::Float, gpu: DTypes::FLOAT, differentiable: true },
        Arctanh { name: "arctanh", rule: Rule::Float, gpu: DTypes::FLOAT, differentiable: true },
        Sigmoid { name: "sigmoid", rule: Rule::Float, gpu: DTypes::FLOAT, grad_gpu: DTypes::FLOAT, differentiable: true, grad_from_output: true },
        Deg2rad { name: "deg2rad", aliases: &["radians"], rule: Rule::Float, gpu: DTypes::FLOAT, differentiable: true },
        Rad2deg { name: "rad2deg", aliases: &["degrees"], rule: Rule::Float, gpu: DTypes::FLOAT, differentiable: true },
        // Special functions (cpu/special.rs). trigamma is digamma's derivative; it has no
        // derivative of its own here (a third derivative of gammaln is not supported).
        Erf { name: "erf", rule: Rule::Float, gpu: DTypes::FLOAT, differentiable: true },
        Erfinv { name: "erfinv", rule: Rule::Float, gpu: DTypes::FLOAT, differentiable: true },
        Gamma { name: "gamma", rule: Rule::Float, gpu: DTypes::FLOAT, differentiable: true },
        Gammaln { name: "gammaln", rule: Rule::Float, gpu: DTypes::FLOAT, differentiable: true },
        Digamma { name: "digamma", rule: Rule::Float, gpu: DTypes::FLOAT, differentiable: true },
        Trigamma { name: "trigamma", rule: Rule::Float, gpu: DTypes::FLOAT },
        LogicalNot { name: "logical_not", rule: Rule::Logical, gpu: DTypes::ALL },
        Invert { name: "invert", aliases: &["bitwise_not"], rule: Rule::Bitwise, gpu: DTypes::BITS },
        IsNan { name: "isnan", rule: Rule::Test, gpu: DTypes::ALL },
        IsInf { name: "isinf", rule: Rule::Test, gpu: DTypes::ALL },
        IsFinite { name: "isfinite", rule: Rule::Test, gpu: DTypes::ALL },
    }
}

impl UnaryOp {
    /// The dtype of `op(x)` for `x` of the dtype the function computes in.
    pub fn out_dtype(self, computed: DType) -> DType {
        match self.spec().rule {
            Rule::Test | Rule::Logical => DType::Bool,
            _ => computed,
        }
    }
}

/// The GPU kernels of the table (`cuda/kernels.rs` compiles them; `cuda/ops/unary.rs`
/// launches them).
pub const GPU_KERNELS: Family = Family::rows("unary", UnaryOp::ALL.len(), |i| UnaryOp::ALL[i].name(), |i| UnaryOp::ALL[i].spec().gpu);
pub const GPU_GRAD_KERNELS: Family = Family::rows("grad", UnaryOp::ALL.len(), |i| UnaryOp::ALL[i].name(), |i| UnaryOp::ALL[i].spec().grad_gpu);

/// The unary primitives of a backend.
pub trait UnaryKernels {
    /// `op(x)` elementwise into a new tensor, for `x` already in the dtype `op` computes in.
    fn map(&self, x: &Tensor, op: UnaryOp) -> Result<Tensor>;
    /// `g * op'(v)` in one pass (`v` is `x`, or `y` when `grad_from_output`), for `g` and `v`
    /// of one shape and float dtype; `None` when `op` has no fused gradient.
    fn fused_grad(&self, op: UnaryOp, g: &Tensor, v: &Tensor) -> Result<Option<Tensor>>;
}

/// `out[i] = f(x[i])` into a new dense tensor.
pub(crate) fn map_new<A: StorageElement, O: StorageElement>(x: &Tensor, f: impl Fn(A) -> O + Sync) -> Result<Tensor> {
    let shape = x.shape();
    let out_strides = contiguous_strides(shape);
    let l = x.layout();
    unsafe {
        build::<O>(shape, x.device(), |po| {
            with_ptr::<A, _>(x, |pa| {
                let plan = Plan::<2>::new(shape, [&out_strides, l.strides()], [0, l.offset()]);
                map1(&plan, po, pa, f);
                Ok(())
            })
        })
    }
}

/// `out[i] = f(a[i], b[i])` for two tensors of one shape, into a new dense tensor.
fn zip_new<A: StorageElement, B: StorageElement, O: StorageElement>(a: &Tensor, b: &Tensor, f: impl Fn(A, B) -> O + Sync) -> Result<Tensor> {
    let shape = a.shape();
    let out_strides = contiguous_strides(shape);
    let (la, lb) = (a.layout(), b.layout());
    unsafe {
        build::<O>(shape, a.device(), |po| {
            with_ptr::<A, _>(a, |pa| {
                with_ptr::<B, _>(b, |pb| {
                    let plan = Plan::<3>::new(shape, [&out_strides, la.strides(), lb.strides()], [0, la.offset(), lb.offset()]);
                    map2(&plan, po, pa, pb, f);
                    Ok(())
                })
            })
        })
    }
}

/// Float functions of f32 and f64, by name.
pub trait FloatMath: Arith + Copy {
    fn apply(op: UnaryOp, x: &Tensor) -> Result<Tensor>;
    /// `g * op'(x)` in one pass, for the common activations; `v` is the input `x` or, for the
    /// functions whose derivative is cheaper in terms of the output, `y = op(x)`
    /// (`grad_from_output`). `None` for the other functions.
    fn grad(op: UnaryOp, g: &Tensor, v: &Tensor) -> Result<Option<Tensor>>;
}

macro_rules! float_math {
    ($t:ty) => {
        impl FloatMath for $t {
            fn apply(op: UnaryOp, x: &Tensor) -> Result<Tensor> {
                use UnaryOp::*;
                match op {
                    Exp => map_new(x, |v: $t| v.exp()),
                    Exp2 => map_new(x, |v: $t| v.exp2()),
                    Log => map_new(x, |v: $t| v.ln()),
                    Log2 => map_new(x, |v: $t| v.log2()),
                    Log10 => map_new(x, |v: $t| v.log10()),
                    Log1p => map_new(x, |v: $t| v.ln_1p()),
                    Expm1 => map_new(x, |v: $t| v.exp_m1()),
                    Sqrt => map_new(x, |v: $t| v.sqrt()),
                    Cbrt => map_new(x, |v: $t| v.cbrt()),
                    Reciprocal => map_new(x, |v: $t| 1.0 / v),
                    Sin => map_new(x, |v: $t| v.sin()),
                    Cos => map_new(x, |v: $t| v.cos()),
                    Tan => map_new(x, |v: $t| v.tan()),
                    Arcsin => map_new(x, |v: $t| v.asin()),
                    Arccos => map_new(x, |v: $t| v.acos()),
                    Arctan => map_new(x, |v: $t| v.atan()),
                    Sinh => map_new(x, |v: $t| v.sinh()),
                    Cosh => map_new(x, |v: $t| v.cosh()),
                    Tanh => map_new(x, |v: $t| v.tanh()),
                    Arcsinh => map_new(x, |v: $t| v.asinh()),
                    Arccosh => map_new(x, |v: $t| v.acosh()),
                    Arctanh => map_new(x, |v: $t| v.atanh()),
                    Sigmoid => map_new(x, |v: $t| 1.0 / (1.0 + (-v).exp())),
                    // NumPy multiplies by the constant rounded to the dtype.
                    Deg2rad => map_new(x, |v: $t| v * (std::f64::consts::PI / 180.0) as $t),
                    Rad2deg => map_new(x, |v: $t| v * (180.0 / std::f64::consts::PI) as $t),
                    // In float64, rounded once for float32 (see cpu/special.rs).
                    Erf => map_new(x, |v: $t| special::erf(v as f64) as $t),
                    Erfinv => map_new(x, |v: $t| special::erfinv(v as f64) as $t),
                    Gamma => map_new(x, |v: $t| special::gamma(v as f64) as $t),
                    Gammaln => map_new(x, |v: $t| special::gammaln(v as f64) as $t),
                    Digamma => map_new(x, |v: $t| special::digamma(v as f64) as $t),
                    Trigamma => map_new(x, |v: $t| special::trigamma(v as f64) as $t),
                    Floor => map_new(x, |v: $t| v.floor()),
                    Ceil => map_new(x, |v: $t| v.ceil()),
                    Trunc => map_new(x, |v: $t| v.trunc()),
                    Round => map_new(x, |v: $t| v.round_ties_even()),
                    IsNan => map_new(x, |v: $t| v.is_nan()),
                    IsInf => map_new(x, |v: $t| v.is_infinite()),
                    IsFinite => map_new(x, |v: $t| v.is_finite()),
                    _ => Err(Error::DType(format!("internal: {} is not a float function", op.name()))),
                }
            }

            fn grad(op: UnaryOp, g: &Tensor, v: &Tensor) -> Result<Option<Tensor>> {
                use UnaryOp::*;
                let r = match op {
                    // NaN in, NaN out, as MXNet's relu gradient (it propagates the NaN input)
                    Relu => zip_new(g, v, |g: $t, x: $t| if x > 0.0 { g } else if x.is_nan() { x } else { 0.0 }),
                    Sigmoid => zip_new(g, v, |g: $t, y: $t| g * y * (1.0 - y)),
                    Tanh => zip_new(g, v, |g: $t, y: $t| g * (1.0 - y * y)),
                    Exp => zip_new(g, v, |g: $t, y: $t| g * y),
                    Expm1 => zip_new(g, v, |g: $t, y: $t| g * (y + 1.0)),
                    Sqrt => zip_new(g, v, |g: $t, y: $t| g / (2.0 * y)),
                    Reciprocal => zip_new(g, v, |g: $t, y: $t| -g * y * y),
                    Log => zip_new(g, v, |g: $t, x: $t| g / x),
                    Log1p => zip_new(g, v, |g: $t, x: $t| g / (1.0 + x)),
                    Square => zip_new(g, v, |g: $t, x: $t| 2.0 * g * x),
                    Neg => zip_new(g, v, |g: $t, _: $t| -g),
                    Sin => zip_new(g, v, |g: $t, x: $t| g * x.cos()),
                    Cos => zip_new(g, v, |g: $t, x: $t| -g * x.sin()),
                    _ => return Ok(None),
                };
                r.map(Some)
            }
        }
    };
}
float_math!(f32);
float_math!(f64);

/// Functions that keep an integer dtype.
fn int_like<T: Arith>(op: UnaryOp, x: &Tensor) -> Result<Tensor> {
    use UnaryOp::*;
    let zero = T::zero();
    match op {
        // v * -1 rather than 0 - v: -0.0 for +0.0, as NumPy (for integers both wrap alike).
        Neg => map_new(x, move |v: T| T::mul(v, T::sub(zero, T::one()))),
        // <= so that -0.0 becomes +0.0.
        Abs => map_new(x, move |v: T| if v <= zero { T::sub(zero, v) } else { v }),
        Sign => map_new(x, move |v: T| {
            if v > zero {
                T::one()
            } else if v < zero {
                T::sub(zero, T::one())
            } else {
                v
            }
        }),
        Square => map_new(x, |v: T| T::mul(v, v)),
        Relu => map_new(x, move |v: T| T::max(v, zero)),
        Floor | Ceil | Trunc | Round => x.copy(),
        IsNan | IsInf => map_new(x, |_: T| false),
        IsFinite => map_new(x, |_: T| true),
        _ => Err(Error::DType(format!("internal: {} is not an integer function", op.name()))),
    }
}

impl Tensor {
    /// Applies an elementwise function. Float functions of integer input compute in float64
    /// (int32/int64) or float32 (bool/uint8; NumPy would use float16, which deepblocks lacks).
    pub fn unary(&self, op: UnaryOp) -> Result<Tensor> {
        use crate::autograd::{derivatives::unary as d, track};
        if !op.spec().differentiable {
            return self.unary_raw(op);
        }
        track(op.name(), &[self], || self.unary_raw(op), |s| d::rule(op, s, self))
    }

    /// Applies the table's dtype rule, then the backend's kernel.
    fn unary_raw(&self, op: UnaryOp) -> Result<Tensor> {
        let dt = self.dtype();
        let refuse = |why: &str| Err(Error::DType(format!("ufunc '{}' not supported for {why}", op.name())));
        if op == UnaryOp::Reciprocal && !dt.is_float() {
            // NumPy and MXNet keep an integer dtype here (MXNet refuses bool).
            return if dt == DType::Bool { refuse("boolean input; cast it to a number type first") } else { self.int_reciprocal() };
        }
        let x = match op.spec().rule {
            Rule::Float => self.to_dtype(dt.to_float())?,
            Rule::Logical => self.to_dtype(DType::Bool)?,
            Rule::Bitwise if dt.is_float() => return refuse(&format!("the input type {dt}")),
            Rule::Same if dt == DType::Bool && matches!(op, UnaryOp::Neg | UnaryOp::Sign) => {
                return refuse("boolean input; use logical_not (~) instead");
            }
            Rule::Same if dt == DType::Bool && op == UnaryOp::Square => self.to_dtype(DType::U8)?,
            _ => self.clone(),
        };
        backend::on(x.device())?.map(&x, op)
    }
}

impl Tensor {
    /// `1 / x` of an integer array in its own dtype, as NumPy and MXNet compute it: the
    /// truncated quotient (1 for 1, -1 for -1, else 0) and, for 0, what the float infinity
    /// converts to on x86 (the most negative int32/int64; 0 for uint8). Composed of
    /// comparisons and selections, so every backend has it.
    fn int_reciprocal(&self) -> Result<Tensor> {
        use crate::ops::binary::BinaryOp;
        use crate::tensor::Scalar;
        let d = self.dtype();
        let value = |v: i64| Tensor::from_scalar(Scalar::Int(v), d, self.device());
        let is = |v: i64| self.binary_scalar(Scalar::Int(v), BinaryOp::Eq, false);
        let at_zero = match d {
            DType::I32 => i32::MIN as i64,
            DType::I64 => i64::MIN,
            _ => 0,
        };
        let mut r = Tensor::where_(&is(1)?, &value(1)?, &value(0)?)?;
        if d != DType::U8 {
            r = Tensor::where_(&is(-1)?, &value(-1)?, &r)?;
        }
        Tensor::where_(&is(0)?, &value(at_zero)?, &r)
    }
}

/// `g * op'(v)` in one pass when `op` has a fused gradient and `g` and `v` agree in shape
/// and float dtype (see `UnaryKernels::fused_grad`); `None` otherwise.
pub(crate) fn fused_grad(op: UnaryOp, g: &Tensor, v: &Tensor) -> Result<Option<Tensor>> {
    if g.shape() != v.shape() || g.dtype() != v.dtype() || !g.dtype().is_float() {
        return Ok(None);
    }
    g.same_device(v, op.name())?;
    backend::on(g.device())?.fused_grad(op, g, v)
}

impl UnaryKernels for Cpu {
    fn map(&self, x: &Tensor, op: UnaryOp) -> Result<Tensor> {
        let dt = x.dtype();
        match op.spec().rule {
            Rule::Float | Rule::Rounding | Rule::Test if dt.is_float() => match dt {
                DType::F32 => f32::apply(op, x),
                _ => f64::apply(op, x),
            },
            Rule::Logical => map_new(x, |v: bool| !v),
            Rule::Bitwise => match dt {
                DType::Bool => map_new(x, |v: bool| !v),
                DType::U8 => map_new(x, |v: u8| !v),
                DType::I32 => map_new(x, |v: i32| !v),
                _ => map_new(x, |v: i64| !v),
            },
            _ => with_dtype!(dt, T => int_like::<T>(op, x)),
        }
    }

    fn fused_grad(&self, op: UnaryOp, g: &Tensor, v: &Tensor) -> Result<Option<Tensor>> {
        match g.dtype() {
            DType::F32 => f32::grad(op, g, v),
            DType::F64 => f64::grad(op, g, v),
            _ => Ok(None),
        }
    }
}

impl Tensor {
    /// Rounds half to even at `decimals` decimal places (negative: to tens, hundreds...), by
    /// NumPy's method: `rint(x * 10**d) / 10**d`, or `rint(x / 10**-d) * 10**-d` for `d < 0`,
    /// computed in float and cast back to the input's dtype. Bool input gives float32 (NumPy:
    /// float16).
    pub fn round_decimals(&self, decimals: i32) -> Result<Tensor> {
        use crate::ops::binary::BinaryOp;
        use crate::tensor::Scalar;
        let dt = self.dtype();
        if dt == DType::Bool {
            return self.to_dtype(DType::F32)?.round_decimals(decimals);
        }
        if decimals >= 0 && !dt.is_float() {
            return self.copy();
        }
        if decimals == 0 {
            return self.unary(UnaryOp::Round);
        }
        let (first, second) = if decimals > 0 { (BinaryOp::Mul, BinaryOp::Div) } else { (BinaryOp::Div, BinaryOp::Mul) };
        let scale = Scalar::Float(10f64.powi(decimals.abs()));
        let x = if dt.is_float() { self.clone() } else { self.to_dtype(DType::F64)? };
        let r = x.binary_scalar(scale, first, false)?.unary(UnaryOp::Round)?.binary_scalar(scale, second, false)?;
        r.to_dtype(dt)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn float_math_on_ints_and_views() {
        let x = Tensor::from_vec(vec![0i32, 1, 4, 9], &[4]).unwrap();
        let r = x.unary(UnaryOp::Sqrt).unwrap();
        assert_eq!(r.dtype(), DType::F64);
        assert_eq!(r.to_vec::<f64>().unwrap(), vec![0.0, 1.0, 2.0, 3.0]);
        let rev = x.view(x.layout().flip(0));
        assert_eq!(rev.unary(UnaryOp::Neg).unwrap().to_vec::<i32>().unwrap(), vec![-9, -4, -1, 0]);
        let f = Tensor::from_vec(vec![0.5f32, 1.5, 2.5, -0.5], &[4]).unwrap();
        assert_eq!(f.unary(UnaryOp::Round).unwrap().to_vec::<f32>().unwrap(), vec![0.0, 2.0, 2.0, -0.0]);
        let b = Tensor::from_vec(vec![true, false], &[2]).unwrap();
        assert!(b.unary(UnaryOp::Neg).is_err());
    }

    #[test]
    fn reciprocal_keeps_integer_dtypes() {
        let x = Tensor::from_vec(vec![0i32, 1, 2, -1, 3], &[5]).unwrap();
        let r = x.unary(UnaryOp::Reciprocal).unwrap();
        assert_eq!(r.dtype(), DType::I32);
        assert_eq!(r.to_vec::<i32>().unwrap(), vec![i32::MIN, 1, 0, -1, 0]);
        let x = Tensor::from_vec(vec![0i64, -1, -7], &[3]).unwrap();
        assert_eq!(x.unary(UnaryOp::Reciprocal).unwrap().to_vec::<i64>().unwrap(), vec![i64::MIN, -1, 0]);
        let x = Tensor::from_vec(vec![0u8, 1, 2, 255], &[4]).unwrap();
        assert_eq!(x.unary(UnaryOp::Reciprocal).unwrap().to_vec::<u8>().unwrap(), vec![0, 1, 0, 0]);
        assert!(Tensor::from_vec(vec![true], &[1]).unwrap().unary(UnaryOp::Reciprocal).is_err());
    }

    #[test]
    fn round_to_tens_divides_first() {
        // 65 * 0.1 is 6.500000000000001 (which rounds to 7); 65 / 10 is 6.5 (which rounds to 6).
        let x = Tensor::from_vec(vec![65i64, 75, -15, 14], &[4]).unwrap();
        let r = x.round_decimals(-1).unwrap();
        assert_eq!(r.dtype(), DType::I64);
        assert_eq!(r.to_vec::<i64>().unwrap(), vec![60, 80, -20, 10]);
        let b = Tensor::from_vec(vec![true, false], &[2]).unwrap();
        assert_eq!(b.round_decimals(0).unwrap().dtype(), DType::F32);
        let f = Tensor::from_vec(vec![2.675f64, -0.125], &[2]).unwrap();
        assert_eq!(f.round_decimals(2).unwrap().to_vec::<f64>().unwrap(), vec![2.68, -0.12]);
    }
}

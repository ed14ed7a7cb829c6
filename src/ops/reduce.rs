//! Reductions over any set of axes (`sum`, `prod`, `max`, `min`, `all`, `any`, `mean`,
//! `var`, `std`), index reductions (`argmax`, `argmin`) and the running sum `cumsum`.
//!
//! A reduction walks the input in memory order with the output broadcast over the reduced
//! axes (stride 0), so reducing an outer axis is a vectorized `out[j] += x[j]` over rows and
//! reducing the inner axis is a run folded into one accumulator.

use super::registry::{DTypes, Family};
use super::{backend, binary::Arith, build, with_mut_ptr, with_ptr};
use crate::cpu::Cpu;
use crate::cpu::strided::{Plan, Ptr, PARALLEL_THRESHOLD};
use crate::dtype::{DType, Element};
use crate::error::{fmt_shape, normalize_axis, Error, Result};
use crate::layout::{contiguous_strides, normalize_axes, Dims, Layout};
use crate::ops::binary::BinaryOp;
use crate::ops::unary::UnaryOp;
use crate::storage::StorageElement;
use crate::tensor::{Scalar, Tensor};
use crate::with_dtype;
use rayon::prelude::*;

/// One row of the reduction table.
pub struct ReduceSpec {
    /// The name in messages and in the GPU kernels `reduce_<name>_<dtype>`.
    pub name: &'static str,
    pub aliases: &'static [&'static str],
    /// What the reduction gives for input of each dtype.
    pub out_dtype: fn(DType) -> DType,
    /// The dtypes of its GPU kernels.
    pub gpu: DTypes,
}

impl ReduceSpec {
    const DEFAULT: ReduceSpec = ReduceSpec { name: "", aliases: &[], out_dtype: |d| d, gpu: DTypes::ALL };
}

crate::declare_ops! {
    /// Reductions over a set of axes (`argmax`/`argmin` over one axis).
    pub enum ReduceOp: ReduceSpec {
        /// Small integers widen to int64, as in NumPy.
        Sum { name: "sum", out_dtype: DType::accumulate },
        Prod { name: "prod", out_dtype: DType::accumulate },
        Max { name: "maximum", aliases: &["max"] },
        Min { name: "minimum", aliases: &["min"] },
        All { name: "all", out_dtype: |_| DType::Bool },
        Any { name: "any", out_dtype: |_| DType::Bool },
        /// float32 stays float32, other dtypes give float64 (as NumPy).
        Mean { name: "mean", out_dtype: |d| if d == DType::F32 { DType::F32 } else { DType::F64 } },
        ArgMax { name: "argmax", out_dtype: |_| DType::I64 },
        ArgMin { name: "argmin", out_dtype: |_| DType::I64 },
    }
}

/// The GPU kernels of the table, and the running sums `cumsum_<dtype>`.
pub const GPU_KERNELS: [Family; 2] =
    [Family::rows("reduce", ReduceOp::ALL.len(), |i| ReduceOp::ALL[i].name(), |i| ReduceOp::ALL[i].spec().gpu), Family::one("cumsum", DTypes::ALL)];

/// The reduction primitives of a backend.
pub(crate) trait ReduceKernels {
    /// `x` reduced over `axes` (sorted, unique; one axis for argmax/argmin) into a dense
    /// keepdims-shaped tensor of dtype `out`: `op`'s output dtype, or for argmax/argmin any
    /// dtype (MXNet's legacy arrays give indices as floats).
    fn reduce(&self, x: &Tensor, op: ReduceOp, axes: &[usize], out: DType) -> Result<Tensor>;
    /// Running sums along `axis`, in `x.dtype().accumulate()`.
    fn cumsum(&self, x: &Tensor, axis: usize) -> Result<Tensor>;
}

impl ReduceKernels for Cpu {
    fn reduce(&self, x: &Tensor, op: ReduceOp, ax: &[usize], out: DType) -> Result<Tensor> {
        let dt = x.dtype();
        let r = match op {
            ReduceOp::Sum => with_dtype!(dt, A => with_dtype!(dt.accumulate(), O => reduce_with::<A, O>(x, ax, SumFold))),
            ReduceOp::Prod => with_dtype!(dt, A => with_dtype!(dt.accumulate(), O => reduce_with::<A, O>(x, ax, ProdFold))),
            ReduceOp::Max => with_dtype!(dt, T => reduce_with::<T, T>(x, ax, MaxFold)),
            ReduceOp::Min => with_dtype!(dt, T => reduce_with::<T, T>(x, ax, MinFold)),
            ReduceOp::All => with_dtype!(dt, A => reduce_with::<A, bool>(x, ax, AllFold)),
            ReduceOp::Any => with_dtype!(dt, A => reduce_with::<A, bool>(x, ax, AnyFold)),
            ReduceOp::Mean => {
                let count: usize = ax.iter().map(|&a| x.shape()[a]).product();
                let s = with_dtype!(dt, A => with_dtype!((op.spec().out_dtype)(dt), O => reduce_with::<A, O>(x, ax, SumFold)))?;
                s.binary_scalar(Scalar::Float(count as f64), BinaryOp::Div, false)
            }
            // Float32 indices (legacy arrays) are written by the scan itself.
            ReduceOp::ArgMax | ReduceOp::ArgMin if out == DType::F32 => arg_lines::<f32>(x, ax[0], op == ReduceOp::ArgMax),
            ReduceOp::ArgMax | ReduceOp::ArgMin => arg_lines::<i64>(x, ax[0], op == ReduceOp::ArgMax),
        }?;
        r.to_dtype(out)
    }

    fn cumsum(&self, x: &Tensor, axis: usize) -> Result<Tensor> {
        let shape: Dims = x.shape().into();
        with_dtype!(x.dtype(), A => with_dtype!(x.dtype().accumulate(), O => cumsum_lines::<A, O>(x, axis, &shape)))
    }
}

/// The index of the first largest (`largest`) or smallest element of each line along
/// `axis` (NaN counts as the extreme), as an `O` in the keepdims shape.
fn arg_lines<O: StorageElement>(x: &Tensor, axis: usize, largest: bool) -> Result<Tensor> {
    let mut out_shape: Dims = x.shape().into();
    out_shape[axis] = 1;
    with_dtype!(x.dtype(), T => scan_lines::<T, O>(x, axis, &out_shape, |p, s, n| unsafe {
        let mut best = *p;
        let mut at = 0i64;
        if !best.is_nan() {
            for i in 1..n {
                let v = *p.offset(i as isize * s);
                if v.is_nan() {
                    at = i as i64;
                    break;
                }
                if (largest && v > best) || (!largest && v < best) {
                    best = v;
                    at = i as i64;
                }
            }
        }
        O::from_i64(at)
    }))
}

/// Smallest and largest values of a type: the identities of max and min.
pub trait Bounded: Arith {
    fn lowest() -> Self;
    fn highest() -> Self;
}
macro_rules! bounded {
    ($t:ty, $lo:expr, $hi:expr) => {
        impl Bounded for $t {
            fn lowest() -> Self {
                $lo
            }
            fn highest() -> Self {
                $hi
            }
        }
    };
}
bounded!(bool, false, true);
bounded!(u8, 0, u8::MAX);
bounded!(i32, i32::MIN, i32::MAX);
bounded!(i64, i64::MIN, i64::MAX);
bounded!(f32, f32::NEG_INFINITY, f32::INFINITY);
bounded!(f64, f64::NEG_INFINITY, f64::INFINITY);

/// How one reduction folds elements of type `A` into an accumulator of type `O`.
trait Fold<A: Element, O: Element>: Sync {
    fn init(&self) -> O;
    fn step(&self, acc: O, x: A) -> O;
    fn combine(&self, a: O, b: O) -> O;
    /// Folds a strided run into `acc`.
    ///
    /// # Safety
    /// `p` must address `n` valid elements at stride `s`.
    unsafe fn run(&self, mut acc: O, p: *const A, s: isize, n: usize) -> O {
        for i in 0..n as isize {
            acc = self.step(acc, *p.offset(i * s));
        }
        acc
    }
}

struct SumFold;
impl<A: Element, O: Arith> Fold<A, O> for SumFold {
    fn init(&self) -> O {
        O::zero()
    }
    #[inline(always)]
    fn step(&self, acc: O, x: A) -> O {
        O::add(acc, x.cast())
    }
    fn combine(&self, a: O, b: O) -> O {
        O::add(a, b)
    }
    unsafe fn run(&self, acc: O, p: *const A, s: isize, n: usize) -> O {
        if !O::DTYPE.is_float() || s != 1 {
            let mut acc = acc;
            for i in 0..n as isize {
                acc = O::add(acc, (*p.offset(i * s)).cast());
            }
            return acc;
        }
        // Sixteen independent lanes let LLVM vectorize; blocks are totalled in f64 so that long
        // float32 sums stay accurate (NumPy gets the same effect from pairwise summation).
        const LANES: usize = 16;
        const BLOCK: usize = 256;
        let mut total = acc.to_f64();
        let mut start = 0;
        while start < n {
            let len = BLOCK.min(n - start);
            let mut lanes = [O::zero(); LANES];
            let chunks = len / LANES;
            for c in 0..chunks {
                let base = p.add(start + c * LANES);
                for (j, lane) in lanes.iter_mut().enumerate() {
                    *lane = O::add(*lane, (*base.add(j)).cast());
                }
            }
            let mut block = 0f64;
            for lane in lanes {
                block += lane.to_f64();
            }
            for i in chunks * LANES..len {
                block += (*p.add(start + i)).cast::<O>().to_f64();
            }
            total += block;
            start += len;
        }
        O::from_f64(total)
    }
}

struct ProdFold;
impl<A: Element, O: Arith> Fold<A, O> for ProdFold {
    fn init(&self) -> O {
        O::one()
    }
    #[inline(always)]
    fn step(&self, acc: O, x: A) -> O {
        O::mul(acc, x.cast())
    }
    fn combine(&self, a: O, b: O) -> O {
        O::mul(a, b)
    }
}

struct MaxFold;
impl<T: Bounded> Fold<T, T> for MaxFold {
    fn init(&self) -> T {
        T::lowest()
    }
    #[inline(always)]
    fn step(&self, acc: T, x: T) -> T {
        T::max(acc, x)
    }
    fn combine(&self, a: T, b: T) -> T {
        T::max(a, b)
    }
}

struct MinFold;
impl<T: Bounded> Fold<T, T> for MinFold {
    fn init(&self) -> T {
        T::highest()
    }
    #[inline(always)]
    fn step(&self, acc: T, x: T) -> T {
        T::min(acc, x)
    }
    fn combine(&self, a: T, b: T) -> T {
        T::min(a, b)
    }
}

struct AllFold;
impl<A: Element> Fold<A, bool> for AllFold {
    fn init(&self) -> bool {
        true
    }
    #[inline(always)]
    fn step(&self, acc: bool, x: A) -> bool {
        acc & x.cast::<bool>()
    }
    fn combine(&self, a: bool, b: bool) -> bool {
        a & b
    }
}

struct AnyFold;
impl<A: Element> Fold<A, bool> for AnyFold {
    fn init(&self) -> bool {
        false
    }
    #[inline(always)]
    fn step(&self, acc: bool, x: A) -> bool {
        acc | x.cast::<bool>()
    }
    fn combine(&self, a: bool, b: bool) -> bool {
        a | b
    }
}

/// Applies one fold over one plan (out, x).
unsafe fn fold_plan<A: Element, O: Element>(plan: &Plan<2>, out: Ptr<O>, x: Ptr<A>, fold: &impl Fold<A, O>) {
    let n = plan.inner_len();
    let [so, sx] = plan.inner_strides();
    plan.for_each_run(|[oo, ox]| {
        let (po, px) = (out.at(oo), x.at(ox) as *const A);
        if so == 0 {
            *po = fold.run(*po, px, sx, n);
        } else if so == 1 && sx == 1 {
            for i in 0..n {
                *po.add(i) = fold.step(*po.add(i), *px.add(i));
            }
        } else {
            for i in 0..n as isize {
                *po.offset(i * so) = fold.step(*po.offset(i * so), *px.offset(i * sx));
            }
        }
    });
}

/// Reduces `x` over `axes` (sorted, unique) into a new tensor of `out_shape` (keepdims form).
fn reduce_with<A: StorageElement, O: StorageElement>(
    x: &Tensor,
    axes: &[usize],
    fold: impl Fold<A, O>,
) -> Result<Tensor> {
    let kept: Dims = x.shape().iter().enumerate().map(|(i, &d)| if axes.contains(&i) { 1 } else { d }).collect();
    let out_numel: usize = kept.iter().product();
    let init = fold.init();
    let out = Tensor::from_storage(O::wrap(crate::storage::filled_vec(out_numel, init)?), &kept, x.device())?;
    if x.numel() == 0 {
        return Ok(out);
    }
    let ol = out.layout().broadcast_to(x.shape())?;
    let xl = x.layout();
    let plan = Plan::<2>::new_in_memory_order(x.shape(), [ol.strides(), xl.strides()], [0, xl.offset()], 1);
    with_ptr::<A, _>(x, |px| {
        with_mut_ptr::<O, _>(&out, |po| unsafe {
            let (po, px) = (Ptr(po), Ptr(px as *mut A));
            let threads = crate::cpu::pool::num_threads();
            let big = plan.numel() >= PARALLEL_THRESHOLD && threads > 1;
            if big && plan.strides(0)[0] != 0 {
                // Axis 0 of the loop is kept: pieces write disjoint outputs.
                plan.run(|p| fold_plan(p, po, px, &fold));
            } else if big && out_numel <= 1 << 12 {
                // Axis 0 is reduced: each piece folds into private partials, combined after.
                let pieces = plan.split(threads * 2);
                let partials: Vec<Vec<O>> = crate::cpu::pool::install(|| {
                    pieces
                        .par_iter()
                        .map(|p| {
                            let mut acc = vec![init; out_numel];
                            fold_plan(p, Ptr(acc.as_mut_ptr()), px, &fold);
                            acc
                        })
                        .collect()
                });
                for partial in partials {
                    for (j, v) in partial.into_iter().enumerate() {
                        *po.at(j as isize) = fold.combine(*po.at(j as isize), v);
                    }
                }
            } else {
                fold_plan(&plan, po, px, &fold);
            }
            Ok(())
        })
    })?;
    Ok(out)
}

/// The reduced axes, sorted, from an optional list of (possibly negative) axes.
fn reduced_axes(ndim: usize, axes: Option<&[isize]>) -> Result<Vec<usize>> {
    match axes {
        None => Ok((0..ndim).collect()),
        Some(a) => {
            let mut v = normalize_axes(a, ndim)?;
            v.sort_unstable();
            Ok(v)
        }
    }
}

/// Drops the reduced axes of a keepdims result unless `keepdims`.
fn finish(r: Tensor, axes: &[usize], keepdims: bool) -> Result<Tensor> {
    if keepdims {
        return Ok(r);
    }
    let shape: Dims = r.shape().iter().enumerate().filter(|(i, _)| !axes.contains(i)).map(|(_, &d)| d).collect();
    Ok(r.view(Layout::contiguous(&shape)))
}

impl Tensor {
    /// Reduces over `axes` (all when `None`).
    pub fn reduce(&self, op: ReduceOp, axes: Option<&[isize]>, keepdims: bool) -> Result<Tensor> {
        use crate::autograd::{derivatives::reduce as d, track};
        let ax = reduced_axes(self.ndim(), axes)?;
        let raw = || self.reduce_raw(op, &ax, keepdims);
        match op {
            ReduceOp::Sum => track("sum", &[self], raw, |_| d::sum(self, &ax)),
            ReduceOp::Prod => track("prod", &[self], raw, |s| d::prod(s, self, &ax)),
            ReduceOp::Max | ReduceOp::Min => track(op.name(), &[self], raw, |s| d::extreme(s, self, &ax)),
            ReduceOp::All | ReduceOp::Any => raw(),
            ReduceOp::Mean => self.mean(axes, keepdims),
            ReduceOp::ArgMax | ReduceOp::ArgMin => match axes {
                None => self.arg_extreme(None, op == ReduceOp::ArgMax, keepdims),
                Some(&[a]) => self.arg_extreme(Some(a), op == ReduceOp::ArgMax, keepdims),
                Some(_) => Err(Error::Value(format!("{} takes one axis or none", op.name()))),
            },
        }
    }

    fn reduce_raw(&self, op: ReduceOp, ax: &[usize], keepdims: bool) -> Result<Tensor> {
        if matches!(op, ReduceOp::Max | ReduceOp::Min) && ax.iter().any(|&a| self.shape()[a] == 0) {
            return Err(Error::Value(format!(
                "zero-size array to reduction operation {} which has no identity (shape {})",
                op.name(),
                fmt_shape(self.shape())
            )));
        }
        finish(backend::on(self.device())?.reduce(self, op, ax, (op.spec().out_dtype)(self.dtype()))?, ax, keepdims)
    }

    pub fn sum(&self, axes: Option<&[isize]>, keepdims: bool) -> Result<Tensor> {
        self.reduce(ReduceOp::Sum, axes, keepdims)
    }

    /// Mean over `axes`; float32 stays float32, other dtypes give float64 (as NumPy).
    pub fn mean(&self, axes: Option<&[isize]>, keepdims: bool) -> Result<Tensor> {
        let ax = reduced_axes(self.ndim(), axes)?;
        let out = (ReduceOp::Mean.spec().out_dtype)(self.dtype());
        let raw = || finish(backend::on(self.device())?.reduce(self, ReduceOp::Mean, &ax, out)?, &ax, keepdims);
        crate::autograd::track("mean", &[self], raw, |_| crate::autograd::derivatives::reduce::mean(self, &ax))
    }

    /// Variance with `ddof` delta degrees of freedom.
    pub fn var(&self, axes: Option<&[isize]>, ddof: usize, keepdims: bool) -> Result<Tensor> {
        let ax = reduced_axes(self.ndim(), axes)?;
        let count: usize = ax.iter().map(|&a| self.shape()[a]).product();
        let iax: Vec<isize> = ax.iter().map(|&a| a as isize).collect();
        let x = if self.dtype() == DType::F32 { self.clone() } else { self.to_dtype(DType::F64)? };
        let centered = x.sub(&x.mean(Some(&iax), true)?)?;
        let sq = centered.binary(&centered, BinaryOp::Mul)?;
        let s = sq.sum(Some(&iax), keepdims)?;
        let denom = count as f64 - ddof as f64;
        s.binary_scalar(Scalar::Float(denom.max(0.0)), BinaryOp::Div, false)
    }

    pub fn std(&self, axes: Option<&[isize]>, ddof: usize, keepdims: bool) -> Result<Tensor> {
        self.var(axes, ddof, keepdims)?.unary(UnaryOp::Sqrt)
    }

    /// True when any element is nonzero.
    pub fn any_true(&self) -> Result<bool> {
        self.reduce(ReduceOp::Any, None, false)?.item::<bool>()
    }

    /// Index of the largest (`largest`) or smallest element along `axis`, or in the
    /// flattened array when `axis` is `None`. Ties and NaN resolve to the first occurrence.
    pub fn arg_extreme(&self, axis: Option<isize>, largest: bool, keepdims: bool) -> Result<Tensor> {
        self.arg_extreme_as(axis, largest, keepdims, DType::I64)
    }

    /// `arg_extreme` with the indices as `out` (MXNet's legacy arrays give float indices;
    /// float32 ones are written by the scan itself on the CPU).
    pub fn arg_extreme_as(&self, axis: Option<isize>, largest: bool, keepdims: bool, out: DType) -> Result<Tensor> {
        let op = if largest { ReduceOp::ArgMax } else { ReduceOp::ArgMin };
        let flat = axis.is_none();
        let (x, axis) = match axis {
            None => (self.reshape(&[self.numel()])?, 0),
            Some(a) => (self.clone(), normalize_axis(a, self.ndim())?),
        };
        if x.shape()[axis] == 0 {
            return Err(Error::Value(format!("attempt to get {} of an empty sequence", op.name())));
        }
        let r = backend::on(x.device())?.reduce(&x, op, &[axis], out)?;
        match (keepdims, flat) {
            (true, true) => Ok(r.view(Layout::contiguous(&vec![1; self.ndim()]))),
            (true, false) => Ok(r),
            (false, _) => finish(r, &[axis], false),
        }
    }

    /// Running sum along `axis` (of the flattened array when `None`).
    pub fn cumsum(&self, axis: Option<isize>) -> Result<Tensor> {
        let (x, axis) = match axis {
            None => (self.reshape(&[self.numel()])?, 0),
            Some(a) => (self.clone(), normalize_axis(a, self.ndim())?),
        };
        let raw = || backend::on(x.device())?.cumsum(&x, axis);
        crate::autograd::track("cumsum", &[&x], raw, |_| crate::autograd::derivatives::reduce::cumsum(x.shape(), axis))
    }
}

/// Calls `f(ptr, stride, len)` on every line of `x` along `axis` and writes the value it
/// returns for the line into a dense `out_shape` tensor.
fn scan_lines<T: StorageElement, O: StorageElement>(
    x: &Tensor,
    axis: usize,
    out_shape: &[usize],
    f: impl Fn(*const T, isize, usize) -> O + Sync,
) -> Result<Tensor> {
    let n = x.shape()[axis];
    let s = x.layout().strides()[axis];
    let out_strides = contiguous_strides(out_shape);
    let mut xs: Vec<isize> = x.layout().strides().to_vec();
    xs[axis] = 0;
    unsafe {
        build::<O>(out_shape, x.device(), |po| {
            with_ptr::<T, _>(x, |px| {
                let plan = Plan::<2>::new(out_shape, [&out_strides, &xs], [0, x.layout().offset()]);
                let (o, xp) = (Ptr(po), Ptr(px as *mut T));
                plan.run(|p| {
                    let m = p.inner_len();
                    let [so, sx] = p.inner_strides();
                    p.for_each_run(|[oo, ox]| {
                        for i in 0..m as isize {
                            *o.at(oo + i * so) = f(xp.at(ox + i * sx), s, n);
                        }
                    });
                });
                Ok(())
            })
        })
    }
}

fn cumsum_lines<A: StorageElement, O: Arith>(x: &Tensor, axis: usize, shape: &[usize]) -> Result<Tensor> {
    let n = shape[axis];
    let s = x.layout().strides()[axis];
    let out_strides = contiguous_strides(shape);
    let so_axis = out_strides[axis];
    let mut line_shape: Dims = shape.into();
    line_shape[axis] = 1;
    let mut xs: Vec<isize> = x.layout().strides().to_vec();
    xs[axis] = 0;
    let mut os: Vec<isize> = out_strides.to_vec();
    os[axis] = 0;
    unsafe {
        build::<O>(shape, x.device(), |po| {
            if n == 0 || x.numel() == 0 {
                return Ok(());
            }
            with_ptr::<A, _>(x, |px| {
                let plan = Plan::<2>::new(&line_shape, [&os, &xs], [0, x.layout().offset()]);
                let (o, xp) = (Ptr(po), Ptr(px as *mut A));
                plan.run(|p| {
                    let m = p.inner_len();
                    let [so, sx] = p.inner_strides();
                    p.for_each_run(|[oo, ox]| {
                        for i in 0..m as isize {
                            let (lo, lx) = (o.at(oo + i * so), xp.at(ox + i * sx));
                            let mut acc = O::zero();
                            for k in 0..n as isize {
                                acc = O::add(acc, (*lx.offset(k * s)).cast());
                                *lo.offset(k * so_axis) = acc;
                            }
                        }
                    });
                });
                Ok(())
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(v: Vec<f32>, s: &[usize]) -> Tensor {
        Tensor::from_vec(v, s).unwrap()
    }

    #[test]
    fn sums_over_axes() {
        let x = t((0..6).map(|v| v as f32).collect(), &[2, 3]);
        assert_eq!(x.sum(None, false).unwrap().to_vec::<f32>().unwrap(), vec![15.0]);
        assert_eq!(x.sum(Some(&[0]), false).unwrap().to_vec::<f32>().unwrap(), vec![3.0, 5.0, 7.0]);
        let r = x.sum(Some(&[-1]), true).unwrap();
        assert_eq!(r.shape(), &[2, 1]);
        assert_eq!(r.to_vec::<f32>().unwrap(), vec![3.0, 12.0]);
        let i = Tensor::from_vec(vec![1i32, 2], &[2]).unwrap();
        assert_eq!(i.sum(None, false).unwrap().dtype(), DType::I64);
        assert!(x.sum(Some(&[2]), false).is_err());
    }

    #[test]
    fn large_sum_is_accurate_and_parallel() {
        let n = 1 << 20;
        let x = Tensor::from_vec(vec![0.1f32; n], &[n]).unwrap();
        let s = x.sum(None, false).unwrap().item::<f64>().unwrap();
        assert!((s - 0.1f32 as f64 * n as f64).abs() < 2e-2, "{s}");
        let m = Tensor::from_vec(vec![1.0f32; n], &[1024, 1024]).unwrap();
        assert_eq!(m.sum(Some(&[0]), false).unwrap().to_vec::<f32>().unwrap(), vec![1024.0; 1024]);
    }

    #[test]
    fn extremes_and_args() {
        let x = t(vec![3.0, 1.0, 4.0, 1.0, 5.0, 9.0], &[2, 3]);
        assert_eq!(x.reduce(ReduceOp::Max, Some(&[1]), false).unwrap().to_vec::<f32>().unwrap(), vec![4.0, 9.0]);
        assert_eq!(x.arg_extreme(Some(1), true, false).unwrap().to_vec::<i64>().unwrap(), vec![2, 2]);
        assert_eq!(x.arg_extreme(None, false, false).unwrap().to_vec::<i64>().unwrap(), vec![1]);
        let f = x.arg_extreme_as(Some(0), true, true, DType::F32).unwrap();
        assert_eq!((f.dtype(), f.shape(), f.to_vec::<f32>().unwrap()), (DType::F32, &[1usize, 3][..], vec![0.0, 1.0, 1.0]));
        assert_eq!(x.arg_extreme_as(Some(1), false, false, DType::I32).unwrap().to_vec::<i32>().unwrap(), vec![1, 0]);
        assert_eq!(x.reduce(ReduceOp::ArgMax, Some(&[1]), false).unwrap().to_vec::<i64>().unwrap(), vec![2, 2]);
        assert!(x.reduce(ReduceOp::ArgMax, Some(&[0, 1]), false).is_err());
        let e = t(vec![], &[0]);
        assert!(e.reduce(ReduceOp::Max, None, false).is_err());
        assert!(e.arg_extreme(None, true, false).is_err());
    }

    #[test]
    fn cumsum_and_var() {
        let x = t(vec![1.0, 2.0, 3.0, 4.0], &[2, 2]);
        assert_eq!(x.cumsum(Some(0)).unwrap().to_vec::<f32>().unwrap(), vec![1.0, 2.0, 4.0, 6.0]);
        assert_eq!(x.cumsum(None).unwrap().to_vec::<f32>().unwrap(), vec![1.0, 3.0, 6.0, 10.0]);
        assert_eq!(x.var(None, 0, false).unwrap().item::<f64>().unwrap(), 1.25);
    }
}

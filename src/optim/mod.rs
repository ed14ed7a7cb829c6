//! Optimizer update rules with Apache MXNet 1.9.1's semantics, applied in place.
//!
//! A rule reads a weight, its gradient and its state tensors (momentum, moment estimates,
//! ...) and writes the new weight and states into their storage. Every view of the weight
//! sees the result, and the storage versions move on, so autograd notices a changed value
//! that a recorded graph still needs. Updates are never recorded.
//!
//! Each family has its own file with one small struct per rule (`Sgd`, `Nag`, `Adam`,
//! `AdamW`, `RmsProp`, `AdaGrad`). All of them first scale the gradient by `rescale_grad`
//! and clip it to `[-clip_gradient, clip_gradient]` (a missing or negative bound turns
//! clipping off, as in MXNet's kernels); where weight decay enters differs per rule, as it
//! does in MXNet. The element loop is written once, here, for any float type.
//!
//! ```
//! use deepblocks::optim::{Hyper, Sgd};
//! use deepblocks::Tensor;
//! let w = Tensor::from_vec(vec![1.0f32, 2.0], &[2]).unwrap();
//! let g = Tensor::from_vec(vec![0.5f32, -1.0], &[2]).unwrap();
//! let mom = Tensor::from_vec(vec![0.0f32, 0.0], &[2]).unwrap();
//! let sgd = Sgd { hyper: Hyper { lr: 0.1, ..Hyper::default() }, momentum: 0.9 };
//! sgd.update(&w, &g, Some(&mom)).unwrap();
//! assert_eq!(w.to_vec::<f32>().unwrap(), vec![0.95, 2.1]);
//! ```

pub mod adagrad;
pub mod adam;
pub mod rmsprop;
pub mod sgd;

pub use adagrad::AdaGrad;
pub use adam::{bias_corrected_lr, Adam, AdamW};
pub use rmsprop::RmsProp;
pub use sgd::{Nag, Sgd};

use crate::cpu::strided::{Plan, Ptr};
use crate::ops::registry::{DTypes, Family};
use crate::dtype::DType;
use crate::error::{fmt_shape, Error, Result};
use crate::layout::Layout;
use crate::storage::{typed, typed_mut, StorageElement};
use crate::tensor::Tensor;
use std::ops::{Add, Div, Mul, Neg, Sub};

/// The hyper-parameters every rule takes: the step's learning rate and weight decay (the
/// caller applies schedules, per-parameter multipliers and bias corrections), and the
/// gradient's rescaling and clipping.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Hyper {
    pub lr: f64,
    pub wd: f64,
    pub rescale_grad: f64,
    /// Clip the rescaled gradient to `[-c, c]`; `None` or a negative `c` does not clip.
    pub clip_gradient: Option<f64>,
}

impl Default for Hyper {
    /// MXNet's defaults: learning rate 0.01, no weight decay, no rescaling, no clipping.
    fn default() -> Hyper {
        Hyper { lr: 0.01, wd: 0.0, rescale_grad: 1.0, clip_gradient: None }
    }
}

/// `Hyper` converted once to the element type, for the inner loop.
#[derive(Clone, Copy)]
pub(crate) struct HyperT<T> {
    pub lr: T,
    pub wd: T,
    pub rescale: T,
    /// The clipping bound; infinity when clipping is off, so the loop needs no branch.
    pub clip: T,
}

impl Hyper {
    pub(crate) fn to<T: Real>(self) -> HyperT<T> {
        HyperT {
            lr: T::from_f64(self.lr),
            wd: T::from_f64(self.wd),
            rescale: T::from_f64(self.rescale_grad),
            clip: bound::<T>(self.clip_gradient),
        }
    }
}

/// A clipping bound as an element: `None` and negative bounds (MXNet's "off") become infinity.
pub(crate) fn bound<T: Real>(c: Option<f64>) -> T {
    match c {
        Some(c) if c >= 0.0 => T::from_f64(c),
        _ => T::from_f64(f64::INFINITY),
    }
}

/// The float element types the rules run on.
pub(crate) trait Real:
    StorageElement + Add<Output = Self> + Sub<Output = Self> + Mul<Output = Self> + Div<Output = Self> + Neg<Output = Self>
{
    fn sqrt(self) -> Self;
}

impl Real for f32 {
    #[inline(always)]
    fn sqrt(self) -> f32 {
        f32::sqrt(self)
    }
}

impl Real for f64 {
    #[inline(always)]
    fn sqrt(self) -> f64 {
        f64::sqrt(self)
    }
}

/// `x` limited to `[-c, c]`; NaN passes through, as in MXNet's `clip`. Two independent
/// selects (each one `minps`/`maxps`) rather than an if-else chain, which LLVM sometimes
/// leaves as branches and then cannot vectorize.
#[inline(always)]
pub(crate) fn clip<T: Real>(x: T, c: T) -> T {
    let x = if c < x { c } else { x };
    if x < -c {
        -c
    } else {
        x
    }
}

/// One update rule over `N` operands: the weight, the gradient, then `N - 2` states.
pub(crate) trait Rule<const N: usize> {
    /// The rule's name in error messages (`sgd_update`).
    const NAME: &'static str;
    /// The operands' names in error messages, in order.
    const OPERANDS: [&'static str; N];
    /// The element update for `T`: `v` holds one element of each operand; the kernel writes
    /// the new weight into `v[0]` and the new states into `v[2..]` (`v[1]` is not stored).
    fn kernel<T: Real>(&self) -> impl Fn(&mut [T; N]) + Sync;
    /// The common hyper-parameters and the rule's own, in the order of the CUDA kernel's
    /// parameter list (kernels/optim.cu).
    #[cfg_attr(not(feature = "cuda"), allow(dead_code))]
    fn gpu_args(&self) -> (Hyper, Vec<f64>);
}

/// Applies `rule` in place to `operands` (weight, gradient, states), after checking that
/// they fit together.
pub(crate) fn apply<const N: usize, R: Rule<N>>(rule: &R, operands: [&Tensor; N]) -> Result<()> {
    check::<N, R>(&operands)?;
    crate::autograd::paused(|| {
        // The gradient is read while the weight and the states are locked for writing; one
        // that shares memory with them is read from a private copy instead.
        let grad = operands[1];
        let private;
        let mut operands = operands;
        if written::<N>().any(|k| operands[k].shares_storage(grad)) {
            private = grad.copy()?;
            operands[1] = &private;
        }
        crate::ops::backend::on(operands[0].device())?.update(&Step::<R, N>(rule), &operands)
    })
}

/// A rule as the backends see it (`Rule` is generic over the element type, which a backend
/// trait object cannot be).
pub(crate) trait Update {
    fn name(&self) -> &'static str;
    /// Runs the rule's CPU kernel over `operands`.
    fn run_cpu(&self, operands: &[&Tensor]) -> Result<()>;
    /// The hyper-parameters in the GPU kernel's order (see `Rule::gpu_args`).
    #[cfg_attr(not(feature = "cuda"), allow(dead_code))]
    fn gpu_args(&self) -> (Hyper, Vec<f64>);
}

struct Step<'a, R, const N: usize>(&'a R);

impl<const N: usize, R: Rule<N>> Update for Step<'_, R, N> {
    fn name(&self) -> &'static str {
        R::NAME
    }

    fn run_cpu(&self, operands: &[&Tensor]) -> Result<()> {
        let operands: [&Tensor; N] =
            operands.try_into().map_err(|_| Error::Value(format!("internal: {} takes {N} operands", R::NAME)))?;
        match operands[0].dtype() {
            DType::F32 => run::<f32, N>(operands, self.0.kernel::<f32>()),
            DType::F64 => run::<f64, N>(operands, self.0.kernel::<f64>()),
            other => Err(Error::DType(format!("{}: unsupported weight dtype {other}", R::NAME))),
        }
    }

    fn gpu_args(&self) -> (Hyper, Vec<f64>) {
        self.0.gpu_args()
    }
}

/// The optimizer primitive of a backend: one rule applied in place, after `apply`'s checks.
pub(crate) trait OptimKernels {
    fn update(&self, rule: &dyn Update, operands: &[&Tensor]) -> Result<()>;
}

impl OptimKernels for crate::cpu::Cpu {
    fn update(&self, rule: &dyn Update, operands: &[&Tensor]) -> Result<()> {
        rule.run_cpu(operands)
    }
}

/// The rules with GPU kernels (`optim_<rule>_<dtype>`, kernels/optim.cu), one row each.
pub(crate) const GPU_RULES: [&str; 8] = [
    <Sgd as Rule<2>>::NAME,
    <Sgd as Rule<3>>::NAME,
    <Nag as Rule<3>>::NAME,
    <Adam as Rule<4>>::NAME,
    <AdamW as Rule<4>>::NAME,
    <RmsProp as Rule<3>>::NAME,
    <RmsProp as Rule<5>>::NAME,
    <AdaGrad as Rule<3>>::NAME,
];
pub const GPU_KERNELS: Family = Family::rows("optim", GPU_RULES.len(), |i| GPU_RULES[i], |_| DTypes::FLOAT);

/// The operands a rule writes: the weight and the states (not the gradient, operand 1).
fn written<const N: usize>() -> impl Iterator<Item = usize> {
    std::iter::once(0).chain(2..N)
}

fn check<const N: usize, R: Rule<N>>(operands: &[&Tensor; N]) -> Result<()> {
    let (name, names) = (R::NAME, R::OPERANDS);
    let w = operands[0];
    if !w.dtype().is_float() {
        return Err(Error::DType(format!("{name}: the weight must be float32 or float64, not {}", w.dtype())));
    }
    for (k, t) in operands.iter().enumerate().skip(1) {
        w.same_device(t, name)?;
        if t.dtype() != w.dtype() {
            return Err(Error::DType(format!(
                "{name}: {} has dtype {} but the weight has dtype {}",
                names[k],
                t.dtype(),
                w.dtype()
            )));
        }
        if t.shape() != w.shape() {
            return Err(Error::Shape(format!(
                "{name}: {} has shape {} but the weight has shape {}",
                names[k],
                fmt_shape(t.shape()),
                fmt_shape(w.shape())
            )));
        }
    }
    for k in written::<N>() {
        if overlaps_itself(operands[k].layout()) {
            return Err(Error::Value(format!(
                "{name}: {} is a view whose elements overlap (a broadcast view?); it cannot be updated in place",
                names[k]
            )));
        }
        for j in (2..N).filter(|&j| j > k) {
            if operands[k].shares_storage(operands[j]) {
                return Err(Error::Value(format!(
                    "{name}: {} and {} share memory; each needs its own array",
                    names[k], names[j]
                )));
            }
        }
    }
    Ok(())
}

/// True when two different indices of `layout` address one storage element (a stride-0
/// axis, or axes whose strides interleave). Sufficient test: sorted by stride, each axis
/// must step over everything the smaller axes reach.
fn overlaps_itself(layout: &Layout) -> bool {
    let mut axes: Vec<(usize, usize)> = layout
        .shape()
        .iter()
        .zip(layout.strides())
        .filter(|(&d, _)| d > 1)
        .map(|(&d, &s)| (s.unsigned_abs(), d))
        .collect();
    if layout.numel() == 0 {
        return false;
    }
    axes.sort_unstable();
    let mut reach = 0usize;
    for (stride, dim) in axes {
        if stride <= reach {
            return true;
        }
        reach += stride * (dim - 1);
    }
    false
}

/// Locks the operands (the gradient for reading, the others for writing, which bumps their
/// versions) and runs `f` over every element.
fn run<T: Real, const N: usize>(operands: [&Tensor; N], f: impl Fn(&mut [T; N]) + Sync) -> Result<()> {
    if operands[0].numel() == 0 {
        return Ok(());
    }
    let grad_guard = operands[1].storage().read();
    let mut write_guards: Vec<parking_lot::RwLockWriteGuard<'_, crate::storage::Memory>> =
        written::<N>().map(|k| operands[k].storage().write()).collect();
    let mut ptrs = [Ptr(std::ptr::null_mut::<T>()); N];
    ptrs[1] = Ptr(typed::<T>(&grad_guard)?.as_ptr() as *mut T);
    for (guard, k) in write_guards.iter_mut().zip(written::<N>()) {
        ptrs[k] = Ptr(typed_mut::<T>(guard)?.as_mut_ptr());
    }
    let strides: [&[isize]; N] = std::array::from_fn(|k| operands[k].layout().strides());
    let plan = Plan::<N>::new(operands[0].shape(), strides, std::array::from_fn(|k| operands[k].layout().offset()));
    plan.run(|piece| {
        let n = piece.inner_len();
        let steps = piece.inner_strides();
        let dense = steps.iter().all(|&s| s == 1);
        piece.for_each_run(|offs| {
            let at: [*mut T; N] = std::array::from_fn(|k| ptrs[k].at(offs[k]));
            // SAFETY: the plan addresses valid elements of each locked storage; the checks
            // above rule out overlap between (and within) the operands that are written.
            unsafe {
                if dense {
                    dense_run(at, n, &f);
                } else {
                    strided_run(at, steps, n, &f);
                }
            }
        });
    });
    Ok(())
}

/// Elements per block of the dense loop.
const BLOCK: usize = 16;

/// `f` over `n` consecutive elements of each operand. A block of every operand is loaded
/// before any is stored, so the arithmetic runs on registers and vectorizes.
#[inline(always)]
#[allow(clippy::needless_range_loop)] // `j` indexes the inner axis of every operand's block
unsafe fn dense_run<T: Real, const N: usize>(p: [*mut T; N], n: usize, f: &impl Fn(&mut [T; N])) {
    let full = n - n % BLOCK;
    let mut i = 0;
    while i < full {
        let mut blk: [[T; BLOCK]; N] = std::array::from_fn(|k| std::ptr::read_unaligned(p[k].add(i) as *const [T; BLOCK]));
        for j in 0..BLOCK {
            let mut v: [T; N] = std::array::from_fn(|k| blk[k][j]);
            f(&mut v);
            for k in 0..N {
                blk[k][j] = v[k];
            }
        }
        for k in (0..N).filter(|&k| k != 1) {
            std::ptr::write_unaligned(p[k].add(i) as *mut [T; BLOCK], blk[k]);
        }
        i += BLOCK;
    }
    strided_run(std::array::from_fn(|k| p[k].add(full)), [1; N], n - full, f);
}

/// `f` over `n` elements of each operand, operand `k` advancing by `steps[k]`.
#[inline(always)]
unsafe fn strided_run<T: Real, const N: usize>(p: [*mut T; N], steps: [isize; N], n: usize, f: &impl Fn(&mut [T; N])) {
    for i in 0..n as isize {
        let mut v: [T; N] = std::array::from_fn(|k| *p[k].offset(i * steps[k]));
        f(&mut v);
        for k in (0..N).filter(|&k| k != 1) {
            *p[k].offset(i * steps[k]) = v[k];
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::Scalar;

    /// Deterministic test data in [-1, 1).
    pub fn data(n: usize, seed: u64) -> Vec<f64> {
        let mut s = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (0..n)
            .map(|_| {
                s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                ((s >> 11) as f64 / (1u64 << 53) as f64) * 2.0 - 1.0
            })
            .collect()
    }

    pub fn tensor(v: &[f64], shape: &[usize], dtype: DType) -> Tensor {
        Tensor::from_vec(v.to_vec(), shape).unwrap().astype(dtype).unwrap()
    }

    pub fn values(t: &Tensor) -> Vec<f64> {
        t.to_vec::<f64>().unwrap()
    }

    pub fn assert_close(got: &[f64], want: &[f64], tol: f64) {
        assert_eq!(got.len(), want.len());
        for (i, (g, w)) in got.iter().zip(want).enumerate() {
            assert!((g - w).abs() <= tol * (1.0 + w.abs()), "element {i}: {g} != {w}");
        }
    }

    #[test]
    fn clip_bounds() {
        assert_eq!(clip(3.0f32, 1.0), 1.0);
        assert_eq!(clip(-3.0f64, 1.0), -1.0);
        assert!(clip(f64::NAN, 1.0).is_nan());
        assert_eq!(bound::<f32>(None), f32::INFINITY);
        assert_eq!(bound::<f32>(Some(-1.0)), f32::INFINITY);
        assert_eq!(bound::<f64>(Some(0.5)), 0.5);
    }

    #[test]
    fn self_overlap() {
        assert!(!overlaps_itself(&Layout::contiguous(&[3, 4])));
        assert!(!overlaps_itself(&Layout::contiguous(&[3, 4]).permute(&[1, 0]).unwrap()));
        assert!(overlaps_itself(&Layout::contiguous(&[4]).broadcast_to(&[3, 4]).unwrap()));
        assert!(overlaps_itself(&Layout::new(&[3, 3], &[1, 1], 0, 9).unwrap()));
        assert!(!overlaps_itself(&Layout::new(&[0, 3], &[0, 1], 0, 9).unwrap()));
    }

    #[test]
    fn mismatches_are_errors() {
        let sgd = Sgd { hyper: Hyper::default(), momentum: 0.9 };
        let w = Tensor::zeros(&[2, 3], DType::F32, crate::Device::Cpu(0)).unwrap();
        let g = Tensor::zeros(&[3, 2], DType::F32, crate::Device::Cpu(0)).unwrap();
        assert!(matches!(sgd.update(&w, &g, None), Err(Error::Shape(_))));
        let g64 = Tensor::zeros(&[2, 3], DType::F64, crate::Device::Cpu(0)).unwrap();
        assert!(matches!(sgd.update(&w, &g64, None), Err(Error::DType(_))));
        let g = Tensor::zeros(&[2, 3], DType::F32, crate::Device::Cpu(0)).unwrap();
        let m64 = Tensor::zeros(&[2, 3], DType::F64, crate::Device::Cpu(0)).unwrap();
        assert!(matches!(sgd.update(&w, &g, Some(&m64)), Err(Error::DType(_))));
        let wi = Tensor::zeros(&[2, 3], DType::I32, crate::Device::Cpu(0)).unwrap();
        assert!(matches!(sgd.update(&wi, &wi.copy().unwrap(), None), Err(Error::DType(_))));
        assert!(matches!(sgd.update(&w, &g, Some(&w)), Err(Error::Value(_))));
        let b = Tensor::zeros(&[3], DType::F32, crate::Device::Cpu(0)).unwrap();
        let wb = b.view(b.layout().broadcast_to(&[2, 3]).unwrap());
        assert!(matches!(sgd.update(&wb, &g, None), Err(Error::Value(_))));
    }

    #[test]
    fn strided_operands_and_aliased_gradient() {
        // A transposed weight, a gradient that is a view of the weight itself, and a
        // momentum sliced with a step: all take the general path and give the scalar result.
        let base = tensor(&data(12, 1), &[3, 4], DType::F64);
        let w = base.view(base.layout().permute(&[1, 0]).unwrap());
        let before = values(&w);
        let mom_base = Tensor::zeros(&[4, 6], DType::F64, crate::Device::Cpu(0)).unwrap();
        let mom = mom_base.view(mom_base.layout().slice(1, 0, 3, 2));
        mom.fill(Scalar::Float(0.5)).unwrap();
        let sgd = Sgd { hyper: Hyper { lr: 0.1, ..Hyper::default() }, momentum: 0.9 };
        sgd.update(&w, &w, Some(&mom)).unwrap();
        let want_m: Vec<f64> = before.iter().map(|&x| 0.9 * 0.5 - 0.1 * x).collect();
        let want_w: Vec<f64> = before.iter().zip(&want_m).map(|(x, m)| x + m).collect();
        assert_close(&values(&mom), &want_m, 1e-15);
        assert_close(&values(&w), &want_w, 1e-15);
    }

    #[test]
    fn large_updates_split_over_threads_and_bump_versions() {
        let n = crate::cpu::strided::PARALLEL_THRESHOLD * 2 + 7;
        let w = tensor(&data(n, 2), &[n], DType::F32);
        let g = tensor(&data(n, 3), &[n], DType::F32);
        let (wv, gv) = (values(&w), values(&g));
        let version = w.storage().version();
        Sgd { hyper: Hyper { lr: 0.5, wd: 0.1, ..Hyper::default() }, momentum: 0.0 }.update(&w, &g, None).unwrap();
        assert!(w.storage().version() > version);
        let want: Vec<f64> = wv.iter().zip(&gv).map(|(w, g)| w - 0.5 * (g + 0.1 * w)).collect();
        assert_close(&values(&w), &want, 1e-6);
        assert_eq!(values(&g), gv);
    }
}

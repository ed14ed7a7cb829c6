//! Pooling over 1, 2 or 3 spatial axes (MXNet's `Pooling`): max, average and sum; padding;
//! global pooling; the `valid` (floor) and `full` (ceil) conventions; channels first or last.
//!
//! An average divides by the window's size clipped to the padded input (`count_include_pad`,
//! MXNet's default) or by its valid elements only. Max pooling's gradient goes to the first
//! maximum of each window in scan order, as MXNet's, so ties do not split it. A window that
//! lies wholly in the padding (possible with `full`) gives the lowest finite value, as MXNet.
//!
//! ```
//! use deepblocks::{ops::pool::{PoolKind, PoolParams}, Tensor};
//! let x = Tensor::from_vec((0..16).map(|v| v as f32).collect(), &[1, 1, 4, 4]).unwrap();
//! let y = x.pooling(&PoolParams::new(PoolKind::Max, &[2, 2]).stride(&[2, 2])).unwrap();
//! assert_eq!(y.to_vec::<f32>().unwrap(), vec![5.0, 7.0, 13.0, 15.0]);
//! ```

use super::conv::float_only;
use super::{build, with_ptr};
use crate::cpu::strided::Ptr;
use crate::cpu::Real;
use crate::error::{fmt_shape, Error, Result};
use crate::tensor::Tensor;

/// What a window reduces to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PoolKind {
    Max,
    Avg,
    Sum,
}

impl PoolKind {
    /// MXNet's `pool_type` names.
    pub fn from_name(name: &str) -> Option<PoolKind> {
        match name {
            "max" => Some(PoolKind::Max),
            "avg" => Some(PoolKind::Avg),
            "sum" => Some(PoolKind::Sum),
            _ => None,
        }
    }
}

/// A pooling's hyper-parameters, one value per spatial axis.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PoolParams {
    pub kind: PoolKind,
    pub kernel: Vec<usize>,
    pub stride: Vec<usize>,
    pub pad: Vec<usize>,
    /// Pool each whole spatial extent (the kernel, stride and padding are ignored).
    pub global: bool,
    /// MXNet's `pooling_convention='full'`: output sizes round up (PyTorch's `ceil_mode`).
    pub full: bool,
    pub count_include_pad: bool,
    pub channels_last: bool,
}

impl PoolParams {
    /// Stride 1, no padding, `valid` convention, padding counted, channels first.
    pub fn new(kind: PoolKind, kernel: &[usize]) -> PoolParams {
        let d = kernel.len();
        PoolParams {
            kind,
            kernel: kernel.to_vec(),
            stride: vec![1; d],
            pad: vec![0; d],
            global: false,
            full: false,
            count_include_pad: true,
            channels_last: false,
        }
    }
    pub fn stride(mut self, s: &[usize]) -> Self {
        self.stride = s.to_vec();
        self
    }
    pub fn pad(mut self, p: &[usize]) -> Self {
        self.pad = p.to_vec();
        self
    }
}

/// One pooling resolved to sizes: `planes` = batch × channels independent (… spatial)
/// planes, spatial axes padded in front to three with unit axes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PoolGeom {
    pub kind: PoolKind,
    pub planes: usize,
    pub input: [usize; 3],
    pub output: [usize; 3],
    pub kernel: [usize; 3],
    pub stride: [usize; 3],
    pub pad: [usize; 3],
    pub count_include_pad: bool,
}

impl PoolGeom {
    fn input_len(&self) -> usize {
        self.input.iter().product()
    }
    fn output_len(&self) -> usize {
        self.output.iter().product()
    }
    /// The window of output position `o` on axis `a`: its valid input range and the size the
    /// average divides by along that axis.
    #[inline(always)]
    fn window(&self, o: usize, a: usize) -> (usize, usize, usize) {
        let start = (o * self.stride[a]) as isize - self.pad[a] as isize;
        let end = (start + self.kernel[a] as isize).min((self.input[a] + self.pad[a]) as isize);
        let (lo, hi) = (start.max(0) as usize, (end.max(0) as usize).min(self.input[a]));
        let counted = if self.count_include_pad { (end - start) as usize } else { hi.saturating_sub(lo) };
        (lo, hi.max(lo), counted)
    }
}

impl PoolParams {
    /// Checks the parameters against channels-first data of shape `x` and resolves the geometry.
    pub fn geometry(&self, x: &[usize]) -> Result<PoolGeom> {
        let rank = x.len().saturating_sub(2);
        if !(1..=3).contains(&rank) {
            return Err(Error::Shape(format!(
                "pooling: data must be 3-, 4- or 5-dimensional (batch, channel, 1 to 3 spatial axes), got shape {}",
                fmt_shape(x)
            )));
        }
        let (kernel, stride, pad) = if self.global {
            (x[2..].to_vec(), vec![1; rank], vec![0; rank])
        } else {
            if self.kernel.len() != rank {
                return Err(Error::Shape(format!(
                    "pooling: kernel {:?} must have one value per spatial axis of data shape {}",
                    self.kernel,
                    fmt_shape(x)
                )));
            }
            for (name, v) in [("stride", &self.stride), ("pad", &self.pad)] {
                if v.len() != rank {
                    return Err(Error::Value(format!("pooling: {name} {v:?} must have {rank} values, like kernel {:?}", self.kernel)));
                }
            }
            if [&self.kernel, &self.stride, &self.pad].iter().any(|v| v.iter().any(|&x| x > i32::MAX as usize)) {
                return Err(Error::Value(format!("pooling: kernel {:?}, stride {:?} and pad {:?} must be below 2**31", self.kernel, self.stride, self.pad)));
            }
            if self.kernel.contains(&0) || self.stride.contains(&0) {
                return Err(Error::Value(format!("pooling: kernel {:?} and stride {:?} must be positive", self.kernel, self.stride)));
            }
            (self.kernel.clone(), self.stride.clone(), self.pad.clone())
        };
        let mut g = PoolGeom {
            kind: self.kind,
            planes: x[0] * x[1],
            input: [1; 3],
            output: [1; 3],
            kernel: [1; 3],
            stride: [1; 3],
            pad: [0; 3],
            count_include_pad: self.count_include_pad,
        };
        let off = 3 - rank;
        for a in 0..rank {
            let (size, k, s, p) = (x[2 + a], kernel[a], stride[a], pad[a]);
            if size + 2 * p < k && !self.global {
                return Err(Error::Shape(format!(
                    "pooling: kernel {:?} is larger than the padded input (data shape {}, pad {:?})",
                    self.kernel,
                    fmt_shape(x),
                    self.pad
                )));
            }
            let span = (size + 2 * p).saturating_sub(k);
            let out = if self.global {
                1
            } else if self.full {
                1 + span.div_ceil(s)
            } else {
                1 + span / s
            };
            g.input[off + a] = size;
            g.output[off + a] = out;
            g.kernel[off + a] = k;
            g.stride[off + a] = s;
            g.pad[off + a] = p;
        }
        Ok(g)
    }
}

impl Tensor {
    /// MXNet's `Pooling` over the spatial axes of (N, C, *spatial) data (or channels last).
    pub fn pooling(&self, p: &PoolParams) -> Result<Tensor> {
        if !self.dtype().is_float() {
            return Err(Error::DType(format!("pooling: data must be float32 or float64, got {}", self.dtype())));
        }
        let x = if p.channels_last && self.ndim() >= 3 { self.moveaxis(&[-1], &[1])? } else { self.clone() };
        let g = p.geometry(x.shape())?;
        let mut shape = x.shape()[..2].to_vec();
        shape.extend(&g.output[3 - (x.ndim() - 2)..]);
        let y = crate::autograd::track(
            "pooling",
            &[&x],
            || super::backend::on(x.device())?.pool_forward(&x, &g, &shape),
            |s| crate::autograd::derivatives::pool::rule(s, &x, &g),
        )?;
        if p.channels_last {
            y.moveaxis(&[1], &[-1])
        } else {
            Ok(y)
        }
    }
}

/// The pooling primitives of a backend (channels first; results fresh and dense).
pub(crate) trait PoolKernels {
    /// Pools `x` into a new array of `shape` (N, C, *output).
    fn pool_forward(&self, x: &Tensor, g: &PoolGeom, shape: &[usize]) -> Result<Tensor>;
    /// The input gradient, given the input and the output gradient.
    fn pool_backward(&self, x: &Tensor, gy: &Tensor, g: &PoolGeom) -> Result<Tensor>;
}

impl PoolKernels for crate::cpu::Cpu {
    fn pool_forward(&self, x: &Tensor, g: &PoolGeom, shape: &[usize]) -> Result<Tensor> {
        float_only!(x, "pooling", T => cpu_forward::<T>(x, g, shape))
    }
    fn pool_backward(&self, x: &Tensor, gy: &Tensor, g: &PoolGeom) -> Result<Tensor> {
        float_only!(x, "pooling", T => cpu_backward::<T>(x, gy, g))
    }
}

/// The input elements of one pooling window (valid ranges along each axis) and the size the
/// average divides by.
struct Window {
    z: std::ops::Range<usize>,
    y: std::ops::Range<usize>,
    x: std::ops::Range<usize>,
    count: usize,
}

impl Window {
    /// Calls `f` on each element's offset in the plane, in scan order.
    #[inline(always)]
    fn for_each(&self, g: &PoolGeom, mut f: impl FnMut(usize)) {
        for z in self.z.clone() {
            for y in self.y.clone() {
                let row = (z * g.input[1] + y) * g.input[2];
                for x in self.x.clone() {
                    f(row + x);
                }
            }
        }
    }

    /// The maximum (NaN when any element is NaN, as NumPy's max), or `None` for an empty window.
    #[inline(always)]
    fn max<T: Real>(&self, g: &PoolGeom, plane: &[T]) -> Option<T> {
        let (mut m, mut any, mut nan) = (T::lowest(), false, false);
        self.for_each(g, |i| {
            let v = plane[i];
            nan |= v.is_nan();
            if !any || v > m {
                m = v;
            }
            any = true;
        });
        any.then(|| if nan { T::from_f64(f64::NAN) } else { m })
    }

    /// The first maximum in scan order (the first NaN, if any).
    #[inline(always)]
    fn argmax<T: Real>(&self, g: &PoolGeom, plane: &[T]) -> Option<usize> {
        let m = self.max(g, plane)?;
        let mut found = None;
        self.for_each(g, |i| {
            if found.is_none() && (plane[i] == m || (m.is_nan() && plane[i].is_nan())) {
                found = Some(i);
            }
        });
        found
    }
}

/// Calls `f(o, window)` for each output position `o` of a plane, in order.
#[inline(always)]
fn for_each_window(g: &PoolGeom, mut f: impl FnMut(usize, &Window)) {
    let axis = |a: usize| (0..g.output[a]).map(move |o| g.window(o, a)).collect::<Vec<_>>();
    let (zs, ys, xs) = (axis(0), axis(1), axis(2));
    let mut o = 0;
    for &(z0, z1, cz) in &zs {
        for &(y0, y1, cy) in &ys {
            for &(x0, x1, cx) in &xs {
                f(o, &Window { z: z0..z1, y: y0..y1, x: x0..x1, count: cz * cy * cx });
                o += 1;
            }
        }
    }
}

fn cpu_forward<T: Real>(x: &Tensor, g: &PoolGeom, shape: &[usize]) -> Result<Tensor> {
    let x = x.contiguous()?;
    let (lin, lout) = (g.input_len(), g.output_len());
    let work = g.planes * lout * g.kernel.iter().product::<usize>();
    unsafe {
        build::<T>(shape, x.device(), |po| {
            with_ptr::<T, _>(&x, |px| {
                let (po, px) = (Ptr(po), Ptr(px.add(x.layout().offset()) as *mut T));
                crate::cpu::par_tasks::<T>(g.planes, 0, work, |p, _| {
                    let plane = std::slice::from_raw_parts(px.at((p * lin) as isize), lin);
                    let out = std::slice::from_raw_parts_mut(po.at((p * lout) as isize), lout);
                    for_each_window(g, |o, w| {
                        out[o] = match g.kind {
                            PoolKind::Max => w.max(g, plane).unwrap_or(T::lowest()),
                            PoolKind::Sum | PoolKind::Avg => {
                                let mut s = T::zero();
                                w.for_each(g, |i| s += plane[i]);
                                if g.kind == PoolKind::Avg {
                                    s / T::from_f64(w.count.max(1) as f64)
                                } else {
                                    s
                                }
                            }
                        };
                    });
                });
                Ok(())
            })
        })
    }
}

fn cpu_backward<T: Real>(x: &Tensor, gy: &Tensor, g: &PoolGeom) -> Result<Tensor> {
    let (x, gy) = (x.contiguous()?, gy.contiguous()?);
    let (lin, lout) = (g.input_len(), g.output_len());
    let work = g.planes * lout * g.kernel.iter().product::<usize>();
    unsafe {
        build::<T>(x.shape(), x.device(), |po| {
            std::slice::from_raw_parts_mut(po, g.planes * lin).fill(T::zero());
            with_ptr::<T, _>(&x, |px| {
                with_ptr::<T, _>(&gy, |pg| {
                    let (po, px, pg) = (Ptr(po), Ptr(px.add(x.layout().offset()) as *mut T), Ptr(pg.add(gy.layout().offset()) as *mut T));
                    crate::cpu::par_tasks::<T>(g.planes, 0, work, |p, _| {
                        let plane = std::slice::from_raw_parts(px.at((p * lin) as isize), lin);
                        let grad = std::slice::from_raw_parts(pg.at((p * lout) as isize), lout);
                        let gx = std::slice::from_raw_parts_mut(po.at((p * lin) as isize), lin);
                        for_each_window(g, |o, w| match g.kind {
                            PoolKind::Max => {
                                if let Some(i) = w.argmax(g, plane) {
                                    gx[i] += grad[o];
                                }
                            }
                            PoolKind::Sum => w.for_each(g, |i| gx[i] += grad[o]),
                            PoolKind::Avg => {
                                let share = grad[o] / T::from_f64(w.count.max(1) as f64);
                                w.for_each(g, |i| gx[i] += share);
                            }
                        });
                    });
                    Ok(())
                })
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conventions_and_averages() {
        let x = Tensor::from_vec((0..25).map(|v| v as f64).collect(), &[1, 1, 5, 5]).unwrap();
        let valid = PoolParams::new(PoolKind::Max, &[2, 2]).stride(&[2, 2]);
        assert_eq!(x.pooling(&valid).unwrap().shape(), &[1, 1, 2, 2]);
        let full = PoolParams { full: true, ..valid.clone() };
        assert_eq!(x.pooling(&full).unwrap().to_vec::<f64>().unwrap(), vec![6.0, 8.0, 9.0, 16.0, 18.0, 19.0, 21.0, 23.0, 24.0]);
        // Corner window with padding 1: counted 4 (pad included) or 1 (only x[0, 0]).
        let avg = PoolParams::new(PoolKind::Avg, &[2, 2]).stride(&[2, 2]).pad(&[1, 1]);
        assert_eq!(x.pooling(&avg).unwrap().to_vec::<f64>().unwrap()[0], 0.0 / 4.0);
        let avg2 = PoolParams { count_include_pad: false, ..avg };
        assert_eq!(x.pooling(&avg2).unwrap().to_vec::<f64>().unwrap()[1], (1.0 + 2.0) / 2.0);
        let global = PoolParams { global: true, ..PoolParams::new(PoolKind::Avg, &[1, 1]) };
        assert_eq!(x.pooling(&global).unwrap().to_vec::<f64>().unwrap(), vec![12.0]);
    }

    #[test]
    fn max_gradient_goes_to_one_maximum() {
        let x = Tensor::from_vec(vec![1.0f64; 4], &[1, 1, 2, 2]).unwrap();
        let g = PoolParams::new(PoolKind::Max, &[2, 2]).geometry(x.shape()).unwrap();
        let gy = Tensor::from_vec(vec![1.0f64], &[1, 1, 1, 1]).unwrap();
        let gx = crate::cpu::Cpu.pool_backward(&x, &gy, &g).unwrap();
        assert_eq!(gx.to_vec::<f64>().unwrap(), vec![1.0, 0.0, 0.0, 0.0]);
    }
}

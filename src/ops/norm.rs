//! Batch normalization (MXNet's `BatchNorm`) as one op: per channel statistics, the affine
//! transform and, in training, the running statistics update, in two passes over the data
//! forward and two backward, one graph node.
//!
//! ```
//! use deepblocks::Tensor;
//! let x = Tensor::from_vec(vec![1.0f64, 2.0, 3.0, 6.0], &[2, 2]).unwrap();
//! let (gamma, beta) = (Tensor::from_vec(vec![1.0f64; 2], &[2]).unwrap(), Tensor::from_vec(vec![0.0f64; 2], &[2]).unwrap());
//! let (mean, var) = (Tensor::from_vec(vec![0.0f64; 2], &[2]).unwrap(), Tensor::from_vec(vec![1.0f64; 2], &[2]).unwrap());
//! let opts = deepblocks::ops::norm::BatchNormOptions { eps: 0.0, momentum: 0.5, fix_gamma: false, use_batch_stats: true, axis: 1 };
//! let y = x.batch_norm(&gamma, &beta, &mean, &var, &opts).unwrap();
//! assert_eq!(y.to_vec::<f64>().unwrap(), vec![-1.0, -1.0, 1.0, 1.0]);
//! assert_eq!(mean.to_vec::<f64>().unwrap(), vec![1.0, 2.0]); // 0.5 * 0 + 0.5 * batch mean
//! ```

use super::conv::float_only;
use super::{build, with_ptr};
use crate::cpu::strided::Ptr;
use crate::cpu::Real;
use crate::error::{fmt_shape, Error, Result};
use crate::tensor::{Scalar, Tensor};

/// How `batch_norm` normalizes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BatchNormOptions {
    pub eps: f64,
    pub momentum: f64,
    /// Treat gamma as 1 (its gradient is then 0), as MXNet's `fix_gamma`.
    pub fix_gamma: bool,
    /// Normalize with this batch's statistics and update the running ones (training without
    /// `use_global_stats`); otherwise use the running statistics.
    pub use_batch_stats: bool,
    /// The channel axis (negative counts from the end).
    pub axis: isize,
}

/// Data seen as (outer, channels, inner) around the channel axis.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChannelGeom {
    pub outer: usize,
    pub channels: usize,
    pub inner: usize,
}

impl ChannelGeom {
    fn count(&self) -> usize {
        self.outer * self.inner
    }
}

impl Tensor {
    /// Batch normalization over every axis but `opts.axis`. With batch statistics, the running
    /// mean and variance are updated in place: `running = momentum * running + (1 - momentum) * batch`
    /// (the batch variance is the biased one, as MXNet).
    pub fn batch_norm(&self, gamma: &Tensor, beta: &Tensor, running_mean: &Tensor, running_var: &Tensor, opts: &BatchNormOptions) -> Result<Tensor> {
        let nd = self.ndim() as isize;
        if nd < 1 || opts.axis < -nd || opts.axis >= nd {
            return Err(Error::Value(format!("batch_norm: axis {} is out of range for data shape {}", opts.axis, fmt_shape(self.shape()))));
        }
        let axis = opts.axis.rem_euclid(nd) as usize;
        let shape = self.shape();
        let geom = ChannelGeom { outer: shape[..axis].iter().product(), channels: shape[axis], inner: shape[axis + 1..].iter().product() };
        for (name, t) in [("gamma", gamma), ("beta", beta), ("running_mean", running_mean), ("running_var", running_var)] {
            if t.shape() != [geom.channels] {
                return Err(Error::Shape(format!(
                    "batch_norm: {name} shape {} must be ({},), one value per channel of data shape {} (axis {axis})",
                    fmt_shape(t.shape()),
                    geom.channels,
                    fmt_shape(shape)
                )));
            }
            self.same_device(t, "batch_norm")?;
            if t.dtype() != self.dtype() {
                return Err(Error::DType(format!("batch_norm: {name} is {} but the data is {}", t.dtype(), self.dtype())));
            }
        }
        if !self.dtype().is_float() {
            return Err(Error::DType(format!("batch_norm: data must be float32 or float64, got {}", self.dtype())));
        }
        let gamma_used = if opts.fix_gamma { Tensor::full(&[geom.channels], Scalar::Float(1.0), self.dtype(), self.device())? } else { gamma.clone() };
        let backend = super::backend::on(self.device())?;
        let given = (!opts.use_batch_stats).then_some((running_mean, running_var));
        let (y, mean, var) = crate::autograd::paused(|| backend.batch_norm_forward(self, &gamma_used, beta, given, opts.eps, geom))?;
        let out = crate::autograd::track(
            "batch_norm",
            &[self, gamma, beta],
            || Ok(y),
            |s| crate::autograd::derivatives::norm::batch_norm(s, self, &gamma_used, mean.clone(), var.clone(), opts, geom),
        )?;
        if opts.use_batch_stats {
            crate::autograd::paused(|| -> Result<()> {
                let m = Scalar::Float(opts.momentum);
                let rest = Scalar::Float(1.0 - opts.momentum);
                let mul = |t: &Tensor, s| t.binary_scalar(s, crate::BinaryOp::Mul, false);
                running_mean.assign(&mul(running_mean, m)?.add(&mul(&mean, rest)?)?)?;
                running_var.assign(&mul(running_var, m)?.add(&mul(&var, rest)?)?)
            })?;
        }
        Ok(out)
    }
}

/// The batch-norm primitives of a backend. `x` is (outer, channels, inner) in `geom`; the
/// per-channel vectors are (channels,).
pub(crate) trait NormKernels {
    /// `(y, mean, var)`: with `stats` = None the batch's mean and biased variance are computed
    /// and returned, else the given ones are used (and returned).
    fn batch_norm_forward(&self, x: &Tensor, gamma: &Tensor, beta: &Tensor, stats: Option<(&Tensor, &Tensor)>, eps: f64, geom: ChannelGeom) -> Result<(Tensor, Tensor, Tensor)>;
    /// `(dx, dgamma, dbeta)`; `batch_stats` says whether mean and var came from `x` (their own
    /// gradients then enter dx).
    #[allow(clippy::too_many_arguments)]
    fn batch_norm_backward(&self, x: &Tensor, gy: &Tensor, gamma: &Tensor, mean: &Tensor, var: &Tensor, eps: f64, batch_stats: bool, geom: ChannelGeom) -> Result<(Tensor, Tensor, Tensor)>;
}

impl NormKernels for crate::cpu::Cpu {
    fn batch_norm_forward(&self, x: &Tensor, gamma: &Tensor, beta: &Tensor, stats: Option<(&Tensor, &Tensor)>, eps: f64, geom: ChannelGeom) -> Result<(Tensor, Tensor, Tensor)> {
        float_only!(x, "batch_norm", T => cpu_forward::<T>(x, gamma, beta, stats, eps, geom))
    }
    fn batch_norm_backward(&self, x: &Tensor, gy: &Tensor, gamma: &Tensor, mean: &Tensor, var: &Tensor, eps: f64, batch_stats: bool, geom: ChannelGeom) -> Result<(Tensor, Tensor, Tensor)> {
        float_only!(x, "batch_norm", T => cpu_backward::<T>(x, gy, gamma, mean, var, eps, batch_stats, geom))
    }
}

/// A dense (channels,) vector's values.
fn values<T: Real>(t: &Tensor) -> Result<Vec<T>> {
    t.contiguous()?.to_vec::<T>()
}

/// Calls `f(run)` on each contiguous run of channel `c`'s elements in the dense buffer `data`.
#[inline(always)]
fn runs<T: Copy>(data: Ptr<T>, geom: ChannelGeom, c: usize, mut f: impl FnMut(&mut [T])) {
    for o in 0..geom.outer {
        // SAFETY: callers pass a dense buffer of outer * channels * inner elements.
        f(unsafe { std::slice::from_raw_parts_mut(data.at(((o * geom.channels + c) * geom.inner) as isize), geom.inner) });
    }
}

#[allow(clippy::type_complexity)]
fn cpu_forward<T: Real>(x: &Tensor, gamma: &Tensor, beta: &Tensor, stats: Option<(&Tensor, &Tensor)>, eps: f64, geom: ChannelGeom) -> Result<(Tensor, Tensor, Tensor)> {
    let x = x.contiguous()?;
    let (gamma, beta) = (values::<T>(gamma)?, values::<T>(beta)?);
    let given = match stats {
        Some((m, v)) => Some((values::<T>(m)?, values::<T>(v)?)),
        None => None,
    };
    let c = geom.channels;
    let mut mean = vec![T::zero(); c];
    let mut var = vec![T::zero(); c];
    let count = T::from_f64(geom.count().max(1) as f64);
    let (pm, pv) = (Ptr(mean.as_mut_ptr()), Ptr(var.as_mut_ptr()));
    let y = unsafe {
        build::<T>(x.shape(), x.device(), |po| {
            with_ptr::<T, _>(&x, |px| {
                let (po, px) = (Ptr(po), Ptr(px.add(x.layout().offset()) as *mut T));
                crate::cpu::par_tasks::<T>(c, 0, x.numel() * 4, |ch, _| {
                    let (m, v) = match &given {
                        Some((m, v)) => (m[ch], v[ch]),
                        None => {
                            let mut s = T::zero();
                            runs(px, geom, ch, |r| r.iter().for_each(|&e| s += e));
                            let m = s / count;
                            let mut q = T::zero();
                            runs(px, geom, ch, |r| r.iter().for_each(|&e| q += (e - m) * (e - m)));
                            (m, q / count)
                        }
                    };
                    *pm.at(ch as isize) = m;
                    *pv.at(ch as isize) = v;
                    let scale = gamma[ch] / (v + T::from_f64(eps)).sqrt();
                    let shift = beta[ch] - m * scale;
                    let mut o = 0;
                    runs(px, geom, ch, |r| {
                        let dst = std::slice::from_raw_parts_mut(po.at(((o * geom.channels + ch) * geom.inner) as isize), geom.inner);
                        dst.iter_mut().zip(r.iter()).for_each(|(d, &e)| *d = e * scale + shift);
                        o += 1;
                    });
                });
                Ok(())
            })
        })?
    };
    let dev = x.device();
    Ok((y, Tensor::from_storage(T::wrap(mean), &[c], dev)?, Tensor::from_storage(T::wrap(var), &[c], dev)?))
}

#[allow(clippy::too_many_arguments)]
fn cpu_backward<T: Real>(x: &Tensor, gy: &Tensor, gamma: &Tensor, mean: &Tensor, var: &Tensor, eps: f64, batch_stats: bool, geom: ChannelGeom) -> Result<(Tensor, Tensor, Tensor)> {
    let (x, gy) = (x.contiguous()?, gy.contiguous()?);
    let (gamma, mean, var) = (values::<T>(gamma)?, values::<T>(mean)?, values::<T>(var)?);
    let c = geom.channels;
    let mut dgamma = vec![T::zero(); c];
    let mut dbeta = vec![T::zero(); c];
    let count = T::from_f64(geom.count().max(1) as f64);
    let (pdg, pdb) = (Ptr(dgamma.as_mut_ptr()), Ptr(dbeta.as_mut_ptr()));
    let gx = unsafe {
        build::<T>(x.shape(), x.device(), |po| {
            with_ptr::<T, _>(&x, |px| {
                with_ptr::<T, _>(&gy, |pg| {
                    let (po, px, pg) = (Ptr(po), Ptr(px.add(x.layout().offset()) as *mut T), Ptr(pg.add(gy.layout().offset()) as *mut T));
                    crate::cpu::par_tasks::<T>(c, 0, x.numel() * 4, |ch, _| {
                        let (m, inv) = (mean[ch], T::one() / (var[ch] + T::from_f64(eps)).sqrt());
                        // Σ g and Σ g·(x - mean), run by run over the channel.
                        let (mut sg, mut sgx) = (T::zero(), T::zero());
                        let at = |o: usize| ((o * geom.channels + ch) * geom.inner) as isize;
                        for o in 0..geom.outer {
                            let xr = std::slice::from_raw_parts(px.at(at(o)), geom.inner);
                            let gr = std::slice::from_raw_parts(pg.at(at(o)), geom.inner);
                            for (&e, &d) in xr.iter().zip(gr) {
                                sg += d;
                                sgx += d * (e - m);
                            }
                        }
                        *pdb.at(ch as isize) = sg;
                        *pdg.at(ch as isize) = sgx * inv;
                        let k = gamma[ch] * inv;
                        // With batch statistics: dx = γ·inv·(g - Σg/M - x̂·Σ(g·x̂)/M).
                        let (a, b) = if batch_stats { (sg / count, sgx * inv * inv / count) } else { (T::zero(), T::zero()) };
                        for o in 0..geom.outer {
                            let xr = std::slice::from_raw_parts(px.at(at(o)), geom.inner);
                            let gr = std::slice::from_raw_parts(pg.at(at(o)), geom.inner);
                            let dst = std::slice::from_raw_parts_mut(po.at(at(o)), geom.inner);
                            for ((d, &e), &g) in dst.iter_mut().zip(xr).zip(gr) {
                                *d = k * (g - a - (e - m) * b);
                            }
                        }
                    });
                    Ok(())
                })
            })
        })?
    };
    let dev = x.device();
    Ok((gx, Tensor::from_storage(T::wrap(dgamma), &[c], dev)?, Tensor::from_storage(T::wrap(dbeta), &[c], dev)?))
}

/// Batch normalization composed of a backend's general ops (reductions and broadcasting
/// arithmetic), for a backend without a kernel of its own: `x` is viewed as (outer, C, inner).
pub(crate) mod composed {
    use super::*;

    fn view(x: &Tensor, geom: ChannelGeom) -> Result<Tensor> {
        x.reshape(&[geom.outer, geom.channels, geom.inner])
    }
    fn column(v: &Tensor) -> Result<Tensor> {
        v.reshape(&[v.numel(), 1])
    }
    fn channel_mean(t: &Tensor) -> Result<Tensor> {
        t.mean(Some(&[0, 2]), false)
    }
    fn inv_std(var: &Tensor, eps: f64) -> Result<Tensor> {
        var.binary_scalar(Scalar::Float(eps), crate::BinaryOp::Add, false)?.unary(crate::UnaryOp::Sqrt)?.unary(crate::UnaryOp::Reciprocal)
    }

    pub(crate) fn forward(x: &Tensor, gamma: &Tensor, beta: &Tensor, stats: Option<(&Tensor, &Tensor)>, eps: f64, geom: ChannelGeom) -> Result<(Tensor, Tensor, Tensor)> {
        let x3 = view(x, geom)?;
        let (mean, var) = match stats {
            Some((m, v)) => (m.clone(), v.clone()),
            None => {
                let mean = channel_mean(&x3)?;
                let c = x3.sub(&column(&mean)?)?;
                (mean, channel_mean(&c.mul(&c)?)?)
            }
        };
        let scale = inv_std(&var, eps)?.mul(gamma)?;
        let shift = beta.sub(&mean.mul(&scale)?)?;
        let y = x3.mul(&column(&scale)?)?.add(&column(&shift)?)?;
        Ok((y.reshape(x.shape())?, mean, var))
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn backward(x: &Tensor, gy: &Tensor, gamma: &Tensor, mean: &Tensor, var: &Tensor, eps: f64, batch_stats: bool, geom: ChannelGeom) -> Result<(Tensor, Tensor, Tensor)> {
        let (x3, g3) = (view(x, geom)?, view(&gy.contiguous()?, geom)?);
        let inv = inv_std(var, eps)?;
        let xhat = x3.sub(&column(mean)?)?.mul(&column(&inv)?)?;
        let dbeta = g3.sum(Some(&[0, 2]), false)?;
        let dgamma = g3.mul(&xhat)?.sum(Some(&[0, 2]), false)?;
        let k = column(&gamma.mul(&inv)?)?;
        let mut inner = g3.clone();
        if batch_stats {
            let n = Scalar::Float(1.0 / geom.count().max(1) as f64);
            let a = column(&dbeta.binary_scalar(n, crate::BinaryOp::Mul, false)?)?;
            let b = column(&dgamma.binary_scalar(n, crate::BinaryOp::Mul, false)?)?;
            inner = inner.sub(&a)?.sub(&xhat.mul(&b)?)?;
        }
        Ok((inner.mul(&k)?.reshape(x.shape())?, dgamma, dbeta))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_kernels_match_the_composition() {
        let geom = ChannelGeom { outer: 3, channels: 2, inner: 5 };
        let x = Tensor::from_vec((0..30).map(|i| ((i * 37) % 11) as f64 * 0.3).collect(), &[3, 2, 5]).unwrap();
        let gy = Tensor::from_vec((0..30).map(|i| ((i * 13) % 7) as f64 * 0.2 - 0.5).collect(), &[3, 2, 5]).unwrap();
        let gamma = Tensor::from_vec(vec![1.5, -0.5], &[2]).unwrap();
        let beta = Tensor::from_vec(vec![0.1, 0.2], &[2]).unwrap();
        let cpu = crate::cpu::Cpu;
        let (y1, m1, v1) = cpu.batch_norm_forward(&x, &gamma, &beta, None, 1e-5, geom).unwrap();
        let (y2, m2, v2) = composed::forward(&x, &gamma, &beta, None, 1e-5, geom).unwrap();
        let close = |a: &Tensor, b: &Tensor| {
            a.to_vec::<f64>().unwrap().iter().zip(b.to_vec::<f64>().unwrap()).all(|(p, q)| (p - q).abs() < 1e-9)
        };
        assert!(close(&y1, &y2) && close(&m1, &m2) && close(&v1, &v2));
        for batch in [true, false] {
            let a = cpu.batch_norm_backward(&x, &gy, &gamma, &m1, &v1, 1e-5, batch, geom).unwrap();
            let b = composed::backward(&x, &gy, &gamma, &m1, &v1, 1e-5, batch, geom).unwrap();
            assert!(close(&a.0, &b.0) && close(&a.1, &b.1) && close(&a.2, &b.2));
        }
    }
}

//! Arrays made from nothing: constants, ranges and identity matrices.

use super::{backend, build};
use crate::cpu::Cpu;
use crate::device::Device;
use crate::dtype::{DType, Element};
use crate::error::{Error, Result};
use crate::layout::checked_numel;
use crate::storage::StorageElement;
use crate::tensor::{Scalar, Tensor};
use crate::with_dtype;

/// Fills `n` elements from `f(i)` in a new 1-D tensor.
fn from_fn<T: StorageElement>(n: usize, device: Device, f: impl Fn(usize) -> T) -> Result<Tensor> {
    unsafe {
        build::<T>(&[n], device, |p| {
            for i in 0..n {
                *p.add(i) = f(i);
            }
            Ok(())
        })
    }
}

/// The creation primitives of a backend (on `device`, one of this backend's).
pub(crate) trait CreationKernels {
    /// A dense `shape` tensor of `value` converted to `dtype`.
    fn full(&self, shape: &[usize], value: Scalar, dtype: DType, device: Device) -> Result<Tensor>;
    /// `start + i * step` for `i < n`: floats computed in float64 with the step taken as
    /// `(start + step) - start` (NumPy's rule), integers exactly.
    fn arange(&self, start: f64, step: f64, n: usize, dtype: DType, device: Device) -> Result<Tensor>;
    /// `n` values `start + i * step`, the last exactly `stop` with `endpoint`.
    #[allow(clippy::too_many_arguments)]
    fn linspace(&self, start: f64, step: f64, stop: f64, n: usize, endpoint: bool, dtype: DType, device: Device) -> Result<Tensor>;
}

impl CreationKernels for Cpu {
    fn full(&self, shape: &[usize], value: Scalar, dtype: DType, device: Device) -> Result<Tensor> {
        let n = checked_numel(shape)?;
        if value.is_zero_bits() {
            return Tensor::from_storage(crate::storage::CpuStorage::zeros(dtype, n)?, shape, device);
        }
        with_dtype!(dtype, T => Tensor::from_storage(T::wrap(crate::storage::filled_vec(n, value.cast::<T>())?), shape, device))
    }

    fn arange(&self, start: f64, step: f64, n: usize, dtype: DType, device: Device) -> Result<Tensor> {
        with_dtype!(dtype, T => {
            if dtype.is_float() {
                let delta = (start + step) - start;
                from_fn::<T>(n, device, |i| T::from_f64(start + i as f64 * delta))
            } else {
                let (s, d) = (start as i64, step as i64);
                from_fn::<T>(n, device, |i| T::from_i64(s + i as i64 * d))
            }
        })
    }

    fn linspace(&self, start: f64, step: f64, stop: f64, num: usize, endpoint: bool, dtype: DType, device: Device) -> Result<Tensor> {
        with_dtype!(dtype, T => from_fn::<T>(num, device, |i| {
            if endpoint && i == num - 1 {
                T::from_f64(stop)
            } else {
                T::from_f64(start + i as f64 * step)
            }
        }))
    }
}

impl Tensor {
    pub fn zeros(shape: &[usize], dtype: DType, device: Device) -> Result<Tensor> {
        Tensor::full(shape, Scalar::Int(0), dtype, device)
    }

    /// A tensor of `shape` with every element `value` (converted to `dtype`).
    pub fn full(shape: &[usize], value: Scalar, dtype: DType, device: Device) -> Result<Tensor> {
        device.check_available()?;
        backend::on(device)?.full(shape, value, dtype, device)
    }

    /// `start, start + step, ...` up to but excluding `stop`, as `np.arange`.
    pub fn arange(start: f64, stop: f64, step: f64, dtype: DType, device: Device) -> Result<Tensor> {
        device.check_available()?;
        if step == 0.0 || !step.is_finite() || !start.is_finite() || !stop.is_finite() {
            return Err(Error::Value(format!("arange: invalid range start={start}, stop={stop}, step={step}")));
        }
        let n = ((stop - start) / step).ceil().max(0.0) as usize;
        checked_numel(&[n])?;
        backend::on(device)?.arange(start, step, n, dtype, device)
    }

    /// `num` evenly spaced values over `[start, stop]` (or `[start, stop)` without `endpoint`).
    pub fn linspace(start: f64, stop: f64, num: usize, endpoint: bool, dtype: DType, device: Device) -> Result<Tensor> {
        device.check_available()?;
        let div = if endpoint { num.saturating_sub(1) } else { num };
        let step = if div > 0 { (stop - start) / div as f64 } else { 0.0 };
        backend::on(device)?.linspace(start, step, stop, num, endpoint && num > 1, dtype, device)
    }

    /// An `n x m` matrix with ones on diagonal `k` (above the main one when `k > 0`).
    pub fn eye(n: usize, m: usize, k: isize, dtype: DType, device: Device) -> Result<Tensor> {
        let t = Tensor::zeros(&[n, m], dtype, device)?;
        let (r0, c0) = if k >= 0 { (0, k as usize) } else { ((-k) as usize, 0) };
        let len = n.saturating_sub(r0).min(m.saturating_sub(c0));
        if len > 0 {
            let diag = t.as_strided(&[len], &[m as isize + 1], r0 * m + c0)?;
            diag.fill(Scalar::Int(1))?;
        }
        Ok(t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        let a = Tensor::arange(0.0, 1.0, 0.25, DType::F32, Device::Cpu(0)).unwrap();
        assert_eq!(a.to_vec::<f32>().unwrap(), vec![0.0, 0.25, 0.5, 0.75]);
        let b = Tensor::arange(5.0, 0.0, -2.0, DType::I64, Device::Cpu(0)).unwrap();
        assert_eq!(b.to_vec::<i64>().unwrap(), vec![5, 3, 1]);
        let l = Tensor::linspace(0.0, 1.0, 5, true, DType::F64, Device::Cpu(0)).unwrap();
        assert_eq!(l.to_vec::<f64>().unwrap(), vec![0.0, 0.25, 0.5, 0.75, 1.0]);
        assert!(Tensor::arange(0.0, 1.0, 0.0, DType::F32, Device::Cpu(0)).is_err());
        assert!(Tensor::zeros(&[2], DType::F32, Device::Gpu(99)).is_err());
    }

    #[test]
    fn eye_offsets() {
        let e = Tensor::eye(2, 3, 1, DType::I32, Device::Cpu(0)).unwrap();
        assert_eq!(e.to_vec::<i32>().unwrap(), vec![0, 1, 0, 0, 0, 1]);
    }
}

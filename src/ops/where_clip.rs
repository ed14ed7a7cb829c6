//! Selection between arrays: `where(cond, x, y)` and `clip(x, lo, hi)`.

use super::{backend, build};
use crate::cpu::Cpu;
use super::with_ptr;
use crate::cpu::strided::{map3, Plan};
use crate::dtype::DType;
use crate::error::Result;
use crate::layout::{broadcast_shapes, contiguous_strides};
use crate::ops::binary::BinaryOp;
use crate::storage::StorageElement;
use crate::tensor::Tensor;
use crate::with_dtype;

/// The selection primitive of a backend.
pub(crate) trait WhereKernels {
    /// `cond ? x : y` broadcast to `shape`; `cond` is bool, `x` and `y` share a dtype.
    fn select(&self, cond: &Tensor, x: &Tensor, y: &Tensor, shape: &[usize]) -> Result<Tensor>;
}

impl WhereKernels for Cpu {
    fn select(&self, cond: &Tensor, x: &Tensor, y: &Tensor, shape: &[usize]) -> Result<Tensor> {
        with_dtype!(x.dtype(), T => select::<T>(cond, x, y, shape))
    }
}

fn select<T: StorageElement>(cond: &Tensor, x: &Tensor, y: &Tensor, shape: &[usize]) -> Result<Tensor> {
    let (lc, lx, ly) = (cond.layout().broadcast_to(shape)?, x.layout().broadcast_to(shape)?, y.layout().broadcast_to(shape)?);
    let out_strides = contiguous_strides(shape);
    unsafe {
        build::<T>(shape, x.device(), |po| {
            with_ptr::<bool, _>(cond, |pc| {
                with_ptr::<T, _>(x, |px| {
                    with_ptr::<T, _>(y, |py| {
                        let plan = Plan::<4>::new(
                            shape,
                            [&out_strides, lc.strides(), lx.strides(), ly.strides()],
                            [0, lc.offset(), lx.offset(), ly.offset()],
                        );
                        map3(&plan, po, pc, px, py, |c: bool, a: T, b: T| if c { a } else { b });
                        Ok(())
                    })
                })
            })
        })
    }
}

impl Tensor {
    /// Elements of `x` where `cond` is true and of `y` elsewhere, all three broadcast together.
    pub fn where_(cond: &Tensor, x: &Tensor, y: &Tensor) -> Result<Tensor> {
        cond.same_device(x, "where")?;
        x.same_device(y, "where")?;
        let shape = broadcast_shapes(&broadcast_shapes(cond.shape(), x.shape())?, y.shape())?;
        let dtype = DType::promote(x.dtype(), y.dtype());
        let c = cond.to_dtype(DType::Bool)?;
        let raw = || {
            let (xd, yd) = (x.to_dtype(dtype)?, y.to_dtype(dtype)?);
            backend::on(xd.device())?.select(&c, &xd, &yd, &shape)
        };
        crate::autograd::track("where", &[x, y], raw, |s| crate::autograd::derivatives::where_clip::rule(s, &c))
    }

    /// Limits the values to `[lo, hi]`; either bound may be absent.
    pub fn clip(&self, lo: Option<&Tensor>, hi: Option<&Tensor>) -> Result<Tensor> {
        let mut r = self.clone();
        if let Some(lo) = lo {
            r = r.binary(lo, BinaryOp::Maximum)?;
        }
        if let Some(hi) = hi {
            r = r.binary(hi, BinaryOp::Minimum)?;
        }
        if r.same_handle(self) {
            r = r.copy()?;
        }
        Ok(r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn where_broadcasts_and_promotes() {
        let c = Tensor::from_vec(vec![true, false], &[2]).unwrap();
        let x = Tensor::from_vec(vec![1i32, 2, 3, 4], &[2, 2]).unwrap();
        let y = Tensor::scalar(0.5f64);
        let r = Tensor::where_(&c, &x, &y).unwrap();
        assert_eq!(r.dtype(), DType::F64);
        assert_eq!(r.to_vec::<f64>().unwrap(), vec![1.0, 0.5, 3.0, 0.5]);
    }

    #[test]
    fn clip_both_sides() {
        let x = Tensor::from_vec(vec![-2.0f32, 0.5, 3.0], &[3]).unwrap();
        let r = x.clip(Some(&Tensor::scalar(0.0f32)), Some(&Tensor::scalar(1.0f32))).unwrap();
        assert_eq!(r.to_vec::<f32>().unwrap(), vec![0.0, 0.5, 1.0]);
    }
}

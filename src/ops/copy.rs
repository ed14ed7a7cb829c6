//! Copies and conversions: dtype casts, dense copies, and assignment into a view (which is
//! how `x[...] = y`, in-place fills and `concatenate` write).

use super::{build, with_mut_ptr, with_ptr};
use crate::cpu::strided::{map1_tiled, Plan};
use crate::dtype::{DType, Element};
use crate::error::Result;
use crate::layout::Layout;
use crate::storage::StorageElement;
use crate::tensor::{Scalar, Tensor};
use crate::with_dtype;

/// Copies `src` (already broadcast to `dst_layout`'s shape) into `dst`, converting elements.
///
/// # Safety
/// `dst` must point to element 0 of a storage that `dst_layout` addresses validly, and must not
/// overlap `src`'s storage.
unsafe fn copy_cast<D: StorageElement>(dst: *mut D, dst_layout: &Layout, src: &Tensor, src_layout: &Layout) -> Result<()> {
    with_dtype!(src.dtype(), S => with_ptr::<S, _>(src, |s| {
        let plan = Plan::<2>::new(
            dst_layout.shape(),
            [dst_layout.strides(), src_layout.strides()],
            [dst_layout.offset(), src_layout.offset()],
        );
        map1_tiled(&plan, dst, s, |x: S| x.cast::<D>());
        Ok(())
    }))
}

impl Tensor {
    /// This tensor converted to `dtype`; the same handle when it already has that dtype.
    pub fn to_dtype(&self, dtype: DType) -> Result<Tensor> {
        if self.dtype() == dtype {
            Ok(self.clone())
        } else {
            self.astype(dtype)
        }
    }

    /// A dense copy converted to `dtype` (always a new storage).
    pub fn astype(&self, dtype: DType) -> Result<Tensor> {
        crate::autograd::track("astype", &[self], || self.astype_raw(dtype), |_| crate::autograd::derivatives::copy::rule())
    }

    fn astype_raw(&self, dtype: DType) -> Result<Tensor> {
        crate::gpu_dispatch!(self, crate::cuda::ops::copy::astype(self, dtype));
        with_dtype!(dtype, D => unsafe {
            build::<D>(self.shape(), self.device(), |p| {
                copy_cast(p, &Layout::contiguous(self.shape()), self, self.layout())
            })
        })
    }

    /// A dense copy (always a new storage).
    pub fn copy(&self) -> Result<Tensor> {
        self.astype(self.dtype())
    }

    /// This tensor when it is dense, otherwise a dense copy.
    pub fn contiguous(&self) -> Result<Tensor> {
        if self.is_contiguous() {
            Ok(self.clone())
        } else {
            self.copy()
        }
    }

    /// Writes `src`, broadcast to this tensor's shape and cast to its dtype, into this view.
    pub fn assign(&self, src: &Tensor) -> Result<()> {
        self.same_device(src, "assignment")?;
        let src_layout = src.layout().broadcast_to(self.shape())?;
        // Overlapping source and destination: read from a private copy (NumPy semantics).
        let src = if src.shares_storage(self) { src.copy()?.view(Layout::contiguous(src.shape()).broadcast_to(self.shape())?) } else { src.view(src_layout) };
        if self.numel() == 0 {
            return Ok(());
        }
        crate::gpu_dispatch!(self, crate::cuda::ops::copy::assign(self, &src, src.layout()));
        with_dtype!(self.dtype(), D => with_mut_ptr::<D, _>(self, |d| unsafe {
            copy_cast(d, self.layout(), &src, src.layout())
        }))
    }

    /// A copy on `device`.
    pub fn to_device(&self, device: crate::Device) -> Result<Tensor> {
        device.check_available()?;
        let copy = || {
            if self.device().device_type() == "gpu" || device.device_type() == "gpu" {
                #[cfg(feature = "cuda")]
                return crate::cuda::ops::copy::to_device(self, device);
            }
            Ok(self.astype_raw(self.dtype())?.on_device(device))
        };
        crate::autograd::track("to_device", &[self], copy, |_| crate::autograd::derivatives::copy::to_device(self))
    }

    /// Sets every element of this view to `value`.
    pub fn fill(&self, value: Scalar) -> Result<()> {
        let src = Tensor::from_scalar(value, self.dtype(), self.device())?;
        self.assign(&src)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cast_and_assign_through_view() {
        let t = Tensor::from_vec(vec![1.5f32, 2.5, -3.5, 4.0], &[2, 2]).unwrap();
        assert_eq!(t.astype(DType::I32).unwrap().to_vec::<i32>().unwrap(), vec![1, 2, -3, 4]);
        let col = t.view(t.layout().select(1, 0));
        col.fill(Scalar::Float(9.0)).unwrap();
        assert_eq!(t.to_vec::<f32>().unwrap(), vec![9.0, 2.5, 9.0, 4.0]);
        let tt = t.view(t.layout().permute(&[1, 0]).unwrap());
        assert_eq!(tt.copy().unwrap().to_vec::<f32>().unwrap(), vec![9.0, 9.0, 2.5, 4.0]);
        // Overlapping self-assignment reads the old values.
        let flat = t.view(Layout::contiguous(&[4]));
        let head = flat.view(flat.layout().slice(0, 1, 3, 1));
        let tail = flat.view(flat.layout().slice(0, 0, 3, 1));
        head.assign(&tail).unwrap();
        assert_eq!(flat.to_vec::<f32>().unwrap(), vec![9.0, 9.0, 2.5, 9.0]);
    }
}

//! Copies and conversions: dtype casts, dense copies, and assignment into a view (which is
//! how `x[...] = y`, in-place fills and `concatenate` write).

use super::{backend, build, with_mut_ptr, with_ptr};
use crate::cpu::strided::{map1_tiled, Plan};
use crate::cpu::Cpu;
use crate::device::Device;
use crate::dtype::{DType, Element};
use crate::error::Result;
use crate::storage::{CpuStorage, Memory};
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

/// The copy primitives of a backend: conversions, writes into views, moves between devices.
pub(crate) trait CopyKernels {
    /// A dense copy of `x` converted to `dtype`.
    fn astype(&self, x: &Tensor, dtype: DType) -> Result<Tensor>;
    /// Writes `src` (a view already broadcast to `dst`'s shape, not overlapping it) into the
    /// view `dst`, converting to its dtype.
    fn assign(&self, dst: &Tensor, src: &Tensor) -> Result<()>;
    /// A dense copy of `x` on `device`, where `x` or `device` is this backend's.
    fn to_device(&self, x: &Tensor, device: Device) -> Result<Tensor>;
    /// A dense tensor of `shape` on `device` holding `data`.
    fn store(&self, data: CpuStorage, shape: &[usize], device: Device) -> Result<Tensor>;
    /// Waits until the work queued on `device` is done.
    fn synchronize(&self, device: Device) -> Result<()>;
}

impl CopyKernels for Cpu {
    fn astype(&self, x: &Tensor, dtype: DType) -> Result<Tensor> {
        with_dtype!(dtype, D => unsafe {
            build::<D>(x.shape(), x.device(), |p| copy_cast(p, &Layout::contiguous(x.shape()), x, x.layout()))
        })
    }

    fn assign(&self, dst: &Tensor, src: &Tensor) -> Result<()> {
        with_dtype!(dst.dtype(), D => with_mut_ptr::<D, _>(dst, |d| unsafe { copy_cast(d, dst.layout(), src, src.layout()) }))
    }

    fn to_device(&self, x: &Tensor, device: Device) -> Result<Tensor> {
        Ok(self.astype(x, x.dtype())?.on_device(device))
    }

    fn store(&self, data: CpuStorage, shape: &[usize], device: Device) -> Result<Tensor> {
        Tensor::from_memory(Memory::Host(data), shape, device)
    }

    fn synchronize(&self, _: Device) -> Result<()> {
        Ok(())
    }
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
        backend::on(self.device())?.astype(self, dtype)
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
        backend::on(self.device())?.assign(self, &src)
    }

    /// A copy on `device`.
    pub fn to_device(&self, device: crate::Device) -> Result<Tensor> {
        device.check_available()?;
        let copy = || backend::between(self.device(), device)?.to_device(self, device);
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

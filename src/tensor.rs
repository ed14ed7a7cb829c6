//! `Tensor`: a cheap handle (one `Arc`) to shared storage seen through a layout. Cloning a
//! tensor or taking a view never copies data. Operations live in `ops/`, one family a file,
//! as further `impl Tensor` blocks.

use crate::device::Device;
use crate::dtype::{DType, Element};
use crate::error::{fmt_shape, Error, Result};
use crate::layout::{checked_numel, Layout};
use crate::storage::{typed, CpuStorage, Memory, Storage, StorageElement};
use crate::autograd::graph::MetaCell;
use std::sync::Arc;

#[derive(Clone)]
pub struct Tensor(Arc<TensorInner>);

struct TensorInner {
    storage: Arc<Storage>,
    layout: Layout,
    dtype: DType,
    device: Device,
    /// Gradient buffer and producing node (see `autograd`); empty for most tensors.
    autograd: MetaCell,
}

/// A Python-style scalar: the weakly typed operand of `x + 1`, a fill value, a clip bound.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Scalar {
    Bool(bool),
    Int(i64),
    Float(f64),
}

impl Scalar {
    pub fn to_f64(self) -> f64 {
        match self {
            Scalar::Bool(b) => b as u8 as f64,
            Scalar::Int(i) => i as f64,
            Scalar::Float(f) => f,
        }
    }

    pub fn to_i64(self) -> i64 {
        match self {
            Scalar::Bool(b) => b as i64,
            Scalar::Int(i) => i,
            Scalar::Float(f) => f as i64,
        }
    }

    /// The value as an element of type `T` (floats truncate toward zero when `T` is an integer).
    pub fn cast<T: crate::dtype::Element>(self) -> T {
        match self {
            Scalar::Float(f) => T::from_f64(f),
            _ => T::from_i64(self.to_i64()),
        }
    }

    /// True for a zero whose bytes are all zero in every dtype (so a fill can be a memset;
    /// -0.0 is not).
    pub fn is_zero_bits(self) -> bool {
        self.to_f64() == 0.0 && !matches!(self, Scalar::Float(f) if f.is_sign_negative())
    }

    /// The dtype NumPy gives `array op scalar` when the array has dtype `other` (NEP 50: Python
    /// scalars are "weak" and take the array's dtype when they are of the same kind or lower).
    pub fn weak_dtype(self, other: DType) -> DType {
        match self {
            Scalar::Bool(_) => other,
            Scalar::Int(_) if other == DType::Bool => DType::I64,
            Scalar::Int(_) => other,
            Scalar::Float(_) if other.is_float() => other,
            Scalar::Float(_) => DType::F64,
        }
    }
}

impl std::fmt::Debug for Tensor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Tensor(shape={}, dtype={}, device={})", fmt_shape(self.shape()), self.dtype(), self.device())
    }
}

impl Tensor {
    /// A tensor owning `data` (host memory, copied to the device when `device` is a GPU),
    /// laid out densely as `shape`.
    pub fn from_storage(data: CpuStorage, shape: &[usize], device: Device) -> Result<Tensor> {
        device.check_available()?;
        crate::ops::backend::on(device)?.store(data, shape, device)
    }

    /// A tensor owning `data` (already on `device`), laid out densely as `shape`.
    pub(crate) fn from_memory(data: Memory, shape: &[usize], device: Device) -> Result<Tensor> {
        let n = checked_numel(shape)?;
        if n != data.len() {
            return Err(Error::Shape(format!(
                "{} elements cannot form an array of shape {}",
                data.len(),
                fmt_shape(shape)
            )));
        }
        let dtype = data.dtype();
        Ok(Tensor(Arc::new(TensorInner {
            storage: Arc::new(Storage::from_memory(data)),
            layout: Layout::contiguous(shape),
            dtype,
            device,
            autograd: MetaCell::default(),
        })))
    }

    /// A host tensor seeing `storage` through `layout` (checked against the storage's length):
    /// how memory lent by another library (DLPack) becomes an array.
    pub fn from_shared_storage(storage: Arc<Storage>, shape: &[usize], strides: &[isize], offset: usize) -> Result<Tensor> {
        let layout = Layout::new(shape, strides, offset, storage.len())?;
        let dtype = storage.dtype();
        Ok(Tensor(Arc::new(TensorInner { storage, layout, dtype, device: Device::Cpu(0), autograd: MetaCell::default() })))
    }

    /// A CPU tensor owning `data`, laid out densely as `shape`.
    pub fn from_vec<T: StorageElement>(data: Vec<T>, shape: &[usize]) -> Result<Tensor> {
        Tensor::from_storage(T::wrap(data), shape, Device::Cpu(0))
    }

    /// A 0-d tensor.
    pub fn scalar<T: StorageElement>(v: T) -> Tensor {
        Tensor(Arc::new(TensorInner {
            storage: Arc::new(Storage::new(T::wrap(vec![v]))),
            layout: Layout::contiguous(&[]),
            dtype: T::DTYPE,
            device: Device::Cpu(0),
            autograd: MetaCell::default(),
        }))
    }

    /// A 0-d tensor of `dtype` holding `v`.
    pub fn from_scalar(v: Scalar, dtype: DType, device: Device) -> Result<Tensor> {
        // On a GPU a kernel writes the value: no host-to-device copy, which would wait for
        // the work queued before it (`x * 2` in a loop would synchronize at every step).
        if let Device::Gpu(_) = device {
            return Tensor::full(&[], v, dtype, device);
        }
        crate::with_dtype!(dtype, T => Tensor::from_storage(T::wrap(vec![v.cast::<T>()]), &[], device))
    }

    /// Another view of the same storage. The layout must have been derived from this
    /// tensor's layout by the checked operations of `Layout`.
    pub fn view(&self, layout: Layout) -> Tensor {
        Tensor(Arc::new(TensorInner {
            storage: self.0.storage.clone(),
            layout,
            dtype: self.0.dtype,
            device: self.0.device,
            autograd: MetaCell::default(),
        }))
    }

    /// A view with explicit strides and offset, checked against the storage bounds.
    pub fn as_strided(&self, shape: &[usize], strides: &[isize], offset: usize) -> Result<Tensor> {
        let layout = Layout::new(shape, strides, offset, self.0.storage.len())?;
        Ok(self.view(layout))
    }

    pub fn shape(&self) -> &[usize] {
        self.0.layout.shape()
    }

    pub fn layout(&self) -> &Layout {
        &self.0.layout
    }

    pub fn dtype(&self) -> DType {
        self.0.dtype
    }

    pub fn device(&self) -> Device {
        self.0.device
    }

    pub fn ndim(&self) -> usize {
        self.0.layout.ndim()
    }

    pub fn numel(&self) -> usize {
        self.0.layout.numel()
    }

    /// This tensor's autograd state.
    pub(crate) fn meta(&self) -> &MetaCell {
        &self.0.autograd
    }

    /// The same data labelled with another CPU device (every `cpu(i)` is host memory).
    pub(crate) fn on_device(&self, device: Device) -> Tensor {
        Tensor(Arc::new(TensorInner {
            storage: self.0.storage.clone(),
            layout: self.0.layout.clone(),
            dtype: self.0.dtype,
            device,
            autograd: MetaCell::default(),
        }))
    }

    /// Another handle to the same data and layout, with no autograd state.
    pub(crate) fn fresh_handle(&self) -> Tensor {
        self.view(self.0.layout.clone())
    }

    pub fn storage(&self) -> &Arc<Storage> {
        &self.0.storage
    }

    /// True when both tensors are views of one storage.
    pub fn shares_storage(&self, other: &Tensor) -> bool {
        Arc::ptr_eq(&self.0.storage, &other.0.storage)
    }

    /// True when the two tensors are the same handle (not merely the same data).
    pub fn same_handle(&self, other: &Tensor) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }

    pub fn is_contiguous(&self) -> bool {
        self.0.layout.is_contiguous()
    }

    /// This tensor, or a copy of it in host memory when it lives on a GPU (not recorded).
    pub fn to_host(&self) -> Result<Tensor> {
        match self.device() {
            Device::Cpu(_) => Ok(self.clone()),
            Device::Gpu(_) => crate::ops::backend::on(self.device())?.to_device(self, Device::Cpu(0)),
        }
    }

    /// The elements in row-major order, converted to `T`.
    pub fn to_vec<T: StorageElement>(&self) -> Result<Vec<T>> {
        let t = self.to_host()?.astype(T::DTYPE)?.contiguous()?;
        let guard = t.storage().read();
        let data = typed::<T>(&guard)?;
        let start = t.layout().offset();
        let mut out = crate::storage::alloc_vec(t.numel())?;
        out.extend_from_slice(&data[start..start + t.numel()]);
        Ok(out)
    }

    /// The single element of a size-1 tensor.
    pub fn item<T: StorageElement>(&self) -> Result<T> {
        if self.numel() != 1 {
            return Err(Error::Value(format!(
                "only size-1 arrays can be converted to a scalar; this one has shape {}",
                fmt_shape(self.shape())
            )));
        }
        let host = self.to_host()?;
        let guard = host.storage().read();
        let v: T = crate::with_dtype!(self.dtype(), S => {
            let data = typed::<S>(&guard)?;
            let idx = host.layout().storage_index(&vec![0; self.ndim()]);
            data[idx].cast::<T>()
        });
        Ok(v)
    }

    /// Waits until the work that computes this tensor is done (GPU work is queued; the CPU
    /// engine is synchronous).
    pub fn wait(&self) -> Result<()> {
        crate::ops::backend::on(self.device())?.synchronize(self.device())
    }

    /// Fails unless both tensors are on one device; the message names both.
    pub fn same_device(&self, other: &Tensor, op: &str) -> Result<()> {
        if self.device() != other.device() {
            return Err(Error::Device(format!(
                "{op}: operands are on different devices, {} and {}; move one with copyto() or as_in_ctx()",
                self.device(),
                other.device()
            )));
        }
        Ok(())
    }
}

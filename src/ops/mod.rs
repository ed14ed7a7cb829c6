//! Tensor operations, one family a file. Each file declares its family's table (`registry`),
//! adds an `impl Tensor` block with the public operations, and implements its primitives'
//! trait for the CPU beside its private kernels (`backend`).

pub mod backend;
pub mod binary;
pub mod conv;
pub mod copy;
pub mod creation;
pub mod index;
pub mod linalg;
pub mod linear;
pub mod matmul;
pub mod norm;
pub mod pad;
pub mod pool;
pub mod random;
pub mod reduce;
pub mod rnn;
pub mod registry;
pub mod shape;
pub mod sort;
pub mod tri;
pub mod unary;
pub mod where_clip;

use crate::device::Device;
use crate::error::Result;
use crate::layout::checked_numel;
use crate::storage::StorageElement;
use crate::tensor::Tensor;

/// Allocates a dense `shape` tensor and lets `init` write its elements through a raw pointer.
///
/// # Safety
/// `init` must write every one of the `numel(shape)` elements before returning.
pub(crate) unsafe fn build<T: StorageElement>(
    shape: &[usize],
    device: Device,
    init: impl FnOnce(*mut T) -> Result<()>,
) -> Result<Tensor> {
    let n = checked_numel(shape)?;
    let mut v: Vec<T> = crate::storage::alloc_vec(n)?;
    init(v.as_mut_ptr())?;
    v.set_len(n);
    Tensor::from_storage(T::wrap(v), shape, device)
}

/// Reads a tensor's storage as `T` and passes `f` a pointer to its element 0 of storage.
pub(crate) fn with_ptr<T: StorageElement, R>(t: &Tensor, f: impl FnOnce(*const T) -> Result<R>) -> Result<R> {
    let guard = t.storage().read();
    let data = crate::storage::typed::<T>(&guard)?;
    f(data.as_ptr())
}

/// Writes a tensor's storage as `T` through a pointer to its element 0 of storage.
pub(crate) fn with_mut_ptr<T: StorageElement, R>(t: &Tensor, f: impl FnOnce(*mut T) -> Result<R>) -> Result<R> {
    let mut guard = t.storage().write();
    let data = crate::storage::typed_mut::<T>(&mut guard)?;
    f(data.as_mut_ptr())
}

//! DLPack, both ways and without copies: `x.__dlpack__()` / `x.__dlpack_device__()` hand an
//! array's memory to another library (NumPy, PyTorch...) in a PyCapsule, and
//! `_core._from_dlpack(obj)` wraps another library's memory as a deepblocks array.
//!
//! Export: the capsule holds a `DLManagedTensor` (or, when the consumer asks for DLPack 1.0
//! through `max_version`, a `DLManagedTensorVersioned`) whose manager context owns a handle
//! to the tensor, so the storage lives until the consumer calls the deleter, however long
//! after the exporting array is gone. Import: the storage is built over the lent memory
//! (`Storage::foreign`) and calls the lender's deleter when the last view of it goes.

use super::array::{wrap, PyArray};
use crate::dtype::DType;
use crate::storage::{CpuStorage, ForeignOwner, Storage, StorageElement};
use crate::tensor::Tensor;
use crate::Device;
use pyo3::exceptions::{PyBufferError, PyTypeError, PyValueError};
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::PyTuple;
use std::ffi::{c_void, CStr};
use std::sync::Arc;

// ---- the DLPack ABI (dlpack.h, version 1.0) ---------------------------------------------------

const K_DL_CPU: i32 = 1;
const K_DL_CUDA: i32 = 2;
const K_DL_CUDA_HOST: i32 = 3;
const K_DL_CUDA_MANAGED: i32 = 13;

const K_DL_INT: u8 = 0;
const K_DL_UINT: u8 = 1;
const K_DL_FLOAT: u8 = 2;
const K_DL_BOOL: u8 = 6;

/// `DLManagedTensorVersioned::flags`: the consumer must not write / the producer copied.
const FLAG_READ_ONLY: u64 = 1;
const FLAG_IS_COPIED: u64 = 2;

const CLASSIC: &CStr = c"dltensor";
const CLASSIC_USED: &CStr = c"used_dltensor";
const VERSIONED: &CStr = c"dltensor_versioned";
const VERSIONED_USED: &CStr = c"used_dltensor_versioned";

#[repr(C)]
#[derive(Clone, Copy)]
struct DLDevice {
    device_type: i32,
    device_id: i32,
}

#[repr(C)]
#[derive(Clone, Copy)]
struct DLDataType {
    code: u8,
    bits: u8,
    lanes: u16,
}

#[repr(C)]
struct DLTensor {
    data: *mut c_void,
    device: DLDevice,
    ndim: i32,
    dtype: DLDataType,
    shape: *mut i64,
    /// In elements; may be null (dense row-major) from older producers.
    strides: *mut i64,
    byte_offset: u64,
}

#[repr(C)]
struct DLManagedTensor {
    dl_tensor: DLTensor,
    manager_ctx: *mut c_void,
    deleter: Option<unsafe extern "C" fn(*mut DLManagedTensor)>,
}

#[repr(C)]
struct DLPackVersion {
    major: u32,
    minor: u32,
}

#[repr(C)]
struct DLManagedTensorVersioned {
    version: DLPackVersion,
    manager_ctx: *mut c_void,
    deleter: Option<unsafe extern "C" fn(*mut DLManagedTensorVersioned)>,
    flags: u64,
    dl_tensor: DLTensor,
}

fn dl_dtype(d: DType) -> DLDataType {
    let (code, bits) = match d {
        DType::Bool => (K_DL_BOOL, 8),
        DType::U8 => (K_DL_UINT, 8),
        DType::I32 => (K_DL_INT, 32),
        DType::I64 => (K_DL_INT, 64),
        DType::F32 => (K_DL_FLOAT, 32),
        DType::F64 => (K_DL_FLOAT, 64),
    };
    DLDataType { code, bits, lanes: 1 }
}

fn from_dl_dtype(d: DLDataType) -> PyResult<DType> {
    Ok(match (d.code, d.bits, d.lanes) {
        (K_DL_BOOL, 8, 1) => DType::Bool,
        (K_DL_UINT, 8, 1) => DType::U8,
        (K_DL_INT, 32, 1) => DType::I32,
        (K_DL_INT, 64, 1) => DType::I64,
        (K_DL_FLOAT, 32, 1) => DType::F32,
        (K_DL_FLOAT, 64, 1) => DType::F64,
        (code, bits, lanes) => {
            let kind = match code {
                K_DL_INT => "int".to_string(),
                K_DL_UINT => "uint".to_string(),
                K_DL_FLOAT => "float".to_string(),
                K_DL_BOOL => "bool".to_string(),
                4 => "bfloat".to_string(),
                5 => "complex".to_string(),
                c => format!("type code {c} of "),
            };
            let lanes = if lanes == 1 { String::new() } else { format!(" x{lanes} lanes") };
            return Err(PyTypeError::new_err(format!(
                "from_dlpack: DLPack dtype {kind}{bits}{lanes} is not supported; deepblocks arrays hold bool, uint8, \
                 int32, int64, float32 or float64 (convert the tensor first)"
            )));
        }
    })
}

fn device_of(d: Device) -> DLDevice {
    match d {
        Device::Cpu(_) => DLDevice { device_type: K_DL_CPU, device_id: 0 },
        Device::Gpu(i) => DLDevice { device_type: K_DL_CUDA, device_id: i as i32 },
    }
}

// ---- export -------------------------------------------------------------------------------------

/// What an exported capsule's manager context owns: the tensor (so its storage outlives
/// the array it came from) and the shape and strides the `DLTensor` points at.
struct Exported {
    _tensor: Tensor,
    shape: Vec<i64>,
    strides: Vec<i64>,
}

/// Fills a `DLTensor` for `t`; the returned box owns what its pointers point at.
fn describe(t: &Tensor) -> PyResult<(DLTensor, Box<Exported>)> {
    let size = t.dtype().size();
    let base = {
        let guard = t.storage().read();
        match t.device() {
            Device::Cpu(_) => guard.host()?.as_ptr() as *mut c_void,
            #[cfg(feature = "cuda")]
            Device::Gpu(_) => match guard.cuda() {
                Some(b) => b.ptr() as usize as *mut c_void,
                None => return Err(PyValueError::new_err("internal: a GPU array without device memory")),
            },
            #[cfg(not(feature = "cuda"))]
            Device::Gpu(_) => return Err(PyValueError::new_err("internal: a GPU array in a build without CUDA")),
        }
    };
    let mut ex = Box::new(Exported {
        _tensor: t.clone(),
        shape: t.shape().iter().map(|&n| n as i64).collect(),
        strides: t.layout().strides().iter().map(|&s| s as i64).collect(),
    });
    let dl = DLTensor {
        data: base,
        device: device_of(t.device()),
        ndim: t.ndim() as i32,
        dtype: dl_dtype(t.dtype()),
        shape: ex.shape.as_mut_ptr(),
        strides: ex.strides.as_mut_ptr(),
        byte_offset: (t.layout().offset() * size) as u64,
    };
    Ok((dl, ex))
}

unsafe extern "C" fn delete_classic(m: *mut DLManagedTensor) {
    if m.is_null() {
        return;
    }
    // SAFETY: `m` and its context were made by `export` with Box::into_raw, and the
    // protocol calls the deleter once.
    unsafe {
        let m = Box::from_raw(m);
        drop(Box::from_raw(m.manager_ctx as *mut Exported));
    }
}

unsafe extern "C" fn delete_versioned(m: *mut DLManagedTensorVersioned) {
    if m.is_null() {
        return;
    }
    // SAFETY: as in `delete_classic`.
    unsafe {
        let m = Box::from_raw(m);
        drop(Box::from_raw(m.manager_ctx as *mut Exported));
    }
}

/// The capsule's destructor: a consumer renames the capsule ("used_...") when it takes the
/// tensor over; one that was never consumed still owns it and frees it here.
unsafe extern "C" fn drop_classic_capsule(capsule: *mut ffi::PyObject) {
    // SAFETY: called by Python with the capsule; IsValid checks the name without raising.
    unsafe {
        if ffi::PyCapsule_IsValid(capsule, CLASSIC.as_ptr()) == 1 {
            let m = ffi::PyCapsule_GetPointer(capsule, CLASSIC.as_ptr()) as *mut DLManagedTensor;
            if let Some(d) = (*m).deleter {
                d(m);
            }
        }
    }
}

unsafe extern "C" fn drop_versioned_capsule(capsule: *mut ffi::PyObject) {
    // SAFETY: as in `drop_classic_capsule`.
    unsafe {
        if ffi::PyCapsule_IsValid(capsule, VERSIONED.as_ptr()) == 1 {
            let m = ffi::PyCapsule_GetPointer(capsule, VERSIONED.as_ptr()) as *mut DLManagedTensorVersioned;
            if let Some(d) = (*m).deleter {
                d(m);
            }
        }
    }
}

/// A capsule holding `t` (its memory, not a copy). `copied` sets the versioned flag that
/// says the producer made a copy for this export.
fn export(py: Python<'_>, t: &Tensor, versioned: bool, copied: bool) -> PyResult<Py<PyAny>> {
    if t.device().device_type() == "gpu" {
        // Consumers read the memory on streams of their own: the work queued so far must be done.
        t.wait()?;
    }
    let (dl_tensor, ex) = describe(t)?;
    let ctx = Box::into_raw(ex) as *mut c_void;
    // SAFETY: the pointer handed to PyCapsule_New is a live box matching the capsule name;
    // on failure it is freed here, as no capsule owns it.
    unsafe {
        let capsule = if versioned {
            let m = Box::into_raw(Box::new(DLManagedTensorVersioned {
                version: DLPackVersion { major: 1, minor: 0 },
                manager_ctx: ctx,
                deleter: Some(delete_versioned),
                flags: if copied { FLAG_IS_COPIED } else { 0 },
                dl_tensor,
            }));
            let c = ffi::PyCapsule_New(m as *mut c_void, VERSIONED.as_ptr(), Some(drop_versioned_capsule));
            if c.is_null() {
                delete_versioned(m);
            }
            c
        } else {
            let m = Box::into_raw(Box::new(DLManagedTensor { dl_tensor, manager_ctx: ctx, deleter: Some(delete_classic) }));
            let c = ffi::PyCapsule_New(m as *mut c_void, CLASSIC.as_ptr(), Some(drop_classic_capsule));
            if c.is_null() {
                delete_classic(m);
            }
            c
        };
        Ok(Bound::from_owned_ptr_or_err(py, capsule)?.unbind())
    }
}

/// `(device_type, device_id)` from a `dl_device` argument.
fn device_arg(d: &Bound<'_, PyAny>) -> PyResult<(i32, i32)> {
    d.extract::<(i32, i32)>().map_err(|_| PyTypeError::new_err("dl_device must be a (device_type, device_id) pair"))
}

#[pymethods]
impl PyArray {
    /// This array's memory as a DLPack capsule (no copy), for `numpy.from_dlpack`,
    /// `torch.from_dlpack` and other consumers. A DLPack 1.0 ("dltensor_versioned") capsule
    /// when `max_version` allows one, else the classic "dltensor" one. `dl_device=(1, 0)`
    /// (the CPU) on a GPU array exports a host copy, unless `copy=False`; `copy=True`
    /// always exports a copy.
    ///
    /// >>> import numpy
    /// >>> from deepblocks import np
    /// >>> x = np.array([1.0, 2.0, 3.0])
    /// >>> y = numpy.from_dlpack(x)
    /// >>> y[0] = 10.0            # the same memory
    /// >>> x
    /// array([10.,  2.,  3.])
    #[pyo3(signature = (stream = None, *, max_version = None, dl_device = None, copy = None))]
    fn __dlpack__(
        slf: &Bound<'_, Self>,
        stream: Option<&Bound<'_, PyAny>>,
        max_version: Option<&Bound<'_, PyAny>>,
        dl_device: Option<&Bound<'_, PyAny>>,
        copy: Option<bool>,
    ) -> PyResult<Py<PyAny>> {
        let py = slf.py();
        let mut t = slf.get().t.clone();
        let versioned = match max_version {
            None => false,
            Some(v) if v.is_none() => false,
            Some(v) => {
                let (major, _minor) = v.extract::<(i64, i64)>().map_err(|_| PyTypeError::new_err("max_version must be a (major, minor) pair"))?;
                major >= 1
            }
        };
        if let Some(s) = stream.filter(|s| !s.is_none()) {
            // On the CPU there are no streams (the array API says None); -1 means "do not synchronize".
            if t.device().device_type() == "cpu" && s.extract::<i64>().ok() != Some(-1) {
                return Err(PyBufferError::new_err(format!("__dlpack__: stream must be None for an array on the CPU, got {s}")));
            }
        }
        let mut copied = false;
        if let Some(d) = dl_device.filter(|d| !d.is_none()) {
            let (kind, id) = device_arg(d)?;
            let mine = device_of(t.device());
            if (kind, id) != (mine.device_type, mine.device_id) {
                if kind == K_DL_CPU && copy != Some(false) {
                    t = t.to_host()?; // a GPU array's host copy
                    copied = true;
                } else {
                    return Err(PyBufferError::new_err(format!(
                        "__dlpack__: cannot export an array on {} to DLPack device ({kind}, {id}){}",
                        t.device(),
                        if copy == Some(false) { " without a copy (copy=False)" } else { "" }
                    )));
                }
            }
        }
        if copy == Some(true) && !copied {
            t = t.copy()?;
            copied = true;
        }
        export(py, &t, versioned, copied)
    }

    /// `(device_type, device_id)` as DLPack numbers it: `(1, 0)` for the CPU, `(2, i)` for GPU `i`.
    ///
    /// >>> from deepblocks import np
    /// >>> np.ones(2).__dlpack_device__()
    /// (1, 0)
    fn __dlpack_device__(&self) -> (i32, i32) {
        let d = device_of(self.t.device());
        (d.device_type, d.device_id)
    }

    /// MXNet's `to_dlpack_for_read()`: a classic "dltensor" capsule of this array's memory
    /// (pending work finished first).
    fn to_dlpack_for_read(slf: &Bound<'_, Self>) -> PyResult<Py<PyAny>> {
        to_dlpack(slf.py(), &slf.get().t)
    }

    /// MXNet's `to_dlpack_for_write()`: the same capsule; the consumer may write through it.
    fn to_dlpack_for_write(slf: &Bound<'_, Self>) -> PyResult<Py<PyAny>> {
        to_dlpack(slf.py(), &slf.get().t)
    }
}

fn to_dlpack(py: Python<'_>, t: &Tensor) -> PyResult<Py<PyAny>> {
    t.wait()?;
    export(py, t, false, false)
}

/// `_to_dlpack(x)`: the classic capsule of a deepblocks array (what `nd.to_dlpack_for_read`
/// and `nd.to_dlpack_for_write` call).
#[pyfunction]
#[pyo3(name = "_to_dlpack")]
fn to_dlpack_py(x: &Bound<'_, PyArray>) -> PyResult<Py<PyAny>> {
    to_dlpack(x.py(), &x.get().t)
}

// ---- import -------------------------------------------------------------------------------------

/// A tensor taken over from a capsule: calls the producer's deleter when dropped.
enum Lent {
    Classic(*mut DLManagedTensor),
    Versioned(*mut DLManagedTensorVersioned),
}

// SAFETY: the DLPack protocol lets the deleter be called from any thread (producers that
// need the GIL, such as NumPy, take it in their deleter).
unsafe impl Send for Lent {}
unsafe impl Sync for Lent {}

impl Drop for Lent {
    fn drop(&mut self) {
        // SAFETY: the pointer came from a consumed capsule and is released once, here.
        unsafe {
            match *self {
                Lent::Classic(m) => {
                    if let Some(d) = (*m).deleter {
                        d(m)
                    }
                }
                Lent::Versioned(m) => {
                    if let Some(d) = (*m).deleter {
                        d(m)
                    }
                }
            }
        }
    }
}

impl Lent {
    fn tensor(&self) -> &DLTensor {
        // SAFETY: the producer keeps the managed tensor valid until its deleter runs.
        unsafe {
            match *self {
                Lent::Classic(m) => &(*m).dl_tensor,
                Lent::Versioned(m) => &(*m).dl_tensor,
            }
        }
    }

    fn read_only(&self) -> bool {
        // SAFETY: as in `tensor`.
        match *self {
            Lent::Classic(_) => false,
            Lent::Versioned(m) => unsafe { (*m).flags & FLAG_READ_ONLY != 0 },
        }
    }
}

/// Takes the managed tensor out of a capsule (renaming it "used_...", as the protocol asks
/// of a consumer), so that from here on the returned value owns it.
fn take_capsule(capsule: &Bound<'_, PyAny>) -> PyResult<Lent> {
    let p = capsule.as_ptr();
    // SAFETY: `p` is a live object; the capsule calls check the type and name first.
    unsafe {
        if ffi::PyCapsule_CheckExact(p) == 0 {
            return Err(PyTypeError::new_err(format!(
                "from_dlpack needs a DLPack capsule or an object with __dlpack__, got {}",
                capsule.get_type().name()?
            )));
        }
        let name = ffi::PyCapsule_GetName(p);
        if name.is_null() {
            return Err(PyErr::take(capsule.py()).unwrap_or_else(|| PyValueError::new_err("from_dlpack: a capsule without a name")));
        }
        let name = CStr::from_ptr(name);
        let lent = if name == VERSIONED {
            let m = ffi::PyCapsule_GetPointer(p, VERSIONED.as_ptr()) as *mut DLManagedTensorVersioned;
            if m.is_null() {
                return Err(PyErr::fetch(capsule.py()));
            }
            if ffi::PyCapsule_SetName(p, VERSIONED_USED.as_ptr()) != 0 {
                return Err(PyErr::fetch(capsule.py()));
            }
            Lent::Versioned(m)
        } else if name == CLASSIC {
            let m = ffi::PyCapsule_GetPointer(p, CLASSIC.as_ptr()) as *mut DLManagedTensor;
            if m.is_null() {
                return Err(PyErr::fetch(capsule.py()));
            }
            if ffi::PyCapsule_SetName(p, CLASSIC_USED.as_ptr()) != 0 {
                return Err(PyErr::fetch(capsule.py()));
            }
            Lent::Classic(m)
        } else if name == CLASSIC_USED || name == VERSIONED_USED {
            return Err(PyValueError::new_err(
                "from_dlpack: this DLPack capsule was already consumed (a capsule can be imported once)",
            ));
        } else {
            return Err(PyTypeError::new_err(format!("from_dlpack: a capsule named {name:?} is not a DLPack tensor")));
        };
        if let Lent::Versioned(m) = lent {
            if (*m).version.major != 1 {
                let v = ((*m).version.major, (*m).version.minor);
                drop(lent);
                return Err(PyBufferError::new_err(format!("from_dlpack: DLPack version {}.{} is not supported (1.x is)", v.0, v.1)));
            }
        }
        Ok(lent)
    }
}

/// Reads element `i` of a strided foreign buffer (which may be unaligned).
///
/// # Safety
/// `p + i * size_of::<T>()` must be readable.
unsafe fn read_at<T: StorageElement>(p: *const u8, i: isize) -> T {
    if T::DTYPE == DType::Bool {
        // Any non-zero byte is true; a Rust bool must be exactly 0 or 1.
        let b = unsafe { *p.offset(i) } != 0;
        // SAFETY: T is bool here.
        return unsafe { std::mem::transmute_copy(&b) };
    }
    unsafe { (p as *const T).offset(i).read_unaligned() }
}

/// A dense copy of the lent elements (for read-only or misaligned memory).
fn gather<T: StorageElement>(p: *const u8, shape: &[usize], strides: &[isize]) -> crate::Result<CpuStorage> {
    let n: usize = shape.iter().product();
    let mut out = crate::storage::alloc_vec::<T>(n)?;
    let mut index = vec![0usize; shape.len()];
    for _ in 0..n {
        let off: isize = index.iter().zip(strides).map(|(&i, &s)| i as isize * s).sum();
        // SAFETY: every index is inside the shape, so the producer's memory holds it.
        out.push(unsafe { read_at::<T>(p, off) });
        for d in (0..shape.len()).rev() {
            index[d] += 1;
            if index[d] < shape[d] {
                break;
            }
            index[d] = 0;
        }
    }
    Ok(T::wrap(out))
}

/// A deepblocks tensor over the memory of a consumed capsule.
fn import(lent: Lent) -> PyResult<Tensor> {
    let dl = lent.tensor();
    match dl.device.device_type {
        K_DL_CPU | K_DL_CUDA_HOST => {}
        K_DL_CUDA | K_DL_CUDA_MANAGED => {
            return Err(PyBufferError::new_err(format!(
                "from_dlpack: importing GPU memory (DLPack device ({}, {})) is not supported; copy the tensor to the \
                 host first (for PyTorch, tensor.cpu())",
                dl.device.device_type, dl.device.device_id
            )))
        }
        other => {
            return Err(PyBufferError::new_err(format!(
                "from_dlpack: DLPack device type {other} is not supported (only the CPU, type 1)"
            )))
        }
    }
    let dtype = from_dl_dtype(dl.dtype)?;
    if dl.ndim < 0 {
        return Err(PyValueError::new_err(format!("from_dlpack: negative ndim {}", dl.ndim)));
    }
    let ndim = dl.ndim as usize;
    // SAFETY: the producer's shape and strides arrays hold `ndim` entries.
    let raw_shape: &[i64] = if ndim == 0 { &[] } else { unsafe { std::slice::from_raw_parts(dl.shape, ndim) } };
    let shape = raw_shape
        .iter()
        .map(|&n| usize::try_from(n).map_err(|_| PyValueError::new_err(format!("from_dlpack: negative dimension in shape {raw_shape:?}"))))
        .collect::<PyResult<Vec<usize>>>()?;
    let strides: Vec<isize> = if dl.strides.is_null() {
        crate::layout::contiguous_strides(&shape).to_vec()
    } else if ndim == 0 {
        Vec::new()
    } else {
        // SAFETY: as above.
        unsafe { std::slice::from_raw_parts(dl.strides, ndim) }.iter().map(|&s| s as isize).collect()
    };
    let numel = crate::layout::checked_numel(&shape)?;
    if numel == 0 {
        // Nothing to share: a fresh empty array, and the producer's memory is given back now.
        drop(lent);
        return Ok(crate::with_dtype!(dtype, T => Tensor::from_vec::<T>(Vec::new(), &shape))?);
    }
    let size = dtype.size() as isize;
    // The lowest and highest elements the view reaches, relative to its first element.
    let (mut lo, mut hi) = (0isize, 0isize);
    for (&n, &s) in shape.iter().zip(&strides) {
        let reach = s.checked_mul(n as isize - 1).ok_or_else(|| PyValueError::new_err("from_dlpack: strides overflow"))?;
        if reach < 0 {
            lo += reach;
        } else {
            hi += reach;
        }
    }
    let first = (dl.data as *const u8).wrapping_add(dl.byte_offset as usize);
    if dl.data.is_null() {
        return Err(PyValueError::new_err("from_dlpack: a non-empty tensor with a null data pointer"));
    }
    let aligned = (first as usize) % dtype.size() == 0;
    if lent.read_only() || !aligned {
        // A read-only export must not be written through, and an unaligned one cannot be seen
        // as elements in place: both become a copy.
        let data = crate::with_dtype!(dtype, T => gather::<T>(first, &shape, &strides))?;
        drop(lent);
        return Ok(Tensor::from_storage(data, &shape, Device::Cpu(0))?);
    }
    let len = (hi - lo + 1) as usize;
    let base = first.wrapping_offset(lo * size);
    // SAFETY: the producer guarantees `[base, base + len * size)` stays valid until its
    // deleter runs, which `Lent`'s drop (the storage's owner) does after the last use; the
    // vector is never grown or freed (see `Storage::foreign`). A producer's bool memory
    // holds 0/1 bytes (DLPack's kDLBool).
    let storage = unsafe {
        let data = crate::with_dtype!(dtype, T => T::wrap(Vec::from_raw_parts(base as *mut T, len, len)));
        Storage::foreign(data, ForeignOwner(Box::new(lent)))
    };
    Ok(Tensor::from_shared_storage(Arc::new(storage), &shape, &strides, (-lo) as usize)?)
}

/// `_from_dlpack(obj)`: a deepblocks array (plain `ndarray`) sharing the memory of a DLPack
/// capsule or of any object with `__dlpack__` (a NumPy array, a PyTorch tensor...).
#[pyfunction]
#[pyo3(name = "_from_dlpack")]
fn from_dlpack(py: Python<'_>, obj: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
    if let Ok(a) = obj.cast::<PyArray>() {
        // One of ours: the same memory, a new handle (not connected to its autograd graph).
        return wrap(py, None, a.get().t.fresh_handle());
    }
    let capsule = if unsafe { ffi::PyCapsule_CheckExact(obj.as_ptr()) } != 0 {
        obj.clone()
    } else if obj.hasattr("__dlpack__")? {
        if let Ok(dev) = obj.call_method0("__dlpack_device__") {
            if let Ok((kind, id)) = dev.extract::<(i32, i32)>() {
                if kind != K_DL_CPU && kind != K_DL_CUDA_HOST {
                    return Err(PyBufferError::new_err(format!(
                        "from_dlpack: importing memory of DLPack device ({kind}, {id}) is not supported; copy the \
                         tensor to the host first (for PyTorch, tensor.cpu())"
                    )));
                }
            }
        }
        let kwargs = pyo3::types::PyDict::new(py);
        kwargs.set_item("max_version", PyTuple::new(py, [1, 0])?)?;
        match obj.call_method("__dlpack__", (), Some(&kwargs)) {
            Ok(c) => c,
            // Producers older than DLPack 1.0 do not know max_version.
            Err(e) if e.is_instance_of::<PyTypeError>(py) => obj.call_method0("__dlpack__")?,
            Err(e) => return Err(e),
        }
    } else {
        return Err(PyTypeError::new_err(format!(
            "from_dlpack needs a DLPack capsule or an object with __dlpack__, got {}",
            obj.get_type().name()?
        )));
    };
    let t = import(take_capsule(&capsule)?)?;
    wrap(py, None, t)
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(from_dlpack, m)?)?;
    m.add_function(wrap_pyfunction!(to_dlpack_py, m)?)?;
    Ok(())
}

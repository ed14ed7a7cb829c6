//! Python values into engine values: dtypes, shapes, axes, devices, scalars and array-likes
//! (deepblocks arrays, NumPy arrays and scalars, nested lists).

use super::array::PyArray;
use super::context::{current_device, Context};
use crate::device::Device;
use crate::dtype::DType;
use crate::storage::StorageElement;
use crate::tensor::{Scalar, Tensor};
use crate::with_dtype;
use pyo3::buffer::PyUntypedBuffer;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyFloat, PyInt, PyList, PyString, PyTuple};

static NUMPY: PyOnceLock<Py<PyModule>> = PyOnceLock::new();
static NP_DTYPES: PyOnceLock<Vec<Py<PyAny>>> = PyOnceLock::new();

/// The host `numpy` module.
pub fn numpy(py: Python<'_>) -> PyResult<&Bound<'_, PyModule>> {
    NUMPY.get_or_try_init(py, || Ok::<_, PyErr>(py.import("numpy")?.unbind())).map(|m| m.bind(py))
}

/// `numpy.dtype(name)` for a deepblocks dtype (cached).
pub fn numpy_dtype(py: Python<'_>, d: DType) -> PyResult<Bound<'_, PyAny>> {
    let all = NP_DTYPES.get_or_try_init(py, || {
        let np = numpy(py)?;
        DType::ALL.iter().map(|d| Ok(np.getattr("dtype")?.call1((d.name(),))?.unbind())).collect::<PyResult<Vec<_>>>()
    })?;
    let i = DType::ALL.iter().position(|&x| x == d).unwrap_or(0);
    Ok(all[i].bind(py).clone())
}

/// A dtype argument: a name, a NumPy dtype or type, or a Python type (`float`, `int`, `bool`).
pub fn dtype_arg(obj: Option<&Bound<'_, PyAny>>) -> PyResult<Option<DType>> {
    let Some(obj) = obj else { return Ok(None) };
    if obj.is_none() {
        return Ok(None);
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(Some(DType::parse(s.to_str()?)?));
    }
    let py = obj.py();
    // Fast path: the NumPy dtype objects and scalar types deepblocks hands out itself.
    for d in DType::ALL {
        let np_dtype = numpy_dtype(py, d)?;
        if obj.is(&np_dtype) || obj.is(&np_dtype.getattr("type")?) {
            return Ok(Some(d));
        }
    }
    if let Ok(name) = numpy(py)?.getattr("dtype")?.call1((obj,)).and_then(|d| d.getattr("name")) {
        let name: String = name.extract()?;
        return Ok(Some(DType::parse(&name)?));
    }
    Err(PyTypeError::new_err(format!("data type {} not understood", obj.repr()?)))
}

/// A shape argument: an int or a sequence of ints (-1 allowed where the caller resolves it).
pub fn shape_arg(obj: &Bound<'_, PyAny>) -> PyResult<Vec<isize>> {
    match dim_int(obj) {
        Ok(i) => return Ok(vec![i]),
        Err(e) if e.is_instance_of::<PyValueError>(obj.py()) => return Err(e),
        Err(_) => {}
    }
    if obj.cast::<PyTuple>().is_ok() || obj.cast::<PyList>().is_ok() {
        return obj.try_iter()?.map(|d| dim_int(&d?)).collect();
    }
    Err(PyTypeError::new_err(format!(
        "expected a shape (an int or a tuple of ints), got {}",
        obj.get_type().name()?
    )))
}

/// One dimension of a shape: an integer, where one beyond the address space is a
/// ValueError as in NumPy (not Python's OverflowError, which names no value).
fn dim_int(obj: &Bound<'_, PyAny>) -> PyResult<isize> {
    index_int(obj).map_err(|e| {
        if e.is_instance_of::<pyo3::exceptions::PyOverflowError>(obj.py()) {
            let repr = obj.repr().map(|r| r.to_string()).unwrap_or_default();
            PyValueError::new_err(format!("maximum allowed dimension exceeded: {repr}"))
        } else {
            e
        }
    })
}

/// A non-negative shape.
pub fn dims_arg(obj: &Bound<'_, PyAny>) -> PyResult<Vec<usize>> {
    shape_arg(obj)?
        .into_iter()
        .map(|d| usize::try_from(d).map_err(|_| PyValueError::new_err(format!("negative dimensions are not allowed: {d}"))))
        .collect()
}

/// A yes/no argument such as `keepdims=` or `exclude=`: True/False, NumPy's bools, or the
/// ints 0 and 1 (MXNet parses `keepdims=1` as true). Anything else (a float, a string, 2) is
/// a TypeError rather than being read by its truth value.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Flag(pub bool);

impl<'a, 'py> FromPyObject<'a, 'py> for Flag {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        if let Ok(b) = obj.cast::<PyBool>() {
            return Ok(Flag(b.is_true()));
        }
        if obj.is_instance(numpy(obj.py())?.getattr("bool_")?.as_any())? {
            return Ok(Flag(obj.is_truthy()?));
        }
        let as_int = if obj.cast::<PyFloat>().is_ok() { None } else { obj.extract::<i64>().ok() };
        match as_int {
            Some(v @ (0 | 1)) => Ok(Flag(v == 1)),
            _ => Err(PyTypeError::new_err(format!("keepdims and exclude take True, False, 1 or 0, got {}", obj.repr()?))),
        }
    }
}

/// An integer argument (anything with `__index__`, but not bool or float).
pub fn index_int(obj: &Bound<'_, PyAny>) -> PyResult<isize> {
    if obj.cast::<PyBool>().is_ok() || obj.cast::<PyFloat>().is_ok() {
        return Err(PyTypeError::new_err(format!(
            "'{}' object cannot be interpreted as an integer",
            obj.get_type().name()?
        )));
    }
    if let Ok(i) = obj.cast::<PyInt>() {
        return i.extract();
    }
    if let Ok(a) = obj.cast::<PyArray>() {
        let t = &a.get().t;
        if t.numel() == 1 && t.dtype().is_int() {
            return Ok(t.item::<i64>()? as isize);
        }
    }
    // `__index__` conversion; objects without one (lists, strings, arrays) are a TypeError.
    obj.extract::<isize>().map_err(|e| {
        if e.is_instance_of::<PyTypeError>(obj.py()) {
            let name = obj.get_type().name().map(|n| n.to_string()).unwrap_or_default();
            PyTypeError::new_err(format!("'{name}' object cannot be interpreted as an integer"))
        } else {
            e
        }
    })
}

/// Indices given as Python data (`take(x, 0)`, `take(x, [0, 2])`, `take(x, [])`) are
/// integers, not MXNet's float32 default; arrays keep their dtype.
pub fn index_tensor(obj: &Bound<'_, PyAny>, device: Option<Device>) -> PyResult<Tensor> {
    if obj.cast::<PyArray>().is_ok() {
        return to_tensor(obj, None, device);
    }
    let parsed = numpy(obj.py())?.getattr("asarray")?.call1((obj,))?;
    let empty = parsed.getattr("size")?.extract::<usize>()? == 0;
    to_tensor(&parsed, if empty { Some(DType::I64) } else { None }, device)
}

/// An `axis` argument: None, an int, or a tuple/list of ints.
pub fn axes_arg(obj: Option<&Bound<'_, PyAny>>) -> PyResult<Option<Vec<isize>>> {
    match obj {
        None => Ok(None),
        Some(o) if o.is_none() => Ok(None),
        Some(o) => {
            if let Ok(i) = index_int(o) {
                return Ok(Some(vec![i]));
            }
            if o.cast::<PyTuple>().is_ok() || o.cast::<PyList>().is_ok() {
                return Ok(Some(o.try_iter()?.map(|d| index_int(&d?)).collect::<PyResult<_>>()?));
            }
            Err(PyTypeError::new_err(format!(
                "axis must be None, an int or a tuple of ints, not {}",
                o.get_type().name()?
            )))
        }
    }
}

/// A single optional axis.
pub fn axis_arg(obj: Option<&Bound<'_, PyAny>>) -> PyResult<Option<isize>> {
    match obj {
        None => Ok(None),
        Some(o) if o.is_none() => Ok(None),
        Some(o) => Ok(Some(index_int(o).map_err(|_| PyTypeError::new_err("axis must be an int or None"))?)),
    }
}

/// A device from `ctx=`/`device=` (a Context, or a string such as `'cpu'`/`'gpu(1)'`);
/// the current default device when both are None.
pub fn device_arg(ctx: Option<&Bound<'_, PyAny>>, device: Option<&Bound<'_, PyAny>>) -> PyResult<Device> {
    let chosen = [ctx, device].into_iter().flatten().find(|o| !o.is_none());
    match chosen {
        None => Ok(current_device()),
        Some(o) => {
            if let Ok(c) = o.cast::<Context>() {
                return Ok(c.get().device);
            }
            if let Ok(s) = o.cast::<PyString>() {
                return Context::parse(s.to_str()?).map(|c| c.device);
            }
            Err(PyTypeError::new_err(format!(
                "expected a device such as npx.cpu() or npx.gpu(0), got {}",
                o.repr()?
            )))
        }
    }
}

/// A Python scalar (bool, int or float; NumPy scalars are arrays here, as they are typed).
pub fn py_scalar(obj: &Bound<'_, PyAny>) -> Option<Scalar> {
    if let Ok(f) = obj.cast_exact::<PyFloat>() {
        return Some(Scalar::Float(f.value()));
    }
    if let Ok(b) = obj.cast::<PyBool>() {
        return Some(Scalar::Bool(b.is_true()));
    }
    if let Ok(i) = obj.cast::<PyInt>() {
        return i.extract::<i64>().ok().map(Scalar::Int);
    }
    // Other float subclasses are Python floats, but `numpy.float64` (a float subclass) is a
    // typed NumPy scalar, as strong as any other NumPy scalar (NEP 50).
    if let Ok(f) = obj.cast::<PyFloat>() {
        let from_numpy = obj.get_type().module().is_ok_and(|m| m.to_str().is_ok_and(|m| m == "numpy"));
        if !from_numpy {
            return Some(Scalar::Float(f.value()));
        }
    }
    None
}

/// A Python scalar stored into an array of `dtype` (`x[i] = v`, `x.fill(v)`, `full`), checked
/// as NumPy 2 checks it: into an integer dtype, an int must fit and a float goes through
/// Python's `int()` (so NaN and infinity are errors) when `floats_as_int`; never a silent wrap.
pub fn stored_scalar(s: Scalar, dtype: DType, device: Device, floats_as_int: bool) -> PyResult<Tensor> {
    let range = match dtype {
        DType::U8 => Some((0i128, 255i128)),
        DType::I32 => Some((i32::MIN as i128, i32::MAX as i128)),
        DType::I64 => Some((i64::MIN as i128, i64::MAX as i128)),
        _ => None,
    };
    if let Some((lo, hi)) = range {
        let v = match s {
            Scalar::Int(v) => Some(v as i128),
            Scalar::Float(f) if floats_as_int => {
                if !f.is_finite() {
                    return Err(PyValueError::new_err(format!("cannot convert float {f} to integer (dtype {dtype})")));
                }
                Some(f.trunc() as i128)
            }
            _ => None,
        };
        if let Some(v) = v {
            if v < lo || v > hi {
                return Err(PyValueError::new_err(format!("Python integer {v} out of bounds for {dtype}")));
            }
        }
    }
    Ok(Tensor::from_scalar(s, dtype, device)?)
}

/// NumPy's dtype for a NumPy dtype name; unsupported widths map to the nearest supported type.
fn supported_numpy(name: &str) -> Option<DType> {
    DType::parse(name).ok().or(match name {
        "float16" => Some(DType::F32),
        "int8" | "int16" => Some(DType::I32),
        "uint16" | "uint32" | "uint64" => Some(DType::I64),
        _ => None,
    })
}

/// Copies a host NumPy array (any layout) into a new tensor of `dtype` (default: its own).
fn from_numpy(arr: &Bound<'_, PyAny>, dtype: Option<DType>, device: Device) -> PyResult<Tensor> {
    let py = arr.py();
    let np_name: String = arr.getattr("dtype")?.getattr("name")?.extract()?;
    let own = supported_numpy(&np_name)
        .ok_or_else(|| PyTypeError::new_err(format!("cannot make a deepblocks array from NumPy dtype {np_name}")))?;
    let target = dtype.unwrap_or(own);
    // Booleans travel as bytes so that no byte other than 0/1 can become a Rust bool.
    let transfer = if target == DType::Bool { DType::U8 } else { target };
    let src = if target == DType::Bool { arr.call_method1("astype", ("bool",))? } else { arr.clone() };
    // `asarray(order='C')`, not `ascontiguousarray`, which turns 0-d arrays into shape (1,).
    let kwargs = pyo3::types::PyDict::new(py);
    kwargs.set_item("dtype", transfer.name())?;
    kwargs.set_item("order", "C")?;
    let dense = numpy(py)?.getattr("asarray")?.call((src,), Some(&kwargs))?;
    let shape: Vec<usize> = dense.getattr("shape")?.extract()?;
    // The buffer of a 1-D view (free for C-contiguous data): 0-d buffers have no shape.
    let flat = dense.call_method1("reshape", (-1,))?;
    let buf = PyUntypedBuffer::get(&flat)?;
    let n = buf.item_count();
    let t = with_dtype!(transfer, T => {
        let mut v: Vec<T> = crate::storage::alloc_vec(n)?;
        // SAFETY: a C-contiguous buffer of `n` items of exactly this type (numpy converted it).
        unsafe {
            std::ptr::copy_nonoverlapping(buf.buf_ptr() as *const T, v.as_mut_ptr(), n);
            v.set_len(n);
        }
        Tensor::from_storage(T::wrap(v), &shape, device)?
    });
    Ok(if target == DType::Bool { t.to_dtype(DType::Bool)? } else { t })
}

/// Any array-like as a tensor. Python lists and scalars default to float32 (MXNet), booleans
/// to bool; NumPy arrays and deepblocks arrays keep their dtype unless `dtype` is given.
pub fn to_tensor(obj: &Bound<'_, PyAny>, dtype: Option<DType>, device: Option<Device>) -> PyResult<Tensor> {
    if let Ok(a) = obj.cast::<PyArray>() {
        let t = &a.get().t;
        if let Some(d) = device {
            if d != t.device() {
                return Err(crate::error::Error::Device(format!("array is on {}, expected {d}", t.device())).into());
            }
        }
        return Ok(t.to_dtype(dtype.unwrap_or(t.dtype()))?);
    }
    let device = device.unwrap_or_else(current_device);
    if let Some(s) = py_scalar(obj) {
        let d = dtype.unwrap_or(match s {
            Scalar::Bool(_) => DType::Bool,
            _ => DType::F32,
        });
        return Ok(Tensor::from_scalar(s, d, device)?);
    }
    let py = obj.py();
    let np = numpy(py)?;
    if obj.is_instance(&np.getattr("ndarray")?)? || obj.is_instance(&np.getattr("generic")?)? {
        return from_numpy(obj, dtype, device);
    }
    // Nested sequences: let NumPy parse them, then apply MXNet's float32 default.
    let parsed = np.getattr("asarray")?.call1((obj,)).map_err(|e| {
        PyValueError::new_err(format!("cannot convert {} to an array: {e}", obj.get_type().name().map(|n| n.to_string()).unwrap_or_default()))
    })?;
    let kind: String = parsed.getattr("dtype")?.getattr("kind")?.extract()?;
    let default = match kind.as_str() {
        "b" => DType::Bool,
        "i" | "u" | "f" => DType::F32,
        _ => {
            return Err(PyTypeError::new_err(format!(
                "cannot make an array from {} (elements must be numbers or booleans)",
                obj.repr()?
            )))
        }
    };
    from_numpy(&parsed, Some(dtype.unwrap_or(default)), device)
}

/// Unpacks `f(*shape)` / `f(shape)` calling conventions into one shape object.
pub fn varargs_shape<'py>(args: &Bound<'py, PyTuple>) -> PyResult<Bound<'py, PyAny>> {
    if args.len() == 1 {
        args.get_item(0)
    } else {
        Ok(args.clone().into_any())
    }
}

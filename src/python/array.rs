//! The Python array type, `deepblocks.np.ndarray`: a frozen handle to one engine `Tensor`.
//! `deepblocks.nd.NDArray` subclasses it in Python; every method here returns the caller's
//! own class, so legacy arrays stay legacy arrays.

use super::context::Context;
use super::convert::{
    axes_arg, axis_arg, dims_arg, dtype_arg, index_int, numpy, numpy_dtype, py_scalar, shape_arg, stored_scalar, to_tensor,
    varargs_shape, Flag,
};
use super::index::parse_key;
use super::legacy;
use crate::dtype::DType;
use crate::error::fmt_shape;
use crate::ops::binary::BinaryOp;
use crate::ops::reduce::ReduceOp;
use crate::ops::unary::UnaryOp;
use crate::tensor::{Scalar, Tensor};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::pyclass::CompareOp;
use pyo3::types::{PyDict, PyList, PyTuple};

static INTEROP: pyo3::sync::PyOnceLock<Py<PyModule>> = pyo3::sync::PyOnceLock::new();

/// A function of the Python module that implements NumPy's dispatch protocols.
fn interop<'py>(py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyAny>> {
    INTEROP.get_or_try_init(py, || Ok::<_, PyErr>(py.import("deepblocks.numpy.interop")?.unbind()))?.bind(py).getattr(name)
}

/// Work above this many elements releases the GIL.
const DETACH_ABOVE: usize = 1 << 17;

/// An n-dimensional array with NumPy semantics, stored by the deepblocks engine.
///
/// >>> from deepblocks import np
/// >>> x = np.arange(6).reshape(2, 3)
/// >>> x
/// array([[0., 1., 2.],
///        [3., 4., 5.]])
/// >>> x[:, 1] += 10          # basic slices are views: the write reaches x
/// >>> x.sum(axis=0)
/// array([ 3., 25.,  7.])
#[pyclass(name = "ndarray", module = "deepblocks.numpy", subclass, frozen)]
pub struct PyArray {
    pub t: Tensor,
}

/// Wraps a result in the class of `like` (plain `ndarray` for `None`). Legacy arrays are
/// made in Rust (see `legacy`); any other Python subclass by calling it with the result.
pub fn wrap(py: Python<'_>, like: Option<&Bound<'_, PyAny>>, t: Tensor) -> PyResult<Py<PyAny>> {
    let base = py.get_type::<PyArray>();
    match like {
        Some(l) if !l.get_type().is(&base) && l.cast::<PyArray>().is_ok() => {
            if legacy::is_exact(l) {
                return legacy::new(py, t);
            }
            let arr = Py::new(py, PyArray { t })?;
            Ok(l.get_type().call1((arr,))?.unbind())
        }
        _ => Ok(Py::new(py, PyArray { t })?.into_any()),
    }
}

/// Runs `f`, releasing the GIL when the work is big enough to be worth it.
pub fn run<R: Send>(py: Python<'_>, work: usize, f: impl FnOnce() -> crate::Result<R> + Send) -> PyResult<R> {
    if work >= DETACH_ABOVE {
        Ok(py.detach(f)?)
    } else {
        Ok(f()?)
    }
}

/// The right-hand side of a binary operator.
enum Operand {
    Array(Tensor),
    Scalar(Scalar),
}

fn operand(obj: &Bound<'_, PyAny>, device: crate::Device) -> PyResult<Option<Operand>> {
    if let Ok(a) = obj.cast::<PyArray>() {
        return Ok(Some(Operand::Array(a.get().t.clone())));
    }
    if let Some(s) = py_scalar(obj) {
        return Ok(Some(Operand::Scalar(s)));
    }
    let py = obj.py();
    let np = numpy(py)?;
    let array_like = obj.cast::<PyList>().is_ok()
        || obj.cast::<PyTuple>().is_ok()
        || obj.is_instance(&np.getattr("ndarray")?)?
        || obj.is_instance(&np.getattr("generic")?)?;
    if array_like {
        return Ok(Some(Operand::Array(to_tensor(obj, None, Some(device))?)));
    }
    Ok(None)
}

/// `slf op other` as a tensor; None when `other` is not an operand (NotImplemented).
/// `slf op other` (`other op slf` when `reflected`), in `out` when given (see
/// `Tensor::binary_as`); `None` when `other` is not an operand.
fn binop_tensor(slf: &Bound<'_, PyArray>, other: &Bound<'_, PyAny>, op: BinaryOp, reflected: bool, out: Option<DType>) -> PyResult<Option<Tensor>> {
    let py = slf.py();
    same_kind(slf, other, op.name())?;
    let a = &slf.get().t;
    Ok(Some(match (operand(other, a.device())?, out) {
        (None, _) => return Ok(None),
        (Some(Operand::Scalar(s)), None) => run(py, a.numel(), || a.binary_scalar(s, op, reflected))?,
        (Some(Operand::Scalar(s)), Some(d)) => run(py, a.numel(), || a.binary_scalar_as(s, op, reflected, d))?,
        (Some(Operand::Array(b)), out) => {
            let (x, y) = if reflected { (&b, a) } else { (a, &b) };
            run(py, a.numel().max(b.numel()), || match out {
                None => x.binary(y, op),
                Some(d) => x.binary_as(y, op, d),
            })?
        }
    }))
}

fn binop(slf: &Bound<'_, PyArray>, other: &Bound<'_, PyAny>, op: BinaryOp, reflected: bool) -> PyResult<Py<PyAny>> {
    match binop_tensor(slf, other, op, reflected, None)? {
        None => Ok(slf.py().NotImplemented()),
        Some(r) => wrap(slf.py(), Some(slf.as_any()), r),
    }
}

/// `x op= y`: writes into `x`'s memory (and so into every view sharing it).
fn inplace(slf: &Bound<'_, PyArray>, other: &Bound<'_, PyAny>, op: BinaryOp) -> PyResult<()> {
    let py = slf.py();
    same_kind(slf, other, op.name())?;
    let a = &slf.get().t;
    match operand(other, a.device())? {
        None => Err(PyTypeError::new_err(format!(
            "unsupported operand type for in-place {}: '{}'",
            op.name(),
            other.get_type().name()?
        ))),
        Some(Operand::Scalar(s)) => run(py, a.numel(), || a.binary_scalar_inplace(s, op)),
        Some(Operand::Array(b)) => run(py, a.numel(), || a.binary_inplace(&b, op)),
    }
}

/// An operator between a legacy and a numpy-mode array is MXNet's TypeError.
fn same_kind(slf: &Bound<'_, PyArray>, other: &Bound<'_, PyAny>, what: &str) -> PyResult<()> {
    legacy::check_same_kind(&[slf.as_any(), other], what)
}

fn matmul_op(slf: &Bound<'_, PyArray>, other: &Bound<'_, PyAny>, reflected: bool) -> PyResult<Py<PyAny>> {
    let py = slf.py();
    same_kind(slf, other, "matmul")?;
    let a = &slf.get().t;
    let b = match operand(other, a.device())? {
        Some(Operand::Array(b)) => b,
        _ => return Ok(py.NotImplemented()),
    };
    let work = a.numel().max(b.numel()).saturating_mul(16);
    let r = if reflected { run(py, work, || b.matmul(a))? } else { run(py, work, || a.matmul(&b))? };
    wrap(py, Some(slf.as_any()), r)
}

macro_rules! binary_dunders {
    ($($fwd:ident, $rev:ident, $inp:ident => $op:ident;)*) => {
        #[pymethods]
        impl PyArray {
            $(
                fn $fwd(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
                    binop(slf, other, BinaryOp::$op, false)
                }
                fn $rev(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
                    binop(slf, other, BinaryOp::$op, true)
                }
                fn $inp(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<()> {
                    inplace(slf, other, BinaryOp::$op)
                }
            )*
        }
    };
}

binary_dunders! {
    __add__, __radd__, __iadd__ => Add;
    __sub__, __rsub__, __isub__ => Sub;
    __mul__, __rmul__, __imul__ => Mul;
    __truediv__, __rtruediv__, __itruediv__ => Div;
    __floordiv__, __rfloordiv__, __ifloordiv__ => FloorDiv;
    __mod__, __rmod__, __imod__ => Mod;
    __and__, __rand__, __iand__ => BitAnd;
    __or__, __ror__, __ior__ => BitOr;
    __xor__, __rxor__, __ixor__ => BitXor;
}

fn reduce_axes(axis: Option<&Bound<'_, PyAny>>) -> PyResult<Option<Vec<isize>>> {
    axes_arg(axis)
}

impl PyArray {
    /// The truth of a non-empty array: its only element's.
    fn truth(t: &Tensor) -> PyResult<bool> {
        if t.numel() != 1 {
            return Err(PyValueError::new_err(format!(
                "The truth value of an array with more than one element is ambiguous. Use a.any() or a.all() (shape {})",
                fmt_shape(t.shape())
            )));
        }
        Ok(t.item::<bool>()?)
    }

    /// `float(x)`/`int(x)` need one element: a TypeError otherwise, as in NumPy and MXNet.
    fn check_size_one(&self) -> PyResult<()> {
        if self.t.numel() != 1 {
            return Err(PyTypeError::new_err(format!(
                "only size-1 arrays can be converted to Python scalars; this one has shape {}",
                fmt_shape(self.t.shape())
            )));
        }
        Ok(())
    }

    /// mean/var/std: a float statistic over `axis`, cast to `dtype` when given.
    fn statistic(
        slf: &Bound<'_, Self>,
        axis: Option<&Bound<'_, PyAny>>,
        dtype: Option<&Bound<'_, PyAny>>,
        out: Option<&Bound<'_, PyAny>>,
        f: impl FnOnce(&Tensor, Option<&[isize]>) -> crate::Result<Tensor> + Send,
    ) -> PyResult<Py<PyAny>> {
        no_out(out)?;
        let t = &slf.get().t;
        let axes = axes_arg(axis)?;
        let dt = dtype_arg(dtype)?;
        let r = run(slf.py(), t.numel(), || {
            let r = f(t, axes.as_deref())?;
            r.to_dtype(dt.unwrap_or(r.dtype()))
        })?;
        wrap(slf.py(), Some(slf.as_any()), r)
    }

    fn unary(slf: &Bound<'_, Self>, op: UnaryOp) -> PyResult<Py<PyAny>> {
        let t = &slf.get().t;
        let r = run(slf.py(), t.numel(), || t.unary(op))?;
        wrap(slf.py(), Some(slf.as_any()), r)
    }

    fn reduction(
        slf: &Bound<'_, Self>,
        op: ReduceOp,
        axis: Option<&Bound<'_, PyAny>>,
        dtype: Option<&Bound<'_, PyAny>>,
        keepdims: bool,
    ) -> PyResult<Py<PyAny>> {
        let t = &slf.get().t;
        let axes = reduce_axes(axis)?;
        let dt = dtype_arg(dtype)?;
        let r = run(slf.py(), t.numel(), || {
            let x = match dt {
                Some(d) if matches!(op, ReduceOp::Sum | ReduceOp::Prod) => t.to_dtype(d)?,
                _ => t.clone(),
            };
            let r = x.reduce(op, axes.as_deref(), keepdims)?;
            match dt {
                Some(d) => r.to_dtype(d),
                None => Ok(r),
            }
        })?;
        wrap(slf.py(), Some(slf.as_any()), r)
    }
}

#[pymethods]
impl PyArray {
    /// `ndarray(x)` shares `x`'s data when it is a deepblocks array, else converts it.
    #[new]
    fn py_new(obj: &Bound<'_, PyAny>) -> PyResult<Self> {
        Ok(PyArray { t: to_tensor(obj, None, None)? })
    }

    /// Arrays hash by identity, as MXNet's do (so they can key dicts and sit in sets).
    fn __hash__(slf: &Bound<'_, Self>) -> isize {
        slf.as_ptr() as isize
    }

    // ---- NumPy interop --------------------------------------------------------------

    /// NumPy's ufuncs on deepblocks arrays (`numpy.exp(x)`, `numpy_array + x`) run deepblocks'
    /// function of the same name, else NumPy's on host copies: see deepblocks/numpy/interop.py.
    #[pyo3(signature = (ufunc, method, *inputs, **kwargs))]
    fn __array_ufunc__<'py>(
        slf: &Bound<'py, Self>,
        ufunc: &Bound<'py, PyAny>,
        method: &Bound<'py, PyAny>,
        inputs: &Bound<'py, PyTuple>,
        kwargs: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        interop(slf.py(), "array_ufunc")?.call1((slf, ufunc, method, inputs, kwargs))
    }

    /// NumPy's functions on deepblocks arrays (`numpy.concatenate([x, y])`, `numpy.sum(x)`),
    /// dispatched as `__array_ufunc__` is.
    fn __array_function__<'py>(
        slf: &Bound<'py, Self>,
        func: &Bound<'py, PyAny>,
        types: &Bound<'py, PyAny>,
        args: &Bound<'py, PyAny>,
        kwargs: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        interop(slf.py(), "array_function")?.call1((slf, func, types, args, kwargs))
    }

    #[classattr]
    fn __array_priority__() -> f64 {
        100.0
    }

    /// Zero-copy export: NumPy reads this array's memory in place (CPU arrays only: for a
    /// GPU array the attribute is missing, so NumPy falls back to `__array__`, which copies).
    #[getter]
    fn __array_interface__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyDict>> {
        let py = slf.py();
        let t = &slf.get().t;
        if t.device() != crate::Device::Cpu(t.device().id()) {
            return Err(pyo3::exceptions::PyAttributeError::new_err(format!(
                "an array on {} has no __array_interface__ (its memory is not host memory); asnumpy() copies it",
                t.device()
            )));
        }
        let size = t.dtype().size();
        let base = t.storage().read().host()?.as_ptr() as usize;
        let typestr = match t.dtype() {
            DType::Bool => "|b1",
            DType::U8 => "|u1",
            DType::I32 => "<i4",
            DType::I64 => "<i8",
            DType::F32 => "<f4",
            DType::F64 => "<f8",
        };
        let d = PyDict::new(py);
        d.set_item("version", 3)?;
        d.set_item("shape", PyTuple::new(py, t.shape())?)?;
        d.set_item("typestr", typestr)?;
        d.set_item("data", (base + t.layout().offset() * size, false))?;
        let strides: Vec<isize> = t.layout().strides().iter().map(|s| s * size as isize).collect();
        d.set_item("strides", if t.is_contiguous() { py.None().into_bound(py) } else { PyTuple::new(py, strides)?.into_any() })?;
        Ok(d)
    }

    /// `numpy.asarray(x)` support; a copy unless `copy=False` is asked for.
    #[pyo3(signature = (dtype = None, copy = None))]
    fn __array__<'py>(slf: &Bound<'py, Self>, dtype: Option<&Bound<'py, PyAny>>, copy: Option<bool>) -> PyResult<Bound<'py, PyAny>> {
        let np = numpy(slf.py())?;
        let kwargs = PyDict::new(slf.py());
        kwargs.set_item("copy", copy.unwrap_or(false))?;
        if let Some(d) = dtype {
            kwargs.set_item("dtype", d)?;
        }
        if slf.get().t.device().device_type() != "cpu" {
            let host = wrap(slf.py(), None, slf.get().t.to_host()?)?;
            return np.getattr("array")?.call((host,), Some(&kwargs));
        }
        let view = np.getattr("array")?.call((slf,), Some(&kwargs))?;
        Ok(view)
    }

    /// A NumPy copy of the data (through a host copy for arrays on a GPU).
    fn asnumpy<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        let t = &slf.get().t;
        if t.device().device_type() != "cpu" {
            let host = wrap(slf.py(), None, t.to_host()?)?;
            return numpy(slf.py())?.getattr("array")?.call1((host,));
        }
        numpy(slf.py())?.getattr("array")?.call1((slf,))
    }

    /// The elements as nested Python lists of Python scalars (a copy).
    fn tolist<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        Self::asnumpy(slf)?.call_method0("tolist")
    }

    /// The element of a size-1 array (or at `args`) as a Python scalar.
    #[pyo3(signature = (*args))]
    fn item<'py>(slf: &Bound<'py, Self>, args: &Bound<'py, PyTuple>) -> PyResult<Bound<'py, PyAny>> {
        let t = &slf.get().t;
        if args.is_empty() && t.numel() != 1 {
            return Err(PyValueError::new_err(format!(
                "can only convert an array of size 1 to a Python scalar, got shape {}",
                fmt_shape(t.shape())
            )));
        }
        Self::asnumpy(slf)?.call_method1("item", args)
    }

    fn __float__(&self) -> PyResult<f64> {
        self.check_size_one()?;
        Ok(self.t.item::<f64>()?)
    }

    fn __int__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.check_size_one()?;
        if self.t.dtype().is_float() {
            // Python's own conversion: NaN is a ValueError and infinity an OverflowError, as
            // in NumPy, rather than a silently wrong number.
            return pyo3::types::PyFloat::new(py, self.t.item::<f64>()?).call_method0("__int__");
        }
        Ok(self.t.item::<i64>()?.into_pyobject(py)?.into_any())
    }

    fn __index__(&self) -> PyResult<i64> {
        if !(self.t.dtype().is_int()) || self.t.numel() != 1 {
            return Err(PyTypeError::new_err("only integer scalar arrays can be converted to a scalar index"));
        }
        Ok(self.t.item::<i64>()?)
    }

    /// The truth of a one-element array. An empty array is False, as in MXNet (its numpy
    /// mode warns, as NumPy 1.x did; NumPy 2.2 made it an error).
    fn __bool__(slf: &Bound<'_, Self>) -> PyResult<bool> {
        let t = &slf.get().t;
        if t.numel() == 0 {
            if !legacy::is_legacy(slf.as_any()) {
                let py = slf.py();
                let msg = std::ffi::CString::new(format!(
                    "The truth value of an empty array (shape {}) is ambiguous. Returning False, but in future this will \
                     result in an error. Use `array.size > 0` to check that an array is not empty.",
                    fmt_shape(t.shape())
                ))?;
                PyErr::warn(py, &py.get_type::<pyo3::exceptions::PyDeprecationWarning>(), &msg, 1)?;
            }
            return Ok(false);
        }
        Self::truth(t)
    }

    fn __len__(&self) -> PyResult<usize> {
        self.t.shape().first().copied().ok_or_else(|| PyTypeError::new_err("len() of unsized object"))
    }

    fn __iter__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        let py = slf.py();
        let t = &slf.get().t;
        let n = *t.shape().first().ok_or_else(|| PyTypeError::new_err("iteration over a 0-d array"))?;
        // Each row is `x[i]`: recorded by autograd like any index (a bare view would cut the
        // rows off the graph), and legacy-shaped like `x[i]` for NDArrays.
        let rows = (0..n)
            .map(|i| Self::__getitem__(slf, &i.into_pyobject(py)?.into_any()))
            .collect::<PyResult<Vec<_>>>()?;
        PyList::new(py, rows)?.try_iter().map(|i| i.into_any())
    }

    fn __format__<'py>(slf: &Bound<'py, Self>, spec: &str) -> PyResult<Bound<'py, PyAny>> {
        let py = slf.py();
        if spec.is_empty() {
            return Ok(slf.str()?.into_any());
        }
        if slf.get().t.ndim() != 0 {
            return Err(PyTypeError::new_err("unsupported format string passed to ndarray.__format__ (only 0-d arrays take a format spec)"));
        }
        let v = Self::item(slf, &PyTuple::empty(py))?;
        v.call_method1("__format__", (spec,))
    }

    fn __repr__(slf: &Bound<'_, Self>) -> PyResult<String> {
        let t = &slf.get().t;
        let mut s = host_repr(&Self::asnumpy(slf)?)?;
        // MXNet's numpy-mode repr: float32 is the default dtype and goes unnamed; others named.
        if s.contains("dtype=") {
            if t.dtype() == DType::F32 {
                if let Some(i) = s.rfind(',') {
                    s.truncate(i);
                    s.push(')');
                }
            }
        } else if !matches!(t.dtype(), DType::F32 | DType::Bool) {
            s.pop();
            s.push_str(&format!(", dtype={})", t.dtype()));
        }
        if t.device().device_type() != "cpu" {
            s.pop();
            s.push_str(&format!(", ctx={})", t.device()));
        }
        Ok(s)
    }

    fn __str__(slf: &Bound<'_, Self>) -> PyResult<String> {
        let t = &slf.get().t;
        let s: String = Self::asnumpy(slf)?.str()?.extract()?;
        if matches!(t.device(), crate::Device::Cpu(_)) || t.ndim() == 0 {
            Ok(s)
        } else {
            Ok(format!("{s} @{}", t.device()))
        }
    }

    // ---- attributes -----------------------------------------------------------------

    /// The dimensions, a tuple of ints (``()`` for a 0-d array).
    #[getter]
    fn shape<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, self.t.shape())
    }

    /// The element type, a NumPy dtype (``float32`` unless asked otherwise, as in MXNet).
    #[getter]
    fn dtype<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        numpy_dtype(py, self.t.dtype())
    }

    /// The number of elements (the product of ``shape``).
    #[getter]
    fn size(&self) -> usize {
        self.t.numel()
    }

    /// The number of dimensions (``len(shape)``).
    #[getter]
    fn ndim(&self) -> usize {
        self.t.ndim()
    }

    /// The size of one element in bytes.
    #[getter]
    fn itemsize(&self) -> usize {
        self.t.dtype().size()
    }

    /// The size of the elements in bytes (``size * itemsize``).
    #[getter]
    fn nbytes(&self) -> usize {
        self.t.numel() * self.t.dtype().size()
    }

    /// Strides in bytes, as NumPy reports them.
    #[getter]
    fn strides<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        let size = self.t.dtype().size() as isize;
        PyTuple::new(py, self.t.layout().strides().iter().map(|s| s * size))
    }

    /// How many times the underlying storage has been written (the Trainer uses it to tell
    /// a gradient that backward refreshed from a stale one).
    #[getter]
    fn _version(&self) -> u64 {
        self.t.storage().version()
    }

    /// The device holding the data, a ``Context`` (``cpu(0)``, ``gpu(1)``).
    #[getter]
    fn ctx(&self) -> Context {
        Context { device: self.t.device() }
    }

    /// The device holding the data (the same as ``ctx``).
    #[getter]
    fn context(&self) -> Context {
        self.ctx()
    }

    /// The device holding the data (the same as ``ctx``; the Array API's name).
    #[getter]
    fn device(&self) -> Context {
        self.ctx()
    }

    /// The array with its axes reversed (a view), as ``transpose()``.
    ///
    /// >>> from deepblocks import np
    /// >>> np.array([[1.0, 5.0], [3.0, 2.0]]).T
    /// array([[1., 3.],
    ///        [5., 2.]])
    #[getter(T)]
    fn transposed(slf: &Bound<'_, Self>) -> PyResult<Py<PyAny>> {
        let t = slf.get().t.transpose(None)?;
        wrap(slf.py(), Some(slf.as_any()), t)
    }

    // ---- operators ------------------------------------------------------------------

    fn __pow__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>, _modulo: Option<&Bound<'_, PyAny>>) -> PyResult<Py<PyAny>> {
        binop(slf, other, BinaryOp::Pow, false)
    }

    fn __rpow__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>, _modulo: Option<&Bound<'_, PyAny>>) -> PyResult<Py<PyAny>> {
        binop(slf, other, BinaryOp::Pow, true)
    }

    fn __ipow__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>, _modulo: Option<&Bound<'_, PyAny>>) -> PyResult<()> {
        inplace(slf, other, BinaryOp::Pow)
    }

    fn __matmul__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        matmul_op(slf, other, false)
    }

    fn __rmatmul__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        matmul_op(slf, other, true)
    }

    fn __richcmp__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>, op: CompareOp) -> PyResult<Py<PyAny>> {
        let op = match op {
            CompareOp::Lt => BinaryOp::Lt,
            CompareOp::Le => BinaryOp::Le,
            CompareOp::Eq => BinaryOp::Eq,
            CompareOp::Ne => BinaryOp::Ne,
            CompareOp::Gt => BinaryOp::Gt,
            CompareOp::Ge => BinaryOp::Ge,
        };
        let py = slf.py();
        let legacy = legacy::is_legacy(slf.as_any());
        // Legacy arrays compare to 0/1 numbers in the operands' dtype, not to bools.
        let out = legacy.then(|| legacy::compare_dtype(Some(slf.get().t.dtype()), legacy::array_dtype(other)));
        if let Some(r) = binop_tensor(slf, other, op, false, out)? {
            return wrap(py, Some(slf.as_any()), r);
        }
        match op {
            // `==`/`!=` with something that is no operand (a string, None): NumPy 2 answers
            // an array of False/True; MXNet's legacy arrays refuse the type.
            BinaryOp::Eq | BinaryOp::Ne if legacy => Err(PyTypeError::new_err(format!(
                "comparison of an NDArray with type {} is not supported",
                other.get_type().name()?
            ))),
            BinaryOp::Eq | BinaryOp::Ne => {
                let t = &slf.get().t;
                let r = Tensor::full(t.shape(), Scalar::Bool(op == BinaryOp::Ne), DType::Bool, t.device())?;
                wrap(py, Some(slf.as_any()), r)
            }
            _ => Ok(py.NotImplemented()),
        }
    }

    fn __neg__(slf: &Bound<'_, Self>) -> PyResult<Py<PyAny>> {
        Self::unary(slf, UnaryOp::Neg)
    }

    fn __pos__(slf: &Bound<'_, Self>) -> PyResult<Py<PyAny>> {
        if slf.get().t.dtype() == DType::Bool {
            return Err(PyTypeError::new_err("ufunc 'positive' not supported for boolean input (NumPy refuses it too)"));
        }
        let t = slf.get().t.copy()?;
        wrap(slf.py(), Some(slf.as_any()), t)
    }

    fn __abs__(slf: &Bound<'_, Self>) -> PyResult<Py<PyAny>> {
        Self::unary(slf, UnaryOp::Abs)
    }

    fn __invert__(slf: &Bound<'_, Self>) -> PyResult<Py<PyAny>> {
        Self::unary(slf, UnaryOp::Invert)
    }

    fn __getitem__(slf: &Bound<'_, Self>, key: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        let t = &slf.get().t;
        let items = parse_key(key, t.device(), legacy::is_legacy(slf.as_any()))?;
        let r = run(slf.py(), t.numel(), || t.index(&items))?;
        wrap(slf.py(), Some(slf.as_any()), r)
    }

    fn __setitem__(slf: &Bound<'_, Self>, key: &Bound<'_, PyAny>, value: &Bound<'_, PyAny>) -> PyResult<()> {
        let t = &slf.get().t;
        let items = parse_key(key, t.device(), legacy::is_legacy(slf.as_any()))?;
        let v = match (py_scalar(value), value.cast::<PyArray>()) {
            (Some(s), _) => stored_scalar(s, t.dtype(), t.device(), true)?,
            // An array on another device is copied over first (MXNet's `x[:] = y` does too).
            (None, Ok(a)) if a.get().t.device() != t.device() => a.get().t.to_device(t.device())?,
            (None, _) => to_tensor(value, None, Some(t.device()))?,
        };
        run(slf.py(), t.numel(), || t.index_set(&items, &v))
    }

    // ---- shape ----------------------------------------------------------------------

    /// `x.reshape(2, 3)`, `x.reshape((2, 3))`, `x.reshape(-1)`.
    #[pyo3(signature = (*shape, order = "C"))]
    fn reshape(slf: &Bound<'_, Self>, shape: &Bound<'_, PyTuple>, order: &str) -> PyResult<Py<PyAny>> {
        c_order_only("reshape", order)?;
        if shape.is_empty() {
            return Err(PyTypeError::new_err("reshape() needs a shape"));
        }
        let s = shape_arg(&varargs_shape(shape)?)?;
        let t = slf.get().t.reshape_requested(&s)?;
        wrap(slf.py(), Some(slf.as_any()), t)
    }

    /// The array with its axes permuted (a view): reversed without arguments, else in the
    /// order ``axes`` gives, as ``x.transpose(1, 0)`` or ``x.transpose((1, 0))``.
    #[pyo3(signature = (*axes))]
    fn transpose(slf: &Bound<'_, Self>, axes: &Bound<'_, PyTuple>) -> PyResult<Py<PyAny>> {
        let ax = if axes.is_empty() || (axes.len() == 1 && axes.get_item(0)?.is_none()) {
            None
        } else {
            Some(shape_arg(&varargs_shape(axes)?)?)
        };
        let t = slf.get().t.transpose(ax.as_deref())?;
        wrap(slf.py(), Some(slf.as_any()), t)
    }

    /// The array with axes ``axis1`` and ``axis2`` interchanged (a view).
    fn swapaxes(slf: &Bound<'_, Self>, axis1: isize, axis2: isize) -> PyResult<Py<PyAny>> {
        let t = slf.get().t.swapaxes(axis1, axis2)?;
        wrap(slf.py(), Some(slf.as_any()), t)
    }

    /// A one-dimensional copy of the elements in row-major order (only ``order='C'``).
    #[pyo3(signature = (order = "C"))]
    fn flatten(slf: &Bound<'_, Self>, order: &str) -> PyResult<Py<PyAny>> {
        c_order_only("flatten", order)?;
        let t = slf.get().t.flatten()?;
        wrap(slf.py(), Some(slf.as_any()), t)
    }

    /// The elements in one dimension, row-major (only ``order='C'``), as ``np.ravel``.
    #[pyo3(signature = (order = "C"))]
    fn ravel(slf: &Bound<'_, Self>, order: &str) -> PyResult<Py<PyAny>> {
        c_order_only("ravel", order)?;
        let t = slf.get().t.ravel()?;
        wrap(slf.py(), Some(slf.as_any()), t)
    }

    /// The array without its length-1 axes (those in ``axis`` when given: another length is
    /// a ValueError).
    ///
    /// >>> from deepblocks import np
    /// >>> np.array([[1.0, 2.0]]).squeeze()
    /// array([1., 2.])
    #[pyo3(signature = (axis = None))]
    fn squeeze(slf: &Bound<'_, Self>, axis: Option<&Bound<'_, PyAny>>) -> PyResult<Py<PyAny>> {
        let ax = axes_arg(axis)?;
        let t = slf.get().t.squeeze(ax.as_deref())?;
        wrap(slf.py(), Some(slf.as_any()), t)
    }

    /// The array with a new length-1 axis inserted at ``axis`` (an int or a tuple of ints).
    fn expand_dims(slf: &Bound<'_, Self>, axis: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        let ax = axes_arg(Some(axis))?.unwrap_or_default();
        let t = slf.get().t.expand_dims(&ax)?;
        wrap(slf.py(), Some(slf.as_any()), t)
    }

    /// The array broadcast to ``shape`` (NumPy's broadcasting rules), as ``np.broadcast_to``.
    fn broadcast_to(slf: &Bound<'_, Self>, shape: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        let s = dims_arg(shape)?;
        let t = slf.get().t.broadcast_to(&s)?;
        wrap(slf.py(), Some(slf.as_any()), t)
    }

    /// Each element repeated ``repeats`` times, along ``axis`` (of the flattened array when
    /// ``axis`` is None), as ``np.repeat``.
    ///
    /// >>> from deepblocks import np
    /// >>> np.array([1.0, 2.0]).repeat(2)
    /// array([1., 1., 2., 2.])
    #[pyo3(signature = (repeats, axis = None))]
    fn repeat(slf: &Bound<'_, Self>, repeats: &Bound<'_, PyAny>, axis: Option<&Bound<'_, PyAny>>) -> PyResult<Py<PyAny>> {
        let r = index_int(repeats)?;
        let r = usize::try_from(r).map_err(|_| PyValueError::new_err("repeats may not contain negative values"))?;
        let t = slf.get().t.repeat(r, axis_arg(axis)?)?;
        wrap(slf.py(), Some(slf.as_any()), t)
    }

    // ---- conversion and devices ------------------------------------------------------

    /// A copy converted to `dtype` (`copy=False` returns the array itself when nothing
    /// changes). As in MXNet, `order` is 'K' or 'C', `casting` 'unsafe' and `subok` True.
    #[pyo3(signature = (dtype, order = "K", casting = "unsafe", subok = true, copy = true))]
    fn astype(
        slf: &Bound<'_, Self>,
        dtype: &Bound<'_, PyAny>,
        order: &str,
        casting: &str,
        subok: bool,
        copy: bool,
    ) -> PyResult<Py<PyAny>> {
        if order != "K" && order != "C" {
            return Err(PyValueError::new_err(format!("astype: order must be either 'K' or 'C', got '{order}'")));
        }
        if casting != "unsafe" {
            return Err(PyValueError::new_err(format!("astype: casting must be 'unsafe' (MXNet casts unsafely), got '{casting}'")));
        }
        if !subok {
            return Err(PyValueError::new_err("astype: subok must be True"));
        }
        let d = dtype_arg(Some(dtype))?.ok_or_else(|| PyTypeError::new_err("astype() needs a dtype"))?;
        let t = &slf.get().t;
        if !copy && t.dtype() == d {
            return Ok(slf.clone().into_any().unbind());
        }
        let r = run(slf.py(), t.numel(), || t.astype(d))?;
        wrap(slf.py(), Some(slf.as_any()), r)
    }

    /// A copy in row-major order (the only layout, as in MXNet: other orders are refused).
    #[pyo3(signature = (order = "C"))]
    fn copy(slf: &Bound<'_, Self>, order: &str) -> PyResult<Py<PyAny>> {
        c_order_only("copy", order)?;
        let t = &slf.get().t;
        let r = run(slf.py(), t.numel(), || t.copy())?;
        wrap(slf.py(), Some(slf.as_any()), r)
    }

    /// `copy.copy(x)`: a copy of the data, of `x`'s class and shape (a legacy 0-d array too).
    fn __copy__(slf: &Bound<'_, Self>) -> PyResult<Py<PyAny>> {
        let t = &slf.get().t;
        let r = run(slf.py(), t.numel(), || t.copy())?;
        if legacy::is_exact(slf.as_any()) {
            return legacy::new_as_is(slf.py(), r);
        }
        wrap(slf.py(), Some(slf.as_any()), r)
    }

    fn __deepcopy__(slf: &Bound<'_, Self>, _memo: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        Self::__copy__(slf)
    }

    /// Pickling: the array as plain values, the class, the raw little-endian bytes of the
    /// elements, the dtype name, the shape and the device (`"cpu"`/`"gpu"`, id), rebuilt by
    /// `_core._rebuild_array`. Nothing else is referenced, so unpickling an array runs no
    /// code but that constructor (which checks every value) and, for a Python subclass of
    /// `ndarray`, that subclass's constructor. An array saved from a GPU comes back on that
    /// GPU. Only the value is kept: gradient buffers and the autograd graph are not (as in
    /// MXNet).
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let py = slf.py();
        let rebuild = py.import("deepblocks._core")?.getattr("_rebuild_array")?;
        let t = &slf.get().t;
        let d = t.device();
        let little = numpy_dtype(py, t.dtype())?.call_method1("newbyteorder", ("<",))?;
        let bytes = Self::asnumpy(slf)?.call_method1("astype", (little,))?.call_method0("tobytes")?;
        let args = (slf.get_type(), bytes, t.dtype().name(), PyTuple::new(py, t.shape())?, d.device_type(), d.id());
        PyTuple::new(py, [rebuild, args.into_pyobject(py)?.into_any()])
    }

    /// `round(x)` and `round(x, n)`: NumPy's half-to-even `round`, an array.
    #[pyo3(signature = (ndigits = None))]
    fn __round__(slf: &Bound<'_, Self>, ndigits: Option<i32>) -> PyResult<Py<PyAny>> {
        Self::round(slf, ndigits.unwrap_or(0))
    }

    /// Elements at `indices` (along `axis`; of the flattened array for None), as `np.take`.
    #[pyo3(signature = (indices, axis = None, mode = "raise"))]
    fn take(slf: &Bound<'_, Self>, indices: &Bound<'_, PyAny>, axis: Option<&Bound<'_, PyAny>>, mode: &str) -> PyResult<Py<PyAny>> {
        if mode != "raise" {
            return Err(PyValueError::new_err(format!("take: only mode='raise' is supported, got '{mode}'")));
        }
        super::functions::take(slf.py(), slf.as_any(), indices, axis)
    }

    /// MXNet's storage type: always 'default' (dense) here.
    #[getter]
    fn stype(&self) -> &'static str {
        "default"
    }

    /// Whether the array may be written (always, as in MXNet).
    #[getter]
    fn writable(&self) -> bool {
        true
    }

    /// The same data as a legacy `nd.NDArray` (no copy; the shape, `()` included, is kept).
    fn as_nd_ndarray(slf: &Bound<'_, Self>) -> PyResult<Py<PyAny>> {
        legacy::new_as_is(slf.py(), slf.get().t.clone())
    }

    /// The same data as a numpy-mode `np.ndarray` (no copy).
    fn as_np_ndarray(slf: &Bound<'_, Self>) -> PyResult<Py<PyAny>> {
        if slf.get_type().is(&slf.py().get_type::<PyArray>()) {
            return Ok(slf.clone().into_any().unbind());
        }
        wrap(slf.py(), None, slf.get().t.clone())
    }

    /// Copies into another array (returned) or onto a device (a new array).
    fn copyto(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        let t = &slf.get().t;
        if let Ok(dst) = other.cast::<PyArray>() {
            let d = &dst.get().t;
            if d.shape() != t.shape() {
                return Err(PyValueError::new_err(format!(
                    "copyto: destination shape {} does not match source shape {}",
                    fmt_shape(d.shape()),
                    fmt_shape(t.shape())
                )));
            }
            if !d.same_handle(t) {
                // Another device's array is moved first: copyto crosses devices, as in MXNet.
                let src = if d.device() == t.device() { t.clone() } else { t.to_device(d.device())? };
                d.assign(&src)?;
            }
            return Ok(dst.clone().into_any().unbind());
        }
        let device = super::convert::device_arg(Some(other), None)?;
        let r = t.to_device(device)?;
        wrap(slf.py(), Some(slf.as_any()), r)
    }

    /// This array on `ctx`: itself when already there, else a copy.
    fn as_in_ctx(slf: &Bound<'_, Self>, ctx: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        let device = super::convert::device_arg(Some(ctx), None)?;
        let t = &slf.get().t;
        if t.device() == device {
            return Ok(slf.clone().into_any().unbind());
        }
        let r = t.to_device(device)?;
        wrap(slf.py(), Some(slf.as_any()), r)
    }

    /// This array on ``ctx``: itself when already there, else a copy (as ``as_in_ctx``).
    fn as_in_context(slf: &Bound<'_, Self>, ctx: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        Self::as_in_ctx(slf, ctx)
    }

    /// This array on ``device``: itself when already there, else a copy (the Array API's
    /// name for ``as_in_ctx``).
    fn to_device(slf: &Bound<'_, Self>, device: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        Self::as_in_ctx(slf, device)
    }

    /// Waits until this array's value is computed (GPU work is queued; the CPU engine is
    /// synchronous, so a CPU array returns at once).
    fn wait_to_read(&self) -> PyResult<()> {
        Ok(self.t.wait()?)
    }

    /// Sets every element to `value` (a Python or NumPy scalar, or a size-1 array).
    fn fill(&self, value: &Bound<'_, PyAny>) -> PyResult<()> {
        if let Some(s) = py_scalar(value) {
            return Ok(self.t.assign(&stored_scalar(s, self.t.dtype(), self.t.device(), true)?)?);
        }
        let v = to_tensor(value, None, Some(self.t.device()))?;
        if v.numel() != 1 {
            return Err(PyValueError::new_err(format!(
                "fill() takes a scalar, got an array of shape {}",
                fmt_shape(v.shape())
            )));
        }
        Ok(self.t.assign(&v.reshape(&[])?)?)
    }

    // ---- reductions -----------------------------------------------------------------

    /// The sum of the elements over ``axis`` (an int, a tuple of ints, or None for all), in
    /// ``dtype`` when given; ``keepdims=True`` keeps the reduced axes with length 1. ``out`` is
    /// not supported.
    ///
    /// >>> from deepblocks import np
    /// >>> np.array([[1.0, 5.0], [3.0, 2.0]]).sum(axis=0)
    /// array([4., 7.])
    #[pyo3(signature = (axis = None, dtype = None, out = None, keepdims = Flag(false)))]
    fn sum(slf: &Bound<'_, Self>, axis: Option<&Bound<'_, PyAny>>, dtype: Option<&Bound<'_, PyAny>>, out: Option<&Bound<'_, PyAny>>, keepdims: Flag) -> PyResult<Py<PyAny>> {
        no_out(out)?;
        Self::reduction(slf, ReduceOp::Sum, axis, dtype, keepdims.0)
    }

    /// The product of the elements over ``axis`` (None: all), in ``dtype`` when given;
    /// ``keepdims`` keeps the reduced axes with length 1.
    #[pyo3(signature = (axis = None, dtype = None, out = None, keepdims = Flag(false)))]
    fn prod(slf: &Bound<'_, Self>, axis: Option<&Bound<'_, PyAny>>, dtype: Option<&Bound<'_, PyAny>>, out: Option<&Bound<'_, PyAny>>, keepdims: Flag) -> PyResult<Py<PyAny>> {
        no_out(out)?;
        Self::reduction(slf, ReduceOp::Prod, axis, dtype, keepdims.0)
    }

    /// The largest element over ``axis`` (None: all); ``keepdims`` keeps the reduced axes.
    /// An empty reduction is a ValueError, as in NumPy.
    ///
    /// >>> from deepblocks import np
    /// >>> np.array([[1.0, 5.0], [3.0, 2.0]]).max(axis=0)
    /// array([3., 5.])
    #[pyo3(signature = (axis = None, out = None, keepdims = Flag(false)))]
    fn max(slf: &Bound<'_, Self>, axis: Option<&Bound<'_, PyAny>>, out: Option<&Bound<'_, PyAny>>, keepdims: Flag) -> PyResult<Py<PyAny>> {
        no_out(out)?;
        Self::reduction(slf, ReduceOp::Max, axis, None, keepdims.0)
    }

    /// The smallest element over ``axis`` (None: all); ``keepdims`` keeps the reduced axes.
    #[pyo3(signature = (axis = None, out = None, keepdims = Flag(false)))]
    fn min(slf: &Bound<'_, Self>, axis: Option<&Bound<'_, PyAny>>, out: Option<&Bound<'_, PyAny>>, keepdims: Flag) -> PyResult<Py<PyAny>> {
        no_out(out)?;
        Self::reduction(slf, ReduceOp::Min, axis, None, keepdims.0)
    }

    /// Whether every element over ``axis`` (None: all) is true, a bool array.
    #[pyo3(signature = (axis = None, out = None, keepdims = Flag(false)))]
    fn all(slf: &Bound<'_, Self>, axis: Option<&Bound<'_, PyAny>>, out: Option<&Bound<'_, PyAny>>, keepdims: Flag) -> PyResult<Py<PyAny>> {
        no_out(out)?;
        Self::reduction(slf, ReduceOp::All, axis, None, keepdims.0)
    }

    /// Whether any element over ``axis`` (None: all) is true, a bool array.
    #[pyo3(signature = (axis = None, out = None, keepdims = Flag(false)))]
    fn any(slf: &Bound<'_, Self>, axis: Option<&Bound<'_, PyAny>>, out: Option<&Bound<'_, PyAny>>, keepdims: Flag) -> PyResult<Py<PyAny>> {
        no_out(out)?;
        Self::reduction(slf, ReduceOp::Any, axis, None, keepdims.0)
    }

    /// The arithmetic mean over ``axis`` (None: all), computed in floating point and
    /// converted to ``dtype`` when given; ``keepdims`` keeps the reduced axes.
    ///
    /// >>> from deepblocks import np
    /// >>> np.array([[1.0, 5.0], [3.0, 2.0]]).mean(axis=1)
    /// array([3. , 2.5])
    #[pyo3(signature = (axis = None, dtype = None, out = None, keepdims = Flag(false)))]
    fn mean(slf: &Bound<'_, Self>, axis: Option<&Bound<'_, PyAny>>, dtype: Option<&Bound<'_, PyAny>>, out: Option<&Bound<'_, PyAny>>, keepdims: Flag) -> PyResult<Py<PyAny>> {
        Self::statistic(slf, axis, dtype, out, |t, axes| t.mean(axes, keepdims.0))
    }

    /// The variance over ``axis`` (None: all), with ``ddof`` delta degrees of freedom (the
    /// divisor is ``n - ddof``); ``dtype`` and ``keepdims`` as in ``mean``.
    #[pyo3(signature = (axis = None, dtype = None, out = None, ddof = 0, keepdims = Flag(false)))]
    fn var(slf: &Bound<'_, Self>, axis: Option<&Bound<'_, PyAny>>, dtype: Option<&Bound<'_, PyAny>>, out: Option<&Bound<'_, PyAny>>, ddof: usize, keepdims: Flag) -> PyResult<Py<PyAny>> {
        Self::statistic(slf, axis, dtype, out, |t, axes| t.var(axes, ddof, keepdims.0))
    }

    /// The standard deviation over ``axis`` (None: all): the square root of ``var`` with the
    /// same ``ddof``, ``dtype`` and ``keepdims``.
    #[pyo3(signature = (axis = None, dtype = None, out = None, ddof = 0, keepdims = Flag(false)))]
    fn std(slf: &Bound<'_, Self>, axis: Option<&Bound<'_, PyAny>>, dtype: Option<&Bound<'_, PyAny>>, out: Option<&Bound<'_, PyAny>>, ddof: usize, keepdims: Flag) -> PyResult<Py<PyAny>> {
        Self::statistic(slf, axis, dtype, out, |t, axes| t.std(axes, ddof, keepdims.0))
    }

    /// The index of the largest element along ``axis`` (of the flattened array for None), as
    /// int64; the first one when several are equal.
    ///
    /// >>> from deepblocks import np
    /// >>> np.array([[1.0, 5.0], [3.0, 2.0]]).argmax(axis=1)
    /// array([1, 0], dtype=int64)
    #[pyo3(signature = (axis = None, out = None, keepdims = Flag(false)))]
    fn argmax(slf: &Bound<'_, Self>, axis: Option<&Bound<'_, PyAny>>, out: Option<&Bound<'_, PyAny>>, keepdims: Flag) -> PyResult<Py<PyAny>> {
        no_out(out)?;
        let t = &slf.get().t;
        let ax = axis_arg(axis)?;
        let r = run(slf.py(), t.numel(), || t.arg_extreme(ax, true, keepdims.0))?;
        wrap(slf.py(), Some(slf.as_any()), r)
    }

    /// The index of the smallest element along ``axis`` (of the flattened array for None), as
    /// int64; the first one when several are equal.
    #[pyo3(signature = (axis = None, out = None, keepdims = Flag(false)))]
    fn argmin(slf: &Bound<'_, Self>, axis: Option<&Bound<'_, PyAny>>, out: Option<&Bound<'_, PyAny>>, keepdims: Flag) -> PyResult<Py<PyAny>> {
        no_out(out)?;
        let t = &slf.get().t;
        let ax = axis_arg(axis)?;
        let r = run(slf.py(), t.numel(), || t.arg_extreme(ax, false, keepdims.0))?;
        wrap(slf.py(), Some(slf.as_any()), r)
    }

    /// The running sum along ``axis`` (of the flattened array for None), in ``dtype`` when
    /// given.
    ///
    /// >>> from deepblocks import np
    /// >>> np.array([[1.0, 5.0], [3.0, 2.0]]).cumsum()
    /// array([ 1.,  6.,  9., 11.])
    #[pyo3(signature = (axis = None, dtype = None, out = None))]
    fn cumsum(slf: &Bound<'_, Self>, axis: Option<&Bound<'_, PyAny>>, dtype: Option<&Bound<'_, PyAny>>, out: Option<&Bound<'_, PyAny>>) -> PyResult<Py<PyAny>> {
        no_out(out)?;
        let t = &slf.get().t;
        let ax = axis_arg(axis)?;
        let dt = dtype_arg(dtype)?;
        let r = run(slf.py(), t.numel(), || {
            let x = match dt {
                Some(d) => t.to_dtype(d)?,
                None => t.clone(),
            };
            let r = x.cumsum(ax)?;
            r.to_dtype(dt.unwrap_or(r.dtype()))
        })?;
        wrap(slf.py(), Some(slf.as_any()), r)
    }

    // ---- elementwise methods NumPy arrays have ----------------------------------------

    /// The elements limited to ``[min, max]`` (either bound may be None, not both; a bound
    /// may be an array that broadcasts), as ``np.clip``.
    ///
    /// >>> from deepblocks import np
    /// >>> np.array([1.0, 5.0, 3.0]).clip(2, 4)
    /// array([2., 4., 3.])
    #[pyo3(signature = (min = None, max = None))]
    fn clip(slf: &Bound<'_, Self>, min: Option<&Bound<'_, PyAny>>, max: Option<&Bound<'_, PyAny>>) -> PyResult<Py<PyAny>> {
        let t = &slf.get().t;
        let given = |b: Option<&Bound<'_, PyAny>>| b.is_some_and(|o| !o.is_none());
        if !given(min) && !given(max) {
            return Err(PyValueError::new_err("clip: one of max or min must be given"));
        }
        // Python scalars are weak: the result dtype comes from the array and any array bound.
        let operand = |b: Option<&Bound<'_, PyAny>>| -> PyResult<Option<Operand>> {
            match b {
                Some(o) if !o.is_none() => match py_scalar(o) {
                    Some(s) => Ok(Some(Operand::Scalar(s))),
                    None => Ok(Some(Operand::Array(to_tensor(o, None, Some(t.device()))?))),
                },
                _ => Ok(None),
            }
        };
        let (lo, hi) = (operand(min)?, operand(max)?);
        let result = [&lo, &hi].iter().fold(t.dtype(), |d, b| match b {
            Some(Operand::Scalar(s)) => DType::promote(d, s.weak_dtype(d)),
            Some(Operand::Array(a)) => DType::promote(d, a.dtype()),
            None => d,
        });
        let bound = |b: Option<Operand>, is_min: bool| -> PyResult<Option<Tensor>> {
            match b {
                None => Ok(None),
                Some(Operand::Array(a)) => Ok(Some(a)),
                Some(Operand::Scalar(s)) => {
                    if let (Scalar::Int(v), Some((lo, hi))) = (s, int_range(result)) {
                        if v < lo || v > hi {
                            // As NumPy 2: a Python int beyond the result dtype's range on the
                            // side it bounds clips nothing; beyond the other side, an error.
                            if (is_min && v < lo) || (!is_min && v > hi) {
                                return Ok(None);
                            }
                            return Err(PyValueError::new_err(format!("Python integer {v} out of bounds for {result}")));
                        }
                    }
                    Ok(Some(Tensor::from_scalar(s, s.weak_dtype(result), t.device())?))
                }
            }
        };
        let (lo, hi) = (bound(lo, true)?, bound(hi, false)?);
        let r = run(slf.py(), t.numel(), || t.clip(lo.as_ref(), hi.as_ref()))?;
        wrap(slf.py(), Some(slf.as_any()), r)
    }

    /// The elements rounded to ``decimals`` decimal places, halves to even, as ``np.round``.
    ///
    /// >>> from deepblocks import np
    /// >>> np.array([0.5, 1.5, 2.5]).round()
    /// array([0., 2., 2.])
    #[pyo3(signature = (decimals = 0))]
    fn round(slf: &Bound<'_, Self>, decimals: i32) -> PyResult<Py<PyAny>> {
        let t = &slf.get().t;
        let r = run(slf.py(), t.numel(), || t.round_decimals(decimals))?;
        wrap(slf.py(), Some(slf.as_any()), r)
    }

    /// The dot product with ``b``, as ``np.dot(self, b)`` (a matrix product for 2-d arrays).
    fn dot(slf: &Bound<'_, Self>, b: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        let t = &slf.get().t;
        let o = to_tensor(b, None, Some(t.device()))?;
        let r = run(slf.py(), t.numel().max(o.numel()) * 16, || t.dot(&o))?;
        wrap(slf.py(), Some(slf.as_any()), r)
    }

    /// The indices of the non-zero elements, one int64 array per dimension, as ``np.nonzero``.
    ///
    /// >>> from deepblocks import np
    /// >>> np.array([1, 0, 2]).nonzero()
    /// (array([0, 2], dtype=int64),)
    fn nonzero<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let py = slf.py();
        let parts = slf.get().t.nonzero()?;
        let items = parts.into_iter().map(|p| wrap(py, Some(slf.as_any()), p)).collect::<PyResult<Vec<_>>>()?;
        PyTuple::new(py, items)
    }

    /// The engine's identity of the underlying storage (views share it).
    #[getter]
    fn _storage_id(&self) -> usize {
        std::sync::Arc::as_ptr(self.t.storage()) as usize
    }

    /// Where the first element sits in the storage, in elements (`np.shares_memory` needs it
    /// for device arrays, which have no `__array_interface__`).
    #[getter]
    fn _offset(&self) -> usize {
        self.t.layout().offset()
    }
}

/// The values of an integer dtype, as i64 (None for bool and floats).
fn int_range(d: DType) -> Option<(i64, i64)> {
    match d {
        DType::U8 => Some((0, 255)),
        DType::I32 => Some((i32::MIN as i64, i32::MAX as i64)),
        DType::I64 => Some((i64::MIN, i64::MAX)),
        _ => None,
    }
}

/// The repr of a NumPy array as NumPy before 2.2 wrote it: NumPy 2.2 names the shape of a
/// summarized array (`array([0., ..., 1999.], shape=(2000,))`), MXNet (on NumPy 1.x) does
/// not. A printing mode the user chose (`legacy=...`) is left alone.
fn host_repr(host: &Bound<'_, PyAny>) -> PyResult<String> {
    let py = host.py();
    let np = numpy(py)?;
    let opts = np.getattr("get_printoptions")?.call0()?;
    let size: usize = host.getattr("size")?.extract()?;
    let summarized = size > opts.get_item("threshold")?.extract::<usize>().unwrap_or(usize::MAX);
    if summarized && !opts.get_item("legacy")?.is_truthy()? {
        let kwargs = PyDict::new(py);
        kwargs.set_item("legacy", "2.1")?;
        // NumPy before 2.2 has no '2.1' mode, and no shape to hide either.
        if let Ok(mode) = np.getattr("printoptions")?.call((), Some(&kwargs)) {
            mode.call_method0("__enter__")?;
            let r = host.repr();
            mode.call_method1("__exit__", (py.None(), py.None(), py.None()))?;
            return r?.extract();
        }
    }
    host.repr()?.extract()
}

/// Arrays are row-major: another memory order is MXNet's NotImplementedError.
fn c_order_only(what: &str, order: &str) -> PyResult<()> {
    if order != "C" {
        return Err(pyo3::exceptions::PyNotImplementedError::new_err(format!(
            "{what}: only order='C' is supported, got order='{order}'"
        )));
    }
    Ok(())
}

/// `pickle`'s constructor of an array (see `ndarray.__reduce__`): `cls` (`ndarray` or a
/// subclass of it) holding `data` (the elements' bytes, row-major, little-endian) of dtype
/// `dtype` (a name) and shape `shape`, on the device `kind`/`id` ("cpu"/"gpu"). Every
/// argument is checked; a mismatch is a TypeError or ValueError.
#[pyfunction]
#[pyo3(name = "_rebuild_array")]
pub fn rebuild_array(
    py: Python<'_>,
    cls: &Bound<'_, pyo3::types::PyType>,
    data: &Bound<'_, pyo3::types::PyBytes>,
    dtype: &str,
    shape: Vec<usize>,
    kind: &str,
    id: usize,
) -> PyResult<Py<PyAny>> {
    if !cls.is_subclass(&py.get_type::<PyArray>())? {
        return Err(PyTypeError::new_err(format!("_rebuild_array: {} is not an array class", cls.name()?)));
    }
    let dt = DType::parse(dtype)?;
    let numel = shape.iter().try_fold(1usize, |n, &d| n.checked_mul(d));
    let bytes = data.as_bytes();
    if numel.and_then(|n| n.checked_mul(dt.size())) != Some(bytes.len()) {
        return Err(PyValueError::new_err(format!(
            "_rebuild_array: {} bytes do not hold a {dtype} array of shape {}",
            bytes.len(),
            fmt_shape(&shape)
        )));
    }
    let device = match kind {
        "cpu" | "gpu" => super::context::Context::parse(&format!("{kind}({id})"))?.device,
        _ => return Err(PyValueError::new_err(format!("_rebuild_array: unknown device type '{kind}'"))),
    };
    let np = numpy(py)?;
    let host = np.getattr("frombuffer")?.call1((data, numpy_dtype(py, dt)?.call_method1("newbyteorder", ("<",))?))?;
    let host = host.call_method1("reshape", (PyTuple::new(py, &shape)?,))?;
    let t = to_tensor(&host, Some(dt), Some(device))?;
    if cls.is(&py.get_type::<PyArray>()) {
        return wrap(py, None, t);
    }
    if legacy::is_legacy_class(cls) {
        return legacy::new_as_is(py, t);
    }
    Ok(cls.call1((Py::new(py, PyArray { t })?,))?.unbind())
}

fn no_out(out: Option<&Bound<'_, PyAny>>) -> PyResult<()> {
    match out {
        Some(o) if !o.is_none() => Err(PyTypeError::new_err("the out= argument is not supported; assign the result instead")),
        _ => Ok(()),
    }
}

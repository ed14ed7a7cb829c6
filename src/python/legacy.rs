//! MXNet 1.x's legacy arrays (`deepblocks.nd.NDArray`) made in Rust.
//!
//! `NDArray` is a Python subclass of `ndarray`; Python registers it once at import
//! (`_core._set_legacy_class`). Results of legacy arrays are then created here as instances
//! of that class without running any Python code, with MXNet's legacy rules applied on the
//! way: no 0-d arrays (shape `(1,)` instead), comparisons give 0/1 in the operands' dtype,
//! reductions keep int32/int64 and accept `exclude=`, `argmax` gives indices in the data's
//! dtype. Per-call overhead of `nd` code is then that of `np` code.

use super::array::PyArray;
use super::convert::{axes_arg, axis_arg, dtype_arg, shape_arg, to_tensor, Flag};
use crate::dtype::DType;
use crate::ops::reduce::ReduceOp;
use crate::tensor::Tensor;
use pyo3::exceptions::{PyIndexError, PyTypeError, PyValueError};
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::PyClassInitializer;
use pyo3::types::{PyList, PyTuple, PyType};
use std::sync::atomic::{AtomicPtr, Ordering};

/// The registered legacy class (a strong reference), or null before `_set_legacy_class`.
/// An atomic pointer rather than a once-cell: re-importing the Python module registers its
/// new class, and every array result reads this, so the read must cost nothing.
static LEGACY: AtomicPtr<ffi::PyObject> = AtomicPtr::new(std::ptr::null_mut());

/// Registers `cls` (a subclass of `ndarray`) as the legacy array class.
#[pyfunction]
#[pyo3(name = "_set_legacy_class")]
pub fn set_legacy_class(cls: &Bound<'_, PyType>) -> PyResult<()> {
    if !cls.is_subclass_of::<PyArray>()? || cls.is(&cls.py().get_type::<PyArray>()) {
        return Err(PyTypeError::new_err("_set_legacy_class needs a subclass of ndarray"));
    }
    let old = LEGACY.swap(cls.clone().into_ptr(), Ordering::AcqRel);
    if !old.is_null() {
        // SAFETY: `old` is the strong reference taken when it was registered; we hold the GIL.
        unsafe { ffi::Py_DECREF(old) };
    }
    Ok(())
}

fn legacy_type() -> *mut ffi::PyObject {
    LEGACY.load(Ordering::Acquire)
}

/// Whether `obj`'s class is exactly the legacy class (its results are made here).
pub fn is_exact(obj: &Bound<'_, PyAny>) -> bool {
    let cls = legacy_type();
    !cls.is_null() && obj.get_type().as_ptr() == cls
}

/// Whether `cls` is the legacy class itself.
pub fn is_legacy_class(cls: &Bound<'_, PyType>) -> bool {
    let legacy = legacy_type();
    !legacy.is_null() && cls.as_ptr() == legacy
}

/// Whether `obj` is a legacy array (the legacy class or a Python subclass of it).
pub fn is_legacy(obj: &Bound<'_, PyAny>) -> bool {
    let cls = legacy_type();
    // SAFETY: both pointers are live type objects (the registered class is kept alive above).
    !cls.is_null() && unsafe { ffi::PyType_IsSubtype(ffi::Py_TYPE(obj.as_ptr()), cls.cast()) != 0 }
}

/// MXNet refuses to mix the two kinds of arrays, a legacy `nd.NDArray` and a numpy-mode
/// `np.ndarray`, in one operation: this is its TypeError, naming the conversions that help.
pub fn mixed_kinds(what: &str) -> PyErr {
    PyTypeError::new_err(format!(
        "{what}: cannot mix a legacy nd.NDArray with a numpy-mode np.ndarray in one operation (MXNet refuses it too); \
         convert one of them first with x.as_np_ndarray() or x.as_nd_ndarray()"
    ))
}

/// Checks that the deepblocks arrays among `objs` are all legacy or all numpy-mode, when the
/// operation comes from user code (see `written_by_user`).
pub fn check_same_kind(objs: &[&Bound<'_, PyAny>], what: &str) -> PyResult<()> {
    let mut kinds = objs.iter().filter(|o| o.cast::<PyArray>().is_ok()).map(|o| is_legacy(o));
    match kinds.next() {
        Some(first) if kinds.any(|k| k != first) && written_by_user(objs[0].py()) => Err(mixed_kinds(what)),
        _ => Ok(()),
    }
}

/// `_core._check_same_kind(*arrays, what=...)`: `check_same_kind` for the `nd` functions
/// that convert their inputs before the engine sees them.
#[pyfunction]
#[pyo3(name = "_check_same_kind", signature = (*arrays, what = "operation"))]
pub fn check_same_kind_py(arrays: &Bound<'_, PyTuple>, what: &str) -> PyResult<()> {
    let items: Vec<Bound<'_, PyAny>> = arrays.iter().collect();
    check_same_kind(&items.iter().collect::<Vec<_>>(), what)
}

/// The modules of the public array functions (`np.add`, `nd.dot`, the `NDArray` methods):
/// a frame of theirs acts for its caller.
const FRONT_ENDS: &[&str] = &["deepblocks.numpy", "deepblocks.ndarray.ops", "deepblocks.ndarray.ndarray", "deepblocks.numpy_extension"];

/// Whether the running operation was written outside deepblocks (looked up only once two
/// kinds of arrays meet, so it costs nothing otherwise). Mixing the kinds is MXNet's
/// TypeError for users; deepblocks' own layers and losses mix them freely (legacy data with
/// numpy-mode temporaries), which is no user's mistake.
fn written_by_user(py: Python<'_>) -> bool {
    let frame = py.import("sys").and_then(|sys| sys.getattr("_getframe")?.call1((0,)));
    let Ok(mut frame) = frame else { return true };
    loop {
        let name = frame
            .getattr("f_globals")
            .and_then(|g| g.get_item("__name__"))
            .and_then(|n| n.extract::<String>())
            .unwrap_or_default();
        if !FRONT_ENDS.contains(&name.as_str()) {
            return !(name == "deepblocks" || name.starts_with("deepblocks."));
        }
        match frame.getattr("f_back") {
            Ok(back) if !back.is_none() => frame = back,
            _ => return true,
        }
    }
}

/// A new legacy array holding `t` (a 0-d `t` becomes shape `(1,)`).
///
/// The instance is created as PyO3's own generated `#[new]` creates an instance of a Python
/// subclass (`tp_new_impl` with the subtype): no Python code, no temporary object. (PyO3
/// keeps the safe version of this crate-private; should a PyO3 upgrade drop `tp_new_impl`,
/// calling `ndarray`'s `tp_new` slot with the subtype and an `ndarray` argument, which
/// `#[new]` shares, does the same at the cost of one temporary.)
pub fn new(py: Python<'_>, t: Tensor) -> PyResult<Py<PyAny>> {
    let t = if t.ndim() == 0 { t.reshape(&[1])? } else { t };
    new_as_is(py, t)
}

/// A new legacy array holding `t` with its shape as it is, 0-d included: what converting
/// data gives (`nd.array(5)`, `x.as_nd_ndarray()`, `nd.load`), where MXNet keeps the shape
/// `()`; the results of operations go through `new`.
pub fn new_as_is(py: Python<'_>, t: Tensor) -> PyResult<Py<PyAny>> {
    let cls = legacy_type();
    if cls.is_null() {
        return Ok(Py::new(py, PyArray { t })?.into_any());
    }
    // SAFETY: the registered class is a live subtype of `ndarray` (checked when registered),
    // whose instances have `ndarray`'s layout plus nothing (`__slots__ = ()` in Python).
    unsafe {
        let obj = pyo3::impl_::pymethods::tp_new_impl(py, PyClassInitializer::from(PyArray { t }), cls.cast())?;
        Ok(Bound::from_owned_ptr(py, obj).unbind())
    }
}

/// The result `t` of a legacy method of `slf`: a legacy array, or for a Python subclass of
/// the legacy class, an instance of that subclass made by its own constructor.
fn result(slf: &Bound<'_, PyArray>, t: Tensor) -> PyResult<Py<PyAny>> {
    if is_legacy(slf.as_any()) && !is_exact(slf.as_any()) {
        return super::array::wrap(slf.py(), Some(slf.as_any()), t);
    }
    new(slf.py(), t)
}

/// `x` as a legacy array: itself when it is one already, else a legacy array sharing its
/// tensor (anything else is converted as `ndarray(x)` would be). What `nd` functions call
/// on their inputs and on engine results; a 0-d `x` becomes shape `(1,)` unless
/// `keep_shape` (a conversion, such as `as_nd_ndarray()`, keeps `()` as MXNet does).
#[pyfunction]
#[pyo3(name = "_as_legacy", signature = (x, keep_shape = false))]
pub fn as_legacy(py: Python<'_>, x: &Bound<'_, PyAny>, keep_shape: bool) -> PyResult<Py<PyAny>> {
    if is_legacy(x) {
        return Ok(x.clone().unbind());
    }
    let t = to_tensor(x, None, None)?;
    if keep_shape {
        new_as_is(py, t)
    } else {
        new(py, t)
    }
}

/// The dtype of a legacy comparison's 0/1 result: the array operands' (promoted) dtype,
/// float32 when there is none or it is bool (MXNet's legacy arrays compare to numbers).
pub fn compare_dtype(a: Option<DType>, b: Option<DType>) -> DType {
    let d = match (a, b) {
        (Some(a), Some(b)) => DType::promote(a, b),
        (Some(d), None) | (None, Some(d)) => d,
        (None, None) => DType::F32,
    };
    if d == DType::Bool {
        DType::F32
    } else {
        d
    }
}

/// The dtype of `obj` when it is a deepblocks array.
pub fn array_dtype(obj: &Bound<'_, PyAny>) -> Option<DType> {
    obj.cast::<PyArray>().ok().map(|a| a.get().t.dtype())
}

/// The axes a legacy reduction runs over: MXNet's `axis=()` means all axes, and
/// `exclude=True` means every axis *not* listed.
fn legacy_axes(axis: Option<&Bound<'_, PyAny>>, exclude: bool, ndim: usize) -> PyResult<Option<Vec<isize>>> {
    let axes = axes_arg(axis)?.filter(|a| !a.is_empty());
    if !exclude {
        return Ok(axes);
    }
    let Some(axes) = axes else { return Ok(Some(vec![])) };
    let n = ndim as isize;
    let mut skip = vec![false; ndim];
    for a in axes {
        if !(-n..n).contains(&a) {
            return Err(PyIndexError::new_err(format!("axis {a} is out of bounds for array of dimension {ndim}")));
        }
        skip[a.rem_euclid(n) as usize] = true;
    }
    Ok(Some((0..n).filter(|&a| !skip[a as usize]).collect()))
}

/// Resolves MXNet's reshape codes in `target` against the source shape `src`: 0 copies a
/// source dim, -1 is inferred (left for the engine), -2 copies all remaining dims, -3 merges
/// two source dims, -4 splits one source dim into the two values that follow it (one may be
/// -1). `reverse` matches the codes from the right.
fn legacy_shape(src: &[usize], target: &[isize], reverse: bool) -> PyResult<Vec<isize>> {
    let fmt = |v: &[isize]| format!("({})", v.iter().map(|d| d.to_string()).collect::<Vec<_>>().join(", ") + if v.len() == 1 { "," } else { "" });
    let (mut src, mut target): (Vec<isize>, Vec<isize>) = (src.iter().map(|&d| d as isize).collect(), target.to_vec());
    if reverse {
        src.reverse();
        target.reverse();
    }
    let given = |t: &[isize]| if reverse { t.iter().rev().copied().collect::<Vec<_>>() } else { t.to_vec() };
    let need = |i: usize, k: usize| -> PyResult<()> {
        if i + k > src.len() {
            return Err(PyValueError::new_err(format!(
                "reshape: shape {} uses more dimensions than the source shape {} has",
                fmt(&given(&target)),
                fmt(&given(&src))
            )));
        }
        Ok(())
    };
    let (mut out, mut i, mut j, mut inferred) = (Vec::with_capacity(target.len()), 0usize, 0usize, false);
    while j < target.len() {
        match target[j] {
            p if p > 0 => {
                out.push(p);
                i += 1;
            }
            0 => {
                need(i, 1)?;
                out.push(src[i]);
                i += 1;
            }
            -1 => {
                if inferred {
                    return Err(PyValueError::new_err("reshape: only one dimension can be inferred (-1)"));
                }
                inferred = true;
                out.push(-1);
                i += 1;
            }
            -2 => {
                out.extend_from_slice(&src[i.min(src.len())..]);
                i = src.len();
            }
            -3 => {
                need(i, 2)?;
                out.push(src[i] * src[i + 1]);
                i += 2;
            }
            -4 => {
                if j + 2 >= target.len() {
                    return Err(PyValueError::new_err("reshape: -4 must be followed by two dimensions"));
                }
                need(i, 1)?;
                let (d0, mut d1, mut d2) = (src[i], target[j + 1], target[j + 2]);
                if d1 == -1 && d2 > 0 {
                    d1 = d0 / d2;
                } else if d2 == -1 && d1 > 0 {
                    d2 = d0 / d1;
                }
                if d1 <= 0 || d2 <= 0 || d1 * d2 != d0 {
                    return Err(PyValueError::new_err(format!("reshape: cannot split dimension {d0} into ({}, {})", target[j + 1], target[j + 2])));
                }
                out.extend([d1, d2]);
                i += 1;
                j += 2;
            }
            p => return Err(PyValueError::new_err(format!("reshape: invalid dimension {p} in shape {}", fmt(&given(&target))))),
        }
        j += 1;
    }
    if reverse {
        out.reverse();
    }
    Ok(out)
}

/// Index dtypes MXNet hands back unchanged; uint8/bool indices would wrap, so they are float32.
fn arg_dtype(d: DType) -> DType {
    match d {
        DType::F32 | DType::F64 | DType::I32 | DType::I64 => d,
        _ => DType::F32,
    }
}

impl PyArray {
    /// sum/prod/mean with the legacy rules: int32/int64 keep their dtype (NumPy would widen
    /// sums to int64 and means to float64), uint8/bool widen as in NumPy.
    fn legacy_reduce(
        slf: &Bound<'_, Self>,
        op: Option<ReduceOp>,
        axis: Option<&Bound<'_, PyAny>>,
        keepdims: bool,
        exclude: bool,
    ) -> PyResult<Py<PyAny>> {
        let t = &slf.get().t;
        let axes = legacy_axes(axis, exclude, t.ndim())?;
        let keep = matches!(t.dtype(), DType::I32 | DType::I64).then_some(t.dtype());
        let r = super::array::run(slf.py(), t.numel(), || {
            let r = match op {
                Some(op @ (ReduceOp::Max | ReduceOp::Min)) => return t.reduce(op, axes.as_deref(), keepdims),
                Some(op) => t.reduce(op, axes.as_deref(), keepdims)?,
                None => t.mean(axes.as_deref(), keepdims)?,
            };
            match keep {
                Some(d) => r.to_dtype(d),
                None => Ok(r),
            }
        })?;
        result(slf, r)
    }

    fn legacy_arg(slf: &Bound<'_, Self>, axis: Option<&Bound<'_, PyAny>>, keepdims: bool, largest: bool) -> PyResult<Py<PyAny>> {
        let t = &slf.get().t;
        let ax = axis_arg(axis)?;
        let r = super::array::run(slf.py(), t.numel(), || t.arg_extreme_as(ax, largest, keepdims, arg_dtype(t.dtype())))?;
        result(slf, r)
    }
}

/// NDArray's reductions and `astype` (the class takes these as its own methods: the legacy
/// signatures differ from NumPy's, `x.sum(1, True)` is `keepdims=True`). They give legacy
/// arrays whatever the class of `self`.
#[pymethods]
impl PyArray {
    /// Sum over ``axis`` (every axis by default: shape ``(1,)``); ``exclude=True`` sums
    /// over the axes *not* listed; int32/int64 stay int32/int64.
    ///
    /// >>> from deepblocks import nd
    /// >>> nd.array([[1, 2], [3, 4]]).sum(axis=1).asnumpy()
    /// array([3., 7.], dtype=float32)
    /// >>> nd.ones((2, 3)).sum(axis=0, exclude=True).asnumpy()
    /// array([3., 3.], dtype=float32)
    #[pyo3(signature = (axis = None, keepdims = Flag(false), exclude = Flag(false)))]
    fn _legacy_sum(slf: &Bound<'_, Self>, axis: Option<&Bound<'_, PyAny>>, keepdims: Flag, exclude: Flag) -> PyResult<Py<PyAny>> {
        Self::legacy_reduce(slf, Some(ReduceOp::Sum), axis, keepdims.0, exclude.0)
    }

    /// Product over ``axis`` (every axis by default: shape ``(1,)``); ``keepdims`` keeps the
    /// reduced axes; ``exclude=True`` multiplies over the axes *not* listed.
    #[pyo3(signature = (axis = None, keepdims = Flag(false), exclude = Flag(false)))]
    fn _legacy_prod(slf: &Bound<'_, Self>, axis: Option<&Bound<'_, PyAny>>, keepdims: Flag, exclude: Flag) -> PyResult<Py<PyAny>> {
        Self::legacy_reduce(slf, Some(ReduceOp::Prod), axis, keepdims.0, exclude.0)
    }

    /// Mean over ``axis`` (every axis by default: shape ``(1,)``); ``keepdims`` keeps the
    /// reduced axes; ``exclude=True`` averages over the axes *not* listed.
    ///
    /// >>> from deepblocks import nd
    /// >>> nd.array([[1, 5], [3, 2]]).mean(axis=0).asnumpy()
    /// array([2. , 3.5], dtype=float32)
    #[pyo3(signature = (axis = None, keepdims = Flag(false), exclude = Flag(false)))]
    fn _legacy_mean(slf: &Bound<'_, Self>, axis: Option<&Bound<'_, PyAny>>, keepdims: Flag, exclude: Flag) -> PyResult<Py<PyAny>> {
        Self::legacy_reduce(slf, None, axis, keepdims.0, exclude.0)
    }

    /// Maximum over ``axis`` (every axis by default: shape ``(1,)``); ``keepdims`` keeps the
    /// reduced axes; ``exclude=True`` reduces over the axes *not* listed.
    #[pyo3(signature = (axis = None, keepdims = Flag(false), exclude = Flag(false)))]
    fn _legacy_max(slf: &Bound<'_, Self>, axis: Option<&Bound<'_, PyAny>>, keepdims: Flag, exclude: Flag) -> PyResult<Py<PyAny>> {
        Self::legacy_reduce(slf, Some(ReduceOp::Max), axis, keepdims.0, exclude.0)
    }

    /// Minimum over ``axis`` (every axis by default: shape ``(1,)``); ``keepdims`` keeps the
    /// reduced axes; ``exclude=True`` reduces over the axes *not* listed.
    #[pyo3(signature = (axis = None, keepdims = Flag(false), exclude = Flag(false)))]
    fn _legacy_min(slf: &Bound<'_, Self>, axis: Option<&Bound<'_, PyAny>>, keepdims: Flag, exclude: Flag) -> PyResult<Py<PyAny>> {
        Self::legacy_reduce(slf, Some(ReduceOp::Min), axis, keepdims.0, exclude.0)
    }

    /// Indices of the maxima in the data's dtype (MXNet's legacy convention; float32 for
    /// uint8/bool, whose indices would wrap), shape ``(1,)`` for all axes.
    ///
    /// >>> from deepblocks import nd
    /// >>> nd.array([[1, 5], [7, 2]]).argmax(axis=1).asnumpy()
    /// array([1., 0.], dtype=float32)
    #[pyo3(signature = (axis = None, keepdims = Flag(false)))]
    fn _legacy_argmax(slf: &Bound<'_, Self>, axis: Option<&Bound<'_, PyAny>>, keepdims: Flag) -> PyResult<Py<PyAny>> {
        Self::legacy_arg(slf, axis, keepdims.0, true)
    }

    #[pyo3(signature = (axis = None, keepdims = Flag(false)))]
    fn _legacy_argmin(slf: &Bound<'_, Self>, axis: Option<&Bound<'_, PyAny>>, keepdims: Flag) -> PyResult<Py<PyAny>> {
        Self::legacy_arg(slf, axis, keepdims.0, false)
    }

    /// A view with a new shape: ``reshape((2, 3))``, ``reshape(2, 3)`` or ``reshape(shape=(2, 3))``.
    ///
    /// MXNet's codes work: 0 copies a dim, -1 infers one, -2 copies the rest, -3 merges two
    /// dims and -4 splits one (``reverse=True`` applies them from the right).
    ///
    /// >>> from deepblocks import nd
    /// >>> nd.zeros((2, 3, 4)).reshape((0, -1)).shape
    /// (2, 12)
    /// >>> nd.zeros((2, 3, 4)).reshape(-3, -2).shape
    /// (6, 4)
    #[pyo3(signature = (*args, shape = None, reverse = false))]
    fn _legacy_reshape(slf: &Bound<'_, Self>, args: &Bound<'_, PyTuple>, shape: Option<&Bound<'_, PyAny>>, reverse: bool) -> PyResult<Py<PyAny>> {
        let target = match (args.len(), shape) {
            (0, Some(s)) => s.clone(),
            (_, Some(_)) => return Err(PyTypeError::new_err("reshape() got the shape both positionally and as shape=")),
            (1, None) => args.get_item(0)?,
            (_, None) => args.clone().into_any(),
        };
        // A sequence is the common case: try it first (a failed extraction costs an exception).
        let dims: Vec<isize> = if target.is_none() {
            vec![]
        } else if target.cast::<PyTuple>().is_ok() || target.cast::<PyList>().is_ok() {
            shape_arg(&target)?
        } else {
            vec![target.extract::<isize>().map_err(|_| PyTypeError::new_err(format!("reshape(): the shape must be ints, got {}", target.get_type().name().map(|n| n.to_string()).unwrap_or_default())))?]
        };
        if dims.is_empty() {
            return Err(PyTypeError::new_err("reshape() needs a shape"));
        }
        let t = &slf.get().t;
        let dims = if reverse || dims.iter().any(|&d| d <= 0 && d != -1) { legacy_shape(t.shape(), &dims, reverse)? } else { dims };
        result(slf, t.reshape_requested(&dims)?)
    }

    /// A copy converted to ``dtype`` (``copy=False`` returns self when nothing changes).
    #[pyo3(signature = (dtype, copy = true))]
    fn _legacy_astype(slf: &Bound<'_, Self>, dtype: &Bound<'_, PyAny>, copy: bool) -> PyResult<Py<PyAny>> {
        let d = dtype_arg(Some(dtype))?.ok_or_else(|| PyTypeError::new_err("astype() needs a dtype"))?;
        let t = &slf.get().t;
        if !copy && t.dtype() == d {
            return Ok(slf.clone().into_any().unbind());
        }
        let r = super::array::run(slf.py(), t.numel(), || t.astype(d))?;
        result(slf, r)
    }
}

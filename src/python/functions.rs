//! Module-level functions of `deepblocks._core`. The public `np`/`npx`/`nd` namespaces are
//! thin Python wrappers over these, adding NumPy's calling conventions and docstrings.

use super::array::{run, wrap, PyArray};
use super::legacy::check_same_kind;
use super::convert::{
    axes_arg, axis_arg, device_arg, dims_arg, dtype_arg, index_int, index_tensor, py_scalar, shape_arg, stored_scalar, to_tensor,
};
use crate::device::Device;
use crate::dtype::DType;
use crate::error::Error;
use crate::ops::binary::BinaryOp;
use crate::ops::linear::LinearAct;
use crate::ops::shape::Sections;
use crate::ops::unary::UnaryOp;
use crate::tensor::{Scalar, Tensor};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyTuple};

/// The first deepblocks array among `objs`: results take its class.
pub(crate) fn like<'a, 'py>(objs: &[&'a Bound<'py, PyAny>]) -> Option<&'a Bound<'py, PyAny>> {
    objs.iter().copied().find(|o| o.cast::<PyArray>().is_ok())
}

/// The device of the first deepblocks array among `objs`: where the other operands of a
/// function go (a Python scalar or NumPy array next to a GPU array is copied to that GPU).
fn device_of(objs: &[&Bound<'_, PyAny>]) -> Option<crate::Device> {
    like(objs).and_then(|o| o.cast::<PyArray>().ok().map(|a| a.get().t.device()))
}

/// An operand: a deepblocks array as it is (a device mismatch is the operation's error,
/// naming both devices), anything else converted onto `device`.
fn operand(obj: &Bound<'_, PyAny>, device: Option<crate::Device>) -> PyResult<Tensor> {
    match obj.cast::<PyArray>() {
        Ok(a) => Ok(a.get().t.clone()),
        Err(_) => to_tensor(obj, None, device),
    }
}

/// A new array from a creation function: a legacy `NDArray` (`legacy=True`, for `nd`'s
/// functions) or an `ndarray`.
fn made(py: Python<'_>, legacy: bool, t: Tensor) -> PyResult<Py<PyAny>> {
    if legacy {
        super::legacy::new(py, t)
    } else {
        wrap(py, None, t)
    }
}

/// A converted array: as `made`, but a legacy array keeps a 0-d shape (`nd.array(5)` has
/// shape `()` in MXNet, while its operations never give one).
fn converted(py: Python<'_>, legacy: bool, t: Tensor) -> PyResult<Py<PyAny>> {
    if legacy {
        super::legacy::new_as_is(py, t)
    } else {
        wrap(py, None, t)
    }
}

fn default_dtype(d: Option<&Bound<'_, PyAny>>, fallback: DType) -> PyResult<DType> {
    Ok(dtype_arg(d)?.unwrap_or(fallback))
}

/// `np.array`: converts any array-like; copies unless `copy=False` allows sharing. Without
/// `ctx`, `np.array` puts the copy on the current context, as MXNet does, while `asarray`
/// (`copy=False`) leaves an array where it is.
#[pyfunction]
#[pyo3(signature = (object, dtype = None, ctx = None, device = None, copy = true, legacy = false))]
fn array(
    py: Python<'_>,
    object: &Bound<'_, PyAny>,
    dtype: Option<&Bound<'_, PyAny>>,
    ctx: Option<&Bound<'_, PyAny>>,
    device: Option<&Bound<'_, PyAny>>,
    copy: bool,
    legacy: bool,
) -> PyResult<Py<PyAny>> {
    let dt = dtype_arg(dtype)?;
    let mut dev = device_arg(ctx, device)?;
    if let Ok(a) = object.cast::<PyArray>() {
        let t = &a.get().t;
        let explicit = [ctx, device].into_iter().flatten().any(|o| !o.is_none());
        if !copy && !explicit {
            dev = t.device();
        }
        dev.check_available()?;
        let d = dt.unwrap_or(t.dtype());
        let r = if t.device() != dev {
            t.to_device(dev)?.to_dtype(d)?
        } else if copy {
            t.astype(d)?
        } else {
            t.to_dtype(d)?
        };
        return converted(py, legacy, r);
    }
    dev.check_available()?;
    converted(py, legacy, to_tensor(object, dt, Some(dev))?)
}

#[pyfunction]
#[pyo3(signature = (shape, fill_value, dtype = None, ctx = None, device = None, legacy = false))]
fn full(
    py: Python<'_>,
    shape: &Bound<'_, PyAny>,
    fill_value: &Bound<'_, PyAny>,
    dtype: Option<&Bound<'_, PyAny>>,
    ctx: Option<&Bound<'_, PyAny>>,
    device: Option<&Bound<'_, PyAny>>,
    legacy: bool,
) -> PyResult<Py<PyAny>> {
    let dims = dims_arg(shape)?;
    let dev = device_arg(ctx, device)?;
    match py_scalar(fill_value) {
        Some(s) => {
            let fallback = if matches!(s, Scalar::Bool(_)) { DType::Bool } else { DType::F32 };
            let d = default_dtype(dtype, fallback)?;
            stored_scalar(s, d, dev, false)?;
            made(py, legacy, Tensor::full(&dims, s, d, dev)?)
        }
        None => {
            let v = to_tensor(fill_value, dtype_arg(dtype)?, Some(dev))?;
            let out = Tensor::zeros(&dims, v.dtype(), dev)?;
            out.assign(&v)?;
            made(py, legacy, out)
        }
    }
}

#[pyfunction]
#[pyo3(signature = (start, stop = None, step = None, dtype = None, ctx = None, device = None, legacy = false))]
#[allow(clippy::too_many_arguments)]
fn arange(
    py: Python<'_>,
    start: &Bound<'_, PyAny>,
    stop: Option<&Bound<'_, PyAny>>,
    step: Option<&Bound<'_, PyAny>>,
    dtype: Option<&Bound<'_, PyAny>>,
    ctx: Option<&Bound<'_, PyAny>>,
    device: Option<&Bound<'_, PyAny>>,
    legacy: bool,
) -> PyResult<Py<PyAny>> {
    let num = |o: &Bound<'_, PyAny>| -> PyResult<f64> {
        o.extract::<f64>().map_err(|_| PyTypeError::new_err(format!("arange: expected a number, got {}", o.repr().map(|r| r.to_string()).unwrap_or_default())))
    };
    let (a, b) = match stop {
        Some(s) if !s.is_none() => (num(start)?, num(s)?),
        _ => (0.0, num(start)?),
    };
    let st = match step {
        Some(s) if !s.is_none() => num(s)?,
        _ => 1.0,
    };
    let d = default_dtype(dtype, DType::F32)?;
    let dev = device_arg(ctx, device)?;
    made(py, legacy, Tensor::arange(a, b, st, d, dev)?)
}

#[pyfunction]
#[pyo3(signature = (start, stop, num = 50, endpoint = true, dtype = None, ctx = None, device = None, legacy = false))]
#[allow(clippy::too_many_arguments)]
fn linspace(
    py: Python<'_>,
    start: f64,
    stop: f64,
    num: isize,
    endpoint: bool,
    dtype: Option<&Bound<'_, PyAny>>,
    ctx: Option<&Bound<'_, PyAny>>,
    device: Option<&Bound<'_, PyAny>>,
    legacy: bool,
) -> PyResult<Py<PyAny>> {
    let n = usize::try_from(num).map_err(|_| PyValueError::new_err(format!("Number of samples, {num}, must be non-negative.")))?;
    let d = default_dtype(dtype, DType::F32)?;
    made(py, legacy, Tensor::linspace(start, stop, n, endpoint, d, device_arg(ctx, device)?)?)
}

#[pyfunction]
#[pyo3(signature = (n, m = None, k = 0, dtype = None, ctx = None, device = None, legacy = false))]
#[allow(clippy::too_many_arguments)]
fn eye(
    py: Python<'_>,
    n: &Bound<'_, PyAny>,
    m: Option<&Bound<'_, PyAny>>,
    k: isize,
    dtype: Option<&Bound<'_, PyAny>>,
    ctx: Option<&Bound<'_, PyAny>>,
    device: Option<&Bound<'_, PyAny>>,
    legacy: bool,
) -> PyResult<Py<PyAny>> {
    let n = dims_arg(n)?;
    let n = *n.first().ok_or_else(|| PyValueError::new_err("eye: N must be an int"))?;
    let m = match m {
        Some(o) if !o.is_none() => dims_arg(o)?.first().copied().unwrap_or(n),
        _ => n,
    };
    let d = default_dtype(dtype, DType::F32)?;
    made(py, legacy, Tensor::eye(n, m, k, d, device_arg(ctx, device)?)?)
}

/// The unary operation called `name` in the op table (its NumPy name or an alias).
fn unary_op(name: &str) -> PyResult<UnaryOp> {
    UnaryOp::from_name(name).ok_or_else(|| PyValueError::new_err(format!("unknown elementwise function '{name}'")))
}

/// The binary operation called `name` in the op table.
fn binary_op(name: &str) -> PyResult<BinaryOp> {
    BinaryOp::from_name(name).ok_or_else(|| PyValueError::new_err(format!("unknown binary function '{name}'")))
}

/// Elementwise function `name` of `x` (an array-like). `legacy=True` gives a legacy array
/// (`nd.NDArray`, no 0-d results) whatever the class of `x`.
#[pyfunction]
#[pyo3(signature = (x, name, legacy = false))]
fn unary(py: Python<'_>, x: &Bound<'_, PyAny>, name: &str, legacy: bool) -> PyResult<Py<PyAny>> {
    let op = unary_op(name)?;
    let t = to_tensor(x, None, None)?;
    let r = run(py, t.numel(), || t.unary(op))?;
    if legacy {
        return super::legacy::new(py, r);
    }
    wrap(py, like(&[x]), r)
}

/// Elementwise binary function `name`; Python scalars are weakly typed as in NumPy 2.
/// `legacy=True` gives a legacy array whatever the operands' classes, and comparisons and
/// logical functions give 0/1 in the operands' dtype (MXNet's legacy rule).
#[pyfunction]
#[pyo3(signature = (a, b, name, legacy = false))]
fn binary(py: Python<'_>, a: &Bound<'_, PyAny>, b: &Bound<'_, PyAny>, name: &str, legacy: bool) -> PyResult<Py<PyAny>> {
    let op = binary_op(name)?;
    check_same_kind(&[a, b], name)?;
    // Legacy comparisons and logical functions give 0/1 in the operands' dtype.
    let out = (legacy && (op.is_comparison() || op.is_logical()))
        .then(|| super::legacy::compare_dtype(super::legacy::array_dtype(a), super::legacy::array_dtype(b)));
    let r = match (py_scalar(a), py_scalar(b)) {
        (None, Some(s)) => {
            let x = to_tensor(a, None, None)?;
            run(py, x.numel(), || match out {
                None => x.binary_scalar(s, op, false),
                Some(d) => x.binary_scalar_as(s, op, false, d),
            })?
        }
        (Some(s), None) => {
            let y = to_tensor(b, None, None)?;
            run(py, y.numel(), || match out {
                None => y.binary_scalar(s, op, true),
                Some(d) => y.binary_scalar_as(s, op, true, d),
            })?
        }
        _ => {
            let dev = device_of(&[a, b]);
            let (x, y) = (operand(a, dev)?, operand(b, dev)?);
            run(py, x.numel().max(y.numel()), || match out {
                None => x.binary(&y, op),
                Some(d) => x.binary_as(&y, op, d),
            })?
        }
    };
    if legacy {
        return super::legacy::new(py, r);
    }
    wrap(py, like(&[a, b]), r)
}

/// An operand of `where`/`clip`, with Python scalars taking `with`'s dtype when weak.
fn weak_operand(o: &Bound<'_, PyAny>, with: Option<&Tensor>) -> PyResult<Tensor> {
    match (py_scalar(o), with) {
        (Some(s), Some(w)) => Ok(Tensor::from_scalar(s, s.weak_dtype(w.dtype()), w.device())?),
        (_, w) => operand(o, w.map(|w| w.device())),
    }
}

#[pyfunction]
#[pyo3(name = "where_")]
fn where_fn(py: Python<'_>, condition: &Bound<'_, PyAny>, x: &Bound<'_, PyAny>, y: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
    check_same_kind(&[condition, x, y], "where")?;
    let dev = device_of(&[condition, x, y]);
    let c = operand(condition, dev)?;
    let (xs, ys) = (py_scalar(x).is_some(), py_scalar(y).is_some());
    let (xt, yt) = match (xs, ys) {
        (false, _) => {
            let xt = operand(x, dev)?;
            let yt = weak_operand(y, Some(&xt))?;
            (xt, yt)
        }
        (true, false) => {
            let yt = operand(y, dev)?;
            (weak_operand(x, Some(&yt))?, yt)
        }
        (true, true) => (operand(x, dev)?, operand(y, dev)?),
    };
    let r = run(py, c.numel().max(xt.numel()), || Tensor::where_(&c, &xt, &yt))?;
    wrap(py, like(&[condition, x, y]), r)
}

fn tensors<'py>(seq: &Bound<'py, PyAny>, what: &str) -> PyResult<(Vec<Tensor>, Option<Bound<'py, PyAny>>)> {
    let items: Vec<Bound<'py, PyAny>> = seq.try_iter()?.collect::<PyResult<_>>()?;
    check_same_kind(&items.iter().collect::<Vec<_>>(), what)?;
    let first = items.iter().find(|i| i.cast::<PyArray>().is_ok()).cloned();
    let dev = first.as_ref().and_then(|f| device_of(&[f]));
    let out = items.iter().map(|i| operand(i, dev)).collect::<PyResult<Vec<_>>>()?;
    Ok((out, first))
}

#[pyfunction]
#[pyo3(signature = (seq, axis = Some(0)))]
fn concatenate(py: Python<'_>, seq: &Bound<'_, PyAny>, axis: Option<isize>) -> PyResult<Py<PyAny>> {
    let (ts, first) = tensors(seq, "concatenate")?;
    let work = ts.iter().fold(0usize, |a, t| a.saturating_add(t.numel()));
    let r = run(py, work, || Tensor::concatenate(&ts, axis))?;
    wrap(py, first.as_ref(), r)
}

#[pyfunction]
#[pyo3(signature = (seq, axis = 0))]
fn stack(py: Python<'_>, seq: &Bound<'_, PyAny>, axis: isize) -> PyResult<Py<PyAny>> {
    let (ts, first) = tensors(seq, "stack")?;
    let work = ts.iter().fold(0usize, |a, t| a.saturating_add(t.numel()));
    let r = run(py, work, || Tensor::stack(&ts, axis))?;
    wrap(py, first.as_ref(), r)
}

/// `np.split` (`nearly=False`) and `np.array_split` (`nearly=True`).
#[pyfunction]
#[pyo3(signature = (ary, indices_or_sections, axis = 0, nearly = false))]
fn split<'py>(py: Python<'py>, ary: &Bound<'py, PyAny>, indices_or_sections: &Bound<'py, PyAny>, axis: isize, nearly: bool) -> PyResult<Bound<'py, PyList>> {
    let t = to_tensor(ary, None, None)?;
    let sections = match index_int(indices_or_sections) {
        Ok(n) => {
            let n = usize::try_from(n).map_err(|_| PyValueError::new_err("number sections must be larger than 0."))?;
            if nearly {
                Sections::Nearly(n)
            } else {
                Sections::Equal(n)
            }
        }
        Err(_) => Sections::Indices(shape_arg(indices_or_sections)?),
    };
    let parts = t.split(&sections, axis)?;
    let items = parts.into_iter().map(|p| wrap(py, like(&[ary]), p)).collect::<PyResult<Vec<_>>>()?;
    PyList::new(py, items)
}

#[pyfunction]
fn tile(py: Python<'_>, a: &Bound<'_, PyAny>, reps: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
    let t = to_tensor(a, None, None)?;
    let r = dims_arg(reps)?;
    let out = run(py, r.iter().fold(t.numel(), |a, &k| a.saturating_mul(k)), || t.tile(&r))?;
    wrap(py, like(&[a]), out)
}

#[pyfunction]
#[pyo3(signature = (m, axis = None))]
fn flip(py: Python<'_>, m: &Bound<'_, PyAny>, axis: Option<&Bound<'_, PyAny>>) -> PyResult<Py<PyAny>> {
    let t = to_tensor(m, None, None)?;
    let ax = axes_arg(axis)?;
    wrap(py, like(&[m]), t.flip(ax.as_deref())?)
}

#[pyfunction]
fn moveaxis(py: Python<'_>, a: &Bound<'_, PyAny>, source: &Bound<'_, PyAny>, destination: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
    let t = to_tensor(a, None, None)?;
    let (s, d) = (shape_arg(source)?, shape_arg(destination)?);
    wrap(py, like(&[a]), t.moveaxis(&s, &d)?)
}

#[pyfunction]
fn matmul(py: Python<'_>, a: &Bound<'_, PyAny>, b: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
    check_same_kind(&[a, b], "matmul")?;
    let (x, y) = (to_tensor(a, None, None)?, to_tensor(b, None, None)?);
    let r = run(py, x.numel().max(y.numel()).saturating_mul(16), || x.matmul(&y))?;
    wrap(py, like(&[a, b]), r)
}

/// `act(x @ weight.T + bias)` in one op (`act` is None or "relu"): the Dense layer's forward.
#[pyfunction]
#[pyo3(signature = (x, weight, bias = None, act = None))]
fn linear(
    py: Python<'_>,
    x: &Bound<'_, PyAny>,
    weight: &Bound<'_, PyAny>,
    bias: Option<&Bound<'_, PyAny>>,
    act: Option<&str>,
) -> PyResult<Py<PyAny>> {
    let act = match act {
        None => LinearAct::Identity,
        Some("relu") => LinearAct::Relu,
        Some(other) => return Err(PyValueError::new_err(format!("linear: act must be None or 'relu', got {other:?}"))),
    };
    let (xt, wt) = (to_tensor(x, None, None)?, to_tensor(weight, None, None)?);
    let bt = match bias {
        Some(b) => Some(to_tensor(b, None, None)?),
        None => None,
    };
    let work = xt.shape().first().copied().unwrap_or(1).saturating_mul(wt.numel());
    let r = run(py, work, || xt.linear(&wt, bt.as_ref(), act))?;
    wrap(py, like(&[x]), r)
}

#[pyfunction]
fn dot(py: Python<'_>, a: &Bound<'_, PyAny>, b: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
    check_same_kind(&[a, b], "dot")?;
    let (x, y) = (to_tensor(a, None, None)?, to_tensor(b, None, None)?);
    let r = run(py, x.numel().max(y.numel()).saturating_mul(16), || x.dot(&y))?;
    wrap(py, like(&[a, b]), r)
}

#[pyfunction]
fn outer(py: Python<'_>, a: &Bound<'_, PyAny>, b: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
    check_same_kind(&[a, b], "outer")?;
    let (x, y) = (to_tensor(a, None, None)?, to_tensor(b, None, None)?);
    let r = run(py, x.numel().saturating_mul(y.numel()), || x.outer(&y))?;
    wrap(py, like(&[a, b]), r)
}

/// `np.tril` (`upper=False`) and `np.triu` (`upper=True`).
#[pyfunction]
#[pyo3(signature = (m, k = 0, upper = false))]
fn triangle(py: Python<'_>, m: &Bound<'_, PyAny>, k: i64, upper: bool) -> PyResult<Py<PyAny>> {
    let t = to_tensor(m, None, None)?;
    let r = run(py, t.numel(), || if upper { t.triu(k) } else { t.tril(k) })?;
    wrap(py, like(&[m]), r)
}

#[pyfunction]
#[pyo3(signature = (a, indices, axis = None))]
pub(crate) fn take(py: Python<'_>, a: &Bound<'_, PyAny>, indices: &Bound<'_, PyAny>, axis: Option<&Bound<'_, PyAny>>) -> PyResult<Py<PyAny>> {
    let t = to_tensor(a, None, None)?;
    let i = whole_indices(index_tensor(indices, None)?)?;
    let ax = axis_arg(axis)?;
    let r = run(py, i.numel(), || t.take(&i, ax))?;
    wrap(py, like(&[a]), r)
}

/// Indices for `take`: integers, or floats holding whole numbers (MXNet's `np.array([0, 2])`
/// is float32, and MXNet takes with it), which become int64.
fn whole_indices(i: Tensor) -> PyResult<Tensor> {
    if i.dtype().is_int() {
        return Ok(i);
    }
    let bad = || PyTypeError::new_err(format!("take: indices must be integers (or whole numbers), got {} values that are not", i.dtype()));
    if !i.dtype().is_float() {
        return Err(bad());
    }
    let ints = i.astype(DType::I64)?;
    let same = ints.astype(i.dtype())?.binary(&i, BinaryOp::Eq)?.reduce(crate::ops::reduce::ReduceOp::All, None, false)?;
    if !same.item::<bool>()? {
        return Err(bad());
    }
    Ok(ints)
}

// ---- random ------------------------------------------------------------------------------

#[pyfunction]
fn seed(seed: &Bound<'_, PyAny>) -> PyResult<()> {
    let s: i128 = seed.extract().map_err(|_| PyTypeError::new_err("seed must be an integer"))?;
    if s < 0 || s > u64::MAX as i128 {
        return Err(PyValueError::new_err(format!("seed must be between 0 and 2**64 - 1, got {s}")));
    }
    crate::ops::random::seed(s as u64);
    Ok(())
}

fn size_arg(size: Option<&Bound<'_, PyAny>>) -> PyResult<Vec<usize>> {
    match size {
        None => Ok(vec![]),
        Some(s) if s.is_none() => Ok(vec![]),
        Some(s) => dims_arg(s),
    }
}

fn random_device(ctx: Option<&Bound<'_, PyAny>>, device: Option<&Bound<'_, PyAny>>) -> PyResult<Device> {
    device_arg(ctx, device)
}

#[pyfunction]
#[pyo3(signature = (low = 0.0, high = 1.0, size = None, dtype = None, ctx = None, device = None))]
fn uniform(
    py: Python<'_>,
    low: f64,
    high: f64,
    size: Option<&Bound<'_, PyAny>>,
    dtype: Option<&Bound<'_, PyAny>>,
    ctx: Option<&Bound<'_, PyAny>>,
    device: Option<&Bound<'_, PyAny>>,
) -> PyResult<Py<PyAny>> {
    let shape = size_arg(size)?;
    let d = default_dtype(dtype, DType::F32)?;
    let dev = random_device(ctx, device)?;
    let n = shape.iter().fold(1usize, |a, &d| a.saturating_mul(d));
    wrap(py, None, run(py, n, || Tensor::rand_uniform(low, high, &shape, d, dev))?)
}

#[pyfunction]
#[pyo3(signature = (loc = 0.0, scale = 1.0, size = None, dtype = None, ctx = None, device = None))]
fn normal(
    py: Python<'_>,
    loc: f64,
    scale: f64,
    size: Option<&Bound<'_, PyAny>>,
    dtype: Option<&Bound<'_, PyAny>>,
    ctx: Option<&Bound<'_, PyAny>>,
    device: Option<&Bound<'_, PyAny>>,
) -> PyResult<Py<PyAny>> {
    let shape = size_arg(size)?;
    let d = default_dtype(dtype, DType::F32)?;
    let dev = random_device(ctx, device)?;
    let n = shape.iter().fold(1usize, |a, &d| a.saturating_mul(d));
    wrap(py, None, run(py, n, || Tensor::rand_normal(loc, scale, &shape, d, dev))?)
}

#[pyfunction]
#[pyo3(signature = (low, high = None, size = None, dtype = None, ctx = None, device = None))]
fn randint(
    py: Python<'_>,
    low: i64,
    high: Option<i64>,
    size: Option<&Bound<'_, PyAny>>,
    dtype: Option<&Bound<'_, PyAny>>,
    ctx: Option<&Bound<'_, PyAny>>,
    device: Option<&Bound<'_, PyAny>>,
) -> PyResult<Py<PyAny>> {
    let (lo, hi) = match high {
        Some(h) => (low, h),
        None => (0, low),
    };
    let shape = size_arg(size)?;
    let d = default_dtype(dtype, DType::I64)?;
    let dev = random_device(ctx, device)?;
    wrap(py, None, Tensor::rand_int(lo, hi, &shape, d, dev)?)
}

#[pyfunction]
#[pyo3(signature = (a, size = None, replace = true, p = None))]
fn choice(py: Python<'_>, a: &Bound<'_, PyAny>, size: Option<&Bound<'_, PyAny>>, replace: bool, p: Option<&Bound<'_, PyAny>>) -> PyResult<Py<PyAny>> {
    let shape = size_arg(size)?;
    let probs = match p {
        Some(p) if !p.is_none() => Some(to_tensor(p, Some(DType::F64), None)?),
        _ => None,
    };
    if let Ok(n) = index_int(a) {
        let n = usize::try_from(n).map_err(|_| PyValueError::new_err("a must be a positive integer unless no samples are taken"))?;
        return wrap(py, None, Tensor::rand_choice(n, &shape, replace, probs.as_ref())?);
    }
    let pool = to_tensor(a, None, None)?;
    if pool.ndim() != 1 {
        return Err(PyValueError::new_err("a must be 1-dimensional or an integer"));
    }
    let idx = Tensor::rand_choice(pool.numel(), &shape, replace, probs.as_ref())?;
    wrap(py, like(&[a]), pool.take(&idx, Some(0))?)
}

#[pyfunction]
fn shuffle(x: &Bound<'_, PyAny>) -> PyResult<()> {
    let a = x.cast::<PyArray>().map_err(|_| PyTypeError::new_err("shuffle needs a deepblocks array"))?;
    Ok(a.get().t.rand_shuffle()?)
}

#[pyfunction]
fn permutation(py: Python<'_>, x: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
    if let Ok(n) = index_int(x) {
        let n = usize::try_from(n).map_err(|_| PyValueError::new_err("permutation: n must be non-negative"))?;
        return wrap(py, None, Tensor::rand_permutation(n)?);
    }
    let t = to_tensor(x, None, None)?;
    if t.ndim() == 0 {
        return Err(Error::Value("permutation needs an integer or an array of at least one dimension".into()).into());
    }
    let perm = Tensor::rand_permutation(t.shape()[0])?;
    wrap(py, like(&[x]), t.take(&perm, Some(0))?)
}

/// What this build is and runs on: version, features, SIMD, threads, devices.
#[pyfunction]
fn build_info(py: Python<'_>) -> PyResult<Bound<'_, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("version", env!("CARGO_PKG_VERSION"))?;
    let mut features = vec!["python"];
    if cfg!(feature = "cuda") {
        features.push("cuda");
    }
    d.set_item("features", PyTuple::new(py, features)?)?;
    d.set_item("simd", crate::cpu::simd_level())?;
    d.set_item("threads", crate::cpu::pool::num_threads())?;
    d.set_item("num_gpus", Device::num_gpus())?;
    Ok(d)
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(array, m)?)?;
    m.add_function(wrap_pyfunction!(full, m)?)?;
    m.add_function(wrap_pyfunction!(arange, m)?)?;
    m.add_function(wrap_pyfunction!(linspace, m)?)?;
    m.add_function(wrap_pyfunction!(eye, m)?)?;
    m.add_function(wrap_pyfunction!(unary, m)?)?;
    m.add_function(wrap_pyfunction!(binary, m)?)?;
    m.add_function(wrap_pyfunction!(where_fn, m)?)?;
    m.add_function(wrap_pyfunction!(concatenate, m)?)?;
    m.add_function(wrap_pyfunction!(stack, m)?)?;
    m.add_function(wrap_pyfunction!(split, m)?)?;
    m.add_function(wrap_pyfunction!(tile, m)?)?;
    m.add_function(wrap_pyfunction!(flip, m)?)?;
    m.add_function(wrap_pyfunction!(moveaxis, m)?)?;
    m.add_function(wrap_pyfunction!(matmul, m)?)?;
    m.add_function(wrap_pyfunction!(linear, m)?)?;
    m.add_function(wrap_pyfunction!(dot, m)?)?;
    m.add_function(wrap_pyfunction!(outer, m)?)?;
    m.add_function(wrap_pyfunction!(take, m)?)?;
    m.add_function(wrap_pyfunction!(triangle, m)?)?;
    m.add_function(wrap_pyfunction!(seed, m)?)?;
    m.add_function(wrap_pyfunction!(uniform, m)?)?;
    m.add_function(wrap_pyfunction!(normal, m)?)?;
    m.add_function(wrap_pyfunction!(randint, m)?)?;
    m.add_function(wrap_pyfunction!(choice, m)?)?;
    m.add_function(wrap_pyfunction!(shuffle, m)?)?;
    m.add_function(wrap_pyfunction!(permutation, m)?)?;
    m.add_function(wrap_pyfunction!(build_info, m)?)?;
    Ok(())
}

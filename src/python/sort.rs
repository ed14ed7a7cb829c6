//! Bindings of sorting: `sort`, `argsort` and `topk` (functions of `_core`), and the
//! `ndarray.sort` (in place, as NumPy's) and `ndarray.argsort` methods. `np`, `npx` and `nd`
//! add their argument conventions in Python (numpy/__init__.py, numpy_extension/sort.py,
//! ndarray/sort.py).

use super::array::{run, wrap, PyArray};
use super::convert::{axis_arg, to_tensor};
use super::functions::like;
use crate::ops::index::Index;
use crate::tensor::Tensor;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyTuple;

/// NumPy's `kind` (every kind gives the same, stable, result here) and `order` (only for
/// structured arrays, which deepblocks does not have).
fn check_kind(kind: Option<&str>, order: Option<&Bound<'_, PyAny>>) -> PyResult<()> {
    if let Some(k) = kind {
        if !["quicksort", "mergesort", "heapsort", "stable"].contains(&k) {
            return Err(PyValueError::new_err(format!(
                "sort kind must be one of 'quicksort', 'mergesort', 'heapsort' or 'stable' (got {k:?})"
            )));
        }
    }
    if order.is_some_and(|o| !o.is_none()) {
        return Err(PyValueError::new_err("Cannot specify order when the array has no fields."));
    }
    Ok(())
}

/// Elements compared while sorting `t` (for releasing the GIL on big sorts).
fn work(t: &Tensor) -> usize {
    t.numel().saturating_mul((usize::BITS - t.numel().leading_zeros()) as usize)
}

/// `np.sort`: a sorted copy along `axis` (flattened for None); `descending` for `nd.sort`.
#[pyfunction]
#[pyo3(signature = (a, axis = None, kind = None, order = None, descending = false))]
fn sort(py: Python<'_>, a: &Bound<'_, PyAny>, axis: Option<&Bound<'_, PyAny>>, kind: Option<&str>, order: Option<&Bound<'_, PyAny>>, descending: bool) -> PyResult<Py<PyAny>> {
    check_kind(kind, order)?;
    let t = to_tensor(a, None, None)?;
    let ax = axis_arg(axis)?;
    let r = run(py, work(&t), || t.sort(ax, descending))?;
    wrap(py, like(&[a]), r)
}

/// `np.argsort`: int64 positions that sort `a` along `axis` (flattened for None).
#[pyfunction]
#[pyo3(signature = (a, axis = None, kind = None, order = None, descending = false))]
fn argsort(py: Python<'_>, a: &Bound<'_, PyAny>, axis: Option<&Bound<'_, PyAny>>, kind: Option<&str>, order: Option<&Bound<'_, PyAny>>, descending: bool) -> PyResult<Py<PyAny>> {
    check_kind(kind, order)?;
    let t = to_tensor(a, None, None)?;
    let ax = axis_arg(axis)?;
    let r = run(py, work(&t), || t.argsort(ax, descending))?;
    wrap(py, like(&[a]), r)
}

/// `(values, indices)` of the `k` largest (smallest unless `descending`) elements along
/// `axis` (flattened for None), indices int64; `k <= 0` takes the whole axis. With `mask`,
/// a third array: `a`'s shape and dtype, 1 at the chosen positions and 0 elsewhere.
#[pyfunction]
#[pyo3(signature = (a, axis = None, k = 1, descending = true, mask = false))]
fn topk<'py>(py: Python<'py>, a: &Bound<'py, PyAny>, axis: Option<&Bound<'py, PyAny>>, k: i64, descending: bool, mask: bool) -> PyResult<Bound<'py, PyTuple>> {
    let t = to_tensor(a, None, None)?;
    let ax = axis_arg(axis)?;
    let (values, indices, m) = run(py, work(&t), || {
        let (v, i) = t.topk(ax, k, descending)?;
        let m = if mask { Some(crate::autograd::paused(|| t.topk_mask(ax, &i))?) } else { None };
        Ok((v, i, m))
    })?;
    let like = like(&[a]);
    let mut out = vec![wrap(py, like, values)?, wrap(py, like, indices)?];
    if let Some(m) = m {
        out.push(wrap(py, like, m)?);
    }
    PyTuple::new(py, out)
}

/// NumPy's `ndarray.sort` and `ndarray.argsort`.
#[pymethods]
impl PyArray {
    /// Sorts the array in place along ``axis`` (stable; NaN last), as NumPy's
    /// ``ndarray.sort``; a view sorts the elements it sees, in its base.
    ///
    /// >>> from deepblocks import np
    /// >>> x = np.array([[3, 1, 2], [0, 5, 4]])
    /// >>> x.sort()
    /// >>> x
    /// array([[1., 2., 3.],
    ///        [0., 4., 5.]])
    /// >>> x.T.sort(axis=1)
    /// >>> x
    /// array([[0., 2., 3.],
    ///        [1., 4., 5.]])
    #[pyo3(signature = (axis = -1, kind = None, order = None))]
    fn sort(slf: &Bound<'_, Self>, axis: isize, kind: Option<&str>, order: Option<&Bound<'_, PyAny>>) -> PyResult<()> {
        check_kind(kind, order)?;
        let t = &slf.get().t;
        run(slf.py(), work(t), || t.index_set(&[Index::Ellipsis], &t.sort(Some(axis), false)?))
    }

    /// The int64 positions that sort the array along ``axis`` (``np.argsort``; flattened
    /// for ``axis=None``).
    ///
    /// >>> from deepblocks import np
    /// >>> np.array([3.0, 1.0, 2.0]).argsort()
    /// array([1, 2, 0], dtype=int64)
    #[pyo3(signature = (axis = Some(-1), kind = None, order = None))]
    fn argsort(slf: &Bound<'_, Self>, axis: Option<isize>, kind: Option<&str>, order: Option<&Bound<'_, PyAny>>) -> PyResult<Py<PyAny>> {
        check_kind(kind, order)?;
        let t = &slf.get().t;
        let r = run(slf.py(), work(t), || t.argsort(axis, false))?;
        wrap(slf.py(), Some(slf.as_any()), r)
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(sort, m)?)?;
    m.add_function(wrap_pyfunction!(argsort, m)?)?;
    m.add_function(wrap_pyfunction!(topk, m)?)?;
    Ok(())
}

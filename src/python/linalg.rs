//! Bindings of the factorizations of `ops/linalg.rs` (`_core.linalg_*`). Argument rules
//! (NumPy's broadcasting of `solve`, `UPLO`, modes) and gradients live in
//! `python/deepblocks/numpy/linalg.py`; a factorization that fails on its matrix raises that
//! module's `LinAlgError`.

use super::array::{run, wrap};
use super::convert::to_tensor;
use crate::error::Error;
use crate::ops::linalg::{LinAlgFailure, QrMode};
use crate::tensor::Tensor;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyTuple;

/// Engine errors as Python ones, with a [`LinAlgFailure`] as `deepblocks.numpy.linalg.LinAlgError`.
fn raise(py: Python<'_>, e: PyErr, failure: Option<String>) -> PyErr {
    match failure {
        Some(msg) => match py.import("deepblocks.numpy.linalg").and_then(|m| m.getattr("LinAlgError")) {
            // A LinAlgError rebound to something that is not a class: a ValueError still says why.
            Ok(cls) => match cls.cast_into::<pyo3::types::PyType>() {
                Ok(cls) => PyErr::from_type(cls, msg),
                Err(_) => PyValueError::new_err(msg),
            },
            Err(err) => err,
        },
        None => e,
    }
}

/// Runs a factorization with the GIL released when it is large.
fn call<R: Send>(py: Python<'_>, x: &Tensor, f: impl FnOnce() -> crate::Result<R> + Send) -> PyResult<R> {
    let n = x.shape().last().copied().unwrap_or(1);
    let work = x.numel().saturating_mul(n);
    let mut failure = None;
    let r = run(py, work, || {
        f().map_err(|e| {
            if let Error::Foreign(ref fo) = e {
                if let Some(LinAlgFailure(m)) = fo.downcast_ref::<LinAlgFailure>() {
                    failure = Some(m.clone());
                }
            }
            e
        })
    });
    r.map_err(|e| raise(py, e, failure))
}

fn tuple<'py>(py: Python<'py>, like: &Bound<'py, PyAny>, ts: Vec<Tensor>) -> PyResult<Bound<'py, PyTuple>> {
    let out = ts.into_iter().map(|t| wrap(py, Some(like), t)).collect::<PyResult<Vec<_>>>()?;
    PyTuple::new(py, out)
}

#[pyfunction]
fn linalg_inv(py: Python<'_>, a: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
    let t = to_tensor(a, None, None)?;
    let r = call(py, &t, || t.inv())?;
    wrap(py, Some(a), r)
}

/// `a` (..., n, n) and `b` (..., n, k) with equal leading axes.
#[pyfunction]
fn linalg_solve(py: Python<'_>, a: &Bound<'_, PyAny>, b: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
    let t = to_tensor(a, None, None)?;
    let u = to_tensor(b, None, None)?;
    let r = call(py, &t, || t.solve(&u))?;
    wrap(py, Some(a), r)
}

#[pyfunction]
fn linalg_det(py: Python<'_>, a: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
    let t = to_tensor(a, None, None)?;
    let r = call(py, &t, || t.det())?;
    wrap(py, Some(a), r)
}

#[pyfunction]
fn linalg_slogdet<'py>(py: Python<'py>, a: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTuple>> {
    let t = to_tensor(a, None, None)?;
    let (s, l) = call(py, &t, || t.slogdet())?;
    tuple(py, a, vec![s, l])
}

#[pyfunction]
#[pyo3(signature = (a, upper = false))]
fn linalg_cholesky(py: Python<'_>, a: &Bound<'_, PyAny>, upper: bool) -> PyResult<Py<PyAny>> {
    let t = to_tensor(a, None, None)?;
    let r = call(py, &t, || t.cholesky(upper))?;
    wrap(py, Some(a), r)
}

/// `mode`: 'reduced', 'complete' or 'r'.
#[pyfunction]
#[pyo3(signature = (a, mode = "reduced"))]
fn linalg_qr<'py>(py: Python<'py>, a: &Bound<'py, PyAny>, mode: &str) -> PyResult<Bound<'py, PyTuple>> {
    let mode = match mode {
        "reduced" => QrMode::Reduced,
        "complete" => QrMode::Complete,
        "r" => QrMode::R,
        other => return Err(PyValueError::new_err(format!("qr: unrecognized mode {other:?} (expected 'reduced', 'complete' or 'r')"))),
    };
    let t = to_tensor(a, None, None)?;
    let r = call(py, &t, || t.qr(mode))?;
    tuple(py, a, r)
}

#[pyfunction]
#[pyo3(signature = (a, full_matrices = true, compute_uv = true))]
fn linalg_svd<'py>(py: Python<'py>, a: &Bound<'py, PyAny>, full_matrices: bool, compute_uv: bool) -> PyResult<Bound<'py, PyTuple>> {
    let t = to_tensor(a, None, None)?;
    let r = call(py, &t, || t.svd(full_matrices, compute_uv))?;
    tuple(py, a, r)
}

#[pyfunction]
#[pyo3(signature = (a, upper = false, compute_v = true))]
fn linalg_eigh<'py>(py: Python<'py>, a: &Bound<'py, PyAny>, upper: bool, compute_v: bool) -> PyResult<Bound<'py, PyTuple>> {
    let t = to_tensor(a, None, None)?;
    let r = call(py, &t, || t.eigh(upper, compute_v))?;
    tuple(py, a, r)
}

#[pyfunction]
#[pyo3(signature = (a, compute_v = true))]
fn linalg_eig<'py>(py: Python<'py>, a: &Bound<'py, PyAny>, compute_v: bool) -> PyResult<Bound<'py, PyTuple>> {
    let t = to_tensor(a, None, None)?;
    let r = call(py, &t, || t.eig(compute_v))?;
    tuple(py, a, r)
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(linalg_inv, m)?)?;
    m.add_function(wrap_pyfunction!(linalg_solve, m)?)?;
    m.add_function(wrap_pyfunction!(linalg_det, m)?)?;
    m.add_function(wrap_pyfunction!(linalg_slogdet, m)?)?;
    m.add_function(wrap_pyfunction!(linalg_cholesky, m)?)?;
    m.add_function(wrap_pyfunction!(linalg_qr, m)?)?;
    m.add_function(wrap_pyfunction!(linalg_svd, m)?)?;
    m.add_function(wrap_pyfunction!(linalg_eigh, m)?)?;
    m.add_function(wrap_pyfunction!(linalg_eig, m)?)?;
    Ok(())
}

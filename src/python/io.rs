//! File bindings: `_core.save_tensors` / `_core.load_tensors`, used by `npx.save`/`npx.load`
//! and `nd.save`/`nd.load` (which add the list/dict structure in the metadata), and
//! `_core.is_mxnet_file` / `_core.load_mxnet` for MXNet's own `.params` files.

use super::array::{run, wrap, PyArray};
use crate::tensor::Tensor;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyTuple};
use std::collections::HashMap;
use std::path::PathBuf;

/// Saves `(name, array)` pairs and string metadata to `path`, atomically.
#[pyfunction]
fn save_tensors(py: Python<'_>, path: PathBuf, items: &Bound<'_, PyAny>, metadata: HashMap<String, String>) -> PyResult<()> {
    let mut tensors: Vec<(String, Tensor)> = Vec::new();
    for item in items.try_iter()? {
        let (name, arr): (String, Bound<'_, PyAny>) = item?.extract()?;
        let a = arr.cast::<PyArray>().map_err(|_| {
            PyTypeError::new_err(format!("save: {name:?} is a {}, not an array", arr.get_type().name().map(|n| n.to_string()).unwrap_or_default()))
        })?;
        tensors.push((name, a.get().t.clone()));
    }
    let work = tensors.iter().fold(0usize, |a, (_, t)| a.saturating_add(t.numel()));
    run(py, work, || crate::io::save(&path, &tensors, &metadata))
}

/// Loads a file: a list of `(name, array)` pairs in name order, and the metadata dict.
#[pyfunction]
fn load_tensors<'py>(py: Python<'py>, path: PathBuf) -> PyResult<Bound<'py, PyTuple>> {
    let (tensors, metadata) = py.detach(|| crate::io::load(&path))?;
    let items = PyList::empty(py);
    for (name, t) in tensors {
        items.append((name, wrap(py, None, t)?))?;
    }
    let meta = PyDict::new(py);
    for (k, v) in metadata {
        meta.set_item(k, v)?;
    }
    PyTuple::new(py, [items.into_any(), meta.into_any()])
}

/// Whether `path` is an MXNet NDArray-list file (`nd.save`, `save_parameters`).
#[pyfunction]
fn is_mxnet_file(path: PathBuf) -> bool {
    crate::io::mxnet::is_mxnet_file(&path)
}

/// Loads an MXNet NDArray-list file: `(arrays, names)`, names empty when it holds a list.
#[pyfunction]
fn load_mxnet<'py>(py: Python<'py>, path: PathBuf) -> PyResult<Bound<'py, PyTuple>> {
    let (tensors, names) = py.detach(|| crate::io::mxnet::load(&path))?;
    let arrays = PyList::empty(py);
    for t in tensors {
        arrays.append(wrap(py, None, t)?)?;
    }
    PyTuple::new(py, [arrays.into_any(), PyList::new(py, names)?.into_any()])
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(save_tensors, m)?)?;
    m.add_function(wrap_pyfunction!(load_tensors, m)?)?;
    m.add_function(wrap_pyfunction!(is_mxnet_file, m)?)?;
    m.add_function(wrap_pyfunction!(load_mxnet, m)?)?;
    Ok(())
}

//! Python index expressions (`x[1, ::-1, None, ...]`, `x[[0, 2]]`, `x[mask]`) as engine
//! `Index` items.

use super::array::PyArray;
use super::convert::{numpy, to_tensor};
use crate::device::Device;
use crate::dtype::DType;
use crate::ops::index::Index;
use crate::tensor::Tensor;
use pyo3::exceptions::PyIndexError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyEllipsis, PyInt, PyList, PySlice, PyTuple};

fn bound(obj: Bound<'_, PyAny>) -> PyResult<Option<isize>> {
    if obj.is_none() {
        return Ok(None);
    }
    // Huge bounds (`x[:10**20]`) clamp like Python's own slices.
    match obj.extract::<isize>() {
        Ok(v) => Ok(Some(v)),
        Err(_) => {
            let i = obj.call_method0("__index__").map_err(|_| {
                PyIndexError::new_err("slice indices must be integers or None or have an __index__ method")
            })?;
            let positive = i.gt(0)?;
            Ok(Some(if positive { isize::MAX / 2 } else { isize::MIN / 2 }))
        }
    }
}

fn item(obj: &Bound<'_, PyAny>, device: Device, float_arrays: bool) -> PyResult<Index> {
    if let Ok(i) = obj.cast_exact::<PyInt>() {
        return Ok(Index::Int(i.extract()?));
    }
    if let Ok(s) = obj.cast::<PySlice>() {
        return Ok(Index::Slice {
            start: bound(s.getattr("start")?)?,
            stop: bound(s.getattr("stop")?)?,
            step: bound(s.getattr("step")?)?,
        });
    }
    if obj.is_none() {
        return Ok(Index::NewAxis);
    }
    if obj.cast::<PyEllipsis>().is_ok() {
        return Ok(Index::Ellipsis);
    }
    if let Ok(b) = obj.cast::<PyBool>() {
        // `x[True]` adds an axis (a 0-d mask), as in NumPy.
        return Ok(Index::Array(Tensor::scalar(b.is_true())));
    }
    if let Ok(a) = obj.cast::<PyArray>() {
        let t = match a.get().t.dtype() {
            // MXNet's legacy arrays index with float arrays (their indices are floats).
            DType::F32 | DType::F64 if float_arrays => a.get().t.astype(DType::I64)?,
            DType::F32 | DType::F64 => return Err(invalid()),
            _ => a.get().t.clone(),
        };
        return match t.dtype() {
            // A 0-d integer array is an integer index (a view), as in NumPy.
            d if d.is_int() && t.ndim() == 0 => Ok(Index::Int(t.item::<i64>()? as isize)),
            _ => Ok(Index::Array(t)),
        };
    }
    if let Ok(i) = obj.cast::<PyInt>() {
        return Ok(Index::Int(i.extract()?));
    }
    let np = numpy(obj.py())?;
    let is_np = obj.is_instance(&np.getattr("ndarray")?)? || obj.is_instance(&np.getattr("generic")?)?;
    if obj.cast::<PyList>().is_ok() || is_np {
        let parsed = np.getattr("asarray")?.call1((obj,))?;
        let kind: String = parsed.getattr("dtype")?.getattr("kind")?.extract()?;
        let dtype = match kind.as_str() {
            "b" => DType::Bool,
            "i" | "u" => DType::I64,
            // An empty list is float64 to NumPy; as an index it selects nothing.
            "f" if parsed.getattr("size")?.extract::<usize>()? == 0 => DType::I64,
            _ => return Err(invalid()),
        };
        if is_np && kind != "b" && parsed.getattr("ndim")?.extract::<usize>()? == 0 {
            return Ok(Index::Int(parsed.call_method0("item")?.extract()?));
        }
        return Ok(Index::Array(to_tensor(&parsed, Some(dtype), Some(device))?));
    }
    if let Ok(i) = obj.call_method0("__index__") {
        return Ok(Index::Int(i.extract()?));
    }
    Err(invalid())
}

fn invalid() -> PyErr {
    PyIndexError::new_err(
        "only integers, slices (`:`), ellipsis (`...`), None (`newaxis`) and integer or boolean arrays are valid indices",
    )
}

/// Parses the key of `x[key]`; `float_arrays` lets float arrays index (truncated to int64).
pub fn parse_key(key: &Bound<'_, PyAny>, device: Device, float_arrays: bool) -> PyResult<Vec<Index>> {
    if let Ok(t) = key.cast::<PyTuple>() {
        return t.iter().map(|k| item(&k, device, float_arrays)).collect();
    }
    Ok(vec![item(key, device, float_arrays)?])
}

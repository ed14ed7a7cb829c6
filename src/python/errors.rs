//! Engine errors as Python exceptions: shapes and values → ValueError, dtypes → TypeError,
//! indices → IndexError, allocation failures → MemoryError, devices → `MXNetError` (a RuntimeError, as in MXNet).

use crate::error::Error;
use pyo3::exceptions::{PyIndexError, PyMemoryError, PyRuntimeError, PyTypeError, PyValueError};
use pyo3::PyErr;

pyo3::create_exception!(
    deepblocks,
    MXNetError,
    PyRuntimeError,
    "Engine, device and Gluon errors (the name d2l's `try_gpu` catches)."
);

impl From<Error> for PyErr {
    fn from(e: Error) -> PyErr {
        match e {
            Error::Shape(m) | Error::Value(m) => PyValueError::new_err(m),
            Error::DType(m) => PyTypeError::new_err(m),
            Error::Index(m) => PyIndexError::new_err(m),
            Error::Memory(m) => PyMemoryError::new_err(m),
            Error::Device(m) | Error::Graph(m) | Error::File(m) => MXNetError::new_err(m),
            Error::Foreign(f) => match f.downcast_ref::<PyErr>() {
                Some(e) => pyo3::Python::attach(|py| e.clone_ref(py)),
                None => MXNetError::new_err(f.to_string()),
            },
        }
    }
}

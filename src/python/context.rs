//! `Context` (MXNet's name for a device): `cpu(i)`, `gpu(i)`, equality, the `with ctx:`
//! default-device stack, and `current_context()`.

use crate::device::Device;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use std::cell::RefCell;

thread_local! {
    static DEFAULT_STACK: RefCell<Vec<Device>> = const { RefCell::new(Vec::new()) };
}

/// The device new arrays go to: the innermost `with ctx:` block's, else `cpu(0)`.
pub fn current_device() -> Device {
    DEFAULT_STACK.with(|s| s.borrow().last().copied()).unwrap_or(Device::Cpu(0))
}

/// A device, as MXNet's `mx.Context`. `gpu(i)` can be created without a GPU; using it to
/// allocate raises `MXNetError`.
///
/// >>> from deepblocks import npx
/// >>> npx.gpu(1)
/// gpu(1)
/// >>> npx.cpu() == npx.cpu(0)
/// True
#[pyclass(name = "Context", module = "deepblocks.context", frozen, eq, hash)]
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Context {
    pub device: Device,
}

impl Context {
    /// Parses `'cpu'`, `'gpu'`, `'cpu(0)'`, `'gpu(1)'`, `'cuda:1'`.
    pub fn parse(s: &str) -> PyResult<Context> {
        let s = s.trim();
        let (kind, id) = match s.find(['(', ':']) {
            Some(i) => {
                let id = s[i + 1..].trim_end_matches(')').trim();
                let id: usize = id.parse().map_err(|_| PyValueError::new_err(format!("invalid device '{s}'")))?;
                (&s[..i], id)
            }
            None => (s, 0),
        };
        let device = match kind {
            "cpu" | "cpu_pinned" | "cpu_shared" => Device::Cpu(id),
            "gpu" | "cuda" => Device::Gpu(id),
            _ => return Err(PyValueError::new_err(format!("unknown device type '{kind}' (expected 'cpu' or 'gpu')"))),
        };
        Ok(Context { device })
    }
}

#[pymethods]
impl Context {
    #[new]
    #[pyo3(signature = (device_type, device_id = 0))]
    fn new(device_type: &Bound<'_, PyAny>, device_id: usize) -> PyResult<Context> {
        if let Ok(c) = device_type.cast::<Context>() {
            return Ok(c.get().clone());
        }
        let kind: String = device_type.extract()?;
        let c = Context::parse(&kind)?;
        Ok(Context {
            device: match c.device {
                Device::Cpu(_) => Device::Cpu(device_id),
                Device::Gpu(_) => Device::Gpu(device_id),
            },
        })
    }

    /// `'cpu'` or `'gpu'`.
    #[getter]
    fn device_type(&self) -> &'static str {
        self.device.device_type()
    }

    #[getter]
    fn device_id(&self) -> usize {
        self.device.id()
    }

    /// MXNet's integer code of the device type (cpu 1, gpu 2).
    #[getter]
    fn device_typeid(&self) -> u8 {
        match self.device {
            Device::Cpu(_) => 1,
            Device::Gpu(_) => 2,
        }
    }

    fn __repr__(&self) -> String {
        self.device.to_string()
    }

    fn __str__(&self) -> String {
        self.device.to_string()
    }

    fn __enter__(slf: Bound<'_, Self>) -> Bound<'_, Self> {
        DEFAULT_STACK.with(|s| s.borrow_mut().push(slf.get().device));
        slf
    }

    #[pyo3(signature = (*_args))]
    fn __exit__(&self, _args: &Bound<'_, pyo3::types::PyTuple>) -> bool {
        DEFAULT_STACK.with(|s| s.borrow_mut().pop());
        false
    }

    /// Waits for pending work on this device (the CPU engine is synchronous).
    fn empty_cache(&self) {}

    /// Pickling: the device type and id (a Context is a value; it is rebuilt by calling
    /// ``Context(device_type, device_id)``).
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, pyo3::types::PyTuple>> {
        let py = slf.py();
        let d = slf.get().device;
        let args = (d.device_type(), d.id()).into_pyobject(py)?.into_any();
        pyo3::types::PyTuple::new(py, [slf.get_type().into_any(), args])
    }

    /// A Context is immutable: copies are the object itself.
    fn __copy__(slf: Bound<'_, Self>) -> Bound<'_, Self> {
        slf
    }

    fn __deepcopy__<'py>(slf: Bound<'py, Self>, _memo: &Bound<'py, PyAny>) -> Bound<'py, Self> {
        slf
    }
}

/// The default device as a Context.
#[pyfunction]
pub fn current_context() -> Context {
    Context { device: current_device() }
}

#[pyfunction]
pub fn num_gpus() -> usize {
    Device::num_gpus()
}

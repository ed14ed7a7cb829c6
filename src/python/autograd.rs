//! Autograd bindings: the tensor's `attach_grad` / `grad` / `detach` / `backward`, and the
//! functions behind `deepblocks.autograd` (the recording state lives in Rust, per thread).
//!
//! Backward runs with the GIL released: the rule of an `autograd.Function` takes it again to
//! call Python, and a thread waiting on a node of a graph another thread is differentiating
//! never holds the GIL while it waits.

use super::array::{wrap, PyArray};
use crate::autograd::{self, CustomBackward, GradReq};
use crate::error::{Error, Foreign};
use crate::tensor::Tensor;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyList, PyTuple};

fn req_arg(grad_req: &str) -> PyResult<GradReq> {
    Ok(GradReq::parse(grad_req)?)
}

#[pymethods]
impl PyArray {
    /// Attaches a zero gradient buffer (``grad_req`` 'write', 'add' or 'null'), making this
    /// array a variable of the graphs recorded afterwards.
    ///
    /// >>> from deepblocks import np, autograd
    /// >>> x = np.array([1.0, 2.0])
    /// >>> x.attach_grad()
    /// >>> with autograd.record():
    /// ...     y = (x * x).sum()
    /// >>> y.backward()
    /// >>> x.grad
    /// array([2., 4.])
    #[pyo3(signature = (grad_req = "write", stype = None))]
    fn attach_grad(&self, grad_req: &str, stype: Option<&Bound<'_, PyAny>>) -> PyResult<()> {
        if stype.is_some_and(|s| !s.is_none()) {
            return Err(PyTypeError::new_err("attach_grad: sparse gradients (stype) are not supported"));
        }
        Ok(self.t.attach_grad(req_arg(grad_req)?)?)
    }

    /// The gradient buffer (``None`` before ``attach_grad`` or with ``grad_req='null'``).
    #[getter]
    fn grad(slf: &Bound<'_, Self>) -> PyResult<Option<Py<PyAny>>> {
        slf.get().t.grad().map(|g| wrap(slf.py(), Some(slf.as_any()), g)).transpose()
    }

    /// The gradient request of a variable ('write', 'add', 'null'), else ``None``.
    #[getter]
    fn _grad_req(&self) -> Option<&'static str> {
        self.t.grad_req().map(GradReq::name)
    }

    /// The same data, cut off from the graph: gradients do not flow back through it.
    fn detach(slf: &Bound<'_, Self>) -> PyResult<Py<PyAny>> {
        wrap(slf.py(), Some(slf.as_any()), slf.get().t.detach())
    }

    /// Back-propagates from this array (ones as its gradient unless ``out_grad``) into the
    /// gradient buffers of the variables it was computed from.
    #[pyo3(signature = (out_grad = None, retain_graph = false, train_mode = true))]
    fn backward(slf: &Bound<'_, Self>, out_grad: Option<&Bound<'_, PyAny>>, retain_graph: bool, train_mode: bool) -> PyResult<()> {
        let head_grad = optional_array(out_grad)?;
        let heads = [slf.get().t.clone()];
        let py = slf.py();
        let _train = TrainGuard::new(train_mode);
        Ok(py.detach(|| autograd::backward(&heads, &[head_grad], retain_graph))?)
    }
}

/// Restores the training flag after a backward run in the given mode.
struct TrainGuard(bool);

impl TrainGuard {
    fn new(on: bool) -> TrainGuard {
        TrainGuard(autograd::set_training(on))
    }
}

impl Drop for TrainGuard {
    fn drop(&mut self) {
        autograd::set_training(self.0);
    }
}

fn optional_array(obj: Option<&Bound<'_, PyAny>>) -> PyResult<Option<Tensor>> {
    match obj {
        None => Ok(None),
        Some(o) if o.is_none() => Ok(None),
        Some(o) => Ok(Some(super::convert::to_tensor(o, None, None)?)),
    }
}

/// An array or a list/tuple of arrays, as a list.
fn array_list(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Vec<Tensor>> {
    if let Ok(a) = obj.cast::<PyArray>() {
        return Ok(vec![a.get().t.clone()]);
    }
    if obj.cast::<PyList>().is_ok() || obj.cast::<PyTuple>().is_ok() {
        return obj
            .try_iter()?
            .map(|item| {
                let item = item?;
                item.cast::<PyArray>()
                    .map(|a| a.get().t.clone())
                    .map_err(|_| PyTypeError::new_err(format!("{what} must be arrays, got {}", item.get_type().name().map(|n| n.to_string()).unwrap_or_default())))
            })
            .collect();
    }
    Err(PyTypeError::new_err(format!("{what} must be an array or a list of arrays, got {}", obj.get_type().name()?)))
}

/// Head gradients matching `n` heads: `None`, one array, or a list with `None` entries.
fn head_grads(obj: Option<&Bound<'_, PyAny>>, n: usize) -> PyResult<Vec<Option<Tensor>>> {
    let Some(obj) = obj.filter(|o| !o.is_none()) else { return Ok(vec![None; n]) };
    if obj.cast::<PyArray>().is_ok() {
        return Ok(vec![optional_array(Some(obj))?]);
    }
    let grads: Vec<Option<Tensor>> = obj.try_iter()?.map(|g| optional_array(Some(&g?))).collect::<PyResult<_>>()?;
    if grads.len() != n {
        return Err(pyo3::exceptions::PyValueError::new_err(format!(
            "head_grads has {} entries for {n} heads",
            grads.len()
        )));
    }
    Ok(grads)
}

#[pyfunction]
fn is_recording() -> bool {
    autograd::is_recording()
}

#[pyfunction]
fn is_training() -> bool {
    autograd::is_training()
}

#[pyfunction]
fn set_recording(is_recording: bool) -> bool {
    autograd::set_recording(is_recording)
}

#[pyfunction]
fn set_training(train_mode: bool) -> bool {
    autograd::set_training(train_mode)
}

#[pyfunction]
#[pyo3(signature = (heads, head_grads = None, retain_graph = false, train_mode = true))]
fn backward(py: Python<'_>, heads: &Bound<'_, PyAny>, head_grads: Option<&Bound<'_, PyAny>>, retain_graph: bool, train_mode: bool) -> PyResult<()> {
    let hs = array_list(heads, "heads")?;
    let gs = self::head_grads(head_grads, hs.len())?;
    let _train = TrainGuard::new(train_mode);
    Ok(py.detach(|| autograd::backward(&hs, &gs, retain_graph))?)
}

#[pyfunction]
#[pyo3(signature = (heads, variables, head_grads = None, retain_graph = None, create_graph = false, train_mode = true))]
fn grad(
    py: Python<'_>,
    heads: &Bound<'_, PyAny>,
    variables: &Bound<'_, PyAny>,
    head_grads: Option<&Bound<'_, PyAny>>,
    retain_graph: Option<bool>,
    create_graph: bool,
    train_mode: bool,
) -> PyResult<Py<PyAny>> {
    let hs = array_list(heads, "heads")?;
    let vs = array_list(variables, "variables")?;
    let gs = self::head_grads(head_grads, hs.len())?;
    let _train = TrainGuard::new(train_mode);
    let retain = retain_graph.unwrap_or(create_graph);
    let grads = py.detach(|| autograd::grad(&hs, &gs, &vs, retain, create_graph))?;
    let like = variables.cast::<PyArray>().ok().map(|a| a.clone().into_any()).or_else(|| variables.try_iter().ok()?.next()?.ok());
    let wrapped: Vec<Py<PyAny>> = grads.into_iter().map(|g| wrap(py, like.as_ref(), g)).collect::<PyResult<_>>()?;
    if variables.cast::<PyArray>().is_ok() {
        if let Some(g) = wrapped.into_iter().next() {
            return Ok(g);
        }
        return Err(pyo3::exceptions::PyRuntimeError::new_err("autograd.grad: no gradient for the variable"));
    }
    Ok(PyList::new(py, wrapped)?.into_any().unbind())
}

#[pyfunction]
#[pyo3(signature = (variables, gradients, grad_reqs = None))]
fn mark_variables(variables: &Bound<'_, PyAny>, gradients: &Bound<'_, PyAny>, grad_reqs: Option<&Bound<'_, PyAny>>) -> PyResult<()> {
    let vs = array_list(variables, "variables")?;
    let gs = array_list(gradients, "gradients")?;
    if vs.len() != gs.len() {
        return Err(pyo3::exceptions::PyValueError::new_err(format!(
            "mark_variables: {} variables but {} gradient buffers",
            vs.len(),
            gs.len()
        )));
    }
    let reqs: Vec<GradReq> = match grad_reqs {
        None => vec![GradReq::Write; vs.len()],
        Some(r) if r.extract::<String>().is_ok() => vec![req_arg(&r.extract::<String>()?)?; vs.len()],
        Some(r) => r.try_iter()?.map(|x| req_arg(&x?.extract::<String>()?)).collect::<PyResult<_>>()?,
    };
    if reqs.len() != vs.len() {
        return Err(pyo3::exceptions::PyValueError::new_err("mark_variables: one grad_req per variable"));
    }
    for ((v, g), r) in vs.iter().zip(gs).zip(reqs) {
        v.attach_grad_buffer(g, r)?;
    }
    Ok(())
}

/// A node's name outlives every node (`&'static str`): each name of an `autograd.Function`
/// subclass is leaked once.
fn intern(name: &str) -> &'static str {
    static NAMES: std::sync::Mutex<std::collections::BTreeSet<&'static str>> = std::sync::Mutex::new(std::collections::BTreeSet::new());
    let mut names = NAMES.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(n) = names.get(name) {
        return n;
    }
    let n: &'static str = Box::leak(name.into());
    names.insert(n);
    n
}

/// Records one call of an `autograd.Function` (the Python class checks its arguments):
/// `outputs`, computed from `inputs` with recording paused, become results of one node whose
/// rule calls `backward(*output_grads)` (each gradient of its output's array class), which
/// returns one array per input. Gives the results, each of its output's class; an output
/// that was not recorded is returned as it is.
#[pyfunction]
fn _record_function<'py>(
    py: Python<'py>,
    name: &str,
    inputs: Vec<Bound<'py, PyArray>>,
    outputs: Vec<Bound<'py, PyArray>>,
    backward: Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyList>> {
    let ins: Vec<Tensor> = inputs.iter().map(|a| a.get().t.clone()).collect();
    let outs: Vec<Tensor> = outputs.iter().map(|a| a.get().t.clone()).collect();
    // The outputs as Python objects only give the gradients their class; their handles carry
    // no graph, so the node does not keep itself alive through them.
    let likes: Vec<Py<PyAny>> = outputs.iter().map(|o| o.clone().into_any().unbind()).collect();
    let callback = backward.unbind();
    let rule: CustomBackward = Box::new(move |grads| {
        Python::attach(|py| {
            let args = grads.iter().zip(&likes).map(|(g, like)| wrap(py, Some(like.bind(py)), g.clone())).collect::<PyResult<Vec<_>>>()?;
            let returned = callback.bind(py).call1(PyTuple::new(py, args)?)?;
            array_list(&returned, "gradients")
        })
        .map_err(|e| Error::Foreign(Foreign::new(e)))
    });
    let results = autograd::custom(intern(name), &ins, &outs, rule)?;
    let objs = results
        .into_iter()
        .zip(&outputs)
        .map(|(r, o)| if r.same_handle(&o.get().t) { Ok(o.clone().into_any().unbind()) } else { wrap(py, Some(o.as_any()), r) })
        .collect::<PyResult<Vec<_>>>()?;
    PyList::new(py, objs)
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(is_recording, m)?)?;
    m.add_function(wrap_pyfunction!(is_training, m)?)?;
    m.add_function(wrap_pyfunction!(set_recording, m)?)?;
    m.add_function(wrap_pyfunction!(set_training, m)?)?;
    m.add_function(wrap_pyfunction!(backward, m)?)?;
    m.add_function(wrap_pyfunction!(grad, m)?)?;
    m.add_function(wrap_pyfunction!(mark_variables, m)?)?;
    m.add_function(wrap_pyfunction!(_record_function, m)?)?;
    Ok(())
}

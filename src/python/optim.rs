//! Optimizer update bindings (`_core.sgd_update`, `adam_update`, `adamw_update`,
//! `rmsprop_update`, `adagrad_update`), used by `deepblocks.optimizer`. Each writes the new
//! weight and states into the arrays passed in (so every view of them sees the update) and
//! returns None. The learning rate is the step's: schedules, multipliers and Adam's bias
//! correction are applied by the caller, as MXNet's optimizers do before calling its kernels.

use super::array::{run, PyArray};
use crate::optim::{AdaGrad, Adam, AdamW, Hyper, Nag, RmsProp, Sgd};
use crate::tensor::Tensor;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;

/// The tensor of a deepblocks array argument; a TypeError naming the argument otherwise.
fn arg(op: &str, name: &str, obj: &Bound<'_, PyAny>) -> PyResult<Tensor> {
    match obj.cast::<PyArray>() {
        Ok(a) => Ok(a.get().t.clone()),
        Err(_) => Err(PyTypeError::new_err(format!(
            "{op}: {name} must be a deepblocks array (deepblocks.np.ndarray or deepblocks.nd.NDArray), not {}",
            obj.get_type().name()?
        ))),
    }
}

fn hyper(lr: f64, wd: f64, rescale_grad: f64, clip_gradient: Option<f64>) -> Hyper {
    Hyper { lr, wd, rescale_grad, clip_gradient }
}

/// SGD step: `mom` None for plain SGD, else the momentum rule (Nesterov's with `nesterov`).
#[pyfunction]
#[pyo3(signature = (weight, grad, mom, lr, wd = 0.0, momentum = 0.0, rescale_grad = 1.0, clip_gradient = None, nesterov = false))]
#[allow(clippy::too_many_arguments)]
fn sgd_update(
    py: Python<'_>,
    weight: &Bound<'_, PyAny>,
    grad: &Bound<'_, PyAny>,
    mom: Option<&Bound<'_, PyAny>>,
    lr: f64,
    wd: f64,
    momentum: f64,
    rescale_grad: f64,
    clip_gradient: Option<f64>,
    nesterov: bool,
) -> PyResult<()> {
    let op = if nesterov { "nag_mom_update" } else { "sgd_update" };
    let (w, g) = (arg(op, "weight", weight)?, arg(op, "grad", grad)?);
    let m = mom.map(|m| arg(op, "mom", m)).transpose()?;
    let h = hyper(lr, wd, rescale_grad, clip_gradient);
    run(py, w.numel(), || {
        if nesterov {
            Nag { hyper: h, momentum }.update(&w, &g, m.as_ref())
        } else {
            Sgd { hyper: h, momentum }.update(&w, &g, m.as_ref())
        }
    })
}

/// Adam step with L2 weight decay in the gradient; `lr` already bias-corrected.
#[pyfunction]
#[pyo3(signature = (weight, grad, mean, var, lr, wd = 0.0, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8, rescale_grad = 1.0, clip_gradient = None))]
#[allow(clippy::too_many_arguments)]
fn adam_update(
    py: Python<'_>,
    weight: &Bound<'_, PyAny>,
    grad: &Bound<'_, PyAny>,
    mean: &Bound<'_, PyAny>,
    var: &Bound<'_, PyAny>,
    lr: f64,
    wd: f64,
    beta1: f64,
    beta2: f64,
    epsilon: f64,
    rescale_grad: f64,
    clip_gradient: Option<f64>,
) -> PyResult<()> {
    let h = hyper(lr, wd, rescale_grad, clip_gradient);
    adam_family(py, "adam_update", [weight, grad, mean, var], h, beta1, beta2, epsilon, false)
}

/// AdamW step with decoupled weight decay; `lr` already bias-corrected.
#[pyfunction]
#[pyo3(signature = (weight, grad, mean, var, lr, wd = 0.0, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-6, rescale_grad = 1.0, clip_gradient = None))]
#[allow(clippy::too_many_arguments)]
fn adamw_update(
    py: Python<'_>,
    weight: &Bound<'_, PyAny>,
    grad: &Bound<'_, PyAny>,
    mean: &Bound<'_, PyAny>,
    var: &Bound<'_, PyAny>,
    lr: f64,
    wd: f64,
    beta1: f64,
    beta2: f64,
    epsilon: f64,
    rescale_grad: f64,
    clip_gradient: Option<f64>,
) -> PyResult<()> {
    let h = hyper(lr, wd, rescale_grad, clip_gradient);
    adam_family(py, "adamw_update", [weight, grad, mean, var], h, beta1, beta2, epsilon, true)
}

/// The shared body of `adam_update` and `adamw_update` (they differ in the rule only).
#[allow(clippy::too_many_arguments)]
fn adam_family(
    py: Python<'_>,
    op: &str,
    [weight, grad, mean, var]: [&Bound<'_, PyAny>; 4],
    hyper: Hyper,
    beta1: f64,
    beta2: f64,
    epsilon: f64,
    decoupled: bool,
) -> PyResult<()> {
    let (w, g) = (arg(op, "weight", weight)?, arg(op, "grad", grad)?);
    let (m, v) = (arg(op, "mean", mean)?, arg(op, "var", var)?);
    run(py, w.numel(), || {
        if decoupled {
            AdamW { hyper, beta1, beta2, epsilon }.update(&w, &g, &m, &v)
        } else {
            Adam { hyper, beta1, beta2, epsilon }.update(&w, &g, &m, &v)
        }
    })
}

/// RMSProp step: plain with `g` and `delta` None, centered (Graves) with both given.
#[pyfunction]
#[pyo3(signature = (weight, grad, n, g, delta, lr, wd = 0.0, gamma1 = 0.9, gamma2 = 0.9, epsilon = 1e-8, rescale_grad = 1.0, clip_gradient = None, clip_weights = None))]
#[allow(clippy::too_many_arguments)]
fn rmsprop_update(
    py: Python<'_>,
    weight: &Bound<'_, PyAny>,
    grad: &Bound<'_, PyAny>,
    n: &Bound<'_, PyAny>,
    g: Option<&Bound<'_, PyAny>>,
    delta: Option<&Bound<'_, PyAny>>,
    lr: f64,
    wd: f64,
    gamma1: f64,
    gamma2: f64,
    epsilon: f64,
    rescale_grad: f64,
    clip_gradient: Option<f64>,
    clip_weights: Option<f64>,
) -> PyResult<()> {
    let op = if g.is_some() || delta.is_some() { "rmspropalex_update" } else { "rmsprop_update" };
    let (w, gr, nt) = (arg(op, "weight", weight)?, arg(op, "grad", grad)?, arg(op, "n", n)?);
    let centered = match (g, delta) {
        (None, None) => None,
        (Some(g), Some(d)) => Some((arg(op, "g", g)?, arg(op, "delta", d)?)),
        _ => return Err(PyTypeError::new_err(format!("{op}: the centered version needs both g and delta; pass both or neither"))),
    };
    let rule = RmsProp { hyper: hyper(lr, wd, rescale_grad, clip_gradient), gamma1, gamma2, epsilon, clip_weights };
    run(py, w.numel(), || rule.update(&w, &gr, &nt, centered.as_ref().map(|(g, d)| (g, d))))
}

/// AdaGrad step (MXNet's dense rule; `epsilon` is its `eps`).
#[pyfunction]
#[pyo3(signature = (weight, grad, history, lr, wd = 0.0, epsilon = 1e-7, rescale_grad = 1.0, clip_gradient = None))]
#[allow(clippy::too_many_arguments)]
fn adagrad_update(
    py: Python<'_>,
    weight: &Bound<'_, PyAny>,
    grad: &Bound<'_, PyAny>,
    history: &Bound<'_, PyAny>,
    lr: f64,
    wd: f64,
    epsilon: f64,
    rescale_grad: f64,
    clip_gradient: Option<f64>,
) -> PyResult<()> {
    let op = "adagrad_update";
    let (w, g, h) = (arg(op, "weight", weight)?, arg(op, "grad", grad)?, arg(op, "history", history)?);
    let rule = AdaGrad { hyper: hyper(lr, wd, rescale_grad, clip_gradient), epsilon };
    run(py, w.numel(), || rule.update(&w, &g, &h))
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(sgd_update, m)?)?;
    m.add_function(wrap_pyfunction!(adam_update, m)?)?;
    m.add_function(wrap_pyfunction!(adamw_update, m)?)?;
    m.add_function(wrap_pyfunction!(rmsprop_update, m)?)?;
    m.add_function(wrap_pyfunction!(adagrad_update, m)?)?;
    Ok(())
}

//! Bindings of the recurrent ops: `rnn` (the fused layer, MXNet's `RNN` operator) and
//! `rnn_cell` (the Gluon cells' fused gate step). `npx.rnn`, `nd.RNN` and `gluon.rnn`
//! (numpy_extension/rnn.py, gluon/rnn/) add MXNet's argument conventions on top.

use super::array::{run, wrap};
use super::convert::to_tensor;
use super::functions::like;
use crate::ops::rnn::{RnnConfig, RnnMode};
use crate::tensor::Tensor;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

fn optional(obj: Option<&Bound<'_, PyAny>>) -> PyResult<Option<Tensor>> {
    obj.filter(|o| !o.is_none()).map(|o| to_tensor(o, None, None)).transpose()
}

fn size(name: &str, v: i64) -> PyResult<usize> {
    usize::try_from(v).map_err(|_| PyValueError::new_err(format!("rnn: {name} must be non-negative, got {v}")))
}

/// The fused layer's results as Python arrays: `(out, hy, cy)`, `cy` None unless 'lstm'.
type Results = (Py<PyAny>, Py<PyAny>, Option<Py<PyAny>>);

/// The fused layer: returns `(out, hy, cy)` (`cy` is None unless the mode is 'lstm').
#[pyfunction]
#[pyo3(signature = (data, params, state, state_cell, dropout_masks, mode, state_size, num_layers, bidirectional = false, projection_size = None, clip_min = None, clip_max = None, clip_nan = false))]
#[allow(clippy::too_many_arguments)]
fn rnn(
    py: Python<'_>,
    data: &Bound<'_, PyAny>,
    params: &Bound<'_, PyAny>,
    state: &Bound<'_, PyAny>,
    state_cell: Option<&Bound<'_, PyAny>>,
    dropout_masks: Option<&Bound<'_, PyAny>>,
    mode: &str,
    state_size: i64,
    num_layers: i64,
    bidirectional: bool,
    projection_size: Option<i64>,
    clip_min: Option<f64>,
    clip_max: Option<f64>,
    clip_nan: bool,
) -> PyResult<Results> {
    let x = to_tensor(data, None, None)?;
    let (w, hx) = (to_tensor(params, None, None)?, to_tensor(state, None, None)?);
    let (cx, masks) = (optional(state_cell)?, optional(dropout_masks)?);
    let clip = match (clip_min, clip_max) {
        (None, None) => None,
        (lo, hi) => Some((lo.unwrap_or(f64::NEG_INFINITY), hi.unwrap_or(f64::INFINITY))),
    };
    let cfg = RnnConfig {
        mode: RnnMode::from_name(mode)?,
        input_size: x.shape().get(2).copied().unwrap_or(0),
        hidden: size("state_size", state_size)?,
        layers: size("num_layers", num_layers)?,
        bidirectional,
        projection: projection_size.map(|p| size("projection_size", p)).transpose()?,
        clip,
        clip_nan,
    };
    let work = x.shape().iter().take(2).fold(w.numel(), |a, &d| a.saturating_mul(d));
    let (out, hy, cy) = run(py, work, || x.rnn(&w, &hx, cx.as_ref(), masks.as_ref(), &cfg))?;
    let l = like(&[data]);
    Ok((wrap(py, l, out)?, wrap(py, l, hy)?, cy.map(|c| wrap(py, l, c)).transpose()?))
}

/// The gate step of a cell: `(N, H)` new hidden state, or `(2, N, H)` hidden and cell states
/// for an LSTM.
#[pyfunction]
#[pyo3(signature = (i2h, h2h, prev, mode))]
fn rnn_cell(py: Python<'_>, i2h: &Bound<'_, PyAny>, h2h: &Bound<'_, PyAny>, prev: Option<&Bound<'_, PyAny>>, mode: &str) -> PyResult<Py<PyAny>> {
    let (a, b, p) = (to_tensor(i2h, None, None)?, to_tensor(h2h, None, None)?, optional(prev)?);
    let mode = RnnMode::from_name(mode)?;
    let r = run(py, a.numel().saturating_mul(8), || a.rnn_cell(&b, p.as_ref(), mode))?;
    wrap(py, like(&[i2h]), r)
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(rnn, m)?)?;
    m.add_function(wrap_pyfunction!(rnn_cell, m)?)?;
    Ok(())
}

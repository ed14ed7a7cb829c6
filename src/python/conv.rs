//! Bindings of the convolutional-network ops: `convolution`, `deconvolution`, `pooling`,
//! `batch_norm` and `pad`. `npx`, `nd` and the Gluon layers (numpy_extension/conv.py,
//! gluon/nn/conv_layers.py) add MXNet's argument conventions on top.

use super::array::{run, wrap};
use super::convert::to_tensor;
use super::functions::like;
use crate::ops::conv::ConvParams;
use crate::ops::norm::BatchNormOptions;
use crate::ops::pad::PadMode;
use crate::ops::pool::{PoolKind, PoolParams};
use crate::tensor::Tensor;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

/// A tuple of non-negative sizes (`kernel`, `stride`, ...).
fn sizes(name: &str, v: Vec<i64>) -> PyResult<Vec<usize>> {
    v.iter()
        .map(|&d| usize::try_from(d).map_err(|_| PyValueError::new_err(format!("{name} must hold non-negative integers, got {v:?}"))))
        .collect()
}

fn optional(obj: Option<&Bound<'_, PyAny>>) -> PyResult<Option<Tensor>> {
    obj.filter(|o| !o.is_none()).map(|o| to_tensor(o, None, None)).transpose()
}

#[allow(clippy::too_many_arguments)]
fn conv_params(kernel: Vec<i64>, stride: Vec<i64>, dilate: Vec<i64>, pad: Vec<i64>, adj: Option<Vec<i64>>, num_group: i64, channels_last: bool) -> PyResult<ConvParams> {
    let kernel = sizes("kernel", kernel)?;
    let d = kernel.len();
    Ok(ConvParams {
        kernel,
        stride: sizes("stride", stride)?,
        dilate: sizes("dilate", dilate)?,
        pad: sizes("pad", pad)?,
        adj: match adj {
            Some(a) => sizes("adj", a)?,
            None => vec![0; d],
        },
        groups: usize::try_from(num_group).map_err(|_| PyValueError::new_err(format!("num_group must be positive, got {num_group}")))?,
        channels_last,
    })
}

#[pyfunction]
#[allow(clippy::too_many_arguments)]
fn convolution(
    py: Python<'_>,
    data: &Bound<'_, PyAny>,
    weight: &Bound<'_, PyAny>,
    bias: Option<&Bound<'_, PyAny>>,
    kernel: Vec<i64>,
    stride: Vec<i64>,
    dilate: Vec<i64>,
    pad: Vec<i64>,
    num_group: i64,
    channels_last: bool,
) -> PyResult<Py<PyAny>> {
    let p = conv_params(kernel, stride, dilate, pad, None, num_group, channels_last)?;
    conv_call(py, data, weight, bias, |x, w, b| x.convolution(w, b, &p))
}

#[pyfunction]
#[allow(clippy::too_many_arguments)]
fn deconvolution(
    py: Python<'_>,
    data: &Bound<'_, PyAny>,
    weight: &Bound<'_, PyAny>,
    bias: Option<&Bound<'_, PyAny>>,
    kernel: Vec<i64>,
    stride: Vec<i64>,
    dilate: Vec<i64>,
    pad: Vec<i64>,
    adj: Vec<i64>,
    num_group: i64,
    channels_last: bool,
) -> PyResult<Py<PyAny>> {
    let p = conv_params(kernel, stride, dilate, pad, Some(adj), num_group, channels_last)?;
    conv_call(py, data, weight, bias, |x, w, b| x.deconvolution(w, b, &p))
}

/// Converts the operands of a (transposed) convolution, runs `op` with the GIL released when
/// the work is large, and wraps the result like `data`.
fn conv_call(
    py: Python<'_>,
    data: &Bound<'_, PyAny>,
    weight: &Bound<'_, PyAny>,
    bias: Option<&Bound<'_, PyAny>>,
    op: impl FnOnce(&Tensor, &Tensor, Option<&Tensor>) -> crate::Result<Tensor> + Send,
) -> PyResult<Py<PyAny>> {
    let (x, w, b) = (to_tensor(data, None, None)?, to_tensor(weight, None, None)?, optional(bias)?);
    let work = x.numel().saturating_mul(w.numel() / w.shape().first().copied().unwrap_or(1).max(1));
    let r = run(py, work, || op(&x, &w, b.as_ref()))?;
    wrap(py, like(&[data]), r)
}

#[pyfunction]
#[allow(clippy::too_many_arguments)]
fn pooling(
    py: Python<'_>,
    data: &Bound<'_, PyAny>,
    kernel: Vec<i64>,
    stride: Vec<i64>,
    pad: Vec<i64>,
    pool_type: &str,
    global_pool: bool,
    pooling_convention: &str,
    count_include_pad: bool,
    channels_last: bool,
) -> PyResult<Py<PyAny>> {
    let kind = PoolKind::from_name(pool_type).ok_or_else(|| PyValueError::new_err(format!("pooling: pool_type must be 'max', 'avg' or 'sum', got {pool_type:?}")))?;
    let full = match pooling_convention {
        "valid" => false,
        "full" => true,
        other => return Err(PyValueError::new_err(format!("pooling: pooling_convention must be 'valid' or 'full', got {other:?}"))),
    };
    let p = PoolParams {
        kind,
        kernel: sizes("kernel", kernel)?,
        stride: sizes("stride", stride)?,
        pad: sizes("pad", pad)?,
        global: global_pool,
        full,
        count_include_pad,
        channels_last,
    };
    let x = to_tensor(data, None, None)?;
    let work = x.numel().saturating_mul(p.kernel.iter().fold(1usize, |a, &k| a.saturating_mul(k)));
    let r = run(py, work, || x.pooling(&p))?;
    wrap(py, like(&[data]), r)
}

#[pyfunction]
#[allow(clippy::too_many_arguments)]
fn batch_norm(
    py: Python<'_>,
    data: &Bound<'_, PyAny>,
    gamma: &Bound<'_, PyAny>,
    beta: &Bound<'_, PyAny>,
    running_mean: &Bound<'_, PyAny>,
    running_var: &Bound<'_, PyAny>,
    eps: f64,
    momentum: f64,
    fix_gamma: bool,
    use_global_stats: bool,
    axis: isize,
    training: bool,
) -> PyResult<Py<PyAny>> {
    let t = |o| to_tensor(o, None, None);
    let (x, g, b, m, v) = (t(data)?, t(gamma)?, t(beta)?, t(running_mean)?, t(running_var)?);
    let opts = BatchNormOptions { eps, momentum, fix_gamma, use_batch_stats: training && !use_global_stats, axis };
    let r = run(py, x.numel().saturating_mul(4), || x.batch_norm(&g, &b, &m, &v, &opts))?;
    wrap(py, like(&[data]), r)
}

#[pyfunction]
#[pyo3(signature = (data, pad_width, mode = "constant", constant_value = 0.0))]
fn pad(py: Python<'_>, data: &Bound<'_, PyAny>, pad_width: Vec<(i64, i64)>, mode: &str, constant_value: f64) -> PyResult<Py<PyAny>> {
    let mode = PadMode::from_name(mode)
        .ok_or_else(|| PyValueError::new_err(format!("pad: mode must be 'constant', 'edge', 'reflect' or 'symmetric', got {mode:?}")))?;
    let widths = pad_width
        .iter()
        .map(|&(a, b)| match (usize::try_from(a), usize::try_from(b)) {
            (Ok(a), Ok(b)) => Ok((a, b)),
            _ => Err(PyValueError::new_err(format!("pad: index can't contain negative values, got pad_width {pad_width:?}"))),
        })
        .collect::<PyResult<Vec<_>>>()?;
    let x = to_tensor(data, None, None)?;
    let r = run(py, x.numel(), || x.pad(&widths, mode, constant_value))?;
    wrap(py, like(&[data]), r)
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(convolution, m)?)?;
    m.add_function(wrap_pyfunction!(deconvolution, m)?)?;
    m.add_function(wrap_pyfunction!(pooling, m)?)?;
    m.add_function(wrap_pyfunction!(batch_norm, m)?)?;
    m.add_function(wrap_pyfunction!(pad, m)?)?;
    Ok(())
}

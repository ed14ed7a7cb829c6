"""Functional forms of the Gluon layers (``npx.fully_connected``, ``npx.activation``,
``npx.dropout``, ``npx.batch_norm``, ``npx.layer_norm``, ``npx.embedding``, ``npx.leaky_relu``).

All are compositions of differentiable engine ops, so gradients flow through them.

>>> from deepblocks import np, npx
>>> x = np.array([[1.0, 2.0]])
>>> npx.fully_connected(x, np.ones((3, 2)), np.zeros(3), num_hidden=3)
array([[3., 3., 3.]])
>>> npx.activation(np.array([-1.0, 1.0]), act_type='softrelu').round(4)
array([0.3133, 1.3133])
"""

from .. import _core
from .. import autograd
from .. import numpy as _np

__all__ = ["fully_connected", "activation", "leaky_relu", "dropout", "batch_norm", "layer_norm", "embedding"]

_UNARY_ACT = {"relu": "relu", "sigmoid": "sigmoid", "tanh": "tanh"}


def fully_connected(x, weight, bias=None, num_hidden=None, no_bias=False, flatten=True):
    """``x @ weight.T + bias``; with ``flatten`` the input is reshaped to ``(batch, -1)`` first,
    else the product runs over the last axis."""
    wshape = weight.shape
    if len(wshape) != 2 or (num_hidden is not None and wshape[0] != num_hidden):
        raise ValueError(f"fully_connected: weight must be 2-D (num_hidden={num_hidden}, in_units), got shape {wshape}")
    if flatten and x.ndim != 2:
        x = _flat2d(x)
    xshape = x.shape
    if not xshape or xshape[-1] != wshape[1]:
        raise ValueError(f"fully_connected: input shape {xshape} does not fit weight shape {wshape} "
                         f"(expected {wshape[1]} input features)")
    if no_bias:
        bias = None
    if len(xshape) == 2:
        return _core.linear(x, weight, bias)
    out = _core.matmul(x, weight.T)
    return out if bias is None else out + bias


def _flat2d(x):
    """``(batch, rest...)`` as ``(batch, prod(rest))`` (explicit, so an empty batch works too)."""
    shape = x.shape
    if not shape:
        return x.reshape(1, 1)
    n = 1
    for d in shape[1:]:
        n *= d
    return x.reshape(shape[0], n)


def activation(data, act_type="relu"):
    """Elementwise activation: 'relu', 'sigmoid', 'tanh', 'softrelu' (log(1+e^x)) or 'softsign'."""
    op = _UNARY_ACT.get(act_type)
    if op is not None:
        return _core.unary(data, op)
    if act_type == "softrelu":
        # log(1 + e^x) = max(x, 0) + log1p(e^-|x|): no overflow for large |x|.
        return _core.unary(data, "relu") + _np.log1p(_np.exp(-_np.abs(data)))
    if act_type == "softsign":
        return data / (1 + _np.abs(data))
    raise ValueError(f"activation: unknown act_type {act_type!r} (relu, sigmoid, tanh, softrelu, softsign)")


def leaky_relu(data, act_type="leaky", slope=0.25, gamma=None):
    """'leaky' (``x`` or ``slope*x``), 'elu', 'selu', 'gelu' or 'prelu' (slope ``gamma``)."""
    if act_type == "leaky":
        return _np.where(data > 0, data, data * slope)
    if act_type == "prelu":
        return _np.where(data > 0, data, data * gamma)
    if act_type == "elu":
        return _np.where(data > 0, data, slope * _np.expm1(_np.minimum(data, 0)))
    if act_type == "selu":
        alpha, scale = 1.6732632423543772, 1.0507009873554805
        return scale * _np.where(data > 0, data, alpha * _np.expm1(_np.minimum(data, 0)))
    if act_type == "gelu":
        # tanh approximation, as MXNet's LeakyReLU(act_type='gelu').
        c = 0.7978845608028654
        return 0.5 * data * (1 + _np.tanh(c * (data + 0.044715 * data * data * data)))
    raise ValueError(f"leaky_relu: unknown act_type {act_type!r}")


def dropout(data, p=0.5, axes=(), mode="training", cudnn_off=None):
    """Zeros each element with probability ``p`` and scales the rest by ``1/(1-p)`` — in
    training mode only (``mode='always'`` applies it in any mode). ``axes`` shares one mask
    along those axes."""
    if not 0 <= p < 1:
        raise ValueError(f"dropout: p must be in [0, 1), got {p}")
    if p == 0 or (mode != "always" and not autograd.is_training()):
        return data
    shape = list(data.shape)
    for a in axes:
        shape[a] = 1
    keep = _np.random.uniform(0, 1, tuple(shape), dtype=data.dtype, ctx=data.ctx) >= p
    return data * (keep.astype(data.dtype) / (1 - p))


def _stat_axes(ndim, axis):
    axis = axis % ndim
    return tuple(a for a in range(ndim) if a != axis), axis


def _channel_view(v, ndim, axis):
    shape = [1] * ndim
    shape[axis] = -1
    return v.reshape(tuple(shape))


def batch_norm(x, gamma, beta, running_mean, running_var, eps=1e-3, momentum=0.9, fix_gamma=True,
               use_global_stats=False, output_mean_var=False, axis=1, cudnn_off=False):
    """Batch normalization over every axis but ``axis``. In training mode (and without
    ``use_global_stats``) it normalizes with the batch statistics and updates
    ``running_mean``/``running_var`` in place (``running = momentum*running + (1-momentum)*batch``);
    otherwise it uses the running statistics."""
    if x.ndim < 2:
        raise ValueError(f"batch_norm: input must have at least 2 dimensions, got shape {x.shape}")
    red, axis = _stat_axes(x.ndim, axis)
    if autograd.is_training() and not use_global_stats:
        mean = x.mean(axis=red)
        centered = x - _channel_view(mean, x.ndim, axis)
        var = (centered * centered).mean(axis=red)
        with autograd.pause():
            running_mean[...] = running_mean * momentum + mean.detach() * (1 - momentum)
            running_var[...] = running_var * momentum + var.detach() * (1 - momentum)
    else:
        mean, var = running_mean, running_var
        centered = x - _channel_view(mean, x.ndim, axis)
    scale = 1.0 / _np.sqrt(var + eps)
    if not fix_gamma:
        scale = scale * gamma
    out = centered * _channel_view(scale, x.ndim, axis) + _channel_view(beta, x.ndim, axis)
    if output_mean_var:
        return out, mean, var
    return out


def layer_norm(data, gamma=None, beta=None, axis=-1, eps=1e-5, output_mean_var=False):
    """Normalizes over ``axis`` (mean 0, variance 1), then scales by ``gamma`` and shifts by ``beta``."""
    mean = data.mean(axis=axis, keepdims=True)
    centered = data - mean
    var = (centered * centered).mean(axis=axis, keepdims=True)
    out = centered / _np.sqrt(var + eps)
    shape = [1] * data.ndim
    shape[axis] = -1
    if gamma is not None:
        out = out * gamma.reshape(tuple(shape))
    if beta is not None:
        out = out + beta.reshape(tuple(shape))
    if output_mean_var:
        return out, mean, var
    return out


def embedding(data, weight, input_dim=None, output_dim=None, dtype="float32", sparse_grad=False):
    """Rows of ``weight`` picked by the integer values of ``data``: shape ``data.shape + (output_dim,)``.
    Indices outside ``[0, input_dim)`` are clipped, as in MXNet."""
    n = weight.shape[0]
    idx = _np.asarray(data).astype("int64").clip(0, n - 1)
    return _core.take(weight, idx, 0)

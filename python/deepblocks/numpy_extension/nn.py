"""Functional forms of the Gluon layers (``npx.fully_connected``, ``npx.activation``,
``npx.dropout``, ``npx.batch_norm``, ``npx.layer_norm``, ``npx.embedding``, ``npx.leaky_relu``)
and the softmax family (``npx.softmax``, ``npx.log_softmax``, ``npx.masked_softmax``,
``npx.masked_log_softmax``).

All are differentiable: engine ops (``batch_norm`` is one, forward and backward) or
compositions of them. The convolution and pooling ones live in ``conv.py`` and ``pooling.py``.

>>> from deepblocks import np, npx
>>> x = np.array([[1.0, 2.0]])
>>> npx.fully_connected(x, np.ones((3, 2)), np.zeros(3), num_hidden=3)
array([[3., 3., 3.]])
>>> npx.activation(np.array([-1.0, 1.0]), act_type='softrelu').round(4)
array([0.3133, 1.3133])
"""

import numpy as _onp

from .. import _core
from .. import autograd
from .. import numpy as _np
from .conv import promote

__all__ = ["fully_connected", "activation", "leaky_relu", "dropout", "batch_norm", "layer_norm", "embedding", "softmax",
           "log_softmax", "masked_softmax", "masked_log_softmax"]

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


def batch_norm(x, gamma, beta, running_mean, running_var, eps=1e-3, momentum=0.9, fix_gamma=True,
               use_global_stats=False, output_mean_var=False, axis=1, cudnn_off=False):
    """Batch normalization over every axis but ``axis``, in one engine operation.

    In training mode (and without ``use_global_stats``) it normalizes with the batch
    statistics and updates ``running_mean``/``running_var`` in place
    (``running = momentum*running + (1-momentum)*batch``, the biased batch variance);
    otherwise it uses the running statistics. ``fix_gamma`` treats ``gamma`` as 1.
    ``output_mean_var`` returns a list ``[out, mean, 1/sqrt(var + eps)]`` of the statistics
    used, as MXNet does (the inverse standard deviation, not the variance its name suggests).

    >>> from deepblocks import np, npx, autograd
    >>> x = np.array([[1.0, 2.0], [3.0, 6.0]])
    >>> with autograd.train_mode():
    ...     npx.batch_norm(x, np.ones(2), np.zeros(2), np.zeros(2), np.ones(2), eps=0.0)
    array([[-1., -1.],
           [ 1.,  1.]])
    """
    if x.ndim < 2:
        raise ValueError(f"batch_norm: input must have at least 2 dimensions, got shape {x.shape}")
    if not -x.ndim <= axis < x.ndim:
        raise ValueError(f"batch_norm: axis {axis} is out of range for input of shape {x.shape}")
    axis %= x.ndim
    training = autograd.is_training()
    if output_mean_var:
        stats = _mean_invstd(x, running_mean, running_var, eps, axis, training and not use_global_stats)
    x, gamma, beta = promote(x, gamma, beta)
    if _onp_dtype(running_mean) == _onp_dtype(x) == _onp_dtype(running_var):
        out = _core.batch_norm(x, gamma, beta, running_mean, running_var, eps, momentum, fix_gamma, use_global_stats,
                               axis, training)
    else:
        # float64 data through a float32 layer: the running statistics move in the data's
        # dtype, then are written back into their own arrays.
        mean, var = running_mean.astype(x.dtype), running_var.astype(x.dtype)
        out = _core.batch_norm(x, gamma, beta, mean, var, eps, momentum, fix_gamma, use_global_stats, axis, training)
        with autograd.pause():
            running_mean[...] = mean
            running_var[...] = var
    return [out, *stats] if output_mean_var else out


def _onp_dtype(a):
    return _onp.dtype(a.dtype)  # legacy arrays answer NumPy types, not dtypes


def _mean_invstd(x, running_mean, running_var, eps, axis, batch):
    """The mean and ``1/sqrt(var + eps)`` batch normalization uses (outside the graph), as
    arrays of ``x``'s kind."""
    with autograd.pause():
        if batch:
            red = tuple(a for a in range(x.ndim) if a != axis)
            mean = x.mean(axis=red)
            var = x.var(axis=red)
        else:
            mean, var = running_mean.copy(), running_var
        invstd = 1.0 / _np.sqrt(var + eps)
    return _like(x, mean), _like(x, invstd)


def layer_norm(data, gamma=None, beta=None, axis=-1, eps=1e-5, output_mean_var=False):
    """Normalizes over ``axis`` (mean 0, variance 1), then scales by ``gamma`` and shifts by ``beta``.
    With ``output_mean_var`` the list ``[out, mean, std]``, where ``std`` is ``sqrt(var + eps)``
    (what MXNet returns: the divisor, not the variance), both kept with ``axis`` of size 1.

    >>> from deepblocks import np, npx
    >>> out, mean, std = npx.layer_norm(np.array([[-1., 2.]]), output_mean_var=True, eps=0.0)
    >>> mean, std
    (array([[0.5]]), array([[1.5]]))
    """
    mean = data.mean(axis=axis, keepdims=True)
    centered = data - mean
    var = (centered * centered).mean(axis=axis, keepdims=True)
    std = _np.sqrt(var + eps)
    out = centered / std
    shape = [1] * data.ndim
    shape[axis] = -1
    if gamma is not None:
        out = out * gamma.reshape(tuple(shape))
    if beta is not None:
        out = out + beta.reshape(tuple(shape))
    if output_mean_var:
        return [out, mean, std]
    return out


def _instance_norm(data, gamma, beta, axis=1, eps=1e-3):
    """Normalizes each sample's channel (``axis``) over the remaining axes, then applies the
    per-channel ``gamma`` and ``beta`` (MXNet's ``InstanceNorm``; npx has no such function,
    ``nd.InstanceNorm`` and ``nn.InstanceNorm`` call this)."""
    x = _core.ndarray(data)  # numpy semantics for the arithmetic; the input's kind comes back
    if x.ndim < 3:
        raise ValueError(f"InstanceNorm: input must have at least 3 dimensions (batch, channels, ...), "
                         f"got shape {x.shape}")
    axis %= x.ndim
    red = tuple(a for a in range(1, x.ndim) if a != axis)
    mean = x.mean(axis=red, keepdims=True)
    centered = x - mean
    var = (centered * centered).mean(axis=red, keepdims=True)
    shape = [1] * x.ndim
    shape[axis] = -1
    out = centered / _np.sqrt(var + eps) * gamma.reshape(shape) + beta.reshape(shape)
    return _like(data, out)


def _group_norm(data, gamma, beta, num_groups=1, eps=1e-5):
    """Splits the channels (axis 1) into ``num_groups`` groups and normalizes each sample's
    group over its channels and the remaining axes; ``gamma`` and ``beta`` hold one value per
    *group*, as in MXNet 1.x (``nd.GroupNorm`` and ``nn.GroupNorm`` call this)."""
    x = _core.ndarray(data)
    if x.ndim < 2 or x.shape[1] % num_groups:
        raise ValueError(f"GroupNorm: the channels (axis 1) of input shape {x.shape} must divide into "
                         f"num_groups={num_groups} groups")
    per_group = x.shape[1] // num_groups
    for d in x.shape[2:]:
        per_group *= d
    grouped = x.reshape(x.shape[0], num_groups, per_group)
    mean = grouped.mean(axis=2, keepdims=True)
    centered = grouped - mean
    var = (centered * centered).mean(axis=2, keepdims=True)
    out = centered / _np.sqrt(var + eps) * gamma.reshape(1, -1, 1) + beta.reshape(1, -1, 1)
    return _like(data, out.reshape(x.shape))


def _like(source, result):
    """``result`` as an array of ``source``'s kind (a legacy NDArray for an NDArray)."""
    return result if type(source) is _core.ndarray else _core._as_legacy(result)


def embedding(data, weight, input_dim=None, output_dim=None, dtype="float32", sparse_grad=False):
    """Rows of ``weight`` picked by the integer values of ``data``: shape ``data.shape + (output_dim,)``.
    Indices outside ``[0, input_dim)`` are clipped, as in MXNet."""
    n = weight.shape[0]
    idx = _np.asarray(data).astype("int64").clip(0, n - 1)
    return _core.take(weight, idx, 0)


# ---- softmax ----------------------------------------------------------------------------------


def softmax(data, length=None, axis=-1, temperature=None, dtype=None, use_length=False):
    """Softmax along ``axis`` (shifted by the max, so large inputs do not overflow).

    With ``use_length``, ``length`` (integers, the shape of ``data`` without ``axis``) keeps
    the first ``length`` positions of each row: the others get probability exactly 0 and no
    gradient; a length of 0 gives a row of zeros, one beyond the axis the whole row.
    As in MXNet 1.9.1, ``length`` is the second positional parameter.

    >>> from deepblocks import np, npx
    >>> x = np.array([[1.0, 1.0, 5.0], [2.0, 0.0, 0.0]])
    >>> npx.softmax(x, np.array([2, 0], dtype='int32'), use_length=True)
    array([[0.5, 0.5, 0. ],
           [0. , 0. , 0. ]])
    """
    return _with_length("softmax", _softmax, data, length, axis, temperature, dtype, use_length)


def log_softmax(data, axis=-1, temperature=None, dtype=None, use_length=False, length=None):
    """``log(softmax(data))`` computed stably as ``x - max - log(sum(exp(x - max)))``.

    ``length``/``use_length`` work as in ``softmax``; the positions at or beyond the length
    hold 0, as MXNet's kernel writes there (MXNet 1.9.1's Python function has no ``length``
    parameter and its operator refuses ``use_length=True``).

    >>> from deepblocks import np, npx
    >>> lengths = np.array([2], dtype='int32')  # integers, as MXNet requires
    >>> npx.log_softmax(np.array([[0.0, 0.0, 7.0]]), length=lengths, use_length=True).round(4)
    array([[-0.6931, -0.6931,  0.    ]])
    """
    return _with_length("log_softmax", _log_softmax, data, length, axis, temperature, dtype, use_length)


def masked_softmax(data, mask, axis=-1, temperature=1.0, normalize=True):
    """Softmax along ``axis`` over the positions where ``mask`` (broadcast to ``data``'s
    shape; nonzero means kept) holds; masked positions get exactly 0 and no gradient, and a
    row masked entirely is all zeros (MXNet 2's ``npx.masked_softmax``; MXNet 1.9.1 has none).
    ``normalize`` (shift by the max) changes no result, only overflow: the shift is always
    made.

    >>> from deepblocks import np, npx
    >>> x = np.array([[1.0, 2.0, 3.0], [1.0, 2.0, 3.0]])
    >>> mask = np.array([[True, True, False], [False, False, False]])
    >>> npx.masked_softmax(x, mask).round(4)
    array([[0.2689, 0.7311, 0.    ],
           [0.    , 0.    , 0.    ]])
    """
    x, keep = _masked_input("masked_softmax", data, mask, axis, temperature)
    out = _softmax(x, axis)
    return _core.where_(keep, out, _np.zeros((), dtype=out.dtype, ctx=out.ctx))


def masked_log_softmax(data, mask, axis=-1, temperature=1.0, normalize=True):
    """``log(masked_softmax(...))``: masked positions (and rows masked entirely) hold
    ``-inf``, with no gradient.

    >>> from deepblocks import np, npx
    >>> npx.masked_log_softmax(np.array([0.0, 0.0, 9.0]), np.array([True, True, False])).round(4)
    array([-0.6931, -0.6931,    -inf])
    """
    x, keep = _masked_input("masked_log_softmax", data, mask, axis, temperature)
    out = _log_softmax(x, axis)
    return _core.where_(keep, out, _np.full((), -_onp.inf, dtype=out.dtype, ctx=out.ctx))


def _with_length(name, normalize, data, length, axis, temperature, dtype, use_length):
    """``normalize`` (``_softmax`` or ``_log_softmax``) of the scaled data; with
    ``use_length``, over the kept positions only, with 0 at the others."""
    x, keep = _softmax_input(name, data, length, axis, temperature, use_length)
    if keep is None:
        out = normalize(x, axis)
    else:
        out = normalize(_fill_lowest(x, keep), axis)
        out = _core.where_(keep, out, _np.zeros((), dtype=out.dtype, ctx=out.ctx))
    return out if dtype is None else out.astype(dtype)


def _softmax(x, axis):
    if x.shape[axis] == 0:
        return x.copy()  # nothing to normalize (and no maximum to shift by)
    z = _core.unary(x - x.max(axis=axis, keepdims=True), "exp")
    return z / z.sum(axis=axis, keepdims=True)


def _log_softmax(x, axis):
    if x.shape[axis] == 0:
        return x.copy()
    shifted = x - x.max(axis=axis, keepdims=True)
    return shifted - _core.unary(_core.unary(shifted, "exp").sum(axis=axis, keepdims=True), "log")


def _float_input(name, data, axis):
    """``data`` as an array after MXNet's checks: floating point, ``axis`` in range."""
    x = _np.asarray(data)
    if x.dtype.kind != "f":
        raise TypeError(f"{name}: data must be a floating-point array, got dtype {x.dtype} (shape {x.shape})")
    if not -x.ndim <= axis < x.ndim:
        raise ValueError(f"{name}: axis {axis} is out of range for data of shape {x.shape}")
    return x


def _scaled(x, temperature):
    return x if temperature is None or temperature == 1.0 else x / temperature


def _softmax_input(name, data, length, axis, temperature, use_length):
    """The scaled input and, with ``use_length``, the boolean array of kept positions
    (``position < length`` along ``axis``), which broadcasts against the input."""
    x = _float_input(name, data, axis)
    if use_length and length is None:
        raise ValueError(f"{name}: use_length=True needs a length array")
    if not use_length:
        if length is not None:
            raise ValueError(f"{name}: length is given but use_length is False (pass use_length=True to use it)")
        return _scaled(x, temperature), None
    if not isinstance(length, _np.ndarray):
        raise TypeError(f"{name}: length must be an integer array, got {type(length).__name__}")
    length = _np.asarray(length)
    if length.dtype.kind not in "iu":
        raise TypeError(f"{name}: length must be an integer array (as in MXNet), got dtype {length.dtype}")
    axis %= x.ndim
    expected = x.shape[:axis] + x.shape[axis + 1:]
    if length.shape != expected:
        raise ValueError(f"{name}: length must have shape {expected} (data shape {x.shape} without axis {axis}), "
                         f"got shape {length.shape}")
    n = x.shape[axis]
    positions = _np.arange(n, dtype="int64", ctx=x.ctx).reshape((n,) + (1,) * (x.ndim - 1 - axis))
    return _scaled(x, temperature), positions < length.astype("int64").expand_dims(axis)


def _masked_input(name, data, mask, axis, temperature):
    """The scaled input with the masked positions at the dtype's lowest value (so they add
    nothing to the sum, and a row masked entirely stays finite), and the boolean mask."""
    x = _float_input(name, data, axis)
    keep = _np.asarray(mask)
    try:
        shape = _onp.broadcast_shapes(keep.shape, x.shape)
    except ValueError:
        shape = None
    if shape != x.shape:
        raise ValueError(f"{name}: mask of shape {keep.shape} does not broadcast to data shape {x.shape}")
    if keep.dtype != _onp.bool_:
        keep = keep != 0
    return _fill_lowest(_scaled(x, 1.0 if temperature is None else temperature), keep), keep


def _fill_lowest(x, keep):
    """``x`` with the positions outside ``keep`` at the lowest finite value of its dtype:
    they vanish from the exponential sum, yet a row with no kept position stays finite
    (``-inf`` there would make ``x - max`` NaN)."""
    lowest = _np.full((), _onp.finfo(_onp.dtype(x.dtype)).min, dtype=x.dtype, ctx=x.ctx)
    return _core.where_(keep, x, lowest)

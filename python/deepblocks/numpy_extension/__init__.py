"""``deepblocks.npx``: MXNet's NumPy extensions (activations, ``pick``, ``one_hot``,
``batch_dot``, the layers' functional forms such as ``convolution`` and ``pooling``, devices
and the array-mode switch).

>>> from deepblocks import np, npx
>>> npx.relu(np.array([-1.0, 2.0]))
array([0., 2.])
>>> npx.softmax(np.array([[0.0, 0.0]]))
array([[0.5, 0.5]])
"""

from .. import _core
from .. import numpy as _np
from ..context import cpu, current_context, gpu, num_gpus
from ..util import is_np_array, is_np_shape, reset_np, set_np, use_np
from . import random
from .serialization import load, save
from .conv import convolution, deconvolution
from .nn import activation, batch_norm, dropout, embedding, fully_connected, layer_norm, leaky_relu
from .pooling import pooling
from .sort import topk

__all__ = [
    "set_np", "reset_np", "is_np_array", "is_np_shape", "use_np", "relu", "sigmoid", "softmax",
    "log_softmax", "one_hot", "pick", "batch_dot", "waitall", "cpu", "gpu", "num_gpus",
    "current_context", "current_device", "random", "save", "load", "fully_connected", "activation",
    "leaky_relu", "dropout", "batch_norm", "layer_norm", "embedding", "convolution", "deconvolution", "pooling",
    "topk",
]

current_device = current_context


def waitall():
    """Waits for all pending work: the queued kernels of every GPU in use (the CPU engine
    is synchronous)."""
    _core.waitall()


def relu(data):
    """``max(data, 0)``, elementwise."""
    return _core.unary(data, "relu")


def sigmoid(data):
    """``1 / (1 + exp(-data))``, elementwise."""
    return _core.unary(data, "sigmoid")


def _masked(data, length, axis):
    if length is None:
        return data
    raise NotImplementedError("softmax with length= is not supported yet")


def softmax(data, axis=-1, length=None, temperature=None, use_length=False, dtype=None):
    """Softmax along ``axis`` (shifted by the max, so large inputs do not overflow)."""
    x = _np.asarray(_masked(data, length if use_length else None, axis))
    if temperature is not None and temperature != 1.0:
        x = x / temperature
    z = _core.unary(x - x.max(axis=axis, keepdims=True), "exp")
    out = z / z.sum(axis=axis, keepdims=True)
    return out if dtype is None else out.astype(dtype)


def log_softmax(data, axis=-1, length=None, temperature=None, use_length=False, dtype=None):
    """``log(softmax(data))`` computed stably as ``x - max - log(sum(exp(x - max)))``."""
    x = _np.asarray(_masked(data, length if use_length else None, axis))
    if temperature is not None and temperature != 1.0:
        x = x / temperature
    shifted = x - x.max(axis=axis, keepdims=True)
    out = shifted - _core.unary(_core.unary(shifted, "exp").sum(axis=axis, keepdims=True), "log")
    return out if dtype is None else out.astype(dtype)


def one_hot(data, depth, on_value=1.0, off_value=0.0, dtype="float32"):
    """Rows of ``depth`` zeros with ``on_value`` at each index of ``data``.

    >>> from deepblocks import np, npx
    >>> npx.one_hot(np.array([1, 0]), 3)
    array([[0., 1., 0.],
           [1., 0., 0.]])
    """
    idx = _np.asarray(data).astype("int64")
    ctx = idx.ctx
    hit = idx.expand_dims(-1) == _np.arange(depth, dtype="int64", ctx=ctx)
    # The values in the output dtype from the start (Python floats would pass through float32).
    on, off = _np.array(on_value, dtype=dtype, ctx=ctx), _np.array(off_value, dtype=dtype, ctx=ctx)
    return _core.where_(hit, on, off)


def pick(data, index, axis=-1, mode="clip", keepdims=False):
    """``data`` at ``index`` along ``axis`` (MXNet's ``pick``); out-of-range indices are
    clipped (``mode='clip'``) or wrapped (``mode='wrap'``).

    >>> from deepblocks import np, npx
    >>> npx.pick(np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([1, 0]))
    array([2., 3.])
    """
    data = _np.asarray(data)
    if data.ndim == 0:
        raise ValueError("pick: data must have at least one dimension")
    axis = axis % data.ndim
    n = data.shape[axis]
    idx = _np.asarray(index).astype("int64")
    expected = data.shape[:axis] + data.shape[axis + 1:]
    if idx.shape != expected and not (keepdims and idx.shape == data.shape[:axis] + (1,) + data.shape[axis + 1:]):
        idx = idx.broadcast_to(expected)
    idx = idx.reshape(expected)
    if mode == "clip":
        idx = idx.clip(0, n - 1)
    elif mode == "wrap":
        idx = idx % n
    else:
        raise ValueError(f"pick: mode must be 'clip' or 'wrap', got {mode!r}")
    if data.ctx.device_type == "gpu":
        # On a GPU, a mask of the picked positions and a sum along the axis: gathering would
        # read the indices on the host (a copy that waits for the queued kernels), and every
        # index is in range here. `where`, not a product, so a NaN elsewhere stays out.
        shape = [1] * data.ndim
        shape[axis] = n
        hit = idx.expand_dims(axis) == _np.arange(n, dtype="int64", ctx=data.ctx).reshape(shape)
        out = _core.where_(hit, data, _np.zeros((), dtype=data.dtype, ctx=data.ctx)).sum(axis=axis)
        out = out.astype(data.dtype, copy=False)   # sums of small integers widen; one term does not
        return out.expand_dims(axis) if keepdims else out
    rest = data.ndim - 1
    key = []
    for d in range(data.ndim):
        if d == axis:
            key.append(idx)
        else:
            p = d if d < axis else d - 1
            shape = [1] * rest
            shape[p] = data.shape[d]
            key.append(_np.arange(data.shape[d], dtype="int64").reshape(shape))
    out = data[tuple(key)]
    return out.expand_dims(axis) if keepdims else out


def batch_dot(a, b, transpose_a=False, transpose_b=False, forward_stype=None):
    """Batched matrix product of (B, n, k) and (B, k, m) arrays."""
    a, b = _np.asarray(a), _np.asarray(b)
    if transpose_a:
        a = a.swapaxes(-1, -2)
    if transpose_b:
        b = b.swapaxes(-1, -2)
    return _core.matmul(a, b)

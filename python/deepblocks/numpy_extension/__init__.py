"""``deepblocks.npx``: MXNet's NumPy extensions (activations, ``pick``, ``one_hot``,
``batch_dot``, the layers' functional forms such as ``convolution``, ``pooling`` and ``rnn``, devices
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
from .nn import (activation, batch_norm, dropout, embedding, fully_connected, layer_norm, leaky_relu, log_softmax,
                 masked_log_softmax, masked_softmax, softmax)
from .pooling import pooling
from .sequence import arange_like, sequence_last, sequence_mask, sequence_reverse
from .rnn import gru_cell, lstm_cell, rnn, rnn_cell
from .sort import topk
from .shaping import constraint_check, nonzero, reshape
from . import special
from .special import digamma, erf, erfinv, gamma, gammaln
from .legacy_ops import (Context, batch_flatten, cast, cpu_pinned, gather_nd, get_cuda_compute_capability,
                         gpu_memory_info, reshape_like, shape_array, slice, smooth_l1)

__all__ = [
    "set_np", "reset_np", "is_np_array", "is_np_shape", "use_np", "relu", "sigmoid", "softmax",
    "log_softmax", "one_hot", "pick", "batch_dot", "waitall", "cpu", "gpu", "num_gpus",
    "current_context", "current_device", "random", "save", "load", "fully_connected", "activation",
    "leaky_relu", "dropout", "batch_norm", "layer_norm", "embedding", "convolution", "deconvolution", "pooling",
    "rnn", "rnn_cell", "lstm_cell", "gru_cell",
    "masked_softmax", "masked_log_softmax", "sequence_mask", "sequence_last", "sequence_reverse", "arange_like",
    "topk",
    "batch_flatten", "cast", "slice", "smooth_l1", "reshape_like", "gather_nd", "shape_array", "Context",
    "cpu_pinned", "gpu_memory_info", "get_cuda_compute_capability",
    "reshape", "nonzero", "constraint_check",
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
    """Batched matrix product of ``(B..., n, k)`` and ``(B..., k, m)`` arrays: both of the
    same rank, 3 or more, with equal batch axes (no broadcasting, as in MXNet);
    ``transpose_a``/``transpose_b`` swap the last two axes of an operand first.

    >>> from deepblocks import np, npx
    >>> npx.batch_dot(np.ones((2, 1, 3)), np.ones((2, 4, 3)), transpose_b=True)
    array([[[3., 3., 3., 3.]],
    <BLANKLINE>
           [[3., 3., 3., 3.]]])
    """
    a, b = _np.asarray(a), _np.asarray(b)
    _check_batch_dot(a.shape, b.shape, transpose_a, transpose_b)
    if transpose_a:
        a = a.swapaxes(-1, -2)
    if transpose_b:
        b = b.swapaxes(-1, -2)
    return _core.matmul(a, b)


def _check_batch_dot(sa, sb, transpose_a, transpose_b):
    """MXNet's rules for ``batch_dot`` operands, as ValueErrors that name the shapes."""
    flags = f"(transpose_a={bool(transpose_a)}, transpose_b={bool(transpose_b)})"
    if len(sa) < 3 or len(sa) != len(sb):
        raise ValueError(f"batch_dot: the operands must have the same rank, 3 or more, got shapes {sa} and {sb}")
    if sa[:-2] != sb[:-2]:
        raise ValueError(f"batch_dot: the leading batch axes of shapes {sa} and {sb} must be equal")
    ka = sa[-2] if transpose_a else sa[-1]
    kb = sb[-1] if transpose_b else sb[-2]
    if ka != kb:
        raise ValueError(f"batch_dot: shapes {sa} and {sb} {flags} do not fit: {ka} != {kb} along the summed axis")

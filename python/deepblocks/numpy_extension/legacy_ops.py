"""The ``npx`` forms of MXNet's legacy operators, with MXNet 1.9.1's signatures, checks and
dtypes: ``npx.batch_flatten``, ``npx.cast``, ``npx.slice``, ``npx.smooth_l1``,
``npx.reshape_like``, ``npx.gather_nd`` and ``npx.shape_array``; and the device helpers
``npx`` shares with ``mxnet.context`` and ``mxnet.util``: ``npx.Context``, ``npx.cpu_pinned``,
``npx.gpu_memory_info`` and ``npx.get_cuda_compute_capability``.

They take and return ``np`` arrays (array-likes are converted, as ``np.asarray`` does), and
each takes MXNet's ``out=`` (an array of the result's shape and dtype, written and returned)
and ``name=`` (ignored, as MXNet ignores it outside symbols). All are built from the engine's
reshapes, views, copies, gathers and ``where``, so they carry gradients where MXNet's do.

>>> from deepblocks import np, npx
>>> x = np.arange(6).reshape(2, 3)
>>> npx.slice(x, begin=(None, 2), end=(None, None), step=(-1, -2))
array([[5., 3.],
       [2., 0.]])
>>> npx.gather_nd(x, np.array([[1, -1], [0, 2]], dtype='int64'))      # x[1, 0], x[-1, 2]
array([3., 5.])
>>> npx.smooth_l1(np.array([-2.0, 0.5]))
array([1.5  , 0.125])
>>> npx.cast(np.array([2.7, -1.5]), dtype='int32')
array([ 2, -1], dtype=int32)
"""

import math as _math
import operator as _operator

import numpy as _onp

from .. import _core
from .. import numpy as _np
from ..context import Context, cpu_pinned
from ..util import get_cuda_compute_capability, get_gpu_memory

__all__ = ["batch_flatten", "cast", "slice", "smooth_l1", "reshape_like", "gather_nd", "shape_array",
           "Context", "cpu_pinned", "gpu_memory_info", "get_cuda_compute_capability"]

_builtin_slice = slice

# The dtypes MXNet's Cast accepts, and the ones among them deepblocks arrays can hold.
_MXNET_CAST_DTYPES = ("bfloat16", "bool", "float16", "float32", "float64", "int32", "int64", "int8", "uint8")
_DEEPBLOCKS_DTYPES = ("bool", "uint8", "int32", "int64", "float32", "float64")


def _data(x, op, what="data"):
    """``x`` as a deepblocks ``np`` array; None (MXNet's missing argument) is a TypeError."""
    if x is None:
        raise TypeError(f"{op}: {what} is required")
    return _np.asarray(x)


def _into(result, out, op):
    """MXNet's ``out=``: ``result`` written into ``out`` (same shape and dtype: MXNet never
    casts or broadcasts here), which is returned; ``result`` itself when ``out`` is None."""
    if out is None:
        return result
    if not isinstance(out, _core.ndarray):
        raise TypeError(f"{op}: out must be a deepblocks array, got {type(out).__name__}")
    if out.shape != result.shape:
        raise ValueError(f"{op}: out has shape {out.shape} but the result has shape {result.shape}")
    if out.dtype != result.dtype:
        raise TypeError(f"{op}: out has dtype {out.dtype} but the result has dtype {result.dtype} (out= never casts)")
    out[...] = result
    return out


def _int(v, op, what):
    """``v`` as a Python int (NumPy integers too); a float or a string is a TypeError."""
    try:
        return _operator.index(v)
    except TypeError:
        raise TypeError(f"{op}: {what} must be an int, got {v!r}") from None


# ---- shapes ---------------------------------------------------------------------------------------


def batch_flatten(data, out=None, name=None):
    """``data`` as a 2-D array ``(d0, d1 * d2 * ...)``: every axis but the first collapsed
    (a 1-D ``(n,)`` becomes ``(n, 1)``). A view where the layout allows, as ``reshape``.

    >>> from deepblocks import np, npx
    >>> npx.batch_flatten(np.zeros((2, 3, 4))).shape
    (2, 12)
    >>> npx.batch_flatten(np.array([1.0, 2.0]))
    array([[1.],
           [2.]])
    """
    x = _data(data, "batch_flatten")
    if x.ndim == 0:
        raise ValueError("batch_flatten: data must have at least one dimension, got shape ()")
    return _into(x.reshape((x.shape[0], _math.prod(x.shape[1:]))), out, "batch_flatten")


def reshape_like(lhs, rhs, lhs_begin=None, lhs_end=None, rhs_begin=None, rhs_end=None, out=None, name=None):
    """``lhs`` with the axes ``lhs_begin:lhs_end`` replaced by the axes ``rhs_begin:rhs_end``
    of ``rhs`` (all axes of each by default, so ``lhs`` takes ``rhs``'s shape). Bounds may be
    negative (from the end); as in MXNet each range must hold at least one axis, and the
    element count must not change. A view where the layout allows, as ``reshape``.

    >>> from deepblocks import np, npx
    >>> npx.reshape_like(np.arange(6), np.zeros((2, 3)))
    array([[0., 1., 2.],
           [3., 4., 5.]])
    >>> npx.reshape_like(np.zeros((30, 7)), np.zeros((15, 2, 4)), lhs_begin=0, lhs_end=1,
    ...                  rhs_begin=0, rhs_end=2).shape
    (15, 2, 7)
    """
    a = _data(lhs, "reshape_like", "lhs")
    b = _data(rhs, "reshape_like", "rhs")
    lb, le = _axis_range(lhs_begin, lhs_end, a.shape, "lhs")
    rb, re = _axis_range(rhs_begin, rhs_end, b.shape, "rhs")
    shape = a.shape[:lb] + b.shape[rb:re] + a.shape[le:]
    if _math.prod(shape) != a.size:
        raise ValueError(f"reshape_like: cannot reshape lhs of shape {a.shape} ({a.size} elements) to {shape} "
                         f"({_math.prod(shape)} elements, axes {rb}:{re} of rhs shape {b.shape})")
    return _into(a.reshape(shape), out, "reshape_like")


def _axis_range(begin, end, shape, side):
    """MXNet's ``begin:end`` axis range of ``shape``: None is the start or the end, negatives
    count from the end, and the range must be a non-empty part of the axes."""
    ndim = len(shape)
    b = 0 if begin is None else _int(begin, "reshape_like", f"{side}_begin")
    e = ndim if end is None else _int(end, "reshape_like", f"{side}_end")
    b, e = b + ndim if b < 0 else b, e + ndim if e < 0 else e
    if b < 0 or e > ndim or not b < e:
        raise ValueError(f"reshape_like: {side}_begin={begin}, {side}_end={end} do not select a non-empty range "
                         f"of the {ndim} axes of {side} shape {shape}")
    return b, e


def shape_array(data, out=None, name=None):
    """The shape of ``data`` as a 1-D int64 array, on ``data``'s device (``()`` gives an
    empty array).

    >>> from deepblocks import np, npx
    >>> npx.shape_array(np.zeros((2, 3)))
    array([2, 3], dtype=int64)
    """
    x = _data(data, "shape_array")
    return _into(_np.array(list(x.shape), dtype="int64", ctx=x.ctx), out, "shape_array")


# ---- slicing and gathering ------------------------------------------------------------------------


def slice(data, begin=None, end=None, step=None, out=None, name=None):
    """``data[begin[0]:end[0]:step[0], begin[1]:end[1]:step[1], ...]`` as a new array: one
    ``(begin, end, step)`` per leading axis, the other axes whole. Entries are Python slice
    bounds: None means "from the start" or "to the end" (for a negative step, from the end
    down to the start), negatives count from the end, and bounds beyond the axis are
    clipped. ``begin`` and ``end`` are required (``()`` slices nothing away); ``step`` may be
    omitted (all 1) and must not contain 0.

    >>> from deepblocks import np, npx
    >>> x = np.arange(6).reshape(2, 3)
    >>> npx.slice(x, begin=(0, 1), end=(2, 3))
    array([[1., 2.],
           [4., 5.]])
    >>> npx.slice(x, begin=(None,), end=(None,), step=(-1,))
    array([[3., 4., 5.],
           [0., 1., 2.]])
    """
    x = _data(data, "slice")
    if begin is None or end is None:
        raise TypeError(f"slice: begin and end are required, got begin={begin!r}, end={end!r}")
    begin, end = _bounds(begin, "begin"), _bounds(end, "end")
    step = _bounds(step, "step") if step is not None else ()
    if x.ndim == 0:
        raise ValueError("slice: data must have at least one dimension, got shape ()")
    if len(begin) != len(end):
        raise ValueError(f"slice: begin {begin} and end {end} must have the same length")
    if step and len(step) != len(begin):
        raise ValueError(f"slice: step {step} and begin {begin} must have the same length")
    if len(begin) > x.ndim:
        raise ValueError(f"slice: {len(begin)} axes to slice exceed the {x.ndim} dimensions of data shape {x.shape}")
    step = step or (None,) * len(begin)
    for i, s in enumerate(step):
        if s == 0:
            raise ValueError(f"slice: step[{i}] cannot be 0 (step {step}, data shape {x.shape})")
    key = tuple(_builtin_slice(b, e, s) for b, e, s in zip(begin, end, step))
    # A copy, as MXNet's operator makes one: the basic index alone would be a view of data.
    return _into(x[key].copy(), out, "slice")


def _bounds(v, what):
    """A slice bound argument (an int, or a sequence of ints and Nones) as a tuple."""
    if isinstance(v, (tuple, list)):
        return tuple(None if e is None else _int(e, "slice", f"every entry of {what}") for e in v)
    return (_int(v, "slice", f"{what} (an int or a tuple of ints and Nones)"),)


def gather_nd(data, indices, out=None, name=None):
    """``data[indices[0], indices[1], ..., indices[M-1]]``: ``indices`` of shape
    ``(M, Y...)`` picks ``Y...`` entries of ``data`` (or sub-arrays of shape
    ``data.shape[M:]`` when ``M < data.ndim``), so the result has shape
    ``Y + data.shape[M:]``. Negative indices count from the end; an index outside
    ``[-size, size)`` is an IndexError. Float indices (MXNet's default dtype) are checked
    against ``[-size, size - 1]``, moved up by ``size`` when negative, then truncated.
    The gradient adds up over repeated indices.

    >>> from deepblocks import np, npx
    >>> data = np.array([[1.0, 2.0], [3.0, 4.0]])
    >>> npx.gather_nd(data, np.array([[1, 0], [0, 1]]))     # data[1, 0], data[0, 1]
    array([3., 2.])
    >>> npx.gather_nd(data, np.array([[-1]]))               # the last row
    array([[3., 4.]])
    """
    x = _data(data, "gather_nd")
    idx = _data(indices, "gather_nd", "indices")
    if idx.ndim < 2:
        raise ValueError(f"gather_nd: indices must have at least 2 dimensions (M, Y...), got shape {idx.shape}")
    m = idx.shape[0]
    if m > x.ndim:
        raise ValueError(f"gather_nd: indices of shape {idx.shape} address {m} axes, more than the {x.ndim} "
                         f"of data shape {x.shape}")
    kind = idx.dtype.kind
    if kind not in "iuf":
        raise TypeError(f"gather_nd: indices must be an integer or float array, got dtype {idx.dtype}")
    if m == 0:
        # No axis is addressed: each of the Y positions picks the whole of data.
        return _into(x.broadcast_to(idx.shape[1:] + x.shape).copy(), out, "gather_nd")
    if kind == "f":
        idx = _float_indices(idx, x.shape)
    elif idx.dtype != _onp.int64:
        idx = idx.astype("int64")
    key = tuple(idx[i] for i in range(m))
    try:
        # The engine's integer-array indexing wraps negatives and scatter-adds the gradient.
        return _into(x[key], out, "gather_nd")
    except IndexError as e:
        # The engine names some bad index; MXNet's message names the first one, axis by axis.
        raise (_out_of_range(idx, x.shape) or e) from None


def _float_indices(idx, shape):
    """Float indices as int64 by MXNet's rule: each row ``k`` must lie in
    ``[-shape[k], shape[k] - 1]``; negatives are moved up by ``shape[k]`` before truncation
    (so ``-0.5`` on an axis of 2 picks 1)."""
    m = idx.shape[0]
    sizes = _np.array(shape[:m], dtype=idx.dtype, ctx=idx.ctx).reshape((m,) + (1,) * (idx.ndim - 1))
    if bool(((idx < -sizes) | (idx > sizes - 1)).any()):
        raise _out_of_range(idx, shape)
    return _core.where_(idx < 0, idx + sizes, idx).astype("int64")


def _out_of_range(idx, shape):
    """MXNet's IndexError for the first index (axis by axis, as MXNet checks) outside
    ``[-shape[k], shape[k] - 1]``, printed as its C++ stream prints it (5.0 as 5); None
    when every index is in range."""
    host = idx.asnumpy()
    m = host.shape[0]
    sizes = _onp.array(shape[:m]).reshape((m,) + (1,) * (host.ndim - 1))
    bad = _onp.argwhere((host < -sizes) | (host > sizes - 1))
    if len(bad) == 0:
        return None
    k, *pos = bad[0]
    v = host[(k, *pos)]
    v = f"{float(v):g}" if host.dtype.kind == "f" else int(v)
    return IndexError(f"index {v} is out of bounds for axis {k} with size {shape[k]}")


# ---- elementwise ----------------------------------------------------------------------------------


def cast(data, dtype=None, out=None, name=None):
    """``data`` converted to ``dtype`` (always a new array). Floats become integers by
    truncation toward zero and integers wrap to narrower ones, as C casts do; the gradient
    flows back in ``data``'s dtype. ``dtype`` is required; deepblocks arrays hold bool,
    uint8, int32, int64, float32 and float64 (MXNet's float16, int8 and bfloat16 are a
    TypeError).

    >>> from deepblocks import np, npx
    >>> npx.cast(np.array([1.5, -0.5, 300.0]), dtype='uint8')
    array([ 1,  0, 44], dtype=uint8)
    >>> npx.cast(np.array([0, 2], dtype='int32'), dtype=np.bool_)
    array([False,  True])
    """
    if dtype is None:
        raise TypeError("cast: dtype is required")
    x = _data(data, "cast")
    dt = _onp.dtype(dtype)  # "data type 'foo' not understood" (a TypeError), as in MXNet
    if dt.name not in _DEEPBLOCKS_DTYPES:
        if dt.name in _MXNET_CAST_DTYPES:
            raise TypeError(f"cast: dtype {dt.name} is not supported by deepblocks arrays "
                            f"(supported: {', '.join(_DEEPBLOCKS_DTYPES)})")
        raise TypeError(f"cast: invalid dtype {dt.name}; valid values are {', '.join(_DEEPBLOCKS_DTYPES)}")
    return _into(x.astype(dt.name), out, "cast")


def smooth_l1(data, scalar=1.0, out=None, name=None):
    """The smooth L1 function of Fast R-CNN with ``sigma = scalar``, elementwise:
    ``0.5 * (sigma * x)**2`` where ``|x| <= 1 / sigma**2``, else ``|x| - 0.5 / sigma**2``.
    ``sigma = 0`` gives 0 everywhere (the quadratic branch). Its gradient is
    ``sigma**2 * x`` inside and ``sign(x)`` outside.

    Integer data keeps its dtype as in MXNet: ``scalar`` is truncated to an integer first and
    the result is truncated toward zero. Bool data is a TypeError.

    >>> from deepblocks import np, npx
    >>> npx.smooth_l1(np.array([-2.0, 0.1, 0.5]), scalar=2.0)
    array([1.875, 0.02 , 0.375])
    """
    x = _data(data, "smooth_l1")
    kind = x.dtype.kind
    if kind not in "iuf":
        raise TypeError(f"smooth_l1: data must be an integer or float array, got dtype {x.dtype} (shape {x.shape})")
    sigma = float(scalar)
    if kind != "f":
        sigma = float(_math.trunc(sigma))
        return _into(_smooth_l1(x.astype("float64"), sigma).astype(x.dtype), out, "smooth_l1")
    return _into(_smooth_l1(x, sigma), out, "smooth_l1")


def _smooth_l1(x, sigma):
    bsq = sigma * sigma
    knee = _math.inf if bsq == 0 else 1.0 / bsq
    shift = 0.5 * knee
    # The operations in MXNet's order, so float32 results round the same way; `where` sends
    # each branch's gradient only where that branch is taken.
    inner = 0.5 * x * x * bsq
    below = _core.where_(x < -knee, -x - shift, inner)
    return _core.where_(x > knee, x - shift, below)


# ---- devices --------------------------------------------------------------------------------------


def gpu_memory_info(device_id=0):
    """``(free, total)`` bytes of GPU ``device_id``'s memory, from the CUDA driver; a GPU that
    is not there is an ``MXNetError``.

    >>> from deepblocks import npx
    >>> from deepblocks.base import MXNetError
    >>> try:
    ...     free, total = npx.gpu_memory_info(0)
    ... except MXNetError:
    ...     free, total = 0, 0          # no GPU on this machine
    >>> 0 <= free <= total
    True
    """
    return get_gpu_memory(_int(device_id, "gpu_memory_info", "device_id"))

"""Legacy ``nd`` operators that gather and scatter by index arrays, with MXNet 1.9.1's
signatures and index rules: ``nd.gather_nd``, ``nd.scatter_nd``, ``nd.batch_take``,
``nd.choose_element_0index``, ``nd.fill_element_0index``, ``nd.ravel_multi_index``,
``nd.unravel_index`` and ``nd.onehot_encode``.

Indices may be float arrays (MXNet keeps them in float32 arrays; they are truncated). The
gathers and scatters are the engine's integer-array indexing, so they carry gradients.

>>> from deepblocks import nd
>>> data = nd.array([[1, 2], [3, 4]])
>>> nd.gather_nd(data, nd.array([[1, 0], [0, 1]])).asnumpy()      # data[1, 0], data[0, 1]
array([3., 2.], dtype=float32)
>>> nd.scatter_nd(nd.array([5, 6]), nd.array([[1, 0], [0, 1]]), shape=(2, 2)).asnumpy()
array([[0., 6.],
       [5., 0.]], dtype=float32)
"""

from .. import _core
from .ndarray import _base, _name, _nd, _np_dtype
from .ops import OperatorError as _OperatorError
from .ops import _write, one_hot, pick

__all__ = ["gather_nd", "scatter_nd", "batch_take", "choose_element_0index", "fill_element_0index",
           "ravel_multi_index", "unravel_index", "onehot_encode"]


def _int_index(indices):
    """``indices`` as an int64 deepblocks array (floats truncated toward zero)."""
    idx = indices if isinstance(indices, _base) else _core.array(indices, None, None, None, False)
    return idx if _np_dtype(idx).name == "int64" else idx.astype("int64")


def _key(indices, data_ndim, name):
    idx = _int_index(indices)
    if idx.ndim < 2:
        raise _OperatorError(f"{name}: indices must have at least 2 dimensions (M, ...), got shape {idx.shape}")
    if idx.shape[0] > data_ndim:
        raise _OperatorError(f"{name}: {idx.shape[0]} index rows exceed the {data_ndim} dimensions of the data")
    return tuple(idx[i] for i in range(idx.shape[0]))


def gather_nd(data=None, indices=None, out=None):
    """``data[indices[0], indices[1], ..., indices[M-1]]``: ``indices`` of shape ``(M, Y...)``
    picks ``Y...`` entries (or sub-arrays, when ``M`` is less than ``data.ndim``); negative
    indices count from the end."""
    x = _nd(data)
    return _write(_nd(x[_key(indices, x.ndim, "gather_nd")]), out)


def scatter_nd(data=None, indices=None, shape=None, out=None):
    """A zero array of ``shape`` with ``data`` written at ``indices`` (the inverse of
    ``gather_nd``); where an index repeats, the last write wins."""
    x = _nd(data)
    if shape is None:
        raise TypeError("scatter_nd: shape is required")
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    made = _nd(_core.full(shape, 0, _name(_np_dtype(x)), x.ctx, None, legacy=True))
    made[_key(indices, len(shape), "scatter_nd")] = x
    return _write(made, out)


def _rows(data, index, name):
    x = _nd(data)
    if x.ndim != 2:
        raise _OperatorError(f"{name}: data must be 2-D (batch, n), got shape {x.shape}")
    idx = _int_index(index).reshape(-1)
    if idx.shape[0] != x.shape[0]:
        raise _OperatorError(f"{name}: {idx.shape[0]} indices for {x.shape[0]} rows of shape {x.shape}")
    rows = _core.arange(0, x.shape[0], 1, "int64", x.ctx, None)
    return x, rows, idx


def batch_take(a=None, indices=None, out=None):
    """``a[i, indices[i]]`` for each row ``i`` of a 2-D ``a``; indices are clipped to the row.

    >>> from deepblocks import nd
    >>> nd.batch_take(nd.array([[1, 2], [3, 4]]), nd.array([1, 5], dtype='int32')).asnumpy()
    array([2., 4.], dtype=float32)
    """
    x, rows, idx = _rows(a, indices, "batch_take")
    return _write(_nd(x[rows, idx.clip(0, x.shape[1] - 1)]), out)


def choose_element_0index(data=None, index=None, axis=-1, keepdims=False, mode="clip", out=None):
    """MXNet's deprecated name of ``pick`` on 2-D data: ``data[i, index[i]]`` (clipped)."""
    return pick(data, index, axis=axis, keepdims=keepdims, mode=mode, out=out)


def fill_element_0index(lhs=None, mhs=None, rhs=None, out=None):
    """A copy of 2-D ``lhs`` with ``lhs[i, rhs[i]] = mhs[i]`` for each row; a row whose index
    is outside ``[0, n)`` is left unchanged (as MXNet does).

    >>> from deepblocks import nd
    >>> nd.fill_element_0index(nd.zeros((2, 2)), nd.array([7, 8]), nd.array([1, 9])).asnumpy()
    array([[0., 7.],
           [0., 0.]], dtype=float32)
    """
    x, rows, idx = _rows(lhs, rhs, "fill_element_0index")
    values = _nd(mhs).reshape(-1)
    keep = ((idx >= 0) & (idx < x.shape[1])).asnumpy()
    made = x.copy()
    if keep.any():
        sel = _core.array(keep.nonzero()[0].tolist(), "int64", x.ctx, None, False)
        made[rows[sel], idx[sel]] = values[sel]
    return _write(made, out)


def ravel_multi_index(data=None, shape=None, out=None):
    """Flat positions in an array of ``shape`` of the coordinates in the columns of ``data``
    (``(len(shape), N)``), in ``data``'s dtype; coordinates are not range-checked (MXNet).

    >>> from deepblocks import nd
    >>> nd.ravel_multi_index(nd.array([[3, 6, 6], [4, 5, 1]]), shape=(7, 6)).asnumpy()
    array([22., 41., 37.], dtype=float32)
    """
    x = _nd(data)
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    if x.ndim < 1 or x.shape[0] != len(shape):
        raise _OperatorError(f"ravel_multi_index: data must have {len(shape)} rows (one per axis of {shape}), "
                             f"got shape {x.shape}")
    flat = x[0].astype("int64")
    for i in range(1, len(shape)):
        flat = flat * shape[i] + x[i].astype("int64")
    return _write(_nd(flat.astype(_name(_np_dtype(x)))), out)


def unravel_index(data=None, shape=None, out=None):
    """The coordinates in an array of ``shape`` of the flat positions ``data``: shape
    ``(len(shape),) + data.shape``; the first coordinate is not wrapped (MXNet).

    >>> from deepblocks import nd
    >>> nd.unravel_index(nd.array([22, 41]), shape=(7, 6)).asnumpy()
    array([[3., 6.],
           [4., 5.]], dtype=float32)
    """
    x = _nd(data)
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    if any(d <= 0 for d in shape):
        raise _OperatorError(f"unravel_index: shape {shape} must have positive dimensions")
    rest = x.astype("int64")
    coords = []
    for d in reversed(shape[1:]):
        coords.append(rest % d)
        rest = rest // d
    coords.append(rest)
    made = _core.stack(list(reversed(coords)), 0)
    return _write(_nd(made.astype(_name(_np_dtype(x)))), out)


def onehot_encode(indices, out):
    """Writes the one-hot rows of ``indices`` into the float32 matrix ``out`` (its width is
    the depth) and returns it; an index outside ``[0, depth)`` gives a zero row."""
    if not isinstance(out, _base):
        raise TypeError(f"onehot_encode: out must be an NDArray, got {type(out).__name__}")
    if _np_dtype(out).name != "float32":
        raise _OperatorError(f"onehot_encode: out must be float32 (as MXNet's), got {_np_dtype(out).name}")
    if out.ndim != 2:
        raise _OperatorError(f"onehot_encode: out must be a 2-D (n, depth) matrix, got shape {out.shape}")
    return _write(one_hot(indices, out.shape[1]), out)

"""Running products and differences, as NumPy's: ``cumprod``, ``diff`` and ``ediff1d``.

``cumprod`` is a parallel prefix product (log2(n) rounds of multiplying each element by the
one ``2**k`` places before it), so it runs as a few engine operations on the input's device,
integers wrap exactly as NumPy's sequential product does, and its gradient is the chain rule
through plain multiplications: exact where the input has zeros, with no division.

>>> from deepblocks import np
>>> np.cumprod(np.array([1.0, 2.0, 3.0, 4.0]))
array([ 1.,  2.,  6., 24.])
>>> np.diff(np.array([1, 4, 9, 16], dtype='int32'), n=2)
array([2, 2], dtype=int32)
>>> np.ediff1d(np.array([1.0, 2.0, 4.0]), to_begin=-1.0)
array([-1.,  1.,  2.])
"""

import numpy as _onp

from .. import _core
from . import asarray, ndarray
from .search import _numpy_like
from ._axes import normalize_axis_index as _axis_index

__all__ = ["cumprod", "diff", "ediff1d"]


def _along(axis, ndim, s):
    return (slice(None),) * axis + (s,) + (slice(None),) * (ndim - axis - 1)


def cumprod(a, axis=None, dtype=None, out=None):
    """The cumulative product along ``axis`` (of the flattened array when None). Integers
    and bool accumulate in int64, as ``cumsum`` does. Differentiable, zeros included.

    >>> from deepblocks import np
    >>> np.cumprod(np.array([[1, 2], [3, 4]], dtype='int32'), axis=0)
    array([[1, 2],
           [3, 8]], dtype=int64)
    """
    if out is not None:
        raise TypeError("the out= argument is not supported; assign the result instead")
    a = asarray(a)
    if axis is None:
        a, axis = a.reshape(-1), 0
    axis = _axis_index(axis, a.ndim)
    if dtype is not None:
        a = a.astype(dtype)
    elif a.dtype.kind in "biu" and a.dtype != _onp.int64:
        a = a.astype("int64")
    y = a.copy()
    n, nd, step = a.shape[axis], a.ndim, 1
    while step < n:
        # After this round y[i] is the product of the 2*step elements ending at i.
        head = y[_along(axis, nd, slice(0, step))]
        tail = y[_along(axis, nd, slice(step, None))] * y[_along(axis, nd, slice(0, n - step))]
        y = _core.concatenate([head, tail], axis)
        step *= 2
    return y


def _cumprod_method(self, axis=None, dtype=None, out=None):
    """``cumprod(self, axis, dtype)``: the cumulative product (see ``np.cumprod``)."""
    return cumprod(self, axis, dtype, out)


_cumprod_method.__name__ = "cumprod"
ndarray.cumprod = _cumprod_method  # NumPy arrays have it as a method, as cumsum


def _edge(value, a, axis):
    """A ``prepend``/``append`` value as NumPy takes it: its own dtype (Python numbers as
    NumPy's int64/float64), a scalar broadcast to one slice along ``axis``."""
    v = _numpy_like(value, a.ctx)
    if v.ndim == 0:
        shape = list(a.shape)
        shape[axis] = 1
        v = v.broadcast_to(tuple(shape))
    return v


def diff(a, n=1, axis=-1, prepend=None, append=None):
    """The ``n``-th discrete difference along ``axis``, after joining ``prepend`` and
    ``append`` (scalars or arrays) to ``a``; bool arrays give ``!=`` of neighbours.
    Differentiable.

    >>> from deepblocks import np
    >>> np.diff(np.array([[1.0, 3.0, 6.0]]), prepend=0)
    array([[1., 2., 3.]], dtype=float64)
    """
    if n == 0:
        return asarray(a)
    if n < 0:
        raise ValueError(f"order must be non-negative but got {n!r}")
    a = asarray(a)
    if a.ndim == 0:
        raise ValueError("diff requires input that is at least one dimensional")
    axis = _axis_index(axis, a.ndim)
    parts = []
    if prepend is not None:
        parts.append(_edge(prepend, a, axis))
    parts.append(a)
    if append is not None:
        parts.append(_edge(append, a, axis))
    if len(parts) > 1:
        a = _core.concatenate(parts, axis)
    nd = a.ndim
    for _ in range(n):
        hi, lo = a[_along(axis, nd, slice(1, None))], a[_along(axis, nd, slice(None, -1))]
        a = (hi != lo) if a.dtype == _onp.bool_ else hi - lo
    return a


def ediff1d(ary, to_end=None, to_begin=None):
    """The differences of consecutive elements of the flattened ``ary``, with ``to_begin``
    and ``to_end`` joined before and after (cast to ``ary``'s dtype, which they must fit by
    NumPy's ``same_kind`` rule).

    >>> from deepblocks import np
    >>> np.ediff1d(np.array([[1, 2], [4, 8]], dtype='int64'), to_end=[0, 0])
    array([1, 2, 4, 0, 0], dtype=int64)
    """
    a = asarray(ary).reshape(-1)
    d = a[1:] - a[:-1]
    parts = []
    for name, v in (("to_begin", to_begin), ("to_end", to_end)):
        if v is None:
            parts.append(None)
            continue
        v = _numpy_like(v, a.ctx)
        if not _onp.can_cast(v.dtype, a.dtype, casting="same_kind"):
            raise TypeError(f"dtype of `{name}` must be compatible with input `ary` under the `same_kind` rule.")
        parts.append(v.reshape(-1).astype(a.dtype))
    if parts[0] is None and parts[1] is None:
        return d
    return _core.concatenate([p for p in (parts[0], d, parts[1]) if p is not None], 0)

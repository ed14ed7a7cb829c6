"""Searching, sets and counting, as NumPy's: ``searchsorted``, ``unique``, ``bincount``,
``argwhere``, ``flatnonzero``, ``take`` (its three modes) and ``take_along_axis``.

Everything is composed from engine operations (stable sorts, cumulative sums, gathers), so
results stay on the input's device; gathers (``take``, ``take_along_axis``) are recorded by
autograd. Where a result's size depends on the values (``unique``, ``argwhere``, the length
of ``bincount``) one host synchronisation reads that size.

>>> from deepblocks import np
>>> np.searchsorted(np.array([1.0, 2.0, 3.0]), np.array([2.0, 2.5]))
array([1, 2], dtype=int64)
>>> np.unique(np.array([3, 1, 3, 2], dtype='int32'), return_counts=True)
(array([1, 2, 3], dtype=int32), array([1, 1, 2], dtype=int64))
>>> np.bincount(np.array([0, 2, 2], dtype='int64'))
array([1, 0, 2], dtype=int64)
"""

import builtins as _builtins
import math as _math

import numpy as _onp

from .. import _core
from .. import autograd as _autograd
from . import argsort, asarray, concatenate, cumsum, isnan, moveaxis, ndarray, nonzero, sort, stack, transpose
from ._axes import normalize_axis_index as _axis_index

__all__ = ["searchsorted", "unique", "bincount", "argwhere", "flatnonzero", "take", "take_along_axis"]


# ---- small shared helpers (used by the other function families too) --------------------------


def _on(host, ctx):
    """A host NumPy array (or scalar) as a deepblocks array on ``ctx``, keeping NumPy's dtype."""
    return _core.array(_onp.asarray(host), None, ctx, None, True)


def _numpy_like(x, ctx=None):
    """``x`` as a deepblocks array, converting Python data by NumPy's rules (int64/float64, not
    MXNet's float32): for index-like and auxiliary arguments whose dtype NumPy infers."""
    if isinstance(x, ndarray):
        return x
    return _on(x, ctx)


def _arange(n, ctx):
    return _core.arange(0, n, 1, "int64", ctx, None)


def _int64(x):
    return x if x.dtype == _onp.int64 else x.astype("int64")


def _check_1d(x, what=""):
    """NumPy's wording for a 1-D argument given with another rank."""
    if x.ndim == 0:
        raise ValueError(f"object of too small depth for desired array{what}")
    if x.ndim > 1:
        raise ValueError(f"object too deep for desired array{what}")


# ---- searchsorted ----------------------------------------------------------------------------


def searchsorted(a, v, side="left", sorter=None):
    """Where each of ``v`` would go in the sorted 1-D ``a`` to keep it sorted: the first such
    place (``side='left'``) or the last (``'right'``); ``sorter`` sorts an unsorted ``a``.
    NaN counts as larger than every number, as in NumPy's sort order.

    >>> from deepblocks import np
    >>> np.searchsorted(np.array([1, 2, 2, 3], dtype='int64'), 2, side='right')
    array(3, dtype=int64)
    """
    if side not in ("left", "right"):
        raise ValueError(f"search side must be 'left' or 'right' (got {side!r})")
    a = asarray(a)
    _check_1d(a)
    v = _numpy_like(v, a.ctx)
    if sorter is not None:
        s = _numpy_like(sorter, a.ctx)
        if s.dtype.kind not in "iu":
            raise TypeError(f"searchsorted: sorter must be an integer array, got dtype {s.dtype}")
        if s.size != a.size:
            raise ValueError("sorter.size must equal a.size")
        if s.size and (bool((s < 0).any()) or bool((s >= a.size).any())):
            raise ValueError("Sorter index out of range.")
        a = a[_int64(s.reshape(-1))]
    return _search(a, v, side)


def _search(a, v, side):
    """The positions of ``v`` in the sorted 1-D ``a`` by one stable merge sort of both: with
    ``v`` placed before ``a`` an equal element of ``a`` sorts after the value (``left``),
    with ``v`` after ``a`` before it (``right``); the count of ``a``'s elements before each
    value in the merged order is its position."""
    n, shape = a.shape[0], v.shape
    flat = v.reshape(-1)
    m = flat.shape[0]
    if m == 0 or n == 0:
        return _core.full(shape, 0, "int64", a.ctx, None)
    left = side == "left"
    merged = concatenate([flat, a] if left else [a, flat])
    order = argsort(merged, kind="stable")
    from_a = (order >= m) if left else (order < n)
    before = cumsum(from_a, dtype="int64") - from_a.astype("int64")  # a's elements before this one
    is_v = ~from_a
    where_v = order[is_v] - (0 if left else n)
    out = _core.full((m,), 0, "int64", a.ctx, None)
    out[where_v] = before[is_v]
    return out.reshape(shape)


# ---- unique ------------------------------------------------------------------------------------


def unique(ar, return_index=False, return_inverse=False, return_counts=False, axis=None, *, equal_nan=True,
           sorted=True):
    """The sorted unique elements of ``ar`` (of its sub-arrays along ``axis``), optionally with
    the first positions (``return_index``), the positions that rebuild ``ar``
    (``return_inverse``: of ``ar``'s shape when ``axis`` is None, else 1-D, as NumPy 2) and
    the counts. NaNs count as one value unless ``equal_nan=False``. ``sorted`` is accepted;
    the result is always sorted.

    >>> from deepblocks import np
    >>> u, inv = np.unique(np.array([[2, 1], [1, 2]], dtype='int64'), return_inverse=True)
    >>> u, inv
    (array([1, 2], dtype=int64), array([[1, 0],
           [0, 1]], dtype=int64))
    """
    a = asarray(ar)
    if axis is None:
        flat = a.reshape(-1)
        perm = argsort(flat, kind="stable")
        srt = flat[perm]
        differs = srt[1:] != srt[:-1]
        if equal_nan and srt.dtype.kind == "f":
            differs = differs & ~(isnan(srt[1:]) & isnan(srt[:-1]))
        inverse_shape = a.shape
    else:
        axis = _axis_index(axis, a.ndim)
        moved = moveaxis(a, axis, 0)
        width = 1
        for d in moved.shape[1:]:
            width *= d
        rows = moved.reshape(moved.shape[0], width)
        perm = _lexsort_rows(rows)
        srt = moved[perm]
        sr = rows[perm]
        differs = (sr[1:] != sr[:-1]).any(axis=1)
        inverse_shape = (rows.shape[0],)
    n = perm.shape[0]
    first = _core.full((min(n, 1),), True, "bool", a.ctx, None)
    flag = concatenate([first, differs])
    starts = nonzero(flag)[0]  # the one host synchronisation: how many unique values
    values = srt[starts]
    if axis is not None:
        values = moveaxis(values, 0, axis)
    out = [values]
    if return_index:
        out.append(perm[starts])
    if return_inverse:
        inverse = _core.full((n,), 0, "int64", a.ctx, None)
        if n:
            inverse[perm] = cumsum(flag, dtype="int64") - 1
        out.append(inverse.reshape(inverse_shape))
    if return_counts:
        ends = concatenate([starts[1:], _on(_onp.array([n], "int64"), a.ctx)])
        out.append(ends - starts if n else starts)
    return out[0] if len(out) == 1 else tuple(out)


def _lexsort_rows(rows):
    """The stable permutation that sorts the rows of a 2-D array lexicographically: stable
    sorts by each column, last column first."""
    perm = _arange(rows.shape[0], rows.ctx)
    for j in range(rows.shape[1] - 1, -1, -1):
        perm = perm[argsort(rows[perm, j], kind="stable")]
    return perm


# ---- counting ------------------------------------------------------------------------------------


class _ScatterAdd(_autograd.Function):
    """``out[index[i]] += values[i]`` into ``length`` zeros; the gradient gathers back."""

    def __init__(self, length, index):
        super().__init__()
        self.length, self.index = length, index

    def forward(self, values):
        return _scatter_add(self.length, self.index, values)

    def backward(self, dy):
        return dy[self.index]


def _scatter_add(length, index, values):
    """Sums ``values`` into ``length`` bins by ``index``: the gradient of a gather is exactly
    this scatter-add, so it is asked of the engine's autograd on a throwaway leaf."""
    z = _core.full((length,), 0, values.dtype, values.ctx, None)
    z.attach_grad()
    with _autograd.record():
        picked = z[index]
    return _autograd.grad(picked, [z], head_grads=values, create_graph=False)[0]


def bincount(x, weights=None, minlength=0):
    """How many times each value ``0..max(x)`` occurs in the non-negative integer array ``x``
    (at least ``minlength`` bins); with ``weights``, the float64 sum of the weights of each
    value (differentiable with respect to ``weights``).

    >>> from deepblocks import np
    >>> np.bincount(np.array([1, 1, 3], dtype='int64'), weights=np.array([0.5, 1.0, 2.0]), minlength=5)
    array([0. , 1.5, 0. , 2. , 0. ], dtype=float64)
    """
    x = _numpy_like(x)
    _check_1d(x)
    if x.dtype.kind not in "iub":
        raise TypeError(f"Cannot cast array data from dtype('{x.dtype}') to dtype('int64') according to the rule 'safe'")
    if minlength is None:
        minlength = 0
    minlength = int(minlength)
    if minlength < 0:
        raise ValueError("'minlength' must not be negative")
    x = _int64(x)
    n = x.shape[0]
    if n:
        lo, hi = (int(v) for v in stack([x.min(), x.max()]).asnumpy())  # the result's length
        if lo < 0:
            raise ValueError("'list' argument must have no negative elements")
    else:
        hi = -1
    length = max(hi + 1, minlength)
    if n == 0:  # NumPy: int64 zeros, weights or not
        return _core.full((length,), 0, "int64", x.ctx, None)
    if weights is None:
        srt = sort(x)
        bins = _arange(length, x.ctx)
        return _search(srt, bins, "right") - _search(srt, bins, "left")
    w = _numpy_like(weights, x.ctx)
    if w.shape != x.shape:
        raise ValueError("The weights and list don't have the same length.")
    w = w.astype("float64")
    return _ScatterAdd(length, x)(w)


def argwhere(a):
    """The indices of the non-zero elements, one row each: int64 of shape ``(N, a.ndim)``.

    >>> from deepblocks import np
    >>> np.argwhere(np.array([[0, 1], [2, 0]]))
    array([[0, 1],
           [1, 0]], dtype=int64)
    """
    a = asarray(a)
    if a.ndim == 0:
        return argwhere(a.reshape(1))[:, :0]
    return transpose(stack(nonzero(a)))


def flatnonzero(a):
    """The indices of the non-zero elements of ``a`` flattened.

    >>> from deepblocks import np
    >>> np.flatnonzero(np.array([[0, 3], [4, 0]]))
    array([1, 2], dtype=int64)
    """
    return nonzero(asarray(a).reshape(-1))[0]


# ---- gathers ---------------------------------------------------------------------------------------


def take(a, indices, axis=None, mode="raise", out=None):
    """Elements of ``a`` (flattened when ``axis`` is None) at ``indices`` along ``axis``.
    ``mode='raise'`` (negative indices count from the end; out of range is an IndexError),
    ``'wrap'`` (indices modulo the length) or ``'clip'`` (to ``0..n-1``; no negative
    indexing). Differentiable with respect to ``a`` (repeated indices add up).

    >>> from deepblocks import np
    >>> a = np.array([10.0, 20.0, 30.0])
    >>> np.take(a, np.array([-1, 3, 5], dtype='int64'), mode='wrap')
    array([30., 10., 30.])
    >>> np.take(a, np.array([-1, 3], dtype='int64'), mode='clip')
    array([10., 30.])
    """
    if out is not None:
        raise TypeError("the out= argument is not supported; assign the result instead")
    if mode not in ("raise", "wrap", "clip"):
        raise ValueError(f"clipmode must be one of 'clip', 'raise', or 'wrap' (got {mode!r})")
    a = asarray(a)
    idx = _numpy_like(indices, a.ctx)
    ax = None if axis is None else _axis_index(axis, a.ndim)
    shape = idx.shape if ax is None else a.shape[:ax] + idx.shape + a.shape[ax + 1:]
    if 0 in shape:
        # Nothing is read. NumPy still checks the indices (mode 'raise') unless there are
        # none or the axes before ``axis`` are empty (its outer loop never runs).
        outer = 1 if ax is None else _math.prod(a.shape[:ax])
        if mode == "raise" and idx.size and outer:
            n = a.size if ax is None else a.shape[ax]
            if _builtins.bool(((idx < -n) | (idx >= n)).any()):
                raise IndexError(f"take: an index is out of bounds for axis {ax} with size {n}")
        return _core.full(shape, 0, a.dtype, a.ctx, None)
    if mode == "raise":
        return _core.take(a, idx, axis)
    if idx.dtype.kind not in "iub":
        raise TypeError(f"take: indices must be integers, got dtype {idx.dtype}")
    n = a.size if ax is None else a.shape[ax]
    if n == 0:
        raise IndexError("cannot do a non-empty take from an empty axes.")
    idx = _int64(idx)
    idx = idx % n if mode == "wrap" else idx.clip(0, n - 1)
    return _core.take(a, idx, axis)


def take_along_axis(arr, indices, axis=-1):
    """``arr``'s values at ``indices`` along ``axis`` (the other axes of ``indices`` broadcast
    against ``arr``'s), as picked by ``argsort`` or ``argmax(keepdims=True)``; ``axis=None``
    works on the flattened array. Differentiable with respect to ``arr``.

    >>> from deepblocks import np
    >>> x = np.array([[3.0, 1.0, 2.0], [0.0, 5.0, 4.0]])
    >>> np.take_along_axis(x, np.argsort(x, axis=1), axis=1)
    array([[1., 2., 3.],
           [0., 4., 5.]])
    """
    a = asarray(arr)
    idx = _numpy_like(indices, a.ctx)
    if idx.dtype.kind not in "iu":
        raise IndexError("`indices` must be an integer array")
    if axis is None:
        if idx.ndim != 1:
            raise ValueError("when axis=None, `indices` must have a single dimension.")
        a, axis = a.reshape(-1), 0
    elif a.ndim != idx.ndim:
        raise ValueError("`indices` and `arr` must have the same number of dimensions")
    axis = _axis_index(axis, a.ndim)
    return a[_along_axis_key(a.shape, _int64(idx), axis)]


def _along_axis_key(shape, idx, axis):
    """An integer-array key that picks ``idx`` along ``axis`` and keeps every other axis."""
    nd = len(shape)
    key = []
    for d in range(nd):
        if d == axis:
            key.append(idx)
        else:
            key.append(_arange(shape[d], idx.ctx).reshape(tuple(-1 if k == d else 1 for k in range(nd))))
    return tuple(key)

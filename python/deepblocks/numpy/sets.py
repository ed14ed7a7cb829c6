"""Set operations on 1-D arrays, as NumPy's ``isin``, ``intersect1d``, ``union1d``,
``setdiff1d``, ``setxor1d`` and the array-API ``unique_*`` functions.

Everything is built from the engine's ``sort``/``argsort``/``unique``/``searchsorted`` and
boolean masks, so the results stay on the input's device. (NumPy 2.4 removed ``in1d``; use
``isin``.)

>>> from deepblocks import np
>>> np.intersect1d(np.array([1, 3, 4, 3]), np.array([3, 1, 2, 1]))
array([1., 3.])
>>> np.isin(np.array([1, 2, 5]), np.array([2, 5]))
array([False,  True,  True])
"""

from collections import namedtuple

import numpy as _onp

from . import asarray, concatenate, searchsorted, sort, argsort, unique, ravel, zeros, ones, clip

__all__ = ["isin", "intersect1d", "union1d", "setdiff1d", "setxor1d",
           "unique_all", "unique_counts", "unique_inverse", "unique_values"]

UniqueAllResult = namedtuple("UniqueAllResult", ["values", "indices", "inverse_indices", "counts"])
UniqueCountsResult = namedtuple("UniqueCountsResult", ["values", "counts"])
UniqueInverseResult = namedtuple("UniqueInverseResult", ["values", "inverse_indices"])


def _common(a, b):
    """Both as flat arrays of their common dtype (comparisons need one dtype)."""
    a, b = ravel(asarray(a)), ravel(asarray(b))
    dt = _onp.result_type(a.dtype, b.dtype)
    return a.astype(dt, copy=False), b.astype(dt, copy=False)


def isin(element, test_elements, assume_unique=False, invert=False, *, kind=None):
    """Whether each element of ``element`` is in ``test_elements`` (shape of ``element``).

    >>> from deepblocks import np
    >>> np.isin(np.array([[1, 2], [3, 4]]), np.array([4, 1]), invert=True)
    array([[False,  True],
           [ True, False]])
    """
    if kind not in (None, "sort", "table"):
        raise ValueError(f"isin: invalid kind {kind!r}, expected None, 'sort' or 'table'")
    el = asarray(element)
    flat, test = _common(el, test_elements)
    if test.size == 0 or flat.size == 0:
        found = zeros(flat.shape, dtype="bool", ctx=el.ctx)
    else:
        # Binary search in the sorted test set; a hit is where the found slot holds the value.
        s = sort(test)
        pos = clip(searchsorted(s, flat), 0, s.size - 1)
        found = s[pos] == flat
    if invert:
        found = ~found
    return found.reshape(el.shape)


def union1d(ar1, ar2):
    """The sorted unique values in either input.

    >>> from deepblocks import np
    >>> np.union1d(np.array([-1, 0, 1]), np.array([-2, 0, 2]))
    array([-2., -1.,  0.,  1.,  2.])
    """
    a, b = _common(ar1, ar2)
    return unique(concatenate([a, b]))


def intersect1d(ar1, ar2, assume_unique=False, return_indices=False):
    """The sorted values common to both inputs; with ``return_indices`` also the indices of
    their first occurrences in each (flattened) input.

    >>> from deepblocks import np
    >>> v, i, j = np.intersect1d(np.array([1, 1, 2, 3, 4]), np.array([2, 1, 4, 6]), return_indices=True)
    >>> v, i, j
    (array([1., 2., 4.]), array([0, 2, 4], dtype=int64), array([1, 0, 2], dtype=int64))
    """
    a, b = _common(ar1, ar2)
    ia = ib = None
    if not assume_unique:
        if return_indices:
            a, ia = unique(a, return_index=True)
            b, ib = unique(b, return_index=True)
        else:
            a, b = unique(a), unique(b)
    aux = concatenate([a, b])
    # Stable order keeps an ar1 entry before its equal ar2 entry: adjacent equal pairs are hits.
    order = argsort(aux, kind="stable")
    aux = aux[order]
    if aux.size == 0:
        same = zeros((0,), dtype="bool", ctx=aux.ctx)
    else:
        same = aux[1:] == aux[:-1]
    values = aux[:-1][same] if aux.size else aux
    if not return_indices:
        return values
    if aux.size:
        i1 = order[:-1][same]
        i2 = order[1:][same] - a.size
    else:
        i1 = i2 = order
    if ia is not None:
        i1, i2 = ia[i1], ib[i2]
    return values, i1, i2


def setdiff1d(ar1, ar2, assume_unique=False):
    """The values of ``ar1`` not in ``ar2`` (sorted and unique unless ``assume_unique``).

    >>> from deepblocks import np
    >>> np.setdiff1d(np.array([1, 2, 3, 2, 4, 1]), np.array([3, 4, 5, 6]))
    array([1., 2.])
    """
    a, b = _common(ar1, ar2)
    if not assume_unique:
        a = unique(a)
    return a[isin(a, b, invert=True)]


def setxor1d(ar1, ar2, assume_unique=False):
    """The sorted values in exactly one of the inputs.

    >>> from deepblocks import np
    >>> np.setxor1d(np.array([1, 2, 3, 2, 4]), np.array([2, 3, 5, 7, 5]))
    array([1., 4., 5., 7.])
    """
    a, b = _common(ar1, ar2)
    if not assume_unique:
        a, b = unique(a), unique(b)
    aux = sort(concatenate([a, b]))
    if aux.size == 0:
        return aux
    t = ones((1,), dtype="bool", ctx=aux.ctx)
    # A value is kept when it differs from both neighbours (it occurs once).
    flag = concatenate([t, aux[1:] != aux[:-1], t])
    return aux[flag[1:] & flag[:-1]]


def unique_all(x):
    """Unique values, first indices, inverse indices (shape of ``x``) and counts; NaNs are
    kept apart as in NumPy (``equal_nan=False``).

    >>> from deepblocks import np
    >>> r = np.unique_all(np.array([2, 1, 2]))
    >>> r.values, r.indices, r.inverse_indices, r.counts
    (array([1., 2.]), array([1, 0], dtype=int64), array([1, 0, 1], dtype=int64), array([1, 2], dtype=int64))
    """
    x = asarray(x)
    v, i, inv, c = unique(x, return_index=True, return_inverse=True, return_counts=True, equal_nan=False)
    return UniqueAllResult(v, i, inv.reshape(x.shape), c)


def unique_counts(x):
    """Unique values and their counts.

    >>> from deepblocks import np
    >>> np.unique_counts(np.array([2, 1, 2])).counts
    array([1, 2], dtype=int64)
    """
    v, c = unique(asarray(x), return_counts=True, equal_nan=False)
    return UniqueCountsResult(v, c)


def unique_inverse(x):
    """Unique values and the inverse indices (shape of ``x``) that rebuild ``x``.

    >>> from deepblocks import np
    >>> np.unique_inverse(np.array([[2, 1], [2, 2]])).inverse_indices
    array([[1, 0],
           [1, 1]], dtype=int64)
    """
    x = asarray(x)
    v, inv = unique(x, return_inverse=True, equal_nan=False)
    return UniqueInverseResult(v, inv.reshape(x.shape))


def unique_values(x):
    """The unique values of ``x`` (sorted here; NumPy leaves the order unspecified).

    >>> from deepblocks import np
    >>> np.unique_values(np.array([3, 1, 3]))
    array([1., 3.])
    """
    return unique(asarray(x), equal_nan=False)

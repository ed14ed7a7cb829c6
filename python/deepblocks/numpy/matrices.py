"""Matrix building and diagonals, as NumPy's: ``kron``, ``trace``, ``diag``, ``diagonal``
(also ``ndarray.diagonal``), ``diagflat``, ``tri`` and ``indices``.

All are composed of engine ops, so results stay on the input's device and autograd records
them. ``diagonal`` (and ``diag`` of a matrix) is a view of its input whenever the two axes
can be flattened into one without a copy (always for a contiguous array); NumPy's is a
read-only view, this one writes through.

>>> from deepblocks import np
>>> x = np.arange(9).reshape(3, 3)
>>> np.diagonal(x)
array([0., 4., 8.])
>>> np.trace(x, offset=1)
array(6.)
>>> np.kron(np.eye(2), np.array([[1.0, 2.0]]))
array([[1., 2., 0., 0.],
       [0., 0., 1., 2.]])
"""

import operator

import numpy as _onp

from .shaping import _axis, _np

__all__ = ["kron", "trace", "diag", "diagonal", "diagflat", "tri", "indices"]




def diagonal(a, offset=0, axis1=0, axis2=1):
    """The diagonal ``offset`` (above the main one when positive) of the matrices spanned by
    ``axis1`` and ``axis2``; the other axes come first and the diagonal is the last axis.
    A view when those two axes flatten without a copy, else a copy. Differentiable.

    >>> from deepblocks import np
    >>> np.diagonal(np.arange(8).reshape(2, 2, 2), axis1=1, axis2=2)
    array([[0., 3.],
           [4., 7.]])
    """
    a = _np().asarray(a)
    if a.ndim < 2:
        raise ValueError("diag requires an array of at least two dimensions")
    ax1, ax2 = _axis(axis1, a.ndim), _axis(axis2, a.ndim)
    if ax1 == ax2:
        raise ValueError("axis1 and axis2 cannot be the same")
    offset = operator.index(offset)
    st, sh = a.strides, a.shape
    if st[ax1] != sh[ax2] * st[ax2] and st[ax2] == sh[ax1] * st[ax1]:
        # The axes flatten in the other order: the same diagonal, read as that of the transpose.
        ax1, ax2, offset = ax2, ax1, -offset
    rest = [i for i in range(a.ndim) if i not in (ax1, ax2)]
    t = a.transpose(rest + [ax1, ax2])
    lead = t.shape[:-2]
    n, m = t.shape[-2:]
    if offset >= 0:
        length, start = max(0, min(n, m - offset)), offset
    else:
        length, start = max(0, min(n + offset, m)), -offset * m
    # In the flattened matrix the diagonal is every (m+1)-th element from `start`.
    flat = t.reshape(lead + (n * m,))
    if length == 0:
        return flat[..., 0:0]
    return flat[..., start:start + (length - 1) * (m + 1) + 1:m + 1]


def trace(a, offset=0, axis1=0, axis2=1, dtype=None, out=None):
    """The sum of ``diagonal(a, offset, axis1, axis2)``; dtypes as ``sum`` (small integers
    and bool sum as int64).

    >>> from deepblocks import np
    >>> np.trace(np.ones((2, 3, 3)), axis1=1, axis2=2)
    array([3., 3.])
    """
    if out is not None:
        raise TypeError("the out= argument is not supported; assign the result instead")
    return diagonal(a, offset, axis1, axis2).sum(axis=-1, dtype=dtype)


def diag(v, k=0):
    """The ``k``-th diagonal of a 2-D ``v`` (a view, as ``diagonal``), or a square matrix with
    the 1-D ``v`` on its ``k``-th diagonal. Differentiable.

    >>> from deepblocks import np
    >>> np.diag(np.array([1, 2], dtype='int32'), k=1)
    array([[0, 1, 0],
           [0, 0, 2],
           [0, 0, 0]], dtype=int32)
    """
    np = _np()
    v = np.asarray(v)
    k = operator.index(k)
    if v.ndim == 2:
        return diagonal(v, k)
    if v.ndim != 1:
        raise ValueError("Input must be 1- or 2-d.")
    size = v.shape[0] + abs(k)
    # The values, padded to the matrix side, run down the rows (k >= 0) or along the
    # columns (k < 0); a mask picks the diagonal.
    vp = np.pad(v, (0, abs(k))) if k else v
    vals = vp.reshape(size, 1) if k >= 0 else vp.reshape(1, size)
    mask = np.eye(size, size, k, dtype="bool", ctx=v.ctx)
    return np.where(mask, vals, np.zeros((), dtype=v.dtype, ctx=v.ctx))


def diagflat(v, k=0):
    """A 2-D array with the flattened ``v`` on its ``k``-th diagonal.

    >>> from deepblocks import np
    >>> np.diagflat(np.array([[1.0, 2.0]]))
    array([[1., 0.],
           [0., 2.]])
    """
    return diag(_np().asarray(v).reshape(-1), k)


def kron(a, b):
    """The Kronecker product: blocks ``a[i, j] * b`` (shapes aligned on the right, as
    NumPy's). Differentiable.

    >>> from deepblocks import np
    >>> np.kron(np.array([1.0, 10.0]), np.array([1.0, 2.0, 3.0]))
    array([ 1.,  2.,  3., 10., 20., 30.])
    """
    np = _np()
    a, b = np.asarray(a), np.asarray(b)
    nd = max(a.ndim, b.ndim)
    sa = (1,) * (nd - a.ndim) + a.shape
    sb = (1,) * (nd - b.ndim) + b.shape
    # a as (a0, 1, a1, 1, ..) times b as (1, b0, 1, b1, ..) holds block (i, j) at [i, :, j, :].
    ai = a.reshape(tuple(x for d in sa for x in (d, 1)))
    bi = b.reshape(tuple(x for d in sb for x in (1, d)))
    return (ai * bi).reshape(tuple(x * y for x, y in zip(sa, sb)))


def tri(N, M=None, k=0, dtype=None, ctx=None, device=None):
    """An ``N x M`` array with ones at and below diagonal ``k``, zeros above; float32 unless
    ``dtype`` is given (MXNet's default float, as ``eye``).

    >>> from deepblocks import np
    >>> np.tri(2, 3, dtype='int32')
    array([[1, 0, 0],
           [1, 1, 0]], dtype=int32)
    """
    np = _np()
    M = N if M is None else M
    N, M, k = operator.index(N), operator.index(M), operator.index(k)
    if N < 0 or M < 0:
        raise ValueError("negative dimensions are not allowed")
    rows = np.arange(N, dtype="int64", ctx=ctx, device=device).reshape(N, 1)
    cols = np.arange(M, dtype="int64", ctx=ctx, device=device).reshape(1, M)
    return (rows + k >= cols).astype("float32" if dtype is None else dtype)


def indices(dimensions, dtype="int32", sparse=False, ctx=None, device=None):
    """The index grids of an array of shape ``dimensions``: ``out[i]`` holds each element's
    index along axis ``i`` (shape ``(len(dimensions),) + dimensions``); with ``sparse``, a
    tuple of arrays that broadcast to it instead. int32 by default, as MXNet's.

    >>> from deepblocks import np
    >>> np.indices((2, 3))
    array([[[0, 0, 0],
            [1, 1, 1]],
    <BLANKLINE>
           [[0, 1, 2],
            [0, 1, 2]]], dtype=int32)
    """
    np = _np()
    dims = tuple(operator.index(d) for d in dimensions)
    if any(d < 0 for d in dims):
        raise ValueError("negative dimensions are not allowed")
    n = len(dims)
    grids = []
    for i, d in enumerate(dims):
        g = np.arange(d, dtype="int64", ctx=ctx, device=device).astype(dtype)
        grids.append(g.reshape((1,) * i + (d,) + (1,) * (n - i - 1)))
    if sparse:
        return tuple(grids)
    if n == 0:
        return np.zeros((0,), dtype=dtype, ctx=ctx, device=device)
    return np.stack([g.broadcast_to(dims) for g in grids])


def _diagonal_method(self, offset=0, axis1=0, axis2=1):
    """``np.diagonal(self, offset, axis1, axis2)``."""
    return diagonal(self, offset, axis1, axis2)


_diagonal_method.__name__ = _diagonal_method.__qualname__ = "diagonal"


def _install_method():
    # NumPy arrays have ``.diagonal``; the engine's ndarray does not, so it gains this one.
    from .._core import ndarray
    if not hasattr(ndarray, "diagonal"):
        ndarray.diagonal = _diagonal_method


_install_method()

"""NumPy 2's array-API spellings: ``acos`` for ``arccos``, ``concat`` for ``concatenate``,
``pow`` for ``power`` and the like are the same function objects; ``astype``, ``vecdot``,
``matvec``, ``vecmat``, ``matrix_transpose`` and ``rollaxis`` are thin compositions of
existing, differentiable operations.

>>> from deepblocks import np
>>> np.acos is np.arccos, np.concat is np.concatenate
(True, True)
>>> np.vecdot(np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([1.0, 1.0]))
array([3., 7.])
>>> np.rollaxis(np.zeros((2, 3, 4)), 2).shape
(4, 2, 3)
"""

import numpy as _onp

from . import (arccos, arccosh, arcsin, arcsinh, arctan, arctan2, arctanh, asarray, concatenate, invert,
               logical_and, multiply, ndarray, power, transpose)
from ._axes import normalize_axis_tuple as _axis_tuple

__all__ = ["acos", "asin", "atan", "atan2", "acosh", "asinh", "atanh", "concat", "permute_dims",
           "matrix_transpose", "pow", "bitwise_invert", "astype", "vecdot", "matvec", "vecmat", "rollaxis"]

acos, asin, atan, atan2 = arccos, arcsin, arctan, arctan2
acosh, asinh, atanh = arccosh, arcsinh, arctanh
concat = concatenate
permute_dims = transpose
pow = power  # noqa: A001 - NumPy 2's name
bitwise_invert = invert


def astype(x, dtype, /, *, copy=True, device=None):
    """``x`` converted to ``dtype`` (NumPy 2's function form of ``ndarray.astype``); with
    ``copy=False`` an array already of that dtype comes back unchanged. ``device`` moves it.

    >>> from deepblocks import np
    >>> np.astype(np.array([1.5, -2.5]), "int32")
    array([ 1, -2], dtype=int32)
    """
    if not isinstance(x, ndarray):
        raise TypeError(f"astype: input should be a deepblocks ndarray, got {type(x).__name__}")
    out = x if (not copy and x.dtype == _onp.dtype(dtype)) else x.astype(dtype, copy=copy)
    if device is not None:
        out = out.to_device(device)
    return out


def matrix_transpose(x, /):
    """``x`` with its last two axes swapped (a view); ``x`` needs at least 2 dimensions.

    >>> from deepblocks import np
    >>> np.matrix_transpose(np.zeros((2, 3, 4))).shape
    (2, 4, 3)
    """
    x = asarray(x)
    if x.ndim < 2:
        raise ValueError(f"matrix_transpose: input array must be at least 2-dimensional, got shape {x.shape}")
    return x.swapaxes(-1, -2)


def _contract(x1, x2, axis, name):
    """sum(x1 * x2) along ``axis`` (after broadcasting), in the pair's promoted dtype; bool
    pairs reduce with logical or (NumPy's bool dot)."""
    x1, x2 = asarray(x1), asarray(x2)
    if x1.dtype == _onp.bool_ and x2.dtype == _onp.bool_:
        return logical_and(x1, x2).any(axis=axis)
    prod = multiply(x1, x2)
    return prod.sum(axis=axis, dtype=prod.dtype)


def vecdot(x1, x2, /, *, axis=-1):
    """Dot products of vectors along ``axis`` (which must have the same length in both), with
    the other axes broadcast. Real arrays have no conjugate to take.

    >>> from deepblocks import np
    >>> np.vecdot(np.array([1.0, 2.0, 3.0]), np.array([4.0, 5.0, 6.0]))
    array(32.)
    """
    x1, x2 = asarray(x1), asarray(x2)
    if x1.ndim == 0 or x2.ndim == 0:
        raise ValueError("vecdot: input operands must have at least 1 dimension")
    a1 = _axis_tuple(axis, x1.ndim)[0]
    a2 = _axis_tuple(axis, x2.ndim)[0]
    if x1.shape[a1] != x2.shape[a2]:
        raise ValueError(f"vecdot: mismatch in its core dimension: shapes {x1.shape} and {x2.shape} along axis {axis}")
    # The core axis goes last on both sides, so the rest broadcast as NumPy's gufunc does.
    x1 = _onp_moveaxis(x1, a1)
    x2 = _onp_moveaxis(x2, a2)
    return _contract(x1, x2, -1, "vecdot")


def _onp_moveaxis(x, a):
    if a == x.ndim - 1:
        return x
    perm = [i for i in range(x.ndim) if i != a] + [a]
    return transpose(x, perm)


def matvec(x1, x2, /):
    """Matrix-vector products: ``x1`` (..., m, n) times ``x2`` (..., n) gives (..., m), the
    leading axes broadcast.

    >>> from deepblocks import np
    >>> np.matvec(np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([1.0, 10.0]))
    array([21., 43.])
    """
    x1, x2 = asarray(x1), asarray(x2)
    if x1.ndim < 2 or x2.ndim < 1:
        raise ValueError(f"matvec: needs a matrix and a vector, got shapes {x1.shape} and {x2.shape}")
    if x1.shape[-1] != x2.shape[-1]:
        raise ValueError(f"matvec: mismatch in its core dimension: shapes {x1.shape} and {x2.shape}")
    return _contract(x1, x2.expand_dims(-2), -1, "matvec")


def vecmat(x1, x2, /):
    """Vector-matrix products: ``x1`` (..., n) times ``x2`` (..., n, m) gives (..., m), the
    leading axes broadcast.

    >>> from deepblocks import np
    >>> np.vecmat(np.array([1.0, 10.0]), np.array([[1.0, 2.0], [3.0, 4.0]]))
    array([31., 42.])
    """
    x1, x2 = asarray(x1), asarray(x2)
    if x1.ndim < 1 or x2.ndim < 2:
        raise ValueError(f"vecmat: needs a vector and a matrix, got shapes {x1.shape} and {x2.shape}")
    if x1.shape[-1] != x2.shape[-2]:
        raise ValueError(f"vecmat: mismatch in its core dimension: shapes {x1.shape} and {x2.shape}")
    return _contract(x1.expand_dims(-1), x2, -2, "vecmat")


def rollaxis(a, axis, start=0):
    """``a`` with ``axis`` moved to stand before position ``start`` (NumPy's older form of
    ``moveaxis``), as a view.

    >>> from deepblocks import np
    >>> np.rollaxis(np.zeros((2, 3, 4)), 0, 3).shape
    (3, 4, 2)
    """
    a = asarray(a)
    n = a.ndim
    axis = _axis_tuple(axis, n)[0]
    if not -n <= start <= n:
        raise _onp.exceptions.AxisError(f"rollaxis: 'start' arg requires {-n} <= start < {n + 1}, got {start}")
    if start < 0:
        start += n
    if axis < start:
        start -= 1
    if axis == start:
        return a[...]
    axes = [i for i in range(n) if i != axis]
    axes.insert(start, axis)
    return transpose(a, axes)

"""Index helpers: ``unravel_index``, ``diag_indices_from`` and ``resize``, as NumPy's.

Index arithmetic on integer arrays is exact, so ``unravel_index`` runs in the engine on the
input's device; ``resize`` repeats the flattened input to fill the new shape.

>>> from deepblocks import np
>>> np.unravel_index(np.array([5, 7], dtype='int64'), (3, 4))
(array([1, 1], dtype=int64), array([1, 3], dtype=int64))
>>> np.resize(np.arange(3), (2, 4))
array([[0., 1., 2., 0.],
       [1., 2., 0., 1.]])
"""

import builtins as _builtins
import math as _math
import operator as _operator

from .. import _core

__all__ = ["unravel_index", "diag_indices_from", "resize"]


def unravel_index(indices, shape, order="C"):
    """The coordinates in an array of ``shape`` of each flat index in ``indices``.

    >>> from deepblocks import np
    >>> np.unravel_index(5, (3, 4))
    (1, 1)
    """
    if order not in ("C", "F"):
        raise ValueError(f"unravel_index: order must be 'C' or 'F', got {order!r}")
    shape = (shape,) if isinstance(shape, int) else tuple(_operator.index(s) for s in shape)
    total = _math.prod(shape)
    dims = list(shape) if order == "C" else list(reversed(shape))
    if not isinstance(indices, _core.ndarray):
        i = _operator.index(indices)
        if not 0 <= i < total:
            raise ValueError(f"unravel_index: index {i} is out of bounds for array with size {total}")
        coords = []
        for d in reversed(dims):
            coords.append(i % d)
            i //= d
        coords.reverse()
        return tuple(coords if order == "C" else reversed(coords))
    if indices.dtype.kind not in "iu":
        raise TypeError(f"unravel_index: only int indices permitted, got {indices.dtype}")
    flat = indices.astype("int64", copy=False)
    if flat.size and _builtins.bool(((flat < 0) | (flat >= total)).any()):
        raise ValueError(f"unravel_index: an index is out of bounds for array with size {total}")
    coords = []
    for d in reversed(dims):
        coords.append(_core.binary(flat, d, "mod"))
        flat = _core.binary(flat, d, "floor_divide")
    coords.reverse()
    return tuple(coords if order == "C" else reversed(coords))


def diag_indices_from(arr):
    """The indices of the main diagonal of ``arr`` (all of whose axes have one length).

    >>> from deepblocks import np
    >>> np.diag_indices_from(np.ones((2, 2)))
    (array([0, 1], dtype=int64), array([0, 1], dtype=int64))
    """
    arr = _core.array(arr, None, None, None, False)
    if arr.ndim < 2:
        raise ValueError("diag_indices_from: input array must be at least 2-d")
    if len(set(arr.shape)) != 1:
        raise ValueError(f"diag_indices_from: all dimensions of input must be of equal length, got {arr.shape}")
    idx = _core.arange(0, arr.shape[0], 1, "int64", arr.ctx, None)
    return (idx,) * arr.ndim


def resize(a, new_shape):
    """``a`` flattened and repeated (or cut) to fill ``new_shape``; an empty ``a`` gives zeros.

    >>> from deepblocks import np
    >>> np.resize(np.array([1.0, 2.0]), 3)
    array([1., 2., 1.])
    """
    a = _core.array(a, None, None, None, False)
    shape = (new_shape,) if isinstance(new_shape, int) else tuple(_operator.index(s) for s in new_shape)
    if _builtins.any(s < 0 for s in shape):
        raise ValueError(f"resize: all elements of new_shape must be non-negative, got {shape}")
    n = _math.prod(shape)
    flat = a.reshape(-1)
    if flat.size == 0 or n == 0:
        return _core.full(shape, 0, a.dtype, a.ctx, None)
    reps = -(-n // flat.size)
    return _core.concatenate([flat] * reps, 0)[:n].reshape(shape)

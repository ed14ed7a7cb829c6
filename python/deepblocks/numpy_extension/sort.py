"""``npx.topk`` (MXNet's ``topk``): the ``k`` largest (or smallest) elements along an axis,
as values, positions, a 0/1 mask, or values and positions. One engine sort; the values are
differentiable (the gradient goes back to the positions they came from).

Equal elements come in the order of their positions, in both directions, as in MXNet; NaN
counts as larger than every number (MXNet leaves NaN's place unspecified).

>>> from deepblocks import np, npx
>>> x = np.array([[3.0, 1.0, 3.0, 2.0], [0.0, 5.0, 4.0, 5.0]])
>>> npx.topk(x, k=2)
array([[0., 2.],
       [1., 3.]])
>>> npx.topk(x, k=2, ret_typ='value', is_ascend=True)
array([[1., 2.],
       [0., 4.]])
>>> npx.topk(x, axis=0, ret_typ='mask')
array([[1., 0., 0., 0.],
       [0., 1., 1., 1.]])
>>> values, indices = npx.topk(x, k=1, ret_typ='both', dtype='int64')
>>> indices
array([[0],
       [1]], dtype=int64)
"""

import numpy as _onp

from .. import _core

__all__ = ["topk"]

_RET_TYPES = ("value", "indices", "mask", "both")
# MXNet's choices for the indices' dtype, less float16 (deepblocks has none).
_INDEX_DTYPES = ("float32", "float64", "int32", "int64", "uint8")


def _index_dtype(dtype):
    try:
        name = _onp.dtype(dtype).name
    except TypeError:
        name = None
    if name not in _INDEX_DTYPES:
        raise ValueError(f"topk: dtype must be one of {', '.join(_INDEX_DTYPES)}, got {dtype!r}")
    return name


def topk(data, axis=-1, k=1, ret_typ="indices", is_ascend=False, dtype="float32"):
    """The ``k`` largest elements of ``data`` along ``axis`` (the smallest with
    ``is_ascend=True``), in that order; ``axis=None`` looks at the flattened array.

    ``ret_typ``: ``'indices'`` (their positions along ``axis``, as ``dtype``: float32 by
    default, as in MXNet), ``'value'`` (the elements, in ``data``'s dtype), ``'mask'``
    (``data``'s shape and dtype, 1 where an element was chosen), or ``'both'`` (the list
    ``[values, indices]``). ``k <= 0`` takes the whole axis; a ``k`` longer than the axis is
    a ValueError.
    """
    if ret_typ not in _RET_TYPES:
        raise ValueError(f"topk: ret_typ must be one of {', '.join(map(repr, _RET_TYPES))}, got {ret_typ!r}")
    index_dtype = _index_dtype(dtype)
    result = _core.topk(data, axis, int(k), not is_ascend, ret_typ == "mask")
    if ret_typ == "mask":
        return result[2]
    if ret_typ == "value":
        return result[0]
    indices = result[1].astype(index_dtype, copy=False)
    return indices if ret_typ == "indices" else [result[0], indices]

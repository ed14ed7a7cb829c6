"""MXNet's ``npx.reshape`` (with its special shape codes), ``npx.nonzero`` and
``npx.constraint_check``.

``npx.reshape`` reads ``newshape`` left to right (right to left with ``reverse=True``) against
the input's axes: a positive size (or 0) takes that size and consumes an input axis; ``-1`` is
inferred from the rest (and consumes an axis); ``-2`` copies the input axis; ``-3`` drops an
input axis of size 1; ``-4`` copies all remaining input axes; ``-5`` merges two input axes
into their product; ``-6, d1, d2`` splits an input axis into ``d1 x d2`` (one of them may be
-1). The result is a view when the layout allows, as ``ndarray.reshape``.

>>> from deepblocks import np, npx
>>> npx.reshape(np.ones((2, 3, 8)), (-2, -2, 2, -1)).shape
(2, 3, 2, 4)
>>> npx.reshape(np.ones((8, 3, 3, 3, 4, 4)), (-6, 2, -1, -4)).shape
(2, 4, 3, 3, 3, 4, 4)
>>> npx.reshape(np.ones((8, 3, 2, 4, 8)), (-4, -1, 2, -6), reverse=True).shape
(8, 3, 2, 4, 4, 2)
>>> npx.nonzero(np.array([[3, 0], [0, 4]]))
array([[0, 0],
       [1, 1]], dtype=int64)
"""

import math
import operator

from .. import numpy as _np
from ..base import MXNetError

__all__ = ["reshape", "nonzero", "constraint_check"]


def _infer(src, target):
    """The output shape of MXNet's ``_npx_reshape`` for input shape ``src`` (left to right)."""
    if all(d >= 0 for d in target):
        if math.prod(src) != math.prod(target):
            raise ValueError("the sizes differ")
        return list(target)
    out, unknown, known, j, i = [], None, 1, 0, 0
    while i < len(target):
        d = target[i]
        if d == -1:
            if unknown is not None:
                raise ValueError("one and only one dimension can be inferred")
            unknown = len(out)
            out.append(-1)
            j += 1
        elif d == -2:
            if j >= len(src):
                raise ValueError("-2 has no input dimension left to copy")
            known *= src[j]
            out.append(src[j])
            j += 1
        elif d == -3:
            if j >= len(src) or src[j] != 1:
                raise ValueError("-3 can only skip an input dimension of size 1")
            j += 1
        elif d == -4:
            out.extend(src[j:])
            known *= math.prod(src[j:])
            j = len(src)
        elif d == -5:
            if j + 1 >= len(src):
                raise ValueError("-5 needs two input dimensions left to merge")
            out.append(src[j] * src[j + 1])
            known *= src[j] * src[j + 1]
            j += 2
        elif d == -6:
            if i + 2 >= len(target) or j >= len(src):
                raise ValueError("-6 needs an input dimension and the two sizes to split it into")
            d0, d1, d2 = src[j], target[i + 1], target[i + 2]
            j, i = j + 1, i + 2
            if d1 == -1 and d2 == -1:
                raise ValueError("split dims cannot both be -1")
            if (d1 == -1 and d2 == 0) or (d2 == -1 and d1 == 0):
                raise ValueError("cannot infer a split dimension next to a 0")
            d1 = d0 // d2 if d1 == -1 else d1
            d2 = d0 // d1 if d2 == -1 else d2
            if d1 * d2 != d0:
                raise ValueError(f"split dims {d1}, {d2} do not divide original dim {d0}")
            known *= d0
            out.extend([d1, d2])
        else:
            known *= d
            out.append(d)
            j += 1
        i += 1
    size = math.prod(src)
    if unknown is not None:
        if known == 0 or size % known:
            raise ValueError("the inferred dimension is not a whole number")
        out[unknown] = size // known
    if math.prod(out) != size:
        raise ValueError("the sizes differ")
    return out


def reshape(a, newshape, reverse=False, order="C"):
    """``a`` in shape ``newshape``, where the codes -1 to -6 refer to the input's axes (see
    the module's doc), read from the right when ``reverse``. Errors are MXNetError, as
    MXNet's.

    >>> from deepblocks import np, npx
    >>> npx.reshape(np.ones((8, 1, 1, 1, 3)), (-2, -3, -3, -3, -2)).shape
    (8, 3)
    """
    if order != "C":
        raise NotImplementedError(f"npx.reshape: only order='C' is supported, got order={order!r}")
    a = _np.asarray(a)
    target = (newshape,) if not isinstance(newshape, (tuple, list)) else tuple(newshape)
    target = tuple(operator.index(d) for d in target)
    msg = f"Cannot reshape array of shape {a.shape} into shape {target} , reverse = {int(bool(reverse))}"
    if any(d < -6 for d in target):
        raise MXNetError(f"{msg}: a dimension size must be greater than or equal to -6")
    if target.count(-1) > 1:
        raise MXNetError(f"{msg}: can only specify one unknown dimension")
    src = list(a.shape)
    try:
        if reverse:
            shape = _infer(src[::-1], target[::-1])[::-1]
        else:
            shape = _infer(src, target)
    except ValueError as e:
        raise MXNetError(f"{msg}: {e}") from None
    return a.reshape(tuple(shape))


def nonzero(a):
    """The indices of the nonzero elements of ``a``, one row each, in row-major order: an
    int64 array of shape ``(count, a.ndim)`` (``numpy.transpose(numpy.nonzero(a))``; a 0-d
    ``a`` counts as shape ``(1,)``).

    >>> from deepblocks import np, npx
    >>> npx.nonzero(np.array([0.0, 2.0, 3.0]))
    array([[1],
           [2]], dtype=int64)
    """
    a = _np.asarray(a)
    parts = (a.reshape(1) if a.ndim == 0 else a).nonzero()
    return _np.stack(list(parts), axis=-1)


def constraint_check(x, msg):
    """``np.array(True)`` (on ``x``'s device) when every element of the boolean array ``x``
    holds; otherwise raises ValueError with ``msg``. A non-boolean ``x`` is an MXNetError, as
    in MXNet.

    >>> from deepblocks import np, npx
    >>> scale = np.array([1.0, 2.0])
    >>> scale * npx.constraint_check(scale > 0, 'scale must be positive')
    array([1., 2.])
    >>> npx.constraint_check(scale > 1, 'scale must be above 1')
    Traceback (most recent call last):
    ...
    ValueError: scale must be above 1
    """
    x = _np.asarray(x)
    if x.dtype != _np.bool_:
        raise MXNetError(f"constraint_check: the input must be a boolean array, got dtype {x.dtype}")
    if not bool(x.all()):
        raise ValueError(msg)
    return _np.array(True, dtype="bool", ctx=x.ctx)

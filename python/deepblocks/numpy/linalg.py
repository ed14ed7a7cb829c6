"""``np.linalg``: norms.

>>> from deepblocks import np
>>> float(np.linalg.norm(np.array([3.0, 4.0])))
5.0
"""

import numpy as _onp

from .. import _core

__all__ = ["norm"]


def norm(x, ord=None, axis=None, keepdims=False):
    """Vector and matrix norms, as ``numpy.linalg.norm`` (ord None/'fro', 1, 2 for vectors,
    inf, -inf, 0, any p; 'fro', 1, inf, -1, -inf for matrices over two axes)."""
    x = _core.array(x, None, None, None, False)
    if not x.dtype.kind == "f":
        x = x.astype("float64")
    if isinstance(axis, int):
        axis = (axis,)
    nd_axes = x.ndim if axis is None else len(axis)
    if ord is None or (ord in ("fro", "f") and nd_axes == 2) or (ord == 2 and nd_axes == 1):
        return _core.unary((x * x).sum(axis=axis, keepdims=keepdims), "sqrt")
    if nd_axes == 1 or (axis is None and x.ndim == 1):
        if isinstance(ord, str):
            raise ValueError(f"norm: invalid norm order {ord!r} for vectors")
        a = _core.unary(x, "absolute")
        if ord == _onp.inf:
            return a.max(axis=axis, keepdims=keepdims)
        if ord == -_onp.inf:
            return a.min(axis=axis, keepdims=keepdims)
        if ord == 0:
            return (x != 0).astype(x.dtype).sum(axis=axis, keepdims=keepdims)
        if ord == 1:
            return a.sum(axis=axis, keepdims=keepdims)
        return ((a ** ord).sum(axis=axis, keepdims=keepdims)) ** (1.0 / ord)
    if nd_axes == 2:
        r, c = (0, 1) if axis is None else axis
        a = _core.unary(x, "absolute")
        if ord in (1, -1):
            s = a.sum(axis=r, keepdims=True)
            out = s.max(axis=c, keepdims=True) if ord == 1 else s.min(axis=c, keepdims=True)
        elif ord in (_onp.inf, -_onp.inf):
            s = a.sum(axis=c, keepdims=True)
            out = s.max(axis=r, keepdims=True) if ord > 0 else s.min(axis=r, keepdims=True)
        else:
            # 2, -2 and 'nuc' need singular values, which deepblocks does not compute.
            raise ValueError(f"norm: ord={ord!r} is not supported for matrices")
        return out if keepdims else out.squeeze(axis=(r, c))
    raise ValueError(f"norm: improper number of dimensions to norm ({nd_axes})")

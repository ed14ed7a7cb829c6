"""The legacy ``nd`` sorting operators with MXNet 1.9's signatures: ``nd.sort``,
``nd.argsort`` and ``nd.topk`` (``is_ascend`` chooses the direction; positions come as
float32 unless ``dtype`` says otherwise). Each runs the engine's stable sort and answers
NDArrays.

>>> from deepblocks import nd
>>> x = nd.array([[3, 1, 3, 2], [0, 5, 4, 5]])
>>> nd.sort(x, is_ascend=False).asnumpy()
array([[3., 3., 2., 1.],
       [5., 5., 4., 0.]], dtype=float32)
>>> nd.argsort(x).asnumpy()
array([[1., 3., 0., 2.],
       [0., 2., 1., 3.]], dtype=float32)
>>> nd.topk(x, k=2, ret_typ='value').asnumpy()
array([[3., 3.],
       [5., 5.]], dtype=float32)
"""

from .. import _core
from .. import numpy_extension as _npx
from .ndarray import _nd
from .ops import _write

__all__ = ["sort", "argsort", "topk"]


def sort(data=None, axis=-1, is_ascend=True, out=None):
    """MXNet's ``sort``: ``data`` sorted along ``axis`` (flattened for ``axis=None``),
    ascending unless ``is_ascend=False``; equal elements keep their order."""
    return _write(_core.sort(_nd(data), axis, None, None, not is_ascend), out)


def argsort(data=None, axis=-1, is_ascend=True, dtype="float32", out=None):
    """MXNet's ``argsort``: the positions that sort ``data`` along ``axis`` (flattened for
    ``axis=None``), as ``dtype`` (float32 by default)."""
    positions = _core.argsort(_nd(data), axis, None, None, not is_ascend)
    return _write(positions.astype(dtype, copy=False), out)


def topk(data=None, axis=-1, k=1, ret_typ="indices", is_ascend=False, dtype="float32", out=None):
    """MXNet's ``topk``: see ``npx.topk`` (``'both'`` gives the list ``[values, indices]``)."""
    result = _npx.topk(_nd(data), axis, k, ret_typ, is_ascend, dtype)
    return result if ret_typ == "both" else _write(result, out)

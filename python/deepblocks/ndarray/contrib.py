"""``nd.contrib``: the contributed operators of MXNet 1.9's legacy namespace that deepblocks
has, with their signatures (``arange_like``).

>>> from deepblocks import nd
>>> nd.contrib.arange_like(nd.zeros((2, 3)), axis=1).asnumpy()
array([0., 1., 2.], dtype=float32)
"""

from .. import _core
from .. import numpy_extension as _npx
from .ctc import CTCLoss, ctc_loss  # noqa: F401  (MXNet's deprecated contrib aliases)
from .ndarray import _nd
from .optimizer_ops import CONTRIB as _OPTIMIZER_OPS
from .optimizer_ops import (adamw_update, group_adagrad_update, mp_adamw_update, multi_adamw_update,  # noqa: F401
                            multi_lamb_update, multi_mp_adamw_update, multi_mp_lamb_update)
from .ops import _write

__all__ = ["arange_like", "isnan", "isinf", "isfinite", "CTCLoss", "ctc_loss"]
__all__ += _OPTIMIZER_OPS  # adamw_update, group_adagrad_update, ...: see optimizer_ops


def arange_like(data=None, start=0.0, step=1.0, repeat=1, ctx=None, axis=None, out=None):
    """Evenly spaced values shaped like ``data`` (or as long as its ``axis``): see
    ``npx.arange_like``."""
    return _write(_nd(_npx.arange_like(_nd(data), start, step, repeat, ctx, axis)), out)


def _test(name, data, out):
    """0/1 where the test ``name`` holds, in ``data``'s own dtype (MXNet's contrib tests)."""
    x = _nd(data)
    r = _nd(_core.unary(x, name))
    return _write(r.astype(x.dtype), out)


def isnan(data=None, out=None):
    """1 where ``data`` is NaN, else 0, in ``data``'s dtype.

    >>> from deepblocks import nd
    >>> nd.contrib.isnan(nd.array([1, float("nan")])).asnumpy()
    array([0., 1.], dtype=float32)
    """
    return _test("isnan", data, out)


def isinf(data=None, out=None):
    """1 where ``data`` is +inf or -inf, else 0, in ``data``'s dtype."""
    return _test("isinf", data, out)


def isfinite(data=None, out=None):
    """1 where ``data`` is neither NaN nor infinite, else 0, in ``data``'s dtype."""
    return _test("isfinite", data, out)

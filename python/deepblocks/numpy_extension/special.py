"""MXNet's special functions in ``npx`` (``erf``, ``erfinv``, ``gamma``, ``gammaln``, and
deepblocks' ``digamma``), generated from the op table's rows with ``npx`` names, and the rule
they share with their ``nd`` forms: an integer array is computed in float and given back in
its own dtype, truncated, as MXNet does; a bool array is refused, as MXNet does.

>>> from deepblocks import np, npx
>>> npx.erf(np.array([0.0, 0.5])).round(4)
array([0.    , 0.5205])
>>> npx.gamma(np.array([1, 2, 5], dtype="int32"))
array([ 1,  1, 24], dtype=int32)
"""

import numpy as _onp

from .. import _core
from .. import numpy as _np
from ..op_table import UNARY as _UNARY_OPS

__all__ = []

# Where a float result has no value in the integer dtype (NaN, infinities, out of range),
# MXNet gives what x86's conversion gives: the most negative int32/int64, and 0 for uint8
# (converted through int32, whose "indefinite" value ends in a zero byte).
_INT_RANGE = {"int32": 2.0**31, "int64": 2.0**63, "uint8": 2.0**31}
_INDEFINITE = {"int32": -(2**31), "int64": -(2**63), "uint8": 0}


def keeping_int(data, engine, name, legacy):
    """``engine`` of ``data`` by MXNet's rule for its special functions (see the module)."""
    if not isinstance(data, _core.ndarray):
        data = _np.array(data)
    kind = _onp.dtype(data.dtype).kind
    if kind == "b":
        raise TypeError(f"{name}: bool arrays are not supported (MXNet refuses them); cast to a number type first")
    if kind not in "iu":
        return _core.unary(data, engine, legacy)
    d = _onp.dtype(data.dtype).name
    r = _core.unary(_core.ndarray(data), engine)  # a numpy-mode array: comparisons give bools
    fits = (r >= -_INT_RANGE[d]) & (r < _INT_RANGE[d])
    # MXNet's erfinv gives 0, not the indefinite value, outside [-1, 1] (NaN) on integers.
    bad = _onp.array(_INDEFINITE[d], dtype=d)
    if engine == "erfinv":
        bad = _np.where(r != r, _onp.array(0, dtype=d), bad)
    out = _np.where(fits, _np.where(fits, r, 0).astype(d), bad)
    return _core._as_legacy(out) if legacy else out


def _npx_function(name, engine, doc):
    def f(data, out=None, **kwargs):
        r = keeping_int(data, engine, name, False)
        if out is None:
            return r
        out[...] = r
        return out

    f.__name__ = f.__qualname__ = name
    f.__doc__ = doc
    return f


for _op in _UNARY_OPS:
    for _name in _op.npx:
        globals()[_name] = _npx_function(_name, _op.engine, _op.doc)
        __all__.append(_name)
del _op, _name

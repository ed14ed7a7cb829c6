"""Closeness and equality of whole arrays, as NumPy's: ``isclose``, ``allclose`` and
``array_equal``. ``isclose`` is elementwise and stays on the device; the other two read one
boolean back.

>>> from deepblocks import np
>>> np.isclose(np.array([1.0, np.nan, np.inf]), np.array([1.0 + 1e-9, np.nan, np.inf]))
array([ True, False,  True])
>>> np.allclose(np.array([1.0, np.nan]), np.array([1.0, np.nan]), equal_nan=True)
True
"""

import builtins as _builtins

import numpy as _onp

from . import absolute, asarray, isfinite, isnan, ndarray

__all__ = ["isclose", "allclose", "array_equal"]


def _operand(v):
    """Python numbers stay weak scalars (they take the other operand's dtype), as in NumPy."""
    return v if isinstance(v, (int, float)) and not isinstance(v, bool) else asarray(v)


def isclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    """Elementwise ``|a - b| <= atol + rtol * |b|`` (not symmetric: ``b`` is the reference),
    infinities equal only to themselves, NaN equal to NaN only with ``equal_nan``. Integer
    ``b`` compares in float64.

    >>> from deepblocks import np
    >>> np.isclose(np.array([1.0, 1e-8]), np.array([1.000001, 1e-9]))
    array([ True,  True])
    """
    x, y = _operand(a), _operand(b)
    if not isinstance(x, ndarray) and not isinstance(y, ndarray):
        x = asarray(_onp.asarray(x))
    if isinstance(y, ndarray):
        if y.dtype.kind != "f":
            y = y.astype(_onp.result_type(y.dtype, 1.0))
    elif isinstance(y, int):
        y = float(y)
    ay = absolute(y) if isinstance(y, ndarray) else abs(y)
    fin = isfinite(y) if isinstance(y, ndarray) else _builtins.bool(_onp.isfinite(y))
    result = ((absolute(x - y) <= atol + rtol * ay) & fin) | (x == y)
    if equal_nan:
        result = result | (isnan(x) & isnan(y))
    return result


def allclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    """True when ``isclose(a, b, rtol, atol, equal_nan)`` holds everywhere (a Python bool).

    >>> from deepblocks import np
    >>> np.allclose(np.array([1e10, 1e-7]), np.array([1.00001e10, 1e-8]))
    False
    """
    return _builtins.bool(asarray(isclose(a, b, rtol, atol, equal_nan)).all())


def array_equal(a1, a2, equal_nan=False):
    """True when both have one shape and equal elements (NaN equal to NaN with
    ``equal_nan``); a Python bool.

    >>> from deepblocks import np
    >>> np.array_equal(np.array([1.0, np.nan]), np.array([1.0, np.nan]), equal_nan=True)
    True
    """
    try:
        a1, a2 = asarray(a1), asarray(a2)
    except Exception:  # noqa: BLE001 - NumPy: what cannot be an array is not equal
        return False
    if a1.shape != a2.shape:
        return False
    if not equal_nan or (a1.dtype.kind != "f" and a2.dtype.kind != "f"):
        return _builtins.bool((a1 == a2).all())
    n1, n2 = isnan(a1), isnan(a2)
    return _builtins.bool(((n1 == n2) & ((a1 == a2) | n1)).all())

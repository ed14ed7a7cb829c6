"""Number sequences on a log scale: ``logspace`` and ``geomspace``, as NumPy's (including
array ``start``/``stop`` and ``axis``), float32 unless ``dtype`` is given (MXNet's default
float, as ``linspace``).

The values are computed in float64 by the host's NumPy from the scalar parameters, then
placed on ``ctx`` (the device of an array ``start``/``stop`` when ``ctx`` is not given).

>>> from deepblocks import np
>>> np.logspace(0, 3, 4)
array([   1.,   10.,  100., 1000.])
>>> np.geomspace(1, 16, 5)
array([ 1.,  2.,  4.,  8., 16.])
"""

import numpy as _onp

__all__ = ["logspace", "geomspace"]


def _host(x):
    """A parameter as host data, and the device it came from (None for host data)."""
    from . import ndarray
    if isinstance(x, ndarray):
        return x.asnumpy(), x.ctx
    return x, None


def _finish(values, dtype, ctx, device, *params):
    from . import array
    if ctx is None and device is None:
        ctx = next((c for _, c in params if c is not None), None)
    dtype = _onp.float32 if dtype is None else dtype
    return array(_onp.asarray(values).astype(dtype), dtype=dtype, ctx=ctx, device=device)


def logspace(start, stop, num=50, endpoint=True, base=10.0, dtype=None, axis=0, ctx=None, device=None):
    """``num`` values from ``base ** start`` to ``base ** stop``, evenly spaced in the
    exponent (``stop`` excluded when not ``endpoint``)."""
    s, b = _host(start), _host(stop)
    base_h = _host(base)
    values = _onp.logspace(s[0], b[0], num, endpoint, base_h[0], dtype=_onp.float64, axis=axis)
    return _finish(values, dtype, ctx, device, s, b, base_h)


def geomspace(start, stop, num=50, endpoint=True, dtype=None, axis=0, ctx=None, device=None):
    """``num`` values from ``start`` to ``stop`` in geometric progression (each a constant
    multiple of the one before); neither end may be zero."""
    s, b = _host(start), _host(stop)
    values = _onp.geomspace(s[0], b[0], num, endpoint, dtype=_onp.float64, axis=axis)
    return _finish(values, dtype, ctx, device, s, b)

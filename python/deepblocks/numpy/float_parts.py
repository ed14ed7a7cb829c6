"""Floating-point pieces and sign tests: ``signbit``, ``isposinf``/``isneginf``, ``heaviside``,
``float_power``, ``ldexp``, ``frexp``, ``modf``, ``divmod`` and ``spacing``, as NumPy's.

Those that are smooth functions of their input (``heaviside`` is not; ``ldexp`` in ``x1``,
``modf``'s fractional part, ``float_power``) are built from engine operations, so autograd
records them and they run on the input's device. ``frexp`` and ``spacing`` depend on the
bits of each float, so they are computed by NumPy on the host (a copy for GPU arrays) and
come back on the input's device.

>>> from deepblocks import np
>>> np.signbit(np.array([-0.0, 1.0, -2.0]))
array([ True, False,  True])
>>> np.modf(np.array([1.5, -2.25]))
(array([ 0.5 , -0.25]), array([ 1., -2.]))
>>> np.ldexp(np.array([1.0, 2.0]), np.array([2, 3]))
array([ 4., 16.])
"""

import numpy as _onp

from .. import _core

__all__ = ["signbit", "isposinf", "isneginf", "heaviside", "float_power", "ldexp", "frexp", "modf",
           "divmod", "spacing"]


def _arr(x):
    return _core.array(x, None, None, None, False)


def _no_out(name, out):
    if out is not None:
        raise TypeError(f"{name}: out= is not supported; assign the result instead")


def _on_device_of(host, like):
    """A NumPy result as a deepblocks array on ``like``'s device, keeping NumPy's dtype."""
    host = _onp.asarray(host)
    return _core.array(host, host.dtype, like.ctx, None, True)


def signbit(x, out=None, **kwargs):
    """True where the sign bit is set (``-0.0`` included), as ``numpy.signbit``.

    >>> from deepblocks import np
    >>> np.signbit(np.array([-1, 0, 3], dtype='int32'))
    array([ True, False, False])
    """
    _no_out("signbit", out)
    x = _arr(x)
    if x.dtype.kind != "f":
        return x < 0
    # -0.0 compares equal to 0; its reciprocal is -inf. NaN's sign bit is read on the host.
    neg = (x < 0) | ((x == 0) & (_core.unary(x, "reciprocal") < 0))
    if bool(_core.unary(x, "isnan").any()):
        return _on_device_of(_onp.signbit(x.asnumpy()), x)
    return neg


def isposinf(x, out=None, **kwargs):
    """True where ``x`` is +inf.

    >>> from deepblocks import np
    >>> np.isposinf(np.array([np.inf, -np.inf, 1.0]))
    array([ True, False, False])
    """
    _no_out("isposinf", out)
    x = _arr(x)
    return _core.unary(x, "isinf") & (x > 0)


def isneginf(x, out=None, **kwargs):
    """True where ``x`` is -inf.

    >>> from deepblocks import np
    >>> np.isneginf(np.array([np.inf, -np.inf, 1.0]))
    array([False,  True, False])
    """
    _no_out("isneginf", out)
    x = _arr(x)
    return _core.unary(x, "isinf") & (x < 0)


def heaviside(x1, x2, out=None, **kwargs):
    """0 where ``x1 < 0``, ``x2`` where ``x1 == 0``, 1 where ``x1 > 0`` (NaN stays NaN).

    >>> from deepblocks import np
    >>> np.heaviside(np.array([-1.0, 0.0, 2.0]), 0.5)
    array([0. , 0.5, 1. ])
    """
    _no_out("heaviside", out)
    x1 = _arr(x1)
    # A Python number is a weak scalar (NumPy 2): it does not widen float32.
    other = x2.dtype if isinstance(x2, (_core.ndarray, _onp.ndarray, _onp.generic)) else x1.dtype
    dt = _onp.result_type(_onp.dtype(x1.dtype), _onp.dtype(other))
    if dt.kind != "f":
        dt = _onp.dtype("float64") if dt.kind in "iu" and dt.itemsize > 1 else _onp.dtype("float32")
    x1 = x1.astype(dt.name, copy=False)
    one, zero = _core.full((), 1, dt.name, x1.ctx, None), _core.full((), 0, dt.name, x1.ctx, None)
    x2 = _core.array(x2, dt.name, x1.ctx, None, False)
    # x1 itself where NaN (x1 != x1), so NaN propagates as NumPy's.
    r = _core.where_(x1 > 0, one, _core.where_(x1 < 0, zero, _core.where_(x1 == 0, x2, x1)))
    return r


def float_power(x1, x2, out=None, **kwargs):
    """``x1 ** x2`` computed in float64 (NumPy's rule for every real input).

    >>> from deepblocks import np
    >>> np.float_power(np.array([2, 3], dtype='int32'), 2)
    array([4., 9.], dtype=float64)
    """
    _no_out("float_power", out)
    a = _arr(x1).astype("float64", copy=False)
    b = _arr(x2).astype("float64", copy=False) if isinstance(x2, _core.ndarray) else _onp.float64(x2)
    return a ** b


def ldexp(x1, x2, out=None, **kwargs):
    """``x1 * 2 ** x2`` (differentiable in ``x1``). Float exponents are accepted, as MXNet
    accepts them (its arrays are float32 by default); NumPy takes integers only.

    >>> from deepblocks import np
    >>> np.ldexp(np.array([3.0]), np.array([-1]))
    array([1.5])
    """
    _no_out("ldexp", out)
    a = _arr(x1)
    e = _arr(x2)
    if a.dtype.kind != "f":
        a = a.astype("float64" if a.dtype.itemsize > 1 else "float32")
    scale = _core.unary(e.astype(a.dtype, copy=False), "exp2")
    return a * scale


def frexp(x, out=None, **kwargs):
    """Mantissas in ``[0.5, 1)`` and int32 exponents with ``x == m * 2 ** e``.

    >>> from deepblocks import np
    >>> np.frexp(np.array([8.0, 0.3]))
    (array([0.5, 0.6]), array([ 4, -1], dtype=int32))
    """
    _no_out("frexp", out)
    x = _arr(x)
    if x.dtype.kind != "f":
        raise TypeError(f"frexp: only float input is supported, got {x.dtype}")
    m, e = _onp.frexp(x.asnumpy())
    return _on_device_of(m, x), _on_device_of(e.astype(_onp.int32), x)


def modf(x, out=None, **kwargs):
    """The fractional and integral parts of ``x``, each with ``x``'s sign (floats only).

    >>> from deepblocks import np
    >>> np.modf(np.array([3.75]))
    (array([0.75]), array([3.]))
    """
    _no_out("modf", out)
    x = _arr(x)
    if x.dtype.kind != "f":
        x = x.astype("float64" if x.dtype.itemsize > 1 else "float32")
    whole = _core.unary(x, "trunc")
    # inf - inf would be NaN; NumPy gives a fraction of +-0 (the sign of x) for infinite input.
    # Both parts carry x's sign, -0.0 included (x - trunc(x) would give +0.0 for -2.0).
    size = _core.where_(_core.unary(x, "isinf"), _core.full((), 0.0, x.dtype, x.ctx, None),
                        _core.unary(x - whole, "absolute"))
    size = _core.where_(_core.unary(x, "isnan"), x, size)
    frac = _core.where_(signbit(x), -size, size)
    return frac, whole


def divmod(x1, x2, out=None, **kwargs):
    """``(x1 // x2, x1 % x2)`` with Python's sign rules, as ``numpy.divmod``.

    >>> from deepblocks import np
    >>> np.divmod(np.array([5.0, -3.0]), 2)
    (array([ 2., -2.]), array([1., 1.]))
    """
    _no_out("divmod", out)
    return _core.binary(x1, x2, "floor_divide"), _core.binary(x1, x2, "mod")


def spacing(x, out=None, **kwargs):
    """The distance from ``x`` to the next float away from zero (negative for negative ``x``).

    >>> from deepblocks import np
    >>> float(np.spacing(np.array(1.0, dtype='float64')))
    2.220446049250313e-16
    """
    _no_out("spacing", out)
    x = _arr(x)
    if x.dtype.kind != "f":
        x = x.astype("float64" if x.dtype.itemsize > 1 else "float32")
    return _on_device_of(_onp.spacing(x.asnumpy()), x)

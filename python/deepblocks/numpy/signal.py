"""Signal and statistics helpers, as NumPy's ``convolve``, ``correlate``, ``cov``,
``corrcoef``, ``cross``, ``trapezoid``, ``gradient``, ``vander``, ``sinc``, ``bartlett``,
``kaiser`` and ``unwrap``.

The array functions are compositions of differentiable engine ops (``take``, ``matmul``,
``concatenate``, ``where``, arithmetic), so they run on the input's device and autograd
records them. ``correlate`` gathers the sliding windows with one ``take`` and contracts them
with ``matmul``. The windows depend only on ``M`` and are made on the host (float32 default,
as ``hanning``).

>>> from deepblocks import np
>>> np.convolve(np.array([1.0, 2.0, 3.0]), np.array([0.0, 1.0, 0.5]))
array([0. , 1. , 2.5, 4. , 1.5])
>>> np.trapezoid(np.array([1.0, 2.0, 3.0]))
array(4.)
"""

import numpy as _onp

from . import (asarray, concatenate, zeros, take, matmul, where, sqrt, clip, moveaxis, stack, sin,
               ones, cumsum, mod, atleast_2d, diagonal)
from ._axes import normalize_axis_tuple as _axis_tuple
from .windows import _window

__all__ = ["convolve", "correlate", "cov", "corrcoef", "cross", "trapezoid", "gradient", "vander",
           "sinc", "bartlett", "kaiser", "unwrap"]


def _axis(axis, ndim):
    return _axis_tuple(axis, ndim, argname="axis")[0]


def _float_dtype(*dts):
    dt = _onp.result_type(*dts)
    return _onp.dtype("float64") if dt.kind in "biu" else dt


def _correlate_long(a, v, mode):
    """Correlation for ``len(a) >= len(v)``: out[k] = sum_j a_padded[k + j] * v[j]."""
    n, m = a.shape[0], v.shape[0]
    pad = zeros((m - 1,), dtype=a.dtype, ctx=a.ctx)
    ap = concatenate([pad, a, pad]) if m > 1 else a
    if mode == "full":
        start, length = 0, n + m - 1
    elif mode == "same":
        start, length = (m - 1) - m // 2, n
    else:
        start, length = m - 1, n - m + 1
    idx = _onp.arange(start, start + length)[:, None] + _onp.arange(m)[None, :]
    windows = take(ap, _index(idx, a), axis=0)
    return matmul(windows, v)


def _index(idx, like):
    from . import array
    return array(idx.astype("int64"), dtype="int64", ctx=like.ctx)


def correlate(a, v, mode="valid"):
    """Cross-correlation of two 1-D sequences: ``c[k] = sum_n a[n + k] * v[n]``
    (``mode`` ``valid``, ``same`` or ``full``).

    >>> from deepblocks import np
    >>> np.correlate(np.array([1.0, 2.0, 3.0]), np.array([0.0, 1.0, 0.5]), 'same')
    array([2. , 3.5, 3. ])
    """
    a, v = asarray(a), asarray(v)
    if a.ndim != 1 or v.ndim != 1:
        raise ValueError(f"object too deep for desired array: shapes {a.shape} and {v.shape} must be 1-D")
    if mode not in ("valid", "same", "full"):
        raise ValueError(f"mode must be one of 'valid', 'same', or 'full' (got {mode!r})")
    if a.size == 0:
        raise ValueError("a cannot be empty")
    if v.size == 0:
        raise ValueError("v cannot be empty")
    dt = _onp.result_type(a.dtype, v.dtype)
    work = dt if dt.kind != "b" else _onp.dtype("int64")
    a2, v2 = a.astype(work, copy=False), v.astype(work, copy=False)
    if a.size >= v.size:
        out = _correlate_long(a2, v2, mode)
    else:
        # Swapping the operands reverses the correlation.
        out = _correlate_long(v2, a2, mode)[::-1]
    return out.astype(dt, copy=False) if work != dt else out


def convolve(a, v, mode="full"):
    """Discrete linear convolution of two 1-D sequences (``mode`` ``full``, ``same``, ``valid``).

    >>> from deepblocks import np
    >>> np.convolve(np.array([1.0, 2.0, 3.0]), np.array([0.0, 1.0, 0.5]), 'valid')
    array([2.5])
    """
    a, v = asarray(a), asarray(v)
    if a.ndim != 1 or v.ndim != 1:
        raise ValueError(f"object too deep for desired array: shapes {a.shape} and {v.shape} must be 1-D")
    if a.size == 0:
        raise ValueError("a cannot be empty")
    if v.size == 0:
        raise ValueError("v cannot be empty")
    if v.size > a.size:
        a, v = v, a
    return correlate(a, v[::-1], mode)


def cov(m, y=None, rowvar=True, bias=False, ddof=None, fweights=None, aweights=None, *, dtype=None):
    """Covariance matrix of the variables in the rows (``rowvar``) or columns of ``m``
    (and ``y``); normalised by ``N - ddof`` (``ddof`` 1, or 0 with ``bias``). Weights are
    not supported.

    >>> from deepblocks import np
    >>> np.cov(np.array([[0.0, 1.0, 2.0], [2.0, 1.0, 0.0]]))
    array([[ 1., -1.],
           [-1.,  1.]], dtype=float64)
    """
    if fweights is not None or aweights is not None:
        raise NotImplementedError("cov: fweights and aweights are not supported")
    if ddof is not None and ddof != int(ddof):
        raise ValueError("ddof must be integer")
    m = asarray(m)
    if m.ndim > 2:
        raise ValueError("m has more than 2 dimensions")
    dts = [m.dtype, _onp.float64]
    if y is not None:
        y = asarray(y)
        if y.ndim > 2:
            raise ValueError("y has more than 2 dimensions")
        dts.append(y.dtype)
    dt = _onp.result_type(*dts) if dtype is None else _onp.dtype(dtype)
    X = atleast_2d(m).astype(dt)
    if not rowvar and m.ndim == 2:
        X = X.T
    if X.shape[0] == 0:
        return zeros((0, 0), dtype=dt, ctx=m.ctx)
    if y is not None:
        Y = atleast_2d(y).astype(dt)
        if not rowvar and y.ndim == 2:
            Y = Y.T
        X = concatenate([X, Y], axis=0)
    if ddof is None:
        ddof = 0 if bias else 1
    fact = max(X.shape[1] - ddof, 0)
    Xc = X - X.mean(axis=1, keepdims=True)
    c = matmul(Xc, Xc.T) / fact
    return c.squeeze()


def corrcoef(x, y=None, rowvar=True, *, dtype=None):
    """Pearson correlation coefficients (``cov`` normalised by the standard deviations,
    clipped to [-1, 1]).

    >>> from deepblocks import np
    >>> np.corrcoef(np.array([[0.0, 1.0, 2.0], [2.0, 1.0, 0.0]]))
    array([[ 1., -1.],
           [-1.,  1.]], dtype=float64)
    """
    c = cov(x, y, rowvar, dtype=dtype)
    if c.ndim == 0:
        return c / c
    d = sqrt(diagonal(c))
    c = c / d[:, None] / d[None, :]
    return clip(c, -1, 1)


def cross(a, b, axisa=-1, axisb=-1, axisc=-1, axis=None):
    """Cross product of 2- or 3-vectors along ``axisa``/``axisb`` (``axis`` sets all three);
    two 2-vectors give the scalar z component.

    >>> from deepblocks import np
    >>> np.cross(np.array([1.0, 0.0, 0.0]), np.array([0.0, 1.0, 0.0]))
    array([0., 0., 1.])
    """
    if axis is not None:
        axisa = axisb = axisc = axis
    a, b = asarray(a), asarray(b)
    if a.ndim == 0 or b.ndim == 0:
        raise ValueError("cross: inputs must have at least one dimension")
    a = moveaxis(a, _axis(axisa, a.ndim), -1)
    b = moveaxis(b, _axis(axisb, b.ndim), -1)
    if a.shape[-1] not in (2, 3) or b.shape[-1] not in (2, 3):
        raise ValueError("incompatible dimensions for cross product\n(dimension must be 2 or 3)")
    dt = _onp.result_type(a.dtype, b.dtype)
    if dt.kind == "b":
        raise TypeError("cross: boolean inputs are not supported (numpy boolean subtract)")
    a, b = a.astype(dt, copy=False), b.astype(dt, copy=False)
    a0, a1 = a[..., 0], a[..., 1]
    b0, b1 = b[..., 0], b[..., 1]
    z = a0 * b1 - a1 * b0
    if a.shape[-1] == 2 and b.shape[-1] == 2:
        return z
    if a.shape[-1] == 3 and b.shape[-1] == 3:
        a2, b2 = a[..., 2], b[..., 2]
        x, y = a1 * b2 - a2 * b1, a2 * b0 - a0 * b2
    elif a.shape[-1] == 3:
        a2 = a[..., 2]
        x, y = -(a2 * b1), a2 * b0
    else:
        b2 = b[..., 2]
        x, y = a1 * b2, -(a0 * b2)
    x, y, z = [t.astype(dt, copy=False) for t in (x, y, z)]
    shape = _onp.broadcast_shapes(x.shape, y.shape, z.shape)
    out = stack([x.broadcast_to(shape), y.broadcast_to(shape), z.broadcast_to(shape)], axis=-1)
    return moveaxis(out, -1, _axis(axisc, out.ndim))


def trapezoid(y, x=None, dx=1.0, axis=-1):
    """Integral of ``y`` along ``axis`` by the trapezoidal rule, with sample points ``x`` or
    spacing ``dx``.

    >>> from deepblocks import np
    >>> np.trapezoid(np.array([1.0, 2.0, 3.0]), x=np.array([0.0, 1.0, 3.0]))
    array(6.5)
    """
    y = asarray(y)
    ax = _axis(axis, y.ndim)
    n = y.shape[ax]
    hi = [slice(None)] * y.ndim
    lo = [slice(None)] * y.ndim
    hi[ax], lo[ax] = slice(1, None), slice(None, -1)
    hi, lo = tuple(hi), tuple(lo)
    if x is None:
        d = dx
    else:
        x = asarray(x)
        if x.ndim == 1:
            if x.shape[0] != n:
                raise ValueError(f"trapezoid: x has {x.shape[0]} points, y has {n} along axis {ax}")
            d = x[1:] - x[:-1]
            shape = [1] * y.ndim
            shape[ax] = d.shape[0]
            d = d.reshape(tuple(shape))
        else:
            axx = _axis(axis, x.ndim)
            sl_hi = [slice(None)] * x.ndim
            sl_lo = [slice(None)] * x.ndim
            sl_hi[axx], sl_lo[axx] = slice(1, None), slice(None, -1)
            d = x[tuple(sl_hi)] - x[tuple(sl_lo)]
    yy = y if y.dtype.kind != "b" else y.astype("float64")
    return (d * (yy[hi] + yy[lo]) / 2.0).sum(axis=ax)


def gradient(f, *varargs, axis=None, edge_order=1):
    """Second-order central differences inside, one-sided first differences at the edges,
    along each axis (``varargs``: one scalar spacing, or one per axis). One axis gives an
    array, several a tuple.

    >>> from deepblocks import np
    >>> np.gradient(np.array([1.0, 2.0, 4.0, 7.0]))
    array([1. , 1.5, 2.5, 3. ])
    """
    f = asarray(f)
    if edge_order != 1:
        raise NotImplementedError("gradient: only edge_order=1 is supported")
    axes = tuple(range(f.ndim)) if axis is None else _axis_tuple(axis, f.ndim, argname="axis")
    if len(varargs) == 0:
        hs = [1.0] * len(axes)
    elif len(varargs) == 1 and _onp.ndim(varargs[0]) == 0:
        hs = [varargs[0]] * len(axes)
    elif len(varargs) == len(axes):
        hs = list(varargs)
    else:
        raise TypeError("invalid number of arguments")
    for h in hs:
        if _onp.ndim(h) != 0:
            raise NotImplementedError("gradient: only scalar spacings are supported")
    dt = _float_dtype(f.dtype)
    g = f.astype(dt, copy=False)
    outs = []
    for ax, h in zip(axes, hs):
        n = f.shape[ax]
        if n < edge_order + 1:
            raise ValueError("Shape of array too small to calculate a numerical gradient, "
                             "at least (edge_order + 1) elements are required.")

        def sl(start, stop):
            k = [slice(None)] * f.ndim
            k[ax] = slice(start, stop)
            return g[tuple(k)]
        h = float(h)
        parts = [(sl(1, 2) - sl(0, 1)) / h]
        if n > 2:
            parts.append((sl(2, None) - sl(None, -2)) / (2.0 * h))
        parts.append((sl(n - 1, n) - sl(n - 2, n - 1)) / h)
        outs.append(concatenate(parts, axis=ax).astype(dt, copy=False))
    return outs[0] if len(outs) == 1 else tuple(outs)


def vander(x, N=None, increasing=False):
    """The Vandermonde matrix: columns are powers of ``x`` (decreasing unless ``increasing``).

    >>> from deepblocks import np
    >>> np.vander(np.array([1.0, 2.0, 3.0]), 3)
    array([[1., 1., 1.],
           [4., 2., 1.],
           [9., 3., 1.]], dtype=float64)
    """
    x = asarray(x)
    if x.ndim != 1:
        raise ValueError("x must be a one-dimensional array or sequence.")
    N = x.shape[0] if N is None else int(N)
    if N < 0:
        raise ValueError("negative dimensions are not allowed")
    dt = _onp.promote_types(x.dtype, _onp.int64)
    xx = x.astype(dt)
    if N == 0:
        return zeros((x.shape[0], 0), dtype=dt, ctx=x.ctx)
    # Repeated products (not power) keep the gradient at x = 0 finite.
    cols = [ones(x.shape, dtype=dt, ctx=x.ctx)]
    for _ in range(N - 1):
        cols.append(cols[-1] * xx)
    if not increasing:
        cols = cols[::-1]
    return stack(cols, axis=1)


def sinc(x):
    """The normalised sinc, ``sin(pi x) / (pi x)`` (1 at 0).

    >>> from deepblocks import np
    >>> np.sinc(np.array([0.0, 0.5])).round(5)
    array([1.     , 0.63662])
    """
    x = asarray(x)
    dt = _float_dtype(x.dtype)
    x = x.astype(dt, copy=False)
    # A tiny stand-in for 0 gives sin(y)/y = 1 there and a finite gradient.
    y = _onp.pi * where(x == 0, 1.0e-20, x)
    return (sin(y) / y).astype(dt, copy=False)


def bartlett(M, dtype=None, ctx=None, device=None):
    """The triangular Bartlett window of ``M`` points.

    >>> from deepblocks import np
    >>> np.bartlett(5)
    array([0. , 0.5, 1. , 0.5, 0. ])
    """
    return _window("bartlett", M, dtype, ctx, device,
                   lambda t: 1.0 - _onp.abs(t / _onp.pi - 1.0))


def kaiser(M, beta, dtype=None, ctx=None, device=None):
    """The Kaiser window of ``M`` points with shape parameter ``beta``.

    >>> from deepblocks import np
    >>> np.kaiser(3, 0.0)
    array([1., 1., 1.])
    """
    beta = float(beta)
    return _window("kaiser", M, dtype, ctx, device,
                   lambda t: _onp.i0(beta * _onp.sqrt(1.0 - (t / _onp.pi - 1.0) ** 2)) / _onp.i0(beta))


def unwrap(p, discont=None, axis=-1, *, period=2 * _onp.pi):
    """``p`` with jumps larger than ``discont`` (default ``period / 2``) along ``axis``
    replaced by their ``period`` complement.

    >>> from deepblocks import np
    >>> np.unwrap(np.array([0.0, 3.0, 6.5, 0.5])).round(3)
    array([0.   , 3.   , 0.217, 0.5  ])
    """
    p = asarray(p)
    ax = _axis(axis, p.ndim)
    dt = _float_dtype(p.dtype, period)
    p = p.astype(dt, copy=False)
    if p.shape[ax] < 2:
        return p * 1
    half = period / 2.0
    if discont is None:
        discont = half
    k_hi = [slice(None)] * p.ndim
    k_lo = [slice(None)] * p.ndim
    k_hi[ax], k_lo[ax] = slice(1, None), slice(None, -1)
    dd = p[tuple(k_hi)] - p[tuple(k_lo)]
    ddmod = mod(dd + half, period) - half
    # A jump of exactly +period/2 keeps its sign (NumPy's boundary rule).
    ddmod = where((ddmod == -half) & (dd > 0), half, ddmod)
    corr = where(abs(dd) < discont, 0.0, ddmod - dd)
    first = [slice(None)] * p.ndim
    first[ax] = slice(0, 1)
    head = p[tuple(first)]
    return concatenate([head, p[tuple(k_hi)] + cumsum(corr, axis=ax)], axis=ax).astype(dt, copy=False)

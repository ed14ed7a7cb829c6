"""Order statistics, averages and histograms, as NumPy's: ``median``, ``quantile``,
``percentile`` (all of NumPy's methods), ``average``, ``histogram`` and ``interp``.

Quantiles sort along the reduced axis and gather the neighbouring order statistics, so they
are differentiable with respect to the data (through the sort and the gathers) and stay on
the input's device. The positions to gather depend only on the slice length and ``q``; they
are computed on the host with NumPy's formulas, in NumPy's dtypes, so the interpolation
weights (and therefore the results) are NumPy's to the last bit.

>>> from deepblocks import np
>>> a = np.array([[10.0, 7.0, 4.0], [3.0, 2.0, 1.0]])
>>> np.median(a, axis=1)
array([7., 2.])
>>> np.quantile(a, [0.25, 0.5], axis=0)
array([[4.75, 3.25, 1.75],
       [6.5 , 4.5 , 2.5 ]], dtype=float64)
>>> np.percentile(a, 50, method='lower')
array(3.)
"""

import numpy as _onp

from .. import _core
from . import asarray, floor, isnan, ndarray, sort, transpose, where
from .search import _arange, _numpy_like, _on, _search
from ._axes import normalize_axis_tuple as _axis_tuple

__all__ = ["median", "quantile", "percentile", "average", "histogram", "interp"]

# ---- the reduced axes, merged ----------------------------------------------------------------


def _merge_reduced(a, axis):
    """``a`` with the axes in ``axis`` (all when None) merged into a leading axis and the other
    axes after it, in order; and the shape a ``keepdims`` result has."""
    if axis is None:
        return a.reshape(-1), (1,) * a.ndim
    axes = _axis_tuple(axis, a.ndim, argname="axis")
    rest = tuple(d for d in range(a.ndim) if d not in axes)
    n = 1
    for d in axes:
        n *= a.shape[d]
    merged = transpose(a, axes + rest).reshape((n,) + tuple(a.shape[d] for d in rest))
    return merged, tuple(1 if d in axes else a.shape[d] for d in range(a.ndim))


def _finish(result, lead_shape, keep_shape, keepdims):
    return result.reshape(tuple(lead_shape) + keep_shape) if keepdims else result


def _rest_key(idx, rest_shape):
    """The integer-array key that picks leading-axis positions ``idx`` (shaped
    ``lead + rest_shape``) separately in every slice of the other axes."""
    nd = len(rest_shape)
    key = [idx]
    for i, d in enumerate(rest_shape):
        key.append(_arange(d, idx.ctx).reshape((-1,) + (1,) * (nd - 1 - i)))
    return tuple(key)


def _real(a, name):
    a = asarray(a)
    if a.dtype.kind == "c":
        raise TypeError("a must be an array of real numbers")
    return a


def _host_q(q):
    return q.asnumpy() if isinstance(q, ndarray) else _onp.asanyarray(q)


# ---- quantile methods: virtual positions in the sorted slice (Hyndman and Fan) --------------------


def _continuous(alpha, beta):
    return lambda n, q: n * q + (alpha + q * (1 - alpha - beta)) - 1


def _to_boundary(index, take_previous):
    """A discrete method's integer position: the lower neighbour where ``take_previous``
    holds for the fractional part, else the upper one (never below 0)."""
    previous = _onp.floor(index)
    gamma = index - previous
    pos = _onp.where(take_previous(gamma, index), previous, previous + 1).astype(_onp.intp)
    return _onp.maximum(pos, 0)


def _gamma_where(shape, default, value, cond):
    g = _onp.full(shape, default)
    g[cond] = value
    return g


# name -> (virtual index from (n, q), gamma fix or None for the discrete methods)
_METHODS = {
    "inverted_cdf": (lambda n, q: _to_boundary(n * q - 1, lambda g, _: g == 0), None),
    "averaged_inverted_cdf": (lambda n, q: n * q - 1, lambda g, _: _gamma_where(g.shape, 1.0, 0.5, g == 0)),
    "closest_observation": (
        lambda n, q: _to_boundary(n * q - 1 - 0.5, lambda g, i: (g == 0) & (_onp.floor(i) % 2 == 1)), None),
    "interpolated_inverted_cdf": (_continuous(0, 1), lambda g, _: g),
    "hazen": (_continuous(0.5, 0.5), lambda g, _: g),
    "weibull": (_continuous(0, 0), lambda g, _: g),
    "linear": (lambda n, q: (n - 1) * q, lambda g, _: g),  # (n-1)q rounds better than alpha=beta=1
    "median_unbiased": (_continuous(1 / 3.0, 1 / 3.0), lambda g, _: g),
    "normal_unbiased": (_continuous(3 / 8.0, 3 / 8.0), lambda g, _: g),
    "lower": (lambda n, q: _onp.floor((n - 1) * q).astype(_onp.intp), None),
    "higher": (lambda n, q: _onp.ceil((n - 1) * q).astype(_onp.intp), None),
    "midpoint": (lambda n, q: 0.5 * (_onp.floor((n - 1) * q) + _onp.ceil((n - 1) * q)),
                 lambda g, i: _gamma_where(g.shape, 0.5, 0.0, i % 1 == 0)),
    "nearest": (lambda n, q: _onp.around((n - 1) * q).astype(_onp.intp), None),
}


def _method(method, interpolation, name):
    if interpolation is not None:  # MXNet 1.9.1's (and old NumPy's) name for ``method``
        if method != "linear":
            raise TypeError(f"{name}: give only one of method= and interpolation=")
        method = interpolation
    try:
        return _METHODS[method]
    except (KeyError, TypeError):
        raise ValueError(f"{method!r} is not a valid method. Use one of: {tuple(_METHODS)}") from None


def _quantile(a, q, axis, method, keepdims, weak, skip_nan):
    """The quantiles ``q`` (a host array in [0, 1]) of ``a`` along ``axis``; NaN-ignoring with
    ``skip_nan``. The result has ``q``'s shape in front of the reduced shape."""
    virtual, fix_gamma = method
    arr, keep_shape = _merge_reduced(a, axis)
    rest = arr.shape[1:]
    srt = sort(arr, axis=0)  # NaN last, so the valid values of each slice come first
    can_nan = arr.dtype.kind == "f"
    if skip_nan and can_nan:
        count = (~isnan(arr)).sum(axis=0).asnumpy()  # each slice's own length (host sync)
        # As NumPy's per-slice Python int: weak against a float q.
        n = count.astype(q.dtype) if q.dtype.kind == "f" else count
    else:
        count = n = arr.shape[0]
    qq = q.reshape(q.shape + (1,) * len(rest)) if _onp.ndim(n) else q
    with _onp.errstate(all="ignore"):
        vi = _onp.asanyarray(virtual(n, qq))
    lead = q.shape
    per_slice = count if (skip_nan and can_nan) else None
    if fix_gamma is None or (virtual is _METHODS["linear"][0] and vi.dtype.kind in "iu"):
        # the discrete methods, or 'linear' at integer positions: a plain gather, in a's dtype
        result = _gather(srt, vi, rest, per_slice)
    else:
        prev = _onp.array(_onp.floor(vi))
        nxt = _onp.array(prev + 1)
        above = vi >= _onp.asarray(count) - 1
        prev[above] = nxt[above] = -1
        below = vi < 0
        prev[below] = nxt[below] = 0
        gone = _onp.isnan(vi)
        prev[gone] = nxt[gone] = -1
        prev, nxt = prev.astype(_onp.intp), nxt.astype(_onp.intp)
        with _onp.errstate(all="ignore"):
            gamma = _onp.asanyarray(fix_gamma(_onp.asanyarray(vi - prev), vi), dtype=vi.dtype)
        lo, hi = _gather(srt, prev, rest, per_slice), _gather(srt, nxt, rest, per_slice)
        upper = gamma >= 0.5
        if weak:
            # NumPy interpolates with a Python float: weak, so in the data's float dtype.
            gamma = gamma.astype(arr.dtype if can_nan else _onp.float64)
        shape = gamma.shape + (1,) * (lo.ndim - gamma.ndim)
        t = _on(gamma.reshape(shape), a.ctx)
        diff = hi - lo
        result = where(_on(upper.reshape(shape), a.ctx), hi - diff * (1 - t), lo + diff * t)
    if can_nan and arr.shape[0]:
        if skip_nan:
            empty = _on(count == 0, a.ctx)  # an all-NaN slice: NaN
            result = where(empty, _onp.nan, result)
        else:
            result = where(isnan(srt[-1]), _onp.nan, result)
    return _finish(result, lead, keep_shape, keepdims)


def _gather(srt, idx, rest, count=None):
    """``srt``'s order statistics at host positions ``idx``: shaped like ``q`` (the same
    positions in every slice), or, with per-slice ``count``s, like ``q + rest``, where -1
    means a slice's last valid value (an all-NaN slice is replaced by NaN afterwards)."""
    if count is None:
        return _core.take(srt, _on(idx.astype("int64"), srt.ctx), 0)
    idx = _onp.where(idx < 0, idx + count, idx)
    idx = _onp.clip(idx, 0, srt.shape[0] - 1)
    return srt[_rest_key(_on(idx.astype("int64"), srt.ctx), rest)]


def quantile(a, q, axis=None, out=None, overwrite_input=False, method="linear", keepdims=False, *, weights=None,
             interpolation=None):
    """The ``q``-th quantiles (``q`` in [0, 1], a number or an array of them) of ``a`` along
    ``axis`` (all axes by default; a tuple merges several), with any of NumPy's 13 methods
    ('linear', 'lower', 'higher', 'midpoint', 'nearest', 'inverted_cdf', 'hazen', ...).
    ``interpolation`` is MXNet's name for ``method``. A slice with a NaN gives NaN.
    Differentiable with respect to ``a``.

    >>> from deepblocks import np
    >>> np.quantile(np.array([1.0, 2.0, 3.0, 4.0]), 0.5)
    array(2.5)
    >>> np.quantile(np.array([1.0, 2.0, 3.0, 4.0]), [0.1, 0.9], method='nearest')
    array([1., 4.])
    """
    return _quantile_entry("quantile", a, q, 1, axis, out, method, keepdims, weights, interpolation, False)


def percentile(a, q, axis=None, out=None, overwrite_input=False, method="linear", keepdims=False, *, weights=None,
               interpolation=None):
    """The ``q``-th percentiles (``q`` in [0, 100]): ``quantile`` of ``q / 100``.

    >>> from deepblocks import np
    >>> np.percentile(np.array([[1.0, 2.0], [3.0, 5.0]]), 50, axis=0)
    array([2. , 3.5])
    """
    return _quantile_entry("percentile", a, q, 100, axis, out, method, keepdims, weights, interpolation, False)


def _quantile_entry(name, a, q, high, axis, out, method, keepdims, weights, interpolation, skip_nan):
    if out is not None:
        raise TypeError("the out= argument is not supported; assign the result instead")
    a = _real(a, name)
    m = _method(method, interpolation, name)
    if weights is not None:
        raise NotImplementedError(f"{name}: weights= (NumPy's weighted 'inverted_cdf') is not supported")
    weak = type(q) in (int, float)
    qh = _host_q(q)
    if high != 1:
        qh = _onp.asanyarray(_onp.true_divide(qh, high))
    if qh.size and not (qh.min() >= 0 and qh.max() <= 1):
        raise ValueError("Percentiles must be in the range [0, 100]" if high != 1 else
                         "Quantiles must be in the range [0, 1]")
    if qh.ndim > 2:
        raise ValueError("q must be a scalar or 1d")
    return _quantile(a, qh, axis, m, keepdims, weak, skip_nan)


def median(a, axis=None, out=None, overwrite_input=False, keepdims=False):
    """The median along ``axis`` (all axes by default): the middle value, or the mean of the
    two middle values; float64 for integer input. A slice with a NaN gives NaN, an empty one
    NaN. Differentiable with respect to ``a``.

    >>> from deepblocks import np
    >>> np.median(np.array([[1, 4, 2], [3, 7, 9]], dtype='int32'), axis=1)
    array([2., 7.], dtype=float64)
    """
    if out is not None:
        raise TypeError("the out= argument is not supported; assign the result instead")
    return _median(_real(a, "median"), axis, keepdims, False)


def _median(a, axis, keepdims, skip_nan):
    arr, keep_shape = _merge_reduced(a, axis)
    rest = arr.shape[1:]
    out_dtype = arr.dtype if arr.dtype.kind == "f" else _onp.dtype("float64")
    n = arr.shape[0]
    if n == 0:
        return _finish(_core.full(rest, _onp.nan, out_dtype, a.ctx, None), (), keep_shape, keepdims)
    srt = sort(arr, axis=0)
    can_nan = arr.dtype.kind == "f"
    if skip_nan and can_nan:
        count = (~isnan(arr)).sum(axis=0).asnumpy()
        lo_i, hi_i = _onp.maximum((count - 1) // 2, 0), _onp.maximum(count // 2, 0)
        lo = srt[_rest_key(_on(lo_i.astype("int64"), a.ctx), rest)]
        hi = srt[_rest_key(_on(hi_i.astype("int64"), a.ctx), rest)]
        same = _on(lo_i == hi_i, a.ctx)
    else:
        lo, hi = srt[(n - 1) // 2], srt[n // 2]
        same = (n - 1) // 2 == n // 2
    lo, hi = lo.astype(out_dtype), hi.astype(out_dtype)
    # The mean of one or two values, as NumPy's: the sum, then halved.
    result = lo if same is True else (lo + hi) / 2 if same is False else where(same, lo, (lo + hi) / 2)
    if can_nan:
        if skip_nan:
            result = where(_on(count == 0, a.ctx), _onp.nan, result)
        else:
            result = where(isnan(srt[-1]), _onp.nan, result)
    return _finish(result, (), keep_shape, keepdims)


# ---- average -------------------------------------------------------------------------------------


def average(a, axis=None, weights=None, returned=False, *, keepdims=False, out=None):
    """The (weighted) mean along ``axis``; with ``returned`` also the sum of the weights
    (the element count without weights), broadcast to the result's shape. ``weights`` has
    ``a``'s shape, or the shape of the axes in ``axis``. Integer data averages in float64.
    Differentiable with respect to ``a`` and ``weights``. ``out`` is MXNet's (must be None).

    >>> from deepblocks import np
    >>> np.average(np.array([1.0, 2.0, 4.0]), weights=np.array([3.0, 1.0, 0.0]))
    array(1.25)
    """
    if out is not None:
        raise TypeError("the out= argument is not supported; assign the result instead")
    a = asarray(a)
    axes = None if axis is None else _axis_tuple(axis, a.ndim, argname="axis")
    if weights is None:
        avg = a.mean(axis=axes, keepdims=keepdims)
        scl = _onp.asarray(a.size / avg.size if avg.size else _onp.nan).astype(avg.dtype)
        if avg.size == 0:
            scl = a.size / avg.size  # NumPy's ZeroDivisionError
        scl = _core.full(avg.shape, scl, avg.dtype, a.ctx, None) if returned else None
    else:
        w = _numpy_like(weights, a.ctx)
        if w.shape != a.shape:
            if axes is None:
                raise TypeError("Axis must be specified when shapes of a and weights differ.")
            if w.shape != tuple(a.shape[d] for d in axes):
                raise ValueError("Shape of weights must be consistent with shape of a along specified axis.")
            w = transpose(w, tuple(_onp.argsort(axes))) if w.ndim > 1 else w
            w = w.reshape(tuple(s if d in axes else 1 for d, s in enumerate(a.shape)))
        if a.dtype.kind in "biu":
            rdt = _onp.result_type(a.dtype, w.dtype, "f8")
        else:
            rdt = _onp.result_type(a.dtype, w.dtype)
        scl = w.astype(rdt).sum(axis=axes, keepdims=keepdims)
        if bool((scl == 0).any()):
            raise ZeroDivisionError("Weights sum to zero, can't be normalized")
        avg = (a.astype(rdt) * w.astype(rdt)).sum(axis=axes, keepdims=keepdims) / scl
        if returned and scl.shape != avg.shape:
            scl = scl.broadcast_to(avg.shape).copy()
    return (avg, scl) if returned else avg


# ---- histogram -------------------------------------------------------------------------------------


def histogram(a, bins=10, range=None, density=None, weights=None, normed=None):
    """Counts of ``a``'s values in ``bins`` (a number of equal bins over ``range``, by default
    ``[a.min(), a.max()]``; a monotonic sequence of edges; or one of NumPy's estimator names)
    and the bin edges. Bins are half-open ``[e_i, e_{i+1})`` but for the last, which is
    closed. ``weights`` sums weights instead of counting; ``density`` divides by the bin
    widths and the total. ``normed`` is MXNet's older name for ``density``.

    >>> from deepblocks import np
    >>> np.histogram(np.array([1.0, 2.0, 1.0]), bins=[0, 1, 2, 3])
    (array([0, 2, 1], dtype=int64), array([0, 1, 2, 3], dtype=int64))
    """
    if normed is not None:
        if density is not None:
            raise TypeError("histogram: give only one of density= and normed=")
        density = normed
    a = asarray(a)
    if weights is not None:
        weights = _numpy_like(weights, a.ctx)
        if weights.shape != a.shape:
            raise ValueError("weights should have the same shape as a.")
        weights = weights.reshape(-1)
    a = a.reshape(-1)
    edges = _bin_edges(a, bins, range, weights)
    e = _on(edges, a.ctx)
    srt = sort(a)
    if weights is None:
        below = _search(srt, e[:-1], "left")
        last = _search(srt, e[-1:], "right")
        cum = _core.concatenate([below, last], 0)
        hist = cum[1:] - cum[:-1]
    else:
        from .search import _ScatterAdd

        nb = edges.shape[0] - 1
        inside = (a >= e[0]) & (a <= e[-1])
        vals = a[inside]
        if vals.size == 0:
            hist = _core.full((nb,), 0, weights.dtype, a.ctx, None)
        else:
            idx = _search(e, vals, "right") - 1
            idx = where(idx >= nb, nb - 1, idx)
            hist = _ScatterAdd(nb, idx)(weights[inside].astype("float64")).astype(weights.dtype)
    if density:
        widths = _on(_onp.diff(edges).astype(float), a.ctx)
        return hist / widths / hist.sum(), e
    return hist, e


def _bin_edges(a, bins, range, weights):
    """The bin edges, on the host, computed as NumPy computes them."""
    if isinstance(bins, ndarray):
        bins = bins.asnumpy()
    if isinstance(bins, str):
        # NumPy's estimators look at the data: they run on a host copy of it.
        w = None if weights is None else weights.asnumpy()
        try:
            return _onp.histogram_bin_edges(a.asnumpy(), bins, range, w)
        except OverflowError as e:
            # A bin width that underflows (data spread over subnormals) asks NumPy's estimator
            # for infinitely many bins; NumPy's own histogram reports this as a ValueError.
            raise ValueError(f"histogram: bins={bins!r} gives too many bins for this data: {e}") from None
    if _onp.ndim(bins) == 0:
        try:
            n = _onp.asarray(bins).__index__()
        except TypeError:
            raise TypeError("`bins` must be an integer, a string, or an array") from None
        if n < 1:
            raise ValueError("`bins` must be positive, when an integer")
        first, last = _outer_edges(a, range)
        bin_type = _onp.result_type(first, last, _onp.empty(0, a.dtype))
        if bin_type.kind in "biu":
            bin_type = _onp.result_type(bin_type, float)
        return _onp.linspace(first, last, n + 1, endpoint=True, dtype=bin_type)
    edges = _onp.asarray(bins)
    if edges.ndim != 1:
        raise ValueError("`bins` must be 1d, when an array")
    if _onp.any(edges[:-1] > edges[1:]):
        raise ValueError("`bins` must increase monotonically, when an array")
    return edges


def _outer_edges(a, range):
    if range is not None:
        first, last = range
        if first > last:
            raise ValueError("max must be larger than min in range parameter.")
        if not (_onp.isfinite(first) and _onp.isfinite(last)):
            raise ValueError(f"supplied range of [{first}, {last}] is not finite")
    elif a.size == 0:
        first, last = 0, 1
    else:
        lohi = _core.stack([a.min(), a.max()], 0).asnumpy()
        first, last = lohi[0], lohi[1]
        if not (_onp.isfinite(first) and _onp.isfinite(last)):
            raise ValueError(f"autodetected range of [{first}, {last}] is not finite")
    if first == last:
        first = first - 0.5
        last = last + 0.5
    return first, last


# ---- interp --------------------------------------------------------------------------------------


def interp(x, xp, fp, left=None, right=None, period=None):
    """Piecewise-linear interpolation of the points ``(xp, fp)`` (``xp`` increasing) at ``x``,
    in float64: ``left``/``right`` (default ``fp[0]``/``fp[-1]``) outside ``xp``; with
    ``period`` the points repeat. Differentiable with respect to ``x`` and ``fp``.

    >>> from deepblocks import np
    >>> np.interp(np.array([0.0, 1.5, 5.0]), np.array([1.0, 2.0, 3.0]), np.array([3.0, 2.0, 0.0]))
    array([3. , 2.5, 0. ], dtype=float64)
    """
    x = _numpy_like(x) if not isinstance(x, (list, tuple)) else _on(x, None)
    ctx = x.ctx
    xp, fp = _numpy_like(xp, ctx), _numpy_like(fp, ctx)
    if fp.dtype.kind == "c" or xp.dtype.kind == "c" or x.dtype.kind == "c":
        raise TypeError("interp: complex values are not supported")
    x, xp, fp = (v.astype("float64") for v in (x, xp, fp))
    if period is not None:
        if period == 0:
            raise ValueError("period must be a non-zero value")
        period = abs(period)
        left = right = None
        if xp.ndim != 1 or fp.ndim != 1:
            raise ValueError("Data points must be 1-D sequences")
        if xp.shape[0] != fp.shape[0]:
            raise ValueError("fp and xp are not of the same length")
        x = x % period
        xp = xp % period
        order = xp.argsort(kind="stable")
        xp, fp = xp[order], fp[order]
        xp = _core.concatenate([xp[-1:] - period, xp, xp[0:1] + period], 0)
        fp = _core.concatenate([fp[-1:], fp, fp[0:1]], 0)
    if xp.ndim != 1 or fp.ndim != 1:
        raise ValueError("object too deep for desired array")
    m = xp.shape[0]
    if m == 0:
        raise ValueError("array of sample points is empty")
    if fp.shape[0] != m:
        raise ValueError("fp and xp are not of the same length.")
    lval = fp[0] if left is None else left
    rval = fp[-1] if right is None else right
    if m == 1:
        return where(x < xp[0], lval, where(x > xp[0], rval, fp[0]))
    j = _search(xp, x, "right") - 1  # xp[j] <= x < xp[j + 1]
    jc = j.clip(0, m - 2)
    x0, x1, y0, y1 = xp[jc], xp[jc + 1], fp[jc], fp[jc + 1]
    slope = (y1 - y0) / (x1 - x0)
    r = slope * (x - x0) + y0
    # NumPy's fallbacks: from the right end when that gave NaN, then the common value.
    r = where(isnan(r), slope * (x - x1) + y1, r)
    r = where(isnan(r) & (y0 == y1), y0, r)
    r = where(x == x0, y0, r)
    r = where(j == m - 1, fp[-1], r)
    r = where(x > xp[-1], rval, r)
    r = where(x < xp[0], lval, r)
    return where(isnan(x), x, r)

"""Selecting and counting elements, as NumPy's ``count_nonzero``, ``digitize``, ``select``,
``piecewise``, ``partition``/``argpartition``, ``ptp``, ``extract``, ``compress``, ``choose``
and ``trim_zeros``.

Built from engine ops (``where``, ``take``, ``sort``, ``searchsorted``, reductions), so the
results stay on the input's device and the value paths (``select``, ``piecewise``,
``choose``, ``compress``, ``ptp``, ``partition``) are recorded by autograd.
``partition`` sorts fully: that satisfies NumPy's contract (the kth element in its sorted
place, smaller ones before, larger ones after), with a fully sorted order.

>>> from deepblocks import np
>>> np.count_nonzero(np.array([[0, 1], [2, 0]]), axis=0)
array([1, 1], dtype=int64)
>>> np.select([np.array([True, False])], [np.array([1.0, 2.0])], default=-1.0)
array([ 1., -1.])
"""

import numpy as _onp

from . import asarray, where, take, sort, argsort, searchsorted, ravel, zeros, broadcast_arrays, clip, nonzero
from ._axes import normalize_axis_tuple as _axis_tuple

__all__ = ["count_nonzero", "digitize", "select", "piecewise", "argpartition", "partition", "ptp",
           "extract", "compress", "choose", "trim_zeros"]


def _axis(axis, ndim):
    return _axis_tuple(axis, ndim, argname="axis")[0]


def count_nonzero(a, axis=None, *, keepdims=False):
    """The number of non-zero entries (int64), over all or along ``axis``.

    >>> from deepblocks import np
    >>> np.count_nonzero(np.array([0.0, 3.0, -1.0]))
    array(2, dtype=int64)
    """
    a = asarray(a)
    ax = None if axis is None else _axis_tuple(axis, a.ndim, argname="axis")
    return (a != 0).astype("int64").sum(axis=ax, keepdims=keepdims)


def digitize(x, bins, right=False):
    """The bin index of each ``x`` for monotonic ``bins`` (increasing or decreasing).

    >>> from deepblocks import np
    >>> np.digitize(np.array([0.2, 6.4, 3.0]), np.array([0.0, 1.0, 2.5, 4.0]))
    array([1, 4, 3], dtype=int64)
    """
    x, bins = asarray(x), asarray(bins)
    if bins.ndim != 1:
        raise ValueError(f"digitize: bins must be 1-dimensional, got shape {bins.shape}")
    side = "left" if right else "right"
    dt = _onp.result_type(x.dtype, bins.dtype)
    x, bins = x.astype(dt, copy=False), bins.astype(dt, copy=False)
    if bins.size < 2:
        inc = True
    else:
        d = bins[1:] - bins[:-1] if dt != _onp.bool_ else bins[1:].astype("int64") - bins[:-1].astype("int64")
        inc = bool((d >= 0).all())
        if not inc and not bool((d <= 0).all()):
            raise ValueError("digitize: bins must be monotonically increasing or decreasing")
    flat = ravel(x)
    if inc:
        out = searchsorted(bins, flat, side=side)
    else:
        out = bins.size - searchsorted(bins[::-1], flat, side=side)
    return out.astype("int64").reshape(x.shape)


def select(condlist, choicelist, default=0):
    """Elements of ``choicelist[i]`` where ``condlist[i]`` is first true, else ``default``.

    >>> from deepblocks import np
    >>> x = np.arange(6)
    >>> np.select([x < 3, x > 3], [x, x ** 2], 42)
    array([ 0.,  1.,  2., 42., 16., 25.])
    """
    if len(condlist) != len(choicelist):
        raise ValueError("select: list of cases must be same length as list of conditions")
    if len(condlist) == 0:
        raise ValueError("select with an empty condition list is not possible")
    conds = [asarray(c) for c in condlist]
    for i, c in enumerate(conds):
        if c.dtype != _onp.bool_:
            raise TypeError(f"select: invalid entry {i} in condlist: should be boolean ndarray, got {c.dtype}")
    choices = [c if hasattr(c, "dtype") else asarray(c) for c in choicelist]
    # A Python scalar default is weak (NEP 50): it does not widen the choices' dtype.
    dflt = default.dtype if hasattr(default, "dtype") else default
    dt = _onp.result_type(*[c.dtype for c in choices], dflt)
    out = asarray(default).astype(dt)
    # The first true condition wins: apply them from the last to the first.
    for c, v in zip(reversed(conds), reversed(choices)):
        out = where(c, asarray(v).astype(dt, copy=False), out)
    shape = _onp.broadcast_shapes(*[c.shape for c in conds], *[asarray(v).shape for v in choices], out.shape)
    return out if out.shape == shape else out.broadcast_to(shape) * 1 if dt != _onp.bool_ else out.broadcast_to(shape)


def piecewise(x, condlist, funclist, *args, **kw):
    """``funclist[i](x)`` (or the constant ``funclist[i]``) where ``condlist[i]``, zero
    elsewhere; one extra function is the default for where no condition holds. Each function
    is evaluated on all of ``x`` and selected with ``where``, so it must work elementwise.

    >>> from deepblocks import np
    >>> x = np.array([-2.0, 0.5, 3.0])
    >>> np.piecewise(x, [x < 0, x >= 0], [lambda v: -v, lambda v: v * 10])
    array([ 2.,  5., 30.])
    """
    x = asarray(x)
    if not isinstance(condlist, (list, tuple)) or (len(condlist) and not isinstance(condlist[0], (list, tuple)) and not hasattr(condlist[0], "shape") and x.ndim == 0):
        condlist = [condlist]
    conds = [asarray(c).astype("bool") for c in condlist]
    n = len(conds)
    if len(funclist) not in (n, n + 1):
        raise ValueError(f"with {n} condition(s), either {n} or {n + 1} functions are expected")
    if len(funclist) == n + 1:
        other = ~conds[0] if n == 1 else None
        if n > 1:
            anyc = conds[0]
            for c in conds[1:]:
                anyc = anyc | c
            other = ~anyc
        elif n == 0:
            other = asarray(True).broadcast_to(x.shape)
        conds = conds + [other]
    out = zeros(x.shape, dtype=x.dtype, ctx=x.ctx)
    for c, f in zip(conds, funclist):
        val = f(x, *args, **kw) if callable(f) else f
        out = where(c, asarray(val).astype(x.dtype, copy=False) if hasattr(val, "shape") else val, out)
        if out.dtype != x.dtype:
            out = out.astype(x.dtype)
    return out


def _kth(kth, n):
    ks = _onp.atleast_1d(_onp.asarray(kth))
    if ks.dtype.kind not in "iu":
        raise TypeError("partition: kth must be an integer or a sequence of integers")
    for k in ks:
        if not -n <= int(k) < n:
            raise ValueError(f"kth(={int(k)}) out of bounds ({n})")


def partition(a, kth, axis=-1, kind="introselect", order=None):
    """``a`` partitioned around its ``kth`` element(s) along ``axis`` (here fully sorted).

    >>> from deepblocks import np
    >>> np.partition(np.array([3.0, 4.0, 2.0, 1.0]), 2)[2]
    array(3.)
    """
    a = asarray(a)
    if axis is None:
        a, axis = ravel(a), 0
    if a.ndim == 0:
        raise ValueError("partition: a 0-d array cannot be partitioned")
    ax = _axis(axis, a.ndim)
    _kth(kth, a.shape[ax])
    return sort(a, axis=ax)


def argpartition(a, kth, axis=-1, kind="introselect", order=None):
    """Indices that partition ``a`` around its ``kth`` element(s) (here a stable argsort).

    >>> from deepblocks import np
    >>> np.argpartition(np.array([3.0, 4.0, 2.0, 1.0]), 0)[0]
    array(3, dtype=int64)
    """
    a = asarray(a)
    if axis is None:
        a, axis = ravel(a), 0
    if a.ndim == 0:
        raise ValueError("argpartition: a 0-d array cannot be partitioned")
    ax = _axis(axis, a.ndim)
    _kth(kth, a.shape[ax])
    return argsort(a, axis=ax, kind="stable").astype("int64")


def ptp(a, axis=None, out=None, keepdims=False):
    """Peak to peak: ``max - min`` over all or along ``axis``.

    >>> from deepblocks import np
    >>> np.ptp(np.array([[4.0, 9.0], [2.0, 1.0]]), axis=1)
    array([5., 1.])
    """
    if out is not None:
        raise TypeError("ptp: the out= argument is not supported; assign the result instead")
    a = asarray(a)
    if a.dtype == _onp.bool_:
        raise TypeError("ptp: numpy boolean subtract is not supported, use bitwise_xor or logical_xor")
    ax = None if axis is None else _axis_tuple(axis, a.ndim, argname="axis")
    if a.size == 0 and (ax is None or any(a.shape[i] == 0 for i in ax)):
        raise ValueError("zero-size array to reduction operation maximum which has no identity")
    return a.max(axis=ax, keepdims=keepdims) - a.min(axis=ax, keepdims=keepdims)


def extract(condition, arr):
    """The elements of ``arr`` (flattened) where ``condition`` (flattened) is non-zero.

    >>> from deepblocks import np
    >>> np.extract(np.array([[True, False], [False, True]]), np.array([[1.0, 2.0], [3.0, 4.0]]))
    array([1., 4.])
    """
    idx = nonzero(ravel(asarray(condition)))[0]
    flat = ravel(asarray(arr))
    if idx.size and int(idx[-1].item()) >= flat.size:
        raise IndexError(f"extract: index {int(idx[-1].item())} is out of bounds for size {flat.size}")
    return take(flat, idx)


def compress(condition, a, axis=None, out=None):
    """The slices of ``a`` along ``axis`` (of the flattened ``a`` when None) where the 1-D
    ``condition`` is true.

    >>> from deepblocks import np
    >>> np.compress([False, True, True], np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]), axis=0)
    array([[3., 4.],
           [5., 6.]])
    """
    if out is not None:
        raise TypeError("compress: the out= argument is not supported; assign the result instead")
    cond = asarray(condition)
    if cond.ndim != 1:
        raise ValueError("condition must be a 1-d array")
    a = asarray(a)
    if axis is None:
        a, ax = ravel(a), 0
    else:
        if a.ndim == 0:
            raise IndexError(f"axis {axis} is out of bounds for array of dimension 0")
        ax = _axis(axis, a.ndim)
    idx = nonzero(cond)[0]
    n = a.shape[ax]
    if idx.size and int(idx[-1].item()) >= n:
        raise IndexError(f"index {int(idx[-1].item())} is out of bounds for axis {ax} with size {n}")
    return take(a, idx, axis=ax)


def choose(a, choices, out=None, mode="raise"):
    """``choices[a]`` elementwise (all broadcast together); ``mode`` handles indices out of
    ``0..n-1``: ``raise``, ``wrap`` (modulo n) or ``clip``.

    >>> from deepblocks import np
    >>> np.choose(np.array([2, 0, 1], dtype='int64'), [np.array([1.0, 2.0, 3.0]), np.array([10.0, 20.0, 30.0]), np.array([7.0, 8.0, 9.0])])
    array([ 7.,  2., 30.])
    """
    if out is not None:
        raise TypeError("choose: the out= argument is not supported; assign the result instead")
    if mode not in ("raise", "wrap", "clip"):
        raise ValueError(f"clipmode must be one of 'clip', 'raise', or 'wrap' (got {mode!r})")
    idx = asarray(a)
    if idx.dtype.kind not in "iub":
        raise TypeError(f"choose: cannot cast index array from {idx.dtype} to int64")
    idx = idx.astype("int64")
    if hasattr(choices, "shape") and not isinstance(choices, (list, tuple)):
        choices = [choices[i] for i in range(choices.shape[0])]
    choices = [asarray(c) if not hasattr(c, "dtype") else c for c in choices]
    n = len(choices)
    if n == 0:
        raise ValueError("choose: choices must not be empty")
    if mode == "raise":
        if idx.size and bool(((idx < 0) | (idx >= n)).any()):
            raise ValueError("invalid entry in choice array")
    elif mode == "wrap":
        idx = idx % n
    else:
        idx = clip(idx, 0, n - 1)
    dt = _onp.result_type(*[c.dtype for c in choices])
    parts = broadcast_arrays(idx, *[c.astype(dt, copy=False) for c in choices])
    idx, parts = parts[0], parts[1:]
    out = parts[0]
    for i in range(1, n):
        out = where(idx == i, parts[i], out)
    return out * 1 if dt != _onp.bool_ and out is parts[0] else out


def trim_zeros(filt, trim="fb", axis=None):
    """``filt`` without its leading (``f``) and/or trailing (``b``) zeros, along ``axis`` (all
    axes when None); the result is a view.

    >>> from deepblocks import np
    >>> np.trim_zeros(np.array([0.0, 0.0, 1.0, 2.0, 0.0]))
    array([1., 2.])
    """
    a = asarray(filt)
    t = trim.lower() if isinstance(trim, str) else trim
    if not isinstance(t, str) or not set(t) <= {"f", "b"}:
        raise ValueError(f"unexpected character(s) in `trim`: {trim!r}")
    if a.ndim == 0:
        raise ValueError("trim_zeros: the input must have at least one dimension")
    axes = range(a.ndim) if axis is None else _axis_tuple(axis, a.ndim, argname="axis")
    mask = (a != 0).asnumpy()
    key = [slice(None)] * a.ndim
    for ax in axes:
        others = tuple(i for i in range(a.ndim) if i != ax)
        hit = _onp.flatnonzero(mask.any(axis=others) if others else mask)
        if hit.size == 0:
            # All zero: NumPy keeps an empty slice at the start.
            key[ax] = slice(0, 0)
            continue
        start = int(hit[0]) if "f" in t else 0
        stop = int(hit[-1]) + 1 if "b" in t else a.shape[ax]
        key[ax] = slice(start, stop)
    return a[tuple(key)]

"""Reductions that skip NaN, as NumPy's ``nan*`` functions, and ``nan_to_num``.

Each replaces NaN by the reduction's neutral value (0 for sums, 1 for products, -inf/+inf for
maxima/minima) with ``where`` and reduces with the ordinary, differentiable operation, so the
NaN entries get zero gradient; counts of the valid entries give the means and variances.
Integer and bool arrays hold no NaN: they reduce as the plain functions do.

>>> from deepblocks import np
>>> a = np.array([[1.0, np.nan], [3.0, 4.0]])
>>> np.nansum(a), np.nanmean(a, axis=0), np.nanmax(a, axis=1)
(array(8.), array([2., 4.]), array([1., 4.]))
>>> np.nan_to_num(np.array([np.nan, np.inf, -1.0]), posinf=9.0)
array([ 0.,  9., -1.])
"""

import numpy as _onp

from .. import _core
from . import asarray, cumsum, isnan, ndarray, sqrt
from . import where as _where
from .cumulative import cumprod
from .statistics import _median, _quantile_entry, _real
from ._axes import normalize_axis_tuple as _axis_tuple

__all__ = ["nansum", "nanprod", "nanmean", "nanvar", "nanstd", "nanmax", "nanmin", "nanargmax", "nanargmin",
           "nancumsum", "nancumprod", "nanmedian", "nanquantile", "nanpercentile", "nan_to_num"]


def _replace(a, value):
    """``a`` with NaN replaced by ``value`` and the NaN mask (None for arrays without NaN)."""
    a = asarray(a)
    if a.dtype.kind != "f":
        return a, None
    mask = isnan(a)
    return _where(mask, value, a), mask


def _plain(name, out, where_):
    if out is not None:
        raise TypeError("the out= argument is not supported; assign the result instead")
    if where_ is not True:
        raise NotImplementedError(f"{name}: where= is not supported")


def _axes(axis, ndim):
    return None if axis is None else _axis_tuple(axis, ndim, argname="axis")


def nansum(a, axis=None, dtype=None, out=None, keepdims=False, initial=None, where=True):
    """The sum treating NaN as zero (0 for an all-NaN slice).

    >>> from deepblocks import np
    >>> np.nansum(np.array([1.0, np.nan, 2.0]))
    array(3.)
    """
    _plain("nansum", out, where)
    arr, _ = _replace(a, 0)
    s = arr.sum(axis=_axes(axis, arr.ndim), dtype=dtype, keepdims=keepdims)
    return s if initial is None else s + initial


def nanprod(a, axis=None, dtype=None, out=None, keepdims=False, initial=None, where=True):
    """The product treating NaN as one.

    >>> from deepblocks import np
    >>> np.nanprod(np.array([2.0, np.nan, 3.0]))
    array(6.)
    """
    _plain("nanprod", out, where)
    arr, _ = _replace(a, 1)
    p = arr.prod(axis=_axes(axis, arr.ndim), dtype=dtype, keepdims=keepdims)
    return p if initial is None else p * initial


def _count(mask, axes, keepdims):
    return (~mask).sum(axis=axes, dtype="int64", keepdims=keepdims)


def nanmean(a, axis=None, dtype=None, out=None, keepdims=False, *, where=True):
    """The mean of the non-NaN elements (NaN for an all-NaN slice).

    >>> from deepblocks import np
    >>> np.nanmean(np.array([1.0, np.nan, 3.0]))
    array(2.)
    """
    _plain("nanmean", out, where)
    arr, mask = _replace(a, 0)
    axes = _axes(axis, arr.ndim)
    if mask is None:
        return arr.mean(axis=axes, dtype=dtype, keepdims=keepdims)
    if dtype is not None and _onp.dtype(dtype).kind != "f":
        raise TypeError("If a is inexact, then dtype must be inexact")
    tot = arr.sum(axis=axes, dtype=dtype, keepdims=keepdims)
    # NumPy divides the sum by the int count in place: float64 arithmetic, the sum's dtype.
    return (tot / _count(mask, axes, keepdims)).astype(tot.dtype)


def nanvar(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=True, mean=None, correction=None):
    """The variance of the non-NaN elements, divided by ``count - ddof`` (NaN where that is
    not positive). ``correction`` is the Array API name of ``ddof``; ``mean`` may give a
    precomputed mean (with ``keepdims=True`` shape).

    >>> from deepblocks import np
    >>> np.nanvar(np.array([1.0, np.nan, 3.0]))
    array(1.)
    """
    _plain("nanvar", out, where)
    if correction is not None:
        if ddof != 0:
            raise ValueError("ddof and correction can't be provided simultaneously.")
        ddof = correction
    arr, mask = _replace(a, 0)
    axes = _axes(axis, arr.ndim)
    if mask is None:
        return arr.var(axis=axes, dtype=dtype, ddof=ddof, keepdims=keepdims)
    cnt = _count(mask, axes, True)
    if mean is not None:
        avg = asarray(mean)
    else:
        avg = arr.sum(axis=axes, dtype=dtype, keepdims=True)
        avg = (avg / cnt).astype(avg.dtype)
    dev = _where(mask, 0, (arr - avg).astype(arr.dtype))
    var = (dev * dev).sum(axis=axes, dtype=dtype, keepdims=keepdims)
    dof = cnt if keepdims else cnt.reshape(var.shape)
    dof = dof - ddof
    return _where(dof <= 0, _onp.nan, (var / dof).astype(var.dtype))


def nanstd(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=True, mean=None, correction=None):
    """The standard deviation of the non-NaN elements: ``sqrt(nanvar(...))``.

    >>> from deepblocks import np
    >>> np.nanstd(np.array([1.0, np.nan, 3.0]))
    array(1.)
    """
    return sqrt(nanvar(a, axis, dtype, out, ddof, keepdims, where=where, mean=mean, correction=correction))


def _nan_extreme(name, a, axis, out, keepdims, initial, where_, largest):
    _plain(name, out, where_)
    arr, mask = _replace(a, -_onp.inf if largest else _onp.inf)
    axes = _axes(axis, arr.ndim)
    if arr.size == 0 and initial is None:
        raise ValueError(f"zero-size array to reduction operation {'fmax' if largest else 'fmin'} which has no identity")
    if arr.size == 0:
        shape = arr.sum(axis=axes, keepdims=keepdims).shape
        return _core.full(shape, initial, arr.dtype, arr.ctx, None)
    r = arr.max(axis=axes, keepdims=keepdims) if largest else arr.min(axis=axes, keepdims=keepdims)
    if initial is not None:
        r = _where(r > initial, r, initial) if largest else _where(r < initial, r, initial)
    if mask is not None and initial is None:
        r = _where(mask.all(axis=axes, keepdims=keepdims), _onp.nan, r)  # an all-NaN slice
    return r


def nanmax(a, axis=None, out=None, keepdims=False, initial=None, where=True):
    """The maximum ignoring NaN (NaN for an all-NaN slice). Differentiable.

    >>> from deepblocks import np
    >>> np.nanmax(np.array([1.0, np.nan, 3.0]))
    array(3.)
    """
    return _nan_extreme("nanmax", a, axis, out, keepdims, initial, where, True)


def nanmin(a, axis=None, out=None, keepdims=False, initial=None, where=True):
    """The minimum ignoring NaN (NaN for an all-NaN slice). Differentiable.

    >>> from deepblocks import np
    >>> np.nanmin(np.array([1.0, np.nan, 3.0]))
    array(1.)
    """
    return _nan_extreme("nanmin", a, axis, out, keepdims, initial, where, False)


def _nan_arg(name, a, axis, out, keepdims, largest):
    if out is not None:
        raise TypeError("the out= argument is not supported; assign the result instead")
    arr, mask = _replace(a, -_onp.inf if largest else _onp.inf)
    if mask is not None and mask.size and bool(mask.all(axis=axis).any()):
        raise ValueError("All-NaN slice encountered")
    return arr.argmax(axis=axis, keepdims=keepdims) if largest else arr.argmin(axis=axis, keepdims=keepdims)


def nanargmax(a, axis=None, out=None, *, keepdims=False):
    """The position of the maximum ignoring NaN; an all-NaN slice is a ValueError.

    >>> from deepblocks import np
    >>> np.nanargmax(np.array([1.0, np.nan, 3.0]))
    array(2, dtype=int64)
    """
    return _nan_arg("nanargmax", a, axis, out, keepdims, True)


def nanargmin(a, axis=None, out=None, *, keepdims=False):
    """The position of the minimum ignoring NaN; an all-NaN slice is a ValueError.

    >>> from deepblocks import np
    >>> np.nanargmin(np.array([np.nan, 3.0, 1.0]))
    array(2, dtype=int64)
    """
    return _nan_arg("nanargmin", a, axis, out, keepdims, False)


def nancumsum(a, axis=None, dtype=None, out=None):
    """The cumulative sum treating NaN as zero.

    >>> from deepblocks import np
    >>> np.nancumsum(np.array([1.0, np.nan, 2.0]))
    array([1., 1., 3.])
    """
    return cumsum(_replace(a, 0)[0], axis=axis, dtype=dtype, out=out)


def nancumprod(a, axis=None, dtype=None, out=None):
    """The cumulative product treating NaN as one.

    >>> from deepblocks import np
    >>> np.nancumprod(np.array([2.0, np.nan, 3.0]))
    array([2., 2., 6.])
    """
    return cumprod(_replace(a, 1)[0], axis=axis, dtype=dtype, out=out)


def nanmedian(a, axis=None, out=None, overwrite_input=False, keepdims=False):
    """The median of the non-NaN elements (NaN for an all-NaN slice). Differentiable.

    >>> from deepblocks import np
    >>> np.nanmedian(np.array([[1.0, np.nan, 4.0], [2.0, 3.0, np.nan]]), axis=1)
    array([2.5, 2.5])
    """
    if out is not None:
        raise TypeError("the out= argument is not supported; assign the result instead")
    a = _real(a, "nanmedian")
    if a.size == 0:
        return nanmean(a, axis, keepdims=keepdims)
    return _median(a, axis, keepdims, True)


def nanquantile(a, q, axis=None, out=None, overwrite_input=False, method="linear", keepdims=False, *, weights=None,
                interpolation=None):
    """``quantile`` of the non-NaN elements of each slice (NaN for an all-NaN slice).

    >>> from deepblocks import np
    >>> np.nanquantile(np.array([1.0, np.nan, 3.0, 4.0]), 0.5)
    array(3.)
    """
    a = _real(a, "nanquantile")
    if a.size == 0:
        return nanmean(a, axis, keepdims=keepdims)
    return _quantile_entry("nanquantile", a, q, 1, axis, out, method, keepdims, weights, interpolation, True)


def nanpercentile(a, q, axis=None, out=None, overwrite_input=False, method="linear", keepdims=False, *,
                  weights=None, interpolation=None):
    """``percentile`` of the non-NaN elements of each slice (``q`` in [0, 100]).

    >>> from deepblocks import np
    >>> np.nanpercentile(np.array([1.0, np.nan, 3.0]), 50)
    array(2.)
    """
    a = _real(a, "nanpercentile")
    if a.size == 0:
        return nanmean(a, axis, keepdims=keepdims)
    return _quantile_entry("nanpercentile", a, q, 100, axis, out, method, keepdims, weights, interpolation, True)


def nan_to_num(x, copy=True, nan=0.0, posinf=None, neginf=None, **kwargs):
    """``x`` with NaN replaced by ``nan``, +inf by ``posinf`` and -inf by ``neginf`` (by
    default the largest and smallest finite values of the dtype); integer and bool arrays
    come back unchanged. ``copy=False`` replaces in ``x`` itself. Differentiable (the
    replaced entries get zero gradient). ``out`` is MXNet's keyword (must be None).

    >>> from deepblocks import np
    >>> np.nan_to_num(np.array([np.nan, -np.inf, 2.0], dtype='float32'))
    array([ 0.0000000e+00, -3.4028235e+38,  2.0000000e+00])
    """
    for k, v in kwargs.items():
        if k != "out":
            raise TypeError(f"nan_to_num() got an unexpected keyword argument {k!r}")
        if v is not None:
            raise TypeError("the out= argument is not supported; assign the result instead")
    given = isinstance(x, ndarray)
    x = asarray(x)
    if x.dtype.kind != "f":
        return x.copy() if copy else x
    info = _onp.finfo(x.dtype)
    big = float(info.max) if posinf is None else posinf
    small = float(info.min) if neginf is None else neginf
    r = _where(isnan(x), nan, x)
    r = _where(x == _onp.inf, big, r)
    r = _where(x == -_onp.inf, small, r)
    if not copy and given:
        x[...] = r
        return x
    return r

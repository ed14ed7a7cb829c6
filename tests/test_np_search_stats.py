"""Differential tests against NumPy of searching, sets, counting, order statistics, averages,
histograms, interpolation, running products/differences and closeness (``deepblocks.np``
search.py, statistics.py, cumulative.py, compare.py): each dtype, 0-d, empty, non-contiguous
and negative-step views, and NumPy's errors."""

import numpy as onp
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import (DTYPES, FLOAT_DTYPES, NUMERIC_DTYPES, arrays_and_views, assert_same, compare, expected_exception,
                      numpy_result, raises, shapes, views)
from deepblocks import np as dnp

fast = settings(max_examples=30)
small = shapes(max_dims=3, max_side=4)
numeric = st.sampled_from(NUMERIC_DTYPES)
floats = st.sampled_from(FLOAT_DTYPES)


def _axis(draw, ndim, none=True):
    choices = list(range(-ndim, ndim)) + ([None] if none else [])
    return draw(st.sampled_from(choices)) if choices else None


# ---- searchsorted, unique, bincount, argwhere, flatnonzero ---------------------------------------


@fast
@given(st.data(), numeric, st.sampled_from(["left", "right"]))
def test_searchsorted(data, dtype, side):
    n = data.draw(st.integers(0, 6))
    host_a = onp.sort(data.draw(views(dtype, (n,), kind="contig", small=True))[0])
    host_v, dev_v = data.draw(views(dtype, data.draw(small), small=True))
    dev_a = dnp.array(host_a)[::-1][::-1]
    compare(lambda a, v: dnp.searchsorted(a, v, side), lambda a, v: onp.searchsorted(a, v, side),
            (dev_a, dev_v), (host_a, host_v))


@fast
@given(st.data())
def test_searchsorted_sorter_nan_and_errors(data):
    host = data.draw(views("float64", (5,), special=True))[0]
    order = onp.argsort(host, kind="stable")
    v = onp.array([onp.nan, -onp.inf, 0.0, 1.5, onp.inf])
    for side in ("left", "right"):
        assert_same(dnp.searchsorted(dnp.array(host), dnp.array(v), side, sorter=dnp.array(order)),
                    onp.searchsorted(host, v, side, sorter=order))
    raises(ValueError, dnp.searchsorted, dnp.array(host), 1.0, side="middle", contains="side")
    raises(ValueError, dnp.searchsorted, dnp.array(host), 1.0, sorter=dnp.array(order[:2]), contains="sorter.size")
    raises(ValueError, dnp.searchsorted, dnp.array(host), 1.0, sorter=dnp.array(order + 5), contains="out of range")
    raises(ValueError, dnp.searchsorted, dnp.array(host.reshape(5, 1)), 1.0)
    srt = onp.sort(host)
    assert_same(dnp.searchsorted(dnp.array(srt), 0.5), onp.asarray(onp.searchsorted(srt, 0.5)))


@fast
@given(st.data(), st.sampled_from(DTYPES))
def test_unique(data, dtype):
    host, dev = data.draw(views(dtype, data.draw(small), special=True))
    flags = data.draw(st.tuples(st.booleans(), st.booleans(), st.booleans()))
    got, ref = dnp.unique(dev, *flags), onp.unique(host, *flags)
    got, ref = (got, ref) if any(flags) else ((got,), (ref,))
    assert len(got) == len(ref)
    assert_same(got[0], ref[0])
    for g, r in zip(got[1:], ref[1:]):
        assert_same(g, r.astype("int64"))


@fast
@given(st.data(), numeric)
def test_unique_axis(data, dtype):
    host, dev = data.draw(views(dtype, data.draw(shapes(1, 3, 0, 4)), small=True))
    host = onp.clip(host, 0, 2).astype(dtype)  # few values, so rows repeat
    dev = dnp.array(host)
    axis = _axis(data.draw, host.ndim, none=False)
    got, ref = dnp.unique(dev, True, True, True, axis=axis), onp.unique(host, True, True, True, axis=axis)
    assert_same(got[0], ref[0])
    for g, r in zip(got[1:], ref[1:]):
        assert_same(g, r.astype("int64"))


def test_unique_equal_nan_and_axis_error():
    x = onp.array([onp.nan, 1.0, onp.nan, 1.0])
    for eq in (True, False):
        got = dnp.unique(dnp.array(x), return_counts=True, equal_nan=eq)
        ref = onp.unique(x, return_counts=True, equal_nan=eq)
        assert_same(got[0], ref[0])
        assert_same(got[1], ref[1])
    raises(IndexError, dnp.unique, dnp.zeros((2, 2)), axis=2)


@fast
@given(st.data(), st.sampled_from(["bool", "uint8", "int32", "int64"]), st.booleans())
def test_bincount(data, dtype, weighted):
    n = data.draw(st.integers(0, 8))
    host = data.draw(views(dtype, (n,)))[0]
    host = onp.abs(host.astype("int64") % 7).astype(dtype)
    dev = dnp.array(host)[::-1][::-1]
    minlength = data.draw(st.integers(0, 9))
    w = data.draw(views("float64", (n,)))[0] if weighted else None
    got = dnp.bincount(dev, None if w is None else dnp.array(w), minlength)
    assert_same(got, onp.bincount(host, w, minlength))


def test_bincount_errors():
    raises(TypeError, dnp.bincount, dnp.array([1.0, 2.0]))
    raises(ValueError, dnp.bincount, dnp.array(onp.array([1, -1])), contains="negative")
    raises(ValueError, dnp.bincount, dnp.array(onp.array([1])), minlength=-1, contains="minlength")
    raises(ValueError, dnp.bincount, dnp.array(onp.array([1, 2])), weights=dnp.array([1.0]), contains="length")
    raises(ValueError, dnp.bincount, dnp.array(onp.array([[1]])))
    raises(ValueError, dnp.bincount, dnp.array(onp.array(1)))


@fast
@given(arrays_and_views())
def test_argwhere_flatnonzero(hd):
    host, dev = hd
    assert_same(dnp.argwhere(dev), onp.argwhere(host))
    assert_same(dnp.flatnonzero(dev), onp.flatnonzero(host))
    if host.ndim:  # NumPy 2 refuses nonzero of a 0-d array; deepblocks keeps NumPy 1's answer
        for g, r in zip(dnp.nonzero(dev), onp.nonzero(host)):
            assert_same(g, r)


# ---- take, take_along_axis --------------------------------------------------------------------------


@fast
@given(st.data(), st.sampled_from(DTYPES), st.sampled_from(["raise", "wrap", "clip"]))
def test_take_modes(data, dtype, mode):
    host, dev = data.draw(views(dtype, data.draw(small)))
    axis = _axis(data.draw, host.ndim)
    n = host.size if axis is None else host.shape[axis]
    idx = onp.array(data.draw(st.lists(st.integers(-2 * n - 2, 2 * n + 2), max_size=5)), dtype="int64")
    compare(lambda a: dnp.take(a, dnp.array(idx), axis=axis, mode=mode),
            lambda a: onp.take(a, idx, axis=axis, mode=mode), (dev,), (host,))


def test_take_errors():
    a = dnp.array([1.0, 2.0, 3.0])
    raises(IndexError, dnp.take, a, dnp.array(onp.array([3])), contains="out of bounds")
    raises(ValueError, dnp.take, a, dnp.array(onp.array([3])), mode="bad", contains="clipmode")
    raises(IndexError, dnp.take, dnp.zeros((0,)), dnp.array(onp.array([0])), mode="clip", contains="empty")


@fast
@given(st.data(), st.sampled_from(DTYPES))
def test_take_along_axis(data, dtype):
    host, dev = data.draw(views(dtype, data.draw(shapes(1, 3, 1, 4))))
    axis = _axis(data.draw, host.ndim)
    if axis is None:
        idx = onp.array(data.draw(st.lists(st.integers(-host.size, host.size - 1), max_size=6)), dtype="int64")
    else:
        ishape = list(host.shape)
        ishape[axis] = data.draw(st.integers(0, 4))
        ishape = [1 if d != axis and data.draw(st.booleans()) else s for d, s in enumerate(ishape)]
        n = host.shape[axis]
        idx = onp.array(data.draw(st.lists(st.integers(-n, n - 1), min_size=int(onp.prod(ishape)),
                                           max_size=int(onp.prod(ishape))))).reshape(ishape).astype("int64")
    assert_same(dnp.take_along_axis(dev, dnp.array(idx), axis), onp.take_along_axis(host, idx, axis))


def test_take_along_axis_errors():
    a = dnp.zeros((2, 2))
    raises(IndexError, dnp.take_along_axis, a, dnp.zeros((2, 2)), 0, contains="integer")
    raises(ValueError, dnp.take_along_axis, a, dnp.array(onp.zeros(2, "int64")), 0, contains="same number")
    raises(ValueError, dnp.take_along_axis, a, dnp.array(onp.zeros((2, 2), "int64")), None, contains="single")


# ---- quantiles, median, average -----------------------------------------------------------------------

METHODS = ["linear", "lower", "higher", "midpoint", "nearest", "inverted_cdf", "averaged_inverted_cdf",
           "closest_observation", "interpolated_inverted_cdf", "hazen", "weibull", "median_unbiased",
           "normal_unbiased"]
qs = st.sampled_from([0.5, 0, 1, 0.25, [0.0, 0.3, 1.0], onp.array([0.1, 0.9], "float32"), [[0.2], [0.7]]])


@settings(max_examples=60)
@given(st.data(), numeric, st.sampled_from(METHODS), qs, st.booleans())
def test_quantile_percentile(data, dtype, method, q, keepdims):
    host, dev = data.draw(views(dtype, data.draw(shapes(0, 3, 1, 4)), special=dtype == "float64"))
    axis = data.draw(st.sampled_from([None, 0, -1, (0, -1)] if host.ndim else [None]))
    compare(lambda a: dnp.quantile(a, q, axis=axis, method=method, keepdims=keepdims),
            lambda a: onp.quantile(a, q, axis=axis, method=method, keepdims=keepdims), (dev,), (host,))
    pq = [v * 100 for v in q] if isinstance(q, list) and onp.ndim(q) == 1 else onp.asarray(q) * 100 \
        if not isinstance(q, (int, float)) else q * 100
    compare(lambda a: dnp.percentile(a, pq, axis=axis, method=method, keepdims=keepdims),
            lambda a: onp.percentile(a, pq, axis=axis, method=method, keepdims=keepdims), (dev,), (host,))


def test_quantile_errors_and_mxnet_keyword():
    a = dnp.array(onp.array([1.0, 2.0, 3.0]))
    raises(ValueError, dnp.quantile, a, 1.5, contains="range [0, 1]")
    raises(ValueError, dnp.percentile, a, -1, contains="range [0, 100]")
    raises(ValueError, dnp.quantile, a, 0.5, method="bogus", contains="not a valid method")
    raises(IndexError, dnp.quantile, dnp.zeros((0,)), 0.5)
    # MXNet 1.9.1 spells method= as interpolation=
    assert_same(dnp.percentile(a, 40, interpolation="lower"), onp.asarray(onp.percentile([1.0, 2.0, 3.0], 40, method="lower")))


@fast
@given(st.data(), numeric, st.booleans())
def test_median(data, dtype, keepdims):
    host, dev = data.draw(views(dtype, data.draw(small), special=dtype == "float64"))
    axis = data.draw(st.sampled_from([None] + list(range(host.ndim)) + ([(0, host.ndim - 1)] if host.ndim > 1 else [])))
    compare(lambda a: dnp.median(a, axis=axis, keepdims=keepdims),
            lambda a: onp.median(a, axis=axis, keepdims=keepdims), (dev,), (host,))


@fast
@given(st.data(), numeric, st.booleans(), st.booleans())
def test_average(data, dtype, weighted, returned):
    host, dev = data.draw(views(dtype, data.draw(shapes(0, 3, 1, 4)), small=True))
    axis = _axis(data.draw, host.ndim)
    w = None
    if weighted:
        wshape = host.shape if axis is None or data.draw(st.booleans()) else (host.shape[axis],)
        w = onp.abs(data.draw(views(data.draw(numeric), wshape, small=True))[0]) + 1
    ref, err = numpy_result(lambda a: onp.average(a, axis, w, returned), host)
    if err is not None:
        raises(expected_exception(err), dnp.average, dev, axis, None if w is None else dnp.array(w), returned)
        return
    got = dnp.average(dev, axis, None if w is None else dnp.array(w), returned)
    for g, r in zip(got, ref) if returned else [(got, ref)]:
        assert_same(g, onp.asarray(r))


def test_average_errors():
    a = dnp.ones((2, 3))
    raises(TypeError, dnp.average, a, weights=dnp.ones(3), contains="Axis must be specified")
    raises(ValueError, dnp.average, a, axis=0, weights=dnp.ones(3), contains="consistent")
    raises(ZeroDivisionError, dnp.average, a, axis=1, weights=dnp.zeros(3))


# ---- histogram, interp --------------------------------------------------------------------------------


@fast
@given(st.data(), numeric, st.booleans(), st.booleans())
def test_histogram(data, dtype, weighted, density):
    host, dev = data.draw(views(dtype, data.draw(small), small=True))
    bins = data.draw(st.sampled_from([1, 3, 10, [-5, 0, 1, 7], [0.5, 2.5], "auto", "sturges"]))
    rng = data.draw(st.sampled_from([None, (-3, 4), (0.0, 0.0)]))
    w = data.draw(views("float64", host.shape))[0] if weighted else None
    if isinstance(bins, str) and weighted:
        w = None
    ref, err = numpy_result(lambda a: onp.histogram(a, bins, rng, density, w), host)
    if err is not None:
        raises(expected_exception(err), dnp.histogram, dev, bins, rng, density, None if w is None else dnp.array(w))
        return
    got = dnp.histogram(dev, bins, rng, density, None if w is None else dnp.array(w))
    assert_same(got[0], ref[0], rtol=1e-9, atol=1e-9)
    assert_same(got[1], ref[1])


def _histo(a, *args, **kw):
    return dnp.histogram(dnp.array(onp.asarray(a, "float64")), *args, **kw)


def test_histogram_errors():
    raises(ValueError, _histo, [1, 2], 0, contains="positive")
    raises(ValueError, _histo, [1, 2], [2, 1], contains="monotonically")
    raises(TypeError, _histo, [1, 2], 2.5, contains="integer")
    raises(ValueError, _histo, [1, 2], range=(2, 1), contains="max must be larger")
    raises(ValueError, _histo, [1, onp.nan], contains="not finite")
    raises(ValueError, _histo, [1, 2], weights=dnp.ones(3), contains="same shape")


@fast
@given(st.data(), st.sampled_from([None, (-1.0, 9.0)]), st.sampled_from([None, 3.0, -4.5]))
def test_interp(data, lr, period):
    n = data.draw(st.integers(1, 6))
    xp = onp.sort(onp.unique(data.draw(views("float64", (n,), small=True))[0]))
    fp = data.draw(views("float64", xp.shape, small=True))[0]
    host, dev = data.draw(views(data.draw(numeric), data.draw(small), small=True))
    left, right = lr or (None, None)
    compare(lambda x: dnp.interp(x, dnp.array(xp), dnp.array(fp), left, right, period),
            lambda x: onp.interp(x, xp, fp, left, right, period), (dev,), (host,), rtol=1e-12, atol=1e-12)


def test_interp_errors_and_nan():
    x = onp.array([onp.nan, -onp.inf, onp.inf, 1.0])
    assert_same(dnp.interp(dnp.array(x), dnp.array([0.0, 2.0]), dnp.array([1.0, 3.0])),
                onp.interp(x, [0.0, 2.0], [1.0, 3.0]))
    raises(ValueError, dnp.interp, dnp.array([1.0]), dnp.zeros((0,)), dnp.zeros((0,)), contains="empty")
    raises(ValueError, dnp.interp, dnp.array([1.0]), dnp.zeros((2,)), dnp.zeros((3,)), contains="same length")
    raises(ValueError, dnp.interp, dnp.array([1.0]), dnp.zeros((2,)), dnp.zeros((2,)), period=0, contains="period")


# ---- cumprod, diff, ediff1d ----------------------------------------------------------------------------


@fast
@given(st.data(), st.sampled_from(DTYPES))
def test_cumprod(data, dtype):
    host, dev = data.draw(views(dtype, data.draw(small), small=True))
    axis = _axis(data.draw, host.ndim)
    compare(lambda a: dnp.cumprod(a, axis=axis), lambda a: onp.cumprod(a, axis=axis), (dev,), (host,))
    compare(lambda a: a.cumprod(axis=axis), lambda a: a.cumprod(axis=axis), (dev,), (host,))


def test_cumprod_wraps_like_numpy():
    x = onp.full(70, 3, dtype="int64")
    assert_same(dnp.cumprod(dnp.array(x)), onp.cumprod(x))
    assert_same(dnp.cumprod(dnp.array([1, 2, 3]), dtype="float64"), onp.cumprod([1, 2, 3], dtype="float64"))


@fast
@given(st.data(), st.sampled_from(DTYPES), st.integers(0, 3))
def test_diff(data, dtype, n):
    host, dev = data.draw(views(dtype, data.draw(small), small=True))
    axis = _axis(data.draw, max(host.ndim, 1), none=False)
    kw = {}
    if data.draw(st.booleans()):
        kw["prepend"] = data.draw(st.sampled_from([0, 1.5, onp.arange(2, dtype=dtype)]))
    if data.draw(st.booleans()):
        kw["append"] = data.draw(st.sampled_from([2, onp.ones(1, dtype="int32")]))
    def dev_kw():
        return {k: (dnp.array(v) if isinstance(v, onp.ndarray) else v) for k, v in kw.items()}
    compare(lambda a: dnp.diff(a, n, axis, **dev_kw()), lambda a: onp.diff(a, n, axis, **kw), (dev,), (host,))


@fast
@given(arrays_and_views(dtypes=st.sampled_from(DTYPES), small=True),
       st.sampled_from([None, 0, [1, 2], 2.5]), st.sampled_from([None, -1, [7]]))
def test_ediff1d(hd, to_end, to_begin):
    host, dev = hd
    compare(lambda a: dnp.ediff1d(a, to_end, to_begin), lambda a: onp.ediff1d(a, to_end, to_begin), (dev,), (host,))


def test_diff_errors():
    raises(ValueError, dnp.diff, dnp.array(1.0), contains="at least one dimensional")
    raises(ValueError, dnp.diff, dnp.ones(3), -1, contains="non-negative")
    raises(IndexError, dnp.diff, dnp.ones(3), 1, 1)


# ---- isclose, allclose, array_equal --------------------------------------------------------------------


@fast
@given(st.data(), numeric, numeric, st.booleans())
def test_isclose_allclose(data, d1, d2, equal_nan):
    s1, s2 = data.draw(st.sampled_from([((3,), (3,)), ((2, 3), (3,)), ((), (2,)), ((0,), (1,))]))
    h1, v1 = data.draw(views(d1, s1, special=d1 == "float64"))
    h2, v2 = data.draw(views(d2, s2, special=d2 == "float64"))
    if data.draw(st.booleans()):
        h2, v2 = h1 * (1 + 1e-7), v1 * (1 + 1e-7)  # close but not equal
    rtol, atol = data.draw(st.sampled_from([(1e-5, 1e-8), (0.0, 0.0), (1e-3, 1.0)]))
    assert_same(dnp.isclose(v1, v2, rtol, atol, equal_nan), onp.isclose(h1, h2, rtol, atol, equal_nan))
    assert dnp.allclose(v1, v2, rtol, atol, equal_nan) is onp.allclose(h1, h2, rtol, atol, equal_nan)
    assert dnp.array_equal(v1, v2, equal_nan=equal_nan) is onp.array_equal(h1, h2, equal_nan=equal_nan)
    assert dnp.array_equal(v1, v1, equal_nan=equal_nan) is onp.array_equal(h1, h1, equal_nan=equal_nan)


def test_isclose_scalars():
    assert_same(dnp.isclose(1, 1.0 + 1e-9), onp.asarray(onp.isclose(1, 1.0 + 1e-9)))
    assert_same(dnp.isclose(dnp.array([1, 2], dtype="int32"), 2), onp.isclose(onp.array([1, 2], "int32"), 2))

"""Differential tests of deepblocks.np's signal helpers against NumPy, with gradient checks."""

import warnings

import numpy as onp
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import assert_same, shapes, views
from deepblocks import np as dnp
from test_autograd_grads import check_grad

FDT = st.sampled_from(["float32", "float64"])
DT = st.sampled_from(["float32", "float64", "int32", "int64"])
S = settings(max_examples=25, deadline=None)


@S
@given(st.data(), DT, st.integers(1, 6), st.integers(1, 6), st.sampled_from(["full", "same", "valid"]))
def test_convolve_correlate(data, dt, n, m, mode):
    ha, da = data.draw(views(dt, (n,), small=True))
    hv, dv = data.draw(views(dt, (m,), small=True))
    assert_same(dnp.convolve(da, dv, mode), onp.convolve(ha, hv, mode), atol=1e-4)
    assert_same(dnp.correlate(da, dv, mode), onp.correlate(ha, hv, mode), atol=1e-4)


def test_convolve_empty():
    with pytest.raises(ValueError):
        dnp.convolve(dnp.zeros((0,)), dnp.ones((2,)))


@S
@given(st.data(), DT, st.integers(1, 3), st.integers(2, 5), st.booleans(), st.booleans())
def test_cov_corrcoef(data, dt, r, c, rowvar, bias):
    h, d = data.draw(views(dt, (r, c), small=True))
    assert_same(dnp.cov(d, rowvar=rowvar, bias=bias), onp.cov(h, rowvar=rowvar, bias=bias), rtol=1e-4, atol=1e-5)
    assert_same(dnp.cov(d, d * 2, ddof=0), onp.cov(h, h * 2, ddof=0), rtol=1e-4, atol=1e-5)
    assert_same(dnp.corrcoef(d, rowvar=rowvar), onp.corrcoef(h, rowvar=rowvar), rtol=1e-4, atol=1e-5)


@S
@given(st.data(), st.sampled_from(["float32", "float64", "int64"]), shapes(0, 2, min_side=1), st.sampled_from([(3, 3), (3, 2), (2, 3), (2, 2)]))
def test_cross(data, dt, batch, dims):
    ha, da = data.draw(views(dt, batch + (dims[0],), small=True))
    hb, db = data.draw(views(dt, batch + (dims[1],), small=True))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        ref = onp.cross(ha, hb)
        ref0 = onp.cross(ha, hb, axisc=0) if 3 in dims and batch else None
    assert_same(dnp.cross(da, db), ref, atol=1e-4)
    if ref0 is not None:
        assert_same(dnp.cross(da, db, axisc=0), ref0, atol=1e-4)


def test_cross_error():
    with pytest.raises(ValueError):
        dnp.cross(dnp.ones((4,)), dnp.ones((3,)))


@S
@given(st.data(), DT, shapes(1, 3, min_side=1))
def test_trapezoid_gradient(data, dt, shape):
    h, d = data.draw(views(dt, shape, small=True))
    ax = data.draw(st.integers(-h.ndim, h.ndim - 1))
    assert_same(dnp.trapezoid(d, axis=ax), onp.trapezoid(h, axis=ax), atol=1e-4)
    assert_same(dnp.trapezoid(d, dx=0.5, axis=ax), onp.trapezoid(h, dx=0.5, axis=ax), atol=1e-4)
    x = onp.cumsum(onp.arange(1, h.shape[ax] + 1)).astype("float64")
    assert_same(dnp.trapezoid(d, x=dnp.array(x), axis=ax), onp.trapezoid(h, x=x, axis=ax), atol=1e-4)
    if h.shape[ax] >= 2:
        assert_same(dnp.gradient(d, 2.0, axis=ax), onp.gradient(h, 2.0, axis=ax), atol=1e-4)
        if min(h.shape) >= 2:
            for got, ref in zip(dnp.gradient(d), onp.gradient(h)):
                assert_same(got, ref, atol=1e-4)
    else:
        with pytest.raises(ValueError):
            dnp.gradient(d, axis=ax)


@S
@given(st.data(), DT, st.integers(0, 4), st.one_of(st.none(), st.integers(0, 4)), st.booleans())
def test_vander_sinc(data, dt, n, N, inc):
    h, d = data.draw(views(dt, (n,), small=True))
    assert_same(dnp.vander(d, N, increasing=inc), onp.vander(h, N, increasing=inc), rtol=1e-5)
    assert_same(dnp.sinc(d), onp.sinc(h), atol=1e-6)


@S
@given(st.data(), FDT, shapes(1, 2, min_side=1))
def test_unwrap(data, dt, shape):
    h, d = data.draw(views(dt, shape, small=True))
    assert_same(dnp.unwrap(d), onp.unwrap(h), rtol=1e-4, atol=1e-4)
    assert_same(dnp.unwrap(d, axis=0, period=4.0), onp.unwrap(h, axis=0, period=4.0), rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("M", [0, 1, 2, 5, 8])
def test_windows(M):
    assert_same(dnp.bartlett(M), onp.bartlett(M).astype("float32"))
    assert_same(dnp.kaiser(M, 5.0, dtype="float64"), onp.kaiser(M, 5.0))
    assert dnp.kaiser(M, 2.0).dtype == onp.float32


def test_grads():
    rng = onp.random.default_rng(1)
    a, v, m = rng.standard_normal(5), rng.standard_normal(3), rng.standard_normal((2, 5))
    check_grad(lambda x, y: dnp.convolve(x, y), a, v)
    check_grad(lambda x, y: dnp.correlate(x, y, "same"), a, v)
    check_grad(lambda x: dnp.cov(x), m)
    check_grad(lambda x: dnp.corrcoef(x), m, atol=1e-5)
    check_grad(lambda x, y: dnp.cross(x, y), rng.standard_normal((2, 3)), rng.standard_normal((2, 3)))
    check_grad(lambda x: dnp.trapezoid(x, dx=0.3, axis=0), m)
    check_grad(lambda x: dnp.gradient(x, 0.5, axis=1), m)
    check_grad(lambda x: dnp.sinc(x), a)
    check_grad(lambda x: dnp.vander(x, 4), a)

"""The small NumPy functions MXNet 1.9.1's ``np`` exports besides the big families:
float pieces and sign tests (``signbit``, ``isposinf``, ``isneginf``, ``heaviside``,
``float_power``, ``ldexp``, ``frexp``, ``modf``, ``divmod``, ``spacing``), window functions,
index helpers (``unravel_index``, ``diag_indices_from``, ``resize``), ``polyval``, the
NumPy 1.x aliases and constants: values against NumPy over every dtype, 0-d, empty and
strided/negative-step views (special floats included), and gradients against central
differences."""

import numpy as onp
import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import FLOAT_DTYPES, NUMERIC_DTYPES, raises, shapes, views
from deepblocks import np
from test_autograd_grads import check_grad


def same(out, expected, exact=True):
    out = out.asnumpy() if hasattr(out, "asnumpy") else onp.asarray(out)
    expected = onp.asarray(expected)
    assert out.shape == expected.shape, (out.shape, expected.shape)
    assert out.dtype == expected.dtype, (out.dtype, expected.dtype)
    if exact:
        onp.testing.assert_array_equal(out, expected)
        if out.dtype.kind == "f":  # signed zeros too
            assert (onp.signbit(out) == onp.signbit(expected))[~onp.isnan(expected)].all()
    else:
        onp.testing.assert_allclose(out, expected, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("name", ["isposinf", "isneginf", "frexp", "modf", "spacing"])
@given(data=st.data(), dtype=st.sampled_from(FLOAT_DTYPES))
def test_float_functions_match_numpy(name, data, dtype):
    host, dev = data.draw(views(dtype, data.draw(shapes(max_dims=3)), special=True))
    out, expected = getattr(np, name)(dev), getattr(onp, name)(host)
    if isinstance(expected, tuple):
        assert len(out) == len(expected)
        for o, e in zip(out, expected):
            same(o, e)
    else:
        same(out, expected)


@given(data=st.data(), dtype=st.sampled_from(NUMERIC_DTYPES))
def test_signbit_matches_numpy(data, dtype):
    host, dev = data.draw(views(dtype, data.draw(shapes(max_dims=3)), special=True))
    same(np.signbit(dev), onp.signbit(host))


@given(data=st.data(), dtype=st.sampled_from(FLOAT_DTYPES), h=st.sampled_from([0.0, 0.5, 1.0, onp.nan]))
def test_heaviside_matches_numpy(data, dtype, h):
    host, dev = data.draw(views(dtype, data.draw(shapes(max_dims=3)), special=True))
    same(np.heaviside(dev, h), onp.heaviside(host, onp.array(h, dtype)))


@given(data=st.data(), dtype=st.sampled_from(NUMERIC_DTYPES))
def test_divmod_matches_numpy(data, dtype):
    shape = data.draw(shapes(max_dims=3))
    host, dev = data.draw(views(dtype, shape, small=True))
    d = 3 if dtype != "uint8" else 7
    q, r = np.divmod(dev, d)
    eq, er = onp.divmod(host, onp.array(d, dtype))
    same(q, eq)
    same(r, er)


@given(data=st.data(), dtype=st.sampled_from(["int32", "int64", "float32", "float64"]))
def test_float_power_matches_numpy(data, dtype):
    host, dev = data.draw(views(dtype, data.draw(shapes(max_dims=3)), small=True))
    out = np.float_power(dev, 2)
    assert out.dtype == onp.float64
    same(out, onp.float_power(host, 2.0), exact=False)


@given(data=st.data(), dtype=st.sampled_from(FLOAT_DTYPES), e=st.integers(-5, 5))
def test_ldexp_matches_numpy(data, dtype, e):
    host, dev = data.draw(views(dtype, data.draw(shapes(max_dims=3))))
    same(np.ldexp(dev, np.array(e, dtype="int32")), onp.ldexp(host, onp.int32(e)))


def test_ldexp_takes_float_exponents_as_mxnet():
    # MXNet 1.9.1: np.ldexp(np.array([1., 2]), np.array([2, 3])) -> array([ 4., 16.])
    assert np.ldexp(np.array([1.0, 2.0]), np.array([2, 3])).tolist() == [4.0, 16.0]


@pytest.mark.parametrize("name", ["hanning", "hamming", "blackman"])
@pytest.mark.parametrize("M", [-1, 0, 1, 2, 5, 16])
def test_windows_match_numpy(name, M):
    out = getattr(np, name)(M)
    assert out.dtype == onp.float32  # MXNet's default
    expected = getattr(onp, name)(M).astype(onp.float32)
    onp.testing.assert_allclose(out.asnumpy(), expected, atol=1e-7)
    assert getattr(np, name)(M, dtype="float64").dtype == onp.float64


def test_windows_refuse_arrays():
    raises(TypeError, np.hanning, np.array([3]), contains=("integer",))


@given(shape=shapes(min_dims=1, max_dims=3, min_side=1), data=st.data(), order=st.sampled_from(["C", "F"]))
def test_unravel_index_matches_numpy(shape, data, order):
    size = int(onp.prod(shape))
    flat = onp.array(data.draw(st.lists(st.integers(0, size - 1), max_size=6)), dtype=onp.int64)
    out = np.unravel_index(np.array(flat), shape, order=order)
    expected = onp.unravel_index(flat, shape, order=order)
    for o, e in zip(out, expected):
        same(o, e)
    i = data.draw(st.integers(0, size - 1))
    assert tuple(np.unravel_index(i, shape, order=order)) == tuple(int(v) for v in onp.unravel_index(i, shape, order=order))


def test_unravel_index_errors():
    raises(ValueError, np.unravel_index, np.array([12], dtype="int64"), (3, 4), contains=("out of bounds",))
    raises(ValueError, np.unravel_index, -1, (3, 4), contains=("out of bounds",))
    raises(TypeError, np.unravel_index, np.array([1.0]), (3, 4), contains=("int",))


def test_diag_indices_from():
    a = onp.arange(27.0).reshape(3, 3, 3)
    out = np.diag_indices_from(np.array(a))
    expected = onp.diag_indices_from(a)
    for o, e in zip(out, expected):
        same(o, e)
    raises(ValueError, np.diag_indices_from, np.ones((2, 3)), contains=("equal length",))
    raises(ValueError, np.diag_indices_from, np.ones(3), contains=("2-d",))


@given(data=st.data(), dtype=st.sampled_from(NUMERIC_DTYPES), new=shapes(max_dims=3))
def test_resize_matches_numpy(data, dtype, new):
    host, dev = data.draw(views(dtype, data.draw(shapes(max_dims=3))))
    out, expected = np.resize(dev, new), onp.resize(host, new)
    same(out, expected)


@given(data=st.data(), n=st.integers(1, 5))
def test_polyval_matches_numpy(data, n):
    p = onp.array(data.draw(st.lists(st.floats(-3, 3), min_size=n, max_size=n)), dtype=onp.float64)
    host, dev = data.draw(views("float64", data.draw(shapes(max_dims=2)), small=True))
    onp.testing.assert_allclose(np.polyval(np.array(p), dev).asnumpy(), onp.polyval(p, host), rtol=1e-9, atol=1e-9)


def test_gradients():
    check_grad(lambda x: np.modf(x)[0], onp.array([0.3, -1.7, 2.2]))
    check_grad(lambda x: np.ldexp(x, np.array([1, -2, 3], dtype="int32")), onp.array([0.3, -1.7, 2.2]))
    check_grad(lambda x: np.float_power(x, 3), onp.array([0.3, -1.7, 2.2]))
    check_grad(lambda p, x: np.polyval(p, x), onp.array([1.5, -2.0, 0.5]), onp.array([0.3, -1.7, 2.2]))
    check_grad(lambda x: np.resize(x, (2, 5)), onp.array([0.3, -1.7, 2.2]))


def test_aliases_and_constants():
    x = np.array([[1.0, 2.0], [3.0, 4.0]])
    assert float(np.product(x)) == 24.0
    same(np.product(x, axis=0), onp.array([3.0, 8.0], onp.float32))
    assert bool(np.sometrue(np.array([0, 0, 1])))
    same(np.round_(np.array([1.26, -0.35]), 1), onp.round(onp.array([1.26, -0.35], onp.float32), 1))
    assert onp.isnan(np.NAN) and onp.isnan(np.NaN)
    assert np.NINF == -onp.inf and np.PINF == onp.inf
    assert np.PZERO == 0 and onp.signbit(np.NZERO) and not onp.signbit(np.PZERO)


def test_set_printoptions():
    old = onp.get_printoptions()
    try:
        np.set_printoptions(precision=3)
        assert repr(np.array([1 / 3])) == "array([0.333])"
        raises(NotImplementedError, np.set_printoptions, linewidth=10)
    finally:
        onp.set_printoptions(**old)

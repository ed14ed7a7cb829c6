"""Reductions against NumPy: sum, prod, mean, var, std, max, min, argmax, argmin, all, any,
cumsum (functions and methods) over axis None / int / negative / tuple, keepdims, dtype=,
every dtype and view kind, empty axes; and ``linalg.norm``.

Deliberate deviation: no uint64 in deepblocks, so sums, products and cumulative sums of
uint8 give int64 (NumPy: uint64), as those of bool and the signed integers do.
"""

import numpy as onp
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from conftest import assert_same, compare, dtypes, float_dtypes, numeric_dtypes, raises, shapes, views
from deepblocks import np as dnp


@st.composite
def axes(draw, ndim, allow_tuple=True, allow_bad=True):
    """None, an int (negative too), a tuple of distinct axes, and now and then a bad axis."""
    options = [st.none()]
    if ndim:
        options.append(st.integers(-ndim, ndim - 1))
        if allow_tuple:
            options.append(st.lists(st.integers(-ndim, ndim - 1), unique_by=lambda a: a % ndim, max_size=ndim).map(tuple))
    if allow_bad:
        # Deliberate deviation: NumPy's ufunc reductions (sum, max, argmax, cumsum, ... but
        # not mean or var) accept axis 0 and -1 on 0-d arrays; deepblocks refuses every axis of
        # a 0-d array, consistently (see test_zero_d_arrays_have_no_axes).
        options.append(st.sampled_from([ndim, -ndim - 1] if ndim else [1, -2]))
        if allow_tuple and ndim:
            options.append(st.just((0, -ndim)))  # repeated axis
    return draw(st.one_of(options))


def magnitude_atol(host, dtype, axis=None):
    """An absolute tolerance scaled to the summed magnitudes (float32 sums are ordered
    differently from NumPy's pairwise summation)."""
    if onp.dtype(dtype).kind != "f" and host.dtype.kind != "f":
        return 0.0
    scale = float(onp.sum(onp.abs(host.astype("float64")))) if host.size else 0.0
    eps = 1e-6 if onp.float32 in (host.dtype.type, onp.dtype(dtype).type) else 1e-13
    return eps * (1.0 + scale)


SUM_LIKE = ["sum", "prod", "mean", "max", "min", "all", "any", "var", "std"]


@pytest.mark.parametrize("name", SUM_LIKE)
@given(data=st.data())
def test_reduction_matches_numpy(name, data):
    dtype = data.draw(dtypes)
    shape = data.draw(shapes(max_dims=4))
    host, dev = data.draw(views(dtype, shape, small=name == "prod"))
    axis = data.draw(axes(len(shape)))
    keepdims = data.draw(st.booleans())
    atol = magnitude_atol(host, dtype) * (1e3 if name in ("var", "std", "prod") else 1)
    fd = getattr(dnp, name)
    fh = getattr(onp, name)
    compare(lambda x: fd(x, axis=axis, keepdims=keepdims), lambda x: fh(x, axis=axis, keepdims=keepdims),
            (dev,), (host,), atol=atol, rtol=1e-5 if dtype != "float64" else 1e-12)
    # The method form gives the same.
    compare(lambda x: getattr(x, name)(axis=axis, keepdims=keepdims), lambda x: fh(x, axis=axis, keepdims=keepdims),
            (dev,), (host,), atol=atol, rtol=1e-5 if dtype != "float64" else 1e-12)


@pytest.mark.parametrize("name", ["sum", "max", "min", "mean", "argmax", "argmin", "prod", "all", "any"])
@given(data=st.data())
def test_reduction_special_floats(name, data):
    """NaN propagates (max, min, sum), the first NaN wins argmax/argmin, ±inf and ±0 as NumPy."""
    dtype = data.draw(float_dtypes)
    shape = data.draw(shapes(min_dims=1, max_dims=3, min_side=1))
    host, dev = data.draw(views(dtype, shape, special=True))
    axis = data.draw(st.none() | st.integers(-len(shape), len(shape) - 1))
    if name == "prod":
        # A product that overflows depends on the order of the factors (inf * 0 is NaN, 0 * inf
        # after underflow is 0), and NumPy and deepblocks may order them differently.
        magnitudes = onp.abs(host.astype(onp.float64))
        assume(onp.prod(magnitudes[magnitudes > 1]) < onp.finfo(dtype).max)
    compare(lambda x: getattr(dnp, name)(x, axis=axis), lambda x: getattr(onp, name)(x, axis=axis),
            (dev,), (host,), atol=0, rtol=1e-5)


@pytest.mark.parametrize("name", ["argmax", "argmin"])
@given(data=st.data())
def test_arg_reductions(name, data):
    dtype = data.draw(dtypes)
    shape = data.draw(shapes(max_dims=4))
    host, dev = data.draw(views(dtype, shape, small=True))  # small values: plenty of ties
    axis = data.draw(axes(len(shape), allow_tuple=False))
    keepdims = data.draw(st.booleans())
    compare(lambda x: getattr(dnp, name)(x, axis=axis, keepdims=keepdims),
            lambda x: getattr(onp, name)(x, axis=axis, keepdims=keepdims), (dev,), (host,))
    compare(lambda x: getattr(x, name)(axis), lambda x: getattr(x, name)(axis), (dev,), (host,))


@given(data=st.data())
def test_cumsum(data):
    dtype = data.draw(dtypes)
    shape = data.draw(shapes(max_dims=3))
    host, dev = data.draw(views(dtype, shape))
    axis = data.draw(axes(len(shape), allow_tuple=False))
    out_dtype = data.draw(st.none() | st.sampled_from(["float64", "int64", "float32"]))
    atol = magnitude_atol(host, out_dtype or dtype)
    compare(lambda x: dnp.cumsum(x, axis=axis, dtype=out_dtype), lambda x: onp.cumsum(x, axis=axis, dtype=out_dtype),
            (dev,), (host,), atol=atol)
    compare(lambda x: x.cumsum(axis), lambda x: x.cumsum(axis), (dev,), (host,), atol=atol)


@pytest.mark.parametrize("name", ["sum", "prod", "mean"])
@given(data=st.data())
def test_dtype_argument(name, data):
    dtype = data.draw(numeric_dtypes)
    shape = data.draw(shapes(max_dims=3))
    host, dev = data.draw(views(dtype, shape, small=True))
    out = data.draw(st.sampled_from(["float32", "float64", "int64", "int32"]))
    if name == "mean":
        assume(out.startswith("float"))
    axis = data.draw(axes(len(shape), allow_bad=False))
    atol = magnitude_atol(host, out) * (1e3 if name == "prod" else 1)
    compare(lambda x: getattr(dnp, name)(x, axis=axis, dtype=out), lambda x: getattr(onp, name)(x, axis=axis, dtype=out),
            (dev,), (host,), atol=atol, rtol=1e-5)


@pytest.mark.parametrize("ddof", [0, 1, 2])
@given(data=st.data())
def test_var_std_ddof(ddof, data):
    dtype = data.draw(numeric_dtypes)
    shape = data.draw(shapes(min_dims=1, max_dims=3))
    host, dev = data.draw(views(dtype, shape))
    axis = data.draw(axes(len(shape), allow_bad=False))
    atol = magnitude_atol(host, dtype) * 1e3
    for name in ("var", "std"):
        compare(lambda x: getattr(dnp, name)(x, axis=axis, ddof=ddof), lambda x: getattr(onp, name)(x, axis=axis, ddof=ddof),
                (dev,), (host,), atol=atol, rtol=1e-4)


def test_output_dtypes():
    """NumPy's result dtypes: integer sums widen to int64, means of integers are float64."""
    for dtype in ["bool", "uint8", "int32", "int64", "float32", "float64"]:
        h = onp.ones((2, 3), dtype)
        d = dnp.array(h)
        assert d.sum().dtype == (onp.dtype("int64") if dtype == "uint8" else onp.sum(h).dtype)
        assert d.cumsum().dtype == (onp.dtype("int64") if dtype == "uint8" else onp.cumsum(h).dtype)
        assert d.mean().dtype == onp.mean(h).dtype
        assert d.var().dtype == onp.var(h).dtype
        assert d.max().dtype == onp.max(h).dtype
        assert d.argmax().dtype == onp.argmax(h).dtype
        assert d.all().dtype == onp.bool_


def test_empty_reductions():
    e = dnp.zeros((0, 3))
    assert_same(e.sum(axis=0), onp.zeros((0, 3), "float32").sum(axis=0))
    assert_same(e.max(axis=1), onp.zeros((0, 3), "float32").max(axis=1))
    assert_same(e.all(), onp.array(True))
    assert_same(e.any(), onp.array(False))
    assert_same(e.prod(), onp.array(1.0, "float32"))
    raises(ValueError, e.max, contains="zero-size")
    raises(ValueError, dnp.min, e, axis=0, contains="(0, 3)")
    raises(ValueError, e.argmax, contains="empty")
    raises(ValueError, dnp.argmin, dnp.zeros((0,)))
    with onp.errstate(all="ignore"):
        assert_same(e.mean(), onp.array(onp.nan, "float32"))


def test_zero_d_arrays_have_no_axes():
    x = dnp.array(5.0)
    for f in [x.sum, x.max, x.argmax, x.cumsum, x.mean, x.var, x.all]:
        raises(IndexError, f, axis=0, contains="dimension 0")
    assert_same(x.sum(), onp.sum(onp.float32(5.0)))
    assert_same(x.sum(axis=()), onp.sum(onp.float32(5.0), axis=()))
    assert_same(x.cumsum(), onp.cumsum(onp.float32(5.0)))
    assert_same(x.argmax(), onp.argmax(onp.float32(5.0)))


def test_bad_axes():
    x = dnp.ones((2, 3))
    raises(IndexError, x.sum, axis=2, contains="2")
    raises(IndexError, x.max, axis=-3)
    raises(ValueError, x.sum, axis=(0, 0))
    raises(TypeError, x.sum, axis=1.5)
    raises(TypeError, x.argmax, axis=(0, 1))
    raises(TypeError, x.sum, axis="0")
    raises(TypeError, x.sum, out=x)


# ---- linalg.norm ------------------------------------------------------------------------------


@given(data=st.data())
def test_vector_norms(data):
    dtype = data.draw(numeric_dtypes)
    n = data.draw(st.integers(0, 8))
    host, dev = data.draw(views(dtype, (n,), small=True))
    ord_ = data.draw(st.sampled_from([None, 1, 2, 3, onp.inf, -onp.inf, 0, 0.5]))
    keepdims = data.draw(st.booleans())
    if n == 0 and ord_ in (onp.inf, -onp.inf):
        raises(ValueError, dnp.linalg.norm, dev, ord_)
        return
    compare(lambda x: dnp.linalg.norm(x, ord_, keepdims=keepdims), lambda x: onp.linalg.norm(x, ord_, keepdims=keepdims),
            (dev,), (host,), rtol=1e-5 if dtype == "float32" else 1e-10, atol=1e-6)


@given(data=st.data())
def test_matrix_and_axis_norms(data):
    dtype = data.draw(numeric_dtypes)
    shape = data.draw(shapes(min_dims=2, max_dims=3, min_side=1))
    host, dev = data.draw(views(dtype, shape, small=True))
    nd = len(shape)
    pair = data.draw(st.permutations(range(nd)).map(lambda p: (p[0], p[1] - nd if p[1] else p[1])))
    ord_ = data.draw(st.sampled_from([None, "fro", 1, -1, onp.inf, -onp.inf]))
    keepdims = data.draw(st.booleans())
    tol = dict(rtol=1e-5 if dtype == "float32" else 1e-10, atol=1e-6)
    compare(lambda x: dnp.linalg.norm(x, ord_, axis=pair, keepdims=keepdims),
            lambda x: onp.linalg.norm(x, ord_, axis=pair, keepdims=keepdims), (dev,), (host,), **tol)
    axis = data.draw(st.integers(-nd, nd - 1))
    vord = data.draw(st.sampled_from([None, 1, 2, onp.inf]))
    compare(lambda x: dnp.linalg.norm(x, vord, axis=axis, keepdims=keepdims),
            lambda x: onp.linalg.norm(x, vord, axis=axis, keepdims=keepdims), (dev,), (host,), **tol)
    if nd == 2:
        compare(lambda x: dnp.linalg.norm(x, ord_), lambda x: onp.linalg.norm(x, ord_), (dev,), (host,), **tol)


def test_norm_errors():
    m = dnp.ones((2, 2))
    raises(ValueError, dnp.linalg.norm, m, "nuc", axis=0)
    raises(ValueError, dnp.linalg.norm, dnp.ones((2, 2, 2)), 1)
    raises(ValueError, dnp.linalg.norm, m, 3, axis=(0, 1))
    raises(ValueError, dnp.linalg.norm, dnp.ones(3), "fro")

"""Reductions on a GPU against NumPy: ``sum prod mean var std max min all any argmax argmin
cumsum`` (functions and methods), ``axis`` None / int / negative / tuple, ``keepdims``,
``dtype=``, ``ddof``, every dtype and view kind, empty axes, NaN and infinities, arrays
long enough to need several blocks, and ``linalg.norm``. The deviations from NumPy are those
of tests/test_reduce.py (no uint64: sums of uint8 are int64)."""

import numpy as onp
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from conftest import dtypes, float_dtypes, numeric_dtypes, raises, shapes, views
from deepblocks import np as dnp
from test_reduce import SUM_LIKE, axes, magnitude_atol

from .conftest import check, compare_on, few, on_device

small_shapes = shapes(max_dims=3, max_side=4)


def draw(data, device, dtype, shape, **kw):
    return data.draw(on_device(device, views(dtype, shape, **kw)))


@pytest.mark.parametrize("name", SUM_LIKE)
@few(10)
@given(data=st.data())
def test_reduction(device, name, data):
    dtype = data.draw(dtypes)
    shape = data.draw(small_shapes)
    host, dev = draw(data, device, dtype, shape, small=name == "prod")
    axis = data.draw(axes(len(shape)))
    keepdims = data.draw(st.booleans())
    atol = magnitude_atol(host, dtype) * (1e3 if name in ("var", "std", "prod") else 1)
    rtol = 1e-5 if dtype != "float64" else 1e-12
    fh = getattr(onp, name)
    compare_on(device, lambda x: getattr(dnp, name)(x, axis=axis, keepdims=keepdims),
               lambda x: fh(x, axis=axis, keepdims=keepdims), (dev,), (host,), atol=atol, rtol=rtol)
    compare_on(device, lambda x: getattr(x, name)(axis=axis, keepdims=keepdims),
               lambda x: fh(x, axis=axis, keepdims=keepdims), (dev,), (host,), atol=atol, rtol=rtol)


@pytest.mark.parametrize("name", ["sum", "max", "min", "mean", "argmax", "argmin", "prod", "all", "any"])
@few(6)
@given(data=st.data())
def test_reduction_special_floats(device, name, data):
    """NaN propagates, the first NaN wins argmax/argmin, ±inf and ±0 as in NumPy."""
    dtype = data.draw(float_dtypes)
    shape = data.draw(shapes(min_dims=1, max_dims=3, min_side=1, max_side=4))
    host, dev = draw(data, device, dtype, shape, special=True)
    axis = data.draw(st.none() | st.integers(-len(shape), len(shape) - 1))
    if name == "prod":
        magnitudes = onp.abs(host.astype(onp.float64))
        assume(onp.prod(magnitudes[magnitudes > 1]) < onp.finfo(dtype).max)  # order-dependent overflow
    compare_on(device, lambda x: getattr(dnp, name)(x, axis=axis), lambda x: getattr(onp, name)(x, axis=axis),
               (dev,), (host,), atol=0, rtol=1e-5)


@pytest.mark.parametrize("name", ["argmax", "argmin"])
@few(10)
@given(data=st.data())
def test_arg_reductions(device, name, data):
    """Ties (small values give plenty) resolve to the first index, as in NumPy."""
    shape = data.draw(small_shapes)
    host, dev = draw(data, device, data.draw(dtypes), shape, small=True)
    axis = data.draw(axes(len(shape), allow_tuple=False))
    keepdims = data.draw(st.booleans())
    compare_on(device, lambda x: getattr(dnp, name)(x, axis=axis, keepdims=keepdims),
               lambda x: getattr(onp, name)(x, axis=axis, keepdims=keepdims), (dev,), (host,))


@few(10)
@given(data=st.data())
def test_cumsum(device, data):
    dtype = data.draw(dtypes)
    shape = data.draw(small_shapes)
    host, dev = draw(data, device, dtype, shape)
    axis = data.draw(axes(len(shape), allow_tuple=False))
    out_dtype = data.draw(st.none() | st.sampled_from(["float64", "int64", "float32"]))
    atol = magnitude_atol(host, out_dtype or dtype)
    compare_on(device, lambda x: dnp.cumsum(x, axis=axis, dtype=out_dtype),
               lambda x: onp.cumsum(x, axis=axis, dtype=out_dtype), (dev,), (host,), atol=atol)
    compare_on(device, lambda x: x.cumsum(axis), lambda x: x.cumsum(axis), (dev,), (host,), atol=atol)


@pytest.mark.parametrize("name", ["sum", "prod", "mean"])
@few(6)
@given(data=st.data())
def test_dtype_argument(device, name, data):
    dtype = data.draw(numeric_dtypes)
    shape = data.draw(small_shapes)
    host, dev = draw(data, device, dtype, shape, small=True)
    out = data.draw(st.sampled_from(["float32", "float64", "int64", "int32"]))
    if name == "mean":
        assume(out.startswith("float"))
    axis = data.draw(axes(len(shape), allow_bad=False))
    atol = magnitude_atol(host, out) * (1e3 if name == "prod" else 1)
    compare_on(device, lambda x: getattr(dnp, name)(x, axis=axis, dtype=out),
               lambda x: getattr(onp, name)(x, axis=axis, dtype=out), (dev,), (host,), atol=atol, rtol=1e-5)


@few(8)
@given(data=st.data(), ddof=st.sampled_from([0, 1, 2]))
def test_var_std_ddof(device, data, ddof):
    dtype = data.draw(numeric_dtypes)
    shape = data.draw(shapes(min_dims=1, max_dims=3, max_side=4))
    host, dev = draw(data, device, dtype, shape)
    axis = data.draw(axes(len(shape), allow_bad=False))
    atol = magnitude_atol(host, dtype) * 1e3
    for name in ("var", "std"):
        compare_on(device, lambda x: getattr(dnp, name)(x, axis=axis, ddof=ddof),
                   lambda x: getattr(onp, name)(x, axis=axis, ddof=ddof), (dev,), (host,), atol=atol, rtol=1e-4)


LONG_OPS = {"float32": ("sum", "argmax", "var"), "float64": ("mean", "min"), "int32": ("sum", "argmin"),
            "bool": ("any",)}


@pytest.mark.parametrize("dtype", sorted(LONG_OPS))
def test_long_reductions_span_many_blocks(device, dtype):
    """Reductions long enough for several blocks and many elements per thread, along every
    axis, of a contiguous array and of a transposed strided negative-step view."""
    rng = onp.random.default_rng(7)
    host = rng.uniform(-1, 1, (37, 531)) if dtype.startswith("float") else rng.integers(0, 3, (37, 531))
    host = host.astype(dtype)
    dev = dnp.array(host, ctx=device)
    for h, d in [(host, dev), (host.T[::3, ::-2], dev.T[::3, ::-2])]:
        for axis in (None, 0, 1):
            for name in LONG_OPS[dtype]:
                atol = magnitude_atol(h, dtype) * (10 if name in ("var", "std") else 1)
                compare_on(device, lambda x: getattr(x, name)(axis=axis), lambda x: getattr(x, name)(axis=axis),
                           (d,), (h,), atol=atol, rtol=1e-5)
    # Scans: lines of a hundred elements (an emulated scan costs a barrier per element).
    h, d = host[:6, ::-5], dev[:6, ::-5]
    for axis in (0, 1):
        compare_on(device, lambda x: x.cumsum(axis=axis), lambda x: x.cumsum(axis=axis), (d,), (h,),
                   atol=magnitude_atol(h, dtype), rtol=1e-5)


def test_empty_reductions(device):
    e = dnp.zeros((0, 3), ctx=device)
    he = onp.zeros((0, 3), "float32")
    check(e.sum(axis=0), he.sum(axis=0), device)
    check(e.sum(axis=1), he.sum(axis=1), device)
    check(e.max(axis=1), he.max(axis=1), device)
    check(e.all(), onp.array(True), device)
    check(e.any(), onp.array(False), device)
    check(e.prod(), onp.array(1.0, "float32"), device)
    check(e.cumsum(axis=0), he.cumsum(axis=0), device)
    with onp.errstate(all="ignore"):
        check(e.mean(), onp.array(onp.nan, "float32"), device)
    raises(ValueError, e.max, contains="zero-size")
    raises(ValueError, e.argmax, contains="empty")


@few(8)
@given(data=st.data())
def test_norms(device, data):
    dtype = data.draw(numeric_dtypes)
    shape = data.draw(shapes(min_dims=1, max_dims=3, min_side=1, max_side=4))
    host, dev = draw(data, device, dtype, shape, small=True)
    tol = dict(rtol=1e-5 if dtype == "float32" else 1e-10, atol=1e-6)
    nd = len(shape)
    if nd == 1:
        ord_ = data.draw(st.sampled_from([None, 1, 2, 3, onp.inf, -onp.inf, 0, 0.5]))
        compare_on(device, lambda x: dnp.linalg.norm(x, ord_), lambda x: onp.linalg.norm(x, ord_), (dev,), (host,), **tol)
    else:
        ord_ = data.draw(st.sampled_from([None, "fro", 1, -1, onp.inf, -onp.inf]))
        keepdims = data.draw(st.booleans())
        compare_on(device, lambda x: dnp.linalg.norm(x, ord_, axis=(0, -1), keepdims=keepdims),
                   lambda x: onp.linalg.norm(x, ord_, axis=(0, -1), keepdims=keepdims), (dev,), (host,), **tol)
    compare_on(device, dnp.linalg.norm, onp.linalg.norm, (dev,), (host,), **tol)

"""Elementwise operations on a GPU against NumPy: every unary function (and ``npx.relu`` /
``npx.sigmoid``), every binary function and operator with reflected and in-place forms,
Python and NumPy scalars, broadcasting, every dtype, and 0-d, empty, strided, negative-step,
transposed and broadcast views; ``where`` and ``clip``. The deliberate deviations from NumPy
are those of tests/test_elementwise.py."""

import operator

import numpy as onp
import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import (
    INT_DTYPES,
    broadcast_shape_pairs,
    dtypes,
    expected_exception,
    float_dtypes,
    numeric_dtypes,
    numpy_result,
    raises,
    shapes,
    shares_memory,
    views,
)
from deepblocks import np as dnp
from deepblocks import npx
from test_elementwise import BINARY, FAST_GROWING, INPLACE, OPERATORS, UNARY, python_scalars

from .conftest import assert_on, check, compare_on, few, on_device

small_shapes = shapes(max_dims=3, max_side=3)


def draw(data, device, dtype, shape, **kw):
    return data.draw(on_device(device, views(dtype, shape, **kw)))


# ---- unary ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", UNARY)
@few(6)
@given(data=st.data())
def test_unary(device, name, data):
    dtype = data.draw(dtypes, label="dtype")
    if name == "reciprocal" and dtype in INT_DTYPES + ["bool"]:
        dtype = "float64"  # integer reciprocal: a documented deviation (float result)
    host, dev = draw(data, device, dtype, data.draw(small_shapes), small=name in FAST_GROWING)
    if name == "fabs" and dtype not in ("float32", "float64"):
        check(dnp.fabs(dev), onp.abs(host), device)  # NumPy's fabs is float-only
        return
    atol = 1e-6 if dtype in ("float32", "bool", "uint8") else 1e-12
    compare_on(device, getattr(dnp, name), getattr(onp, name), (dev,), (host,), atol=atol)


@pytest.mark.parametrize("name", ["exp", "log", "sqrt", "sin", "tanh", "floor", "rint", "sign", "abs", "isnan",
                                  "isinf", "isfinite", "square", "arctan", "log1p", "reciprocal"])
@few(5)
@given(data=st.data())
def test_unary_special_floats(device, name, data):
    """nan, ±inf and ±0 go through the device's math as through NumPy's."""
    host, dev = draw(data, device, data.draw(float_dtypes), data.draw(shapes(max_dims=2)), special=True)
    compare_on(device, getattr(dnp, name), getattr(onp, name), (dev,), (host,), atol=1e-30)


@few(8)
@given(data=st.data())
def test_relu_and_sigmoid(device, data):
    dtype = data.draw(float_dtypes)
    host, dev = draw(data, device, dtype, data.draw(small_shapes), small=True)
    check(npx.relu(dev), onp.maximum(host, 0).astype(dtype), device)
    want = (1 / (1 + onp.exp(-host.astype("float64")))).astype(dtype)
    check(npx.sigmoid(dev), want, device, rtol=1e-6 if dtype == "float32" else 1e-12, atol=1e-7)


@few(8)
@given(data=st.data())
def test_round_decimals(device, data):
    host, dev = draw(data, device, data.draw(numeric_dtypes), data.draw(small_shapes))
    decimals = data.draw(st.integers(-2, 3))
    check(dnp.round(dev, decimals), onp.round(host, decimals), device)
    check(dev.round(decimals), onp.round(host, decimals), device)


def test_float_math_on_integers_follows_the_cpu_rules(device):
    """Float functions of bool/uint8 compute in float32, of int32/int64 in float64."""
    for dt, want in [("bool", "float32"), ("uint8", "float32"), ("int32", "float64"), ("int64", "float64")]:
        x = dnp.array([0, 1, 1], dtype=dt, ctx=device)
        for f in (dnp.exp, dnp.sqrt, dnp.sin):
            r = f(x)
            assert_on(r, device)
            assert r.dtype == want
    # reciprocal keeps an integer dtype, as in NumPy and MXNet 1.9.1 (1/0 as their x86 result).
    r = dnp.reciprocal(dnp.array([1, 2, 4, -4, -1, 0], dtype="int32", ctx=device))
    check(r, onp.array([1, 0, 0, 0, -1, -2147483648], dtype="int32"), device)
    r = dnp.reciprocal(dnp.array([0, 1, 7], dtype="uint8", ctx=device))
    check(r, onp.array([0, 1, 0], dtype="uint8"), device)


# ---- binary ------------------------------------------------------------------------------------------------


def draw_pair(data, device, small=False, kind=None):
    sa, sb = data.draw(broadcast_shape_pairs(max_dims=3, max_side=3), label="shapes")
    da, db = data.draw(dtypes, label="dtype_a"), data.draw(dtypes, label="dtype_b")
    ha, a = draw(data, device, da, sa, small=small, kind=kind)
    hb, b = draw(data, device, db, sb, small=small, kind=kind)
    return ha, a, hb, b


@pytest.mark.parametrize("name", BINARY)
@few(6)
@given(data=st.data())
def test_binary_function(device, name, data):
    ha, a, hb, b = draw_pair(data, device, small=name == "power")
    compare_on(device, getattr(dnp, name), getattr(onp, name), (a, b), (ha, hb), atol=1e-6)


@pytest.mark.parametrize("op", list(OPERATORS))
@few(5)
@given(data=st.data())
def test_operator(device, op, data):
    """``a op b`` between device arrays, and with a NumPy array on either side (uploaded to
    the device: the result stays there)."""
    ha, a, hb, b = draw_pair(data, device, small=op == "**")
    f = OPERATORS[op]
    compare_on(device, f, f, (a, b), (ha, hb), atol=1e-6)
    compare_on(device, f, f, (a, hb), (ha, hb), atol=1e-6)
    compare_on(device, f, f, (ha, b), (ha, hb), atol=1e-6)


@pytest.mark.parametrize("op", list(OPERATORS))
@few(6)
@given(data=st.data())
def test_operator_with_python_scalar(device, op, data):
    """Python scalars are weak (NEP 50) on the device too; reflected forms as well."""
    dtype = data.draw(dtypes)
    host, dev = draw(data, device, dtype, data.draw(small_shapes), small=op == "**")
    s = data.draw(python_scalars(small=op == "**"))
    f = OPERATORS[op]
    if op == "**" and dtype == "bool" and s == 2 and not isinstance(s, float):
        check(f(dev, s), f(host.astype("int64"), s), device)  # NumPy's square fast path gives int8
        return
    compare_on(device, lambda x: f(x, s), lambda x: f(x, s), (dev,), (host,), atol=1e-6)
    compare_on(device, lambda x: f(s, x), lambda x: f(s, x), (dev,), (host,), atol=1e-6)


@pytest.mark.parametrize("name", ["add", "multiply", "power", "maximum", "minimum", "less", "logical_and",
                                  "bitwise_or", "mod", "floor_divide"])
@few(5)
@given(data=st.data())
def test_binary_function_with_scalars(device, name, data):
    dtype = data.draw(dtypes)
    host, dev = draw(data, device, dtype, data.draw(small_shapes), small=True)
    s = data.draw(python_scalars(small=True) | st.sampled_from([onp.float32(1.5), onp.int32(3), onp.float64(-2.0)]))
    fd, fh = getattr(dnp, name), getattr(onp, name)
    compare_on(device, lambda x: fd(x, s), lambda x: fh(x, s), (dev,), (host,), atol=1e-6)
    compare_on(device, lambda x: fd(s, x), lambda x: fh(s, x), (dev,), (host,), atol=1e-6)


def test_division_by_zero_and_integer_edges(device):
    """Integer division and modulo by zero give 0 (NumPy's values); float ones give inf/nan;
    the sign rules of floor division and modulo are Python's."""
    a = onp.array([7, -7, 7, -7, 0, 5], "int32")
    b = onp.array([2, 2, -2, -2, 0, 0], "int32")
    da, db = dnp.array(a, ctx=device), dnp.array(b, ctx=device)
    with onp.errstate(all="ignore"):
        check(da // db, a // b, device)
        check(da % db, a % b, device)
        check(da / db, a / b, device)
        f = onp.array([1.0, -1.0, 0.0, -7.5, 7.5], "float32")
        g = onp.array([0.0, 0.0, 0.0, 2.0, -2.0], "float32")
        df, dg = dnp.array(f, ctx=device), dnp.array(g, ctx=device)
        check(df / dg, f / g, device)
        check(df // dg, f // g, device)
        check(df % dg, f % g, device)
    u = onp.array([250, 3], "uint8")
    check(dnp.array(u, ctx=device) + 10, u + onp.uint8(10), device)  # wraps modulo 256
    raises(ValueError, lambda: dnp.array([2, 3], dtype="int64", ctx=device) ** -1)


# ---- in-place ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("op", list(INPLACE))
@few(6)
@given(data=st.data())
def test_inplace_operator_writes_through_views(device, op, data):
    """``view op= other`` changes the device base exactly as NumPy changes its base, or raises
    NumPy's error class and leaves it untouched."""
    shape = data.draw(small_shapes)
    kind = data.draw(st.sampled_from(["contig", "strided", "negative", "transposed", "mixed"]))
    host, dev, host_base, dev_base = data.draw(on_device(device, views(data.draw(dtypes), shape, kind=kind,
                                                                         return_base=True, small=op == "**")))
    if data.draw(st.booleans(), label="scalar_rhs"):
        hb = b = data.draw(python_scalars(small=op == "**"), label="scalar")
    else:
        other_shape = data.draw(st.sampled_from([shape, shape[1:], (1,) * len(shape)]))
        hb, b = draw(data, device, data.draw(dtypes), other_shape, small=op == "**")
        if data.draw(st.booleans(), label="numpy_rhs"):
            b = hb
    f = INPLACE[op]
    before = host_base.copy()
    ref, err = numpy_result(f, host, hb)
    if err is not None:
        raises(expected_exception(err), f, dev, b)
        check(dev_base, before, device)
        return
    assert f(dev, b) is dev
    check(dev, host, device, atol=1e-6)
    check(dev_base, host_base, device, atol=1e-6)


@few(8)
@given(data=st.data())
def test_inplace_with_overlapping_operand(device, data):
    """``x[1:] += x[:-1]`` reads the old values, as NumPy does."""
    dtype = data.draw(numeric_dtypes)
    n = data.draw(st.integers(2, 9))
    h = data.draw(views(dtype, (n,), kind="contig"))[0]
    d = dnp.array(h, ctx=device)
    d[1:] += d[:-1]
    h2 = h.copy()
    h2[1:] += h[:-1].copy()
    check(d, h2, device)
    d = dnp.array(h, ctx=device)
    d[::-1] *= d
    h3 = h.copy()
    h3[::-1] *= h.copy()
    check(d, h3, device)


def test_inplace_errors_name_dtypes_and_shapes(device):
    x = dnp.array([1, 2], dtype="int32", ctx=device)
    raises(TypeError, operator.itruediv, x, 2, contains=["float64", "int32"])
    raises(ValueError, operator.iadd, x, dnp.ones((3, 2), dtype="int32", ctx=device), contains=["(2,)", "(3, 2)"])
    assert x.tolist() == [1, 2]


# ---- where and clip -------------------------------------------------------------------------------------------


@few(10)
@given(data=st.data())
def test_where(device, data):
    shape = data.draw(small_shapes)
    hc, c = draw(data, device, data.draw(dtypes), shape[data.draw(st.integers(0, len(shape))):])
    sx, sy = data.draw(broadcast_shape_pairs(max_dims=3, max_side=3))
    hx, x = draw(data, device, data.draw(dtypes), sx)
    hy, y = draw(data, device, data.draw(dtypes), sy)
    compare_on(device, dnp.where, onp.where, (c, x, y), (hc, hx, hy))
    s = data.draw(python_scalars())
    compare_on(device, dnp.where, onp.where, (c, x, s), (hc, hx, s))
    compare_on(device, dnp.where, onp.where, (c, s, y), (hc, s, hy))


@few(6)
@given(data=st.data())
def test_where_one_argument(device, data):
    host, dev = draw(data, device, data.draw(dtypes), data.draw(shapes(min_dims=1, max_dims=3, max_side=3)))
    got, ref = dnp.where(dev), onp.where(host)
    assert len(got) == len(ref)
    for g, r in zip(got, ref):
        check(g, r, device)


@few(10)
@given(data=st.data())
def test_clip(device, data):
    dtype = data.draw(numeric_dtypes)
    shape = data.draw(small_shapes)
    host, dev = draw(data, device, dtype, shape)
    bound = st.none() | st.integers(-50, 50) | st.floats(-50, 50)
    lo, hi = data.draw(bound), data.draw(bound)
    if lo is not None or hi is not None:
        compare_on(device, dnp.clip, onp.clip, (dev, lo, hi), (host, lo, hi))
        compare_on(device, lambda x: x.clip(lo, hi), lambda x: x.clip(lo, hi), (dev,), (host,))
    hl, dl = draw(data, device, dtype, shape[1:])
    compare_on(device, dnp.clip, onp.clip, (dev, dl, None), (host, hl, None))


# ---- results -------------------------------------------------------------------------------------------------


@few(5)
@given(data=st.data())
def test_results_are_new_device_arrays(device, data):
    host, dev = draw(data, device, data.draw(dtypes), data.draw(shapes(min_side=1, max_dims=3, max_side=3)))
    for r, ref in [(dnp.floor(dev), onp.floor(host)), (dnp.abs(dev), onp.abs(host)), (dev + 0, host + 0)]:
        assert not shares_memory(r, dev)
        check(r, ref, device)

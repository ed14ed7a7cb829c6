"""Dtype queries, conversions, real-array helpers, fmax/fmin/fmod/nextafter/i0 and the
construction helpers (fromfunction, frombuffer, fromiter, apply_along_axis, apply_over_axes,
block), differential against NumPy."""

import numpy as onp
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import (DTYPES, FLOAT_DTYPES, NUMERIC_DTYPES, assert_same, broadcast_shape_pairs, raises, shapes,
                      to_dev, views)
from deepblocks import np as dnp
from test_autograd_grads import check_grad

FEW = settings(max_examples=25, deadline=None)


@FEW
@given(st.sampled_from(DTYPES), st.sampled_from(DTYPES), st.data())
def test_dtype_queries(d1, d2, data):
    a, b = dnp.zeros(2, dtype=d1), dnp.zeros((), dtype=d2)
    ha, hb = onp.zeros(2, dtype=d1), onp.zeros((), dtype=d2)
    scalar = data.draw(st.sampled_from([True, 3, 2.5]))
    assert dnp.result_type(a, b) == onp.result_type(ha, hb)
    assert dnp.result_type(a, scalar) == onp.result_type(ha, scalar)
    assert dnp.result_type(a, d2) == onp.result_type(d1, d2)
    for casting in ["no", "safe", "same_kind", "unsafe"]:
        assert dnp.can_cast(a, d2, casting) == onp.can_cast(d1, d2, casting)
    assert dnp.promote_types(d1, d2) == onp.promote_types(d1, d2)
    assert dnp.issubdtype(a.dtype, onp.integer) == onp.issubdtype(ha.dtype, onp.integer)
    assert dnp.isdtype(a.dtype, "numeric") == onp.isdtype(ha.dtype, "numeric")
    if onp.dtype(d1).kind == "f":
        assert dnp.finfo(a) == onp.finfo(d1)
    elif onp.dtype(d1).kind in "iu":
        assert dnp.iinfo(a).max == onp.iinfo(d1).max
        raises(ValueError, dnp.finfo, a)
    v = data.draw(st.sampled_from([0, 300, -5, 1e10, 0.5]))
    assert dnp.min_scalar_type(dnp.array(onp.array(v))) == onp.min_scalar_type(onp.array(v))
    assert dnp.min_scalar_type(a) == onp.min_scalar_type(ha)


@FEW
@given(broadcast_shape_pairs(), st.data())
def test_broadcast_shapes(pair, data):
    assert dnp.broadcast_shapes(*pair) == onp.broadcast_shapes(*pair)
    raises(ValueError, dnp.broadcast_shapes, (2,), (3,))


@FEW
@given(st.sampled_from(DTYPES), st.data())
def test_conversions(dtype, data):
    host, dev = data.draw(views(dtype, data.draw(shapes(max_dims=3))))
    assert_same(dnp.ascontiguousarray(dev), onp.ascontiguousarray(host))
    assert_same(dnp.ascontiguousarray(dev, dtype="float64"), onp.ascontiguousarray(host, dtype="float64"))
    assert dnp.asanyarray(dev) is dev
    assert_same(dnp.asanyarray(dev, dtype="int32"), onp.asanyarray(host, dtype="int32"))
    req = dnp.require(dev, None, ["C", "O"])
    assert_same(req, onp.require(host, None, ["C", "O"]))
    assert not dnp.shares_memory(req, dev)
    assert_same(dnp.asarray_chkfinite(dev), onp.asarray_chkfinite(host))
    assert_same(dnp.real(dev), onp.real(host))
    assert_same(dnp.imag(dev), onp.imag(host))
    assert_same(dnp.iscomplex(dev), onp.iscomplex(host))
    assert_same(dnp.isreal(dev), onp.isreal(host))
    if dtype != "bool":
        assert_same(dnp.conj(dev), onp.conj(host))
        assert_same(dnp.conjugate(dev), onp.conjugate(host))
    assert dnp.iscomplexobj(dev) is False and dnp.isrealobj(dev) is True
    assert dnp.isscalar(dev) is False and dnp.isscalar(3.0) is True


def test_conversion_errors_and_lists():
    raises(ValueError, dnp.asarray_chkfinite, dnp.array([1.0, onp.nan]), contains="infs or NaNs")
    raises(KeyError, dnp.require, dnp.zeros(2), None, ["Q"])
    raises(NotImplementedError, dnp.require, dnp.zeros((2, 2)), None, "F")
    assert dnp.asarray_chkfinite([1.0, 2.0]).dtype == onp.float32  # MXNet's default float
    assert dnp.iscomplexobj(1j) and not dnp.isrealobj(onp.zeros(2, dtype=complex))
    x = dnp.zeros(3)
    r = dnp.real(x)
    r[0] = 5.0
    assert x.asnumpy()[0] == 5.0  # real of a real array writes through, as NumPy's view


@FEW
@given(st.sampled_from(DTYPES), broadcast_shape_pairs(max_dims=3), st.data())
def test_array_equiv(dtype, pair, data):
    h1, d1 = data.draw(views(dtype, pair[0], small=True))
    h2 = onp.broadcast_to(h1, onp.broadcast_shapes(pair[0], pair[1])).copy() if data.draw(st.booleans()) else \
        data.draw(views(dtype, pair[1], small=True))[0]
    assert dnp.array_equiv(d1, to_dev(onp.ascontiguousarray(h2))) == onp.array_equiv(h1, h2)
    assert dnp.array_equiv(dnp.zeros(2), dnp.zeros(3)) is False


# ---- fmax, fmin, fmod, nextafter, i0 ------------------------------------------------------------


@FEW
@given(st.sampled_from(NUMERIC_DTYPES), st.sampled_from(NUMERIC_DTYPES), broadcast_shape_pairs(max_dims=3),
       st.data())
def test_fmax_fmin_fmod(t1, t2, pair, data):
    h1, d1 = data.draw(views(t1, pair[0], small=True, special=True))
    h2, d2 = data.draw(views(t2, pair[1], small=True, special=True))
    assert_same(dnp.fmax(d1, d2), onp.fmax(h1, h2))
    assert_same(dnp.fmin(d1, d2), onp.fmin(h1, h2))
    assert_same(dnp.fmod(d1, d2), onp.fmod(h1, h2))
    s = data.draw(st.sampled_from([2, -3, 2.5, -0.5]))
    if isinstance(s, int) and onp.dtype(t1).kind == "u":
        s = abs(s)  # NumPy 2 refuses a negative Python int with an unsigned array
    assert_same(dnp.fmod(d1, s), onp.fmod(h1, s))
    assert_same(dnp.fmax(d1, s), onp.fmax(h1, s))


def test_fmod_edges():
    x = onp.array([-3.0, 3.0, -0.0, 5.0, onp.inf, 1.0, -2.0, 4.0])
    y = onp.array([2.0, -2.0, 3.0, 0.0, 2.0, onp.inf, -onp.inf, -2.0])
    got = dnp.fmod(to_dev(x), to_dev(y)).asnumpy()
    want = onp.fmod(x, y)
    onp.testing.assert_array_equal(got, want)
    assert (onp.signbit(got) == onp.signbit(want))[~onp.isnan(want)].all()
    i = onp.array([-7, 7, 5, -5], dtype="int32")
    j = onp.array([2, -2, 0, 3], dtype="int32")
    assert_same(dnp.fmod(to_dev(i), to_dev(j)), onp.fmod(i, j))


def test_fmax_fmin_fmod_gradients():
    r = onp.random.default_rng(1)
    a = r.uniform(-2, 2, size=(3, 4))
    b = a + r.choice([-1.0, 1.0], size=(3, 4)) * r.uniform(0.2, 1.0, size=(3, 4))  # no ties
    check_grad(lambda x, y: dnp.fmax(x, y), a, b)
    check_grad(lambda x, y: dnp.fmin(x, y), a, b)
    num = r.uniform(0.3, 5.0, size=(6,)) * r.choice([-1.0, 1.0], size=6)
    den = r.uniform(0.7, 1.3, size=(6,)) * r.choice([-1.0, 1.0], size=6)
    # keep away from the jumps at integer quotients
    q = num / den
    num = onp.where(onp.abs(q - onp.round(q)) < 0.1, num + 0.3 * den, num)
    check_grad(lambda x, y: dnp.fmod(x, y), num, den)


@FEW
@given(st.sampled_from(FLOAT_DTYPES), st.data())
def test_nextafter_i0(dtype, data):
    host, dev = data.draw(views(dtype, data.draw(shapes(max_dims=3))))
    assert_same(dnp.nextafter(dev, 1.0), onp.nextafter(host, 1.0), rtol=0)
    assert_same(dnp.nextafter(dev, dev + 1), onp.nextafter(host, host + 1), rtol=0)
    h = onp.clip(host, -5, 5)
    assert_same(dnp.i0(dnp.clip(dev, -5, 5)), onp.i0(h))
    assert dnp.nextafter(dev, 1.0).ctx == dev.ctx


# ---- construction helpers ----------------------------------------------------------------------


def test_from_function_buffer_iter():
    got = dnp.fromfunction(lambda i, j: i * 3 + j, (2, 3), dtype="int32")
    assert_same(got, onp.fromfunction(lambda i, j: i * 3 + j, (2, 3), dtype="int32"))
    assert dnp.fromfunction(lambda i: i, (3,)).dtype == onp.float32  # MXNet's default float
    buf = onp.arange(5, dtype="int32").tobytes()
    assert_same(dnp.frombuffer(buf, dtype="int32", count=3, offset=4),
                onp.frombuffer(buf, dtype="int32", count=3, offset=4))
    assert_same(dnp.frombuffer(onp.arange(2.0).tobytes()), onp.frombuffer(onp.arange(2.0).tobytes()))
    raises(ValueError, dnp.frombuffer, b"\x01\x02\x03", dtype="int32")
    assert_same(dnp.fromiter(range(5), dtype="int64"), onp.fromiter(range(5), dtype="int64"))
    assert_same(dnp.fromiter(iter([]), dtype="float32"), onp.fromiter(iter([]), dtype="float32"))
    assert_same(dnp.fromiter((x / 2 for x in range(6)), "float64", count=3),
                onp.fromiter((x / 2 for x in range(6)), "float64", count=3))


@FEW
@given(st.sampled_from(["float32", "float64", "int64"]), st.data())
def test_apply_along_and_over_axes(dtype, data):
    shape = data.draw(shapes(min_dims=1, max_dims=3, min_side=1))
    host, dev = data.draw(views(dtype, shape, small=True))
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    assert_same(dnp.apply_along_axis(lambda v: v.sum(), axis, dev), onp.apply_along_axis(lambda v: v.sum(), axis, host))
    assert_same(dnp.apply_along_axis(lambda v: dnp.stack([v.max(), v.min()]), axis, dev),
                onp.apply_along_axis(lambda v: onp.stack([v.max(), v.min()]), axis, host))
    assert_same(dnp.apply_along_axis(lambda v: dnp.outer(v, v), axis, dev),
                onp.apply_along_axis(lambda v: onp.outer(v, v), axis, host))
    axes = data.draw(st.lists(st.integers(-len(shape), len(shape) - 1), max_size=2, unique=True))
    assert_same(dnp.apply_over_axes(dnp.sum, dev, axes), onp.apply_over_axes(onp.sum, host, axes))
    raises(ValueError, dnp.apply_along_axis, lambda v: v.sum(), 0, dnp.zeros((2, 0)))


def test_apply_along_axis_gradient():
    a = onp.random.default_rng(2).normal(size=(3, 4))
    check_grad(lambda x: dnp.apply_along_axis(lambda v: (v * v).sum(), 1, x), a)


def test_block():
    a, b = onp.ones((2, 2)), onp.zeros((2, 3))
    c, d = onp.full((1, 5), 2.0), onp.arange(3.0)
    cases = [
        ([[a, b], [c]], None),
        ([d, d], None),
        ([[d], [d]], None),
        ([[[a]], [[a]]], None),
        (d, None),
    ]
    for host, _ in cases:
        def dev(x):
            return [dev(y) for y in x] if isinstance(x, list) else to_dev(x)
        assert_same(dnp.block(dev(host)), onp.block(host))
    assert_same(dnp.block([to_dev(onp.array(1.0)), to_dev(onp.array([2.0, 3.0]))]),
                onp.block([onp.array(1.0), onp.array([2.0, 3.0])]))
    raises(ValueError, dnp.block, [[dnp.zeros(2)], dnp.zeros(2)], contains="depth")
    raises(ValueError, dnp.block, [])
    raises(TypeError, dnp.block, (dnp.zeros(2),))
    raises(ValueError, dnp.block, [[dnp.zeros((2, 2)), dnp.zeros((3, 2))]])
    x = onp.random.default_rng(3).normal(size=(2, 2))
    check_grad(lambda t: dnp.block([[t, t * 2.0], [t * t, t]]), x)

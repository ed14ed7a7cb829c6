"""NumPy 2 aliases (acos, concat, pow, vecdot, matvec, vecmat, rollaxis, ...) and the index
builders / in-place index writes (tril_indices, ix_, ravel_multi_index, fill_diagonal, put,
place, putmask, copyto, put_along_axis), differential against NumPy."""

import numpy as onp
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import (DTYPES, NUMERIC_DTYPES, assert_same, broadcast_shape_pairs, host_arrays, raises, shapes,
                      to_dev, views)
from deepblocks import autograd
from deepblocks import np as dnp
from test_autograd_grads import check_grad

FEW = settings(max_examples=25, deadline=None)


def test_aliases_are_the_same_functions():
    pairs = {"acos": "arccos", "asin": "arcsin", "atan": "arctan", "atan2": "arctan2", "acosh": "arccosh",
             "asinh": "arcsinh", "atanh": "arctanh", "concat": "concatenate", "permute_dims": "transpose",
             "pow": "power", "bitwise_invert": "invert"}
    for new, old in pairs.items():
        assert getattr(dnp, new) is getattr(dnp, old), new
        assert hasattr(onp, new), new  # NumPy 2 has the name too


@FEW
@given(st.data())
def test_unary_aliases(data):
    host, dev = data.draw(views("float64", data.draw(shapes(max_dims=3))))
    h = onp.clip(host, -0.9, 0.9)
    d = dnp.clip(dev, -0.9, 0.9)
    for name in ["acos", "asin", "atan", "atanh", "asinh"]:
        assert_same(getattr(dnp, name)(d), getattr(onp, name)(h))
    assert_same(dnp.acosh(d * d + 1.5), onp.acosh(h * h + 1.5))
    assert_same(dnp.atan2(d, d + 0.5), onp.atan2(h, h + 0.5))


@FEW
@given(st.sampled_from(NUMERIC_DTYPES), st.data())
def test_astype_and_transposes(dtype, data):
    shape = data.draw(shapes(min_dims=0, max_dims=4))
    host, dev = data.draw(views(dtype, shape))
    for to in ["float32", "int32", "bool"]:
        assert_same(dnp.astype(dev, to), onp.astype(host, to))
    same = dnp.astype(dev, dtype, copy=False)
    assert same is dev
    if len(shape) >= 2:
        assert_same(dnp.matrix_transpose(dev), onp.matrix_transpose(host))
    else:
        raises(ValueError, dnp.matrix_transpose, dev)
    perm = data.draw(st.permutations(range(len(shape))))
    assert_same(dnp.permute_dims(dev, perm), onp.permute_dims(host, perm))
    if shape:
        axis = data.draw(st.integers(-len(shape), len(shape) - 1))
        start = data.draw(st.integers(-len(shape), len(shape)))
        assert_same(dnp.rollaxis(dev, axis, start), onp.rollaxis(host, axis, start))
        raises(onp.exceptions.AxisError, dnp.rollaxis, dev, 0, len(shape) + 1)
    raises(TypeError, dnp.astype, [1, 2], "int32")


@FEW
@given(st.sampled_from(["bool", "int32", "int64", "float32", "float64"]), st.data())
def test_vecdot_matvec_vecmat(dtype, data):
    (s1, s2) = data.draw(broadcast_shape_pairs(max_dims=2))
    n = data.draw(st.integers(0, 3))
    m = data.draw(st.integers(1, 3))
    kw = {"small": True} if dtype != "bool" else {}
    h1, d1 = data.draw(views(dtype, s1 + (n,), **kw))
    h2, d2 = data.draw(views(dtype, s2 + (n,), **kw))
    assert_same(dnp.vecdot(d1, d2), onp.vecdot(h1, h2), rtol=1e-5)
    hm, dm = data.draw(views(dtype, s1 + (m, n), **kw))
    assert_same(dnp.matvec(dm, d2), onp.matvec(hm, h2), rtol=1e-5)
    hm2, dm2 = data.draw(views(dtype, s2 + (n, m), **kw))
    assert_same(dnp.vecmat(d1, dm2), onp.vecmat(h1, hm2), rtol=1e-5)
    raises(ValueError, dnp.vecdot, dnp.zeros((2, 3)), dnp.zeros((2, 4)))
    raises(ValueError, dnp.matvec, dnp.zeros((2, 3)), dnp.zeros(2))


def test_concat_pow_invert():
    a, b = onp.arange(6.0).reshape(2, 3), onp.ones((1, 3))
    assert_same(dnp.concat([to_dev(a), to_dev(b)]), onp.concat([a, b]))
    i = onp.array([0, 3, -4], dtype="int32")
    assert_same(dnp.bitwise_invert(to_dev(i)), onp.bitwise_invert(i))
    assert_same(dnp.pow(to_dev(a), 2.0), onp.pow(a, 2.0))


def test_vecdot_gradient():
    r = onp.random.default_rng(0)
    check_grad(lambda x, y: dnp.vecdot(x, y), r.normal(size=(2, 3)), r.normal(size=(3,)))
    check_grad(lambda x, y: dnp.matvec(x, y), r.normal(size=(2, 3)), r.normal(size=(3,)))
    check_grad(lambda x, y: dnp.vecmat(x, y), r.normal(size=(3,)), r.normal(size=(3, 2)))


# ---- index builders ----------------------------------------------------------------------------


@FEW
@given(st.integers(0, 5), st.integers(-6, 6), st.one_of(st.none(), st.integers(0, 5)))
def test_tri_indices(n, k, m):
    for name in ["tril_indices", "triu_indices"]:
        got, want = getattr(dnp, name)(n, k, m), getattr(onp, name)(n, k, m)
        assert len(got) == 2
        for g, w in zip(got, want):
            assert_same(g, w)
    a = onp.zeros((n, 5 if m is None else m))
    for name in ["tril_indices_from", "triu_indices_from"]:
        for g, w in zip(getattr(dnp, name)(to_dev(a), k), getattr(onp, name)(a, k)):
            assert_same(g, w)
        raises(ValueError, getattr(dnp, name), dnp.zeros((2, 2, 2)))


def test_diag_and_mask_indices():
    for g, w in zip(dnp.diag_indices(4, 3), onp.diag_indices(4, 3)):
        assert_same(g, w)
    for k in (-1, 0, 2):
        for g, w in zip(dnp.mask_indices(4, dnp.triu, k), onp.mask_indices(4, onp.triu, k)):
            assert_same(g, w)
        for g, w in zip(dnp.mask_indices(3, dnp.tril, k), onp.mask_indices(3, onp.tril, k)):
            assert_same(g, w)


def test_ix():
    seqs = ([0, 2], onp.array([True, False, True, True]), onp.array([1], dtype="int32"), [])
    got = dnp.ix_(*[to_dev(s) if isinstance(s, onp.ndarray) else s for s in seqs])
    want = onp.ix_(*seqs)
    for g, w in zip(got, want):
        assert_same(g, w)
    # the mesh indexes as NumPy's
    a = onp.arange(24.0).reshape(4, 6)
    assert_same(to_dev(a)[dnp.ix_([0, 3], [1, 5, 2])], a[onp.ix_([0, 3], [1, 5, 2])])
    raises(ValueError, dnp.ix_, onp.zeros((2, 2), dtype="int64"))


@FEW
@given(st.data())
def test_ravel_multi_index(data):
    dims = data.draw(st.lists(st.integers(1, 4), min_size=1, max_size=3))
    n = data.draw(st.integers(0, 5))
    mode = data.draw(st.sampled_from(["raise", "wrap", "clip"]))
    order = data.draw(st.sampled_from(["C", "F"]))
    hi = 0 if mode == "raise" else 3
    coords = [onp.array(data.draw(st.lists(st.integers(-hi, d - 1 + hi), min_size=n, max_size=n)), dtype="int64")
              for d in dims]
    got = dnp.ravel_multi_index(tuple(to_dev(c) for c in coords), dims, mode=mode, order=order)
    assert_same(got, onp.ravel_multi_index(tuple(coords), dims, mode=mode, order=order))
    corner = tuple(d - 1 for d in dims)
    assert dnp.ravel_multi_index(corner, dims) == onp.ravel_multi_index(corner, dims)
    raises(ValueError, dnp.ravel_multi_index, (to_dev(onp.array([5], dtype="int64")),), (3,))
    raises(TypeError, dnp.ravel_multi_index, (dnp.array([1.0]),), (3,))


# ---- in-place writes, through views ------------------------------------------------------------


def _view_pair(data, dtype, shape):
    host, dev, hbase, dbase = data.draw(views(dtype, shape, kind=data.draw(
        st.sampled_from(["contig", "strided", "negative", "transposed", "mixed"])), return_base=True))
    return host, dev, hbase, dbase


@FEW
@given(st.sampled_from(DTYPES), st.data())
def test_fill_diagonal(dtype, data):
    nd = data.draw(st.integers(2, 3))
    if nd == 2:
        shape = (data.draw(st.integers(0, 7)), data.draw(st.integers(0, 4)))
    else:
        shape = (data.draw(st.integers(0, 3)),) * 3
    host, dev, hbase, dbase = _view_pair(data, dtype, shape)
    val = data.draw(st.sampled_from([1, [1, 0], [0, 1, 1]]))
    wrap = data.draw(st.booleans())
    onp.fill_diagonal(host, val, wrap=wrap)
    dnp.fill_diagonal(dev, dnp.array(onp.array(val, dtype=dtype)), wrap=wrap)
    assert_same(dev, host)
    assert_same(dbase, hbase)  # the writes went through the view
    raises(ValueError, dnp.fill_diagonal, dnp.zeros(3), 1.0)
    raises(ValueError, dnp.fill_diagonal, dnp.zeros((2, 2, 3)), 1.0)


@FEW
@given(st.sampled_from(NUMERIC_DTYPES), st.data())
def test_put_place_putmask(dtype, data):
    shape = data.draw(shapes(max_dims=3))
    size = int(onp.prod(shape))
    host, dev, hbase, dbase = _view_pair(data, dtype, shape)
    mode = data.draw(st.sampled_from(["raise", "wrap", "clip"]))
    span = size if mode == "raise" else size + 3
    ind = data.draw(st.lists(st.integers(-span, span - 1), max_size=5)) if size else []
    vals = onp.array(data.draw(st.lists(st.integers(0, 9), min_size=1, max_size=3)), dtype=dtype)
    onp.put(host, ind, vals, mode=mode)
    dnp.put(dev, ind, to_dev(vals), mode=mode)
    assert_same(dev, host)
    assert_same(dbase, hbase)
    mask = onp.array(data.draw(st.lists(st.booleans(), min_size=size, max_size=size)), dtype=bool).reshape(shape)
    onp.place(host, mask, vals)
    dnp.place(dev, to_dev(mask), to_dev(vals))
    assert_same(dbase, hbase)
    mask = ~mask
    onp.putmask(host, mask, vals[::-1])
    dnp.putmask(dev, to_dev(mask), to_dev(vals[::-1]))
    assert_same(dbase, hbase)
    if size:
        raises(IndexError, dnp.put, dev, [size], to_dev(vals))
    raises(ValueError, dnp.putmask, dnp.zeros(3), dnp.zeros(2, dtype="bool"), 1.0)
    raises(ValueError, dnp.place, dnp.zeros(2), dnp.array([True, False]), dnp.zeros(0))


@FEW
@given(st.sampled_from(DTYPES), st.sampled_from(DTYPES), st.data())
def test_copyto(dst_dtype, src_dtype, data):
    s_src, s_dst = data.draw(broadcast_shape_pairs(max_dims=3))
    shape = onp.broadcast_shapes(s_src, s_dst)
    host, dev, hbase, dbase = _view_pair(data, dst_dtype, shape)
    src = data.draw(host_arrays(src_dtype, s_src))
    where = data.draw(st.one_of(st.just(True), host_arrays("bool", s_dst)))
    casting = data.draw(st.sampled_from(["no", "safe", "same_kind", "unsafe"]))
    dwhere = where if where is True else to_dev(where)
    try:
        onp.copyto(host, src, casting=casting, where=where)
    except TypeError:
        raises(TypeError, dnp.copyto, dev, to_dev(src), casting=casting, where=dwhere)
        return
    dnp.copyto(dev, to_dev(src), casting=casting, where=dwhere)
    assert_same(dbase, hbase)
    raises(ValueError, dnp.copyto, dnp.zeros(2), dnp.zeros(3))
    raises(TypeError, dnp.copyto, dnp.zeros(2, dtype="int32"), 1.5)


@FEW
@given(st.sampled_from(NUMERIC_DTYPES), st.data())
def test_put_along_axis(dtype, data):
    shape = data.draw(shapes(min_dims=1, max_dims=3, min_side=1))
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    host, dev, hbase, dbase = _view_pair(data, dtype, shape)
    n = shape[axis]
    k = data.draw(st.integers(0, n))
    ishape = list(shape)
    ishape[axis] = k
    # distinct positions along the axis: NumPy leaves the order of repeated writes unspecified
    perm = onp.array(data.draw(st.permutations(range(n))))[:k]
    idx = onp.broadcast_to(perm.reshape([-1 if i == axis % len(shape) else 1 for i in range(len(shape))]),
                           ishape).astype("int64")
    vals = onp.array(7, dtype=dtype)
    onp.put_along_axis(host, idx, vals, axis)
    dnp.put_along_axis(dev, to_dev(onp.ascontiguousarray(idx)), to_dev(vals), axis)
    assert_same(dbase, hbase)
    raises(IndexError, dnp.put_along_axis, dev, to_dev(onp.full(shape, n, dtype="int64")), 1, axis)
    raises(ValueError, dnp.put_along_axis, dev, dnp.zeros((1,) * (len(shape) + 1), dtype="int64"), 1, axis)


def test_put_along_axis_flat():
    a = onp.arange(6.0).reshape(2, 3)
    d = to_dev(a)
    idx = onp.array([5, 0], dtype="int64")
    onp.put_along_axis(a, idx, onp.array([9.0, 8.0]), None)
    dnp.put_along_axis(d, to_dev(idx), dnp.array(onp.array([9.0, 8.0])), None)
    assert_same(d, a)


def test_in_place_writes_under_autograd():
    # the written entries take their gradient from the values, the others from the input
    x = dnp.array(onp.arange(4.0))
    v = dnp.array(onp.array([10.0, 20.0]))
    x.attach_grad()
    v.attach_grad()
    with autograd.record():
        y = x * 1.0
        dnp.put(y, [1, 3], v)
        loss = (y * y).sum()
    loss.backward()
    onp.testing.assert_allclose(x.grad.asnumpy(), [0.0, 0.0, 4.0, 0.0])
    onp.testing.assert_allclose(v.grad.asnumpy(), [20.0, 40.0])
    x = dnp.array(onp.ones((2, 2)))
    x.attach_grad()
    with autograd.record():
        y = x * 3.0
        dnp.fill_diagonal(y, 0.0)
        loss = y.sum()
    loss.backward()
    onp.testing.assert_allclose(x.grad.asnumpy(), [[0.0, 3.0], [3.0, 0.0]])

"""``np.kron``, ``trace``, ``diag``, ``diagonal``, ``diagflat``, ``tri``, ``indices``,
``logspace``, ``geomspace``, ``shares_memory`` and ``may_share_memory`` against NumPy (every
dtype; 0-d, empty, negative axes, non-contiguous and negative-step views), ``diagonal`` as a
view that writes through, errors, and gradients by central differences."""

import numpy as onp
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import assert_same, compare, dtypes, raises, shapes, views
from conftest import shares_memory as same_storage
from deepblocks import np as dnp
from test_autograd_grads import check_grad, examples


@settings(max_examples=examples(60), deadline=None)
@given(data=st.data(), dtype=dtypes, shape=shapes(min_dims=2, max_dims=4))
def test_diagonal_and_trace(data, dtype, shape):
    host, dev = data.draw(views(dtype, shape))
    nd = len(shape)
    offset = data.draw(st.integers(-5, 5))
    a1 = data.draw(st.integers(-nd - 1, nd))
    a2 = data.draw(st.integers(-nd, nd - 1))
    compare(lambda a: dnp.diagonal(a, offset, a1, a2), lambda a: onp.diagonal(a, offset, a1, a2), [dev], [host])
    compare(lambda a: a.diagonal(offset, a1, a2), lambda a: a.diagonal(offset, a1, a2), [dev], [host])
    tdtype = data.draw(st.sampled_from([None, "int64", "float64"]))
    compare(lambda a: dnp.trace(a, offset, a1, a2, tdtype), lambda a: onp.asarray(onp.trace(a, offset, a1, a2, tdtype)),
            [dev], [host])


def test_diagonal_is_a_view_of_a_contiguous_array():
    x = dnp.arange(24).reshape(2, 3, 4)
    d = dnp.diagonal(x, 1, 2, 1)
    assert same_storage(d, x)
    d[...] = -1  # writes through (NumPy's view is read-only)
    host = onp.arange(24, dtype="float32").reshape(2, 3, 4)
    for b in range(2):
        for i in range(2):
            host[b, i + 1, i] = -1  # axis 2 indexes by i, axis 1 by i + offset
    assert_same(x, host)


def test_diagonal_errors():
    raises(ValueError, dnp.diagonal, dnp.zeros(3), contains="two dimensions")
    raises(ValueError, dnp.diagonal, dnp.zeros((2, 2)), 0, 1, -1, contains="cannot be the same")
    raises(IndexError, dnp.diagonal, dnp.zeros((2, 2)), 0, 0, 2)
    raises(ValueError, dnp.diag, dnp.zeros((2, 2, 2)), contains="1- or 2-d")


@settings(max_examples=examples(60), deadline=None)
@given(data=st.data(), dtype=dtypes, shape=shapes(min_dims=1, max_dims=2, max_side=5), k=st.integers(-6, 6))
def test_diag_and_diagflat(data, dtype, shape, k):
    host, dev = data.draw(views(dtype, shape))
    compare(lambda a: dnp.diag(a, k), lambda a: onp.diag(a, k), [dev], [host])
    compare(lambda a: dnp.diagflat(a, k), lambda a: onp.diagflat(a, k), [dev], [host])


@settings(max_examples=examples(60), deadline=None)
@given(data=st.data(), d1=dtypes, d2=dtypes, s1=shapes(max_dims=3, max_side=3), s2=shapes(max_dims=3, max_side=3))
def test_kron(data, d1, d2, s1, s2):
    h1, v1 = data.draw(views(d1, s1, small=True))
    h2, v2 = data.draw(views(d2, s2, small=True))
    compare(dnp.kron, onp.kron, [v1, v2], [h1, h2])


@given(n=st.integers(0, 5), m=st.one_of(st.none(), st.integers(0, 5)), k=st.integers(-6, 6),
       dtype=st.sampled_from(["float32", "float64", "int32", "int64", "bool", "uint8"]))
@settings(max_examples=examples(40), deadline=None)
def test_tri(n, m, k, dtype):
    assert_same(dnp.tri(n, m, k, dtype=dtype), onp.tri(n, m, k, dtype=dtype))


def test_tri_default_dtype_and_errors():
    assert dnp.tri(3).dtype == onp.float32  # MXNet's default float, as np.eye
    raises(ValueError, dnp.tri, -1)


@given(dims=st.lists(st.integers(0, 4), max_size=4), sparse=st.booleans(),
       dtype=st.sampled_from(["int32", "int64", "float32"]))
@settings(max_examples=examples(40), deadline=None)
def test_indices(dims, sparse, dtype):
    out = dnp.indices(tuple(dims), dtype=dtype, sparse=sparse)
    ref = onp.indices(tuple(dims), dtype=dtype, sparse=sparse)
    if sparse:
        assert isinstance(out, tuple) and len(out) == len(ref)
        for o, r in zip(out, ref):
            assert_same(o, r)
    else:
        assert_same(out, ref)


def test_indices_default_dtype_is_mxnets():
    # Recorded from MXNet 1.9.1: np.indices((2, 3)) is int32.
    assert_same(dnp.indices((2, 3)), onp.array([[[0, 0, 0], [1, 1, 1]], [[0, 1, 2], [0, 1, 2]]], dtype="int32"))


@given(start=st.floats(-3, 3), stop=st.floats(-3, 3), num=st.integers(0, 7), endpoint=st.booleans(),
       base=st.sampled_from([10.0, 2.0, 0.5]), dtype=st.sampled_from([None, "float64", "int64"]))
@settings(max_examples=examples(40), deadline=None)
def test_logspace(start, stop, num, endpoint, base, dtype):
    ref = onp.logspace(start, stop, num, endpoint, base, dtype=dtype or "float32")
    assert_same(dnp.logspace(start, stop, num, endpoint, base, dtype=dtype), ref, rtol=1e-6)


@given(start=st.sampled_from([1.0, 2.0, -1.0, -8.0, 0.5, 1000.0]), stop=st.sampled_from([1.0, 16.0, -2.0, 3.0, 1e-3]),
       num=st.integers(0, 7), endpoint=st.booleans(), dtype=st.sampled_from([None, "float64", "int32"]))
@settings(max_examples=examples(40), deadline=None)
def test_geomspace(start, stop, num, endpoint, dtype):
    compare(lambda: dnp.geomspace(start, stop, num, endpoint, dtype=dtype),
            lambda: onp.geomspace(start, stop, num, endpoint, dtype=dtype or "float32"), [], [], rtol=1e-6)


def test_ranges_with_array_ends_and_axis():
    start, stop = onp.array([0.0, 1.0]), onp.array([2.0, 3.0])
    out = dnp.logspace(dnp.array(start), dnp.array(stop), 3, axis=1, dtype="float64")
    assert_same(out, onp.logspace(start, stop, 3, axis=1))
    out = dnp.geomspace(dnp.array([1.0, 2.0]), dnp.array([4.0, 8.0]), 3, axis=-1, dtype="float64")
    assert_same(out, onp.geomspace([1.0, 2.0], [4.0, 8.0], 3, axis=-1))
    raises(ValueError, dnp.geomspace, 0, 1)


def test_shares_memory():
    x = dnp.arange(12).reshape(3, 4)
    cases = [(x[0], x[1]), (x[:, ::2], x[:, 1::2]), (x.T, x[2]), (x[::-1], x[0]), (x[:, 1:3], x[1:, 2]),
             (x, dnp.arange(12)), (x[1:1], x), (dnp.diagonal(x), x[1, 1:2])]
    host = onp.arange(12).reshape(3, 4)
    ref = [(host[0], host[1]), (host[:, ::2], host[:, 1::2]), (host.T, host[2]), (host[::-1], host[0]),
           (host[:, 1:3], host[1:, 2]), (host, onp.arange(12)), (host[1:1], host), (onp.diagonal(host), host[1, 1:2])]
    for (a, b), (ha, hb) in zip(cases, ref):
        assert dnp.shares_memory(a, b) == onp.shares_memory(ha, hb), (ha, hb)
        assert dnp.may_share_memory(a, b) == onp.may_share_memory(ha, hb), (ha, hb)
    # A NumPy array viewing a CPU array's memory shares it; a copy does not.
    assert dnp.shares_memory(x, onp.asarray(x))
    assert not dnp.shares_memory(x, x.asnumpy())
    assert not dnp.shares_memory([1, 2], [1, 2])


# ---- gradients ---------------------------------------------------------------------------------


def test_gradients():
    rng = onp.random.default_rng(0)
    x = rng.normal(size=(3, 4))
    v = rng.normal(size=(3,))
    b = rng.normal(size=(2, 2))
    check_grad(lambda a: dnp.diagonal(a, 1), x)
    check_grad(lambda a: dnp.diagonal(a[:, ::-1].T, -1), x)  # a copy path (no flattening view)
    check_grad(lambda a: dnp.trace(a.reshape(3, 2, 2), 0, 1, 2), x)
    check_grad(lambda a: dnp.diag(a, 2), v)
    check_grad(lambda a: dnp.diag(a, -1), x)
    check_grad(lambda a: dnp.diagflat(a, -2), b)
    check_grad(dnp.kron, x, b)
    check_grad(lambda a, c: dnp.kron(a[0], c), x, b)

"""Matrix products against NumPy: ``matmul`` / ``@`` (1-D promotion, broadcast batch axes,
empty sizes), ``dot`` (scalars, vectors, matrices, N-D), ``outer``, ``inner``, ``vdot``;
every dtype; transposed, strided, negative-step and broadcast (stride-0) operands; shape
errors that name both shapes."""

import operator

import numpy as onp
import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import assert_same, broadcast_shape_pairs, compare, dtypes, raises, shapes, views
from deepblocks import np as dnp


@st.composite
def matmul_shapes(draw, aligned=True):
    m, k, n = (draw(st.integers(0, 4)) for _ in range(3))
    kb = k if aligned else draw(st.integers(0, 4))
    ka_, kb_ = draw(st.sampled_from(["1d", "2d", "nd"])), draw(st.sampled_from(["1d", "2d", "nd"]))
    batch_a, batch_b = draw(broadcast_shape_pairs(max_dims=2, max_side=3))
    a = (k,) if ka_ == "1d" else (m, k) if ka_ == "2d" else batch_a + (m, k)
    b = (kb,) if kb_ == "1d" else (kb, n) if kb_ == "2d" else batch_b + (kb, n)
    return a, b


def product_atol(ha, hb):
    """Float32 products of up to a few terms of magnitude <= 1e3."""
    if "float32" not in (ha.dtype.name, hb.dtype.name):
        return 1e-9
    return 1e-6 * (1 + float(onp.abs(ha.astype("float64")).max(initial=0)) * float(onp.abs(hb.astype("float64")).max(initial=0)) * 8)


@given(data=st.data())
def test_matmul_matches_numpy(data):
    sa, sb = data.draw(matmul_shapes())
    ha, a = data.draw(views(data.draw(dtypes), sa))
    hb, b = data.draw(views(data.draw(dtypes), sb))
    atol = product_atol(ha, hb)
    compare(dnp.matmul, onp.matmul, (a, b), (ha, hb), atol=atol, rtol=1e-5)
    compare(operator.matmul, operator.matmul, (a, b), (ha, hb), atol=atol, rtol=1e-5)
    # NumPy operands on either side of @ give a deepblocks result.
    compare(operator.matmul, operator.matmul, (a, hb), (ha, hb), atol=atol, rtol=1e-5)
    compare(operator.matmul, operator.matmul, (ha, b), (ha, hb), atol=atol, rtol=1e-5)


@given(data=st.data())
def test_matmul_misaligned_shapes_raise_value_error(data):
    sa, sb = data.draw(matmul_shapes(aligned=False))
    ha, a = data.draw(views("float32", sa, kind="contig"))
    hb, b = data.draw(views("float32", sb, kind="contig"))
    compare(dnp.matmul, onp.matmul, (a, b), (ha, hb), atol=1e-3)


@given(data=st.data())
def test_matmul_large_float_products(data):
    """Sizes big enough for the gemm kernels' packed and parallel paths."""
    dtype = data.draw(st.sampled_from(["float32", "float64"]))
    m, k, n = (data.draw(st.integers(1, 70)) for _ in range(3))
    kind = data.draw(st.sampled_from(["contig", "transposed", "negative", "strided"]))
    ha, a = data.draw(views(dtype, (m, k), kind=kind, small=True))
    hb, b = data.draw(views(dtype, (k, n), kind=kind, small=True))
    atol = 1e-4 * k if dtype == "float32" else 1e-10 * k
    assert_same(a @ b, ha @ hb, atol=atol, rtol=1e-4)


def test_matmul_big_batched_and_threaded():
    rng = onp.random.default_rng(0)
    ha = rng.standard_normal((3, 130, 90)).astype("float32")
    hb = rng.standard_normal((90, 150)).astype("float32")
    assert_same(dnp.array(ha) @ dnp.array(hb), ha @ hb, atol=1e-3, rtol=1e-4)
    assert_same(dnp.array(ha).swapaxes(1, 2).swapaxes(1, 2) @ dnp.array(hb)[:, ::-1], ha @ hb[:, ::-1], atol=1e-3, rtol=1e-4)
    hi = rng.integers(-5, 5, (40, 30)).astype("int64")
    assert_same(dnp.array(hi) @ dnp.array(hi.T), hi @ hi.T)


@given(data=st.data())
def test_dot_matches_numpy(data):
    sa = data.draw(shapes(max_dims=3, max_side=3))
    if len(sa) and data.draw(st.booleans()):
        k = sa[-1]
        sb = data.draw(st.sampled_from([(k,), (k, 2), (1, k, 3), (2, k, 0)]))
    else:
        sb = data.draw(shapes(max_dims=3, max_side=3))
    ha, a = data.draw(views(data.draw(dtypes), sa))
    hb, b = data.draw(views(data.draw(dtypes), sb))
    atol = product_atol(ha, hb)
    compare(dnp.dot, onp.dot, (a, b), (ha, hb), atol=atol, rtol=1e-5)
    compare(lambda x, y: x.dot(y), lambda x, y: x.dot(y), (a, b), (ha, hb), atol=atol, rtol=1e-5)


@given(data=st.data())
def test_outer_inner_vdot(data):
    sa = data.draw(shapes(max_dims=2, max_side=4))
    sb = data.draw(shapes(max_dims=2, max_side=4))
    ha, a = data.draw(views(data.draw(dtypes), sa))
    hb, b = data.draw(views(data.draw(dtypes), sb))
    compare(dnp.outer, onp.outer, (a, b), (ha, hb), atol=product_atol(ha, hb), rtol=1e-5)
    if ha.size == hb.size and ha.dtype != bool and hb.dtype != bool:
        compare(dnp.vdot, onp.vdot, (a, b), (ha, hb), atol=product_atol(ha, hb), rtol=1e-5)
    if sa[-1:] == sb[-1:]:
        compare(dnp.inner, onp.inner, (a, b), (ha, hb), atol=product_atol(ha, hb), rtol=1e-5)


def test_integer_products_wrap_like_numpy():
    h = onp.array([[2**40, 3], [5, 2**33]], dtype="int64")
    assert_same(dnp.array(h) @ dnp.array(h), h @ h)
    u = onp.array([[200, 100], [7, 255]], dtype="uint8")
    assert_same(dnp.array(u) @ dnp.array(u), u @ u)
    b = onp.array([[True, False], [False, False]])
    assert_same(dnp.array(b) @ dnp.array(b), b @ b)


def test_shape_errors_name_the_shapes():
    a, b = dnp.ones((2, 3)), dnp.ones((4, 5))
    raises(ValueError, dnp.matmul, a, b, contains=["(2, 3)", "(4, 5)"])
    raises(ValueError, operator.matmul, a, b, contains=["(2, 3)", "(4, 5)"])
    raises(ValueError, dnp.dot, a, b, contains=["(2, 3)", "(4, 5)"])
    raises(ValueError, dnp.matmul, dnp.ones(()), a)
    raises(ValueError, dnp.matmul, dnp.ones((2, 2, 3)), dnp.ones((3, 3, 2)), contains=["(2, 2, 3)", "(3, 3, 2)"])
    raises(ValueError, dnp.dot, dnp.ones((2, 2, 3)), dnp.ones((2, 2, 2)), contains=["(2, 2, 3)", "(2, 2, 2)"])
    with pytest.raises(TypeError):
        dnp.ones((2, 2)) @ "a"

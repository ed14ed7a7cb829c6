"""Differential tests of deepblocks.np's set and selection functions against NumPy."""

import numpy as onp
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import assert_same, shapes, views
from deepblocks import np as dnp
from test_autograd_grads import check_grad

DT = st.sampled_from(["float32", "float64", "int32", "int64"])
S = settings(max_examples=25, deadline=None)


@S
@given(st.data(), DT, shapes(0, 2), shapes(0, 2))
def test_sets(data, dt, sa, sb):
    ha, da = data.draw(views(dt, sa, small=True))
    hb, db = data.draw(views(dt, sb, small=True))
    assert_same(dnp.isin(da, db), onp.isin(ha, hb))
    assert_same(dnp.isin(da, db, invert=True), onp.isin(ha, hb, invert=True))
    assert_same(dnp.union1d(da, db), onp.union1d(ha, hb))
    assert_same(dnp.setdiff1d(da, db), onp.setdiff1d(ha, hb))
    assert_same(dnp.setxor1d(da, db), onp.setxor1d(ha, hb))
    for got, ref in zip(dnp.intersect1d(da, db, return_indices=True), onp.intersect1d(ha, hb, return_indices=True)):
        assert_same(got, ref)
    assert_same(dnp.intersect1d(da, db), onp.intersect1d(ha, hb))


@S
@given(st.data(), DT, shapes(0, 3))
def test_unique_family(data, dt, shape):
    h, d = data.draw(views(dt, shape, small=True))
    for got, ref in zip(dnp.unique_all(d), onp.unique_all(h)):
        assert_same(got, ref)
    for got, ref in zip(dnp.unique_counts(d), onp.unique_counts(h)):
        assert_same(got, ref)
    for got, ref in zip(dnp.unique_inverse(d), onp.unique_inverse(h)):
        assert_same(got, ref)
    assert_same(dnp.unique_values(d), onp.sort(onp.unique_values(h)))


@S
@given(st.data(), DT, shapes(0, 3), st.booleans())
def test_count_ptp(data, dt, shape, keep):
    h, d = data.draw(views(dt, shape, small=True))
    assert_same(dnp.count_nonzero(d), onp.asarray(onp.count_nonzero(h)).astype("int64"))
    if h.ndim:
        ax = data.draw(st.integers(-h.ndim, h.ndim - 1))
        assert_same(dnp.count_nonzero(d, axis=ax, keepdims=keep), onp.count_nonzero(h, axis=ax, keepdims=keep))
        if h.shape[ax]:
            assert_same(dnp.ptp(d, axis=ax, keepdims=keep), onp.ptp(h, axis=ax, keepdims=keep))
    if h.size:
        assert_same(dnp.ptp(d), onp.ptp(h))
    else:
        with pytest.raises(ValueError):
            dnp.ptp(d)


@S
@given(st.data(), st.sampled_from(["float32", "float64", "int64"]), shapes(0, 2), st.booleans(), st.booleans())
def test_digitize(data, dt, shape, right, dec):
    h, d = data.draw(views(dt, shape, small=True))
    bins = onp.unique(data.draw(st.lists(st.integers(-20, 20), max_size=6))).astype(dt)
    if dec:
        bins = bins[::-1].copy()
    assert_same(dnp.digitize(d, dnp.array(bins), right=right), onp.digitize(h, bins, right=right))


def test_digitize_error():
    with pytest.raises(ValueError):
        dnp.digitize(dnp.array([1.0]), dnp.array([1.0, 3.0, 2.0]))


@S
@given(st.data(), st.sampled_from(["float32", "float64", "int64"]), shapes(0, 3, min_side=1))
def test_select_choose_where_family(data, dt, shape):
    h, d = data.draw(views(dt, shape, small=True))
    c1, c2 = h > 0, h < -5
    assert_same(dnp.select([dnp.array(c1), dnp.array(c2)], [d, d * 2], default=7),
                onp.select([c1, c2], [h, h * 2], default=7))
    assert_same(dnp.piecewise(d, [dnp.array(c1)], [lambda v: v * 3, 1]),
                onp.piecewise(h, [c1], [lambda v: v * 3, 1]))
    idx = data.draw(views("int64", shape, small=True))[0] % 3 - (1 if data.draw(st.booleans()) else 0)
    for mode in ("wrap", "clip", "raise"):
        try:
            ref = onp.choose(idx, [h, h + 1, h * 2], mode=mode)
        except ValueError:
            with pytest.raises(ValueError):
                dnp.choose(dnp.array(idx), [d, d + 1, d * 2], mode=mode)
            continue
        assert_same(dnp.choose(dnp.array(idx), [d, d + 1, d * 2], mode=mode), ref)


@S
@given(st.data(), DT, shapes(0, 3))
def test_extract_compress(data, dt, shape):
    h, d = data.draw(views(dt, shape, small=True))
    mask = h > 0
    assert_same(dnp.extract(dnp.array(mask), d), onp.extract(mask, h))
    if h.ndim:
        ax = data.draw(st.integers(-h.ndim, h.ndim - 1))
        cond = data.draw(st.lists(st.booleans(), max_size=h.shape[ax]))
        assert_same(dnp.compress(cond, d, axis=ax), onp.compress(cond, h, axis=ax))
    cond = data.draw(st.lists(st.booleans(), max_size=h.size))
    assert_same(dnp.compress(cond, d), onp.compress(cond, h))


@S
@given(st.data(), DT, shapes(1, 3, min_side=1))
def test_partition_contract(data, dt, shape):
    h, d = data.draw(views(dt, shape, small=True))
    ax = data.draw(st.integers(-h.ndim, h.ndim - 1))
    k = data.draw(st.integers(-h.shape[ax], h.shape[ax] - 1))
    ref = onp.partition(h, k, axis=ax)
    got = dnp.partition(d, k, axis=ax).asnumpy()
    kk = k % h.shape[ax]
    kth = onp.take(got, [kk], axis=ax)
    onp.testing.assert_array_equal(kth, onp.take(ref, [kk], axis=ax))
    assert (onp.take(got, range(kk), axis=ax) <= kth).all() and (onp.take(got, range(kk, h.shape[ax]), axis=ax) >= kth).all()
    idx = dnp.argpartition(d, k, axis=ax).asnumpy()
    onp.testing.assert_array_equal(onp.take_along_axis(h, idx, axis=ax), got)
    with pytest.raises(ValueError):
        dnp.partition(d, h.shape[ax], axis=ax)


@S
@given(st.data(), DT, shapes(1, 2), st.sampled_from(["f", "b", "fb"]))
def test_trim_zeros(data, dt, shape, trim):
    h, d = data.draw(views(dt, shape, small=True))
    h = onp.where(onp.abs(h) < 5, 0, h).astype(dt)
    assert_same(dnp.trim_zeros(dnp.array(h), trim), onp.trim_zeros(h, trim))


def test_errors():
    with pytest.raises(ValueError):
        dnp.select([], [])
    with pytest.raises(TypeError):
        dnp.select([dnp.array([1.0])], [dnp.array([1.0])])
    with pytest.raises(ValueError):
        dnp.choose(dnp.array([3], dtype="int64"), [dnp.array([1.0])])
    with pytest.raises(TypeError):
        dnp.ptp(dnp.array([True, False]))


def test_grads():
    rng = onp.random.default_rng(0)
    x = rng.standard_normal((3, 4))
    check_grad(lambda a: dnp.ptp(a, axis=1), x)
    check_grad(lambda a: dnp.select([a > 0, a < -0.5], [a * 2, a * a], default=1.0), x)
    check_grad(lambda a: dnp.piecewise(a, [a > 0], [lambda v: v * v, lambda v: -v]), x)
    check_grad(lambda a, b: dnp.choose(dnp.array([[0, 1, 1, 0]] * 3, dtype="int64"), [a, b]), x, x + 1)
    check_grad(lambda a: dnp.compress([True, False, True], a, axis=0), x)
    check_grad(lambda a: dnp.partition(a, 1, axis=1), x)

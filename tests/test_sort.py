"""Sorting: ``np.sort``, ``np.argsort``, ``ndarray.sort`` (in place) and ``ndarray.argsort``
against NumPy's stable sort (every dtype and view kind, 0-d and empty arrays, ``axis=None``,
NaN, infinities and signed zeros); ``npx.topk`` against a NumPy reference of MXNet's rules and
against values recorded from MXNet 1.9.1; the legacy ``nd.sort``/``nd.argsort``/``nd.topk``
and NDArray methods; gradients of sorted values by central finite differences; bad input.

Deliberate deviations from NumPy / MXNet:
- an axis out of range is a ValueError naming the shape (NumPy's AxisError is a ValueError
  and an IndexError);
- every ``kind`` is the same stable sort;
- NaN counts as the largest value in ``topk`` and descending sorts too (first when
  descending); MXNet 1.9.1 leaves NaN's place unspecified (its ``np.sort`` does not even move
  NaN to the end: ``[1, nan, 3, nan, 2]`` comes back unchanged);
- boolean input keeps its dtype (MXNet's ``np.sort`` of bools gives float32 values);
- ``ndarray.sort`` sorts in place as NumPy's does (MXNet 1.9.1's raises a TypeError).
"""

import numpy as onp
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import DTYPES, assert_same, dtypes, raises, shapes, views
from deepblocks import autograd, nd, npx
from deepblocks import np as dnp
from test_autograd_grads import check_grad, examples

view_kinds = st.sampled_from(["contig", "strided", "negative", "transposed", "mixed", "broadcast"])


@st.composite
def axis_of(draw, ndim, allow_bad=True):
    """None, an axis (negative too), and now and then one out of range."""
    options = [st.none()]
    if ndim:
        options.append(st.integers(-ndim, ndim - 1))
    if allow_bad:
        options.append(st.sampled_from([ndim, -ndim - 1]))
    return draw(st.one_of(options))


def bad_axis(shape, axis):
    return axis is not None and not -len(shape) <= axis < len(shape)


def descending_order(x, axis):
    """Positions sorting ``x`` along ``axis`` largest first, NaN first, equal elements in the
    order of their positions: NumPy's stable ascending sort of the reversed lanes, reversed."""
    n = x.shape[axis]
    rev = onp.argsort(onp.flip(x, axis), axis=axis, kind="stable")
    return n - 1 - onp.flip(rev, axis)


def reference_topk(x, axis, k, is_ascend):
    """(values, int64 positions, mask) of MXNet's topk on NumPy's ``x``."""
    flat = axis is None
    if flat:
        x, axis = x.reshape(-1), 0
    axis = axis % x.ndim
    n = x.shape[axis]
    k = n if k <= 0 else k
    order = onp.argsort(x, axis=axis, kind="stable") if is_ascend else descending_order(x, axis)
    idx = onp.take(order, onp.arange(k), axis=axis)
    values = onp.take_along_axis(x, idx, axis=axis)
    mask = onp.zeros(x.shape, x.dtype)
    onp.put_along_axis(mask, idx, 1, axis=axis)
    return values, idx, mask


# ---- np.sort, np.argsort -----------------------------------------------------------------------------


@settings(max_examples=examples(150), deadline=None)
@given(data=st.data(), dtype=dtypes, shape=shapes(max_dims=3, max_side=5), kind=view_kinds, special=st.booleans())
def test_sort_and_argsort_match_numpy(data, dtype, shape, kind, special):
    host, dev = data.draw(views(dtype, shape, kind=kind, special=special and dtype.startswith("float")))
    axis = data.draw(axis_of(len(shape)))
    if bad_axis(shape, axis):
        raises(ValueError, dnp.sort, dev, axis, contains=str(shape))
        raises(ValueError, dnp.argsort, dev, axis, contains=str(shape))
        return
    assert_same(dnp.sort(dev, axis=axis), onp.sort(host, axis=axis, kind="stable"))
    assert_same(dnp.argsort(dev, axis=axis), onp.argsort(host, axis=axis, kind="stable"))
    assert_same(dev.argsort(axis=axis), onp.argsort(host, axis=axis, kind="stable"))


@settings(max_examples=examples(60), deadline=None)
@given(data=st.data(), dtype=dtypes, shape=shapes(min_dims=1, max_dims=3, max_side=5),
       kind=st.sampled_from(["contig", "strided", "negative", "transposed", "mixed"]))
def test_ndarray_sort_sorts_in_place_through_views(data, dtype, shape, kind):
    host, dev, host_base, dev_base = data.draw(views(dtype, shape, kind=kind, return_base=True, special=True))
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    assert dev.sort(axis=axis) is None
    host.sort(axis=axis, kind="stable")
    assert_same(dev, host)
    assert_same(dev_base, host_base)


def test_nan_sorts_last_and_ties_keep_their_order():
    x = onp.array([2.0, onp.nan, -0.0, 1.0, 0.0, onp.nan, -onp.inf, 1.0], dtype="float32")
    assert_same(dnp.sort(dnp.array(x)), onp.sort(x))
    assert_same(dnp.argsort(dnp.array(x)), onp.argsort(x, kind="stable"))
    assert dnp.argsort(dnp.array(x)).tolist() == [6, 2, 4, 3, 7, 0, 1, 5]


def test_lists_scalars_and_zero_d():
    assert_same(dnp.sort([3, 1, 2]), onp.array([1.0, 2.0, 3.0], dtype="float32"))  # lists give float32 (MXNet)
    assert_same(dnp.sort(dnp.array(5, dtype="int32"), axis=None), onp.array([5], dtype="int32"))
    raises(ValueError, dnp.sort, dnp.array(5.0), contains="()")
    raises(ValueError, dnp.array(5.0).sort, contains="()")


def test_every_kind_is_the_stable_sort_and_order_is_refused():
    x = dnp.array([1, 0, 1, 0], dtype="int64")
    for kind in ("quicksort", "mergesort", "heapsort", "stable", None):
        assert dnp.argsort(x, kind=kind).tolist() == [1, 3, 0, 2]
    raises(ValueError, dnp.sort, x, kind="bogo", contains="kind")
    raises(ValueError, dnp.argsort, x, order="f", contains="order")
    raises(ValueError, x.sort, kind="bogo")


def test_long_arrays_sort_in_parallel():
    rng = onp.random.default_rng(0)
    x = rng.integers(0, 1000, size=300_000).astype("int32")  # many ties: stability shows
    assert_same(dnp.argsort(dnp.array(x)), onp.argsort(x, kind="stable"))
    rows = rng.standard_normal((600, 500))
    assert_same(dnp.sort(dnp.array(rows), axis=0), onp.sort(rows, axis=0))
    assert_same(dnp.argsort(dnp.array(rows), axis=1), onp.argsort(rows, axis=1, kind="stable"))


def _bits(a):
    """The array's bytes as unsigned integers: signs of zeros and NaN payloads count."""
    a = onp.ascontiguousarray(a)
    return a.view(f"u{a.dtype.itemsize}") if a.dtype.kind == "f" else a


def _special_lanes(dtype, shape, rng):
    """Random values of ``dtype`` with many ties and the extremes of the dtype; for floats
    also NaNs of both signs and two payloads, signed zeros and infinities."""
    if dtype == "bool":
        return rng.integers(0, 2, shape).astype(bool)
    if dtype.startswith("float"):
        ftype = onp.dtype(dtype)
        utype = f"u{ftype.itemsize}"
        pool = onp.array([0.0, -0.0, 1.5, -1.5, onp.inf, -onp.inf, onp.nan, -onp.nan, 2.0, -3.25,
                          onp.finfo(ftype).max, onp.finfo(ftype).tiny, -onp.finfo(ftype).smallest_subnormal], dtype)
        quiet = onp.array([onp.nan], dtype).view(utype)[0]
        payload = onp.array([quiet | 5], utype).view(dtype)  # a NaN that is not the default one
        pool = onp.concatenate([pool, payload, -payload, rng.standard_normal(20).astype(dtype)])
        return pool[rng.integers(0, len(pool), shape)]
    info = onp.iinfo(dtype)
    pool = onp.array([info.min, info.max, 0, 1, info.max - 1, info.min + 1], dtype)
    pool = onp.concatenate([pool, rng.integers(info.min, info.max, 20, dtype=dtype, endpoint=True)])
    return pool[rng.integers(0, len(pool), shape)]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape, axis", [((300, 40), -1), ((40, 300), 0), ((70_000,), 0)])
def test_radix_sort_is_numpys_stable_sort_bit_for_bit(dtype, shape, axis):
    # Short lanes shared among the threads, lanes along a strided axis, and one lane long
    # enough for the parallel sort; values alone (sort), positions alone (argsort), both
    # (sort while recording) and descending (topk over the whole axis, stable, NaN first).
    rng = onp.random.default_rng(len(shape) * 7 + DTYPES.index(dtype))
    host = _special_lanes(dtype, shape, rng)
    dev = dnp.array(host)
    order = onp.argsort(host, axis=axis, kind="stable")
    want = onp.take_along_axis(host, order, axis)
    assert (_bits(dnp.sort(dev, axis=axis).asnumpy()) == _bits(want)).all()
    assert (dnp.argsort(dev, axis=axis).asnumpy() == order).all()
    with autograd.record():
        recorded = dnp.sort(dev, axis=axis)
    assert (_bits(recorded.asnumpy()) == _bits(want)).all()
    down = descending_order(host, axis)
    values, idx = npx.topk(dev, axis=axis, k=0, ret_typ="both", dtype="int64")
    assert (idx.asnumpy() == down).all()
    assert (_bits(values.asnumpy()) == _bits(onp.take_along_axis(host, down, axis))).all()
    if dtype.startswith("float"):  # NaN last ascending, first descending; -0.0 before 0.0 where it came first
        assert onp.isnan(want.take(-1, axis)).any()


def test_one_long_lane_sorted_by_four_threads():
    # The parallel radix sort of one lane needs at least four threads: a child process with
    # four (on any number of cores), checked bit for bit against NumPy's stable sort.
    import os
    import subprocess
    import sys

    code = """
import numpy as onp
from deepblocks import autograd, np as dnp
rng = onp.random.default_rng(5)
x = onp.concatenate([rng.standard_normal(50_000), [0.0, -0.0, onp.nan, -onp.nan] * 5_000]).astype("float32")
rng.shuffle(x)
for host in (x, (x * 100).astype("int32"), x.astype("float64")):
    dev = dnp.array(host)
    order = onp.argsort(host, kind="stable")
    bits = lambda a: a.view(f"u{a.dtype.itemsize}")
    assert (bits(dnp.sort(dev).asnumpy()) == bits(host[order])).all()
    assert (dnp.argsort(dev).asnumpy() == order).all()
    with autograd.record():
        assert (bits(dnp.sort(dev).asnumpy()) == bits(host[order])).all()
print("ok")
"""
    env = dict(os.environ, DEEPBLOCKS_NUM_THREADS="4")
    run = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0 and run.stdout.strip() == "ok", run.stdout + run.stderr


def test_the_result_keeps_the_class_of_its_input():
    assert type(dnp.sort(nd.array([2, 1]))) is nd.NDArray
    assert type(dnp.sort(dnp.array([2, 1]))) is dnp.ndarray


# ---- npx.topk --------------------------------------------------------------------------------------------


@settings(max_examples=examples(150), deadline=None)
@given(data=st.data(), dtype=dtypes, shape=shapes(min_dims=1, max_dims=3, max_side=5), kind=view_kinds,
       is_ascend=st.booleans())
def test_topk_matches_the_reference(data, dtype, shape, kind, is_ascend):
    host, dev = data.draw(views(dtype, shape, kind=kind, special=dtype.startswith("float")))
    axis = data.draw(axis_of(len(shape)))
    if bad_axis(shape, axis):
        raises(ValueError, npx.topk, dev, axis=axis, contains=str(shape))
        return
    n = host.size if axis is None else shape[axis]
    k = data.draw(st.integers(-1, n + 1))
    if k > n:
        raises(ValueError, npx.topk, dev, axis=axis, k=k, contains="k = ")
        return
    values, idx, mask = reference_topk(host, axis, k, is_ascend)
    if axis is None:
        mask = mask.reshape(host.shape)
    got = npx.topk(dev, axis=axis, k=k, ret_typ="both", is_ascend=is_ascend)
    assert isinstance(got, list) and len(got) == 2
    assert_same(got[0], values)
    assert_same(got[1], idx.astype("float32"))
    assert_same(npx.topk(dev, axis=axis, k=k, ret_typ="value", is_ascend=is_ascend), values)
    assert_same(npx.topk(dev, axis=axis, k=k, is_ascend=is_ascend, dtype="int64"), idx)
    assert_same(npx.topk(dev, axis=axis, k=k, ret_typ="mask", is_ascend=is_ascend), mask)


# Recorded from MXNet 1.9.1 (mx.npx.topk and mx.nd.topk; np.sort/argsort; nd.sort/argsort).
MX_X = [[3.0, 1.0, 3.0, 2.0, 1.0], [0.0, 5.0, 5.0, 5.0, -1.0]]
MX_TOPK = [
    (dict(k=2), [[0.0, 2.0], [1.0, 2.0]]),
    (dict(k=2, ret_typ="value"), [[3.0, 3.0], [5.0, 5.0]]),
    (dict(k=2, ret_typ="mask"), [[1.0, 0.0, 1.0, 0.0, 0.0], [0.0, 1.0, 1.0, 0.0, 0.0]]),
    (dict(k=3, is_ascend=True, ret_typ="value"), [[1.0, 1.0, 2.0], [-1.0, 0.0, 5.0]]),
    (dict(k=3, is_ascend=True), [[1.0, 4.0, 3.0], [4.0, 0.0, 1.0]]),
    (dict(axis=0, k=1, ret_typ="value"), [[3.0, 5.0, 5.0, 5.0, 1.0]]),
    (dict(axis=0, k=1), [[0.0, 1.0, 1.0, 1.0, 0.0]]),
    (dict(axis=0, k=1, ret_typ="mask", is_ascend=True), [[0.0, 1.0, 1.0, 1.0, 0.0], [1.0, 0.0, 0.0, 0.0, 1.0]]),
    (dict(axis=None, k=3, ret_typ="value"), [5.0, 5.0, 5.0]),
    (dict(axis=None, k=3), [6.0, 7.0, 8.0]),
    (dict(axis=None, k=3, ret_typ="mask"), [[0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 1.0, 1.0, 1.0, 0.0]]),
    (dict(k=0), [[0.0, 2.0, 3.0, 1.0, 4.0], [1.0, 2.0, 3.0, 0.0, 4.0]]),
    (dict(k=-1, ret_typ="value"), [[3.0, 3.0, 2.0, 1.0, 1.0], [5.0, 5.0, 5.0, 0.0, -1.0]]),
    (dict(k=5), [[0.0, 2.0, 3.0, 1.0, 4.0], [1.0, 2.0, 3.0, 0.0, 4.0]]),
]


@pytest.mark.parametrize("kwargs,expected", MX_TOPK, ids=[str(k) for k, _ in MX_TOPK])
def test_topk_matches_mxnet(kwargs, expected):
    got = npx.topk(dnp.array(MX_X), **kwargs)
    assert got.dtype == onp.float32
    assert got.tolist() == expected
    legacy = nd.topk(nd.array(MX_X), **kwargs)
    assert type(legacy) is nd.NDArray and legacy.asnumpy().tolist() == expected


def test_topk_dtypes_as_mxnet():
    xi = dnp.array([[3, 1, 3, 2]], dtype="int32")
    values, idx = npx.topk(xi, k=2, ret_typ="both")
    assert values.dtype == onp.int32 and values.tolist() == [[3, 3]]
    assert idx.dtype == onp.float32 and idx.tolist() == [[0.0, 2.0]]
    assert npx.topk(xi, k=2, ret_typ="mask").dtype == onp.int32  # the data's dtype
    assert npx.topk(xi, k=2, dtype="int32").dtype == onp.int32
    assert npx.topk(xi, k=2, dtype="float64").dtype == onp.float64
    assert npx.topk(dnp.array([[3, 1, 3, 2]], dtype="uint8"), k=2, dtype="uint8").tolist() == [[0, 2]]
    raises(ValueError, npx.topk, xi, dtype="bool", contains="dtype")


def test_topk_bad_input():
    x = dnp.array(MX_X)
    raises(ValueError, npx.topk, x, ret_typ="bad", contains="ret_typ")
    raises(ValueError, npx.topk, x, k=6, contains="(2, 5)")  # MXNet: "k must be smaller than 5"
    raises(ValueError, npx.topk, x, axis=2, contains="(2, 5)")
    raises(ValueError, npx.topk, dnp.array(3.0), contains="()")  # 0-d: no axis -1, as MXNet
    raises(ValueError, npx.topk, dnp.zeros((2, 0)), k=1)
    assert npx.topk(dnp.zeros((2, 0)), k=0, ret_typ="value").shape == (2, 0)  # MXNet too


# ---- legacy nd --------------------------------------------------------------------------------------------


def test_legacy_sort_and_argsort_match_mxnet():
    # Recorded from MXNet 1.9.1.
    x = nd.array(MX_X)
    cases = [
        (nd.sort(x), [[1.0, 1.0, 2.0, 3.0, 3.0], [-1.0, 0.0, 5.0, 5.0, 5.0]]),
        (nd.sort(x, is_ascend=False), [[3.0, 3.0, 2.0, 1.0, 1.0], [5.0, 5.0, 5.0, 0.0, -1.0]]),
        (nd.sort(x, axis=None), [-1.0, 0.0, 1.0, 1.0, 2.0, 3.0, 3.0, 5.0, 5.0, 5.0]),
        (nd.sort(x, axis=0), [[0.0, 1.0, 3.0, 2.0, -1.0], [3.0, 5.0, 5.0, 5.0, 1.0]]),
        (nd.argsort(x), [[1.0, 4.0, 3.0, 0.0, 2.0], [4.0, 0.0, 1.0, 2.0, 3.0]]),
        (nd.argsort(x, is_ascend=False), [[0.0, 2.0, 3.0, 1.0, 4.0], [1.0, 2.0, 3.0, 0.0, 4.0]]),
        (nd.argsort(x, axis=None), [9.0, 5.0, 1.0, 4.0, 3.0, 0.0, 2.0, 6.0, 7.0, 8.0]),
        (x.sort(), [[1.0, 1.0, 2.0, 3.0, 3.0], [-1.0, 0.0, 5.0, 5.0, 5.0]]),
        (x.argsort(is_ascend=False), [[0.0, 2.0, 3.0, 1.0, 4.0], [1.0, 2.0, 3.0, 0.0, 4.0]]),
        (x.topk(k=2, ret_typ="value"), [[3.0, 3.0], [5.0, 5.0]]),
    ]
    for got, expected in cases:
        assert type(got) is nd.NDArray and got.dtype == onp.float32
        assert got.asnumpy().tolist() == expected
    assert x.asnumpy().tolist() == MX_X  # NDArray.sort returns a new array
    assert nd.argsort(x, dtype="int64").dtype == onp.int64
    xi = nd.array([[3, 1, 3, 2]], dtype="int32")
    assert nd.sort(xi).dtype == onp.int32 and nd.sort(xi).asnumpy().tolist() == [[1, 2, 3, 3]]
    assert nd.argsort(xi).dtype == onp.float32 and nd.argsort(xi).asnumpy().tolist() == [[1.0, 3.0, 0.0, 2.0]]
    assert nd.argsort(xi, is_ascend=False).asnumpy().tolist() == [[0.0, 2.0, 3.0, 1.0]]


def test_legacy_topk_defaults_and_out():
    x = nd.array([[1.0, 2.0], [4.0, 3.0]])
    top = nd.topk(x)
    assert type(top) is nd.NDArray and top.shape == (2, 1) and top.asnumpy().tolist() == [[1.0], [0.0]]
    assert nd.topk(x, k=1, axis=None).asnumpy().tolist() == [2.0]
    both = nd.topk(x, k=1, ret_typ="both")
    assert isinstance(both, list) and all(type(b) is nd.NDArray for b in both)
    out = nd.zeros((2, 2))
    assert nd.sort(x, is_ascend=False, out=out) is out
    assert out.asnumpy().tolist() == [[2.0, 1.0], [4.0, 3.0]]
    raises(ValueError, nd.sort, x, axis=3, contains="(2, 2)")


# ---- gradients ---------------------------------------------------------------------------------------------


def distinct(shape, seed):
    """Values at least 0.1 apart, so that a step of the finite differences keeps the order."""
    rng = onp.random.default_rng(seed)
    n = int(onp.prod(shape))
    return (rng.permutation(n) * 0.1 + rng.uniform(-0.02, 0.02, n)).reshape(shape)


grad_cases = st.sampled_from([((5,), -1), ((3, 4), 0), ((3, 4), 1), ((2, 3, 4), 1), ((2, 3, 4), None), ((1, 3), -1)])


@settings(max_examples=examples(30), deadline=None)
@given(case=grad_cases, seed=st.integers(0, 2**32 - 1), descending=st.booleans())
def test_sort_gradient(case, seed, descending):
    shape, axis = case
    check_grad(lambda x: dnp.sort(x, axis=axis), distinct(shape, seed))
    check_grad(lambda x: nd.sort(x, axis=axis, is_ascend=not descending), distinct(shape, seed),
               make=lambda a: nd.array(a, dtype="float64"))


@settings(max_examples=examples(30), deadline=None)
@given(case=grad_cases, seed=st.integers(0, 2**32 - 1), is_ascend=st.booleans(), data=st.data())
def test_topk_gradient(case, seed, is_ascend, data):
    shape, axis = case
    n = int(onp.prod(shape)) if axis is None else shape[axis]
    k = data.draw(st.integers(0, n))
    check_grad(lambda x: npx.topk(x, axis=axis, k=k, ret_typ="value", is_ascend=is_ascend), distinct(shape, seed))
    check_grad(lambda x: npx.topk(x, axis=axis, k=k, ret_typ="both", is_ascend=is_ascend)[0], distinct(shape, seed))


def test_gradient_scatters_to_the_source_positions():
    x = dnp.array([[3.0, 1.0, 2.0], [0.0, 5.0, 4.0]])
    x.attach_grad()
    with autograd.record():
        y = npx.topk(x, k=2, ret_typ="value")
    y.backward(dnp.array([[1.0, 10.0], [100.0, 1000.0]]))
    assert x.grad.tolist() == [[1.0, 0.0, 10.0], [0.0, 100.0, 1000.0]]
    # Second order: the gradient is linear in the head gradient and constant in x.
    x.attach_grad()
    with autograd.record():
        y = dnp.sort(x, axis=1)
        g = autograd.grad((y * y).sum(), [x], create_graph=True)[0]
    g.backward()
    assert x.grad.tolist() == [[2.0, 2.0, 2.0], [2.0, 2.0, 2.0]]


def test_indices_and_masks_are_not_differentiable():
    x = dnp.array([3.0, 1.0, 2.0])
    x.attach_grad()
    with autograd.record():
        loss = npx.topk(x, k=2).sum() + npx.topk(x, k=2, ret_typ="mask").sum() + dnp.argsort(x).astype("float64").sum()
        loss = loss + (dnp.sort(x) * 2).sum()
    loss.backward()
    assert x.grad.tolist() == [2.0, 2.0, 2.0]


def test_sorting_a_variable_in_place_while_recording_is_refused():
    x = dnp.array([3.0, 1.0])
    x.attach_grad()
    with autograd.record():
        with pytest.raises(Exception) as e:
            x.sort()
    assert "Rust panic" not in str(e.value)


@pytest.mark.parametrize("dtype", DTYPES)
def test_every_dtype(dtype):
    host = onp.array([[2, 0, 1, 1], [1, 1, 0, 3]]).astype(dtype)
    dev = dnp.array(host)
    assert_same(dnp.sort(dev), onp.sort(host))
    assert_same(dnp.argsort(dev, axis=0), onp.argsort(host, axis=0, kind="stable"))
    values, idx, _ = reference_topk(host, -1, 2, False)
    assert_same(npx.topk(dev, k=2, ret_typ="value"), values)
    assert_same(npx.topk(dev, k=2, dtype="int64"), idx)

"""``np.roll``, ``rot90``, ``append``, ``insert``, ``delete``, the splits, ``dstack``,
``column_stack``, ``row_stack`` and ``atleast_*d`` against NumPy (every dtype; 0-d, empty,
negative axes, non-contiguous and negative-step views), which of them are views, their
errors, and their gradients by central differences."""

import numpy as onp
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import assert_same, compare, dtypes, raises, shapes, shares_memory, views
from deepblocks import np as dnp
from test_autograd_grads import check_grad, examples


def same_list(dev, host):
    assert isinstance(dev, list) and len(dev) == len(host)
    for d, h in zip(dev, host):
        assert_same(d, h)


@settings(max_examples=examples(60), deadline=None)
@given(data=st.data(), dtype=dtypes, shape=shapes(max_dims=3))
def test_roll(data, dtype, shape):
    host, dev = data.draw(views(dtype, shape))
    nd = len(shape)
    form = data.draw(st.sampled_from(["none", "int", "tuple"] if nd else ["none"]))
    shift = data.draw(st.integers(-7, 7))
    if form == "none":
        axis = None
    elif form == "int":
        axis = data.draw(st.integers(-nd - 1, nd))  # one out of range at each end
    else:
        axis = tuple(data.draw(st.lists(st.integers(-nd, nd - 1), min_size=1, max_size=3)))
        shift = tuple(data.draw(st.integers(-7, 7)) for _ in axis) if data.draw(st.booleans()) else shift
    compare(lambda a: dnp.roll(a, shift, axis), lambda a: onp.roll(a, shift, axis), [dev], [host])


def test_roll_errors_and_copy():
    x = dnp.arange(6).reshape(2, 3)
    raises(ValueError, dnp.roll, x, [[1, 2]], (0, 1))
    raises(IndexError, dnp.roll, x, 1, 2)
    y = dnp.roll(x, 0, 0)
    assert not shares_memory(x, y)  # a new array even when nothing moves, as NumPy's


@settings(max_examples=examples(60), deadline=None)
@given(data=st.data(), dtype=dtypes, shape=shapes(min_dims=2, max_dims=4))
def test_rot90_is_a_view(data, dtype, shape):
    host, dev = data.draw(views(dtype, shape))
    nd = len(shape)
    k = data.draw(st.integers(-5, 5))
    axes = (data.draw(st.integers(-nd, nd - 1)), data.draw(st.integers(-nd, nd - 1)))
    ref, err = None, None
    try:
        ref = onp.rot90(host, k, axes)
    except ValueError as e:
        err = e
    if err is not None:
        raises(ValueError, dnp.rot90, dev, k, axes)
        return
    out = dnp.rot90(dev, k, axes)
    assert_same(out, ref)
    assert shares_memory(out, dev)


def test_rot90_errors():
    x = dnp.zeros((2, 3))
    raises(ValueError, dnp.rot90, x, 1, (0,), contains="len(axes)")
    raises(ValueError, dnp.rot90, x, 1, (0, 3), contains="out of range")
    raises(ValueError, dnp.rot90, x, 1, (1, -1), contains="different")


@settings(max_examples=examples(60), deadline=None)
@given(data=st.data(), d1=dtypes, d2=dtypes, shape=shapes(max_dims=3))
def test_append(data, d1, d2, shape):
    host, dev = data.draw(views(d1, shape))
    nd = len(shape)
    axis = data.draw(st.sampled_from([None] + list(range(-nd - 1, nd + 1))))
    vshape = list(shape)
    if axis is not None and -nd <= axis < nd and data.draw(st.booleans()):
        vshape[axis] = data.draw(st.integers(0, 3))
    if data.draw(st.booleans()) and vshape:
        vshape[0] += 1  # a mismatched shape: an error unless flattened
    hv, dv = data.draw(views(d2, tuple(vshape)))
    compare(lambda a, b: dnp.append(a, b, axis), lambda a, b: onp.append(a, b, axis), [dev, dv], [host, hv])


@st.composite
def insert_positions(draw, n):
    form = draw(st.sampled_from(["int", "list", "slice", "one", "bool", "empty"]))
    if form == "int":
        return draw(st.integers(-n - 1, n + 1))
    if form == "one":
        return [draw(st.integers(-n, n))]
    if form == "list":
        # (NumPy gives odd results for positions outside [-n, n] in a list, not compared)
        return draw(st.lists(st.integers(-n, n), min_size=2, max_size=4))
    if form == "bool":
        return onp.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)), dtype=bool)
    if form == "empty":
        return []
    return slice(draw(st.integers(-3, 3)), draw(st.integers(-3, 4)), draw(st.sampled_from([1, 2, -1])))


@settings(max_examples=examples(80), deadline=None)
@given(data=st.data(), dtype=dtypes, shape=shapes(max_dims=3))
def test_insert(data, dtype, shape):
    host, dev = data.draw(views(dtype, shape))
    nd = len(shape)
    axis = data.draw(st.sampled_from([None] + list(range(-nd, nd))))
    n = host.size if axis is None else shape[axis]
    obj = data.draw(insert_positions(n))
    # Values: a scalar, or an array to broadcast into the new slots (shape maybe wrong).
    vshape = data.draw(st.sampled_from([(), (1,), (2,), (1, 1), tuple(shape)[-1:], (3, 1)]))
    hv = onp.arange(1, 1 + int(onp.prod(vshape)), dtype=onp.int64).reshape(vshape) * 3
    compare(lambda a: dnp.insert(a, obj, hv, axis), lambda a: onp.insert(a, obj, hv, axis), [dev], [host])


def test_insert_values_as_arrays_and_errors():
    host = onp.arange(6, dtype=onp.int32).reshape(2, 3)
    dev = dnp.array(host)
    # A deepblocks array of values is cast to arr's dtype, as NumPy's.
    assert_same(dnp.insert(dev, 1, dnp.array([7.9, 8.2, -1.5]), axis=0), onp.insert(host, 1, [7.9, 8.2, -1.5], axis=0))
    assert_same(dnp.insert(dev, [0, 3], dnp.array([[5], [6]], dtype="int32"), axis=1),
                onp.insert(host, [0, 3], [[5], [6]], axis=1))
    raises(IndexError, dnp.insert, dev, 5, 0, axis=1, contains="out of bounds")
    raises(IndexError, dnp.insert, dev, 1, 0, axis=2)
    raises(ValueError, dnp.insert, dev, [[1]], 0, axis=1, contains="one dimensional")
    raises(IndexError, dnp.insert, dev, [0.5, 1.5], 0, axis=1)
    raises(IndexError, dnp.insert, dev, [0, 4], 0, axis=1, contains="out of bounds")


@settings(max_examples=examples(80), deadline=None)
@given(data=st.data(), dtype=dtypes, shape=shapes(max_dims=3))
def test_delete(data, dtype, shape):
    host, dev = data.draw(views(dtype, shape))
    nd = len(shape)
    axis = data.draw(st.sampled_from([None] + list(range(-nd - 1, nd + 1))))
    n = host.size if axis is None or not -nd <= axis < nd else shape[axis]
    form = data.draw(st.sampled_from(["int", "list", "slice", "bool", "empty", "badbool"]))
    if form == "int":
        obj = data.draw(st.integers(-n - 1, n))
    elif form == "list":
        obj = data.draw(st.lists(st.integers(-n - 1, n), min_size=2, max_size=4))
    elif form == "bool":
        obj = onp.array(data.draw(st.lists(st.booleans(), min_size=n, max_size=n)), dtype=bool)
    elif form == "badbool":
        obj = onp.ones(n + 1, dtype=bool)
    elif form == "empty":
        obj = []
    else:
        obj = slice(data.draw(st.integers(-3, 3)), data.draw(st.integers(-3, 4)), data.draw(st.sampled_from([1, 2, -1, -2])))
    compare(lambda a: dnp.delete(a, obj, axis), lambda a: onp.delete(a, obj, axis), [dev], [host])


def test_delete_float_positions_are_an_index_error():
    raises(IndexError, dnp.delete, dnp.arange(4), [0.5], 0)


@pytest.mark.parametrize("name,min_ndim", [("hsplit", 1), ("vsplit", 2), ("dsplit", 3)])
@settings(max_examples=examples(25), deadline=None)
@given(data=st.data(), dtype=dtypes, shape=shapes(max_dims=4, max_side=6))
def test_splits_are_views(name, min_ndim, data, dtype, shape):
    host, dev = data.draw(views(dtype, shape))
    ios = data.draw(st.one_of(st.integers(1, 4), st.lists(st.integers(-2, 7), max_size=3)))
    ref, err = None, None
    try:
        ref = getattr(onp, name)(host, ios)
    except (ValueError, IndexError) as e:
        err = e
    if err is not None:
        raises(ValueError, getattr(dnp, name), dev, ios)
        return
    out = getattr(dnp, name)(dev, ios)
    same_list(out, ref)
    for part in out:
        assert part.size == 0 or shares_memory(part, dev)


@pytest.mark.parametrize("name", ["dstack", "column_stack", "row_stack", "vstack", "hstack"])
@settings(max_examples=examples(30), deadline=None)
@given(data=st.data(), d1=dtypes, d2=dtypes, shape=shapes(max_dims=3, max_side=3))
def test_stacks(name, data, d1, d2, shape):
    h1, v1 = data.draw(views(d1, shape))
    other = tuple(shape) if data.draw(st.booleans()) else data.draw(shapes(max_dims=3, max_side=3))
    h2, v2 = data.draw(views(d2, other))
    ref_fn = onp.vstack if name == "row_stack" else getattr(onp, name)  # row_stack: vstack's old name
    compare(lambda a, b: getattr(dnp, name)([a, b]), lambda a, b: ref_fn([a, b]), [v1, v2], [h1, h2])


@pytest.mark.parametrize("name", ["atleast_1d", "atleast_2d", "atleast_3d"])
@settings(max_examples=examples(30), deadline=None)
@given(data=st.data(), dtype=dtypes, shape=shapes(max_dims=4))
def test_atleast(name, data, dtype, shape):
    host, dev = data.draw(views(dtype, shape))
    out = getattr(dnp, name)(dev)
    assert_same(out, getattr(onp, name)(host))
    assert shares_memory(out, dev)
    if out.ndim == dev.ndim:
        assert out is dev  # already fits: the input itself, as NumPy's
    both = getattr(dnp, name)(dev, dnp.array(1.0))
    assert isinstance(both, list) and len(both) == 2  # several inputs: a list, as MXNet's
    assert_same(both[1], getattr(onp, name)(onp.array(1.0, dtype="float32")))


# ---- gradients ---------------------------------------------------------------------------------


def test_gradients():
    rng = onp.random.default_rng(0)
    x = rng.normal(size=(3, 4))
    y = rng.normal(size=(3, 2))
    check_grad(lambda a: dnp.roll(a, (1, -2), (0, 1)), x)
    check_grad(lambda a: dnp.roll(a[:, ::-1], 5), x)
    check_grad(lambda a: dnp.rot90(a, 3), x)
    check_grad(lambda a, b: dnp.append(a, b, axis=1), x, y)
    check_grad(lambda a, b: dnp.insert(a, [1, 1, 3], b[:, :1], axis=1), x, y)
    check_grad(lambda a, b: dnp.insert(a, 2, b[0], axis=None), x, y)
    check_grad(lambda a: dnp.delete(a, [0, 2], axis=1), x)
    check_grad(lambda a: dnp.hsplit(a, [1, 3]), x)
    check_grad(lambda a: dnp.vsplit(a, 3), x)
    check_grad(lambda a: dnp.dsplit(a.reshape(3, 2, 2), 2), x)
    check_grad(lambda a, b: dnp.dstack([a[:, :2], b]), x, y)
    check_grad(lambda a, b: dnp.column_stack([a[:, 0], b]), x, y)
    check_grad(lambda a, b: dnp.row_stack([a[:, :2], b]), x, y)
    check_grad(lambda a: dnp.atleast_3d(a), x)


def test_delete_with_np_array_positions_follows_mxnet():
    # Recorded from MXNet 1.9.1: np.delete(np.arange(5), np.array([1, -2, 9], dtype='int64'))
    # -> [0. 2. 3. 4.]; [4, 4] -> [0. 1. 2. 3.]; [0, -1] -> [1. 2. 3. 4.]
    a = dnp.arange(5)
    assert dnp.delete(a, dnp.array([1, -2, 9], dtype="int64")).tolist() == [0.0, 2.0, 3.0, 4.0]
    assert dnp.delete(a, dnp.array([4, 4], dtype="int64")).tolist() == [0.0, 1.0, 2.0, 3.0]
    assert dnp.delete(a, dnp.array([0, -1], dtype="int64")).tolist() == [1.0, 2.0, 3.0, 4.0]
    # A list keeps NumPy's rule.
    assert dnp.delete(a, [0, -1]).tolist() == [1.0, 2.0, 3.0]

"""Shape functions against NumPy: reshape (-1, tuple and varargs forms), transpose / .T,
swapaxes, moveaxis, expand_dims, squeeze, broadcast_to, flatten, ravel, concatenate (axis
None too), stack, vstack, hstack, split, array_split, tile, repeat, flip / fliplr / flipud,
take; and views against copies: where NumPy returns a view, deepblocks returns one too, and a
write through it reaches the base exactly as in NumPy.

Deliberate deviation: ``repeat`` takes one int (NumPy also takes an array of repeats).
"""

import numpy as onp
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from conftest import assert_same, compare, dtypes, host_arrays, raises, shapes, shares_memory, to_dev, views
from deepblocks import np as dnp


def check_view_semantics(data, dev_result, host_result, dev_base, host_base, writable=True):
    """``dev_result`` is a view of ``dev_base`` exactly when NumPy's result is one of its base,
    and writing through the view changes the base as it does in NumPy."""
    assert_same(dev_result, host_result)
    if not isinstance(host_result, onp.ndarray) or host_result.size == 0:
        # NumPy gives a scalar for some 0-d results (`x[()]`, `flip` of a 0-d array), where
        # deepblocks, which has no scalar type, gives a 0-d array (a view, as MXNet would).
        return
    numpy_view = onp.shares_memory(host_result, host_base)
    assert shares_memory(dev_result, dev_base) == numpy_view, f"view: deepblocks {not numpy_view}, NumPy {numpy_view}"
    if numpy_view and writable and host_result.flags.writeable:
        value = data.draw(host_arrays(host_result.dtype, host_result.shape), label="written")
        host_result[...] = value
        dev_result[...] = to_dev(value)
        assert_same(dev_base, host_base)


def draw_base(data, shape=None, kind=None, min_dims=0):
    shape = data.draw(shapes(min_dims=min_dims)) if shape is None else shape
    kind = kind or data.draw(st.sampled_from(["contig", "strided", "negative", "transposed", "mixed"]))
    return data.draw(views(data.draw(dtypes), shape, kind=kind, return_base=True))


@st.composite
def reshape_targets(draw, shape):
    """A shape of the same size, sometimes with one -1."""
    n = int(onp.prod(shape))
    if n == 0:
        target = list(draw(st.sampled_from([(0,), (0, 3), (2, 0, 1), (0, 0)])))
    else:
        target, rest = [], n
        while rest > 1 and len(target) < 4:
            d = draw(st.sampled_from([k for k in range(1, rest + 1) if rest % k == 0]))
            target.append(d)
            rest //= d
        if rest > 1:
            target.append(rest)
        target += [1] * draw(st.integers(0, 1))
        target = draw(st.permutations(target))
        if target and draw(st.booleans()):
            target[draw(st.integers(0, len(target) - 1))] = -1
    return tuple(target)


@given(data=st.data())
def test_reshape(data):
    host, dev, hb, db = draw_base(data)
    target = data.draw(reshape_targets(host.shape))
    hr = host.reshape(target)
    check_view_semantics(data, dev.reshape(target), hr, db, hb)
    assert_same(dev.reshape(*target) if target else dev.reshape(()), host.reshape(target))
    assert_same(dnp.reshape(dev, target), onp.reshape(host, target))


def test_reshape_errors():
    x = dnp.ones((2, 3))
    raises(ValueError, x.reshape, (4, 2), contains=["(2, 3)", "(4, 2)"])
    raises(ValueError, x.reshape, (-1, -1))
    raises(ValueError, x.reshape, (-1, 4), contains="(-1, 4)")
    raises(ValueError, x.reshape, (-2, 3))
    raises(TypeError, x.reshape, (2.0, 3))
    raises(TypeError, x.reshape)


@given(data=st.data())
def test_transpose_family(data):
    host, dev, hb, db = draw_base(data)
    nd = host.ndim
    perm = tuple(data.draw(st.permutations(range(nd))))
    neg = tuple(p - nd if data.draw(st.booleans()) else p for p in perm)
    check_view_semantics(data, dev.transpose(neg), host.transpose(neg), db, hb)
    check_view_semantics(data, dev.T, host.T, db, hb)
    assert_same(dev.transpose(), host.transpose())
    assert_same(dnp.transpose(dev, neg), onp.transpose(host, neg))
    if nd:
        assert_same(dev.transpose(*neg), host.transpose(*neg))
        a1, a2 = data.draw(st.integers(-nd, nd - 1)), data.draw(st.integers(-nd, nd - 1))
        check_view_semantics(data, dev.swapaxes(a1, a2), host.swapaxes(a1, a2), db, hb)
        assert_same(dnp.swapaxes(dev, a1, a2), onp.swapaxes(host, a1, a2))
        k = data.draw(st.integers(1, nd))
        src = tuple(data.draw(st.permutations(range(nd)))[:k])
        dst = tuple(data.draw(st.permutations(range(-nd, 0)))[:k])
        check_view_semantics(data, dnp.moveaxis(dev, src, dst), onp.moveaxis(host, src, dst), db, hb)
        assert_same(dnp.moveaxis(dev, src[0], dst[0]), onp.moveaxis(host, src[0], dst[0]))
    compare(lambda x: x.transpose((0,) * (nd + 1)), lambda x: x.transpose((0,) * (nd + 1)), (dev,), (host,))


@given(data=st.data())
def test_expand_dims_and_squeeze(data):
    host, dev, hb, db = draw_base(data)
    nd = host.ndim
    axis = data.draw(st.integers(-nd - 1, nd) | st.lists(st.integers(-nd - 2, nd + 1), min_size=1, max_size=2, unique=True).map(tuple))
    compare(dnp.expand_dims, onp.expand_dims, (dev, axis), (host, axis))
    if onp.ndim(axis) == 0 or len(set(a % (nd + len(axis)) for a in axis)) == len(axis):
        try:
            hr = onp.expand_dims(host, axis)
        except onp.exceptions.AxisError:
            pass
        else:
            check_view_semantics(data, dnp.expand_dims(dev, axis), hr, db, hb)
    check_view_semantics(data, dnp.squeeze(dev), onp.squeeze(host), db, hb)
    if nd:
        sq = data.draw(st.integers(-nd, nd - 1))
        compare(dnp.squeeze, onp.squeeze, (dev, sq), (host, sq))
        compare(lambda x, a: x.squeeze(axis=a), lambda x, a: x.squeeze(axis=a), (dev, (sq,)), (host, (sq,)))


@given(data=st.data())
def test_broadcast_to_and_broadcast_arrays(data):
    host, dev, hb, db = draw_base(data)
    extra = data.draw(shapes(max_dims=2))
    target = extra + tuple(data.draw(st.sampled_from([d, 3])) if d == 1 else d for d in host.shape)
    check_view_semantics(data, dnp.broadcast_to(dev, target), onp.broadcast_to(host, target), db, hb, writable=False)
    assert_same(dev.broadcast_to(target), onp.broadcast_to(host, target))
    bad = data.draw(shapes(max_dims=3))
    compare(dnp.broadcast_to, onp.broadcast_to, (dev, bad), (host, bad))
    h2, d2 = data.draw(views(data.draw(dtypes), target[len(extra):][1:]))
    for got, ref in zip(dnp.broadcast_arrays(dev, d2), onp.broadcast_arrays(host, h2)):
        assert_same(got, ref)


@given(data=st.data())
def test_flatten_copies_and_ravel_views(data):
    host, dev, hb, db = draw_base(data)
    f = dev.flatten()
    assert_same(f, host.flatten())
    if host.size:
        assert not shares_memory(f, db)
    check_view_semantics(data, dev.ravel(), host.ravel(), db, hb)
    check_view_semantics(data, dnp.ravel(dev), onp.ravel(host), db, hb)


@given(data=st.data())
def test_flip(data):
    host, dev, hb, db = draw_base(data)
    nd = host.ndim
    axis = data.draw(st.none() | st.integers(-nd - 1, nd) | st.lists(st.integers(-nd, max(nd - 1, 0)), max_size=nd, unique=True).map(tuple))
    ref, err = None, None
    try:
        ref = onp.flip(host, axis)
    except (ValueError, IndexError) as e:
        err = e
    if err is not None:
        compare(dnp.flip, onp.flip, (dev, axis), (host, axis))
    else:
        check_view_semantics(data, dnp.flip(dev, axis), ref, db, hb)
    if nd >= 2:
        check_view_semantics(data, dnp.fliplr(dev), onp.fliplr(host), db, hb)
    if nd >= 1:
        check_view_semantics(data, dnp.flipud(dev), onp.flipud(host), db, hb)


@given(data=st.data())
def test_concatenate_and_stack(data):
    shape = data.draw(shapes(min_dims=1, max_dims=3))
    nd = len(shape)
    axis = data.draw(st.integers(-nd, nd - 1))
    parts_h, parts_d = [], []
    for _ in range(data.draw(st.integers(1, 3))):
        s = list(shape)
        s[axis] = data.draw(st.integers(0, 3))
        h, d = data.draw(views(data.draw(dtypes), tuple(s)))
        parts_h.append(h)
        parts_d.append(d)
    assert_same(dnp.concatenate(parts_d, axis=axis), onp.concatenate(parts_h, axis=axis))
    assert_same(dnp.concatenate(parts_d, axis=None), onp.concatenate(parts_h, axis=None))
    assert_same(dnp.concatenate(tuple(parts_d), axis), onp.concatenate(tuple(parts_h), axis))
    same = [parts_d[0]] * 2 + [dnp.array(parts_h[0])]
    same_h = [parts_h[0]] * 3
    st_axis = data.draw(st.integers(-nd - 1, nd))
    assert_same(dnp.stack(same, axis=st_axis), onp.stack(same_h, axis=st_axis))
    if nd <= 2:
        assert_same(dnp.vstack(same), onp.vstack(same_h))
        assert_same(dnp.hstack(same), onp.hstack(same_h))
    # Mismatched shapes and ranks raise ValueError, as in NumPy.
    compare(lambda *a: dnp.concatenate(a, axis=axis), lambda *a: onp.concatenate(a, axis=axis),
            (parts_d[0], dnp.ones(shape + (1,))), (parts_h[0], onp.ones(shape + (1,))))
    compare(lambda *a: dnp.stack(a), lambda *a: onp.stack(a), (parts_d[0], dnp.ones(shape + (1,))),
            (parts_h[0], onp.ones(shape + (1,))))


def test_concatenate_and_stack_errors():
    raises(ValueError, dnp.concatenate, [])
    raises(ValueError, dnp.stack, [])
    raises(ValueError, dnp.concatenate, [dnp.array(1.0), dnp.array(2.0)], contains="zero-dimensional")
    raises(ValueError, dnp.concatenate, [dnp.ones((2, 3)), dnp.ones((2, 4))], axis=0, contains="dimension 1")
    raises(IndexError, dnp.concatenate, [dnp.ones((2, 3))], axis=2)
    assert_same(dnp.concatenate([dnp.array(1.0), dnp.array(2.0)], axis=None), onp.array([1.0, 2.0], "float32"))


@given(data=st.data())
def test_split_and_array_split(data):
    host, dev, hb, db = draw_base(data, min_dims=1)
    nd = host.ndim
    axis = data.draw(st.integers(-nd, nd - 1))
    sections = data.draw(st.integers(1, 4) | st.lists(st.integers(-6, 6), max_size=3))
    for fd, fh in [(dnp.split, onp.split), (dnp.array_split, onp.array_split)]:
        ref, err = None, None
        try:
            ref = fh(host, sections, axis=axis)
        except ValueError as e:
            err = e
        if err is not None:
            raises(ValueError, fd, dev, sections, axis=axis)
            continue
        got = fd(dev, sections, axis=axis)
        assert isinstance(got, list) and len(got) == len(ref)
        for g, r in zip(got, ref):
            check_view_semantics(data, g, r, db, hb)
    raises(ValueError, dnp.split, dev, 0)


@given(data=st.data())
def test_tile_and_repeat(data):
    host, dev = data.draw(views(data.draw(dtypes), data.draw(shapes(max_dims=3, max_side=3))))
    reps = data.draw(st.integers(0, 3) | st.lists(st.integers(0, 3), max_size=4).map(tuple))
    assert_same(dnp.tile(dev, reps), onp.tile(host, reps))
    r = data.draw(st.integers(0, 3))
    axis = data.draw(st.none() | st.integers(-host.ndim, host.ndim - 1)) if host.ndim else None
    compare(dnp.repeat, onp.repeat, (dev, r, axis), (host, r, axis))
    compare(lambda x: x.repeat(r, axis=axis), lambda x: x.repeat(r, axis=axis), (dev,), (host,))
    t = dnp.tile(dev, 2)
    if host.size:
        assert not shares_memory(t, dev)


def test_repeat_errors():
    raises(ValueError, dnp.repeat, dnp.ones(3), -1)
    raises(TypeError, dnp.repeat, dnp.ones(3), 1.5)
    # Deliberate deviation: per-element repeat counts are not supported (a clear TypeError).
    raises(TypeError, dnp.repeat, dnp.ones(3), [1, 2, 3])


@given(data=st.data())
def test_take(data):
    host, dev = data.draw(views(data.draw(dtypes), data.draw(shapes(min_dims=1, max_dims=3))))
    nd = host.ndim
    axis = data.draw(st.none() | st.integers(-nd, nd - 1))
    n = host.size if axis is None else host.shape[axis]
    idx_shape = data.draw(shapes(max_dims=2))
    idx = data.draw(host_arrays("int64", idx_shape).map(lambda a: a % max(n, 1) - (n if n else 0) * (a % 2)))
    if n == 0:
        assume(idx.size == 0)
    compare(dnp.take, onp.take, (dev, to_dev(idx), axis), (host, idx, axis))
    compare(dnp.take, onp.take, (dev, idx.tolist(), axis), (host, idx.tolist(), axis))
    # Out of range: IndexError, except that NumPy's take (and deepblocks') checks no index
    # when the result is empty.
    bad = onp.array([n])
    compare(dnp.take, onp.take, (dev, bad, axis), (host, bad, axis))


def test_shape_helpers():
    x = dnp.ones((2, 3))
    assert dnp.shape(x) == (2, 3) and dnp.ndim(x) == 2 and dnp.size(x) == 6 and dnp.size(x, 1) == 3
    assert dnp.shape([[1, 2]]) == (1, 2)


def test_hstack_treats_0d_arrays_as_1d_like_numpy():
    parts = [onp.array(1.0), onp.array([2.0, 3.0]), onp.array(4.0)]
    got = dnp.hstack([dnp.array(p) for p in parts])
    onp.testing.assert_array_equal(got.asnumpy(), onp.hstack(parts))

"""Indexing and shape functions on a GPU against NumPy: basic indices give views that write
through to the device base, integer and boolean indices give device copies, assignment
(``x[key] = v``, ``x[key] += v``) for every kind of key and value; reshape, transpose,
swapaxes, moveaxis, expand_dims, squeeze, broadcast_to, ravel/flatten, flip, concatenate,
stack, split, tile, repeat, take."""

import numpy as onp
from hypothesis import given
from hypothesis import strategies as st

from conftest import dtypes, host_arrays, raises, shapes, shares_memory, views
from deepblocks import np as dnp
from test_indexing import _has_duplicates, index_keys, numpy_get
from test_shape import reshape_targets

from .conftest import assert_on, check, compare_on, few, on_device

small_shapes = shapes(max_dims=3, max_side=4)


def draw_base(data, device, shape=None, kind=None, min_dims=0, dtype=None):
    shape = data.draw(shapes(min_dims=min_dims, max_dims=3, max_side=4)) if shape is None else shape
    kind = kind or data.draw(st.sampled_from(["contig", "strided", "negative", "transposed", "mixed"]))
    dtype = dtype or data.draw(dtypes)
    return data.draw(on_device(device, views(dtype, shape, kind=kind, return_base=True)))


def check_view(data, device, got, ref, dev_base, host_base, writable=True):
    """``got`` is on the device, equals ``ref``, is a view exactly when NumPy's is, and a write
    through it reaches the device base as NumPy's reaches its base."""
    check(got, ref, device)
    if not isinstance(ref, onp.ndarray) or ref.size == 0:
        return
    numpy_view = onp.shares_memory(ref, host_base)
    assert shares_memory(got, dev_base) == numpy_view
    if numpy_view and writable and ref.flags.writeable:
        value = data.draw(host_arrays(ref.dtype, ref.shape), label="written")
        ref[...] = value
        got[...] = dnp.array(value, ctx=device)
        check(dev_base, host_base, device)


# ---- indexing ---------------------------------------------------------------------------------------------


@few(25)
@given(data=st.data())
def test_getitem(device, data):
    host, dev, hb, db = draw_base(data, device)
    hk, dk, has_adv = data.draw(on_device(device, index_keys(host.shape)))
    ref, err = numpy_get(host, hk)
    if err is not None:
        raises(IndexError if isinstance(err, IndexError) else type(err), dev.__getitem__, dk)
        return
    got = dev[dk]
    check(got, onp.asarray(ref), device)
    if isinstance(ref, onp.ndarray) and ref.size:
        assert shares_memory(got, db) == (not has_adv) == onp.shares_memory(ref, hb)


@few(15)
@given(data=st.data())
def test_basic_index_views_write_through(device, data):
    host, dev, hb, db = draw_base(data, device)
    hk, dk, _ = data.draw(index_keys(host.shape, advanced=False, allow_errors=False))
    try:
        hv = host[hk]
    except IndexError:
        raises(IndexError, dev.__getitem__, dk)
        return
    dv = dev[dk]
    if not isinstance(hv, onp.ndarray):
        hv = host[hk + (Ellipsis,) if isinstance(hk, tuple) else (hk, Ellipsis)]
    value = data.draw(host_arrays(hv.dtype, hv.shape))
    hv[...] = value
    dv[...] = dnp.array(value, ctx=device)
    check(db, hb, device)
    if hv.dtype.kind in "iuf":
        hv += 1
        dv += 1
        check(db, hb, device)


@few(25)
@given(data=st.data())
def test_setitem(device, data):
    host, dev, hb, db = draw_base(data, device)
    hk, dk, has_adv = data.draw(on_device(device, index_keys(host.shape)))
    ref, err = numpy_get(host, hk)
    if err is not None:
        raises(IndexError if isinstance(err, IndexError) else type(err), dev.__setitem__, dk, 0)
        return
    target_shape = onp.shape(ref)
    form = data.draw(st.sampled_from(["scalar", "full", "suffix", "numpy"]))
    if form == "scalar":
        hval = dval = data.draw(st.booleans() | st.integers(0, 100))
    else:
        vshape = target_shape if form != "suffix" else target_shape[data.draw(st.integers(0, len(target_shape))):]
        vdtype = host.dtype.name if host.dtype.kind in "iub" else data.draw(dtypes)
        hval = data.draw(host_arrays(vdtype, vshape, small=True))
        dval = hval if form == "numpy" else dnp.array(hval, ctx=device)
    with onp.errstate(all="ignore"):
        host[hk] = hval
    dev[dk] = dval
    if has_adv and _has_duplicates(hb, hk):
        return  # NumPy does not promise which of repeated writes wins
    check(db, hb, device)


@few(15)
@given(data=st.data())
def test_advanced_index_inplace_add(device, data):
    """``x[idx] += v`` with integer-array and boolean-mask keys (distinct indices: NumPy's
    result for repeated ones is one write, not a sum)."""
    dtype = data.draw(st.sampled_from(["int32", "int64", "float32", "float64"]))
    shape = data.draw(shapes(min_dims=1, max_dims=3, min_side=1, max_side=4))
    host, dev, hb, db = draw_base(data, device, shape=shape, dtype=dtype)
    if data.draw(st.booleans()):
        idx = onp.array(data.draw(st.lists(st.integers(0, shape[0] - 1), unique=True, max_size=shape[0])), "int64")
        key_h, key_d = idx, data.draw(st.sampled_from([dnp.array(idx, ctx=device), idx, idx.tolist()]))
    else:
        key_h = data.draw(host_arrays("bool", shape))
        key_d = data.draw(st.sampled_from([dnp.array(key_h, ctx=device), key_h]))
    target = host[key_h]
    vh = data.draw(host_arrays(dtype, target.shape[1:] if data.draw(st.booleans()) else target.shape, small=True))
    host[key_h] += vh
    dev[key_d] += dnp.array(vh, ctx=device)
    check(db, hb, device)


def test_index_arrays_from_the_cpu_and_the_device(device):
    """Index arrays may be lists, NumPy arrays, device arrays or CPU arrays (moved over, as
    PyTorch accepts CPU indices for CUDA tensors); the result is on the data's device."""
    h = onp.arange(20.0).reshape(4, 5)
    d = dnp.array(h, ctx=device)
    rows = onp.array([3, 0, -1, 3])
    mask = onp.array([True, False, True, False])
    for key in (rows.tolist(), rows, dnp.array(rows, ctx=device), dnp.array(rows), mask, dnp.array(mask, ctx=device),
                dnp.array(mask), (slice(None), dnp.array([4, 0], dtype="int32", ctx=device)),
                (dnp.array(rows[:2], ctx=device), dnp.array([1, 2], dtype="int64", ctx=device))):
        hk = tuple(k.asnumpy() if isinstance(k, dnp.ndarray) else k for k in key) if isinstance(key, tuple) else \
            key.asnumpy() if isinstance(key, dnp.ndarray) else key
        check(d[key], h[hk], device)
        d2, h2 = d.copy(), h.copy()
        d2[key] = -1
        h2[hk] = -1
        check(d2, h2, device)
    check(d[d > 10], h[h > 10], device)
    d[d > 10] = 0
    h[h > 10] = 0
    check(d, h, device)
    raises(IndexError, d.__getitem__, 4, contains=["4", "axis 0", "size 4"])
    raises(IndexError, d.__getitem__, dnp.array([0, 9], dtype="int64", ctx=device))


def test_nonzero_and_take(device):
    h = onp.array([[0, 3, 0], [1, 0, 2]], "int32")
    d = dnp.array(h, ctx=device)
    for g, r in zip(dnp.nonzero(d), onp.nonzero(h)):
        check(g, r, device)
    for g, r in zip(d.nonzero(), h.nonzero()):
        check(g, r, device)
    idx = onp.array([[0, 2], [1, 1]])
    for axis in (None, 0, 1, -1):
        i = idx if axis != 0 else idx % 2
        check(dnp.take(d, dnp.array(i, ctx=device), axis=axis), onp.take(h, i, axis=axis), device)
        check(dnp.take(d, i.tolist(), axis=axis), onp.take(h, i, axis=axis), device)


# ---- shape functions ------------------------------------------------------------------------------------------


@few(10)
@given(data=st.data())
def test_reshape(device, data):
    host, dev, hb, db = draw_base(data, device)
    target = data.draw(reshape_targets(host.shape))
    check_view(data, device, dev.reshape(target), host.reshape(target), db, hb)
    check(dnp.reshape(dev, target), onp.reshape(host, target), device)


@few(10)
@given(data=st.data())
def test_transpose_family(device, data):
    host, dev, hb, db = draw_base(data, device)
    nd = host.ndim
    perm = tuple(data.draw(st.permutations(range(nd))))
    check_view(data, device, dev.transpose(perm), host.transpose(perm), db, hb)
    check_view(data, device, dev.T, host.T, db, hb)
    check(dnp.transpose(dev, perm), onp.transpose(host, perm), device)
    if nd:
        a1, a2 = data.draw(st.integers(-nd, nd - 1)), data.draw(st.integers(-nd, nd - 1))
        check_view(data, device, dev.swapaxes(a1, a2), host.swapaxes(a1, a2), db, hb)
        check(dnp.swapaxes(dev, a1, a2), onp.swapaxes(host, a1, a2), device)
        check(dnp.moveaxis(dev, 0, -1), onp.moveaxis(host, 0, -1), device)


@few(10)
@given(data=st.data())
def test_expand_dims_squeeze_broadcast_ravel(device, data):
    host, dev, hb, db = draw_base(data, device)
    nd = host.ndim
    axis = data.draw(st.integers(-nd - 1, nd))
    check_view(data, device, dnp.expand_dims(dev, axis), onp.expand_dims(host, axis), db, hb)
    check_view(data, device, dev.expand_dims(axis), onp.expand_dims(host, axis), db, hb)
    check_view(data, device, dnp.squeeze(dev), onp.squeeze(host), db, hb)
    target = (2,) + tuple(3 if d == 1 else d for d in host.shape)
    check_view(data, device, dnp.broadcast_to(dev, target), onp.broadcast_to(host, target), db, hb, writable=False)
    check(dev.broadcast_to(target).copy(), onp.broadcast_to(host, target), device)
    check_view(data, device, dev.ravel(), host.ravel(), db, hb)
    f = dev.flatten()
    check(f, host.flatten(), device)
    assert host.size == 0 or not shares_memory(f, db)


@few(10)
@given(data=st.data())
def test_flip(device, data):
    host, dev, hb, db = draw_base(data, device, min_dims=1)
    nd = host.ndim
    axis = data.draw(st.none() | st.integers(-nd, nd - 1))
    check_view(data, device, dnp.flip(dev, axis), onp.flip(host, axis), db, hb)
    check_view(data, device, dnp.flipud(dev), onp.flipud(host), db, hb)
    if nd >= 2:
        check_view(data, device, dnp.fliplr(dev), onp.fliplr(host), db, hb)


@few(10)
@given(data=st.data())
def test_concatenate_and_stack(device, data):
    shape = data.draw(shapes(min_dims=1, max_dims=3, max_side=3))
    nd = len(shape)
    axis = data.draw(st.integers(-nd, nd - 1))
    hs, ds = [], []
    for _ in range(data.draw(st.integers(1, 3))):
        s = list(shape)
        s[axis] = data.draw(st.integers(0, 3))
        h, d = data.draw(on_device(device, views(data.draw(dtypes), tuple(s))))
        hs.append(h)
        ds.append(d)
    check(dnp.concatenate(ds, axis=axis), onp.concatenate(hs, axis=axis), device)
    check(dnp.concatenate(ds, axis=None), onp.concatenate(hs, axis=None), device)
    same_h = [hs[0]] * 3
    same_d = [ds[0], ds[0], dnp.array(hs[0], ctx=device)]
    st_axis = data.draw(st.integers(-nd - 1, nd))
    check(dnp.stack(same_d, axis=st_axis), onp.stack(same_h, axis=st_axis), device)
    if nd <= 2:
        check(dnp.vstack(same_d), onp.vstack(same_h), device)
        check(dnp.hstack(same_d), onp.hstack(same_h), device)


@few(10)
@given(data=st.data())
def test_split(device, data):
    host, dev, hb, db = draw_base(data, device, min_dims=1)
    nd = host.ndim
    axis = data.draw(st.integers(-nd, nd - 1))
    sections = data.draw(st.integers(1, 3) | st.lists(st.integers(-4, 4), max_size=3))
    for fd, fh in [(dnp.split, onp.split), (dnp.array_split, onp.array_split)]:
        try:
            ref = fh(host, sections, axis=axis)
        except ValueError:
            raises(ValueError, fd, dev, sections, axis=axis)
            continue
        got = fd(dev, sections, axis=axis)
        assert len(got) == len(ref)
        for g, r in zip(got, ref):
            check_view(data, device, g, r, db, hb)


@few(10)
@given(data=st.data())
def test_tile_and_repeat(device, data):
    host, dev = data.draw(on_device(device, views(data.draw(dtypes), data.draw(shapes(max_dims=3, max_side=3)))))
    reps = data.draw(st.integers(0, 3) | st.lists(st.integers(0, 3), max_size=3).map(tuple))
    check(dnp.tile(dev, reps), onp.tile(host, reps), device)
    r = data.draw(st.integers(0, 3))
    axis = data.draw(st.none() | st.integers(-host.ndim, host.ndim - 1)) if host.ndim else None
    compare_on(device, dnp.repeat, onp.repeat, (dev, r, axis), (host, r, axis))
    compare_on(device, lambda x: x.repeat(r, axis=axis), lambda x: x.repeat(r, axis=axis), (dev,), (host,))


def test_shape_errors_on_the_device(device):
    x = dnp.ones((2, 3), ctx=device)
    raises(ValueError, x.reshape, (4, 2), contains=["(2, 3)", "(4, 2)"])
    raises(ValueError, dnp.concatenate, [x, dnp.ones((2, 4), ctx=device)], axis=0, contains="dimension 1")
    raises(ValueError, dnp.broadcast_to, x, (3, 3))
    assert_on(x.reshape(3, 2), device)

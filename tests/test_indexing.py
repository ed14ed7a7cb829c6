"""Indexing against NumPy: integers (negative too), slices of every step (negative too),
Ellipsis, None, integer arrays and lists, boolean masks, and mixtures of basic and advanced
indices (with NumPy's rule for where the advanced axes go: in place when the advanced indices
are consecutive, in front when a slice, None or ... separates them). Basic indices give views
whose writes reach the base; advanced indices give copies; assignment takes scalars and
broadcast arrays for every kind of index. Out-of-range and float indices raise IndexError.

Deliberate deviation: a 0-d result is a 0-d array (NumPy gives a scalar for ``x[()]`` and
full integer indexing).
"""

import numpy as onp
import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import assert_same, dtypes, host_arrays, raises, shapes, shares_memory, to_dev, views
from deepblocks import np as dnp


@st.composite
def index_keys(draw, shape, advanced=True, allow_errors=True):
    """``(host_key, dev_key, has_advanced)``: one index expression for an array of ``shape``,
    in NumPy form and in deepblocks form (index arrays as deepblocks arrays, NumPy arrays or
    lists)."""
    nd = len(shape)
    host_key, dev_key = [], []
    axis = 0
    used_ellipsis = False
    has_adv = False
    index_shape = draw(st.sampled_from([(), (2,), (3,), (2, 1), (1, 3)]))
    bad = allow_errors and draw(st.integers(0, 9)) == 0
    while True:
        remaining = nd - axis
        kinds = ["stop", "none"]
        if remaining:
            kinds += ["int", "slice", "slice", "full"]
            if advanced:
                kinds += ["array", "list"]
                if remaining >= 1:
                    kinds.append("mask")
        if advanced:
            kinds.append("bool")
        if not used_ellipsis:
            kinds.append("ellipsis")
        kind = draw(st.sampled_from(kinds))
        if kind == "stop" or len(host_key) >= 6:
            break
        if kind == "none":
            host_key.append(None)
            dev_key.append(None)
            continue
        if kind == "ellipsis":
            used_ellipsis = True
            skip = draw(st.integers(0, remaining))
            axis += skip
            host_key.append(Ellipsis)
            dev_key.append(Ellipsis)
            continue
        if kind == "bool":
            b = draw(st.booleans())
            host_key.append(b)
            dev_key.append(draw(st.sampled_from([b, onp.bool_(b), to_dev(onp.array(b))])))
            has_adv = True
            continue
        n = shape[axis]
        if kind == "int":
            lo, hi = (-n - 2, n + 1) if bad else (-n, n - 1)
            if hi < lo:
                continue
            i = draw(st.integers(lo, hi))
            host_key.append(i)
            dev_key.append(draw(st.sampled_from([i, onp.int64(i), onp.int32(i)])))
            axis += 1
        elif kind in ("slice", "full"):
            step = draw(st.sampled_from([None, 1, 2, 3, -1, -2, -3]))
            bound = st.none() | st.integers(-n - 3, n + 3)
            sl = slice(None) if kind == "full" else slice(draw(bound), draw(bound), step)
            host_key.append(sl)
            dev_key.append(sl)
            axis += 1
        elif kind in ("array", "list"):
            if n == 0 and not bad:
                continue
            lo, hi = (-n - 1, n) if bad else (-n, n - 1)
            dt = draw(st.sampled_from(["int64", "int32", "uint8"])) if lo >= 0 else draw(st.sampled_from(["int64", "int32"]))
            idx = draw(host_arrays("int64", index_shape).map(lambda a: a % (hi - lo + 1) + lo)).astype(dt)
            host_key.append(idx)
            form = draw(st.sampled_from(["dev", "numpy", "list"])) if kind == "array" else "list"
            dev_key.append(to_dev(idx) if form == "dev" else idx if form == "numpy" else idx.tolist())
            has_adv = has_adv or idx.ndim > 0  # a 0-d integer array is an integer
            axis += 1
        elif kind == "mask":
            k = draw(st.integers(1, min(2, remaining)))
            mshape = tuple(shape[axis:axis + k])
            if bad and draw(st.booleans()):
                mshape = (mshape[0] + 1,) + mshape[1:]
            mask = draw(host_arrays("bool", mshape))
            host_key.append(mask)
            # (an empty nested list would lose the mask's shape and dtype)
            dev_key.append(draw(st.sampled_from([to_dev(mask), mask] + ([mask.tolist()] if mask.size else []))))
            has_adv = True
            axis += k
    if draw(st.booleans()) and len(host_key) == 1:
        return host_key[0], dev_key[0], has_adv
    return tuple(host_key), tuple(dev_key), has_adv


def numpy_get(host, key):
    try:
        return host[key], None
    except (IndexError, ValueError, TypeError) as e:
        return None, e


@given(data=st.data())
def test_getitem_matches_numpy(data):
    host, dev, hb, db = data.draw(views(data.draw(dtypes), data.draw(shapes(max_dims=4)), return_base=True))
    hk, dk, has_adv = data.draw(index_keys(host.shape))
    ref, err = numpy_get(host, hk)
    if err is not None:
        raises(IndexError if isinstance(err, IndexError) else type(err), dev.__getitem__, dk)
        return
    got = dev[dk]
    assert_same(got, onp.asarray(ref))
    if isinstance(ref, onp.ndarray) and ref.size:
        # Basic indexing gives a view of the same memory; advanced indexing gives a copy.
        assert shares_memory(got, db) == onp.shares_memory(ref, hb)
        assert shares_memory(got, db) == (not has_adv)


@given(data=st.data())
def test_basic_index_views_write_through(data):
    kind = data.draw(st.sampled_from(["contig", "strided", "negative", "transposed", "mixed"]))
    host, dev, hb, db = data.draw(views(data.draw(dtypes), data.draw(shapes(max_dims=4)), kind=kind, return_base=True))
    hk, dk, _ = data.draw(index_keys(host.shape, advanced=False, allow_errors=False))
    try:
        hv = host[hk]
    except IndexError:
        # The key generator cannot always see that an empty axis takes no integer index.
        raises(IndexError, dev.__getitem__, dk)
        return
    dv = dev[dk]
    if not isinstance(hv, onp.ndarray):
        hv = host[hk + (Ellipsis,) if isinstance(hk, tuple) else (hk, Ellipsis)]
    value = data.draw(host_arrays(hv.dtype, hv.shape))
    hv[...] = value
    dv[...] = to_dev(value)
    assert_same(db, hb)
    # In-place arithmetic on the view reaches the base too.
    if hv.dtype.kind in "iuf":
        hv += 1
        dv += 1
        assert_same(db, hb)


@given(data=st.data())
def test_setitem_matches_numpy(data):
    kind = data.draw(st.sampled_from(["contig", "strided", "negative", "transposed", "mixed"]))
    host, dev, hb, db = data.draw(views(data.draw(dtypes), data.draw(shapes(max_dims=4)), kind=kind, return_base=True))
    hk, dk, has_adv = data.draw(index_keys(host.shape))
    ref, err = numpy_get(host, hk)
    if err is not None:
        raises(IndexError if isinstance(err, IndexError) else type(err), dev.__setitem__, dk, 0)
        return
    target_shape = onp.shape(ref)
    form = data.draw(st.sampled_from(["scalar", "full", "suffix", "numpy", "list"]))
    vdtype = data.draw(dtypes)
    if form == "scalar":
        hval = dval = data.draw(st.booleans() | st.integers(0, 100) | st.floats(-100, 100).map(lambda f: float(int(f))))
        if host.dtype == onp.uint8 and not isinstance(hval, bool):
            hval = dval = abs(int(hval)) % 256
    else:
        vshape = target_shape if form in ("full", "numpy", "list") else target_shape[data.draw(st.integers(0, len(target_shape))):]
        hval = data.draw(host_arrays(vdtype, vshape, small=True))
        if hval.size == 0:
            form = "full"  # an empty nested list loses its shape
        if host.dtype.kind in "iub":
            hval = onp.round(hval).astype(vdtype) if vdtype.startswith("float") else hval
        dval = hval if form == "numpy" else hval.tolist() if form == "list" and hval.ndim else to_dev(hval)
        if form == "list" and hval.ndim:
            hval = onp.array(hval.tolist(), dtype="float32" if hval.dtype.kind in "iuf" else hval.dtype)
    before = hb.copy()
    with onp.errstate(all="ignore"):
        host[hk] = hval
    dev[dk] = dval
    if has_adv and _has_duplicates(before, hk):
        # Repeated indices: NumPy does not promise which write wins; check only the shape.
        return
    assert_same(db, hb)


def _has_duplicates(base, key):
    """True when an advanced key selects some element more than once."""
    probe = onp.arange(base.size).reshape(base.shape)
    try:
        sel = onp.asarray(probe[key]).ravel()
    except (IndexError, ValueError):
        return False
    return len(onp.unique(sel)) != sel.size


def test_mixed_advanced_index_placement():
    """NumPy's rule: separated advanced indices put their axes in front."""
    h = onp.arange(7 * 3 * 4 * 5 * 6).reshape(7, 3, 4, 5, 6)
    d = dnp.array(h)
    i = [0, 1, 2]
    keys = [
        (slice(None), i, None, i), (slice(None), i, Ellipsis, i), (slice(None), i, 0), (slice(None), 0, i),
        (0, slice(None), i), (slice(None), i, slice(None), 0), (slice(None), i, 0, i), (i, 0, Ellipsis),
        (Ellipsis, 0, i), (slice(None), i, Ellipsis, 0), (onp.array([[1], [2]]), slice(1, None, -1), [0, 2, 1]),
    ]
    for key in keys:
        assert_same(d[key], h[key])
        v = onp.asarray(h[key]) * -1
        h2, d2 = h.copy(), dnp.array(h)
        h2[key] = v
        d2[key] = dnp.array(v)
        assert_same(d2, h2)


def test_index_errors():
    x = dnp.ones((3, 4))
    raises(IndexError, x.__getitem__, 3, contains=["3", "axis 0", "size 3"])
    raises(IndexError, x.__getitem__, (0, -5), contains="-5")
    raises(IndexError, x.__getitem__, (0, 0, 0), contains="too many indices")
    raises(IndexError, x.__getitem__, 1.0)
    raises(IndexError, x.__getitem__, (0, 1.5))
    raises(IndexError, x.__getitem__, [1.0])
    raises(IndexError, x.__getitem__, dnp.array([1.0]))
    raises(IndexError, x.__getitem__, "a")
    raises(IndexError, x.__getitem__, (Ellipsis, Ellipsis))
    raises(IndexError, x.__getitem__, [0, 3])
    raises(IndexError, x.__getitem__, dnp.array([True, False]))
    raises(IndexError, x.__getitem__, ([0, 1], [0, 1, 2]), contains="broadcast")
    raises(ValueError, x.__getitem__, slice(None, None, 0))
    raises(IndexError, x.__setitem__, 5, 1.0)
    raises(ValueError, x.__setitem__, slice(None), dnp.ones((2,)), contains=["(2,)", "(3, 4)"])
    raises(ValueError, x.__setitem__, [0, 1], dnp.ones((3, 4)))


def test_boolean_scalars_add_an_axis():
    h = onp.arange(12.0).reshape(3, 4)
    d = dnp.array(h)
    for key in [True, False, (True, 0), (Ellipsis, False), (slice(None), True, 1), onp.True_, (onp.array(True), [0, 1])]:
        assert_same(d[key], h[key])
        h2, d2 = h.copy(), dnp.array(h)
        h2[key] = -1
        d2[key] = -1
        assert_same(d2, h2)
    s = dnp.array(5.0)
    assert_same(s[True], onp.array(5.0, "float32")[True])
    assert_same(s[dnp.array(False)], onp.array(5.0, "float32")[onp.array(False)])


def test_huge_slice_bounds_and_numpy_integer_indices():
    h = onp.arange(10.0, dtype="float32")
    d = dnp.array(h)
    assert_same(d[: 10**20], h[: 10**20])
    assert_same(d[-(10**20):], h[-(10**20):])
    assert_same(d[onp.int64(3)], onp.asarray(h[3]))
    assert_same(d[onp.array(3)], onp.asarray(h[onp.array(3)]))
    assert_same(d[dnp.array([1, 2], dtype="int64")], h[[1, 2]])
    assert_same(d[[]], h[onp.array([], dtype="int64")])

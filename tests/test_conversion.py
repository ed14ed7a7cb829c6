"""Conversions and array attributes against NumPy: astype, copy, asnumpy, zero-copy
``numpy.asarray`` (writes through the NumPy view reach the deepblocks array), tolist, item,
float / int / bool / len / iter / format / index; repr and str in MXNet's numpy-mode format;
shape, dtype, size, ndim, itemsize, nbytes, strides, ctx, device; copyto, as_in_ctx,
as_in_context, wait_to_read, fill; and devices (``npx.gpu(0)`` exists, using it raises
MXNetError when there is no GPU).

Deliberate deviations (MXNet's): ``float()``/``int()`` accept any size-1 array, not only 0-d,
and other sizes raise ValueError (NumPy: TypeError). Python ints that do not fit an integer
array (``x_uint8[0] = 300``, ``fill``, ``full``) raise ValueError (NumPy: OverflowError).
"""

import re

import numpy as onp
import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import DTYPES, assert_same, dtypes, host_arrays, raises, shapes, shares_memory, to_dev, views
from deepblocks import MXNetError, npx
from deepblocks import np as dnp


@given(data=st.data())
def test_astype(data):
    src = data.draw(dtypes)
    host, dev = data.draw(views(src, data.draw(shapes())))
    target = data.draw(st.sampled_from(DTYPES + [float, int, bool, onp.float64, onp.dtype("uint8")]))
    with onp.errstate(all="ignore"):
        ref = host.astype(target)
    got = dev.astype(target)
    assert_same(got, ref)
    assert not shares_memory(got, dev) or got.size == 0
    same = dev.astype(dev.dtype, copy=False)
    assert same is dev
    assert not shares_memory(dev.astype(dev.dtype), dev) or dev.size == 0


@given(data=st.data())
def test_copy_and_asnumpy_are_copies(data):
    host, dev, hb, db = data.draw(views(data.draw(dtypes), data.draw(shapes(min_side=1)), kind="negative", return_base=True))
    c = dev.copy()
    assert_same(c, host)
    assert not shares_memory(c, dev)
    assert_same(dnp.copy(dev), host)
    a = dev.asnumpy()
    assert isinstance(a, onp.ndarray) and a.flags.c_contiguous and a.flags.writeable
    onp.testing.assert_array_equal(a, host)
    a[...] = 0
    assert_same(dev, host)  # the NumPy copy is independent


@given(data=st.data())
def test_numpy_asarray_is_zero_copy(data):
    """``numpy.asarray`` views deepblocks memory (any strides, negative too): writes through
    the NumPy view change the deepblocks array and its base."""
    kind = data.draw(st.sampled_from(["contig", "strided", "negative", "transposed", "mixed"]))
    host, dev, hb, db = data.draw(views(data.draw(dtypes), data.draw(shapes()), kind=kind, return_base=True))
    view = onp.asarray(dev)
    assert view.dtype == host.dtype and view.shape == host.shape
    if host.size:  # strides of size-1 axes are arbitrary (a dense view gets NumPy's defaults)
        assert [s for s, d in zip(view.strides, host.shape) if d > 1] == [s for s, d in zip(host.strides, host.shape) if d > 1]
    onp.testing.assert_array_equal(view, host)
    value = data.draw(host_arrays(host.dtype, host.shape))
    view[...] = value
    host[...] = value
    assert_same(dev, host)
    assert_same(db, hb)
    assert_same(dnp.array(onp.asarray(dev, dtype="float64")), host.astype("float64"))
    # And writes through deepblocks show in the NumPy view.
    if dev.size and dev.dtype != bool:
        dev += 1
        onp.testing.assert_array_equal(view, dev.asnumpy())


def test_asarray_keeps_the_array_alive():
    v = onp.asarray(dnp.arange(5))
    import gc

    gc.collect()
    onp.testing.assert_array_equal(v, onp.arange(5, dtype="float32"))


@given(data=st.data())
def test_tolist_item_and_python_scalars(data):
    host, dev = data.draw(views(data.draw(dtypes), data.draw(shapes())))
    assert dev.tolist() == host.tolist()
    if host.size == 1:
        assert dev.item() == host.item() or (host.dtype.kind == "f" and onp.isnan(host.item()))
        assert type(dev.item()) is type(host.item())
        assert float(dev) == float(host.reshape(()))
        assert bool(dev) == bool(host.reshape(()))
        if host.dtype.kind != "f" or onp.isfinite(host).all():
            assert int(dev) == int(host.reshape(()))
    elif host.size:
        raises(ValueError, dev.item)
        raises(ValueError, bool, dev, contains="ambiguous")
        k = data.draw(st.integers(-host.size, host.size - 1))
        assert dev.item(k) == host.item(k)
        raises(IndexError, dev.item, host.size)
    else:
        # MXNet 1.9.1: False, with NumPy 1.x's DeprecationWarning (NumPy 2.2 raises).
        with pytest.warns(DeprecationWarning, match="empty"):
            assert bool(dev) is False
    if host.ndim:
        assert len(dev) == len(host)
        rows = list(dev)
        assert len(rows) == len(host)
        for r, h in zip(rows, host):
            assert_same(r, h)
    else:
        raises(TypeError, len, dev)
        raises(TypeError, iter, dev)


def test_int_and_float_conversions_never_go_silently_wrong():
    raises(ValueError, int, dnp.array(float("nan")))
    with pytest.raises(OverflowError):
        int(dnp.array(float("inf")))
    assert int(dnp.array(-3.9)) == -3
    assert int(dnp.array(2**62, dtype="int64")) == 2**62
    assert float(dnp.array(2**53 + 1, dtype="int64")) == float(2**53 + 1)
    # MXNet (deviation from NumPy 2): size-1 arrays of any rank convert.
    assert float(dnp.array([1.5])) == 1.5
    raises(TypeError, float, dnp.ones(2), contains="(2,)")  # a TypeError, as in NumPy and MXNet
    assert [10, 20, 30][dnp.array(1, dtype="int32")] == 20
    raises(TypeError, [1, 2].__getitem__, dnp.array(1.0))
    raises(TypeError, [1, 2].__getitem__, dnp.array([1, 0], dtype="int64"))


def test_format():
    assert format(dnp.array(3.14159), ".2f") == format(onp.float32(3.14159), ".2f")
    assert f"{dnp.array(7, dtype='int32'):>4}" == "   7"
    assert format(dnp.ones(2)) == str(dnp.ones(2))
    raises(TypeError, format, dnp.ones(2), ".2f")


def expected_repr(host):
    """MXNet numpy-mode repr: NumPy's, with float32 (the default dtype) unnamed and every
    other dtype but bool named."""
    r = repr(host)
    if host.dtype == onp.float32:
        return re.sub(r",\s*dtype=float32\)$", ")", r)
    if host.dtype != onp.bool_ and "dtype=" not in r:
        return r[:-1] + f", dtype={host.dtype})"
    return r


@given(data=st.data())
def test_repr_and_str(data):
    host, dev = data.draw(views(data.draw(dtypes), data.draw(shapes(max_dims=3))))
    assert repr(dev) == expected_repr(host)
    assert str(dev) == str(host)


def test_repr_examples():
    assert repr(dnp.array([1, 2])) == "array([1., 2.])"
    assert repr(dnp.array([1, 2], dtype="int32")) == "array([1, 2], dtype=int32)"
    assert repr(dnp.array([1, 2], dtype="int64")) == "array([1, 2], dtype=int64)"
    assert repr(dnp.array([1, 2], dtype="float64")) == "array([1., 2.], dtype=float64)"
    assert repr(dnp.array([True, False])) == "array([ True, False])"
    assert repr(dnp.array(5.0)) == "array(5.)"
    assert repr(dnp.zeros((0, 3))) == "array([], shape=(0, 3))"
    assert repr(dnp.ones((2, 2))) == "array([[1., 1.],\n       [1., 1.]])"


@given(data=st.data())
def test_attributes(data):
    host, dev = data.draw(views(data.draw(dtypes), data.draw(shapes())))
    assert dev.shape == host.shape and isinstance(dev.shape, tuple)
    assert dev.dtype == host.dtype
    assert dev.size == host.size and dev.ndim == host.ndim
    assert dev.itemsize == host.itemsize and dev.nbytes == host.nbytes
    if host.size:  # strides of empty arrays and of size-1 axes are arbitrary
        assert len(dev.strides) == host.ndim
        assert [s for s, d in zip(dev.strides, host.shape) if d > 1] == [s for s, d in zip(host.strides, host.shape) if d > 1]
    assert dev.ctx == npx.cpu(0) and dev.context == npx.cpu(0) and dev.device == npx.cpu(0)
    assert isinstance(dev, dnp.ndarray)


@given(data=st.data())
def test_copyto(data):
    shape = data.draw(shapes())
    host, dev = data.draw(views(data.draw(dtypes), shape))
    hd, dst, hb, db = data.draw(views(data.draw(dtypes), shape, kind="strided", return_base=True))
    out = dev.copyto(dst)
    assert out is dst
    onp.copyto(hd, host, casting="unsafe")
    assert_same(db, hb)
    c = dev.copyto(npx.cpu())
    assert_same(c, host)
    assert not shares_memory(c, dev) or c.size == 0
    if shape:
        raises(ValueError, dev.copyto, dnp.zeros(shape + (2,)), contains=str(shape + (2,)))


def test_out_of_range_python_ints_are_refused():
    u = dnp.zeros(3, dtype="uint8")
    for f in [lambda: u.__setitem__(0, 300), lambda: u.__setitem__(0, -1.0), lambda: u.fill(256),
              lambda: u.__setitem__(slice(None), float("nan")), lambda: dnp.full(2, 300, dtype="uint8"),
              lambda: dnp.zeros(2, dtype="int32").__setitem__(0, 2**31)]:
        raises(ValueError, f)
    assert u.tolist() == [0, 0, 0]
    u[0] = 2.7
    u[1] = True
    assert u.tolist() == [2, 1, 0]
    assert_same(dnp.full(2, -1.5, dtype="int32"), onp.full(2, -1.5, dtype="int32"))


def test_devices():
    x = dnp.ones((2, 3))
    assert x.as_in_ctx(npx.cpu()) is x
    assert x.as_in_context(npx.cpu(0)) is x
    assert x.to_device(npx.cpu()) is x
    assert x.wait_to_read() is None
    assert npx.waitall() is None
    g = npx.gpu(0)
    assert g.device_type == "gpu" and g.device_id == 0
    assert npx.cpu(1) != npx.cpu(0) and npx.cpu(0) == npx.cpu()
    if npx.num_gpus() == 0:
        raises(MXNetError, x.as_in_ctx, g, contains="gpu(0)")
        raises(MXNetError, x.copyto, g, contains="gpu(0)")
        raises(MXNetError, dnp.array, [1.0], ctx=g)
        with pytest.raises(RuntimeError):  # MXNetError is a RuntimeError, as in MXNet
            x.as_in_context(npx.gpu(1))


@given(data=st.data())
def test_fill(data):
    host, dev, hb, db = data.draw(views(data.draw(dtypes), data.draw(shapes()), kind="mixed", return_base=True))
    v = data.draw(st.booleans() | st.integers(-300, 300) | st.floats(-300, 300) | st.sampled_from(
        [onp.float64(2.5), float("nan"), float("inf"), 2**40]))
    try:
        host.fill(v)
    except (OverflowError, ValueError):
        raises(ValueError, dev.fill, v)
        return
    dev.fill(v)
    assert_same(db, hb)
    raises(ValueError, dev.fill, dnp.ones(3))


def test_results_stay_on_the_inputs_cpu():
    from deepblocks import cpu

    y = dnp.ones((2, 3), ctx=cpu(1))
    results = [y * 2, y + y, y.sum(), y.mean(axis=0), y.max(), y.argmax(), y.cumsum(), y.var(),
               y.prod(), y.nonzero()[0], y.T, y[0], y.astype("int32"), y @ y.T, y.copy()]
    assert [r.ctx for r in results] == [cpu(1)] * len(results)
    assert y.as_in_ctx(cpu(2)).ctx == cpu(2)

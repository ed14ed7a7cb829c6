"""DLPack both ways, without copies: deepblocks arrays read in place by NumPy and PyTorch
(``__dlpack__``, ``__dlpack_device__``), their memory wrapped as deepblocks arrays
(``np.from_dlpack``), MXNet 1.x's ``nd.to_dlpack_for_read/write`` and ``nd.from_dlpack``;
every dtype, views with offsets and negative or zero strides, 0-d and empty arrays, and who
keeps the memory alive."""

import gc
import weakref

import numpy as onp
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import DTYPES, dtypes, shapes, views
from deepblocks import autograd, nd
from deepblocks import np as dnp


def _shares(a, b):
    """Whether NumPy arrays ``a`` and ``b`` see the same memory."""
    return onp.shares_memory(a, b)


def _poke(dtype):
    """A value different from every element the hypothesis strategies draw... often enough:
    the tests compare against what was written, not against a guess."""
    return {"bool": True, "uint8": 7, "int32": -7, "int64": 1 << 40, "float32": 1.5, "float64": -2.25}[dtype]


# ---- export: NumPy reads deepblocks memory -----------------------------------------------------------


@settings(max_examples=60)
@given(st.data(), dtypes, shapes(max_dims=3))
def test_numpy_sees_every_view(data, dtype, shape):
    host, dev = data.draw(views(dtype, shape))
    a = onp.from_dlpack(dev)
    assert a.dtype == onp.dtype(dtype) and a.shape == host.shape
    onp.testing.assert_array_equal(a, host)
    if a.size:
        # Zero-copy: NumPy's array is the deepblocks memory (the same bytes as its own view).
        assert _shares(a, onp.asarray(dev))


@pytest.mark.parametrize("dtype", DTYPES)
def test_write_through_from_numpy_to_deepblocks(dtype):
    base = dnp.zeros((3, 4), dtype=dtype)
    view = base[1:, ::-2]  # an offset and a negative stride
    a = onp.from_dlpack(view)
    a[0, 0] = _poke(dtype)
    assert base.asnumpy()[1, 3] == _poke(dtype)
    assert (base.asnumpy() != 0).sum() == 1


def test_versioned_and_classic_capsules():
    x = dnp.arange(3)
    assert "dltensor_versioned" in repr(x.__dlpack__(max_version=(1, 0)))
    assert '"dltensor"' in repr(x.__dlpack__())
    assert '"dltensor"' in repr(x.__dlpack__(max_version=(0, 8)))
    assert x.__dlpack_device__() == (1, 0)
    assert nd.ones(2).__dlpack_device__() == (1, 0)


def test_export_options():
    x = dnp.arange(4)
    c = onp.from_dlpack(x, copy=True)  # NumPy passes copy=True: a copy is exported
    c[0] = 9
    assert float(x[0]) == 0.0
    onp.testing.assert_array_equal(onp.from_dlpack(x, device="cpu"), [0, 1, 2, 3])
    with pytest.raises(BufferError, match="cannot export"):
        x.__dlpack__(dl_device=(2, 0))
    with pytest.raises(BufferError, match="stream"):
        x.__dlpack__(stream=1)
    with pytest.raises(TypeError, match="max_version"):
        x.__dlpack__(max_version=3)


def test_zero_d_and_empty_export():
    for x in (dnp.array(3.5), dnp.zeros((0, 3)), dnp.zeros((2, 0), dtype="int32")):
        a = onp.from_dlpack(x)
        assert a.shape == x.shape and a.dtype == x.dtype
        onp.testing.assert_array_equal(a, x.asnumpy())


def test_exporter_deleted_before_consumer():
    x = dnp.arange(1000, dtype="float64")
    a = onp.from_dlpack(x[10:20])
    del x
    gc.collect()
    junk = [dnp.full((1000,), -1.0, dtype="float64") for _ in range(20)]  # reuse of freed memory would show
    onp.testing.assert_array_equal(a, onp.arange(10, 20, dtype="float64"))
    del junk


def test_unconsumed_capsule_frees_the_export():
    a = onp.arange(6.0)
    ref = weakref.ref(a)
    x = dnp.from_dlpack(a)
    capsule = x.__dlpack__()
    del a, x
    gc.collect()
    assert ref() is not None  # the capsule still owns the array
    del capsule
    gc.collect()
    assert ref() is None


# ---- import: deepblocks reads NumPy memory ------------------------------------------------------------


@settings(max_examples=60)
@given(st.data(), dtypes, shapes(max_dims=3))
def test_import_every_numpy_view(data, dtype, shape):
    host, _ = data.draw(views(dtype, shape))
    x = dnp.from_dlpack(host)
    assert x.dtype == host.dtype and x.shape == host.shape
    onp.testing.assert_array_equal(x.asnumpy(), host)
    # Arithmetic on the imported view agrees with NumPy's on the original.
    if dtype not in ("bool", "uint8"):
        onp.testing.assert_array_equal((x * 2).asnumpy(), host * 2)


@pytest.mark.parametrize("dtype", DTYPES)
def test_write_through_from_deepblocks_to_numpy(dtype):
    a = onp.zeros((4, 5), dtype=dtype)
    view = a[1:, ::-2]
    x = dnp.from_dlpack(view)
    x[0, 0] = _poke(dtype)
    assert a[1, 4] == _poke(dtype)
    x[2] = 0
    assert (a != 0).sum() == 1


def test_read_only_exports_are_copied():
    a = onp.broadcast_to(onp.arange(3.0), (2, 3))  # read-only: NumPy flags it
    x = dnp.from_dlpack(a)
    onp.testing.assert_array_equal(x.asnumpy(), a)
    x[0, 0] = 5.0  # a copy: writing is allowed and does not reach `a`
    assert a[0, 0] == 0.0


def test_consumer_keeps_memory_alive():
    a = onp.arange(8.0)
    ref = weakref.ref(a)
    x = dnp.from_dlpack(a)
    v = x[2:5]
    del a, x
    gc.collect()
    assert ref() is not None  # a view still uses the memory
    onp.testing.assert_array_equal(v.asnumpy(), [2.0, 3.0, 4.0])
    r = v * 2  # a computed result is a new storage
    del v
    gc.collect()
    assert ref() is None  # the last view gone: NumPy's deleter ran
    onp.testing.assert_array_equal(r.asnumpy(), [4.0, 6.0, 8.0])


def test_zero_d_and_empty_import():
    x = dnp.from_dlpack(onp.array(2.5))
    assert x.shape == () and float(x) == 2.5
    e = dnp.from_dlpack(onp.zeros((3, 0), dtype="int64"))
    assert e.shape == (3, 0) and e.dtype == onp.int64


def test_capsules_and_deepblocks_arrays():
    a = onp.arange(4, dtype="int32")
    c = a.__dlpack__()
    x = dnp.from_dlpack(c)
    assert "used_dltensor" in repr(c)
    with pytest.raises(ValueError, match="already consumed"):
        dnp.from_dlpack(c)
    y = dnp.from_dlpack(x)  # a deepblocks array: the same memory
    y[1] = 40
    assert a[1] == 40 and int(x[1]) == 40
    z = dnp.from_dlpack(x, copy=True)
    z[2] = 0
    assert a[2] == 2


@pytest.mark.parametrize("dtype", ["float16", "int8", "int16", "uint16", "uint32", "complex64"])
def test_unsupported_dtypes_are_refused(dtype):
    with pytest.raises(TypeError, match="not supported"):
        dnp.from_dlpack(onp.zeros(3, dtype=dtype))


def test_not_dlpack():
    with pytest.raises(TypeError, match="__dlpack__"):
        dnp.from_dlpack([1, 2, 3])


def test_imported_arrays_join_autograd():
    a = onp.array([1.0, 2.0, 3.0], dtype="float32")
    x = dnp.from_dlpack(a)
    x.attach_grad()
    with autograd.record():
        y = (x * x).sum()
    y.backward()
    onp.testing.assert_allclose(x.grad.asnumpy(), 2 * a)


# ---- MXNet 1.x's legacy functions ---------------------------------------------------------------------


def test_legacy_to_and_from_dlpack():
    x = nd.array([[1, 2], [3, 4]])
    c = nd.to_dlpack_for_read(x)
    assert '"dltensor"' in repr(c)
    y = nd.from_dlpack(c)
    assert isinstance(y, nd.NDArray) and y.shape == (2, 2)
    assert "used_dltensor" in repr(c)
    w = nd.from_dlpack(nd.to_dlpack_for_write(x))
    w[0, 0] = 10
    assert x.asnumpy()[0, 0] == 10 and y.asnumpy()[0, 0] == 10
    # The methods MXNet's arrays have, on both kinds.
    assert onp.from_dlpack(dnp.from_dlpack(dnp.arange(3).to_dlpack_for_read())).tolist() == [0, 1, 2]
    assert nd.from_dlpack(onp.array(3.0)).shape == (1,)  # legacy arrays have no 0-d


# ---- PyTorch ------------------------------------------------------------------------------------------

_TORCH_DTYPES = {"bool": "bool", "uint8": "uint8", "int32": "int32", "int64": "int64", "float32": "float32",
                 "float64": "float64"}


@pytest.mark.parametrize("dtype", DTYPES)
def test_torch_round_trip(dtype):
    torch = pytest.importorskip("torch")
    x = dnp.array(onp.arange(12).reshape(3, 4) % 2 if dtype == "bool" else onp.arange(12).reshape(3, 4), dtype=dtype)
    view = x[:, 1::2]
    t = torch.from_dlpack(view)
    assert str(t.dtype) == "torch." + _TORCH_DTYPES[dtype]
    onp.testing.assert_array_equal(t.numpy(), view.asnumpy())
    t[0, 0] = bool(_poke(dtype)) if dtype == "bool" else _poke(dtype)
    assert x.asnumpy()[0, 1] == _poke(dtype)
    # Back again: a torch tensor (and its transposed view) as deepblocks arrays.
    tt = torch.arange(6, dtype=getattr(torch, _TORCH_DTYPES[dtype]) if dtype != "bool" else torch.int64).reshape(2, 3)
    if dtype == "bool":
        tt = tt % 2 == 0
    y = dnp.from_dlpack(tt.T)
    onp.testing.assert_array_equal(y.asnumpy(), tt.T.numpy())
    y[0, 1] = _poke(dtype)
    assert tt[1, 0].item() == _poke(dtype)


def test_torch_lifetimes():
    torch = pytest.importorskip("torch")
    x = dnp.arange(100, dtype="float32")
    t = torch.from_dlpack(x[50:])
    del x
    gc.collect()
    assert t[0].item() == 50.0 and t.shape == (50,)
    tt = torch.arange(10.0)
    y = dnp.from_dlpack(tt)
    del tt
    gc.collect()
    onp.testing.assert_array_equal(y.asnumpy(), onp.arange(10.0, dtype="float32"))

"""Array creation against NumPy, with MXNet's defaults: Python data and ``arange`` give
float32, NumPy arrays keep their dtype, bool data gives bool; ``dtype=``, ``ctx=`` and
``device=`` arguments; ``zeros``/``ones``/``full``/``empty`` and their ``*_like`` forms,
``linspace``, ``eye``/``identity``.

Deliberate deviations (MXNet's, or from the dtypes deepblocks has):
- Python lists, scalars and ``full``'s Python fill values default to float32 (MXNet), bools to
  bool; ``arange``/``linspace``/``eye`` default to float32.
- NumPy float16 arrays become float32, int8/int16 become int32, uint16..uint64 become int64.
"""

import numpy as onp
import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import DTYPES, assert_same, dtypes, raises, shapes, shares_memory, to_dev, views
from deepblocks import MXNetError, npx
from deepblocks import np as dnp

# ---- np.array ---------------------------------------------------------------------------------


@given(data=st.data())
def test_array_from_numpy_keeps_dtype_and_values(data):
    """Any NumPy array (including strided, negative-step and transposed views) converts
    exactly, keeps its dtype, and does not share memory with the source."""
    host, _ = data.draw(views(data.draw(dtypes), data.draw(shapes())))
    dev = dnp.array(host)
    assert_same(dev, host)
    assert not onp.shares_memory(onp.asarray(dev), host)


@given(data=st.data())
def test_array_from_nested_lists(data):
    """Lists of numbers give float32 (MXNet's default), lists of bools give bool."""
    dtype = data.draw(st.sampled_from(["bool", "int64", "float64"]))
    host = data.draw(views(dtype, data.draw(shapes(max_dims=3)), kind="contig"))[0]
    lst = host.tolist()
    dev = dnp.array(lst)
    expected = onp.array(lst)  # an empty list loses its dtype: NumPy gives float64
    assert_same(dev, expected if expected.dtype == bool else expected.astype("float32"))


@given(data=st.data())
def test_array_dtype_argument(data):
    src = data.draw(dtypes)
    host = data.draw(views(src, data.draw(shapes(max_dims=3)), kind="contig"))[0]
    target = data.draw(st.sampled_from(DTYPES + [float, int, bool, onp.float32, onp.dtype("int32"), "f8", "i4"]))
    with onp.errstate(all="ignore"):
        ref = host.astype(target)
    assert_same(dnp.array(host, dtype=target), ref)
    with onp.errstate(all="ignore"):
        from_list = onp.array(host.tolist()).astype(target)
    assert_same(dnp.array(host.tolist(), dtype=target), from_list)
    assert_same(dnp.array(to_dev(host), dtype=target), ref)


def test_array_scalars_and_mxnet_defaults():
    assert_same(dnp.array(3), onp.array(3, dtype="float32"))
    assert_same(dnp.array(2.5), onp.array(2.5, dtype="float32"))
    assert_same(dnp.array(True), onp.array(True))
    assert_same(dnp.array([True, False]), onp.array([True, False]))
    assert_same(dnp.array([1, 2]), onp.array([1, 2], dtype="float32"))
    assert_same(dnp.array((1, 2)), onp.array([1, 2], dtype="float32"))
    assert_same(dnp.array([]), onp.array([], dtype="float32"))
    assert_same(dnp.array([[]]), onp.zeros((1, 0), dtype="float32"))
    # NumPy scalars and 0-d arrays are typed and keep their dtype and 0-d shape.
    for v in [onp.float64(1.5), onp.int32(7), onp.bool_(True), onp.array(2.0), onp.array(3, "uint8")]:
        assert_same(dnp.array(v), onp.asarray(v))


def test_array_of_numpy_dtypes_without_a_deepblocks_twin():
    # Deliberate: no float16/int8/int16/unsigned>8 in deepblocks; the nearest wider type is used.
    assert_same(dnp.array(onp.array([1.5, 2], "float16")), onp.array([1.5, 2], "float32"))
    assert_same(dnp.array(onp.array([-3, 4], "int8")), onp.array([-3, 4], "int32"))
    assert_same(dnp.array(onp.array([3, 4], "uint32")), onp.array([3, 4], "int64"))
    raises(TypeError, dnp.array, onp.array([1 + 2j]), contains="complex128")
    raises(TypeError, dnp.array, onp.array(["a"]), contains="str")


@given(data=st.data())
def test_array_copies_but_asarray_shares(data):
    host, dev = data.draw(views(data.draw(dtypes), data.draw(shapes(min_side=1)), kind="contig"))
    c = dnp.array(dev)
    assert not shares_memory(c, dev)
    assert_same(c, host)
    same = dnp.asarray(dev)
    assert same is dev or shares_memory(same, dev)
    assert not shares_memory(dnp.array(dev, copy=True), dev)


def test_array_device_arguments():
    for kw in [{"ctx": npx.cpu()}, {"ctx": npx.cpu(0)}, {"device": npx.cpu()}, {"ctx": "cpu"}, {"device": "cpu(0)"}]:
        a = dnp.array([1, 2], **kw)
        assert a.ctx == npx.cpu()
        assert a.device == npx.cpu(0)
        assert_same(a, onp.array([1, 2], "float32"))
    if npx.num_gpus() == 0:
        raises(MXNetError, dnp.array, [1, 2], ctx=npx.gpu(0), contains="gpu(0)")
        raises(MXNetError, dnp.array, [1, 2], device="gpu(1)", contains="gpu(1)")
    raises(TypeError, dnp.array, [1, 2], ctx=5)
    raises(ValueError, dnp.array, [1, 2], ctx="tpu(0)")


def test_array_bad_data():
    raises(ValueError, dnp.array, [[1, 2], [3]], contains="inhomogeneous")
    raises(TypeError, dnp.array, ["a", "b"])
    raises(TypeError, dnp.array, None)
    raises(TypeError, dnp.array, [1, None])
    raises(TypeError, dnp.array, [1, 2], dtype="complex64", contains="complex64")
    raises(TypeError, dnp.array, [1, 2], dtype="float16", contains="float16")
    raises(TypeError, dnp.array, [1, 2], dtype=object)


# ---- constant arrays --------------------------------------------------------------------------


@given(shape=shapes(), dtype=st.none() | dtypes)
def test_zeros_ones_empty_full(shape, dtype):
    ref_dtype = dtype or "float32"  # MXNet's default
    assert_same(dnp.zeros(shape, dtype=dtype), onp.zeros(shape, ref_dtype))
    assert_same(dnp.ones(shape, dtype=dtype), onp.ones(shape, ref_dtype))
    e = dnp.empty(shape, dtype=dtype)
    assert e.shape == shape and e.dtype == onp.dtype(ref_dtype)
    assert_same(dnp.full(shape, 7, dtype=dtype), onp.full(shape, 7, ref_dtype))
    assert_same(dnp.full(shape, True), onp.full(shape, True))
    assert_same(dnp.full(shape, 2.5), onp.full(shape, 2.5, "float32"))


def test_shapes_as_ints_lists_and_numpy_ints():
    assert_same(dnp.zeros(3), onp.zeros(3, "float32"))
    assert_same(dnp.zeros([2, 3]), onp.zeros((2, 3), "float32"))
    assert_same(dnp.ones((onp.int64(2), onp.int32(1))), onp.ones((2, 1), "float32"))
    assert_same(dnp.zeros(()), onp.zeros((), "float32"))
    raises(ValueError, dnp.zeros, -1, contains="negative")
    raises(ValueError, dnp.ones, (2, -3), contains="negative")
    raises(TypeError, dnp.zeros, 2.5)
    raises(TypeError, dnp.zeros, "3")


@given(data=st.data())
def test_full_with_array_fill_broadcasts(data):
    shape = data.draw(shapes(min_dims=1, max_dims=3))
    hv, v = data.draw(views(data.draw(dtypes), shape[1:]))
    assert_same(dnp.full(shape, v), onp.full(shape, hv))
    assert_same(dnp.full(shape, hv), onp.full(shape, hv))
    raises(ValueError, dnp.full, (2, 3), dnp.ones(4))


@given(data=st.data())
def test_like_functions(data):
    host, dev = data.draw(views(data.draw(dtypes), data.draw(shapes())))
    dtype = data.draw(st.none() | dtypes)
    assert_same(dnp.zeros_like(dev, dtype=dtype), onp.zeros_like(host, dtype=dtype))
    assert_same(dnp.ones_like(dev, dtype=dtype), onp.ones_like(host, dtype=dtype))
    assert_same(dnp.full_like(dev, 3, dtype=dtype), onp.full_like(host, 3, dtype=dtype))
    e = dnp.empty_like(dev, dtype=dtype)
    assert e.shape == host.shape and e.dtype == onp.empty_like(host, dtype=dtype).dtype
    # NumPy input works too and keeps its dtype.
    assert_same(dnp.zeros_like(host), onp.zeros_like(host))
    assert not shares_memory(dnp.zeros_like(dev), dev)


# ---- ranges -----------------------------------------------------------------------------------


@given(start=st.integers(-20, 20), stop=st.integers(-20, 20) | st.none(), step=st.sampled_from([None, 1, 2, 3, -1, -2, 5]),
       dtype=st.sampled_from([None, "int32", "int64", "float32", "float64"]))
def test_arange_integer_arguments(start, stop, step, dtype):
    args = (start,) if stop is None else (start, stop) if step is None else (start, stop, step)
    got = dnp.arange(*args, dtype=dtype)
    assert_same(got, onp.arange(*args, dtype=dtype or "float32"))


@given(start=st.floats(-10, 10), stop=st.floats(-10, 10), step=st.floats(0.05, 3) | st.floats(-3, -0.05),
       dtype=st.sampled_from([None, "float64"]))
def test_arange_float_arguments(start, stop, step, dtype):
    ref = onp.arange(start, stop, step, dtype=dtype or "float32")
    got = dnp.arange(start, stop, step, dtype=dtype)
    assert got.shape == ref.shape
    # NumPy's float32 arange adds a float32-rounded step, so its error grows with the length;
    # deepblocks computes each value in float64 and rounds once.
    exact = onp.arange(start, stop, step, dtype="float64")
    assert_same(got, exact.astype(got.dtype), rtol=1e-6, atol=1e-6)
    assert_same(got, ref, rtol=1e-5, atol=2e-7 * len(ref) * (abs(start) + abs(step)))


def test_arange_errors():
    raises(ValueError, dnp.arange, 0, 10, 0)
    raises(ValueError, dnp.arange, 0, float("inf"))
    raises(TypeError, dnp.arange, "3")


@given(start=st.floats(-100, 100), stop=st.floats(-100, 100), num=st.integers(0, 20), endpoint=st.booleans(),
       dtype=st.sampled_from([None, "float32", "float64"]))
def test_linspace(start, stop, num, endpoint, dtype):
    ref = onp.linspace(start, stop, num, endpoint=endpoint).astype(dtype or "float32")
    got = dnp.linspace(start, stop, num, endpoint=endpoint, dtype=dtype)
    assert_same(got, ref, rtol=1e-6, atol=1e-5)
    g, step = dnp.linspace(start, stop, num, endpoint=endpoint, retstep=True)
    r, rstep = onp.linspace(start, stop, num, endpoint=endpoint, retstep=True)
    assert onp.isclose(step, rstep, equal_nan=True)


def test_linspace_errors():
    raises(ValueError, dnp.linspace, 0, 1, -1, contains="-1")
    raises(ValueError, dnp.linspace, 0, 1, 5, axis=1)


@given(n=st.integers(0, 6), m=st.none() | st.integers(0, 6), k=st.integers(-7, 7), dtype=st.none() | dtypes)
def test_eye_and_identity(n, m, k, dtype):
    assert_same(dnp.eye(n, m, k, dtype=dtype), onp.eye(n, m, k, dtype=dtype or "float32"))
    assert_same(dnp.identity(n, dtype=dtype), onp.identity(n, dtype=dtype or "float32"))
    assert_same(dnp.eye(n, M=m, k=k), onp.eye(n, M=m, k=k, dtype="float32"))


def test_creation_on_gpu_raises_mxnet_error():
    if npx.num_gpus():
        pytest.skip("a GPU is present")
    for f in [lambda: dnp.zeros((2,), ctx=npx.gpu(0)), lambda: dnp.ones(3, device=npx.gpu()),
              lambda: dnp.full((2,), 1.0, ctx=npx.gpu(0)), lambda: dnp.arange(3, ctx=npx.gpu(0)),
              lambda: dnp.eye(2, ctx=npx.gpu(0)), lambda: dnp.linspace(0, 1, 3, ctx=npx.gpu(0)),
              lambda: dnp.random.uniform(size=(2,), ctx=npx.gpu(0)), lambda: dnp.zeros_like(dnp.ones(2), ctx=npx.gpu(0))]:
        raises(MXNetError, f, contains="gpu")


def test_np_bool_is_python_bool_as_mxnet():
    from deepblocks import np as dnp

    # recorded from MXNet 1.9.1: mx.np.bool is Python's bool (mx.np.bool_ is numpy.bool_)
    assert dnp.bool is bool and dnp.bool_ is onp.bool_
    a = dnp.array([[False, True], [True, False]], dtype=dnp.bool)
    assert a.dtype == onp.bool_
    assert dnp.zeros(3).astype(dnp.bool).dtype == onp.bool_

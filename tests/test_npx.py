"""``npx`` (MXNet's NumPy extensions) against NumPy reference implementations: the array-mode
switches, relu, sigmoid, softmax, log_softmax (any axis, temperature, huge inputs), one_hot,
pick (clip and wrap modes, keepdims), batch_dot (transpose flags), waitall and devices."""

import numpy as onp
import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import assert_same, dtypes, float_dtypes, host_arrays, numeric_dtypes, raises, shapes, to_dev, views
from deepblocks import npx, util
from deepblocks import np as dnp


@pytest.fixture
def restore_mode():
    saved = dict(util._state)
    yield
    util._state.update(saved)


def test_array_mode_switches(restore_mode):
    npx.set_np()
    assert npx.is_np_array() and npx.is_np_shape()
    npx.reset_np()
    assert not npx.is_np_array() and not npx.is_np_shape()
    npx.set_np(shape=True, array=False)
    assert npx.is_np_shape() and not npx.is_np_array()
    raises(ValueError, npx.set_np, shape=False, array=True)
    raises(ValueError, npx.set_np, dtype=True)
    # MXNet's use_np runs a function with NumPy semantics on, then restores the mode
    npx.reset_np()
    f = npx.use_np(lambda x: (x, npx.is_np_array(), npx.is_np_shape()))
    assert f(3) == (3, True, True) and not npx.is_np_array() and not npx.is_np_shape()


def ref_sigmoid(x):
    x = x.astype("float64")
    return 1 / (1 + onp.exp(-x))


def math_dtype(host):
    """The float dtype deepblocks computes float math in (float32 for bool/uint8)."""
    return {"float64": "float64", "int32": "float64", "int64": "float64"}.get(host.dtype.name, "float32")


@given(data=st.data())
def test_relu_and_sigmoid(data):
    dtype = data.draw(numeric_dtypes)
    host, dev = data.draw(views(dtype, data.draw(shapes())))
    assert_same(npx.relu(dev), onp.maximum(host, onp.zeros((), host.dtype)))
    with onp.errstate(all="ignore"):
        ref = ref_sigmoid(host).astype(math_dtype(host))
    assert_same(npx.sigmoid(dev), ref, rtol=1e-6 if ref.dtype == onp.float32 else 1e-12, atol=1e-7)
    # Functions of Python data work too (float32, MXNet's default).
    assert_same(npx.relu([-1.0, 2.0]), onp.array([0.0, 2.0], "float32"))


def ref_softmax(x, axis, temperature=1.0):
    z = x.astype("float64") / temperature
    z = z - z.max(axis=axis, keepdims=True)
    e = onp.exp(z)
    return e / e.sum(axis=axis, keepdims=True)


@given(data=st.data())
def test_softmax_and_log_softmax(data):
    dtype = data.draw(float_dtypes)
    shape = data.draw(shapes(min_dims=1, min_side=1, max_dims=3))
    host, dev = data.draw(views(dtype, shape))
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    t = data.draw(st.sampled_from([None, 1.0, 0.5, 3.0]))
    ref = ref_softmax(host, axis, t or 1.0)
    tol = dict(rtol=1e-5, atol=1e-6) if dtype == "float32" else dict(rtol=1e-10, atol=1e-12)
    got = npx.softmax(dev, axis=axis, temperature=t)
    assert_same(got, ref.astype(dtype), **tol)
    onp.testing.assert_allclose(got.asnumpy().sum(axis=axis), 1.0, rtol=1e-5)
    with onp.errstate(divide="ignore"):
        lref = onp.log(ref)
    shifted = host.astype("float64") / (t or 1.0)
    shifted = shifted - shifted.max(axis=axis, keepdims=True)
    lref = shifted - onp.log(onp.exp(shifted).sum(axis=axis, keepdims=True))
    assert_same(npx.log_softmax(dev, axis=axis, temperature=t), lref.astype(dtype),
                rtol=1e-5 if dtype == "float32" else 1e-10, atol=1e-4 if dtype == "float32" else 1e-10)
    assert npx.softmax(dev, axis=axis, dtype="float64").dtype == onp.float64


def test_softmax_is_stable_for_huge_inputs():
    x = dnp.array([[1000.0, 1000.0], [-1000.0, 0.0]])
    assert_same(npx.softmax(x), onp.array([[0.5, 0.5], [0.0, 1.0]], "float32"))
    assert_same(npx.log_softmax(x), onp.array([[-onp.log(2), -onp.log(2)], [-1000.0, 0.0]], "float32"), atol=1e-5)
    # Huge logits with a length (tests/test_npx_softmax_length.py covers lengths).
    got = npx.softmax(x, length=dnp.array([1, 2], dtype="int32"), use_length=True)
    assert_same(got, onp.array([[1.0, 0.0], [0.0, 1.0]], "float32"))


@given(data=st.data())
def test_one_hot(data):
    depth = data.draw(st.integers(1, 6))
    shape = data.draw(shapes(max_dims=2))
    idx = data.draw(host_arrays("int64", shape).map(lambda a: a % (depth + 2) - 1))  # some out of range
    on, off = data.draw(st.floats(-5, 5)), data.draw(st.floats(-5, 5))
    out_dtype = data.draw(st.sampled_from(["float32", "int32", "float64"]))
    ref = onp.where(idx[..., None] == onp.arange(depth), on, off).astype(out_dtype)
    src = data.draw(st.sampled_from([to_dev(idx), to_dev(idx.astype("float32")), to_dev(idx.astype("int32"))]))
    assert_same(npx.one_hot(src, depth, on_value=on, off_value=off, dtype=out_dtype), ref)
    assert_same(npx.one_hot(src, depth), (idx[..., None] == onp.arange(depth)).astype("float32"))


@given(data=st.data())
def test_pick(data):
    dtype = data.draw(numeric_dtypes)
    shape = data.draw(shapes(min_dims=1, max_dims=3, min_side=1))
    host, dev = data.draw(views(dtype, shape))
    nd = len(shape)
    axis = data.draw(st.integers(-nd, nd - 1))
    n = shape[axis]
    rest = shape[:axis % nd] + shape[axis % nd + 1:]
    idx = data.draw(host_arrays("int64", rest).map(lambda a: a % (n + 4) - 2))
    mode = data.draw(st.sampled_from(["clip", "wrap"]))
    keepdims = data.draw(st.booleans())
    fixed = onp.clip(idx, 0, n - 1) if mode == "clip" else onp.mod(idx, n)
    ref = onp.take_along_axis(host, onp.expand_dims(fixed, axis), axis)
    if not keepdims:
        ref = onp.squeeze(ref, axis)
    # MXNet code often passes float32 labels as the index.
    index = data.draw(st.sampled_from([to_dev(idx), to_dev(idx.astype("float32"))]))
    assert_same(npx.pick(dev, index, axis=axis, mode=mode, keepdims=keepdims), ref)


def test_pick_examples_and_errors():
    y_hat = dnp.array([[0.1, 0.3, 0.6], [0.3, 0.2, 0.5]])
    y = dnp.array([0, 2])
    assert_same(npx.pick(y_hat, y), onp.array([0.1, 0.5], "float32"))
    raises(ValueError, npx.pick, y_hat, y, mode="raise")
    raises(ValueError, npx.pick, dnp.array(1.0), dnp.array(0))
    raises(ValueError, npx.pick, y_hat, dnp.array([0, 1, 2]))


@given(data=st.data())
def test_batch_dot(data):
    dtype = data.draw(st.sampled_from(["float32", "float64", "int64"]))
    b, m, k, n = (data.draw(st.integers(0, 4)) for _ in range(4))
    ta, tb = data.draw(st.booleans()), data.draw(st.booleans())
    ha, a = data.draw(views(dtype, (b, k, m) if ta else (b, m, k), small=True))
    hb, bb = data.draw(views(dtype, (b, n, k) if tb else (b, k, n), small=True))
    ref = (ha.swapaxes(1, 2) if ta else ha) @ (hb.swapaxes(1, 2) if tb else hb)
    assert_same(npx.batch_dot(a, bb, transpose_a=ta, transpose_b=tb), ref, rtol=1e-5, atol=1e-4)
    raises(ValueError, npx.batch_dot, dnp.ones((2, 3, 4)), dnp.ones((2, 5, 6)))


def test_devices_and_waitall():
    assert npx.cpu() == npx.cpu(0) and str(npx.cpu()) == "cpu(0)" and str(npx.gpu(1)) == "gpu(1)"
    assert isinstance(npx.num_gpus(), int) and npx.num_gpus() >= 0
    assert npx.waitall() is None
    assert npx.current_context() == npx.cpu() == npx.current_device()
    with npx.cpu(0):
        assert dnp.ones(2).ctx == npx.cpu(0)

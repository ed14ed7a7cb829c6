"""The sequence operators ``npx.sequence_mask``, ``npx.sequence_last``, ``npx.sequence_reverse``
and ``npx.arange_like`` (and their legacy names ``nd.SequenceMask``, ``nd.SequenceLast``,
``nd.SequenceReverse``, ``nd.contrib.arange_like``) against NumPy references over
hypothesis-drawn shapes (empty axes included), views, data dtypes, length dtypes (float
lengths truncate), lengths of 0 and beyond the axis; values recorded from MXNet 1.9.1; gradients
against central differences in float64; bad input."""

import numpy as onp
import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import assert_same, raises, shapes, views
from deepblocks import autograd, nd, npx
from deepblocks import np as dnp
from test_autograd_grads import check_grad

DATA_DTYPES = ["float32", "float64", "int32", "int64", "uint8"]
LENGTH_DTYPES = ["float32", "float64", "int32", "int64"]


# ---- references ------------------------------------------------------------------------------------


def _ref_lengths(lengths):
    return onp.trunc(onp.asarray(lengths, "float64")).astype("int64")


def ref_mask(x, lengths, axis, value):
    t = onp.arange(x.shape[axis])
    keep = t[:, None] < _ref_lengths(lengths)[None, :]       # (T, N)
    if axis == 1:
        keep = keep.T
    keep = keep.reshape(keep.shape + (1,) * (x.ndim - 2))
    fill = onp.asarray(value, "float64").astype(x.dtype)
    return onp.where(keep, x, fill)


def ref_last(x, lengths, axis):
    steps = x.shape[axis]
    last = onp.clip(_ref_lengths(lengths) - 1, 0, steps - 1)
    xt = x if axis == 0 else onp.swapaxes(x, 0, 1)
    return xt[last, onp.arange(xt.shape[1])]


def ref_reverse(x, lengths, axis):
    xt = x if axis == 0 else onp.swapaxes(x, 0, 1)
    out = xt.copy()
    for b, n in enumerate(onp.clip(_ref_lengths(lengths), 0, xt.shape[0])):
        out[:n, b] = xt[:n, b][::-1]
    return out if axis == 0 else onp.swapaxes(out, 0, 1)


@st.composite
def sequence_cases(draw, min_steps=0):
    """``(host, dev, host_lengths, dev_lengths, axis)``: data of rank 2-4 in a drawn dtype and
    view, with lengths of a drawn dtype from -1 to beyond the sequence axis (fractions too)."""
    dtype = draw(st.sampled_from(DATA_DTYPES))
    axis = draw(st.sampled_from([0, 1]))
    shape = list(draw(shapes(min_dims=2, max_dims=4, max_side=4)))
    shape[axis] = max(shape[axis], min_steps)
    host, dev = draw(views(dtype, tuple(shape), small=True))
    ldtype = draw(st.sampled_from(LENGTH_DTYPES))
    steps, batch = shape[axis], shape[1 - axis]
    if ldtype.startswith("float"):
        el = st.floats(-1.5, steps + 2.5, width=32) if ldtype == "float32" else st.floats(-1.5, steps + 2.5)
    else:
        el = st.integers(-1, steps + 2)
    lengths = onp.array(draw(st.lists(el, min_size=batch, max_size=batch)), dtype=ldtype)
    # The lengths as a contiguous array or as a negative-step view.
    dev_lengths = dnp.array(lengths[::-1])[::-1] if draw(st.booleans()) else dnp.array(lengths)
    return host, dev, lengths, dev_lengths, axis


# ---- sequence_mask -------------------------------------------------------------------------------------


@given(case=sequence_cases(), value=st.sampled_from([0.0, -1.0, 2.5, -1e6, 7]))
def test_sequence_mask(case, value):
    host, dev, hl, dl, axis = case
    if host.dtype == onp.uint8 and value < 0:
        value = -value  # a negative float cast to uint8 is platform-defined on the host
    assert_same(npx.sequence_mask(dev, dl, True, value=value, axis=axis), ref_mask(host, hl, axis, value))
    assert_same(npx.sequence_mask(dev, axis=axis), host)


def test_sequence_mask_recorded_from_mxnet():
    # Recorded from MXNet 1.9.1: nd.SequenceMask(nd.arange(24).reshape((4, 3, 2)), ...).
    x = nd.arange(24).reshape((4, 3, 2))
    got = nd.SequenceMask(x, nd.array([1.5, 0.2, 2.7]), use_sequence_length=True, value=-1)
    want = [[[0, 1], [-1, -1], [4, 5]], [[-1, -1], [-1, -1], [10, 11]],
            [[-1, -1], [-1, -1], [-1, -1]], [[-1, -1], [-1, -1], [-1, -1]]]
    assert type(got) is nd.NDArray and got.dtype == onp.float32
    onp.testing.assert_array_equal(got.asnumpy(), want)
    got = nd.SequenceMask(x.transpose((1, 0, 2)), nd.array([1, 0, 5]), use_sequence_length=True, value=-1, axis=1)
    want = [[[0, 1], [-1, -1], [-1, -1], [-1, -1]], [[-1, -1]] * 4, [[4, 5], [10, 11], [16, 17], [22, 23]]]
    onp.testing.assert_array_equal(got.asnumpy(), want)
    # The value is cast to the data's dtype: -1.5 -> -1 (int32), -1 -> 255 (uint8), -2.7 -> -2 (int64).
    got = nd.SequenceMask(nd.arange(6, dtype="int32").reshape((3, 2)), nd.array([1, 2]), use_sequence_length=True,
                          value=-1.5)
    assert got.dtype == onp.int32
    onp.testing.assert_array_equal(got.asnumpy(), [[0, 1], [-1, 3], [-1, -1]])
    assert npx.sequence_mask(dnp.ones((2, 2), dtype="uint8"), dnp.array([1, 0]), True, value=-1).tolist() == \
        [[1, 255], [255, 255]]
    assert npx.sequence_mask(dnp.zeros((2, 2), dtype="int64"), dnp.array([1, 0]), True, value=-2.7).tolist() == \
        [[0, -2], [-2, -2]]
    # bool lengths count as 0/1; -inf and nan fill too.
    got = npx.sequence_mask(dnp.ones((2, 3)), dnp.array([True, False, True]), True, value=-onp.inf)
    onp.testing.assert_array_equal(got.asnumpy(), [[1, -onp.inf, 1], [-onp.inf, -onp.inf, -onp.inf]])


def test_sequence_mask_d2l_attention_pattern():
    # d2l's masked_softmax: rows of a (N*Q, K) score matrix masked with -1e6 along axis 1.
    x = dnp.ones((4, 3))
    got = npx.sequence_mask(x, dnp.array([2.0, 2.0, 3.0, 3.0]), True, value=-1e6, axis=1)
    onp.testing.assert_array_equal(got.asnumpy(), [[1, 1, -1e6], [1, 1, -1e6], [1, 1, 1], [1, 1, 1]])


# ---- sequence_last ------------------------------------------------------------------------------------


@given(case=sequence_cases(min_steps=1))
def test_sequence_last(case):
    host, dev, hl, dl, axis = case
    assert_same(npx.sequence_last(dev, dl, True, axis=axis), ref_last(host, hl, axis))
    assert_same(npx.sequence_last(dev, axis=axis), onp.take(host, host.shape[axis] - 1, axis=axis))


def test_sequence_last_recorded_from_mxnet():
    # Recorded from MXNet 1.9.1 (lengths in [1, T]; MXNet reads outside the array for 0 or > T).
    x = nd.arange(24).reshape((4, 3, 2))
    onp.testing.assert_array_equal(nd.SequenceLast(x, nd.array([1, 3, 4]), use_sequence_length=True).asnumpy(),
                                   [[0, 1], [14, 15], [22, 23]])
    onp.testing.assert_array_equal(nd.SequenceLast(x, nd.array([1.5, 2.9, 3.1]), use_sequence_length=True).asnumpy(),
                                   [[0, 1], [8, 9], [16, 17]])
    onp.testing.assert_array_equal(nd.SequenceLast(x).asnumpy(), [[18, 19], [20, 21], [22, 23]])
    got = nd.SequenceLast(x.transpose((1, 0, 2)), nd.array([1, 3, 4]), use_sequence_length=True, axis=1)
    onp.testing.assert_array_equal(got.asnumpy(), [[0, 1], [14, 15], [22, 23]])
    got = nd.SequenceLast(nd.arange(6, dtype="int32").reshape((3, 2)), nd.array([1, 2]), use_sequence_length=True)
    assert got.dtype == onp.int32 and got.asnumpy().tolist() == [0, 3]
    # deepblocks clips the lengths to [1, T] where MXNet reads outside the array.
    got = npx.sequence_last(dnp.arange(6).reshape(3, 2), dnp.array([0, 9]), True)
    assert got.tolist() == [0.0, 5.0]


# ---- sequence_reverse ---------------------------------------------------------------------------------


@given(case=sequence_cases())
def test_sequence_reverse(case):
    host, dev, hl, dl, axis = case
    assert_same(npx.sequence_reverse(dev, dl, True, axis=axis), ref_reverse(host, hl, axis))
    assert_same(npx.sequence_reverse(dev, axis=axis), onp.flip(host, axis))


def test_sequence_reverse_recorded_from_mxnet():
    # Recorded from MXNet 1.9.1 (lengths in [0, T]; MXNet reads outside the array beyond T).
    x = nd.arange(24).reshape((4, 3, 2))
    want = [[[0, 1], [14, 15], [4, 5]], [[6, 7], [8, 9], [10, 11]], [[12, 13], [2, 3], [16, 17]],
            [[18, 19], [20, 21], [22, 23]]]
    onp.testing.assert_array_equal(nd.SequenceReverse(x, nd.array([1, 3, 0]), use_sequence_length=True).asnumpy(), want)
    want = [[[0, 1], [8, 9], [16, 17]], [[6, 7], [2, 3], [10, 11]], [[12, 13], [14, 15], [4, 5]],
            [[18, 19], [20, 21], [22, 23]]]
    got = nd.SequenceReverse(x, nd.array([1.5, 2.9, 3.1]), use_sequence_length=True)
    onp.testing.assert_array_equal(got.asnumpy(), want)
    got = nd.SequenceReverse(nd.arange(6, dtype="int32").reshape((3, 2)), nd.array([1, 2]), use_sequence_length=True)
    assert got.dtype == onp.int32 and got.asnumpy().tolist() == [[0, 3], [2, 1], [4, 5]]


# ---- gradients ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("axis", [0, 1])
def test_sequence_gradients(axis):
    rng = onp.random.default_rng(axis)
    shape = (4, 3, 2) if axis == 0 else (3, 4, 2)
    x = rng.uniform(-2, 2, shape)
    lengths = dnp.array([0.0, 2.6, 7.0])     # masked entirely, truncated, beyond the axis
    grads = check_grad(lambda a: npx.sequence_mask(a, lengths, True, value=-3.0, axis=axis), x)
    keep = ref_mask(onp.ones(shape), lengths.asnumpy(), axis, 0.0)
    assert (grads[0][keep == 0] == 0).all()  # masked steps get no gradient
    check_grad(lambda a: npx.sequence_last(a, lengths, True, axis=axis), x)
    check_grad(lambda a: npx.sequence_last(a, axis=axis), x)
    check_grad(lambda a: npx.sequence_reverse(a, lengths, True, axis=axis), x)
    check_grad(lambda a: npx.sequence_reverse(a[::-1] if axis == 0 else a[:, ::-1], axis=axis), x)


def test_lengths_get_no_gradient():
    x, lengths = dnp.ones((3, 2)), dnp.array([1.0, 2.0])
    lengths.attach_grad()
    x.attach_grad()
    with autograd.record():
        y = (npx.sequence_mask(x, lengths, True) * 2).sum()
    y.backward()
    assert lengths.grad.tolist() == [0.0, 0.0]
    assert x.grad.tolist() == [[2, 2], [0, 2], [0, 0]]


# ---- legacy names and bad input -----------------------------------------------------------------------


def test_legacy_names_write_out():
    x = nd.arange(6).reshape((3, 2))
    out = nd.zeros((3, 2))
    r = nd.SequenceMask(x, nd.array([1, 2]), use_sequence_length=True, out=out)
    assert r is out and out.asnumpy().tolist() == [[0, 1], [0, 3], [0, 0]]
    out = nd.zeros((2,))
    assert nd.SequenceLast(x, out=out) is out and out.asnumpy().tolist() == [4, 5]
    out = nd.zeros((3, 2))
    assert nd.SequenceReverse(x, out=out) is out and out.asnumpy().tolist() == [[4, 5], [2, 3], [0, 1]]
    assert isinstance(nd.SequenceMask(x), nd.NDArray) and isinstance(nd.SequenceLast(x), nd.NDArray)


@pytest.mark.parametrize("op", [npx.sequence_mask, npx.sequence_last, npx.sequence_reverse])
def test_bad_input(op):
    x = dnp.ones((4, 3, 2))
    raises(ValueError, op, dnp.ones(3), contains="(3,)")                  # rank 1 (MXNet: rank 2 or more)
    raises(ValueError, op, x, axis=2, contains=["axis", "(4, 3, 2)"])     # MXNet: axis 0 or 1 only
    raises(ValueError, op, x, axis=-1, contains="axis")
    raises(ValueError, op, x, dnp.ones(2), True, contains=["(3,)", "(2,)"])
    raises(ValueError, op, x, dnp.ones((1, 3)), True, contains=["(3,)", "(1, 3)"])
    raises(ValueError, op, x, dnp.ones(3), True, axis=1, contains=["(4,)", "(3,)"])
    raises(ValueError, op, x, dnp.ones(3), contains="use_sequence_length")  # MXNet: "expects 1 inputs"
    raises(ValueError, op, x, None, True, contains="sequence_length")
    raises(TypeError, op, x, [1, 2, 3], True)                              # MXNet: must be an NDArray


def test_sequence_last_of_an_empty_axis():
    raises(ValueError, npx.sequence_last, dnp.ones((0, 2)), contains="(0, 2)")
    assert npx.sequence_last(dnp.ones((3, 0, 2)), dnp.ones(0), True).shape == (0, 2)
    assert npx.sequence_mask(dnp.ones((0, 2)), dnp.ones(2), True).shape == (0, 2)   # MXNet raises here
    assert npx.sequence_reverse(dnp.ones((0, 2)), dnp.ones(2), True).shape == (0, 2)


# ---- arange_like ---------------------------------------------------------------------------------------


def ref_arange_like(x, start, step, repeat, axis):
    dtype = x.dtype
    shape = x.shape if axis is None else (x.shape[axis],)
    n = int(onp.prod(shape, dtype="int64"))
    first = onp.asarray(start, "float64").astype(dtype)
    stride = onp.asarray(step, "float64").astype(dtype)
    with onp.errstate(over="ignore"):
        out = first + (onp.arange(n) // repeat).astype(dtype) * stride
    return out.astype(dtype).reshape(shape)


@given(data=st.data(), shape=shapes(), dtype=st.sampled_from(DATA_DTYPES), repeat=st.integers(1, 4),
       start=st.sampled_from([0.0, 1.0, -2.5, 0.1, 3]), step=st.sampled_from([1.0, 0.5, -1.0, 2.6, 0.1]))
def test_arange_like(data, shape, dtype, repeat, start, step):
    host, dev = data.draw(views(dtype, shape, small=True))
    if dtype == "uint8":
        start, step = abs(start), abs(step)
    axis = data.draw(st.none() | st.integers(-len(shape), len(shape) - 1)) if shape else None
    assert_same(npx.arange_like(dev, start=start, step=step, repeat=repeat, axis=axis),
                ref_arange_like(host, start, step, repeat, axis))


def test_arange_like_recorded_from_mxnet():
    # Recorded from MXNet 1.9.1 (npx.arange_like).
    x = dnp.zeros((2, 3))
    assert npx.arange_like(x, start=1.5, step=0.5).tolist() == [[1.5, 2.0, 2.5], [3.0, 3.5, 4.0]]
    assert npx.arange_like(x, repeat=4).tolist() == [[0, 0, 0], [0, 1, 1]]
    assert npx.arange_like(x, axis=1, repeat=2).tolist() == [0, 0, 1]
    assert npx.arange_like(x, axis=0).tolist() == [0, 1]
    # Integer data: start and step are cast first (0.5 -> 0, 0.7 -> 0; 1.7 -> 1, 2.6 -> 2).
    xi = dnp.zeros((2, 3), dtype="int32")
    assert npx.arange_like(xi, start=0.5, step=0.7).tolist() == [[0] * 3] * 2
    got = npx.arange_like(xi, start=1.7, step=2.6)
    assert got.dtype == onp.int32 and got.tolist() == [[1, 3, 5], [7, 9, 11]]
    assert npx.arange_like(xi, start=-1.7, step=-2.6).tolist() == [[-1, -3, -5], [-7, -9, -11]]
    # uint8 wraps; float32 arithmetic is in float32 (start + i * step, each rounded).
    assert npx.arange_like(dnp.zeros((2, 150), dtype="uint8"), axis=1, start=200)[54:58].tolist() == [254, 255, 0, 1]
    got = npx.arange_like(dnp.zeros(1000), start=0.1, step=0.1).asnumpy()
    onp.testing.assert_array_equal(got, onp.float32(0.1) + onp.arange(1000).astype("float32") * onp.float32(0.1))
    assert npx.arange_like(dnp.array(5.0)).shape == () and npx.arange_like(dnp.zeros((0, 3)), axis=0).shape == (0,)
    assert npx.arange_like(dnp.zeros((1,)), start=16777217).tolist() == [16777216.0]
    got = nd.contrib.arange_like(nd.zeros((2, 3)), axis=1)
    assert type(got) is nd.NDArray and got.asnumpy().tolist() == [0, 1, 2]


def test_arange_like_bad_input_and_no_gradient():
    x = dnp.ones((2, 3))
    raises(ValueError, npx.arange_like, x, repeat=0, contains="repeat")    # MXNet 1.9.1 dies of SIGFPE
    raises(ValueError, npx.arange_like, x, axis=2, contains=["axis 2", "(2, 3)"])
    raises(TypeError, npx.arange_like, dnp.ones(2, dtype="bool"), contains="bool")  # MXNet: unknown type
    x.attach_grad()
    with autograd.record():
        y = (npx.arange_like(x) * x).sum()
    y.backward()
    assert x.grad.tolist() == [[0, 1, 2], [3, 4, 5]]  # as MXNet: arange_like adds no gradient of its own

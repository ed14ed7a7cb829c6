"""More of MXNet 1.x's legacy ``nd`` operators: ``add_n``, the ``slice`` family, ``broadcast_like``
with axes, ``moveaxis``, ``topk``, ``from_numpy``, ``load_frombuffer``, ``Activation``, the
``inplace=`` keyword, ``out=`` on every function, and the smaller operators MXNet code calls
(``L2Normalization``, ``smooth_l1``, ``gather_nd``, ``depth_to_space``, ...).

Values, shapes, dtypes and which calls fail marked "recorded from MXNet 1.9.1" were observed by
running the same calls on mxnet==1.9.1 (numpy 1.23.5); gradients are checked against central
finite differences in float64.
"""

import inspect
import os
import tempfile

import numpy as onp
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import raises
from deepblocks import autograd, nd
from deepblocks.base import MXNetError
from test_autograd_grads import check_grad

F64 = onp.float64


def assert_nd(x, expected, dtype=None, rtol=1e-5, atol=1e-6):
    """``x`` is a legacy NDArray equal to ``expected`` (and of ``dtype``)."""
    assert type(x) is nd.NDArray, type(x)  # isinstance would accept numpy-mode arrays too, as MXNet's
    expected = onp.asarray(expected)
    assert x.shape == expected.shape, (x.shape, expected.shape)
    onp.testing.assert_allclose(x.asnumpy(), expected, rtol=rtol, atol=atol)
    if dtype is not None:
        assert x.dtype == onp.dtype(dtype).type, (x.dtype, dtype)


def f64(a):
    """A float64 NDArray (``check_grad``'s arrays must keep float64)."""
    return nd.array(a, dtype="float64")


def grad_check(f, *inputs, **kw):
    return check_grad(f, *inputs, make=f64, **kw)


def mx_error(fn, *args, contains=(), **kwargs):
    """``fn`` fails as MXNet's operator does: an ``MXNetError`` that is also a ``ValueError``,
    naming ``contains``."""
    e = raises(MXNetError, fn, *args, contains=contains, **kwargs)
    assert isinstance(e, ValueError), type(e)
    return e


X24 = onp.arange(24, dtype="float32").reshape(2, 3, 4)


# ---- add_n / ElementWiseSum ------------------------------------------------------------------------------


def test_add_n_sums_any_number_of_arrays():
    a, b, c = nd.ones((2, 3)), nd.ones((2, 3)) * 2, nd.ones((2, 3)) * 3
    assert_nd(nd.add_n(a, b, c), onp.full((2, 3), 6.0), "float32")  # recorded from MXNet 1.9.1
    assert_nd(nd.add_n(a), onp.ones((2, 3)))
    assert_nd(nd.ElementWiseSum(a, b), onp.full((2, 3), 3.0))
    assert_nd(nd.add_n(a, b, num_args=2), onp.full((2, 3), 3.0))
    ints = nd.ones(2, dtype="int32")
    assert_nd(nd.add_n(ints, ints), [2, 2], "int32")  # recorded: int32 stays int32
    f = nd.ones(2, dtype="float64")
    assert_nd(nd.add_n(f, f, f), [3, 3], "float64")


def test_add_n_writes_into_out_even_when_out_is_an_input():
    a, b = nd.ones((2, 3)), nd.ones((2, 3)) * 2
    o = nd.zeros((2, 3))
    assert nd.add_n(a, b, out=o) is o
    assert_nd(o, onp.full((2, 3), 3.0))
    assert nd.add_n(a, b, out=a) is a  # recorded from MXNet 1.9.1: [3, 3, 3]
    assert_nd(a, onp.full((2, 3), 3.0))


def test_add_n_rejects_what_mxnet_rejects():
    a = nd.ones((2, 3))
    mx_error(nd.add_n, contains="at least one")
    mx_error(nd.add_n, a, nd.ones((1, 3)), contains=["(1, 3)", "(2, 3)"])  # MXNet: no broadcasting
    mx_error(nd.add_n, nd.ones(2, dtype="int32"), nd.ones(2), contains=["int32", "float32"])
    raises(TypeError, nd.add_n, [a, a], contains="NDArray")  # MXNet: AssertionError
    raises(TypeError, nd.add_n, a, 1)
    mx_error(nd.add_n, a, a, num_args=3, contains="num_args")


@settings(deadline=None, max_examples=20)
@given(n=st.integers(1, 4), seed=st.integers(0, 2**32 - 1))
def test_add_n_gradient_is_one_for_every_input(n, seed):
    rng = onp.random.default_rng(seed)
    inputs = [rng.standard_normal((2, 3)) for _ in range(n)]
    grads = grad_check(lambda *xs: nd.add_n(*xs), *inputs)
    assert len(grads) == n


# ---- slice / crop / NDArray.slice ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "begin, end, step, expected",
    [  # recorded from MXNet 1.9.1 (nd.arange(24).reshape((2, 3, 4)))
        ((0, 1), (2, 3), None, X24[0:2, 1:3]),
        ((None, 1), (None, None), None, X24[:, 1:]),
        ((None, None, None), (None, None, None), (1, -1, -2), [[[11, 9], [7, 5], [3, 1]], [[23, 21], [19, 17], [15, 13]]]),
        ((1, 2, 3), (None, 0, 0), (-1, -1, -1), [[[23, 22, 21], [19, 18, 17]], [[11, 10, 9], [7, 6, 5]]]),
        ((-1, -2), (None, -1), None, [[[16, 17, 18, 19]]]),
        ((0,), (5,), None, X24),  # end beyond the axis: clipped
        ((3,), (5,), None, onp.zeros((0, 3, 4))),
        ((1,), (0,), None, onp.zeros((0, 3, 4))),
        ((-5,), (1,), None, X24[:1]),
        ((0, 0), (2, 3), (), X24),  # an empty step means all 1
        ((0, None), (None, 2), (None, -1), onp.zeros((2, 0, 4))),
        ((0, 0, 1), (2, 3, 4), (1, 2, 2), [[[1, 3], [9, 11]], [[13, 15], [21, 23]]]),
        ((), (), None, X24),
    ],
)
def test_slice_matches_mxnet(begin, end, step, expected):
    x = nd.array(X24)
    got = nd.slice(x, begin=begin, end=end, step=step)
    assert_nd(got, onp.asarray(expected, dtype="float32"), "float32")
    assert_nd(nd.crop(x, begin=begin, end=end, step=step), onp.asarray(expected, dtype="float32"))
    assert_nd(x.slice(begin=begin, end=end, step=step), onp.asarray(expected, dtype="float32"))


def test_slice_on_vectors_with_negative_steps_matches_mxnet():
    v = nd.arange(5)
    # recorded from MXNet 1.9.1
    assert_nd(nd.slice(v, begin=(None,), end=(None,), step=(-2,)), [4, 2, 0])
    assert_nd(nd.slice(v, begin=(3,), end=(-6,), step=(-1,)), [3, 2, 1, 0])
    assert_nd(nd.slice(v, begin=(7,), end=(None,), step=(-1,)), [4, 3, 2, 1, 0])
    assert_nd(nd.slice(v, begin=[1], end=[3]), [1, 2])  # lists work
    assert_nd(nd.slice(nd.array(X24), begin=0, end=1), X24[:1])  # so do plain ints
    assert_nd(nd.array(X24).slice((0, 1), (1, 2)), [[[4, 5, 6, 7]]])  # positional, as MXNet's method


def test_slice_errors_match_mxnet():
    x = nd.array(X24)
    mx_error(nd.slice, x, begin=(0,), end=(1,), step=(0,), contains="step[0] cannot be 0")
    mx_error(nd.slice, x, begin=(0, 1), end=(1,), contains="same length")
    mx_error(nd.slice, x, begin=(0, 0, 0, 0), end=(1, 1, 1, 1), contains=["4 axes", "(2, 3, 4)"])
    mx_error(nd.slice, x, begin=(0, 0), end=(2, 3), step=(2,), contains="same length")
    raises(TypeError, nd.slice, x, begin=1.5j, end=(1,))


def test_slice_and_crop_return_new_arrays():
    x = nd.array(X24)
    for y in (nd.slice(x, (0,), (1,)), nd.crop(x, (0,), (1,)), x.slice((0,), (1,)), nd.slice_axis(x, 0, 0, 1),
              nd.slice_like(x, nd.zeros((1, 3, 4)))):
        y[:] = -1  # recorded from MXNet 1.9.1: the source is unchanged (a copy)
    assert (x.asnumpy() == X24).all()
    assert nd.crop is nd.slice  # MXNet 1.9.1 registers crop as an alias of slice


@settings(deadline=None, max_examples=60)
@given(data=st.data())
def test_slice_follows_python_slicing(data):
    shape = data.draw(st.lists(st.integers(0, 4), min_size=1, max_size=3).map(tuple))
    k = data.draw(st.integers(0, len(shape)))
    bound = st.one_of(st.none(), st.integers(-6, 6))
    begin = tuple(data.draw(bound) for _ in range(k))
    end = tuple(data.draw(bound) for _ in range(k))
    step = tuple(data.draw(st.one_of(st.none(), st.integers(-3, 3).filter(bool))) for _ in range(k))
    host = onp.arange(int(onp.prod(shape)), dtype="float32").reshape(shape)
    expected = host[tuple(slice(b, e, s) for b, e, s in zip(begin, end, step))]
    assert_nd(nd.slice(nd.array(host), begin, end, step), expected)


def test_slice_gradient_matches_mxnet_and_finite_differences():
    x = nd.arange(6).reshape((2, 3))
    x.attach_grad()
    with autograd.record():
        y = nd.slice(x, begin=(None, 2), end=(None, 0), step=(-1, -2)) * 2
    y.backward()
    assert_nd(x.grad, [[0, 0, 2], [0, 0, 2]])  # recorded from MXNet 1.9.1
    rng = onp.random.default_rng(0)
    grad_check(lambda t: nd.slice(t, begin=(1, None), end=(None, 0), step=(1, -2)), rng.standard_normal((3, 4)))
    grad_check(lambda t: t.slice(begin=(0,), end=(2,)), rng.standard_normal((3, 2)))


# ---- slice_axis ------------------------------------------------------------------------------------


def test_slice_axis_matches_mxnet():
    x = nd.array(X24)
    # recorded from MXNet 1.9.1
    assert_nd(nd.slice_axis(x, axis=1, begin=0, end=2), X24[:, 0:2])
    assert_nd(nd.slice_axis(x, axis=-1, begin=-3, end=-1), X24[:, :, 1:3])
    assert_nd(nd.slice_axis(x, axis=1, begin=1, end=None), X24[:, 1:])
    assert_nd(x.slice_axis(axis=0, begin=1, end=2), X24[1:2])


@pytest.mark.parametrize(
    "axis, begin, end, words",
    [  # each raises MXNetError in MXNet 1.9.1
        (1, 0, 5, ["end=5", "size 3"]),
        (1, 2, 1, ["begin=2", "end=1"]),
        (1, 1, 1, ["begin=1", "end=1"]),
        (1, -5, 2, ["begin=-5"]),
        (1, 0, -4, ["end=-4"]),
        (1, 0, -3, ["end=-3"]),
        (3, 0, 1, ["axis 3", "3 dimensions"]),
    ],
)
def test_slice_axis_errors_match_mxnet(axis, begin, end, words):
    mx_error(nd.slice_axis, nd.array(X24), axis=axis, begin=begin, end=end, contains=words)


def test_slice_axis_gradient():
    rng = onp.random.default_rng(1)
    grad_check(lambda t: nd.slice_axis(t, axis=1, begin=1, end=None), rng.standard_normal((2, 3, 2)))


# ---- slice_like ---------------------------------------------------------------------------------------


def test_slice_like_matches_mxnet():
    x, like = nd.array(X24), nd.zeros((1, 2, 3))
    # recorded from MXNet 1.9.1
    assert_nd(nd.slice_like(x, like), X24[:1, :2, :3])
    assert_nd(nd.slice_like(x, like, axes=()), X24[:1, :2, :3])
    assert_nd(nd.slice_like(x, like, axes=(1,)), X24[:, :2])
    assert_nd(nd.slice_like(x, like, axes=(-1,)), X24[:, :, :3])
    assert_nd(nd.slice_like(x, nd.zeros((1, 2)), axes=(0, 1)), X24[:1, :2])
    assert_nd(x.slice_like(like, axes=(0,)), X24[:1])


def test_slice_like_errors_match_mxnet():
    x = nd.array(X24)
    mx_error(nd.slice_like, x, nd.zeros((3, 3, 4)), contains=["(3, 3, 4)", "(2, 3, 4)"])
    mx_error(nd.slice_like, x, nd.zeros((1, 2)), contains="same number of dimensions")
    mx_error(nd.slice_like, x, nd.zeros((1, 2)), axes=(2,), contains="axis 2")


def test_slice_like_gradient():
    rng = onp.random.default_rng(2)
    grad_check(lambda t: nd.slice_like(t, nd.zeros((2, 2)), axes=(1,)), rng.standard_normal((3, 4)))


# ---- broadcast_like --------------------------------------------------------------------------------------


def test_broadcast_like_matches_mxnet():
    b = nd.array([[1, 2, 3]])
    row = [[1, 2, 3]]
    # recorded from MXNet 1.9.1
    assert_nd(nd.broadcast_like(b, nd.zeros((2, 3))), row * 2)
    assert_nd(nd.broadcast_like(b, nd.zeros((4, 5)), lhs_axes=(0,), rhs_axes=(0,)), row * 4)
    assert_nd(nd.broadcast_like(nd.ones((1, 1)), nd.zeros((4, 5)), lhs_axes=(0, 1), rhs_axes=(1, 0)), onp.ones((5, 4)))
    assert_nd(nd.broadcast_like(b, nd.zeros((4, 5)), lhs_axes=(-2,), rhs_axes=(-2,)), row * 4)
    assert_nd(b.broadcast_like(nd.zeros((2, 3))), row * 2)
    # The method takes the axes too (MXNet 1.9.1's method does not: a superset).
    assert_nd(b.broadcast_like(nd.zeros((4, 3)), lhs_axes=(0,), rhs_axes=(0,)), row * 4)


def test_broadcast_like_errors_match_mxnet():
    b = nd.array([[1, 2, 3]])
    mx_error(nd.broadcast_like, b, nd.zeros((2, 4)), contains=["(1, 3)", "(2, 4)"])
    mx_error(nd.broadcast_like, b, nd.zeros((2, 4)), lhs_axes=(1,), rhs_axes=(1,), contains="size-1")
    mx_error(nd.broadcast_like, b, nd.zeros((2, 4)), lhs_axes=(0, 1), rhs_axes=(1,), contains="same length")
    mx_error(nd.broadcast_like, b, nd.zeros((2, 4)), lhs_axes=(0,), contains="same length")
    mx_error(nd.broadcast_like, nd.ones(3), nd.zeros((2, 3)), contains=["(3,)", "(2, 3)"])
    # recorded: an axis named in lhs_axes must have size 1, even when it already fits
    mx_error(nd.broadcast_like, nd.ones((2, 3)), nd.zeros((2, 5)), lhs_axes=(0,), rhs_axes=(0,), contains="size 2")
    # recorded from MXNet 1.9.1: explicitly empty axes are an error ("Empty axes tuple is not allowed")
    mx_error(nd.broadcast_like, nd.ones((2, 3)), nd.ones((2, 3)), lhs_axes=(), rhs_axes=(), contains="empty axes")
    mx_error(nd.broadcast_like, nd.ones((1, 3)), nd.ones((2, 3)), lhs_axes=(), rhs_axes=(0,), contains="empty axes")


def test_broadcast_like_gradient_matches_mxnet():
    x = nd.array([[1, 2]])
    x.attach_grad()
    with autograd.record():
        y = nd.broadcast_like(x, nd.zeros((3, 2)))
    y.backward()
    assert_nd(x.grad, [[3, 3]])  # recorded from MXNet 1.9.1
    rng = onp.random.default_rng(3)
    grad_check(lambda t: nd.broadcast_like(t, nd.zeros((3, 2, 4)), lhs_axes=(0, 2), rhs_axes=(0, 2)),
               rng.standard_normal((1, 2, 1)))


# ---- moveaxis ----------------------------------------------------------------------------------------


def test_moveaxis_matches_mxnet():
    x = nd.array(X24)
    # recorded from MXNet 1.9.1
    assert_nd(nd.moveaxis(x, 0, 2), onp.moveaxis(X24, 0, 2))
    assert_nd(nd.moveaxis(x, (0, 1), (2, 0)), onp.moveaxis(X24, (0, 1), (2, 0)))
    assert nd.moveaxis(x, (0, 1), (2, 0)).shape == (3, 4, 2)
    assert_nd(nd.moveaxis(x, -1, 0), onp.moveaxis(X24, -1, 0))
    assert_nd(x.moveaxis(0, 1), onp.moveaxis(X24, 0, 1))  # a method here (MXNet 1.9.1 has none)
    raises((ValueError, IndexError), nd.moveaxis, x, 3, 0, contains="3")  # MXNet: ValueError
    raises(ValueError, nd.moveaxis, x, (0, 0), (1, 2), contains="repeated axis")
    raises(ValueError, nd.moveaxis, x, (0, 1), (1,), contains="same number of elements")
    grad_check(lambda t: nd.moveaxis(t, 0, -1), onp.random.default_rng(4).standard_normal((2, 3, 2)))



def test_moveaxis_bad_axes_are_value_errors_as_mxnet():
    # recorded from MXNet 1.9.1: every bad axis of nd.moveaxis is a ValueError (out of range,
    # negative out of range, repeated, in source or in destination)
    x = nd.zeros((1, 2, 3))
    for source, destination in [(3, 0), (-4, 0), (0, 5), ((0, 0), (0, 1)), ((0, 1), (1, 1))]:
        e = raises(ValueError, nd.moveaxis, x, source, destination)
        assert isinstance(e, IndexError)  # also NumPy's AxisError kind
    raises(ValueError, nd.moveaxis, x, 0, (0, 1), contains="same number of elements")
    assert nd.moveaxis(x, -3, 2).shape == (2, 3, 1)

# ---- topk -----------------------------------------------------------------------------------------------


TOPK = nd.array([[3, 1, 3, 2], [0, 5, 4, 5]])


@pytest.mark.parametrize(
    "kwargs, expected, dtype",
    [  # recorded from MXNet 1.9.1
        (dict(k=2), [[0, 2], [1, 3]], "float32"),
        (dict(k=2, is_ascend=True), [[1, 3], [0, 2]], "float32"),
        (dict(k=2, ret_typ="value"), [[3, 3], [5, 5]], "float32"),
        (dict(k=2, ret_typ="value", is_ascend=True), [[1, 2], [0, 4]], "float32"),
        (dict(k=2, ret_typ="mask"), [[1, 0, 1, 0], [0, 1, 0, 1]], "float32"),
        (dict(k=2, ret_typ="mask", is_ascend=True), [[0, 1, 0, 1], [1, 0, 1, 0]], "float32"),
        (dict(k=2, ret_typ="mask", dtype="int32"), [[1, 0, 1, 0], [0, 1, 0, 1]], "float32"),
        (dict(axis=0, k=1), [[0, 1, 1, 1]], "float32"),
        (dict(axis=None, k=3), [5, 7, 6], "float32"),
        (dict(k=2, dtype="int32"), [[0, 2], [1, 3]], "int32"),
        (dict(k=2, dtype="int64"), [[0, 2], [1, 3]], "int64"),
        (dict(k=2, dtype="float64"), [[0, 2], [1, 3]], "float64"),
        (dict(k=0), [[0, 2, 3, 1], [1, 3, 2, 0]], "float32"),  # k <= 0: the whole axis
        (dict(k=-1), [[0, 2, 3, 1], [1, 3, 2, 0]], "float32"),
    ],
)
def test_topk_matches_mxnet(kwargs, expected, dtype):
    assert_nd(nd.topk(TOPK, **kwargs), expected, dtype)
    assert_nd(TOPK.topk(**kwargs), expected, dtype)


def test_topk_both_and_ties_match_mxnet():
    v, i = nd.topk(TOPK, k=2, ret_typ="both")  # recorded from MXNet 1.9.1
    assert_nd(v, [[3, 3], [5, 5]], "float32")
    assert_nd(i, [[0, 2], [1, 3]], "float32")
    v, i = nd.topk(TOPK, k=2, ret_typ="both", dtype="int32")
    assert v.dtype == onp.float32 and i.dtype == onp.int32
    v, i = nd.topk(nd.array([1, 3, 2], dtype="int32"), k=2, ret_typ="both")
    assert_nd(v, [3, 2], "int32")
    assert_nd(i, [1, 2], "float32")
    v, i = nd.topk(nd.array([1, 3, 3, 1]), k=3, ret_typ="both")  # ties: the earlier first
    assert_nd(v, [3, 3, 1])
    assert_nd(i, [1, 2, 0])
    v, i = nd.topk(nd.array([1, 3, 3, 1]), k=3, ret_typ="both", is_ascend=True)
    assert_nd(i, [0, 3, 1])
    raises(ValueError, nd.topk, TOPK, k=5, contains="5")  # MXNet: MXNetError
    raises(ValueError, nd.topk, TOPK, k=2, ret_typ="foo", contains="foo")


def test_topk_value_gradient():
    x = nd.array([[3, 1, 4], [0, 5, 2]], dtype="float64")
    x.attach_grad()
    with autograd.record():
        y = nd.topk(x, k=2, ret_typ="value")
    y.backward(nd.array([[1, 2], [3, 4]], dtype="float64"))
    assert_nd(x.grad, [[2, 0, 1], [0, 3, 4]])


# ---- from_numpy --------------------------------------------------------------------------------------------


def test_from_numpy_keeps_dtype_and_shape():
    a = onp.arange(6, dtype="float64").reshape(2, 3)
    x = nd.from_numpy(a, zero_copy=False)  # recorded from MXNet 1.9.1: float64 kept
    assert_nd(x, a, "float64")
    a[0, 0] = 100  # zero_copy=False: an independent copy
    assert x.asnumpy()[0, 0] == 0
    for dtype in ("int64", "int32", "uint8", "bool", "float32"):
        assert_nd(nd.from_numpy(onp.ones(2, dtype=dtype), zero_copy=False), onp.ones(2, dtype=dtype), dtype)
    assert_nd(nd.from_numpy(onp.arange(6.0).reshape(2, 3).T, zero_copy=False), onp.arange(6.0).reshape(2, 3).T)


def test_from_numpy_zero_copy_rules_match_mxnet():
    a = onp.arange(6, dtype="float32").reshape(2, 3)
    x = nd.from_numpy(a)  # zero_copy=True is MXNet's default
    assert_nd(x, onp.arange(6).reshape(2, 3), "float32")
    with pytest.raises(ValueError, match="read-only"):  # recorded from MXNet 1.9.1
        a[0, 0] = 100
    raises(ValueError, nd.from_numpy, onp.arange(6.0).reshape(2, 3).T, contains="C-contiguous")
    raises(TypeError, nd.from_numpy, [1, 2], contains="list")  # MXNet: AttributeError
    raises(TypeError, nd.from_numpy, onp.ones(2, dtype="uint16"), zero_copy=False, contains="uint16")
    raises(TypeError, nd.from_numpy, onp.ones(2, dtype="complex64"), zero_copy=False, contains="complex64")


# ---- load_frombuffer ----------------------------------------------------------------------------------------

# recorded from MXNet 1.9.1: the bytes of mx.nd.save(path, [nd.arange(3), nd.array([[1, -2]], dtype='int32')])
MX_LIST = bytes.fromhex(
    "120100000000000000000000000000000200000000000000c9fa93f900000000010000000300000000000000010000000000"
    "000000000000000000000000803f00000040c9fa93f900000000020000000100000000000000020000000000000001000000"
    "000000000400000001000000feffffff0000000000000000")
# and of mx.nd.save(path, {'w': nd.array([[0.5, 1.5]]), 'b': nd.array([7], dtype='float64')})
MX_DICT = bytes.fromhex(
    "120100000000000000000000000000000200000000000000c9fa93f900000000020000000100000000000000020000000000"
    "00000100000000000000000000000000003f0000c03fc9fa93f9000000000100000001000000000000000100000000000000"
    "010000000000000000001c400200000000000000010000000000000077010000000000000062")
# and of mx.nd.save(path, [])
MX_EMPTY = bytes.fromhex("1201000000000000000000000000000000000000000000000000000000000000")


def test_load_frombuffer_reads_mxnet_bytes():
    arrays = nd.load_frombuffer(MX_LIST)  # recorded from MXNet 1.9.1: the same list back
    assert isinstance(arrays, list) and len(arrays) == 2
    assert_nd(arrays[0], [0, 1, 2], "float32")
    assert_nd(arrays[1], [[1, -2]], "int32")
    named = nd.load_frombuffer(MX_DICT)
    assert sorted(named) == ["b", "w"]
    assert_nd(named["w"], [[0.5, 1.5]], "float32")
    assert_nd(named["b"], [7], "float64")
    assert nd.load_frombuffer(MX_EMPTY) == []
    assert_nd(nd.load_frombuffer(bytearray(MX_LIST))[0], [0, 1, 2])  # MXNet takes bytes only: a superset


def test_load_frombuffer_reads_what_nd_save_writes(tmp_path):
    path = str(tmp_path / "arrays")
    nd.save(path, {"w": nd.array([[1, 2]]), "i": nd.array([3], dtype="int64")})
    loaded = nd.load_frombuffer(open(path, "rb").read())
    assert_nd(loaded["w"], [[1, 2]], "float32")
    assert_nd(loaded["i"], [3], "int64")
    nd.save(path, [nd.ones(2), nd.zeros((1, 2))])
    loaded = nd.load_frombuffer(open(path, "rb").read())
    assert [a.shape for a in loaded] == [(2,), (1, 2)]
    assert all(type(a) is nd.NDArray for a in loaded)


def test_load_frombuffer_rejects_bad_bytes_and_leaves_no_files():
    before = set(os.listdir(tempfile.gettempdir()))
    for bad in (MX_LIST[:20], b"hello world", b"", MX_DICT[:-3]):  # MXNet: MXNetError for each
        e = mx_error(nd.load_frombuffer, bad, contains=f"{len(bad)} bytes")
        assert tempfile.gettempdir() not in str(e)  # the message names the buffer, not a path
    raises(TypeError, nd.load_frombuffer, 12, contains="bytes")
    raises(TypeError, nd.load_frombuffer, "text", contains="bytes")
    after = set(os.listdir(tempfile.gettempdir()))
    assert not {n for n in after - before if n.startswith("deepblocks-buffer-")}


# ---- Activation ---------------------------------------------------------------------------------------------

ACT_X = [-2, -0.5, 0, 0.5, 2]
ACT = {  # recorded from MXNet 1.9.1
    "relu": [0.0, 0.0, 0.0, 0.5, 2.0],
    "sigmoid": [0.11920291930437088, 0.377540647983551, 0.5, 0.622459352016449, 0.8807970881462097],
    "tanh": [-0.9640275835990906, -0.46211716532707214, 0.0, 0.46211716532707214, 0.9640275835990906],
    "softrelu": [0.12692809104919434, 0.4740769863128662, 0.6931472420692444, 0.9740769863128662, 2.1269278526306152],
    "softsign": [-0.6666666865348816, -0.3333333432674408, 0.0, 0.3333333432674408, 0.6666666865348816],
}


@pytest.mark.parametrize("act_type", sorted(ACT))
def test_activation_matches_mxnet(act_type):
    assert_nd(nd.Activation(nd.array(ACT_X), act_type=act_type), ACT[act_type], "float32")
    assert_nd(nd.Activation(nd.array(ACT_X, dtype="float64"), act_type), ACT[act_type], "float64")
    o = nd.zeros(5)
    assert nd.Activation(nd.array(ACT_X), act_type=act_type, out=o) is o
    assert_nd(o, ACT[act_type])


@pytest.mark.parametrize("act_type", ["log_sigmoid", "mish", "gelu", "elu", "selu", None])
def test_activation_types_mxnet_1_9_lacks_raise(act_type):
    # recorded from MXNet 1.9.1: "Invalid Input: 'log_sigmoid', valid values are: {'relu', 'sigmoid',
    # 'softrelu', 'softsign', 'tanh'}" (log_sigmoid and mish came with MXNet 2)
    mx_error(nd.Activation, nd.array(ACT_X), act_type=act_type, contains=[repr(act_type), "softrelu"])


@pytest.mark.parametrize("act_type", sorted(ACT))
def test_activation_gradient(act_type):
    rng = onp.random.default_rng(5)
    x = rng.uniform(0.2, 2.0, (3, 4)) * rng.choice([-1, 1], (3, 4))  # away from relu's kink
    grad_check(lambda t: nd.Activation(t, act_type=act_type), x)
    big = f64([-800.0, 800.0])  # softrelu never overflows
    assert onp.isfinite(nd.Activation(big, act_type=act_type).asnumpy()).all()


def test_activation_relu_gradient_at_zero_matches_mxnet():
    x = nd.array([-1, 0, 1])
    x.attach_grad()
    with autograd.record():
        y = nd.Activation(x, act_type="relu")
    y.backward()
    assert_nd(x.grad, [0, 0, 1])  # recorded from MXNet 1.9.1


# ---- inplace= -------------------------------------------------------------------------------------------------


def test_inplace_keyword_of_flatten_expand_dims_squeeze():
    # recorded from MXNet 1.9.1: inplace=True gives a view (writes reach the source), the
    # default a copy.
    x = nd.array(X24)
    for view in (x.flatten(inplace=True), x.expand_dims(0, inplace=True)):
        view[:] = -1
        assert x.asnumpy()[0, 0, 0] == -1
        x[:] = nd.array(X24)
    for copy in (x.flatten(), x.expand_dims(0)):
        copy[:] = -1
    assert (x.asnumpy() == X24).all()
    assert x.flatten(inplace=True).shape == (2, 12)
    assert x.expand_dims(1, inplace=True).shape == (2, 1, 3, 4)
    assert nd.zeros(3).flatten(inplace=True).shape == (3, 1)
    y = nd.zeros((2, 1, 3))
    s = y.squeeze(inplace=True)
    s[:] = -1
    assert s.shape == (2, 3) and y.asnumpy()[0, 0, 0] == -1
    assert y.squeeze(axis=1, inplace=True).shape == (2, 3)
    assert nd.zeros((2, 1, 1)).squeeze(inplace=True).shape == (2,)
    assert nd.zeros((1, 1)).squeeze(inplace=True).shape == (1,)  # no 0-d legacy arrays
    assert nd.zeros((1, 1)).squeeze().shape == (1,)
    c = y.squeeze()
    c[:] = 5
    assert y.asnumpy()[0, 0, 0] == -1
    raises(ValueError, y.squeeze, axis=0, inplace=True, contains="(2, 1, 3)")  # MXNet: AssertionError
    raises(IndexError, y.expand_dims, 4, inplace=True, contains="axis 4")


def test_nd_functions_accept_inplace_as_mxnet_does():
    # recorded from MXNet 1.9.1: parameter-less operators ignore unknown keywords (relu, exp,
    # sigmoid, flatten accept inplace=True and return a new array); ops with parameters reject it.
    x = nd.array(ACT_X)
    y = nd.relu(x, inplace=True)
    assert y is not x and x.asnumpy().tolist() == ACT_X
    assert_nd(y, ACT["relu"])
    assert_nd(nd.exp(x, inplace=True), onp.exp(ACT_X))
    assert nd.flatten(nd.array(X24), inplace=True).shape == (2, 12)
    raises(TypeError, nd.expand_dims, x, 0, inplace=True)
    raises(TypeError, nd.squeeze, nd.zeros((1, 2)), inplace=True)


def test_gradient_flows_through_the_inplace_methods():
    rng = onp.random.default_rng(6)
    grad_check(lambda t: t.flatten(), rng.standard_normal((2, 3, 2)))
    grad_check(lambda t: t.flatten(inplace=True), rng.standard_normal((2, 3, 2)))
    grad_check(lambda t: t.expand_dims(1), rng.standard_normal((2, 3)))
    grad_check(lambda t: t.squeeze(inplace=True), rng.standard_normal((2, 1, 3)))


# ---- out= on every function --------------------------------------------------------------------------------

# recorded from MXNet 1.9.1: the public mx.nd functions that take ``out=`` (in their signature or
# through **kwargs, checked by calling them), without the optimizer updates and the sparse, image,
# random_pdf operators deepblocks does not have (the solvers, potrf, trsm, ..., came later).
MXNET_OUT = set("""
LRN UpSampling Crop SoftmaxActivation Pad Convolution_v1 Pooling_v1 LinearRegressionOutput LogisticRegressionOutput
MAERegressionOutput SoftmaxOutput Softmax random_exponential random_gamma random_poisson random_negative_binomial
random_generalized_negative_binomial random_randint sample_uniform sample_normal sample_gamma sample_exponential
sample_poisson sample_negative_binomial sample_generalized_negative_binomial sample_multinomial linalg_gemm
linalg_gemm2 linalg_syrk linalg_trmm linalg_sumlogdiag linalg_extractdiag linalg_makediag cast_storage amp_cast
amp_multicast linalg_potrf linalg_potri linalg_trsm linalg_gelqf linalg_syevd linalg_inverse linalg_det
linalg_slogdet linalg_extracttrian linalg_maketrian
Activation BatchNorm BlockGrad CTCLoss Cast Concat Convolution Deconvolution Dropout ElementWiseSum Embedding
Flatten FullyConnected GroupNorm InstanceNorm L2Normalization LayerNorm LeakyReLU MakeLoss Pooling RNN Reshape
SequenceLast SequenceMask SequenceReverse SliceChannel SwapAxis abs add_n all_finite arccos arccosh arcsin arcsinh
arctan arctanh argmax argmax_channel argmin argsort batch_dot batch_take broadcast_add broadcast_axes
broadcast_axis broadcast_div broadcast_equal broadcast_greater broadcast_greater_equal broadcast_hypot
broadcast_lesser broadcast_lesser_equal broadcast_like broadcast_logical_and broadcast_logical_or
broadcast_logical_xor broadcast_maximum broadcast_minimum broadcast_minus broadcast_mod broadcast_mul
broadcast_not_equal broadcast_plus broadcast_power broadcast_sub broadcast_to cast cbrt ceil
choose_element_0index clip concat cos cosh crop ctc_loss cumsum degrees depth_to_space diag dot elemwise_add
elemwise_div elemwise_mul elemwise_sub exp expand_dims expm1 eye fill_element_0index fix flatten flip floor full
gather_nd hard_sigmoid identity khatri_rao log log10 log1p log2 log_softmax logical_not make_loss max max_axis
mean min min_axis moments multi_all_finite nanprod nansum negative norm normal one_hot onehot_encode ones
ones_like pad pick prod radians random_normal random_uniform ravel_multi_index rcbrt reciprocal relu repeat
reshape reshape_like reverse rint round rsqrt scatter_nd shape_array shuffle sigmoid sign sin sinh size_array
slice slice_axis slice_like smooth_l1 softmax softmax_cross_entropy softmin softsign sort space_to_depth split
sqrt square squeeze stack stop_gradient sum sum_axis swapaxes take tan tanh tile topk transpose trunc uniform
unravel_index where zeros zeros_like
""".split())

# Functions deepblocks gives ``out=`` that MXNet 1.9.1's do not take (MXNet: "unexpected keyword").
DEEPBLOCKS_ONLY_OUT = {"arange", "array", "empty", "linspace", "full_like", "concatenate", "split_v2", "histogram", "add",
                       "subtract", "multiply", "divide", "true_divide", "modulo", "power", "maximum", "minimum",
                       "equal", "not_equal", "greater", "greater_equal", "lesser", "lesser_equal", "logical_and",
                       "logical_or", "logical_xor"}


def _samples():
    """Name -> a representative call ``(args, kwargs)`` of every ``nd`` function with ``out=``."""
    a = nd.array([[0.5, -1.0, 2.0], [1.5, 0.25, -3.0]])
    b = nd.array([[1.0, 2.0, 0.5], [-1.0, 3.0, 1.0]])
    p = nd.array([[0.5, 1.0, 2.0], [1.5, 0.25, 3.0]])
    u = nd.array([[0.5, -0.2, 0.1], [0.3, 0.9, -0.6]])
    img = nd.arange(16).reshape((1, 1, 4, 4))
    seq = nd.array([[1, 2], [3, 4], [5, 6]])
    h = 5
    gru = 3 * h * 3 + 3 * h * h + 2 * 3 * h
    s = {}
    for name in ("abs", "cbrt", "ceil", "cos", "cosh", "exp", "expm1", "fix", "floor", "log", "log10", "log1p",
                 "log2", "negative", "reciprocal", "relu", "rint", "sigmoid", "sign", "sin", "sinh", "sqrt",
                 "square", "tan", "tanh", "trunc", "arctan", "arcsinh", "rsqrt", "softsign", "round", "degrees",
                 "radians", "rcbrt", "logical_not", "identity", "BlockGrad", "stop_gradient", "make_loss",
                 "MakeLoss", "hard_sigmoid", "smooth_l1", "softmax", "log_softmax", "softmin", "L2Normalization",
                 "sort", "argsort", "transpose", "Flatten", "flatten", "shape_array", "size_array", "all_finite",
                 "cumsum", "diag", "argmax_channel", "Dropout"):
        s[name] = ((p,), {})
    for name in ("arcsin", "arccos", "arctanh", "erf", "erfinv", "gamma", "gammaln"):
        s[name] = ((u,), {})
    s["arccosh"] = ((p + 1,), {})
    binary = ["add", "subtract", "multiply", "divide", "true_divide", "modulo", "power", "maximum", "minimum",
              "equal", "not_equal", "greater", "greater_equal", "lesser", "lesser_equal", "logical_and",
              "logical_or", "logical_xor", "broadcast_hypot", "elemwise_add", "elemwise_sub", "elemwise_mul",
              "elemwise_div"]
    binary += [n for n in dir(nd) if n.startswith("broadcast_") and n not in
               ("broadcast_to", "broadcast_axis", "broadcast_axes", "broadcast_like")]
    for name in binary:
        s[name] = ((p, b), {})
    s.update({
        "array": (([[1, 2, 3], [4, 5, 6]],), {}),
        "empty": (((2, 3),), {}),
        "zeros": (((2, 3),), {}),
        "ones": (((2, 3),), {}),
        "full": (((2, 3), 7), {}),
        "zeros_like": ((a,), {}),
        "ones_like": ((a,), {}),
        "full_like": ((a, 3), {}),
        "arange": ((0, 6), {}),
        "linspace": ((0, 1, 5), {}),
        "eye": ((3,), {}),
        "Activation": ((a,), {"act_type": "softrelu"}),
        "clip": ((a, -1, 1), {}),
        "where": ((nd.array([[1, 0, 1], [0, 1, 0]]), a, b), {}),
        "dot": ((a, b.T), {}),
        "batch_dot": ((nd.ones((2, 2, 3)), nd.ones((2, 3, 4))), {}),
        "add_n": ((a, b, p), {}),
        "ElementWiseSum": ((a, b), {}),
        "khatri_rao": ((a, b), {}),
        "softmax_cross_entropy": ((a, nd.array([0, 2])), {}),
        "moments": ((a,), {"axes": (1,)}),
        "multi_all_finite": ((a, b), {"num_arrays": 2}),
        "reshape": ((a,), {"shape": (3, 2)}),
        "Reshape": ((a,), {"shape": (3, 2)}),
        "reshape_like": ((a, nd.zeros((3, 2))), {}),
        "swapaxes": ((a, 0, 1), {}),
        "SwapAxis": ((a, 0, 1), {}),
        "expand_dims": ((a, 0), {}),
        "squeeze": ((nd.ones((1, 3, 1)),), {}),
        "flip": ((a, 0), {}),
        "reverse": ((a, 1), {}),
        "tile": ((a, (2, 1)), {}),
        "repeat": ((a, 2), {"axis": 0}),
        "broadcast_to": ((nd.ones((1, 3)), (2, 3)), {}),
        "broadcast_axis": ((nd.ones((1, 3)), 0, 2), {}),
        "broadcast_axes": ((nd.ones((1, 3)), 0, 2), {}),
        "broadcast_like": ((nd.ones((1, 3)), a), {}),
        "slice": ((a, (0, 1), (2, 3)), {}),
        "crop": ((a, (0, 1), (2, 3)), {}),
        "slice_axis": ((a, 1, 0, 2), {}),
        "slice_like": ((a, nd.zeros((1, 2))), {}),
        "moveaxis": ((a, 0, 1), {}),
        "depth_to_space": ((nd.arange(16).reshape((1, 4, 2, 2)), 2), {}),
        "space_to_depth": ((img, 2), {}),
        "concat": ((a, a), {}),
        "Concat": ((a, a), {"dim": 0}),
        "concatenate": (([a, a],), {}),
        "stack": ((a, a), {}),
        "split": ((a, 3), {}),
        "SliceChannel": ((a, 3), {}),
        "split_v2": ((a, 3), {"axis": 1}),
        "sum": ((a,), {"axis": 1}),
        "sum_axis": ((a,), {"axis": 1}),
        "nansum": ((a,), {}),
        "prod": ((a,), {"axis": 0}),
        "nanprod": ((a,), {"axis": 0}),
        "mean": ((a,), {"axis": 1, "keepdims": True}),
        "max": ((a,), {}),
        "max_axis": ((a,), {"axis": 1}),
        "min": ((a,), {"axis": 0}),
        "min_axis": ((a,), {"axis": 0}),
        "argmax": ((a,), {"axis": 1}),
        "argmin": ((a,), {"axis": 0}),
        "norm": ((a,), {}),
        "take": ((a, nd.array([1, 0])), {}),
        "pick": ((a, nd.array([0, 2])), {}),
        "one_hot": ((nd.array([0, 2]), 3), {}),
        "cast": ((a, "float64"), {}),
        "Cast": ((a, "int32"), {}),
        "batch_take": ((a, nd.array([0, 2])), {}),
        "choose_element_0index": ((a, nd.array([0, 2])), {}),
        "fill_element_0index": ((a, nd.array([9, 8]), nd.array([1, 0])), {}),
        "gather_nd": ((a, nd.array([[1, 0], [0, 2]])), {}),
        "scatter_nd": ((nd.array([5, 6]), nd.array([[1, 0], [0, 2]])), {"shape": (2, 3)}),
        "ravel_multi_index": ((nd.array([[1, 0], [2, 1]]),), {"shape": (2, 3)}),
        "unravel_index": ((nd.array([4, 1]),), {"shape": (2, 3)}),
        "topk": ((a,), {"k": 2}),
        "Convolution": ((nd.ones((1, 1, 4, 4)), nd.ones((2, 1, 3, 3)), nd.zeros(2)), {"kernel": (3, 3), "num_filter": 2}),
        "Deconvolution": ((nd.ones((1, 2, 2, 2)), nd.ones((2, 1, 3, 3))),
                          {"kernel": (3, 3), "num_filter": 1, "no_bias": True}),
        "Pooling": ((img,), {"kernel": (2, 2), "stride": (2, 2), "pool_type": "max"}),
        "Pooling_v1": ((img,), {"kernel": (2, 2), "stride": (1, 1), "pool_type": "avg"}),
        "Convolution_v1": ((img, nd.ones((1, 1, 2, 2))), {"kernel": (2, 2), "num_filter": 1, "no_bias": True}),
        "BatchNorm": ((nd.ones((2, 3, 2, 2)), nd.ones(3), nd.zeros(3), nd.zeros(3), nd.ones(3)), {}),
        "InstanceNorm": ((nd.array([[[1.0, 3.0]]]), nd.ones(1), nd.zeros(1)), {}),
        "GroupNorm": ((nd.arange(24).reshape((2, 4, 3)), nd.ones(2), nd.zeros(2)), {"num_groups": 2}),
        "LayerNorm": ((a, nd.ones(3), nd.zeros(3)), {}),
        "pad": ((img,), {"mode": "constant", "pad_width": (0, 0, 0, 0, 1, 1, 1, 1)}),
        "FullyConnected": ((a, nd.ones((4, 3)), nd.zeros(4)), {"num_hidden": 4}),
        "Embedding": ((nd.array([0, 2]), nd.ones((3, 4))), {"input_dim": 3, "output_dim": 4}),
        "LeakyReLU": ((a,), {"act_type": "leaky", "slope": 0.1}),
        "RNN": ((nd.ones((4, 2, 3)), nd.ones(gru) * 0.1, nd.zeros((1, 2, h))),
                {"state_size": h, "num_layers": 1, "mode": "gru"}),
        "SequenceMask": ((seq, nd.array([1, 3])), {"use_sequence_length": True}),
        "SequenceLast": ((seq, nd.array([1, 3])), {"use_sequence_length": True}),
        "SequenceReverse": ((seq,), {}),
        "CTCLoss": ((nd.ones((4, 1, 3)), nd.array([[1, 2]])), {}),
        "ctc_loss": ((nd.ones((4, 1, 3)), nd.array([[1, 2]])), {}),
    })
    for name in ("normal", "random_normal", "uniform", "random_uniform"):
        s[name] = ((), {"shape": (2, 3)})
    s["shuffle"] = ((nd.arange(6),), {})
    for name in ("random_exponential", "random_gamma", "random_poisson", "random_negative_binomial",
                 "random_generalized_negative_binomial"):
        s[name] = ((), {"shape": (2, 3)})
    s["random_randint"] = ((0, 5), {"shape": (4,)})
    two = (nd.array([1.0, 2.0]), nd.array([2.0, 3.0]))
    probs = (nd.array([0.5, 0.75]),)
    for name in ("sample_uniform", "sample_normal", "sample_gamma", "sample_generalized_negative_binomial"):
        s[name] = (two, {"shape": (3,)})
    s["sample_negative_binomial"] = ((nd.array([2.0, 3.0]),) + probs, {"shape": (3,)})
    s["sample_exponential"] = ((two[0],), {"shape": (3,)})
    s["sample_poisson"] = ((two[0],), {"shape": (3,)})
    s["sample_multinomial"] = ((nd.array([[0.2, 0.8], [0.5, 0.5]]),), {"shape": 3})
    sq = nd.array([[2.0, 9.0], [1.0, 3.0]])
    spd = nd.array([[4.0, 2.0], [2.0, 3.0]])
    s.update({
        "LRN": ((img / 16,), {"nsize": 3}),
        "UpSampling": ((img,), {"scale": 2, "sample_type": "nearest"}),
        "Crop": ((img,), {"h_w": (2, 3), "offset": (1, 1)}),
        "SoftmaxActivation": ((a,), {}),
        "Pad": ((img,), {"mode": "edge", "pad_width": (0, 0, 0, 0, 1, 1, 1, 1)}),
        "LinearRegressionOutput": ((a, b), {}),
        "LogisticRegressionOutput": ((a, p / 4), {}),
        "MAERegressionOutput": ((a, b), {}),
        "SoftmaxOutput": ((a, nd.array([2, 0])), {}),
        "Softmax": ((a, nd.array([1, 0])), {}),
        "linalg_gemm": ((sq, sq, sq), {"alpha": 2.0, "beta": 0.5}),
        "linalg_gemm2": ((sq, sq), {"transpose_b": True}),
        "linalg_syrk": ((a,), {}),
        "linalg_trmm": ((sq, sq), {"lower": False}),
        "linalg_sumlogdiag": ((sq,), {}),
        "linalg_extractdiag": ((sq,), {}),
        "linalg_makediag": ((nd.array([[1, 2], [3, 4]]),), {"offset": 1}),
        "linalg_potrf": ((spd,), {}),
        "linalg_potri": ((nd.linalg.potrf(spd),), {}),
        "linalg_trsm": ((nd.linalg.potrf(spd), sq), {"alpha": 2.0}),
        "linalg_gelqf": ((nd.array([[1, 2, 3], [4, 5, 6]]),), {}),
        "linalg_syevd": ((spd,), {}),
        "linalg_inverse": ((spd,), {}),
        "linalg_det": ((spd,), {}),
        "linalg_slogdet": ((spd,), {}),
        "linalg_extracttrian": ((sq,), {"offset": -1}),
        "linalg_maketrian": ((nd.array([1, 2, 3]),), {}),
        "histogram": ((a,), {"bins": 3, "range": (-3, 3)}),
        "cast_storage": ((a,), {}),
        "amp_cast": ((a,), {"dtype": "float64"}),
        "amp_multicast": ((a, nd.ones(2, dtype="float64")), {"num_outputs": 2}),
    })
    return s


RANDOM = {"normal", "random_normal", "uniform", "random_uniform", "shuffle", "random_exponential", "random_gamma",
          "random_poisson", "random_negative_binomial", "random_generalized_negative_binomial", "random_randint",
          "sample_uniform", "sample_normal", "sample_gamma", "sample_exponential", "sample_poisson",
          "sample_negative_binomial", "sample_generalized_negative_binomial", "sample_multinomial"}


def _out_functions():
    """The public ``nd`` functions with an ``out`` parameter, except the optimizer updates
    (``*_update``, ``multi_*``: they write their state in place and are tested with them)."""
    names = []
    for name in sorted(dir(nd)):
        f = getattr(nd, name)
        if name.startswith("_") or not callable(f) or inspect.isclass(f):
            continue
        if getattr(f, "__module__", "").endswith("optimizer_ops"):
            continue
        if "out" in inspect.signature(f).parameters:
            names.append(name)
    return names


def test_every_function_mxnet_gives_out_has_it_here():
    missing = sorted(n for n in MXNET_OUT if hasattr(nd, n) and n not in _out_functions())
    assert not missing, f"nd functions without out= that MXNet 1.9.1 has it on: {missing}"
    assert not [n for n in DEEPBLOCKS_ONLY_OUT if n not in _out_functions()]


def test_every_out_function_has_a_sample():
    samples = _samples()
    assert not [n for n in _out_functions() if n not in samples and n != "onehot_encode"]


def _blank_like(r):
    if isinstance(r, list):
        return [_blank_like(x) for x in r]
    return nd.zeros(r.shape, dtype=r.dtype) - 7  # not zeros: a write of zeros must show


def _same(got, want):
    if isinstance(want, list):
        assert isinstance(got, list) and len(got) == len(want)
        for g, w in zip(got, want):
            _same(g, w)
        return
    assert got.shape == want.shape and got.dtype == want.dtype, (got.shape, want.shape, got.dtype, want.dtype)
    onp.testing.assert_allclose(got.asnumpy(), want.asnumpy(), rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("name", _out_functions())
def test_out_writes_into_the_given_array_and_returns_it(name):
    if name == "onehot_encode":
        o = nd.ones((2, 3))
        assert nd.onehot_encode(nd.array([0, 2]), o) is o  # out is its second, required argument
        assert_nd(o, [[1, 0, 0], [0, 0, 1]])
        return
    f = getattr(nd, name)
    args, kwargs = _samples()[name]
    if name in RANDOM:
        nd.random.seed(11)
    want = f(*args, **kwargs)
    out = _blank_like(want)
    if name in RANDOM:
        nd.random.seed(11)
    got = f(*args, out=out, **kwargs)
    if isinstance(want, list):
        assert isinstance(got, list) and all(g is o for g, o in zip(got, out))
    else:
        assert got is out, f"{name}(out=) returned a new array"
    _same(out, want)


def test_out_may_be_a_view_and_may_be_an_input():
    x = nd.zeros((2, 3))
    nd.exp(nd.zeros(3), out=x[1])
    assert_nd(x, [[0, 0, 0], [1, 1, 1]])
    a = nd.array([1.0, 2.0])
    assert nd.exp(a, out=a) is a  # recorded from MXNet 1.9.1: allowed
    assert_nd(a, onp.exp([1.0, 2.0]))


def test_out_shape_or_dtype_mismatch_raises_naming_both():
    # recorded from MXNet 1.9.1: "Shape inconsistent, Provided = [2,3], inferred shape=[3,2]" and
    # "Incompatible attr ... expected float32, got int32": MXNet checks both and never casts.
    c = nd.zeros((2, 3))
    mx_error(nd.ones, (3, 2), out=c, contains=["(2, 3)", "(3, 2)"])
    mx_error(nd.exp, nd.ones(3), out=nd.zeros(4), contains=["(4,)", "(3,)"])
    mx_error(nd.exp, nd.ones(3), out=nd.zeros(3, dtype="int32"), contains=["int32", "float32"])
    mx_error(nd.exp, nd.ones(3), out=nd.zeros(3, dtype="float64"), contains=["float64", "float32"])
    mx_error(nd.eye, 3, out=nd.zeros(3), contains=["(3,)", "(3, 3)"])
    mx_error(nd.dot, nd.ones((2, 3)), nd.ones((3, 2)), out=nd.zeros((2, 3)), contains=["(2, 3)", "(2, 2)"])
    mx_error(nd.split, nd.ones((2, 6)), 2, out=nd.zeros((2, 3)), contains="list of 2")  # MXNet: MXNetError
    mx_error(nd.split, nd.ones((2, 6)), 2, out=[nd.zeros((2, 3))], contains="list of 2")
    raises(TypeError, nd.exp, nd.ones(3), out=onp.zeros(3), contains="ndarray")  # MXNet: AttributeError
    raises(TypeError, nd.ones, 3, out=[0, 0, 0])


def test_out_of_a_creation_function_gives_its_dtype():
    # MXNet 1.9.1's full (and the samplers) fill ``out`` in its own dtype; ones/zeros/arange here too.
    c = nd.zeros((2, 3), dtype="float64")
    assert nd.full((2, 3), 7, out=c) is c  # recorded from MXNet 1.9.1: float64 [[7, 7, 7], ...]
    assert_nd(c, onp.full((2, 3), 7.0), "float64")
    i = nd.zeros(3, dtype="int32")
    assert nd.ones(3, out=i) is i and i.asnumpy().tolist() == [1, 1, 1]
    assert nd.arange(3, out=i) is i and i.asnumpy().tolist() == [0, 1, 2]
    assert nd.array([4, 5, 6], out=i) is i and i.asnumpy().tolist() == [4, 5, 6]
    mx_error(nd.ones, 3, dtype="float32", out=i, contains=["int32", "float32"])


def test_split_out_takes_a_list():
    a, b = nd.zeros((2, 1)), nd.zeros((2, 1))
    r = nd.split(nd.array([[1, 2], [3, 4]]), 2, out=[a, b])  # recorded from MXNet 1.9.1
    assert r[0] is a and r[1] is b
    assert_nd(a, [[1], [3]])
    assert_nd(b, [[2], [4]])


# ---- smaller operators ---------------------------------------------------------------------------------


def test_l2_normalization_matches_mxnet():
    x = nd.array([[1, -2, 3], [-4, 5, -6]])
    # recorded from MXNet 1.9.1
    assert_nd(nd.L2Normalization(x), [[0.26726123690605164, -0.5345224738121033, 0.8017836809158325],
                                      [-0.4558423161506653, 0.5698028802871704, -0.6837634444236755]])
    assert_nd(nd.L2Normalization(nd.array([3, 4])), [1, 1])
    assert_nd(nd.L2Normalization(nd.zeros((1, 2))), [[0, 0]])
    assert_nd(nd.L2Normalization(nd.array([[[1, 2], [2, 4]]]), eps=0.0), [[[0.2, 0.4], [0.4, 0.8]]])
    x3 = nd.array(X24)
    channel = X24 / onp.sqrt((X24 ** 2).sum(axis=1, keepdims=True) + 1e-10)
    spatial = X24 / onp.sqrt((X24 ** 2).sum(axis=2, keepdims=True) + 1e-10)
    assert_nd(nd.L2Normalization(x3, mode="channel"), channel)
    assert_nd(nd.L2Normalization(x3, mode="spatial"), spatial)
    assert_nd(nd.L2Normalization(x3, mode="channel")[0, :, 1], [0.09667365252971649, 0.48336827754974365,
                                                                  0.8700628876686096])  # recorded
    mx_error(nd.L2Normalization, x, mode="channel", contains="at least 3 dimensions")
    mx_error(nd.L2Normalization, x, mode="foo", contains="'foo'")
    e = raises(TypeError, nd.L2Normalization, nd.array([[3, 4]], dtype="int32"), contains="int32")
    assert isinstance(e, MXNetError)
    rng = onp.random.default_rng(7)
    for mode in ("instance", "channel", "spatial"):
        grad_check(lambda t, m=mode: nd.L2Normalization(t, mode=m), rng.standard_normal((2, 3, 2)))


def test_smooth_l1_matches_mxnet():
    x = nd.array([-2, -0.5, 0, 0.3, 1, 3])
    # recorded from MXNet 1.9.1
    assert_nd(nd.smooth_l1(x), [1.5, 0.125, 0.0, 0.045, 0.5, 2.5])
    assert_nd(nd.smooth_l1(x, scalar=2), [1.875, 0.375, 0.0, 0.175, 0.875, 2.875])
    assert_nd(nd.smooth_l1(x, scalar=0), onp.zeros(6))
    assert_nd(nd.smooth_l1(nd.array([3], dtype="int32")), [2], "int32")
    grad_check(lambda t: nd.smooth_l1(t, scalar=1.5), [-2.0, -0.3, 0.2, 0.5, 3.0])


def test_softmax_cross_entropy_matches_mxnet():
    data = nd.array([[1, 2, 3], [1, 1, 1]])
    # recorded from MXNet 1.9.1: labels out of range are clipped, fractions truncated
    assert_nd(nd.softmax_cross_entropy(data, nd.array([2, 0])), [1.5062183141708374])
    assert_nd(nd.softmax_cross_entropy(data, nd.array([5, -1])), [1.5062183141708374])
    assert_nd(nd.softmax_cross_entropy(nd.array([[1, 2, 3]]), nd.array([1.7])), [1.4076058864593506])
    assert_nd(nd.softmax_cross_entropy(nd.array([[0.5, -1, 2], [3, 0, 1]]), nd.array([1, 2])), [5.411157608032227])
    mx_error(nd.softmax_cross_entropy, nd.ones((2, 2, 3)), nd.array([2, 0]), contains="2-D")
    mx_error(nd.softmax_cross_entropy, nd.ones((2, 3)), nd.array([[2, 0]]), contains="1-D")
    mx_error(nd.softmax_cross_entropy, nd.ones((1, 3)), nd.array([1, 2]), contains="batch")
    x = data.copy()
    x.attach_grad()
    with autograd.record():
        y = nd.softmax_cross_entropy(x, nd.array([2, 0]))
    y.backward()
    assert_nd(x.grad, [[0.09003057330846786, 0.2447284758090973, -0.33475905656814575],
                       [-0.6666666269302368, 0.3333333432674408, 0.3333333432674408]])  # recorded
    grad_check(lambda t: nd.softmax_cross_entropy(t, nd.array([1, 0, 2])),
               onp.random.default_rng(8).standard_normal((3, 4)))


def test_elementwise_extras_match_mxnet():
    # recorded from MXNet 1.9.1
    assert_nd(nd.degrees(nd.array([onp.pi, 1])), [180.0, 57.2957763671875])
    assert_nd(nd.radians(nd.array([180, 1])), [3.1415927410125732, 0.01745329238474369])
    assert_nd(nd.degrees(nd.array([1, 2], dtype="int32")), [57, 114], "int32")
    assert_nd(nd.radians(nd.array([180], dtype="int32")), [3], "int32")
    assert_nd(nd.rcbrt(nd.array([8, 27])), [0.5, 1 / 3])
    assert_nd(nd.logical_not(nd.array([0, 2, -1])), [1, 0, 0], "float32")
    assert_nd(nd.logical_not(nd.array([0, 2, -1], dtype="int32")), [1, 0, 0], "int32")
    assert_nd(nd.hard_sigmoid(nd.array([-3, -1, 0, 1, 3])), [0.0, 0.3, 0.5, 0.7, 1.0])
    assert_nd(nd.hard_sigmoid(nd.array([-3, -1, 0, 1, 3]), alpha=0.5, beta=0.1), [0.0, 0.0, 0.1, 0.6, 1.0])
    assert_nd(nd.softmin(nd.array([[1, 2, 3]])), [[0.6652409434318542, 0.2447284758090973, 0.09003057330846786]])
    assert_nd(nd.softmin(nd.array([[1, 2, 3]]), temperature=2.0, axis=1),
              [[0.5064803957939148, 0.30719590187072754, 0.18632373213768005]])
    assert_nd(nd.broadcast_hypot(nd.array([[3], [5]]), nd.array([4, 12])),
              [[5.0, 12.369317054748535], [6.4031243324279785, 13.0]])
    assert_nd(nd.broadcast_hypot(nd.array([3], dtype="int32"), nd.array([4], dtype="int32")), [5], "int32")
    raises(TypeError, nd.hard_sigmoid, nd.array([8], dtype="int32"), contains="int32")
    raises(TypeError, nd.logical_not, nd.array([1, 0], dtype="bool"), contains="bool")


def test_elementwise_extras_gradients():
    rng = onp.random.default_rng(9)
    pos = rng.uniform(0.5, 2.0, (2, 3))
    grad_check(nd.degrees, pos)
    grad_check(nd.radians, pos)
    grad_check(nd.rcbrt, pos)
    grad_check(lambda t: nd.softmin(t, temperature=1.5), rng.standard_normal((2, 3)))
    grad_check(nd.broadcast_hypot, pos, rng.uniform(0.5, 2.0, (1, 3)))
    grad_check(lambda t: nd.hard_sigmoid(t), [-0.4, 0.3, 1.2, -1.7])  # inside the linear part
    x = nd.array([-3, -1, 0, 1, 3])
    x.attach_grad()
    with autograd.record():
        y = nd.hard_sigmoid(x)
    y.backward()
    assert_nd(x.grad, [0.0, 0.2, 0.2, 0.2, 0.0])  # recorded from MXNet 1.9.1


def test_reduction_extras_match_mxnet():
    x3 = nd.array(X24)
    # recorded from MXNet 1.9.1
    assert_nd(nd.argmax_channel(nd.array([[1, 3, 2], [5, 0, 5]])), [1, 0], "float32")
    assert_nd(nd.argmax_channel(x3), onp.full((2, 4), 2.0))
    assert_nd(nd.argmax_channel(nd.array([[1, 3, 2]], dtype="int32")), [1], "int32")
    mx_error(nd.argmax_channel, nd.array([1, 3, 2]), contains="2 dimensions")
    assert_nd(nd.shape_array(x3), [2, 3, 4], "int64")
    assert_nd(nd.size_array(x3), [24], "int64")
    assert_nd(x3.shape_array(), [2, 3, 4], "int64")
    assert_nd(x3.size_array(), [24], "int64")
    assert_nd(nd.max_axis(x3, axis=1), X24.max(axis=1))
    assert_nd(nd.min_axis(x3, axis=(0, 2)), [0, 4, 8])
    assert_nd(nd.nanprod(nd.array([1, onp.nan, 3])), [3])
    assert_nd(nd.nanprod(nd.array([[1, onp.nan], [2, 3]]), axis=0), [2, 3])
    assert_nd(nd.cumsum(nd.array([[1, -2, 3], [-4, 5, -6]])), [1, -1, 2, -2, 3, -3])
    assert_nd(nd.cumsum(nd.array([[1, -2, 3], [-4, 5, -6]]), axis=1), [[1, -1, 2], [-4, 1, -5]])
    assert_nd(nd.cumsum(nd.array([[1, -2, 3], [-4, 5, -6]]), axis=0, dtype="float64"),
              [[1, -2, 3], [-3, 3, -3]], "float64")
    assert_nd(nd.cumsum(nd.array([1, 2], dtype="int32")), [1, 3], "int32")
    assert_nd(nd.cumsum(nd.array([1, 0], dtype="bool")), [1, 1], "int64")
    assert_nd(nd.norm(nd.array([[1, -2, 3], [-4, 5, -6]]), ord=1, axis=1), [6, 15])
    assert_nd(nd.norm(nd.array([3, 4]), out_dtype="float64"), [5], "float64")


def test_moments_match_mxnet():
    x3 = nd.array(X24)
    mean, var = nd.moments(x3, axes=(0, 2))  # recorded from MXNet 1.9.1
    assert_nd(mean, [7.5, 11.5, 15.5])
    assert_nd(var, [37.25, 37.25, 37.25])
    mean, var = nd.moments(x3, axes=(1,), keepdims=True)
    assert mean.shape == var.shape == (2, 1, 4)
    assert_nd(var, onp.full((2, 1, 4), 10.666666984558105))
    mean, var = nd.moments(nd.array([[1, 2], [3, 5]]), axes=(-1,))
    assert_nd(mean, [1.5, 4.0])
    assert_nd(var, [0.25, 1.0])
    mean, var = nd.moments(nd.array([[1, 2], [3, 5]], dtype="int32"), axes=(0,))
    assert_nd(mean, [2, 3], "int32")
    assert_nd(var, [1, 2], "int32")
    assert [m.shape for m in nd.moments(x3, axes=(0, 1, 2))] == [(1,), (1,)]  # recorded
    mx_error(nd.moments, x3, contains="empty axes")
    grad_check(lambda t: nd.moments(t, axes=(1,)), onp.random.default_rng(10).standard_normal((2, 3)))


def test_gradient_control_matches_mxnet():
    x0 = nd.array([[1, -2, 3], [0.5, 5, -6]])

    def grad(f, head=None):
        x = x0.copy()
        x.attach_grad()
        with autograd.record():
            y = f(x)
        y.backward(head)
        return x.grad

    # recorded from MXNet 1.9.1
    assert_nd(grad(lambda t: nd.BlockGrad(t) * t), x0.asnumpy())
    assert_nd(grad(lambda t: nd.stop_gradient(t) + t), onp.ones((2, 3)))
    assert_nd(grad(lambda t: nd.identity(t) * 2), onp.full((2, 3), 2.0))
    assert_nd(grad(nd.make_loss), onp.ones((2, 3)))
    assert_nd(grad(lambda t: nd.MakeLoss(t, grad_scale=2)), onp.full((2, 3), 2.0))
    assert_nd(grad(lambda t: nd.MakeLoss(t, normalization="batch")), onp.full((2, 3), 0.5))
    assert_nd(grad(lambda t: nd.MakeLoss(t, normalization="valid", valid_thresh=0.7)), onp.full((2, 3), 1 / 3))
    assert_nd(grad(lambda t: nd.MakeLoss(t, normalization="valid", valid_thresh=100)), onp.ones((2, 3)))
    for f in (nd.BlockGrad, nd.stop_gradient, nd.identity, nd.make_loss, lambda t: nd.MakeLoss(t, grad_scale=3)):
        assert_nd(f(x0), x0.asnumpy())  # the forward value is the input
    mx_error(nd.MakeLoss, x0, normalization="foo", contains="'foo'")


def test_shape_operators_match_mxnet():
    # recorded from MXNet 1.9.1
    assert_nd(nd.depth_to_space(nd.arange(16).reshape((1, 4, 2, 2)), 2),
              [[[[0, 4, 1, 5], [8, 12, 9, 13], [2, 6, 3, 7], [10, 14, 11, 15]]]])
    assert_nd(nd.space_to_depth(nd.arange(16).reshape((1, 1, 4, 4)), 2),
              [[[[0, 2], [8, 10]], [[1, 3], [9, 11]], [[4, 6], [12, 14]], [[5, 7], [13, 15]]]])
    mx_error(nd.depth_to_space, nd.arange(12).reshape((1, 3, 2, 2)), 2, contains="multiple")
    mx_error(nd.space_to_depth, nd.arange(18).reshape((1, 2, 3, 3)), 2, contains="multiples")
    mx_error(nd.depth_to_space, nd.arange(4).reshape((4, 1, 1)), 2, contains="4-D")
    x = nd.arange(32).reshape((2, 4, 2, 2))
    assert_nd(nd.space_to_depth(nd.depth_to_space(x, 2), 2), x.asnumpy())
    m = nd.array([[1, 2], [3, 4]])
    assert_nd(nd.diag(m), [1, 4])
    assert_nd(nd.diag(m, k=1), [2])
    assert_nd(nd.diag(nd.array([1, 2])), [[1, 0], [0, 2]])
    assert_nd(nd.diag(nd.array([1, 2]), k=-1), [[0, 0, 0], [1, 0, 0], [0, 2, 0]])
    assert_nd(nd.diag(nd.array(X24), axis1=1, axis2=2), [[0, 5, 10], [12, 17, 22]])
    assert_nd(nd.diag(nd.array(X24)), [[0, 16], [1, 17], [2, 18], [3, 19]])
    assert_nd(nd.Reshape(nd.array(X24), shape=(6, 4)), X24.reshape(6, 4))
    assert_nd(nd.reshape(nd.array(X24), target_shape=(6, 4)), X24.reshape(6, 4))
    assert_nd(nd.SwapAxis(nd.array(X24), dim1=0, dim2=2), X24.swapaxes(0, 2))
    assert_nd(nd.SwapAxis(nd.array(X24)), X24)
    assert_nd(nd.Flatten(nd.arange(3)), [[0], [1], [2]])
    assert nd.flatten(nd.zeros((2, 3, 4, 5))).shape == (2, 60)
    z = nd.zeros
    assert nd.reshape_like(z((30, 7)), z((15, 2, 4)), lhs_begin=0, lhs_end=1, rhs_begin=0, rhs_end=2).shape == (15, 2, 7)
    assert nd.reshape_like(z((2, 3, 4)), z((6,)), lhs_begin=-3, lhs_end=-1).shape == (6, 4)
    assert nd.reshape_like(z((2, 3, 4)), z((4, 6))).shape == (4, 6)
    assert nd.reshape_like(z((6, 4)), z((7, 2, 3, 9)), lhs_begin=0, lhs_end=1, rhs_begin=1, rhs_end=3).shape == (2, 3, 4)
    mx_error(nd.reshape_like, z((2, 3, 4)), z((5,)), contains=["(2, 3, 4)", "(5,)"])
    parts = nd.split_v2(nd.arange(6), (1, 4))
    assert [p.asnumpy().tolist() for p in parts] == [[0], [1, 2, 3], [4, 5]]
    assert [p.shape for p in nd.split_v2(nd.arange(6).reshape((3, 2)), 3, squeeze_axis=True)] == [(2,)] * 3
    raises(ValueError, nd.split_v2, nd.arange(7), 3, contains="equal")
    rng = onp.random.default_rng(12)
    grad_check(lambda t: nd.depth_to_space(t, 2), rng.standard_normal((1, 4, 2, 1)))
    grad_check(lambda t: nd.space_to_depth(t, 2), rng.standard_normal((1, 1, 2, 4)))
    grad_check(lambda t: nd.diag(t, k=-1), rng.standard_normal(3))
    grad_check(lambda t: nd.diag(t, k=1, axis1=0, axis2=2), rng.standard_normal((3, 2, 3)))
    grad_check(lambda a, b: nd.khatri_rao(a, b), rng.standard_normal((2, 3)), rng.standard_normal((3, 3)))


def test_index_operators_match_mxnet():
    a = nd.array([[1, 2], [3, 4], [5, 6]])
    # recorded from MXNet 1.9.1
    assert_nd(nd.batch_take(a, nd.array([0, 1, 0], dtype="int32")), [1, 4, 5])
    assert_nd(nd.batch_take(a, nd.array([5, -1, 0], dtype="int32")), [2, 3, 5])  # clipped
    assert_nd(nd.choose_element_0index(a, nd.array([5, -1, 0])), [2, 3, 5])
    assert_nd(nd.fill_element_0index(a, nd.array([9, 8, 7]), nd.array([0, 1, 0])), [[9, 2], [3, 8], [7, 6]])
    assert_nd(nd.fill_element_0index(a, nd.array([9, 8, 7]), nd.array([5, -1, 0])), [[1, 2], [3, 4], [7, 6]])
    m = nd.array([[1, 2], [3, 4]])
    assert_nd(nd.gather_nd(m, nd.array([[1, 1, 0], [0, 1, 0]])), [3, 4, 1])
    assert_nd(nd.gather_nd(nd.array(X24), nd.array([[1, 0]])), X24[[1, 0]])
    assert_nd(nd.gather_nd(m, nd.array([[-1], [0]])), [3])
    assert_nd(nd.gather_nd(a, nd.array([[0, 2]], dtype="int32")), [[1, 2], [5, 6]])
    raises(IndexError, nd.gather_nd, a, nd.array([[7]]), contains="7")  # recorded: IndexError
    mx_error(nd.gather_nd, a, nd.array([[0], [1], [0]]), contains="exceed")
    mx_error(nd.gather_nd, a, nd.array([1, 0]), contains="2 dimensions")
    assert_nd(nd.scatter_nd(nd.array([2, 3, 0]), nd.array([[1, 1, 0], [0, 1, 0]]), shape=(2, 2)), [[0, 0], [2, 3]])
    assert_nd(nd.scatter_nd(nd.array([2, 3]), nd.array([[1, 1], [0, 0]]), shape=(2, 2)), [[0, 0], [3, 0]])
    assert_nd(nd.scatter_nd(nd.array([[1, 2], [3, 4]]), nd.array([[2, 0]]), shape=(3, 2)), [[3, 4], [0, 0], [1, 2]])
    assert_nd(nd.ravel_multi_index(nd.array([[3, 6, 6], [4, 5, 1]]), shape=(7, 6)), [22, 41, 37], "float32")
    assert_nd(nd.ravel_multi_index(nd.array([[7], [0]]), shape=(7, 6)), [42])
    assert_nd(nd.ravel_multi_index(nd.array([[3], [4]], dtype="int32"), shape=(7, 6)), [22], "int32")
    assert_nd(nd.unravel_index(nd.array([22, 41, 37]), shape=(7, 6)), [[3, 6, 6], [4, 5, 1]], "float32")
    assert_nd(nd.unravel_index(nd.array([50]), shape=(7, 6)), [[8], [2]])
    o = nd.ones((2, 3))
    assert nd.onehot_encode(nd.array([5, -1]), o) is o
    assert_nd(o, onp.zeros((2, 3)))
    mx_error(nd.onehot_encode, nd.array([0]), nd.zeros((1, 3), dtype="float64"), contains="float32")
    x = nd.array([1.0, 2, 3, 4])
    x.attach_grad()
    with autograd.record():
        y = nd.scatter_nd(x, nd.array([[1, 1, 0, 0], [0, 0, 1, 1]]), shape=(2, 2))
    y.backward(nd.array([[1, 2], [3, 4]]))
    assert_nd(x.grad, [3, 3, 2, 2])  # recorded from MXNet 1.9.1
    assert_nd(y, [[0, 4], [2, 0]])
    rng = onp.random.default_rng(13)
    grad_check(lambda t: nd.gather_nd(t, nd.array([[1, 0, 1], [2, 0, 0]])), rng.standard_normal((2, 3)))
    grad_check(lambda t: nd.batch_take(t, nd.array([2, 0])), rng.standard_normal((2, 3)))
    grad_check(lambda t: nd.scatter_nd(t, nd.array([[1, 0], [2, 0]]), shape=(2, 3)), rng.standard_normal(2))


def test_khatri_rao_matches_mxnet():
    # recorded from MXNet 1.9.1
    assert_nd(nd.khatri_rao(nd.array([[1, -1], [2, -3]]), nd.array([[1, 4], [2, 5], [3, 6]])),
              [[1, -4], [2, -5], [3, -6], [2, -12], [4, -15], [6, -18]])
    assert_nd(nd.khatri_rao(nd.array([[1, 2]]), nd.array([[3, 4], [5, 6]]), nd.array([[1, -1], [2, 2]])),
              [[3, -8], [6, 16], [5, -12], [10, 24]])
    assert_nd(nd.khatri_rao(nd.array([[1, 2]])), [[1, 2]])
    mx_error(nd.khatri_rao, nd.array([[1, 2]]), nd.array([[1, 2, 3]]), contains="columns")
    mx_error(nd.khatri_rao, nd.array([1, 2]), nd.array([1, 2]), contains="matrix")


def test_finiteness_helpers_match_mxnet():
    # recorded from MXNet 1.9.1
    assert_nd(nd.all_finite(nd.array([1, float("inf")])), [0], "float32")
    assert_nd(nd.all_finite(nd.array([1, 2])), [1], "float32")
    assert_nd(nd.multi_all_finite(nd.array([1, 2]), nd.array([float("nan")]), num_arrays=2), [0])
    assert_nd(nd.multi_all_finite(nd.array([1, 2]), nd.array([3]), num_arrays=2), [1])
    mx_error(nd.multi_all_finite, nd.array([1, 2]), nd.array([3]), contains="num_arrays=1")
    flag = nd.zeros(1)  # init_output=False only clears: a 0 already there stays 0
    assert nd.all_finite(nd.array([1, 2]), init_output=False, out=flag) is flag
    assert_nd(flag, [0])
    flag = nd.ones(1)
    nd.multi_all_finite(nd.array([1, 2]), num_arrays=1, init_output=False, out=flag)
    assert_nd(flag, [1])
    nd.all_finite(nd.array([onp.nan]), init_output=False, out=flag)
    assert_nd(flag, [0])
    a, b = nd.ones(2), nd.ones(3)
    assert nd.reset_arrays(a, b, num_arrays=2) == []  # recorded: an empty list, arrays zeroed
    assert_nd(a, [0, 0])
    assert_nd(b, [0, 0, 0])


def test_shuffle_permutes_the_first_axis():
    x = nd.arange(12).reshape((6, 2))
    y = nd.shuffle(x)
    assert y.shape == (6, 2)
    assert sorted(map(tuple, y.asnumpy().tolist())) == sorted(map(tuple, x.asnumpy().tolist()))
    assert (x.asnumpy() == onp.arange(12).reshape(6, 2)).all()


def test_new_names_are_in_the_namespace():
    names = ["add_n", "ElementWiseSum", "slice", "crop", "slice_axis", "slice_like", "broadcast_like", "moveaxis",
             "from_numpy", "load_frombuffer", "Activation", "Reshape", "SwapAxis", "Flatten", "L2Normalization",
             "smooth_l1", "softmax_cross_entropy", "argmax_channel", "shape_array", "size_array", "depth_to_space",
             "space_to_depth", "diag", "split_v2", "gather_nd", "scatter_nd", "khatri_rao", "moments", "cumsum",
             "BlockGrad", "stop_gradient", "make_loss", "MakeLoss", "identity", "hard_sigmoid", "softmin",
             "broadcast_hypot", "degrees", "radians", "rcbrt", "logical_not", "max_axis", "min_axis", "nanprod",
             "all_finite", "multi_all_finite", "reset_arrays", "shuffle", "batch_take", "choose_element_0index",
             "fill_element_0index", "ravel_multi_index", "unravel_index", "onehot_encode"]
    missing = [n for n in names if n not in nd.__all__ or not callable(getattr(nd, n))]
    assert not missing
    assert "OperatorError" not in dir(nd) and "OperatorTypeError" not in dir(nd)
    for name in ("slice", "slice_axis", "slice_like", "broadcast_like", "moveaxis", "shape_array", "size_array"):
        assert callable(getattr(nd.NDArray, name))
    import deepblocks.ndarray.linalg as linalg_module

    assert nd.linalg is linalg_module and nd.linalg.gemm2 is nd.linalg_gemm2


# ---- older image operators, output operators, samplers, linalg -----------------------------------------


def test_lrn_matches_mxnet():
    x = nd.arange(8).reshape((1, 4, 1, 2)) / 4
    # recorded from MXNet 1.9.1
    assert_nd(nd.LRN(x, nsize=3), [[[[0.0, 0.14864972233772278]], [[0.2972971200942993, 0.44594043493270874]],
                                    [[0.5945775508880615, 0.743206262588501]], [[0.891869068145752, 1.0404959917068481]]]])
    assert_nd(nd.LRN(x, alpha=0.1, beta=0.5, knorm=1.5, nsize=3),
              [[[[0.0, 0.2027212232351303]], [[0.40269365906715393, 0.5980100035667419]],
                [[0.7864837646484375, 0.966435432434082]], [[1.1827778816223145, 1.3606562614440918]]]])
    assert_nd(nd.LRN(x, nsize=2), [[[[0.0, 0.14865072071552277]], [[0.29730039834976196, 0.44594794511795044]],
                                   [[0.5945923924446106, 0.7432326674461365]], [[0.8918676376342773, 1.040496587753296]]]])
    assert_nd(nd.LRN(nd.arange(12).reshape((1, 6, 1, 2)) / 4, nsize=5, alpha=1.0)[0, :, 0, 1],
              [0.12815381586551666, 0.32496485114097595, 0.4368325471878052, 0.48315393924713135,
               0.6307905316352844, 0.805877149105072])
    # recorded: the window is (nsize - 1) // 2 channels on each side, so an even nsize covers one less
    for nsize, touched in ((2, [3]), (3, [2, 3, 4]), (4, [2, 3, 4]), (5, [1, 2, 3, 4, 5])):
        probe = nd.ones((1, 7, 1, 1)) * 0.001
        probe[0, 3] = 1.0
        den = (probe / nd.LRN(probe, nsize=nsize, alpha=1.0, beta=1.0, knorm=1.0)).asnumpy().ravel()
        assert [c for c in range(7) if den[c] > 1.01] == touched
    mx_error(nd.LRN, nd.ones((1, 4, 2)), nsize=3, contains="4-D")
    mx_error(nd.LRN, x, contains="nsize")
    x.attach_grad()
    with autograd.record():
        y = nd.LRN(x, nsize=3, alpha=1.0)
    y.backward()
    assert_nd(x.grad, [[[[0.57667475938797, 0.5280265212059021]], [[0.4559829533100128, 0.3521444797515869]],
                        [[0.19683371484279633, 0.09406501054763794]], [[0.1731894314289093, 0.11057910323143005]]]])
    grad_check(lambda t: nd.LRN(t, nsize=3, alpha=0.5), onp.random.default_rng(14).standard_normal((1, 3, 2, 1)))


def test_upsampling_matches_mxnet():
    img = nd.arange(4).reshape((1, 1, 2, 2))
    up = [[0, 0, 1, 1], [0, 0, 1, 1], [2, 2, 3, 3], [2, 2, 3, 3]]
    # recorded from MXNet 1.9.1
    assert_nd(nd.UpSampling(img, scale=2, sample_type="nearest"), [[up]])
    assert nd.UpSampling(img, scale=3, sample_type="nearest").shape == (1, 1, 6, 6)
    both = nd.UpSampling(img, nd.ones((1, 2, 1, 1)), scale=2, sample_type="nearest", num_args=2)
    assert_nd(both, [[up, onp.ones((4, 4)), onp.ones((4, 4))]])
    mx_error(nd.UpSampling, img, nd.ones((1, 2, 1, 1)), scale=2, sample_type="nearest", multi_input_mode="sum",
             contains="equal channels")
    assert_nd(nd.UpSampling(img, nd.ones((1, 1, 1, 1)), scale=2, sample_type="nearest", multi_input_mode="sum"),
              [[onp.asarray(up) + 1]])
    assert_nd(nd.UpSampling(img, nd.ones((1, 1, 4, 4)), scale=2, sample_type="bilinear", num_filter=1),
              [[[[0, 1, 1, 1], [2, 6, 6, 4], [2, 6, 6, 4], [2, 5, 5, 3]]]])
    mx_error(nd.UpSampling, nd.ones((1, 2, 2)), scale=2, sample_type="nearest", contains="4-D")
    mx_error(nd.UpSampling, img, scale=2, sample_type="foo", contains="'foo'")
    grad_check(lambda t: nd.UpSampling(t, scale=2, sample_type="nearest"),
               onp.random.default_rng(15).standard_normal((1, 2, 2, 1)))


def test_crop_matches_mxnet():
    x = nd.arange(32).reshape((1, 2, 4, 4))
    h = X = onp.arange(32, dtype="float32").reshape(1, 2, 4, 4)
    # recorded from MXNet 1.9.1
    assert_nd(nd.Crop(x, h_w=(2, 3), num_args=1), h[:, :, :2, :3])
    assert_nd(nd.Crop(x, h_w=(2, 2), offset=(1, 2), num_args=1), X[:, :, 1:3, 2:4])
    assert_nd(nd.Crop(x, h_w=(2, 2), center_crop=True, num_args=1), X[:, :, 1:3, 1:3])
    odd = onp.arange(50, dtype="float32").reshape(1, 2, 5, 5)
    assert_nd(nd.Crop(nd.array(odd), h_w=(2, 2), center_crop=True), odd[:, :, 1:3, 1:3])
    assert_nd(nd.Crop(x, nd.zeros((1, 1, 3, 2)), num_args=2), X[:, :, :3, :2])
    assert_nd(nd.Crop(x, nd.zeros((1, 1, 3, 2)), num_args=2, offset=(1, 1)), X[:, :, 1:4, 1:3])
    mx_error(nd.Crop, x, h_w=(5, 2), num_args=1, contains="5x2")
    mx_error(nd.Crop, x, h_w=(2, 2), offset=(3, 0), num_args=1, contains="offset")
    mx_error(nd.Crop, nd.arange(16).reshape((1, 4, 4)), h_w=(2, 2), num_args=1, contains="4-D")
    c = nd.Crop(x, h_w=(1, 1))
    c[:] = -1  # a new array
    assert x.asnumpy()[0, 0, 0, 0] == 0
    grad_check(lambda t: nd.Crop(t, h_w=(2, 1), offset=(1, 1)), onp.random.default_rng(16).standard_normal((1, 1, 3, 3)))


def test_softmax_activation_and_pad_alias():
    x = nd.array([[1, -2, 3], [0.5, 5, -6]])
    # recorded from MXNet 1.9.1
    assert_nd(nd.SoftmaxActivation(x), [[0.11849965155124664, 0.0058997501619160175, 0.8756005764007568],
                                        [0.010986761189997196, 0.9889967441558838, 1.651792808843311e-05]])
    x3 = nd.array(X24) / 10
    assert_nd(nd.SoftmaxActivation(x3)[0, 0], [0.21383821964263916, 0.23632778227329254, 0.26118260622024536,
                                               0.28865140676498413])
    assert_nd(nd.SoftmaxActivation(x3, mode="channel")[0, :, 0], [0.21198272705078125, 0.316241055727005,
                                                                   0.47177624702453613])
    assert_nd(nd.SoftmaxActivation(nd.array([1, 2])), [0.2689414322376251, 0.7310585975646973])
    mx_error(nd.SoftmaxActivation, x, mode="foo", contains="'foo'")
    grad_check(lambda t: nd.SoftmaxActivation(t, mode="channel"), onp.random.default_rng(17).standard_normal((2, 3, 2)))
    assert nd.Pad is nd.pad
    assert nd.Convolution_v1 is nd.Convolution and nd.Pooling_v1 is nd.Pooling


def _grad_of(f, x, head=None):
    x = x.copy()
    x.attach_grad()
    with autograd.record():
        y = f(x)
    y.backward(head)
    return y, x.grad


def test_regression_outputs_match_mxnet():
    x = nd.array([[1, -2, 3], [0.5, 5, -6]])
    label = nd.array([[0, 1, 1], [1, 0, 0]])
    # recorded from MXNet 1.9.1: the value is the prediction, the gradient MXNet's formula
    y, g = _grad_of(lambda t: nd.LinearRegressionOutput(t, label), x)
    assert_nd(y, x.asnumpy())
    assert_nd(g, [[0.3333333432674408, -1.0, 0.6666666865348816], [-0.1666666716337204, 1.6666667461395264, -2.0]])
    _, g = _grad_of(lambda t: nd.LinearRegressionOutput(t, label, grad_scale=2), x)
    assert_nd(g, [[0.6666666865348816, -2.0, 1.3333333730697632], [-0.3333333432674408, 3.3333334922790527, -4.0]])
    y, g = _grad_of(lambda t: nd.LinearRegressionOutput(t, nd.array([1, 2])), nd.array([[1], [3]]))
    assert_nd(g, [[0], [1]])
    y, g = _grad_of(lambda t: nd.LogisticRegressionOutput(t, label), x)
    assert_nd(y, [[0.7310585975646973, 0.11920291930437088, 0.9525741338729858],
                  [0.622459352016449, 0.9933071732521057, 0.0024726230185478926]])
    assert_nd(g, [[0.24368619918823242, -0.29359903931617737, -0.015808623284101486],
                  [-0.12584689259529114, 0.3311024010181427, 0.0008242076728492975]])
    y, g = _grad_of(lambda t: nd.MAERegressionOutput(t, label), x)
    assert_nd(y, x.asnumpy())
    assert_nd(g, onp.sign(x.asnumpy() - label.asnumpy()) / 3)
    mx_error(nd.LinearRegressionOutput, x, contains="label")
    mx_error(nd.LinearRegressionOutput, x, nd.ones((3, 3)), contains="(3, 3)")
    lbl, pred = nd.array([1.0, 2.0]), nd.array([[1.0], [3.0]])
    lbl.attach_grad()
    pred.attach_grad()
    with autograd.record():
        z = nd.LinearRegressionOutput(pred, lbl)
    z.backward()
    assert_nd(lbl.grad, [0, 0])  # labels get no gradient
    assert_nd(pred.grad, [[0], [1]])


SOFTMAX_P = [[0.11849965155124664, 0.0058997501619160175, 0.8756005764007568],
             [0.010986761189997196, 0.9889967441558838, 1.651792808843311e-05]]


def test_softmax_output_matches_mxnet():
    x = nd.array([[1, -2, 3], [0.5, 5, -6]])
    lab = nd.array([2, 0])
    p = onp.asarray(SOFTMAX_P)
    onehot = onp.eye(3)[[2, 0]]
    # recorded from MXNet 1.9.1
    for f in (nd.SoftmaxOutput, nd.Softmax):
        y, g = _grad_of(lambda t: f(t, lab), x)
        assert_nd(y, p)
        assert_nd(g, p - onehot)
    _, g = _grad_of(lambda t: nd.SoftmaxOutput(t, lab, grad_scale=2), x)
    assert_nd(g, 2 * (p - onehot))
    _, g = _grad_of(lambda t: nd.SoftmaxOutput(t, lab, normalization="batch"), x)
    assert_nd(g, (p - onehot) / 2)
    for norm in ("null", "valid"):
        _, g = _grad_of(lambda t: nd.SoftmaxOutput(t, lab, use_ignore=True, ignore_label=0, normalization=norm), x)
        assert_nd(g, [list(p[0] - onehot[0]), [0, 0, 0]])
    _, g = _grad_of(lambda t: nd.SoftmaxOutput(t, lab, smooth_alpha=0.1), x)
    assert_nd(g, [[0.06849965453147888, -0.04410025104880333, -0.024399422109127045],
                  [-0.8890132308006287, 0.9389967322349548, -0.04998348280787468]])
    _, g = _grad_of(lambda t: nd.SoftmaxOutput(t, nd.array([5, -1])), x)
    assert_nd(g, p)  # a label outside the classes: no target
    x3 = nd.array(onp.arange(12).reshape(2, 3, 2) / 5)
    y, g = _grad_of(lambda t: nd.SoftmaxOutput(t, nd.array([[0, 2], [1, 1]]), multi_output=True), x3)
    assert_nd(y[0, :, 0], [0.21198272705078125, 0.316241055727005, 0.47177624702453613])
    assert_nd(g[0], [[-0.3940086364746094, 0.10599136352539062], [0.1581205278635025, 0.1581205278635025],
                     [0.23588812351226807, -0.26411187648773193]])
    _, g = _grad_of(lambda t: nd.SoftmaxOutput(t, nd.array([[0, 2], [1, 1]]), multi_output=True,
                                               normalization="batch"), x3)
    assert_nd(g[0, 0], [-0.1970043182373047, 0.05299568176269531])
    _, g = _grad_of(lambda t: nd.SoftmaxOutput(t, nd.array([[0, 2], [1, 1]]), multi_output=True,
                                               normalization="valid", use_ignore=True, ignore_label=1), x3)
    assert_nd(g[1], onp.zeros((3, 2)))
    assert_nd(g[0, 0], [-0.3940086364746094, 0.10599136352539062])
    y, g = _grad_of(lambda t: nd.SoftmaxOutput(t, nd.array([[0, 1, 1], [1, 0, 0]]), preserve_shape=True), x3)
    assert_nd(g[0, 0], [-0.5498340129852295, 0.5498339533805847])
    _, g = _grad_of(lambda t: nd.SoftmaxOutput(t, nd.array([[0, 1, 1], [1, 0, 0]]), preserve_shape=True,
                                               normalization="batch"), x3)
    assert_nd(g[0, 0], [-0.09163900464773178, 0.09163899719715118])
    f = nd.SoftmaxOutput(nd.array([[1, 2, 3]], dtype="float64"), nd.array([1], dtype="float64"))
    assert_nd(f, [[0.09003057317038046, 0.24472847105479764, 0.6652409557748218]], "float64")
    mx_error(nd.SoftmaxOutput, x, contains="label")
    mx_error(nd.SoftmaxOutput, nd.array([1, 2, 3]), nd.array([1]), contains="2-D")
    mx_error(nd.SoftmaxOutput, x, nd.array([1, 2, 0]), contains="(3,)")
    raises(NotImplementedError, nd.SoftmaxOutput, x, lab, out_grad=True)


def test_make_loss_head_gradient_difference_is_documented():
    # MXNet 1.9.1 ignores a head gradient on these outputs (recorded: [[1, 1, 1], ...] for a head of
    # 3s); deepblocks multiplies the fixed gradient by it. The default head (ones) agrees.
    x = nd.array([[1, -2, 3]])
    _, g = _grad_of(nd.make_loss, x, nd.ones((1, 3)) * 3)
    assert_nd(g, [[3, 3, 3]])
    _, g = _grad_of(nd.make_loss, x)
    assert_nd(g, [[1, 1, 1]])


def test_samplers_match_mxnet_shapes_dtypes_and_moments():
    nd.random.seed(0)
    n = 20000
    # recorded from MXNet 1.9.1: exponential takes the rate (mean 1/lam = 0.25), float32 counts
    r = nd.random_exponential(lam=4, shape=(n,))
    assert r.dtype == onp.float32 and abs(r.mean().asscalar() - 0.25) < 0.02
    assert abs(nd.random_gamma(alpha=2, beta=3, shape=(n,)).mean().asscalar() - 6.0) < 0.3
    assert nd.random_poisson(lam=3, shape=(2,)).dtype == onp.float32
    assert nd.random_randint(0, 5, shape=(2,)).dtype == onp.int32
    assert abs(nd.random_negative_binomial(k=3, p=0.4, shape=(n,)).mean().asscalar() - 4.5) < 0.2
    assert abs(nd.random_generalized_negative_binomial(mu=2, alpha=0.5, shape=(n,)).mean().asscalar() - 2.0) < 0.15
    lo, hi = nd.array([0, 10]), nd.array([1, 11])
    assert nd.sample_uniform(lo, hi).shape == (2,) and nd.sample_uniform(lo, hi).dtype == onp.float32
    u = nd.sample_uniform(lo, hi, shape=(3,))
    assert u.shape == (2, 3) and (u.asnumpy()[1] >= 10).all() and (u.asnumpy()[0] < 1).all()
    assert nd.sample_normal(lo, hi, shape=(2, 2)).shape == (2, 2, 2)
    assert nd.sample_normal(nd.array([0.0], dtype="float64"), nd.array([1.0], dtype="float64")).dtype == onp.float32
    e = nd.sample_exponential(nd.array([4.0]), shape=(n,))
    assert e.shape == (1, n) and abs(e.mean().asscalar() - 0.25) < 0.02
    assert abs(nd.sample_gamma(nd.array([2.0]), nd.array([3.0]), shape=(n,)).mean().asscalar() - 6.0) < 0.3
    assert nd.sample_poisson(nd.array([3.0]), shape=(2,)).dtype == onp.float32
    m = nd.sample_multinomial(nd.array([[0.2, 0.8]]), shape=3)
    assert m.shape == (1, 3) and m.dtype == onp.int32
    assert [t.shape for t in nd.sample_multinomial(nd.array([[0.2, 0.8]]), shape=3, get_prob=True)] == [(1, 3), (1, 3)]
    raises(TypeError, nd.sample_uniform, 0, 1, contains="NDArray")  # MXNet: AssertionError
    mx_error(nd.sample_uniform, nd.array([0, 10]), nd.array([1]), contains="differ")
    nd.random.seed(5)
    a = nd.random_exponential(lam=2, shape=(3,))
    nd.random.seed(5)
    assert (nd.random_exponential(lam=2, shape=(3,)).asnumpy() == a.asnumpy()).all()  # one seed for all


def test_linalg_matches_mxnet():
    a, b = nd.array([[1, 2], [3, 4]]), nd.array([[1, 0], [0, 2]])
    # recorded from MXNet 1.9.1
    assert_nd(nd.linalg_gemm(a, b, nd.ones((2, 2)), alpha=2, beta=0.5), [[2.5, 8.5], [6.5, 16.5]])
    assert_nd(nd.linalg_gemm(a, b, nd.ones((2, 2)), transpose_a=True, transpose_b=True), [[2, 7], [3, 9]])
    assert_nd(nd.linalg_gemm2(a, b, alpha=3), [[3, 12], [9, 24]])
    assert nd.linalg_gemm2(nd.ones((2, 2, 3)), nd.ones((2, 3, 4))).shape == (2, 2, 4)
    assert_nd(nd.linalg.gemm2(nd.array([[1, 2]]), nd.array([[1], [1]])), [[3]])
    mx_error(nd.linalg_gemm2, nd.ones((2, 3, 5)), nd.ones((3, 2, 5)), axis=-3, contains="(3, 2, 5)")
    # recorded: ``axis`` is the rows' axis, the columns are the last axis, the axes between are a batch
    ha, hb = onp.arange(30.0).reshape(3, 2, 5) / 10, onp.arange(40.0).reshape(5, 2, 4) / 10
    assert_nd(nd.linalg_gemm2(nd.array(ha), nd.array(hb), axis=-3), onp.einsum("ibk,kbj->ibj", ha, hb), rtol=1e-5)
    assert nd.linalg_gemm2(nd.array(ha), nd.array(hb), axis=0).shape == (3, 2, 4)
    assert_nd(nd.linalg_syrk(a, alpha=2), [[10, 22], [22, 50]])
    assert_nd(nd.linalg_syrk(a, transpose=True), [[10, 14], [14, 20]])
    assert_nd(nd.linalg_trmm(nd.array([[2, 0], [1, 3]]), a), [[2, 4], [10, 14]])
    assert_nd(nd.linalg_trmm(nd.array([[2, 9], [1, 3]]), a), [[2, 4], [10, 14]])  # the upper part is ignored
    assert_nd(nd.linalg_trmm(nd.array([[2, 9], [1, 3]]), a, transpose=True, rightside=True, lower=False, alpha=2),
              [[40, 12], [84, 24]])
    assert_nd(nd.linalg_sumlogdiag(nd.array([[2, 9], [1, 3]])), [1.7917594909667969])
    assert_nd(nd.linalg_sumlogdiag(nd.array([[[2, 9], [1, 3]], [[1, 0], [0, 1]]])), [1.7917594909667969, 0.0])
    assert_nd(nd.linalg_extractdiag(a, offset=1), [2])
    assert_nd(nd.linalg_makediag(nd.array([1, 2]), offset=-1), [[0, 0, 0], [1, 0, 0], [0, 2, 0]])
    assert_nd(nd.linalg_makediag(nd.array([[1, 2], [3, 4]])), [[[1, 0], [0, 2]], [[3, 0], [0, 4]]])
    mx_error(nd.linalg_gemm2, nd.ones(3), a, contains="2 dimensions")
    rng = onp.random.default_rng(18)
    m = rng.standard_normal
    grad_check(lambda x, y, z: nd.linalg_gemm(x, y, z, transpose_b=True, alpha=1.5, beta=-0.5), m((2, 3)), m((4, 3)),
               m((2, 4)))
    grad_check(lambda x: nd.linalg_syrk(x, alpha=0.5), m((2, 3)))
    grad_check(lambda x, y: nd.linalg_trmm(x, y, rightside=True), m((3, 3)), m((2, 3)))
    grad_check(nd.linalg_sumlogdiag, onp.eye(3) * 2 + rng.uniform(0, 0.5, (3, 3)))
    grad_check(lambda x: nd.linalg_makediag(x, offset=1), m((2, 2)))


def test_histogram_and_dtype_helpers_match_mxnet():
    data = nd.array([0, 1, 1, 2, 3, 9])
    # recorded from MXNet 1.9.1
    counts, edges = nd.histogram(data, bins=3)
    assert_nd(counts, [4, 1, 1], "float32")
    assert_nd(edges, [0, 3, 6, 9], "float32")
    counts, edges = nd.histogram(data, bins=3, range=(0, 3))
    assert_nd(counts, [1, 2, 2], "int64")
    assert_nd(edges, [0, 1, 2, 3], "float32")
    counts, edges = nd.histogram(data, bins=nd.array([0, 2, 5, 10]))
    assert_nd(counts, [3, 2, 1], "int64")
    assert_nd(edges, [0, 2, 5, 10], "float32")
    counts, edges = nd.histogram(nd.array([0, 1, 1, 2, 3, 9], dtype="int32"), bins=3, range=(0, 9))
    assert_nd(counts, [4, 1, 1], "int64")
    assert_nd(edges, [0, 3, 6, 9], "int32")
    counts, _ = nd.histogram(nd.array([-1, 0, 1, 5, 3]), bins=2, range=(0, 3))
    assert_nd(counts, [2, 1], "int64")
    mx_error(nd.histogram, data, bins=0, contains="bins")
    x = nd.array([[1, -2, 3]])
    assert_nd(nd.cast_storage(x, stype="default"), [[1, -2, 3]])
    raises(NotImplementedError, nd.cast_storage, x, stype="csr", contains="csr")
    assert_nd(nd.amp_cast(x, dtype="float64"), [[1, -2, 3]], "float64")
    y = nd.amp_multicast(nd.ones(2), nd.ones(2, dtype="float64"), num_outputs=2)
    assert [t.dtype for t in y] == [onp.float64, onp.float64]
    y = nd.amp_multicast(nd.ones(2), nd.ones(2, dtype="float64"), num_outputs=2, cast_narrow=True)
    assert [t.dtype for t in y] == [onp.float32, onp.float32]
    mx_error(nd.amp_multicast, nd.ones(2), num_outputs=2, contains="num_outputs")


# ---- MXNet 1.9.1 unit-test fidelity: contrib tests, tostype, multi-output lists, py_slice -------------


def test_contrib_isnan_isinf_isfinite_match_mxnet():
    x = nd.array([1, onp.nan, onp.inf, -onp.inf])
    # recorded from MXNet 1.9.1: 0/1 in the input's own dtype
    assert_nd(nd.contrib.isnan(x), [0, 1, 0, 0], dtype=onp.float32)
    assert_nd(nd.contrib.isinf(x), [0, 0, 1, 1], dtype=onp.float32)
    assert_nd(nd.contrib.isfinite(data=x), [1, 0, 0, 0], dtype=onp.float32)
    assert_nd(nd.contrib.isnan(nd.array([1, 2], dtype="int32")), [0, 0], dtype=onp.int32)
    assert_nd(nd.contrib.isinf(nd.array([1, onp.inf], dtype="float64")), [0, 1], dtype=onp.float64)
    out = nd.zeros(4)
    assert nd.contrib.isnan(x, out=out) is out
    assert_nd(out, [0, 1, 0, 0])


def test_tostype_default_copies_and_sparse_is_refused():
    a = nd.array([1, 2])
    b = a.tostype("default")
    # recorded from MXNet 1.9.1: a new dense array (not the same object), stype 'default'
    assert b is not a and b.stype == "default"
    assert_nd(b, [1, 2])
    b[0] = 5
    assert a.asnumpy().tolist() == [1, 2]
    raises(TypeError, a.tostype, "csr", contains="csr")
    raises(ValueError, a.tostype, "foo", contains="foo")


def test_random_multinomial_get_prob_is_a_list():
    p = nd.array([[0.125, 0.25, 0.25], [0.0625, 0.125, 0.1875]])
    out = nd.random.multinomial(p, shape=5, get_prob=True)
    # recorded from MXNet 1.9.1: multi-output operators return a list
    assert isinstance(out, list) and len(out) == 2
    assert out[0].shape == out[1].shape == (2, 5)
    # recorded from MXNet 1.9.1: the log of the given (unnormalized) probability of each draw
    expected = onp.log(onp.take_along_axis(p.asnumpy(), out[0].asnumpy().astype(int), axis=1))
    onp.testing.assert_allclose(out[1].asnumpy(), expected, rtol=1e-6)
    assert isinstance(nd.random.multinomial(p, shape=5), nd.NDArray)


def test_py_slice_is_the_builtin_slice():
    from deepblocks.ndarray.ndarray import py_slice

    # MXNet keeps the builtin under this name in mxnet/ndarray/ndarray.py
    assert py_slice is slice
    assert nd.arange(5)[py_slice(1, 3)].asnumpy().tolist() == [1.0, 2.0]


def test_argmax_out_and_numpy_dispatch_and_ignored_operator_keywords():
    # recorded from MXNet 1.9.1: numpy.argmax(nd_array, axis=1) goes through NDArray.argmax(out=None)
    # and answers an NDArray; generated binary operators ignore keywords they do not know
    import numpy
    a = nd.array([[0.3, 0.7], [1.0, 0.0]])
    r = numpy.argmax(a, axis=1)
    assert type(r) is nd.NDArray and r.asnumpy().tolist() == [1.0, 0.0]
    out = nd.zeros(2)
    assert a.argmin(axis=1, out=out) is out and out.asnumpy().tolist() == [0.0, 1.0]
    with pytest.raises(ValueError, match="out has shape"):
        a.argmax(axis=1, out=nd.zeros(3))
    m = nd.broadcast_maximum(nd.array([0.0]), a, axis=1)
    assert m.asnumpy().tolist() == [[0.30000001192092896, 0.699999988079071], [1.0, 0.0]]

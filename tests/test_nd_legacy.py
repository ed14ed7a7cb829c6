"""The legacy ``nd`` namespace (MXNet 1.x ``from mxnet import nd``).

Expected strings and shapes marked "MXNet 1.9.1" were observed by running the same calls on
mxnet==1.9.1; values are otherwise checked against NumPy.
"""

import doctest
import importlib

import numpy as onp
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import deepblocks
from deepblocks import nd, np
from deepblocks.base import MXNetError


def assert_nd(x, expected, dtype=None):
    """x is an NDArray whose values equal ``expected`` (and whose dtype is ``dtype``)."""
    assert type(x) is nd.NDArray, type(x)
    expected = onp.asarray(expected)
    assert x.shape == expected.shape, (x.shape, expected.shape)
    onp.testing.assert_allclose(x.asnumpy(), expected, rtol=1e-5, atol=1e-6)
    if dtype is not None:
        assert x.dtype == onp.dtype(dtype).type, (x.dtype, dtype)


# ---- the namespace ---------------------------------------------------------------------------


def test_nd_is_the_ndarray_module_and_importable_by_both_names():
    import deepblocks.nd as nd2

    assert deepblocks.nd is deepblocks.ndarray is nd2
    assert issubclass(nd.NDArray, np.ndarray)
    assert isinstance(nd.zeros(2), nd.NDArray)
    # As in MXNet 1.9.1, where mx.np.ndarray subclasses mx.nd.NDArray.
    assert isinstance(np.zeros(2), nd.NDArray) and issubclass(np.ndarray, nd.NDArray)


@pytest.mark.parametrize("name", ["deepblocks.ndarray", "deepblocks.ndarray.ndarray", "deepblocks.ndarray.ops", "deepblocks.ndarray.random"])
def test_docstring_examples_run(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE, verbose=False)
    assert result.attempted > 0
    assert result.failed == 0


# ---- display -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make, text",
    [  # MXNet 1.9.1
        (lambda: nd.array([[1, 2], [3, 4]]), "\n[[1. 2.]\n [3. 4.]]\n<NDArray 2x2 @cpu(0)>"),
        (lambda: nd.array([1.5, 2, 3]), "\n[1.5 2.  3. ]\n<NDArray 3 @cpu(0)>"),
        (lambda: nd.array([1, 2, 3], dtype="int32"), "\n[1 2 3]\n<NDArray 3 @cpu(0)>"),
        (lambda: nd.arange(8).reshape((2, 2, 2)), "\n[[[0. 1.]\n  [2. 3.]]\n\n [[4. 5.]\n  [6. 7.]]]\n<NDArray 2x2x2 @cpu(0)>"),
        (lambda: nd.array([[1, 2], [3, 4]]).sum(), "\n[10.]\n<NDArray 1 @cpu(0)>"),
        (lambda: nd.array([[1, 2], [3, 4]]).norm(), "\n[5.477226]\n<NDArray 1 @cpu(0)>"),
        (lambda: nd.array([1, 2], dtype="float64"), "\n[1. 2.]\n<NDArray 2 @cpu(0)>"),
    ],
)
def test_repr_and_str_match_mxnet_byte_for_byte(make, text):
    x = make()
    assert repr(x) == text
    assert str(x) == text
    assert "%s" % x == text and f"{x}" == text


def test_format_with_a_spec_is_refused_but_asscalar_formats():
    x = nd.array([1.25])
    with pytest.raises(TypeError):
        format(x, ".2f")
    assert f"{x.asscalar():.2f}" == "1.25"


# ---- creation ----------------------------------------------------------------------------------------


def test_array_defaults_to_float32_for_lists_and_numpy_input():
    assert nd.array([1, 2, 3]).dtype is onp.float32
    assert nd.array([True, False]).dtype is onp.float32
    assert nd.array(onp.array([1, 2], dtype=onp.int64)).dtype is onp.float32  # MXNet 1.9.1
    assert nd.array(onp.array([1.0, 2.0])).dtype is onp.float32  # MXNet 1.9.1: float64 -> float32
    assert nd.array(onp.array([1, 2]), dtype="uint8").dtype is onp.uint8
    assert nd.array([1, 2], dtype=onp.int32).dtype is onp.int32
    assert_nd(nd.array([[1, 2], [3, 4]]), [[1, 2], [3, 4]], "float32")


def test_array_of_a_deepblocks_array_keeps_its_dtype_and_copies():
    src = nd.array([1, 2], dtype="int32")
    out = nd.array(src)
    assert out.dtype is onp.int32
    out[0] = 50
    assert src.asnumpy().tolist() == [1, 2]  # MXNet 1.9.1: nd.array copies
    assert nd.array(np.array([1, 2], dtype="int64")).dtype is onp.int64
    assert isinstance(nd.array(np.ones(2)), nd.NDArray)


def test_scalars_become_shape_1():
    assert nd.array(3).shape == ()  # MXNet 1.9.1: a converted scalar stays 0-d
    assert (nd.array(3) + 1).shape == (1,)  # ... but operations give no 0-d arrays
    assert nd.array(3).asscalar() == 3
    assert nd.NDArray(np.array(2.0)).shape == (1,)
    assert nd.zeros(()).shape == (1,)


def test_creation_functions():
    assert_nd(nd.zeros(4), onp.zeros(4), "float32")
    assert_nd(nd.ones(3), onp.ones(3), "float32")
    assert_nd(nd.ones((2, 3), dtype="int32"), onp.ones((2, 3)), "int32")
    assert_nd(nd.full((2,), 7), [7, 7], "float32")
    assert_nd(nd.full((2,), 3, dtype="int32"), [3, 3], "int32")
    assert_nd(nd.empty((2, 2)), onp.zeros((2, 2)), "float32")
    assert_nd(nd.eye(2), onp.eye(2), "float32")
    assert_nd(nd.eye(2, 3, 1), onp.eye(2, 3, 1))  # MXNet 1.9.1
    assert_nd(nd.linspace(0, 1, 5), [0, 0.25, 0.5, 0.75, 1], "float32")
    assert_nd(nd.linspace(0, 1, 4, endpoint=False), [0, 0.25, 0.5, 0.75])
    x = nd.array([1, 2], dtype="int32")
    assert_nd(nd.zeros_like(x), [0, 0], "int32")
    assert_nd(nd.ones_like(x), [1, 1], "int32")
    assert_nd(x.zeros_like(), [0, 0], "int32")
    assert_nd(x.ones_like(), [1, 1], "int32")
    assert_nd(nd.full_like(x, 4), [4, 4], "int32")


def test_arange_is_float32_with_repeat():
    assert_nd(nd.arange(5), onp.arange(5), "float32")
    assert_nd(nd.arange(1, 5, 2), [1, 3])
    assert_nd(nd.arange(5, 0, -1), [5, 4, 3, 2, 1])
    assert_nd(nd.arange(3, repeat=2), [0, 0, 1, 1, 2, 2])  # MXNet 1.9.1
    assert_nd(nd.arange(3, dtype="int32"), [0, 1, 2], "int32")


def test_ctx_argument_and_missing_gpu():
    x = nd.ones((1,), ctx=deepblocks.cpu(0))
    assert x.context == deepblocks.cpu() and x.ctx == deepblocks.cpu(0)
    if deepblocks.num_gpus() == 0:
        with pytest.raises(MXNetError):
            nd.array([1, 2, 3], ctx=deepblocks.gpu(0))
        with pytest.raises(MXNetError):
            nd.random.uniform(shape=(2, 3), ctx=deepblocks.gpu(0))


# ---- attributes and conversion -----------------------------------------------------------------------


def test_attributes():
    x = nd.ones((2, 3))
    assert x.shape == (2, 3) and x.size == 6 and x.ndim == 2
    assert x.dtype is onp.float32  # a NumPy type, as in MXNet
    assert x.dtype == onp.float32 and onp.dtype(x.dtype) == onp.dtype("float32")
    labels = nd.ones(2, dtype="int32")
    assert labels.dtype != x.dtype
    assert nd.array(x.asnumpy(), dtype=labels.dtype).dtype is onp.int32
    assert_nd(x.T, onp.ones((3, 2)))
    assert len(x) == 2


def test_asscalar():
    s = nd.array([[1, 2], [3, 4]]).sum().asscalar()
    assert s == 10.0 and type(s) is onp.float32  # MXNet 1.9.1
    i = nd.array([3], dtype="int32").asscalar()
    assert i == 3 and type(i) is onp.int32
    assert nd.ones((1, 1)).asscalar() == 1.0
    with pytest.raises(ValueError, match="The current array is not a scalar"):
        nd.ones(2).asscalar()
    with pytest.raises(ValueError):
        nd.zeros((0,)).asscalar()


def test_python_scalar_conversions():
    assert float(nd.array([2.5])) == 2.5
    assert int(nd.array([7.9])) == 7
    assert bool(nd.array([1])) is True
    with pytest.raises(ValueError):
        bool(nd.array([1, 2]))
    assert "%.1f" % nd.array([1.25]) == "1.2"


def test_astype_copies_and_converts():
    x = nd.array([1.7, -2.2])
    y = x.astype("int32")
    assert_nd(y, [1, -2], "int32")
    z = x.astype("float32")
    assert z is not x
    z[0] = 100
    assert x.asnumpy()[0] == onp.float32(1.7)
    assert x.astype(onp.float64).dtype is onp.float64
    assert x.astype("float32", copy=False) is x
    assert_nd(nd.cast(x, "int32"), [1, -2], "int32")


def test_numpy_mode_round_trip_shares_data():
    x = nd.zeros((2, 2))
    a = x.as_np_ndarray()
    assert type(a) is np.ndarray
    a[0, 0] = 5
    assert x.asnumpy()[0, 0] == 5
    assert x.as_nd_ndarray() is x
    assert type(nd.NDArray(a)) is nd.NDArray


def test_copyto_as_in_context_and_wait():
    x = nd.array([1, 2])
    y = x.copyto(deepblocks.cpu())
    assert y is not x and type(y) is nd.NDArray
    y[0] = 9
    assert x.asnumpy()[0] == 1
    dst = nd.zeros(2)
    assert x.copyto(dst) is dst
    assert_nd(dst, [1, 2])
    assert x.as_in_context(deepblocks.cpu()) is x
    assert x.copy() is not x
    x.wait_to_read()
    nd.waitall()
    assert x.tolist() == [1.0, 2.0]
    with pytest.raises(ValueError):
        x.copyto(nd.zeros(3))


def test_arrays_hash_by_identity_as_in_mxnet():
    x, y = nd.ones(2), nd.ones(2)
    assert hash(x) == hash(x)
    assert {x: 1, y: 2}[y] == 2
    assert len({x, y, x}) == 2


# ---- no 0-d arrays: reductions and indexing ------------------------------------------------------


def test_full_reductions_have_shape_1():
    x = nd.array([[1, 2], [3, 4]])
    for name, expected in [("sum", 10), ("mean", 2.5), ("max", 4), ("min", 1), ("prod", 24)]:
        r = getattr(x, name)()
        assert_nd(r, [expected], "float32")
        assert_nd(getattr(nd, name)(x), [expected], "float32")
    assert_nd(x.norm(), [onp.sqrt(30)], "float32")
    assert_nd(nd.norm(x), [onp.sqrt(30)])
    assert_nd(x.norm(ord=1), [10])  # MXNet 1.9.1


def test_reductions_along_axes():
    data = onp.arange(24, dtype=onp.float32).reshape(2, 3, 4)
    x = nd.array(data)
    assert_nd(x.sum(axis=1), data.sum(axis=1))
    assert_nd(x.sum(1), data.sum(axis=1))
    assert_nd(x.sum(axis=1, keepdims=True), data.sum(axis=1, keepdims=True))
    assert_nd(x.sum(keepdims=True), data.sum(keepdims=True))  # MXNet 1.9.1: shape (1, 1, 1)
    assert_nd(x.sum(axis=()), [data.sum()])  # MXNet: axis=() means every axis
    assert_nd(nd.max(x, axis=(0, 2)), data.max(axis=(0, 2)))
    assert_nd(nd.mean(x, axis=2, keepdims=True), data.mean(axis=2, keepdims=True))
    assert_nd(nd.sum(x, axis=0, exclude=True), data.sum(axis=(1, 2)))  # MXNet's exclude
    assert_nd(x.norm(axis=1), onp.linalg.norm(data, axis=1))
    assert_nd(x.norm(axis=1, keepdims=True), onp.linalg.norm(data, axis=1, keepdims=True))
    assert_nd(nd.nansum(nd.array([onp.nan, 1, 2])), [3])
    assert_nd(nd.sum_axis(x, axis=2), data.sum(axis=2))


def test_reductions_keep_integer_dtypes_but_do_not_wrap_uint8():
    i = nd.array([1, 2], dtype="int32")
    assert_nd(i.sum(), [3], "int32")  # MXNet 1.9.1
    assert_nd(i.mean(), [1], "int32")  # MXNet 1.9.1: integer mean
    assert_nd(i.max(), [2], "int32")
    assert_nd(nd.array([3, 4], dtype="int32").norm(), [5], "int32")
    assert_nd(nd.array([1, 2], dtype="float64").mean(), [1.5], "float64")
    u = nd.array([200, 200], dtype="uint8").sum()
    assert u.asscalar() == 400  # MXNet would wrap to 144; we promote as NumPy does


def test_reduction_errors():
    x = nd.ones((2, 3))
    with pytest.raises(IndexError):
        x.sum(axis=3)
    with pytest.raises(IndexError):
        x.sum(axis=5, exclude=True)
    with pytest.raises(ValueError):
        nd.zeros((0,)).max()
    with pytest.raises(ValueError):
        x.norm(ord=3)


def test_argmax_argmin_give_float_indices():
    x = nd.array([[1, 5, 2], [7, 0, 3]])
    assert_nd(x.argmax(axis=1), [1, 0], "float32")  # MXNet 1.9.1
    assert_nd(x.argmin(axis=0), [0, 1, 0], "float32")
    assert_nd(x.argmax(), [3], "float32")
    assert_nd(nd.argmax(x, axis=1, keepdims=True), [[1], [0]], "float32")
    assert_nd(nd.argmin(x, 1), [0, 1])
    assert_nd(nd.array([1, 3, 2], dtype="int32").argmax(), [1], "int32")  # MXNet 1.9.1
    assert_nd(nd.array([1, 3, 2], dtype="float64").argmax(), [1], "float64")  # MXNet 1.9.1
    assert_nd(nd.array([1, 3, 2], dtype="uint8").argmax(), [1], "float32")  # no uint8 wrap


def test_indexing_a_vector_gives_shape_1():
    v = nd.array([1, 2, 3])
    assert_nd(v[0], [1])  # MXNet 1.9.1
    assert_nd(v[-1], [3])
    assert_nd(v[1:], [2, 3])
    x = nd.array([[1, 2], [3, 4]])
    assert_nd(x[0], [1, 2])
    assert_nd(x[0, 0], [1])  # MXNet 1.9.1
    assert_nd(x[0][0], [1])
    assert_nd(x[:, 0], [1, 3])
    assert_nd(x[0:1, 1], [2])
    assert [r.shape for r in v] == [(1,), (1,), (1,)]  # MXNet 1.9.1
    assert all(type(r) is nd.NDArray for r in x)


def test_indexing_with_float_index_arrays():
    x = nd.array([[1, 2], [3, 4]])
    assert_nd(x[nd.array([1, 0])], [[3, 4], [1, 2]])  # MXNet 1.9.1
    assert_nd(x[nd.array([0, 1]), nd.array([1, 0])], [2, 3])
    y = nd.zeros(3)
    y[nd.array([2.0])] = 5
    assert_nd(y, [0, 0, 5])


def test_index_errors():
    v = nd.array([1, 2, 3])
    with pytest.raises(IndexError):
        v[5]
    with pytest.raises(IndexError):
        v[0, 0]
    with pytest.raises(IndexError):
        v["a"]
    with pytest.raises(IndexError):
        v[nd.array([7.0])]
    with pytest.raises(IndexError):
        v[5] = 1
    with pytest.raises(ValueError):
        nd.ones((2, 2))[0] = nd.ones(3)


# ---- views write through -------------------------------------------------------------------------------


def test_setitem_and_views_write_through():
    x = nd.array([[1, 2], [3, 4]])
    x[0, 0] = 100
    assert_nd(x, [[100, 2], [3, 4]])
    x[:] = 5
    assert_nd(x, [[5, 5], [5, 5]])
    x[:] = nd.array([9, 8])
    assert_nd(x, [[9, 8], [9, 8]])
    x[1] = onp.array([7, 7])
    assert_nd(x, [[9, 8], [7, 7]])
    row = x[0]
    row[:] = 0
    assert_nd(x, [[0, 0], [7, 7]])
    x[1][:] = 1  # MXNet 1.9.1 writes through here too
    assert_nd(x, [[0, 0], [1, 1]])
    e = x[1, 1]  # a (1,)-shaped element view
    e[:] = 42
    assert x.asnumpy()[1, 1] == 42
    flat = x.reshape((4,))
    flat[0] = -1
    assert x.asnumpy()[0, 0] == -1


def test_in_place_operators_keep_the_object_and_write_through():
    x = nd.array([[1.0, 2.0], [3.0, 4.0]])
    alias = x
    view = x[1]
    x += 1
    x *= nd.array([0.0, 1.0])  # float mask
    x /= 2
    x -= 0.5
    assert alias is x and type(x) is nd.NDArray
    assert_nd(x, [[-0.5, 1.0], [-0.5, 2.0]])
    assert_nd(view, [-0.5, 2.0])


# ---- results stay NDArray --------------------------------------------------------------------------


def test_operators_and_methods_return_ndarrays():
    x = nd.array([[1, 2], [3, 4]])
    results = [
        x + 1, 1 + x, x - x, 2 - x, x * 2, 2.0 * x, x / 2, 1 / x, x ** 2, 2 ** x, -x, +x, abs(x),
        x % 3, x // 2, x @ x, x == 1, x > 1, x.T, x.reshape(4), x.flatten(), x.transpose(),
        x.expand_dims(0), x.swapaxes(0, 1), x.astype("int32"), x.copy(), x.exp(), x.log(), x.sqrt(),
        x.square(), x.abs(), x.sin(), x.cos(), x.tanh(), x.sigmoid(), x.relu(), x.softmax(),
        x.log_softmax(), x.sum(), x.sum(axis=0), x.mean(), x.norm(), x.argmax(axis=1), x[0], x[:, 1],
        x[0, 0], x.clip(1, 2), x.broadcast_to((3, 2, 2)), x.round(), x.zeros_like(), x.ones_like(),
        x.take(nd.array([0])), x.tile((1, 2)), x.flip(0), x.sign(), x.floor(), x.ceil(), x.squeeze(),
        x.repeat(2, axis=0), x.reshape(shape=(1, 4)),
        onp.ones((2, 2)) + x, x + onp.ones(2), x.copyto(deepblocks.cpu()),
    ]
    for r in results:
        assert type(r) is nd.NDArray, r


def test_module_functions_return_ndarrays_for_any_input():
    x = nd.array([[1, 2], [3, 4]])
    host = onp.array([[1.0, 2.0], [3.0, 4.0]], dtype=onp.float32)
    npa = np.array(host)
    for data in (x, npa, host, [[1.0, 2.0], [3.0, 4.0]]):
        for f in (nd.relu, nd.sigmoid, nd.tanh, nd.exp, nd.abs, nd.sqrt, nd.square, nd.sign, nd.softmax,
                  nd.log_softmax, nd.flatten, nd.sum, nd.round, nd.floor, nd.ceil, nd.negative):
            r = f(data)
            assert type(r) is nd.NDArray, (f, type(data))
        assert isinstance(nd.dot(data, data), nd.NDArray)
        assert isinstance(nd.add(data, 1), nd.NDArray)


# ---- comparisons ------------------------------------------------------------------------------------


def test_comparisons_give_float32_zero_one():
    x = nd.array([[1, 2], [3, 4]])
    host = x.asnumpy()
    cases = [
        (x == 2, host == 2), (x != 2, host != 2), (x < 3, host < 3), (x <= 3, host <= 3),
        (x > 2, host > 2), (x >= 2, host >= 2), (2 < x, 2 < host), (x == x.T, host == host.T),
        (x == onp.array([1, 4]), host == onp.array([1, 4])), (onp.array([1, 4]) == x, host == onp.array([1, 4])),
    ]
    for got, want in cases:
        assert_nd(got, want.astype(onp.float32), "float32")
    assert (x == 2).sum().asscalar() == 1.0
    # The d2l accuracy idiom.
    y_hat = nd.array([[0.1, 0.9], [0.8, 0.2]])
    y = nd.array([1, 1], dtype="int32")
    assert (y_hat.argmax(axis=1) == y.astype("float32")).mean().asscalar() == 0.5


def test_comparisons_of_other_dtypes_follow_mxnet():
    assert_nd(nd.array([1, 2], dtype="int32") == 1, [1, 0], "int32")  # MXNet 1.9.1
    assert_nd(nd.array([1, 3], dtype="float64") > 1, [0, 1], "float64")  # MXNet 1.9.1
    assert_nd(nd.equal(nd.array([1, 2], dtype="int32"), 1), [1, 0], "int32")


def test_comparison_with_unsupported_operands():
    x = nd.ones(2)
    with pytest.raises(TypeError):  # MXNet 1.9.1: "type <class 'NoneType'> not supported"
        x == None  # noqa: E711
    with pytest.raises(TypeError):
        x != "a"
    with pytest.raises(TypeError):
        x < "a"


def test_comparison_functions():
    x = nd.array([[1, 2], [3, 4]])
    h = x.asnumpy()
    for name, op in [("equal", onp.equal), ("not_equal", onp.not_equal), ("greater", onp.greater),
                     ("greater_equal", onp.greater_equal), ("lesser", onp.less), ("lesser_equal", onp.less_equal)]:
        assert_nd(getattr(nd, name)(x, 2), op(h, 2).astype("float32"), "float32")
        assert_nd(getattr(nd, name)(x, x.T), op(h, h.T).astype("float32"), "float32")
        assert_nd(getattr(nd, "broadcast_" + name)(x, nd.array([2, 3])), op(h, [2, 3]).astype("float32"))
    assert nd.equal(2, 2) == 1 and nd.lesser(3, 2) == 0
    assert_nd(nd.logical_and(nd.array([1, 0, 1]), nd.array([1, 1, 0])), [1, 0, 0], "float32")


# ---- arithmetic functions -----------------------------------------------------------------------------


def test_arithmetic_functions():
    x = nd.array([[1, 2], [3, 4]])
    h = x.asnumpy()
    assert_nd(nd.add(x, 1), h + 1)
    assert_nd(nd.add(1, x), h + 1)
    assert_nd(nd.subtract(10, x), 10 - h)  # MXNet 1.9.1
    assert_nd(nd.multiply(x, x), h * h)
    assert_nd(nd.divide(x, 2), h / 2)
    assert_nd(nd.power(x, 2), h ** 2)
    assert_nd(nd.power(2, x), 2 ** h)
    assert_nd(nd.modulo(x, 3), h % 3)
    assert_nd(nd.maximum(x, 2), onp.maximum(h, 2))
    assert_nd(nd.minimum(x, nd.array([2, 3])), onp.minimum(h, [2, 3]))
    assert nd.maximum(2, 3) == 3  # MXNet 1.9.1: two scalars give a scalar
    assert_nd(nd.broadcast_add(x, nd.array([1, 2])), h + [1, 2])
    assert_nd(nd.broadcast_mul(x, nd.array([[2], [3]])), h * [[2], [3]])
    assert_nd(nd.broadcast_sub(x, nd.array([1])), h - 1)
    assert_nd(nd.broadcast_div(x, nd.array([2])), h / 2)
    assert_nd(nd.broadcast_maximum(x, nd.array([2])), onp.maximum(h, 2))
    assert_nd(nd.broadcast_minimum(x, nd.array([2])), onp.minimum(h, 2))
    assert_nd(nd.elemwise_add(x, x), h + h)
    assert_nd(nd.elemwise_sub(x, x), h - h)
    assert_nd(nd.elemwise_mul(x, x), h * h)
    assert_nd(nd.ones((4, 128)) - nd.array([1]), onp.zeros((4, 128)))  # d2l's (N, k) - (1,)
    with pytest.raises(ValueError):
        nd.elemwise_add(x, nd.array([1, 2]))
    with pytest.raises(ValueError):
        nd.ones((4, 3)) - nd.ones(2)
    with pytest.raises(ValueError):
        nd.broadcast_add(nd.ones((4, 3)), nd.ones(2))


def test_unary_functions_match_numpy():
    h = onp.array([0.1, 0.5, 0.9, 2.0], dtype=onp.float32)
    x = nd.array(h)
    for name, ref in [("exp", onp.exp), ("log", onp.log), ("sqrt", onp.sqrt), ("square", onp.square),
                      ("abs", onp.abs), ("sin", onp.sin), ("cos", onp.cos), ("tanh", onp.tanh),
                      ("floor", onp.floor), ("ceil", onp.ceil), ("sign", onp.sign), ("log1p", onp.log1p),
                      ("expm1", onp.expm1), ("negative", onp.negative), ("reciprocal", onp.reciprocal),
                      ("arctan", onp.arctan), ("log2", onp.log2), ("log10", onp.log10)]:
        assert_nd(getattr(nd, name)(x), ref(h), "float32")
    assert_nd(nd.relu(x - 1), onp.maximum(h - 1, 0))
    assert_nd(nd.sigmoid(x), 1 / (1 + onp.exp(-h)))
    assert_nd(x.sigmoid(), 1 / (1 + onp.exp(-h)))
    assert_nd(nd.rsqrt(x), 1 / onp.sqrt(h))
    assert_nd(x.rsqrt(), 1 / onp.sqrt(h))
    assert_nd(nd.softsign(x), h / (1 + h))
    for act, ref in [("relu", onp.maximum(h - 1, 0)), ("tanh", onp.tanh(h - 1)),
                     ("sigmoid", 1 / (1 + onp.exp(1 - h))), ("softrelu", onp.log1p(onp.exp(h - 1)))]:
        assert_nd(nd.Activation(x - 1, act_type=act), ref)
    with pytest.raises(ValueError):
        nd.Activation(x, act_type="gelu2")


def test_round_is_half_away_from_zero_and_rint_half_to_even():
    x = nd.array([0.5, 1.5, 2.5, -0.5, -1.4, 0.49999997])
    assert_nd(nd.round(x), [1, 2, 3, -1, -1, 0])  # MXNet 1.9.1
    assert_nd(x.round(), [1, 2, 3, -1, -1, 0])
    assert_nd(nd.rint(x), [0, 2, 2, -0.0, -1, 0])
    assert_nd(nd.round(nd.array([2, -3], dtype="int32")), [2, -3], "int32")
    assert_nd(nd.trunc(nd.array([-1.5, 1.5])), [-1, 1])
    assert_nd(nd.fix(nd.array([-1.5, 1.5])), [-1, 1])


def test_softmax_and_log_softmax():
    h = onp.array([[1.0, 2.0], [3.0, 5.0]], dtype=onp.float32)
    x = nd.array(h)

    def ref(a, axis):
        e = onp.exp(a - a.max(axis=axis, keepdims=True))
        return e / e.sum(axis=axis, keepdims=True)

    assert_nd(nd.softmax(x), ref(h, -1))
    assert_nd(nd.softmax(x, axis=0), ref(h, 0))
    assert_nd(x.softmax(), ref(h, -1))
    assert_nd(nd.softmax(x, temperature=2.0), ref(h / 2, -1))
    assert_nd(nd.log_softmax(x), onp.log(ref(h, -1)))
    assert_nd(nd.log_softmax(x, axis=0), onp.log(ref(h, 0)))
    assert_nd(nd.softmax(nd.array([[1000.0, 0.0]])), [[1, 0]])  # no overflow


def test_clip_where_maximum():
    x = nd.array([[1, 2], [3, 4]])
    assert_nd(nd.clip(x, 2, 3), [[2, 2], [3, 3]])
    assert_nd(x.clip(2, 3), [[2, 2], [3, 3]])
    with pytest.raises(TypeError):
        nd.clip(x, None, 2)  # MXNet 1.9.1 rejects None bounds too
    assert_nd(nd.where(x > 2, x, -x), [[-1, -2], [3, 4]])
    assert_nd(nd.where(nd.array([[1, 0], [0, 2]]), x, -x), [[1, -2], [-3, 4]])  # MXNet 1.9.1
    assert_nd(nd.where(nd.array([1, 0]), x, -x), [[1, 2], [-3, -4]])  # MXNet 1.9.1: 1-D picks rows
    assert_nd(nd.where(nd.array([1, 0, 1]), nd.array([1, 2, 3]), nd.zeros(3)), [1, 0, 3])
    assert_nd(nd.where(x > 2, x, 0), [[0, 0], [3, 4]])


# ---- linear algebra ------------------------------------------------------------------------------------


def test_dot_and_batch_dot():
    a = onp.arange(6, dtype=onp.float32).reshape(2, 3)
    b = onp.arange(12, dtype=onp.float32).reshape(3, 4)
    x, y = nd.array(a), nd.array(b)
    assert_nd(nd.dot(x, y), a @ b)
    assert_nd(nd.dot(x, x, transpose_a=True), a.T @ a)
    assert_nd(nd.dot(x, x, transpose_b=True), a @ a.T)
    assert_nd(nd.dot(y, x, transpose_a=True, transpose_b=True), b.T @ a.T)
    assert_nd(nd.dot(nd.array([1, 2]), nd.array([3, 4])), [11])  # MXNet 1.9.1: shape (1,)
    assert_nd(nd.dot(x, nd.array([1, 1, 1])), a.sum(axis=1))
    # N-D: last axis of lhs with the FIRST axis of rhs (MXNet), not NumPy's second-to-last.
    c = onp.arange(24, dtype=onp.float32).reshape(2, 3, 4)
    d = onp.arange(40, dtype=onp.float32).reshape(4, 5, 2)
    assert_nd(nd.dot(nd.array(c), nd.array(d)), onp.tensordot(c, d, axes=([2], [0])))
    assert_nd(nd.dot(nd.ones((2, 3, 4)), nd.ones((4, 5))), onp.full((2, 3, 5), 4.0))  # MXNet 1.9.1
    with pytest.raises(ValueError):
        nd.dot(x, nd.ones((2, 2)))
    with pytest.raises(ValueError):
        nd.dot(nd.ones((2, 3, 4)), nd.ones((3, 5, 1)))
    p = onp.random.default_rng(0).standard_normal((2, 3, 4)).astype(onp.float32)
    q = onp.random.default_rng(1).standard_normal((2, 4, 5)).astype(onp.float32)
    assert_nd(nd.batch_dot(nd.array(p), nd.array(q)), p @ q)
    assert_nd(nd.batch_dot(nd.array(p), nd.array(p), transpose_b=True), p @ p.transpose(0, 2, 1))
    assert_nd(nd.batch_dot(nd.array(p), nd.array(p), transpose_a=True), p.transpose(0, 2, 1) @ p)
    with pytest.raises(ValueError):
        nd.batch_dot(nd.ones((2, 3)), nd.ones((3, 2)))


# ---- shape --------------------------------------------------------------------------------------------


def test_reshape_call_forms():
    x = nd.arange(6)
    for y in (x.reshape((2, 3)), x.reshape(2, 3), x.reshape(shape=(2, 3)), x.reshape([2, 3]),
              nd.reshape(x, (2, 3)), nd.reshape(x, shape=(2, 3)), x.reshape((2, -1)), x.reshape(-1, 3)):
        assert_nd(y, onp.arange(6).reshape(2, 3))
    assert x.reshape(6).shape == (6,) and x.reshape(-1).shape == (6,)
    with pytest.raises(ValueError):
        x.reshape((4,))  # MXNet 1.9.1: ValueError
    with pytest.raises(ValueError):
        x.reshape((-1, -1))
    with pytest.raises(TypeError):
        x.reshape()
    with pytest.raises(TypeError):
        x.reshape((2, 3), shape=(3, 2))
    with pytest.raises(TypeError):
        x.reshape((2, 3), order="F")


def test_reshape_special_codes():
    x = nd.ones((2, 3, 4))
    assert x.reshape((0, -1)).shape == (2, 12)  # MXNet 1.9.1
    assert x.reshape((0, -2)).shape == (2, 3, 4)  # MXNet 1.9.1
    assert x.reshape((-3, 4)).shape == (6, 4)  # MXNet 1.9.1
    assert x.reshape((-3, -2)).shape == (6, 4)
    assert nd.ones((6, 4)).reshape((-4, 2, -1, 4)).shape == (2, 3, 4)  # MXNet 1.9.1
    assert nd.ones((6, 4)).reshape((-4, -1, 3, 0)).shape == (2, 3, 4)
    assert x.reshape((-1, 0), reverse=True).shape == (6, 4)  # MXNet 1.9.1
    assert x.reshape((0, 0, 0)).shape == (2, 3, 4)
    assert nd.reshape(x, shape=(0, -1)).shape == (2, 12)  # MXNet 1.9.1
    with pytest.raises(ValueError):
        x.reshape((0, 0, 0, 0))
    with pytest.raises(ValueError):
        nd.ones((6,)).reshape((-4, 4, -1))
    with pytest.raises(ValueError):
        x.reshape((-4, 2))
    with pytest.raises(ValueError):
        x.reshape((-7,))
    # Values survive the reshape.
    y = nd.arange(24).reshape((2, 3, 4)).reshape((-3, 0))
    assert_nd(y, onp.arange(24).reshape(6, 4))


@pytest.mark.parametrize(
    "src, target, reverse, want",
    [  # all observed on MXNet 1.9.1
        ((2, 3, 4), (4, 0, 2), False, (4, 3, 2)),
        ((2, 3, 4), (2, 0, 0), False, (2, 3, 4)),
        ((2, 3, 4), (6, 1, -1), False, (6, 1, 4)),
        ((2, 3, 4), (3, -1, 8), False, (3, 1, 8)),
        ((2, 3, 4), (-2,), False, (2, 3, 4)),
        ((2, 3, 4), (2, -2), False, (2, 3, 4)),
        ((2, 3, 4), (-2, 1, 1), False, (2, 3, 4, 1, 1)),
        ((2, 3, 4, 5), (-3, -3), False, (6, 20)),
        ((2, 3, 4), (0, -3), False, (2, 12)),
        ((2, 3, 4), (-4, 1, 2, -2), False, (1, 2, 3, 4)),
        ((2, 3, 4), (2, -4, -1, 3, -2), False, (2, 1, 3, 4)),
        ((2, 3, 4), (-4, -1, 1, 0, 0), False, (2, 1, 3, 4)),
        ((10, 5, 4), (-1, 0), False, (40, 5)),
        ((10, 5, 4), (-1, 0), True, (50, 4)),
        ((2, 3, 4), (-3, -1), True, (6, 4)),
        ((2, 3, 4), (0, 0, 0, 0), False, ValueError),
        ((2, 3, 4), (-4, 1, 2, -2), True, ValueError),
        ((2, 3, 4), (5, -1), False, ValueError),
    ],
)
def test_reshape_codes_match_mxnet(src, target, reverse, want):
    x = nd.ones(src)
    if want is ValueError:
        with pytest.raises(ValueError):
            x.reshape(target, reverse=reverse)
    else:
        assert x.reshape(target, reverse=reverse).shape == want
        assert nd.reshape(x, target, reverse=reverse).shape == want


def test_legacy_flatten_keeps_the_first_axis():
    assert nd.ones((2, 3, 4)).flatten().shape == (2, 12)  # MXNet 1.9.1
    assert nd.ones((3,)).flatten().shape == (3, 1)  # MXNet 1.9.1
    assert nd.ones((2, 2)).flatten().shape == (2, 2)
    assert nd.flatten(nd.ones((2, 2, 2))).shape == (2, 4)
    assert nd.ones((0, 3)).flatten().shape == (0, 3)
    x = nd.arange(8).reshape((2, 2, 2))
    assert_nd(x.flatten(), onp.arange(8).reshape(2, 4))


def test_shape_functions():
    h = onp.arange(6, dtype=onp.float32).reshape(2, 3)
    x = nd.array(h)
    assert_nd(nd.transpose(x), h.T)
    assert_nd(nd.transpose(nd.ones((1, 2, 3)), axes=(1, 0, 2)), onp.ones((2, 1, 3)))
    assert_nd(x.transpose((1, 0)), h.T)
    assert_nd(nd.swapaxes(x, 0, 1), h.T)
    assert_nd(nd.swapaxes(x, dim1=0, dim2=1), h.T)
    assert_nd(nd.expand_dims(x, axis=-1), h[..., None])
    assert_nd(x.expand_dims(0), h[None])
    assert_nd(nd.squeeze(nd.ones((1, 2, 1))), onp.ones(2))
    assert_nd(nd.flip(x, 0), h[::-1])
    assert_nd(nd.flip(x, axis=(0, 1)), h[::-1, ::-1])
    assert_nd(nd.tile(x, (1, 2)), onp.tile(h, (1, 2)))
    assert_nd(nd.tile(x, 2), onp.tile(h, 2))
    assert_nd(nd.tile(nd.array([1, 2]), (2, 1, 2)), onp.tile([1, 2], (2, 1, 2)))
    assert_nd(nd.repeat(x, 2), onp.repeat(h, 2))
    assert_nd(nd.repeat(x, 2, axis=0), onp.repeat(h, 2, axis=0))
    assert_nd(nd.repeat(x, 2, axis=-1), onp.repeat(h, 2, axis=-1))
    assert_nd(nd.broadcast_to(nd.array([1, 2]), (3, 2)), onp.broadcast_to([1, 2], (3, 2)))
    assert_nd(nd.array([[1, 2]]).broadcast_to((3, 0)), [[1, 2]] * 3)  # MXNet 1.9.1: 0 keeps
    assert_nd(nd.broadcast_axis(nd.array([[1, 2]]), axis=0, size=3), [[1, 2]] * 3)
    assert_nd(nd.broadcast_like(nd.array([[1, 2]]), nd.ones((3, 2))), [[1, 2]] * 3)
    assert_nd(nd.slice_axis(x, axis=1, begin=0, end=2), h[:, 0:2])
    assert_nd(nd.reshape_like(x, nd.ones((3, 2))), h.reshape(3, 2))
    with pytest.raises(ValueError):
        nd.broadcast_to(x, (4, 3))
    with pytest.raises(ValueError):
        nd.broadcast_axis(x, axis=0, size=3)
    with pytest.raises(TypeError):
        nd.flip(x)  # MXNet requires the axis
    with pytest.raises(IndexError):
        x.expand_dims(5)
    with pytest.raises(IndexError):
        nd.broadcast_axis(nd.ones((1, 2)), axis=5, size=2)
    with pytest.raises(IndexError):
        nd.slice_axis(x, axis=2, begin=0, end=1)


def test_concat_defaults_to_dim_1():
    x = nd.array([[1, 2], [3, 4]])
    assert_nd(nd.concat(x, x), [[1, 2, 1, 2], [3, 4, 3, 4]])  # MXNet 1.9.1
    assert_nd(nd.concat(x, x, dim=0), [[1, 2], [3, 4], [1, 2], [3, 4]])
    assert nd.concat(nd.zeros((2, 1)), nd.ones((2, 2))).shape == (2, 3)
    assert nd.concat(x).shape == (2, 2)
    v = nd.array([1, 2, 3])
    assert_nd(nd.concat(v, v, dim=0), [1, 2, 3, 1, 2, 3])
    with pytest.raises(IndexError):
        nd.concat(v, v)  # 1-D arrays have no axis 1 (MXNet 1.9.1 fails too)
    with pytest.raises(ValueError):
        nd.concat(nd.ones((2, 2)), nd.ones((3, 3)))
    with pytest.raises(ValueError):
        nd.concat()
    assert_nd(nd.concatenate([x, x]), [[1, 2], [3, 4], [1, 2], [3, 4]])
    assert_nd(nd.concatenate([x, x], axis=1), [[1, 2, 1, 2], [3, 4, 3, 4]])


def test_stack():
    x = nd.array([[1, 2], [3, 4]])
    assert_nd(nd.stack(x, x), onp.stack([x.asnumpy()] * 2))
    assert_nd(nd.stack(x, x, axis=1), onp.stack([x.asnumpy()] * 2, axis=1))
    assert_nd(nd.stack([x, x]), onp.stack([x.asnumpy()] * 2))
    assert_nd(nd.stack(nd.array([1, 2]), nd.array([3, 4]), axis=1), [[1, 3], [2, 4]])  # MXNet 1.9.1
    with pytest.raises(ValueError):
        nd.stack(nd.ones((2, 2)), nd.ones((3, 3)))


def test_legacy_split():
    x = nd.arange(6).reshape((2, 3))
    parts = nd.split(x, 3)  # MXNet 1.9.1: axis=1 by default
    assert isinstance(parts, list) and [p.shape for p in parts] == [(2, 1)] * 3
    assert_nd(parts[1], [[1], [4]])
    parts = nd.split(x, 3, squeeze_axis=True)
    assert [p.asnumpy().tolist() for p in parts] == [[0, 3], [1, 4], [2, 5]]
    parts = nd.split(x, 2, axis=0)
    assert [p.shape for p in parts] == [(1, 3), (1, 3)]
    assert [p.shape for p in nd.split(x, 2, axis=0, squeeze_axis=True)] == [(3,), (3,)]
    assert [p.shape for p in nd.split(x, 3, axis=-1)] == [(2, 1)] * 3
    one = nd.split(x, 1)  # MXNet 1.9.1: one output is an array, not a list
    assert type(one) is nd.NDArray
    assert_nd(one, x.asnumpy())
    assert [p.shape for p in nd.split(nd.arange(3), 3, axis=0, squeeze_axis=True)] == [(1,)] * 3
    assert [p.shape for p in x.split(3)] == [(2, 1)] * 3
    with pytest.raises(ValueError):
        nd.split(x, 2)  # 3 columns do not split in 2
    with pytest.raises(ValueError):
        nd.split(x, 0)
    with pytest.raises(TypeError):
        nd.split(x, 1.5)
    with pytest.raises(IndexError):
        nd.split(x, 2, axis=4)


# ---- indexing functions ------------------------------------------------------------------------------


def test_take_pick_one_hot():
    x = nd.array([[1, 2], [3, 4]])
    assert_nd(nd.take(x, nd.array([1, 0])), [[3, 4], [1, 2]])  # MXNet 1.9.1 (float indices)
    assert_nd(nd.take(x, nd.array([1]), axis=1), [[2], [4]])  # MXNet 1.9.1
    assert_nd(nd.take(x, nd.array([5])), [[3, 4]])  # MXNet 1.9.1: clipped
    assert_nd(nd.take(x, nd.array([3]), mode="wrap"), [[3, 4]])  # MXNet 1.9.1
    assert_nd(nd.take(x, [0, -1], mode="wrap"), [[1, 2], [3, 4]])
    assert_nd(x.take(nd.array([1.0, 1.0])), [[3, 4], [3, 4]])  # d2l's features.take(j)
    with pytest.raises(IndexError):
        nd.take(x, nd.array([5]), mode="raise")
    with pytest.raises(ValueError):
        nd.take(x, nd.array([0]), mode="bogus")
    assert_nd(nd.pick(x, nd.array([0, 1])), [1, 4])  # MXNet 1.9.1
    assert_nd(nd.pick(x, nd.array([0, 1]), keepdims=True), [[1], [4]])  # MXNet 1.9.1
    assert_nd(nd.pick(x, nd.array([1, 0]), axis=0), [3, 2])  # MXNet 1.9.1
    assert_nd(nd.pick(x, nd.array([3, -1])), [2, 3])  # MXNet 1.9.1: clipped
    assert_nd(x.pick(nd.array([1, 1])), [2, 4])
    assert_nd(nd.one_hot(nd.array([0, 2]), 3), [[1, 0, 0], [0, 0, 1]], "float32")  # MXNet 1.9.1
    assert_nd(nd.one_hot(nd.array([1]), 3, dtype="int32"), [[0, 1, 0]], "int32")
    assert_nd(nd.one_hot(nd.array([1, -1, 5]), 3, on_value=5, off_value=-1),  # MXNet 1.9.1
              [[-1, 5, -1], [-1, -1, -1], [-1, -1, -1]])
    assert_nd(nd.array([2, 0]).one_hot(3), [[0, 0, 1], [1, 0, 0]])
    with pytest.raises(ValueError):
        nd.one_hot(nd.array([1]), -1)


# ---- random -------------------------------------------------------------------------------------------------


def test_random_shapes_and_dtypes():
    u = nd.random.uniform(shape=(2, 3))
    assert type(u) is nd.NDArray and u.shape == (2, 3) and u.dtype is onp.float32
    assert nd.random.uniform().shape == (1,)  # MXNet 1.9.1
    assert nd.random.uniform(shape=3).shape == (3,)
    assert nd.random.uniform(-10, 10, (2,)).shape == (2,)
    assert nd.random.uniform(shape=(2,), dtype="float64").dtype is onp.float64
    n = nd.random.normal(0, 1, shape=(2,))
    assert n.shape == (2,) and n.dtype is onp.float32
    assert nd.random.normal(shape=(2,), dtype="float64").dtype is onp.float64
    assert nd.random.randn(2, 3).shape == (2, 3)
    assert nd.random.randn((2, 3)).shape == (2, 3)
    assert nd.random.randn(2, dtype="float64").dtype is onp.float64
    r = nd.random.randint(0, 5, shape=(3,))
    assert r.shape == (3,) and r.dtype is onp.int32  # MXNet 1.9.1
    assert nd.random.randint(0, 3, shape=(2,), dtype="int64").dtype is onp.int64
    assert nd.random.randint(0, 5).shape == (1,)  # MXNet 1.9.1
    assert nd.random.exponential(2.0, shape=(4,)).shape == (4,)


def test_random_values_are_in_range_and_have_the_right_moments():
    nd.random.seed(7)
    u = nd.random.uniform(-10, 10, shape=(20000,)).asnumpy()
    assert u.min() >= -10 and u.max() < 10
    assert abs(u.mean()) < 0.3
    z = nd.random.normal(2.0, 0.5, shape=(20000,)).asnumpy()
    assert abs(z.mean() - 2.0) < 0.02 and abs(z.std() - 0.5) < 0.02
    z = nd.random.randn(20000, loc=1.0, scale=2.0).asnumpy()
    assert abs(z.mean() - 1.0) < 0.1 and abs(z.std() - 2.0) < 0.1
    i = nd.random.randint(-3, 3, shape=(5000,)).asnumpy()
    assert set(i.tolist()) == {-3, -2, -1, 0, 1, 2}
    e = nd.random.exponential(2.0, shape=(20000,)).asnumpy()
    assert e.min() >= 0 and abs(e.mean() - 2.0) < 0.1


def test_random_with_array_parameters():
    low, high = nd.array([0, 10]), nd.array([1, 11])
    s = nd.random.uniform(low, high)
    assert s.shape == (2,)  # MXNet 1.9.1
    s = nd.random.uniform(low, high, shape=3).asnumpy()
    assert s.shape == (2, 3)  # MXNet 1.9.1
    assert (s[0] >= 0).all() and (s[0] < 1).all() and (s[1] >= 10).all() and (s[1] < 11).all()
    g = nd.random.normal(nd.array([0, 100]), nd.array([1, 1]), shape=(500,)).asnumpy()
    assert abs(g[0].mean()) < 0.3 and abs(g[1].mean() - 100) < 0.3
    with pytest.raises(ValueError):
        nd.random.uniform(nd.zeros(2), nd.ones(3))


def test_random_seed_repeats_draws_across_namespaces():
    nd.random.seed(123)
    a = nd.random.uniform(shape=(3, 4))
    b = nd.random.normal(shape=(5,))
    c = nd.random.randint(0, 100, shape=(6,))
    nd.random.seed(123)
    assert (nd.random.uniform(shape=(3, 4)).asnumpy() == a.asnumpy()).all()
    assert (nd.random.normal(shape=(5,)).asnumpy() == b.asnumpy()).all()
    assert (nd.random.randint(0, 100, shape=(6,)).asnumpy() == c.asnumpy()).all()
    np.random.seed(123)  # one generator shared with np.random
    assert (nd.random.uniform(shape=(3, 4)).asnumpy() == a.asnumpy()).all()
    nd.random.seed(124)
    assert not (nd.random.uniform(shape=(3, 4)).asnumpy() == a.asnumpy()).all()


def test_random_shuffle_returns_a_permuted_copy():
    x = nd.arange(20).reshape((10, 2))
    nd.random.seed(0)
    y = nd.random.shuffle(x)
    assert_nd(x, onp.arange(20).reshape(10, 2))  # MXNet 1.9.1: the input is unchanged
    rows = sorted(map(tuple, y.asnumpy().tolist()))
    assert rows == sorted(map(tuple, x.asnumpy().tolist()))
    assert type(y) is nd.NDArray
    orders = {tuple(nd.random.shuffle(x)[:, 0].asnumpy().tolist()) for _ in range(5)}
    assert len(orders) > 1


def test_random_bad_input():
    with pytest.raises(TypeError):
        nd.random.randint(0, 3, shape=(2,), dtype="float32")  # MXNet 1.9.1 refuses it too
    with pytest.raises(TypeError):
        nd.random.uniform(shape=(2,), dtype="int32")  # MXNet 1.9.1 refuses it too
    with pytest.raises(TypeError):
        nd.random.randint(0.5, 3)
    with pytest.raises(TypeError):
        nd.random.randint(5)  # MXNet 1.9.1: high is required
    with pytest.raises(ValueError):
        nd.random.randint(5, 5)
    with pytest.raises(ValueError):
        nd.random.randint(0, 2**70, shape=2)
    assert nd.random.randint(0.0, 3.0, shape=2).shape == (2,)
    with pytest.raises(ValueError):
        nd.random.normal(0, -1, shape=(2,))
    with pytest.raises(ValueError):
        nd.random.uniform(shape=(-1,))
    with pytest.raises(TypeError):
        nd.random.uniform(shape=(2,), out=[0, 0])
    with pytest.raises((TypeError, ValueError)):
        nd.random.seed(-1)


def test_out_argument_writes_into_the_given_array():
    x, y = nd.array([[1, 2], [3, 4]]), nd.ones((2, 2))
    z = y.zeros_like()
    view = z[0]
    r = nd.elemwise_add(x, y, out=z)  # d2l-zh 2.2: in-place result without a new array
    assert r is z
    assert_nd(z, [[2, 3], [4, 5]])
    assert_nd(view, [2, 3])
    assert nd.exp(nd.zeros(2), out=z[1]) is not None and z.asnumpy()[1].tolist() == [1, 1]
    assert nd.dot(x, y, out=z) is z and z.asnumpy().tolist() == [[3, 3], [7, 7]]
    assert nd.add(x, 1, out=z) is z and z.asnumpy().tolist() == [[2, 3], [4, 5]]
    assert nd.equal(x, 2, out=z) is z and z.asnumpy().tolist() == [[0, 1], [0, 0]]
    assert nd.full((2, 2), 7, out=z) is z and z.asnumpy().tolist() == [[7, 7], [7, 7]]
    assert nd.clip(x, 2, 3, out=z) is z and z.asnumpy().tolist() == [[2, 2], [3, 3]]
    w = nd.zeros((3, 4))
    nd.random.seed(3)
    assert nd.random.normal(0, 1, out=w) is w and w.shape == (3, 4)
    assert (w.asnumpy() != 0).all()
    nd.random.seed(3)
    assert (nd.random.normal(0, 1, shape=(3, 4)).asnumpy() == w.asnumpy()).all()
    assert nd.random.uniform(out=w) is w and (w.asnumpy() < 1).all()
    i = nd.zeros(5, dtype="int64")
    assert nd.random.randint(3, 9, out=i) is i and (i.asnumpy() >= 3).all()
    with pytest.raises(ValueError):
        nd.exp(x, out=nd.zeros(3))
    with pytest.raises(TypeError):
        nd.exp(x, out=onp.zeros((2, 2)))


# ---- bad input never crashes -----------------------------------------------------------------------------


def test_bad_input_raises_python_errors():
    with pytest.raises(TypeError):
        nd.array("abc")
    with pytest.raises(TypeError):
        nd.array(None)
    with pytest.raises(TypeError):
        nd.array({1: 2})
    with pytest.raises(ValueError):
        nd.array([[1, 2], [3]])
    with pytest.raises(TypeError):
        nd.array([1], dtype="float16")
    with pytest.raises(ValueError):
        nd.zeros((-1,))
    with pytest.raises(TypeError):
        nd.zeros("a")
    with pytest.raises(TypeError):
        nd.ones(2).astype("foo")
    with pytest.raises(TypeError):
        nd.relu("abc")
    with pytest.raises(ValueError):
        nd.transpose(nd.ones((2, 3)), axes=(0, 0))


def test_save_and_load_forward_to_npx(tmp_path):
    f = str(tmp_path / "x.params")
    nd.save(f, [nd.ones(2), nd.zeros(3)])
    back = nd.load(f)
    assert isinstance(back, list) and all(type(a) is nd.NDArray for a in back)
    assert_nd(back[0], [1, 1])
    nd.save(f, {"w": nd.arange(3)})
    back = nd.load(f)
    assert isinstance(back, dict) and isinstance(back["w"], nd.NDArray)
    assert_nd(back["w"], [0, 1, 2])


# ---- property tests against NumPy --------------------------------------------------------------------------

_floats = st.floats(-100, 100, allow_nan=False, width=32)
_arrays = hnp.arrays(onp.float32, hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=5), elements=_floats)


@settings(max_examples=60, deadline=None)
@given(_arrays, st.data())
def test_reductions_match_numpy(h, data):
    x = nd.array(h)
    axis = data.draw(st.one_of(st.none(), st.integers(-h.ndim, h.ndim - 1)))
    keepdims = data.draw(st.booleans())
    for name in ("sum", "mean", "max", "min"):
        got = getattr(x, name)(axis=axis, keepdims=keepdims)
        want = onp.asarray(getattr(h.astype(onp.float64), name)(axis=axis, keepdims=keepdims))
        if want.ndim == 0:
            want = want.reshape(1)  # legacy arrays are never 0-d
        assert type(got) is nd.NDArray and got.shape == want.shape
        assert got.dtype is onp.float32
        onp.testing.assert_allclose(got.asnumpy(), want, rtol=1e-4, atol=1e-3)
    am = x.argmax(axis=axis)
    want = onp.asarray(h.argmax(axis=axis)).reshape(-1 if axis is None else h.argmax(axis=axis).shape)
    assert am.dtype is onp.float32
    assert am.asnumpy().reshape(-1).tolist() == onp.asarray(want).reshape(-1).astype(onp.float32).tolist()


@settings(max_examples=60, deadline=None)
@given(_arrays, _floats)
def test_comparisons_and_arithmetic_match_numpy(h, s):
    x = nd.array(h)
    for got, want in [(x == s, h == s), (x != s, h != s), (x < s, h < s), (x <= s, h <= s),
                      (x > s, h > s), (x >= s, h >= s), (x == x, h == h)]:
        assert got.dtype is onp.float32 and got.shape == h.shape
        assert (got.asnumpy() == want.astype(onp.float32)).all()
    onp.testing.assert_allclose((x * s + 1).asnumpy(), h * onp.float32(s) + 1, rtol=1e-5, atol=1e-3)
    onp.testing.assert_allclose(nd.maximum(x, s).asnumpy(), onp.maximum(h, onp.float32(s)))


@settings(max_examples=60, deadline=None)
@given(hnp.array_shapes(min_dims=1, max_dims=4, min_side=1, max_side=4), st.data())
def test_legacy_reshape_codes_match_a_numpy_reference(shape, data):
    x = nd.arange(int(onp.prod(shape))).reshape(shape)
    # Build a target from codes that keep the size: copy (0), merge (-3), rest (-2), infer (-1).
    target, i, used_infer = [], 0, False
    while i < len(shape):
        choice = data.draw(st.sampled_from(["copy", "merge", "rest", "infer", "literal"]))
        if choice == "merge" and i + 1 < len(shape):
            target.append(-3)
            i += 2
        elif choice == "rest":
            target.append(-2)
            i = len(shape)
        elif choice == "infer" and not used_infer:
            used_infer = True
            target.append(-1)
            i += 1
        else:
            target.append(shape[i] if choice == "literal" else 0)
            i += 1
    want = onp.arange(int(onp.prod(shape)), dtype=onp.float32)
    expected_shape = _reference_shape(shape, target)
    got = x.reshape(tuple(target))
    assert got.shape == expected_shape
    assert (got.asnumpy() == want.reshape(expected_shape)).all()


def _reference_shape(src, target):
    """MXNet's reshape codes, written independently for the property test above."""
    out, i = [], 0
    for code in target:
        if code == 0 or code > 0:
            out.append(src[i] if code == 0 else code)
            i += 1
        elif code == -1:
            out.append(None)
            i += 1
        elif code == -2:
            out.extend(src[i:])
            i = len(src)
        elif code == -3:
            out.append(src[i] * src[i + 1])
            i += 2
    if None in out:
        known = int(onp.prod([d for d in out if d is not None]))
        out[out.index(None)] = int(onp.prod(src)) // known
    return tuple(out)


@settings(max_examples=40, deadline=None)
@given(_arrays)
def test_repr_is_numpy_str_plus_the_legacy_footer(h):
    x = nd.array(h)
    assert repr(x) == "\n%s\n<NDArray %s @cpu(0)>" % (str(h), "x".join(map(str, h.shape)))


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_legacy_rules_hold_on_strided_and_transposed_views(data):
    from conftest import views

    dtype = data.draw(st.sampled_from(["float32", "float64", "int32", "int64"]))
    shape = data.draw(hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4))
    kind = data.draw(st.sampled_from(["contig", "strided", "negative", "transposed", "mixed"]))
    host, dev, host_base, dev_base = data.draw(views(dtype, shape, kind=kind, return_base=True, small=True))
    x = nd.NDArray(dev)  # shares the view's memory
    s = x.sum()
    assert s.shape == (1,) and s.dtype is onp.dtype(dtype).type  # int32 stays int32 (MXNet)
    onp.testing.assert_allclose(s.asnumpy(), [host.astype(dtype).sum(dtype=dtype)], rtol=1e-5)
    first = host.reshape(-1)[0]
    eq = x == first
    assert eq.dtype is onp.dtype(dtype).type and (eq.asnumpy() == (host == first)).all()
    m = x.max(axis=0)
    assert (m.asnumpy() == host.max(axis=0).reshape(m.shape)).all()
    # A write through the legacy array reaches the base array.
    idx = (0,) * len(shape)
    x[idx] = 7
    host_view = host.copy()
    host_view[idx] = 7
    assert (dev.asnumpy() == host_view).all()
    assert x[idx].shape == (1,) and x[idx].asscalar() == 7

"""Array behaviour that used to differ from MXNet 1.9.1 (issue 15, "Behaviour that differs
today"): legacy 0-d conversions, truth values of empty arrays, one-element assignments, the
two kinds of arrays (``isinstance`` and mixing), ``batch_norm``'s statistics, zero-size
softmax, ``squeeze`` of 0-d arrays, integer ``reciprocal``, comparisons with non-arrays,
``keepdims=1``, ufunc keywords, memory orders, and smaller ``np.ndarray`` methods.

Every literal marked "recorded from MXNet 1.9.1" was printed by ``mxnet==1.9.1`` (with
``numpy==1.23.5``); deliberate departures say so where they are tested.
"""

import copy
import os
import pickle
import warnings

import numpy as onp
import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import raises
from deepblocks import autograd, nd, np, npx
from deepblocks.ndarray.ndarray import _is_legacy
from test_autograd_grads import check_grad


# ---- legacy 0-d conversions ----------------------------------------------------------------------


def test_converted_scalars_keep_shape_0_as_mxnet():
    # Recorded from MXNet 1.9.1.
    x = nd.array(5)
    assert type(x) is nd.NDArray and x.shape == () and x.dtype is onp.float32 and x.size == 1 and x.ndim == 0
    assert repr(x) == "\n5.0\n<NDArray  @cpu(0)>" and str(x) == repr(x)
    s = x.asscalar()
    assert type(s) is onp.float32 and s == 5.0
    assert x.asnumpy().shape == () and x.asnumpy().dtype == onp.float32
    y = nd.array(onp.array(3.0))
    assert y.shape == () and y.dtype is onp.float32 and repr(y) == "\n3.0\n<NDArray  @cpu(0)>"
    assert repr(nd.array(5, dtype="int32")) == "\n5\n<NDArray  @cpu(0)>"
    assert nd.array(onp.int64(5)).shape == () and nd.array(onp.int64(5)).dtype is onp.float32
    assert nd.array(nd.array(5)).shape == ()
    assert nd.array([5]).shape == (1,)
    assert np.array(3.0).as_nd_ndarray().shape == () and type(np.array(3.0).as_nd_ndarray()) is nd.NDArray
    assert nd.array(5).as_np_ndarray().shape == () and type(nd.array(5).as_np_ndarray()) is np.ndarray


def test_operations_on_legacy_scalars_give_shape_1():
    # MXNet 1.9.1 cannot compute with its 0-d NDArrays at all ("inferring shapes failed");
    # deepblocks computes and keeps the legacy rule that operations give no 0-d arrays.
    x = nd.array(5)
    assert (x + 1).shape == (1,) and (x + 1).asscalar() == 6
    assert x.sum().shape == (1,) and x.exp().shape == (1,)
    assert (x * nd.ones(3)).asnumpy().tolist() == [5.0, 5.0, 5.0]
    # Creation from a shape is no conversion: nd.zeros(()) stays shape (1,).
    assert nd.zeros(()).shape == (1,) and nd.random.uniform().shape == (1,)


def test_nd_load_of_a_0d_array_keeps_its_shape(tmp_path):
    # Recorded from MXNet 1.9.1 (np shape semantics on while loading, as the file needs there).
    path = os.fspath(tmp_path / "a")
    npx.save(path, np.array(3.0))
    (x,) = nd.load(path)
    assert type(x) is nd.NDArray and x.shape == () and repr(x) == "\n3.0\n<NDArray  @cpu(0)>"
    npx.save(path, {"x": np.array(3.0), "y": np.ones(2)})
    d = nd.load(path)
    assert d["x"].shape == () and d["y"].shape == (2,) and all(type(v) is nd.NDArray for v in d.values())


# ---- truth values -------------------------------------------------------------------------------


@pytest.mark.parametrize("source", [[], [[]], onp.zeros((0, 3)), onp.zeros((2, 0, 1))])
def test_empty_arrays_are_false(source):
    # Recorded from MXNet 1.9.1: nd answers False silently; np answers False with a
    # DeprecationWarning (NumPy 1.23's behaviour; NumPy 2.2 raises instead).
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert bool(nd.array(source)) is False
    with pytest.warns(DeprecationWarning, match="empty"):
        assert bool(np.array(source)) is False


def test_truth_of_one_and_more_elements():
    # Recorded from MXNet 1.9.1.
    for mod in (np, nd):
        assert bool(mod.array([0])) is False and bool(mod.array([[1]])) is True
        assert bool(mod.array(0)) is False and bool(mod.array(2)) is True
        raises(ValueError, bool, mod.array([0, 0]), contains="ambiguous")


# ---- assignment of one-element arrays -----------------------------------------------------------


@pytest.mark.parametrize("mod", [np, nd], ids=["np", "nd"])
@pytest.mark.parametrize("make", [
    lambda mod: mod.array([5.0]), lambda mod: mod.array([[5.0]]), lambda mod: onp.array([5.0]),
    lambda mod: onp.array([[5.0]]), lambda mod: [5.0], lambda mod: [[5.0]],
], ids=["1", "1x1", "numpy-1", "numpy-1x1", "list", "nested-list"])
def test_one_element_arrays_assign_into_one_element(mod, make):
    # Recorded from MXNet 1.9.1 (NumPy 2 refuses these: "setting an array element with a sequence").
    a = mod.zeros((3, 3))
    a[1, 1] = make(mod)
    want = onp.zeros((3, 3), "float32")
    want[1, 1] = 5
    onp.testing.assert_array_equal(a.asnumpy(), want)


@pytest.mark.parametrize("mod", [np, nd], ids=["np", "nd"])
def test_leading_size_1_axes_of_values_are_dropped(mod):
    # Recorded from MXNet 1.9.1 (NumPy agrees, these have no scalar target).
    cases = [
        (1, (1, 1, 3), [[0, 0, 0], [1, 1, 1], [0, 0, 0]]),
        (slice(None), (1, 3, 3), [[1, 1, 1]] * 3),
        ((1, slice(1, 2)), (1, 1, 1), [[0, 0, 0], [0, 1, 0], [0, 0, 0]]),
        (mod.array([0, 1], dtype="int32"), (1, 2, 3), [[1, 1, 1], [1, 1, 1], [0, 0, 0]]),
        ((mod.array([0, 1], dtype="int32"), mod.array([0, 1], dtype="int32")), (1, 2), [[1, 0, 0], [0, 1, 0], [0, 0, 0]]),
        ((0, mod.array([0, 1], dtype="int32")), (1, 1, 2), [[1, 1, 0], [0, 0, 0], [0, 0, 0]]),
    ]
    for key, value_shape, want in cases:
        a = mod.zeros((3, 3))
        a[key] = mod.ones(value_shape)
        assert a.asnumpy().tolist() == want, (key, value_shape)


@pytest.mark.parametrize("mod", [np, nd], ids=["np", "nd"])
def test_values_that_do_not_fit_one_element_are_refused(mod):
    # MXNet 1.9.1 refuses these too (an MXNetError / ValueError naming both shapes).
    for shape in [(2,), (2, 1)]:
        a = mod.zeros((3, 3))
        raises(ValueError, a.__setitem__, (1, 1), mod.ones(shape), contains=str(shape))
        assert a.asnumpy().sum() == 0


@given(target=st.lists(st.integers(1, 3), min_size=1, max_size=3), lead=st.integers(1, 3), key=st.integers(0, 1))
def test_setitem_drops_leading_ones_as_numpy(target, lead, key):
    # Non-scalar targets: NumPy's own rule, compared against NumPy.
    shape = (2,) + tuple(target)
    host, dev = onp.zeros(shape), np.zeros(shape, dtype="float64")
    value = onp.arange(onp.prod(target), dtype="float64").reshape((1,) * lead + tuple(target))
    host[key] = value
    dev[key] = np.array(value)
    onp.testing.assert_array_equal(dev.asnumpy(), host)


def test_gradient_flows_through_a_one_element_assignment():
    def f(a, v):
        b = a * 1.0
        b[1, 1] = v
        return b * b

    grads = check_grad(f, onp.arange(9.0).reshape(3, 3), onp.array([0.5]))
    assert grads[1].shape == (1,)


# ---- the two kinds of arrays --------------------------------------------------------------------


def test_numpy_mode_arrays_are_ndarrays_as_in_mxnet():
    # Recorded from MXNet 1.9.1: mx.np.ndarray subclasses mx.nd.NDArray.
    assert isinstance(np.ones(2), nd.NDArray) and issubclass(np.ndarray, nd.NDArray)
    assert isinstance(nd.ones(2), nd.NDArray) and not isinstance([1.0], nd.NDArray)
    assert not issubclass(int, nd.NDArray)
    # The legacy ones are told apart by their class.
    assert _is_legacy(nd.ones(2)) and not _is_legacy(np.ones(2)) and not _is_legacy(3.0)

    class MyNDArray(nd.NDArray):
        __slots__ = ()

    assert not isinstance(np.ones(2), MyNDArray) and isinstance(MyNDArray(nd.ones(2)), MyNDArray)
    assert _is_legacy(MyNDArray(nd.ones(2)))


_MIXED = {
    "nd + np": lambda a, b: a + b,
    "np + nd": lambda a, b: b + a,
    "nd * np": lambda a, b: a * b,
    "np - nd": lambda a, b: b - a,
    "nd == np": lambda a, b: a == b,
    "np < nd": lambda a, b: b < a,
    "nd @ np": lambda a, b: a @ b,
    "np @ nd": lambda a, b: b @ a,
    "np.add(nd, np)": lambda a, b: np.add(a, b),
    "np.add(np, nd)": lambda a, b: np.add(b, a),
    "np.maximum(np, nd)": lambda a, b: np.maximum(b, a),
    "np.dot(np, nd)": lambda a, b: np.dot(b, a),
    "np.concatenate": lambda a, b: np.concatenate([b, a]),
    "np.stack": lambda a, b: np.stack([b, a]),
    "np.where": lambda a, b: np.where(b > 0, a, b),
    "nd.add(nd, np)": lambda a, b: nd.add(a, b),
    "nd.maximum(nd, np)": lambda a, b: nd.maximum(a, b),
    "nd.elemwise_add(nd, np)": lambda a, b: nd.elemwise_add(a, b),
    "nd.dot(np, nd)": lambda a, b: nd.dot(b, a),
    "nd.dot(nd, np)": lambda a, b: nd.dot(a, b),
    "nd.batch_dot(nd, np)": lambda a, b: nd.batch_dot(a.reshape(1, 2, 2), b.reshape(1, 2, 2)),
    "nd.concat(nd, np)": lambda a, b: nd.concat(a, b, dim=0),
}


@pytest.mark.parametrize("name", list(_MIXED))
def test_mixing_legacy_and_numpy_arrays_is_a_type_error(name):
    # MXNet 1.9.1 raises TypeError for each of these ("legacy operator which can only accept
    # legacy ndarrays ... as_nd_ndarray()", "type <class '...NDArray'> not supported").
    a, b = nd.ones((2, 2)), np.ones((2, 2))
    raises(TypeError, _MIXED[name], a, b, contains=("nd.NDArray", "as_np_ndarray()", "as_nd_ndarray()"))


def test_in_place_mixing_is_a_type_error_and_writes_nothing():
    a, b = nd.ones(2), np.ones(2)
    with pytest.raises(TypeError, match="cannot mix"):
        a += b
    with pytest.raises(TypeError, match="cannot mix"):
        b -= a
    assert a.asnumpy().tolist() == [1, 1] and b.asnumpy().tolist() == [1, 1]


def test_converted_arrays_mix_and_conversions_stay_free():
    a, b = nd.ones(2), np.arange(2.0)
    assert type(a.as_np_ndarray() + b) is np.ndarray and type(a + b.as_nd_ndarray()) is nd.NDArray
    b.as_nd_ndarray()[0] = 7  # a view: the write reaches b
    assert b.asnumpy().tolist() == [7, 1]
    # deepblocks converts between the kinds where MXNet 1.9.1 refuses (np.array(nd) is its
    # ValueError, nd.array(np) its TypeError): conversions are no operation mixing values.
    assert type(np.array(a)) is np.ndarray and type(nd.array(b)) is nd.NDArray


def test_layers_still_mix_kinds_internally():
    # Legacy data through numpy-mode parameters and temporaries inside deepblocks is no user
    # mistake: the check is for operations written in user code.
    from deepblocks.gluon import nn

    layer = nn.LayerNorm(in_channels=3)
    layer.initialize()
    out = layer(nd.array([[1.0, 2.0, 4.0]]))
    assert type(out) is nd.NDArray and out.shape == (1, 3)
    drop = nd.Dropout(nd.ones((50,)), p=0.5, mode="always")
    assert type(drop) is nd.NDArray and set(drop.asnumpy().tolist()) <= {0.0, 2.0}


# ---- batch_norm statistics ----------------------------------------------------------------------

_BN_X = onp.array([[[1.0, 2.0], [3.0, 5.0]], [[0.0, 4.0], [-1.0, 2.0]]], "float32")  # channels on axis 1
_BN_ARGS = [onp.array(v, "float32") for v in ([2.0, 0.5], [0.1, -0.2], [1.0, -1.0], [4.0, 0.25])]
# Recorded from MXNet 1.9.1 (eps=1e-3, fix_gamma=False, output_mean_var=True): the output, the
# mean used and 1/sqrt(var + eps), for a training and an inference pass.
_BN_RECORDED = {
    True: ([[[-0.913953423500061, 0.4379844665527344], [-0.026813387870788574, 0.43501758575439453]],
            [[-2.2658913135528564, 3.141860246658325], [-0.9504753351211548, -0.2577288746833801]]],
           [1.75, 2.25], [0.6759689450263977, 0.4618309736251831]),
    False: ([[[0.10000000149011612, 1.0998750925064087], [3.7920241355895996, 5.788036346435547]],
             [[-0.8998750448226929, 3.0996251106262207], [-0.20000000298023224, 2.794018030166626]]],
            [1.0, -1.0], [0.4999375343322754, 1.9960120916366577]),
}


@pytest.mark.parametrize("train", [True, False], ids=["train", "infer"])
@pytest.mark.parametrize("mod", [np, nd], ids=["npx.batch_norm", "nd.BatchNorm"])
def test_batch_norm_outputs_mean_and_inverse_std(mod, train):
    x, args = mod.array(_BN_X), [mod.array(v) for v in _BN_ARGS]
    with autograd.record(train_mode=train):
        if mod is np:
            out = npx.batch_norm(x, *args, eps=1e-3, fix_gamma=False, output_mean_var=True)
        else:
            out = nd.BatchNorm(x, *args, eps=1e-3, fix_gamma=False, output_mean_var=True)
    assert type(out) is list and len(out) == 3  # a list, as in MXNet 1.9.1
    assert all(type(o) is type(x) for o in out)
    for got, want in zip(out, _BN_RECORDED[train]):
        onp.testing.assert_allclose(got.asnumpy(), want, rtol=2e-6, atol=1e-6)
    # The third output is the inverse standard deviation of the statistics used.
    mean, var = (_BN_X.mean(axis=(0, 2)), _BN_X.var(axis=(0, 2))) if train else (_BN_ARGS[2], _BN_ARGS[3])
    onp.testing.assert_allclose(out[1].asnumpy(), mean, rtol=1e-6)
    onp.testing.assert_allclose(out[2].asnumpy(), 1 / onp.sqrt(var + 1e-3), rtol=1e-6)


# ---- zero-size softmax --------------------------------------------------------------------------


@pytest.mark.parametrize("shape", [(0,), (0, 3), (2, 0), (3, 0, 2)])
@pytest.mark.parametrize("axis", [-1, 0])
def test_softmax_of_zero_size_arrays_is_empty(shape, axis):
    # Recorded from MXNet 1.9.1 (numpy mode): an empty float32 array of the same shape. (Its
    # legacy nd.softmax cannot even create a zero-size input; deepblocks answers the same way.)
    for f in (npx.softmax, npx.log_softmax):
        out = f(np.zeros(shape), axis=axis)
        assert type(out) is np.ndarray and out.shape == shape and out.dtype == onp.float32
    for f in (nd.softmax, nd.log_softmax):
        out = f(nd.zeros(shape), axis=axis)
        assert type(out) is nd.NDArray and out.shape == shape
    assert nd.zeros(shape).softmax(axis=axis).shape == shape


# ---- squeeze of 0-d arrays ----------------------------------------------------------------------


def test_squeeze_of_a_0d_array_follows_numpy():
    # Recorded from MXNet 1.9.1 and NumPy 1.23 (axis 0 and -1 are the 0-d array's own axis).
    x = np.array(1.0)
    for axis in (-1, 0, None):
        out = np.squeeze(x, axis=axis)
        assert out.shape == () and float(out) == 1.0
        assert onp.squeeze(onp.array(1.0), axis=axis).shape == ()
    assert x.squeeze(-1).shape == ()
    # NumPy's AxisError (an IndexError) for any other axis.
    raises(IndexError, np.squeeze, x, axis=1, contains="dimension 0")
    raises(IndexError, np.squeeze, x, axis=-2, contains="dimension 0")


# ---- reciprocal of integers ---------------------------------------------------------------------


def test_reciprocal_of_integers_keeps_the_dtype():
    # Recorded from MXNet 1.9.1 (NumPy 1.23 gives the same, with RuntimeWarnings for 1/0).
    r = np.reciprocal(np.array([0, 1, 2, -1, 3], dtype="int32"))
    assert r.dtype == onp.int32 and r.asnumpy().tolist() == [-2147483648, 1, 0, -1, 0]
    r = np.reciprocal(np.array([0, 1, 2, -1, 3], dtype="int64"))
    assert r.dtype == onp.int64 and r.asnumpy().tolist() == [-9223372036854775808, 1, 0, -1, 0]
    r = np.reciprocal(np.array([0, 1, 2, 3], dtype="uint8"))
    assert r.dtype == onp.uint8 and r.asnumpy().tolist() == [0, 1, 0, 0]
    r = nd.reciprocal(nd.array([0, 1, 2, -1, 3], dtype="int32"))
    assert type(r) is nd.NDArray and r.dtype is onp.int32 and r.asnumpy().tolist() == [-2147483648, 1, 0, -1, 0]
    # MXNet 1.9.1 fails on bool ("Unknown type enum 7"); a TypeError here.
    raises(TypeError, np.reciprocal, np.array([True, False]), contains="bool")
    # Floats are unchanged.
    assert np.reciprocal(np.array([0.0, 2.0])).asnumpy().tolist() == [onp.inf, 0.5]


@given(values=st.lists(st.integers(-300, 300).filter(bool), min_size=1, max_size=20),
       dtype=st.sampled_from(["int32", "int64"]))
def test_integer_reciprocal_matches_numpy(values, dtype):
    host = onp.array(values, dtype)
    r = np.reciprocal(np.array(host))
    assert r.dtype == host.dtype
    onp.testing.assert_array_equal(r.asnumpy(), onp.reciprocal(host))


def test_integer_reciprocal_is_not_differentiated_but_float_reciprocal_is():
    check_grad(np.reciprocal, onp.array([0.5, -2.0, 3.0]))


# ---- comparisons with things that are not arrays -------------------------------------------------


@pytest.mark.parametrize("other", ["abc", None, object()], ids=["str", "None", "object"])
def test_np_equality_with_non_arrays_is_elementwise(other):
    # NumPy 2: an array of False (==) or True (!=), as the issue asks. MXNet 1.9.1 raises
    # TypeError ("type <class 'str'> not supported"); NumPy 1.23 answered a bare False.
    x = np.ones((2, 3))
    eq, ne = x == other, x != other
    assert type(eq) is np.ndarray and eq.dtype == onp.bool_ and eq.shape == (2, 3) and not eq.asnumpy().any()
    assert type(ne) is np.ndarray and ne.asnumpy().all()
    onp.testing.assert_array_equal(eq.asnumpy(), onp.ones((2, 3)) == other)
    with pytest.raises(TypeError):
        x < other


@pytest.mark.parametrize("other", ["abc", None])
def test_nd_comparison_with_non_arrays_is_a_type_error(other):
    # Recorded from MXNet 1.9.1: TypeError ("type <class 'NoneType'> not supported").
    x = nd.ones(3)
    for op in (lambda: x == other, lambda: x != other, lambda: x > other):
        raises(TypeError, op)


# ---- keepdims=1 --------------------------------------------------------------------------------

_NP_REDUCERS = ["sum", "mean", "max", "min", "prod", "argmax", "argmin", "any", "all", "std", "var"]


@pytest.mark.parametrize("name", _NP_REDUCERS)
@pytest.mark.parametrize("flag", [1, 0, True, onp.True_, onp.int64(1)], ids=["1", "0", "True", "np.True_", "np.int64"])
def test_keepdims_takes_ints_as_mxnet(name, flag):
    # Recorded from MXNet 1.9.1: keepdims=1 keeps the axis, keepdims=0 drops it.
    x = np.array([[1.0, 2.0], [3.0, 4.0]])
    want = (1, 2) if flag else (2,)
    assert getattr(x, name)(axis=0, keepdims=flag).shape == want
    assert getattr(np, name)(x, axis=0, keepdims=flag).shape == want


@pytest.mark.parametrize("name", ["sum", "mean", "max", "min", "prod", "argmax", "argmin", "norm", "nansum"])
def test_nd_keepdims_and_exclude_take_ints(name):
    # Recorded from MXNet 1.9.1 ((1, 2) for keepdims=1, (2,) for keepdims=0).
    y = nd.array([[1.0, 2.0], [3.0, 4.0]])
    assert getattr(nd, name)(y, axis=0, keepdims=1).shape == (1, 2)
    assert getattr(y, name)(axis=0, keepdims=1).shape == (1, 2)
    assert getattr(y, name)(axis=0, keepdims=0).shape == (2,)
    if name not in ("argmax", "argmin", "norm"):
        assert getattr(y, name)(axis=0, exclude=1).shape == (2,)


def test_keepdims_refuses_what_mxnet_refuses():
    # MXNet 1.9.1: "Invalid Parameter format for keepdims expect boolean but value='2'" for
    # each of these; a TypeError naming the value here (never the value's truth).
    x = np.ones((2, 2))
    for bad in (2, 1.0, "a", None, -1):
        raises(TypeError, x.sum, axis=0, keepdims=bad, contains=repr(bad))
        raises(TypeError, np.mean, x, axis=0, keepdims=bad)
        raises(TypeError, nd.ones((2, 2)).max, axis=0, keepdims=bad)
    raises(TypeError, nd.ones((2, 2)).sum, axis=0, exclude="yes")


def test_linalg_norm_keepdims_1():
    # Recorded from MXNet 1.9.1: [[3.1622777, 4.472136]].
    out = np.linalg.norm(np.array([[1.0, 2.0], [3.0, 4.0]]), axis=0, keepdims=1)
    assert out.shape == (1, 2)
    onp.testing.assert_allclose(out.asnumpy(), [[3.1622777, 4.472136]], rtol=1e-6)


# ---- ufunc keywords -----------------------------------------------------------------------------


def test_where_and_other_numpy_keywords_are_not_implemented():
    # MXNet 1.9.1: "where=False is not implemented yet for operator abs" (NotImplementedError)
    # for any value but the default, the same for casting, order and subok; an unknown
    # keyword is "foo is an invalid keyword to function 'abs'" (TypeError).
    x = np.array([-1.0, 2.0, -3.0])
    mask = np.array([True, False, True])
    raises(NotImplementedError, np.abs, x, where=mask, contains="where=")
    raises(NotImplementedError, np.abs, x, where=False, contains="not implemented")
    raises(NotImplementedError, np.add, x, x, where=mask, contains="where=")
    raises(NotImplementedError, np.exp, x, casting="no", contains="casting='no'")
    raises(NotImplementedError, np.abs, x, order="F", contains="order='F'")
    raises(NotImplementedError, np.negative, x, subok=False, contains="subok=False")
    raises(TypeError, np.abs, x, foo=1, contains=("foo is an invalid keyword", "'absolute'"))
    # The defaults change nothing.
    assert np.abs(x, where=True, casting="same_kind", order="K", subok=True).asnumpy().tolist() == [1, 2, 3]
    # deepblocks implements dtype= (MXNet 1.9.1 refuses it with NotImplementedError).
    assert np.abs(x, dtype="float64").dtype == onp.float64


# ---- memory orders ------------------------------------------------------------------------------


def test_copy_is_c_order_only():
    # Recorded from MXNet 1.9.1: "ndarray.copy only supports order='C', while received F".
    x = np.array([[1.0, 2.0], [3.0, 4.0]])
    for order in ("F", "K", "A"):
        raises(NotImplementedError, x.copy, order=order, contains=repr(order))
        raises(NotImplementedError, nd.ones(2).copy, order=order)
    c = x.copy(order="C")
    c[0, 0] = 9
    assert x.asnumpy()[0, 0] == 1
    # MXNet's np.copy ignores order (its values are the same in any order).
    assert np.copy(x, order="F").asnumpy().tolist() == x.asnumpy().tolist()


def test_astype_checks_order_casting_and_subok():
    # Recorded from MXNet 1.9.1: ValueError for each ("order must be either 'K' or 'C'",
    # "casting must be equal to 'unsafe'", "subok must be equal to True").
    x = np.array([1.5, -2.5])
    raises(ValueError, x.astype, "float64", order="F", contains="'K' or 'C'")
    raises(ValueError, x.astype, "int32", casting="safe", contains="unsafe")
    raises(ValueError, x.astype, "int32", subok=False, contains="subok")
    assert x.astype("int32", order="C", casting="unsafe").asnumpy().tolist() == [1, -2]


@pytest.mark.parametrize("call", [
    lambda x: x.reshape((3, 2), order="F"), lambda x: np.reshape(x, (3, 2), order="F"),
    lambda x: x.flatten(order="F"), lambda x: x.ravel(order="F"), lambda x: np.ravel(x, order="F"),
    lambda x: np.zeros((2, 2), order="F"), lambda x: np.ones((2, 2), order="F"), lambda x: np.empty((2, 2), order="F"),
    lambda x: np.full((2, 2), 1.0, order="F"), lambda x: np.zeros_like(x, order="F"),
    lambda x: np.ones_like(x, order="F"), lambda x: np.empty_like(x, order="F"), lambda x: np.full_like(x, 1, order="F"),
], ids=["reshape", "np.reshape", "flatten", "ravel", "np.ravel", "zeros", "ones", "empty", "full", "zeros_like",
        "ones_like", "empty_like", "full_like"])
def test_fortran_order_is_not_implemented(call):
    # Recorded from MXNet 1.9.1: NotImplementedError for each (MXNet's np.reshape(order='F')
    # silently answers the C-order result, a wrong value; deepblocks refuses it too).
    raises(NotImplementedError, call, np.arange(6.0).reshape(2, 3), contains="order")


# ---- smaller np.ndarray methods ----------------------------------------------------------------


def test_round_builtin_stype_writable_and_take():
    # Recorded from MXNet 1.9.1.
    x = np.array([1.26, 2.5])
    r = round(x, 1)
    assert type(r) is np.ndarray and r.asnumpy().tolist() == onp.array([1.3, 2.5], "float32").tolist()
    assert round(np.array([0.5, 1.5, 2.5])).asnumpy().tolist() == [0.0, 2.0, 2.0]
    assert x.stype == "default" and x.writable is True
    t = np.array([1.0, 2.0, 3.0]).take(np.array([0, 2]))
    assert type(t) is np.ndarray and t.asnumpy().tolist() == [1.0, 3.0]
    m = np.arange(6.0).reshape(2, 3)
    assert m.take(np.array([2]), axis=1).asnumpy().tolist() == [[2.0], [5.0]]
    raises(IndexError, m.take, np.array([7]))


@pytest.mark.parametrize("make", [
    lambda: np.array([1, 2], dtype="int32"), lambda: np.arange(6.0).reshape(2, 3)[:, ::2], lambda: np.array(2.5),
    lambda: nd.array([[1.0, 2.0]]), lambda: nd.array(5), lambda: np.array([True, False]),
], ids=["int32", "strided", "0-d", "nd", "nd-0d", "bool"])
def test_pickle_and_copies(make):
    # MXNet 1.9.1 pickles both kinds (and copy.copy/deepcopy give independent arrays).
    x = make()
    for y in (pickle.loads(pickle.dumps(x)), copy.copy(x), copy.deepcopy(x)):
        assert type(y) is type(x) and y.shape == x.shape and y.dtype == x.dtype and y.ctx == x.ctx
        onp.testing.assert_array_equal(y.asnumpy(), x.asnumpy())
        assert y._storage_id != x._storage_id


def test_float_and_int_of_many_elements_are_type_errors():
    # Recorded from MXNet 1.9.1: TypeError "only size-1 arrays can be converted to Python scalars".
    for conv in (float, int):
        raises(TypeError, conv, np.array([1.5, 2.0]), contains=("size-1", "(2,)"))
    assert float(np.array([1.5])) == 1.5 and int(np.array([[7]], dtype="int32")) == 7


def test_repr_of_a_summarized_array_names_no_shape():
    # Recorded from MXNet 1.9.1 (on NumPy 1.23; NumPy 2.2 would add ", shape=(2000,)").
    assert repr(np.arange(2000)) == ("array([0.000e+00, 1.000e+00, 2.000e+00, ..., 1.997e+03, 1.998e+03,\n"
                                     "       1.999e+03])")
    assert repr(np.zeros((2, 0))) == "array([], shape=(2, 0))"
    assert repr(np.arange(2000, dtype="int32")).endswith("1998, 1999], dtype=int32)")

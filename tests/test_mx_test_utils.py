"""deepblocks.test_utils against MXNet 1.9.1's mx.test_utils (values recorded from MXNet 1.9.1)."""

import os
import re

import numpy as onp
import pytest

import deepblocks as mx
from deepblocks import nd, np, test_utils as tu


def test_default_context_and_set():
    assert tu.default_context() == mx.cpu(0)
    tu.set_default_context(mx.cpu(1))
    try:
        assert tu.default_context() == mx.cpu(1) and mx.current_context() == mx.cpu(1)
        tu.set_default_context(mx.cpu(2))  # replaces, does not stack
        assert tu.default_context() == mx.cpu(2)
    finally:
        tu.set_default_context(mx.cpu(0))
    assert tu.default_context() == mx.cpu(0)
    with pytest.raises(TypeError, match="Context"):
        tu.set_default_context("cpu")
    # MXNet 1.9.1 has no default_device / set_default_device in test_utils.
    assert not hasattr(tu, "default_device") and not hasattr(tu, "set_default_device")


def test_default_tolerances_recorded_from_mxnet():
    rt, at = tu.default_rtols(), tu.default_atols()
    assert rt[onp.dtype("float16")] == 0.01 and at[onp.dtype("float16")] == 0.1
    assert rt[onp.dtype("float32")] == 1e-4 and at[onp.dtype("float32")] == 1e-3
    assert rt[onp.dtype("float64")] == 1e-5 and at[onp.dtype("float64")] == 1e-20
    for d in ("bool", "int8", "uint8", "int32", "uint32", "int64", "uint64"):
        assert rt[onp.dtype(d)] == 0 and at[onp.dtype(d)] == 0
    assert tu.default_numeric_eps()[onp.dtype("float32")] == 0.001953125


@pytest.mark.parametrize("x, y, rtol, atol, expected", [
    (onp.ones(2, "float16"), onp.ones(2, "float32"), None, None, (0.01, 0.1)),
    (onp.ones(2, "float32"), onp.ones(2, "float32"), None, None, (1e-4, 1e-3)),
    (onp.ones(2, "float64"), onp.ones(2, "float64"), None, None, (1e-5, 1e-20)),
    (onp.ones(2, "int32"), onp.ones(2, "int32"), None, None, (0, 0)),
    (1.0, 2.0, None, None, (1e-5, 1e-20)),
    (onp.ones(2, "float32"), onp.ones(2, "float32"), 0.5, None, (0.5, 1e-3)),
])
def test_get_tols(x, y, rtol, atol, expected):
    assert tu.get_tols(x, y, rtol, atol) == expected


def test_get_tols_of_deepblocks_arrays():
    assert tu.get_tols(nd.ones((2,)), np.ones(2, dtype="float64"), None, None) == (1e-4, 1e-3)


def test_assert_almost_equal_passes_across_kinds():
    tu.assert_almost_equal(nd.ones((2,)), onp.ones(2))
    tu.assert_almost_equal(np.ones(2), onp.ones(2))
    tu.assert_almost_equal(1.0, 1.0 + 1e-6)
    # float32 defaults (rtol 1e-4, atol 1e-3) accept 5e-4 off, float64's do not.
    tu.assert_almost_equal(onp.ones(2, "float32"), onp.ones(2, "float32") + 5e-4)
    with pytest.raises(AssertionError):
        tu.assert_almost_equal(onp.ones(2), onp.ones(2) + 5e-4)
    tu.assert_almost_equal(onp.ones((2, 3)), onp.ones((1, 3)))  # broadcast
    tu.assert_almost_equal(onp.array([onp.nan]), onp.array([onp.nan]), equal_nan=True)
    tu.assert_almost_equal(onp.arange(3), onp.arange(3))
    tu.assert_almost_equal(onp.array([onp.inf, 1.0]), onp.array([onp.inf, 1.0]))
    tu.assert_almost_equal(onp.zeros((0, 3)), onp.zeros((0, 3)))


def test_assert_almost_equal_message_names_positions():
    a = onp.array([[1.0, 2, 3], [4, 5, 6]])
    b = onp.array([[1.0, 2.5, 3], [4, 5, 7]])
    with pytest.raises(AssertionError) as info:
        tu.assert_almost_equal(a, b, names=("x", "y"))
    msg = str(info.value)
    # Headline and maximum-error line as MXNet 1.9.1 printed them.
    assert ("Error 20000.000000 exceeds tolerance rtol=1.000000e-05, atol=1.000000e-20 "
            "(mismatch 33.333333%).") in msg
    assert "Location of maximum error: (0, 1), x=2.00000000, y=2.50000000" in msg
    assert "Location of error: (1, 2), x=6.00000000, y=7.00000000" in msg
    assert " ACTUAL: " in msg and " DESIRED: " in msg


def test_assert_almost_equal_mismatch_count_limit():
    b = onp.ones(30)
    a = b + onp.arange(30.0, 0.0, -1.0) * 1e-3  # the error falls along the vector
    with pytest.raises(AssertionError) as info:
        tu.assert_almost_equal(a, b, mismatches=(3, 3))
    msg = str(info.value)
    assert msg.count("Location of error:") == 3
    assert "Location of maximum error: (0,)" in msg
    assert "1: Error" in msg and "Location of error: (2,)" in msg and "(3,)" not in msg


def test_assert_almost_equal_nan_and_ints():
    with pytest.raises(AssertionError, match=r"Location of maximum error: \(0,\), a=nan, b=nan"):
        tu.assert_almost_equal(onp.array([onp.nan]), onp.array([onp.nan]))
    with pytest.raises(AssertionError, match=r"\(1,\)"):
        tu.assert_almost_equal(onp.array([1, 2]), onp.array([1, 3]))  # ints compare exactly


def test_assert_almost_equal_shapes():
    with pytest.raises(AssertionError, match=r"a.shape = \(2, 3\) and b.shape = \(1, 3\) are not equal"):
        tu.assert_almost_equal(onp.ones((2, 3)), onp.ones((1, 3)), use_broadcast=False)
    with pytest.raises(ValueError, match=r"\(2, 3\) \(3, 2\)"):
        tu.assert_almost_equal(onp.ones((2, 3)), onp.ones((3, 2)))


def test_almost_equal_uses_float64_defaults():
    assert tu.almost_equal(1.0, 1.0 + 1e-6)
    assert not tu.almost_equal(onp.array([1, 2.0]), onp.array([1, 2.1]))
    # Recorded: MXNet 1.9.1 returns False here (float64 tolerances whatever the dtype).
    assert not tu.almost_equal(onp.ones(2, "float32"), onp.ones(2, "float32") + 1e-4)
    assert tu.almost_equal(nd.ones((2,)), np.ones(2))
    assert tu.almost_equal(onp.ones((2, 3)), onp.ones(3))
    assert not tu.almost_equal(onp.ones((2, 3)), onp.ones(3), use_broadcast=False)
    assert tu.almost_equal(onp.array([onp.nan]), onp.array([onp.nan]), equal_nan=True)


def test_assert_allclose():
    tu.assert_allclose(onp.ones(2), onp.ones(2) + 1e-8)
    tu.assert_allclose(onp.array([onp.nan]), onp.array([onp.nan]))  # equal_nan defaults to True
    with pytest.raises(AssertionError, match=re.escape("rtol=1.000000e-07, atol=0.000000e+00")):
        tu.assert_allclose(onp.ones(2), onp.ones(2) + 1e-3)


def test_same():
    assert tu.same(onp.ones(2), onp.ones(2))
    assert tu.same(nd.ones((2,)), onp.ones(2))
    assert tu.same(np.arange(3), onp.arange(3.0))
    assert not tu.same(onp.array([onp.nan]), onp.array([onp.nan]))
    assert not tu.same(onp.ones(2), onp.ones(3))
    assert not tu.same(onp.ones((2, 1)), onp.ones(2))


def test_assert_exception():
    assert tu.assert_exception(lambda a: 1 / a, ZeroDivisionError, 0) is None
    assert tu.assert_exception(lambda a, b=1: a / b, ZeroDivisionError, 1, b=0) is None
    with pytest.raises(AssertionError, match="ZeroDivisionError"):
        tu.assert_exception(lambda a: a, ZeroDivisionError, 1)
    with pytest.raises(IndexError):  # another exception propagates, as in MXNet
        tu.assert_exception(lambda a: a[5], ZeroDivisionError, [1])


def test_rand_shapes():
    onp.random.seed(0)
    # Recorded from MXNet 1.9.1 after numpy.random.seed(0): both draw from NumPy's generator.
    assert tu.rand_shape_2d() == (6, 1)
    assert tu.rand_shape_3d() == (4, 4, 8)
    assert tu.rand_shape_nd(4) == (10, 4, 6, 3)
    assert tu.rand_shape_nd(2, dim=3) == (1, 3)
    assert tu.rand_shape_nd(3, dim=1, allow_zero_size=True) == (0, 0, 0)
    for _ in range(20):
        s = tu.rand_shape_nd(3, dim=2)
        assert len(s) == 3 and all(1 <= d <= 2 for d in s)
    assert tu.rand_shape_nd(0) == ()
    with pytest.raises(ValueError, match="num_dim"):
        tu.rand_shape_nd(-1)
    with pytest.raises(ValueError, match="dim"):
        tu.rand_shape_nd(2, dim=0)


def test_random_arrays():
    a = tu.random_arrays((2, 3))
    assert isinstance(a, onp.ndarray) and a.shape == (2, 3) and a.dtype == onp.float32
    pair = tu.random_arrays((2, 3), (4,))
    assert isinstance(pair, list) and [x.shape for x in pair] == [(2, 3), (4,)]
    assert tu.random_arrays() == []
    assert tu.random_arrays(()).shape == ()


def test_rand_ndarray():
    x = tu.rand_ndarray((2, 3))
    assert isinstance(x, nd.NDArray) and x.shape == (2, 3) and x.dtype == onp.float32
    assert tu.rand_ndarray((4,), dtype="float64").dtype == onp.float64
    assert tu.rand_ndarray((0, 2)).shape == (0, 2)
    for stype in ("csr", "row_sparse"):
        with pytest.raises(ValueError, match="only dense"):
            tu.rand_ndarray((2, 3), stype=stype, density=0.5)


def test_np_reduce():
    x = onp.arange(24.0).reshape(2, 3, 4)
    # Shapes and value recorded from MXNet 1.9.1.
    assert tu.np_reduce(x, (0, 2), True, onp.sum).shape == (1, 3, 1)
    assert tu.np_reduce(x, 1, False, onp.max).shape == (2, 4)
    assert tu.np_reduce(x, None, False, onp.sum) == 276.0
    assert tu.np_reduce(x, (), False, onp.sum).shape == (2, 3, 4)
    assert tu.np_reduce(x, None, True, onp.sum).shape == (1, 1, 1)
    onp.testing.assert_array_equal(tu.np_reduce(x, (-1, 0), False, onp.sum), x.sum(axis=(0, 2)))


def test_check_numeric_gradient_passes():
    onp.random.seed(1)
    loc = [onp.random.rand(2, 3), onp.random.rand(2, 3)]
    tu.check_numeric_gradient(lambda x, y: x * y + np.sin(x), loc, dtype=onp.float64)
    tu.check_numeric_gradient(lambda x, y: x * y, loc)  # float32 defaults
    tu.check_numeric_gradient(lambda a, b: a * b, {"a": loc[0], "b": loc[1]}, grad_nodes=["b"],
                              dtype=onp.float64)


def test_check_numeric_gradient_legacy_nd():
    onp.random.seed(2)
    prev = mx.util.is_np_array()
    mx.util.reset_np()
    try:
        tu.check_numeric_gradient(lambda x: x * x, [onp.random.rand(3)], dtype=onp.float64)
    finally:
        if prev:
            mx.util.set_np()


def test_check_numeric_gradient_fails_on_wrong_gradient():
    onp.random.seed(3)
    # The backward pass sees d(x*c)/dx = x, finite differences see 2x.
    with pytest.raises(AssertionError, match="NUMERICAL_0"):
        tu.check_numeric_gradient(lambda x: x * x.detach(), [onp.random.rand(4)], dtype=onp.float64)


def test_check_numeric_gradient_bad_input():
    class FakeSymbol:
        def list_arguments(self):
            return ["x"]

        def __call__(self, *a):
            return a[0]

    with pytest.raises(TypeError, match="no Symbol API"):
        tu.check_numeric_gradient(FakeSymbol(), [onp.ones(2)])
    with pytest.raises(ValueError, match="dtype"):
        tu.check_numeric_gradient(lambda x: x, [onp.ones(2)], dtype=onp.int32)
    with pytest.raises(ValueError, match="grad_nodes"):
        tu.check_numeric_gradient(lambda x: x, [onp.ones(2)], grad_nodes=[3])
    with pytest.raises(ValueError, match="aux_states"):
        tu.check_numeric_gradient(lambda x: x, [onp.ones(2)], aux_states=[onp.ones(2)])
    with pytest.raises(TypeError, match="list or dict"):
        tu.check_numeric_gradient(lambda x: x, onp.ones(2))


def test_environment_and_cd_run(monkeypatch):
    monkeypatch.delenv("DB_TU_X", raising=False)
    monkeypatch.setenv("DB_TU_Z", "z")
    with tu.environment("DB_TU_X", "1"):
        assert os.environ["DB_TU_X"] == "1"
    assert "DB_TU_X" not in os.environ
    with tu.environment({"DB_TU_X": "2", "DB_TU_Z": None}):
        assert os.environ["DB_TU_X"] == "2" and "DB_TU_Z" not in os.environ
    assert os.environ["DB_TU_Z"] == "z" and "DB_TU_X" not in os.environ
    with pytest.raises(ValueError, match="environment"):
        with tu.environment("a", "b", "c"):
            pass
    monkeypatch.delenv("CD_JOB", raising=False)
    assert tu.is_cd_run() is False
    with tu.environment("CD_JOB", "1"):
        assert tu.is_cd_run() is True


def test_list_gpus():
    assert list(tu.list_gpus()) == list(range(mx.num_gpus()))
    assert isinstance(tu.list_gpus(), range)

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
    assert type(x) is nd.NDArray and x.shape == (2, 3) and x.dtype == onp.float32
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


# ---- the rest of mxnet.test_utils (test_utils_more) -------------------------------------------

def test_more_names_are_exported():
    from deepblocks import test_utils as tu
    for name in ("retry", "collapse_sum_like", "effective_dtype", "verify_generator", "chi_square_check",
                 "check_symbolic_forward", "rand_sparse_ndarray", "DummyIter", "use_np", "setenv"):
        assert name in tu.__all__ and callable(getattr(tu, name)), name


def test_deterministic_helpers_as_mxnet():
    # recorded from MXNet 1.9.1
    from deepblocks import nd
    from deepblocks import test_utils as tu
    assert tu.collapse_sum_like(onp.arange(24.0).reshape(2, 3, 4), (3, 1)).tolist() == [[60.0], [92.0], [124.0]]
    assert tu.collapse_sum_like(onp.ones((2, 0)), (1, 0)).shape == (1, 0)
    assert tu.effective_dtype(nd.ones(2)) == onp.float32 and tu.default_dtype() is onp.float32
    assert tu.get_etol() == 0 and tu.get_etol(0.1) == 0.1
    a = nd.ones((3,))
    assert tu.same_array(a, a) and not tu.same_array(a, a.copy())
    assert a.asnumpy().tolist() == [1.0, 1.0, 1.0]
    assert tu.create_2d_tensor(2, 3).asnumpy().tolist() == [[0, 0, 0], [1, 1, 1]]
    assert tu.create_vector(3).dtype == onp.int64
    assert tu.get_identity_mat_batch(2).shape == (2, 2, 2) and tu.get_identity_mat(2).dtype == onp.float32
    assert tu.assign_each(onp.array([1.0, 2.0]), lambda x: x * 2).tolist() == [2.0, 4.0]
    assert tu.assign_each2(onp.array([1, 2]), onp.array([3, 4]), lambda x, y: x + y).tolist() == [4.0, 6.0]
    with pytest.raises(AssertionError, match=r"a.shape = \(2,\) and b.shape = \(3,\) are not equal"):
        tu.checkShapes(onp.ones(2), onp.ones(3))


def test_nan_and_error_fraction_comparisons():
    from deepblocks import test_utils as tu
    tu.assert_almost_equal_ignore_nan(onp.array([1.0, onp.nan, 3.0]), onp.array([1.0, 2.0, 3.0]))
    with pytest.raises(AssertionError):
        tu.assert_almost_equal_ignore_nan(onp.array([1.0, onp.nan, 3.0]), onp.array([1.0, 2.0, 3.1]))
    # recorded from MXNet 1.9.1: one of four elements off passes etol=0.3 and fails etol=0.2
    a, b = onp.array([1.0, 2.0, 3.0, 4.0]), onp.array([1.0, 2.0, 3.0, 9.0])
    tu.assert_almost_equal_with_err(a, b, etol=0.3)
    with pytest.raises(AssertionError):
        tu.assert_almost_equal_with_err(a, b, etol=0.2)


def test_retry_reruns_only_assertion_failures():
    from deepblocks import test_utils as tu
    calls = []

    @tu.retry(3)
    def always_fails():
        calls.append(1)
        assert False

    with pytest.raises(AssertionError):
        always_fails()
    assert len(calls) == 3

    @tu.retry(3)
    def raises_other():
        calls.append(1)
        raise KeyError("x")

    with pytest.raises(KeyError):
        raises_other()
    assert len(calls) == 4


def test_chi_square_survival_function_matches_closed_forms():
    import math
    from deepblocks.test_utils_more import _chi2_sf
    for x in (0.01, 0.5, 1.0, 3.0, 7.5, 20.0, 60.0):
        assert math.isclose(_chi2_sf(x, 2), math.exp(-x / 2), rel_tol=1e-9, abs_tol=1e-14)
        assert math.isclose(_chi2_sf(x, 1), math.erfc(math.sqrt(x / 2)), rel_tol=1e-9, abs_tol=1e-14)
        assert math.isclose(_chi2_sf(x, 4), math.exp(-x / 2) * (1 + x / 2), rel_tol=1e-9, abs_tol=1e-14)
    assert _chi2_sf(0.0, 3) == 1.0


def test_generator_checks_accept_good_samplers_and_reject_bad_ones():
    from deepblocks import np, test_utils as tu
    np.random.seed(5)
    # the engine's uniform sampler against ten equal buckets of [0, 1)
    buckets, probs = tu.gen_buckets_probs_with_ppf(lambda q: q, 10)
    pvalues = tu.verify_generator(lambda n: np.random.uniform(0, 1, size=n).asnumpy(), buckets, probs,
                                  nsamples=20000, nrepeat=5)
    assert len(pvalues) == 5
    # discrete buckets: a fair die passes, a loaded one fails
    fair = lambda n: onp.random.randint(0, 6, n)  # noqa: E731
    tu.verify_generator(fair, list(range(6)), [1 / 6] * 6, nsamples=6000)
    loaded = lambda n: onp.minimum(onp.random.randint(0, 7, n), 5)  # noqa: E731
    with pytest.raises(AssertionError, match="Generator test fails"):
        tu.verify_generator(loaded, list(range(6)), [1 / 6] * 6, nsamples=6000)
    onp.random.seed(1)
    assert tu.mean_check(lambda n: onp.random.normal(2.0, 1.0, n), 2.0, 1.0, nsamples=20000)
    assert tu.var_check(lambda n: onp.random.normal(0, 1.0, n), 1.0, nsamples=20000)
    assert not tu.mean_check(lambda n: onp.random.normal(2.5, 1.0, n), 2.0, 1.0, nsamples=20000)
    assert not tu.var_check(lambda n: onp.random.normal(0, 2.0, n), 1.0, nsamples=20000)


def test_test_matrices():
    from deepblocks import test_utils as tu
    onp.random.seed(0)
    q = tu.new_orthonormal_matrix_2d(4)
    onp.testing.assert_allclose(q @ q.T, onp.eye(4), atol=1e-10)
    s = tu.new_sym_matrix_with_real_eigvals_nd((2, 3, 3))
    assert s.shape == (2, 3, 3)
    onp.testing.assert_allclose(s, s.transpose(0, 2, 1), atol=1e-10)
    m = tu.new_matrix_with_real_eigvals_nd((2, 4, 4))
    assert m.shape == (2, 4, 4) and onp.abs(onp.linalg.eigvals(m).imag).max() < 1e-8
    x, y = tu.rand_coord_2d(0, 3, 5, 6)
    assert 0 <= x < 3 and y == 5
    picked = tu.random_sample(list(range(10)), 4)
    assert len(set(picked)) == 4 and set(picked) <= set(range(10))
    arrays = tu.random_uniform_arrays((2, 3), (4,), low=1.0, high=2.0)
    assert [a.shape for a in arrays] == [(2, 3), (4,)] and arrays[0].dtype == onp.float32
    assert all(((a >= 1) & (a < 2)).all() for a in arrays)


def test_callables_in_place_of_symbols():
    from deepblocks import np, test_utils as tu
    f = lambda x, y: x * y + 1  # noqa: E731
    loc = [onp.array([1.0, 2.0]), onp.array([3.0, 4.0])]
    tu.check_symbolic_forward(f, loc, [onp.array([4.0, 9.0])])
    tu.check_symbolic_backward(f, loc, [onp.array([1.0, 1.0])], [onp.array([3.0, 4.0]), onp.array([1.0, 2.0])])
    with pytest.raises(AssertionError):
        tu.check_symbolic_forward(f, loc, [onp.array([4.0, 10.0])])
    assert tu.simple_forward(lambda x: x * 2, x=onp.array([1.0])).tolist() == [2.0]
    assert tu.check_speed(lambda x: (x * x).sum(), location=[onp.ones(3)], N=2) > 0
    for refused in (lambda: tu.check_symbolic_forward("not a symbol", loc, []),
                    lambda: tu.check_consistency(None, []),
                    lambda: tu.rand_sparse_ndarray((2, 2), "csr")):
        with pytest.raises(NotImplementedError):
            refused()


def test_compare_optimizer_and_dummy_iter():
    from deepblocks import io, optimizer, test_utils as tu
    tu.compare_optimizer(optimizer.SGD(learning_rate=0.1, momentum=0.9), optimizer.SGD(learning_rate=0.1, momentum=0.9),
                         (3, 4), "float32")
    with pytest.raises(AssertionError):
        tu.compare_optimizer(optimizer.SGD(learning_rate=0.1), optimizer.SGD(learning_rate=0.2), (3, 4), "float32")
    it = tu.DummyIter(io.NDArrayIter(onp.arange(6.0), batch_size=2))
    assert next(it) is next(it) and it.batch_size == 2


def test_gluon_hybridize_consistency():
    from deepblocks import test_utils as tu
    from deepblocks.gluon import nn

    def build():
        net = nn.HybridSequential()
        net.add(nn.Dense(3, activation="relu"), nn.Dense(2))
        return net
    tu.check_gluon_hybridize_consistency(build, [onp.random.rand(4, 5).astype("float32")])


def test_discard_stderr_silences_file_descriptor_2(capfd):
    import os
    from deepblocks import test_utils as tu
    with tu.discard_stderr():
        os.write(2, b"hidden\n")
    os.write(2, b"shown\n")
    err = capfd.readouterr().err
    assert "hidden" not in err and "shown" in err

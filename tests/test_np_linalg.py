"""``np.linalg`` against ``numpy.linalg`` (and SciPy): values over batch shapes, dtypes, int
input, views and empty stacks; errors; gradients by central differences."""

import numpy as onp
import pytest
import scipy.linalg
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import views
from deepblocks import autograd, np
from deepblocks.base import MXNetError
from test_autograd_grads import check_grad

LinAlgError = np.linalg.LinAlgError
batches = st.sampled_from([(), (1,), (3,), (2, 2), (0,), (2, 0)])
fdtypes = st.sampled_from(["float32", "float64"])
kinds = st.sampled_from(["contig", "negative", "transposed", "mixed"])
SETTINGS = settings(max_examples=25, deadline=None)


def tol(dtype):
    return dict(rtol=2e-3, atol=2e-3) if onp.dtype(dtype) == onp.float32 else dict(rtol=1e-8, atol=1e-9)


def well_conditioned(rng, shape, dtype="float64"):
    """Random square matrices with a dominant diagonal (inverses are tame)."""
    n = shape[-1]
    a = rng.uniform(-1, 1, shape) + 3 * n ** 0.5 * onp.eye(n) * onp.sign(rng.uniform(-1, 1, shape[:-1] + (1,)))
    return a.astype(dtype)


def spd(rng, shape, dtype="float64"):
    n = shape[-1]
    x = rng.uniform(-1, 1, shape)
    return (x @ onp.swapaxes(x, -1, -2) + n * onp.eye(n)).astype(dtype)


def check(dev, host, dtype):
    assert dev.dtype == host.dtype, (dev.dtype, host.dtype)
    assert dev.shape == host.shape, (dev.shape, host.shape)
    onp.testing.assert_allclose(dev.asnumpy(), host, **tol(dtype))


@st.composite
def square_stacks(draw, n=st.integers(0, 5), maker=well_conditioned, dtype=fdtypes):
    batch, n, dtype, seed = draw(batches), draw(n), draw(dtype), draw(st.integers(0, 2**31))
    host = maker(onp.random.default_rng(seed), batch + (n, n), dtype)
    kind = draw(kinds)
    if kind == "contig":
        return host, np.array(host)
    # The same values through a view: transpose/reverse a copy back, so only strides differ.
    if kind == "transposed":
        base = onp.ascontiguousarray(onp.swapaxes(host, -1, -2))
        return host, np.array(base).swapaxes(-1, -2)
    base = onp.ascontiguousarray(host[..., ::-1, :])
    return host, np.array(base)[..., ::-1, :]


# ---- values ---------------------------------------------------------------------------------------


@SETTINGS
@given(square_stacks())
def test_inv_det_slogdet(case):
    host, dev = case
    check(np.linalg.inv(dev), onp.linalg.inv(host), host.dtype)
    check(np.linalg.det(dev), onp.linalg.det(host), host.dtype)
    sign, logdet = np.linalg.slogdet(dev)
    hs, hl = onp.linalg.slogdet(host)
    check(sign, hs, host.dtype)
    check(logdet, hl, host.dtype)


@SETTINGS
@given(square_stacks(), st.integers(0, 3), st.booleans(), st.booleans())
def test_solve_numpy2_rules(case, k, vector, broadcast_b):
    host, dev = case
    n = host.shape[-1]
    rng = onp.random.default_rng(k)
    if vector:
        b = rng.uniform(-1, 1, (n,)).astype(host.dtype)
    else:
        b = rng.uniform(-1, 1, ((1,) if broadcast_b else host.shape[:-2]) + (n, k)).astype(host.dtype)
    check(np.linalg.solve(dev, np.array(b)), onp.linalg.solve(host, b), host.dtype)


@SETTINGS
@given(square_stacks(maker=spd), st.booleans())
def test_cholesky(case, upper):
    host, dev = case
    check(np.linalg.cholesky(dev, upper=upper), onp.linalg.cholesky(host, upper=upper), host.dtype)


@SETTINGS
@given(batches, st.integers(0, 5), st.integers(0, 5), fdtypes, st.sampled_from(["reduced", "complete", "r"]))
def test_qr(batch, m, n, dtype, mode):
    host = onp.random.default_rng(m * 7 + n).uniform(-1, 1, batch + (m, n)).astype(dtype)
    dev = np.array(host)
    ours, theirs = np.linalg.qr(dev, mode=mode), onp.linalg.qr(host, mode=mode)
    if mode == "r":
        check(abs(ours), onp.abs(theirs), dtype)
        return
    q, r = ours
    assert q.shape == theirs.Q.shape and r.shape == theirs.R.shape and q.dtype == r.dtype == onp.dtype(dtype)
    # Unique up to the signs of Q's columns / R's rows.
    check(abs(r), onp.abs(theirs.R), dtype)
    check(q @ r, host, dtype)
    k = q.shape[-1]
    check(q.swapaxes(-1, -2) @ q, onp.broadcast_to(onp.eye(k, dtype=dtype), batch + (k, k)), dtype)


@SETTINGS
@given(batches, st.integers(0, 5), st.integers(0, 5), fdtypes, st.booleans())
def test_svd(batch, m, n, dtype, full):
    host = onp.random.default_rng(m * 7 + n).uniform(-1, 1, batch + (m, n)).astype(dtype)
    dev = np.array(host)
    u, s, vh = np.linalg.svd(dev, full_matrices=full)
    hu, hs, hvh = onp.linalg.svd(host, full_matrices=full)
    assert u.shape == hu.shape and vh.shape == hvh.shape
    check(s, hs, dtype)
    check(np.linalg.svd(dev, compute_uv=False), hs, dtype)
    check(np.linalg.svdvals(dev), hs, dtype)
    k = s.shape[-1]
    check((u[..., :, :k] * s[..., None, :]) @ vh[..., :k, :], host, dtype)
    check(u.swapaxes(-1, -2) @ u, onp.broadcast_to(onp.eye(u.shape[-1], dtype=dtype), u.shape[:-2] + (u.shape[-1],) * 2), dtype)
    check(np.linalg.svd(dev, hermitian=False, full_matrices=False).S, hs, dtype)


@SETTINGS
@given(square_stacks(maker=spd), st.sampled_from(["L", "U"]))
def test_eigh_eigvalsh(case, uplo):
    host, dev = case
    # An unsymmetric input: only the UPLO triangle may be read.
    noisy = host + (onp.triu(onp.ones(host.shape[-2:]), 1) if uplo == "L" else onp.tril(onp.ones(host.shape[-2:]), -1)).astype(host.dtype)
    w, v = np.linalg.eigh(np.array(noisy), UPLO=uplo)
    hw, hv = onp.linalg.eigh(noisy, UPLO=uplo)
    check(w, hw, host.dtype)
    check(np.linalg.eigvalsh(np.array(noisy), UPLO=uplo), hw, host.dtype)
    check((v * w[..., None, :]) @ v.swapaxes(-1, -2), host, host.dtype)
    check(np.linalg.eigh(dev).eigenvalues, onp.linalg.eigh(host).eigenvalues, host.dtype)


@SETTINGS
@given(square_stacks(maker=spd))
def test_eig_real_spectrum(case):
    host, dev = case
    # A similarity transform of an SPD matrix: unsymmetric, real eigenvalues.
    p = well_conditioned(onp.random.default_rng(0), host.shape[-2:] if host.shape[-1] else (0, 0), host.dtype)
    a = (p @ host @ onp.linalg.inv(p).astype(host.dtype)).astype(host.dtype)
    w, v = np.linalg.eig(np.array(a))
    hw = onp.linalg.eigvals(a)
    check(np.sort(w, axis=-1), onp.sort(hw.real, axis=-1), host.dtype)
    check(np.sort(np.linalg.eigvals(np.array(a)), axis=-1), onp.sort(hw.real, axis=-1), host.dtype)
    check(np.array(a) @ v, (v * w[..., None, :]).asnumpy(), host.dtype)
    if v.size:
        check(np.linalg.norm(v, axis=-2), onp.ones(v.shape[:-1], host.dtype), host.dtype)


def test_eig_complex_spectrum_is_an_error():
    rot = np.array([[0.0, -1.0], [1.0, 0.0]])
    with pytest.raises(LinAlgError, match="complex"):
        np.linalg.eig(rot)
    with pytest.raises(LinAlgError, match="complex"):
        np.linalg.eigvals(rot)


@SETTINGS
@given(batches, st.integers(0, 5), st.integers(0, 5), fdtypes, st.booleans())
def test_pinv_matrix_rank(batch, m, n, dtype, low_rank):
    rng = onp.random.default_rng(m * 7 + n)
    host = rng.uniform(-1, 1, batch + (m, n))
    if low_rank and min(m, n) > 1:
        host = host[..., :, :1] @ host[..., :1, :]
    host = host.astype(dtype)
    dev = np.array(host)
    if not low_rank:
        # (NumPy's default rcond, 1e-15, keeps the rounding noise of a rank-deficient matrix.)
        check(np.linalg.pinv(dev), onp.linalg.pinv(host), dtype)
    check(np.linalg.pinv(dev, rtol=None), onp.linalg.pinv(host, rtol=None), dtype)
    if m and n:
        assert (np.linalg.matrix_rank(dev).asnumpy() == onp.linalg.matrix_rank(host)).all()
        assert (np.linalg.matrix_rank(dev, tol=0.5).asnumpy() == onp.linalg.matrix_rank(host, tol=0.5)).all()


@SETTINGS
@given(st.integers(1, 5), st.integers(1, 5), st.integers(0, 2), fdtypes, st.booleans())
def test_lstsq(m, n, k, dtype, vector):
    rng = onp.random.default_rng(m * 11 + n)
    a = rng.uniform(-1, 1, (m, n)).astype(dtype)
    b = rng.uniform(-1, 1, (m,) if vector else (m, k)).astype(dtype)
    x, res, rank, s = np.linalg.lstsq(np.array(a), np.array(b))
    hx, hres, hrank, hs = onp.linalg.lstsq(a, b)
    check(x, hx, dtype)
    check(res, hres, dtype)
    assert rank == hrank
    check(s, hs, dtype)


@SETTINGS
@given(square_stacks(dtype=st.just("float64")), st.integers(-3, 4))
def test_matrix_power(case, n):
    host, dev = case
    check(np.linalg.matrix_power(dev, n), onp.linalg.matrix_power(host, n), "float64")


def test_tensorinv_tensorsolve():
    rng = onp.random.default_rng(0)
    a = (rng.uniform(-1, 1, (4, 6, 8, 3)) + 0).reshape(24, 24)
    a = (a + 10 * onp.eye(24)).reshape(4, 6, 8, 3)
    check(np.linalg.tensorinv(np.array(a), ind=2), onp.linalg.tensorinv(a, ind=2), "float64")
    b = rng.uniform(-1, 1, (4, 6))
    check(np.linalg.tensorsolve(np.array(a), np.array(b)), onp.linalg.tensorsolve(a, b), "float64")
    a2 = a.reshape(24, 4, 6).transpose(1, 0, 2).copy()
    b2 = rng.uniform(-1, 1, (4,))
    a3 = rng.uniform(-1, 1, (2, 2, 4)) + onp.eye(4).reshape(2, 2, 4) * 5
    check(np.linalg.tensorsolve(np.array(a3), np.array(b2[:4].reshape(2, 2))), onp.linalg.tensorsolve(a3, b2.reshape(2, 2)), "float64")
    check(np.linalg.tensorsolve(np.array(a3.transpose(2, 0, 1)), np.array(b2.reshape(2, 2)), axes=(0,)),
          onp.linalg.tensorsolve(a3.transpose(2, 0, 1), b2.reshape(2, 2), axes=(0,)), "float64")
    del a2
    with pytest.raises(ValueError):
        np.linalg.tensorinv(np.array(a), ind=0)


def test_multi_dot_cond_transpose():
    rng = onp.random.default_rng(1)
    xs = [rng.uniform(-1, 1, s) for s in [(3,), (3, 4), (4, 2), (2,)]]
    check(np.linalg.multi_dot([np.array(x) for x in xs]), onp.linalg.multi_dot(xs), "float64")
    a = well_conditioned(rng, (2, 3, 3))
    for p in [None, 2, -2, 1, -1, onp.inf, -onp.inf, "fro", "nuc"]:
        check(np.linalg.cond(np.array(a), p), onp.linalg.cond(a, p), "float64")
    check(np.linalg.matrix_transpose(np.array(a)), onp.linalg.matrix_transpose(a), "float64")


# ---- norm -----------------------------------------------------------------------------------------

VECTOR_ORDS = [None, 1, 2, -1, -2, 0, 3, 0.5, onp.inf, -onp.inf]
MATRIX_ORDS = [None, "fro", "nuc", 1, -1, 2, -2, onp.inf, -onp.inf]


@pytest.mark.parametrize("ord", VECTOR_ORDS)
@pytest.mark.parametrize("dtype", ["float32", "float64", "int32"])
def test_norm_vector_ords(ord, dtype):
    rng = onp.random.default_rng(3)
    host = (rng.uniform(-3, 3, (2, 5)) * 2).astype(dtype)
    for axis, keepdims in [(1, False), (0, True), (-1, True)]:
        check(np.linalg.norm(np.array(host), ord, axis, keepdims), onp.linalg.norm(host, ord, axis, keepdims),
              "float32" if dtype == "float32" else "float64")
    check(np.linalg.norm(np.array(host[0]), ord), onp.linalg.norm(host[0], ord), "float32" if dtype == "float32" else "float64")
    check(np.linalg.vector_norm(np.array(host), ord=ord if ord is not None else 2),
          onp.linalg.vector_norm(host, ord=ord if ord is not None else 2), "float32" if dtype == "float32" else "float64")


@pytest.mark.parametrize("ord", MATRIX_ORDS)
@pytest.mark.parametrize("axis", [None, (0, 1), (1, 0), (-1, -2), (0, 2)])
def test_norm_matrix_ords(ord, axis):
    rng = onp.random.default_rng(4)
    host = rng.uniform(-3, 3, (3, 4) if axis in (None, (0, 1), (1, 0)) else (3, 4, 5))
    for keepdims in (False, True):
        check(np.linalg.norm(np.array(host), ord, axis, keepdims), onp.linalg.norm(host, ord, axis, keepdims), "float64")
    f32 = host.astype("float32")
    check(np.linalg.norm(np.array(f32), ord, axis), onp.linalg.norm(f32, ord, axis), "float32")
    if axis == (-1, -2):
        check(np.linalg.matrix_norm(np.array(host), ord=ord if ord else "fro"),
              onp.linalg.matrix_norm(host, ord=ord if ord else "fro"), "float64")


def test_norm_errors():
    x = np.array(onp.ones((2, 3, 4)))
    for call in [lambda: np.linalg.norm(x, 2), lambda: np.linalg.norm(x, 3, axis=(0, 1)),
                 lambda: np.linalg.norm(x[0, 0], "fro"), lambda: np.linalg.norm(x, axis=(0, 1, 2))]:
        with pytest.raises(ValueError):
            call()


# ---- dtypes, devices, errors ----------------------------------------------------------------------


def test_int_input_is_computed_in_float64():
    a = onp.array([[2, 1], [1, 3]], dtype="int32")
    for name in ["inv", "det", "cholesky", "pinv", "eigvalsh"]:
        ours, theirs = getattr(np.linalg, name)(np.array(a)), getattr(onp.linalg, name)(a)
        check(ours, theirs, "float64")
    check(np.linalg.solve(np.array(a), np.array([1, 2], dtype="int64")), onp.linalg.solve(a, [1, 2]), "float64")
    check(np.linalg.solve(np.array(a, dtype="float32"), np.array([1, 2], dtype="int64")),
          onp.linalg.solve(a.astype("float32"), onp.array([1, 2])), "float64")
    assert np.linalg.svd(np.array(a, dtype="bool")).S.dtype == onp.float64


def test_strided_views_from_conftest():
    strategy = views("float64", (3, 4, 4), kind="mixed")

    @settings(max_examples=10, deadline=None)
    @given(strategy)
    def run(case):
        host, dev = case
        host = host + 20 * onp.eye(4)
        dev = dev + np.array(20 * onp.eye(4))
        check(np.linalg.inv(dev), onp.linalg.inv(host), "float64")
        check(np.linalg.svd(dev, compute_uv=False), onp.linalg.svd(host, compute_uv=False), "float64")

    run()


def test_empty_and_zero_size():
    for shape in [(0, 3, 3), (2, 0, 0), (0, 0)]:
        host = onp.zeros(shape)
        dev = np.array(host)
        check(np.linalg.inv(dev), onp.linalg.inv(host), "float64")
        check(np.linalg.det(dev), onp.linalg.det(host), "float64")
        check(np.linalg.slogdet(dev).logabsdet, onp.linalg.slogdet(host).logabsdet, "float64")
        check(np.linalg.cholesky(dev), onp.linalg.cholesky(host), "float64")
        check(np.linalg.eigh(dev).eigenvalues, onp.linalg.eigh(host).eigenvalues, "float64")
        check(np.linalg.pinv(dev), onp.linalg.pinv(host), "float64")
    for shape in [(0, 3), (3, 0), (2, 0, 4)]:
        host, dev = onp.zeros(shape), np.array(onp.zeros(shape))
        for full in (True, False):
            u, s, vh = np.linalg.svd(dev, full_matrices=full)
            hu, hs, hvh = onp.linalg.svd(host, full_matrices=full)
            check(u, hu, "float64")
            check(s, hs, "float64")
            check(vh, hvh, "float64")
        for mode in ("reduced", "complete"):
            q, r = np.linalg.qr(dev, mode=mode)
            hq, hr = onp.linalg.qr(host, mode=mode)
            check(q, hq, "float64")
            check(r, hr, "float64")


def test_singular_and_bad_input_errors():
    sing = np.array([[1.0, 2.0], [2.0, 4.0]])
    assert issubclass(LinAlgError, ValueError) and issubclass(LinAlgError, MXNetError)
    for call in [lambda: np.linalg.inv(sing), lambda: np.linalg.solve(sing, np.array([1.0, 1.0])),
                 lambda: np.linalg.cholesky(np.array([[1.0, 2.0], [2.0, 1.0]])),
                 lambda: np.linalg.inv(np.ones((2, 3))), lambda: np.linalg.det(np.ones(3)),
                 lambda: np.linalg.inv(np.ones((4, 2, 2)) * np.array([1.0, 1.0, 0.0, 1.0])[:, None, None] * np.eye(2))]:
        with pytest.raises(LinAlgError) as info:
            call()
        assert "Singular" in str(info.value) or "positive definite" in str(info.value) or "dimension" in str(info.value) \
            or "square" in str(info.value)
        # NumPy raises its LinAlgError on the same input.
    with pytest.raises(onp.linalg.LinAlgError):
        onp.linalg.inv(sing.asnumpy())
    assert float(np.linalg.det(sing)) == 0.0
    sign, logdet = np.linalg.slogdet(sing)
    assert float(sign) == 0.0 and float(logdet) == -onp.inf
    with pytest.raises(ValueError):
        np.linalg.solve(np.eye(3), np.ones((2,)))
    with pytest.raises(ValueError):
        np.linalg.qr(np.eye(2), mode="raw")
    with pytest.raises(ValueError):
        np.linalg.eigh(np.eye(2), UPLO="X")
    with pytest.raises(TypeError):
        np.linalg.matrix_power(np.eye(2), 1.5)


def test_results_are_namedtuples():
    a = np.array(spd(onp.random.default_rng(0), (3, 3)))
    assert np.linalg.slogdet(a)._fields == onp.linalg.slogdet(a.asnumpy())._fields
    assert np.linalg.svd(a)._fields == onp.linalg.svd(a.asnumpy())._fields
    assert np.linalg.qr(a)._fields == onp.linalg.qr(a.asnumpy())._fields
    assert np.linalg.eigh(a)._fields == onp.linalg.eigh(a.asnumpy())._fields


def test_scipy_lu_det_agrees_on_a_large_batch():
    # A batch big enough for the parallel path.
    host = well_conditioned(onp.random.default_rng(5), (300, 16, 16))
    ours = np.linalg.det(np.array(host)).asnumpy()
    theirs = onp.array([scipy.linalg.det(m) for m in host])
    onp.testing.assert_allclose(ours, theirs, rtol=1e-9)
    check(np.linalg.cholesky(np.array(spd(onp.random.default_rng(6), (300, 16, 16)))),
          onp.linalg.cholesky(spd(onp.random.default_rng(6), (300, 16, 16))), "float64")


# ---- gradients ------------------------------------------------------------------------------------

RNG = onp.random.default_rng(7)
SQ = well_conditioned(RNG, (2, 3, 3))
SPD = spd(RNG, (2, 3, 3))
TALL = RNG.uniform(-1, 1, (2, 4, 3))
WIDE = RNG.uniform(-1, 1, (3, 5))


def test_grad_inv_det_slogdet():
    check_grad(np.linalg.inv, SQ)
    check_grad(np.linalg.det, SQ)
    check_grad(lambda a: np.linalg.slogdet(a).logabsdet, SQ)
    check_grad(lambda a: np.linalg.slogdet(a), SQ)


def test_grad_solve():
    b = RNG.uniform(-1, 1, (2, 3, 2))
    check_grad(np.linalg.solve, SQ, b)
    check_grad(np.linalg.solve, SQ, b[0, :, 0])
    check_grad(lambda a, b: np.linalg.solve(a, b), SQ[0], b)


def _sym(a):
    """Central differences of a function of a symmetric matrix must move both triangles:
    the functions below see ``(a + a^T) / 2``, whose gradient is the (symmetric) gradient
    cholesky/eigh give."""
    return (a + np.swapaxes(a, -1, -2)) * 0.5


@pytest.mark.parametrize("upper", [False, True])
def test_grad_cholesky(upper):
    check_grad(lambda a: np.linalg.cholesky(_sym(a), upper=upper), SPD)


def test_grad_cholesky_is_mxnets():
    # MXNet 1.9.1's gradient of cholesky with an all-ones head: 0.5 L^-T copyLTU(L^T dL) L^-1
    # (its test_np_linalg_cholesky), a symmetric matrix.
    a = onp.array([[4.0, 2.0, 0.6], [2.0, 5.0, 1.0], [0.6, 1.0, 3.0]])
    x = np.array(a, dtype="float64")
    x.attach_grad()
    with autograd.record():
        L = np.linalg.cholesky(x)
    L.backward()
    l = onp.linalg.cholesky(a)
    m = l.T @ onp.ones_like(l)
    sym = onp.tril(m) + onp.tril(m, -1).T
    linv = onp.linalg.inv(l)
    onp.testing.assert_allclose(x.grad.asnumpy(), 0.5 * linv.T @ sym @ linv, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("uplo", ["L", "U"])
def test_grad_eigh(uplo):
    check_grad(lambda a: np.linalg.eigh(_sym(a), UPLO=uplo), SPD)
    check_grad(lambda a: np.linalg.eigh(_sym(a), UPLO=uplo).eigenvalues, SPD)
    check_grad(lambda a: np.linalg.eigh(_sym(a), UPLO=uplo).eigenvectors, SPD)
    check_grad(lambda a: np.linalg.eigvalsh(_sym(a), UPLO=uplo), SPD)


@pytest.mark.parametrize("a", [SQ, TALL, TALL.swapaxes(-1, -2)], ids=["square", "tall", "wide"])
def test_grad_svd(a):
    check_grad(lambda x: np.linalg.svd(x, full_matrices=False), a, rtol=1e-4, atol=1e-5)
    check_grad(lambda x: np.linalg.svd(x, full_matrices=False).S, a)
    check_grad(lambda x: np.linalg.svd(x, full_matrices=False).U, a, rtol=1e-4, atol=1e-5)
    check_grad(lambda x: np.linalg.svd(x, full_matrices=False).Vh, a, rtol=1e-4, atol=1e-5)
    check_grad(lambda x: np.linalg.svd(x, compute_uv=False), a)


@pytest.mark.parametrize("a", [SQ, TALL, WIDE], ids=["square", "tall", "wide"])
def test_grad_qr(a):
    check_grad(lambda x: np.linalg.qr(x), a, rtol=1e-4, atol=1e-5)
    check_grad(lambda x: np.linalg.qr(x).Q, a, rtol=1e-4, atol=1e-5)
    check_grad(lambda x: np.linalg.qr(x, mode="r"), a, rtol=1e-4, atol=1e-5)


def test_grad_composed():
    check_grad(np.linalg.pinv, TALL, rtol=1e-4, atol=1e-5)
    check_grad(lambda x: np.linalg.norm(x, 2, axis=(-2, -1)), TALL)
    check_grad(lambda x: np.linalg.norm(x, "nuc", axis=(-2, -1)), TALL)
    check_grad(lambda x: np.linalg.matrix_power(x, -2), SQ)
    check_grad(lambda x: np.linalg.lstsq(x, WIDE[0, :4] if False else TALL[0, :, 0])[0], TALL[0])


def test_grad_of_grad_inv():
    x = np.array(SQ[0])
    x.attach_grad()
    with autograd.record():
        y = np.linalg.inv(x)
        (g,) = autograd.grad([y.sum()], [x], create_graph=True)
        z = (g * g).sum()
    z.backward()

    def z_of(a):
        y = onp.linalg.inv(a).T
        return float(((y @ onp.ones_like(a) @ y) ** 2).sum())

    want = onp.zeros_like(SQ[0])
    for j in onp.ndindex(*want.shape):
        up, down = SQ[0].copy(), SQ[0].copy()
        up[j] += 1e-6
        down[j] -= 1e-6
        want[j] = (z_of(up) - z_of(down)) / 2e-6
    onp.testing.assert_allclose(x.grad.asnumpy(), want, rtol=1e-5, atol=1e-7)


def test_numpy2_linalg_spellings():
    a = onp.arange(18.0).reshape(2, 3, 3)
    x = np.array(a, dtype="float64")
    onp.testing.assert_allclose(np.linalg.trace(x).asnumpy(), onp.linalg.trace(a))
    onp.testing.assert_allclose(np.linalg.diagonal(x).asnumpy(), onp.linalg.diagonal(a))
    onp.testing.assert_allclose(np.linalg.matmul(x, x).asnumpy(), onp.linalg.matmul(a, a))
    onp.testing.assert_allclose(np.linalg.tensordot(x, x[0], axes=1).asnumpy(), onp.linalg.tensordot(a, a[0], axes=1))
    onp.testing.assert_allclose(np.linalg.cross(x, x[::-1]).asnumpy(), onp.linalg.cross(a, a[::-1]))
    onp.testing.assert_allclose(np.linalg.vecdot(x, x).asnumpy(), onp.linalg.vecdot(a, a))
    v = onp.array([1.0, 2.0])
    onp.testing.assert_allclose(np.linalg.outer(np.array(v, dtype="float64"), np.array(v, dtype="float64")).asnumpy(),
                                onp.linalg.outer(v, v))
    with pytest.raises(ValueError):
        np.linalg.outer(x, x)

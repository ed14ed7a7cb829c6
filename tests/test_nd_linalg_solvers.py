"""``nd.linalg``'s factorizations (``potrf potri trsm gelqf syevd inverse det slogdet``) and
triangle packing (``extracttrian maketrian``): values recorded from MXNet 1.9.1, checks against
NumPy on batches, gradients against central differences, and MXNet's errors."""

import numpy as onp
import pytest

from conftest import raises
from deepblocks import nd
from deepblocks.base import MXNetError
from test_autograd_grads import check_grad

A = onp.array([[4.0, 2.0, 0.0], [2.0, 5.0, 1.0], [0.0, 1.0, 3.0]])


def close(x, expected, tol=1e-5):
    assert type(x) is nd.NDArray
    onp.testing.assert_allclose(x.asnumpy(), onp.asarray(expected, dtype=onp.float32), rtol=tol, atol=tol)


def test_values_recorded_from_mxnet():
    a = nd.array(A)
    L = nd.linalg.potrf(a)
    close(L, [[2.0, 0.0, 0.0], [1.0, 2.0, 0.0], [0.0, 0.5, 1.6583124]])
    close(nd.linalg.potri(L), [[0.3181818, -0.13636364, 0.04545455], [-0.13636364, 0.27272728, -0.09090909],
                               [0.04545455, -0.09090909, 0.36363637]])
    close(nd.linalg.trsm(L, nd.ones((3, 2)), alpha=2.0), [[1.0, 1.0], [0.5, 0.5], [1.0552897, 1.0552897]])
    close(nd.linalg.trsm(L, nd.ones((2, 3)), rightside=True, transpose=True),
          [[0.5, 0.25, 0.5276449], [0.5, 0.25, 0.5276449]])
    q, l = nd.linalg.gelqf(nd.array([[1.0, 2, 3], [4, 5, 6]]))
    close(q, [[-0.26726115, -0.5345225, -0.8017837], [0.87287164, 0.21821794, -0.4364358]])
    close(l, [[-3.7416575, 0.0], [-8.552359, 1.9639605]])
    u, lam = nd.linalg.syevd(a)
    close(u, [[0.5773503, -0.5773503, 0.5773503], [-0.57735026, 0.2113249, 0.78867525],
              [0.57735026, 0.7886752, 0.21132486]])
    close(lam, [2.0, 3.2679493, 6.732051])
    d = nd.linalg.det(a)
    assert d.shape == (1,)
    close(d, [44.0])
    sign, logdet = nd.linalg.slogdet(nd.array([[-1.0, 0], [0, 2]]))
    close(sign, [-1.0])
    close(logdet, [0.6931472])
    close(nd.linalg.det(nd.array([[[1.0, 2], [3, 4]]])), [-2.0])


def test_triangles_recorded_from_mxnet():
    m3 = nd.array([[1.0, 2, 3], [4, 5, 6], [7, 8, 9]])
    m4 = nd.arange(16).reshape((4, 4)) + 1
    close(nd.linalg.extracttrian(m3), [1, 4, 5, 7, 8, 9])
    close(nd.linalg.extracttrian(m3, offset=1), [2, 3, 6])
    close(nd.linalg.extracttrian(m3, lower=False), [1, 2, 5, 3, 6, 9])
    close(nd.linalg.extracttrian(m4, offset=1), [2, 3, 7, 4, 8, 12])
    close(nd.linalg.extracttrian(m4, offset=-1), [5, 9, 10, 13, 14, 15])
    close(nd.linalg.maketrian(nd.array([1.0, 2, 3, 4, 5, 6])), [[1, 0, 0], [2, 3, 0], [4, 5, 6]])
    close(nd.linalg.maketrian(nd.array([1.0, 2, 3]), offset=1), [[0, 1, 2], [0, 0, 3], [0, 0, 0]])
    close(nd.linalg.maketrian(nd.array([1.0, 2, 3]), offset=-1), [[0, 0, 0], [1, 0, 0], [2, 3, 0]])
    close(nd.linalg.maketrian(nd.arange(6) + 1, offset=1), [[0, 1, 2, 4], [0, 0, 3, 5], [0, 0, 0, 6], [0, 0, 0, 0]])
    close(nd.linalg.maketrian(nd.arange(6) + 1, lower=False), [[1, 2, 4], [0, 3, 5], [0, 0, 6]])


@pytest.mark.parametrize("offset,lower", [(0, True), (0, False), (1, True), (-2, False)])
def test_maketrian_inverts_extracttrian_on_batches(offset, lower):
    x = nd.array(onp.random.default_rng(0).standard_normal((2, 3, 5, 5)))
    packed = nd.linalg.extracttrian(x, offset=offset, lower=lower)
    back = nd.linalg.maketrian(packed, offset=offset, lower=lower)
    assert nd.linalg.extracttrian(back, offset=offset, lower=lower).asnumpy().tolist() == packed.asnumpy().tolist()


def test_batches_match_numpy():
    rng = onp.random.default_rng(1)
    m = rng.standard_normal((2, 3, 4, 4))
    spd = m @ m.transpose(0, 1, 3, 2) + 4 * onp.eye(4)
    x = nd.array(spd, dtype="float64")
    L = nd.linalg.potrf(x).asnumpy()
    onp.testing.assert_allclose(L, onp.linalg.cholesky(spd), rtol=1e-10)
    onp.testing.assert_allclose(nd.linalg.potri(nd.array(L, dtype="float64")).asnumpy(), onp.linalg.inv(spd), rtol=1e-8)
    onp.testing.assert_allclose(nd.linalg.inverse(x).asnumpy(), onp.linalg.inv(spd), rtol=1e-8)
    onp.testing.assert_allclose(nd.linalg.det(x).asnumpy(), onp.linalg.det(spd), rtol=1e-10)
    u, lam = nd.linalg.syevd(x)
    u, lam = u.asnumpy(), lam.asnumpy()
    onp.testing.assert_allclose(onp.swapaxes(u, -1, -2) @ (lam[..., None] * u), spd, rtol=1e-8, atol=1e-8)
    q, l = nd.linalg.gelqf(nd.array(m[..., :3, :], dtype="float64"))
    onp.testing.assert_allclose(l.asnumpy() @ q.asnumpy(), m[..., :3, :], rtol=1e-8, atol=1e-10)


def test_gradients():
    rng = onp.random.default_rng(2)
    m = rng.standard_normal((3, 3))
    spd = m @ m.T + 3 * onp.eye(3)
    lower = onp.tril(rng.standard_normal((3, 3))) + 3 * onp.eye(3)
    make = lambda a: nd.array(a, dtype="float64")  # noqa: E731
    check_grad(lambda a: nd.linalg.inverse(a), spd, make=make)
    check_grad(lambda a: nd.linalg.det(a), spd, make=make)
    check_grad(lambda a: nd.linalg.potri(a), lower, make=make)
    check_grad(lambda a, b: nd.linalg.trsm(a, b, alpha=1.5), lower, m, make=make)
    check_grad(lambda a: nd.linalg.extracttrian(a, offset=-1), m, make=make)
    check_grad(lambda v: nd.linalg.maketrian(v), onp.arange(6.0), make=make)


def test_errors():
    raises(MXNetError, nd.linalg.potrf, nd.ones((2, 3)), contains=("square",))
    raises(MXNetError, nd.linalg.gelqf, nd.ones((3, 2)), contains=("rows",))
    raises(MXNetError, nd.linalg.maketrian, nd.ones(4), contains=("triangle",))
    raises(MXNetError, nd.linalg.extracttrian, nd.ones((3, 3)), offset=3, contains=("offset",))
    raises(ValueError, nd.linalg.potrf, nd.array([[1.0, 2], [2, 1]]))  # not positive definite
    assert nd.linalg_potrf is nd.linalg.potrf and nd.linalg_det is nd.linalg.det

"""``nd.linalg``'s factorizations and solvers (MXNet 1.x's ``potrf``, ``potri``, ``trsm``,
``gelqf``, ``syevd``, ``inverse``, ``det``, ``slogdet``) and the triangle packing
``extracttrian``/``maketrian``, on the engine's ``np.linalg`` kernels (faer), so they are
batched over leading axes and differentiable, and give legacy arrays.

MXNet's conventions kept: ``potrf`` gives the lower Cholesky factor; ``gelqf`` returns
``(Q, L)`` with ``A = L Q``; ``syevd`` returns ``(U, lam)`` with the eigenvectors as the rows
of ``U`` (each signed so that its largest-magnitude entry is positive) and ``A = U^T diag(lam)
U``; ``det``/``slogdet`` of one matrix have shape ``(1,)``; the packed triangles list a lower
triangle by rows and an upper one by columns.

>>> from deepblocks import nd
>>> a = nd.array([[4.0, 2.0], [2.0, 3.0]])
>>> nd.linalg.potrf(a).asnumpy()
array([[2.       , 0.       ],
       [1.       , 1.4142135]], dtype=float32)
>>> nd.linalg.extracttrian(nd.array([[1, 2, 3], [4, 5, 6], [7, 8, 9]])).asnumpy()
array([1., 4., 5., 7., 8., 9.], dtype=float32)
"""

import math as _math

import numpy as _onp

from .. import _core
from .linalg import _matrices
from .ndarray import _nd
from .ops import OperatorError as _OperatorError
from .ops import _write

__all__ = ["linalg_potrf", "linalg_potri", "linalg_trsm", "linalg_gelqf", "linalg_syevd", "linalg_inverse",
           "linalg_det", "linalg_slogdet", "linalg_extracttrian", "linalg_maketrian"]


def _np():
    from .. import numpy

    return numpy


def _la():
    return _np().linalg


def _square(A, name):
    a = _matrices(A, name)
    if a.shape[-1] != a.shape[-2]:
        raise _OperatorError(f"{name}: A must be square in its last two axes, got shape {a.shape}")
    return a


def _t(x):
    return x.swapaxes(-1, -2)


def _scalar_shape(x):
    """A per-matrix result of one matrix as shape ``(1,)`` (MXNet's legacy rule)."""
    return _nd(x.reshape((1,)) if x.ndim == 0 else x)


def potrf(A=None, out=None, **kwargs):
    """The lower Cholesky factor ``L`` of each symmetric positive-definite matrix (``A = L L^T``)."""
    return _write(_nd(_la().cholesky(_square(A, "linalg_potrf"))), out)


def potri(A=None, out=None, **kwargs):
    """``inv(L L^T)`` from each lower Cholesky factor ``L`` (what ``potrf`` gives).

    >>> from deepblocks import nd
    >>> L = nd.linalg.potrf(nd.array([[4.0, 2.0], [2.0, 3.0]]))
    >>> nd.linalg.potri(L).asnumpy().round(4)
    array([[ 0.375, -0.25 ],
           [-0.25 ,  0.5  ]], dtype=float32)
    """
    l = _square(A, "linalg_potri")
    linv = _la().inv(l)
    return _write(_nd(_core.matmul(_t(linv), linv)), out)


def trsm(A=None, B=None, transpose=False, rightside=False, lower=True, alpha=1.0, out=None, **kwargs):
    """``alpha * op(A)^-1 B`` (or ``alpha * B op(A)^-1`` with ``rightside``) for triangular
    ``A`` (its ``lower`` or upper triangle is read), ``op`` the transpose when asked.

    >>> from deepblocks import nd
    >>> nd.linalg.trsm(nd.array([[2.0, 0.0], [1.0, 1.0]]), nd.array([[2.0], [3.0]])).asnumpy()
    array([[1.],
           [2.]], dtype=float32)
    """
    a = _square(A, "linalg_trsm")
    b = _matrices(B, "linalg_trsm", "B")
    tri = _np().tril(a) if lower else _np().triu(a)
    op = _t(tri) if transpose else tri
    if rightside:
        # X op(A) = B  <=>  op(A)^T X^T = B^T
        x = _t(_la().solve(_t(op), _t(b)))
    else:
        x = _la().solve(op, b)
    return _write(_nd(x * alpha if alpha != 1.0 else x), out)


def gelqf(A=None, out=None, **kwargs):
    """The LQ factorization of each ``m x n`` matrix with ``m <= n``: ``(Q, L)`` with
    ``A = L Q``, ``Q`` of orthonormal rows and ``L`` lower triangular.

    >>> from deepblocks import nd
    >>> q, l = nd.linalg.gelqf(nd.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]))
    >>> nd.dot(l, q).asnumpy().round(4)
    array([[1., 2., 3.],
           [4., 5., 6.]], dtype=float32)
    """
    a = _matrices(A, "linalg_gelqf")
    if a.shape[-2] > a.shape[-1]:
        raise _OperatorError(f"linalg_gelqf: A must have no more rows than columns, got shape {a.shape}")
    q, r = _la().qr(_t(a))  # A^T = Q R  =>  A = R^T Q^T
    return _write([_nd(_t(q)), _nd(_t(r))], out)


def syevd(A=None, out=None, **kwargs):
    """The eigendecomposition of each symmetric matrix: ``(U, lam)``, eigenvalues ascending,
    eigenvectors the rows of ``U`` (signed as MXNet's: largest-magnitude entry positive).

    >>> from deepblocks import nd
    >>> u, lam = nd.linalg.syevd(nd.array([[2.0, 0.0], [0.0, 1.0]]))
    >>> lam.asnumpy(), u.asnumpy()
    (array([1., 2.], dtype=float32), array([[0., 1.],
           [1., 0.]], dtype=float32))
    """
    a = _square(A, "linalg_syevd")
    w, v = _la().eigh(a)
    u = _t(v)
    if u.size:
        # MXNet's sign rule: each row's entry of largest magnitude is positive.
        big = _np().take_along_axis(u, _core.unary(u, "absolute").argmax(axis=-1, keepdims=True), -1)
        u = u * _core.where_(big < 0, -1.0, 1.0)
    return _write([_nd(u), _nd(w)], out)


def inverse(A=None, out=None, **kwargs):
    """The inverse of each square matrix."""
    return _write(_nd(_la().inv(_square(A, "linalg_inverse"))), out)


def det(A=None, out=None, **kwargs):
    """The determinant of each square matrix (shape ``(1,)`` for one matrix)."""
    return _write(_scalar_shape(_la().det(_square(A, "linalg_det"))), out)


def slogdet(A=None, out=None, **kwargs):
    """``[sign, log|det|]`` of each square matrix (each of shape ``(1,)`` for one matrix)."""
    sign, logdet = _la().slogdet(_square(A, "linalg_slogdet"))
    return _write([_scalar_shape(sign), _scalar_shape(logdet)], out)


def _triangle_positions(n, offset, lower):
    """(rows, cols) of the packed triangle of an ``n x n`` matrix, in MXNet's order: a lower
    triangle (``offset < 0``, or 0 with ``lower``) by rows, an upper one by columns."""
    if offset < 0 or (offset == 0 and lower):
        return _onp.tril_indices(n, offset)
    cols, rows = _onp.tril_indices(n, -offset)
    return rows, cols


def extracttrian(A=None, offset=0, lower=True, out=None, **kwargs):
    """The triangle of each square matrix on and below diagonal ``offset`` (``lower``, or
    ``offset < 0``) or on and above it, packed into a vector (differentiable)."""
    a = _square(A, "linalg_extracttrian")
    n = a.shape[-1]
    if abs(offset) >= n:
        raise _OperatorError(f"linalg_extracttrian: offset {offset} is outside a {n}x{n} matrix")
    rows, cols = _triangle_positions(n, offset, lower)
    flat = a.reshape(a.shape[:-2] + (n * n,))
    idx = _core.array(rows * n + cols, "int64", a.ctx, None, True)
    return _write(_nd(_core.take(flat, idx, -1)), out)


def maketrian(A=None, offset=0, lower=True, out=None, **kwargs):
    """The square matrices whose ``extracttrian(offset, lower)`` is each vector of ``A``'s last
    axis, zeros elsewhere (differentiable).

    >>> from deepblocks import nd
    >>> nd.linalg.maketrian(nd.array([1, 2, 3])).asnumpy()
    array([[1., 0.],
           [2., 3.]], dtype=float32)
    """
    a = _nd(A)
    if a.ndim < 1:
        raise _OperatorError("linalg_maketrian: A must have at least one dimension")
    k = a.shape[-1]
    m = int((_math.isqrt(8 * k + 1) - 1) // 2)
    if m * (m + 1) // 2 != k:
        raise _OperatorError(f"linalg_maketrian: {k} elements do not fill a triangle")
    n = m + abs(offset)
    rows, cols = _triangle_positions(n, offset, lower)
    # Every matrix entry gathers from the vector, padded with one zero for the entries
    # outside the triangle.
    where = _onp.full(n * n, k, dtype=_onp.int64)
    where[rows * n + cols] = _onp.arange(k)
    padded = _core.concatenate([a, _core.full(a.shape[:-1] + (1,), 0, a.dtype, a.ctx, None)], -1)
    idx = _core.array(where, "int64", a.ctx, None, True)
    return _write(_nd(_core.take(padded, idx, -1).reshape(a.shape[:-1] + (n, n))), out)


linalg_potrf = potrf
linalg_potri = potri
linalg_trsm = trsm
linalg_gelqf = gelqf
linalg_syevd = syevd
linalg_inverse = inverse
linalg_det = det
linalg_slogdet = slogdet
linalg_extracttrian = extracttrian
linalg_maketrian = maketrian

"""``nd.linalg``: MXNet 1.x's matrix operators built from products, triangles and diagonals
(also in ``nd`` as ``nd.linalg_gemm``, ``nd.linalg_gemm2``, ...): ``gemm``, ``gemm2``, ``syrk``,
``trmm``, ``sumlogdiag``, ``extractdiag`` and ``makediag``. Each works on the last two axes of
its operands (a stack of matrices when there are more) and is differentiable.

The factorizations (``potrf``, ``potri``, ``trsm``, ``gelqf``, ``syevd``, ``inverse``,
``det``, ``slogdet``) and ``extracttrian``/``maketrian`` are in ``linalg_solvers.py``.

>>> from deepblocks import nd
>>> a, b = nd.array([[1, 2], [3, 4]]), nd.array([[1, 0], [0, 2]])
>>> nd.linalg.gemm2(a, b, alpha=3).asnumpy()
array([[ 3., 12.],
       [ 9., 24.]], dtype=float32)
>>> nd.linalg_gemm(a, b, nd.ones((2, 2)), alpha=2, beta=0.5).asnumpy()
array([[ 2.5,  8.5],
       [ 6.5, 16.5]], dtype=float32)
"""

from .. import _core
from .legacy_shape import diag as _diag
from .ndarray import _name, _nd, _np_dtype
from .ops import OperatorError as _OperatorError
from .ops import _write

__all__ = ["linalg_gemm", "linalg_gemm2", "linalg_syrk", "linalg_trmm", "linalg_sumlogdiag", "linalg_extractdiag",
           "linalg_makediag"]


def _matrices(a, name, what="A"):
    x = _nd(a)
    if x.ndim < 2:
        raise _OperatorError(f"{name}: {what} must have at least 2 dimensions (a matrix), got shape {x.shape}")
    return x


def _t(x, transpose):
    return x.swapaxes(-1, -2) if transpose else x


def _rows_axis(x, axis, name):
    """``x`` with its row axis ``axis`` moved to -2 (MXNet's ``axis`` argument)."""
    if axis in (-2, x.ndim - 2):
        return x
    if not -x.ndim <= axis < x.ndim or axis % x.ndim == x.ndim - 1:
        raise _OperatorError(f"{name}: axis {axis} cannot be the row axis of shape {x.shape}")
    return _nd(_core.moveaxis(x, [axis], [-2]))


def _rows_back(x, axis):
    return x if axis in (-2, x.ndim - 2) else _nd(_core.moveaxis(x, [-2], [axis]))


def _product(a, b, name):
    if a.shape[:-2] != b.shape[:-2] or a.shape[-1] != b.shape[-2]:
        raise _OperatorError(f"{name}: matrices of shapes {a.shape} and {b.shape} do not multiply "
                             "(equal batch axes and inner sizes needed)")
    return _nd(_core.matmul(a, b))


def gemm(A=None, B=None, C=None, transpose_a=False, transpose_b=False, alpha=1.0, beta=1.0, axis=-2, out=None):
    """``alpha * op(A) @ op(B) + beta * C``, ``op`` transposing when asked."""
    a, b, c = (_rows_axis(_matrices(m, "linalg_gemm", w), axis, "linalg_gemm") for m, w in ((A, "A"), (B, "B"),
                                                                                          (C, "C")))
    prod = _product(_t(a, transpose_a), _t(b, transpose_b), "linalg_gemm")
    if c.shape != prod.shape:
        raise _OperatorError(f"linalg_gemm: C has shape {c.shape}, the product {prod.shape}")
    return _write(_rows_back(prod * alpha + c * beta, axis), out)


def gemm2(A=None, B=None, transpose_a=False, transpose_b=False, alpha=1.0, axis=-2, out=None):
    """``alpha * op(A) @ op(B)``."""
    a = _rows_axis(_matrices(A, "linalg_gemm2"), axis, "linalg_gemm2")
    b = _rows_axis(_matrices(B, "linalg_gemm2", "B"), axis, "linalg_gemm2")
    return _write(_rows_back(_product(_t(a, transpose_a), _t(b, transpose_b), "linalg_gemm2") * alpha, axis), out)


def syrk(A=None, transpose=False, alpha=1.0, out=None):
    """``alpha * A @ A.T`` (``alpha * A.T @ A`` with ``transpose``).

    >>> from deepblocks import nd
    >>> nd.linalg.syrk(nd.array([[1, 2], [3, 4]]), alpha=2).asnumpy()
    array([[10., 22.],
           [22., 50.]], dtype=float32)
    """
    a = _matrices(A, "linalg_syrk")
    at = a.swapaxes(-1, -2)
    return _write((_nd(_core.matmul(at, a)) if transpose else _nd(_core.matmul(a, at))) * alpha, out)


def trmm(A=None, B=None, transpose=False, rightside=False, lower=True, alpha=1.0, out=None):
    """``alpha * op(T) @ B`` (``alpha * B @ op(T)`` with ``rightside``), where ``T`` is the lower
    (or, with ``lower=False``, upper) triangle of ``A``; the other triangle of ``A`` is ignored."""
    a, b = _matrices(A, "linalg_trmm"), _matrices(B, "linalg_trmm", "B")
    if a.shape[-1] != a.shape[-2]:
        raise _OperatorError(f"linalg_trmm: A must be square, got shape {a.shape}")
    t = _nd(_core.triangle(a, 0, not lower))
    t = _t(t, transpose)
    return _write((_product(b, t, "linalg_trmm") if rightside else _product(t, b, "linalg_trmm")) * alpha, out)


def extractdiag(A=None, offset=0, out=None):
    """Diagonal ``offset`` of each matrix.

    >>> from deepblocks import nd
    >>> nd.linalg.extractdiag(nd.array([[1, 2], [3, 4]])).asnumpy()
    array([1., 4.], dtype=float32)
    """
    a = _matrices(A, "linalg_extractdiag")
    return _diag(a, k=offset, axis1=-2, axis2=-1, out=out)


def makediag(A=None, offset=0, out=None):
    """Square matrices with the last axis of ``A`` on diagonal ``offset`` (one per vector)."""
    a = _nd(A)
    if a.ndim < 1:
        raise _OperatorError("linalg_makediag: A must have at least one dimension")
    vectors = a.reshape((-1, a.shape[-1]))
    n = a.shape[-1] + abs(offset)
    made = [_diag(vectors[i], k=offset) for i in range(vectors.shape[0])]
    if not made:
        return _write(_nd(_core.full(a.shape[:-1] + (n, n), 0, _name(_np_dtype(a)), a.ctx, None, legacy=True)), out)
    return _write(_nd(_core.stack(made, 0)).reshape(a.shape[:-1] + (n, n)), out)


def sumlogdiag(A=None, out=None):
    """``sum(log(diag(A)))`` of each square matrix (shape ``(1,)`` for one matrix).

    >>> from deepblocks import nd
    >>> round(float(nd.linalg.sumlogdiag(nd.array([[2, 9], [1, 3]])).asscalar()), 4)
    1.7918
    """
    a = _matrices(A, "linalg_sumlogdiag")
    if a.shape[-1] != a.shape[-2]:
        raise _OperatorError(f"linalg_sumlogdiag: A must be square, got shape {a.shape}")
    d = extractdiag(a)
    return _write(_nd(_core.unary(d, "log", True)).sum(axis=-1), out)


linalg_gemm = gemm
linalg_gemm2 = gemm2
linalg_syrk = syrk
linalg_trmm = trmm
linalg_sumlogdiag = sumlogdiag
linalg_extractdiag = extractdiag
linalg_makediag = makediag

# The factorizations, on np.linalg's kernels (imported last: they use the helpers above).
from . import linalg_solvers as _solvers  # noqa: E402
from .linalg_solvers import *  # noqa: E402,F401,F403

__all__ += _solvers.__all__
for _short in ("potrf", "potri", "trsm", "gelqf", "syevd", "inverse", "det", "slogdet", "extracttrian", "maketrian"):
    globals()[_short] = getattr(_solvers, _short)

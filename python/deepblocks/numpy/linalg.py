"""``np.linalg``: NumPy's linear algebra on deepblocks arrays.

The factorizations (LU, Cholesky, QR, SVD, eigendecompositions) run in the engine on the
``faer`` crate, matrix by matrix over the leading axes of a stack (in parallel for large
batches). float32 stays float32; every other dtype is computed in float64, as NumPy does.

Arrays on a GPU: this build links no cuSOLVER, so a GPU array is copied to the host,
factored there, and the results copied back to its device (correct, but each call costs
two transfers and a synchronization).

``eig``/``eigvals``: deepblocks has no complex dtype, so they return real arrays when every
eigenvalue is real and raise ``LinAlgError`` when one is complex (``eigh``/``eigvalsh``
handle symmetric matrices, whose eigenvalues are always real).

Gradients (autograd): ``inv``, ``det``, ``slogdet``, ``solve``, ``cholesky``, ``qr``,
``svd``, ``eigh``/``eigvalsh`` each record one graph node whose backward is made of
differentiable operations (so higher derivatives work); ``pinv``, ``lstsq``, ``norm``
(2, -2, 'nuc'), ``matrix_power``, ``tensorinv`` and ``tensorsolve`` are composed of them.
``cholesky`` and ``eigh`` read one triangle of their input; their gradient is the symmetric
one MXNet and PyTorch give (the derivative along symmetric perturbations). Parts of a factorization that the
matrix does not determine (the extra columns of ``svd``'s U/Vh with ``full_matrices`` on a
non-square matrix, of ``qr``'s Q with mode 'complete' on a tall one) get no gradient.

>>> from deepblocks import np
>>> float(np.linalg.norm(np.array([3.0, 4.0])))
5.0
>>> a = np.array([[4.0, 2.0], [2.0, 3.0]], dtype="float64")
>>> float(np.linalg.det(a))
8.0
>>> np.linalg.solve(a, np.array([2.0, 1.0], dtype="float64"))
array([0.5, 0. ], dtype=float64)
>>> np.linalg.inv(np.array([[1.0, 2.0], [2.0, 4.0]]))
Traceback (most recent call last):
    ...
deepblocks.numpy.linalg.LinAlgError: inv: Singular matrix
"""

import collections as _collections
import sys as _sys

import numpy as _onp

from .. import _core
from ..autograd import Function as _Function

__all__ = [
    "LinAlgError", "cholesky", "cond", "det", "eig", "eigh", "eigvals", "eigvalsh", "inv",
    "lstsq", "matrix_norm", "matrix_power", "matrix_rank", "matrix_transpose", "multi_dot",
    "norm", "pinv", "qr", "slogdet", "solve", "svd", "svdvals", "tensorinv", "tensorsolve",
    "vector_norm",
]


class LinAlgError(_core.MXNetError, ValueError):
    """A matrix the linear-algebra function cannot handle (singular, not positive definite,
    complex eigenvalues, no convergence): NumPy's ``LinAlgError`` (a ``ValueError``), and an
    ``MXNetError`` as MXNet raises."""


LinAlgError.__module__ = "deepblocks.numpy.linalg"

SlogdetResult = _collections.namedtuple("SlogdetResult", ["sign", "logabsdet"])
QRResult = _collections.namedtuple("QRResult", ["Q", "R"])
SVDResult = _collections.namedtuple("SVDResult", ["U", "S", "Vh"])
EighResult = _collections.namedtuple("EighResult", ["eigenvalues", "eigenvectors"])
EigResult = _collections.namedtuple("EigResult", ["eigenvalues", "eigenvectors"])


def _np():
    return _sys.modules["deepblocks.numpy"]


def _asarray(x):
    return _core.array(x, None, None, None, False)


def _like(x, like):
    """``x`` (a scalar, list or array) as an array of ``like``'s dtype on its device."""
    return _core.array(x, like.dtype, like.ctx, None, False)


def _pair(a, b):
    """Two operands as arrays, a host operand (list, NumPy array) made on the other's device."""
    if isinstance(a, _core.ndarray) and not isinstance(b, _core.ndarray):
        return a, _core.array(b, None, a.ctx, None, False)
    if isinstance(b, _core.ndarray) and not isinstance(a, _core.ndarray):
        return _core.array(a, None, b.ctx, None, False), b
    return _asarray(a), _asarray(b)


def _float(x):
    """``x`` as an array in the dtype NumPy computes it in: float32 stays, others float64."""
    x = _asarray(x)
    return x if x.dtype in (_onp.float32, _onp.float64) else x.astype("float64")


def _matrices(name, x, square=True):
    if x.ndim < 2:
        raise LinAlgError(f"{name}: {x.ndim}-dimensional array given. Array must be at least two-dimensional")
    if square and x.shape[-1] != x.shape[-2]:
        raise LinAlgError(f"{name}: Last 2 dimensions of the array must be square (got shape {x.shape})")


# ---- matrix helpers for the backward rules (all differentiable) -------------------------------


def _T(x):
    return x.swapaxes(-1, -2)


def _eye(n, like):
    return _np().eye(n, dtype=like.dtype, ctx=like.ctx)


def _diag(v):
    """A stack of vectors (..., k) as diagonal matrices (..., k, k)."""
    return v[..., None] * _eye(v.shape[-1], v)


def _diagonal(m):
    return (m * _eye(m.shape[-1], m)).sum(axis=-1)


def _symmetric(g):
    """``(g + g^T) / 2``: the gradient of a function of a symmetric matrix (``cholesky``,
    ``eigh``) as MXNet and PyTorch give it, a symmetric matrix, although the function reads
    one triangle only (a perturbation of the input is taken to keep it symmetric)."""
    return (g + _T(g)) * 0.5


def _inv_t_right(x, r):
    """``x @ inv(r).T`` (r square), as a solve."""
    return _T(solve(r, _T(x)))


def _safe_reciprocal(x):
    """1/x where x != 0, else 0 (ties of eigen/singular values give no finite gradient;
    they contribute none rather than NaN)."""
    np = _np()
    nz = x != 0
    return np.where(nz, 1 / np.where(nz, x, 1), 0)


# ---- differentiable factorizations --------------------------------------------------------------


class _Factorization(_Function):
    """Saves the inputs and outputs of ``forward``. Under ``create_graph`` (backward itself
    recording), ``_outputs`` recomputes the outputs from the inputs through the public
    function, so the gradient stays connected to the inputs and higher derivatives are right;
    otherwise it returns the saved ones."""

    def _keep(self, inputs, outputs):
        self.save_for_backward(*inputs)
        self._saved_outputs = outputs
        return outputs

    def _outputs(self, recompute):
        return recompute(*self.saved_tensors) if _core.is_recording() else self._saved_outputs


class _Inv(_Factorization):
    def forward(self, a):
        return self._keep((a,), _core.linalg_inv(a))

    def backward(self, dy):
        y = self._outputs(inv)
        yt = _T(y)
        return -(yt @ dy @ yt)


class _Solve(_Factorization):
    def forward(self, a, b):
        return self._keep((a, b), _core.linalg_solve(a, b))

    def backward(self, dx):
        a = self.saved_tensors[0]
        x = self._outputs(lambda a, b: _Solve()(a, b))
        db = solve(_T(a), dx)
        return -(db @ _T(x)), db


class _Det(_Factorization):
    def forward(self, a):
        return self._keep((a,), _core.linalg_det(a))

    def backward(self, dd):
        a, = self.saved_tensors
        d = self._outputs(det)
        return (dd * d)[..., None, None] * _T(inv(a))


class _Slogdet(_Factorization):
    def forward(self, a):
        return self._keep((a,), _core.linalg_slogdet(a))

    def backward(self, dsign, dlog):
        a, = self.saved_tensors
        return dlog[..., None, None] * _T(inv(a))


class _Cholesky(_Factorization):
    def __init__(self, upper):
        super().__init__()
        self.upper = upper

    def forward(self, a):
        return self._keep((a,), _core.linalg_cholesky(a, self.upper))

    def backward(self, dc):
        c = self._outputs(lambda a: _Cholesky(self.upper)(a))
        l, dl = (_T(c), _T(dc)) if self.upper else (c, dc)
        np = _np()
        m = np.tril(_T(l) @ np.tril(dl))
        phi = m - _diag(_diagonal(m)) * 0.5
        # g = L^-T phi L^-1; its symmetric part is the gradient with respect to the whole
        # symmetric matrix, which MXNet and PyTorch give (MXNet's 0.5 L^-T copyLTU(L^T dL) L^-1).
        g = solve(_T(l), _T(solve(_T(l), _T(phi))))
        return _symmetric(g)


class _Eigh(_Factorization):
    def __init__(self, upper):
        super().__init__()
        self.upper = upper

    def forward(self, a):
        return self._keep((a,), _core.linalg_eigh(a, self.upper, True))

    def backward(self, dw, dv):
        w, v = self._outputs(lambda a: _Eigh(self.upper)(a))
        f = _safe_reciprocal(w[..., None, :] - w[..., :, None])
        g = v @ (_diag(dw) + f * (_T(v) @ dv)) @ _T(v)
        return _symmetric(g)


class _Svd(_Factorization):
    """The thin SVD's gradient; ``full`` pads U/Vh's extra columns (no gradient) and
    ``values_only`` returns S alone."""

    def __init__(self, full, values_only):
        super().__init__()
        self.full = full
        self.values_only = values_only

    def forward(self, a):
        u, s, vh = self._keep((a,), _core.linalg_svd(a, self.full, True))
        return s if self.values_only else (u, s, vh)

    def backward(self, *grads):
        u, s, vh = self._outputs(lambda a: _Svd(self.full, False)(a))
        m, n = u.shape[-2], vh.shape[-1]
        k = s.shape[-1]
        u, vh = u[..., :, :k], vh[..., :k, :]
        if self.values_only:
            return u @ _diag(grads[0]) @ vh
        du, ds, dvh = grads
        du, dv = du[..., :, :k], _T(dvh[..., :k, :])
        v = _T(vh)
        utdu, vtdv = _T(u) @ du, vh @ dv
        s2 = s * s
        f = _safe_reciprocal(s2[..., None, :] - s2[..., :, None])
        inner = (f * (utdu - _T(utdu))) * s[..., None, :] + s[..., :, None] * (f * (vtdv - _T(vtdv))) + _diag(ds)
        grad = u @ inner @ vh
        sinv = _safe_reciprocal(s)[..., None, :]
        if m > k:
            grad = grad + ((du - u @ utdu) * sinv) @ vh
        if n > k:
            grad = grad + u @ _T((dv - v @ vtdv) * sinv)
        return grad


class _Qr(_Factorization):
    def __init__(self, mode):
        super().__init__()
        self.mode = mode

    def forward(self, a):
        q, r = self._keep((a,), _core.linalg_qr(a, "complete" if self.mode == "complete" else "reduced"))
        return r if self.mode == "r" else (q, r)

    def backward(self, *grads):
        q, r = self._outputs(lambda a: _Qr("complete" if self.mode == "complete" else "reduced")(a))
        m, n = q.shape[-2], r.shape[-1]
        k = min(m, n)
        q, r = q[..., :, :k], r[..., :k, :]
        if self.mode == "r":
            dq, dr = _np().zeros_like(q), grads[0]
        else:
            dq, dr = grads
        dq, dr = dq[..., :, :k], dr[..., :k, :]
        if m >= n:
            return self._square_r(q, r, dq, dr)
        # A wide matrix [X | Y]: Q, R[:, :m] are X's QR, and R[:, m:] = Qᵀ Y.
        dx = self._square_r(q, r[..., :, :m], dq + self.saved_tensors[0][..., :, m:] @ _T(dr[..., :, m:]), dr[..., :, :m])
        dy = q @ dr[..., :, m:]
        return _np().concatenate([dx, dy], axis=-1)

    @staticmethod
    def _square_r(q, r, dq, dr):
        """A = QR with R square: gA = (Q M + dQ - Q Qᵀ dQ) R⁻ᵀ, M = tril(N - Nᵀ, -1) + dR Rᵀ,
        N = Qᵀ dQ - dR Rᵀ."""
        qtdq = _T(q) @ dq
        drrt = dr @ _T(r)
        nn = qtdq - drrt
        mm = _np().tril(nn - _T(nn), -1) + drrt
        return _inv_t_right(q @ mm + dq - q @ qtdq, r)


# ---- the NumPy functions ------------------------------------------------------------------------


def inv(a):
    """The inverse of each matrix of a ``(..., n, n)`` stack (``LinAlgError`` when singular)."""
    a = _float(a)
    _matrices("inv", a)
    return _Inv()(a)


def solve(a, b):
    """The solution of ``a @ x = b``: ``b`` is a vector (..., n) only when 1-D (NumPy 2's
    rule), otherwise a stack of matrices (..., n, k); leading axes broadcast."""
    a, b = _pair(a, b)
    _matrices("solve", a)
    dtype = "float32" if a.dtype == _onp.float32 and b.dtype == _onp.float32 else "float64"
    a = a if a.dtype == dtype else a.astype(dtype)
    b = b if b.dtype == dtype else b.astype(dtype)
    n = a.shape[-1]
    vector = b.ndim == 1
    if vector:
        b = b[:, None]
    if b.ndim < 2 or b.shape[-2] != n:
        raise ValueError(f"solve: b of shape {b.shape if not vector else b.shape[:1]} does not match a of shape {a.shape}"
                         f" (expected b of shape (..., {n}, k), or ({n},))")
    try:
        batch = tuple(_onp.broadcast_shapes(a.shape[:-2], b.shape[:-2]))
    except ValueError:
        raise ValueError(f"solve: the leading axes of a {a.shape} and b {b.shape} do not broadcast") from None
    if a.shape[:-2] != batch:
        a = a.broadcast_to(batch + a.shape[-2:])
    if b.shape[:-2] != batch:
        b = b.broadcast_to(batch + b.shape[-2:])
    x = _Solve()(a, b)
    return x[..., 0] if vector else x


def det(a):
    """The determinant of each matrix of a ``(..., n, n)`` stack."""
    a = _float(a)
    _matrices("det", a)
    return _Det()(a)


def slogdet(a):
    """``(sign, logabsdet)`` of each matrix: sign 0 and logabsdet -inf when singular."""
    a = _float(a)
    _matrices("slogdet", a)
    return SlogdetResult(*_Slogdet()(a))


def cholesky(a, /, *, upper=False):
    """The Cholesky factor of each symmetric positive-definite matrix: lower L (a = L Lᵀ,
    read from the lower triangle), or with ``upper`` U = Lᵀ read from the upper triangle."""
    a = _float(a)
    _matrices("cholesky", a)
    return _Cholesky(bool(upper))(a)


def qr(a, mode="reduced"):
    """The QR factorization of each matrix: ``QRResult(Q, R)`` for mode 'reduced' (Q (m, k),
    R (k, n)) or 'complete' (Q (m, m), R (m, n)); R alone for mode 'r'."""
    if mode not in ("reduced", "complete", "r"):
        if mode in ("raw", "full", "economic"):
            raise ValueError(f"qr: mode {mode!r} is not supported (use 'reduced', 'complete' or 'r')")
        raise ValueError(f"qr: unrecognized mode {mode!r}")
    a = _float(a)
    _matrices("qr", a, square=False)
    out = _Qr(mode)(a)
    return out if mode == "r" else QRResult(*out)


def svd(a, full_matrices=True, compute_uv=True, hermitian=False):
    """The singular value decomposition: ``SVDResult(U, S, Vh)`` with ``a = U @ diag(S) @ Vh``
    and S nonincreasing, or S alone without ``compute_uv``. ``hermitian`` is accepted; the
    general algorithm runs either way (same singular values; U and Vh may differ by signs
    from NumPy's eigh-based ones)."""
    a = _float(a)
    _matrices("svd", a, square=False)
    if not compute_uv:
        if _recording():
            return _Svd(False, True)(a)
        return _core.linalg_svd(a, False, False)[0]
    return SVDResult(*_Svd(bool(full_matrices), False)(a))


def svdvals(x, /):
    """The singular values of each matrix (NumPy 2's ``svdvals``)."""
    return svd(x, compute_uv=False)


def _recording():
    # While recording, the recorded path (it computes U and V for the backward).
    return _core.is_recording()


def _uplo(name, UPLO):
    if UPLO not in ("L", "U", "l", "u"):
        raise ValueError(f"{name}: UPLO argument must be 'L' or 'U' (got {UPLO!r})")
    return UPLO in ("U", "u")


def eigh(a, UPLO="L"):
    """Eigenvalues (ascending) and eigenvectors (columns) of each symmetric matrix, read from
    its lower (``UPLO='L'``) or upper triangle: ``EighResult(eigenvalues, eigenvectors)``."""
    upper = _uplo("eigh", UPLO)
    a = _float(a)
    _matrices("eigh", a)
    return EighResult(*_Eigh(upper)(a))


def eigvalsh(a, UPLO="L"):
    """The eigenvalues (ascending) of each symmetric matrix."""
    upper = _uplo("eigvalsh", UPLO)
    a = _float(a)
    _matrices("eigvalsh", a)
    if _recording():
        return _Eigh(upper)(a)[0]
    return _core.linalg_eigh(a, upper, False)[0]


def eig(a):
    """Eigenvalues and unit eigenvectors (columns) of each square matrix, when they are all
    real (``LinAlgError`` otherwise: deepblocks has no complex dtype). Not differentiable."""
    a = _float(a)
    _matrices("eig", a)
    return EigResult(*_core.linalg_eig(a, True))


def eigvals(a):
    """The eigenvalues of each square matrix, when they are all real (see ``eig``)."""
    a = _float(a)
    _matrices("eigvals", a)
    return _core.linalg_eig(a, False)[0]


_NO_VALUE = object()


def _eps(x):
    return float(_onp.finfo(x.dtype).eps)


def pinv(a, rcond=None, hermitian=False, *, rtol=_NO_VALUE):
    """The Moore-Penrose pseudo-inverse of each matrix, from its SVD: singular values at
    most ``rcond`` (or ``rtol``) times the largest are taken as 0."""
    a = _float(a)
    _matrices("pinv", a, square=False)
    if rcond is None:
        if rtol is _NO_VALUE:
            rcond = 1e-15
        elif rtol is None:
            rcond = max(a.shape[-2:]) * _eps(a)
        else:
            rcond = rtol
    elif rtol is not _NO_VALUE:
        raise ValueError("`rtol` and `rcond` can't be both set.")
    np = _np()
    m, n = a.shape[-2:]
    if m == 0 or n == 0:
        return np.zeros(a.shape[:-2] + (n, m), dtype=a.dtype, ctx=a.ctx)
    u, s, vh = svd(a, full_matrices=False)
    rcond = _like(rcond, a)
    cutoff = rcond[..., None] * s.max(axis=-1, keepdims=True)
    keep = s > cutoff
    sinv = np.where(keep, 1 / np.where(keep, s, 1), 0)
    return _T(vh) @ (sinv[..., None] * _T(u))


def lstsq(a, b, rcond=None):
    """The least-squares solution of ``a @ x = b`` (a 2-D, b (m,) or (m, k)), from the SVD:
    ``(x, residuals, rank, s)`` as NumPy (``rcond=None``: machine epsilon times max(m, n))."""
    a, b = _pair(a, b)
    if a.ndim != 2:
        raise LinAlgError(f"lstsq: {a.ndim}-dimensional array given. Array must be two-dimensional")
    if b.ndim not in (1, 2):
        raise LinAlgError(f"lstsq: {b.ndim}-dimensional array given. Array must be one or two-dimensional")
    m, n = a.shape
    if b.shape[0] != m:
        raise LinAlgError(f"lstsq: Incompatible dimensions: a is {a.shape}, b is {b.shape}")
    dtype = "float32" if a.dtype == _onp.float32 and b.dtype == _onp.float32 else "float64"
    a = a if a.dtype == dtype else a.astype(dtype)
    b = b if b.dtype == dtype else b.astype(dtype)
    np = _np()
    vector = b.ndim == 1
    bm = b[:, None] if vector else b
    if rcond is None:
        rcond = _eps(a) * max(m, n)
    u, s, vh = svd(a, full_matrices=False)
    if s.shape[0]:
        keep = s > rcond * s.max()
        rank = int(keep.sum())
        sinv = np.where(keep, 1 / np.where(keep, s, 1), 0)
        x = _T(vh) @ (sinv[:, None] * (_T(u) @ bm))
    else:
        rank = 0
        x = np.zeros((n, bm.shape[1]), dtype=dtype, ctx=a.ctx)
    if rank == n and m > n:
        residuals = ((bm - a @ x) ** 2).sum(axis=0)
    else:
        residuals = np.zeros((0,), dtype=dtype, ctx=a.ctx)
    return (x[:, 0] if vector else x), residuals, rank, s


def matrix_rank(A, tol=None, hermitian=False, *, rtol=None):
    """The number of singular values above ``tol`` (default: the largest times ``rtol``,
    itself max(m, n) times epsilon by default), per matrix; for 0-d/1-d input, 1 unless all
    elements are 0."""
    A = _float(A)
    np = _np()
    if A.ndim < 2:
        return (A != 0).any().astype("int64")
    s = svd(A, compute_uv=False)
    if tol is None:
        if rtol is None:
            rtol = max(A.shape[-2:]) * _eps(A)
        rtol = _like(rtol, s)[..., None]
        if s.shape[-1] == 0:
            return np.zeros(s.shape[:-1], dtype="int64", ctx=A.ctx)
        tol = s.max(axis=-1, keepdims=True) * rtol
    else:
        tol = _like(tol, s)[..., None]
    return (s > tol).astype("int64").sum(axis=-1)


def matrix_power(a, n):
    """``a`` raised to the integer power ``n`` (matrix products; n < 0 inverts first, n = 0
    gives identities)."""
    a = _asarray(a)
    _matrices("matrix_power", a)
    try:
        n = int(_onp.int64(n)) if not isinstance(n, bool) and _onp.ndim(n) == 0 and float(n) == int(n) else None
    except (TypeError, ValueError):
        n = None
    if n is None:
        raise TypeError("exponent must be an integer")
    np = _np()
    if n == 0:
        return np.broadcast_to(_eye(a.shape[-1], a), a.shape) * 1
    if n < 0:
        a, n = inv(a), -n
    result, base = None, a
    while n:
        if n & 1:
            result = base if result is None else result @ base
        n >>= 1
        if n:
            base = base @ base
    return result


def tensorinv(a, ind=2):
    """The inverse of ``a`` seen as a linear map from its last axes to its first ``ind``:
    ``tensordot(tensorinv(a), a, ind)`` is the identity."""
    a = _asarray(a)
    if ind <= 0:
        raise ValueError("Invalid ind argument.")
    old = a.shape
    prod = int(_onp.prod(old[ind:]))
    return inv(a.reshape(prod, -1)).reshape(old[ind:] + old[:ind])


def tensorsolve(a, b, axes=None):
    """The ``x`` with ``tensordot(a, x, axes=x.ndim) == b``; ``axes`` are moved to the end
    of ``a`` first."""
    a, b = _pair(a, b)
    if axes is not None:
        axes = [ax % a.ndim for ax in axes]
        order = [k for k in range(a.ndim) if k not in axes] + axes
        a = a.transpose(order)
    old = a.shape[b.ndim:]
    prod = int(_onp.prod(old))
    if int(_onp.prod(a.shape)) != prod * prod:
        raise LinAlgError(
            "Input arrays must satisfy the requirement prod(a.shape[b.ndim:]) == prod(a.shape[:b.ndim])")
    return solve(a.reshape(prod, prod), b.reshape(-1)).reshape(old)


def multi_dot(arrays, *, out=None):
    """The product of a sequence of arrays, left to right (first 1-D: a row; last 1-D: a
    column)."""
    if out is not None:
        raise NotImplementedError("multi_dot: out= is not supported")
    arrays = [_asarray(x) for x in arrays]
    if len(arrays) < 2:
        raise ValueError("Expecting at least two arrays.")
    result = arrays[0]
    for x in arrays[1:]:
        result = _np().dot(result, x)
    return result


def matrix_transpose(x, /):
    """The transpose of each matrix of a stack."""
    x = _asarray(x)
    _matrices("matrix_transpose", x, square=False)
    return _T(x)


def cond(x, p=None):
    """The condition number of each matrix in the norm ``p`` (None/2/-2: ratio of extreme
    singular values; others: norm(x) * norm(inv(x)))."""
    x = _float(x)
    _matrices("cond", x, square=p not in (None, 2, -2))
    if p in (None, 2, -2):
        s = svd(x, compute_uv=False)
        return s[..., 0] / s[..., -1] if p != -2 else s[..., -1] / s[..., 0]
    return norm(x, p, axis=(-2, -1)) * norm(inv(x), p, axis=(-2, -1))


def vector_norm(x, /, *, axis=None, keepdims=False, ord=2):
    """NumPy 2's ``vector_norm``: the ``ord`` norm over ``axis`` (all axes for None)."""
    x = _float(x)
    axis = tuple(range(x.ndim)) if axis is None else (axis,) if isinstance(axis, int) else tuple(axis)
    return _vector_norm_axes(x, axis, keepdims, ord)


def _vector_norm_axes(x, axis, keepdims, ord):
    axis = tuple(a % x.ndim for a in axis)
    rest = [k for k in range(x.ndim) if k not in axis]
    moved = x.transpose(rest + list(axis)).reshape(tuple(x.shape[k] for k in rest) + (-1,))
    out = norm(moved, ord, axis=-1)
    if keepdims:
        out = out.reshape(tuple(1 if k in axis else x.shape[k] for k in range(x.ndim)))
    return out


def matrix_norm(x, /, *, keepdims=False, ord="fro"):
    """NumPy 2's ``matrix_norm``: the ``ord`` norm of each matrix of a stack."""
    x = _float(x)
    _matrices("matrix_norm", x, square=False)
    return norm(x, ord, axis=(-2, -1), keepdims=keepdims)


def norm(x, ord=None, axis=None, keepdims=False):
    """Vector and matrix norms, as ``numpy.linalg.norm``: for vectors ord None/2, inf, -inf,
    0, 1, any p; for matrices (two axes) None/'fro', 'nuc', 1, -1, 2, -2, inf, -inf (2, -2
    and 'nuc' from the singular values)."""
    x = _float(x)
    np = _np()
    if isinstance(axis, int):
        axis = (axis,)
    elif axis is not None:
        axis = tuple(axis)
    if axis is None and ord is not None and x.ndim not in (1, 2):
        raise ValueError("Improper number of dimensions to norm.")
    nd_axes = x.ndim if axis is None else len(axis)
    if ord is None and axis is None:
        out = _core.unary((x * x).sum(), "sqrt")
        return out.reshape((1,) * x.ndim) if keepdims else out
    if nd_axes == 1:
        if isinstance(ord, str):
            raise ValueError(f"Invalid norm order '{ord}' for vectors")
        if ord is None or ord == 2:
            return _core.unary((x * x).sum(axis=axis, keepdims=keepdims), "sqrt")
        a = _core.unary(x, "absolute")
        if ord == _onp.inf:
            return a.max(axis=axis, keepdims=keepdims)
        if ord == -_onp.inf:
            return a.min(axis=axis, keepdims=keepdims)
        if ord == 0:
            return (x != 0).astype(x.dtype).sum(axis=axis, keepdims=keepdims)
        if ord == 1:
            return a.sum(axis=axis, keepdims=keepdims)
        return ((a ** ord).sum(axis=axis, keepdims=keepdims)) ** (1.0 / ord)
    if nd_axes == 2:
        r, c = (0, 1) if axis is None else axis
        r, c = r % x.ndim, c % x.ndim
        if r == c:
            raise ValueError("Duplicate axes given.")
        if ord is None or ord in ("fro", "f"):
            return _core.unary((x * x).sum(axis=(r, c), keepdims=keepdims), "sqrt")
        a = _core.unary(x, "absolute")
        if ord in (1, -1):
            s = a.sum(axis=r, keepdims=True)
            out = s.max(axis=c, keepdims=True) if ord == 1 else s.min(axis=c, keepdims=True)
        elif ord in (_onp.inf, -_onp.inf):
            s = a.sum(axis=c, keepdims=True)
            out = s.max(axis=r, keepdims=True) if ord > 0 else s.min(axis=r, keepdims=True)
        elif ord in (2, -2, "nuc"):
            sv = svd(np.moveaxis(x, (r, c), (-2, -1)), compute_uv=False)
            if ord == "nuc":
                out = sv.sum(axis=-1)
            else:
                out = sv.max(axis=-1) if ord == 2 else sv.min(axis=-1)
            out = np.expand_dims(np.expand_dims(out, -1), -1)
            out = np.moveaxis(out, (-2, -1), (r, c))
        else:
            raise ValueError(f"Invalid norm order {ord!r} for matrices")
        return out if keepdims else out.squeeze(axis=(r, c))
    raise ValueError("Improper number of dimensions to norm.")


# ---- NumPy 2's linalg spellings of functions of the main namespace ------------------------------


def matmul(x1, x2, /):
    """``np.matmul`` (NumPy 2's ``linalg.matmul``)."""
    return _np().matmul(x1, x2)


def outer(x1, x2, /):
    """``np.outer`` of two vectors (NumPy 2's ``linalg.outer`` refuses other ranks)."""
    x1, x2 = _asarray(x1), _asarray(x2)
    if x1.ndim != 1 or x2.ndim != 1:
        raise ValueError(f"linalg.outer: both inputs must be 1-D, got shapes {x1.shape} and {x2.shape}")
    return _np().outer(x1, x2)


def tensordot(x1, x2, /, *, axes=2):
    """``np.tensordot`` (NumPy 2's ``linalg.tensordot``)."""
    return _np().tensordot(x1, x2, axes=axes)


def trace(x, /, *, offset=0, dtype=None):
    """The trace of each matrix in the last two axes (NumPy 2's ``linalg.trace``).

    >>> from deepblocks import np
    >>> np.linalg.trace(np.ones((2, 3, 3))).tolist()
    [3.0, 3.0]
    """
    return _np().trace(x, offset=offset, axis1=-2, axis2=-1, dtype=dtype)


def diagonal(x, /, *, offset=0):
    """The diagonal of each matrix in the last two axes (NumPy 2's ``linalg.diagonal``)."""
    return _np().diagonal(x, offset=offset, axis1=-2, axis2=-1)


def cross(x1, x2, /, *, axis=-1):
    """The cross product of 3-vectors along ``axis`` (NumPy 2's ``linalg.cross``)."""
    x1, x2 = _asarray(x1), _asarray(x2)
    if x1.shape[axis] != 3 or x2.shape[axis] != 3:
        raise ValueError(f"linalg.cross: both inputs must have 3 elements along axis {axis}, "
                         f"got shapes {x1.shape} and {x2.shape}")
    return _np().cross(x1, x2, axis=axis)


def vecdot(x1, x2, /, *, axis=-1):
    """``np.vecdot`` (NumPy 2's ``linalg.vecdot``)."""
    return _np().vecdot(x1, x2, axis=axis)


__all__ += ["matmul", "outer", "tensordot", "trace", "diagonal", "cross", "vecdot"]

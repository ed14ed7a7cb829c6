"""``np.random.multinomial`` and ``np.random.multivariate_normal``: vector-valued samples,
with MXNet 1.9.1's signatures and NumPy's semantics (MXNet's batched ``mean``/``cov`` for the
multivariate normal).

>>> from deepblocks import np
>>> np.random.multinomial(10, [0.2, 0.3, 0.5], size=2).shape
(2, 3)
>>> np.random.multivariate_normal(np.zeros(2), np.eye(2), size=(4, 3)).shape
(4, 3, 2)
"""

import warnings as _warnings

import numpy as _onp

from .. import _core
from .. import host_samplers as _host
from .random_params import size_tuple, to_out

__all__ = ["multinomial", "multivariate_normal"]

_EXTRA = ("ctx", "device", "dtype", "out")


def _host_data(name, v):
    if isinstance(v, _core.ndarray):
        return v.asnumpy().astype(_onp.float64)
    try:
        return _onp.asarray(v, dtype=_onp.float64)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be an array or a sequence of numbers, got {type(v).__name__}") from None


def multinomial(n, pvals, size=None, **kwargs):
    """Counts of ``n`` trials over ``len(pvals)`` outcomes: shape ``size + (len(pvals),)``,
    int64. As NumPy, the last probability is what the others leave, and ``pvals[:-1]`` may not
    sum past 1. Keywords ``ctx``, ``device``, ``dtype``, ``out`` as the other samplers.

    >>> from deepblocks import np
    >>> x = np.random.multinomial(100, [1 / 3, 2 / 3], size=4)
    >>> x.sum(axis=1).tolist()
    [100, 100, 100, 100]
    """
    unknown = set(kwargs) - set(_EXTRA)
    if unknown:
        raise TypeError(f"multinomial() got unexpected keyword arguments {sorted(unknown)}")
    if isinstance(n, bool) or not isinstance(n, (int, _onp.integer)):
        if isinstance(n, (float, _onp.floating)) and float(n).is_integer():
            n = int(n)
        else:
            raise TypeError(f"multinomial: n must be an integer, got {n!r}")
    if n < 0:
        raise ValueError("multinomial: n < 0")
    p = _host_data("pvals", pvals)
    if p.ndim != 1:
        raise ValueError(f"multinomial: pvals must be one-dimensional, got shape {p.shape}")
    if ((p < 0) | (p > 1) | _onp.isnan(p)).any():
        raise ValueError("multinomial: pvals < 0, pvals > 1 or pvals contains NaNs")
    # float32 probabilities (MXNet's default dtype) that sum to 1 on paper round above it:
    # [0.4, 0.3, 0.2, 0.1] sums to 1.0000000149. Allow float32's rounding for them.
    slack = 1e-6 if _onp.dtype(getattr(pvals, "dtype", _onp.float64)) == _onp.float32 else 1e-12
    if p[:-1].sum() > 1.0 + slack:
        raise ValueError("multinomial: sum(pvals[:-1]) > 1.0")
    shape = size_tuple(size) or ()
    # Empty pvals give an empty result of shape size + (0,), as MXNet's (its tests use it).
    counts = (_onp.zeros((int(_onp.prod(shape, dtype=_onp.int64)), 0), _onp.int64) if p.size == 0
              else _host.multinomial(n, p, int(_onp.prod(shape, dtype=_onp.int64))))
    out = _checked_out(kwargs.get("out"))
    dtype = kwargs.get("dtype") or (out.dtype if out is not None else "int64")
    r = _core.array(counts.reshape(shape + (p.size,)), dtype, kwargs.get("ctx"), kwargs.get("device"), True)
    return to_out(r, out)


def multivariate_normal(mean, cov, size=None, check_valid=None, tol=None, **kwargs):
    """Samples of N(``mean``, ``cov``): ``mean`` of shape ``(..., N)``, ``cov`` of shape
    ``(..., N, N)`` (leading batch axes broadcast, as MXNet's); the result has shape
    ``size + broadcast(mean.shape, cov.shape[:-1])``, float32 unless ``dtype`` says otherwise.

    ``cov`` is factored on the host (by its eigendecomposition, so positive-semidefinite
    matrices work, as NumPy's SVD); the samples ``mean + A z`` are differentiable in ``mean``.
    ``check_valid`` ('warn' by default, 'raise', 'ignore') and ``tol`` act as NumPy's when
    ``cov`` has a negative eigenvalue.

    >>> from deepblocks import np
    >>> np.random.multivariate_normal(np.zeros((3, 2)), np.array([[1, 0], [0, 100]])).shape
    (3, 2)
    """
    unknown = set(kwargs) - set(_EXTRA)
    if unknown:
        raise TypeError(f"multivariate_normal() got unexpected keyword arguments {sorted(unknown)}")
    check_valid = "warn" if check_valid is None else check_valid
    if check_valid not in ("warn", "raise", "ignore"):
        raise ValueError("check_valid must equal 'warn', 'raise', or 'ignore'")
    tol = 1e-8 if tol is None else float(tol)
    out = _checked_out(kwargs.get("out"))
    dtype = _onp.dtype(kwargs.get("dtype") or (out.dtype if out is not None else "float32")).name
    c = _host_data("cov", cov)
    if c.ndim < 2 or c.shape[-1] != c.shape[-2]:
        raise ValueError(f"multivariate_normal: cov must be square in its last two axes, got shape {c.shape}")
    if isinstance(mean, _core.ndarray):
        m = mean if mean.dtype == _onp.dtype(dtype) else mean.astype(dtype)
    else:
        m = _core.array(_host_data("mean", mean), dtype, None, None, True)
    if m.ndim < 1 or m.shape[-1] != c.shape[-1]:
        raise ValueError(f"multivariate_normal: mean of shape {tuple(m.shape)} and cov of shape {c.shape} "
                         "do not have the same length N")
    try:
        batch = _onp.broadcast_shapes(tuple(m.shape), c.shape[:-1])
    except ValueError:
        raise ValueError(f"multivariate_normal: mean of shape {tuple(m.shape)} and cov of shape {c.shape} "
                         "do not broadcast") from None
    w, v = _onp.linalg.eigh(c)
    # eigh reads one triangle only: a non-symmetric cov is as invalid as a negative eigenvalue
    asymmetric = not _onp.allclose(c, _onp.swapaxes(c, -1, -2), rtol=tol, atol=tol)
    if check_valid != "ignore" and (asymmetric or (w < -tol * _onp.maximum(1.0, _onp.abs(w).max())).any()):
        if check_valid == "raise":
            raise ValueError("covariance is not symmetric positive-semidefinite.")
        _warnings.warn("covariance is not symmetric positive-semidefinite.", RuntimeWarning, stacklevel=2)
    # A with A A^T = cov; stored transposed so that row vectors z give z @ A^T
    factor_t = _onp.swapaxes(v * _onp.sqrt(_onp.clip(w, 0, None))[..., None, :], -1, -2)
    ctx, device = kwargs.get("ctx"), kwargs.get("device")
    if ctx is None and device is None and isinstance(mean, _core.ndarray):
        ctx = mean.ctx
    shape = (size_tuple(size) or ()) + batch
    z = _core.normal(0.0, 1.0, shape, dtype, ctx, device)
    a_t = _core.array(factor_t, dtype, ctx, device, True)
    r = m + (z[..., None, :] @ a_t)[..., 0, :]
    return to_out(r, out)


def _checked_out(out):
    """``out`` when it is None or an array (what ``to_out`` can fill), else MXNet's TypeError."""
    if out is not None and not isinstance(out, _core.ndarray):
        raise TypeError(f"out must be an ndarray, got {type(out).__name__}")
    return out

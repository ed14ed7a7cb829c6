"""``nd.random`` samplers built from the shared generator's uniform and normal draws: gamma,
Poisson, negative binomial (plain and generalized) and multinomial.

The draws are transformed on the host by ``deepblocks.host_samplers`` (shared with
``np.random``), so one ``seed`` call still makes them repeat.

>>> from deepblocks import nd
>>> nd.random.seed(7)
>>> a = nd.random.poisson(3, shape=(2, 3))
>>> nd.random.seed(7)
>>> bool((nd.random.poisson(3, shape=(2, 3)) == a).asnumpy().all()), a.dtype
(True, <class 'numpy.float32'>)
>>> nd.random.gamma(nd.array([1, 2]), nd.array([3, 4]), shape=5).shape
(2, 5)
"""

import numpy as _onp

from ..host_samplers import gamma_unit as _gamma_unit
from ..host_samplers import poisson as _poisson
from ..host_samplers import uniform as _uniform
from .ndarray import _base
from .ops import array as _convert

__all__ = ["gamma", "poisson", "negative_binomial", "generalized_negative_binomial", "multinomial"]

_FLOAT_DTYPES = ("float16", "float32", "float64")


def _array(data, ctx=None, dtype=None):
    """A sampler's result as a legacy array: shape ``(1,)`` for a single draw, as MXNet's
    samplers give (``nd.array`` of a scalar would keep the shape ``()``)."""
    r = _convert(data, ctx=ctx, dtype=dtype)
    return r.reshape((1,)) if r.ndim == 0 else r


def _host(p, name):
    """A distribution parameter as float64 host data (arrays stay arrays, numbers 0-d)."""
    if isinstance(p, _base):
        return p.asnumpy().astype(_onp.float64)
    if isinstance(p, bool) or not isinstance(p, (int, float, _onp.number)):
        raise TypeError(f"{name} must be a number or an NDArray, got {type(p).__name__}")
    return _onp.asarray(float(p))


def _sample(name, params, shape, dtype, ctx, out, draw, check):
    """Runs ``draw`` on the flattened, broadcast parameters and wraps the samples: shape
    ``shape`` for number parameters, ``param.shape + shape`` for array ones (as MXNet)."""
    if out is not None and not isinstance(out, _base):
        raise TypeError(f"out must be an NDArray, got {type(out).__name__}")
    if shape is None and out is not None:
        shape = out.shape
    if dtype is None:
        dtype = out.dtype if out is not None else "float32"
    dt = _onp.dtype(dtype)
    if dt.name not in _FLOAT_DTYPES:
        raise TypeError(f"{name}: dtype must be one of {_FLOAT_DTYPES}, got {dt.name}")
    host = [_host(p, n) for n, p in params]
    arrays = [h for h, (_, p) in zip(host, params) if isinstance(p, _base)]
    extra = () if shape is None else ((shape,) if isinstance(shape, int) else tuple(shape))
    if arrays:
        pshape = arrays[0].shape
        if any(a.shape != pshape for a in arrays):
            raise ValueError(f"{name}: parameters must have the same shape, got {[a.shape for a in arrays]}")
        full = pshape + extra
        host = [h.reshape(h.shape + (1,) * len(extra)) if h.ndim else h for h in host]
        ctx = ctx or next(p for _, p in params if isinstance(p, _base)).ctx
    else:
        full = extra or (1,)
    flat = [_onp.broadcast_to(h, full).ravel() for h in host]
    check(*flat)
    result = _array(_onp.asarray(draw(*flat)).reshape(full).astype(dt), ctx=ctx, dtype=dt)
    if out is None:
        return result
    if out.shape != result.shape:
        raise ValueError(f"out has shape {out.shape} but the result has shape {result.shape}")
    out[:] = result
    return out


def _positive(name, what):
    def check(v, *_):
        if (v <= 0).any() or _onp.isnan(v).any():
            raise ValueError(f"{name}: {what} must be positive, got {v.min()}")
    return check


def gamma(alpha=1, beta=1, shape=None, dtype=None, ctx=None, out=None, **kwargs):
    """Gamma samples with shape ``alpha`` and scale ``beta`` (mean ``alpha * beta``).

    >>> from deepblocks import nd
    >>> x = nd.random.gamma(2, 3, shape=20000)
    >>> bool(5.6 < x.mean().asscalar() < 6.4)
    True
    """
    def check(a, b):
        _positive("gamma", "alpha")(a)
        _positive("gamma", "beta")(b)
    return _sample("gamma", [("alpha", alpha), ("beta", beta)], shape, dtype, ctx, out,
                   lambda a, b: _gamma_unit(a) * b, check)


def poisson(lam=1, shape=None, dtype=None, ctx=None, out=None, **kwargs):
    """Poisson samples with mean ``lam`` (float32 counts by default, as MXNet).

    >>> from deepblocks import nd
    >>> x = nd.random.poisson(4, shape=20000)
    >>> bool(3.8 < x.mean().asscalar() < 4.2)
    True
    """
    def check(lam_):
        if (lam_ < 0).any() or _onp.isnan(lam_).any():
            raise ValueError(f"poisson: lam must be non-negative, got {lam_.min()}")
    return _sample("poisson", [("lam", lam)], shape, dtype, ctx, out, _poisson, check)


def negative_binomial(k=1, p=1, shape=None, dtype=None, ctx=None, out=None, **kwargs):
    """Failures before the ``k``-th success with success probability ``p``
    (mean ``k * (1 - p) / p``), drawn as Poisson(Gamma(k, (1 - p) / p)).

    >>> from deepblocks import nd
    >>> x = nd.random.negative_binomial(3, 0.4, shape=20000)
    >>> bool(4.2 < x.mean().asscalar() < 4.8)
    True
    """
    def check(k_, p_):
        _positive("negative_binomial", "k")(k_)
        if ((p_ <= 0) | (p_ > 1) | _onp.isnan(p_)).any():
            raise ValueError(f"negative_binomial: p must be in (0, 1], got {p_.min()} .. {p_.max()}")
    return _sample("negative_binomial", [("k", k), ("p", p)], shape, dtype, ctx, out,
                   lambda k_, p_: _poisson(_gamma_unit(k_) * (1 - p_) / p_), check)


def generalized_negative_binomial(mu=1, alpha=1, shape=None, dtype=None, ctx=None, out=None, **kwargs):
    """Counts with mean ``mu`` and variance ``mu + alpha * mu**2``, drawn as
    Poisson(Gamma(1 / alpha, alpha * mu)); ``alpha = 0`` gives Poisson(mu).

    >>> from deepblocks import nd
    >>> x = nd.random.generalized_negative_binomial(2, 0.5, shape=20000)
    >>> bool(1.85 < x.mean().asscalar() < 2.15)
    True
    """
    def check(mu_, alpha_):
        if (mu_ < 0).any() or _onp.isnan(mu_).any():
            raise ValueError(f"generalized_negative_binomial: mu must be non-negative, got {mu_.min()}")
        if (alpha_ < 0).any() or _onp.isnan(alpha_).any():
            raise ValueError(f"generalized_negative_binomial: alpha must be non-negative, got {alpha_.min()}")

    def draw(mu_, alpha_):
        rate = mu_.copy()
        mixed = alpha_ > 0
        if mixed.any():
            rate[mixed] = _gamma_unit(1 / alpha_[mixed]) * alpha_[mixed] * mu_[mixed]
        return _poisson(rate)
    return _sample("generalized_negative_binomial", [("mu", mu), ("alpha", alpha)], shape, dtype, ctx, out,
                   draw, check)


def multinomial(data, shape=None, get_prob=False, out=None, dtype="int32", **kwargs):
    """Category indices drawn from the probabilities in ``data``'s last axis: shape
    ``data.shape[:-1] + shape``. With ``get_prob``, also the log-probabilities of the draws.

    >>> from deepblocks import nd
    >>> nd.random.multinomial(nd.array([[0, 1], [1, 0]])).asnumpy().tolist()
    [1, 0]
    >>> s, logp = nd.random.multinomial(nd.array([0.5, 0.5]), shape=3, get_prob=True)
    >>> s.shape, logp.dtype
    ((3,), <class 'numpy.float32'>)
    """
    if not isinstance(data, _base):
        raise TypeError(f"multinomial: data must be an NDArray, got {type(data).__name__}")
    if data.ndim < 1:
        raise ValueError("multinomial: data must have at least one axis (the categories)")
    dt = _onp.dtype(dtype)
    if dt.name not in _FLOAT_DTYPES + ("int32", "uint8", "int8", "int64"):
        raise TypeError(f"multinomial: unsupported dtype {dt.name}")
    probs = data.asnumpy().astype(_onp.float64)
    extra = () if shape is None else ((shape,) if isinstance(shape, int) else tuple(shape))
    rows = probs.reshape(-1, probs.shape[-1])
    n = int(_onp.prod(extra)) if extra else 1
    cdf = _onp.cumsum(rows, axis=1)
    u = _uniform(rows.shape[0] * n).reshape(rows.shape[0], n) * cdf[:, -1:]
    # The index of the first cumulative probability above u; clipped for rounding at the top.
    idx = _onp.minimum((u[:, :, None] >= cdf[:, None, :]).sum(axis=2), rows.shape[1] - 1)
    full = probs.shape[:-1] + extra
    samples = _array(idx.reshape(full).astype(dt), ctx=data.ctx, dtype=dt)
    if out is not None:
        if not isinstance(out, _base) or out.shape != samples.shape:
            raise ValueError(f"out must be an NDArray of shape {samples.shape}")
        out[:] = samples
        samples = out
    if not get_prob:
        return samples
    with _onp.errstate(divide="ignore"):
        logp = _onp.log(_onp.take_along_axis(rows, idx, axis=1))
    # a list, as MXNet's multi-output operators return
    return [samples, _array(logp.reshape(full), ctx=data.ctx, dtype=data.dtype)]

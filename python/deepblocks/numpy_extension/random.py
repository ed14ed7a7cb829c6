"""``npx.random``: MXNet 1.9.1's extension samplers ``bernoulli``, ``uniform_n`` and
``normal_n``, and the seed shared with ``np.random`` (one generator for all of them).

>>> from deepblocks import np, npx
>>> npx.random.seed(0)
>>> npx.random.bernoulli(0.3, size=(2, 3)).shape
(2, 3)
>>> npx.random.normal_n(np.zeros(3), 1.0, batch_shape=(4,)).shape
(4, 3)
"""

import math as _math

import numpy as _onp

from .. import _core
from ..numpy import random as _np_random
from ..numpy.random_params import prepare, size_tuple

__all__ = ["seed", "bernoulli", "uniform_n", "normal_n"]


def seed(seed, ctx="all"):
    """Restarts the generator that every sampler draws from (``np.random`` and ``nd.random``
    too); later draws repeat exactly. ``ctx`` is accepted for MXNet code: all devices share it."""
    _np_random.seed(seed, ctx)


def bernoulli(prob=None, logit=None, size=None, dtype=None, ctx=None, out=None, device=None):
    """1 with probability ``prob`` (or ``sigmoid(logit)``), else 0: exactly one of the two is
    given. float32 unless ``dtype`` says otherwise (any dtype, bool included); no gradient.

    >>> from deepblocks import np, npx
    >>> npx.random.bernoulli(logit=np.zeros(4), dtype='bool').dtype
    dtype('bool')
    """
    if (prob is None) == (logit is None):
        raise ValueError("Either `prob` or `logit` must be specified, but not both. "
                         f"Received prob={prob}, logit={logit}")
    which = "prob" if prob is not None else "logit"
    d = prepare("bernoulli", [(which, prob if prob is not None else logit)], size, dtype, ctx, device, out,
                float_only=False)
    (p,) = d.values
    if which == "prob":
        d.check("prob", lambda v: ~((v >= 0) & (v <= 1)), "prob must be in [0, 1]")
    elif isinstance(p, float):
        p = 0.5 * (1.0 + _math.tanh(0.5 * p))  # sigmoid without overflow
    else:
        p = _core.unary(p, "sigmoid")
    u = _core.uniform(0.0, 1.0, d.shape, "float64", d.ctx, d.device)
    return d.finish(d.no_grad_from((u < p).astype(d.dtype), which))


def uniform_n(low=0.0, high=1.0, batch_shape=None, dtype=None, ctx=None, device=None):
    """Uniform samples of shape ``batch_shape + broadcast(low, high).shape``.

    >>> from deepblocks import np, npx
    >>> npx.random.uniform_n(np.zeros((2, 1)), np.ones(3), batch_shape=4).shape
    (4, 2, 3)
    """
    return _np_random.uniform(low, high, _n_size(low, high, batch_shape), dtype, ctx, device=device)


def normal_n(loc=0.0, scale=1.0, batch_shape=None, dtype=None, ctx=None, device=None):
    """Normal samples of shape ``batch_shape + broadcast(loc, scale).shape``, differentiable in
    array ``loc`` and ``scale``.

    >>> from deepblocks import np, npx
    >>> npx.random.normal_n(0.0, 1.0, batch_shape=(2, 3)).shape
    (2, 3)
    """
    return _np_random.normal(loc, scale, _n_size(loc, scale, batch_shape), dtype, ctx, device=device)


def _n_size(a, b, batch_shape):
    """``batch_shape`` followed by the parameters' broadcast shape."""
    shapes = [tuple(v.shape) if isinstance(v, _core.ndarray) else _onp.shape(v) for v in (a, b)]
    return (size_tuple(batch_shape) or ()) + _onp.broadcast_shapes(*shapes)

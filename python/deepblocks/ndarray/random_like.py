"""``nd.random.*_like``: samplers that take their shape, dtype and device from an array
(MXNet 1.x's ``uniform_like``, ``normal_like``, ...), from the shared generator.

>>> from deepblocks import nd
>>> x = nd.zeros((2, 3), dtype='float64')
>>> y = nd.random.uniform_like(x, low=1, high=2)
>>> y.shape, y.dtype, bool(1 <= y.asnumpy().min() <= y.asnumpy().max() < 2)
((2, 3), <class 'numpy.float64'>, True)
"""

from .ndarray import _base

__all__ = ["uniform_like", "normal_like", "gamma_like", "exponential_like", "poisson_like",
           "negative_binomial_like", "generalized_negative_binomial_like"]


def _like(data, name):
    if not isinstance(data, _base):
        raise TypeError(f"{name}: data must be an NDArray, got {type(data).__name__}")
    return dict(shape=data.shape, dtype=_base.dtype.__get__(data), ctx=data.ctx)


def uniform_like(data=None, low=0, high=1, out=None, **kwargs):
    """Uniform samples in ``[low, high)`` shaped like ``data``."""
    from . import random
    return random.uniform(low, high, out=out, **_like(data, "uniform_like"))


def normal_like(data=None, loc=0, scale=1, out=None, **kwargs):
    """Normal samples with mean ``loc`` and standard deviation ``scale`` shaped like ``data``."""
    from . import random
    return random.normal(loc, scale, out=out, **_like(data, "normal_like"))


def gamma_like(data=None, alpha=1, beta=1, out=None, **kwargs):
    """Gamma samples (shape ``alpha``, scale ``beta``) shaped like ``data``."""
    from . import random
    return random.gamma(alpha, beta, out=out, **_like(data, "gamma_like"))


def exponential_like(data=None, lam=1, out=None, **kwargs):
    """Exponential samples with rate ``lam`` (mean ``1 / lam``) shaped like ``data``."""
    from . import random
    if not lam > 0:
        raise ValueError(f"exponential_like: lam must be positive, got {lam}")
    return random.exponential(1.0 / lam, out=out, **_like(data, "exponential_like"))


def poisson_like(data=None, lam=1, out=None, **kwargs):
    """Poisson samples with rate ``lam`` shaped like ``data`` (in ``data``'s float dtype)."""
    from . import random
    return random.poisson(lam, out=out, **_like(data, "poisson_like"))


def negative_binomial_like(data=None, k=1, p=1, out=None, **kwargs):
    """Negative binomial samples (``k`` failures, success probability ``p``) shaped like ``data``."""
    from . import random
    return random.negative_binomial(k, p, out=out, **_like(data, "negative_binomial_like"))


def generalized_negative_binomial_like(data=None, mu=1, alpha=1, out=None, **kwargs):
    """Generalized negative binomial samples (mean ``mu``, dispersion ``alpha``) shaped like ``data``."""
    from . import random
    return random.generalized_negative_binomial(mu, alpha, out=out, **_like(data, "generalized_negative_binomial_like"))

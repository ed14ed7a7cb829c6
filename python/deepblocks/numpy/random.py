"""``np.random``: samples from one seedable generator shared by ``np``, ``npx`` and ``nd``.

>>> from deepblocks import np
>>> np.random.seed(0)
>>> a = np.random.normal(0, 1, (2, 3))
>>> np.random.seed(0)
>>> bool((np.random.normal(0, 1, (2, 3)) == a).all())
True
"""

from .. import _core
from .random_params import prepare, to_out
from .random_continuous import (  # noqa: F401 (re-exported)
    beta, chisquare, exponential, gamma, gumbel, laplace, logistic, lognormal, pareto, power, rayleigh, weibull)
from .random_discrete import binomial, poisson  # noqa: F401
from .random_multivariate import multinomial, multivariate_normal  # noqa: F401

__all__ = ["seed", "uniform", "normal", "randn", "rand", "randint", "shuffle", "choice", "permutation",
           "exponential", "lognormal", "logistic", "gumbel", "rayleigh", "weibull", "pareto", "power",
           "laplace", "gamma", "beta", "chisquare", "poisson", "binomial", "multinomial",
           "multivariate_normal", "random", "random_sample", "ranf", "sample", "standard_normal",
           "standard_exponential"]


def seed(seed=None, ctx="all"):
    """Restarts the generator; later draws repeat exactly."""
    if seed is None:
        raise ValueError("seed() needs an integer seed")
    _core.seed(seed)


def uniform(low=0.0, high=1.0, size=None, dtype=None, ctx=None, out=None, device=None):
    """Samples from ``[low, high)``; float32 unless ``dtype`` is given. ``low`` and ``high``
    may be arrays (the samples broadcast with them and are differentiable in them).

    >>> from deepblocks import np
    >>> np.random.uniform(np.zeros((2, 1)), np.ones(3)).shape
    (2, 3)
    """
    d = prepare("uniform", [("low", low), ("high", high)], size, dtype, ctx, device, out)
    lo, hi = d.values
    if isinstance(lo, float) and isinstance(hi, float):
        # numbers: the engine scales in float64 and keeps the interval half-open
        return d.finish(_core.uniform(lo, hi, d.shape, d.dtype, d.ctx, d.device))
    return d.finish(lo + (hi - lo) * d.standard_uniform())


def normal(loc=0.0, scale=1.0, size=None, dtype=None, ctx=None, out=None, device=None):
    """Samples from N(loc, scale²); float32 unless ``dtype`` is given. ``loc`` and ``scale``
    may be arrays (the samples broadcast with them and are differentiable in them).

    >>> from deepblocks import np
    >>> np.random.normal(np.zeros(3), 1.0, size=(2, 3)).shape
    (2, 3)
    """
    d = prepare("normal", [("loc", loc), ("scale", scale)], size, dtype, ctx, device, out)
    d.check("scale", lambda v: v < 0, "scale < 0")
    m, s = d.values
    if isinstance(m, float) and isinstance(s, float):
        return d.finish(_core.normal(m, s, d.shape, d.dtype, d.ctx, d.device))
    return d.finish(m + s * d.standard_normal())


def randn(*size, **kwargs):
    """Standard normal samples of shape ``size`` (``randn(2, 3)``)."""
    return _core.normal(0.0, 1.0, size, kwargs.get("dtype"), kwargs.get("ctx"), kwargs.get("device"))


def rand(*size, **kwargs):
    """Uniform ``[0, 1)`` samples of shape ``size`` (``rand(2, 3)``)."""
    return _core.uniform(0.0, 1.0, size, kwargs.get("dtype"), kwargs.get("ctx"), kwargs.get("device"))


def randint(low, high=None, size=None, dtype=None, ctx=None, out=None, device=None):
    """Integers from ``[low, high)`` (``[0, low)`` when ``high`` is None); int64 by default."""
    r = _core.randint(int(low), None if high is None else int(high), size, dtype, ctx, device)
    return to_out(r, out)


def shuffle(x):
    """Shuffles ``x`` in place along its first axis."""
    _core.shuffle(x)


def choice(a, size=None, replace=True, p=None, ctx=None, out=None, device=None):
    """Samples from ``range(a)`` (an int) or from the elements of a 1-D array, on ``ctx``
    (else on ``a``'s device when ``a`` is an array, else on the current context). ``p`` (a
    list or array as long as ``a``) weights the elements; as NumPy, it must be non-negative and
    sum to 1 (ValueError otherwise).

    >>> from deepblocks import np
    >>> np.random.choice(5, 3, p=[0.1, 0, 0.3, 0.6, 0]).shape
    (3,)
    """
    r = _core.choice(a, size, replace, p)
    target = ctx or device or (a.ctx if isinstance(a, _core.ndarray) else None)
    r = r if target is None or r.ctx == target else r.as_in_ctx(target)
    return to_out(r, out)


def permutation(x):
    return _core.permutation(x)


def random_sample(size=None, dtype=None, ctx=None, device=None):
    """Uniform ``[0, 1)`` samples of shape ``size`` (NumPy's ``random_sample``; float32
    unless ``dtype`` is given, as MXNet's samplers).

    >>> from deepblocks import np
    >>> np.random.random((2, 3)).shape
    (2, 3)
    """
    return _core.uniform(0.0, 1.0, size, dtype, ctx, device)


random = ranf = sample = random_sample


def standard_normal(size=None, dtype=None, ctx=None, device=None):
    """N(0, 1) samples of shape ``size``."""
    return _core.normal(0.0, 1.0, size, dtype, ctx, device)


def standard_exponential(size=None, dtype=None, ctx=None, device=None):
    """Exponential(1) samples of shape ``size``."""
    return exponential(1.0, size=size, dtype=dtype, ctx=ctx, device=device)

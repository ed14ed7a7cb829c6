"""MXNet 1.x's sampling operators in the top-level legacy namespace: ``nd.random_exponential``,
``nd.random_gamma``, ``nd.random_poisson``, ``nd.random_negative_binomial``,
``nd.random_generalized_negative_binomial``, ``nd.random_randint`` (scalar parameters and a
``shape``), and ``nd.sample_uniform``, ``sample_normal``, ``sample_gamma``,
``sample_exponential``, ``sample_poisson``, ``sample_negative_binomial``,
``sample_generalized_negative_binomial``, ``sample_multinomial`` (array parameters: one batch
of ``shape`` samples per element, shape ``param.shape + shape``).

They draw through ``nd.random``'s samplers, so one ``mx.random.seed`` repeats them all. As in
MXNet, ``random_exponential`` and ``sample_exponential`` take the *rate* ``lam`` (mean
``1/lam``), and the ``sample_*`` results are float32 unless ``dtype`` says otherwise.

>>> from deepblocks import nd
>>> nd.sample_uniform(nd.array([0, 10]), nd.array([1, 11]), shape=(3,)).shape
(2, 3)
>>> nd.random_randint(0, 5, shape=(4,)).dtype
<class 'numpy.int32'>
"""

from . import random as _random
from .ndarray import _base
from .ops import OperatorError as _OperatorError

__all__ = ["random_exponential", "random_gamma", "random_poisson", "random_negative_binomial",
           "random_generalized_negative_binomial", "random_randint", "sample_uniform", "sample_normal",
           "sample_gamma", "sample_exponential", "sample_poisson", "sample_negative_binomial",
           "sample_generalized_negative_binomial", "sample_multinomial"]


def random_exponential(lam=1, shape=None, ctx=None, dtype=None, out=None, **kwargs):
    """Exponential samples with rate ``lam`` (mean ``1 / lam``)."""
    return _random.exponential(1.0 / float(lam), shape=shape, dtype=dtype, ctx=ctx, out=out)


def random_gamma(alpha=1, beta=1, shape=None, ctx=None, dtype=None, out=None, **kwargs):
    """Gamma samples with shape ``alpha`` and scale ``beta``."""
    return _random.gamma(alpha, beta, shape=shape, dtype=dtype, ctx=ctx, out=out)


def random_poisson(lam=1, shape=None, ctx=None, dtype=None, out=None, **kwargs):
    """Poisson samples with mean ``lam`` (float32 counts, as MXNet's)."""
    return _random.poisson(lam, shape=shape, dtype=dtype, ctx=ctx, out=out)


def random_negative_binomial(k=1, p=1, shape=None, ctx=None, dtype=None, out=None, **kwargs):
    """Negative binomial samples: failures before the ``k``-th success of probability ``p``."""
    return _random.negative_binomial(k, p, shape=shape, dtype=dtype, ctx=ctx, out=out)


def random_generalized_negative_binomial(mu=1, alpha=1, shape=None, ctx=None, dtype=None, out=None, **kwargs):
    """Generalized negative binomial samples with mean ``mu`` and dispersion ``alpha``."""
    return _random.generalized_negative_binomial(mu, alpha, shape=shape, dtype=dtype, ctx=ctx, out=out)


def random_randint(low, high, shape=None, ctx=None, dtype=None, out=None, **kwargs):
    """Integers from ``[low, high)`` (int32 unless ``dtype`` is 'int64')."""
    return _random.randint(low, high, shape=shape, dtype=dtype, ctx=ctx, out=out)


def _params(name, dtype, *params):
    """The array parameters of a ``sample_*`` operator, NDArrays of one shape (MXNet), in the
    samples' dtype (float32 unless ``dtype`` says otherwise, whatever the parameters' dtype)."""
    for p in params:
        if not isinstance(p, _base):
            raise TypeError(f"{name}: parameters must be NDArrays, got {type(p).__name__}")
    for p in params[1:]:
        if p.shape != params[0].shape:
            raise _OperatorError(f"{name}: parameter shapes {params[0].shape} and {p.shape} differ")
    dtype = "float32" if dtype is None else dtype
    return [p if _base.dtype.__get__(p).name == dtype else p.astype(dtype) for p in params] + [dtype]


def sample_uniform(low=None, high=None, shape=(), dtype=None, out=None, **kwargs):
    """Uniform samples in ``[low[i], high[i])``: shape ``low.shape + shape``."""
    low, high, dtype = _params("sample_uniform", dtype, low, high)
    return _random.uniform(low, high, shape=shape, dtype=dtype, out=out)


def sample_normal(mu=None, sigma=None, shape=(), dtype=None, out=None, **kwargs):
    """Normal samples with means ``mu`` and standard deviations ``sigma``."""
    mu, sigma, dtype = _params("sample_normal", dtype, mu, sigma)
    return _random.normal(mu, sigma, shape=shape, dtype=dtype, out=out)


def sample_gamma(alpha=None, beta=None, shape=(), dtype=None, out=None, **kwargs):
    """Gamma samples with shapes ``alpha`` and scales ``beta``."""
    alpha, beta, dtype = _params("sample_gamma", dtype, alpha, beta)
    return _random.gamma(alpha, beta, shape=shape, dtype=dtype, out=out)


def sample_exponential(lam=None, shape=(), dtype=None, out=None, **kwargs):
    """Exponential samples with rates ``lam``."""
    lam, dtype = _params("sample_exponential", dtype, lam)
    return _random.exponential(1.0 / lam, shape=shape, dtype=dtype, out=out)


def sample_poisson(lam=None, shape=(), dtype=None, out=None, **kwargs):
    """Poisson samples with means ``lam``."""
    lam, dtype = _params("sample_poisson", dtype, lam)
    return _random.poisson(lam, shape=shape, dtype=dtype, out=out)


def sample_negative_binomial(k=None, p=None, shape=(), dtype=None, out=None, **kwargs):
    """Negative binomial samples with parameters ``k`` and ``p``."""
    k, p, dtype = _params("sample_negative_binomial", dtype, k, p)
    return _random.negative_binomial(k, p, shape=shape, dtype=dtype, out=out)


def sample_generalized_negative_binomial(mu=None, alpha=None, shape=(), dtype=None, out=None, **kwargs):
    """Generalized negative binomial samples with means ``mu`` and dispersions ``alpha``."""
    mu, alpha, dtype = _params("sample_generalized_negative_binomial", dtype, mu, alpha)
    return _random.generalized_negative_binomial(mu, alpha, shape=shape, dtype=dtype, out=out)


def sample_multinomial(data=None, shape=(), get_prob=False, dtype="int32", out=None, **kwargs):
    """Category indices drawn from the probability rows of ``data`` (``nd.random.multinomial``)."""
    if not isinstance(data, _base):
        raise TypeError(f"sample_multinomial: data must be an NDArray, got {type(data).__name__}")
    return _random.multinomial(data, shape=shape or None, get_prob=get_prob, dtype=dtype, out=out)

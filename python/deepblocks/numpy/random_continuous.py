"""``np.random``'s continuous univariate distributions beyond uniform and normal, with MXNet
1.9.1's signatures (plus ``dtype``/``device`` keywords) and NumPy's parameterizations and
parameter errors.

Each sample is a function of a standard draw (uniform, exponential, normal or gamma) composed
with engine operations, so the samples are differentiable in array parameters wherever the
draw does not depend on them. MXNet 1.9.1 differentiates exponential, lognormal, logistic,
gumbel, rayleigh, weibull and pareto the same way; where it sends back 0 (gamma's scale,
power), the gradient here is the reparameterization's. The shapes of gamma, beta and chisquare
are drawn on the host: their gradient is 0, as MXNet's.

>>> from deepblocks import np
>>> np.random.seed(1)
>>> x = np.random.exponential(np.array([1.0, 2.0]), size=(3, 2))
>>> x.shape, x.dtype
((3, 2), dtype('float32'))
>>> np.random.gamma(2.0, 3.0, size=4).shape
(4,)
"""

from .. import _core
from .. import host_samplers as _host
from .random_params import prepare

__all__ = ["exponential", "lognormal", "logistic", "gumbel", "rayleigh", "weibull", "pareto", "power",
           "laplace", "gamma", "beta", "chisquare"]


def _negative(v):
    return v < 0


def _not_positive(v):
    return v <= 0


def _log(x):
    return _core.unary(x, "log")


def _exp(x):
    return _core.unary(x, "exp")


def exponential(scale=1.0, size=None, ctx=None, out=None, dtype=None, device=None):
    """Exponential samples with mean ``scale`` (``scale * E`` for a standard exponential E).

    >>> from deepblocks import np
    >>> np.random.seed(0)
    >>> bool(abs(np.random.exponential(2.0, 20000).mean() - 2) < 0.1)
    True
    """
    d = prepare("exponential", [("scale", scale)], size, dtype, ctx, device, out)
    d.check("scale", _negative, "scale < 0")
    (s,) = d.values
    return d.finish(s * d.standard_exponential())


def lognormal(mean=0.0, sigma=1.0, size=None, dtype=None, ctx=None, out=None, device=None):
    """``exp(N(mean, sigma²))``: ``mean`` and ``sigma`` are the underlying normal's.

    >>> from deepblocks import np
    >>> bool((np.random.lognormal(0, 1, size=10) > 0).all())
    True
    """
    d = prepare("lognormal", [("mean", mean), ("sigma", sigma)], size, dtype, ctx, device, out)
    d.check("sigma", _negative, "sigma < 0")
    m, s = d.values
    return d.finish(_exp(m + s * d.standard_normal()))


def logistic(loc=0.0, scale=1.0, size=None, ctx=None, out=None, dtype=None, device=None):
    """Logistic samples ``loc + scale * log(U / (1 - U))``.

    >>> from deepblocks import np
    >>> np.random.logistic(np.zeros(3), 1.0, size=(2, 3)).shape
    (2, 3)
    """
    d = prepare("logistic", [("loc", loc), ("scale", scale)], size, dtype, ctx, device, out)
    d.check("scale", _negative, "scale < 0")
    m, s = d.values
    u = d.open_uniform()
    return d.finish(m + s * (_log(u) - _core.unary(-u, "log1p")))


def gumbel(loc=0.0, scale=1.0, size=None, ctx=None, out=None, dtype=None, device=None):
    """Gumbel (maximum extreme value) samples ``loc - scale * log(E)``.

    >>> from deepblocks import np
    >>> np.random.gumbel(0.0, 2.0, size=(2, 2)).shape
    (2, 2)
    """
    d = prepare("gumbel", [("loc", loc), ("scale", scale)], size, dtype, ctx, device, out)
    d.check("scale", _negative, "scale < 0")
    m, s = d.values
    return d.finish(m - s * _log(d.standard_exponential()))


def rayleigh(scale=1.0, size=None, ctx=None, out=None, dtype=None, device=None):
    """Rayleigh samples ``scale * sqrt(2 E)`` (the mode is ``scale``).

    >>> from deepblocks import np
    >>> bool((np.random.rayleigh(2.0, size=5) >= 0).all())
    True
    """
    d = prepare("rayleigh", [("scale", scale)], size, dtype, ctx, device, out)
    d.check("scale", _negative, "scale < 0")
    (s,) = d.values
    return d.finish(s * _core.unary(2 * d.standard_exponential(), "sqrt"))


def _root(a, e):
    """``e ** (1 / a)`` as ``exp(log(e) / a)`` (differentiable in ``a``); ``a = 0`` gives 0,
    NumPy's limit for weibull."""
    if not isinstance(a, _core.ndarray):
        return e * 0.0 if a == 0 else _exp(_log(e) / a)
    zero = a == 0
    safe = _core.where_(zero, 1.0, a)
    return _core.where_(zero, 0.0, _exp(_log(e) / safe))


def weibull(a, size=None, ctx=None, out=None, dtype=None, device=None):
    """Weibull samples with shape ``a`` and scale 1: ``E ** (1 / a)``.

    >>> from deepblocks import np
    >>> np.random.weibull(np.array([2.0, 3.0])).shape
    (2,)
    """
    d = prepare("weibull", [("a", a)], size, dtype, ctx, device, out)
    # MXNet 1.9.1 refuses a = 0 (NumPy gives zeros); its own tests check this.
    d.check("a", _not_positive, "a <= 0")
    (k,) = d.values
    return d.finish(_root(k, d.standard_exponential()))


def pareto(a, size=None, ctx=None, out=None, dtype=None, device=None):
    """Pareto II (Lomax) samples with shape ``a``, as NumPy's: ``exp(E / a) - 1`` (add 1 and
    multiply by m for the classical Pareto of mode m).

    >>> from deepblocks import np
    >>> bool((np.random.pareto(3.0, size=5) >= 0).all())
    True
    """
    d = prepare("pareto", [("a", a)], size, dtype, ctx, device, out)
    d.check("a", _not_positive, "a <= 0")
    (k,) = d.values
    return d.finish(_core.unary(d.standard_exponential() / k, "expm1"))


def power(a, size=None, ctx=None, out=None, dtype=None, device=None):
    """Samples in ``[0, 1]`` with density ``a * x**(a - 1)``: ``V ** (1 / a)`` for V uniform
    in (0, 1].

    >>> from deepblocks import np
    >>> x = np.random.power(2.0, size=100)
    >>> bool(((x >= 0) & (x <= 1)).all())
    True
    """
    d = prepare("power", [("a", a)], size, dtype, ctx, device, out)
    d.check("a", _not_positive, "a <= 0")
    (k,) = d.values
    return d.finish(_exp(_core.unary(-d.standard_uniform(), "log1p") / k))


def laplace(loc=0.0, scale=1.0, size=None, ctx=None, out=None, dtype=None, device=None):
    """Laplace (double exponential) samples ``loc + scale * (E1 - E2)`` (NumPy's; MXNet 1.9.1's
    ``np.random`` has none).

    >>> from deepblocks import np
    >>> np.random.laplace(1.0, 2.0, size=(3,)).shape
    (3,)
    """
    d = prepare("laplace", [("loc", loc), ("scale", scale)], size, dtype, ctx, device, out)
    d.check("scale", _negative, "scale < 0")
    m, s = d.values
    return d.finish(m + s * (d.standard_exponential() - d.standard_exponential()))


def gamma(shape, scale=1.0, size=None, dtype=None, ctx=None, out=None, device=None):
    """Gamma samples with shape ``shape`` and scale ``scale`` (mean ``shape * scale``); the
    unit-scale draw is made on the host, the scale applied on the device (differentiable in
    ``scale``).

    >>> from deepblocks import np
    >>> np.random.seed(0)
    >>> bool(abs(np.random.gamma(2.0, 3.0, size=20000).mean() - 6) < 0.2)
    True
    """
    d = prepare("gamma", [("shape", shape), ("scale", scale)], size, dtype, ctx, device, out)
    # MXNet 1.9.1 refuses a shape or scale of 0 (NumPy gives zeros); its own tests check this.
    d.check("shape", _not_positive, "shape <= 0")
    d.check("scale", _not_positive, "scale <= 0")
    return d.finish(d.no_grad_from(d.standard_gamma("shape") * d.values[1], "shape"))


def beta(a, b, size=None, dtype=None, ctx=None, out=None, device=None):
    """Beta(a, b) samples, ``X / (X + Y)`` for gamma draws X, Y of shapes ``a`` and ``b``.

    >>> from deepblocks import np
    >>> x = np.random.beta(2.0, 5.0, size=100)
    >>> bool(((x >= 0) & (x <= 1)).all())
    True
    """
    d = prepare("beta", [("a", a), ("b", b)], size, dtype, ctx, device, out)
    d.check("a", _not_positive, "a <= 0")
    d.check("b", _not_positive, "b <= 0")
    return d.finish(d.no_grad_from(d.host_array(_host.beta(d.host("a"), d.host("b"))), "a", "b"))


def chisquare(df, size=None, dtype=None, ctx=None, out=None, device=None):
    """Chi-square samples with ``df`` degrees of freedom: ``2 * Gamma(df / 2)``.

    >>> from deepblocks import np
    >>> np.random.seed(0)
    >>> bool(abs(np.random.chisquare(3.0, size=20000).mean() - 3) < 0.15)
    True
    """
    d = prepare("chisquare", [("df", df)], size, dtype, ctx, device, out)
    d.check("df", _not_positive, "df <= 0")
    return d.finish(d.no_grad_from(d.host_array(2 * _host.gamma_unit(d.host("df") / 2)), "df"))

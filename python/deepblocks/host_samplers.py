"""Host-side samplers shared by ``np.random``, ``npx.random`` and ``nd.random``: gamma,
beta, Poisson, binomial and multinomial counts, built from the engine's uniform and normal
draws.

The engine only draws uniform and normal numbers; these functions transform such draws on the
host in float64 over flat parameter arrays (rejection rounds draw again for the rejected
elements only), so one ``seed`` call still makes every distribution repeat.

>>> import numpy
>>> from deepblocks import host_samplers, np
>>> np.random.seed(3)
>>> a = host_samplers.binomial(numpy.array([10, 1000]), numpy.array([0.5, 0.25]))
>>> np.random.seed(3)
>>> bool((host_samplers.binomial(numpy.array([10, 1000]), numpy.array([0.5, 0.25])) == a).all())
True
"""

import math as _math

import numpy as _onp

from . import _core

__all__ = ["uniform", "normal", "gamma_unit", "log_gamma_unit", "beta", "poisson", "binomial",
           "multinomial"]

_lgamma = _onp.frompyfunc(_math.lgamma, 1, 1)

# Binomial counts with at most this many trials are drawn by inverting the CDF; larger ones are
# first split by order statistics (each split halves the trials).
_SMALL_N = 32


def uniform(n):
    """``n`` float64 draws from ``[0, 1)`` off the shared generator, as a host array."""
    return _core.uniform(0.0, 1.0, (n,), "float64", None, None).asnumpy()


def normal(n):
    """``n`` standard normal float64 draws off the shared generator, as a host array."""
    return _core.normal(0.0, 1.0, (n,), "float64", None, None).asnumpy()


def log_gamma_unit(alpha):
    """The logarithms of Gamma(alpha, 1) samples for a flat float64 array of shapes
    ``alpha`` >= 0 (Marsaglia and Tsang's squeeze method; alpha < 1 boosted by U**(1/alpha),
    added here as log(U)/alpha so that tiny shapes do not underflow to 0 before a ratio is taken).
    A shape of 0 gives -inf (the sample 0)."""
    alpha = _onp.asarray(alpha, dtype=_onp.float64)
    boost = alpha < 1
    a = _onp.where(boost, alpha + 1, alpha)
    d = a - 1.0 / 3
    c = 1.0 / _onp.sqrt(9 * d)
    out = _onp.empty_like(a)
    todo = _onp.arange(a.size)
    while todo.size:
        z, u = normal(todo.size), uniform(todo.size)
        v = (1 + c[todo] * z) ** 3
        with _onp.errstate(invalid="ignore", divide="ignore"):
            ok = (v > 0) & (_onp.log(u) < 0.5 * z * z + d[todo] - d[todo] * v + d[todo] * _onp.log(v))
        out[todo[ok]] = _onp.log(d[todo[ok]] * v[ok])
        todo = todo[~ok]
    if boost.any():
        with _onp.errstate(divide="ignore"):
            out[boost] += _onp.log(uniform(int(boost.sum()))) / alpha[boost]
    return out


def gamma_unit(alpha):
    """Gamma(alpha, 1) samples for a flat float64 array of shapes ``alpha`` >= 0."""
    return _onp.exp(log_gamma_unit(alpha))


def beta(a, b):
    """Beta(a, b) samples for flat float64 arrays ``a``, ``b`` > 0: X / (X + Y) for
    X ~ Gamma(a), Y ~ Gamma(b), taken from their logarithms (tiny shapes stay finite)."""
    lx, ly = log_gamma_unit(a), log_gamma_unit(b)
    with _onp.errstate(invalid="ignore", over="ignore"):
        r = 1.0 / (1.0 + _onp.exp(ly - lx))
    # both logs -inf (two underflowed boosts, probability ~0): a coin flip by the shapes' ratio
    both = _onp.isnan(r)
    if both.any():
        r[both] = (uniform(int(both.sum())) < a[both] / (a[both] + b[both])).astype(_onp.float64)
    return r


def poisson(lam):
    """Poisson(lam) samples for a flat float64 array ``lam`` >= 0: multiplying uniforms for
    small means, the Lorentzian rejection method (Numerical Recipes' ``poidev``) for large."""
    lam = _onp.asarray(lam, dtype=_onp.float64)
    out = _onp.zeros_like(lam)
    small = _onp.flatnonzero((lam > 0) & (lam < 12))
    limit = _onp.exp(-lam[small])
    prod = _onp.ones(small.size)
    live = _onp.arange(small.size)
    while live.size:
        prod[live] *= uniform(live.size)
        going = prod[live] > limit[live]
        out[small[live[going]]] += 1
        live = live[going]
    todo = _onp.flatnonzero(lam >= 12)
    while todo.size:
        m = lam[todo]
        y = _onp.tan(_math.pi * uniform(todo.size))
        em = _onp.floor(_onp.sqrt(2 * m) * y + m)
        keep = em >= 0
        emk = _onp.where(keep, em, 0.0)
        g = m * _onp.log(m) - _lgamma(m + 1).astype(_onp.float64)
        t = 0.9 * (1 + y * y) * _onp.exp(emk * _onp.log(m) - _lgamma(emk + 1).astype(_onp.float64) - g)
        ok = keep & (uniform(todo.size) <= t)
        out[todo[ok]] = em[ok]
        todo = todo[~ok]
    return out


def _binomial_small(n, p):
    """Binomial(n, p) for flat arrays with n <= _SMALL_N, by walking the CDF from 0 with one
    uniform each. p > 1/2 counts failures instead, so that (1 - p)**n never underflows."""
    flip = p > 0.5
    q = _onp.where(flip, 1 - p, p)
    out = _onp.zeros(n.shape, dtype=_onp.int64)
    u = uniform(n.size)
    with _onp.errstate(divide="ignore", invalid="ignore"):
        pmf = (1 - q) ** n
        ratio = q / (1 - q)
    cdf = pmf.copy()
    live = _onp.flatnonzero((u >= cdf) & (n > 0))
    while live.size:
        k = out[live] + 1
        pmf[live] *= (n[live] - k + 1) / k * ratio[live]
        cdf[live] += pmf[live]
        out[live] = k
        # the top count ends the walk even when rounding leaves the CDF a hair below u
        live = live[(u[live] >= cdf[live]) & (k < n[live])]
    return _onp.where(flip, n - out, out)


def binomial(n, p):
    """Binomial(n, p) samples (int64) for flat arrays of trials ``n`` >= 0 and probabilities
    ``p`` in [0, 1]. Large ``n`` are halved by order statistics (Knuth's method): the a-th
    smallest of n uniforms, X ~ Beta(a, n + 1 - a), splits the trials into those below X
    (uniform on [0, X)) and those above (uniform on (X, 1)), only one side straddling p."""
    n = _onp.array(n, dtype=_onp.int64).ravel()
    p = _onp.array(p, dtype=_onp.float64).ravel()
    out = _onp.zeros(n.shape, dtype=_onp.int64)
    big = _onp.flatnonzero(n > _SMALL_N)
    while big.size:
        nb, pb = n[big], p[big]
        a = 1 + nb // 2
        b = nb + 1 - a
        x = beta(a.astype(_onp.float64), b.astype(_onp.float64))
        below = x >= pb
        n[big] = _onp.where(below, a - 1, b - 1)
        out[big] += _onp.where(below, 0, a)
        with _onp.errstate(divide="ignore", invalid="ignore"):
            p[big] = _onp.clip(_onp.where(below, pb / x, (pb - x) / (1 - x)), 0.0, 1.0)
        big = big[n[big] > _SMALL_N]
    return out + _binomial_small(n, p)


def multinomial(n, pvals, count):
    """``count`` multinomial draws (int64, shape ``(count, len(pvals))``) of ``n`` trials:
    conditional binomials category by category; the last takes what is left (as NumPy, whose
    last probability is implied by the others)."""
    k = len(pvals)
    out = _onp.zeros((count, k), dtype=_onp.int64)
    left = _onp.full(count, int(n), dtype=_onp.int64)
    mass = 1.0
    for i in range(k - 1):
        ratio = min(1.0, max(0.0, pvals[i] / mass)) if mass > 0 else 0.0
        out[:, i] = binomial(left, _onp.full(count, ratio))
        left -= out[:, i]
        mass -= pvals[i]
    if k:
        out[:, k - 1] = left
    return out

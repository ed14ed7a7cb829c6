"""``np.random.poisson`` and ``np.random.binomial``: NumPy's count distributions (MXNet
1.9.1's ``np.random`` has neither), int64 by default as NumPy's, drawn on the host from the
shared generator (counts have no gradient).

>>> from deepblocks import np
>>> np.random.seed(5)
>>> a = np.random.binomial(10, 0.3, size=4)
>>> np.random.seed(5)
>>> bool((np.random.binomial(10, 0.3, size=4) == a).all()), a.dtype
(True, dtype('int64'))
"""

import numpy as _onp

from .. import host_samplers as _host
from .random_params import prepare

__all__ = ["poisson", "binomial"]

# NumPy's bound: larger means overflow int64 counts
_POISSON_LAM_MAX = float(_onp.iinfo(_onp.int64).max - _onp.sqrt(_onp.iinfo(_onp.int64).max) * 10)


def poisson(lam=1.0, size=None, dtype=None, ctx=None, out=None, device=None):
    """Poisson counts with mean ``lam``.

    >>> from deepblocks import np
    >>> np.random.seed(0)
    >>> bool(abs(np.random.poisson(4.0, 20000).mean() - 4) < 0.1)
    True
    """
    d = prepare("poisson", [("lam", lam)], size, dtype, ctx, device, out, float_only=False,
                default_dtype="int64")
    d.check("lam", lambda v: ~(v >= 0), "lam < 0 or lam is NaN")
    d.check("lam", lambda v: v > _POISSON_LAM_MAX, "lam value too large")
    return d.finish(d.no_grad_from(d.host_array(_host.poisson(d.host("lam"))), "lam"))


def binomial(n, p, size=None, dtype=None, ctx=None, out=None, device=None):
    """Successes in ``n`` trials of probability ``p`` (a float ``n`` is truncated, as NumPy).

    >>> from deepblocks import np
    >>> np.random.seed(0)
    >>> x = np.random.binomial(np.array([10, 1000]), 0.5, size=(5000, 2))
    >>> [bool(abs(m - e) < 0.05 * e) for m, e in zip(x.mean(axis=0).tolist(), (5, 500))]
    [True, True]
    """
    d = prepare("binomial", [("n", n), ("p", p)], size, dtype, ctx, device, out, float_only=False,
                default_dtype="int64")
    d.check("n", lambda v: v < 0, "n < 0")
    d.check("p", lambda v: ~((v >= 0) & (v <= 1)), "p < 0, p > 1 or p is NaN")
    trials = _onp.trunc(d.host("n")).astype(_onp.int64)
    return d.finish(d.no_grad_from(d.host_array(_host.binomial(trials, d.host("p"))), "n", "p"))

"""``np.random``: samples from one seedable generator shared by ``np``, ``npx`` and ``nd``.

>>> from deepblocks import np
>>> np.random.seed(0)
>>> a = np.random.normal(0, 1, (2, 3))
>>> np.random.seed(0)
>>> bool((np.random.normal(0, 1, (2, 3)) == a).all())
True
"""

from .. import _core

__all__ = ["seed", "uniform", "normal", "randn", "rand", "randint", "shuffle", "choice", "permutation"]


def seed(seed=None, ctx="all"):
    """Restarts the generator; later draws repeat exactly."""
    if seed is None:
        raise ValueError("seed() needs an integer seed")
    _core.seed(seed)


def uniform(low=0.0, high=1.0, size=None, dtype=None, ctx=None, device=None, out=None):
    """Samples from ``[low, high)``; float32 unless ``dtype`` is given."""
    return _core.uniform(float(low), float(high), size, dtype, ctx, device)


def normal(loc=0.0, scale=1.0, size=None, dtype=None, ctx=None, device=None, out=None):
    """Samples from N(loc, scale²); float32 unless ``dtype`` is given."""
    return _core.normal(float(loc), float(scale), size, dtype, ctx, device)


def randn(*size, **kwargs):
    """Standard normal samples of shape ``size`` (``randn(2, 3)``)."""
    return _core.normal(0.0, 1.0, size, kwargs.get("dtype"), kwargs.get("ctx"), kwargs.get("device"))


def rand(*size, **kwargs):
    """Uniform ``[0, 1)`` samples of shape ``size`` (``rand(2, 3)``)."""
    return _core.uniform(0.0, 1.0, size, kwargs.get("dtype"), kwargs.get("ctx"), kwargs.get("device"))


def randint(low, high=None, size=None, dtype=None, ctx=None, device=None, out=None):
    """Integers from ``[low, high)`` (``[0, low)`` when ``high`` is None); int64 by default."""
    return _core.randint(int(low), None if high is None else int(high), size, dtype, ctx, device)


def shuffle(x):
    """Shuffles ``x`` in place along its first axis."""
    _core.shuffle(x)


def choice(a, size=None, replace=True, p=None, ctx=None, device=None):
    """Samples from ``range(a)`` (an int) or from the elements of a 1-D array, on ``ctx``
    (else on ``a``'s device when ``a`` is an array, else on the current context)."""
    out = _core.choice(a, size, replace, p)
    target = ctx or device or (a.ctx if isinstance(a, _core.ndarray) else None)
    return out if target is None or out.ctx == target else out.as_in_ctx(target)


def permutation(x):
    return _core.permutation(x)

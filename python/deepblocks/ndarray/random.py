"""``nd.random``: MXNet 1.x's legacy samplers, drawing from the generator that ``np.random``
and ``npx.random`` share (so one ``seed`` call makes all of them repeat).

Without ``shape`` a sampler gives one value of shape ``(1,)``; ``low``/``high`` (or
``loc``/``scale``) may be arrays, giving one batch of samples per element.

>>> from deepblocks import nd
>>> nd.random.seed(42)
>>> a = nd.random.uniform(-1, 1, shape=(2, 3))
>>> nd.random.seed(42)
>>> bool((nd.random.uniform(-1, 1, shape=(2, 3)) == a).asnumpy().all())
True
>>> nd.random.normal(shape=(2,)).dtype, nd.random.randint(0, 5, shape=4).dtype
(<class 'numpy.float32'>, <class 'numpy.int32'>)
"""

import numpy as _onp

from .. import _core
from ..numpy import random as _np_random
from .ndarray import NDArray, _base, _nd
from .ops import _write
from .random_counts import (  # noqa: F401 (re-exported)
    gamma, generalized_negative_binomial, multinomial, negative_binomial, poisson)

__all__ = ["seed", "uniform", "normal", "randn", "randint", "shuffle", "exponential", "gamma", "poisson",
           "negative_binomial", "generalized_negative_binomial", "multinomial"]

_INT_DTYPES = frozenset(_onp.dtype(d) for d in ("int32", "int64"))


def seed(seed_state, ctx="all"):
    """Restarts the shared generator; later draws repeat exactly (``mx.random.seed``)."""
    _np_random.seed(seed_state)


def _shape(shape):
    return None if shape is None else ((shape,) if isinstance(shape, int) else tuple(shape))


def _params(a, b, shape, dtype, ctx, draw, combine):
    """Samples with array-valued parameters: ``a.shape + shape`` values, ``combine``d with the
    parameters broadcast along the trailing ``shape`` axes."""
    pa = a if isinstance(a, _base) else None
    pb = b if isinstance(b, _base) else None
    ref = pa if pa is not None else pb
    pshape = ref.shape
    for p in (pa, pb):
        if p is not None and p.shape != pshape:
            raise ValueError(f"distribution parameters must have the same shape, got {pa.shape} and {pb.shape}")
    extra = _shape(shape) or ()
    dt = dtype if dtype is not None else ref.dtype
    base = _nd(draw(pshape + extra, dt, ctx or ref.ctx))  # legacy, as the parameters are
    grow = pshape + (1,) * len(extra)

    def as_param(p):
        return p.reshape(grow) if isinstance(p, _base) else p

    return _nd(combine(base, as_param(a), as_param(b)))


def uniform(low=0, high=1, shape=None, dtype=None, ctx=None, out=None, **kwargs):
    """Samples from ``[low, high)``; float32 unless ``dtype`` is 'float64'.

    >>> from deepblocks import nd
    >>> x = nd.random.uniform(-10, 10, shape=(2, 20))
    >>> x.shape, bool((x >= -10).asnumpy().all() and (x < 10).asnumpy().all())
    ((2, 20), True)
    """
    shape, dtype = _like_out(out, shape, dtype)
    if isinstance(low, _base) or isinstance(high, _base):
        return _write(_params(
            low, high, shape, dtype, ctx,
            lambda s, d, c: _core.uniform(0.0, 1.0, s, d, c, None),
            lambda u, lo, hi: lo + u * (hi - lo),
        ), out)
    return _write(NDArray(_core.uniform(float(low), float(high), _shape(shape), dtype, ctx, None)), out)


def normal(loc=0, scale=1, shape=None, dtype=None, ctx=None, out=None, **kwargs):
    """Samples from N(loc, scale²); float32 unless ``dtype`` is 'float64'.

    >>> from deepblocks import nd
    >>> nd.random.normal(scale=0.01, shape=(1000, 2)).shape
    (1000, 2)
    """
    shape, dtype = _like_out(out, shape, dtype)
    if isinstance(loc, _base) or isinstance(scale, _base):
        return _write(_params(
            loc, scale, shape, dtype, ctx,
            lambda s, d, c: _core.normal(0.0, 1.0, s, d, c, None),
            lambda z, mu, sigma: mu + z * sigma,
        ), out)
    if float(scale) < 0:
        raise ValueError(f"normal: scale must be non-negative, got {scale}")
    return _write(NDArray(_core.normal(float(loc), float(scale), _shape(shape), dtype, ctx, None)), out)


def random_uniform(low=0, high=1, shape=None, ctx=None, dtype=None, out=None, **kwargs):
    """The legacy operator ``nd.random_uniform`` (alias ``nd.uniform``): ``uniform`` with
    MXNet's operator argument order (``ctx`` before ``dtype``).

    >>> from deepblocks import nd
    >>> nd.uniform(0, 1, (2, 3)).shape, nd.random_uniform(shape=4, dtype='float64').dtype
    ((2, 3), <class 'numpy.float64'>)
    """
    return uniform(low, high, shape=shape, dtype=dtype, ctx=ctx, out=out, **kwargs)


def random_normal(loc=0, scale=1, shape=None, ctx=None, dtype=None, out=None, **kwargs):
    """The legacy operator ``nd.random_normal`` (alias ``nd.normal``): ``normal`` with MXNet's
    operator argument order (``ctx`` before ``dtype``).

    >>> from deepblocks import nd
    >>> nd.normal(0, 1, (2, 3)).shape, nd.random_normal(shape=4, dtype='float64').dtype
    ((2, 3), <class 'numpy.float64'>)
    """
    return normal(loc, scale, shape=shape, dtype=dtype, ctx=ctx, out=out, **kwargs)


def randn(*shape, **kwargs):
    """Normal samples of shape ``shape`` (``randn(2, 3)``); keywords ``loc``, ``scale``,
    ``dtype``, ``ctx``."""
    loc = kwargs.pop("loc", 0)
    scale = kwargs.pop("scale", 1)
    dtype = kwargs.pop("dtype", None)
    ctx = kwargs.pop("ctx", None)
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    return normal(loc, scale, shape or None, dtype, ctx)


def randint(low, high, shape=None, dtype=None, ctx=None, out=None, **kwargs):
    """Integers from ``[low, high)``; int32 unless ``dtype`` is 'int64'.

    >>> from deepblocks import nd
    >>> x = nd.random.randint(0, 3, shape=(100,))
    >>> x.dtype, 0 <= x.min().asscalar() and x.max().asscalar() < 3
    (<class 'numpy.int32'>, np.True_)
    """
    shape, dtype = _like_out(out, shape, dtype)
    d = _onp.dtype("int32" if dtype is None else dtype)
    if d not in _INT_DTYPES:
        raise TypeError(f"randint: dtype must be 'int32' or 'int64', got {d.name}")
    return _write(NDArray(_core.randint(_int(low, "low"), _int(high, "high"), _shape(shape), d.name, ctx, None)), out)


def exponential(scale=1, shape=None, dtype=None, ctx=None, out=None, **kwargs):
    """Samples from the exponential distribution with mean ``scale``."""
    shape, dtype = _like_out(out, shape, dtype)
    if isinstance(scale, _base):
        # One batch of ``shape`` samples per element of the array ``scale`` (as MXNet).
        return _write(_params(
            scale, None, shape, dtype, ctx,
            lambda s, d, c: _core.uniform(0.0, 1.0, s, d, c, None),
            lambda u, sc, _: _core.unary(-u, "log1p") * -sc,
        ), out)
    u = _core.uniform(0.0, 1.0, _shape(shape), dtype, ctx, None)
    # -log(1 - u) with u in [0, 1) never takes the log of 0.
    return _write(NDArray(_core.unary(-u, "log1p") * -float(scale)), out)


def shuffle(data, **kwargs):
    """A copy of ``data`` with its first axis randomly permuted (``data`` is unchanged, as
    in MXNet).

    >>> from deepblocks import nd
    >>> x = nd.arange(10)
    >>> sorted(nd.random.shuffle(x).asnumpy().tolist()) == x.asnumpy().tolist()
    True
    """
    out = _nd(data).copy()
    _core.shuffle(out)
    return out


def _int(v, name):
    """An int64 bound (a float with an integral value is accepted, as MXNet parses it)."""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    if isinstance(v, bool) or not isinstance(v, (int, _onp.integer)):
        raise TypeError(f"randint: {name} must be an integer, got {v!r}")
    if not -(2**63) <= int(v) < 2**63:
        raise ValueError(f"randint: {name}={v} is outside the int64 range")
    return int(v)


def _like_out(out, shape, dtype):
    """With ``out=`` and no ``shape``/``dtype``, samples take ``out``'s (MXNet)."""
    if out is None:
        return shape, dtype
    if not isinstance(out, _base):
        raise TypeError(f"out must be an NDArray, got {type(out).__name__}")
    return (out.shape if shape is None else shape), (_base.dtype.__get__(out) if dtype is None else dtype)

from .random_like import (  # noqa: E402,F401 (re-exported; they call the samplers above)
    exponential_like, gamma_like, generalized_negative_binomial_like, negative_binomial_like, normal_like,
    poisson_like, uniform_like)

from ..base import numeric_types  # noqa: E402,F401 (MXNet's nd.random exposes these two)
from ..context import current_context  # noqa: E402,F401

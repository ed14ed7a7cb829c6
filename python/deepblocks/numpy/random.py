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


def _to_out(r, out):
    """``r`` written into ``out`` (which must have its shape), as MXNet's ``out=``."""
    if out is None:
        return r
    if not isinstance(out, _core.ndarray):
        raise TypeError(f"out must be an ndarray, got {type(out).__name__}")
    if tuple(out.shape) != tuple(r.shape):
        raise ValueError(f"out has shape {tuple(out.shape)}, the samples have shape {tuple(r.shape)}")
    out[...] = r
    return out


def _shifted(name, a, b, size, dtype, ctx, device, draw):
    """``a + b * draw(shape)`` for array parameters ``a``/``b``: the samples are a
    differentiable function of the parameters (the reparameterization MXNet's samplers use),
    of shape ``size`` or else the parameters' broadcast shape."""
    import numpy as _onp

    arrays = [v for v in (a, b) if isinstance(v, _core.ndarray)]
    pshape = _onp.broadcast_shapes(*(tuple(v.shape) for v in arrays))
    if size is None:
        shape = pshape
    else:
        shape = (size,) if isinstance(size, int) else tuple(size)
        try:
            if _onp.broadcast_shapes(pshape, shape) != shape:
                raise ValueError
        except ValueError:
            raise ValueError(f"{name}: parameters of shape {pshape} do not broadcast to size {shape}") from None
    dt = _onp.dtype(dtype or "float32").name
    if ctx is None and device is None:
        ctx = arrays[0].ctx
    a, b = (v.astype(dt, copy=False) if isinstance(v, _core.ndarray) else v for v in (a, b))
    return a + b * draw(shape, dt, ctx, device)


def uniform(low=0.0, high=1.0, size=None, dtype=None, ctx=None, device=None, out=None):
    """Samples from ``[low, high)``; float32 unless ``dtype`` is given. ``low`` and ``high``
    may be arrays (the samples broadcast with them and are differentiable in them).

    >>> from deepblocks import np
    >>> np.random.uniform(np.zeros((2, 1)), np.ones(3)).shape
    (2, 3)
    """
    if isinstance(low, _core.ndarray) or isinstance(high, _core.ndarray):
        r = _shifted("uniform", low, high - low, size, dtype, ctx, device,
                     lambda shape, dt, c, d: _core.uniform(0.0, 1.0, shape, dt, c, d))
    else:
        r = _core.uniform(float(low), float(high), size, dtype, ctx, device)
    return _to_out(r, out)


def normal(loc=0.0, scale=1.0, size=None, dtype=None, ctx=None, device=None, out=None):
    """Samples from N(loc, scale²); float32 unless ``dtype`` is given. ``loc`` and ``scale``
    may be arrays (the samples broadcast with them and are differentiable in them).

    >>> from deepblocks import np
    >>> np.random.normal(np.zeros(3), 1.0, size=(2, 3)).shape
    (2, 3)
    """
    if isinstance(loc, _core.ndarray) or isinstance(scale, _core.ndarray):
        r = _shifted("normal", loc, scale, size, dtype, ctx, device,
                     lambda shape, dt, c, d: _core.normal(0.0, 1.0, shape, dt, c, d))
    else:
        r = _core.normal(float(loc), float(scale), size, dtype, ctx, device)
    return _to_out(r, out)


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

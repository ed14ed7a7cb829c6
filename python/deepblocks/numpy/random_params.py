"""What every ``np.random`` sampler does with its arguments: distribution parameters (numbers,
lists or arrays) broadcast against each other and against ``size``; ``dtype``, ``ctx``/``device``
and ``out=`` as MXNet's; the standard draws (uniform, normal, exponential, gamma) that a
distribution transforms, all from the one seeded generator.

Array parameters enter the result through engine operations on a standard draw (the
reparameterization MXNet's samplers use), so the samples are differentiable in them.

>>> from deepblocks import np
>>> from deepblocks.numpy.random_params import prepare
>>> d = prepare("demo", [("loc", np.zeros((2, 1))), ("scale", 1.0)], (4, 2, 3), None, None, None, None)
>>> d.shape, d.dtype
((4, 2, 3), 'float32')
"""

import numbers as _numbers

import numpy as _onp

from .. import _core
from .. import host_samplers as _host

__all__ = ["prepare", "to_out", "size_tuple"]

_FLOAT_DTYPES = ("float32", "float64")


def size_tuple(size):
    """``size`` as a shape tuple, or None (MXNet treats ``size=()`` as no size)."""
    if size is None:
        return None
    if isinstance(size, (int, _onp.integer)):
        size = (int(size),)
    try:
        shape = tuple(int(s) for s in size)
    except TypeError:
        raise TypeError(f"size must be an int or a tuple of ints, got {size!r}") from None
    if any(s < 0 for s in shape):
        raise ValueError(f"size must not have negative dimensions, got {shape}")
    return shape or None


def to_out(r, out):
    """``r`` written into ``out`` (which must have its shape), as MXNet's ``out=``."""
    if out is None:
        return r
    if not isinstance(out, _core.ndarray):
        raise TypeError(f"out must be an ndarray, got {type(out).__name__}")
    if tuple(out.shape) != tuple(r.shape):
        raise ValueError(f"out has shape {tuple(out.shape)}, the samples have shape {tuple(r.shape)}")
    out[...] = r
    return out


class Draw:
    """The parsed arguments of one sampler call (made by ``prepare``).

    ``values`` holds each parameter as a float or as an array in the samples' dtype (arrays keep
    their autograd history); ``shape`` is the samples' shape; the ``standard_*`` methods draw
    standard variates of that shape and dtype on the samples' device."""

    def __init__(self, name, names, values, shape, dtype, ctx, device, out):
        self.name, self.names, self.values = name, names, values
        self.shape, self.dtype, self.ctx, self.device, self.out = shape, dtype, ctx, device, out

    def host(self, param):
        """Parameter ``param`` broadcast to the samples' shape, flat, as float64 host data."""
        v = self.values[self.names.index(param)]
        h = v.asnumpy() if isinstance(v, _core.ndarray) else _onp.asarray(v)
        return _onp.broadcast_to(h.astype(_onp.float64), self.shape).ravel()

    def check(self, param, bad, what):
        """ValueError (naming the bad value, as NumPy's ``scale < 0``) when ``bad`` holds for
        any element of parameter ``param``; NaN counts as bad only where ``bad`` says so."""
        v = self.values[self.names.index(param)]
        h = v.asnumpy() if isinstance(v, _core.ndarray) else _onp.asarray(v, dtype=_onp.float64)
        with _onp.errstate(invalid="ignore"):
            hit = _onp.asarray(bad(h))
        if hit.any():
            first = h.ravel()[_onp.flatnonzero(hit.ravel())[0]] if h.ndim else h
            raise ValueError(f"{self.name}: {what} (got {param}={first})")

    def _draw(self, fn, *args):
        return fn(*args, self.shape, self.dtype, self.ctx, self.device)

    def standard_uniform(self):
        """Draws from ``[0, 1)``."""
        return self._draw(_core.uniform, 0.0, 1.0)

    def open_uniform(self):
        """Draws from ``(0, 1)``: a draw of exactly 0 (probability ~2**-53) moves to the
        smallest positive float, so that logarithms stay finite."""
        return _core.binary(self.standard_uniform(), float(_onp.finfo(self.dtype).tiny), "maximum")

    def standard_normal(self):
        return self._draw(_core.normal, 0.0, 1.0)

    def standard_exponential(self):
        """-log(1 - U) for U in (0, 1): positive and finite."""
        return -_core.unary(-self.open_uniform(), "log1p")

    def host_array(self, values):
        """Host samples (flat or shaped) as an array of the samples' shape, dtype and device."""
        return _core.array(_onp.asarray(values).reshape(self.shape), self.dtype, self.ctx, self.device, True)

    def standard_gamma(self, param):
        """Gamma(param, 1) draws, made on the host from the shared generator."""
        return self.host_array(_host.gamma_unit(self.host(param)))

    def no_grad_from(self, r, *params):
        """``r`` recorded as depending on ``params`` with a zero gradient: MXNet's samplers
        that are not reparameterized (gamma's shape, beta, chisquare, counts, bernoulli) sit
        in the graph and send 0 back, so ``backward`` through them works and gives zeros."""
        arrays = [v for v in (self.values[self.names.index(p)] for p in params) if isinstance(v, _core.ndarray)]
        if not arrays or not _core.is_recording():
            return r
        return _zero_grad(r, arrays)

    def finish(self, r):
        """The samples, in ``out`` when given."""
        if r.dtype != _onp.dtype(self.dtype):
            r = r.astype(self.dtype)
        return to_out(r, self.out)


def _zero_grad(r, params):
    from ..autograd import Function

    class _ZeroGrad(Function):
        def forward(self, x, *ps):
            return x.copy()

        def backward(self, dy):
            return (dy,) + tuple(_core.full(p.shape, 0, p.dtype, p.ctx) for p in params)

    return _ZeroGrad()(r, *params)


def _param(name, pname, v, dtype, ctx, device):
    """One distribution parameter: an engine array stays one (cast to ``dtype``), lists and
    NumPy arrays become constant arrays on the samples' device, numbers stay floats."""
    if isinstance(v, _core.ndarray):
        return v if v.dtype == _onp.dtype(dtype) else v.astype(dtype)
    if isinstance(v, (bool, _onp.bool_)):
        return float(v)
    if isinstance(v, (_numbers.Real, _onp.number)):
        return float(v)
    if isinstance(v, (list, tuple, _onp.ndarray)):
        h = _onp.asarray(v, dtype=_onp.float64)
        return float(h) if h.ndim == 0 else _core.array(h, dtype, ctx, device, True)
    raise TypeError(f"{name}: {pname} must be a number or an array, got {type(v).__name__}")


def prepare(name, params, size, dtype, ctx, device, out, float_only=True, default_dtype="float32"):
    """Parses one sampler call: ``params`` is ``[(name, value), ...]``. The samples have shape
    ``size`` (which the parameters must broadcast to) or else the parameters' broadcast shape;
    with ``out`` and no ``size``, ``out``'s shape (and its dtype when ``dtype`` is None)."""
    if out is not None and not isinstance(out, _core.ndarray):
        raise TypeError(f"out must be an ndarray, got {type(out).__name__}")
    shape = size_tuple(size)
    if shape is None and out is not None:
        shape = tuple(out.shape)
    if dtype is None:
        dtype = out.dtype if out is not None else default_dtype
    dt = _onp.dtype(dtype).name
    if float_only and dt not in _FLOAT_DTYPES:
        raise TypeError(f"{name}: dtype must be one of {_FLOAT_DTYPES}, got {dt}")
    pdt = dt if dt in _FLOAT_DTYPES else "float64"
    if ctx is None and device is None:
        given = [v for _, v in params if isinstance(v, _core.ndarray)]
        ctx = given[0].ctx if given else None
    names = [p for p, _ in params]
    values = [_param(name, p, v, pdt, ctx, device) for p, v in params]
    arrays = [v for v in values if isinstance(v, _core.ndarray)]
    try:
        pshape = _onp.broadcast_shapes(*(tuple(v.shape) for v in arrays)) if arrays else ()
    except ValueError:
        shapes = ", ".join(f"{p}: {tuple(v.shape)}" for p, v in zip(names, values) if isinstance(v, _core.ndarray))
        raise ValueError(f"{name}: the parameters' shapes do not broadcast ({shapes})") from None
    if shape is None:
        shape = pshape
    else:
        try:
            ok = _onp.broadcast_shapes(pshape, shape) == shape
        except ValueError:
            ok = False
        if not ok:
            raise ValueError(f"{name}: size {shape} is not compatible with the parameters' broadcast shape {pshape}")
    return Draw(name, names, values, shape, dt, ctx, device, out)

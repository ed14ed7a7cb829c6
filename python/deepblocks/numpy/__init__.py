"""``deepblocks.np``: NumPy-compatible arrays on the deepblocks engine (MXNet's ``mxnet.np``).

Arrays follow NumPy (broadcasting, promotion, views that write through) with MXNet's
defaults: Python lists, scalars and ``arange`` give float32.

>>> from deepblocks import np
>>> x = np.array([[1, 2], [3, 4]])
>>> x.dtype
dtype('float32')
>>> (x @ x.T).sum(axis=1)
array([16., 36.])
>>> np.maximum(x - 2, 0)
array([[0., 0.],
       [1., 2.]])
"""

import builtins as _builtins
from typing import TYPE_CHECKING as _TYPE_CHECKING

import numpy as _onp

from .. import _core
from .._core import ndarray
from ..op_table import BINARY as _BINARY_OPS
from ..op_table import UNARY as _UNARY_OPS
from . import linalg, random
from .einsum import einsum, tensordot
from .float_parts import divmod, float_power, frexp, heaviside, isneginf, isposinf, ldexp, modf, signbit, spacing
from .grids import meshgrid
from .index_tricks import diag_indices_from, resize, unravel_index
from .matrices import diag, diagflat, diagonal, indices, kron, trace, tri
from .memory import may_share_memory, shares_memory
from .polynomial import polyval
from .ranges import geomspace, logspace
from .shaping import (append, atleast_1d, atleast_2d, atleast_3d, column_stack, delete, dsplit, dstack, hsplit,
                      insert, roll, rot90, row_stack, vsplit)
from .windows import blackman, hamming, hanning
from .dlpack import from_dlpack

__all__ = ["ndarray", "linalg", "random"]

# ---- dtypes and constants (the host NumPy objects, so comparisons just work) ----------------
float32 = _onp.float32
float64 = _onp.float64
int32 = _onp.int32
int64 = _onp.int64
uint8 = _onp.uint8
bool_ = _onp.bool_
bool = bool  # MXNet's ``np.bool`` is Python's bool (NumPy 1.x's alias)
dtype = _onp.dtype
pi = _onp.pi
e = _onp.e
inf = _onp.inf
nan = _onp.nan
newaxis = None
# NumPy 1.x's spellings of the special values, which MXNet 1.9.1's ``np`` still exports.
NAN = NaN = nan
NINF = -inf
PINF = inf
NZERO = -0.0
PZERO = 0.0

# ---- creation ---------------------------------------------------------------------------------


def array(object, dtype=None, ctx=None, device=None, copy=True):
    """An array from a list, scalar, NumPy array or deepblocks array (float32 for Python data)."""
    return _core.array(object, dtype, ctx, device, copy)


def asarray(a, dtype=None, ctx=None, device=None):
    """Like ``array`` but returns ``a`` itself when it already fits (a deepblocks array
    stays on its device unless ``ctx`` says otherwise)."""
    return _core.array(a, dtype, ctx, device, False)


def _c_order(name, order):
    """Arrays are row-major: another ``order`` is MXNet's NotImplementedError."""
    if order != "C":
        raise NotImplementedError(f"{name}: only order='C' is supported, got order={order!r}")


def zeros(shape, dtype=None, order="C", ctx=None, device=None):
    """>>> zeros((2, 3)).shape
    (2, 3)
    """
    _c_order("zeros", order)
    return _core.full(shape, 0.0, dtype, ctx, device)


def ones(shape, dtype=None, order="C", ctx=None, device=None):
    _c_order("ones", order)
    return _core.full(shape, 1.0, dtype, ctx, device)


def empty(shape, dtype=None, order="C", ctx=None, device=None):
    """An array of ``shape`` (zero-filled: deepblocks never hands out uninitialized memory)."""
    _c_order("empty", order)
    return _core.full(shape, 0.0, dtype, ctx, device)


def full(shape, fill_value, dtype=None, order="C", ctx=None, device=None):
    _c_order("full", order)
    return _core.full(shape, fill_value, dtype, ctx, device)


def _like(name, a, dtype, order):
    _c_order(name, order)
    a = asarray(a)
    return a, (a.dtype if dtype is None else dtype)


def zeros_like(a, dtype=None, order="C", ctx=None, device=None):
    a, dt = _like("zeros_like", a, dtype, order)
    return _core.full(a.shape, 0, dt, ctx or device or a.ctx, None)


def ones_like(a, dtype=None, order="C", ctx=None, device=None):
    a, dt = _like("ones_like", a, dtype, order)
    return _core.full(a.shape, 1, dt, ctx or device or a.ctx, None)


def empty_like(a, dtype=None, order="C", ctx=None, device=None):
    _c_order("empty_like", order)
    return zeros_like(a, dtype, order, ctx, device)


def full_like(a, fill_value, dtype=None, order="C", ctx=None, device=None):
    a, dt = _like("full_like", a, dtype, order)
    return _core.full(a.shape, fill_value, dt, ctx or device or a.ctx, None)


def arange(start, stop=None, step=None, dtype=None, ctx=None, device=None):
    """``[start, stop)`` by ``step``; float32 unless ``dtype`` is given (MXNet's default).

    >>> arange(4)
    array([0., 1., 2., 3.])
    """
    return _core.arange(start, stop, step, dtype, ctx, device)


def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0, ctx=None, device=None):
    if axis != 0:
        raise ValueError("linspace: only axis=0 is supported")
    out = _core.linspace(start, stop, num, endpoint, dtype, ctx, device)
    if retstep:
        div = (num - 1) if endpoint else num
        return out, ((stop - start) / div if div > 0 else _onp.nan)
    return out


def eye(N, M=None, k=0, dtype=None, ctx=None, device=None):
    return _core.eye(N, M, k, dtype, ctx, device)


def identity(n, dtype=None, ctx=None, device=None):
    return _core.eye(n, None, 0, dtype, ctx, device)


# ---- elementwise functions ----------------------------------------------------------------------


def _no_out(out):
    if out is not None:
        raise TypeError("the out= argument is not supported; assign the result instead")


# NumPy ufunc keywords whose default value changes nothing, so passing the default is fine.
_UFUNC_DEFAULTS = {"where": True, "casting": "same_kind", "order": "K", "subok": True, "signature": None}


def _is_default(key, value):
    d = _UFUNC_DEFAULTS[key]
    return value is d or (isinstance(value, str) and value == d)


def _ufunc_dtype(name, out, kwargs):
    """Checks a ufunc's keywords; returns its ``dtype=`` (None when absent). As in MXNet, a
    keyword NumPy's ufuncs do not have is a TypeError, and one of theirs with a value other
    than its default (``where=mask``, ``casting='no'``) a NotImplementedError, never ignored.

    >>> absolute(array([-1.0, 2.0]), where=array([True, False]))
    Traceback (most recent call last):
    ...
    NotImplementedError: where=array([ True, False]) is not implemented yet for operator absolute
    """
    _no_out(out)
    dtype = kwargs.pop("dtype", None)
    for k in kwargs:
        if k not in _UFUNC_DEFAULTS:
            raise TypeError(f"{k} is an invalid keyword to function {name!r}")
    for k, v in kwargs.items():
        if not _is_default(k, v):
            raise NotImplementedError(f"{k}={v!r} is not implemented yet for operator {name}")
    return dtype


def _in_dtype(x, dtype):
    """``x`` converted to ``dtype`` for a ufunc's ``dtype=`` (Python scalars stay weak)."""
    if dtype is None or isinstance(x, (bool, int, float)):
        return x
    return asarray(x).astype(dtype)


_unary = _core.unary
_binary = _core.binary


def _ufunc1(name, engine, doc):
    def f(x, out=None, **kwargs):
        if out is None and not kwargs:  # the common call: straight to the engine
            return _unary(x, engine)
        dtype = _ufunc_dtype(name, out, kwargs)
        return _unary(_in_dtype(x, dtype), engine)

    f.__name__ = f.__qualname__ = name
    f.__doc__ = doc
    return f


def _ufunc2(name, engine, doc):
    def f(x1, x2, out=None, **kwargs):
        if out is None and not kwargs:
            return _binary(x1, x2, engine)
        dtype = _ufunc_dtype(name, out, kwargs)
        return _binary(_in_dtype(x1, dtype), _in_dtype(x2, dtype), engine)

    f.__name__ = f.__qualname__ = name
    f.__doc__ = doc
    return f


# The ufuncs, generated from the op table: the first NumPy name names the function, the
# others are aliases of it (``abs`` is ``absolute``).
for _op in _UNARY_OPS + _BINARY_OPS:
    if _op.np:
        _f = (_ufunc1 if _op.arity == 1 else _ufunc2)(_op.np[0], _op.engine, _op.doc)
        for _fname in _op.np:
            globals()[_fname] = _f
del _op, _f, _fname


def rint(x, out=None, **kwargs):
    """x rounded to the nearest integer, halves to even; a float result, as NumPy's (integer
    input computes in float64, bool and uint8 in float32 where NumPy uses float16)."""
    x = _in_dtype(x, _ufunc_dtype("rint", out, kwargs))
    x = asarray(x)
    if x.dtype.kind != "f":
        x = x.astype("float64" if x.dtype.itemsize >= 4 else "float32")
    return _core.unary(x, "rint")


def positive(x, out=None, **kwargs):
    return +asarray(_in_dtype(x, _ufunc_dtype("positive", out, kwargs)))


def round(x, decimals=0, out=None):
    """Rounds half to even at ``decimals`` places.

    >>> round(array([0.5, 1.5, 2.5]))
    array([0., 2., 2.])
    >>> round(array([1.234, -5.678]), 2)
    array([ 1.23, -5.68])
    """
    _no_out(out)
    return asarray(x).round(decimals)


around = round


def clip(a, a_min, a_max, out=None):
    """Limits ``a`` to ``[a_min, a_max]`` (either may be None)."""
    _no_out(out)
    return asarray(a).clip(a_min, a_max)


def where(condition, x=None, y=None):
    """``x`` where ``condition`` holds, else ``y``; with one argument, ``nonzero(condition)``."""
    if x is None and y is None:
        return nonzero(condition)
    if x is None or y is None:
        raise ValueError("either both or neither of x and y should be given")
    return _core.where_(condition, x, y)


# ---- reductions ----------------------------------------------------------------------------------


def sum(a, axis=None, dtype=None, out=None, keepdims=False):
    """Sum over ``axis`` (all axes by default); small integers widen to int64 as in NumPy."""
    return asarray(a).sum(axis=axis, dtype=dtype, out=out, keepdims=keepdims)


def prod(a, axis=None, dtype=None, out=None, keepdims=False):
    return asarray(a).prod(axis=axis, dtype=dtype, out=out, keepdims=keepdims)


def mean(a, axis=None, dtype=None, out=None, keepdims=False):
    return asarray(a).mean(axis=axis, dtype=dtype, out=out, keepdims=keepdims)


def var(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False):
    return asarray(a).var(axis=axis, dtype=dtype, out=out, ddof=ddof, keepdims=keepdims)


def std(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False):
    return asarray(a).std(axis=axis, dtype=dtype, out=out, ddof=ddof, keepdims=keepdims)


def max(a, axis=None, out=None, keepdims=False):
    return asarray(a).max(axis=axis, out=out, keepdims=keepdims)


def min(a, axis=None, out=None, keepdims=False):
    return asarray(a).min(axis=axis, out=out, keepdims=keepdims)


amax = max
amin = min


def argmax(a, axis=None, out=None, keepdims=False):
    return asarray(a).argmax(axis=axis, out=out, keepdims=keepdims)


def argmin(a, axis=None, out=None, keepdims=False):
    return asarray(a).argmin(axis=axis, out=out, keepdims=keepdims)


def all(a, axis=None, out=None, keepdims=False):
    return asarray(a).all(axis=axis, out=out, keepdims=keepdims)


def any(a, axis=None, out=None, keepdims=False):
    return asarray(a).any(axis=axis, out=out, keepdims=keepdims)


def cumsum(a, axis=None, dtype=None, out=None):
    return asarray(a).cumsum(axis=axis, dtype=dtype, out=out)


def sort(a, axis=-1, kind=None, order=None):
    """A sorted copy of ``a`` along ``axis`` (of the flattened array for ``axis=None``).
    Every ``kind`` gives the same stable sort; NaN sorts last, as in NumPy.

    >>> from deepblocks import np
    >>> np.sort(np.array([[3, 1, 2], [0, 5, 4]], dtype='int32'))
    array([[1, 2, 3],
           [0, 4, 5]], dtype=int32)
    >>> np.sort(np.array([2.0, np.nan, -1.0]), axis=None)
    array([-1.,  2., nan])
    """
    return _core.sort(a, axis, kind, order)


def argsort(a, axis=-1, kind=None, order=None):
    """The int64 positions that sort ``a`` along ``axis`` (of the flattened array for
    ``axis=None``); equal elements keep their order (a stable sort), NaN goes last.

    >>> from deepblocks import np
    >>> np.argsort(np.array([3.0, 1.0, 3.0, 2.0]))
    array([1, 3, 0, 2], dtype=int64)
    """
    return _core.argsort(a, axis, kind, order)


# ---- linear algebra --------------------------------------------------------------------------------


def dot(a, b, out=None):
    """NumPy's ``dot``: 2-D @ 2-D, 2-D @ 1-D, inner product of vectors, N-D sum-product."""
    _no_out(out)
    return _core.dot(a, b)


def matmul(a, b, out=None):
    """``a @ b`` with NumPy's rules for 1-D operands and broadcast batch axes."""
    _no_out(out)
    return _core.matmul(a, b)


def outer(a, b, out=None):
    _no_out(out)
    return _core.outer(a, b)


def inner(a, b):
    a, b = asarray(a), asarray(b)
    if a.ndim == 0 or b.ndim == 0:
        return a * b
    return _core.dot(a, swapaxes(b, -1, 0) if b.ndim > 1 else b)


def vdot(a, b):
    return _core.dot(asarray(a).ravel(), asarray(b).ravel())


def tril(m, k=0):
    """The lower triangle of ``m`` (of each matrix in a stack): elements above diagonal ``k``
    set to 0. A 1-D ``m`` gives a square matrix, as in NumPy.

    >>> tril(ones((3, 3)), -1)
    array([[0., 0., 0.],
           [1., 0., 0.],
           [1., 1., 0.]])
    """
    return _core.triangle(m, k, False)


def triu(m, k=0):
    """The upper triangle of ``m``: elements below diagonal ``k`` set to 0.

    >>> triu(arange(4).reshape(2, 2))
    array([[0., 1.],
           [0., 3.]])
    """
    return _core.triangle(m, k, True)


# ---- shape -----------------------------------------------------------------------------------------


def reshape(a, newshape, order="C"):
    return asarray(a).reshape(newshape, order=order)


def transpose(a, axes=None):
    return asarray(a).transpose(axes)


def swapaxes(a, axis1, axis2):
    return asarray(a).swapaxes(axis1, axis2)


def moveaxis(a, source, destination):
    return _core.moveaxis(a, source, destination)


def expand_dims(a, axis):
    return asarray(a).expand_dims(axis)


def squeeze(a, axis=None):
    return asarray(a).squeeze(axis)


def broadcast_to(array, shape):
    return asarray(array).broadcast_to(shape)


def broadcast_arrays(*args):
    arrays = [asarray(a) for a in args]
    shape = _onp.broadcast_shapes(*(a.shape for a in arrays))
    return [a.broadcast_to(shape) for a in arrays]


def ravel(a, order="C"):
    return asarray(a).ravel(order)


def concatenate(seq, axis=0, out=None):
    """Joins arrays along an existing axis (of the flattened arrays when ``axis=None``)."""
    _no_out(out)
    return _core.concatenate(seq, axis)


def stack(arrays, axis=0, out=None):
    _no_out(out)
    return _core.stack(arrays, axis)


def vstack(tup):
    return concatenate([a if asarray(a).ndim >= 2 else asarray(a).reshape(1, -1) for a in tup], axis=0)


def hstack(tup):
    """Concatenation along the second axis, or the first for 1-D arrays; 0-d arrays count as
    1-D (NumPy's ``atleast_1d``), so ``hstack([np.array(1.), np.array(2.)])`` is ``[1., 2.]``."""
    arrays = [asarray(a) for a in tup]
    arrays = [a.reshape(1) if a.ndim == 0 else a for a in arrays]
    return concatenate(arrays, axis=0 if arrays and arrays[0].ndim == 1 else 1)


def split(ary, indices_or_sections, axis=0):
    """Views of equal parts (an int) or of the parts between indices (a list)."""
    return _core.split(ary, indices_or_sections, axis, False)


def array_split(ary, indices_or_sections, axis=0):
    """Like ``split`` but an int need not divide the axis."""
    return _core.split(ary, indices_or_sections, axis, True)


def tile(A, reps):
    return _core.tile(A, reps)


def repeat(a, repeats, axis=None):
    return asarray(a).repeat(repeats, axis)


def flip(m, axis=None):
    """Reverses the order of elements along ``axis``; a view (negative strides)."""
    return _core.flip(m, axis)


def fliplr(m):
    return flip(m, 1)


def flipud(m):
    return flip(m, 0)


_PAD_MODES = ("constant", "edge", "reflect", "symmetric")


def pad(array, pad_width, mode="constant", constant_values=0, **kwargs):
    """``array`` padded along each axis, as ``numpy.pad``: ``pad_width`` is an int (every side
    of every axis), ``(before, after)`` (every axis) or one such pair per axis; ``mode`` is
    'constant' (``constant_values``, a number), 'edge', 'reflect' or 'symmetric'.
    Differentiable (the gradient of a padded array sums back onto its source).

    >>> from deepblocks import np
    >>> np.pad(np.array([1.0, 2.0, 3.0]), (2, 1), mode='reflect')
    array([3., 2., 1., 2., 3., 2.])
    >>> np.pad(np.ones((1, 2)), ((0, 1), (2, 0)), constant_values=7)
    array([[7., 7., 1., 1.],
           [7., 7., 7., 7.]])
    """
    a = array if isinstance(array, ndarray) else asarray(array)  # a legacy NDArray stays one
    widths = _pad_widths(pad_width, a.ndim)
    if mode not in _PAD_MODES:
        if mode in ("maximum", "minimum", "mean", "median", "linear_ramp", "wrap", "empty") or callable(mode):
            raise NotImplementedError(f"pad: mode {mode!r} is not supported (constant, edge, reflect, symmetric)")
        raise ValueError(f"pad: mode {mode!r} is not supported")
    if kwargs:
        raise TypeError(f"pad: unsupported keyword arguments for mode {mode!r}: {sorted(kwargs)}")
    if _onp.ndim(constant_values) != 0:
        raise NotImplementedError("pad: constant_values must be a single number")
    if mode != "constant":
        for n, (before, after) in zip(a.shape, widths):
            if n == 0 and before + after > 0:
                raise ValueError(f"pad: cannot extend an empty axis of shape {a.shape} in mode {mode!r} "
                                 f"(only 'constant' can)")
    return _core.pad(a, widths, mode, constant_values)


def _pad_widths(pad_width, ndim):
    """NumPy's ``pad_width`` forms as one ``(before, after)`` pair of ints per axis."""
    w = _onp.asarray(pad_width)
    if w.dtype.kind not in "iu":
        raise TypeError(f"pad: pad_width must be of integral type, got {pad_width!r}")
    if (w < 0).any():
        raise ValueError(f"pad: pad_width {pad_width!r} cannot contain negative values")
    try:
        w = _onp.broadcast_to(w, (ndim, 2))
    except ValueError:
        raise ValueError(f"pad: pad_width {pad_width!r} does not fit an array of {ndim} dimensions: give an int, "
                         f"a (before, after) pair, or {ndim} pairs") from None
    return tuple((int(b), int(e)) for b, e in w)


def nonzero(a):
    return asarray(a).nonzero()


def copy(a, order="K"):
    """A copy of ``a`` (always row-major: MXNet's ``np.copy`` ignores ``order`` too)."""
    return asarray(a).copy()


def shape(a):
    return asarray(a).shape


def size(a, axis=None):
    a = asarray(a)
    return a.size if axis is None else a.shape[axis]


def ndim(a):
    return asarray(a).ndim


# ---- NumPy 1.x aliases MXNet 1.9.1 keeps -------------------------------------------------------


def product(a, axis=None, dtype=None, out=None, keepdims=False):
    """``prod`` under its NumPy 1.x alias."""
    return prod(a, axis=axis, dtype=dtype, out=out, keepdims=keepdims)


def sometrue(a, axis=None, keepdims=False, out=None):
    """``any`` under its NumPy 1.x alias."""
    return any(a, axis=axis, out=out, keepdims=keepdims)


def round_(x, decimals=0, out=None, **kwargs):
    """``round`` under its NumPy 1.x alias."""
    return round(x, decimals=decimals, out=out)


def set_printoptions(precision=None, threshold=None, **kwarg):
    """How arrays print: ``precision`` digits, summarised beyond ``threshold`` elements (the
    host NumPy's print options, which deepblocks' ``repr`` goes through). MXNet 1.9.1 takes
    only these two; another option is its NotImplementedError.

    >>> from deepblocks import np
    >>> np.set_printoptions(precision=2); np.array([1 / 3])
    array([0.33])
    >>> np.set_printoptions(precision=8)
    """
    if kwarg:
        raise NotImplementedError(f"set_printoptions: only precision and threshold are supported, got {sorted(kwarg)}")
    _onp.set_printoptions(precision=precision, threshold=threshold)


def genfromtxt(*args, **kwargs):
    """Reads a text table with NumPy's ``genfromtxt`` (same arguments) into a deepblocks array
    on the current context (MXNet's default float32 for float data)."""
    host = _onp.genfromtxt(*args, **kwargs)
    return _core.array(host, "float32" if host.dtype == _onp.float64 else None, None, None, True)


# ---- function families in their own files (they use the definitions above) ---------------------
from .search import *  # noqa: E402,F401,F403  (unique, searchsorted, bincount, take, ...)
from .statistics import *  # noqa: E402,F401,F403  (median, quantile, average, histogram, interp, ...)
from .cumulative import *  # noqa: E402,F401,F403  (cumprod, diff, ediff1d)
from .compare import *  # noqa: E402,F401,F403  (isclose, allclose, array_equal)
from .nanfunctions import *  # noqa: E402,F401,F403  (nansum, nanmean, ..., nan_to_num)
from .sets import *  # noqa: E402,F401,F403  (isin, intersect1d, union1d, unique_all, ...)
from .selection import *  # noqa: E402,F401,F403  (count_nonzero, digitize, select, partition, ...)
from .signal import *  # noqa: E402,F401,F403  (convolve, correlate, cov, cross, gradient, ...)
from .aliases import *  # noqa: E402,F401,F403  (acos, concat, pow, vecdot, matvec, rollaxis, ...)
from .index_builders import *  # noqa: E402,F401,F403  (tril_indices, ix_, put, putmask, copyto, ...)
from .type_utils import *  # noqa: E402,F401,F403  (result_type, finfo, fmax, fmod, block, ...)


if _TYPE_CHECKING:
    # The ufuncs are made from the op table at import time, out of a type checker's sight:
    # this tells it that other names exist (typed Any). Never defined at run time.
    from typing import Any as _Any

    def __getattr__(name: str) -> _Any: ...

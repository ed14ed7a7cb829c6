"""Dtype and shape queries, array conversions and a few small functions, as NumPy's.

The dtype queries (``result_type``, ``can_cast``, ``finfo``...) are NumPy's own, applied to the
dtypes of deepblocks arrays (which are NumPy dtypes). deepblocks has no complex dtype, so
``real``, ``imag``, ``conj``, ``iscomplex``... treat every array as NumPy treats a real one.
``fmax``/``fmin``/``fmod`` are compositions of differentiable engine operations; ``nextafter``
and ``i0`` run in host NumPy and come back on the input's device.

>>> from deepblocks import np
>>> np.result_type(np.zeros(2, dtype='int32'), 1.0), np.broadcast_shapes((2, 1), (3,))
(dtype('float64'), (2, 3))
>>> np.fmax(np.array([1.0, np.nan]), np.array([np.nan, np.nan]))
array([ 1., nan])
>>> np.fmod(np.array([-3, 3], dtype='int32'), np.array([2, 0], dtype='int32'))
array([-1,  0], dtype=int32)
"""

import builtins as _builtins
import itertools as _itertools

import numpy as _onp

from . import (absolute, array, asarray, concatenate, copysign, expand_dims, isfinite, isnan, maximum, minimum, ndarray,
               remainder, sign, stack, transpose, where, zeros)
from . import all as _all
from ._axes import normalize_axis_tuple as _axis_tuple

__all__ = ["broadcast_shapes", "result_type", "can_cast", "promote_types", "min_scalar_type", "finfo", "iinfo",
           "issubdtype", "isdtype", "ascontiguousarray", "asanyarray", "asarray_chkfinite", "require",
           "array_equiv", "isscalar", "iscomplex", "isreal", "iscomplexobj", "isrealobj", "real", "imag", "conj",
           "conjugate", "fmax", "fmin", "fmod", "nextafter", "fromfunction", "frombuffer", "fromiter",
           "apply_along_axis", "apply_over_axes", "block", "i0"]

broadcast_shapes = _onp.broadcast_shapes
promote_types = _onp.promote_types
issubdtype = _onp.issubdtype
isdtype = _onp.isdtype
isscalar = _onp.isscalar  # a deepblocks array, even 0-d, is not a scalar (as a NumPy 0-d array)


def _dt(x):
    """A deepblocks array stands for its dtype in NumPy's dtype queries."""
    return x.dtype if isinstance(x, ndarray) else x


def result_type(*arrays_and_dtypes):
    """NumPy's promoted dtype of the arrays (deepblocks or NumPy), dtypes and Python scalars
    (weak, as in NumPy 2).

    >>> from deepblocks import np
    >>> np.result_type(np.zeros(1, dtype='uint8'), 'int32')
    dtype('int32')
    """
    return _onp.result_type(*[_dt(a) for a in arrays_and_dtypes])


def can_cast(from_, to, casting="safe"):
    """Whether NumPy's ``casting`` rule allows ``from_`` (a dtype or array) to become ``to``.

    >>> from deepblocks import np
    >>> np.can_cast(np.zeros(1, dtype='int64'), 'float32'), np.can_cast('int32', 'int64')
    (False, True)
    """
    return _onp.can_cast(_dt(from_), to, casting)


def min_scalar_type(a):
    """The smallest dtype holding ``a``'s value (0-d arrays and scalars) or ``a``'s dtype.

    >>> from deepblocks import np
    >>> np.min_scalar_type(np.array(300.0)), np.min_scalar_type(10)
    (dtype('float16'), dtype('uint8'))
    """
    return _onp.min_scalar_type(a.asnumpy() if isinstance(a, ndarray) else a)


def finfo(dtype):
    """NumPy's machine limits of a float dtype (or of an array's dtype).

    >>> from deepblocks import np
    >>> np.finfo(np.zeros(1)).bits
    32
    """
    return _onp.finfo(_dt(dtype))


def iinfo(int_type):
    """NumPy's limits of an integer dtype (or of an array's dtype).

    >>> from deepblocks import np
    >>> int(np.iinfo(np.zeros(1, dtype='uint8')).max)
    255
    """
    return _onp.iinfo(_dt(int_type))


# ---- conversions --------------------------------------------------------------------------------


def _convert(a, dtype):
    if isinstance(a, ndarray):
        return a if dtype is None or a.dtype == _onp.dtype(dtype) else a.astype(dtype)
    return asarray(a, dtype=dtype)


def ascontiguousarray(a, dtype=None, *, like=None):
    """``a`` as a deepblocks array, laid out row-major and contiguous (a copy only when ``a``
    is a strided view), with at least one dimension as NumPy gives.

    >>> from deepblocks import np
    >>> np.ascontiguousarray(np.arange(6).reshape(2, 3)[:, ::2])
    array([[0., 2.],
           [3., 5.]])
    """
    a = _convert(a, dtype)
    if a.ndim == 0:
        return a.reshape(1)
    return a if _contiguous(a) else a.copy()


def _contiguous(a):
    expected, step = [], a.itemsize
    for d in reversed(a.shape):
        expected.append(step)
        step *= d
    return all(d == 1 or s == e for d, s, e in zip(reversed(a.shape), reversed(a.strides), expected))


def asanyarray(a, dtype=None, order=None, *, like=None):
    """``a`` as a deepblocks array (the array itself when it already is one, of that dtype).

    >>> from deepblocks import np
    >>> x = np.zeros(2); np.asanyarray(x) is x
    True
    """
    if order not in (None, "C", "K", "A"):
        raise NotImplementedError(f"asanyarray: deepblocks arrays are row-major, order={order!r} is not supported")
    return _convert(a, dtype)


def asarray_chkfinite(a, dtype=None, order=None):
    """``asarray(a)`` that raises ValueError when a float array holds inf or NaN.

    >>> from deepblocks import np
    >>> np.asarray_chkfinite([1.0, 2.0])
    array([1., 2.])
    """
    a = asanyarray(a, dtype, order)
    if a.dtype.kind == "f" and a.size and not _builtins.bool(_all(isfinite(a)).item()):
        raise ValueError("array must not contain infs or NaNs")
    return a


_REQUIREMENTS = {"C": "C", "C_CONTIGUOUS": "C", "CONTIGUOUS": "C", "F": "F", "F_CONTIGUOUS": "F",
                 "FORTRAN": "F", "A": "A", "ALIGNED": "A", "W": "W", "WRITEABLE": "W", "O": "O", "OWNDATA": "O",
                 "E": "E", "ENSUREARRAY": "E"}


def require(a, dtype=None, requirements=None, *, like=None):
    """``a`` as a deepblocks array of ``dtype`` meeting ``requirements`` ('C', 'A', 'W', 'O',
    'E'; 'F' only where row-major and column-major agree), copying only when needed.

    >>> from deepblocks import np
    >>> np.require(np.arange(3), 'int64', ['C', 'O']).dtype
    dtype('int64')
    """
    flags = set()
    if requirements is not None:
        for r in ([requirements] if isinstance(requirements, str) else requirements):
            key = str(r).upper()
            if key not in _REQUIREMENTS:
                raise KeyError(f"require: unknown requirement {r!r}")
            flags.add(_REQUIREMENTS[key])
    a = _convert(a, dtype)
    if "F" in flags and sum(d > 1 for d in a.shape) > 1:
        raise NotImplementedError(f"require: deepblocks arrays are row-major, no Fortran layout for shape {a.shape}")
    if "O" in flags or ("C" in flags and not _contiguous(a)):
        a = a.copy()
    return a


def array_equiv(a1, a2):
    """True when ``a1`` and ``a2`` broadcast together and are equal everywhere.

    >>> from deepblocks import np
    >>> np.array_equiv(np.array([1.0, 2.0]), np.array([[1.0, 2.0], [1.0, 2.0]]))
    True
    """
    a1, a2 = asarray(a1), asarray(a2)
    try:
        _onp.broadcast_shapes(a1.shape, a2.shape)
    except ValueError:
        return False
    eq = a1 == a2
    return _builtins.bool(_all(eq).item()) if eq.size else True


# ---- real arrays as NumPy's real arrays --------------------------------------------------------


def iscomplex(x):
    """False everywhere (a bool array of ``x``'s shape): deepblocks arrays are real.

    >>> from deepblocks import np
    >>> np.iscomplex(np.array([1.0, 2.0]))
    array([False, False])
    """
    x = asarray(x)
    return zeros(x.shape, dtype="bool", ctx=x.ctx)


def isreal(x):
    """True everywhere (a bool array of ``x``'s shape): deepblocks arrays are real.

    >>> from deepblocks import np
    >>> np.isreal(np.array([1.0, 2.0]))
    array([ True,  True])
    """
    x = asarray(x)
    return zeros(x.shape, dtype="bool", ctx=x.ctx) == 0


def iscomplexobj(x):
    """Whether ``x`` has a complex type: never for a deepblocks array; NumPy's answer otherwise.

    >>> from deepblocks import np
    >>> np.iscomplexobj(np.zeros(2)), np.iscomplexobj(1j)
    (False, True)
    """
    return False if isinstance(x, ndarray) else _onp.iscomplexobj(x)


def isrealobj(x):
    """``not iscomplexobj(x)``.

    >>> from deepblocks import np
    >>> np.isrealobj(np.zeros(2))
    True
    """
    return not iscomplexobj(x)


def real(val):
    """The real part: a real deepblocks array itself (writes go through, as NumPy's view).

    >>> from deepblocks import np
    >>> np.real(np.array([1.0, -2.0]))
    array([ 1., -2.])
    """
    return asarray(val)


def imag(val):
    """The imaginary part of a real array: zeros of its shape and dtype.

    >>> from deepblocks import np
    >>> np.imag(np.array([1.0, -2.0]))
    array([0., 0.])
    """
    val = asarray(val)
    return zeros(val.shape, dtype=val.dtype, ctx=val.ctx)


def conj(x, /):
    """The complex conjugate of a real array: a copy of it (gradient one, like the identity).

    >>> from deepblocks import np
    >>> np.conj(np.array([1.0, -2.0]))
    array([ 1., -2.])
    """
    x = asarray(x)
    return x.copy()


conjugate = conj


# ---- NaN-ignoring extrema and C's fmod -----------------------------------------------------------


def fmax(x1, x2, /):
    """Element-wise maximum that ignores NaN (NaN only where both are NaN); the gradient goes to
    the chosen entry.

    >>> from deepblocks import np
    >>> np.fmax(np.array([1.0, np.nan, 3.0]), np.array([2.0, 0.0, np.nan]))
    array([2., 0., 3.])
    """
    return _fext(x1, x2, maximum)


def fmin(x1, x2, /):
    """Element-wise minimum that ignores NaN (NaN only where both are NaN).

    >>> from deepblocks import np
    >>> np.fmin(np.array([1.0, np.nan, 3.0]), np.array([2.0, 0.0, np.nan]))
    array([1., 0., 3.])
    """
    return _fext(x1, x2, minimum)


def _is_float(x):
    return isinstance(x, float) or (isinstance(x, ndarray) and x.dtype.kind == "f")


def _fext(x1, x2, op):
    x1 = x1 if isinstance(x1, (ndarray, bool, int, float)) else asarray(x1)
    x2 = x2 if isinstance(x2, (ndarray, bool, int, float)) else asarray(x2)
    out = op(x1, x2)
    if not isinstance(out, ndarray) or out.dtype.kind != "f":
        return out
    a1 = x1 if isinstance(x1, ndarray) else array(x1, dtype=out.dtype, ctx=out.ctx)
    a2 = x2 if isinstance(x2, ndarray) else array(x2, dtype=out.dtype, ctx=out.ctx)
    if _is_float(x2):
        out = where(isnan(a2), a1.astype(out.dtype, copy=False), out)
    if _is_float(x1):
        out = where(isnan(a1), a2.astype(out.dtype, copy=False), out)
    return out


def fmod(x1, x2, /):
    """C's ``fmod``: the remainder of truncated division, with the sign of ``x1``; integer
    division by zero gives 0 (as NumPy). Differentiable: d/dx1 = 1, d/dx2 = -trunc(x1 / x2).

    >>> from deepblocks import np
    >>> np.fmod(np.array([-3.0, 3.0, 3.5]), np.array([2.0, -2.0, 1.0]))
    array([-1. ,  1. ,  0.5])
    """
    x1 = x1 if isinstance(x1, (ndarray, bool, int, float)) else asarray(x1)
    x2 = x2 if isinstance(x2, (ndarray, bool, int, float)) else asarray(x2)
    r = remainder(x1, x2)  # the floored remainder has the sign of x2
    if not isinstance(r, ndarray):
        r = asarray(r)
    a1 = x1 if isinstance(x1, ndarray) else array(x1, dtype=r.dtype, ctx=r.ctx)
    a2 = x2 if isinstance(x2, ndarray) else array(x2, dtype=r.dtype, ctx=r.ctx)
    if r.dtype == _onp.bool_:
        return r
    if r.dtype.kind == "u":
        return r  # both non-negative: floored and truncated remainders agree
    # Where the signs disagree, step the floored remainder back by one x2 (it is then x1's sign).
    fix = (r != 0) & (sign(r) != sign(a1.astype(r.dtype, copy=False)))
    out = where(fix, r - a2.astype(r.dtype, copy=False), r)
    if r.dtype.kind == "f":
        # |x1| < |x2| (x2 = +-inf included) gives x1 exactly; the floored form would round
        # x1 + x2 there, or give inf or nan.
        b1 = a1.astype(r.dtype, copy=False)
        keep = absolute(b1) < absolute(a2.astype(r.dtype, copy=False))
        out = where(keep, b1 + zeros(out.shape, dtype=r.dtype, ctx=r.ctx), out)
        # and its zero results keep x1's sign
        out = where(out == 0, copysign(out, a1.astype(r.dtype, copy=False)), out)
    return out


def _host_binary(fn, x1, x2):
    dev = x1 if isinstance(x1, ndarray) else x2 if isinstance(x2, ndarray) else None
    h1 = x1.asnumpy() if isinstance(x1, ndarray) else x1 if isinstance(x1, (bool, int, float)) else \
        _host_list(x1)
    h2 = x2.asnumpy() if isinstance(x2, ndarray) else x2 if isinstance(x2, (bool, int, float)) else \
        _host_list(x2)
    out = _onp.asarray(fn(h1, h2))
    return array(out, dtype=out.dtype, ctx=None if dev is None else dev.ctx)


def _host_list(x):
    h = _onp.asarray(x)
    return h.astype(_onp.float32) if h.dtype == _onp.float64 and not isinstance(x, _onp.ndarray) else h


def nextafter(x1, x2, /):
    """The next float after ``x1`` towards ``x2`` (computed in host NumPy, returned on the
    input's device; not differentiable).

    >>> from deepblocks import np
    >>> float(np.nextafter(np.array(1.0, dtype='float32'), 2.0) - 1.0)
    1.1920928955078125e-07
    """
    return _host_binary(_onp.nextafter, x1, x2)


def i0(x):
    """The modified Bessel function of the first kind, order 0 (host NumPy, back on ``x``'s
    device; not differentiable).

    >>> from deepblocks import np
    >>> np.i0(np.array([0.0, 1.0], dtype='float64'))
    array([1.        , 1.26606588], dtype=float64)
    """
    x = asarray(x)
    out = _onp.asarray(_onp.i0(x.asnumpy()))
    return array(out, dtype=out.dtype, ctx=x.ctx)


# ---- construction ---------------------------------------------------------------------------------


def fromfunction(function, shape, *, dtype=None, like=None, **kwargs):
    """``function(*coords, **kwargs)`` called once with the coordinate arrays of ``shape`` (of
    ``dtype``, MXNet's float32 when None), as NumPy's.

    >>> from deepblocks import np
    >>> np.fromfunction(lambda i, j: i + 10 * j, (2, 2))
    array([[ 0., 10.],
           [ 1., 11.]])
    """
    from . import indices
    shape = tuple(shape)
    coords = indices(shape, dtype="float32" if dtype is None else dtype)
    return function(*[coords[i] for i in range(len(shape))], **kwargs)


def frombuffer(buffer, dtype=float, count=-1, offset=0, *, like=None):
    """A deepblocks array from the bytes of ``buffer`` read as ``dtype`` (copied; NumPy's
    reading rules and errors).

    >>> from deepblocks import np
    >>> np.frombuffer(b'\\x01\\x02', dtype='uint8')
    array([1, 2], dtype=uint8)
    """
    host = _onp.frombuffer(buffer, dtype=dtype, count=count, offset=offset)
    return array(host.copy(), dtype=host.dtype)


def fromiter(iter, dtype, count=-1, *, like=None):  # noqa: A002 - NumPy's parameter name
    """A 1-d deepblocks array of ``dtype`` from the items of an iterable (NumPy's rules).

    >>> from deepblocks import np
    >>> np.fromiter((i * i for i in range(4)), dtype='int32')
    array([0, 1, 4, 9], dtype=int32)
    """
    host = _onp.fromiter(iter, dtype=dtype, count=count)
    return array(host, dtype=host.dtype)


def apply_along_axis(func1d, axis, arr, *args, **kwargs):
    """``func1d`` applied to each 1-d slice of ``arr`` along ``axis``; the results (all of one
    shape) take that axis's place. Differentiable where ``func1d`` is.

    >>> from deepblocks import np
    >>> np.apply_along_axis(lambda v: v.sum(), 1, np.array([[1.0, 2.0], [3.0, 4.0]]))
    array([3., 7.])
    """
    arr = asarray(arr)
    axis = _axis_tuple(axis, arr.ndim)[0]
    moved = arr if axis == arr.ndim - 1 else transpose(arr, [i for i in range(arr.ndim) if i != axis] + [axis])
    outer = moved.shape[:-1]
    if 0 in outer:
        raise ValueError("Cannot apply_along_axis when any iteration dimensions are 0")
    outs = [asarray(func1d(moved[idx], *args, **kwargs)) for idx in _itertools.product(*map(range, outer))]
    first = outs[0].shape
    for o in outs:
        if o.shape != first:
            raise ValueError(f"apply_along_axis: func1d returned shapes {first} and {o.shape}")
    res = stack(outs).reshape(outer + first)
    nout, nres = len(outer), len(first)
    perm = list(range(axis)) + list(range(nout, nout + nres)) + list(range(axis, nout))
    return res if perm == list(range(len(perm))) else transpose(res, perm)


def apply_over_axes(func, a, axes):
    """``func(a, axis)`` applied over each of ``axes`` in turn, a reduced axis kept as length 1.

    >>> from deepblocks import np
    >>> np.apply_over_axes(np.sum, np.ones((2, 3, 4)), [0, 2])
    array([[[8.],
            [8.],
            [8.]]])
    """
    val = asarray(a)
    n = val.ndim
    for axis in ([axes] if _onp.ndim(axes) == 0 else list(axes)):
        axis = int(axis)
        if axis < 0:
            axis += n
        res = asarray(func(val, axis))
        if res.ndim == val.ndim:
            val = res
        elif res.ndim == val.ndim - 1:
            val = expand_dims(res, axis)
        else:
            raise ValueError("apply_over_axes: function is not returning an array of the correct shape")
    return val


def block(arrays):
    """An array assembled from nested lists of blocks: the innermost lists join along the last
    axis, the next along the one before, and so on (NumPy's rules, differentiable).

    >>> from deepblocks import np
    >>> np.block([[np.ones((1, 2)), np.zeros((1, 1))], [np.zeros((1, 3))]])
    array([[1., 1., 0.],
           [0., 0., 0.]])
    """
    depths = []

    def walk(x, index):
        if isinstance(x, tuple):
            raise TypeError(f"block: {index or 'arrays'} is a tuple; only lists can be used to arrange blocks")
        if isinstance(x, list):
            if not x:
                raise ValueError(f"block: list at {index or 'arrays'} cannot be empty")
            for i, y in enumerate(x):
                walk(y, f"{index or 'arrays'}[{i}]")
        else:
            depths.append((index.count("["), index))

    walk(arrays, "")
    first = depths[0][0]
    for d, idx in depths:
        if d != first:
            raise ValueError(f"block: list depths are mismatched; first element was at depth {first}, "
                             f"but there is an element at depth {d} ({idx})")
    leaves = []

    def collect(x):
        if isinstance(x, list):
            for y in x:
                collect(y)
        else:
            leaves.append(asarray(x))

    collect(arrays)
    ndim = max([first] + [leaf.ndim for leaf in leaves])
    it = iter(leaves)

    def build(x, depth):
        if not isinstance(x, list):
            leaf = next(it)
            return leaf.reshape((1,) * (ndim - leaf.ndim) + leaf.shape)
        parts = [build(y, depth + 1) for y in x]
        return concatenate(parts, axis=-(first - depth))

    return build(arrays, 0)

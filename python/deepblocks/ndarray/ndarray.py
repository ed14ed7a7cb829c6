"""The legacy array class ``NDArray`` (MXNet 1.x ``mxnet.nd.NDArray``).

``NDArray`` is a thin Python subclass of the engine's array (``deepblocks.np.ndarray``): the
same tensor, the same operators, with MXNet 1.x's legacy conventions layered on top:

- there are no 0-d arrays: whatever would be 0-d (a full reduction, ``x[0]`` on a vector,
  a scalar source) has shape ``(1,)``;
- comparisons give 0/1 in the array's own dtype (float32 for the usual float32 arrays, and
  for bool), ``argmax``/``argmin`` give indices in it too (float32 for uint8/bool, which
  would wrap), reductions of int32/int64 stay int32/int64 (uint8/bool widen as in NumPy);
- ``dtype`` is a NumPy type (``numpy.float32``), as in MXNet;
- ``repr`` and ``str`` are ``\\n[...]\\n<NDArray 2x3 @cpu(0)>``.

>>> from deepblocks import nd
>>> x = nd.array([[1, 2], [3, 4]])
>>> x
<BLANKLINE>
[[1. 2.]
 [3. 4.]]
<NDArray 2x2 @cpu(0)>
>>> x.sum().shape, x.sum().asscalar()
((1,), np.float32(10.0))
>>> (x > 2).asnumpy()
array([[0., 0.],
       [1., 1.]], dtype=float32)
"""

import numpy as _onp

from .. import _core
from .. import numpy_extension as _npx

__all__ = ["NDArray"]

_base = _core.ndarray
_base_new = _base.__new__
_base_reshape = _base.reshape
_base_getitem = _base.__getitem__
_base_setitem = _base.__setitem__
_base_dtype = _base.dtype.__get__
_base_astype = _base.astype
_base_eq, _base_ne = _base.__eq__, _base.__ne__
_base_lt, _base_le = _base.__lt__, _base.__le__
_base_gt, _base_ge = _base.__gt__, _base.__ge__

_BOOL = _onp.dtype("bool")
_NAMES = {_onp.dtype(n): n for n in ("bool", "uint8", "int32", "int64", "float32", "float64")}
# Index dtypes MXNet would hand back unchanged; uint8/bool indices would wrap, so they get float32.
_ARG_KEEP = frozenset(("float32", "float64", "int32", "int64"))


def _np_dtype(x):
    """The NumPy dtype of a deepblocks array, or None for anything else (scalars, lists)."""
    return _base_dtype(x) if isinstance(x, _base) else None


def _name(d):
    """The name of a NumPy dtype (``dtype.name`` is slow; names are what the engine parses fastest)."""
    n = _NAMES.get(d)
    return n if n is not None else d.name


def _cmp_dtype(a, b):
    """The dtype name of a legacy comparison: that of the array operand(s), float32 for bool."""
    da, db = _np_dtype(a), _np_dtype(b)
    if da is None:
        d = db
    elif db is None or db is da:
        d = da
    else:
        d = _onp.promote_types(da, db)
    return "float32" if d is None or d == _BOOL else _name(d)


def _float_index(key):
    """``key`` with float deepblocks arrays cast to int64 (MXNet indexes with float arrays),
    or None when there is nothing to convert."""
    if isinstance(key, _base):
        d = _base_dtype(key)
        return key.astype("int64") if d.kind == "f" else None
    if isinstance(key, tuple):
        parts = [_float_index(k) for k in key]
        if all(p is None for p in parts):
            return None
        return tuple(k if p is None else p for k, p in zip(key, parts))
    return None


def _legacy_shape(src, target, reverse=False):
    """Resolves MXNet's special reshape codes against the source shape ``src``.

    0 copies a source dim, -1 is inferred, -2 copies all remaining dims, -3 merges two source
    dims, -4 splits one source dim into the two values that follow it (one may be -1).
    ``reverse=True`` matches the codes from the right.
    """
    src, target = list(src), list(target)
    if reverse:
        src, target = src[::-1], target[::-1]
    out, i, j = [], 0, 0
    inferred = False

    def need(k):
        if i + k > len(src):
            raise ValueError(f"reshape: shape {tuple(target)} uses more dimensions than the source shape {tuple(src)} has")

    while j < len(target):
        p = int(target[j])
        if p > 0:
            out.append(p)
            i += 1
        elif p == 0:
            need(1)
            out.append(src[i])
            i += 1
        elif p == -1:
            if inferred:
                raise ValueError("reshape: only one dimension can be inferred (-1)")
            inferred = True
            out.append(-1)
            i += 1
        elif p == -2:
            out.extend(src[i:])
            i = len(src)
        elif p == -3:
            need(2)
            out.append(src[i] * src[i + 1])
            i += 2
        elif p == -4:
            if j + 2 >= len(target):
                raise ValueError("reshape: -4 must be followed by two dimensions")
            need(1)
            d0, d1, d2 = src[i], int(target[j + 1]), int(target[j + 2])
            if d1 == -1 and d2 > 0:
                d1 = d0 // d2
            elif d2 == -1 and d1 > 0:
                d2 = d0 // d1
            if d1 <= 0 or d2 <= 0 or d1 * d2 != d0:
                raise ValueError(f"reshape: cannot split dimension {d0} into ({target[j + 1]}, {target[j + 2]})")
            out += [d1, d2]
            i += 1
            j += 2
        else:
            raise ValueError(f"reshape: invalid dimension {p} in shape {tuple(target)}")
        j += 1
    return tuple(out[::-1] if reverse else out)


class NDArray(_base):
    """MXNet 1.x's legacy n-dimensional array.

    Create one with ``nd.array``, ``nd.zeros``, ``nd.random.uniform``...; ``NDArray(a)``
    shares the data of a deepblocks array ``a`` (free), and converts anything else.

    >>> from deepblocks import nd
    >>> x = nd.arange(6).reshape((2, 3))
    >>> x[1].asnumpy(), x[1, 2].shape
    (array([3., 4., 5.], dtype=float32), (1,))
    >>> x.dtype
    <class 'numpy.float32'>
    >>> x.argmax(axis=1).asnumpy()
    array([2., 2.], dtype=float32)
    """

    __slots__ = ()
    # Overriding `__eq__` would drop the hash; keep the engine's identity hash (MXNet's rule).
    __hash__ = _base.__hash__

    def __new__(cls, source_array):
        # Every engine result of an NDArray operation comes through here, so keep it lean.
        if not isinstance(source_array, _base):
            source_array = _base(source_array)
        if source_array.ndim == 0:
            # Legacy MXNet has no 0-d arrays: scalars are shape (1,).
            source_array = _base_reshape(source_array, 1)
        return _base_new(cls, source_array)

    # ---- display -------------------------------------------------------------------------

    def __repr__(self):
        shape = "x".join(str(d) for d in self.shape)
        return "\n%s\n<NDArray %s @%s>" % (str(self.asnumpy()), shape, self.ctx)

    __str__ = __repr__

    def __format__(self, spec):
        if spec:
            raise TypeError("unsupported format string passed to NDArray.__format__; use asscalar() first")
        return repr(self)

    # ---- attributes ---------------------------------------------------------------------------

    @property
    def dtype(self):
        """The element type as a NumPy type (``numpy.float32``), as MXNet's legacy arrays give."""
        return _base_dtype(self).type

    # ---- comparisons: 0/1 in the array's dtype (float32 arrays give float32) ------------

    def __eq__(self, other):
        r = _base_eq(self, other)
        return r if r is NotImplemented else _base_astype(r, _cmp_dtype(self, other))

    def __ne__(self, other):
        r = _base_ne(self, other)
        return r if r is NotImplemented else _base_astype(r, _cmp_dtype(self, other))

    def __lt__(self, other):
        r = _base_lt(self, other)
        return r if r is NotImplemented else _base_astype(r, _cmp_dtype(self, other))

    def __le__(self, other):
        r = _base_le(self, other)
        return r if r is NotImplemented else _base_astype(r, _cmp_dtype(self, other))

    def __gt__(self, other):
        r = _base_gt(self, other)
        return r if r is NotImplemented else _base_astype(r, _cmp_dtype(self, other))

    def __ge__(self, other):
        r = _base_ge(self, other)
        return r if r is NotImplemented else _base_astype(r, _cmp_dtype(self, other))

    # ---- indexing: as the engine's, plus float index arrays (MXNet indexes with them) -------

    def __getitem__(self, key):
        try:
            return _base_getitem(self, key)
        except IndexError:
            k = _float_index(key)
            if k is None:
                raise
            return _base_getitem(self, k)

    def __setitem__(self, key, value):
        try:
            _base_setitem(self, key, value)
        except IndexError:
            k = _float_index(key)
            if k is None:
                raise
            _base_setitem(self, k, value)

    # ---- conversion ---------------------------------------------------------------------------

    def asscalar(self):
        """The only element, as a NumPy scalar of this array's dtype.

        >>> from deepblocks import nd
        >>> nd.array([1, 2, 3]).sum().asscalar()
        np.float32(6.0)
        """
        if self.size != 1:
            raise ValueError("The current array is not a scalar")
        return self.asnumpy().reshape(-1)[0]

    def as_np_ndarray(self):
        """This data as a numpy-mode ``deepblocks.np.ndarray`` (shared, no copy)."""
        return _base(self)

    def as_nd_ndarray(self):
        return self

    def astype(self, dtype, copy=True):
        """A copy converted to ``dtype`` (``copy=False`` returns self when nothing changes)."""
        return _base.astype(self, dtype, copy=copy)

    # ---- shape --------------------------------------------------------------------------------

    def reshape(self, *shape, **kwargs):
        """A view with a new shape: ``reshape((2, 3))``, ``reshape(2, 3)`` or ``reshape(shape=(2, 3))``.

        MXNet's codes work: 0 copies a dim, -1 infers one, -2 copies the rest, -3 merges two
        dims and -4 splits one (``reverse=True`` applies them from the right).

        >>> from deepblocks import nd
        >>> nd.zeros((2, 3, 4)).reshape((0, -1)).shape
        (2, 12)
        """
        reverse = kwargs.pop("reverse", False)
        if "shape" in kwargs:
            if shape:
                raise TypeError("reshape() got the shape both positionally and as shape=")
            shape = kwargs.pop("shape")
        elif len(shape) == 1:
            shape = shape[0]
        if kwargs:
            raise TypeError(f"reshape() got unexpected keyword arguments {sorted(kwargs)}")
        if shape == () or shape is None:
            raise TypeError("reshape() needs a shape")
        if isinstance(shape, (list, tuple)):
            if reverse or any(d <= 0 and d != -1 for d in shape):
                shape = _legacy_shape(self.shape, shape, reverse)
        elif shape == 0 or shape < -1:
            shape = _legacy_shape(self.shape, (shape,), reverse)
        return _base_reshape(self, shape)

    def flatten(self):
        """Collapses all axes but the first: shape ``(N, ...)`` becomes ``(N, prod(...))``.

        >>> from deepblocks import nd
        >>> nd.zeros((2, 3, 4)).flatten().shape, nd.zeros(3).flatten().shape
        ((2, 12), (3, 1))
        """
        rest = 1
        for d in self.shape[1:]:
            rest *= d
        return _base_reshape(self, (self.shape[0], rest))

    def broadcast_to(self, shape):
        """A broadcast view; a 0 in ``shape`` keeps that axis (MXNet)."""
        shape = (shape,) if isinstance(shape, int) else tuple(shape)
        if len(shape) == self.ndim:
            shape = tuple(s if t == 0 else t for s, t in zip(self.shape, shape))
        return _base.broadcast_to(self, shape)

    def broadcast_like(self, other):
        return _base.broadcast_to(self, other.shape)

    def expand_dims(self, axis):
        return _base.expand_dims(self, axis)

    def split(self, num_outputs, axis=1, squeeze_axis=False):
        from .ops import split

        return split(self, num_outputs, axis, squeeze_axis)

    def tile(self, reps):
        return NDArray(_core.tile(self, reps))

    def flip(self, axis):
        return NDArray(_core.flip(self, axis))

    def zeros_like(self):
        return NDArray(_core.full(self.shape, 0, _base_dtype(self), self.ctx, None))

    def ones_like(self):
        return NDArray(_core.full(self.shape, 1, _base_dtype(self), self.ctx, None))

    # ---- reductions (all-axes results are shape (1,), dtypes kept) ---------------------------

    def _reduce(self, fn, axis, keepdims, exclude, *, with_dtype):
        if isinstance(axis, (list, tuple)) and len(axis) == 0:
            axis = None  # MXNet's axis=() means every axis
        if exclude:
            axis = _excluded(axis, self.ndim)
        if with_dtype:
            # Floats keep their dtype anyway; integers would widen to int64/float64 (NumPy).
            d = _base_dtype(self)
            if d.kind == "i":
                return fn(self, axis=axis, dtype=_name(d), keepdims=keepdims)
        return fn(self, axis=axis, keepdims=keepdims)

    def sum(self, axis=None, keepdims=False, exclude=False):
        """Sum over ``axis`` (every axis by default: shape ``(1,)``).

        >>> from deepblocks import nd
        >>> nd.array([[1, 2], [3, 4]]).sum(axis=1).asnumpy()
        array([3., 7.], dtype=float32)
        """
        return self._reduce(_base.sum, axis, keepdims, exclude, with_dtype=True)

    def prod(self, axis=None, keepdims=False, exclude=False):
        return self._reduce(_base.prod, axis, keepdims, exclude, with_dtype=True)

    def mean(self, axis=None, keepdims=False, exclude=False):
        return self._reduce(_base.mean, axis, keepdims, exclude, with_dtype=True)

    def max(self, axis=None, keepdims=False, exclude=False):
        return self._reduce(_base.max, axis, keepdims, exclude, with_dtype=False)

    def min(self, axis=None, keepdims=False, exclude=False):
        return self._reduce(_base.min, axis, keepdims, exclude, with_dtype=False)

    def nansum(self, axis=None, keepdims=False, exclude=False):
        clean = NDArray(_core.where_(_core.unary(self, "isnan"), 0, self))
        return clean.sum(axis, keepdims, exclude)

    def norm(self, ord=2, axis=None, keepdims=False):
        """The L2 (``ord=2``) or L1 (``ord=1``) norm over ``axis`` (all: shape ``(1,)``).

        >>> from deepblocks import nd
        >>> nd.array([3, 4]).norm().asscalar()
        np.float32(5.0)
        """
        d = _base_dtype(self)
        x = self if d.kind == "f" else _base.astype(self, "float64")
        if ord == 2:
            r = _core.unary(_base.sum(_base.__mul__(x, x), axis=axis, keepdims=keepdims), "sqrt")
        elif ord == 1:
            r = _base.sum(_core.unary(x, "abs"), axis=axis, keepdims=keepdims)
        else:
            raise ValueError(f"norm: ord must be 1 or 2, got {ord!r}")
        return r if d.kind == "f" else _base_astype(r, _name(d))

    def _arg(self, fn, axis, keepdims):
        r = fn(self, axis=axis, keepdims=keepdims)
        d = _name(_base_dtype(self))
        return _base_astype(r, d if d in _ARG_KEEP else "float32")

    def argmax(self, axis=None, keepdims=False):
        """Indices of the maxima as floats (MXNet's legacy convention), shape ``(1,)`` for all axes."""
        return self._arg(_base.argmax, axis, keepdims)

    def argmin(self, axis=None, keepdims=False):
        return self._arg(_base.argmin, axis, keepdims)

    # ---- elementwise methods the legacy class has ------------------------------------------

    def abs(self):
        return _core.unary(self, "abs")

    def sign(self):
        return _core.unary(self, "sign")

    def exp(self):
        return _core.unary(self, "exp")

    def expm1(self):
        return _core.unary(self, "expm1")

    def log(self):
        return _core.unary(self, "log")

    def log1p(self):
        return _core.unary(self, "log1p")

    def sqrt(self):
        return _core.unary(self, "sqrt")

    def rsqrt(self):
        return _base.__rtruediv__(_core.unary(self, "sqrt"), 1.0)

    def square(self):
        return _core.unary(self, "square")

    def reciprocal(self):
        return _core.unary(self, "reciprocal")

    def sin(self):
        return _core.unary(self, "sin")

    def cos(self):
        return _core.unary(self, "cos")

    def tan(self):
        return _core.unary(self, "tan")

    def tanh(self):
        return _core.unary(self, "tanh")

    def floor(self):
        return _core.unary(self, "floor")

    def ceil(self):
        return _core.unary(self, "ceil")

    def trunc(self):
        return _core.unary(self, "trunc")

    def rint(self):
        return _core.unary(self, "rint")

    def fix(self):
        return _core.unary(self, "trunc")

    def round(self):
        """Rounds halves away from zero, as MXNet's ``round`` does (``rint`` rounds them to even)."""
        from .ops import round as _round

        return _round(self)

    def sigmoid(self):
        return _core.unary(self, "sigmoid")

    def relu(self):
        return _core.unary(self, "relu")

    def softmax(self, axis=-1, temperature=None):
        return NDArray(_npx.softmax(self, axis=axis, temperature=temperature))

    def log_softmax(self, axis=-1, temperature=None):
        return NDArray(_npx.log_softmax(self, axis=axis, temperature=temperature))

    def clip(self, a_min, a_max):
        return _base.clip(self, a_min, a_max)

    def take(self, indices, axis=0, mode="clip"):
        from .ops import take

        return take(self, indices, axis, mode)

    def pick(self, index, axis=-1, keepdims=False, mode="clip"):
        from .ops import pick

        return pick(self, index, axis, keepdims, mode)

    def one_hot(self, depth, on_value=1.0, off_value=0.0, dtype="float32"):
        from .ops import one_hot

        return one_hot(self, depth, on_value, off_value, dtype)


def _excluded(axis, ndim):
    """The axes not in ``axis`` (MXNet's ``exclude=True``)."""
    if axis is None:
        return ()
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    norm = set()
    for a in axes:
        if not -ndim <= a < ndim:
            raise IndexError(f"axis {a} is out of bounds for array of dimension {ndim}")
        norm.add(a % ndim)
    return tuple(a for a in range(ndim) if a not in norm)


def _nd(x):
    """``x`` (an engine result) as an NDArray; free when it is one already."""
    return x if isinstance(x, NDArray) else NDArray(x)

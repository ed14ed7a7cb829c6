"""The legacy array class ``NDArray`` (MXNet 1.x ``mxnet.nd.NDArray``).

``NDArray`` is a thin Python subclass of the engine's array (``deepblocks.np.ndarray``): the
same tensor, the same operators, with MXNet 1.x's legacy conventions layered on top:

- operations make no 0-d arrays: whatever would be 0-d (a full reduction, ``x[0]`` on a
  vector) has shape ``(1,)``; converting a scalar keeps MXNet's shape ``()`` (``nd.array(5)``,
  ``nd.load`` of a 0-d array, ``x.as_nd_ndarray()``);
- comparisons give 0/1 in the array's own dtype (float32 for the usual float32 arrays, and
  for bool), ``argmax``/``argmin`` give indices in it too (float32 for uint8/bool, which
  would wrap), reductions of int32/int64 stay int32/int64 (uint8/bool widen as in NumPy);
- ``dtype`` is a NumPy type (``numpy.float32``), as in MXNet;
- ``repr`` and ``str`` are ``\\n[...]\\n<NDArray 2x3 @cpu(0)>``;
- every deepblocks array passes ``isinstance(x, nd.NDArray)``, as MXNet's numpy-mode arrays
  (a subclass of ``NDArray`` there) do; ``_is_legacy(x)`` tells the legacy ones apart.

The engine makes these arrays itself: the class is registered once below
(``_core._set_legacy_class``), and every result of an NDArray (operators, methods, ``nd``
functions) is created in Rust with the rules above applied, without running Python code.
The elementwise methods come from the table in ``deepblocks.op_table``.

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
from ..op_table import UNARY as _UNARY_OPS

__all__ = ["NDArray"]

_base = _core.ndarray
_base_new = _base.__new__
_base_reshape = _base.reshape
_base_dtype = _base.dtype.__get__
_base_astype = _base.astype
_unary = _core.unary

_NAMES = {_onp.dtype(n): n for n in ("bool", "uint8", "int32", "int64", "float32", "float64")}


def _np_dtype(x):
    """The NumPy dtype of a deepblocks array, or None for anything else (scalars, lists)."""
    return _base_dtype(x) if isinstance(x, _base) else None


def _name(d):
    """The name of a NumPy dtype (``dtype.name`` is slow; names are what the engine parses fastest)."""
    n = _NAMES.get(d)
    return n if n is not None else d.name


class _LegacyMeta(type):
    """The metaclass of ``NDArray``: in MXNet ``mx.np.ndarray`` subclasses ``mx.nd.NDArray``,
    so code testing ``isinstance(x, nd.NDArray)`` accepts numpy-mode arrays too. Here the
    numpy-mode class is the engine's base class, so ``NDArray`` answers that check itself.
    Python subclasses of ``NDArray`` keep the ordinary checks."""

    def __instancecheck__(cls, obj):
        if cls is NDArray:
            return isinstance(obj, _base)
        return type.__instancecheck__(cls, obj)

    def __subclasscheck__(cls, sub):
        if cls is NDArray:
            return isinstance(sub, type) and issubclass(sub, _base)
        return type.__subclasscheck__(cls, sub)


def _into(out, r):
    """``r`` written into ``out`` (same shape), which is returned."""
    if tuple(out.shape) != tuple(r.shape):
        raise ValueError(f"out has shape {tuple(out.shape)}, the result {tuple(r.shape)}")
    out[...] = r
    return out


def _is_legacy(x):
    """Whether ``x`` is a legacy array (an ``NDArray`` or a Python subclass of it); what code
    choosing legacy behaviour tests, as ``isinstance(x, NDArray)`` also accepts numpy-mode
    arrays.

    >>> from deepblocks import nd, np
    >>> _is_legacy(nd.ones(2)), _is_legacy(np.ones(2)), isinstance(np.ones(2), NDArray)
    (True, False, True)
    """
    return type.__instancecheck__(NDArray, x)


# MXNet's TypeError for an operation given both a legacy and a numpy-mode array, for the
# ``nd`` functions that convert their inputs before the engine could tell them apart.
_same_kind = _core._check_same_kind


class NDArray(_base, metaclass=_LegacyMeta):
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

    def __new__(cls, source_array):
        # Engine results of NDArray operations are made in Rust; this is the public
        # constructor (and the one Python subclasses of NDArray go through), which wraps
        # results as the engine does: no 0-d arrays.
        if not isinstance(source_array, _base):
            source_array = _base(source_array)
        if source_array.ndim == 0:
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

    # Comparisons (0/1 in the operands' dtype), indexing with float arrays and the
    # (1,)-instead-of-0-d rule are the engine's own for legacy arrays: see src/python/legacy.rs.

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
        """This array itself (already a legacy ``NDArray``)."""
        return self

    def tostype(self, stype):
        """A copy in storage type ``stype``: only ``'default'`` (dense) is there, as deepblocks
        has no sparse arrays.

        >>> from deepblocks import nd
        >>> nd.ones(2).tostype("default").stype
        'default'
        """
        if stype == "default":
            return self.copy()
        if stype in ("csr", "row_sparse"):
            raise TypeError(f"tostype: sparse storage {stype!r} is not supported (deepblocks arrays are dense)")
        raise ValueError(f"tostype: invalid storage type {stype!r}; valid values are 'default', 'csr', 'row_sparse'")

    astype = _base._legacy_astype

    # ---- shape --------------------------------------------------------------------------------

    reshape = _base._legacy_reshape

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
        """A broadcast view of this array to ``other``'s shape."""
        return _base.broadcast_to(self, other.shape)

    def expand_dims(self, axis):
        """A view with a length-1 axis inserted at ``axis``."""
        return _base.expand_dims(self, axis)

    def split(self, num_outputs, axis=1, squeeze_axis=False):
        """``num_outputs`` equal parts along ``axis`` (a list); ``squeeze_axis`` drops that axis
        when each part has length 1, as ``nd.split``."""
        from .ops import split

        return split(self, num_outputs, axis, squeeze_axis)

    def tile(self, reps):
        """The array repeated ``reps`` times along each axis, as ``nd.tile``."""
        return _nd(_core.tile(self, reps))

    def flip(self, axis):
        """The array reversed along ``axis``, as ``nd.flip``."""
        return _nd(_core.flip(self, axis))

    def zeros_like(self):
        """A new array of zeros of this shape, dtype and device."""
        return _core.full(self.shape, 0, _base_dtype(self), self.ctx, None, legacy=True)

    def ones_like(self):
        """A new array of ones of this shape, dtype and device."""
        return _core.full(self.shape, 1, _base_dtype(self), self.ctx, None, legacy=True)

    # ---- reductions (all-axes results are shape (1,), int32/int64 kept, ``exclude=``) -------
    # The engine's legacy reductions, taken as methods: MXNet's signatures, no Python frame.

    sum = _base._legacy_sum
    prod = _base._legacy_prod
    mean = _base._legacy_mean
    max = _base._legacy_max
    min = _base._legacy_min

    def argmax(self, axis=None, keepdims=False, out=None):
        """Positions of the maxima along ``axis`` (float32, as MXNet); ``out=`` receives them
        (``numpy.argmax(x, axis)`` passes ``out=None``)."""
        r = _base._legacy_argmax(self, axis, keepdims)
        return r if out is None else _into(out, r)

    def argmin(self, axis=None, keepdims=False, out=None):
        """Positions of the minima along ``axis``; see ``argmax``."""
        r = _base._legacy_argmin(self, axis, keepdims)
        return r if out is None else _into(out, r)

    def nansum(self, axis=None, keepdims=False, exclude=False):
        """The sum over ``axis`` with NaNs counted as zero (``keepdims`` and ``exclude`` as in ``sum``)."""
        clean = _nd(_core.where_(_core.unary(self, "isnan"), 0, self))
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

    # ---- elementwise methods the legacy class has (more are generated from the op table below)

    def rsqrt(self):
        """``1 / sqrt(x)`` elementwise."""
        return _base.__rtruediv__(_core.unary(self, "sqrt"), 1.0)

    def round(self):
        """Rounds halves away from zero, as MXNet's ``round`` does (``rint`` rounds them to even)."""
        from .ops import round as _round

        return _round(self)

    def softmax(self, axis=-1, temperature=None):
        """Softmax along ``axis`` (``temperature`` divides the input first), as ``nd.softmax``."""
        return _nd(_npx.softmax(self, axis=axis, temperature=temperature))

    def log_softmax(self, axis=-1, temperature=None):
        """Log-softmax along ``axis`` (``temperature`` divides the input first), as ``nd.log_softmax``."""
        return _nd(_npx.log_softmax(self, axis=axis, temperature=temperature))

    def clip(self, a_min, a_max):
        """The elements limited to ``[a_min, a_max]``."""
        return _base.clip(self, a_min, a_max)

    def take(self, indices, axis=0, mode="clip"):
        """Slices at ``indices`` along ``axis``; out-of-range indices are clipped (``mode='clip'``)
        or wrapped (``'wrap'``), as ``nd.take``."""
        from .ops import take

        return take(self, indices, axis, mode)

    def pick(self, index, axis=-1, keepdims=False, mode="clip"):
        """The element at ``index`` along ``axis`` for each position of the other axes, as ``nd.pick``."""
        from .ops import pick

        return pick(self, index, axis, keepdims, mode)

    def one_hot(self, depth, on_value=1.0, off_value=0.0, dtype="float32"):
        """One-hot rows of length ``depth`` for these indices (``on_value`` where the index
        points, ``off_value`` elsewhere), in ``dtype``, as ``nd.one_hot``."""
        from .ops import one_hot

        return one_hot(self, depth, on_value, off_value, dtype)

    # MXNet 1.x's sorting methods return new arrays (NumPy's ``ndarray.sort`` sorts in place).
    def sort(self, axis=-1, is_ascend=True):
        """A sorted copy along ``axis`` (ascending unless ``is_ascend=False``), as ``nd.sort``."""
        from .sort import sort

        return sort(self, axis, is_ascend)

    def argsort(self, axis=-1, is_ascend=True, dtype="float32"):
        """The indices that sort along ``axis`` (as ``dtype``), as ``nd.argsort``."""
        from .sort import argsort

        return argsort(self, axis, is_ascend, dtype)

    def topk(self, axis=-1, k=1, ret_typ="indices", is_ascend=False, dtype="float32"):
        """The ``k`` largest (``is_ascend=True``: smallest) along ``axis``: their indices, values
        or both (``ret_typ``), as ``nd.topk``."""
        from .sort import topk

        return topk(self, axis, k, ret_typ, is_ascend, dtype)


def _method(name, engine, doc):
    """NDArray's elementwise method ``name`` (the engine makes the legacy result)."""

    def method(self):
        return _unary(self, engine)

    method.__name__ = name
    method.__qualname__ = "NDArray." + name
    method.__doc__ = doc
    return method


for _op in _UNARY_OPS:
    for _mname in _op.methods:
        setattr(NDArray, _mname, _method(_mname, _op.engine, _op.nd_doc or _op.doc))
del _op, _mname

_core._set_legacy_class(NDArray)

# ``x`` (an engine result or any array-like) as an NDArray: itself when it is one already,
# else a legacy array sharing its data, made in Rust.
_nd = _core._as_legacy

# MXNet's module keeps the builtin ``slice`` under this name (its methods shadow ``slice``);
# code and tests import it from here.
py_slice = slice

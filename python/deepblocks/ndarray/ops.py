"""Module functions of the legacy ``nd`` namespace, with MXNet 1.9's signatures.

Each is a thin layer over the engine (``deepblocks._core``) and the ``np``/``npx`` functions:
it adds MXNet's legacy argument names and defaults (``concat(..., dim=1)``,
``split(data, num_outputs, axis=1)``, ``take(..., mode='clip')``), float32 defaults and
NDArray results (made by the engine: ``_nd`` and ``legacy=True`` calls). The elementwise
functions are generated from the table in ``deepblocks.op_table``.

>>> from deepblocks import nd
>>> a = nd.ones((2, 3))
>>> nd.concat(a, a).shape, nd.concat(a, a, dim=0).shape
((2, 6), (4, 3))
>>> [p.shape for p in nd.split(nd.arange(6).reshape((2, 3)), 3)]
[(2, 1), (2, 1), (2, 1)]
"""

import numbers as _numbers

import numpy as _onp

from .. import _core
from .. import numpy_extension as _npx
from ..base import MXNetError as _MXNetError
from ..op_table import BINARY as _BINARY_OPS
from ..op_table import UNARY as _UNARY_OPS
from .ndarray import NDArray, _base, _name, _nd, _np_dtype
from .ndarray import _same_kind

_F32 = "float32"  # a name: the engine parses names fastest
_Real = (_numbers.Number, _onp.generic)


class OperatorError(_MXNetError, ValueError):
    """An operator's arguments do not fit together (shapes, axes, ``out=``). MXNet raises
    ``MXNetError`` for these; it is a ``ValueError`` too, so either ``except`` catches it."""


class OperatorTypeError(_MXNetError, TypeError):
    """An operator got an array of a dtype it does not take (MXNet: ``MXNetError``; here a
    ``TypeError`` too)."""


def _dtype(dtype):
    return _F32 if dtype is None else dtype


def _is_scalar(x):
    return isinstance(x, _Real) and not isinstance(x, _base)


def _write(result, out):
    """MXNet's ``out=``: ``result`` written into ``out``, which is returned; just ``result``
    when ``out`` is None. ``out`` must have the result's shape and dtype (MXNet checks both
    and never casts); a list result takes a list of as many arrays."""
    if out is None:
        return result
    if isinstance(result, (list, tuple)):
        if not isinstance(out, (list, tuple)) or len(out) != len(result):
            raise OperatorError(f"out must be a list of {len(result)} NDArrays for this operator's "
                                f"{len(result)} outputs")
        return [_write(r, o) for r, o in zip(result, out)]
    if not isinstance(out, _base):
        raise TypeError(f"out must be an NDArray, got {type(out).__name__}")
    result = _nd(result)
    if out.shape != result.shape:
        raise OperatorError(f"out has shape {out.shape} but the result has shape {result.shape}")
    got, want = _np_dtype(out), _np_dtype(result)
    if got != want:
        raise OperatorError(f"out has dtype {got.name} but the result has dtype {want.name} (out= never casts)")
    out[:] = result
    return out


def _out_dtype(dtype, out):
    """The dtype of a created array: ``dtype``, else ``out``'s when given, else float32 (an
    array made straight into ``out`` takes its dtype, as MXNet's ``full`` and samplers do)."""
    if dtype is not None:
        return dtype
    if isinstance(out, _base):
        return _name(_np_dtype(out))
    return _F32


# ---- creation -----------------------------------------------------------------------------------


def array(source_array, ctx=None, dtype=None, out=None):
    """A new NDArray holding a copy of ``source_array``.

    The dtype defaults to float32 for Python data *and* host NumPy arrays (MXNet converts
    them); a deepblocks array keeps its own dtype.

    >>> import numpy
    >>> from deepblocks import nd
    >>> nd.array([1, 2, 3]).dtype, nd.array(numpy.arange(3)).dtype
    (<class 'numpy.float32'>, <class 'numpy.float32'>)
    >>> nd.array(numpy.arange(3), dtype='int32').dtype
    <class 'numpy.int32'>
    """
    if dtype is None and not isinstance(source_array, _base):
        dtype = _out_dtype(None, out)
    return _write(_core.array(source_array, dtype, ctx, None, True, legacy=True), out)


def _stype(stype):
    if stype not in (None, "default"):
        raise NotImplementedError(f"stype={stype!r}: deepblocks has dense arrays only ('default')")


def empty(shape, ctx=None, dtype=None, stype=None, out=None):
    """An array of ``shape`` (zero-filled: deepblocks never hands out uninitialized memory)."""
    _stype(stype)
    return _write(_core.full(shape, 0, _out_dtype(dtype, out), ctx, None, legacy=True), out)


def zeros(shape, ctx=None, dtype=None, stype=None, out=None, **kwargs):
    """An array of zeros; with ``out=`` the zeros are written into ``out``, which is returned.

    >>> from deepblocks import nd
    >>> nd.zeros(4).asnumpy()
    array([0., 0., 0., 0.], dtype=float32)
    >>> c = nd.ones((2, 2))
    >>> nd.zeros((2, 2), out=c) is c, c.asnumpy().sum()
    (True, np.float32(0.0))
    """
    _stype(stype)
    return _write(_core.full(shape, 0, _out_dtype(dtype, out), ctx, None, legacy=True), out)


def ones(shape, ctx=None, dtype=None, out=None, **kwargs):
    return _write(_core.full(shape, 1, _out_dtype(dtype, out), ctx, None, legacy=True), out)


def full(shape, val, ctx=None, dtype=None, out=None):
    return _write(_core.full(shape, val, _out_dtype(dtype, out), ctx, None, legacy=True), out)


def _like(data, value, ctx, dtype, out):
    data = _nd(data)
    made = _core.full(data.shape, value, dtype or _name(_np_dtype(data)), ctx or data.ctx, None, legacy=True)
    return _write(made, out)


def zeros_like(data, ctx=None, dtype=None, out=None):
    return _like(data, 0, ctx, dtype, out)


def ones_like(data, ctx=None, dtype=None, out=None):
    return _like(data, 1, ctx, dtype, out)


def full_like(data, fill_value, ctx=None, dtype=None, out=None):
    return _like(data, fill_value, ctx, dtype, out)


def arange(start, stop=None, step=1.0, repeat=1, infer_range=None, ctx=None, dtype=None, out=None):
    """``[start, stop)`` by ``step`` (float32), each value ``repeat`` times.

    >>> from deepblocks import nd
    >>> nd.arange(3, repeat=2).asnumpy()
    array([0., 0., 1., 1., 2., 2.], dtype=float32)
    """
    made = _core.arange(start, stop, step, _out_dtype(dtype, out), ctx, None, legacy=True)
    return _write(made if repeat == 1 else made.repeat(repeat), out)


def linspace(start, stop, num, endpoint=True, ctx=None, dtype=None, out=None):
    return _write(_core.linspace(start, stop, num, endpoint, _out_dtype(dtype, out), ctx, None, legacy=True), out)


def eye(N, M=0, k=0, ctx=None, dtype=None, out=None, **kwargs):
    """The ``N x M`` identity (``M=0`` means ``N``), ones on diagonal ``k``."""
    return _write(_core.eye(N, M or None, k, _out_dtype(dtype, out), ctx, None, legacy=True), out)


# ---- elementwise ----------------------------------------------------------------------------------


_unary = _core.unary
_binary = _core.binary


def _named(f, name, doc):
    f.__name__ = f.__qualname__ = name
    f.__doc__ = doc
    return f


def _nd_unary(name, engine, doc, int_kept=False):
    def f(data, out=None, **kwargs):
        r = _npx.special.keeping_int(data, engine, name, True) if int_kept else _unary(data, engine, True)
        return r if out is None else _write(r, out)

    return _named(f, name, doc)


def _nd_binary(name, engine, scalar, doc):
    # The engine applies the legacy rules (comparisons give 0/1 in the operands' dtype);
    # two plain numbers give a plain number, as in MXNet.
    # ``**kwargs``: MXNet's generated operators take ``name``/``attr`` and ignore keywords
    # their parser does not know (``nd.broadcast_maximum(a, b, axis=1)`` runs in MXNet 1.9.1).
    def f(lhs, rhs, out=None, **kwargs):
        if not (isinstance(lhs, _base) or isinstance(rhs, _base)) and _is_scalar(lhs) and _is_scalar(rhs):
            return scalar(lhs, rhs)
        r = _binary(lhs, rhs, engine, True)
        return r if out is None else _write(r, out)

    return _named(f, name, doc)


def _nd_elemwise(name, engine, doc):
    def f(lhs, rhs, out=None):
        _same_kind(lhs, rhs, what=name)
        a, b = _nd(lhs), _nd(rhs)
        if a.shape != b.shape:
            raise ValueError(f"{name}: shapes {a.shape} and {b.shape} must be equal (use broadcast_* to broadcast)")
        return _write(_binary(a, b, engine, True), out)

    return _named(f, name, doc)


for _op in _UNARY_OPS:
    for _fname in _op.nd:
        globals()[_fname] = _nd_unary(_fname, _op.engine, _op.nd_doc or _op.doc, _op.int_kept)
for _op in _BINARY_OPS:
    for _fname in _op.nd:
        globals()[_fname] = _nd_binary(_fname, _op.engine, _op.scalar, _op.nd_doc or _op.doc)
    for _alias in _op.nd_aliases:  # MXNet 1.x's broadcast_* names: they all broadcast here
        globals()[_alias] = globals()[_op.nd[0]]
    if _op.elemwise:
        globals()[_op.elemwise] = _nd_elemwise(_op.elemwise, _op.engine, _op.elemwise_doc)
del _op, _fname, _alias


def round(data, out=None):
    """Rounds to the nearest integer, halves away from zero (MXNet's ``round``; ``rint``
    rounds halves to even).

    >>> from deepblocks import nd
    >>> nd.round(nd.array([0.5, 1.5, 2.5, -0.5])).asnumpy()
    array([ 1.,  2.,  3., -1.], dtype=float32)
    """
    x = _nd(data)
    if _np_kind(x) != "f":
        return _write(x.copy(), out)
    t = _core.unary(x, "trunc")
    # A fractional part of exactly one half moves away from zero; nothing else changes.
    frac = _core.unary(x - t, "abs")
    return _write(_nd(_core.where_(frac >= 0.5, t + _core.unary(x, "sign"), t)), out)


def rsqrt(data, out=None):
    return _write(1.0 / _nd(_core.unary(data, "sqrt")), out)


def softsign(data, out=None):
    x = _nd(data)
    return _write(x / (1.0 + _core.unary(x, "abs")), out)


def softmax(data, length=None, axis=-1, temperature=None, dtype=None, use_length=False, out=None):
    """Softmax along ``axis`` (the last by default); with ``use_length``, only the first
    ``length`` positions of each row (see ``npx.softmax``). ``length`` is the second
    positional parameter, as in MXNet 1.9.1.

    >>> from deepblocks import nd
    >>> nd.softmax(nd.array([[0, 0]])).asnumpy()
    array([[0.5, 0.5]], dtype=float32)
    >>> nd.softmax(nd.array([[0, 0, 0]]), nd.array([2], dtype='int32'), use_length=True).asnumpy()
    array([[0.5, 0.5, 0. ]], dtype=float32)
    """
    r = _npx.softmax(_nd(data), length, axis=axis, temperature=temperature, dtype=dtype, use_length=use_length)
    return _write(_nd(r), out)


def log_softmax(data, axis=-1, temperature=None, dtype=None, use_length=False, length=None, out=None):
    """``log(softmax(data))`` along ``axis``; ``length``/``use_length`` as in ``npx.log_softmax``
    (0 at the positions beyond the length)."""
    r = _npx.log_softmax(_nd(data), axis=axis, temperature=temperature, dtype=dtype, use_length=use_length,
                         length=length)
    return _write(_nd(r), out)


_ACT_TYPES = ("relu", "sigmoid", "softrelu", "softsign", "tanh")


def Activation(data=None, act_type=None, out=None, **kwargs):
    """MXNet's ``Activation`` operator: ``act_type`` 'relu', 'sigmoid', 'tanh', 'softrelu'
    (``log(1 + exp(x))``) or 'softsign' (``x / (1 + |x|)``): the five MXNet 1.9.1 has.

    >>> from deepblocks import nd
    >>> nd.Activation(nd.array([-1, 0, 1]), act_type='softrelu').asnumpy()
    array([0.3132617, 0.6931472, 1.3132617], dtype=float32)
    """
    x = _nd(data)
    if act_type in ("relu", "sigmoid", "tanh"):
        return _write(_unary(x, act_type, True), out)
    if act_type == "softrelu":
        # log(1 + exp(x)) without overflow: max(x, 0) + log1p(exp(-|x|)).
        tail = _unary(_unary(-_unary(x, "absolute", True), "exp", True), "log1p", True)
        return _write(_unary(x, "relu", True) + tail, out)
    if act_type == "softsign":
        return softsign(x, out=out)
    raise OperatorError(f"Activation: invalid act_type {act_type!r}, valid values are {', '.join(_ACT_TYPES)}")


def clip(data, a_min, a_max, out=None):
    """Limits ``data`` to ``[a_min, a_max]``."""
    if a_min is None or a_max is None:
        raise TypeError("clip: a_min and a_max must both be numbers")
    return _write(_nd(data).clip(a_min, a_max), out)


def where(condition, x, y, out=None):
    """``x`` where ``condition`` is non-zero, else ``y``. A 1-D ``condition`` whose length is
    ``x.shape[0]`` picks whole rows (MXNet), otherwise it broadcasts.

    >>> from deepblocks import nd
    >>> x = nd.array([[1, 2], [3, 4]])
    >>> nd.where(nd.array([1, 0]), x, -x).asnumpy()
    array([[ 1.,  2.],
           [-3., -4.]], dtype=float32)
    """
    cond = _nd(condition)
    xs = x if _is_scalar(x) else _nd(x)
    if cond.ndim == 1 and not _is_scalar(xs) and xs.ndim > 1 and cond.shape[0] == xs.shape[0]:
        cond = cond.reshape((cond.shape[0],) + (1,) * (xs.ndim - 1))
    return _write(_nd(_core.where_(cond, xs, y)), out)


# ---- reductions ------------------------------------------------------------------------------------


def _nd_reduction(name, method, doc):
    def f(data, axis=None, keepdims=False, exclude=False, out=None):
        return _write(method(_nd(data), axis, keepdims, exclude), out)

    return _named(f, name, doc)


sum = _nd_reduction("sum", NDArray.sum, """Sum over ``axis`` (all axes by default, giving shape ``(1,)``);
    ``exclude=True`` reduces the axes *not* in ``axis``.

    >>> from deepblocks import nd
    >>> nd.sum(nd.ones((2, 3))).asnumpy(), nd.sum(nd.ones((2, 3)), axis=0).shape
    (array([6.], dtype=float32), (3,))
    """)
sum_axis = sum  # MXNet 1.x's other name of sum
nansum = _nd_reduction("nansum", NDArray.nansum, "Sum over ``axis`` with NaN counted as 0.")
prod = _nd_reduction("prod", NDArray.prod, "Product over ``axis``.")
mean = _nd_reduction("mean", NDArray.mean, "Mean over ``axis``.")
max = _nd_reduction("max", NDArray.max, "Maximum over ``axis``.")
min = _nd_reduction("min", NDArray.min, "Minimum over ``axis``.")


def argmax(data, axis=None, keepdims=False, out=None):
    """Indices of the maxima as float32 (for float32 data)."""
    return _write(_nd(data).argmax(axis, keepdims), out)


def argmin(data, axis=None, keepdims=False, out=None):
    return _write(_nd(data).argmin(axis, keepdims), out)


def norm(data, ord=2, axis=None, out_dtype=None, keepdims=False, out=None):
    """The L2 (or L1) norm over ``axis``; all axes give shape ``(1,)``; ``out_dtype`` casts
    the result."""
    r = _nd(data).norm(ord, axis, keepdims)
    return _write(r if out_dtype is None else r.astype(out_dtype), out)


# ---- linear algebra ----------------------------------------------------------------------------


def dot(lhs, rhs, transpose_a=False, transpose_b=False, forward_stype=None, out=None):
    """MXNet's ``dot``: the last axis of ``lhs`` with the *first* axis of ``rhs``; with
    ``transpose_a``/``transpose_b`` an operand's axes are reversed first.

    >>> from deepblocks import nd
    >>> nd.dot(nd.ones((2, 3)), nd.ones((3, 4))).shape
    (2, 4)
    >>> nd.dot(nd.ones((2, 3)), nd.ones((2, 4)), transpose_a=True).shape
    (3, 4)
    """
    _same_kind(lhs, rhs, what="dot")
    a, b = _nd(lhs), _nd(rhs)
    if transpose_a:
        a = a.T
    if transpose_b:
        b = b.T
    if a.ndim <= 2 and b.ndim <= 2:
        r = _core.dot(a, b)  # a legacy result: ``a`` is legacy
        return r if out is None else _write(r, out)
    if a.shape[-1] != b.shape[0]:
        raise ValueError(f"dot: shapes {a.shape} and {b.shape} are not aligned: {a.shape[-1]} (last dim of lhs) != {b.shape[0]} (first dim of rhs)")
    k = b.shape[0]
    r = _nd(_core.matmul(a.reshape((-1, k)), b.reshape((k, -1))))
    return _write(r.reshape(a.shape[:-1] + b.shape[1:]), out)


def batch_dot(lhs, rhs, transpose_a=False, transpose_b=False, forward_stype=None, out=None):
    """Batched matrix product of ``(B..., n, k)`` and ``(B..., k, m)`` arrays of the same
    rank (3 or more) and equal batch axes: see ``npx.batch_dot``."""
    _same_kind(lhs, rhs, what="batch_dot")
    a, b = _nd(lhs), _nd(rhs)
    return _write(_nd(_npx.batch_dot(a, b, transpose_a=transpose_a, transpose_b=transpose_b)), out)


# ---- shape and joining --------------------------------------------------------------------------


def reshape(data, shape=None, reverse=False, target_shape=None, keep_highest=False, out=None):
    """``data`` with a new shape; MXNet's codes 0, -1, -2, -3, -4 work (see NDArray.reshape).
    ``target_shape`` is MXNet's deprecated spelling of ``shape`` (0 keeps an axis);
    ``keep_highest`` is not supported."""
    if shape is None:
        shape = target_shape
    if shape is None:
        raise TypeError("reshape() needs a shape")
    if keep_highest:
        raise NotImplementedError("reshape: keep_highest (deprecated in MXNet) is not supported; use shape=")
    return _write(_nd(data).reshape(shape, reverse=reverse), out)


Reshape = reshape


def reshape_like(lhs, rhs, lhs_begin=None, lhs_end=None, rhs_begin=None, rhs_end=None, out=None):
    """``lhs`` reshaped like ``rhs``; with the ``*_begin``/``*_end`` bounds only the axes
    ``lhs_begin:lhs_end`` of ``lhs`` are replaced by the axes ``rhs_begin:rhs_end`` of ``rhs``.

    >>> from deepblocks import nd
    >>> nd.reshape_like(nd.zeros((30, 7)), nd.zeros((15, 2, 4)), lhs_begin=0, lhs_end=1, rhs_begin=0, rhs_end=2).shape
    (15, 2, 7)
    """
    a, b = _nd(lhs), _nd(rhs)
    lb, le = _bounds(lhs_begin, lhs_end, a.ndim, "lhs")
    rb, re = _bounds(rhs_begin, rhs_end, b.ndim, "rhs")
    shape = a.shape[:lb] + b.shape[rb:re] + a.shape[le:]
    if _size(shape) != a.size:
        raise OperatorError(f"reshape_like: cannot reshape {a.shape} (size {a.size}) to {shape}")
    return _write(a.reshape(shape), out)


def _bounds(begin, end, ndim, what):
    """``begin:end`` of ``ndim`` axes (None: the ends; negative: from the end), checked."""
    b = 0 if begin is None else (begin + ndim if begin < 0 else begin)
    e = ndim if end is None else (end + ndim if end < 0 else end)
    if not 0 <= b <= e <= ndim:
        raise OperatorError(f"reshape_like: {what} axes {begin}:{end} are not a range of the {ndim} axes")
    return b, e


def _size(shape):
    n = 1
    for d in shape:
        n *= d
    return n


def transpose(data, axes=None, out=None):
    x = _nd(data)
    return _write(x.transpose() if axes is None or tuple(axes) == () else x.transpose(tuple(axes)), out)


def swapaxes(data, dim1=0, dim2=0, out=None):
    return _write(_nd(data).swapaxes(dim1, dim2), out)


SwapAxis = swapaxes


def expand_dims(data, axis, out=None):
    return _write(_nd(data).expand_dims(axis), out)


def squeeze(data, axis=None, out=None):
    return _write(_nd(data).squeeze(axis), out)


def flatten(data, out=None, **kwargs):
    """Collapses all axes but the first: ``(N, a, b)`` becomes ``(N, a*b)``."""
    return _write(_nd(data).flatten(), out)


Flatten = flatten


def flip(data, axis, out=None):
    """``data`` reversed along ``axis`` (an int or a tuple); ``axis`` is required, as in MXNet."""
    return _write(_nd(_core.flip(data, axis)), out)


reverse = flip


def tile(data, reps, out=None):
    return _write(_nd(_core.tile(data, reps)), out)


def repeat(data, repeats, axis=None, out=None):
    """Each element ``repeats`` times (along ``axis``; of the flattened array when None)."""
    return _write(_nd(data).repeat(repeats, axis), out)


def broadcast_to(data, shape, out=None):
    """A broadcast view of ``data``; a 0 in ``shape`` keeps that axis."""
    return _write(_nd(data).broadcast_to(shape), out)


def broadcast_axis(data, axis, size, out=None):
    """Repeats size-1 axes ``axis`` to ``size`` (each an int or a tuple)."""
    x = _nd(data)
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    sizes = (size,) if isinstance(size, int) else tuple(size)
    if len(axes) != len(sizes):
        raise ValueError("broadcast_axis: axis and size must have the same length")
    shape = list(x.shape)
    for a, s in zip(axes, sizes):
        a = _axis(a, x.ndim)
        if shape[a] != 1:
            raise ValueError(f"broadcast_axis: axis {a} has size {shape[a]}, only size-1 axes can be broadcast")
        shape[a] = s
    return _write(x.broadcast_to(tuple(shape)), out)


broadcast_axes = broadcast_axis


def _axis(axis, ndim):
    """``axis`` as a non-negative index, or IndexError."""
    if not -ndim <= axis < ndim:
        raise IndexError(f"axis {axis} is out of bounds for array of dimension {ndim}")
    return axis % ndim


def _as_list(data):
    if len(data) == 1 and isinstance(data[0], (list, tuple)):
        return list(data[0])
    return list(data)


def concat(*data, dim=1, num_args=None, out=None):
    """Joins arrays along axis ``dim`` — **1 by default** (MXNet's legacy ``concat``).

    >>> from deepblocks import nd
    >>> nd.concat(nd.zeros((2, 1)), nd.ones((2, 2))).shape
    (2, 3)
    """
    arrays = _as_list(data)
    if not arrays:
        raise ValueError("concat needs at least one array")
    return _write(_nd(_core.concatenate(arrays, dim)), out)


Concat = concat


def concatenate(arrays, axis=0, always_copy=True, out=None):
    return _write(_nd(_core.concatenate(list(arrays), axis)), out)


def stack(*data, axis=0, num_args=None, out=None):
    """Joins same-shape arrays along a new axis ``axis``."""
    arrays = _as_list(data)
    if not arrays:
        raise ValueError("stack needs at least one array")
    return _write(_nd(_core.stack(arrays, axis)), out)


def split(data, num_outputs, axis=1, squeeze_axis=False, out=None):
    """Splits ``data`` into ``num_outputs`` equal parts along ``axis`` — **1 by default** —
    (MXNet's legacy ``split``); ``squeeze_axis`` drops that axis from each part. One part
    comes back as an array, more as a list (``out=`` takes a list of as many arrays).

    >>> from deepblocks import nd
    >>> x = nd.arange(6).reshape((2, 3))
    >>> [p.asnumpy().tolist() for p in nd.split(x, 3, squeeze_axis=True)]
    [[0.0, 3.0], [1.0, 4.0], [2.0, 5.0]]
    """
    x = _nd(data)
    if isinstance(num_outputs, bool) or not isinstance(num_outputs, (int, _onp.integer)):
        raise TypeError(f"split: num_outputs must be an int, got {type(num_outputs).__name__}")
    if num_outputs < 1:
        raise ValueError(f"split: num_outputs must be at least 1, got {num_outputs}")
    parts = _core.split(x, num_outputs, axis, False)
    if squeeze_axis:
        parts = [p.squeeze(axis) for p in parts]
    parts = [_nd(p) for p in parts]
    return _write(parts[0] if num_outputs == 1 else parts, out)


SliceChannel = split


# ---- indexing ----------------------------------------------------------------------------------------


def _index_array(indices, n, mode, what):
    """Integer indices into an axis of length ``n``: clipped, wrapped, or checked (``raise``)."""
    idx = indices if isinstance(indices, _base) else _core.array(indices, None, None, None, False)
    if _np_kind(idx) == "f":
        # MXNet truncates float indices toward zero.
        idx = idx.astype("int64")
    elif _np_kind(idx) != "i":
        idx = idx.astype("int64")
    if mode == "clip":
        return idx.clip(0, n - 1)
    if mode == "wrap":
        return idx % n
    if mode == "raise":
        return idx
    raise ValueError(f"{what}: mode must be 'clip', 'wrap' or 'raise', got {mode!r}")


def _np_kind(x):
    return _base.dtype.__get__(x).kind


def take(a, indices, axis=0, mode="clip", out=None):
    """Entries of ``a`` at ``indices`` along ``axis``; out-of-range indices are clipped
    (``mode='clip'``, MXNet's default), wrapped (``'wrap'``) or rejected (``'raise'``).
    Float indices work (MXNet keeps indices in float arrays).

    >>> from deepblocks import nd
    >>> x = nd.array([[1, 2], [3, 4]])
    >>> nd.take(x, nd.array([1, 5])).asnumpy()
    array([[3., 4.],
           [3., 4.]], dtype=float32)
    """
    x = _nd(a)
    if x.ndim == 0:
        raise ValueError("take: a must have at least one dimension")
    axis_n = x.shape[axis]
    if axis_n == 0 and mode != "raise":
        raise IndexError("take: cannot take from an empty axis")
    idx = _index_array(indices, axis_n, mode, "take")
    return _write(_nd(_core.take(x, idx, axis)), out)


def pick(data, index, axis=-1, keepdims=False, mode="clip", out=None):
    """``data[i, index[i]]`` along ``axis`` (MXNet's ``pick``); indices are clipped or wrapped.

    >>> from deepblocks import nd
    >>> nd.pick(nd.array([[1, 2], [3, 4]]), nd.array([1, 0])).asnumpy()
    array([2., 3.], dtype=float32)
    """
    return _write(_nd(_npx.pick(data, index, axis=axis, mode=mode, keepdims=keepdims)), out)


def one_hot(indices, depth, on_value=1.0, off_value=0.0, dtype="float32", out=None):
    """Rows of ``depth`` ``off_value`` with ``on_value`` at each index; indices outside
    ``[0, depth)`` give all-``off_value`` rows.

    >>> from deepblocks import nd
    >>> nd.one_hot(nd.array([0, 2]), 3).asnumpy()
    array([[1., 0., 0.],
           [0., 0., 1.]], dtype=float32)
    """
    if depth < 0:
        raise ValueError(f"one_hot: depth must be non-negative, got {depth}")
    return _write(_nd(_npx.one_hot(indices, depth, on_value, off_value, dtype)), out)


def cast(data, dtype, out=None):
    return _write(_nd(data).astype(dtype), out)


Cast = cast


# ---- misc -----------------------------------------------------------------------------------------


def waitall():
    """Waits for all pending work: the queued kernels of every GPU in use."""
    _npx.waitall()


def save(fname, data):
    """Saves an NDArray, a list or a dict of them (``npx.save``'s format)."""
    if isinstance(data, _base):
        data = _base(data)
    elif isinstance(data, dict):
        data = {k: _base(v) for k, v in data.items()}
    else:
        data = [_base(v) for v in data]
    _npx.save(fname, data)


def load(fname):
    """Loads what ``save`` or MXNet (``mx.nd.save``, ``.params`` files) wrote: a list or a
    dict of NDArrays."""
    out = _npx.load(fname)
    # A loaded array keeps its shape, 0-d included (MXNet 1.9.1's nd.load of an npx.save'd scalar).
    if isinstance(out, dict):
        return {k: _nd(v, True) for k, v in out.items()}
    return [_nd(v, True) for v in out]


_NOT_EXPORTED = ("NDArray", "OperatorError", "OperatorTypeError")
__all__ = [n for n in list(globals()) if not n.startswith("_") and n not in _NOT_EXPORTED]

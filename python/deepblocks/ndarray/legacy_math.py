"""Legacy ``nd`` arithmetic, activation and loss operators that MXNet 1.x code calls, with MXNet
1.9.1's signatures: ``nd.add_n`` (``ElementWiseSum``), ``nd.L2Normalization``,
``nd.smooth_l1``, ``nd.softmax_cross_entropy``, ``nd.softmin``, ``nd.hard_sigmoid``,
``nd.broadcast_hypot``, ``nd.degrees``/``radians``/``rcbrt``/``logical_not``, the reductions
``max_axis``/``min_axis``/``nanprod``/``moments``/``cumsum``/``argmax_channel``,
``khatri_rao``, ``histogram``, the gradient helpers ``BlockGrad``/``stop_gradient`` and
``identity``, the dtype helpers ``cast_storage``/``amp_cast``/``amp_multicast``, the finiteness
checks ``all_finite`` and ``multi_all_finite``, ``reset_arrays`` and ``shuffle``.

Each is composed from engine operations, so each is differentiable exactly where MXNet's is
(``BlockGrad`` passes no gradient; ``histogram`` counts on the host), and each takes ``out=``.

>>> from deepblocks import nd
>>> a, b = nd.ones((2, 2)), nd.full((2, 2), 2)
>>> nd.add_n(a, b, a).asnumpy()
array([[4., 4.],
       [4., 4.]], dtype=float32)
>>> nd.smooth_l1(nd.array([-2, 0.5])).asnumpy()
array([1.5  , 0.125], dtype=float32)
>>> nd.L2Normalization(nd.array([[3, 4]])).asnumpy()
array([[0.6, 0.8]], dtype=float32)
"""

import numpy as _onp

from .. import _core
from .. import numpy_extension as _npx
from .ndarray import _base, _name, _nd, _np_dtype
from .ops import OperatorError as _OperatorError
from .ops import OperatorTypeError as _OperatorTypeError
from .ops import _write
from .ops import max as _max
from .ops import min as _min
from .ops import softmax as _softmax
from .random import shuffle as _random_shuffle

__all__ = ["add_n", "ElementWiseSum", "L2Normalization", "smooth_l1", "softmax_cross_entropy", "softmin",
           "hard_sigmoid", "broadcast_hypot", "degrees", "radians", "rcbrt", "logical_not", "max_axis", "min_axis",
           "nanprod", "moments", "cumsum", "argmax_channel", "khatri_rao", "histogram", "identity", "BlockGrad",
           "stop_gradient", "cast_storage", "amp_cast", "amp_multicast", "all_finite", "multi_all_finite",
           "reset_arrays", "shuffle"]


def _unary(x, op):
    return _core.unary(x, op, True)


def _kind(x):
    return _np_dtype(x).kind


def _floats_only(x, name):
    if _kind(x) != "f":
        raise _OperatorTypeError(f"{name}: data must be a floating-point array, got {_np_dtype(x).name}")


def _in_float(x, f):
    """``f(x)`` computed in float64 for integer arrays and cast back to their dtype (MXNet keeps
    the input's dtype); floats directly."""
    if _kind(x) == "f":
        return _nd(f(x))
    return _nd(_nd(f(x.astype("float64"))).astype(_name(_np_dtype(x))))


# ---- sums ----------------------------------------------------------------------------------------


def add_n(*args, num_args=None, out=None, **kwargs):
    """The elementwise sum of one or more arrays of the same shape and dtype (no
    broadcasting, as MXNet's ``add_n``).

    >>> from deepblocks import nd
    >>> nd.add_n(nd.ones(3), nd.ones(3)).asnumpy()
    array([2., 2., 2.], dtype=float32)
    """
    if not args:
        raise _OperatorError("add_n: needs at least one array (num_args must be >= 1)")
    arrays = []
    for i, a in enumerate(args):
        if not isinstance(a, _base):
            raise TypeError(f"add_n: positional arguments must be NDArrays, argument {i} is a {type(a).__name__}")
        arrays.append(_nd(a))
    if num_args is not None and num_args != len(arrays):
        raise _OperatorError(f"add_n: num_args={num_args} but {len(arrays)} arrays were given")
    first = arrays[0]
    for i, a in enumerate(arrays[1:], 1):
        if a.shape != first.shape:
            raise _OperatorError(f"add_n: input {i} has shape {a.shape}, input 0 has {first.shape} (no broadcasting)")
        if _np_dtype(a) != _np_dtype(first):
            raise _OperatorError(f"add_n: input {i} has dtype {_np_dtype(a).name}, input 0 has {_np_dtype(first).name}")
    total = first.copy() if len(arrays) == 1 else first + arrays[1]
    for a in arrays[2:]:
        total = total + a
    return _write(total, out)


ElementWiseSum = add_n


# ---- activations and losses --------------------------------------------------------------------------


def L2Normalization(data=None, eps=1e-10, mode="instance", out=None):
    """``data / sqrt(sum(data²) + eps)``, the sum over: every axis but the first
    (``mode='instance'``), the channel axis 1 (``'channel'``), or the spatial axes 2 and up
    (``'spatial'``); the last two need at least 3 dimensions.

    >>> from deepblocks import nd
    >>> nd.L2Normalization(nd.array([[[3.0], [4.0]]]), mode='channel').asnumpy()
    array([[[0.6],
            [0.8]]], dtype=float32)
    """
    x = _nd(data)
    _floats_only(x, "L2Normalization")
    if mode == "instance":
        n = x.shape[0] if x.ndim else 1
        flat = _base.reshape(x, (n, x.size // n if n else 0))
        sq = (flat * flat).sum(axis=1, keepdims=True)
        return _write((flat / _unary(sq + eps, "sqrt")).reshape(x.shape), out)
    if mode not in ("channel", "spatial"):
        raise _OperatorError(f"L2Normalization: invalid mode {mode!r}, valid values are channel, instance, spatial")
    if x.ndim < 3:
        raise _OperatorError(f"L2Normalization: mode={mode!r} needs at least 3 dimensions, got shape {x.shape}")
    axes = (1,) if mode == "channel" else tuple(range(2, x.ndim))
    sq = _base.sum(x * x, axis=axes, keepdims=True)
    return _write(x / _unary(sq + eps, "sqrt"), out)


def smooth_l1(data=None, scalar=1.0, out=None):
    """The smooth L1 function with ``sigma = scalar``: ``0.5 * (sigma * x)²`` where
    ``|x| < 1 / sigma²``, else ``|x| - 0.5 / sigma²``.

    >>> from deepblocks import nd
    >>> nd.smooth_l1(nd.array([-2, 0.5]), scalar=2).asnumpy()
    array([1.875, 0.375], dtype=float32)
    """
    s2 = float(scalar) * float(scalar)

    def f(x):
        a = _unary(x, "absolute")
        if s2 == 0:
            return a * 0.0  # the quadratic branch everywhere: 0.5 * (0 * x)²
        quad = 0.5 * s2 * x * x
        return _nd(_core.where_(a < 1.0 / s2, quad, a - 0.5 / s2))

    return _write(_in_float(_nd(data), f), out)


def softmax_cross_entropy(data=None, label=None, out=None):
    """The summed cross-entropy of ``softmax(data)`` against integer class labels:
    ``-sum_i log softmax(data[i])[label[i]]``, shape ``(1,)``. ``data`` is ``(batch, classes)``
    and ``label`` ``(batch,)``; labels are truncated to integers and clipped to the classes,
    as MXNet does.

    >>> from deepblocks import nd
    >>> round(float(nd.softmax_cross_entropy(nd.array([[0, 0]]), nd.array([1])).asscalar()), 4)
    0.6931
    """
    x, y = _nd(data), _nd(label)
    if x.ndim != 2:
        raise _OperatorError(f"softmax_cross_entropy: data must be 2-D (batch, classes), got shape {x.shape}")
    if y.ndim != 1:
        raise _OperatorError(f"softmax_cross_entropy: label must be 1-D (batch,), got shape {y.shape}")
    if x.shape[0] != y.shape[0]:
        raise _OperatorError(f"softmax_cross_entropy: data {x.shape} and label {y.shape} have different batch sizes")
    logp = _nd(_npx.log_softmax(x, axis=-1))
    picked = _nd(_npx.pick(logp, y, axis=-1, mode="clip"))
    return _write(-picked.sum(), out)


def softmin(data=None, axis=-1, temperature=None, dtype=None, use_length=False, length=None, out=None):
    """``softmax(-data)`` along ``axis``: the smallest entries get the largest weights.

    >>> from deepblocks import nd
    >>> nd.softmin(nd.array([[0, 0]])).asnumpy()
    array([[0.5, 0.5]], dtype=float32)
    """
    return _softmax(-_nd(data), length, axis=axis, temperature=temperature, dtype=dtype, use_length=use_length,
                    out=out)


def hard_sigmoid(data=None, alpha=0.2, beta=0.5, out=None):
    """``clip(alpha * x + beta, 0, 1)``, elementwise (floating-point arrays only)."""
    x = _nd(data)
    _floats_only(x, "hard_sigmoid")
    return _write((x * alpha + beta).clip(0.0, 1.0), out)


def broadcast_hypot(lhs=None, rhs=None, out=None):
    """``sqrt(lhs² + rhs²)`` with broadcasting."""
    a, b = _nd(lhs), _nd(rhs)
    if _kind(a) == "f" or _kind(b) == "f":
        return _write(_nd(_unary(a * a + b * b, "sqrt")), out)
    d = _name(_np_dtype(a + b))
    a64, b64 = a.astype("float64"), b.astype("float64")
    return _write(_nd(_unary(a64 * a64 + b64 * b64, "sqrt")).astype(d), out)


def degrees(data=None, out=None, **kwargs):
    """Radians to degrees (an integer array stays integer, truncated, as in MXNet)."""
    return _write(_in_float(_nd(data), lambda x: x * (180.0 / 3.141592653589793)), out)


def radians(data=None, out=None, **kwargs):
    """Degrees to radians (an integer array stays integer, truncated, as in MXNet)."""
    return _write(_in_float(_nd(data), lambda x: x * (3.141592653589793 / 180.0)), out)


def rcbrt(data=None, out=None, **kwargs):
    """``1 / cbrt(x)``, elementwise."""
    return _write(_in_float(_nd(data), lambda x: 1.0 / _nd(_unary(x, "cbrt"))), out)


def logical_not(data=None, out=None, **kwargs):
    """1 where ``data`` is 0, else 0, in ``data``'s dtype (legacy 0/1 numbers, not bools)."""
    x = _nd(data)
    if _kind(x) == "b":
        raise _OperatorTypeError("logical_not: bool arrays are not supported by MXNet's legacy logical_not")
    return _write((x == 0).astype(_name(_np_dtype(x))), out)


# ---- reductions -----------------------------------------------------------------------------------


max_axis = _max
min_axis = _min


def nanprod(data=None, axis=None, keepdims=False, exclude=False, out=None):
    """The product over ``axis`` with NaN counted as 1."""
    x = _nd(data)
    clean = _nd(_core.where_(_unary(x, "isnan"), 1, x)) if _kind(x) == "f" else x
    return _write(clean.prod(axis, keepdims, exclude), out)


def moments(data=None, axes=None, keepdims=False, out=None):
    """``[mean, variance]`` over ``axes`` (required: MXNet rejects empty axes; pass them all
    for global moments). The variance divides by the count (population variance).

    >>> from deepblocks import nd
    >>> [m.asnumpy() for m in nd.moments(nd.array([[1, 2], [3, 5]]), axes=(1,))]
    [array([1.5, 4. ], dtype=float32), array([0.25, 1.  ], dtype=float32)]
    """
    x = _nd(data)
    if not axes:
        raise _OperatorError("moments: empty axes is not supported; pass every axis for global moments")
    axes = (axes,) if isinstance(axes, int) else tuple(axes)
    xf = x if _kind(x) == "f" else x.astype("float64")
    mean = _nd(xf.mean(axes, True))
    centered = xf - mean
    var = _nd((centered * centered).mean(axes, keepdims))
    result = [mean if keepdims else mean.reshape(var.shape), var]
    if _kind(x) != "f":
        result = [_nd(r.astype(_name(_np_dtype(x)))) for r in result]
    return _write(result, out)


def cumsum(a=None, axis=None, dtype=None, out=None):
    """Running sums along ``axis`` (of the flattened array when None). The result keeps the
    input's dtype unless ``dtype`` is given (bool counts as int64), as MXNet's.

    >>> from deepblocks import nd
    >>> nd.cumsum(nd.array([[1, 2], [3, 4]]), axis=1).asnumpy()
    array([[1., 3.],
           [3., 7.]], dtype=float32)
    """
    x = _nd(a)
    if dtype is None:
        dtype = "int64" if _kind(x) == "b" else _name(_np_dtype(x))
    r = _base.cumsum(x, axis=axis)
    return _write(_nd(r if _name(_np_dtype(r)) == dtype else r.astype(dtype)), out)


def argmax_channel(data=None, out=None):
    """The position of the largest entry along axis 1 (the channels), in ``data``'s dtype.

    >>> from deepblocks import nd
    >>> nd.argmax_channel(nd.array([[1, 3, 2], [5, 0, 4]])).asnumpy()
    array([1., 0.], dtype=float32)
    """
    x = _nd(data)
    if x.ndim < 2:
        raise _OperatorError(f"argmax_channel: data needs at least 2 dimensions (axis 1), got shape {x.shape}")
    return _write(x.argmax(axis=1), out)


def khatri_rao(*args, out=None, **kwargs):
    """The column-wise Kronecker product of matrices with the same number of columns: for
    ``(I, K)`` and ``(J, K)`` the ``(I*J, K)`` matrix whose row ``i*J + j`` is
    ``A[i] * B[j]``.

    >>> from deepblocks import nd
    >>> nd.khatri_rao(nd.array([[1, 2]]), nd.array([[3, 4], [5, 6]])).asnumpy()
    array([[ 3.,  8.],
           [ 5., 12.]], dtype=float32)
    """
    mats = [_nd(a) for a in args]
    if not mats:
        raise _OperatorError("khatri_rao: needs at least one matrix")
    for i, m in enumerate(mats):
        if m.ndim != 2:
            raise _OperatorError(f"khatri_rao: input {i} must be a matrix, got shape {m.shape}")
        if m.shape[1] != mats[0].shape[1]:
            raise _OperatorError(f"khatri_rao: input {i} has {m.shape[1]} columns, input 0 has {mats[0].shape[1]}")
    result = mats[0]
    k = result.shape[1]
    for m in mats[1:]:
        result = (result.reshape((-1, 1, k)) * m.reshape((1, -1, k))).reshape((-1, k))
    return _write(result if len(mats) > 1 else result.copy(), out)


def histogram(a, bins=10, range=None, out=None):
    """``[counts, bin_edges]`` of the values of ``a``: ``bins`` equal bins over ``range`` (the
    data's min and max when None) or the increasing edges in the array ``bins``; the last
    bin includes its right edge and values outside the range are not counted.

    The dtypes are MXNet 1.9.1's: int64 counts, except float32 counts when ``bins`` is a
    number and ``range`` is None (MXNet then returns NumPy's result); the edges keep ``a``'s
    dtype for an integer ``a`` with a ``range``, else float32.

    >>> from deepblocks import nd
    >>> counts, edges = nd.histogram(nd.array([0, 1, 1, 2, 3, 9]), bins=3, range=(0, 3))
    >>> counts.asnumpy(), edges.asnumpy()
    (array([1, 2, 2]), array([0., 1., 2., 3.], dtype=float32))
    """
    x = _nd(a)
    host = x.asnumpy().reshape(-1)
    if isinstance(bins, _base):
        edges = _nd(bins).asnumpy().astype("float64")
        counts, edges = _onp.histogram(host, bins=edges)
        result = [_host(counts, "int64"), _host(edges, "float32")]
    elif isinstance(bins, bool) or not isinstance(bins, (int, _onp.integer)) or bins < 1:
        raise _OperatorError(f"histogram: bins must be a positive int or an NDArray of edges, got {bins!r}")
    elif range is None:
        counts, edges = _onp.histogram(host, bins=int(bins))
        result = [_host(counts, "float32"), _host(edges, "float32")]
    else:
        lo, hi = (float(v) for v in range)
        if not lo <= hi:
            raise _OperatorError(f"histogram: range {tuple(range)} must be increasing")
        counts, edges = _onp.histogram(host, bins=int(bins), range=(lo, hi))
        kind = _kind(x)
        result = [_host(counts, "int64"), _host(edges, _name(_np_dtype(x)) if kind in "iu" else "float32")]
    return _write(result, out)


def _host(values, dtype):
    return _core.array(_onp.asarray(values).astype(dtype), dtype, None, None, True, legacy=True)


# ---- gradient control -----------------------------------------------------------------------------


def identity(data=None, out=None, **kwargs):
    """A copy of ``data`` (the gradient passes through unchanged)."""
    return _write(_nd(data).copy(), out)


def BlockGrad(data=None, out=None, **kwargs):
    """A copy of ``data`` that passes no gradient back (``x.detach()``).

    >>> from deepblocks import nd, autograd
    >>> x = nd.array([1.0, 2.0]); x.attach_grad()
    >>> with autograd.record():
    ...     y = (nd.BlockGrad(x) * x).sum()
    >>> y.backward(); x.grad.asnumpy()
    array([1., 2.], dtype=float32)
    """
    return _write(_nd(data).detach().copy(), out)


stop_gradient = BlockGrad


# ---- dtypes ---------------------------------------------------------------------------------------


def cast_storage(data=None, stype="default", out=None):
    """A copy of ``data`` in storage ``stype``: 'default' (dense) is the only storage
    deepblocks has; 'row_sparse' and 'csr' raise ``NotImplementedError``."""
    if stype != "default":
        raise NotImplementedError(f"cast_storage: stype={stype!r}: deepblocks has dense arrays only ('default')")
    return _write(_nd(data).copy(), out)


def amp_cast(data=None, dtype=None, out=None):
    """``data`` cast to ``dtype`` (MXNet's mixed-precision cast; float16 is not available)."""
    if dtype is None:
        raise TypeError("amp_cast: dtype is required")
    return _write(_nd(data).astype(dtype), out)


def amp_multicast(*data, num_outputs=None, cast_narrow=False, out=None):
    """The arrays cast to one float dtype: the widest of theirs (the narrowest with
    ``cast_narrow``)."""
    if num_outputs is not None and num_outputs != len(data):
        raise _OperatorError(f"amp_multicast: num_outputs={num_outputs} but {len(data)} arrays were given")
    arrays = [_nd(d) for d in data]
    floats = [_np_dtype(a) for a in arrays if _kind(a) == "f"]
    if not floats:
        raise _OperatorTypeError("amp_multicast: needs at least one floating-point array")
    pick = min if cast_narrow else max
    target = pick(floats, key=lambda d: d.itemsize).name
    return _write([a if _name(_np_dtype(a)) == target else a.astype(target) for a in arrays], out)


# ---- finiteness and gradient-norm helpers ------------------------------------------------------------


def _finite(x):
    x = _nd(x)
    return _kind(x) != "f" or bool(_base.all(_unary(x, "isfinite")))


def _flag(ok, out, init_output):
    value = 1.0 if ok else 0.0
    if out is not None and not init_output:
        # Without init_output the flag only clears an earlier 1 (MXNet chains checks this way).
        value = value * float(out.asnumpy().reshape(-1)[0])
    return _write(_core.array([value], "float32", None, None, True, legacy=True), out)


def all_finite(data=None, init_output=True, out=None):
    """``[1.]`` when every element of ``data`` is finite, else ``[0.]`` (float32). With
    ``init_output=False`` and ``out=``, a 0 already in ``out`` stays 0."""
    return _flag(_finite(data), out, init_output)


def multi_all_finite(*data, num_arrays=1, init_output=True, out=None):
    """``all_finite`` over ``num_arrays`` arrays (all must be given)."""
    if len(data) != num_arrays:
        raise _OperatorError(f"multi_all_finite: num_arrays={num_arrays} but {len(data)} arrays were given")
    return _flag(all(_finite(d) for d in data), out, init_output)


def reset_arrays(*data, num_arrays=None, **kwargs):
    """Sets every element of each array to 0, in place; returns an empty list (MXNet's)."""
    if num_arrays is not None and len(data) != num_arrays:
        raise _OperatorError(f"reset_arrays: num_arrays={num_arrays} but {len(data)} arrays were given")
    for d in data:
        if not isinstance(d, _base):
            raise TypeError(f"reset_arrays: arguments must be NDArrays, got {type(d).__name__}")
        d[:] = 0
    return []


def shuffle(data=None, out=None, **kwargs):
    """A copy of ``data`` with its first axis randomly permuted (``nd.random.shuffle``)."""
    return _write(_random_shuffle(data), out)

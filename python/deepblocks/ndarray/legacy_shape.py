"""The legacy ``nd`` operators that cut, move and re-lay axes, with MXNet 1.9.1's signatures
and checks: ``nd.slice`` (alias ``nd.crop``), ``nd.slice_axis``, ``nd.slice_like``,
``nd.broadcast_like`` with ``lhs_axes``/``rhs_axes``, ``nd.moveaxis``, ``nd.depth_to_space``,
``nd.space_to_depth``, ``nd.diag``, ``nd.split_v2``, ``nd.shape_array`` and ``nd.size_array``.

Like MXNet's operators they answer new arrays (a basic index ``x[1:3]`` is a view; ``nd.slice``
is a copy), every one takes ``out=``, and all are differentiable where MXNet's are: they are
built from the engine's views, copies and gathers, which carry gradients.

The ``NDArray`` methods MXNet has for them (``x.slice(...)``, ``x.slice_axis(...)``,
``x.slice_like(...)``, ``x.broadcast_like(...)``, ``x.shape_array()``, ``x.size_array()``)
and the ``inplace=`` keyword of ``flatten``, ``expand_dims`` and ``squeeze`` are attached to
the class here.

>>> from deepblocks import nd
>>> x = nd.arange(12).reshape((3, 4))
>>> nd.slice(x, begin=(None, 3), end=(2, None), step=(None, -2)).asnumpy()
array([[3., 1.],
       [7., 5.]], dtype=float32)
>>> nd.slice_axis(x, axis=1, begin=-2, end=None).shape
(3, 2)
>>> nd.slice_like(x, nd.zeros((2, 2))).asnumpy()
array([[0., 1.],
       [4., 5.]], dtype=float32)
>>> nd.broadcast_like(nd.ones((1, 4)), x).shape
(3, 4)
>>> x.slice(begin=(1,), end=(2,)).asnumpy()
array([[4., 5., 6., 7.]], dtype=float32)
"""

from .. import _core
from .ndarray import NDArray, _base, _name, _nd, _np_dtype
from .ops import OperatorError as _OperatorError
from .ops import _write

__all__ = ["slice", "crop", "slice_axis", "slice_like", "broadcast_like", "moveaxis", "depth_to_space",
           "space_to_depth", "diag", "split_v2", "shape_array", "size_array"]

_builtin_slice = slice


def _ints(v, what, name):
    """An int or a sequence of ints (None entries allowed) as a tuple."""
    if v is None:
        return ()
    if isinstance(v, int):
        return (v,)
    try:
        return tuple(v)
    except TypeError:
        raise TypeError(f"{name}: {what} must be an int or a tuple of ints, got {type(v).__name__}") from None


class _AxisError(_OperatorError, IndexError):
    """An axis out of range: ``MXNetError`` as in MXNet, ``IndexError`` as in NumPy."""


class _MoveAxisError(ValueError, IndexError):
    """A bad ``nd.moveaxis`` axis: ``ValueError`` as MXNet's legacy ``moveaxis`` raises,
    ``IndexError`` as NumPy's ``AxisError`` also is."""


def _axis(axis, ndim, name):
    if not -ndim <= axis < ndim:
        raise _AxisError(f"{name}: axis {axis} is out of range for an array of {ndim} dimensions")
    return axis % ndim


# ---- slicing --------------------------------------------------------------------------------------


def slice(data=None, begin=None, end=None, step=None, out=None):
    """``data[begin[0]:end[0]:step[0], begin[1]:end[1]:step[1], ...]`` as a new array: one
    ``(begin, end, step)`` per leading axis, the other axes whole. Entries work as Python's
    slice bounds: None means "from the start" or "to the end" (for a negative step, from
    the end down to the start), negatives count from the end, and bounds beyond the axis are
    clipped. ``step`` may be omitted (all 1) and must not contain 0.

    >>> from deepblocks import nd
    >>> x = nd.arange(6).reshape((2, 3))
    >>> nd.slice(x, begin=(0, 1), end=(2, 3)).asnumpy()
    array([[1., 2.],
           [4., 5.]], dtype=float32)
    >>> nd.slice(x, begin=(None, None), end=(None, None), step=(-1, -1)).asnumpy()
    array([[5., 4., 3.],
           [2., 1., 0.]], dtype=float32)
    """
    x = _nd(data)
    begin, end, step = _ints(begin, "begin", "slice"), _ints(end, "end", "slice"), _ints(step, "step", "slice")
    if len(begin) != len(end):
        raise _OperatorError(f"slice: begin {begin} and end {end} must have the same length")
    if step and len(step) != len(begin):
        raise _OperatorError(f"slice: step {step} and begin {begin} must have the same length")
    if len(begin) > x.ndim:
        raise _OperatorError(f"slice: {len(begin)} axes to slice exceed the {x.ndim} dimensions of shape {x.shape}")
    step = step or (None,) * len(begin)
    for i, s in enumerate(step):
        if s == 0:
            raise _OperatorError(f"slice: step[{i}] cannot be 0")
    key = tuple(_builtin_slice(b, e, s) for b, e, s in zip(begin, end, step))
    return _write(x[key].copy(), out)


crop = slice  # MXNet 1.x registers ``crop`` as another name of ``slice``


def slice_axis(data=None, axis=None, begin=None, end=None, out=None):
    """``data`` cut to ``begin:end`` along ``axis`` (a new array). Negative bounds count from
    the end and ``end=None`` is the end of the axis; unlike Python slicing, MXNet requires
    ``0 <= begin < end <= size`` after that, so an empty or out-of-range cut is an error.

    >>> from deepblocks import nd
    >>> x = nd.arange(6).reshape((2, 3))
    >>> nd.slice_axis(x, axis=1, begin=1, end=None).asnumpy()
    array([[1., 2.],
           [4., 5.]], dtype=float32)
    """
    x = _nd(data)
    if axis is None:
        raise TypeError("slice_axis: axis is required")
    a = _axis(axis, x.ndim, "slice_axis")
    n = x.shape[a]
    b = begin + n if begin < 0 else begin
    e = n if end is None else (end + n if end < 0 else end)
    if b < 0:
        raise _OperatorError(f"slice_axis: invalid begin={begin} for axis {axis} of size {n}")
    if e > n:
        raise _OperatorError(f"slice_axis: invalid end={end} for axis {axis} of size {n}")
    if not b < e:
        raise _OperatorError(f"slice_axis: begin={begin} must come before end={end} on axis {axis} of size {n}")
    key = [_builtin_slice(None)] * x.ndim
    key[a] = _builtin_slice(b, e)
    return _write(x[tuple(key)].copy(), out)


def slice_like(data=None, shape_like=None, axes=(), out=None):
    """The leading ``shape_like.shape[i]`` entries of ``data`` along each axis ``i`` in
    ``axes`` (all axes when ``axes`` is empty; then both arrays must have the same number of
    dimensions). No axis of ``shape_like`` may be longer than ``data``'s.

    >>> from deepblocks import nd
    >>> x = nd.arange(12).reshape((3, 4))
    >>> nd.slice_like(x, nd.zeros((2, 9)), axes=(0,)).shape
    (2, 4)
    """
    x, like = _nd(data), _nd(shape_like)
    axes = _ints(axes, "axes", "slice_like")
    if not axes:
        if x.ndim != like.ndim:
            raise _OperatorError(f"slice_like: shapes {x.shape} and {like.shape} must have the same number of "
                                 "dimensions when axes is empty")
        axes = range(x.ndim)
    key = [_builtin_slice(None)] * x.ndim
    for axis in axes:
        a = _axis(axis, x.ndim, "slice_like")
        b = axis + like.ndim if axis < 0 else axis
        if not 0 <= b < like.ndim:
            raise _OperatorError(f"slice_like: axis {axis} exceeds shape_like's {like.ndim} dimensions {like.shape}")
        if like.shape[b] > x.shape[a]:
            raise _OperatorError(f"slice_like: axis {axis} of shape_like {like.shape} is longer than data's {x.shape}")
        key[a] = _builtin_slice(0, like.shape[b])
    return _write(x[tuple(key)].copy(), out)


# ---- broadcasting and moving axes -------------------------------------------------------------


def broadcast_like(lhs=None, rhs=None, lhs_axes=None, rhs_axes=None, out=None):
    """``lhs`` broadcast to ``rhs``'s shape; with ``lhs_axes`` and ``rhs_axes`` only those
    axes: axis ``lhs_axes[i]`` of ``lhs`` (which must have size 1) becomes as long as axis
    ``rhs_axes[i]`` of ``rhs``.

    >>> from deepblocks import nd
    >>> nd.broadcast_like(nd.ones((1, 3)), nd.zeros((4, 5)), lhs_axes=(0,), rhs_axes=(0,)).shape
    (4, 3)
    """
    a, b = _nd(lhs), _nd(rhs)
    la, ra = _ints(lhs_axes, "lhs_axes", "broadcast_like"), _ints(rhs_axes, "rhs_axes", "broadcast_like")
    # None means "all axes"; an explicitly empty tuple is an error in MXNet.
    if (lhs_axes is not None and not la) or (rhs_axes is not None and not ra):
        raise _OperatorError(f"broadcast_like: empty axes tuple is not allowed (lhs_axes={lhs_axes!r}, "
                             f"rhs_axes={rhs_axes!r})")
    if len(la) != len(ra):
        raise _OperatorError(f"broadcast_like: lhs_axes {la} and rhs_axes {ra} must have the same length")
    if not la:
        if a.ndim != b.ndim:
            raise _OperatorError(f"broadcast_like: operand of shape {a.shape} cannot be broadcast to {b.shape}")
        for s, t in zip(a.shape, b.shape):
            if s not in (1, t):
                raise _OperatorError(f"broadcast_like: array of shape {a.shape} cannot be broadcast to {b.shape}")
        shape = b.shape
    else:
        shape = list(a.shape)
        for i, j in zip(la, ra):
            i, j = _axis(i, a.ndim, "broadcast_like"), _axis(j, b.ndim, "broadcast_like")
            if a.shape[i] != 1:
                raise _OperatorError(f"broadcast_like: axis {i} of lhs {a.shape} has size {a.shape[i]}, "
                                     f"only size-1 axes can be broadcast (to {b.shape[j]})")
            shape[i] = b.shape[j]
        shape = tuple(shape)
    return _write(_base.broadcast_to(a, shape).copy(), out)


def moveaxis(tensor, source, destination, out=None):
    """``tensor`` with axes ``source`` (an int or a tuple) moved to ``destination``, the
    others in their order (NumPy's ``moveaxis``)."""
    x = _nd(tensor)
    src, dst = _ints(source, "source", "moveaxis"), _ints(destination, "destination", "moveaxis")
    if len(src) != len(dst):
        raise ValueError(f"moveaxis: source {src} and destination {dst} must have the same number of elements")
    for what, axes in (("source", src), ("destination", dst)):
        for a in axes:
            if not -x.ndim <= a < x.ndim:
                raise _MoveAxisError(f"moveaxis: {what} axis {a} is out of range for an array of {x.ndim} dimensions")
        if len({a % x.ndim for a in axes}) != len(axes):
            raise _MoveAxisError(f"moveaxis: repeated axis in {what} {axes}")
    return _write(_nd(_core.moveaxis(x, list(src), list(dst))), out)


def _block(block_size, name):
    if isinstance(block_size, bool) or not isinstance(block_size, int) or block_size < 1:
        raise _OperatorError(f"{name}: block_size must be a positive int, got {block_size!r}")
    return block_size


def depth_to_space(data=None, block_size=None, out=None):
    """Rearranges ``(N, C, H, W)`` into ``(N, C/b², H*b, W*b)``: each group of ``b²``
    channels fills a ``b x b`` block of the image (``b`` is ``block_size``).

    >>> from deepblocks import nd
    >>> nd.depth_to_space(nd.arange(4).reshape((1, 4, 1, 1)), 2).asnumpy()
    array([[[[0., 1.],
             [2., 3.]]]], dtype=float32)
    """
    x, b = _nd(data), _block(block_size, "depth_to_space")
    if x.ndim != 4:
        raise _OperatorError(f"depth_to_space: data must be 4-D (N, C, H, W), got shape {x.shape}")
    n, c, h, w = x.shape
    if c % (b * b):
        raise _OperatorError(f"depth_to_space: channels {c} of shape {x.shape} must be a multiple of "
                             f"block_size² = {b * b}")
    y = x.reshape((n, b, b, c // (b * b), h, w)).transpose((0, 3, 4, 1, 5, 2))
    return _write(y.reshape((n, c // (b * b), h * b, w * b)), out)


def space_to_depth(data=None, block_size=None, out=None):
    """The inverse of ``depth_to_space``: ``(N, C, H, W)`` into ``(N, C*b², H/b, W/b)``."""
    x, b = _nd(data), _block(block_size, "space_to_depth")
    if x.ndim != 4:
        raise _OperatorError(f"space_to_depth: data must be 4-D (N, C, H, W), got shape {x.shape}")
    n, c, h, w = x.shape
    if h % b or w % b:
        raise _OperatorError(f"space_to_depth: height and width of shape {x.shape} must be multiples of "
                             f"block_size {b}")
    y = x.reshape((n, c, h // b, b, w // b, b)).transpose((0, 3, 5, 1, 2, 4))
    return _write(y.reshape((n, c * b * b, h // b, w // b)), out)


def diag(data=None, k=0, axis1=0, axis2=1, out=None):
    """A 1-D ``data`` gives the square matrix with ``data`` on diagonal ``k``; more
    dimensions give diagonal ``k`` of the planes spanned by ``axis1`` and ``axis2`` (as
    the last axis of the result).

    >>> from deepblocks import nd
    >>> nd.diag(nd.array([[1, 2], [3, 4]])).asnumpy()
    array([1., 4.], dtype=float32)
    >>> nd.diag(nd.array([1, 2]), k=1).asnumpy()
    array([[0., 1., 0.],
           [0., 0., 2.],
           [0., 0., 0.]], dtype=float32)
    """
    x = _nd(data)
    if x.ndim == 0:
        raise _OperatorError("diag: data must have at least one dimension")
    if x.ndim == 1:
        # Diagonal k of an n x n matrix of ones, times data padded to n and laid along the
        # rows (k >= 0: entry (i, i+k) is data[i]) or the columns (k < 0: entry (j-k, j) is
        # data[j]): products, so the gradient flows back to data.
        n = x.shape[0] + abs(k)
        dt = _name(_np_dtype(x))
        padded = _nd(_core.concatenate([x, _core.full((abs(k),), 0, dt, x.ctx, None, legacy=True)], 0))
        ones = _nd(_core.eye(n, n, k, dt, x.ctx, None))
        return _write(ones * padded.reshape((n, 1) if k >= 0 else (1, n)), out)
    a1, a2 = _axis(axis1, x.ndim, "diag"), _axis(axis2, x.ndim, "diag")
    if a1 == a2:
        raise _OperatorError(f"diag: axis1 and axis2 must differ, got {axis1} and {axis2}")
    y = _nd(_core.moveaxis(x, [a1, a2], [x.ndim - 2, x.ndim - 1]))
    n1, n2 = y.shape[-2:]
    i0, j0 = (0, k) if k >= 0 else (-k, 0)
    length = max(0, min(n1 - i0, n2 - j0))
    rows = [i0 + t for t in range(length)]
    cols = [j0 + t for t in range(length)]
    lead = (_builtin_slice(None),) * (y.ndim - 2)
    return _write(y[lead + (rows, cols)], out)


# ---- splitting and shapes ----------------------------------------------------------------------


def split_v2(ary, indices_or_sections, axis=0, squeeze_axis=False, out=None):
    """NumPy's ``split`` for legacy arrays: ``indices_or_sections`` is a number of equal
    parts or the increasing positions to cut at; ``squeeze_axis`` drops ``axis`` from parts
    of length 1. Always a list.

    >>> from deepblocks import nd
    >>> [p.shape for p in nd.split_v2(nd.arange(6), (1, 4))]
    [(1,), (3,), (2,)]
    """
    x = _nd(ary)
    a = _axis(axis, x.ndim, "split_v2")
    n = x.shape[a]
    if isinstance(indices_or_sections, int):
        sections = indices_or_sections
        if sections < 1:
            raise ValueError(f"split_v2: the number of sections must be at least 1, got {sections}")
        if n % sections:
            raise ValueError(f"split_v2: axis {axis} of length {n} does not split into {sections} equal parts")
        cuts = [i * (n // sections) for i in range(1, sections)]
    else:
        cuts = list(_ints(indices_or_sections, "indices_or_sections", "split_v2"))
    bounds = [0] + cuts + [n]
    parts = []
    for lo, hi in zip(bounds[:-1], bounds[1:]):
        key = [_builtin_slice(None)] * x.ndim
        key[a] = _builtin_slice(lo, hi)
        part = x[tuple(key)].copy()
        if squeeze_axis:
            if part.shape[a] != 1:
                raise _OperatorError(f"split_v2: squeeze_axis needs parts of length 1 along axis {axis}, "
                                     f"got {part.shape[a]}")
            part = part.squeeze(a)
        parts.append(_nd(part))
    return _write(parts, out)


def shape_array(data=None, out=None):
    """The shape of ``data`` as a 1-D int64 array.

    >>> from deepblocks import nd
    >>> nd.shape_array(nd.zeros((2, 3))).asnumpy()
    array([2, 3])
    """
    x = _nd(data)
    return _write(_core.array(list(x.shape), "int64", x.ctx, None, True, legacy=True), out)


def size_array(data=None, out=None):
    """The number of elements of ``data`` as an int64 array of shape ``(1,)``."""
    x = _nd(data)
    return _write(_core.array([x.size], "int64", x.ctx, None, True, legacy=True), out)


# ---- NDArray methods ------------------------------------------------------------------------------


def _method(f, name, doc):
    def method(self, *args, **kwargs):
        return f(self, *args, **kwargs)

    method.__name__ = name
    method.__qualname__ = "NDArray." + name
    method.__doc__ = doc
    return method


_base_reshape = _base.reshape


def _flatten(self, inplace=False):
    """``(d0, d1, ..., dk)`` as ``(d0, d1*...*dk)``: a new array, or with ``inplace=True`` a
    view sharing this array's data (MXNet's ``inplace``).

    >>> from deepblocks import nd
    >>> x = nd.zeros((2, 3, 4))
    >>> v = x.flatten(inplace=True)
    >>> v[:] = 1
    >>> v.shape, x.sum().asscalar()
    ((2, 12), np.float32(24.0))
    """
    rest = 1
    for d in self.shape[1:]:
        rest *= d
    view = _base_reshape(self, (self.shape[0] if self.ndim else 1, rest))
    return view if inplace else view.copy()


def _expand_dims(self, axis, inplace=False):
    """A new axis of length 1 at ``axis``: a new array, or a view with ``inplace=True``."""
    if not -self.ndim - 1 <= axis <= self.ndim:
        raise IndexError(f"expand_dims: axis {axis} is out of range for a {self.ndim}-d array")
    view = _base.expand_dims(self, axis)
    return view if inplace else view.copy()


def _squeeze(self, axis=None, inplace=False):
    """The length-1 axes (those in ``axis``) removed: a new array, or a view with
    ``inplace=True``. Removing every axis leaves shape ``(1,)``, as MXNet's legacy arrays."""
    view = _base.squeeze(self, axis)
    if view.ndim == 0:
        view = _base_reshape(view, (1,))
    return view if inplace else view.copy()


NDArray.slice = _method(slice, "slice", "``nd.slice(self, begin, end, step)``: a new array cut from this one.")
NDArray.slice_axis = _method(slice_axis, "slice_axis", "``nd.slice_axis(self, axis, begin, end)``.")
NDArray.slice_like = _method(slice_like, "slice_like", "``nd.slice_like(self, shape_like, axes)``.")
NDArray.broadcast_like = _method(broadcast_like, "broadcast_like",
                                 "``nd.broadcast_like(self, other, lhs_axes, rhs_axes)``: this array broadcast "
                                 "to ``other``'s shape.")
NDArray.moveaxis = _method(moveaxis, "moveaxis", "``nd.moveaxis(self, source, destination)``.")
NDArray.shape_array = _method(shape_array, "shape_array", "``nd.shape_array(self)``: the shape as an int64 array.")
NDArray.size_array = _method(size_array, "size_array", "``nd.size_array(self)``: the size as an int64 array.")
NDArray.depth_to_space = _method(depth_to_space, "depth_to_space", "``nd.depth_to_space(self, block_size)``.")
NDArray.space_to_depth = _method(space_to_depth, "space_to_depth", "``nd.space_to_depth(self, block_size)``.")
NDArray.diag = _method(diag, "diag", "``nd.diag(self, k, axis1, axis2)``.")
NDArray.flatten = _flatten
NDArray.expand_dims = _expand_dims
NDArray.squeeze = _squeeze
for _f in (_flatten, _expand_dims, _squeeze):
    _f.__name__ = _f.__name__[1:]
    _f.__qualname__ = "NDArray." + _f.__name__
del _f

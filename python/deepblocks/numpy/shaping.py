"""Rearranging arrays, as NumPy's: ``roll``, ``rot90``, ``append``, ``insert``, ``delete``,
the ``hsplit``/``vsplit``/``dsplit`` splits, the ``dstack``/``column_stack``/``row_stack``
stacks and ``atleast_1d``/``2d``/``3d``.

Everything is composed of engine ops (views, ``concatenate``, ``take``), so results stay on
the input's device and autograd records them; ``rot90`` and the splits return views, as
NumPy's do.

>>> from deepblocks import np
>>> np.roll(np.arange(5), 2)
array([3., 4., 0., 1., 2.])
>>> np.insert(np.array([1, 2, 3], dtype='int32'), 1, 9)
array([1, 9, 2, 3], dtype=int32)
"""

import operator

import numpy as _onp

__all__ = ["roll", "rot90", "append", "insert", "delete", "hsplit", "vsplit", "dsplit", "dstack",
           "column_stack", "row_stack", "atleast_1d", "atleast_2d", "atleast_3d"]


def _np():
    from .. import numpy
    return numpy


def _flat_or_axis(arr, axis):
    """``(arr, axis)`` for ``insert``/``delete``: the flattened array and axis 0 when ``axis``
    is None (NumPy's rule), else ``axis`` made non-negative."""
    if axis is None:
        return (arr.reshape(-1) if arr.ndim != 1 else arr), 0
    return arr, _axis(axis, arr.ndim)


def _axis(axis, ndim):
    """``axis`` as a non-negative index (NumPy's AxisError is an IndexError here)."""
    axis = operator.index(axis)
    if not -ndim <= axis < ndim:
        raise IndexError(f"axis {axis} is out of bounds for array of dimension {ndim}")
    return axis % ndim


def _along(ndim, axis, key):
    """An indexing tuple that applies ``key`` along ``axis`` only."""
    return (slice(None),) * axis + (key,)


def _positions(idx, ctx):
    """Host int positions as an int64 index array on ``ctx`` (for ``take``)."""
    return _np().array(_onp.asarray(idx, dtype=_onp.int64), dtype="int64", ctx=ctx)


def roll(a, shift, axis=None):
    """Elements shifted by ``shift`` along ``axis`` (of the flattened array when ``axis`` is
    None), wrapping around; ``shift`` and ``axis`` may be tuples (broadcast together, shifts
    of a repeated axis add up). A new array, differentiable.

    >>> from deepblocks import np
    >>> np.roll(np.arange(6).reshape(2, 3), (1, -1), axis=(0, 1))
    array([[4., 5., 3.],
           [1., 2., 0.]])
    """
    a = _np().asarray(a)
    if axis is None:
        return roll(a.reshape(-1), shift, 0).reshape(a.shape)
    axes = (axis,) if _onp.ndim(axis) == 0 else tuple(axis)
    axes = tuple(_axis(ax, a.ndim) for ax in axes)
    pairs = _onp.broadcast(_onp.asarray(shift), _onp.asarray(axes, dtype=_onp.int64))
    if pairs.nd > 1:
        raise ValueError("'shift' and 'axis' should be scalars or 1D sequences")
    total = [0] * a.ndim
    for sh, ax in pairs:
        total[int(ax)] += int(sh)
    out = a
    for ax, s in enumerate(total):
        n = a.shape[ax]
        s = s % n if n else 0
        if s:
            # The last s elements move to the front.
            out = _np().concatenate([out[_along(a.ndim, ax, slice(n - s, None))],
                                     out[_along(a.ndim, ax, slice(None, n - s))]], axis=ax)
    return out.copy() if out is a else out


def rot90(m, k=1, axes=(0, 1)):
    """``m`` rotated by 90 degrees ``k`` times in the plane of ``axes``, from the first axis
    towards the second. A view (flips and a transpose), as NumPy's.

    >>> from deepblocks import np
    >>> np.rot90(np.array([[1, 2], [3, 4]], dtype='int32'))
    array([[2, 4],
           [1, 3]], dtype=int32)
    """
    np = _np()
    m = np.asarray(m)
    axes = tuple(axes)
    if len(axes) != 2:
        raise ValueError("len(axes) must be 2.")
    a0, a1 = (operator.index(x) for x in axes)
    if a0 == a1 or abs(a0 - a1) == m.ndim:
        raise ValueError("Axes must be different.")
    if not (-m.ndim <= a0 < m.ndim and -m.ndim <= a1 < m.ndim):
        raise ValueError(f"Axes={axes} out of range for array of ndim={m.ndim}.")
    k = operator.index(k) % 4
    if k == 0:
        return m[...]
    if k == 2:
        return np.flip(np.flip(m, a0), a1)
    perm = list(range(m.ndim))
    perm[a0], perm[a1] = perm[a1], perm[a0]
    if k == 1:
        return np.flip(m, a1).transpose(perm)
    return np.flip(m.transpose(perm), a1)


def append(arr, values, axis=None):
    """``values`` joined to the end of ``arr`` along ``axis``; both are flattened first when
    ``axis`` is None. The dtype follows the usual promotion.

    >>> from deepblocks import np
    >>> np.append(np.array([[1.0, 2.0]]), np.array([[3.0, 4.0]]), axis=0)
    array([[1., 2.],
           [3., 4.]])
    """
    np = _np()
    arr = np.asarray(arr)
    if axis is None:
        arr = arr.reshape(-1) if arr.ndim != 1 else arr
        values = np.asarray(values).reshape(-1)
        axis = 0
    return np.concatenate([arr, values], axis=axis)


def _host_index(obj, name):
    """``obj`` (a list, tuple, NumPy or deepblocks array) as a host NumPy array."""
    if isinstance(obj, _np().ndarray):
        return obj.asnumpy(), True
    return _onp.array(obj), isinstance(obj, _onp.ndarray)


def _values_like(values, arr):
    """``values`` in ``arr``'s dtype and on its device (Python data converts directly to the
    dtype, so large integers do not pass through float32)."""
    np = _np()
    if isinstance(values, np.ndarray):
        v = values.as_in_context(arr.ctx) if values.ctx != arr.ctx else values
        return v if v.dtype == arr.dtype else v.astype(arr.dtype)
    return np.array(_onp.asarray(values, dtype=arr.dtype), dtype=arr.dtype, ctx=arr.ctx)


def _fit(values, shape):
    """``values`` broadcast to ``shape``, as an assignment would (extra leading 1s drop)."""
    while values.ndim > len(shape) and values.shape[0] == 1:
        values = values.reshape(values.shape[1:])
    try:
        return values.broadcast_to(tuple(shape))
    except Exception:
        raise ValueError(f"could not broadcast input array from shape {values.shape} into shape {tuple(shape)}") from None


def insert(arr, obj, values, axis=None):
    """``values`` inserted before the positions ``obj`` (an int, a slice or a sequence of
    ints) along ``axis`` (of the flattened array when ``axis`` is None), as NumPy's: the
    values take ``arr``'s dtype, and several positions each receive one slice of ``values``
    (positions are those of the original array). Differentiable in ``arr`` and ``values``.

    >>> from deepblocks import np
    >>> np.insert(np.array([[1, 1], [2, 2]], dtype='int32'), 1, 5, axis=1)
    array([[1, 5, 1],
           [2, 5, 2]], dtype=int32)
    >>> np.insert(np.arange(4), [1, 3], np.array([-1.0, -2.0]))
    array([ 0., -1.,  1.,  2., -2.,  3.])
    """
    np = _np()
    arr, axis = _flat_or_axis(np.asarray(arr), axis)
    n = arr.shape[axis]
    if isinstance(obj, slice):
        idx, is_array = _onp.arange(*obj.indices(n), dtype=_onp.int64), False
    else:
        idx, is_array = _host_index(obj, "insert")
        if idx.dtype == _onp.bool_:
            if idx.ndim != 1:
                raise ValueError("boolean array argument obj to insert must be one dimensional")
            idx = _onp.flatnonzero(idx)
        elif idx.ndim > 1:
            raise ValueError("index array argument obj to insert must be one dimensional or scalar")
    vals = _values_like(values, arr)
    if idx.size == 1:
        if idx.dtype.kind not in "iu":
            raise IndexError(f"index {obj} must be an integer to insert")
        index = int(idx.item())
        if index < -n or index > n:
            raise IndexError(f"index {obj} is out of bounds for axis {axis} with size {n}")
        index += n if index < 0 else 0
        if vals.ndim < arr.ndim:
            vals = vals.reshape((1,) * (arr.ndim - vals.ndim) + vals.shape)
        if idx.ndim == 0:
            # A scalar position inserts vals' first axis along `axis` (a[:, 1:2] = ... style).
            vals = np.moveaxis(vals, 0, axis)
        shape = list(arr.shape)
        shape[axis] = vals.shape[axis]
        vals = _fit(vals, shape)
        parts = [arr[_along(arr.ndim, axis, slice(None, index))], vals, arr[_along(arr.ndim, axis, slice(index, None))]]
        return np.concatenate(parts, axis=axis)
    if idx.size == 0 and not is_array:
        idx = idx.astype(_onp.int64)
    if idx.dtype.kind not in "iu":
        raise IndexError("arrays used as indices must be of integer (or boolean) type")
    idx = idx.astype(_onp.int64)
    # NumPy leaves positions outside [-n, n] to its fancy indexing (wrapping some of them
    # into odd results); here they are an IndexError, as a single position is.
    bad = (idx < -n) | (idx > n)
    if bad.any():
        raise IndexError(f"index {int(idx[bad][0])} is out of bounds for axis {axis} with size {n}")
    idx = _onp.where(idx < 0, idx + n, idx)
    k = idx.size
    # Output slot of each new slice: its position plus the new slices placed before it.
    order = _onp.argsort(idx, kind="stable")
    slots = idx.copy()
    slots[order] += _onp.arange(k)
    # The result gathers from concatenate([arr, values]) along the axis: old slices keep
    # their order in the slots no new slice takes.
    source = _onp.empty(n + k, dtype=_onp.int64)
    is_new = _onp.zeros(n + k, dtype=bool)
    is_new[slots] = True
    source[~is_new] = _onp.arange(n)
    source[slots] = n + _onp.arange(k)
    shape = list(arr.shape)
    shape[axis] = k
    vals = _fit(vals, shape)
    both = np.concatenate([arr, vals], axis=axis)
    return np.take(both, _positions(source, arr.ctx), axis=axis)


def delete(arr, obj, axis=None):
    """``arr`` without the entries at ``obj`` (an int, a slice, a sequence of ints or a
    boolean mask of the axis' length) along ``axis`` (of the flattened array when ``axis``
    is None). A new array, differentiable. Positions given as a ``deepblocks.np`` array
    follow MXNet (those outside ``0..n-1`` are skipped); a list or NumPy array follows
    NumPy (negative positions count from the end, out of range raises IndexError).

    >>> from deepblocks import np
    >>> np.delete(np.arange(6).reshape(2, 3), 1, axis=1)
    array([[0., 2.],
           [3., 5.]])
    """
    np = _np()
    arr, axis = _flat_or_axis(np.asarray(arr), axis)
    n = arr.shape[axis]
    keep = _onp.ones(n, dtype=bool)
    if isinstance(obj, slice):
        keep[obj] = False
    elif isinstance(obj, (int, _onp.integer)) and not isinstance(obj, (bool, _onp.bool_)):
        if obj < -n or obj >= n:
            raise IndexError(f"index {obj} is out of bounds for axis {axis} with size {n}")
        keep[obj] = False
    else:
        idx, is_array = _host_index(obj, "delete")
        if idx.size == 0 and not is_array:
            idx = idx.astype(_onp.int64)
        if idx.dtype == _onp.bool_:
            if idx.shape != (n,):
                raise ValueError("boolean array argument obj to delete must be one dimensional and match the "
                                 f"axis length of {n}")
            keep = ~idx
        elif idx.dtype.kind not in "iu":
            raise IndexError("arrays used as indices must be of integer (or boolean) type")
        elif type(obj) is np.ndarray:
            # An np array of positions: MXNet 1.9.1's rule (its own tests rely on it), which
            # skips positions outside 0..n-1, negative ones included.
            idx = idx.ravel()
            keep[idx[(idx >= 0) & (idx < n)]] = False
        else:
            # A list or a NumPy array: NumPy's rule (negative positions count from the end,
            # out of range is an IndexError).
            bad = (idx < -n) | (idx >= n)
            if bad.any():
                raise IndexError(f"index {int(idx[bad].ravel()[0])} is out of bounds for axis {axis} with size {n}")
            keep[idx.ravel()] = False
    return np.take(arr, _positions(_onp.flatnonzero(keep), arr.ctx), axis=axis)


def _split_at(name, ary, indices_or_sections, axis, min_ndim):
    ary = _np().asarray(ary)
    if ary.ndim < min_ndim:
        raise ValueError(f"{name} only works on arrays of {min_ndim} or more dimensions")
    return _np().split(ary, indices_or_sections, axis)


def hsplit(ary, indices_or_sections):
    """``split`` along the second axis (the first for 1-D arrays); views.

    >>> from deepblocks import np
    >>> [p.shape for p in np.hsplit(np.zeros((2, 4)), 2)]
    [(2, 2), (2, 2)]
    """
    ary = _np().asarray(ary)
    return _split_at("hsplit", ary, indices_or_sections, 1 if ary.ndim > 1 else 0, 1)


def vsplit(ary, indices_or_sections):
    """``split`` along the first axis of an array of 2 or more dimensions; views."""
    return _split_at("vsplit", ary, indices_or_sections, 0, 2)


def dsplit(ary, indices_or_sections):
    """``split`` along the third axis of an array of 3 or more dimensions; views."""
    return _split_at("dsplit", ary, indices_or_sections, 2, 3)


def _at_least(arys, fix):
    np = _np()
    out = [fix(a if isinstance(a, np.ndarray) else np.asarray(a)) for a in arys]
    return out[0] if len(out) == 1 else out


def atleast_1d(*arys):
    """Each input as an array of at least one dimension (0-d becomes shape ``(1,)``); the
    input itself when it already is one, else a view. One result for one input, else a list
    (as MXNet's).

    >>> from deepblocks import np
    >>> np.atleast_1d(np.array(1.0), np.array([2.0, 3.0]))
    [array([1.]), array([2., 3.])]
    """
    return _at_least(arys, lambda a: a.reshape(1) if a.ndim == 0 else a)


def atleast_2d(*arys):
    """Each input with at least two dimensions: a 1-D array of length n becomes ``(1, n)``."""
    return _at_least(arys, lambda a: a.reshape((1,) * (2 - a.ndim) + a.shape) if a.ndim < 2 else a)


def _to_3d(a):
    if a.ndim == 0:
        return a.reshape(1, 1, 1)
    if a.ndim == 1:
        return a.reshape(1, a.shape[0], 1)
    if a.ndim == 2:
        return a.reshape(a.shape + (1,))
    return a


def atleast_3d(*arys):
    """Each input with at least three dimensions: ``(n,)`` becomes ``(1, n, 1)`` and
    ``(m, n)`` becomes ``(m, n, 1)``, as NumPy's."""
    return _at_least(arys, _to_3d)


def _seq(name, tup):
    if isinstance(tup, _np().ndarray) or not hasattr(tup, "__iter__"):
        raise TypeError(f"{name}: arrays to stack must be passed as a sequence, not {type(tup).__name__}")
    return list(tup)


def dstack(tup):
    """Arrays joined along the third axis, after ``atleast_3d``.

    >>> from deepblocks import np
    >>> np.dstack([np.array([1.0, 2.0]), np.array([3.0, 4.0])])
    array([[[1., 3.],
            [2., 4.]]])
    """
    return _np().concatenate([_to_3d(_np().asarray(a)) for a in _seq("dstack", tup)], axis=2)


def column_stack(tup):
    """1-D arrays as the columns of a 2-D array (2-D arrays join as they are).

    >>> from deepblocks import np
    >>> np.column_stack([np.array([1.0, 2.0]), np.array([3.0, 4.0])])
    array([[1., 3.],
           [2., 4.]])
    """
    cols = []
    for a in _seq("column_stack", tup):
        a = _np().asarray(a)
        cols.append(a.reshape(a.size, 1) if a.ndim < 2 else a)
    return _np().concatenate(cols, axis=1)


def row_stack(arrays):
    """``vstack`` under its older name (MXNet keeps it)."""
    return _np().vstack(arrays)

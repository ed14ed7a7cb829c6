"""Operators on padded batches of sequences: ``npx.sequence_mask``, ``npx.sequence_last``,
``npx.sequence_reverse`` and ``npx.arange_like``.

Data is laid out ``(T, N, ...)`` (``axis=0``, time first) or ``(N, T, ...)`` (``axis=1``);
``sequence_length`` holds one length per sequence, of any dtype: float lengths are truncated
toward zero, as MXNet casts them. Each operator is a composition of engine operations (a
comparison with ``arange``, ``where``, a gather), so it is differentiable in ``data`` and
runs wherever ``data`` lives; the lengths get no gradient.

>>> from deepblocks import np, npx
>>> x = np.arange(6).reshape(3, 2)          # T=3 steps of N=2 sequences
>>> npx.sequence_mask(x, np.array([1, 2]), use_sequence_length=True, value=-1)
array([[ 0.,  1.],
       [-1.,  3.],
       [-1., -1.]])
>>> npx.sequence_last(x, np.array([1, 2]), use_sequence_length=True)
array([0., 3.])
>>> npx.sequence_reverse(x, np.array([1, 2]), use_sequence_length=True)
array([[0., 3.],
       [2., 1.],
       [4., 5.]])
"""

import numpy as _onp

from .. import _core
from .. import numpy as _np

__all__ = ["sequence_mask", "sequence_last", "sequence_reverse", "arange_like"]


def _check(name, data, sequence_length, use_sequence_length, axis):
    """``data`` as an array, after MXNet's checks: rank 2 or more, ``axis`` 0 or 1, and a
    length array of shape ``(batch,)`` exactly when ``use_sequence_length``."""
    data = _np.asarray(data)
    if data.ndim < 2:
        raise ValueError(f"{name}: data must have rank 2 or more (sequence and batch axes), got shape {data.shape}")
    if axis not in (0, 1) or isinstance(axis, bool):
        raise ValueError(f"{name}: axis must be 0 or 1 (the sequence axis; the other of the first two is the "
                         f"batch axis), got {axis!r} for data of shape {data.shape}")
    if use_sequence_length and sequence_length is None:
        raise ValueError(f"{name}: use_sequence_length=True needs a sequence_length array")
    if not use_sequence_length and sequence_length is not None:
        raise ValueError(f"{name}: sequence_length is given but use_sequence_length is False "
                         f"(pass use_sequence_length=True to use it)")
    if use_sequence_length:
        if not isinstance(sequence_length, _np.ndarray):
            raise TypeError(f"{name}: sequence_length must be an array, got {type(sequence_length).__name__}")
        batch = data.shape[1 - axis]
        if sequence_length.shape != (batch,):
            raise ValueError(f"{name}: sequence_length must have shape ({batch},) (one length per sequence of data "
                             f"shape {data.shape} with axis={axis}), got shape {sequence_length.shape}")
    return data


def _lengths(sequence_length):
    """The lengths as int64, truncated toward zero (MXNet's cast of float lengths)."""
    return _np.asarray(sequence_length).astype("int64")


def _time_by_batch(data, axis, values):
    """``values`` of shape ``(T, N)`` laid out to broadcast against ``data`` (time on ``axis``)."""
    if axis == 1:
        values = values.T
    return values.reshape(values.shape + (1,) * (data.ndim - 2))


def sequence_mask(data, sequence_length=None, use_sequence_length=False, value=0.0, axis=0):
    """``data`` with every step at or beyond its sequence's length set to ``value``.

    ``axis`` is the sequence axis (0 or 1); the other of the first two axes is the batch.
    Lengths beyond the sequence axis keep the whole sequence, lengths of 0 or less mask it
    all. ``value`` is cast to ``data``'s dtype. Masked steps get a zero gradient.

    >>> from deepblocks import np, npx
    >>> x = np.ones((2, 3))                 # N=2 sequences of T=3 steps (axis=1)
    >>> npx.sequence_mask(x, np.array([2, 0]), True, value=-1e6, axis=1)
    array([[ 1.e+00,  1.e+00, -1.e+06],
           [-1.e+06, -1.e+06, -1.e+06]])
    """
    data = _check("sequence_mask", data, sequence_length, use_sequence_length, axis)
    if not use_sequence_length:
        return data.copy()
    steps = data.shape[axis]
    keep = _np.arange(steps, dtype="int64", ctx=data.ctx).reshape(steps, 1) < _lengths(sequence_length)
    # The fill value in data's dtype from the host (C-style cast: -2.7 -> -2, -1 -> 255 for uint8).
    with _onp.errstate(invalid="ignore", over="ignore"):
        fill = _onp.asarray(value, dtype="float64").astype(_onp.dtype(data.dtype))
    return _core.where_(_time_by_batch(data, axis, keep), data, _np.array(fill, ctx=data.ctx))


def sequence_last(data, sequence_length=None, use_sequence_length=False, axis=0):
    """The last valid step of each sequence: shape ``data.shape`` without ``axis``.

    Without lengths it is the last step along ``axis``. Lengths are clipped to
    ``[1, T]``: a length of 0 (or less) gives the first step, one beyond the axis the last
    (MXNet reads outside the array there).

    >>> from deepblocks import np, npx
    >>> x = np.arange(8).reshape(2, 4)       # N=2 sequences of T=4 steps
    >>> npx.sequence_last(x, np.array([2, 4]), True, axis=1)
    array([1., 7.])
    """
    data = _check("sequence_last", data, sequence_length, use_sequence_length, axis)
    steps = data.shape[axis]
    if steps == 0:
        raise ValueError(f"sequence_last: the sequence axis {axis} of data shape {data.shape} is empty")
    if not use_sequence_length:
        return data[(slice(None),) * axis + (steps - 1,)].copy()
    last = (_lengths(sequence_length) - 1).clip(0, steps - 1)
    seq = _np.arange(data.shape[1 - axis], dtype="int64", ctx=data.ctx)
    return data[last, seq] if axis == 0 else data[seq, last]


def sequence_reverse(data, sequence_length=None, use_sequence_length=False, axis=0):
    """Each sequence's first ``length`` steps in reverse order; the steps beyond stay put.

    Without lengths the whole ``axis`` is reversed. Lengths beyond the axis reverse the
    whole sequence, lengths of 0 or less leave it as it is. MXNet implements ``axis=0``
    only; ``axis=1`` works here too.

    >>> from deepblocks import np, npx
    >>> x = np.arange(8).reshape(2, 4)       # N=2 sequences of T=4 steps
    >>> npx.sequence_reverse(x, np.array([3, 0]), True, axis=1)
    array([[2., 1., 0., 3.],
           [4., 5., 6., 7.]])
    """
    data = _check("sequence_reverse", data, sequence_length, use_sequence_length, axis)
    if not use_sequence_length:
        return _core.flip(data, axis).copy()
    steps, batch = data.shape[axis], data.shape[1 - axis]
    t = _np.arange(steps, dtype="int64", ctx=data.ctx).reshape(steps, 1)
    n = _lengths(sequence_length).clip(0, steps)
    source = _core.where_(t < n, n - 1 - t, t)              # (T, N): the step each output step reads
    seq = _np.arange(batch, dtype="int64", ctx=data.ctx)
    if axis == 0:
        return data[source, seq]
    return data[seq.reshape(batch, 1), source.T]


def arange_like(data, start=0.0, step=1.0, repeat=1, ctx=None, axis=None):
    """Evenly spaced values shaped like ``data`` (or, with ``axis``, as long as that axis):
    ``start + (i // repeat) * step`` for the flat index ``i``, in ``data``'s dtype.

    As in MXNet the arithmetic is in ``data``'s dtype: ``start`` and ``step`` are cast to it
    first (0.5 becomes 0 for integers). No gradient flows to ``data``.

    >>> from deepblocks import np, npx
    >>> npx.arange_like(np.zeros((2, 3)), start=1.0, repeat=2)
    array([[1., 1., 2.],
           [2., 3., 3.]])
    >>> npx.arange_like(np.zeros((2, 3)), axis=-1)
    array([0., 1., 2.])
    """
    data = _np.asarray(data)
    dtype = _onp.dtype(data.dtype)
    if dtype == _onp.bool_:
        raise TypeError(f"arange_like: data of dtype bool is not supported (shape {data.shape})")
    if isinstance(repeat, bool) or not isinstance(repeat, (int, _onp.integer)) or repeat < 1:
        raise ValueError(f"arange_like: repeat must be an integer >= 1, got {repeat!r}")
    if axis is None:
        shape = data.shape
    else:
        if not -data.ndim <= axis < data.ndim:
            raise ValueError(f"arange_like: axis {axis} is out of range for data of shape {data.shape}")
        shape = (data.shape[axis],)
    size = 1
    for d in shape:
        size *= d
    ctx = data.ctx if ctx is None else ctx
    with _onp.errstate(invalid="ignore", over="ignore"):
        first, stride = (_onp.asarray(v, dtype="float64").astype(dtype) for v in (start, step))
    index = _np.arange(size, dtype="int64", ctx=ctx)
    if repeat > 1:
        index = index // int(repeat)
    out = _np.array(first, ctx=ctx) + index.astype(dtype) * _np.array(stride, ctx=ctx)
    return out.astype(dtype, copy=False).reshape(shape)

"""Index builders and in-place index writes, as NumPy's: ``tril_indices``, ``triu_indices``
(and their ``_from`` forms), ``diag_indices``, ``mask_indices``, ``ix_``, ``ravel_multi_index``,
and ``fill_diagonal``, ``put``, ``place``, ``putmask``, ``copyto``, ``put_along_axis``.

Index builders return int64 arrays on the current (or the input's) device. The positions an
in-place function writes are worked out from shapes and indices on the host, and the write is
an ordinary ``x[key] = values``: it goes through views to their base, and autograd records it
as the assignment it is (written entries get no gradient from the old values).

>>> from deepblocks import np
>>> np.triu_indices(3, 1)
(array([0, 0, 1], dtype=int64), array([1, 2, 2], dtype=int64))
>>> a = np.zeros((3, 3))
>>> np.fill_diagonal(a, 5.0); a
array([[5., 0., 0.],
       [0., 5., 0.],
       [0., 0., 5.]])
"""

import builtins as _builtins
import operator as _operator

import numpy as _onp

from . import array, asarray, ndarray, nonzero, ones, where
from ._axes import normalize_axis_tuple as _axis_tuple
from .index_tricks import resize

__all__ = ["tril_indices", "triu_indices", "tril_indices_from", "triu_indices_from", "diag_indices",
           "mask_indices", "ix_", "ravel_multi_index", "fill_diagonal", "put", "place", "putmask", "copyto",
           "put_along_axis"]


def _ints(host, ctx=None):
    """A host integer array as a deepblocks int64 array on ``ctx`` (the current device if None)."""
    return array(_onp.asarray(host, dtype=_onp.int64), dtype="int64", ctx=ctx)


def _host(x):
    return x.asnumpy() if isinstance(x, ndarray) else _onp.asarray(x)


def tril_indices(n, k=0, m=None):
    """Row and column indices of the lower triangle (on and below diagonal ``k``) of an
    ``n`` x ``m`` array.

    >>> from deepblocks import np
    >>> np.tril_indices(2)
    (array([0, 1, 1], dtype=int64), array([0, 0, 1], dtype=int64))
    """
    return tuple(_ints(i) for i in _onp.tril_indices(n, k, m))


def triu_indices(n, k=0, m=None):
    """Row and column indices of the upper triangle (on and above diagonal ``k``) of an
    ``n`` x ``m`` array.

    >>> from deepblocks import np
    >>> np.triu_indices(2)
    (array([0, 0, 1], dtype=int64), array([0, 1, 1], dtype=int64))
    """
    return tuple(_ints(i) for i in _onp.triu_indices(n, k, m))


def _from(arr, name):
    arr = asarray(arr)
    if arr.ndim != 2:
        raise ValueError(f"{name}: input array must be 2-d, got shape {arr.shape}")
    return arr


def tril_indices_from(arr, k=0):
    """``tril_indices`` for the shape of the 2-d ``arr``, on its device.

    >>> from deepblocks import np
    >>> np.tril_indices_from(np.ones((2, 3)), 1)[1]
    array([0, 1, 0, 1, 2], dtype=int64)
    """
    arr = _from(arr, "tril_indices_from")
    return tuple(_ints(i, arr.ctx) for i in _onp.tril_indices(arr.shape[0], k, arr.shape[1]))


def triu_indices_from(arr, k=0):
    """``triu_indices`` for the shape of the 2-d ``arr``, on its device.

    >>> from deepblocks import np
    >>> np.triu_indices_from(np.ones((2, 3)), 1)[1]
    array([1, 2, 2], dtype=int64)
    """
    arr = _from(arr, "triu_indices_from")
    return tuple(_ints(i, arr.ctx) for i in _onp.triu_indices(arr.shape[0], k, arr.shape[1]))


def diag_indices(n, ndim=2):
    """The indices of the main diagonal of an ``n`` x ... x ``n`` array of ``ndim`` axes.

    >>> from deepblocks import np
    >>> np.diag_indices(2, 3)[0]
    array([0, 1], dtype=int64)
    """
    idx = _ints(_onp.arange(_operator.index(n)))
    return (idx,) * ndim


def mask_indices(n, mask_func, k=0):
    """The indices where ``mask_func(ones((n, n)), k)`` is nonzero (``np.triu``, ``np.tril``...).

    >>> from deepblocks import np
    >>> np.mask_indices(2, np.triu)
    (array([0, 0, 1], dtype=int64), array([0, 1, 1], dtype=int64))
    """
    m = ones((n, n), dtype="int64")
    return nonzero(asarray(mask_func(m, k)) != 0)


def ix_(*args):
    """Open-mesh index arrays from 1-d sequences: the i-th has the i-th sequence along axis i
    and length 1 elsewhere. Boolean sequences become the positions of their True entries;
    integer lists stay integer (they index), other lists take MXNet's float32.

    >>> from deepblocks import np
    >>> [i.shape for i in np.ix_([0, 1], [2, 0, 1])]
    [(2, 1), (1, 3)]
    """
    out = []
    nd = len(args)
    for k, seq in enumerate(args):
        if isinstance(seq, ndarray):
            a = seq
        else:
            host = _onp.asarray(seq)
            if host.size == 0:
                host = host.astype(_onp.int64)
            elif host.dtype == _onp.float64:
                host = host.astype(_onp.float32)
            a = array(host, dtype=host.dtype)
        if a.ndim != 1:
            raise ValueError(f"ix_: cross index must be 1 dimensional, got shape {a.shape}")
        if a.dtype == _onp.bool_:
            a = nonzero(a)[0]
        out.append(a.reshape((1,) * k + (a.shape[0],) + (1,) * (nd - k - 1)))
    return tuple(out)


def ravel_multi_index(multi_index, dims, mode="raise", order="C"):
    """Flat indices into an array of shape ``dims`` of the coordinate arrays ``multi_index``.
    ``mode`` ('raise', 'wrap', 'clip', or one per axis) handles out-of-range coordinates.

    >>> from deepblocks import np
    >>> np.ravel_multi_index((np.array([1, 2], dtype='int64'), np.array([3, 0], dtype='int64')), (3, 4))
    array([7, 8], dtype=int64)
    """
    dims = (dims,) if isinstance(dims, int) else tuple(_operator.index(d) for d in dims)
    multi_index = tuple(multi_index)
    if len(multi_index) != len(dims):
        raise ValueError(f"ravel_multi_index: parameter multi_index must be a sequence of length {len(dims)}")
    if order not in ("C", "F"):
        raise ValueError(f"ravel_multi_index: order must be 'C' or 'F', got {order!r}")
    modes = (mode,) * len(dims) if isinstance(mode, str) else tuple(mode)
    if len(modes) != len(dims):
        raise ValueError(f"ravel_multi_index: mode must be a string or a sequence of {len(dims)} strings")
    scalar = not any(isinstance(c, ndarray) for c in multi_index) and all(_onp.ndim(c) == 0 for c in multi_index)
    coords = [c if isinstance(c, ndarray) else asarray(_onp.asarray(c)) for c in multi_index]
    for c in coords:
        if c.dtype.kind not in "iu":
            raise TypeError(f"ravel_multi_index: only int indices permitted, got {c.dtype}")
    strides = [1] * len(dims)
    order_axes = range(len(dims) - 2, -1, -1) if order == "C" else range(1, len(dims))
    for i in order_axes:
        j = i + 1 if order == "C" else i - 1
        strides[i] = strides[j] * dims[j]
    total = None
    for c, d, s, md in zip(coords, dims, strides, modes):
        c = c.astype("int64", copy=False)
        if md == "raise":
            if c.size and _builtins.bool(((c < 0) | (c >= d)).any()):
                raise ValueError("ravel_multi_index: invalid entry in coordinates array")
        elif md == "wrap":
            if d == 0:
                raise ValueError("ravel_multi_index: cannot wrap into an empty axis")
            c = c % d
        elif md == "clip":
            c = c.clip(0, max(d - 1, 0))
        else:
            raise ValueError(f"ravel_multi_index: clipmode must be one of 'clip', 'raise', or 'wrap', got {md!r}")
        term = c * s
        total = term if total is None else total + term
    if total is None:
        raise ValueError("ravel_multi_index: at least one coordinate array is needed")
    return int(total.item()) if scalar else total


def _write(a, coords, values):
    """``a[coords] = values`` (coords: host int arrays of one shape), skipped when empty."""
    if coords and coords[0].size == 0:
        return
    a[tuple(coords)] = values


def _flat_write(a, flat, values):
    """``a.flat[flat] = values`` (``flat``: host positions, ``values``: one per position)."""
    if flat.size == 0:
        return
    if a.ndim == 0:
        a[()] = values[-1]  # every position is the one element: the last write wins
        return
    _write(a, _onp.unravel_index(flat, a.shape), values)


def _cycled(values, n, like):
    """``values`` flattened and repeated (or cut) to ``n`` entries, as NumPy's flat writes do."""
    v = values if isinstance(values, ndarray) else asarray(values, ctx=like.ctx)
    return resize(v.reshape(-1), (n,))


def fill_diagonal(a, val, wrap=False):
    """Writes ``val`` (cycled if it is a sequence) into the main diagonal of ``a`` in place.
    For a tall 2-d ``a``, ``wrap=True`` restarts the diagonal every ``ncols + 1`` rows.

    >>> from deepblocks import np
    >>> a = np.zeros((2, 3)); np.fill_diagonal(a, [1.0, 2.0]); a
    array([[1., 0., 0.],
           [0., 2., 0.]])
    """
    if not isinstance(a, ndarray):
        raise TypeError(f"fill_diagonal: a must be a deepblocks ndarray, got {type(a).__name__}")
    if a.ndim < 2:
        raise ValueError("fill_diagonal: array must be at least 2-d")
    if a.ndim == 2:
        step = a.shape[1] + 1
        end = a.size if wrap else a.shape[1] * a.shape[1]
    else:
        if len(set(a.shape)) != 1:
            raise ValueError(f"fill_diagonal: all dimensions of input must be of equal length, got {a.shape}")
        step = 1 + int(_onp.cumprod(a.shape[:-1]).sum())
        end = a.size
    flat = _onp.arange(0, min(end, a.size), step)
    coords = _onp.unravel_index(flat, a.shape)
    if flat.size:
        _write(a, coords, _cycled(val, flat.size, a))


def _flat_positions(a, ind, mode, name):
    ind = _host(ind).reshape(-1)
    if ind.size and ind.dtype.kind not in "iu":
        if ind.dtype.kind == "f" and _onp.all(ind == _onp.trunc(ind)):
            ind = ind.astype(_onp.int64)
        else:
            raise TypeError(f"{name}: indices must be integers, got {ind.dtype}")
    ind = ind.astype(_onp.int64)
    n = a.size
    if mode == "raise":
        bad = (ind < -n) | (ind >= n)
        if bad.any():
            raise IndexError(f"{name}: index {int(ind[bad][0])} is out of bounds for axis 0 with size {n}")
        ind = ind % n if n else ind
    elif mode == "wrap":
        if n == 0 and ind.size:
            raise IndexError(f"{name}: cannot wrap indices into an empty array")
        ind = ind % n if n else ind
    elif mode == "clip":
        if n == 0 and ind.size:
            raise IndexError(f"{name}: cannot do a non-empty take from an empty array")
        ind = _onp.clip(ind, 0, n - 1) if n else ind
    else:
        raise ValueError(f"{name}: clipmode must be one of 'clip', 'raise', or 'wrap', got {mode!r}")
    return ind


def put(a, ind, v, mode="raise"):
    """Writes ``v`` (cycled) at the flat positions ``ind`` of ``a``, in place; ``mode``
    ('raise', 'wrap', 'clip') handles out-of-range positions. The last write to a position wins.

    >>> from deepblocks import np
    >>> a = np.zeros(4); np.put(a, [0, 2], [5.0, 6.0]); a
    array([5., 0., 6., 0.])
    """
    if not isinstance(a, ndarray):
        raise TypeError(f"put: argument 1 must be a deepblocks ndarray, not {type(a).__name__}")
    ind = _flat_positions(a, ind, mode, "put")
    if ind.size == 0:
        return
    vals = v if isinstance(v, ndarray) else asarray(v, ctx=a.ctx)
    if vals.size == 0:
        return
    _flat_write(a, ind, _cycled(vals, ind.size, a))


def _mask(a, mask, name):
    m = mask if isinstance(mask, ndarray) else array(_onp.asarray(mask, dtype=bool), dtype="bool", ctx=a.ctx)
    if m.size != a.size:
        raise ValueError(f"{name}: mask and data must be the same size, got {m.shape} and {a.shape}")
    return m.reshape(a.shape).astype("bool", copy=False)


def place(arr, mask, vals):
    """Writes the entries of ``vals`` (cycled) in turn into the positions of ``arr`` where
    ``mask`` is True, in place.

    >>> from deepblocks import np
    >>> a = np.zeros(4); np.place(a, np.array([True, False, True, True]), [1.0, 2.0]); a
    array([1., 0., 2., 1.])
    """
    if not isinstance(arr, ndarray):
        raise TypeError(f"place: argument 1 must be a deepblocks ndarray, not {type(arr).__name__}")
    m = _mask(arr, mask, "place")
    count = int(m.sum().item()) if m.size else 0
    vals = vals if isinstance(vals, ndarray) else asarray(vals, ctx=arr.ctx)
    if count == 0:
        return
    if vals.size == 0:
        raise ValueError("place: cannot insert from an empty array")
    _flat_write(arr, _onp.flatnonzero(m.asnumpy()), _cycled(vals, count, arr))


def putmask(a, mask, values):
    """Sets ``a[i] = values[i]`` wherever ``mask[i]``, in place, with ``values`` cycled over
    the whole of ``a`` (so each position takes the value at its own flat place).

    >>> from deepblocks import np
    >>> a = np.zeros(4); np.putmask(a, np.array([True, False, True, False]), [1.0, 2.0]); a
    array([1., 0., 1., 0.])
    """
    if not isinstance(a, ndarray):
        raise TypeError(f"putmask: argument 1 must be a deepblocks ndarray, not {type(a).__name__}")
    m = _mask(a, mask, "putmask")
    vals = values if isinstance(values, ndarray) else asarray(values, ctx=a.ctx)
    if a.size == 0 or vals.size == 0:
        return
    host_m = m.asnumpy()
    if not host_m.any():
        return
    flat = _onp.flatnonzero(host_m)
    _flat_write(a, flat, _cycled(vals, a.size, a)[_ints(flat, a.ctx)])


def _src_dtype(src):
    if isinstance(src, ndarray):
        return src.dtype
    if isinstance(src, (bool, int, float)):
        return None  # Python scalars are weak: their kind decides (NEP 50)
    return _onp.asarray(src).dtype


def copyto(dst, src, casting="same_kind", where=True):
    """Copies ``src`` (broadcast to ``dst``'s shape) into ``dst`` in place, where ``where`` is
    True; ``casting`` ('no', 'equiv', 'safe', 'same_kind', 'unsafe') limits the dtype change.

    >>> from deepblocks import np
    >>> a = np.zeros(3); np.copyto(a, np.array([1.0, 2.0, 3.0]), where=np.array([True, False, True])); a
    array([1., 0., 3.])
    """
    if not isinstance(dst, ndarray):
        raise TypeError(f"copyto: argument 1 must be a deepblocks ndarray, not {type(dst).__name__}")
    sd = _src_dtype(src)
    if sd is None:
        kind = "b" if isinstance(src, bool) else "i" if isinstance(src, int) else "f"
        ok = casting == "unsafe" or {"b": True, "i": dst.dtype.kind in "iuf", "f": dst.dtype.kind == "f"}[kind]
        if kind == "b" and casting in ("no", "equiv"):
            ok = dst.dtype.kind == "b"
        if not ok:
            raise TypeError(f"copyto: cannot cast scalar from {type(src).__name__} to {dst.dtype} "
                            f"according to the rule {casting!r}")
    elif not _onp.can_cast(sd, dst.dtype, casting):
        raise TypeError(f"copyto: cannot cast array data from dtype('{sd}') to dtype('{dst.dtype}') "
                        f"according to the rule {casting!r}")
    s = src if isinstance(src, ndarray) else asarray(src, ctx=dst.ctx) if sd is None else \
        array(_onp.asarray(src), dtype=sd, ctx=dst.ctx)
    try:
        _onp.broadcast_shapes(s.shape, dst.shape)
        if _onp.broadcast_shapes(s.shape, dst.shape) != dst.shape:
            raise ValueError
    except ValueError:
        raise ValueError(f"copyto: could not broadcast input array from shape {s.shape} into shape {dst.shape}") from None
    if where is True:
        if dst.size:
            dst[...] = s
        return
    w = where if isinstance(where, ndarray) else array(_onp.asarray(where, dtype=bool), dtype="bool", ctx=dst.ctx)
    if w.dtype != _onp.bool_:
        raise TypeError(f"copyto: where must be a boolean array, got {w.dtype}")
    if _onp.broadcast_shapes(w.shape, dst.shape) != dst.shape:
        raise ValueError(f"copyto: could not broadcast where mask from shape {w.shape} into shape {dst.shape}")
    if dst.size:
        dst[...] = _where_keep(w, s, dst)


def _where_keep(w, s, dst):
    return where(w, s.astype(dst.dtype), dst)


def put_along_axis(arr, indices, values, axis):
    """Writes ``values`` (broadcast to ``indices``' shape) at ``indices`` along ``axis`` of
    ``arr``, in place: the inverse of ``take_along_axis``. ``axis=None`` indexes ``arr``
    flattened.

    >>> from deepblocks import np
    >>> a = np.zeros((2, 3)); idx = np.array([[2], [0]], dtype='int64')
    >>> np.put_along_axis(a, idx, 7.0, axis=1); a
    array([[0., 0., 7.],
           [7., 0., 0.]])
    """
    if not isinstance(arr, ndarray):
        raise TypeError(f"put_along_axis: arr must be a deepblocks ndarray, not {type(arr).__name__}")
    idx = _host(indices)
    if idx.dtype.kind not in "iu":
        raise IndexError(f"put_along_axis: `indices` must be an integer array, got {idx.dtype}")
    if axis is None:
        if idx.ndim != 1:
            raise ValueError("put_along_axis: when axis=None, `indices` must have a single dimension")
        n = arr.size
        shape = (n,)
        axis = 0
    else:
        if idx.ndim != arr.ndim:
            raise ValueError(f"put_along_axis: `indices` and `arr` must have the same number of dimensions, "
                             f"got {idx.ndim} and {arr.ndim}")
        axis = _axis_tuple(axis, arr.ndim)[0]
        shape = arr.shape
    n = shape[axis]
    idx = idx.astype(_onp.int64)
    bad = (idx < -n) | (idx >= n)
    if bad.any():
        raise IndexError(f"put_along_axis: index {int(idx[bad][0])} is out of bounds for axis {axis} with size {n}")
    idx = idx % n if n else idx
    fancy = []
    nd = len(shape)
    for d in range(nd):
        if d == axis:
            fancy.append(idx)
        else:
            fancy.append(_onp.arange(shape[d]).reshape((1,) * d + (shape[d],) + (1,) * (nd - d - 1)))
    try:
        out_shape = _onp.broadcast_shapes(*[f.shape for f in fancy])
    except ValueError:
        raise ValueError(f"put_along_axis: `indices` of shape {idx.shape} do not broadcast against {shape}") from None
    fancy = [_onp.broadcast_to(f, out_shape).reshape(-1) for f in fancy]
    vals = values if isinstance(values, ndarray) else asarray(values, ctx=arr.ctx)
    if _onp.broadcast_shapes(vals.shape, out_shape) != out_shape:
        raise ValueError(f"put_along_axis: could not broadcast values of shape {vals.shape} to {out_shape}")
    if fancy[0].size == 0:
        return
    vals = vals.broadcast_to(out_shape).reshape(-1)
    if nd == 1 and arr.ndim != 1:
        _flat_write(arr, fancy[0], vals)
    else:
        _write(arr, fancy, vals)

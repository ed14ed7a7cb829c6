"""Whether arrays overlap in memory: ``shares_memory`` and ``may_share_memory``, as NumPy's.

Views of one deepblocks array share its storage; two arrays overlap when they share a
storage and some element of one is an element of the other. On the CPU the question goes
to NumPy's own solver over zero-copy host views; a GPU array's element offset comes from the
engine (``_offset``).

>>> from deepblocks import np
>>> x = np.arange(6)
>>> np.shares_memory(x[:3], x[3:]), np.shares_memory(x[::2], x[2:4])
(False, True)
>>> np.may_share_memory(x[:3], x[3:])
False
"""

import numpy as _onp

__all__ = ["shares_memory", "may_share_memory"]


class _HostView:
    """Exposes a CPU array's ``__array_interface__`` so NumPy views its memory (no copy)."""

    def __init__(self, a):
        self.__array_interface__ = a.__array_interface__


def _extent(a):
    """``(first, last)`` element offsets that ``a`` touches in its storage (None if empty)."""
    if a.size == 0:
        return None
    lo = hi = a._offset
    for n, s in zip(a.shape, a.strides):
        step = (n - 1) * (s // a.itemsize)
        lo, hi = (lo + step, hi) if step < 0 else (lo, hi + step)
    return lo * a.itemsize, (hi + 1) * a.itemsize


def _overlap(a, b, exact, max_work):
    from . import ndarray
    da, db = isinstance(a, ndarray), isinstance(b, ndarray)
    if not (da or db):
        fn = _onp.shares_memory if exact else _onp.may_share_memory
        return bool(fn(a, b) if max_work is None else fn(a, b, max_work))
    if da and db and a._storage_id != b._storage_id:
        return False
    on_host = all(x.ctx.device_type == "cpu" for x in (a, b) if isinstance(x, ndarray))
    if on_host:
        # A NumPy array may view a CPU deepblocks array too (np.asarray(x) does not copy).
        ha = _onp.asarray(_HostView(a)) if da else a
        hb = _onp.asarray(_HostView(b)) if db else b
        fn = _onp.shares_memory if exact else _onp.may_share_memory
        return bool(fn(ha, hb) if max_work is None else fn(ha, hb, max_work))
    if not (da and db):
        return False  # device memory is never a NumPy array's
    if not hasattr(a, "_offset"):
        return True  # an engine without `_offset`: the same storage is all that is known
    ea, eb = _extent(a), _extent(b)
    if ea is None or eb is None or ea[1] <= eb[0] or eb[1] <= ea[0]:
        return False
    if not exact:
        return True
    # Exact answer for device arrays (views of one storage have one dtype): common offsets.
    return bool(_onp.intersect1d(_element_offsets(a), _element_offsets(b)).size)


def _element_offsets(a):
    off = _onp.full((), a._offset, dtype=_onp.int64)
    for n, s in zip(a.shape, a.strides):
        off = off[..., None] + _onp.arange(n, dtype=_onp.int64) * (s // a.itemsize)
    return off.ravel()


def shares_memory(a, b, max_work=None):
    """True when ``a`` and ``b`` have an element in common in memory (views of one array
    that overlap). Arrays on different storages, or disjoint slices of one, do not."""
    return _overlap(a, b, True, max_work)


def may_share_memory(a, b, max_work=None):
    """True when the memory spans of ``a`` and ``b`` overlap (no exact element check, so
    interleaved views such as ``x[::2]`` and ``x[1::2]`` may share)."""
    return _overlap(a, b, False, max_work)

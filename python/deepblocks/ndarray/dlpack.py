"""MXNet 1.x's DLPack functions for legacy arrays: ``nd.to_dlpack_for_read``,
``nd.to_dlpack_for_write`` (a "dltensor" PyCapsule of the array's memory, no copy) and
``nd.from_dlpack`` (an ``NDArray`` sharing a capsule's memory; the capsule is then
"used_dltensor", as DLPack asks).

>>> from deepblocks import nd
>>> x = nd.array([1, 2, 3])
>>> capsule = nd.to_dlpack_for_write(x)
>>> y = nd.from_dlpack(capsule)
>>> y[0] = 5
>>> x.asnumpy()
array([5., 2., 3.], dtype=float32)
"""

from .. import _core

__all__ = ["to_dlpack_for_read", "to_dlpack_for_write", "from_dlpack"]


def to_dlpack_for_read(data):
    """A DLPack capsule ("dltensor") of ``data``'s memory, once pending writes are done."""
    return _core._to_dlpack(data)


def to_dlpack_for_write(data):
    """A DLPack capsule ("dltensor") of ``data``'s memory, which the consumer may write."""
    return _core._to_dlpack(data)


def from_dlpack(dlpack):
    """An ``NDArray`` sharing the memory of a DLPack capsule (or of an object with
    ``__dlpack__``); a 0-d tensor becomes shape ``(1,)``, as legacy arrays have no 0-d."""
    return _core._as_legacy(_core._from_dlpack(dlpack))

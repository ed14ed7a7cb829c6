"""``np.from_dlpack``: another library's array memory (NumPy, PyTorch, anything with
``__dlpack__``, or a DLPack capsule) as a deepblocks array, without a copy. The other way,
``numpy.from_dlpack(x)`` and ``torch.from_dlpack(x)`` read a deepblocks array in place through
``x.__dlpack__()``.

>>> import numpy
>>> from deepblocks import np
>>> a = numpy.arange(4.0)
>>> x = np.from_dlpack(a)
>>> x[0] = 7.0              # writes a's memory
>>> a
array([7., 1., 2., 3.])
"""

from .. import _core

__all__ = ["from_dlpack"]


def from_dlpack(x, /, *, device=None, copy=None):
    """A deepblocks array sharing the memory of ``x`` (an object with ``__dlpack__`` or a
    DLPack capsule). Host memory only (a GPU tensor must be copied to the host first); bool,
    uint8, int32, int64, float32 and float64. Read-only or misaligned exports are copied;
    ``copy=True`` always copies, and ``device`` moves the result there (a copy).

    >>> import numpy
    >>> from deepblocks import np
    >>> x = np.from_dlpack(numpy.array([[1, 2], [3, 4]], dtype="int32"))
    >>> x.dtype, x.shape
    (dtype('int32'), (2, 2))
    """
    r = _core._from_dlpack(x)
    if copy:
        r = r.copy()
    if device is not None and device != "cpu":
        r = _core.array(r, None, None, device, False)
    return r

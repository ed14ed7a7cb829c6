"""Getting legacy arrays from host memory: ``nd.from_numpy`` (a NumPy array, keeping its
dtype) and ``nd.load_frombuffer`` (the bytes of a file written by ``nd.save``, deepblocks' or
MXNet's, without a file of one's own).

``load_frombuffer`` hands the bytes to the same parsers as ``nd.load``: MXNet's binary
NDArray-list format or safetensors, both of which hold only shapes, dtypes, names and raw
numbers, so loading never runs code.

>>> import numpy
>>> from deepblocks import nd
>>> nd.from_numpy(numpy.arange(3.0), zero_copy=False)
<BLANKLINE>
[0. 1. 2.]
<NDArray 3 @cpu(0)>
"""

import os
import tempfile

import numpy as _onp

from .. import _core
from .ops import OperatorError as _OperatorError
from .ops import load as _load

__all__ = ["from_numpy", "load_frombuffer"]

_DTYPES = frozenset(_onp.dtype(d) for d in ("bool", "uint8", "int32", "int64", "float32", "float64"))


def from_numpy(ndarray, zero_copy=True, array_cls=None):
    """An NDArray with the values, shape and dtype of the NumPy array ``ndarray``.

    deepblocks always copies the data. With ``zero_copy=True`` (MXNet's default, where the
    new array *takes over* the NumPy buffer) the source must be C-contiguous and is made
    read-only, as in MXNet, so code written for MXNet sees the same rules; with
    ``zero_copy=False`` the source is left alone.

    >>> import numpy
    >>> from deepblocks import nd
    >>> a = numpy.ones((2, 2), dtype='int32')
    >>> x = nd.from_numpy(a)
    >>> x.dtype, a.flags.writeable
    (<class 'numpy.int32'>, False)
    """
    if not isinstance(ndarray, _onp.ndarray):
        raise TypeError(f"from_numpy: expected a numpy.ndarray, got {type(ndarray).__name__}")
    if ndarray.dtype not in _DTYPES:
        raise TypeError(f"from_numpy: dtype {ndarray.dtype} is not supported "
                        "(bool, uint8, int32, int64, float32, float64)")
    if zero_copy and not ndarray.flags.c_contiguous:
        raise ValueError("from_numpy: only C-contiguous arrays are supported for zero_copy=True "
                         "(pass zero_copy=False or numpy.ascontiguousarray(a))")
    made = _core.array(ndarray, ndarray.dtype.name, None, None, True, legacy=True)
    if zero_copy:
        ndarray.flags.writeable = False
    return made if array_cls is None else array_cls(made)


def load_frombuffer(buf):
    """What ``nd.load`` gives for a file holding the bytes ``buf``: a list or a dict of
    NDArrays. ``buf`` holds what ``nd.save`` wrote (deepblocks' safetensors) or MXNet's
    ``mx.nd.save`` / ``save_parameters`` bytes.

    >>> import os, tempfile
    >>> from deepblocks import nd
    >>> path = os.path.join(tempfile.mkdtemp(), 'x')
    >>> nd.save(path, {'w': nd.ones(2)})
    >>> nd.load_frombuffer(open(path, 'rb').read())['w'].asnumpy()
    array([1., 1.], dtype=float32)
    """
    if not isinstance(buf, (bytes, bytearray, memoryview)):
        raise TypeError(f"load_frombuffer: buf must be bytes, got {type(buf).__name__}")
    # The parsers read regular files; a private temporary file (removed at once) gives them one.
    fd, path = tempfile.mkstemp(prefix="deepblocks-buffer-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(buf)
        try:
            return _load(path)
        except (_core.MXNetError, ValueError, OSError) as e:
            raise _OperatorError(f"load_frombuffer: the {len(buf)} bytes are not an nd.save file ({e})".replace(
                path, "<buffer>")) from None
    finally:
        os.unlink(path)

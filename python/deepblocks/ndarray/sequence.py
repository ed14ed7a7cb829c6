"""The legacy ``nd`` names of the sequence operators, with MXNet 1.9's signatures:
``nd.SequenceMask``, ``nd.SequenceLast`` and ``nd.SequenceReverse`` (see
``npx.sequence_mask``, ``npx.sequence_last`` and ``npx.sequence_reverse``). Each answers an
NDArray and honours ``out=``.

>>> from deepblocks import nd
>>> x = nd.array([[1, 2], [3, 4], [5, 6]])          # T=3 steps of N=2 sequences
>>> nd.SequenceMask(x, nd.array([1, 3]), use_sequence_length=True).asnumpy()
array([[1., 2.],
       [0., 4.],
       [0., 6.]], dtype=float32)
>>> nd.SequenceLast(x, nd.array([1, 3]), use_sequence_length=True).asnumpy()
array([1., 6.], dtype=float32)
>>> nd.SequenceReverse(x).asnumpy()
array([[5., 6.],
       [3., 4.],
       [1., 2.]], dtype=float32)
"""

from .. import numpy_extension as _npx
from .ndarray import _nd
from .ops import _write

__all__ = ["SequenceMask", "SequenceLast", "SequenceReverse"]


def SequenceMask(data=None, sequence_length=None, use_sequence_length=False, value=0.0, axis=0, out=None):
    """MXNet's ``SequenceMask``: the steps at or beyond each sequence's length set to ``value``."""
    return _write(_nd(_npx.sequence_mask(_nd(data), sequence_length, use_sequence_length, value, axis)), out)


def SequenceLast(data=None, sequence_length=None, use_sequence_length=False, axis=0, out=None):
    """MXNet's ``SequenceLast``: the last valid step of each sequence."""
    return _write(_nd(_npx.sequence_last(_nd(data), sequence_length, use_sequence_length, axis)), out)


def SequenceReverse(data=None, sequence_length=None, use_sequence_length=False, axis=0, out=None):
    """MXNet's ``SequenceReverse``: each sequence's first ``length`` steps reversed."""
    return _write(_nd(_npx.sequence_reverse(_nd(data), sequence_length, use_sequence_length, axis)), out)

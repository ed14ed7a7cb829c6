"""Window functions for signal processing: ``hanning``, ``hamming`` and ``blackman``, as
NumPy's, with MXNet's float32 default and ``ctx``.

The weights depend only on ``M``, so they are computed once on the host in float64 and
placed on the requested device in the requested dtype.

>>> from deepblocks import np
>>> np.hanning(5)
array([0. , 0.5, 1. , 0.5, 0. ])
>>> np.hamming(1)
array([1.])
"""

import numpy as _onp

from .. import _core

__all__ = ["hanning", "hamming", "blackman"]


def _window(name, M, dtype, ctx, device, weights):
    if isinstance(M, _onp.ndarray) or isinstance(M, _core.ndarray) or isinstance(M, bool):
        raise TypeError(f"{name}: M must be an integer, got {type(M).__name__}")
    M = int(M)
    if M < 1:
        host = _onp.zeros(0)
    elif M == 1:
        host = _onp.ones(1)
    else:
        n = _onp.arange(M, dtype=_onp.float64)
        host = weights(2.0 * _onp.pi * n / (M - 1))
    return _core.array(host, "float32" if dtype is None else dtype, ctx, device, True)


def hanning(M, dtype=None, ctx=None, device=None):
    """The Hann window of ``M`` points, ``0.5 - 0.5 cos(2 pi n / (M - 1))``.

    >>> from deepblocks import np
    >>> np.hanning(3, dtype='float64')
    array([0., 1., 0.], dtype=float64)
    """
    return _window("hanning", M, dtype, ctx, device, lambda t: 0.5 - 0.5 * _onp.cos(t))


def hamming(M, dtype=None, ctx=None, device=None):
    """The Hamming window of ``M`` points, ``0.54 - 0.46 cos(2 pi n / (M - 1))``.

    >>> from deepblocks import np
    >>> np.hamming(3)
    array([0.08, 1.  , 0.08])
    """
    return _window("hamming", M, dtype, ctx, device, lambda t: 0.54 - 0.46 * _onp.cos(t))


def blackman(M, dtype=None, ctx=None, device=None):
    """The Blackman window of ``M`` points, ``0.42 - 0.5 cos(t) + 0.08 cos(2t)``.

    >>> from deepblocks import np
    >>> np.blackman(3).shape
    (3,)
    """
    return _window("blackman", M, dtype, ctx, device,
                   lambda t: 0.42 - 0.5 * _onp.cos(t) + 0.08 * _onp.cos(2 * t))

"""``polyval``: a polynomial evaluated by Horner's rule, made of engine operations (so it is
differentiable in both the coefficients and the points).

>>> from deepblocks import np
>>> np.polyval(np.array([1.0, 2.0, 3.0]), np.array([2.0]))
array([11.])
"""

from .. import _core

__all__ = ["polyval"]


def polyval(p, x):
    """``p[0] * x**(n-1) + ... + p[n-1]`` for the 1-D coefficients ``p``, highest power first.

    >>> from deepblocks import np
    >>> float(np.polyval(np.array([3.0, 0.0, 1.0]), 5.0))
    76.0
    """
    p = _core.array(p, None, None, None, False)
    if p.ndim != 1:
        raise ValueError(f"polyval: p must be 1-D, got shape {p.shape}")
    x = _core.array(x, None, p.ctx, None, False)
    y = x * 0
    for i in range(p.shape[0]):
        y = y * x + p[i]
    return y

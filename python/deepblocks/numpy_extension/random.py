"""``npx.random``: the seed shared with ``np.random``."""

from ..numpy.random import seed

__all__ = ["seed"]

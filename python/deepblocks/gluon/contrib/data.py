"""``gluon.contrib.data``: ``IntervalSampler``.

>>> list(IntervalSampler(10, 3))
[0, 3, 6, 9, 1, 4, 7, 2, 5, 8]
>>> list(IntervalSampler(10, 3, rollover=False))
[0, 3, 6, 9]
"""

from ..data.sampler import Sampler

__all__ = ["IntervalSampler"]


class IntervalSampler(Sampler):
    """``0, interval, 2*interval, ...`` below ``length``; with ``rollover`` the walk then starts
    again at 1, 2, ... until every index was visited once."""

    def __init__(self, length, interval, rollover=True):
        if not 0 < interval <= length:
            raise ValueError(f"IntervalSampler: interval {interval} must be in (0, length={length}]")
        self._length = length
        self._interval = interval
        self._rollover = rollover

    def __iter__(self):
        for start in range(self._interval if self._rollover else 1):
            yield from range(start, self._length, self._interval)

    def __len__(self):
        return self._length if self._rollover else len(range(0, self._length, self._interval))

"""Samplers: the order in which a DataLoader visits a dataset, and its batches."""

import numpy as _onp

from ...numpy import random as _random

__all__ = ["Sampler", "SequentialSampler", "RandomSampler", "FilterSampler", "BatchSampler"]


class Sampler:
    """Iterates over indices of a dataset."""

    def __iter__(self):
        raise NotImplementedError

    def __len__(self):
        raise NotImplementedError


class SequentialSampler(Sampler):
    """``start, start + 1, ..., start + length - 1``."""

    def __init__(self, length, start=0):
        self._length = length
        self._start = start

    def __iter__(self):
        return iter(range(self._start, self._start + self._length))

    def __len__(self):
        return self._length


class RandomSampler(Sampler):
    """A random permutation of ``range(length)``, new at each pass. It draws from
    deepblocks' generator, so ``np.random.seed`` makes it repeatable."""

    def __init__(self, length):
        self._length = length

    def __iter__(self):
        perm = _random.permutation(self._length) if self._length else _onp.zeros(0, "int64")
        return iter(int(i) for i in _onp.asarray(perm))

    def __len__(self):
        return self._length


class FilterSampler(Sampler):
    """The indices of the samples of ``dataset`` for which ``fn(sample)`` is true, in order
    (the dataset is scanned once, at construction).

    >>> list(FilterSampler(lambda x: x % 3 == 0, list(range(10))))
    [0, 3, 6, 9]
    """

    def __init__(self, fn, dataset):
        self._indices = [i for i, sample in enumerate(dataset) if fn(sample)]

    def __iter__(self):
        return iter(self._indices)

    def __len__(self):
        return len(self._indices)


class BatchSampler(Sampler):
    """Groups a sampler's indices into lists of ``batch_size``. The last, shorter batch is
    kept (``'keep'``), dropped (``'discard'``), or completed with the first indices of the
    next pass (``'rollover'``: the leftover starts the next epoch)."""

    def __init__(self, sampler, batch_size, last_batch="keep"):
        if last_batch not in ("keep", "discard", "rollover"):
            raise ValueError(f"last_batch must be 'keep', 'discard' or 'rollover', got {last_batch!r}")
        if not isinstance(batch_size, (int, _onp.integer)) or batch_size <= 0:
            raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}")
        self._sampler = sampler
        self._batch_size = int(batch_size)
        self._last_batch = last_batch
        self._prev = []

    def __iter__(self):
        batch, self._prev = self._prev, []
        for i in self._sampler:
            batch.append(i)
            if len(batch) == self._batch_size:
                yield batch
                batch = []
        if batch:
            if self._last_batch == "keep":
                yield batch
            elif self._last_batch == "rollover":
                self._prev = batch

    def __len__(self):
        n = len(self._sampler)
        if self._last_batch == "keep":
            return (n + self._batch_size - 1) // self._batch_size
        if self._last_batch == "discard":
            return n // self._batch_size
        return (len(self._prev) + n) // self._batch_size

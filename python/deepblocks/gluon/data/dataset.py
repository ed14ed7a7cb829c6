"""Datasets: anything with ``__getitem__`` and ``__len__``, plus MXNet's lazy transforms."""

from ... import _core

__all__ = ["Dataset", "SimpleDataset", "ArrayDataset"]


class Dataset:
    """The dataset interface: ``__getitem__(idx)`` and ``__len__()``."""

    def __getitem__(self, idx):
        raise NotImplementedError

    def __len__(self):
        raise NotImplementedError

    def filter(self, fn):
        """The samples for which ``fn(sample)`` is true, as a new dataset."""
        return SimpleDataset([s for s in self if fn(s)])

    def shard(self, num_shards, index):
        """Part ``index`` of ``num_shards`` contiguous parts (the first ones one longer)."""
        if not 0 <= index < num_shards:
            raise ValueError(f"shard index {index} out of range for {num_shards} shards")
        n = len(self)
        size, extra = divmod(n, num_shards)
        start = index * size + min(index, extra)
        stop = start + size + (1 if index < extra else 0)
        return SimpleDataset([self[i] for i in range(start, stop)])

    def take(self, count):
        """The first ``count`` samples (all when ``count`` is None)."""
        n = len(self) if count is None else min(count, len(self))
        return SimpleDataset([self[i] for i in range(n)])

    def sample(self, sampler):
        """The samples at the indices ``sampler`` yields, as a new dataset (read on access).

        >>> from deepblocks.gluon.data import FilterSampler, SimpleDataset
        >>> ds = SimpleDataset(list(range(10)))
        >>> odd = ds.sample(FilterSampler(lambda x: x % 2 == 1, ds))
        >>> len(odd), odd[1]
        (5, 3)
        """
        from .sampler import Sampler
        if not isinstance(sampler, Sampler):
            raise TypeError(f"Invalid sampler type: {type(sampler)}. Expected gluon.data.Sampler instead.")
        return _SampledDataset(self, list(sampler))

    def transform(self, fn, lazy=True):
        """A dataset of ``fn(*sample)`` (``fn(sample)`` for single samples), computed on access
        (``lazy``) or now."""
        t = _LazyTransformDataset(self, fn)
        return t if lazy else SimpleDataset([t[i] for i in range(len(t))])

    def transform_first(self, fn, lazy=True):
        """Like ``transform``, applying ``fn`` to the first element of each sample only."""
        return self.transform(_TransformFirst(fn), lazy)

    def __iter__(self):
        for i in range(len(self)):
            yield self[i]


class SimpleDataset(Dataset):
    """A dataset over any indexable sequence (a list, an array)."""

    def __init__(self, data):
        self._data = data

    def __len__(self):
        return len(self._data)

    def __getitem__(self, idx):
        return self._data[idx]


class _LazyTransformDataset(Dataset):
    def __init__(self, data, fn):
        self._data = data
        self._fn = fn

    def __len__(self):
        return len(self._data)

    def __getitem__(self, idx):
        item = self._data[idx]
        if isinstance(item, tuple):
            return self._fn(*item)
        return self._fn(item)


class _TransformFirst:
    """``fn`` applied to the first element (a class, so that it pickles for workers)."""

    def __init__(self, fn):
        self._fn = fn

    def __call__(self, x, *args):
        if args:
            return (self._fn(x),) + args
        return self._fn(x)


class ArrayDataset(Dataset):
    """Samples drawn from several arrays of one length: ``ds[i]`` is
    ``(a[i], b[i], ...)``, or ``a[i]`` for a single array. As in MXNet, a 1-D deepblocks
    array is kept as a NumPy array, so its items are NumPy scalars.

    >>> from deepblocks import np
    >>> from deepblocks.gluon.data import ArrayDataset
    >>> ds = ArrayDataset(np.array([[0.0, 1.0], [2.0, 3.0]]), np.array([0.0, 1.0]))
    >>> ds[0]
    (array([0., 1.]), np.float32(0.0))
    """

    def __init__(self, *args):
        if not args:
            raise ValueError("ArrayDataset needs at least one array")
        self._length = len(args[0])
        self._data = []
        for i, data in enumerate(args):
            if len(data) != self._length:
                raise ValueError(
                    f"ArrayDataset: all arrays must have the same length; array 0 has {self._length} "
                    f"elements and array {i} has {len(data)}")
            if isinstance(data, _core.ndarray) and data.ndim == 1:
                data = data.asnumpy()
            self._data.append(data)

    def __getitem__(self, idx):
        if len(self._data) == 1:
            return self._data[0][idx]
        return tuple(data[idx] for data in self._data)

    def __len__(self):
        return self._length


class _SampledDataset(Dataset):
    """The samples of ``dataset`` at ``indices``."""

    def __init__(self, dataset, indices):
        self._dataset = dataset
        self._indices = indices

    def __len__(self):
        return len(self._indices)

    def __getitem__(self, idx):
        return self._dataset[self._indices[idx]]

"""``gluon.data``: datasets, samplers and the DataLoader, as in MXNet 1.9.

>>> from deepblocks import np, npx
>>> from deepblocks.gluon import data
>>> npx.set_np()   # batches of numbers are numpy-mode arrays (legacy NDArrays without it)
>>> ds = data.ArrayDataset(np.arange(10).reshape(5, 2), np.arange(5))
>>> loader = data.DataLoader(ds, batch_size=2, last_batch="discard")
>>> len(loader)
2
>>> X, y = next(iter(loader))
>>> X
array([[0., 1.],
       [2., 3.]])
>>> y
array([0., 1.])
"""

from .dataloader import DataLoader, default_batchify_fn
from .dataset import ArrayDataset, Dataset, SimpleDataset
from .sampler import BatchSampler, FilterSampler, RandomSampler, Sampler, SequentialSampler

__all__ = [
    "Dataset", "SimpleDataset", "ArrayDataset", "Sampler", "SequentialSampler", "RandomSampler",
    "FilterSampler", "BatchSampler", "DataLoader", "default_batchify_fn", "vision", "text",
]


def __getattr__(name):
    # ``vision`` is imported on first use: its transforms are Blocks, which ``import deepblocks``
    # need not load. ``text`` (the shipped corpus) likewise.
    if name in ("vision", "text"):
        import importlib

        return importlib.import_module("." + name, __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

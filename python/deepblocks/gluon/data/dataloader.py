"""The DataLoader: batches of a dataset, in order or shuffled, optionally built by worker
processes (forked; the engine's thread pool is rebuilt in each child, so they never hang)."""

import numpy as _onp

from ... import _core, ndarray as _nd
from ... import numpy as _np
from ...util import is_np_array
from .sampler import BatchSampler, RandomSampler, SequentialSampler

__all__ = ["DataLoader", "default_batchify_fn"]


def default_batchify_fn(data):
    """Stacks a list of samples into a batch: arrays are stacked along a new first axis,
    tuples are batched element by element (giving a list), numbers and NumPy arrays become
    an array of their NumPy dtype (numpy-mode after ``npx.set_np()``, else ``nd.NDArray``)."""
    first = data[0]
    if isinstance(first, _nd.NDArray):
        return _nd.stack(*data)
    if isinstance(first, _core.ndarray):
        return _np.stack(data)
    if isinstance(first, tuple):
        return [default_batchify_fn(list(column)) for column in zip(*data)]
    host = _onp.asarray(data)
    # MXNet's rule: numpy-mode arrays after npx.set_np(), legacy NDArrays otherwise.
    if is_np_array():
        return _np.array(host, dtype=host.dtype)
    return _nd.array(host, dtype=host.dtype)


# ---- worker processes: arrays cross the process boundary as NumPy arrays ------------------------

_worker_state = {}


class _Host:
    """A deepblocks array on its way between processes."""

    __slots__ = ("value", "legacy")

    def __init__(self, value, legacy):
        self.value = value
        self.legacy = legacy


def _to_host(x):
    if isinstance(x, _core.ndarray):
        return _Host(x.asnumpy(), isinstance(x, _nd.NDArray))
    if isinstance(x, (list, tuple)):
        return type(x)(_to_host(v) for v in x)
    if isinstance(x, dict):
        return {k: _to_host(v) for k, v in x.items()}
    return x


def _from_host(x):
    if isinstance(x, _Host):
        return _nd.array(x.value, dtype=x.value.dtype) if x.legacy else _np.array(x.value, dtype=x.value.dtype)
    if isinstance(x, (list, tuple)):
        return type(x)(_from_host(v) for v in x)
    if isinstance(x, dict):
        return {k: _from_host(v) for k, v in x.items()}
    return x


def _worker_init(dataset, batchify_fn, np_mode):
    from ... import util

    (util.set_np if np_mode else util.reset_np)()
    _worker_state["dataset"] = dataset
    _worker_state["batchify_fn"] = batchify_fn


def _worker_batch(indices):
    ds = _worker_state["dataset"]
    return _to_host(_worker_state["batchify_fn"]([ds[i] for i in indices]))


class DataLoader:
    """Loads a dataset in mini-batches.

    ``batch_size`` with ``shuffle`` and ``last_batch`` ('keep', 'discard', 'rollover'), or a
    ``sampler`` / ``batch_sampler`` of your own; ``batchify_fn`` turns a list of samples
    into a batch (``default_batchify_fn``). With ``num_workers > 0`` batches are built in
    that many forked processes (``thread_pool=True``: threads) and arrive in order; workers
    run ahead as far as they can. ``pin_memory``, ``prefetch`` and ``auto_reload`` are
    accepted for compatibility and have no effect on the CPU.
    """

    def __init__(self, dataset, batch_size=None, shuffle=False, sampler=None, last_batch=None,
                 batch_sampler=None, batchify_fn=None, num_workers=0, pin_memory=False,
                 pin_device_id=0, prefetch=None, thread_pool=False, timeout=120, auto_reload=False):
        self._dataset = dataset
        self._timeout = timeout
        if batch_sampler is None:
            if batch_size is None:
                raise ValueError("batch_size must be specified unless batch_sampler is specified")
            if sampler is None:
                sampler = RandomSampler(len(dataset)) if shuffle else SequentialSampler(len(dataset))
            elif shuffle:
                raise ValueError("shuffle must not be specified if sampler is specified")
            batch_sampler = BatchSampler(sampler, batch_size, last_batch if last_batch else "keep")
        elif batch_size is not None or shuffle or sampler is not None or last_batch is not None:
            raise ValueError("batch_size, shuffle, sampler and last_batch must not be specified if "
                             "batch_sampler is specified.")
        self._batch_sampler = batch_sampler
        self._num_workers = max(0, int(num_workers))
        self._thread_pool = thread_pool
        self._batchify_fn = default_batchify_fn if batchify_fn is None else batchify_fn

    def __len__(self):
        return len(self._batch_sampler)

    def __iter__(self):
        if self._num_workers == 0:
            for indices in self._batch_sampler:
                yield self._batchify_fn([self._dataset[i] for i in indices])
            return
        if self._thread_pool:
            yield from self._iter_threads()
        else:
            yield from self._iter_processes()

    def _iter_threads(self):
        import multiprocessing.pool as _mp_pool  # here, not at import: it is slow to import

        ds, fn = self._dataset, self._batchify_fn
        with _mp_pool.ThreadPool(self._num_workers) as pool:
            yield from pool.imap(lambda idx: fn([ds[i] for i in idx]), self._batch_sampler)

    def _iter_processes(self):
        import multiprocessing as _mp

        ctx = _mp.get_context("fork")
        with ctx.Pool(self._num_workers, initializer=_worker_init,
                      initargs=(self._dataset, self._batchify_fn, is_np_array())) as pool:
            results = pool.imap(_worker_batch, self._batch_sampler, chunksize=1)
            while True:
                try:
                    batch = results.next(self._timeout)
                except StopIteration:
                    return
                except _mp.TimeoutError:
                    raise _core.MXNetError(
                        f"DataLoader: no batch from the {self._num_workers} workers within "
                        f"{self._timeout} s") from None
                yield _from_host(batch)

"""The DataLoader: batches of a dataset, in order or shuffled, optionally built by worker
processes (forked; the engine's thread pool is rebuilt in each child, so they never hang)."""

import numpy as _onp

from ... import _core, ndarray as _nd
from ... import numpy as _np
from ...ndarray.ndarray import _is_legacy
from ...util import is_np_array
from .sampler import BatchSampler, RandomSampler, SequentialSampler

__all__ = ["DataLoader", "default_batchify_fn"]


def default_batchify_fn(data):
    """Stacks a list of samples into a batch: arrays are stacked along a new first axis,
    tuples are batched element by element (giving a list), numbers and NumPy arrays become
    an array of their NumPy dtype (numpy-mode after ``npx.set_np()``, else ``nd.NDArray``)."""
    first = data[0]
    if _is_legacy(first):
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


class _Host:
    """A deepblocks array on its way between processes."""

    __slots__ = ("value", "legacy")

    def __init__(self, value, legacy):
        self.value = value
        self.legacy = legacy


def _to_host(x):
    if isinstance(x, _core.ndarray):
        return _Host(x.asnumpy(), _is_legacy(x))
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


def _worker_loop(conn, inherited, dataset, batchify_fn, np_mode):
    """A worker process: receives ``(number, indices)``, answers ``(number, ok, batch)`` on
    its own pipe until it receives None or the pipe closes."""
    from ... import util

    # The loader's ends of the pipes forked into this process: closed, so that when the
    # loader closes its end, this worker (and no other) sees the pipe close.
    for end in inherited:
        end.close()
    (util.set_np if np_mode else util.reset_np)()
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            return
        if msg is None:
            return
        number, indices = msg
        try:
            reply = (number, True, _to_host(batchify_fn([dataset[i] for i in indices])))
        except Exception as err:  # noqa: BLE001  (any error of the user's dataset goes back)
            reply = (number, False, _picklable(err))
        try:
            conn.send(reply)
        except (BrokenPipeError, EOFError, OSError):
            return  # the loader was closed while this batch was on its way
        except Exception as err:  # noqa: BLE001  (a batch pickle cannot write; nothing was sent)
            conn.send((number, False, RuntimeError(f"DataLoader worker: cannot send batch {number} "
                                                   f"to the main process: {type(err).__name__}: {err}")))


def _picklable(err):
    """``err`` if it survives pickling, else a RuntimeError with its type and message."""
    import pickle

    try:
        pickle.loads(pickle.dumps(err))
        return err
    except Exception:  # noqa: BLE001
        return RuntimeError(f"{type(err).__name__}: {err}")


class DataLoader:
    """Loads a dataset in mini-batches.

    ``batch_size`` with ``shuffle`` and ``last_batch`` ('keep', 'discard', 'rollover'), or a
    ``sampler`` / ``batch_sampler`` of your own; ``batchify_fn`` turns a list of samples
    into a batch (``default_batchify_fn``). With ``num_workers > 0`` batches are built in
    that many forked processes (``thread_pool=True``: threads) and arrive in order, with up
    to ``prefetch`` batches (default ``2 * num_workers``) requested ahead. Leaving a loop
    early stops the workers. ``pin_memory`` and ``auto_reload`` are accepted for
    compatibility and have no effect on the CPU.
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
        self._prefetch = max(1, int(prefetch) if prefetch is not None else 2 * self._num_workers)
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
        # Each worker has a pipe of its own (no lock shared between processes, unlike
        # multiprocessing.Pool, whose terminate() can hang forever when a worker is stopped
        # while it writes a large batch): batch b goes to worker b % n, so reading the workers
        # in turn gives the batches in order.
        import multiprocessing as _mp

        ctx = _mp.get_context("fork")
        n = self._num_workers
        workers = []
        try:
            for _ in range(n):
                here, there = ctx.Pipe(duplex=True)
                inherited = [c for _, c in workers] + [here]
                proc = ctx.Process(target=_worker_loop, daemon=True,
                                   args=(there, inherited, self._dataset, self._batchify_fn, is_np_array()))
                proc.start()
                there.close()
                workers.append((proc, here))
            batches = iter(self._batch_sampler)
            sent = received = 0
            for _ in range(max(n, self._prefetch)):
                indices = next(batches, None)
                if indices is None:
                    break
                workers[sent % n][1].send((sent, list(indices)))
                sent += 1
            while received < sent:
                k = received % n
                proc, conn = workers[k]
                if not conn.poll(self._timeout):
                    raise _core.MXNetError(
                        f"DataLoader: no batch from worker {k} of {n} within {self._timeout} s")
                try:
                    number, ok, payload = conn.recv()
                except (EOFError, OSError):
                    proc.join(1)
                    raise _core.MXNetError(
                        f"DataLoader: worker {k} of {n} exited unexpectedly (exit code {proc.exitcode})") from None
                assert number == received, (number, received)  # each pipe keeps its order
                received += 1
                indices = next(batches, None)
                if indices is not None:
                    workers[sent % n][1].send((sent, list(indices)))
                    sent += 1
                if not ok:
                    raise payload
                yield _from_host(payload)
        finally:
            _stop_workers(workers)


def _stop_workers(workers):
    """Asks each worker to exit, closes the pipes (a worker still sending gets EPIPE and
    exits) and terminates any that are still running."""
    for _, conn in workers:
        try:
            conn.send(None)
        except (BrokenPipeError, EOFError, OSError):
            pass
        conn.close()
    for proc, _ in workers:
        proc.join(2)
        if proc.is_alive():
            proc.terminate()
            proc.join()

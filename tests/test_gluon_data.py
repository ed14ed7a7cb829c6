"""gluon.data: datasets, samplers and the DataLoader against MXNet 1.9's observed behaviour
(batch counts per last_batch mode, list batches, 1-D columns as NumPy, legacy vs numpy-mode
label arrays), with worker processes and threads giving the same batches."""

import numpy as onp
import pytest

from deepblocks import nd, np
from deepblocks.gluon import data




def features(n=10, d=3):
    return np.array(onp.arange(n * d, dtype="float32").reshape(n, d))


def test_array_dataset_items_and_length():
    X, y = features(), np.arange(10)
    ds = data.ArrayDataset(X, y)
    assert len(ds) == 10
    x0, y0 = ds[0]
    assert isinstance(x0, np.ndarray) and x0.shape == (3,)
    # MXNet converts a 1-D array column to NumPy, so its items are NumPy scalars.
    assert isinstance(y0, onp.float32) and y0 == 0.0
    assert isinstance(data.ArrayDataset(X)[2], np.ndarray)
    with pytest.raises(ValueError, match="same length"):
        data.ArrayDataset(X, np.arange(9))
    with pytest.raises(ValueError):
        data.ArrayDataset()


@pytest.mark.parametrize("last_batch, n_batches, sizes", [
    ("keep", 3, [4, 4, 2]),
    ("discard", 2, [4, 4]),
    ("rollover", 2, [4, 4]),
])
def test_last_batch_modes(np_mode, last_batch, n_batches, sizes):
    dl = data.DataLoader(data.ArrayDataset(features(), np.arange(10)), 4, last_batch=last_batch)
    assert len(dl) == n_batches
    batches = list(dl)
    assert [b[0].shape[0] for b in batches] == sizes
    assert all(isinstance(b, list) and len(b) == 2 for b in batches)


def test_rollover_carries_the_leftover_into_the_next_epoch(np_mode):
    dl = data.DataLoader(data.ArrayDataset(np.arange(10)), 4, last_batch="rollover")
    first = [b.asnumpy().tolist() for b in dl]
    assert first == [[0, 1, 2, 3], [4, 5, 6, 7]]
    assert len(dl) == 3  # 2 left over + 10 new = 3 full batches
    second = [b.asnumpy().tolist() for b in dl]
    assert second[0] == [8, 9, 0, 1]


def test_batches_in_order_with_their_dtypes(np_mode):
    X = features()
    y = np.array(onp.arange(10), dtype="int32")
    dl = data.DataLoader(data.ArrayDataset(X, y), batch_size=3)
    got_X = onp.concatenate([b[0].asnumpy() for b in dl])
    got_y = onp.concatenate([b[1].asnumpy() for b in dl])
    assert onp.array_equal(got_X, X.asnumpy()) and onp.array_equal(got_y, onp.arange(10))
    b = next(iter(dl))
    assert b[0].dtype == onp.float32 and b[1].dtype == onp.int32
    assert type(b[0]) is np.ndarray and type(b[1]) is np.ndarray


def test_shuffle_is_a_permutation_and_follows_the_seed(np_mode):
    ds = data.ArrayDataset(np.arange(20))
    dl = data.DataLoader(ds, 5, shuffle=True)
    np.random.seed(3)
    a = onp.concatenate([b.asnumpy() for b in dl])
    np.random.seed(3)
    b = onp.concatenate([b.asnumpy() for b in dl])
    assert sorted(a.tolist()) == list(range(20))
    assert a.tolist() == b.tolist()
    assert a.tolist() != list(range(20))


def test_legacy_mode_gives_ndarrays(legacy_mode):
    X, y = nd.array(onp.ones((6, 2))), nd.arange(6)
    b = next(iter(data.DataLoader(data.ArrayDataset(X, y), 3)))
    assert type(b[0]) is nd.NDArray and type(b[1]) is nd.NDArray
    assert b[1].asnumpy().tolist() == [0, 1, 2]


@pytest.mark.parametrize("thread_pool", [False, True])
def test_workers_give_the_same_batches(np_mode, thread_pool):
    ds = data.ArrayDataset(features(23), np.arange(23))
    serial = [[a.asnumpy() for a in b] for b in data.DataLoader(ds, 4)]
    dl = data.DataLoader(ds, 4, num_workers=2, thread_pool=thread_pool)
    parallel = [[a.asnumpy() for a in b] for b in dl]
    assert len(parallel) == len(serial) == 6
    for s, p in zip(serial, parallel):
        assert all(onp.array_equal(u, v) for u, v in zip(s, p))
    assert all(type(a) is np.ndarray for a in next(iter(dl)))


def _pairs_as_dict(samples):
    return {"x": np.stack([s[0] for s in samples]), "n": len(samples)}


def test_custom_batchify_in_workers(np_mode):
    ds = data.ArrayDataset(features(8), np.arange(8))
    out = list(data.DataLoader(ds, 3, num_workers=2, batchify_fn=_pairs_as_dict))
    assert [o["n"] for o in out] == [3, 3, 2]
    assert isinstance(out[0]["x"], np.ndarray) and out[0]["x"].shape == (3, 3)


def test_transforms_filter_shard_take():
    ds = data.SimpleDataset(list(range(10)))
    assert list(ds.transform(lambda x: x * 2))[:3] == [0, 2, 4]
    assert isinstance(ds.transform(lambda x: x, lazy=False), data.SimpleDataset)
    pairs = data.SimpleDataset([(i, -i) for i in range(4)])
    assert pairs.transform_first(lambda x: x + 100)[2] == (102, -2)
    assert pairs.transform(lambda a, b: a + b)[3] == 0
    assert list(ds.filter(lambda x: x % 3 == 0)) == [0, 3, 6, 9]
    assert [list(ds.shard(3, i)) for i in range(3)] == [[0, 1, 2, 3], [4, 5, 6], [7, 8, 9]]
    assert list(ds.take(2)) == [0, 1]
    with pytest.raises(ValueError):
        ds.shard(2, 2)


def test_bad_arguments():
    ds = data.SimpleDataset([1, 2, 3])
    with pytest.raises(ValueError, match="batch_size"):
        data.DataLoader(ds)
    with pytest.raises(ValueError, match="last_batch"):
        data.DataLoader(ds, 2, last_batch="drop")
    with pytest.raises(ValueError, match="batch_size must be a positive"):
        data.DataLoader(ds, 0)
    with pytest.raises(ValueError, match="shuffle"):
        data.DataLoader(ds, 2, shuffle=True, sampler=data.SequentialSampler(3))
    with pytest.raises(ValueError, match="batch_sampler"):
        data.DataLoader(ds, 2, batch_sampler=data.BatchSampler(data.SequentialSampler(3), 2))
    bs = data.BatchSampler(data.SequentialSampler(3), 2)
    assert [b for b in data.DataLoader(ds, batch_sampler=bs, batchify_fn=list)] == [[1, 2], [3]]


def test_filter_sampler_and_dataset_sample():
    # recorded from MXNet 1.9.1: FilterSampler(lambda x: x % 3 == 0, range(10)) -> [0, 3, 6, 9]
    from deepblocks.gluon.data import FilterSampler, SimpleDataset
    s = FilterSampler(lambda x: x % 3 == 0, list(range(10)))
    assert list(s) == [0, 3, 6, 9] and len(s) == 4
    ds = SimpleDataset(list(range(10)))
    odd = ds.sample(FilterSampler(lambda x: x % 2 == 1, ds))
    assert len(odd) == 5 and [odd[i] for i in range(5)] == [1, 3, 5, 7, 9]
    with pytest.raises(TypeError, match="Invalid sampler type"):
        ds.sample([1, 2])


# ---- worker processes: stopping early, errors, order ------------------------------------------

_EARLY_EXIT_SCRIPT = r"""
import numpy as onp
from deepblocks.gluon import data
big = onp.random.rand(999, 2000)          # 8 rows of float64: 128 KB, more than a pipe holds
for _ in range(5):
    loader = data.DataLoader(big, batch_size=8, num_workers=8)
    it = iter(loader)
    first = next(it)
    assert first.shape == (8, 2000)
    del it                                 # the workers are stopped while still sending
    for batch in loader:                   # and the loader works again afterwards
        break
print("done")
"""


def test_leaving_a_multi_worker_loop_early_does_not_hang():
    # multiprocessing.Pool.terminate could wait forever here: a worker stopped while writing a
    # large batch kept the result queue's lock (MXNet 1.9.1's own test of this case hung).
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", _EARLY_EXIT_SCRIPT], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "done"


class _FailsAt:
    def __init__(self, bad):
        self.bad = bad

    def __len__(self):
        return 10

    def __getitem__(self, i):
        if i == self.bad:
            raise KeyError(f"no item {i}")
        return onp.float32(i)


def test_an_error_in_a_worker_reaches_the_loop(np_mode):
    loader = data.DataLoader(_FailsAt(5), batch_size=2, num_workers=2)
    seen = []
    with pytest.raises(KeyError, match="no item 5"):
        for batch in loader:
            seen.append(batch.asnumpy().tolist())
    assert seen == [[0.0, 1.0], [2.0, 3.0]]      # the batches before the failing one arrive


@pytest.mark.parametrize("workers, prefetch", [(3, None), (3, 1), (2, 7)])
def test_worker_batches_arrive_in_order_whatever_the_prefetch(np_mode, workers, prefetch):
    loader = data.DataLoader(_FailsAt(-1), batch_size=3, num_workers=workers, prefetch=prefetch)
    got = [b.asnumpy().tolist() for b in loader]
    assert got == [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]


def test_a_batch_that_cannot_cross_processes_is_a_clear_error(np_mode):
    loader = data.DataLoader(_FailsAt(-1), batch_size=2, num_workers=2, batchify_fn=lambda b: (lambda: b))
    with pytest.raises(RuntimeError, match="cannot send batch 0"):
        next(iter(loader))

"""gluon.utils: split_data / split_and_load (MXNet's splits and error texts) and
clip_global_norm."""

import math

import numpy as onp
import pytest

from deepblocks import cpu, gpu, np, npx
from deepblocks.base import MXNetError
from deepblocks.gluon import utils


def test_even_and_uneven_splits():
    x = np.arange(20).reshape(10, 2)
    parts = utils.split_data(x, 5)
    assert [p.shape for p in parts] == [(2, 2)] * 5
    assert onp.array_equal(onp.concatenate([p.asnumpy() for p in parts]), x.asnumpy())
    with pytest.raises(ValueError, match="cannot be evenly split into 3 slices along axis 0"):
        utils.split_data(x, 3)
    # MXNet 1.9.1: sizes differ by at most one, the larger parts first.
    parts = utils.split_data(x, 3, even_split=False)
    assert [p.shape[0] for p in parts] == [4, 3, 3]
    assert onp.array_equal(onp.concatenate([p.asnumpy() for p in parts]), x.asnumpy())
    assert [p.shape[0] for p in utils.split_data(np.arange(7), 4, even_split=False)] == [2, 2, 2, 1]
    cols = utils.split_data(np.ones((2, 6)), 2, batch_axis=1)
    assert [p.shape for p in cols] == [(2, 3), (2, 3)]
    # Fewer rows than parts: the last parts are empty (MXNet 1.9.1 gives (1,), (1,), (1,), (0,)).
    assert [p.shape for p in utils.split_data(np.ones((3,)), 4, even_split=False)] == [(1,), (1,), (1,), (0,)]
    assert [p.shape for p in utils.split_data(np.ones((2, 5)), 3, batch_axis=1, even_split=False)] == [(2, 2), (2, 2), (2, 1)]
    assert utils.split_data(x, 1)[0] is x


@pytest.mark.skipif(npx.num_gpus() > 0, reason="GPUs are present (tests/gpu covers split_and_load there)")
def test_split_and_load_on_cpus_and_missing_gpus():
    parts = utils.split_and_load(np.ones((4, 3)), [cpu(0), cpu(1)])
    assert [p.shape for p in parts] == [(2, 3), (2, 3)]
    assert [p.ctx for p in parts] == [cpu(0), cpu(1)]
    (one,) = utils.split_and_load([[1.0, 2.0]], [cpu()])
    assert isinstance(one, np.ndarray) and one.shape == (1, 2)
    with pytest.raises(MXNetError):
        utils.split_and_load(np.ones((4, 3)), [gpu(0), gpu(1)])


def test_clip_global_norm_scales_in_place():
    a, b = np.array([3.0, 0.0]), np.array([[4.0]])
    total = utils.clip_global_norm([a, b], 1.0)
    assert total == pytest.approx(5.0)
    assert onp.allclose(a.asnumpy(), [0.6, 0.0]) and onp.allclose(b.asnumpy(), [[0.8]])
    c = np.array([0.1, 0.2])
    assert utils.clip_global_norm([c], 10.0) == pytest.approx(math.sqrt(0.05))
    assert onp.allclose(c.asnumpy(), [0.1, 0.2])  # under the limit: untouched
    with pytest.warns(UserWarning, match="nan or inf"):
        utils.clip_global_norm([np.array([float("inf")])], 1.0)
    with pytest.raises(ValueError):
        utils.clip_global_norm([], 1.0)

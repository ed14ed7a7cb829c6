"""``gluon.contrib``: layers and samplers, against MXNet 1.9.1's printouts and results
(recorded from a real install) and NumPy."""

import numpy as onp
import pytest

import deepblocks as mx
from deepblocks import autograd, nd, np
from deepblocks.gluon import nn
from deepblocks.gluon.contrib import data as cdata
from deepblocks.gluon.contrib import nn as cnn


def _pixel_shuffle_reference(x, factors):
    n, c, *dims = x.shape
    k = len(factors)
    c //= int(onp.prod(factors))
    y = x.reshape((n, c) + tuple(factors) + tuple(dims))
    axes = [0, 1] + [a for i in range(k) for a in (2 + k + i, 2 + i)]
    return y.transpose(axes).reshape((n, c) + tuple(d * f for d, f in zip(dims, factors)))


def test_concurrent_concatenates_branches_and_prints_as_mxnet():
    net = cnn.HybridConcurrent(axis=1)
    net.add(nn.Dense(2))
    net.add(cnn.Identity())
    net.initialize()
    # recorded from MXNet 1.9.1
    assert repr(net) == "HybridConcurrent(\n  (0): Dense(None -> 2, linear)\n  (1): Identity(\n  \n  )\n)"
    x = nd.array(onp.arange(6.0).reshape(2, 3))
    y = net(x)
    assert type(y) is nd.NDArray and y.shape == (2, 5)
    onp.testing.assert_allclose(y.asnumpy()[:, 2:], x.asnumpy())
    onp.testing.assert_allclose(y.asnumpy()[:, :2], net[0](x).asnumpy(), rtol=1e-6)
    c = cnn.Concurrent()
    c.add(nn.Dense(2), nn.Dense(3))
    c.initialize()
    assert c(np.ones((4, 2))).shape == (4, 5) and len(c) == 2


def test_concurrent_trains_every_branch():
    net = cnn.Concurrent(axis=-1)
    net.add(nn.Dense(1), nn.Dense(1))
    net.initialize()
    x = np.ones((3, 2))
    with autograd.record():
        loss = (net(x) ** 2).sum()
    loss.backward()
    for p in net.collect_params().values():
        assert float(np.abs(p.grad()).sum()) > 0, p.name


@pytest.mark.parametrize("layer, shape, factors", [
    (cnn.PixelShuffle1D(2), (1, 4, 2), (2,)),
    (cnn.PixelShuffle2D((2, 3)), (2, 12, 2, 2), (2, 3)),
    (cnn.PixelShuffle2D(2), (1, 8, 3, 1), (2, 2)),
    (cnn.PixelShuffle3D(2), (1, 16, 1, 2, 1), (2, 2, 2)),
])
def test_pixel_shuffle_matches_numpy(layer, shape, factors):
    x = onp.arange(int(onp.prod(shape)), dtype="float64").reshape(shape)
    y = layer(np.array(x, dtype="float64"))
    onp.testing.assert_array_equal(y.asnumpy(), _pixel_shuffle_reference(x, factors))


def test_pixel_shuffle_recorded_values_and_gradient():
    # recorded from MXNet 1.9.1
    y = cnn.PixelShuffle2D((2, 3))(nd.arange(96).reshape(2, 12, 2, 2))
    assert y.shape == (2, 2, 4, 6)
    assert y[0, 0, :3, :4].asnumpy().tolist() == [[0, 4, 8, 1], [12, 16, 20, 13], [2, 6, 10, 3]]
    assert cnn.PixelShuffle1D(2)(nd.arange(8).reshape(1, 4, 2)).asnumpy().tolist() == [[[0, 2, 1, 3], [4, 6, 5, 7]]]
    assert repr(cnn.PixelShuffle2D((2, 3))) == "PixelShuffle2D((2, 3))"
    assert repr(cnn.PixelShuffle3D(2)) == "PixelShuffle3D((2, 2, 2))"
    # a permutation: the gradient of sum(w * y) is w moved back
    x = np.array(onp.random.RandomState(0).rand(1, 4, 2, 3))
    w = onp.random.RandomState(1).rand(1, 1, 4, 6)
    x.attach_grad()
    with autograd.record():
        out = (cnn.PixelShuffle2D(2)(x) * np.array(w)).sum()
    out.backward()
    expect = onp.zeros(x.shape)
    ref = _pixel_shuffle_reference(onp.arange(x.size).reshape(x.shape), (2, 2)).ravel()
    expect.ravel()[ref.astype(int)] = w.ravel()
    onp.testing.assert_allclose(x.grad.asnumpy(), expect, rtol=1e-6)


def test_pixel_shuffle_errors():
    with pytest.raises(ValueError, match="not divisible"):
        cnn.PixelShuffle2D(2)(np.ones((1, 6, 2, 2)))
    with pytest.raises(ValueError, match="4 dimensions"):
        cnn.PixelShuffle2D(2)(np.ones((1, 8, 2)))
    with pytest.raises(ValueError, match="factor"):
        cnn.PixelShuffle2D((2, 2, 2))


def test_sync_batch_norm_and_sparse_embedding():
    # recorded from MXNet 1.9.1 (the key is the block's prefix)
    bn = cnn.SyncBatchNorm(num_devices=2)
    assert repr(bn) == (f"SyncBatchNorm(eps=1e-05, momentum=0.9, fix_gamma=False, use_global_stats=False, "
                        f"ndev=2, key={bn.prefix!r}, in_channels=None)")
    bn.initialize()
    x = np.array(onp.random.RandomState(0).rand(4, 3, 2, 2), dtype="float32")
    ref = nn.BatchNorm()
    ref.initialize()
    with autograd.record():
        a, b = bn(x), ref(x)
    onp.testing.assert_allclose(a.asnumpy(), b.asnumpy(), rtol=1e-6)
    emb = cnn.SparseEmbedding(5, 3)
    assert repr(emb) == "SparseEmbedding(5 -> 3, float32)"
    emb.initialize()
    assert emb(np.array([1, 4])).shape == (2, 3)


def test_interval_sampler():
    # recorded from MXNet 1.9.1
    assert list(cdata.IntervalSampler(10, 3)) == [0, 3, 6, 9, 1, 4, 7, 2, 5, 8]
    assert list(cdata.IntervalSampler(10, 3, rollover=False)) == [0, 3, 6, 9]
    assert len(cdata.IntervalSampler(10, 3)) == 10 and len(cdata.IntervalSampler(10, 3, rollover=False)) == 4
    with pytest.raises(ValueError, match="interval"):
        cdata.IntervalSampler(3, 5)


def test_reachable_as_mxnet_names():
    assert mx.gluon.contrib.nn is cnn and mx.gluon.contrib.data is cdata

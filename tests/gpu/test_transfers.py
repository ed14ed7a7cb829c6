"""Work that stays on the GPU: once the device has seen a loop's shapes, its steps copy
nothing between host and device memory (such a copy waits for every queued kernel, so one per
operation would serialize the CPU and the GPU). ``deepblocks.cuda.transfers()`` counts the
copies; the values themselves are checked by the other files here."""

import pytest

from deepblocks import autograd, cuda, gluon, init, np, npx
from deepblocks.gluon import nn

from .conftest import ON_CPU

pytestmark = pytest.mark.skipif(ON_CPU, reason="the CPU stand-in has no host-device copies")


def _copies_in(step, warmups=2):
    """Host-device copies made by one call of `step`, after `warmups` calls."""
    for _ in range(warmups):
        step()
    before = cuda.transfers()
    step()
    after = cuda.transfers()
    return after[0] - before[0], after[1] - before[1]


def test_elementwise_reductions_and_products_stay_on_the_device(device):
    x = np.random.normal(size=(8, 5), ctx=device)
    w = np.random.normal(size=(5, 3), ctx=device)

    def step():
        y = np.exp(-x.T[:, ::-1]) * 2.0 + 1
        z = (x @ w).sum(axis=0) / x.shape[0] + npx.relu(x).max(axis=1).mean()
        return np.where(y > 2, y, 0).astype("float64").std(), npx.softmax(z), (x < 0).any()

    assert _copies_in(step) == (0, 0)


def test_a_gluon_training_step_stays_on_the_device(device):
    net = nn.Sequential()
    net.add(nn.Dense(16, activation="relu"), nn.Dropout(0.5), nn.Dense(4))
    net.initialize(init.Xavier(), ctx=device)
    x = np.random.normal(size=(8, 6), ctx=device)
    y = np.random.randint(0, 4, size=(8,), ctx=device)
    loss = gluon.loss.SoftmaxCrossEntropyLoss()
    trainer = gluon.Trainer(net.collect_params(), "adam", {"learning_rate": 0.01})

    def step():
        with autograd.record():
            l = loss(net(x), y)
        l.backward()
        trainer.step(8)

    assert _copies_in(step) == (0, 0)


def test_reading_a_value_is_one_copy_to_the_host(device):
    x = np.ones((3, 3), ctx=device)
    assert _copies_in(lambda: x.sum().item(), warmups=1) == (0, 1)
    assert _copies_in(lambda: x.asnumpy(), warmups=1) == (0, 1)

"""gluon.Trainer against MXNet 1.9.1's observed behaviour and numbers: ``step(batch_size)``
rescaling, stale gradients, frozen (``grad_req='null'``) parameters, ``lr_mult``/``wd_mult``,
the learning rate, shared and multi-device parameters, trainer states that continue training
identically, deferred and never-initialized parameters, and training runs whose loss falls.
"""

import warnings

import numpy as onp
import pytest

from conftest import raises
from deepblocks import autograd, gluon, init, nd, np, npx
from deepblocks.base import MXNetError
from deepblocks.gluon import nn

STALE = ("Gradient of Parameter `{}` on context cpu(0) has not been updated by backward since last `step`. This could "
         "mean a bug in your model that made it only use a subset of the Parameters (Blocks) for this iteration. If "
         "you are intentionally only using a subset, call step with ignore_stale_grad=True to suppress this warning "
         "and skip updating of Parameters with stale gradient")

# The MXNet 1.9.1 transcript used by several tests.
X = [[1.0, 2.0, 3.0], [-1.0, 0.5, 2.0]]
Y = [[1.0, 0.0], [0.0, 1.0]]


pytestmark = pytest.mark.usefixtures("gluon_state")


def train_steps(net, trainer, x, y, steps, batch_size=None, loss=gluon.loss.L2Loss()):
    for _ in range(steps):
        with autograd.record():
            out = loss(net(x), y)
        out.backward()
        trainer.step(batch_size or x.shape[0])
    return out


# ---- step(batch_size) ----------------------------------------------------------------------------


def test_step_batch_size_rescales_summed_gradients():
    """L2Loss on 4 rows with step(4) equals the mean loss with step(1): MXNet's [[0.8 0.8]]."""
    results = []
    for mean in (False, True):
        net = nn.Dense(1, in_units=2, use_bias=False)
        net.initialize(init.One())
        trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.1})
        with autograd.record():
            loss = gluon.loss.L2Loss()(net(np.ones((4, 2))), np.zeros((4, 1)))
            if mean:
                loss = loss.mean()
        loss.backward()
        trainer.step(1 if mean else 4)
        results.append(net.weight.data().asnumpy())
    onp.testing.assert_allclose(results[0], [[0.8, 0.8]], rtol=1e-6)
    onp.testing.assert_allclose(results[1], [[0.8, 0.8]], rtol=1e-6)


def test_sgd_with_momentum_wd_and_multipliers_matches_mxnet():
    net = nn.Dense(2, in_units=3)
    net.initialize(init.Constant(0.5))
    net.weight.lr_mult = 2.0
    net.bias.wd_mult = 0.0
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.1, "wd": 0.01, "momentum": 0.9})
    train_steps(net, trainer, np.array(X), np.array(Y), 3)
    onp.testing.assert_allclose(net.weight.data().asnumpy(),
                                [[0.3084169626235962, 0.017040416598320007, -0.2743360996246338],
                                 [-0.17276626825332642, -0.24039189517498016, -0.3080174922943115]],
                                rtol=1e-5, atol=1e-6)
    onp.testing.assert_allclose(net.bias.data().asnumpy(), [-0.13568025827407837, -0.09427635371685028],
                                rtol=1e-5, atol=1e-6)


def test_adam_with_wd_matches_mxnet():
    net = nn.Dense(2, in_units=3)
    net.initialize(init.Constant(0.5))
    trainer = gluon.Trainer(net.collect_params(), "adam", {"learning_rate": 0.1, "wd": 0.01})
    train_steps(net, trainer, np.array(X), np.array(Y), 3)
    onp.testing.assert_allclose(net.weight.data().asnumpy(),
                                [[0.21545982360839844, 0.21456356346607208, 0.21441581845283508],
                                 [0.20260605216026306, 0.20792156457901, 0.21108007431030273]], rtol=1e-4)
    onp.testing.assert_allclose(net.bias.data().asnumpy(), [-0.2855250835418701, -0.2854427397251129], rtol=1e-4)


def test_lr_mult_zero_and_wd_mult():
    net = nn.Dense(2, in_units=3)
    net.initialize(init.Constant(0.5))
    net.weight.lr_mult = 0.0
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.1})
    train_steps(net, trainer, np.array(X), np.array(Y), 2)
    assert (net.weight.data().asnumpy() == 0.5).all() and (net.bias.data().asnumpy() != 0.5).all()
    # Weight decay only: with a zero gradient, w <- w - lr * wd * wd_mult * w.
    w = gluon.Parameter("w", shape=(2,), wd_mult=3.0)
    v = gluon.Parameter("v", shape=(2,))
    for p in (w, v):
        p.initialize(init.One())
    trainer = gluon.Trainer([w, v], "sgd", {"learning_rate": 0.5, "wd": 0.1})
    with autograd.record():
        (w.data() * 0 + v.data() * 0).sum().backward()
    trainer.step(1)
    onp.testing.assert_allclose(w.data().asnumpy(), [0.85, 0.85], rtol=1e-6)
    onp.testing.assert_allclose(v.data().asnumpy(), [0.95, 0.95], rtol=1e-6)


def test_learning_rate():
    net = nn.Dense(1, in_units=1, use_bias=False)
    net.initialize(init.One())
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.1})
    assert trainer.learning_rate == 0.1
    trainer.set_learning_rate(0.5)
    assert trainer.learning_rate == 0.5 and trainer.optimizer.learning_rate == 0.5
    with autograd.record():
        net(np.ones((1, 1))).sum().backward()          # gradient 1
    trainer.step(1)
    onp.testing.assert_allclose(net.weight.data().asnumpy(), [[0.5]])


# ---- stale gradients, frozen parameters --------------------------------------------------------------


def test_stale_gradient_error_matches_mxnet():
    net = nn.Dense(1, in_units=2)
    net.initialize()
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.1})
    e = raises(UserWarning, trainer.step, 1)                 # never backpropagated
    assert isinstance(e, MXNetError) and isinstance(e, RuntimeError)
    assert str(e) == STALE.format("dense0_bias")      # MXNet 1.9.1 sorts parameters by name
    with pytest.raises(UserWarning):                         # old `except UserWarning` code keeps working
        trainer.step(1)


def test_stale_gradient_after_partial_use_and_ignore_stale_grad():
    class TwoHeads(nn.Block):
        def __init__(self):
            super().__init__()
            self.a = nn.Dense(1, in_units=2, use_bias=False)
            self.b = nn.Dense(1, in_units=2, use_bias=False)

        def forward(self, x, use_b=True):
            return self.a(x) + self.b(x) if use_b else self.a(x)

    net = TwoHeads()
    net.initialize(init.One())
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.1})
    x = np.ones((1, 2))
    with autograd.record():
        net(x).sum().backward()
    trainer.step(1)
    with autograd.record():
        net(x, use_b=False).sum().backward()                 # b's gradient is stale now
    raises(UserWarning, trainer.step, 1, contains=STALE.format("dense1_weight"))
    a_before, b_before = net.a.weight.data().asnumpy().copy(), net.b.weight.data().asnumpy().copy()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        trainer.step(1, ignore_stale_grad=True)              # a is updated, b skipped
    onp.testing.assert_allclose(net.a.weight.data().asnumpy(), a_before - 0.1)
    onp.testing.assert_array_equal(net.b.weight.data().asnumpy(), b_before)


def test_frozen_parameters_stay_unchanged():
    net = nn.Sequential()
    net.add(nn.Dense(2, in_units=3), nn.Dense(1, in_units=2))
    net.initialize(init.Constant(0.5))
    net[0].collect_params().setattr("grad_req", "null")
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.1})
    train_steps(net, trainer, np.array(X), np.array([[1.0], [0.0]]), 1)
    # MXNet 1.9.1's numbers.
    onp.testing.assert_array_equal(net[0].weight.data().asnumpy(), onp.full((2, 3), 0.5))
    onp.testing.assert_allclose(net[1].weight.data().asnumpy(), [[0.171875, 0.171875]], rtol=1e-6)
    train_steps(net, trainer, np.array(X), np.array([[1.0], [0.0]]), 2)       # never stale
    onp.testing.assert_array_equal(net[0].weight.data().asnumpy(), onp.full((2, 3), 0.5))


def test_grad_req_add_accumulates_until_zero_grad():
    w = gluon.Parameter("w", shape=(1,), grad_req="add")
    w.initialize(init.Zero())
    trainer = gluon.Trainer([w], "sgd", {"learning_rate": 1.0})
    for _ in range(3):
        with autograd.record():
            (w.data() * 2).sum().backward()
    trainer.step(1)
    onp.testing.assert_allclose(w.data().asnumpy(), [-6.0])
    trainer.zero_grad()
    assert (w.grad().asnumpy() == 0).all()


# ---- parameters: shared, deferred, uninitialized, multi-device -------------------------------------------


def test_shared_parameters_are_updated_once_with_the_summed_gradient():
    shared = nn.Dense(2, in_units=2, use_bias=False)
    net = nn.Sequential()
    net.add(shared, nn.Dense(2, in_units=2, use_bias=False, params=shared.params))
    net.initialize(init.Constant(0.5))
    params = net.collect_params()
    assert len(params) == 1
    trainer = gluon.Trainer(params, "sgd", {"learning_rate": 0.1})
    x = np.array([[1.0, 2.0]])
    with autograd.record():
        net(x).sum().backward()
    g = shared.weight.grad().asnumpy().copy()
    # y = W W x with W = 0.5: d sum(y)/dW = 1 (W x)^T + W^T 1 x^T = [[1.5 + 1, 1.5 + 2]] per row.
    onp.testing.assert_allclose(g, [[2.5, 3.5], [2.5, 3.5]])
    trainer.step(1)
    onp.testing.assert_allclose(shared.weight.data().asnumpy(), 0.5 - 0.1 * g, rtol=1e-6)
    # A list with the same Parameter twice is de-duplicated too: one update, not two.
    twice = gluon.Trainer([shared.weight, shared.weight], "sgd", {"learning_rate": 0.1})
    before = shared.weight.data().asnumpy().copy()
    with autograd.record():
        net(x).sum().backward()
    g = shared.weight.grad().asnumpy().copy()
    twice.step(1)
    onp.testing.assert_allclose(shared.weight.data().asnumpy(), before - 0.1 * g, rtol=1e-6)


def test_trainer_before_the_first_forward():
    net = nn.Sequential()
    net.add(nn.Dense(4, activation="relu"), nn.Dense(1))
    net.initialize()
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.1})   # deferred shapes
    x, y = np.random.uniform(size=(8, 3)), np.random.uniform(size=(8, 1))
    first = float(train_steps(net, trainer, x, y, 1).mean())
    last = float(train_steps(net, trainer, x, y, 30).mean())
    assert net[0].weight.shape == (4, 3) and last < first


def test_trainer_over_never_initialized_parameters_errors():
    net = nn.Dense(1, in_units=2)
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.1})
    # MXNet raises at construction; deepblocks at the first use (then initialize() may still come first).
    raises(RuntimeError, trainer.step, 1, contains=["Parameter 'dense0_", "has not been initialized"])


def test_trainer_accepts_dicts_lists_and_rejects_others():
    net = nn.Dense(1, in_units=2)
    net.initialize()
    for params in (net.collect_params(), dict(net.collect_params().items()), list(net.collect_params().values()),
                   net.weight):
        gluon.Trainer(params, "sgd")
    raises(ValueError, gluon.Trainer, [1, 2], "sgd", contains="Parameters")
    raises(ValueError, gluon.Trainer, 3, "sgd")


def test_multi_device_parameters_sum_their_gradients():
    ctx = [npx.cpu(0), npx.cpu(1)]
    net = nn.Dense(1, in_units=2, use_bias=False)
    net.initialize(init.One(), ctx=ctx)
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.1})
    xs = [np.array([[1.0, 2.0]], ctx=ctx[0]), np.array([[3.0, 4.0]], ctx=ctx[1])]
    with autograd.record():
        losses = [net(x).sum() for x in xs]
    for loss in losses:
        loss.backward()
    trainer.step(2)
    # Summed gradient (4, 6), rescaled by 1/2: w = 1 - 0.1 * (2, 3), on both devices.
    for d in net.weight.list_data():
        onp.testing.assert_allclose(d.asnumpy(), [[0.8, 0.7]], rtol=1e-6)


# ---- states ----------------------------------------------------------------------------------------------


def _fixed_net():
    net = nn.Sequential()
    net.add(nn.Dense(4, in_units=3, activation="tanh"), nn.Dense(1, in_units=4))
    net.initialize(init.Xavier())
    return net


@pytest.mark.parametrize("optimizer, params", [("adam", {"learning_rate": 0.05}),
                                               ("sgd", {"learning_rate": 0.1, "momentum": 0.9})])
def test_save_and_load_states_continue_training_identically(tmp_path, optimizer, params):
    rng = onp.random.RandomState(0)
    # float32 data for the float32 net (float64 data is a TypeError, as in MXNet).
    x, y = (np.array(rng.uniform(-1, 1, shape), dtype="float32") for shape in ((6, 3), (6, 1)))
    net = _fixed_net()
    trainer = gluon.Trainer(net.collect_params(), optimizer, params)
    train_steps(net, trainer, x, y, 3)
    pf, sf = str(tmp_path / "net.params"), str(tmp_path / "trainer.states")
    net.save_parameters(pf)
    trainer.save_states(sf)
    assert not open(sf, "rb").read(2) == b"\x80\x04"          # not a pickle (MXNet's is)
    train_steps(net, trainer, x, y, 3)
    expected = {k: p.data().asnumpy() for k, p in net.collect_params().items()}

    net2 = _fixed_net()
    net2.load_parameters(pf)
    trainer2 = gluon.Trainer(net2.collect_params(), optimizer, params)
    trainer2.load_states(sf)
    train_steps(net2, trainer2, x, y, 3)
    for (k, p), (k2, want) in zip(net2.collect_params().items(), expected.items()):
        onp.testing.assert_allclose(p.data().asnumpy(), want, rtol=1e-6, atol=1e-7, err_msg=k)
    # Without the states (fresh moments) the run differs.
    net3 = _fixed_net()
    net3.load_parameters(pf)
    train_steps(net3, gluon.Trainer(net3.collect_params(), optimizer, params), x, y, 3)
    assert not onp.allclose(net3[0].weight.data().asnumpy(), expected["dense0_weight"], rtol=1e-6, atol=1e-7)


def test_load_states_rejects_other_files(tmp_path):
    net = _fixed_net()
    trainer = gluon.Trainer(net.collect_params(), "adam")
    f = str(tmp_path / "p.params")
    net.save_parameters(f)
    raises(MXNetError, trainer.load_states, f, contains="trainer-states")
    raises(MXNetError, trainer.load_states, str(tmp_path / "missing.states"))


# ---- end to end ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("optimizer, lr", [("sgd", 0.5), ("adam", 0.05)])
def test_training_run_loss_falls(optimizer, lr):
    rng = onp.random.RandomState(0)
    features = rng.normal(0, 1, (256, 4))
    labels = (features @ onp.array([1.5, -2.0, 0.5, 1.0]) > 0).astype("float64")
    net = nn.Sequential()
    net.add(nn.Dense(16, activation="relu"), nn.Dense(2))
    net.initialize(init.Xavier())
    trainer = gluon.Trainer(net.collect_params(), optimizer, {"learning_rate": lr})
    loss = gluon.loss.SoftmaxCrossEntropyLoss()
    X, y = np.array(features, dtype="float32"), np.array(labels, dtype="float32")
    first = float(loss(net(X), y).mean())
    for epoch in range(10):
        for i in range(0, 256, 32):
            with autograd.record():
                l = loss(net(X[i:i + 32]), y[i:i + 32])
            l.backward()
            trainer.step(32)
    last = float(loss(net(X), y).mean())
    accuracy = float((net(X).argmax(axis=1) == y).mean())
    assert last < 0.3 * first and accuracy > 0.9


def test_training_in_legacy_mode():
    npx.reset_np()
    rng = onp.random.RandomState(1)
    features = rng.normal(0, 1, (100, 2))
    labels = features @ onp.array([2.0, -3.4]) + 4.2
    X, y = nd.array(features), nd.array(labels)
    net = nn.Sequential()
    net.add(nn.Dense(1))
    net.initialize(init.Normal(sigma=0.01))
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.1})
    loss = gluon.loss.L2Loss()
    for _ in range(20):
        for i in range(0, 100, 10):
            with autograd.record():
                l = loss(net(X[i:i + 10]), y[i:i + 10])
            l.backward()
            trainer.step(10)
    assert isinstance(net[0].weight.data(), nd.NDArray)
    onp.testing.assert_allclose(net[0].weight.data().asnumpy(), [[2.0, -3.4]], atol=0.01)
    onp.testing.assert_allclose(net[0].bias.data().asnumpy(), [4.2], atol=0.01)


def test_parameters_of_a_dict_are_ordered_by_name_as_mxnet():
    # MXNet 1.9.1's Trainer sorts a dict of parameters by key: the bias gets index 0
    net = gluon.nn.Dense(2, in_units=3)
    net.initialize()
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.1})
    names = [p.name for p in trainer._params]
    assert names == sorted(names) and names[0].endswith("bias")


def test_states_with_an_unused_slot_save_and_load(tmp_path):
    # DCASGD without momentum keeps (None, previous weight): the None slot is not written
    from deepblocks import autograd
    net = gluon.nn.Dense(2, in_units=3)
    net.initialize()
    trainer = gluon.Trainer(net.collect_params(), "dcasgd", {"learning_rate": 0.1})
    with autograd.record():
        loss = net(np.ones((2, 3))).sum()
    loss.backward()
    trainer.step(2)
    before = {k: v.asnumpy().copy() for k, v in trainer.state_dict()["states"].items()}
    trainer.save_states(str(tmp_path / "s"))
    trainer.load_states(str(tmp_path / "s"))
    after = {k: v.asnumpy() for k, v in trainer.state_dict()["states"].items()}
    assert before.keys() == after.keys() and all(k.endswith("/1") for k in after)
    for k in before:
        assert (before[k] == after[k]).all()

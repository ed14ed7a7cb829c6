"""Gluon on a GPU: ``initialize(ctx=)`` (deferred too), forward, losses, ``Trainer`` steps with
every optimizer matching the same training on the CPU, ``reset_ctx``, ``Parameter.data(ctx)``,
``list_ctx``, parameter files loaded onto a device, initializers, and data-parallel training
over two devices (``split_and_load``, ``initialize(ctx=[a, b])``, gradients summed across
devices by the Trainer)."""

import numpy as onp
import pytest

from conftest import raises
from deepblocks import autograd, gluon, init, np, npx
from deepblocks.base import MXNetError
from deepblocks.gluon import nn
from deepblocks.gluon.utils import split_and_load

from .conftest import assert_on, check

pytestmark = pytest.mark.usefixtures("gluon_state")

OPTIMIZERS = [
    ("sgd", {"learning_rate": 0.1}),
    ("sgd", {"learning_rate": 0.1, "momentum": 0.9, "wd": 0.01}),
    ("nag", {"learning_rate": 0.05, "momentum": 0.9}),
    ("adam", {"learning_rate": 0.05, "wd": 0.01}),
    ("adamw", {"learning_rate": 0.05, "wd": 0.01}),
    ("rmsprop", {"learning_rate": 0.01}),
    ("rmsprop", {"learning_rate": 0.01, "centered": True, "clip_gradient": 0.5}),
    ("adagrad", {"learning_rate": 0.1}),
]


def mlp():
    net = nn.Sequential()
    net.add(nn.Dense(6, activation="tanh"), nn.Dropout(0.0), nn.Dense(3))
    return net


def data(n=6, seed=0):
    rng = onp.random.default_rng(seed)
    return rng.normal(size=(n, 4)).astype("float32"), rng.integers(0, 3, n)


def params_of(net):
    """The parameter values in structural order (display names differ between instances)."""
    return [p.data().asnumpy() for p in net.collect_params().values()]


def train(net, trainer, x, y, steps, loss=gluon.loss.SoftmaxCrossEntropyLoss()):
    for _ in range(steps):
        with autograd.record():
            out = loss(net(x), y)
        out.backward()
        trainer.step(x.shape[0])
    return out


def twin_nets(device, seed=0):
    """The same initialized network twice: one on the CPU, one moved to ``device``."""
    nets = []
    for _ in range(2):
        np.random.seed(seed)
        net = mlp()
        net.initialize(init.Xavier())
        net(np.ones((1, 4)))  # deferred shapes resolved on the CPU
        nets.append(net)
    nets[1].collect_params().reset_ctx(device)
    return nets


# ---- placement and forward ----------------------------------------------------------------------------


def test_initialize_on_the_device(device):
    net = nn.Dense(3, in_units=4)
    net.initialize(init.Normal(0.1), ctx=device)
    for p in net.collect_params().values():
        assert p.list_ctx() == [device]
        assert_on(p.data(), device)
        assert_on(p.data(device), device)
        assert_on(p.grad(), device)
    x = np.ones((2, 4), ctx=device)
    y = net(x)
    assert_on(y, device)
    w, b = net.weight.data().asnumpy(), net.bias.data().asnumpy()
    check(y, onp.ones((2, 4), "float32") @ w.T + b, device, rtol=1e-5)


def test_deferred_initialization_on_the_device(device):
    net = mlp()
    net.initialize(init.Xavier(), ctx=device)
    x = np.array(data()[0], ctx=device)
    y = net(x)
    assert_on(y, device)
    assert y.shape == (6, 3)
    for p in net.collect_params().values():
        assert p.list_ctx() == [device]
        assert_on(p.data(), device)
    assert net[0].weight.shape == (6, 4)


def test_forward_matches_the_cpu(device):
    cpu_net, dev_net = twin_nets(device)
    x = data()[0]
    assert_on(dev_net[0].weight.data(), device)
    y = dev_net(np.array(x, ctx=device))
    assert_on(y, device)
    onp.testing.assert_allclose(y.asnumpy(), cpu_net(np.array(x)).asnumpy(), rtol=1e-5, atol=1e-6)


def test_layers_on_the_device(device):
    """Every layer's forward (train and predict mode) and backward on the device, against the
    same layer on the CPU."""
    rng = onp.random.default_rng(1)
    x = rng.normal(size=(4, 3, 5)).astype("float32")
    makers = [lambda: nn.BatchNorm(axis=1), lambda: nn.LayerNorm(), lambda: nn.Embedding(6, 3),
              lambda: nn.Activation("softrelu"), lambda: nn.LeakyReLU(0.1), lambda: nn.PReLU(), lambda: nn.ELU(),
              lambda: nn.SELU(), lambda: nn.GELU(), lambda: nn.Swish(), lambda: nn.Flatten(),
              lambda: nn.Dense(2, flatten=False), lambda: nn.Dense(2)]
    for make in makers:
        outs = []
        for ctx in (npx.cpu(0), device):
            np.random.seed(2)
            layer = make()
            layer.initialize(init.Uniform(0.5))
            inp = onp.abs(x * 2).astype("int64") % 6 if isinstance(layer, nn.Embedding) else x
            layer(np.array(inp))
            layer.collect_params().reset_ctx(ctx)
            xi = np.array(inp, ctx=ctx)
            if inp.dtype.kind == "f":
                xi.attach_grad()
            with autograd.record(train_mode=True):
                y = layer(xi)
            y.backward()
            assert_on(y, ctx)
            grads = [p.grad(ctx).asnumpy() for p in layer.collect_params().values() if p.grad_req != "null"]
            outs.append([y.asnumpy()] + grads + ([xi.grad.asnumpy()] if inp.dtype.kind == "f" else []))
            with autograd.predict_mode():
                outs[-1].append(layer(np.array(inp, ctx=ctx)).asnumpy())
        for got, want in zip(outs[1], outs[0]):
            onp.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5, err_msg=type(layer).__name__)


@pytest.mark.parametrize("loss", [gluon.loss.L2Loss(), gluon.loss.L1Loss(), gluon.loss.SoftmaxCrossEntropyLoss(),
                                  gluon.loss.SoftmaxCrossEntropyLoss(sparse_label=False),
                                  gluon.loss.SigmoidBinaryCrossEntropyLoss(), gluon.loss.HuberLoss(),
                                  gluon.loss.HingeLoss(), gluon.loss.SquaredHingeLoss(), gluon.loss.LogisticLoss(),
                                  gluon.loss.KLDivLoss()], ids=lambda l: type(l).__name__)
def test_losses_on_the_device(device, loss):
    rng = onp.random.default_rng(3)
    pred = rng.normal(size=(4, 3)).astype("float32")
    if isinstance(loss, gluon.loss.SoftmaxCrossEntropyLoss) and loss._sparse_label:
        label = rng.integers(0, 3, 4).astype("float32")
    elif isinstance(loss, (gluon.loss.HingeLoss, gluon.loss.SquaredHingeLoss, gluon.loss.LogisticLoss)):
        label = onp.sign(rng.normal(size=(4, 3))).astype("float32")
    else:
        label = rng.uniform(0, 1, size=(4, 3)).astype("float32")
    sw = rng.uniform(0.5, 1.5, size=(4, 1)).astype("float32")
    results = []
    for ctx in (npx.cpu(0), device):
        p = np.array(pred, ctx=ctx)
        p.attach_grad()
        with autograd.record():
            out = loss(p, np.array(label, ctx=ctx), np.array(sw, ctx=ctx))
        out.backward()
        assert_on((out, p.grad), ctx)
        results.append((out.asnumpy(), p.grad.asnumpy()))
    for got, want in zip(results[1], results[0]):
        onp.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


# ---- training ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("optimizer, params", OPTIMIZERS, ids=[f"{o}-{i}" for i, (o, _) in enumerate(OPTIMIZERS)])
def test_training_matches_the_cpu(device, optimizer, params):
    """The same network, data and optimizer on the CPU and on the device: the parameters stay
    on the device and follow the CPU's within float32 rounding."""
    nets = twin_nets(device)
    x, y = data()
    losses = []
    for net, ctx in zip(nets, (npx.cpu(0), device)):
        trainer = gluon.Trainer(net.collect_params(), optimizer, dict(params))
        losses.append(train(net, trainer, np.array(x, ctx=ctx), np.array(y, ctx=ctx), 3))
    assert_on(losses[1], device)
    for p in nets[1].collect_params().values():
        assert p.list_ctx() == [device]
        assert_on((p.data(), p.grad()), device)
    for got, want in zip(params_of(nets[1]), params_of(nets[0])):
        onp.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5)
    onp.testing.assert_allclose(losses[1].asnumpy(), losses[0].asnumpy(), rtol=1e-4, atol=1e-5)


def test_trainer_states_save_and_load_on_the_device(device, tmp_path):
    nets = twin_nets(device)
    x, y = data()
    xd, yd = np.array(x, ctx=device), np.array(y, ctx=device)
    trainer = gluon.Trainer(nets[1].collect_params(), "adam", {"learning_rate": 0.05})
    train(nets[1], trainer, xd, yd, 2)
    trainer.save_states(str(tmp_path / "t.states"))
    nets[1].save_parameters(str(tmp_path / "n.params"))
    train(nets[1], trainer, xd, yd, 2)
    after = params_of(nets[1])
    clone = mlp()
    clone.load_parameters(str(tmp_path / "n.params"), ctx=device)
    trainer2 = gluon.Trainer(clone.collect_params(), "adam", {"learning_rate": 0.05})
    trainer2.load_states(str(tmp_path / "t.states"))
    train(clone, trainer2, xd, yd, 2)
    for got, want in zip(params_of(clone), after):
        onp.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_reset_ctx_moves_data_and_gradients(device):
    net = nn.Dense(2, in_units=3)
    net.initialize(init.One())
    w = net.weight.data().asnumpy()
    net.collect_params().reset_ctx(device)
    assert net.collect_params().list_ctx() == [device]
    check(net.weight.data(), w, device)
    x = np.ones((1, 3), ctx=device)
    with autograd.record():
        y = net(x).sum()
    y.backward()
    check(net.weight.grad(), onp.ones((2, 3), "float32"), device)
    net.reset_ctx(npx.cpu(0))  # and back
    assert net.weight.list_ctx() == [npx.cpu(0)]
    check(net.weight.data(), w, npx.cpu(0))


def test_save_and_load_parameters_onto_the_device(device, tmp_path):
    net = mlp()
    net.initialize(init.Xavier(), ctx=device)
    net(np.ones((2, 4), ctx=device))
    f = str(tmp_path / "mlp.params")
    net.save_parameters(f)
    want = params_of(net)
    for ctx in (device, npx.cpu(0)):
        clone = mlp()
        clone.load_parameters(f, ctx=ctx)
        for p in clone.collect_params().values():
            assert p.list_ctx() == [ctx]
            assert_on(p.data(), ctx)
        for got, w in zip(params_of(clone), want):
            onp.testing.assert_array_equal(got, w)
    # npx.save / npx.load of device arrays.
    a = np.arange(6, ctx=device).reshape(2, 3)
    npx.save(str(tmp_path / "a.npx"), {"a": a, "b": a.T})
    loaded = npx.load(str(tmp_path / "a.npx"))
    onp.testing.assert_array_equal(loaded["a"].asnumpy(), a.asnumpy())
    onp.testing.assert_array_equal(loaded["b"].asnumpy(), a.asnumpy().T)


def test_parameter_set_data_and_initializers_on_the_device(device):
    net = nn.Dense(3, in_units=3)
    net.initialize(ctx=device)
    net.weight.set_data(np.ones((3, 3)))  # CPU data goes to the parameter's device
    check(net.weight.data(), onp.ones((3, 3), "float32"), device)
    net.weight.set_data(np.full((3, 3), 2.0, ctx=device))
    check(net.weight.data(), onp.full((3, 3), 2.0, "float32"), device)
    for initializer in (init.Zero(), init.One(), init.Constant(0.3), init.Uniform(), init.Normal(), init.Xavier(),
                        init.MSRAPrelu(), init.Orthogonal()):
        net.initialize(initializer, ctx=device, force_reinit=True)
        assert_on(net.weight.data(), device)
        assert onp.isfinite(net.weight.data().asnumpy()).all()


def test_dataloader_batches_moved_to_the_device(device):
    x, y = data(10)
    loader = gluon.data.DataLoader(gluon.data.ArrayDataset(x, y.astype("float32")), batch_size=4, shuffle=False)
    seen = []
    for xb, yb in loader:
        xb, yb = xb.as_in_ctx(device), yb.as_in_ctx(device)
        assert_on((xb, yb), device)
        seen.append(xb.asnumpy())
    onp.testing.assert_array_equal(onp.concatenate(seen), x)


def test_forward_with_input_on_another_device_is_refused(device):
    net = nn.Dense(2, in_units=3)
    net.initialize(ctx=device)
    with pytest.raises((MXNetError, RuntimeError)) as e:
        net(np.ones((1, 3)))
    assert "cpu(0)" in str(e.value) and str(device) in str(e.value)


# ---- two devices: data parallelism -------------------------------------------------------------------------


def test_split_and_load_over_two_devices(devices):
    x = onp.arange(24, dtype="float32").reshape(6, 4)
    for src in (x, np.array(x), np.array(x, ctx=devices[1])):
        parts = split_and_load(src, list(devices))
        assert [p.shape for p in parts] == [(3, 4), (3, 4)]
        for p, ctx, want in zip(parts, devices, (x[:3], x[3:])):
            check(p, want, ctx)
    parts = split_and_load(np.array(x), list(devices), batch_axis=1, even_split=False)
    check(parts[0], x[:, :2], devices[0])


def test_parameters_on_two_devices(devices):
    net = nn.Dense(2, in_units=3)
    net.initialize(init.Uniform(), ctx=list(devices))
    assert net.weight.list_ctx() == list(devices)
    a, b = net.weight.data(devices[0]), net.weight.data(devices[1])
    assert_on(a, devices[0])
    assert_on(b, devices[1])
    onp.testing.assert_array_equal(a.asnumpy(), b.asnumpy())
    assert [d.ctx for d in net.weight.list_data()] == list(devices)
    assert [g.ctx for g in net.weight.list_grad()] == list(devices)
    # As in MXNet: with several devices, data() means the current device's copy.
    raises(RuntimeError, net.weight.data, contains=["cpu(0)", str(devices[0]), str(devices[1])])
    with devices[1]:
        assert_on(net.weight.data(), devices[1])


@pytest.mark.parametrize("optimizer, params", [("sgd", {"learning_rate": 0.1, "momentum": 0.9}),
                                               ("adam", {"learning_rate": 0.05})])
def test_data_parallel_training_matches_one_device(devices, optimizer, params):
    """A batch split over two devices, gradients summed by the Trainer, equals the whole batch
    on the CPU; the copies on both devices stay identical."""
    x, y = data(8)
    np.random.seed(0)
    ref = mlp()
    ref.initialize(init.Xavier())
    ref(np.ones((1, 4)))
    np.random.seed(0)
    net = mlp()
    net.initialize(init.Xavier())
    net(np.ones((1, 4)))
    net.collect_params().reset_ctx(list(devices))
    loss_fn = gluon.loss.SoftmaxCrossEntropyLoss()
    t_ref = gluon.Trainer(ref.collect_params(), optimizer, dict(params))
    t_net = gluon.Trainer(net.collect_params(), optimizer, dict(params))
    for _ in range(3):
        train(ref, t_ref, np.array(x), np.array(y), 1)
        xs, ys = split_and_load(x, list(devices)), split_and_load(y, list(devices))
        with autograd.record():
            losses = [loss_fn(net(xp), yp) for xp, yp in zip(xs, ys)]
        for l, ctx in zip(losses, devices):
            assert_on(l, ctx)
            l.backward()
        t_net.step(x.shape[0])
    for p, want in zip(net.collect_params().values(), ref.collect_params().values()):
        copies = [d.asnumpy() for d in p.list_data()]
        assert [d.ctx for d in p.list_data()] == list(devices)
        onp.testing.assert_array_equal(copies[0], copies[1])
        onp.testing.assert_allclose(copies[0], want.data().asnumpy(), rtol=1e-4, atol=1e-5)

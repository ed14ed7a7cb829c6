"""gluon.nn layers and their npx functional forms: outputs against NumPy references, gradients
against central finite differences in float64, reprs against MXNet 1.9.1's printouts (numpy
and legacy mode), Dropout statistics, BatchNorm's training and prediction modes.
"""

import numpy as onp
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import raises
from deepblocks import autograd, init, nd, np, npx
from deepblocks.gluon import nn


pytestmark = pytest.mark.usefixtures("gluon_state")


def rand(*shape, seed=0, lo=-1.0, hi=1.0):
    return onp.random.RandomState(seed).uniform(lo, hi, shape)


def check_grads(net, x, train=False, rtol=1e-6, atol=1e-8, wrt_input=True, eps=1e-6):
    """Gradients of ``sum(net(x) * R)`` (R random) with respect to the input and every
    parameter with a gradient, against central finite differences; ``net`` computes in float64."""
    X = np.array(x)
    if wrt_input:
        X.attach_grad()
    with autograd.record(train_mode=train):
        y = net(X)
    R = np.array(rand(*y.shape, seed=7))
    with autograd.record(train_mode=train):
        loss = (net(X) * R).sum()
    loss.backward()

    def f(xv):
        with autograd.pause(train_mode=train):
            return float((net(np.array(xv)) * R).sum())

    if wrt_input:
        numeric = onp.zeros_like(x)
        for idx in onp.ndindex(*x.shape):
            up, down = x.copy(), x.copy()
            up[idx] += eps
            down[idx] -= eps
            numeric[idx] = (f(up) - f(down)) / (2 * eps)
        onp.testing.assert_allclose(X.grad.asnumpy(), numeric, rtol=rtol, atol=atol, err_msg="input gradient")
    for name, p in net.collect_params().items():
        if p.grad_req == "null":
            continue
        assert p.dtype in ("float64", onp.float64), f"{name} is {p.dtype}: check gradients in float64"
        analytic = p.grad().asnumpy().copy()
        data = p.data()
        numeric = onp.zeros_like(analytic)
        for idx in onp.ndindex(*analytic.shape):
            old = float(data[idx])
            data[idx] = old + eps
            up = f(x)
            data[idx] = old - eps
            down = f(x)
            data[idx] = old
            numeric[idx] = (up - down) / (2 * eps)
        onp.testing.assert_allclose(analytic, numeric, rtol=rtol, atol=atol, err_msg=name)


# ---- Dense ----------------------------------------------------------------------------------------


def np_act(name, x):
    return {
        "relu": lambda v: onp.maximum(v, 0),
        "sigmoid": lambda v: 1 / (1 + onp.exp(-v)),
        "tanh": onp.tanh,
        "softrelu": lambda v: onp.log1p(onp.exp(v)),
        "softsign": lambda v: v / (1 + onp.abs(v)),
        None: lambda v: v,
    }[name](x)


@pytest.mark.parametrize("activation", [None, "relu", "sigmoid", "tanh", "softrelu", "softsign"])
@pytest.mark.parametrize("use_bias", [True, False])
def test_dense_against_numpy_and_finite_differences(activation, use_bias):
    net = nn.Dense(3, activation=activation, use_bias=use_bias, dtype="float64",
                   bias_initializer=init.Normal(0.5))
    net.initialize(init.Normal(0.5))
    x = rand(4, 5)
    out = net(np.array(x))
    ref = x @ net.weight.data().asnumpy().T
    if use_bias:
        ref = ref + net.bias.data().asnumpy()
    assert out.dtype == onp.float64
    onp.testing.assert_allclose(out.asnumpy(), np_act(activation, ref), rtol=1e-12)
    assert (net.bias is None) == (not use_bias)
    check_grads(net, x)


def test_dense_flattens_images():
    net = nn.Dense(10)
    net.initialize()
    x = np.random.uniform(size=(3, 1, 28, 28))
    out = net(x)
    assert out.shape == (3, 10) and net.weight.shape == (10, 784)
    ref = x.asnumpy().reshape(3, 784) @ net.weight.data().asnumpy().T
    onp.testing.assert_allclose(out.asnumpy(), ref, rtol=1e-5, atol=1e-6)


def test_dense_without_flatten_works_on_the_last_axis():
    net = nn.Dense(2, flatten=False, dtype="float64")
    net.initialize(init.Normal(0.5))
    x = rand(2, 3, 4)
    out = net(np.array(x))
    assert out.shape == (2, 3, 2) and net.weight.shape == (2, 4)
    onp.testing.assert_allclose(out.asnumpy(), x @ net.weight.data().asnumpy().T, rtol=1e-12)
    check_grads(net, x)


@pytest.mark.parametrize("flatten, out_shape, w_shape", [(True, (3, 2), (2, 1)), (False, (2,), (2, 3))])
def test_dense_on_1d_input_as_mxnet(flatten, out_shape, w_shape):
    net = nn.Dense(2, flatten=flatten)
    net.initialize(init.One())
    out = net(np.array([1.0, 2.0, 3.0]))
    assert out.shape == out_shape and net.weight.shape == w_shape
    expected = [[1.0, 1.0], [2.0, 2.0], [3.0, 3.0]] if flatten else [6.0, 6.0]
    onp.testing.assert_array_equal(out.asnumpy(), expected)


def test_dense_arguments():
    net = nn.Dense(3, in_units=4, weight_initializer=init.Constant(0.5), bias_initializer=init.One())
    assert net.weight.shape == (3, 4)
    net.initialize()
    onp.testing.assert_array_equal(net(np.ones((1, 4))).asnumpy(), [[3.0, 3.0, 3.0]])
    raises(ValueError, net, np.ones((1, 5)), contains="(1, 5)")
    d32 = nn.Dense(2, in_units=2)
    d32.initialize()
    assert d32(np.ones((1, 2))).dtype == onp.float32 and d32.weight.dtype == "float32"


def test_dense_reprs():
    assert repr(nn.Dense(256, activation="relu")) == "Dense(-1 -> 256, Activation(relu))"
    assert repr(nn.Dense(3, in_units=4)) == "Dense(4 -> 3, linear)"
    assert repr(nn.Dense(3, use_bias=False, activation="tanh")) == "Dense(-1 -> 3, Activation(tanh))"
    assert repr(nn.Dense(3, activation="sigmoid", in_units=5)) == "Dense(5 -> 3, Activation(sigmoid))"
    npx.reset_np()
    assert repr(nn.Dense(256, activation="relu")) == "Dense(None -> 256, Activation(relu))"


def test_dense_in_legacy_mode():
    npx.reset_np()
    net = nn.Dense(2, in_units=3)
    net.initialize(init.One())
    out = net(nd.ones((4, 3)))
    assert type(out) is nd.NDArray and out.shape == (4, 2)
    onp.testing.assert_array_equal(out.asnumpy(), onp.full((4, 2), 3.0))


# ---- activations ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["relu", "sigmoid", "tanh", "softrelu", "softsign"])
def test_activation_against_numpy(name):
    x = onp.array([-30.0, -2.0, -0.5, 0.25, 1.0, 3.0, 30.0])
    layer = nn.Activation(name)
    assert repr(layer) == f"Activation({name})"
    onp.testing.assert_allclose(layer(np.array(x)).asnumpy(), np_act(name, x), rtol=1e-12, atol=1e-300)
    onp.testing.assert_allclose(npx.activation(np.array(x), act_type=name).asnumpy(), np_act(name, x), rtol=1e-12)
    xs = onp.array([-2.0, -0.5, 0.25, 1.0, 3.0])        # away from relu's kink
    check_grads(layer, xs)
    f32 = layer(np.array(x, dtype="float32"))
    assert f32.dtype == onp.float32
    onp.testing.assert_allclose(f32.asnumpy(), np_act(name, x), rtol=1e-6, atol=1e-7)


def test_activation_mxnet_values_and_errors():
    # MXNet 1.9.1's printout for x = [-1, 0.5].
    expected = {"relu": [0.0, 0.5], "sigmoid": [0.26894143, 0.62245935], "tanh": [-0.7615942, 0.46211717],
                "softrelu": [0.31326175, 0.974077], "softsign": [-0.5, 0.33333334]}
    for name, values in expected.items():
        onp.testing.assert_allclose(nn.Activation(name)(np.array([-1.0, 0.5])).asnumpy(), values, rtol=1e-6)
    raises(ValueError, nn.Activation, "swish", contains="swish")
    raises(ValueError, npx.activation, np.ones(2), act_type="nope")


@pytest.mark.parametrize("layer, ref", [
    (lambda: nn.LeakyReLU(0.1), lambda v: onp.where(v > 0, v, 0.1 * v)),
    (lambda: nn.ELU(0.7), lambda v: onp.where(v > 0, v, 0.7 * onp.expm1(v))),
    (lambda: nn.SELU(), lambda v: 1.0507009873554805 * onp.where(v > 0, v, 1.6732632423543772 * onp.expm1(v))),
    (lambda: nn.GELU(), lambda v: 0.5 * v * (1 + onp.tanh(onp.sqrt(2 / onp.pi) * (v + 0.044715 * v ** 3)))),
    (lambda: nn.Swish(1.5), lambda v: v / (1 + onp.exp(-1.5 * v))),
])
def test_other_activation_layers(layer, ref):
    x = onp.array([-2.0, -0.5, 0.25, 1.0, 3.0])
    net = layer()
    onp.testing.assert_allclose(net(np.array(x)).asnumpy(), ref(x), rtol=1e-10)
    check_grads(net, x)


def test_prelu_learns_its_slope():
    net = nn.PReLU(in_channels=3)
    net.initialize()
    net.cast("float64")
    x = rand(2, 3, 2)
    onp.testing.assert_allclose(net(np.array(x)).asnumpy(), onp.where(x > 0, x, 0.25 * x), rtol=1e-12)
    check_grads(net, x)


# ---- Dropout --------------------------------------------------------------------------------------


def test_dropout_is_identity_outside_training():
    layer = nn.Dropout(0.5)
    x = np.random.uniform(size=(50, 40))
    assert layer(x) is x or (layer(x).asnumpy() == x.asnumpy()).all()
    with autograd.record(train_mode=False):
        onp.testing.assert_array_equal(layer(x).asnumpy(), x.asnumpy())
    with autograd.predict_mode():
        onp.testing.assert_array_equal(layer(x).asnumpy(), x.asnumpy())


@pytest.mark.parametrize("p", [0.1, 0.5, 0.8])
def test_dropout_mask_statistics_and_scaling(p):
    layer = nn.Dropout(p)
    x = np.ones((200, 100))
    x.attach_grad()
    with autograd.record():
        y = layer(x)
    y.backward()
    a = y.asnumpy()
    kept = a != 0
    assert abs(kept.mean() - (1 - p)) < 0.02
    onp.testing.assert_allclose(a[kept], 1 / (1 - p), rtol=1e-6)
    # The gradient is the same mask times the same scale.
    onp.testing.assert_allclose(x.grad.asnumpy(), a, rtol=1e-6)
    with autograd.train_mode():
        assert (layer(x).asnumpy() == 0).any()


def test_dropout_axes_share_the_mask():
    layer = nn.Dropout(0.5, axes=(1,))
    with autograd.record():
        y = layer(np.ones((64, 50))).asnumpy()
    assert all(len(set(row.tolist())) == 1 for row in y)      # a row is all kept or all dropped
    assert set(y[:, 0].tolist()) == {0.0, 2.0}


def test_dropout_repr_and_bad_rate():
    assert repr(nn.Dropout(0.5)) == "Dropout(p = 0.5, axes=())"
    assert repr(nn.Dropout(0.2, axes=(1,))) == "Dropout(p = 0.2, axes=(1,))"
    raises(ValueError, npx.dropout, np.ones(2), p=1.5)
    x = np.ones((3, 3))
    onp.testing.assert_array_equal(nn.Dropout(0.0)(x).asnumpy(), x.asnumpy())


def test_npx_dropout_modes():
    x = np.ones((100, 100))
    onp.testing.assert_array_equal(npx.dropout(x, p=0.5).asnumpy(), x.asnumpy())
    always = npx.dropout(x, p=0.5, mode="always").asnumpy()
    assert set(onp.unique(always).tolist()) == {0.0, 2.0}


# ---- Flatten, Lambda, HybridLambda, Identity ---------------------------------------------------------


def test_flatten():
    x = rand(2, 3, 4)
    layer = nn.Flatten()
    assert repr(layer) == "Flatten"
    onp.testing.assert_array_equal(layer(np.array(x)).asnumpy(), x.reshape(2, 12))
    assert layer(np.ones((5,))).shape == (5, 1)
    check_grads(layer, x)


def test_lambda_and_hybrid_lambda():
    x = rand(2, 3)
    lam = nn.Lambda(lambda v: v * 2)
    assert repr(lam) == "Lambda(<lambda>)" and isinstance(lam, nn.Block)
    onp.testing.assert_allclose(lam(np.array(x)).asnumpy(), x * 2)
    by_name = nn.Lambda("exp")
    assert repr(by_name) == "Lambda(exp)"
    onp.testing.assert_allclose(by_name(np.array(x)).asnumpy(), onp.exp(x), rtol=1e-12)
    check_grads(by_name, x)
    hl = nn.HybridLambda(lambda F, v: F.np.tanh(v) + F.npx.relu(v))
    assert repr(hl) == "HybridLambda(<lambda>)" and isinstance(hl, nn.HybridBlock)
    onp.testing.assert_allclose(hl(np.array(x)).asnumpy(), onp.tanh(x) + onp.maximum(x, 0), rtol=1e-12)
    hl_name = nn.HybridLambda("tanh")
    assert repr(hl_name) == "HybridLambda(tanh)"
    check_grads(hl_name, x)
    raises(ValueError, nn.Lambda, "no_such_operator")
    raises(ValueError, nn.Lambda, 3)
    raises(ValueError, nn.HybridLambda, 3)
    npx.reset_np()
    out = nn.Lambda("tanh")(nd.array(x))
    assert type(out) is nd.NDArray


def test_identity():
    x = np.array([1.0, 2.0])
    assert nn.Identity()(x) is x


# ---- BatchNorm ------------------------------------------------------------------------------------


def np_batch_norm(x, gamma, beta, mean, var, eps, axis):
    shape = [1] * x.ndim
    shape[axis] = -1
    r = lambda v: v.reshape(shape)  # noqa: E731
    return (x - r(mean)) / onp.sqrt(r(var) + eps) * r(gamma) + r(beta)


@pytest.mark.parametrize("axis, shape", [(1, (4, 3)), (1, (2, 3, 2, 2)), (-1, (3, 2, 4))])
def test_batch_norm_training_and_prediction(axis, shape):
    net = nn.BatchNorm(axis=axis, momentum=0.8, gamma_initializer=init.Constant(1.5),
                       beta_initializer=init.Constant(0.25))
    net.initialize()
    net.cast("float64")
    x = rand(*shape, seed=3) * 3 + 1
    red = tuple(a for a in range(x.ndim) if a != axis % x.ndim)
    c = x.shape[axis]
    gamma, beta = onp.full(c, 1.5), onp.full(c, 0.25)
    # Prediction: running statistics (zeros and ones at first).
    pred = net(np.array(x)).asnumpy()
    onp.testing.assert_allclose(pred, np_batch_norm(x, gamma, beta, onp.zeros(c), onp.ones(c), 1e-5, axis % x.ndim),
                                rtol=1e-12)
    # Training: batch statistics (biased variance), and the running ones move by the momentum.
    with autograd.record():
        train = net(np.array(x))
    mean, var = x.mean(axis=red), x.var(axis=red)
    onp.testing.assert_allclose(train.asnumpy(), np_batch_norm(x, gamma, beta, mean, var, 1e-5, axis % x.ndim),
                                rtol=1e-10)
    onp.testing.assert_allclose(net.running_mean.data().asnumpy(), 0.2 * mean, rtol=1e-12)
    onp.testing.assert_allclose(net.running_var.data().asnumpy(), 0.8 + 0.2 * var, rtol=1e-12)
    pred = net(np.array(x)).asnumpy()
    onp.testing.assert_allclose(pred, np_batch_norm(x, gamma, beta, 0.2 * mean, 0.8 + 0.2 * var, 1e-5,
                                                    axis % x.ndim), rtol=1e-12)


def test_batch_norm_running_stats_match_mxnet():
    net = nn.BatchNorm(in_channels=2)
    net.initialize()
    x = np.array([[1.0, 2.0], [3.0, 6.0], [2.0, 1.0]])
    with autograd.record():
        y = net(x)
    y.backward()
    # MXNet 1.9.1 after one record + backward.
    onp.testing.assert_allclose(net.running_mean.data().asnumpy(), [0.2, 0.3], rtol=1e-6)
    onp.testing.assert_allclose(net.running_var.data().asnumpy(), [0.9666667, 1.3666668], rtol=1e-6)
    # use_global_stats normalizes with the running statistics even while training.
    g = nn.BatchNorm(in_channels=2, use_global_stats=True)
    g.initialize()
    with autograd.record():
        y = g(x)
    onp.testing.assert_allclose(y.asnumpy(), x.asnumpy() / onp.sqrt(1 + 1e-5), rtol=1e-6)
    onp.testing.assert_array_equal(g.running_mean.data().asnumpy(), [0.0, 0.0])


@pytest.mark.parametrize("train", [True, False])
def test_batch_norm_gradients(train):
    net = nn.BatchNorm(gamma_initializer=init.Constant(1.3), beta_initializer=init.Constant(-0.2),
                       running_mean_initializer=init.Constant(0.1), running_variance_initializer=init.Constant(2.0))
    net.initialize()
    net.cast("float64")
    x = rand(4, 3, 2, seed=5)
    net(np.array(x))
    assert [p.grad_req for p in net.collect_params().values()] == ["write", "write", "null", "null"]
    check_grads(net, x, train=train, rtol=1e-5, atol=1e-7)


def test_batch_norm_without_scale_and_center():
    net = nn.BatchNorm(scale=False, center=False, in_channels=2)
    net.initialize()
    assert net.gamma.grad_req == "null" and net.beta.grad_req == "null"
    x = rand(5, 2, seed=2)
    with autograd.record():
        y = net(np.array(x, dtype="float32"))
    ref = (x - x.mean(0)) / onp.sqrt(x.var(0) + 1e-5)
    onp.testing.assert_allclose(y.asnumpy(), ref, rtol=1e-4, atol=1e-5)


def test_batch_norm_reprs():
    assert repr(nn.BatchNorm()) == ("BatchNorm(axis=1, eps=1e-05, momentum=0.9, fix_gamma=False, "
                                    "use_global_stats=False, in_channels=-1)")
    assert repr(nn.BatchNorm(in_channels=3, momentum=0.8, epsilon=1e-3, scale=False)) == (
        "BatchNorm(axis=1, eps=0.001, momentum=0.8, fix_gamma=True, use_global_stats=False, in_channels=3)")
    bn = nn.BatchNorm()
    bn.initialize()
    bn(np.ones((2, 5)))
    assert repr(bn).endswith("in_channels=5)")
    assert list(bn.collect_params()) == ["batchnorm2_gamma", "batchnorm2_beta", "batchnorm2_running_mean",
                                         "batchnorm2_running_var"]
    npx.reset_np()
    # MXNet prints None for an unknown channel count in legacy mode.
    assert repr(nn.BatchNorm()) == ("BatchNorm(axis=1, eps=1e-05, momentum=0.9, fix_gamma=False, "
                                    "use_global_stats=False, in_channels=None)")


# ---- LayerNorm ------------------------------------------------------------------------------------


@pytest.mark.parametrize("axis, shape", [(-1, (3, 5)), (1, (2, 4, 3))])
def test_layer_norm_against_numpy_and_finite_differences(axis, shape):
    net = nn.LayerNorm(axis=axis, gamma_initializer=init.Normal(1.0), beta_initializer=init.Normal(1.0))
    net.initialize()
    x = rand(*shape, seed=4) * 2
    net(np.array(x, dtype="float32"))        # deferred init in float32, then the float64 check
    net.cast("float64")
    out = net(np.array(x)).asnumpy()
    mean = x.mean(axis=axis, keepdims=True)
    var = x.var(axis=axis, keepdims=True)
    bshape = [1] * x.ndim
    bshape[axis] = -1
    g = net.gamma.data().asnumpy().reshape(bshape)
    b = net.beta.data().asnumpy().reshape(bshape)
    onp.testing.assert_allclose(out, (x - mean) / onp.sqrt(var + 1e-5) * g + b, rtol=1e-10)
    check_grads(net, x, rtol=1e-5, atol=1e-7)


def test_layer_norm_reprs():
    assert repr(nn.LayerNorm()) == "LayerNorm(eps=1e-05, axis=-1, center=True, scale=True, in_channels=-1)"
    assert repr(nn.LayerNorm(in_channels=3)) == "LayerNorm(eps=1e-05, axis=-1, center=True, scale=True, in_channels=3)"
    npx.reset_np()
    assert repr(nn.LayerNorm()) == "LayerNorm(eps=1e-05, axis=-1, center=True, scale=True, in_channels=0)"


# ---- Embedding ------------------------------------------------------------------------------------


def test_embedding_against_numpy_and_gradients():
    net = nn.Embedding(5, 3, dtype="float64", weight_initializer=init.Normal(1.0))
    net.initialize()
    w = net.weight.data().asnumpy()
    idx = onp.array([[0, 4], [2, 2]])
    out = net(np.array(idx))
    assert out.shape == (2, 2, 3) and out.dtype == onp.float64
    onp.testing.assert_array_equal(out.asnumpy(), w[idx])
    # Repeated indices add up in the weight gradient.
    R = rand(2, 2, 3, seed=9)
    with autograd.record():
        loss = (net(np.array(idx)) * np.array(R)).sum()
    loss.backward()
    expected = onp.zeros((5, 3))
    onp.add.at(expected, idx.ravel(), R.reshape(-1, 3))
    onp.testing.assert_allclose(net.weight.grad().asnumpy(), expected, rtol=1e-12)
    check_grads(net, idx.astype("float64"), wrt_input=False)


def test_embedding_clips_indices_as_mxnet():
    net = nn.Embedding(3, 2)
    net.initialize(init.Constant(np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])))
    onp.testing.assert_array_equal(net(np.array([0, 2, 5, -1])).asnumpy(), [[1, 2], [5, 6], [5, 6], [1, 2]])


def test_layers_answer_ndarrays_in_legacy_mode():
    npx.reset_np()
    x = nd.array([[1.0, 2.0, 3.0], [0.0, 1.0, 5.0]])
    for layer in [nn.Dense(2), nn.Dense(2, flatten=False), nn.Activation("softrelu"), nn.BatchNorm(),
                  nn.LayerNorm(), nn.Embedding(6, 2), nn.Flatten(), nn.Dropout(0.5), nn.LeakyReLU(0.1), nn.PReLU(),
                  nn.ELU(), nn.GELU(), nn.Swish(), nn.SELU(), nn.HybridLambda("tanh"), nn.Lambda("exp")]:
        layer.initialize()
        with autograd.record():
            assert isinstance(layer(x), nd.NDArray), type(layer).__name__
        assert isinstance(layer(x), nd.NDArray), type(layer).__name__


def test_embedding_repr_and_params():
    assert repr(nn.Embedding(10, 4)) == "Embedding(10 -> 4, float32)"
    assert repr(nn.Embedding(10, 4, dtype="float64")) == "Embedding(10 -> 4, float64)"
    e = nn.Embedding(10, 4)
    assert repr(e.weight) == "Parameter embedding2_weight (shape=(10, 4), dtype=float32)"


# ---- npx functional forms ---------------------------------------------------------------------------


def test_npx_fully_connected():
    x = np.array([[0.5, -1.0], [2.0, 3.0]])
    onp.testing.assert_array_equal(npx.fully_connected(x, np.ones((3, 2)), np.zeros(3), num_hidden=3).asnumpy(),
                                   [[-0.5] * 3, [5.0] * 3])
    onp.testing.assert_array_equal(
        npx.fully_connected(x, np.ones((3, 2)), np.ones(3), num_hidden=3, no_bias=True).asnumpy(),
        [[-0.5] * 3, [5.0] * 3])
    x3 = rand(2, 2, 3)
    w = rand(4, 6, seed=1)
    onp.testing.assert_allclose(npx.fully_connected(np.array(x3), np.array(w), None, flatten=True).asnumpy(),
                                x3.reshape(2, 6) @ w.T, rtol=1e-12)
    w2 = rand(4, 3, seed=1)
    onp.testing.assert_allclose(npx.fully_connected(np.array(x3), np.array(w2), None, flatten=False).asnumpy(),
                                x3 @ w2.T, rtol=1e-12)
    raises(ValueError, npx.fully_connected, x, np.ones((3, 2)), None, num_hidden=4)
    raises(ValueError, npx.fully_connected, x, np.ones((3, 5)), None)


@settings(max_examples=15, deadline=None)
@given(st.integers(1, 4), st.integers(1, 4), st.integers(1, 4), st.booleans())
def test_npx_fully_connected_gradients(batch, n_in, n_out, with_bias):
    x = np.array(rand(batch, n_in, seed=batch))
    w = np.array(rand(n_out, n_in, seed=n_in + 10))
    b = np.array(rand(n_out, seed=n_out + 20))
    for a in (x, w, b):
        a.attach_grad()
    R = rand(batch, n_out, seed=3)
    with autograd.record():
        loss = (npx.fully_connected(x, w, b if with_bias else None, num_hidden=n_out) * np.array(R)).sum()
    loss.backward()
    onp.testing.assert_allclose(x.grad.asnumpy(), R @ w.asnumpy(), rtol=1e-12)
    onp.testing.assert_allclose(w.grad.asnumpy(), R.T @ x.asnumpy(), rtol=1e-12)
    if with_bias:
        onp.testing.assert_allclose(b.grad.asnumpy(), R.sum(0), rtol=1e-12)


def test_npx_batch_norm_layer_norm_embedding():
    x = np.array([[0.5, -1.0], [2.0, 3.0]])
    # MXNet 1.9.1's values (prediction mode: running statistics).
    out = npx.batch_norm(x, np.ones(2) * 2, np.zeros(2), np.zeros(2), np.ones(2), fix_gamma=False)
    onp.testing.assert_allclose(out.asnumpy(), [[0.9995004, -1.9990008], [3.9980016, 5.9970026]], rtol=1e-6)
    fixed = npx.batch_norm(x, np.ones(2) * 2, np.zeros(2), np.zeros(2), np.ones(2))   # fix_gamma=True default
    onp.testing.assert_allclose(fixed.asnumpy(), x.asnumpy() / onp.sqrt(1 + 1e-3), rtol=1e-6)
    onp.testing.assert_allclose(npx.layer_norm(x, np.ones(2), np.zeros(2)).asnumpy(),
                                [[0.9999911, -0.9999911], [-0.99998, 0.99998]], rtol=1e-5)
    onp.testing.assert_array_equal(
        npx.embedding(np.array([1, 0]), np.array([[1.0, 2.0], [3.0, 4.0]]), input_dim=2, output_dim=2).asnumpy(),
        [[3.0, 4.0], [1.0, 2.0]])
    rm, rv = np.zeros(2), np.ones(2)
    with autograd.train_mode():
        out, mean, var = npx.batch_norm(x, np.ones(2), np.zeros(2), rm, rv, output_mean_var=True, momentum=0.5)
    # MXNet 1.9.1's third output is the inverse standard deviation 1/sqrt(var + eps), not the
    # variance (batch variances 0.5625 and 4.0 here); in prediction, that of the running variance.
    onp.testing.assert_allclose(out.asnumpy(), [[-0.9991123, -0.99987507], [0.9991123, 0.99987507]], rtol=1e-6)
    onp.testing.assert_allclose(mean.asnumpy(), [1.25, 1.0])
    onp.testing.assert_allclose(var.asnumpy(), [1.3321497, 0.49993753], rtol=1e-6)
    out, mean, var = npx.batch_norm(x, np.ones(2), np.zeros(2), np.ones(2), np.ones(2) * 4, output_mean_var=True)
    onp.testing.assert_allclose(out.asnumpy(), [[-0.24996877, -0.99987507], [0.49993753, 0.99987507]], rtol=1e-6)
    onp.testing.assert_allclose(mean.asnumpy(), [1.0, 1.0])
    onp.testing.assert_allclose(var.asnumpy(), [0.49993753, 0.49993753], rtol=1e-6)
    onp.testing.assert_allclose(rm.asnumpy(), [0.625, 0.5])
    raises(ValueError, npx.batch_norm, np.ones(3), np.ones(3), np.zeros(3), np.zeros(3), np.ones(3))

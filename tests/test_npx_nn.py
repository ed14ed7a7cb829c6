"""The functional layer forms in ``npx`` (``activation``, ``leaky_relu``, ``layer_norm``,
``batch_norm``, ``embedding``, ``fully_connected``) against NumPy over hypothesis-drawn shapes
(0-d and empty included) and views (strided, negative-step, transposed, broadcast) in both
float dtypes, and their gradients against central finite differences in float64."""

import numpy as onp
import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import shapes, views
from deepblocks import autograd, npx
from deepblocks import np as dnp
from test_autograd_grads import check_grad

floats = st.sampled_from(["float32", "float64"])


def _close(dev, host, dtype):
    tol = 1e-5 if dtype == "float32" else 1e-10
    got = dev.asnumpy()
    assert got.shape == host.shape and got.dtype == onp.dtype(dtype)
    onp.testing.assert_allclose(got.astype("float64"), host.astype("float64"), rtol=tol, atol=tol)


_ACT = {
    "relu": lambda x: onp.maximum(x, 0),
    "sigmoid": lambda x: 1 / (1 + onp.exp(-x)),
    "tanh": onp.tanh,
    "softrelu": lambda x: onp.logaddexp(0, x),
    "softsign": lambda x: x / (1 + onp.abs(x)),
}


@given(data=st.data(), shape=shapes(), dtype=floats, act=st.sampled_from(sorted(_ACT)))
def test_activation(data, shape, dtype, act):
    host, dev = data.draw(views(dtype, shape, small=True))
    _close(npx.activation(dev, act), _ACT[act](host.astype("float64")).astype(dtype), dtype)


_LEAKY = {
    "leaky": lambda x, s: onp.where(x > 0, x, s * x),
    "elu": lambda x, s: onp.where(x > 0, x, s * onp.expm1(onp.minimum(x, 0))),
    "selu": lambda x, s: 1.0507009873554805 * onp.where(x > 0, x, 1.6732632423543772 * onp.expm1(onp.minimum(x, 0))),
    "gelu": lambda x, s: 0.5 * x * (1 + onp.tanh(0.7978845608028654 * (x + 0.044715 * x ** 3))),
}


@given(data=st.data(), shape=shapes(), dtype=floats, kind=st.sampled_from(sorted(_LEAKY)),
       slope=st.floats(0.0, 1.0))
def test_leaky_relu_family(data, shape, dtype, kind, slope):
    host, dev = data.draw(views(dtype, shape, small=True))
    want = _LEAKY[kind](host.astype("float64"), slope).astype(dtype)
    _close(npx.leaky_relu(dev, kind, slope=slope), want, dtype)


@given(data=st.data(), shape=shapes(min_dims=1, min_side=1), dtype=floats)
def test_layer_norm(data, shape, dtype):
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    host, dev = data.draw(views(dtype, shape, small=True))
    c = shape[axis]
    hg, dg = data.draw(views(dtype, (c,), small=True))
    hb, db = data.draw(views(dtype, (c,), small=True))
    x = host.astype("float64")
    mean = x.mean(axis=axis, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=axis, keepdims=True)
    bshape = [1] * len(shape)
    bshape[axis] = c
    want = (x - mean) / onp.sqrt(var + 1e-5) * hg.reshape(bshape) + hb.reshape(bshape)
    got = npx.layer_norm(dev, dg, db, axis=axis, eps=1e-5)
    # Normalizing divides the rounding error of x - mean by the deviation: bound it by that.
    eps = onp.finfo(dtype).eps
    amplified = 8 * eps * onp.abs(x).max(axis=axis, keepdims=True) / onp.sqrt(var + 1e-5)
    bound = (amplified + 8 * eps) * onp.abs(hg.reshape(bshape)) + 8 * eps * (1 + onp.abs(want))
    assert onp.all(onp.abs(got.asnumpy().astype("float64") - want) <= bound)


@given(data=st.data(), shape=shapes(min_dims=2, min_side=1, max_side=3), dtype=floats, training=st.booleans())
def test_batch_norm(data, shape, dtype, training):
    host, dev = data.draw(views(dtype, shape, small=True))
    c = shape[1]
    hg, dg = data.draw(views(dtype, (c,), small=True))
    hb, db = data.draw(views(dtype, (c,), small=True))
    rm, rv = onp.linspace(-1, 1, c).astype(dtype), onp.linspace(0.5, 2, c).astype(dtype)
    run_mean, run_var = dnp.array(rm), dnp.array(rv)
    x = host.astype("float64")
    red = tuple(a for a in range(len(shape)) if a != 1)
    bshape = [1] * len(shape)
    bshape[1] = c
    if training:
        mean, var = x.mean(axis=red), x.var(axis=red)
    else:
        mean, var = rm.astype("float64"), rv.astype("float64")
    want = (x - mean.reshape(bshape)) / onp.sqrt(var.reshape(bshape) + 1e-3) * hg.reshape(bshape) + hb.reshape(bshape)
    with autograd.train_mode() if training else autograd.predict_mode():
        got = npx.batch_norm(dev, dg, db, run_mean, run_var, eps=1e-3, momentum=0.9, fix_gamma=False)
    eps = onp.finfo(dtype).eps
    amplified = 16 * eps * onp.abs(x).max() / onp.sqrt(var.reshape(bshape) + 1e-3)
    bound = (amplified + 8 * eps) * onp.abs(hg.reshape(bshape)) + 8 * eps * (1 + onp.abs(want))
    assert onp.all(onp.abs(got.asnumpy().astype("float64") - want) <= bound)
    tol = 1e-4 if dtype == "float32" else 1e-9
    if training:   # running statistics move towards the batch's
        onp.testing.assert_allclose(run_mean.asnumpy(), 0.9 * rm + 0.1 * mean, rtol=tol, atol=tol)
        onp.testing.assert_allclose(run_var.asnumpy(), 0.9 * rv + 0.1 * var, rtol=tol, atol=tol)
    else:
        assert onp.array_equal(run_mean.asnumpy(), rm) and onp.array_equal(run_var.asnumpy(), rv)


@given(data=st.data(), idx_shape=shapes(max_dims=3), dtype=floats, idx_dtype=st.sampled_from(["int32", "int64"]))
def test_embedding(data, idx_shape, dtype, idx_dtype):
    rows, dim = data.draw(st.integers(1, 5)), data.draw(st.integers(1, 4))
    hw, dw = data.draw(views(dtype, (rows, dim)))
    hi, di = data.draw(views(idx_dtype, idx_shape))
    got = npx.embedding(di, dw, rows, dim)
    want = hw[onp.clip(hi, 0, rows - 1)]      # out-of-range indices are clipped, as in MXNet
    assert got.shape == want.shape and onp.array_equal(got.asnumpy(), want)


@given(data=st.data(), batch=st.integers(0, 3), tail=shapes(min_dims=1, max_dims=3, min_side=1, max_side=3), dtype=floats)
def test_fully_connected_flattens_trailing_axes(data, batch, tail, dtype):
    host, dev = data.draw(views(dtype, (batch,) + tail, small=True))
    k = int(onp.prod(tail))
    hw, dw = data.draw(views(dtype, (3, k), small=True))
    got = npx.fully_connected(dev, dw, None, num_hidden=3, no_bias=True)
    want = host.reshape(batch, k).astype("float64") @ hw.astype("float64").T
    onp.testing.assert_allclose(got.asnumpy().astype("float64"), want, rtol=1e-4, atol=1e-3)


# ---- gradients (float64, central differences) ----------------------------------------------------


@pytest.mark.parametrize("act", ["sigmoid", "tanh", "softrelu", "softsign"])
def test_activation_gradients(act):
    x = onp.random.default_rng(0).normal(size=(3, 4))
    check_grad(lambda x: npx.activation(x, act), x)


@pytest.mark.parametrize("kind", ["leaky", "elu", "selu", "gelu"])
def test_leaky_relu_gradients(kind):
    x = onp.random.default_rng(1).normal(size=(3, 4))
    x = onp.where(onp.abs(x) < 0.1, 0.5, x)     # away from the kink at 0
    check_grad(lambda x: npx.leaky_relu(x, kind, slope=0.2), x)


@pytest.mark.parametrize("axis", [-1, 0, 1])
def test_layer_norm_gradients(axis):
    rng = onp.random.default_rng(2)
    x, g, b = rng.normal(size=(3, 4, 2)), rng.normal(size=(3, 4, 2)[axis]), rng.normal(size=(3, 4, 2)[axis])
    check_grad(lambda x, g, b: npx.layer_norm(x, g, b, axis=axis), x, g, b, rtol=1e-5, atol=1e-6)


def test_batch_norm_gradients_in_training_mode():
    rng = onp.random.default_rng(3)
    x, g, b = rng.normal(size=(4, 3, 2)), rng.normal(size=3), rng.normal(size=3)

    def f(x, g, b):
        rm, rv = dnp.zeros(3, dtype="float64"), dnp.ones(3, dtype="float64")
        return npx.batch_norm(x, g, b, rm, rv, eps=1e-3, fix_gamma=False)

    with autograd.train_mode():
        check_grad(f, x, g, b, rtol=1e-5, atol=1e-6)


def test_embedding_gradient_sums_repeated_rows():
    w = dnp.array(onp.arange(8.0).reshape(4, 2))
    w.attach_grad()
    with autograd.record():
        out = npx.embedding(dnp.array([[1, 3], [1, 0]]), w, 4, 2)
    out.backward()
    onp.testing.assert_array_equal(w.grad.asnumpy(), [[1, 1], [2, 2], [0, 0], [1, 1]])


@pytest.mark.parametrize("shape, axis", [((2, 3, 2, 2), 1), ((2, 2, 2, 3, 2), 1), ((3, 2, 4), -1), ((4, 3), 0)])
def test_batch_norm_gradients_of_every_input_in_training_mode(shape, axis):
    """One engine op, forward and backward: data, gamma and beta against finite differences
    (the running statistics move during training, so each evaluation starts from fresh ones;
    prediction mode is checked through nn.BatchNorm in test_gluon_conv_layers.py)."""
    rng = onp.random.default_rng(len(shape) + axis)
    c = shape[axis]
    x, g, b = rng.normal(size=shape), rng.normal(size=c), rng.normal(size=c)

    def f(x, g, b):
        rm, rv = dnp.array(onp.linspace(-0.5, 0.5, c)), dnp.array(onp.linspace(0.5, 2.0, c))
        return npx.batch_norm(x, g, b, rm, rv, eps=1e-3, fix_gamma=False, axis=axis)

    with autograd.train_mode():
        check_grad(f, x, g, b, rtol=1e-5, atol=1e-6)


def test_batch_norm_fix_gamma_ignores_gamma_and_gives_it_no_gradient():
    x = dnp.array(onp.random.default_rng(0).normal(size=(4, 2, 3)))
    g = dnp.array([3.0, -2.0], dtype="float64")
    for a in (x, g):
        a.attach_grad()
    rm, rv = dnp.zeros(2, dtype="float64"), dnp.ones(2, dtype="float64")
    with autograd.record():
        y = npx.batch_norm(x, g, dnp.zeros(2, dtype="float64"), rm, rv, eps=1e-3, fix_gamma=True)
    y.backward(dnp.array(onp.random.default_rng(1).normal(size=(4, 2, 3))))
    xs = x.asnumpy()
    want = (xs - xs.mean((0, 2), keepdims=True)) / onp.sqrt(xs.var((0, 2), keepdims=True) + 1e-3)
    onp.testing.assert_allclose(y.asnumpy(), want, rtol=1e-10)
    assert onp.array_equal(g.grad.asnumpy(), [0.0, 0.0])


def test_legacy_batch_norm_answers_ndarrays():
    from deepblocks import nd

    x = nd.array([[0.5, -1.0], [2.0, 3.0]])
    out = nd.BatchNorm(x, nd.ones(2), nd.zeros(2), nd.zeros(2), nd.ones(2))
    assert type(out) is nd.NDArray
    with autograd.train_mode():
        parts = nd.BatchNorm(x, nd.ones(2), nd.zeros(2), nd.zeros(2), nd.ones(2), output_mean_var=True)
    assert isinstance(parts, list) and [type(p) for p in parts] == [nd.NDArray] * 3
    onp.testing.assert_allclose(parts[2].asnumpy(), [1.3321497, 0.49993753], rtol=1e-6)   # MXNet 1.9.1's


def test_layer_norm_output_mean_var_gives_the_std():
    # Recorded from MXNet 1.9.1 (npx.layer_norm and nd.LayerNorm): [out, mean, sqrt(var + eps)].
    from deepblocks import nd

    x = [[-1.0, 2.0], [3.0, -4.0]]
    out, mean, std = npx.layer_norm(dnp.array(x), dnp.ones(2), dnp.zeros(2), output_mean_var=True)
    onp.testing.assert_allclose(mean.asnumpy(), [[0.5], [-0.5]])
    onp.testing.assert_allclose(std.asnumpy(), [[1.5000033], [3.5000014]], rtol=1e-6)
    parts = nd.LayerNorm(nd.array(x), nd.ones(2), nd.zeros(2), output_mean_var=True)
    assert isinstance(parts, list) and [type(p) for p in parts] == [nd.NDArray] * 3
    onp.testing.assert_allclose(parts[0].asnumpy(), [[-0.9999978, 0.9999978], [0.9999996, -0.9999996]], rtol=1e-6)
    onp.testing.assert_allclose(parts[2].asnumpy(), [[1.5000033], [3.5000014]], rtol=1e-6)


def test_legacy_layer_operators_answer_ndarrays_as_mxnet():
    # Values recorded from MXNet 1.9.1.
    from deepblocks import nd

    w = nd.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    e = nd.Embedding(nd.array([[2, 0], [1, 1]]), w, input_dim=3, output_dim=2)
    assert type(e) is nd.NDArray and e.asnumpy().tolist() == [[[5, 6], [1, 2]], [[3, 4], [3, 4]]]
    x = nd.ones((2, 2, 3))
    assert nd.FullyConnected(x, nd.ones((4, 6)), nd.zeros(4), num_hidden=4).shape == (2, 4)
    assert nd.FullyConnected(x, nd.ones((4, 3)), no_bias=True, num_hidden=4, flatten=False).shape == (2, 2, 4)
    onp.testing.assert_allclose(nd.LeakyReLU(nd.array([-2.0, 1.0]), act_type="elu", slope=0.5).asnumpy(),
                                [-0.43233237, 1.0], rtol=1e-6)
    onp.testing.assert_allclose(nd.LeakyReLU(nd.array([[-2.0, 1.0]]), nd.array([0.3]), act_type="prelu").asnumpy(),
                                [[-0.6, 1.0]], rtol=1e-6)
    assert nd.Dropout(nd.ones((2, 2)), p=0.5).asnumpy().tolist() == [[1, 1], [1, 1]]   # prediction
    assert set(nd.Dropout(nd.ones((100,)), p=0.5, mode="always").asnumpy().tolist()) == {0.0, 2.0}
    out = nd.zeros((2, 4))
    nd.FullyConnected(nd.ones((2, 3)), nd.ones((4, 3)), nd.zeros(4), num_hidden=4, out=out)
    assert out.asnumpy().tolist() == [[3.0] * 4] * 2

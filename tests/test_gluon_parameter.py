"""gluon.Parameter, Constant, ParameterDict and ParameterList against MXNet 1.9.1's observed
behaviour: live ``data()``, ``grad()``, ``set_data``, unknown dims (-1 in numpy mode, 0 in
legacy mode), ``grad_req``, ``initialize`` (own initializer beats the global one, a second call
warns), devices, ``cast``; deferred initialization for every Block (the initializer runs once,
MXNet's error texts plus the structural path); initializers through ``net.initialize``.
"""


import numpy as onp
import pytest

from conftest import raises
from deepblocks import autograd, gluon, init, nd, np, npx
from deepblocks.base import MXNetError
from deepblocks.gluon import DeferredInitializationError
from deepblocks.gluon import nn

NOT_INITIALIZED = ("has not been initialized. Note that you should initialize parameters and create Trainer with "
                   "Block.collect_params() instead of Block.params because the later does not include Parameters "
                   "of nested child Blocks")
DEFERRED = ("has not been initialized yet because initialization was deferred. Actual initialization happens during "
            "the first forward pass. Please pass one batch of data through the network before accessing Parameters. "
            "You can also avoid deferred initialization by specifying in_units, num_features, etc., for network "
            "layers.")


pytestmark = pytest.mark.usefixtures("gluon_state")


@pytest.fixture
def legacy():
    npx.reset_np()


def mlp():
    net = nn.Sequential()
    net.add(nn.Dense(256, activation="relu"), nn.Dense(10))
    return net


class CountingInit(init.Initializer):
    """d2l's MyInit, counting its calls."""

    def __init__(self):
        super().__init__()
        self.calls = []

    def _init_weight(self, name, data):
        self.calls.append((str(name), tuple(data.shape)))
        data[:] = 0.25


# ---- Parameter ----------------------------------------------------------------------------------


def test_parameter_defaults_and_repr():
    w = gluon.Parameter("myweight", shape=(2, 3))
    assert repr(w) == "Parameter myweight (shape=(2, 3), dtype=<class 'numpy.float32'>)"
    assert (w.name, w.grad_req, w.lr_mult, w.wd_mult, w.init) == ("myweight", "write", 1.0, 1.0, None)
    assert w.shape == (2, 3)
    assert repr(nn.Dense(3, in_units=4).weight) == "Parameter dense0_weight (shape=(3, 4), dtype=float32)"
    c = gluon.Constant("c", np.ones((2, 2)))
    assert repr(c) == "Constant c (shape=(2, 2), dtype=float32)" and c.grad_req == "null"


def test_data_is_live_storage():
    net = mlp()
    net.initialize()
    net(np.ones((2, 4)))
    w = net[0].weight
    before = w.data().asnumpy().copy()
    w.data()[:] += 1                                # d2l's parameters.md cells
    w.data()[0, 0] = 42
    expected = before + 1
    expected[0, 0] = 42
    onp.testing.assert_array_equal(w.data().asnumpy(), expected)
    out = net(np.ones((1, 4)))
    manual = onp.maximum(onp.ones((1, 4)) @ expected.T, 0) @ net[1].weight.data().asnumpy().T
    onp.testing.assert_allclose(out.asnumpy(), manual, rtol=1e-5, atol=1e-5)
    assert w.data().ctx == npx.cpu(0)


def test_grad_buffer_and_data_grad():
    net = mlp()
    net.initialize()
    x = np.ones((2, 4))
    assert (net(x) is not None) and (net[1].weight.grad().asnumpy() == 0).all()
    with autograd.record():
        y = net(x).sum()
    y.backward()
    g = net[1].weight.grad()
    assert g.shape == (10, 256)
    # The data array carries the gradient link (d2l's clip_gradients uses p.data().grad).
    onp.testing.assert_array_equal(net[1].weight.data().grad.asnumpy(), g.asnumpy())
    # d/db sum(W h + b) = batch size.
    onp.testing.assert_array_equal(net[1].bias.grad().asnumpy(), onp.full(10, 2.0))
    net[1].bias.grad()[:] *= 0.5                    # the buffer is live too
    onp.testing.assert_array_equal(net[1].bias.grad().asnumpy(), onp.full(10, 1.0))


def test_grad_req_null_and_add():
    w = gluon.Parameter("w", shape=(2,))
    w.initialize(init.One())
    w.grad_req = "null"
    raises(RuntimeError, w.grad, contains="Cannot get gradient array for Parameter 'w' because grad_req='null'")
    raises(RuntimeError, w.list_grad, contains="grad_req='null'")
    assert not w.requires_grad
    w.grad_req = "add"
    for _ in range(2):
        with autograd.record():
            (w.data() * 3).sum().backward()
    onp.testing.assert_array_equal(w.grad().asnumpy(), [6.0, 6.0])
    w.zero_grad()
    onp.testing.assert_array_equal(w.grad().asnumpy(), [0.0, 0.0])
    w.requires_grad = True
    assert w.grad_req == "write"
    raises(ValueError, setattr, w, "grad_req", "sometimes", contains="grad_req")


def test_non_differentiable_parameter_stays_null():
    w = gluon.Parameter("w", shape=(2,), differentiable=False)
    assert w.grad_req == "null"
    w.grad_req = "write"
    assert w.grad_req == "null"


def test_constant():
    c = gluon.Constant("c", [[1.0, 2.0]])
    assert c.shape == (1, 2)
    with pytest.warns(UserWarning) as rec:
        c.grad_req = "write"
    assert c.grad_req == "null"
    assert str(rec[0].message) == ('Constant parameter "c" does not support grad_req other than "null", and new '
                                   'value "write" is ignored.')
    c.initialize()
    onp.testing.assert_array_equal(c.data().asnumpy(), [[1.0, 2.0]])
    raises(RuntimeError, c.grad, contains="grad_req='null'")
    anonymous = gluon.Constant(np.zeros(3))             # Gluon 2.0 spelling
    anonymous.initialize()
    assert anonymous.shape == (3,)


def test_lr_mult_and_wd_mult_are_settable():
    w = gluon.Parameter("w", shape=(1,), lr_mult=0.5, wd_mult=0.0)
    assert (w.lr_mult, w.wd_mult) == (0.5, 0.0)
    w.lr_mult = 2.0
    assert w.lr_mult == 2.0


def test_set_data():
    w = gluon.Parameter("w", shape=(2, 2))
    w.initialize()
    w.set_data(np.full((2, 2), 3.0))
    onp.testing.assert_array_equal(w.data().asnumpy(), onp.full((2, 2), 3.0))
    raises(ValueError, w.set_data, np.ones((3, 2)), contains="incompatible")
    raises(RuntimeError, gluon.Parameter("u", shape=(1,)).set_data, np.ones(1), contains="not been initialized")


def test_set_data_before_deferred_init_is_kept():
    net = nn.Dense(2)
    net.initialize()
    net.weight.set_data(np.full((2, 3), 0.5))
    assert net.weight.shape == (2, 3)
    out = net(np.ones((1, 3)))
    onp.testing.assert_array_equal(out.asnumpy(), [[1.5, 1.5]])


def test_unknown_dims_are_minus_one_in_np_mode_and_zero_in_legacy(legacy):
    net = mlp()
    assert net[0].weight.shape == (256, 0)
    assert repr(net[0].weight) == "Parameter dense0_weight (shape=(256, 0), dtype=float32)"
    assert repr(net) == ("Sequential(\n  (0): Dense(None -> 256, Activation(relu))\n"
                         "  (1): Dense(None -> 10, linear)\n)")
    npx.set_np()
    assert net[0].weight.shape == (256, -1)
    assert gluon.Parameter("p", shape=(2, 0)).shape == (2, -1)
    assert gluon.Parameter("p", shape=(2, -1)).shape == (2, -1)
    raises(ValueError, gluon.Parameter, "p", shape=(2, -2))


def test_shape_setter_fills_unknown_dims_only():
    p = gluon.Parameter("p", shape=(3, -1), allow_deferred_init=True)
    p.shape = (3, 7)
    assert p.shape == (3, 7)
    raises(ValueError, setattr, p, "shape", (4, 7), contains="incompatible")
    raises(ValueError, setattr, p, "shape", (3, 7, 1), contains="incompatible")


def test_legacy_mode_data_is_ndarray(legacy):
    w = gluon.Parameter("w", shape=(2,))
    w.initialize(init.One())
    assert isinstance(w.data(), nd.NDArray) and isinstance(w.grad(), nd.NDArray)
    assert isinstance(w.list_data()[0], nd.NDArray)
    net = nn.Dense(2, in_units=2)
    net.initialize()
    assert isinstance(net(nd.ones((1, 2))), nd.NDArray)


# ---- initialize ----------------------------------------------------------------------------------


def test_second_initialize_warns_and_changes_nothing():
    w = gluon.Parameter("w", shape=(2, 3))
    w.initialize(init.One())
    with pytest.warns(UserWarning) as rec:
        w.initialize(init.Zero())
    assert [str(r.message) for r in rec] == [
        "Parameter 'w' is already initialized, ignoring. Set force_reinit=True to re-initialize."]
    onp.testing.assert_array_equal(w.data().asnumpy(), onp.ones((2, 3)))
    w.initialize(init.Zero(), force_reinit=True)
    onp.testing.assert_array_equal(w.data().asnumpy(), onp.zeros((2, 3)))

    net = mlp()
    net.initialize()
    with pytest.warns(UserWarning) as rec:
        net.initialize()
    # As in MXNet: the deferred weights are not initialized yet, so only the biases warn.
    assert [str(r.message).split(" is")[0] for r in rec] == ["Parameter 'dense0_bias'", "Parameter 'dense1_bias'"]


def test_own_initializer_beats_the_global_one():
    net = nn.Dense(3, in_units=2, weight_initializer=init.Constant(2.0), bias_initializer="ones")
    net.initialize(init.Constant(7.0))
    onp.testing.assert_array_equal(net.weight.data().asnumpy(), onp.full((3, 2), 2.0))
    onp.testing.assert_array_equal(net.bias.data().asnumpy(), onp.ones(3))
    plain = nn.Dense(3, in_units=2)
    plain.initialize(init.Constant(7.0))
    onp.testing.assert_array_equal(plain.weight.data().asnumpy(), onp.full((3, 2), 7.0))
    onp.testing.assert_array_equal(plain.bias.data().asnumpy(), onp.zeros(3))   # bias_initializer='zeros'


def test_parameter_initialize_arguments():
    w = gluon.Parameter("w", shape=(2, 2), init=init.One())
    w.initialize(default_init=init.Zero())                  # own init wins over default_init
    onp.testing.assert_array_equal(w.data().asnumpy(), onp.ones((2, 2)))
    u = gluon.Parameter("u_weight", shape=(2, 2))
    u.initialize(default_init=init.Constant(3.0))
    onp.testing.assert_array_equal(u.data().asnumpy(), onp.full((2, 2), 3.0))
    v = gluon.Parameter("v", shape=(2,))
    v.initialize(init="ones", ctx=npx.cpu(1))
    assert v.list_ctx() == [npx.cpu(1)] and v.data().ctx == npx.cpu(1)
    raises(ValueError, gluon.Parameter("q", shape=(2, -1)).initialize,
           contains="Cannot initialize Parameter 'q' because it has invalid shape: (2, -1).")


def test_subsets_reinitialized_as_in_d2l():
    net = mlp()
    net.initialize()
    net(np.ones((2, 20)))
    net[0].weight.initialize(init=init.Xavier(), force_reinit=True)
    net[1].initialize(init=init.Constant(42), force_reinit=True)
    onp.testing.assert_array_equal(net[1].weight.data().asnumpy(), onp.full((10, 256), 42.0))
    onp.testing.assert_array_equal(net[1].bias.data().asnumpy(), onp.zeros(10))
    bound = onp.sqrt(6.0 / (20 + 256))
    assert abs(net[0].weight.data().asnumpy()).max() <= bound


def test_custom_initializer_dispatch_and_biases_stay_zero():
    counting = CountingInit()
    net = mlp()
    net.initialize(counting)
    assert counting.calls == []                     # deferred: nothing runs before the first forward
    net(np.ones((2, 20)))
    # d2l's printout: 'Init dense0_weight (256, 20)' and 'Init dense1_weight (10, 256)', no biases.
    assert counting.calls == [("dense0_weight", (256, 20)), ("dense1_weight", (10, 256))]
    net(np.ones((2, 20)))
    assert len(counting.calls) == 2                 # exactly once
    assert (net[0].bias.data().asnumpy() == 0).all()
    assert (net[0].weight.data().asnumpy() == 0.25).all()


def test_default_initializer_is_uniform_007():
    net = nn.Dense(200, in_units=100)
    net.initialize()
    w = net.weight.data().asnumpy()
    assert abs(w).max() <= 0.07 and abs(w).max() > 0.06 and abs(w.mean()) < 0.005
    assert (net.bias.data().asnumpy() == 0).all()


@pytest.mark.parametrize("initializer, check", [
    (init.Zero(), lambda w: (w == 0).all()),
    (init.One(), lambda w: (w == 1).all()),
    (init.Constant(0.3), lambda w: onp.allclose(w, 0.3)),
    (init.Uniform(0.2), lambda w: abs(w).max() <= 0.2 and abs(w).max() > 0.18),
    (init.Normal(0.05), lambda w: abs(w.std() - 0.05) < 0.005 and abs(w.mean()) < 0.005),
    (init.Xavier(), lambda w: abs(w).max() <= onp.sqrt(6.0 / 300) and abs(w).max() > 0.9 * onp.sqrt(6.0 / 300)),
    (init.Xavier(rnd_type="gaussian", factor_type="in", magnitude=2),
     lambda w: abs(w.std() - onp.sqrt(2.0 / 100)) < 0.01),
    (init.MSRAPrelu(), lambda w: abs(w.std() - onp.sqrt(2.0 / 1.0625 / 150)) < 0.01),
    (init.Orthogonal(), lambda w: onp.allclose(w.T @ w, 1.414 ** 2 * onp.eye(100), atol=1e-4)),
])
def test_initializers_through_net_initialize(initializer, check):
    net = nn.Sequential()
    net.add(nn.Dense(200, activation="relu"))
    net.initialize(initializer)
    net(np.ones((1, 100)))
    w = net[0].weight.data().asnumpy().astype("float64")
    assert w.shape == (200, 100)
    assert check(w)
    assert (net[0].bias.data().asnumpy() == 0).all()


# ---- deferred initialization ---------------------------------------------------------------------


def test_deferred_init_errors_and_first_forward():
    net = mlp()
    w = net[0].weight
    raises(RuntimeError, w.data, contains=["Parameter 'dense0_weight'", NOT_INITIALIZED])
    net.initialize()
    e = raises(DeferredInitializationError, w.data, contains=["Parameter 'dense0_weight' (0.weight)", DEFERRED])
    assert isinstance(e, MXNetError) and isinstance(e, RuntimeError)
    raises(DeferredInitializationError, w.grad, contains=DEFERRED)
    assert w.list_ctx() == [npx.cpu(0)]
    net(np.random.uniform(size=(2, 20)))
    assert [p.shape for p in net.collect_params().values()] == [(256, 20), (256,), (10, 256), (10,)]
    assert repr(net.collect_params()) == (
        "sequential0_ (\n"
        "  Parameter dense0_weight (shape=(256, 20), dtype=float32)\n"
        "  Parameter dense0_bias (shape=(256,), dtype=float32)\n"
        "  Parameter dense1_weight (shape=(10, 256), dtype=float32)\n"
        "  Parameter dense1_bias (shape=(10,), dtype=float32)\n"
        ")")


def test_forward_without_initialize_is_the_mxnet_error():
    net = mlp()
    raises(RuntimeError, net, np.ones((2, 3)), contains=["Parameter 'dense0_weight'", NOT_INITIALIZED])


def test_forward_without_initialize_names_the_path():
    class Outer(nn.Block):
        def __init__(self):
            super().__init__()
            self.body = mlp()

        def forward(self, x):
            return self.body(x)

    raises(RuntimeError, Outer(), np.ones((2, 3)), contains="body.0.weight")


def test_error_carries_the_path_of_the_whole_model():
    class Outer(nn.Block):
        def __init__(self):
            super().__init__()
            self.body = mlp()

        def forward(self, x):
            return self.body(x)

    net = Outer()
    net.initialize()
    raises(DeferredInitializationError, net.body[1].weight.data, contains="'dense1_weight' (body.1.weight)")


@pytest.mark.parametrize("make, x, shapes", [
    (lambda: nn.Dense(3), onp.ones((2, 5)), [(3, 5), (3,)]),
    (lambda: nn.Dense(3, flatten=False), onp.ones((2, 4, 5)), [(3, 5), (3,)]),
    (lambda: nn.BatchNorm(), onp.ones((2, 4, 3)), [(4,)] * 4),
    (lambda: nn.BatchNorm(axis=-1), onp.ones((2, 4, 3)), [(3,)] * 4),
    (lambda: nn.LayerNorm(), onp.ones((2, 6)), [(6,), (6,)]),
    (lambda: nn.Sequential(nn.Dense(4), nn.Dense(2)), onp.ones((2, 5)), [(4, 5), (4,), (2, 4), (2,)]),
])
def test_deferred_shapes_for_every_layer(make, x, shapes):
    counting = CountingInit()
    net = make()
    net.initialize(counting)
    net(np.array(x, dtype="float32"))
    assert [p.shape for p in net.collect_params().values()] == shapes
    n_weights = sum(1 for k in net.collect_params() if k.endswith("weight"))
    assert len(counting.calls) == n_weights


class LazyNoInfer(nn.Block):
    """A custom Block with a parameter of unknown shape and no infer_shape."""

    def __init__(self):
        super().__init__()
        self.weight = self.params.get("weight", shape=(3, 0), allow_deferred_init=True)

    def forward(self, x):
        return np.dot(x, self.weight.data().T)


class LazyInfer(LazyNoInfer):
    def infer_shape(self, x):
        self.weight.shape = (3, x.shape[1])


def test_custom_block_without_infer_shape_gets_a_clear_error():
    net = LazyNoInfer()
    net.initialize()
    raises(DeferredInitializationError, net, np.ones((2, 4)),
           contains=["lazynoinfer0 has parameters with unknown shape", "LazyNoInfer.infer_shape",
                     "lazynoinfer0_weight (3, -1)"])


def test_custom_block_with_infer_shape_works():
    counting = CountingInit()
    net = LazyInfer()
    net.initialize(counting)
    out = net(np.ones((2, 4)))
    assert out.shape == (2, 3) and net.weight.shape == (3, 4)
    onp.testing.assert_array_equal(out.asnumpy(), onp.ones((2, 3)))
    assert counting.calls == [("lazyinfer0_weight", (3, 4))]


def test_gluon2_style_parameter_attribute_with_infer_shape():
    class Scale(nn.HybridBlock):
        def __init__(self):
            super().__init__()
            self.weight = gluon.Parameter("weight", shape=(-1,), init=init.One(), allow_deferred_init=True)

        def infer_shape(self, x):
            self.weight.shape = (x.shape[-1],)

        def forward(self, x):
            return x * self.weight.data()

    net = Scale()
    net.initialize()
    assert net(np.ones((2, 3))).shape == (2, 3) and net.weight.shape == (3,)


def test_deferred_params_take_the_input_device():
    net = nn.Dense(2)
    net.initialize(ctx=npx.cpu(1))
    out = net(np.ones((1, 3), ctx=npx.cpu(1)))
    assert out.ctx == npx.cpu(1) and net.weight.list_ctx() == [npx.cpu(1)]


# ---- devices and dtypes ------------------------------------------------------------------------------


def test_multi_device_parameter():
    w = gluon.Parameter("w", shape=(2, 3))
    w.initialize(init.One(), ctx=[npx.cpu(0), npx.cpu(1)])
    assert w.list_ctx() == [npx.cpu(0), npx.cpu(1)]
    assert w.data().ctx == npx.cpu(0) and w.data(npx.cpu(1)).ctx == npx.cpu(1)
    w.set_data(np.full((2, 3), 3.0))
    assert all((d.asnumpy() == 3).all() for d in w.list_data())
    with autograd.record():
        (w.data(npx.cpu(1)) * 2).sum().backward()
    g0, g1 = w.list_grad()
    assert (g0.asnumpy() == 0).all() and (g1.asnumpy() == 2).all()
    raises(RuntimeError, w.data, npx.cpu(2), contains="was not initialized on context cpu(2)")


def test_reset_ctx_moves_data_and_gradients():
    net = mlp()
    net.initialize()
    net(np.ones((2, 4)))
    before = net[0].weight.data().asnumpy()
    net.reset_ctx(npx.cpu(1))
    assert net.collect_params().list_ctx() == [npx.cpu(1)]
    onp.testing.assert_array_equal(net[0].weight.data().asnumpy(), before)
    x = np.ones((2, 4), ctx=npx.cpu(1))
    with autograd.record():
        y = net(x).sum()
    y.backward()
    assert y.ctx == npx.cpu(1) and net[0].weight.grad().ctx == npx.cpu(1)
    net.reset_device(npx.cpu(0))
    assert net[0].weight.data().ctx == npx.cpu(0)
    raises(ValueError, gluon.Parameter("w", shape=(1,)).reset_ctx, npx.cpu(1), contains="not been initialized")


def test_list_ctx_of_never_initialized_parameter():
    raises(RuntimeError, gluon.Parameter("w", shape=(1,)).list_ctx, contains="has not been initialized")


def test_parameter_cast():
    w = gluon.Parameter("w", shape=(2,), grad_req="add")
    w.initialize(init.One())
    w.cast("float64")
    assert w.dtype == "float64" and repr(w) == "Parameter w (shape=(2,), dtype=float64)"
    assert w.data().dtype == onp.float64 and w.grad().dtype == onp.float64 and w.grad_req == "add"
    w.dtype = "float32"
    assert w.data().dtype == onp.float32
    raises(TypeError, w.cast, "not-a-dtype")
    d = nn.Dense(3, in_units=2, dtype="float64")
    assert repr(d.weight) == "Parameter dense0_weight (shape=(3, 2), dtype=float64)"


# ---- ParameterDict -----------------------------------------------------------------------------------


def test_parameter_dict_get_and_constants():
    pd = gluon.ParameterDict("blk_")
    a = pd.get("a", shape=(4, 2))
    assert a.name == "blk_a" and pd.get("a") is a and pd.get("a", shape=(4, 0)) is a
    raises(AssertionError, pd.get, "a", shape=(3, 2),
           contains="Cannot retrieve Parameter 'blk_a' because desired attribute does not match with stored for "
                    "attribute 'shape': desired '(3, 2)' vs stored '(4, 2)'.")
    b = pd.get("b", shape=(2, 0))
    assert pd.get("b", shape=(2, 5)) is b and b.shape == (2, 5)    # unknown dims are merged
    raises(AssertionError, pd.get, "a", lr_mult=2.0, contains="attribute 'lr_mult'")
    k = pd.get_constant("k", [1.0, 2.0])
    assert repr(k) == "Constant blk_k (shape=(2,), dtype=float32)" and pd.get_constant("k") is k
    raises(KeyError, pd.get_constant, "zz",
           contains="No constant named 'blk_zz'. Please specify value if you want to create a new constant.")
    assert list(pd.keys()) == ["blk_a", "blk_b", "blk_k"]
    assert list(pd.values()) == [a, b, k] and list(pd.items())[0] == ("blk_a", a)
    assert list(pd) == ["blk_a", "blk_b", "blk_k"] and len(pd) == 3 and "blk_a" in pd
    assert repr(pd) == ("blk_ (\n  Parameter blk_a (shape=(4, 2), dtype=<class 'numpy.float32'>)\n"
                        "  Parameter blk_b (shape=(2, 5), dtype=<class 'numpy.float32'>)\n"
                        "  Constant blk_k (shape=(2,), dtype=float32)\n)")
    assert repr(gluon.ParameterDict()) == "(\n\n)"


def test_parameter_dict_shared_and_update():
    base = gluon.ParameterDict("m_")
    w = base.get("w", shape=(2,))
    other = gluon.ParameterDict("m_", shared=base)
    assert other.get("w") is w
    merged = gluon.ParameterDict("x_")
    merged.update(base)
    assert merged["m_w"] is w
    clash = gluon.ParameterDict("m_")
    clash.get("w", shape=(2,))
    raises(ValueError, merged.update, clash, contains="m_w")
    raises(TypeError, merged.__setitem__, "z", 3)


def test_parameter_dict_bulk_operations():
    net = mlp()
    params = net.collect_params()
    params.initialize(init.One())
    net(np.ones((2, 3)))
    with autograd.record():
        net(np.ones((2, 3))).sum().backward()
    params.zero_grad()
    assert all((p.grad().asnumpy() == 0).all() for p in params.values())
    params.setattr("grad_req", "null")
    assert all(p.grad_req == "null" for p in params.values())
    params.reset_ctx(npx.cpu(1))
    assert params.list_ctx() == [npx.cpu(1)]
    assert params["0.weight"] is net[0].weight
    raises(KeyError, params.__getitem__, "7.weight")


def test_structural_paths_in_lookups():
    class MLP(nn.Block):
        def __init__(self):
            super().__init__()
            self.hidden = nn.Dense(4)
            self.output = nn.Dense(2)

        def forward(self, x):
            return self.output(self.hidden(x))

    params = MLP().collect_params()
    assert list(params) == ["dense0_weight", "dense0_bias", "dense1_weight", "dense1_bias"]
    assert params["hidden.bias"] is params["dense0_bias"] and "output.weight" in params


# ---- ParameterList and containers as attributes ------------------------------------------------------


def test_parameter_list_and_dict_attributes_are_registered(tmp_path):
    class Net(nn.Block):
        def __init__(self):
            super().__init__()
            self.plist = gluon.ParameterList([gluon.Parameter("a", shape=(2,)), gluon.Parameter("b", shape=(3,))])
            pd = gluon.ParameterDict()
            pd.get("alpha", shape=(1,))
            self.pdict = pd
            self.d = nn.Dense(2, in_units=2)

        def forward(self, x):
            return self.d(x) * self.pdict["alpha"].data() + self.plist[0].data()

    net = Net()
    assert list(net._collect_params_with_prefix()) == ["plist.0", "plist.1", "pdict.alpha", "d.weight", "d.bias"]
    net.initialize(init.One())
    onp.testing.assert_array_equal(net(np.ones((1, 2))).asnumpy(), [[3.0, 3.0]])
    pl = net.plist
    assert len(pl) == 2 and pl[1].name == "b" and [p.name for p in pl] == ["a", "b"]
    assert repr(gluon.ParameterList([gluon.Parameter("x", shape=(1,))])) == (
        "ParameterList(\n  (0): Parameter x (shape=(1,), dtype=<class 'numpy.float32'>)\n)")
    raises(TypeError, pl.append, 3)
    f = str(tmp_path / "net.params")
    net.save_parameters(f)
    assert sorted(npx.load(f)) == ["d.bias", "d.weight", "pdict.alpha", "plist.0", "plist.1"]

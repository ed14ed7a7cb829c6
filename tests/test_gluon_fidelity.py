"""Gluon behaviour checked against MXNet 1.9.1 itself, and the errors a beginner meets.

Each MXNet outcome below was recorded from a real ``mxnet==1.9.1`` install (numpy 1.23.5);
where deepblocks deliberately differs, the test says how and why.

- re-assigning a child Block or a Parameter to a value of another kind; the warning about
  Blocks hidden in lists, tuples and dicts;
- ``@use_np`` Blocks hand out np.ndarray parameters even in a legacy-mode program;
- ``Initializer.dumps()`` JSON, ``Constant`` of arrays included;
- argument checks in the ``Trainer`` and layer constructors (and in ``load_states``);
- "has not been initialized" says what to call; forward errors name the Block path;
- float64 data for float32 parameters.
"""

import json
import math
import warnings

import numpy as onp
import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import raises
from deepblocks import _core, autograd, gluon, init, nd, np, npx, optimizer, util
from deepblocks.gluon import nn, rnn

pytestmark = pytest.mark.usefixtures("gluon_state")

# recorded from MXNet 1.9.1 (the text of its warning, trailing space included)
UNREGISTERED = ('"{}" is an unregistered container with Blocks. Note that Blocks inside the list, tuple or dict will '
                "not be registered automatically. Make sure to register them using register_child() or switching "
                "to nn.Sequential/nn.HybridSequential instead. ")


def caught_warnings(fn, *args):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fn(*args)
    return [str(w.message) for w in caught]


# ---- 1. attribute re-assignment -------------------------------------------------------------------


class MyDense(nn.Dense):
    pass


class Holder(nn.Block):
    def __init__(self):
        super().__init__()
        self.a = nn.Dense(2)
        self.s = nn.Sequential()
        self.p = gluon.Parameter("p", shape=(2,))
        self.c = gluon.Constant("c", np.ones(2))
        self.n = None


# (attribute, new value, the class names in the error) for every assignment MXNet 1.9.1 refuses.
# MXNet's message, e.g.: "Changing attribute type for a from <class 'mxnet.gluon.nn.basic_layers.Dense'>
# to <class 'tuple'>is not allowed."
REFUSED = [
    ("a", lambda: (1, 2), "from Dense to tuple"),
    ("a", lambda: None, "from Dense to NoneType"),
    ("a", lambda: 3, "from Dense to int"),
    ("a", lambda: "dense", "from Dense to str"),
    ("a", lambda: nn.Conv2D(2, 3), "from Dense to Conv2D"),
    ("a", lambda: gluon.Parameter("q", shape=(2,)), "from Dense to Parameter"),
    ("s", lambda: nn.HybridSequential(), "from Sequential to HybridSequential"),
    ("p", lambda: 3, "from Parameter to int"),
    ("p", lambda: None, "from Parameter to NoneType"),
    ("p", lambda: nn.Dense(3), "from Parameter to Dense"),
    ("c", lambda: gluon.Parameter("q", shape=(2,)), "from Constant to Parameter"),
]


@pytest.mark.parametrize("name, make, names", REFUSED)
def test_reassigning_a_block_or_parameter_to_another_kind_is_a_type_error(name, make, names):
    net = Holder()
    before = getattr(net, name)
    raises(TypeError, setattr, net, name, make(), contains=[f"Changing attribute type for '{name}' {names}",
                                                            "is not allowed", f"del block.{name}"])
    assert getattr(net, name) is before                     # nothing changed
    assert net._children.get(name, before) is before and net._reg_params.get(name, before) is before


def test_reassignments_mxnet_allows():
    net = Holder()
    d = nn.Dense(3)
    net.a = d                                               # recorded: allowed (same class)
    assert net._children["a"] is d
    net.a = MyDense(2)                                      # recorded: allowed (a subclass)
    assert isinstance(net._children["a"], MyDense)
    net.n = nn.Dense(1)                                     # recorded: None -> Block allowed
    assert net._children["n"] is net.n
    net.x = 5
    net.x = nn.Dense(1)                                     # recorded: int -> Block allowed
    del net.a                                               # recorded: after del, anything goes
    net.a = (1,)
    assert "a" not in net._children and net.a == (1,)


def test_parameter_replaced_by_parameter_ties_weights():
    # MXNet 1.9.1: AssertionError "Overriding Parameter attribute %s is not allowed" (its message
    # really has the bare %s). Gluon 2.0 and deepblocks allow it: the Blocks then share the weight.
    net = Holder()
    q = gluon.Parameter("q", shape=(2,))
    net.p = q
    assert net._reg_params["p"] is q
    net.p = gluon.Constant("c2", np.ones(2))               # a Constant is a Parameter: allowed
    assert isinstance(net._reg_params["p"], gluon.Constant)


# ---- 1b. Blocks hidden in containers ---------------------------------------------------------------


class Hidden(nn.Block):
    def __init__(self):
        super().__init__()
        self.layers = [nn.Dense(2), nn.Dense(3)]
        self.d = {"a": nn.Dense(2)}
        self.t = (nn.Dense(2),)

    def forward(self, x):
        return x


class Nested(nn.Block):
    def __init__(self):
        super().__init__()
        self.nested = [[nn.Dense(2)]]
        self.dl = {"x": [nn.Dense(2)]}


class AlsoRegistered(nn.Block):
    def __init__(self):
        super().__init__()
        self.d = nn.Dense(2)
        self.keep = [self.d]          # a registered child kept in a list too: no warning
        self.other = (1, 2, "x")


class Parent(nn.Block):
    def __init__(self):
        super().__init__()
        self.child = Nested()


def test_unregistered_container_warning_as_mxnet():
    # recorded from MXNet 1.9.1: one warning per container attribute, in attribute order, at
    # collect_params() and initialize(); none at a (non-hybridized) forward pass.
    net = Hidden()
    want = [UNREGISTERED.format(f"Hidden.{k}") for k in ("layers", "d", "t")]
    assert caught_warnings(net.collect_params) == want
    assert caught_warnings(net.initialize) == want
    assert caught_warnings(net, np.ones((1, 2))) == []
    # nested containers and a dict of lists count; so does a grandchild's container
    assert caught_warnings(Nested().collect_params) == [UNREGISTERED.format("Nested.nested"),
                                                        UNREGISTERED.format("Nested.dl")]
    assert caught_warnings(Parent().collect_params) == [UNREGISTERED.format("Nested.nested"),
                                                        UNREGISTERED.format("Nested.dl")]
    assert caught_warnings(AlsoRegistered().collect_params) == []
    seq = nn.Sequential()
    seq.add(nn.Dense(2), nn.Dense(3))
    assert caught_warnings(seq.collect_params) == [] and caught_warnings(seq.initialize) == []


# ---- 2. @use_np Blocks ----------------------------------------------------------------------------------


def test_use_np_block_hands_out_np_arrays_in_a_legacy_program(tmp_path):
    # recorded from MXNet 1.9.1, legacy mode: inside and outside the decorated Block (its child
    # Dense's weight included) data() is mxnet.numpy.ndarray; the legacy Block gets NDArray.
    npx.reset_np()
    seen = {}

    @util.use_np
    class NpBlock(nn.HybridBlock):
        def __init__(self):
            super().__init__()
            self.w = self.params.get("w", shape=(2, 2))
            self.d = nn.Dense(2, in_units=2)

        def hybrid_forward(self, F, x, w):
            seen["kw"] = type(w)
            seen["data"] = type(self.w.data())
            seen["child"] = type(self.d.weight.data())
            seen["mode"] = util.is_np_array()
            return np.dot(x, w) + self.d(x)

    class LegacyBlock(nn.HybridBlock):
        def __init__(self):
            super().__init__()
            self.w = self.params.get("w", shape=(2, 2))

        def hybrid_forward(self, F, x, w):
            seen["legacy"] = (type(w), type(self.w.data()))
            return F.dot(x, w)

    b = NpBlock()
    b.initialize(init.One())
    assert type(b.w.data()) is np.ndarray and type(b.d.weight.data()) is np.ndarray
    assert type(b.w.grad()) is np.ndarray
    out = b(np.ones((2, 2)))
    assert type(out) is np.ndarray and out.asnumpy().tolist() == [[4.0, 4.0], [4.0, 4.0]]
    assert seen["kw"] is seen["data"] is seen["child"] is np.ndarray and seen["mode"] is True
    assert not util.is_np_array() and not util.is_np_shape()   # the mode comes back after each call

    legacy = LegacyBlock()
    legacy.initialize()
    assert type(legacy(nd.ones((2, 2)))) is nd.NDArray
    assert seen["legacy"] == (nd.NDArray, nd.NDArray)

    # parameters loaded from a file by the decorated Block are np.ndarray too
    f = str(tmp_path / "b.params")
    b.save_parameters(f)
    loaded = NpBlock()
    loaded.load_parameters(f)
    assert type(loaded.w.data()) is np.ndarray and type(loaded.d.weight.data()) is np.ndarray
    assert loaded.w.data().asnumpy().tolist() == [[1.0, 1.0], [1.0, 1.0]]


def test_parameter_flavour_is_fixed_at_initialization():
    # recorded from MXNet 1.9.1: a legacy Block initialized in numpy mode keeps np.ndarray
    # parameters after reset_np().
    net = nn.Dense(2, in_units=2)
    net.initialize()
    npx.reset_np()
    assert type(net.weight.data()) is np.ndarray
    fresh = nn.Dense(2, in_units=2)
    fresh.initialize()
    assert type(fresh.weight.data()) is nd.NDArray


# ---- 3. Initializer.dumps ------------------------------------------------------------------------------

# recorded from MXNet 1.9.1
DUMPS = [
    (lambda: init.Constant(onp.array([1.0, 2.0])), '["constant", {"value": [1.0, 2.0]}]'),
    (lambda: init.Constant(onp.ones((2, 2), dtype="float32")), '["constant", {"value": [[1.0, 1.0], [1.0, 1.0]]}]'),
    (lambda: init.Constant(onp.array([1, 2])), '["constant", {"value": [1, 2]}]'),
    (lambda: init.Constant(onp.array(3.5)), '["constant", {"value": 3.5}]'),
    (lambda: init.Constant(nd.array([1, 2])), '["constant", {"value": [1.0, 2.0]}]'),
    (lambda: init.Constant(np.array([1, 2])), '["constant", {"value": [1.0, 2.0]}]'),
    (lambda: init.Constant(0.5), '["constant", {"value": 0.5}]'),
    (lambda: init.Constant(1), '["constant", {"value": 1}]'),
    (lambda: init.Zero(), '["zero", {}]'),
    (lambda: init.One(), '["one", {}]'),
    (lambda: init.Uniform(), '["uniform", {"scale": 0.07}]'),
    (lambda: init.Uniform(0.1), '["uniform", {"scale": 0.1}]'),
    (lambda: init.Normal(), '["normal", {"sigma": 0.01}]'),
    (lambda: init.Normal(0.5), '["normal", {"sigma": 0.5}]'),
    (lambda: init.Xavier(), '["xavier", {"rnd_type": "uniform", "factor_type": "avg", "magnitude": 3}]'),
    (lambda: init.Xavier(rnd_type="gaussian", factor_type="in", magnitude=2),
     '["xavier", {"rnd_type": "gaussian", "factor_type": "in", "magnitude": 2}]'),
    (lambda: init.MSRAPrelu(), '["msraprelu", {"factor_type": "avg", "slope": 0.25}]'),
    (lambda: init.Orthogonal(), '["orthogonal", {"scale": 1.414, "rand_type": "uniform"}]'),
    (lambda: init.Bilinear(), '["bilinear", {}]'),
    (lambda: init.LSTMBias(), '["lstmbias", {"forget_bias": 1.0}]'),
    (lambda: init.LSTMBias(forget_bias=2.0), '["lstmbias", {"forget_bias": 2.0}]'),
]


@pytest.mark.parametrize("make, text", DUMPS)
def test_initializer_dumps_as_mxnet(make, text):
    assert make().dumps() == text
    again = init.create(text)
    assert again.dumps() == text


def test_constant_of_an_array_round_trips_through_json():
    c = init.create(init.Constant(onp.array([1.0, 2.0])).dumps())
    assert c.value == [1.0, 2.0]                            # recorded: MXNet's create() also gives a list
    w = np.zeros((3, 2))
    c("dense0_weight", w)
    assert w.asnumpy().tolist() == [[1.0, 2.0]] * 3


def test_constant_dumps_where_mxnet_fails():
    # MXNet 1.9.1 raises for these (TypeError "Object of type float32 is not JSON serializable",
    # AttributeError "'list' object has no attribute 'asnumpy'"); deepblocks writes the JSON.
    assert init.Constant(onp.float32(0.5)).dumps() == '["constant", {"value": 0.5}]'
    assert init.Constant([1, 2]).dumps() == '["constant", {"value": [1, 2]}]'


# ---- 4. argument checks: Trainer -------------------------------------------------------------------------


def small_net():
    net = nn.Dense(2, in_units=3)
    net.initialize()
    return net


# MXNet 1.9.1 accepts every one of these at construction; then a string fails at the first step
# (TypeError "can't multiply sequence by non-int of type 'float'"), NaN and inf fail there
# (MXNetError "Invalid Parameter format for lrs"), and a negative rate trains uphill.
BAD_OPTIMIZER_PARAMS = [
    ({"learning_rate": "0.1"}, TypeError, ["learning_rate must be a number", "'0.1'"]),
    ({"learning_rate": float("nan")}, ValueError, ["learning_rate must be finite", "nan"]),
    ({"learning_rate": float("inf")}, ValueError, ["learning_rate must be finite", "inf"]),
    ({"learning_rate": -0.1}, ValueError, ["learning_rate must be >= 0", "-0.1"]),
    ({"learning_rate": True}, TypeError, ["learning_rate must be a number"]),
    ({"learning_rate": 0.1, "wd": "x"}, TypeError, ["wd must be a number", "'x'"]),
    ({"learning_rate": 0.1, "momentum": "0.9"}, TypeError, ["momentum must be a number"]),
    ({"learning_rate": 0.1, "clip_gradient": float("nan")}, ValueError, ["clip_gradient must be finite"]),
]


@pytest.mark.parametrize("params, exc, contains", BAD_OPTIMIZER_PARAMS)
def test_trainer_checks_optimizer_params_at_construction(params, exc, contains):
    raises(exc, gluon.Trainer, small_net().collect_params(), "sgd", params, contains=["Trainer"] + contains)


def test_trainer_accepts_what_mxnet_trains_with():
    for params in ({"learning_rate": None}, {"learning_rate": 0.0}, {"learning_rate": onp.float32(0.1)},
                   {"learning_rate": 0.1, "wd": -1.0}, {"learning_rate": 0.1, "clip_gradient": None}):
        gluon.Trainer(small_net().collect_params(), "sgd", params)
    # recorded: MXNet's error for a list is a TypeError too (argument after ** must be a mapping)
    raises(TypeError, gluon.Trainer, small_net().collect_params(), "sgd", [0.1], contains="optimizer_params")
    raises(TypeError, gluon.Trainer, small_net().collect_params(), optimizer.SGD(learning_rate="0.1"),
           contains="learning_rate must be a number")


@given(st.floats(allow_nan=True, allow_infinity=True))
def test_any_learning_rate_is_either_accepted_or_a_value_error(lr):
    net = nn.Dense(1, in_units=1)
    ok = math.isfinite(lr) and lr >= 0
    if ok:
        trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": lr})
        assert trainer.learning_rate == lr
    else:
        raises(ValueError, gluon.Trainer, net.collect_params(), "sgd", {"learning_rate": lr},
               contains="learning_rate")


def test_set_learning_rate_and_step_check_their_values():
    net = small_net()
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.1})
    # recorded: MXNet 1.9.1 stores '0.5', nan and -1.0 as given
    raises(TypeError, trainer.set_learning_rate, "0.5", contains="learning_rate must be a number")
    raises(ValueError, trainer.set_learning_rate, float("nan"), contains="finite")
    raises(ValueError, trainer.set_learning_rate, -1.0, contains=">= 0")
    assert trainer.learning_rate == 0.1
    trainer.set_learning_rate(0.25)
    assert trainer.learning_rate == 0.25
    with autograd.record():
        loss = net(np.ones((1, 3))).sum()
    loss.backward()
    # recorded: MXNet 1.9.1 raises ZeroDivisionError for 0 and TypeError for '2'
    raises(ValueError, trainer.step, 0, contains="batch_size must be > 0")
    raises(ValueError, trainer.step, -1, contains="batch_size must be > 0")
    raises(TypeError, trainer.step, "2", contains="batch_size must be a number")
    w = net.weight.data().asnumpy().copy()
    trainer.step(1)
    # d sum(W x + b) / dW = 1 for x = ones, so one step moves every weight by -lr
    onp.testing.assert_allclose(net.weight.data().asnumpy(), w - 0.25, rtol=1e-6)


def _states_file_with(tmp_path, **changes):
    net = small_net()
    trainer = gluon.Trainer(net.collect_params(), "adam", {"learning_rate": 0.01})
    with autograd.record():
        loss = net(np.ones((1, 3))).sum()
    loss.backward()
    trainer.step(1)
    good = str(tmp_path / "good.states")
    trainer.save_states(good)
    items, meta = _core.load_tensors(good)
    opt = json.loads(meta["optimizer"])
    opt.update(changes)
    meta["optimizer"] = json.dumps(opt)
    bad = str(tmp_path / "bad.states")
    _core.save_tensors(bad, items, meta)
    return net, bad


@pytest.mark.parametrize("changes, exc, contains", [
    ({"learning_rate": float("nan")}, ValueError, "learning_rate must be finite"),
    ({"learning_rate": -1.0}, ValueError, "learning_rate must be >= 0"),
    ({"learning_rate": "fast"}, TypeError, "learning_rate must be a number"),
    ({"num_update": -3}, ValueError, "num_update must be an integer >= 0"),
])
def test_load_states_checks_the_values_in_the_file(tmp_path, changes, exc, contains):
    net, bad = _states_file_with(tmp_path, **changes)
    trainer = gluon.Trainer(net.collect_params(), "adam", {"learning_rate": 0.01})
    raises(exc, trainer.load_states, bad, contains=[contains, "bad.states"])
    assert trainer.learning_rate == 0.01 and trainer._states == {}      # nothing was half-loaded


def test_load_states_with_good_values_still_loads(tmp_path):
    net, f = _states_file_with(tmp_path, learning_rate=0.5)
    trainer = gluon.Trainer(net.collect_params(), "adam", {"learning_rate": 0.01})
    trainer.load_states(f)
    assert trainer.learning_rate == 0.5 and len(trainer._states) == 2


# ---- 4b. argument checks: layer constructors -----------------------------------------------------------

# (constructor, exception, words in the message, what MXNet 1.9.1 did: recorded)
BAD_LAYERS = [
    (lambda: nn.Dense("4"), TypeError, ["Dense: units must be an integer", "'4'"],
     "accepted; TypeError \"'>' not supported between instances of 'str' and 'int'\" at forward"),
    (lambda: nn.Dense(0), ValueError, ["Dense: units must be at least 1, got 0"],
     "accepted; ValueError 'value 0 for Parameter num_hidden should be greater equal to 1' at forward"),
    (lambda: nn.Dense(-1), ValueError, ["units must be at least 1, got -1"],
     "accepted; AssertionError 'shape dimension size cannot be less than 0' at forward"),
    (lambda: nn.Dense(2.5), TypeError, ["units must be an integer", "2.5"],
     "accepted; MXNetError 'Invalid Parameter format for shape' at forward"),
    (lambda: nn.Dense(True), TypeError, ["units must be an integer"], "accepted; MXNetError at forward"),
    (lambda: nn.Dense(2, in_units=-3), ValueError, ["in_units must be at least 0, got -3"],
     "accepted; AssertionError at forward"),
    (lambda: nn.Dense(2, in_units="3"), TypeError, ["in_units must be an integer"], "accepted; TypeError at forward"),
    (lambda: nn.Dense(2, activation="Relu"), ValueError, ["unknown activation 'Relu'", "relu"],
     "accepted; MXNetError \"Invalid Input: 'Relu', valid values are: {'relu', 'sigmoid', ...}\" at forward"),
    (lambda: nn.Activation("softmax"), ValueError, ["unknown activation 'softmax'"],
     "accepted; MXNetError 'Invalid Input' at forward"),
    (lambda: nn.Conv2D(channels="8", kernel_size=3), TypeError, ["Conv2D: channels must be an integer", "'8'"],
     "accepted and ran (the string went into the operator's parameters)"),
    (lambda: nn.Conv2D(0, kernel_size=3), ValueError, ["channels must be at least 1"],
     "MXNetError 'value 0 for Parameter num_filter should be greater equal to 1' at construction"),
    (lambda: nn.Conv2D(8.0, kernel_size=3), TypeError, ["channels must be an integer", "8.0"],
     "MXNetError \"Invalid Parameter format for num_filter expect int\" at construction"),
    (lambda: nn.Conv2D(8, kernel_size=0), ValueError, ["kernel_size must be at least 1", "(0, 0)"],
     "MXNetError 'incorrect kernel size: [0,0]' at construction"),
    (lambda: nn.Conv2D(8, kernel_size="3"), TypeError, ["kernel_size must be a number or a list of 2 ints"],
     "AssertionError 'kernel_size must be a number or a list of 2 ints' at construction"),
    (lambda: nn.Conv2D(8, kernel_size=(3, 3, 3)), ValueError, ["kernel_size must be a number or a list of 2 ints"],
     "AssertionError at construction"),
    (lambda: nn.Conv2D(8, kernel_size=3, strides=0), ValueError, ["strides must be at least 1"],
     "MXNetError 'incorrect stride size: [0,0]' at construction"),
    (lambda: nn.Conv2D(8, kernel_size=3, groups=0), ValueError, ["groups must be at least 1"],
     "the process died (SIGFPE) at construction"),
    (lambda: nn.MaxPool2D(pool_size=0), ValueError, ["pool_size must be at least 1"],
     "accepted; MXNetError 'value [0,0]for Parameter stride is invalid' at forward"),
    (lambda: nn.MaxPool2D(pool_size=2, strides=0), ValueError, ["strides must be at least 1"],
     "accepted; MXNetError at forward"),
    (lambda: nn.Dropout(1.5), ValueError, ["Dropout: rate must be in [0, 1), got 1.5"],
     "accepted; MXNetError 'value 1.5 for Parameter p exceed bound [0,1]' at forward"),
    (lambda: nn.Dropout("0.5"), TypeError, ["rate must be a number"], "accepted; TypeError at forward"),
    (lambda: nn.Dropout(float("nan")), ValueError, ["rate must be finite"], "accepted and ran"),
    (lambda: nn.Embedding("10", 3), TypeError, ["Embedding: input_dim must be an integer"],
     "accepted; TypeError at forward"),
    (lambda: nn.Embedding(0, 3), ValueError, ["input_dim must be at least 1"], "accepted; ValueError at forward"),
    (lambda: nn.BatchNorm(in_channels="2"), TypeError, ["BatchNorm: in_channels must be an integer"],
     "accepted; TypeError at forward"),
    (lambda: nn.BatchNorm(momentum="0.9"), TypeError, ["momentum must be a number"],
     "accepted and ran (the string went into the operator's parameters)"),
    (lambda: nn.LayerNorm(epsilon="x"), TypeError, ["LayerNorm: epsilon must be a number"],
     "accepted; ValueError \"Invalid Parameter format for eps expect float but value='x'\" at forward"),
    (lambda: nn.GroupNorm(num_groups=0), ValueError, ["num_groups must be at least 1"],
     "accepted; the process died (SIGFPE) at forward"),
    (lambda: nn.LeakyReLU(-1), ValueError, ["alpha must be >= 0"],
     "AssertionError 'Slope coefficient for LeakyReLU must be no less than 0.' at construction"),
    (lambda: nn.LeakyReLU("0.1"), TypeError, ["LeakyReLU: alpha must be a number"], "TypeError at construction"),
    (lambda: nn.ELU("1"), TypeError, ["ELU: alpha must be a number"], "accepted and ran"),
    (lambda: rnn.LSTM("10"), TypeError, ["LSTM: hidden_size must be an integer"], "accepted; TypeError at forward"),
    (lambda: rnn.LSTM(0), ValueError, ["hidden_size must be at least 1"], "accepted; MXNetError at forward"),
    (lambda: rnn.GRU(10, num_layers=0), ValueError, ["GRU: num_layers must be at least 1"],
     "accepted; MXNetError at forward"),
    (lambda: rnn.LSTM(10, dropout=1.5), ValueError, ["dropout must be in [0, 1)"],
     "accepted; ValueError 'value 1.5 for Parameter p exceed bound [0,1]' at forward"),
    (lambda: rnn.LSTMCell("10"), TypeError, ["LSTMCell: hidden_size must be an integer"],
     "accepted (printed 'LSTMCell(None -> 10101010)')"),
    (lambda: rnn.GRUCell(0), ValueError, ["hidden_size must be at least 1"], "accepted (printed 'GRUCell(None -> 0)')"),
    (lambda: rnn.RNNCell(4, activation="foo"), ValueError, ["RNNCell: unknown activation 'foo'"], "accepted"),
]


@pytest.mark.parametrize("make, exc, contains, mxnet", BAD_LAYERS)
def test_layer_constructors_check_their_arguments(make, exc, contains, mxnet):
    raises(exc, make, contains=contains)


def test_layer_constructors_accept_what_mxnet_runs():
    # all recorded as accepted by MXNet 1.9.1
    assert nn.Dense(onp.int64(3), in_units=onp.int32(2)).weight.shape == (3, 2)
    conv = nn.Conv2D(4, kernel_size=[3, 1], strides=(2, 1), in_channels=2)
    assert conv.weight.shape == (4, 2, 3, 1)
    assert repr(conv) == "Conv2D(2 -> 4, kernel_size=[3, 1], stride=(2, 1))"
    assert repr(nn.Dropout(0.0)) == "Dropout(p = 0.0, axes=())"
    assert repr(nn.BatchNorm(momentum=2)).startswith("BatchNorm(axis=1, eps=1e-05, momentum=2,")  # recorded OK
    assert rnn.RNNCell(4, activation=nn.LeakyReLU(0.1))._activation._alpha == 0.1


@given(st.integers(-3, 40))
def test_dense_units_are_checked_and_then_used(units):
    if units < 1:
        raises(ValueError, nn.Dense, units, contains=f"got {units}")
        return
    layer = nn.Dense(units, in_units=2)
    layer.initialize()
    assert layer(np.ones((3, 2))).shape == (3, units)


# ---- 4c. uninitialized parameters and forward errors ---------------------------------------------------

# recorded from MXNet 1.9.1 (RuntimeError; deepblocks adds the structural path and what to call)
NOT_INITIALIZED = ("has not been initialized. Note that you should initialize parameters and create Trainer with "
                   "Block.collect_params() instead of Block.params because the later does not include Parameters "
                   "of nested child Blocks")


def test_not_initialized_says_to_call_initialize():
    d = nn.Dense(2, in_units=3)
    err = raises(RuntimeError, d, np.ones((1, 3)), contains=["Parameter 'dense0_weight'", NOT_INITIALIZED,
                                                             "net.initialize()"])
    assert not isinstance(err, gluon.parameter.DeferredInitializationError)
    seq = nn.Sequential()
    seq.add(nn.Dense(2, in_units=3))
    raises(RuntimeError, seq, np.ones((1, 3)), contains=["'dense1_weight' (0.weight)", "net.initialize()"])
    raises(RuntimeError, d.weight.data, contains=[NOT_INITIALIZED, "net.initialize()"])


class Outer(nn.Block):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential()
        self.body.add(nn.Dense(4, in_units=3), nn.Dense(2, in_units=5))

    def forward(self, x):
        return self.body(x)


def test_shape_error_names_the_block_path_once():
    # MXNet 1.9.1: MXNetError "Shape inconsistent, Provided = [4,3], inferred shape=(4,5)", no layer
    # named. deepblocks keeps its ValueError and prefixes the path as seen from the called Block.
    d = nn.Dense(4, in_units=3)
    d.initialize()
    err = raises(ValueError, d, np.ones((2, 5)), contains=["(2, 5)", "(4, 3)"])
    assert str(err).startswith("Dense: ")
    seq = nn.Sequential()
    seq.add(nn.Dense(4, in_units=3))
    seq.initialize()
    err = raises(ValueError, seq, np.ones((2, 5)), contains=["(2, 5)", "(4, 3)"])
    assert str(err).startswith("Sequential.0 (Dense): ") and str(err).count("Dense") == 1
    net = Outer()
    net.initialize()
    err = raises(ValueError, net, np.ones((2, 3)), contains=["(2, 4)", "(2, 5)"])
    assert str(err).startswith("Outer.body.1 (Dense): ") and str(err).count("(Dense)") == 1
    # calling again gives a fresh error with the same single prefix
    assert str(raises(ValueError, net, np.ones((2, 3)))) == str(err)
    conv = nn.Conv2D(4, 3, in_channels=2)
    conv.initialize()
    assert str(raises(ValueError, conv, np.ones((1, 3, 8, 8)), contains="(1, 3, 8, 8)")).startswith("Conv2D: ")


def test_forward_errors_keep_their_type_and_odd_arguments():
    class Picky(nn.Block):
        def forward(self, x):
            raise ValueError("bad value", 42)       # two arguments: left as raised

    class Typo(nn.Block):
        def forward(self, x):
            return x + "1"

    class Caller(nn.Block):
        """Calls a Block it does not register: the inner prefix stays."""

        def __init__(self):
            super().__init__()
            self.helpers = {}

        def forward(self, x):
            d = nn.Dense(4, in_units=3)
            d.initialize()
            return d(x)

    err = raises(ValueError, Picky(), np.ones(2))
    assert err.args == ("bad value", 42)
    err = raises(TypeError, Typo(), np.ones(2))
    assert str(err).startswith("Typo: ")
    assert str(raises(ValueError, Caller(), np.ones((2, 5)))).startswith("Dense: ")


# ---- 5. float64 data and float32 parameters --------------------------------------------------------------

F64 = onp.ones((2, 3))     # a NumPy float64 array


def test_legacy_nd_array_casts_float64_to_float32_as_mxnet(legacy_mode):
    # recorded from MXNet 1.9.1: nd.array(float64 numpy) is float32, and Dense(One) gives 3s
    x = nd.array(F64)
    assert x.dtype == onp.float32
    d = nn.Dense(2, in_units=3)
    d.initialize(init.One())
    out = d(x)
    assert type(out) is nd.NDArray and out.dtype == onp.float32
    assert out.asnumpy().tolist() == [[3.0, 3.0], [3.0, 3.0]]
    # recorded: MXNetError "Incompatible attr in node at 1-th input: expected float64, got float32"
    raises(TypeError, d, nd.array(F64, dtype="float64"), contains=["float64", "float32", "x.astype('float32')"])


@pytest.mark.parametrize("make_x", [lambda: np.array(F64), lambda: F64],
                         ids=["np.array(numpy float64)", "raw numpy float64"])
def test_float64_data_into_float32_dense_is_a_type_error(make_x):
    # recorded from MXNet 1.9.1: np.array keeps float64, and Dense raises MXNetError "expected
    # float64, got float32"; a raw NumPy array raises ValueError "In HybridBlock, there must be
    # one NDArray or one Symbol in the input".
    x = make_x()
    assert x.dtype == onp.float64
    d = nn.Dense(2, in_units=3)
    d.initialize(init.One())
    raises(TypeError, d, x, contains=["Dense: the input's dtype float64 does not match the parameters' dtype "
                                      "float32", "x.astype('float32')", "net.cast('float64')"])
    assert d(np.array(F64, dtype="float32")).asnumpy().tolist() == [[3.0, 3.0], [3.0, 3.0]]
    d.cast("float64")
    out = d(x)
    assert out.dtype == onp.float64 and out.asnumpy().tolist() == [[3.0, 3.0], [3.0, 3.0]]


def test_float64_data_in_a_deferred_network():
    # recorded from MXNet 1.9.1: the error comes at the first call, and the weight is then
    # initialized as float32
    net = nn.Sequential()
    net.add(nn.Dense(4), nn.Dense(2))
    net.initialize()
    raises(TypeError, net, np.array(F64), contains=["Sequential.0 (Dense): ", "float64", "float32"])
    assert net[0].weight.data().dtype == onp.float32 and net[0].weight.shape == (4, 3)
    assert net(np.array(F64, dtype="float32")).shape == (2, 2)


@pytest.mark.parametrize("make, shape", [
    (lambda: nn.Conv2D(2, 3, in_channels=1), (1, 1, 5, 5)),
    (lambda: nn.Conv2DTranspose(2, 3, in_channels=1), (1, 1, 5, 5)),
    (lambda: nn.BatchNorm(in_channels=2), (2, 2, 3)),
    (lambda: nn.LayerNorm(in_channels=3), (2, 3)),
    (lambda: nn.InstanceNorm(in_channels=2), (2, 2, 3)),
    (lambda: nn.GroupNorm(num_groups=1), (2, 2, 3)),
    (lambda: nn.PReLU(), (2, 3)),
])
def test_every_layer_with_weights_refuses_float64_data(make, shape):
    # recorded from MXNet 1.9.1 for Conv2D, BatchNorm, LayerNorm, PReLU: MXNetError (dtype mismatch)
    layer = make()
    layer.initialize()
    raises(TypeError, layer, np.ones(shape, dtype="float64"), contains=["float64", "float32"])
    assert layer(np.ones(shape)).dtype == onp.float32


def test_integer_data_into_a_float_layer():
    # recorded from MXNet 1.9.1: MXNetError "expected int32, got float32" (Dense), "Expected
    # 'uint8' v.s. given 'float32' at 'weight'" (Conv2D); deepblocks: TypeError, no cast hint
    d = nn.Dense(2, in_units=3)
    d.initialize()
    err = raises(TypeError, d, np.ones((2, 3), dtype="int32"), contains=["int32", "x.astype('float32')"])
    assert "net.cast" not in str(err)
    conv = nn.Conv2D(2, 3, in_channels=1)
    conv.initialize()
    raises(TypeError, conv, np.ones((1, 1, 5, 5), dtype="uint8"), contains="uint8")


def test_embedding_takes_float64_indices():
    # recorded from MXNet 1.9.1: indices are not data for the weight; the output is float32
    emb = nn.Embedding(5, 3)
    emb.initialize()
    out = emb(np.array(onp.array([1.0, 2.0])))
    assert out.dtype == onp.float32 and out.shape == (2, 3)


def test_raw_float32_numpy_data_is_accepted():
    # MXNet 1.9.1 refuses any raw NumPy array (ValueError); deepblocks takes one whose dtype fits
    d = nn.Dense(2, in_units=3)
    d.initialize(init.One())
    assert d(onp.ones((2, 3), dtype="float32")).asnumpy().tolist() == [[3.0, 3.0], [3.0, 3.0]]


def test_use_np_on_a_test_function_makes_gluon_numpy_mode():
    # MXNet's own tests decorate test functions with @use_np: a Block made inside gets np
    # parameters (get_constant included), even when the program is in legacy mode
    import numpy as onp
    from deepblocks import np, npx
    from deepblocks.gluon import HybridBlock
    from deepblocks.util import use_np
    npx.reset_np()
    const = onp.arange(6, dtype="float32").reshape(2, 3)

    class Foo(HybridBlock):
        def __init__(self):
            super().__init__()
            self.weight = self.params.get_constant("const", const)

        def hybrid_forward(self, F, x, weight):
            return x + weight

    @use_np
    def run():
        foo = Foo()
        foo.initialize()
        return foo(np.ones((2, 3)))

    out = run()
    assert type(out) is np.ndarray and (out.asnumpy() == const + 1).all()
    assert not npx.is_np_array()

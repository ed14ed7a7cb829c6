"""gluon.Block / HybridBlock and the containers against MXNet 1.9.1's observed behaviour:
registration, display names and name scopes, reprs, hooks, ``apply``, ``collect_params(select)``,
``hybridize``, parameter sharing, and the rule that internals never call overridable public
methods (d2l's ``Module`` overrides several).

Display names come from process-wide counters; each test starts them from zero so the
expected names are MXNet's for a fresh process.
"""

import warnings

import numpy as onp
import pytest

from conftest import raises
from deepblocks import autograd, gluon, init, nd, np, npx
from deepblocks.gluon import nn

UNREGISTERED = ('"{}" is an unregistered container with Blocks. Note that Blocks inside the list, tuple or dict will '
                "not be registered automatically. Make sure to register them using register_child() or switching "
                "to nn.Sequential/nn.HybridSequential instead. ")


pytestmark = pytest.mark.usefixtures("gluon_state")


def ones_init():
    return init.Constant(0.5)


class MLP(nn.Block):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.hidden = nn.Dense(4, activation="relu")
        self.output = nn.Dense(2)

    def forward(self, x):
        return self.output(self.hidden(x))


class NestMLP(nn.Block):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        with self.name_scope():
            self.net = nn.Sequential()
            with self.net.name_scope():
                self.net.add(nn.Dense(64, activation="relu"), nn.Dense(32, activation="relu"))
            self.dense = nn.Dense(16, activation="relu")

    def forward(self, x):
        return self.dense(self.net(x))


class CenteredLayer(nn.Block):
    def forward(self, x):
        return x - x.mean()


class MySequential(nn.Block):
    """d2l's MySequential: writes children straight into ``_children``."""

    def add(self, block):
        self._children[block.name] = block

    def forward(self, x):
        for block in self._children.values():
            x = block(x)
        return x


# ---- containers ---------------------------------------------------------------------------------


@pytest.mark.parametrize("cls", [nn.Sequential, nn.HybridSequential])
def test_sequential_add_index_slice_len_iter(cls):
    net = cls()
    a, b, c = nn.Dense(3), nn.Dense(4), nn.Dense(5)
    assert net.add(a, b) is None          # Gluon's add returns None (notebook outputs unchanged)
    net.add(c)
    assert len(net) == 3
    assert net[0] is a and net[2] is c and net[-1] is c
    assert list(net) == [a, b, c]
    assert list(net._children) == ["0", "1", "2"]
    tail = net[1:]
    assert type(tail) is cls and len(tail) == 2 and tail[0] is b and tail[1] is c
    assert list(net[::2]) == [a, c]
    with pytest.raises(IndexError):
        net[3]


@pytest.mark.parametrize("cls", [nn.Sequential, nn.HybridSequential])
def test_sequential_constructor_blocks_and_forward(cls):
    a, b = nn.Dense(3, in_units=2), nn.Dense(1, in_units=3)
    net = cls(a, b)
    assert list(net) == [a, b]
    net.initialize(init.One())
    out = net(np.ones((2, 2)))
    onp.testing.assert_allclose(out.asnumpy(), [[6.0], [6.0]])
    # A leading string is MXNet 1.9's positional prefix.
    assert cls("pre_").prefix == "pre_"


def test_sequential_repr_matches_mxnet():
    net = nn.Sequential()
    net.add(nn.Dense(256, activation="relu"))
    net.add(nn.Dense(10))
    assert repr(net) == "Sequential(\n  (0): Dense(-1 -> 256, Activation(relu))\n  (1): Dense(-1 -> 10, linear)\n)"
    net.initialize()
    net(np.random.uniform(size=(2, 20)))
    assert repr(net) == "Sequential(\n  (0): Dense(20 -> 256, Activation(relu))\n  (1): Dense(256 -> 10, linear)\n)"
    assert repr(net.collect_params) == (
        "<bound method Block.collect_params of Sequential(\n  (0): Dense(20 -> 256, Activation(relu))\n"
        "  (1): Dense(256 -> 10, linear)\n)>")


def test_sequential_slice_repr_matches_mxnet():
    h = nn.HybridSequential()
    h.add(nn.Dense(2), nn.Dense(3))
    assert repr(h[0:1]) == "HybridSequential(\n  (0): Dense(-1 -> 2, linear)\n)"
    assert repr(h[1:]) == "HybridSequential(\n  (0): Dense(-1 -> 3, linear)\n)"


def test_nested_repr_matches_mxnet():
    assert repr(NestMLP()) == (
        "NestMLP(\n"
        "  (net): Sequential(\n"
        "    (0): Dense(-1 -> 64, Activation(relu))\n"
        "    (1): Dense(-1 -> 32, Activation(relu))\n"
        "  )\n"
        "  (dense): Dense(-1 -> 16, Activation(relu))\n"
        ")")


def test_leaf_and_manual_children_reprs_match_mxnet():
    assert repr(CenteredLayer()) == "CenteredLayer(\n\n)"
    m = MySequential()
    m.add(nn.Dense(2))
    # Block.__repr__ lists attributes only, so d2l's MySequential prints empty, as in MXNet.
    assert repr(m) == "MySequential(\n\n)"


def test_block_list():
    layers = nn.BlockList([nn.Dense(2, in_units=3)])
    assert layers.append(nn.Dense(3, in_units=2)) is layers
    layers.extend([nn.Dense(1, in_units=3)])
    layers.insert(0, nn.Identity())
    assert len(layers) == 4 and isinstance(layers[0], nn.Identity) and isinstance(layers[-1], nn.Dense)
    assert list(layers._children) == ["0", "1", "2", "3"]
    sub = layers[1:3]
    assert isinstance(sub, nn.BlockList) and len(sub) == 2 and sub[0] is layers[1]
    del layers[0]
    assert list(layers._children) == ["0", "1", "2"]
    layers[2] = nn.Dense(4, in_units=3)
    assert layers[2]._units == 4

    class Net(nn.Block):
        def __init__(self):
            super().__init__()
            self.layers = layers

        def forward(self, x):
            for layer in self.layers:
                x = layer(x)
            return x

    net = Net()
    keys = list(net._collect_params_with_prefix())
    assert keys == ["layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias", "layers.2.weight",
                    "layers.2.bias"]
    net.initialize()
    assert net(np.ones((5, 3))).shape == (5, 4)
    raises(NotImplementedError, layers, np.ones((1, 3)))


def test_block_dict():
    heads = nn.BlockDict({"cls": nn.Dense(3, in_units=2)})
    heads.update([("reg", nn.Dense(1, in_units=2))])
    assert "cls" in heads and "x" not in heads and len(heads) == 2
    assert list(heads) == ["cls", "reg"] and list(heads.keys()) == ["cls", "reg"]
    assert [k for k, _ in heads.items()] == ["cls", "reg"]
    raises(TypeError, heads.__setitem__, 0, nn.Dense(1))
    assert list(heads._collect_params_with_prefix()) == ["cls.weight", "cls.bias", "reg.weight", "reg.bias"]
    heads.pop("reg")
    assert list(heads) == ["cls"]
    assert repr(heads) == "BlockDict(\n  (cls): Dense(2 -> 3, linear)\n)"


# ---- registration ---------------------------------------------------------------------------------


def test_attribute_assignment_registers_children_and_parameters():
    class Net(nn.Block):
        def __init__(self):
            super().__init__()
            self.a = nn.Dense(2)
            self.w = gluon.Parameter("w", shape=(2,))
            self.plain = 3

    net = Net()
    assert list(net._children) == ["a"]
    assert list(net._reg_params) == ["w"]
    assert list(net._collect_params_with_prefix()) == ["w", "a.weight", "a.bias"]
    # Replacing a child by something else is a TypeError, as in MXNet 1.9.1 (test_gluon_fidelity.py);
    # deleting it unregisters it.
    with pytest.raises(TypeError, match="Changing attribute type for 'a' from Dense to NoneType"):
        net.a = None
    del net.a
    assert list(net._children) == []
    net.b = nn.Dense(1)
    del net.b
    assert list(net._children) == []


def test_register_child_and_manual_children():
    net = nn.Block()
    d0, d1 = nn.Dense(2), nn.Dense(3)
    net.register_child(d0)
    net.register_child(d1, "named")
    assert list(net._children.items()) == [("0", d0), ("named", d1)]
    raises(TypeError, net.register_child, 3)
    m = MySequential()
    m.add(nn.Dense(2))
    m.add(nn.Dense(1))
    assert list(m.collect_params()) == ["dense2_weight", "dense2_bias", "dense3_weight", "dense3_bias"]
    m.initialize()
    assert m(np.ones((3, 4))).shape == (3, 1)


def test_assigning_before_init_is_a_clear_error():
    class Early(nn.Block):
        def __init__(self):
            self.d = nn.Dense(2)
            super().__init__()

    raises(AttributeError, Early, contains=["super().__init__()", "Early"])


def test_unregistered_container_warning_matches_mxnet():
    class ListNet(nn.Block):
        def __init__(self):
            super().__init__()
            self.layers = [nn.Dense(2), nn.Dense(3)]

    net = ListNet()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert len(net.collect_params()) == 0
    assert [str(w.message) for w in caught] == [UNREGISTERED.format("ListNet.layers")]

    class DictNet(nn.Block):
        def __init__(self):
            super().__init__()
            self.heads = {"a": nn.Dense(2)}

    with pytest.warns(UserWarning, match='"DictNet.heads" is an unregistered container'):
        DictNet().collect_params()


def test_forward_is_looked_up_at_call_time():
    class Net(nn.Block):
        def forward(self, x):
            return x + 1

    net = Net()
    x = np.array([1.0])
    assert float(net(x)[0]) == 2.0
    Net.forward = lambda self, x: x * 10
    assert float(net(x)[0]) == 10.0
    net.forward = lambda x: x - 5        # an instance attribute wins, as in Python generally
    assert float(net(x)[0]) == -4.0


def test_call_accepts_keyword_arguments():
    class Net(nn.Block):
        def forward(self, x, scale=1.0):
            return x * scale

    assert float(Net()(np.array([2.0]), scale=3.0)[0]) == 6.0


# ---- names ----------------------------------------------------------------------------------------


def test_names_from_global_counters():
    net = nn.Sequential()
    net.add(nn.Dense(256, activation="relu"), nn.Dense(10))
    assert net.name == "sequential0" and net.prefix == "sequential0_"
    assert [b.name for b in net] == ["dense0", "dense1"]
    assert list(net.collect_params()) == ["dense0_weight", "dense0_bias", "dense1_weight", "dense1_bias"]
    # Building the same net again continues the counters (dense2, dense3), as MXNet does.
    again = nn.Sequential()
    again.add(nn.Dense(256), nn.Dense(10))
    assert again.name == "sequential1" and [b.name for b in again] == ["dense2", "dense3"]
    assert net[0].act.name == "dense0_relu"
    assert nn.Activation("relu").name == "relu0" and nn.Activation("sigmoid").prefix == "sigmoid0_"


def test_name_scope_and_prefix_match_mxnet():
    n = NestMLP()
    assert (n.name, n.prefix) == ("nestmlp0", "nestmlp0_")
    assert list(n.collect_params()) == [
        "nestmlp0_sequential0_dense0_weight", "nestmlp0_sequential0_dense0_bias",
        "nestmlp0_sequential0_dense1_weight", "nestmlp0_sequential0_dense1_bias",
        "nestmlp0_dense0_weight", "nestmlp0_dense0_bias"]
    assert list(n._collect_params_with_prefix()) == [
        "net.0.weight", "net.0.bias", "net.1.weight", "net.1.bias", "dense.weight", "dense.bias"]

    class MyModel(nn.Block):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            with self.name_scope():
                self.dense0 = nn.Dense(2)
                self.dense1 = nn.Dense(2)

    m = MyModel(prefix="mymodel_")
    assert (m.name, m.prefix) == ("mymodel", "mymodel_")
    assert list(m.collect_params()) == ["mymodel_dense0_weight", "mymodel_dense0_bias", "mymodel_dense1_weight",
                                        "mymodel_dense1_bias"]
    assert list(MyModel().collect_params())[0] == "mymodel0_dense0_weight"


def test_child_created_without_name_scope_gets_a_global_name():
    class NoScope(nn.Block):
        def __init__(self):
            super().__init__()
            self.d = nn.Dense(2)

    ns = NoScope()
    assert ns.name == "noscope0" and list(ns.collect_params()) == ["dense0_weight", "dense0_bias"]
    m = MLP()
    assert [m.hidden.name, m.output.name] == ["dense1", "dense2"]
    assert list(m._collect_params_with_prefix()) == ["hidden.weight", "hidden.bias", "output.weight", "output.bias"]


def test_empty_prefix_opens_no_scope():
    net = nn.Sequential(prefix="")
    with net.name_scope():
        net.add(nn.Dense(2))
    assert net.name == "" and net[0].name == "dense0"


# ---- hooks and apply -------------------------------------------------------------------------------


def test_forward_hooks_and_detach():
    net = nn.Sequential()
    net.add(nn.Dense(3, in_units=2))
    net.initialize()
    calls = []
    pre = net.register_forward_pre_hook(lambda b, args: calls.append(("pre", b, type(args), len(args))))
    post = net.register_forward_hook(lambda b, args, out: calls.append(("post", b, type(args), out.shape)))
    x = np.ones((1, 2))
    net(x)
    pre.detach()
    net(x)
    post.detach()
    net(x)
    assert calls == [("pre", net, tuple, 1), ("post", net, tuple, (1, 3)), ("post", net, tuple, (1, 3))]
    pre.detach()        # detaching twice is harmless
    with net[0].register_forward_hook(lambda b, a, o: calls.append("ctx")):
        net(x)
    net(x)
    assert calls[-1] == "ctx" and calls.count("ctx") == 1
    h = net.register_forward_hook(lambda b, a, o: calls.append("removed?"))
    h.remove()
    net(x)
    assert "removed?" not in calls


def test_apply_visits_children_first():
    n = NestMLP()
    seen = []
    assert n.apply(lambda b: seen.append(b.name)) is n
    # MXNet 1.9.1's order (the Dense's Activation is a child too).
    assert seen == ["nestmlp0_sequential0_dense0_relu", "nestmlp0_sequential0_dense0",
                    "nestmlp0_sequential0_dense1_relu", "nestmlp0_sequential0_dense1", "nestmlp0_sequential0",
                    "nestmlp0_dense0_relu", "nestmlp0_dense0", "nestmlp0"]


def test_apply_can_initialize_selectively():
    net = nn.Sequential()
    net.add(nn.Dense(3, in_units=2), nn.Dense(1, in_units=3))

    def init_dense(b):
        if isinstance(b, nn.Dense):
            b.weight.initialize(init.Constant(2.0))
            b.bias.initialize(init.Zero())

    net.apply(init_dense)
    assert (net[1].weight.data().asnumpy() == 2.0).all()


# ---- collect_params ------------------------------------------------------------------------------


def test_collect_params_select_uses_re_match():
    net = nn.Sequential()
    net.add(nn.Dense(4), nn.Dense(2))
    assert list(net.collect_params(".*weight")) == ["dense0_weight", "dense1_weight"]
    assert list(net.collect_params("dense0.*")) == ["dense0_weight", "dense0_bias"]
    nothing = net.collect_params("weight")          # anchored at the start of the name
    assert len(nothing) == 0 and repr(nothing) == "sequential0_ (\n\n)"
    assert list(net.collect_params(".*0_weight|.*1_bias")) == ["dense0_weight", "dense1_bias"]
    # Structural paths match too (deepblocks extension).
    assert list(net.collect_params(r"1\..*")) == ["dense1_weight", "dense1_bias"]
    net.collect_params(".*bias").setattr("wd_mult", 0)      # d2l's idiom
    assert [p.wd_mult for p in net.collect_params().values()] == [1.0, 0, 1.0, 0]


def test_collect_params_repr_and_structural_lookup():
    net = nn.Sequential()
    net.add(nn.Dense(256, activation="relu"), nn.Dense(10))
    params = net.collect_params()
    assert isinstance(params, gluon.parameter.ParameterDict)
    assert repr(params) == (
        "sequential0_ (\n"
        "  Parameter dense0_weight (shape=(256, -1), dtype=float32)\n"
        "  Parameter dense0_bias (shape=(256,), dtype=float32)\n"
        "  Parameter dense1_weight (shape=(10, -1), dtype=float32)\n"
        "  Parameter dense1_bias (shape=(10,), dtype=float32)\n"
        ")")
    assert params["0.weight"] is net[0].weight and params["dense1_bias"] is net[1].bias
    assert "1.bias" in params and "2.bias" not in params


def test_block_params_holds_own_parameters_only():
    net = nn.Sequential()
    net.add(nn.Dense(8, in_units=4), nn.Dense(1, in_units=8))
    assert len(net.params) == 0
    assert repr(net[1].params) == ("dense1_ (\n  Parameter dense1_weight (shape=(1, 8), dtype=float32)\n"
                                   "  Parameter dense1_bias (shape=(1,), dtype=float32)\n)")


# ---- HybridBlock ---------------------------------------------------------------------------------


class HybridNet(nn.HybridBlock):
    """MXNet 1.x style: own parameters arrive as keyword arguments of hybrid_forward."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        with self.name_scope():
            self.weight = self.params.get("weight", shape=(3, 2))
            self.scale = self.params.get_constant("scale", [2.0])
            self.dense = nn.Dense(4, in_units=3)

    def hybrid_forward(self, F, x, weight, scale):
        h = F.np.dot(x, weight.T) * scale
        return F.npx.relu(self.dense(h))


class ForwardNet(nn.HybridBlock):
    """Gluon 2.0 style."""

    def __init__(self):
        super().__init__()
        self.dense0 = nn.Dense(5, activation="tanh")
        self.dense1 = nn.Dense(2)

    def forward(self, x):
        return self.dense1(self.dense0(x))


def test_hybrid_forward_gets_params_as_keywords():
    net = HybridNet()
    net.initialize(init.One())
    x = np.array([[1.0, -1.0], [2.0, 3.0]])
    out = net(x)
    h = onp.maximum(x.asnumpy() @ onp.ones((2, 3)) * 2 @ onp.ones((3, 4)), 0)
    onp.testing.assert_allclose(out.asnumpy(), h)
    assert list(net._collect_params_with_prefix()) == ["weight", "scale", "dense.weight", "dense.bias"]


@pytest.mark.parametrize("make", [HybridNet, ForwardNet])
def test_hybridize_gives_identical_results(make):
    net = make()
    net.initialize()
    x = np.random.uniform(size=(3, 2))
    before = net(x).asnumpy()
    with autograd.record():
        loss = net(x).sum()
    loss.backward()
    grads = [p.grad().asnumpy() for p in net.collect_params().values() if p.grad_req != "null"]
    net.hybridize()
    net(x)                                    # the first call (MXNet traces here)
    onp.testing.assert_array_equal(net(x).asnumpy(), before)
    with autograd.record():
        loss = net(x).sum()
    loss.backward()
    after = [p.grad().asnumpy() for p in net.collect_params().values() if p.grad_req != "null"]
    for a, b in zip(grads, after):
        onp.testing.assert_array_equal(a, b)
    net.hybridize(active=False, static_alloc=True)
    onp.testing.assert_array_equal(net(x).asnumpy(), before)


def test_hybridize_sequential_of_hybrid_blocks_warns_as_mxnet():
    net = nn.Sequential()
    net.add(nn.Dense(2), nn.Dense(1))
    with pytest.warns(UserWarning) as rec:
        net.hybridize()
    assert str(rec[0].message) == ("All children of this Sequential layer 'sequential0_' are HybridBlocks. "
                                   "Consider using HybridSequential for the best performance.")


def test_hybrid_block_accepts_plain_block_children():
    # MXNet 1.9 raises ValueError here; deepblocks lets any Block be a child.
    h = nn.HybridSequential()
    h.add(CenteredLayer())
    out = h(np.array([1.0, 3.0]))
    onp.testing.assert_array_equal(out.asnumpy(), [-1.0, 1.0])


def test_hybrid_block_without_forward_is_a_clear_error():
    raises(NotImplementedError, nn.HybridBlock(), np.ones(2), contains="hybrid_forward")
    raises(NotImplementedError, nn.Block(), np.ones(2), contains="forward")


# ---- sharing -------------------------------------------------------------------------------------


def _grad_check_shared(net, shared_param, x):
    """The gradient of sum(net(x)) w.r.t. a shared weight against central differences."""
    with autograd.record():
        y = net(x).sum()
    y.backward()
    analytic = shared_param.grad().asnumpy().copy()
    data = shared_param.data()
    eps = 1e-6
    numeric = onp.zeros_like(analytic)
    for idx in onp.ndindex(*analytic.shape):
        old = float(data[idx])
        data[idx] = old + eps
        up = float(net(x).sum())
        data[idx] = old - eps
        down = float(net(x).sum())
        data[idx] = old
        numeric[idx] = (up - down) / (2 * eps)
    onp.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-8)
    return analytic


def test_sharing_with_params_argument():
    shared = nn.Dense(3, in_units=3, dtype="float64")
    net = nn.Sequential()
    net.add(nn.Dense(3, in_units=2, activation="tanh", dtype="float64"), shared,
            nn.Dense(3, in_units=3, activation="tanh", params=shared.params, dtype="float64"),
            nn.Dense(1, in_units=3, dtype="float64"))
    net.initialize(init.Normal(0.5))
    assert net[1].weight is net[2].weight and net[2].weight.name == "dense0_weight"
    net[1].weight.data()[0, 0] = 100
    assert float(net[2].weight.data()[0, 0]) == 100
    net[1].weight.data()[0, 0] = 0.3
    # Listed once, in network order, as MXNet's d2l printout (dense6, dense5, dense8 there).
    assert list(net.collect_params()) == ["dense1_weight", "dense1_bias", "dense0_weight", "dense0_bias",
                                          "dense3_weight", "dense3_bias"]
    assert list(net._collect_params_with_prefix()) == ["0.weight", "0.bias", "1.weight", "1.bias", "2.weight",
                                                       "2.bias", "3.weight", "3.bias"]
    x = np.array(onp.random.RandomState(0).uniform(-1, 1, (4, 2)))
    _grad_check_shared(net, shared.weight, x)


def test_sharing_with_share_parameters():
    a = nn.Sequential()
    a.add(nn.Dense(3, in_units=2), nn.Dense(1, in_units=3))
    b = nn.Sequential()
    b.add(nn.Dense(3, in_units=2), nn.Dense(1, in_units=3))
    a.initialize()
    with warnings.catch_warnings():
        warnings.simplefilter("error")       # every entry is used: no warning
        assert b.share_parameters(a.collect_params()) is b
    assert b[0].weight is a[0].weight and b[1].bias is a[1].bias
    with pytest.warns(UserWarning, match="already initialized"):
        b.initialize()           # the shared ones are initialized already (only a warning each)
    x = np.ones((2, 2))
    onp.testing.assert_array_equal(a(x).asnumpy(), b(x).asnumpy())
    # Unused entries are reported.
    c = nn.Sequential()
    c.add(nn.Dense(3, in_units=2))
    with pytest.warns(UserWarning) as rec:
        c.share_parameters(a.collect_params())
    assert [str(w.message) for w in rec] == [
        "Parameter(s) 1.weight, 1.bias in the shared dict are not used by sequential2"]


def test_sharing_by_reassignment():
    class Tied(nn.Block):
        def __init__(self):
            super().__init__()
            self.enc = nn.Dense(3, in_units=3, use_bias=False, dtype="float64")
            self.dec = nn.Dense(3, in_units=3, use_bias=False, dtype="float64")
            self.dec.weight = self.enc.weight     # MXNet 1.9: AssertionError; 2.0 / deepblocks: ties

        def forward(self, x):
            return self.dec(np.tanh(self.enc(x)))

    net = Tied()
    net.initialize(init.Normal(0.5))
    assert net.dec.weight is net.enc.weight
    assert len(list(net.collect_params())) == 1
    assert list(net._collect_params_with_prefix()) == ["enc.weight", "dec.weight"]
    x = np.array(onp.random.RandomState(1).uniform(-1, 1, (2, 3)))
    _grad_check_shared(net, net.enc.weight, x)


def test_same_block_used_twice_sums_gradients():
    class Twice(nn.Block):
        def __init__(self):
            super().__init__()
            self.d = nn.Dense(2, in_units=2, use_bias=False, dtype="float64")

        def forward(self, x):
            return self.d(self.d(x))

    net = Twice()
    net.initialize(init.Constant(0.5))
    x = np.array([[1.0, 2.0]], dtype="float64")
    g = _grad_check_shared(net, net.d.weight, x)
    # y = W W x, d sum(y)/dW = 1 (W x)^T + W^T 1 x^T: with W = 0.5 everywhere, x = (1, 2):
    # W x = (1.5, 1.5); W^T 1 = (1, 1); so every row is (1.5, 1.5) + (1, 2).
    onp.testing.assert_allclose(g, [[2.5, 3.5], [2.5, 3.5]])


# ---- whole-tree operations ------------------------------------------------------------------------


def test_zero_grad():
    net = MLP()
    net.initialize()
    with autograd.record():
        net(np.ones((2, 3))).sum().backward()
    assert any(abs(p.grad().asnumpy()).sum() > 0 for p in net.collect_params().values())
    net.zero_grad()
    assert all((p.grad().asnumpy() == 0).all() for p in net.collect_params().values())


def test_cast_converts_every_parameter():
    net = MLP()
    net.initialize()
    net(np.ones((2, 3)))
    net.cast("float64")
    assert all(p.dtype == "float64" and p.data().dtype == onp.float64 for p in net.collect_params().values())
    out = net(np.ones((2, 3), dtype="float64"))
    assert out.dtype == onp.float64
    with autograd.record():
        net(np.ones((2, 3), dtype="float64")).sum().backward()
    assert net.hidden.weight.grad().dtype == onp.float64


def test_setattr_on_every_parameter():
    net = MLP()
    net.setattr("grad_req", "null")
    assert all(p.grad_req == "null" for p in net.collect_params().values())
    net.setattr("lr_mult", 0.5)
    assert all(p.lr_mult == 0.5 for p in net.collect_params().values())


def test_pytorch_style_aliases():
    net = MLP()
    assert [k for k, _ in net.named_parameters()] == ["hidden.weight", "hidden.bias", "output.weight",
                                                      "output.bias"]
    assert list(net.parameters())[0] is net.hidden.weight
    assert [k for k, _ in net.named_children()] == ["hidden", "output"]
    assert list(net.children()) == [net.hidden, net.output]
    assert [k for k, _ in net.named_modules()] == ["", "hidden", "hidden.act", "output"]
    assert len(list(net.modules())) == 4
    assert net.to(dtype="float64") is net and net.hidden.weight.dtype == "float64"


# ---- internals never call overridable public methods ------------------------------------------------


class Overriding(nn.Block):
    """Overrides every public method an internal could be tempted to call (d2l.Module overrides
    ``parameters`` and ``forward`` and stores attributes such as ``trainer`` and ``loss``)."""

    def __init__(self):
        super().__init__()
        self.net = nn.Sequential()
        self.net.add(nn.Dense(3, activation="relu"), nn.Dense(1))
        self.trainer = None
        self.board = object()
        self.loss = "not a method"
        self.lr = 0.1
        self.hparams = {"lr": 0.1}

    def forward(self, x):
        return self.net(x)

    def _fail(self, *args, **kwargs):
        raise AssertionError("an internal called an overridable public method")

    parameters = named_parameters = collect_params = children = named_children = _fail
    modules = named_modules = state_dict = register_child = load_dict = _fail


@pytest.mark.filterwarnings("ignore:All children of this Sequential")
def test_internals_never_call_overridable_methods(tmp_path):
    m = Overriding()
    m.initialize()
    x = np.ones((2, 4))
    m(x)
    with autograd.record():
        m(x).sum().backward()
    m.zero_grad()
    m.cast("float32")
    m.reset_ctx(npx.cpu())
    m.setattr("lr_mult", 1.0)
    m.hybridize()
    f = str(tmp_path / "m.params")
    m.save_parameters(f)
    m2 = Overriding()
    m2.load_parameters(f)
    onp.testing.assert_array_equal(m2(x).asnumpy(), m(x).asnumpy())
    repr(m)


@pytest.mark.parametrize("make", [MLP, NestMLP, Overriding, lambda: nn.Dense(3), lambda: nn.BatchNorm(),
                                  lambda: gluon.loss.L2Loss(), lambda: nn.Sequential(nn.Dense(2))])
def test_no_block_attribute_raises(make):
    """d2l's get_scratch_params does getattr(self, a) for every a in dir(self) and collects the
    np.ndarray values: nothing may raise and no attribute may be an array."""
    net = make()
    for stage in ("built", "initialized"):
        if stage == "initialized":
            net.initialize()
        for a in dir(net):
            value = getattr(net, a)
            assert not isinstance(value, (np.ndarray, nd.NDArray)), f"{a} is an array ({stage})"


# ---- summary ---------------------------------------------------------------------------------------


def test_summary_matches_mxnet(capsys):
    class Net(nn.Block):
        def __init__(self):
            super().__init__()
            self.hidden = nn.Dense(4, in_units=3)
            self.out = nn.Dense(2, in_units=4)

        def forward(self, x):
            return self.out(self.hidden(x))

    net = Net()
    net.initialize()
    net.summary(np.ones((1, 3)))
    # MXNet 1.9.1's printout for this network.
    assert capsys.readouterr().out == """\
--------------------------------------------------------------------------------
        Layer (type)                                Output Shape         Param #
================================================================================
               Input                                      (1, 3)               0
             Dense-1                                      (1, 4)              16
             Dense-2                                      (1, 2)              10
               Net-3                                      (1, 2)               0
================================================================================
Parameters in forward computation graph, duplicate included
   Total params: 26
   Trainable params: 26
   Non-trainable params: 0
Shared params in forward computation graph: 0
Unique parameters in model: 26
--------------------------------------------------------------------------------
"""
    seq = nn.Sequential()
    seq.add(nn.Dense(3, in_units=2))
    seq.initialize()
    seq.summary(np.ones((1, 2)))
    out = capsys.readouterr().out
    assert "Dense-1" in out and "Sequential" not in out and "Total params: 9" in out


# ---- errors in a forward pass --------------------------------------------------------------------

@pytest.mark.parametrize("make, x", [
    # recorded from MXNet 1.9.1: each raises MXNetError ("Shape inconsistent, Provided = [10],
    # inferred shape=[11]" for the LayerNorm; the others alike)
    (lambda: nn.LayerNorm(in_channels=10), nd.ones((2, 11))),
    (lambda: nn.Dense(3, in_units=4), nd.ones((2, 5))),
    (lambda: nn.Conv2D(3, 3, in_channels=4), nd.ones((1, 5, 6, 6))),
    (lambda: nn.BatchNorm(in_channels=10), nd.ones((2, 11))),
])
def test_a_shape_that_does_not_fit_a_layer_is_an_mxnet_error(make, x):
    from deepblocks import MXNetError

    layer = make()
    layer.initialize()
    with pytest.raises(MXNetError) as info:
        layer(x)
    assert isinstance(info.value, ValueError)          # and still the ValueError it was
    assert type(layer).__name__ in str(info.value)
    # the path prefix is written once, by the outermost Block
    net = nn.Sequential()
    net.add(nn.Activation("relu"), layer)
    with pytest.raises(ValueError) as info:
        net(x)
    assert isinstance(info.value, MXNetError)
    assert str(info.value).startswith(f"Sequential.1 ({type(layer).__name__}): ")
    assert str(info.value).count(":") == str(layer_error(layer, x)).count(":")


def layer_error(layer, x):
    try:
        layer(x)
    except ValueError as err:
        return err
    raise AssertionError("no error")


def test_a_dtype_that_does_not_fit_a_layer_is_an_mxnet_type_error():
    from deepblocks import MXNetError

    layer = nn.Dense(2, in_units=3)
    layer.initialize()
    with pytest.raises(TypeError, match="float64") as info:
        layer(np.ones((1, 3), dtype="float64"))
    assert isinstance(info.value, MXNetError)


def test_errors_a_forward_raises_on_purpose_keep_their_class():
    class Picky(nn.Block):
        def forward(self, x):
            raise KeyError("no such mode")

    class MyError(ValueError):
        pass

    class Fussy(nn.Block):
        def forward(self, x):
            raise MyError("bad x")

    with pytest.raises(KeyError):
        Picky()(np.ones(2))
    with pytest.raises(MyError) as info:
        Fussy()(np.ones(2))
    assert type(info.value) is MyError and str(info.value) == "Fussy: bad x"

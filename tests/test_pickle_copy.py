"""pickle, copy.copy and copy.deepcopy of arrays, Parameters, Blocks and Trainers, and sending
them through a multiprocessing Pool.

Behaviour recorded from MXNet 1.9.1: ``copy.copy`` and ``copy.deepcopy`` of an array both give
an independent array of the same class (MXNet copies through ``__reduce__``); neither keeps the
gradient buffer nor the autograd graph (``backward`` on the copy of a recorded result is an
MXNetError); ``copy.copy`` of a Block shares its Parameters, ``copy.deepcopy`` does not; a
deep-copied ``grad_req='add'`` Parameter keeps its request and gradient buffer.
"""

import copy
import multiprocessing
import pickle
import pickletools

import numpy as onp
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import arrays_and_views, raises
from deepblocks import _core, autograd, gluon, nd, np
from deepblocks.base import MXNetError
from deepblocks.gluon import nn
from deepblocks.gluon.data import ArrayDataset, DataLoader
from deepblocks.gluon.parameter import DeferredInitializationError
from deepblocks.gluon.trainer import StaleGradientError

PROTOCOLS = range(2, pickle.HIGHEST_PROTOCOL + 1)


def _roundtrips(x):
    """Every way of copying ``x``: pickle at each protocol, copy.copy, copy.deepcopy."""
    out = [pickle.loads(pickle.dumps(x, protocol=p)) for p in PROTOCOLS]
    return out + [copy.copy(x), copy.deepcopy(x)]


def _same_array(y, x):
    assert type(y) is type(x)
    assert y.shape == x.shape and y.dtype == x.dtype and y.ctx == x.ctx
    onp.testing.assert_array_equal(y.asnumpy(), x.asnumpy())


# ---- arrays ------------------------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(arrays_and_views())
def test_np_arrays_and_views_copy_and_pickle(pair):
    host, x = pair
    for y in _roundtrips(x):
        _same_array(y, x)
        onp.testing.assert_array_equal(y.asnumpy(), host)
        assert y._storage_id != x._storage_id        # never the original's memory


@pytest.mark.parametrize("make", [
    lambda: nd.array([[1.0, 2.0], [3.0, 4.0]]), lambda: nd.array([1, 2], dtype="int64"),
    lambda: nd.zeros((0, 3)), lambda: nd.array([5.0, 6.0])[1], lambda: nd.array([[1.0, 2.0, 3.0]])[:, ::-1],
], ids=["2-d", "int64", "empty", "scalar-index", "negative-step"])
def test_legacy_arrays_stay_legacy(make):
    x = make()
    for y in _roundtrips(x):
        _same_array(y, x)
        assert isinstance(y, nd.NDArray)
        assert y._storage_id != x._storage_id


def test_legacy_0d_shape_survives():
    # nd arrays are 1-d at least when made; a 0-d one made from the np side keeps its shape.
    x = np.array(2.5).as_nd_ndarray()
    assert x.shape == ()
    for y in _roundtrips(x):
        assert isinstance(y, nd.NDArray) and y.shape == () and float(y.asnumpy()) == 2.5


def test_copies_are_independent_both_ways():
    x = np.arange(6.0).reshape(2, 3)
    for y in (copy.copy(x), copy.deepcopy(x), pickle.loads(pickle.dumps(x))):
        y[0, 0] = 100
        assert float(x[0, 0]) == 0.0
        x[1, 1] = -5
        assert float(y[1, 1]) == 4.0
        x[1, 1] = 4


def test_deepcopy_keeps_identity_within_one_copy():
    x = np.ones(3)
    a, b = copy.deepcopy([x, x])
    assert a is b and a is not x
    a[0] = 7
    assert float(x[0]) == 1.0


def test_a_subclass_keeps_its_class():
    x = np.arange(3.0)
    y = pickle.loads(pickle.dumps(_Tagged(x)))
    assert type(y) is _Tagged and y.asnumpy().tolist() == [0.0, 1.0, 2.0]


class _Tagged(np.ndarray):
    """A user subclass of the array class (module level, so pickle can name it)."""


def test_gradient_buffer_and_graph_are_not_carried():
    # As MXNet 1.9.1: the copies of a variable have no gradient buffer; the copy of a recorded
    # result is outside any graph, so backward through it is an MXNetError.
    x = np.array([1.0, 2.0])
    x.attach_grad()
    for y in (copy.deepcopy(x), pickle.loads(pickle.dumps(x))):
        assert y.grad is None
    with autograd.record():
        z = x * 2
    z2 = pickle.loads(pickle.dumps(z))
    assert z2.asnumpy().tolist() == [2.0, 4.0]
    raises(MXNetError, z2.backward, contains="not in a computational graph")


def test_the_pickle_names_nothing_but_the_constructor_and_the_class():
    """Unpickling an array runs ``_core._rebuild_array`` on plain values (bytes, a dtype
    name, ints, a device name): the only globals the pickle refers to are that function and
    the array class."""
    for x in (np.arange(4.0), nd.array([1, 2], dtype="int32"), np.array([True, False])):
        fn, args = x.__reduce__()
        assert fn is _core._rebuild_array
        cls, data, dtype, shape, kind, device_id = args
        assert cls is type(x) and isinstance(data, bytes) and isinstance(dtype, str)
        assert isinstance(shape, tuple) and all(type(d) is int for d in shape)
        assert kind == "cpu" and type(device_id) is int
        for protocol in PROTOCOLS:
            blob = pickle.dumps(x, protocol=protocol)
            names = _globals_in(blob)
            assert names <= {("deepblocks._core", "_rebuild_array"), ("deepblocks.numpy", "ndarray"),
                             ("deepblocks.ndarray.ndarray", "NDArray"), ("builtins", "bytes"),
                             ("_codecs", "encode")}, names


def _globals_in(blob):
    """(module, name) of every global a pickle loads (GLOBAL and STACK_GLOBAL opcodes)."""
    names, strings = set(), []
    for op, arg, _ in pickletools.genops(blob):
        if op.name == "GLOBAL":
            names.add(tuple(arg.split(" ", 1)))
        elif op.name in ("SHORT_BINUNICODE", "BINUNICODE", "UNICODE"):
            strings.append(arg)
        elif op.name == "STACK_GLOBAL":
            names.add((strings[-2], strings[-1]))
    return names


def test_the_constructor_checks_what_it_is_given():
    rebuild = _core._rebuild_array
    good = onp.arange(3, dtype="float32").tobytes()
    assert rebuild(np.ndarray, good, "float32", (3,), "cpu", 0).asnumpy().tolist() == [0.0, 1.0, 2.0]
    raises(TypeError, rebuild, dict, good, "float32", (3,), "cpu", 0, contains="not an array class")
    raises(TypeError, rebuild, np.ndarray, "not bytes", "float32", (3,), "cpu", 0)
    raises(ValueError, rebuild, np.ndarray, good, "float32", (4,), "cpu", 0, contains=("12 bytes", "(4,)"))
    raises(ValueError, rebuild, np.ndarray, good, "float32", (2**62, 4), "cpu", 0)
    raises(TypeError, rebuild, np.ndarray, good, "object", (3,), "cpu", 0, contains="unsupported dtype")
    raises(ValueError, rebuild, np.ndarray, good, "float32", (3,), "tpu", 0, contains="tpu")
    # bool bytes other than 0/1 become True, never an invalid Rust bool
    b = rebuild(np.ndarray, bytes([0, 1, 7]), "bool", (3,), "cpu", 0)
    assert b.asnumpy().tolist() == [False, True, True]


def test_an_array_saved_on_a_missing_gpu_is_a_clear_error():
    if _core.num_gpus() > 0:
        pytest.skip("a GPU is present")
    blob = pickle.dumps(np.ones(2)).replace(b"cpu", b"gpu")
    raises(MXNetError, pickle.loads, blob)


def test_contexts_pickle_and_copy():
    from deepblocks.context import Context, cpu, gpu

    for c in (cpu(), cpu(1), gpu(2)):
        for d in _roundtrips(c):
            assert type(d) is Context and d == c
    assert copy.deepcopy(cpu()) is not None


# ---- Parameters ----------------------------------------------------------------------------------


@pytest.mark.parametrize("grad_req", ["write", "add", "null"])
def test_parameter_copies(grad_req, np_mode):
    p = gluon.Parameter("w", shape=(2, 3), dtype="float64", grad_req=grad_req, lr_mult=0.5, wd_mult=2.0)
    p.initialize(init="ones")
    if grad_req != "null":
        with autograd.record():
            loss = (p.data() * 3).sum()
        loss.backward()
    for q in (copy.deepcopy(p), pickle.loads(pickle.dumps(p))):
        assert q is not p and q.name == "w" and q.grad_req == grad_req and q.shape == (2, 3)
        assert q.dtype == "float64" and (q.lr_mult, q.wd_mult) == (0.5, 2.0)
        _same_array(q.data(), p.data())
        assert q.data()._storage_id != p.data()._storage_id
        if grad_req == "null":
            raises(RuntimeError, q.grad)
            continue
        # the gradient buffer is there, carried over, and is the copy's own
        _same_array(q.grad(), p.grad())
        assert q.grad()._storage_id != p.grad()._storage_id
        with autograd.record():
            loss = (q.data() * q.data()).sum()
        loss.backward()
        expected = 3 + 2 * onp.ones((2, 3)) if grad_req == "add" else 2 * onp.ones((2, 3))
        onp.testing.assert_array_equal(q.grad().asnumpy(), expected)
        onp.testing.assert_array_equal(p.grad().asnumpy(), 3 * onp.ones((2, 3)))


def test_uninitialized_and_deferred_parameters(np_mode):
    p = gluon.Parameter("w", shape=(4, 3))
    q = pickle.loads(pickle.dumps(p))
    raises(RuntimeError, q.data, contains="has not been initialized")
    q.initialize(init="zeros")
    assert q.data().shape == (4, 3)

    net = nn.Dense(4)                      # in_units unknown: initialization is deferred
    net.initialize(init="ones")
    twin = copy.deepcopy(net)
    assert twin.weight.shape == (4, -1)
    raises(DeferredInitializationError, twin.weight.data)
    twin(np.ones((2, 5)))                  # the copy finishes its own deferred init
    assert twin.weight.data().shape == (4, 5)
    raises(DeferredInitializationError, net.weight.data)
    net(np.ones((1, 7)))                   # and the original still can, with another width
    assert net.weight.data().shape == (4, 7)


def test_parameter_shallow_copy_shares_the_data(np_mode):
    p = gluon.Parameter("w", shape=(2,))
    p.initialize(init="zeros")
    q = copy.copy(p)
    assert q.data() is p.data()


# ---- Blocks and Trainers -----------------------------------------------------------------------------


class _Tower(nn.Block):
    """A custom Block with nested children, one of them used twice, and a second Block sharing
    the first one's parameters through ``params=``."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.body = nn.Sequential()
        self.shared = nn.Dense(6, activation="tanh", in_units=6)
        self.body.add(nn.Dense(6, in_units=4), self.shared, self.shared)
        self.tied = nn.Dense(3, in_units=6)
        self.twin = nn.Dense(3, in_units=6, params=self.tied.params)

    def forward(self, x):
        h = self.body(x)
        return self.tied(h) + self.twin(h)


def _net():
    net = _Tower()
    net.initialize()
    return net


def _batch(seed):
    rng = onp.random.default_rng(seed)
    return np.array(rng.uniform(size=(8, 4)).astype("float32")), np.array(rng.uniform(size=(8, 3)).astype("float32"))


def _train(net, trainer, steps, seed=0):
    loss_fn = gluon.loss.L2Loss()
    for i in range(steps):
        x, y = _batch(seed + i)
        with autograd.record():
            loss = loss_fn(net(x), y)
        loss.backward()
        trainer.step(8)


def _snapshot(net):
    return [p.data().asnumpy().copy() for p in net.collect_params().values()]


def _equal(a, b):
    return len(a) == len(b) and all(onp.array_equal(u, v) for u, v in zip(a, b))


def test_sharing_is_kept_inside_one_copy(gluon_state):
    net = _net()
    for twin in (copy.deepcopy(net), pickle.loads(pickle.dumps(net))):
        assert twin.body[1] is twin.body[2] is twin.shared
        assert twin.twin.weight is twin.tied.weight
        assert twin.shared.weight is not net.shared.weight
        assert list(twin.collect_params()) == list(net.collect_params())
        x, _ = _batch(0)
        onp.testing.assert_array_equal(twin(x).asnumpy(), net(x).asnumpy())


def test_shallow_copy_of_a_block_shares_its_parameters(gluon_state):
    net = _net()
    assert copy.copy(net).shared.weight is net.shared.weight


def test_a_deep_copy_trains_independently(gluon_state):
    net = _net()
    trainer = gluon.Trainer(net.collect_params(), "adam", {"learning_rate": 0.05})
    _train(net, trainer, 2)
    twin, twin_trainer = copy.deepcopy((net, trainer))
    assert {id(p) for p in twin_trainer._params} == {id(p) for p in twin.collect_params().values()}

    # The optimizer state (Adam's moments and step counts) came along: the same batch moves
    # both networks identically.
    _train(net, trainer, 1, seed=10)
    _train(twin, twin_trainer, 1, seed=10)
    assert _equal(_snapshot(twin), _snapshot(net))

    # Training the copy leaves the original alone, and the other way round.
    before = _snapshot(net)
    _train(twin, twin_trainer, 3, seed=20)
    assert _equal(_snapshot(net), before)
    assert not _equal(_snapshot(twin), before)
    after_twin = _snapshot(twin)
    _train(net, trainer, 3, seed=30)
    assert _equal(_snapshot(twin), after_twin)


def test_a_copied_trainer_knows_which_gradients_are_stale(gluon_state):
    net = _net()
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.1, "momentum": 0.9})
    _train(net, trainer, 1)
    for twin, twin_trainer in (copy.deepcopy((net, trainer)), pickle.loads(pickle.dumps((net, trainer)))):
        raises(StaleGradientError, twin_trainer.step, 8)     # as the original would
        raises(StaleGradientError, trainer.step, 8)
        _train(twin, twin_trainer, 1)                        # after a backward it steps


def test_a_trained_network_round_trips_through_pickle(gluon_state):
    net = nn.HybridSequential()
    net.add(nn.Conv2D(4, 3, in_channels=1, activation="relu"), nn.BatchNorm(in_channels=4), nn.Flatten(),
            nn.Dense(5, in_units=4 * 6 * 6))
    net.initialize()
    net.hybridize()
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.1})
    x = np.random.uniform(size=(4, 1, 8, 8))
    for _ in range(2):
        with autograd.record():
            loss = (net(x) ** 2).mean()
        loss.backward()
        trainer.step(4)
    blob = pickle.dumps(net)
    again = pickle.loads(blob)
    onp.testing.assert_array_equal(again(x).asnumpy(), net(x).asnumpy())
    for name, p in net.collect_params().items():      # BatchNorm's running statistics too
        _same_array(again.collect_params()[name].data(), p.data())


def test_a_trainer_pickled_alone_brings_its_parameters(gluon_state):
    net = _net()
    trainer = gluon.Trainer(net.collect_params(), "adam", {"learning_rate": 0.01})
    _train(net, trainer, 1)
    t2 = pickle.loads(pickle.dumps(trainer))
    assert [p.name for p in t2._params] == [p.name for p in trainer._params]
    assert all(a is not b for a, b in zip(t2._params, trainer._params))
    assert t2.learning_rate == trainer.learning_rate and t2.optimizer.num_update == trainer.optimizer.num_update


# ---- what cannot be pickled -----------------------------------------------------------------------


def test_autograd_scopes_refuse_to_be_pickled():
    for scope in (autograd.record(), autograd.pause(), autograd.train_mode()):
        raises(TypeError, pickle.dumps, scope, contains="autograd scope")
        raises(TypeError, copy.copy, scope, contains="autograd scope")


def test_a_running_data_loader_is_a_type_error_but_the_loader_pickles():
    data = ArrayDataset(onp.arange(12, dtype="float32").reshape(6, 2), onp.arange(6, dtype="float32"))
    loader = DataLoader(data, batch_size=2, num_workers=2)
    running = iter(loader)
    next(running)
    with pytest.raises(TypeError, match="generator"):
        pickle.dumps(running)
    running.close()
    again = pickle.loads(pickle.dumps(loader))
    got = [b[0].asnumpy().tolist() for b in again]
    assert got == [b[0].asnumpy().tolist() for b in loader]


# ---- multiprocessing --------------------------------------------------------------------------------


def _worker(args):
    """Runs in a child process: the array and the network arrive pickled, the results go
    back pickled."""
    x, net = args
    return x * 2, net(x), type(x).__name__


@pytest.mark.parametrize("method", ["spawn", "fork"])
def test_arrays_and_a_network_through_a_pool(method, gluon_state):
    if method not in multiprocessing.get_all_start_methods():
        pytest.skip(f"no {method} start method here")
    net = nn.Sequential()
    net.add(nn.Dense(3, in_units=4, activation="relu"), nn.Dense(2, in_units=3))
    net.initialize()
    xs = [np.random.uniform(size=(2, 4)) for _ in range(2)]
    with multiprocessing.get_context(method).Pool(1) as pool:
        results = pool.map(_worker, [(x, net) for x in xs])
    for x, (doubled, out, kind) in zip(xs, results):
        assert kind == "ndarray"
        _same_array(doubled, x * 2)
        onp.testing.assert_allclose(out.asnumpy(), net(x).asnumpy(), rtol=1e-6)

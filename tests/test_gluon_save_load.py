"""Parameter files: ``save_parameters``/``load_parameters`` round trips keyed by structural path,
``deduplicate``, loading into never-initialized networks, ``allow_missing``/``ignore_extra``,
one aggregated error that changes nothing, ``cast_dtype``/``dtype_source``, truncated and
corrupted files, failed saves that keep the previous file, ``load_dict``, the PyTorch-style
aliases, ``ParameterDict.save/load`` with prefixes, files across numpy/legacy mode, and files
written by MXNet 1.9.1 itself (tests/fixtures/mxnet).
"""

import os
import pathlib
import subprocess
import sys
import textwrap

import numpy as onp
import pytest

from conftest import raises
from deepblocks import autograd, gluon, init, nd, np, npx
from deepblocks.base import MXNetError
from deepblocks.gluon import nn

FIXTURES = pathlib.Path(__file__).parent / "fixtures" / "mxnet"


pytestmark = pytest.mark.usefixtures("gluon_state")


class MLP(nn.Block):
    def __init__(self, hidden=4, **kwargs):
        super().__init__(**kwargs)
        self.hidden = nn.Dense(hidden, activation="relu")
        self.output = nn.Dense(2)

    def forward(self, x):
        return self.output(self.hidden(x))


def trained_mlp(seed=0):
    np.random.seed(seed)         # fixed weights: random ones could leave every ReLU at 0
    net = MLP()
    net.initialize(init.Normal(0.5))
    net(np.ones((1, 3)))
    return net


def values(net):
    return {k: p.data().asnumpy().copy() for k, p in net._collect_params_with_prefix().items()}


def assert_same_values(a, b):
    va, vb = values(a), values(b)
    assert list(va) == list(vb)
    for k in va:
        onp.testing.assert_array_equal(va[k], vb[k], err_msg=k)


def shared_net():
    """Layer 1 shared into layer 2, as in d2l's parameters.md."""
    shared = nn.Dense(4, in_units=4, activation="relu")
    net = nn.Sequential()
    net.add(nn.Dense(4, in_units=3, activation="relu"), shared,
            nn.Dense(4, in_units=4, activation="relu", params=shared.params), nn.Dense(1, in_units=4))
    return net


# ---- round trips -----------------------------------------------------------------------------------


def test_round_trip_into_a_recreated_network(tmp_path):
    net = trained_mlp()
    f = str(tmp_path / "mlp.params")
    net.save_parameters(f)
    assert list(npx.load(f)) == ["hidden.weight", "hidden.bias", "output.weight", "output.bias"]
    clone = MLP()
    assert clone.hidden.name != net.hidden.name              # different display names...
    clone.load_parameters(f)                                 # ...and no initialize() or forward needed
    assert_same_values(net, clone)
    x = np.random.uniform(size=(2, 3))
    onp.testing.assert_array_equal(net(x).asnumpy(), clone(x).asnumpy())
    assert clone.hidden.weight.list_ctx() == [npx.cpu(0)]
    # The clone trains: its parameters carry gradients.
    with autograd.record():
        clone(x).sum().backward()
    assert abs(clone.hidden.weight.grad().asnumpy()).sum() > 0


def test_load_into_initialized_and_deferred_networks(tmp_path):
    net = trained_mlp()
    f = str(tmp_path / "mlp.params")
    net.save_parameters(f)
    inited = trained_mlp()
    inited.load_parameters(f)
    assert_same_values(net, inited)
    deferred = MLP()
    deferred.initialize()                                    # weights waiting for a forward
    deferred.load_parameters(f)
    assert deferred.hidden.weight.shape == (4, 3)
    assert_same_values(net, deferred)


def test_nested_structural_keys(tmp_path):
    class Outer(nn.Block):
        def __init__(self):
            super().__init__()
            self.net = nn.Sequential()
            self.net.add(nn.Dense(3, in_units=2), nn.Dense(2, in_units=3))
            self.dense = nn.Dense(1, in_units=2)

    o = Outer()
    o.initialize()
    f = str(tmp_path / "o.params")
    o.save_parameters(f)
    assert list(npx.load(f)) == ["net.0.weight", "net.0.bias", "net.1.weight", "net.1.bias", "dense.weight",
                                 "dense.bias"]


def test_deduplicate_keeps_the_last_path(tmp_path):
    net = shared_net()
    net.initialize()
    full, dedup = str(tmp_path / "full.params"), str(tmp_path / "dedup.params")
    net.save_parameters(full)
    net.save_parameters(dedup, deduplicate=True)
    assert sorted(npx.load(full)) == ["0.bias", "0.weight", "1.bias", "1.weight", "2.bias", "2.weight", "3.bias",
                                      "3.weight"]
    assert sorted(npx.load(dedup)) == ["0.bias", "0.weight", "2.bias", "2.weight", "3.bias", "3.weight"]
    for f in (full, dedup):
        other = shared_net()
        other.load_parameters(f)                             # a shared parameter counts under any path
        assert other[1].weight is other[2].weight
        assert_same_values(net, other)


def test_file_written_in_np_mode_loads_in_legacy_mode_and_back(tmp_path):
    net = trained_mlp()
    f = str(tmp_path / "np.params")
    net.save_parameters(f)
    npx.reset_np()
    legacy = MLP()
    legacy.load_parameters(f)
    assert isinstance(legacy.hidden.weight.data(), nd.NDArray)
    onp.testing.assert_array_equal(legacy.hidden.weight.data().asnumpy(), net.hidden.weight.data().asnumpy())
    g = str(tmp_path / "legacy.params")
    legacy.save_parameters(g)
    npx.set_np()
    back = MLP()
    back.load_parameters(g)
    assert isinstance(back.hidden.weight.data(), np.ndarray)
    assert_same_values(net, back)


# ---- files written by MXNet 1.9.1 ------------------------------------------------------------------


def mxnet_net():
    net = nn.Sequential()
    net.add(nn.Dense(3, in_units=4, activation="relu"), nn.Dense(2, in_units=3))
    return net


@pytest.mark.parametrize("name", ["gluon_np", "gluon_legacy"])
def test_mxnet_structural_files_load(name):
    expected = onp.load(FIXTURES / f"{name}.expected.npz")
    net = mxnet_net()
    net.load_parameters(str(FIXTURES / f"{name}.params"))
    for k in expected:
        onp.testing.assert_array_equal(net.collect_params()[k].data().asnumpy(), expected[k])
    x = onp.random.RandomState(0).uniform(-1, 1, (2, 4)).astype("float32")
    h = onp.maximum(x @ expected["0.weight"].T + expected["0.bias"], 0)
    onp.testing.assert_allclose(net(np.array(x)).asnumpy(), h @ expected["1.weight"].T + expected["1.bias"],
                                rtol=1e-5, atol=1e-6)


def test_mxnet_prefixed_and_exported_files_load():
    # collect_params().save() keys: display names, which match a fresh process's net.
    expected = onp.load(FIXTURES / "gluon_prefixed.expected.npz")
    net = mxnet_net()
    net.load_parameters(str(FIXTURES / "gluon_prefixed.params"))
    onp.testing.assert_array_equal(net[0].weight.data().asnumpy(), expected["dense0_weight"])
    # export() keys: 'arg:dense2_weight'... (the MXNet process had built dense0/dense1 before).
    exported = onp.load(FIXTURES / "gluon_export.expected.npz")
    net2 = mxnet_net()
    assert net2[0].name == "dense2"
    net2.load_parameters(str(FIXTURES / "gluon_export.params"))
    onp.testing.assert_array_equal(net2[1].bias.data().asnumpy(), exported["arg:dense3_bias"])


# ---- missing, extra, mismatched ----------------------------------------------------------------------


class Big(nn.Block):
    def __init__(self):
        super().__init__()
        self.a = nn.Dense(5, in_units=3)
        self.b = nn.Dense(2, in_units=5, dtype="float64")
        self.extra = nn.Dense(1, in_units=2)


class Small(nn.Block):
    def __init__(self):
        super().__init__()
        self.a = nn.Dense(4, in_units=3)
        self.b = nn.Dense(2, in_units=5)
        self.other = nn.Dense(1, in_units=2)


def test_one_aggregated_error_and_nothing_changed(tmp_path):
    small = Small()
    small.initialize()
    f = str(tmp_path / "small.params")
    small.save_parameters(f)
    big = Big()
    big.initialize()
    before = values(big)
    e = raises(ValueError, big.load_parameters, f, contains=[
        f"Error(s) in loading parameters into Big from file '{f}':",
        "Failed loading Parameter 'dense3_weight' (a.weight) from saved params: shape incompatible expected "
        "(5, 3) vs saved (4, 3)",
        "Failed loading Parameter 'dense4_weight' (b.weight) from saved params: dtype incompatible expected "
        "float64 vs saved float32. Set cast_dtype=True to cast the dtype of saved params.",
        f"Parameter 'extra.weight' is missing in file '{f}', which contains parameters: 'a.weight', 'a.bias', "
        "'b.weight', 'b.bias', 'other.weight', 'other.bias'. Set allow_missing=True to ignore missing parameters.",
        f"Parameter 'other.bias' loaded from file '{f}' is not present in the network, which contains parameters: "
        "'a.weight', 'a.bias', 'b.weight', 'b.bias', 'extra.weight', 'extra.bias'. Set ignore_extra=True to ignore.",
    ])
    assert isinstance(e, MXNetError)
    assert str(e).count("\n") == 8                               # all eight problems, one per line
    after = values(big)
    for k in before:
        onp.testing.assert_array_equal(before[k], after[k], err_msg=k)   # nothing changed
    # allow_missing / ignore_extra / cast_dtype take the problems away one by one.
    raises(ValueError, big.load_parameters, f, allow_missing=True, ignore_extra=True, cast_dtype=True,
           contains="shape incompatible")


def test_allow_missing_and_ignore_extra(tmp_path):
    net = trained_mlp()
    f = str(tmp_path / "mlp.params")
    net.save_parameters(f)

    class Wider(MLP):
        def __init__(self):
            super().__init__()
            self.extra = nn.Dense(1, in_units=2)

    w = Wider()
    raises(ValueError, w.load_parameters, f, contains="'extra.weight' is missing")
    w.load_parameters(f, allow_missing=True)
    onp.testing.assert_array_equal(w.output.weight.data().asnumpy(), net.output.weight.data().asnumpy())
    # The missing ones stay uninitialized: MXNet's error at the next use.
    raises(RuntimeError, w.extra.weight.data, contains="has not been initialized")

    class Narrower(nn.Block):
        def __init__(self):
            super().__init__()
            self.hidden = nn.Dense(4, in_units=3, activation="relu")

    n = Narrower()
    raises(ValueError, n.load_parameters, f, contains="'output.weight' loaded from file")
    n.load_parameters(f, ignore_extra=True)
    onp.testing.assert_array_equal(n.hidden.bias.data().asnumpy(), net.hidden.bias.data().asnumpy())


@pytest.mark.parametrize("source, dtype", [("current", onp.float32), ("saved", onp.float64)])
def test_cast_dtype(tmp_path, source, dtype):
    net = trained_mlp()
    net.cast("float64")
    f = str(tmp_path / "f64.params")
    net.save_parameters(f)
    target = trained_mlp()
    raises(ValueError, target.load_parameters, f, contains="dtype incompatible expected float32 vs saved float64")
    target.load_parameters(f, cast_dtype=True, dtype_source=source)
    assert target.hidden.weight.data().dtype == dtype and onp.dtype(target.hidden.weight.dtype) == dtype
    onp.testing.assert_allclose(target.hidden.weight.data().asnumpy(), net.hidden.weight.data().asnumpy(),
                                rtol=1e-6)
    raises(ValueError, target.load_parameters, f, cast_dtype=True, dtype_source="both")


# ---- bad files and failed saves ------------------------------------------------------------------------


def test_truncated_files_are_clear_errors(tmp_path):
    net = trained_mlp()
    f = tmp_path / "mlp.params"
    net.save_parameters(str(f))
    data = f.read_bytes()
    before = values(net)
    cut = tmp_path / "cut.params"
    for n in range(len(data)):
        cut.write_bytes(data[:n])
        e = raises(MXNetError, net.load_parameters, str(cut))
        assert "cut.params" in str(e), n
    after = values(net)
    for k in before:
        onp.testing.assert_array_equal(before[k], after[k])


def test_corrupted_files_never_crash(tmp_path):
    net = trained_mlp()
    f = tmp_path / "mlp.params"
    net.save_parameters(str(f))
    data = f.read_bytes()
    bad = tmp_path / "bad.params"
    rng = onp.random.RandomState(0)
    header = int.from_bytes(data[:8], "little") + 8
    for i in list(range(header)) + list(rng.randint(header, len(data), 20)):
        corrupted = bytearray(data)
        corrupted[i] ^= 0x5A
        bad.write_bytes(bytes(corrupted))
        fresh = MLP()
        try:
            fresh.load_parameters(str(bad))
        except (MXNetError, ValueError, TypeError) as e:          # a clear error, never a panic or a crash
            assert str(e)
    for garbage in (b"", b"hello world, not a parameter file", b"\x00" * 64):
        bad.write_bytes(garbage)
        raises(MXNetError, MLP().load_parameters, str(bad), contains="bad.params")


def test_missing_file_and_list_file(tmp_path):
    raises(MXNetError, MLP().load_parameters, str(tmp_path / "nope.params"), contains="nope.params")
    f = str(tmp_path / "list.params")
    npx.save(f, [np.ones(2)])
    raises(MXNetError, MLP().load_parameters, f, contains="unnamed list")


def test_failed_save_keeps_the_previous_file(tmp_path):
    net = trained_mlp()
    f = str(tmp_path / "mlp.params")
    net.save_parameters(f)
    good = (tmp_path / "mlp.params").read_bytes()
    # A parameter without data: the save fails before anything is written.
    raises(RuntimeError, MLP().save_parameters, f, contains="has not been initialized")
    # A value that is not an array.
    raises(TypeError, npx.save, f, {"hidden.weight": "not an array"})
    # A directory that cannot hold the file.
    raises(MXNetError, net.save_parameters, str(tmp_path / "missing" / "x.params"), contains="x.params")
    raises(MXNetError, net.save_parameters, str(tmp_path / "mlp.params" / "x.params"))
    raises(MXNetError, net.save_parameters, str(tmp_path))
    assert (tmp_path / "mlp.params").read_bytes() == good
    assert sorted(os.listdir(tmp_path)) == ["mlp.params"]        # no temporary file left behind


def test_save_failing_while_writing_keeps_the_previous_file(tmp_path):
    """The write itself fails (file-size limit): the old file is untouched, no temporary file stays."""
    script = textwrap.dedent(f"""
        import os, resource, signal
        from deepblocks import np, npx
        from deepblocks.gluon import nn
        npx.set_np()
        f = {str(tmp_path / 'p.params')!r}
        small = nn.Dense(1, in_units=1)
        small.initialize()
        small.save_parameters(f)
        good = open(f, 'rb').read()
        big = nn.Dense(512, in_units=512)
        big.initialize()
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, resource.RLIM_INFINITY))
        try:
            big.save_parameters(f)
        except Exception as e:
            print('error:', type(e).__name__)
        resource.setrlimit(resource.RLIMIT_FSIZE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
        print('intact:', open(f, 'rb').read() == good)
        print('files:', sorted(os.listdir(os.path.dirname(f))))
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert out.stdout.splitlines() == ["error: MXNetError", "intact: True", "files: ['p.params']"], out.stderr


# ---- dicts, aliases, ParameterDict files ---------------------------------------------------------------


def test_load_dict():
    net = trained_mlp()
    other = MLP()
    other.load_dict({k: p.data() for k, p in net._collect_params_with_prefix().items()})
    assert_same_values(net, other)
    # MXNet export keys ('arg:'/'aux:') are accepted too.
    third = MLP()
    third.load_dict({"arg:" + k: v for k, v in net.state_dict().items()})
    assert_same_values(net, third)
    raises(ValueError, MLP().load_dict, {"hidden.weight": np.ones((4, 3))},
           contains=["the given dict", "'hidden.bias' is missing"])
    partial = MLP()
    partial.load_dict({"hidden.weight": np.ones((4, 3))}, allow_missing=True)
    assert partial.hidden.weight.shape == (4, 3)


def test_state_dict_and_pytorch_aliases():
    net = trained_mlp()
    state = net.state_dict()
    assert list(state) == ["hidden.weight", "hidden.bias", "output.weight", "output.bias"]
    state["hidden.bias"][:] = 123                                # a copy: the network is unchanged
    assert (net.hidden.bias.data().asnumpy() != 123).all()
    clone = MLP()
    assert clone.load_state_dict(net.state_dict()) == ([], [])
    assert_same_values(net, clone)
    partial = dict(net.state_dict())
    del partial["output.bias"]
    partial["stray.weight"] = np.ones(1)
    raises(ValueError, MLP().load_state_dict, partial, contains=["'output.bias' is missing", "stray.weight"])
    again = MLP()
    assert again.load_state_dict(partial, strict=False) == (["output.bias"], ["stray.weight"])
    assert [k for k, _ in net.named_parameters()] == list(state)
    assert [p for p in net.parameters()] == [net.hidden.weight, net.hidden.bias, net.output.weight,
                                              net.output.bias]
    assert net.to(device=npx.cpu(1), dtype="float64") is net
    assert net.hidden.weight.data().ctx == npx.cpu(1) and net.hidden.weight.dtype == "float64"
    shared = shared_net()
    shared.initialize()
    assert [k for k, _ in shared.named_parameters()] == ["0.weight", "0.bias", "1.weight", "1.bias", "3.weight",
                                                         "3.bias"]


def test_parameter_dict_save_and_load_with_prefixes(tmp_path):
    class MyModel(nn.Block):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            with self.name_scope():
                self.dense0 = nn.Dense(3, in_units=2)
                self.dense1 = nn.Dense(1, in_units=3)

    m = MyModel(prefix="mymodel_")
    m.initialize()
    f = str(tmp_path / "pd.params")
    m.collect_params().save(f, strip_prefix="mymodel_")
    assert list(npx.load(f)) == ["dense0_weight", "dense0_bias", "dense1_weight", "dense1_bias"]
    again = MyModel(prefix="mymodel_")
    again.collect_params().load(f, restore_prefix="mymodel_")
    assert_same_values(m, again)
    raises(ValueError, again.collect_params().load, f, restore_prefix="other_", contains="restore_prefix")
    raises(ValueError, m.collect_params().save, f, strip_prefix="other_", contains="Prefix 'other_'")
    full = str(tmp_path / "full.params")
    m.collect_params().save(full)
    assert list(npx.load(full))[0] == "mymodel_dense0_weight"
    third = MyModel(prefix="mymodel_")
    third.load_parameters(full)                                  # display-name files load by name
    assert_same_values(m, third)
    pd = gluon.ParameterDict("p_")
    pd.get("w", shape=(2,), init=init.One())
    pd.initialize()
    g = str(tmp_path / "w.params")
    pd.save(g)
    pd2 = gluon.ParameterDict("p_")
    pd2.get("w", shape=(2,))
    pd2.load(g)
    onp.testing.assert_array_equal(pd2["p_w"].data().asnumpy(), [1.0, 1.0])


def test_parameter_dict_save_in_np_mode_loads_in_legacy_mode(tmp_path):
    # MXNet 1.9 cannot do this (collect_params().save fails in np mode); deepblocks can.
    net = trained_mlp()
    f = str(tmp_path / "pd.params")
    net.collect_params().save(f)
    npx.reset_np()
    pd = gluon.ParameterDict()
    for k, p in net.collect_params().items():
        pd.get(k, shape=p.shape)
    pd.load(f)
    assert isinstance(pd["dense0_weight"].data(), nd.NDArray)
    onp.testing.assert_array_equal(pd["dense0_weight"].data().asnumpy(), net.hidden.weight.data().asnumpy())


def test_block_save_and_load_prefix_files(tmp_path):
    net = trained_mlp()
    prefix = str(tmp_path / "model")
    net.save(prefix)
    assert os.path.exists(prefix + "-model.params")
    other = MLP()
    other.load(prefix)
    assert_same_values(net, other)

"""Top-level and ``mx.base`` / ``mx.context`` names MXNet code uses, with MXNet 1.9.1's values
(recorded from MXNet 1.9.1)."""

import pytest
import numpy as onp

import deepblocks as mx
from deepblocks import base


def test_base_names():
    assert mx.MXNetError is base.MXNetError and issubclass(base.MXNetError, Exception)
    assert base.integer_types == (int, onp.int32, onp.int64)
    assert base.numeric_types == (float, int, onp.generic)
    assert base.string_types == (str,)
    assert base.py_str(b"caf\xc3\xa9") == "café"
    assert isinstance(onp.float16(1), base.numeric_types) and not isinstance(2.0, base.integer_types)


def test_np_shape_names():
    for name in ("np_shape", "is_np_shape", "use_np_shape", "set_np_shape", "is_np_array", "use_np"):
        assert hasattr(mx, name), name
    assert mx.is_np_shape() is False
    with mx.np_shape():
        assert mx.is_np_shape() is True
        with mx.np_shape(False):
            assert mx.is_np_shape() is False
        assert mx.is_np_shape() is True
    assert mx.is_np_shape() is False

    @mx.use_np_shape
    def inside():
        return mx.is_np_shape()

    assert inside() is True and mx.is_np_shape() is False
    # set_np_shape returns the previous setting (MXNet: True, then False, for this pair).
    assert mx.set_np_shape(True) is False and mx.set_np_shape(False) is True


def test_cpu_pinned():
    # MXNet shows cpu_pinned(0); deepblocks has no separate pinned pool, so it is host memory.
    assert mx.cpu_pinned is mx.context.cpu_pinned
    c = mx.context.cpu_pinned(1)
    assert c == mx.cpu(1) and c.device_type == "cpu"
    a = mx.nd.ones((2,), ctx=mx.cpu_pinned())
    assert a.ctx == mx.cpu(0) and a.asnumpy().tolist() == [1.0, 1.0]


# ---- mxnet.util ------------------------------------------------------------------------------

def test_util_np_array_scope_and_decorator():
    from deepblocks import util
    before = util.is_np_array()
    with util.np_array(not before):
        assert util.is_np_array() is (not before)
    assert util.is_np_array() is before
    assert util.use_np_array(util.is_np_array)() is True
    assert util.is_np_array() is before


def test_util_env_and_module_helpers(monkeypatch):
    from deepblocks import util
    monkeypatch.delenv("DEEPBLOCKS_TEST_VAR", raising=False)
    assert util.getenv("DEEPBLOCKS_TEST_VAR") is None
    util.setenv("DEEPBLOCKS_TEST_VAR", 3)
    assert util.getenv("DEEPBLOCKS_TEST_VAR") == "3"
    util.setenv("DEEPBLOCKS_TEST_VAR", None)
    assert util.getenv("DEEPBLOCKS_TEST_VAR") is None
    assert util.py_str(b"ab") == "ab"

    @util.set_module("somewhere")
    class K:
        pass
    assert K.__module__ == "somewhere"


def test_util_ufunc_options_as_mxnet():
    # recorded from MXNet 1.9.1: util.np_ufunc_legal_option
    from deepblocks import util
    import numpy as onp
    cases = [("where", None, True), ("casting", "unsafe", True), ("casting", "bogus", False),
             ("order", "C", True), ("order", 1, False), ("dtype", "float32", True),
             ("dtype", onp.int64, True), ("dtype", "complex64", False), ("subok", True, True),
             ("subok", 1, False), ("axis", 0, False)]
    for key, value, legal in cases:
        assert util.np_ufunc_legal_option(key, value) is legal, (key, value)
    f = util.wrap_np_unary_func(lambda x, **kw: x)
    assert f(2, dtype="float32") == 2
    with pytest.raises(TypeError, match="axis"):
        f(2, axis=0)


def test_util_gpu_queries_without_a_gpu():
    from deepblocks import util, cuda, gpu
    assert util.get_gpu_count() == deepblocks_num_gpus()
    if cuda.device_count() == 0:
        with pytest.raises(mx.MXNetError, match="gpu\\(0\\) does not exist"):
            util.get_gpu_memory(0)
        with pytest.raises(mx.MXNetError, match="does not exist"):
            util.get_cuda_compute_capability(gpu(0))
    with pytest.raises(ValueError, match="GPU context"):
        util.get_cuda_compute_capability(mx.cpu())


def deepblocks_num_gpus():
    return mx.num_gpus()


# ---- more MXNet 1.9.1 names: engine, log, rnd, context, random, gluon.utils, init -------------

def test_engine_bulk_size_round_trips():
    # recorded from MXNet 1.9.1: set_bulk_size returns the previous size; bulk restores it
    from deepblocks import engine
    first = engine.set_bulk_size(10)
    assert engine.set_bulk_size(15) == 10
    with engine.bulk(5):
        assert engine.set_bulk_size(5) == 5
    assert engine.set_bulk_size(first) == 15
    with pytest.raises(ValueError, match="size"):
        engine.set_bulk_size(-1)


def test_log_get_logger_format(capsys):
    import logging
    from deepblocks import log
    logger = log.get_logger("deepblocks_test_logger", level=log.INFO)
    assert log.get_logger("deepblocks_test_logger", level=log.INFO) is logger and len(logger.handlers) == 1
    record = logger.makeRecord("x", logging.WARNING, "f.py", 3, "careful", (), None, func="main")
    line = logger.handlers[0].format(record)
    assert line.startswith("\x1b[31mW") and line.endswith("] \x1b[0m careful".replace("] \x1b[0m ", "]\x1b[0m "))
    assert "f.py:main:3]" in line
    with pytest.warns(DeprecationWarning):
        log.getLogger("deepblocks_test_logger")


def test_short_and_re_exported_names():
    from deepblocks import nd
    assert mx.rnd is mx.random and mx.random.integer_types == base.integer_types
    assert mx.random.Context is mx.Context and nd.random.current_context is mx.current_context
    assert nd.random.numeric_types == base.numeric_types
    assert mx.np_array is mx.util.np_array and mx.use_np_array is mx.util.use_np_array
    with pytest.raises(mx.MXNetError, match="does not exist"):
        mx.context.gpu_memory_info(mx.num_gpus())


def test_gluon_utils_shape_is_known_and_files(tmp_path):
    from deepblocks import util
    from deepblocks.gluon import utils
    # recorded from MXNet 1.9.1 (legacy shapes: 0 is unknown; NumPy shapes: -1)
    with util.np_shape(False):
        assert utils.shape_is_known((2, 3)) and not utils.shape_is_known((2, 0))
        assert not utils.shape_is_known(()) and not utils.shape_is_known(None)
        with pytest.raises(ValueError, match="cannot be less than 0"):
            utils.shape_is_known((2, -1))
    with util.np_shape(True):
        assert utils.shape_is_known(()) and utils.shape_is_known((2, 0)) and not utils.shape_is_known((2, -1))
    src, dst = tmp_path / "a", tmp_path / "b"
    src.write_text("new")
    dst.write_text("old")
    utils.replace_file(str(src), str(dst))
    assert dst.read_text() == "new" and not src.exists()
    assert callable(utils.download) and callable(utils.check_sha1) and utils.HookHandle is mx.gluon.block.HookHandle


def test_init_load_and_mixed_through_initialize(tmp_path):
    from deepblocks import nd
    from deepblocks.gluon import nn
    net = nn.Dense(2, in_units=3)
    net.initialize(mx.init.Load({"arg:dense_w": nd.ones((2, 3))}, default_init=mx.init.Constant(0.5)))
    # weights not in the dict fall back to the default initializer (biases: zeros, as MXNet's rule)
    assert net.weight.data().asnumpy().tolist() == [[0.5] * 3] * 2 and net.bias.data().asnumpy().tolist() == [0, 0]
    f = str(tmp_path / "w.params")
    nd.save(f, {"arg:" + net.weight.name: nd.ones((2, 3)) * 7})
    fresh = nn.Dense(2, in_units=3, prefix=net.prefix)
    fresh.initialize(mx.init.Load(f, default_init="zeros"))
    assert fresh.weight.data().asnumpy().tolist() == [[7.0] * 3] * 2
    with pytest.raises(ValueError, match="Shape mismatch"):
        mx.init.Load({"w": nd.ones(3)})("w", nd.zeros(2))
    with pytest.raises(ValueError, match="no default"):
        mx.init.Load({"w": nd.ones(2)})("v", nd.zeros(2))
    mixed = nn.Dense(2, in_units=3)
    mixed.initialize(mx.init.Mixed([".*weight", ".*"], [mx.init.One(), mx.init.Zero()]))
    assert mixed.weight.data().asnumpy().tolist() == [[1.0] * 3] * 2


def test_init_alias_registers_extra_names():
    @mx.init.alias("deepblocks_test_halves")
    class Halves(mx.init.Constant):
        def __init__(self):
            super().__init__(0.5)
    assert type(mx.init.create("deepblocks_test_halves")) is Halves and type(mx.init.create("halves")) is Halves


def test_batch_norm_relu_layer():
    from deepblocks import autograd, nd
    from deepblocks.gluon import nn
    layer = nn.BatchNormReLU(in_channels=2)
    assert repr(layer) == ("BatchNormReLU(axis=1, eps=1e-05, momentum=0.9, fix_gamma=False, use_global_stats=False, "
                           "in_channels=2)")          # recorded from MXNet 1.9.1 (deferred: in_channels=None)
    layer.initialize()
    x = nd.array([[-1.0, 2.0], [3.0, -4.0], [0.5, 1.0]])
    ref = nn.BatchNorm(in_channels=2)
    ref.initialize()
    with autograd.record():
        got, want = layer(x), ref(x)
    onp.testing.assert_allclose(got.asnumpy(), onp.maximum(want.asnumpy(), 0), rtol=1e-6)

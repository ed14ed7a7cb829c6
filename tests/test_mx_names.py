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

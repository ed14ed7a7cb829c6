"""Top-level and ``mx.base`` / ``mx.context`` names MXNet code uses, with MXNet 1.9.1's values
(recorded from MXNet 1.9.1)."""

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

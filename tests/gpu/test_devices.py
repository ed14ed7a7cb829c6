"""Arrays on different devices are never combined silently: every operation that takes
arrays on a GPU and on the CPU, or on two GPUs, raises ``MXNetError`` naming both devices (the
way out: ``copyto``/``as_in_ctx``); copies are the exception (``copyto``, and assignment
``x[key] = y``, which copies ``y`` over as MXNet does); a GPU that does not exist is refused
when first used."""

import operator

import numpy as onp
import pytest

from conftest import raises
from deepblocks import autograd, gluon, np, npx
from deepblocks.base import MXNetError

from .conftest import DEVICES, check, gpu_only


def _mixed_operations(a, b):
    """Operations of an array ``a`` with an array ``b`` of the same shape (2, 2)."""
    return {
        "add": lambda: a + b,
        "reflected": lambda: b - a,
        "np.multiply": lambda: np.multiply(a, b),
        "comparison": lambda: a < b,
        "power": lambda: a ** b,
        "maximum": lambda: np.maximum(a, b),
        "matmul": lambda: a @ b,
        "dot": lambda: np.dot(a, b),
        "batch_dot": lambda: npx.batch_dot(a[None], b[None]),
        "where": lambda: np.where(a > 0, a, b),
        "where_condition": lambda: np.where(b > 0, a, a),
        "concatenate": lambda: np.concatenate([a, b]),
        "stack": lambda: np.stack([a, b]),
        "fully_connected": lambda: npx.fully_connected(a, b, None, num_hidden=2, no_bias=True),
        "inplace": lambda: operator.iadd(a, b),
        "clip_bounds": lambda: np.clip(a, b, None),
    }


def _check_refused(a, b, names):
    before = a.asnumpy()
    for name, op in _mixed_operations(a, b).items():
        op.__name__ = name  # named in the failure message
        raises(MXNetError, op, contains=names)
    check(a, before, a.ctx)  # nothing was written


def test_device_and_cpu_arrays_are_not_mixed(device):
    a = np.ones((2, 2), ctx=device)
    b = np.ones((2, 2), ctx=npx.cpu(0))
    _check_refused(a, b, [str(device), "cpu(0)"])
    _check_refused(b, a, [str(device), "cpu(0)"])


def test_two_devices_are_not_mixed(devices):
    a = np.ones((2, 2), ctx=devices[0])
    b = np.full((2, 2), 2.0, ctx=devices[1])
    _check_refused(a, b, [str(devices[0]), str(devices[1])])


def test_explicit_moves_make_mixing_work(devices):
    a = np.arange(4.0, ctx=devices[0]).reshape(2, 2)
    b = np.ones((2, 2), ctx=devices[1])
    check(a + b.as_in_ctx(devices[0]), onp.arange(4.0, dtype="float32").reshape(2, 2) + 1, devices[0])
    check(a.copyto(devices[1]) @ b, onp.arange(4.0, dtype="float32").reshape(2, 2) @ onp.ones((2, 2), "float32"),
          devices[1])
    check(a.copyto(npx.cpu(0)) * 2, onp.arange(4.0, dtype="float32").reshape(2, 2) * 2, npx.cpu(0))


def test_assignment_copies_across_devices(devices):
    h = onp.zeros((3, 2), "float32")
    x = np.zeros((3, 2), ctx=devices[0])
    for other in (devices[1], npx.cpu(0)):
        y = np.arange(6.0, ctx=other).reshape(3, 2)
        hy = onp.arange(6.0, dtype="float32").reshape(3, 2)
        for key in (Ellipsis, slice(1, None), (slice(None, None, -1), 0), np.array([2, 0], dtype="int64"),
                    np.array([True, False, True], ctx=devices[0])):
            hk = key.asnumpy() if isinstance(key, np.ndarray) else key
            x[key] = y[key]
            h[hk] = hy[hk]
            check(x, h, devices[0])
            check(y, hy, other)


def test_python_and_numpy_operands_go_to_the_array_device(device):
    a = np.ones((2,), ctx=device)
    check(a + [1.0, 2.0], onp.array([2.0, 3.0], "float32"), device)
    check(onp.array([1.0, 2.0], "float32") * a, onp.array([1.0, 2.0], "float32"), device)
    check(np.add(a, onp.array([1, 2], "int32")), onp.array([2.0, 3.0]), device)
    check(np.where(a > 0, onp.array([5, 6], "int64"), 0), onp.array([5, 6]), device)
    check(np.maximum(onp.float32(3.0), a), onp.full(2, 3.0, "float32"), device)


def test_gluon_forward_on_mismatched_devices(devices):
    net = gluon.nn.Dense(2, in_units=2)
    net.initialize(ctx=devices[0])
    x = np.ones((1, 2), ctx=devices[1])
    with pytest.raises((MXNetError, RuntimeError)) as e:
        net(x)
    assert str(devices[0]) in str(e.value) and str(devices[1]) in str(e.value)


@gpu_only
def test_a_missing_gpu_is_refused_when_used():
    missing = npx.gpu(len(DEVICES) + 5)
    name = str(missing)
    for make in (lambda: np.zeros((2,), ctx=missing), lambda: np.array([1.0], ctx=missing),
                 lambda: np.arange(3, ctx=missing), lambda: np.random.uniform(size=(2,), ctx=missing),
                 lambda: np.ones(2, ctx=DEVICES[0]).copyto(missing), lambda: np.ones(2).as_in_ctx(missing)):
        raises(MXNetError, make, contains=[name, "does not exist"])
    with missing:
        raises(MXNetError, np.zeros, (2,), contains=name)
    net = gluon.nn.Dense(2, in_units=2)
    raises(MXNetError, net.initialize, ctx=missing, contains=name)
    x = np.ones(2)
    x.attach_grad()
    with autograd.record():
        raises(MXNetError, x.as_in_ctx, missing, contains=name)
    assert npx.gpu(len(DEVICES) + 5) == missing  # naming one is always fine

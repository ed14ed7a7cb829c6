"""The GPU suite: the NumPy-differential and gradient tests run on every GPU there is.

Every test that takes a ``device`` argument runs once per ``npx.gpu(i)``, ``i <
npx.num_gpus()``; a test that takes ``devices`` gets two distinct devices (multi-device Gluon,
device mixing). With no GPU, every test here is skipped with the reason below, so the suite
sits in the normal collection and runs in the main session on a machine that has a GPU.

Where to run it:

- on a real GPU: ``python -m pytest tests/gpu``;
- on the host emulator (the CUDA kernel sources compiled for the CPU; two GPUs by default):
  ``DEEPBLOCKS_CUDA_EMULATOR=<library> python -m pytest tests/gpu``, the library built by
  ``tests/cuda_host_kernels.py`` ``build_emulator``; tests/test_gpu_emulated.py does both;
- on the CPU engine, to check the tests themselves: ``DEEPBLOCKS_GPU_SUITE_ON_CPU=1``.
  ``cpu(1)`` and ``cpu(2)`` then stand in for the two GPUs: they are devices distinct from the
  default ``cpu(0)`` (mixing them raises, as mixing GPUs does), so a result that lands on
  the default device instead of its operands' is caught as it would be on a GPU. Tests of what
  only a GPU does (printouts naming the GPU, a GPU that does not exist) skip there.

Checks beyond the values: every result is on its operands' device (``assert_on``); the inputs
are built on the device (``on_device``) but the operations run outside ``with device:``, so
an operation that makes its helper arrays on the default device instead fails.
"""

import os

import numpy as onp
import pytest
from hypothesis import settings
from hypothesis import strategies as st

from conftest import assert_same, expected_exception, float16_free, numpy_result, raises
from deepblocks import npx

HERE = os.path.dirname(os.path.abspath(__file__))
NO_GPU = "no GPU (set DEEPBLOCKS_CUDA_EMULATOR to run on the host emulator)"
ON_CPU = os.environ.get("DEEPBLOCKS_GPU_SUITE_ON_CPU") == "1"


def _devices():
    if ON_CPU:
        return [npx.cpu(1), npx.cpu(2)]
    return [npx.gpu(i) for i in range(npx.num_gpus())]


DEVICES = _devices()


def pytest_generate_tests(metafunc):
    if "device" in metafunc.fixturenames:
        params = DEVICES or [npx.gpu(0)]  # skipped below when there is no GPU
        metafunc.parametrize("device", params, ids=str)
    if "devices" in metafunc.fixturenames:
        if len(DEVICES) >= 2:
            pairs = [pytest.param(tuple(DEVICES[:2]), id=f"{DEVICES[0]}+{DEVICES[1]}")]
        else:
            pairs = [pytest.param((npx.gpu(0), npx.gpu(1)), id="gpu(0)+gpu(1)",
                                  marks=pytest.mark.skip(reason="needs two GPUs") if DEVICES else ())]
        metafunc.parametrize("devices", pairs)


def pytest_collection_modifyitems(config, items):
    if DEVICES:
        return
    skip = pytest.mark.skip(reason=NO_GPU)
    for item in items:
        if str(item.path).startswith(HERE + os.sep):
            item.add_marker(skip)


gpu_only = pytest.mark.skipif(ON_CPU, reason="what only a GPU does (the CPU stand-in is running)")


# ---- hypothesis -----------------------------------------------------------------------------------


def few(n):
    """Hypothesis settings for ``n`` examples under the default profile (scaled with it: 20x
    under DEEPBLOCKS_HYPOTHESIS=thorough). Kept small: an emulated kernel launch costs about a
    millisecond."""
    return settings(max_examples=max(1, n * settings.default.max_examples // 100))


@st.composite
def on_device(draw, device, strategy):
    """Draws from ``strategy`` with ``device`` as the default device: the arrays the shared
    strategies of tests/conftest.py build (``views`` and the like) are made on ``device``."""
    with device:
        return draw(strategy)


# ---- checks -------------------------------------------------------------------------------------------


def assert_on(x, device):
    """``x`` (an array, or a tuple/list of arrays) lives on ``device``."""
    if isinstance(x, (tuple, list)):
        for y in x:
            assert_on(y, device)
        return
    assert x.ctx == device and x.device == device, f"result on {x.ctx}, expected {device}"


def check(got, host, device, **kw):
    """``got`` is on ``device`` and equals NumPy's ``host`` (values, shape, dtype)."""
    assert_on(got, device)
    assert_same(got, host, **kw)


def compare_on(device, dev_fn, host_fn, dev_args, host_args, rtol=None, atol=0.0):
    """tests/conftest.py's ``compare`` plus the device: ``dev_fn(*dev_args)`` is on ``device``
    and equals NumPy's ``host_fn(*host_args)``, or raises the matching exception class."""
    ref, err = numpy_result(host_fn, *host_args)
    if err is not None:
        raises(expected_exception(err), dev_fn, *dev_args)
        return
    ref = float16_free(host_fn, host_args)
    check(dev_fn(*dev_args), onp.asarray(ref), device, rtol=rtol, atol=atol)

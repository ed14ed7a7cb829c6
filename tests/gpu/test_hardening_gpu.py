"""Huge requests on a GPU: MemoryError from the device allocator (or, on the host emulator,
from the engine's check of the host memory that stands in for the device's), never a crash."""

import pytest

from deepblocks import np


@pytest.mark.parametrize("make", [
    lambda d: np.zeros(2**40, ctx=d),
    lambda d: np.ones((2**20, 2**20), dtype="int64", ctx=d),
    lambda d: np.random.uniform(size=2**40, ctx=d),
    lambda d: np.arange(4, ctx=d).repeat(2**40),
    lambda d: np.zeros(2**20, ctx=d)[:, None] * np.zeros(2**20, ctx=d),
])
def test_terabyte_requests_are_memory_errors(device, make):
    with pytest.raises(MemoryError):
        make(device)


def test_zero_size_shapes_whose_other_dimensions_overflow_are_refused(device):
    with pytest.raises(ValueError, match="too big"):
        np.zeros((0, 2**62, 2**62), ctx=device)
    assert np.zeros((2**40, 0), ctx=device).shape == (2**40, 0)

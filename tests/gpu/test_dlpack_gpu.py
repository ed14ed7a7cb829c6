"""DLPack on a GPU: an array exports its device memory as kDLCUDA (device type 2 with the
GPU's number), a consumer asking for the CPU gets a host copy, and importing device memory
is refused with a clear error (deepblocks wraps host memory only)."""

import numpy as onp
import pytest

from deepblocks import np

from .conftest import gpu_only


@gpu_only
def test_arrays_export_device_memory(device):
    x = np.arange(6, ctx=device).reshape(2, 3)
    assert x.__dlpack_device__() == (2, device.device_id)
    assert "dltensor_versioned" in repr(x.__dlpack__(max_version=(1, 0)))
    assert '"dltensor"' in repr(x.__dlpack__(stream=None, dl_device=(2, device.device_id)))
    # The host copy a CPU consumer asks for, of a view with an offset.
    h = onp.from_dlpack(x[:, 1:], device="cpu")
    onp.testing.assert_array_equal(h, [[1.0, 2.0], [4.0, 5.0]])
    with pytest.raises(BufferError, match="copy=False"):
        x.__dlpack__(dl_device=(1, 0), copy=False)


@gpu_only
def test_device_memory_imports_are_refused(device):
    x = np.ones(3, ctx=device)
    with pytest.raises(BufferError, match="GPU memory"):
        np.from_dlpack(x.__dlpack__())
    # A deepblocks array itself is shared as it is, on its device.
    y = np.from_dlpack(x)
    y[0] = 5.0
    assert float(x[0]) == 5.0 and y.ctx == device

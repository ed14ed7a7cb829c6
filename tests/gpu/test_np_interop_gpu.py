"""NumPy's functions on GPU arrays: deepblocks' own functions keep the result on the array's
device; NumPy fallbacks compute on a host copy and bring the result back to that device, and
NumPy's in-place functions write back into the GPU array."""

import numpy as onp

from deepblocks import np

from .conftest import assert_on


def test_numpy_functions_on_the_device(device):
    h = onp.array([[3.0, 1.0, 2.0], [0.5, 8.0, -1.0]], dtype="float32")
    x = np.array(h, ctx=device)
    for r, want in ((onp.exp(x), onp.exp(h)), (onp.sum(x, axis=0), h.sum(axis=0)),
                    (onp.concatenate([x, x]), onp.concatenate([h, h])), (h + x, h + h),
                    (onp.median(x, axis=1), onp.median(h, axis=1)), (onp.fmax(x, 1.0), onp.fmax(h, 1.0))):
        assert_on(r, device)
        onp.testing.assert_allclose(r.asnumpy(), want, rtol=1e-6)
    onp.copyto(x, onp.zeros_like(h))
    assert_on(x, device)
    assert float(x.sum()) == 0.0
    onp.add.at(x, [0, 0], 1.0)
    onp.testing.assert_array_equal(x.asnumpy()[0], [2.0, 2.0, 2.0])

"""``np.linalg`` on a GPU: the factorizations run on the host (no cuSOLVER) and every result
comes back to the operand's device; gradients too."""

import numpy as onp
import pytest

from deepblocks import autograd
from deepblocks import np as dnp

from .conftest import assert_on


def _spd(n, batch=()):
    x = onp.random.default_rng(n).uniform(-1, 1, batch + (n, n))
    return x @ onp.swapaxes(x, -1, -2) + n * onp.eye(n)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_results_stay_on_the_device(device, dtype):
    host = _spd(4, (2,)).astype(dtype)
    a = dnp.array(host, ctx=device)
    tol = dict(rtol=1e-3, atol=1e-3) if dtype == "float32" else dict(rtol=1e-9, atol=1e-9)
    outs = {
        "inv": (dnp.linalg.inv(a), onp.linalg.inv(host)),
        "det": (dnp.linalg.det(a), onp.linalg.det(host)),
        "cholesky": (dnp.linalg.cholesky(a), onp.linalg.cholesky(host)),
        "eigvalsh": (dnp.linalg.eigvalsh(a), onp.linalg.eigvalsh(host)),
        "svdvals": (dnp.linalg.svd(a, compute_uv=False), onp.linalg.svd(host, compute_uv=False)),
        "solve": (dnp.linalg.solve(a, a[..., :1]), onp.linalg.solve(host, host[..., :1])),
        "pinv": (dnp.linalg.pinv(a), onp.linalg.pinv(host)),
        "norm2": (dnp.linalg.norm(a, 2, axis=(-2, -1)), onp.linalg.norm(host, 2, axis=(-2, -1))),
    }
    for name, (got, want) in outs.items():
        assert_on(got, device)
        onp.testing.assert_allclose(got.asnumpy(), want, err_msg=name, **tol)
    for part in list(dnp.linalg.qr(a)) + list(dnp.linalg.eigh(a)) + list(dnp.linalg.slogdet(a)):
        assert_on(part, device)


def test_gradient_on_the_device(device):
    host = _spd(3)
    a = dnp.array(host, ctx=device)
    a.attach_grad()
    with autograd.record():
        y = dnp.linalg.slogdet(a).logabsdet + dnp.linalg.inv(a).sum()
    y.backward()
    assert_on(a.grad, device)
    inv = onp.linalg.inv(host)
    ones = onp.ones_like(host)
    onp.testing.assert_allclose(a.grad.asnumpy(), inv.T - inv.T @ ones @ inv.T, rtol=1e-8)


def test_host_operand_joins_the_device(device):
    host = _spd(3)
    a = dnp.array(host, ctx=device)
    b = onp.arange(3.0)
    x = dnp.linalg.solve(a, b)
    assert_on(x, device)
    onp.testing.assert_allclose(x.asnumpy(), onp.linalg.solve(host, b), rtol=1e-9)
    x = dnp.linalg.lstsq(a, b)[0]
    assert_on(x, device)
    onp.testing.assert_allclose(x.asnumpy(), onp.linalg.lstsq(host, b)[0], rtol=1e-9)

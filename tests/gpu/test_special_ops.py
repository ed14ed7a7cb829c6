"""The special functions and NumPy's float/integer binary ufuncs of tests/test_special_ops.py
on a GPU: ``npx.erf``/``erfinv``/``gamma``/``gammaln``/``digamma`` against scipy.special,
``copysign``/``hypot``/``logaddexp``/``logaddexp2``/``arctan2``/``gcd``/``lcm`` and
``deg2rad``/``rad2deg`` against NumPy, with views and broadcasting, and their gradients.

float32 computes in float32 on a GPU (the CPU computes it in float64 and rounds), so its
tolerance here is a few float32 ulps, with an absolute bound near the roots of gammaln and
digamma."""

import numpy as onp
import pytest
import scipy.special as sc
from hypothesis import given
from hypothesis import strategies as st

from conftest import broadcast_shape_pairs, dtypes, float_dtypes, shapes, views
from deepblocks import autograd, npx
from deepblocks import np as dnp
from test_special_ops import EDGES, FLOAT_SPECIALS, SPECIAL, reference

from .conftest import assert_on, check, compare_on, few, on_device

small_shapes = shapes(max_dims=3, max_side=3)


def tolerances(name, dtype):
    if dtype == "float32":
        return 2e-6, (2e-6 if name in ("gammaln", "digamma", "erfinv") else 0.0)
    return (1e-13, 1e-14) if name in ("gammaln", "digamma", "gamma") else (1e-15, 0.0)


@pytest.mark.parametrize("name", sorted(SPECIAL))
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_special_functions(device, name, dtype):
    grid = onp.linspace(-1, 1, 201) if name == "erfinv" else onp.linspace(-6, 12, 181) + 0.01
    host = onp.concatenate([onp.array(EDGES), grid]).astype(dtype)
    with device:
        dev = dnp.array(host)
    rtol, atol = tolerances(name, dtype)
    check(getattr(npx, name)(dev), reference(name, host), device, rtol=rtol, atol=atol)


@pytest.mark.parametrize("name", sorted(SPECIAL))
@few(4)
@given(data=st.data())
def test_special_on_views(device, name, data):
    dtype = data.draw(float_dtypes, label="dtype")
    host, dev = data.draw(on_device(device, views(dtype, data.draw(small_shapes))))
    if name == "erfinv":
        host, dev = host / 1001.0, dev / 1001.0
    rtol, atol = tolerances(name, dtype)
    check(getattr(npx, name)(dev), reference(name, host), device, rtol=rtol, atol=atol)


def test_integer_input_keeps_its_dtype(device):
    with device:
        x = dnp.array([-1, 0, 1, 2, 5], dtype="int32")
    r = npx.gamma(x)
    assert_on(r, device)
    onp.testing.assert_array_equal(r.asnumpy(), [-(2**31), -(2**31), 1, 1, 24])


@pytest.mark.parametrize("name", ["copysign", "hypot", "logaddexp", "logaddexp2", "arctan2", "gcd", "lcm"])
@few(5)
@given(data=st.data())
def test_binary(device, name, data):
    sa, sb = data.draw(broadcast_shape_pairs(max_dims=3, max_side=3))
    da, db = data.draw(dtypes, label="dtype_a"), data.draw(dtypes, label="dtype_b")
    ha, a = data.draw(on_device(device, views(da, sa, special=True)))
    hb, b = data.draw(on_device(device, views(db, sb, special=True)))
    compare_on(device, getattr(dnp, name), getattr(onp, name), (a, b), (ha, hb), atol=1e-6)


@pytest.mark.parametrize("name", ["copysign", "hypot", "logaddexp", "logaddexp2", "arctan2"])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_float_binary_special_values(device, name, dtype):
    v = onp.array(FLOAT_SPECIALS, dtype=dtype)
    ha, hb = onp.meshgrid(v, v)
    with device:
        a, b = dnp.array(ha), dnp.array(hb)
    compare_on(device, getattr(dnp, name), getattr(onp, name), (a, b), (ha, hb))


@pytest.mark.parametrize("name", ["gcd", "lcm"])
@pytest.mark.parametrize("dtype", ["uint8", "int32", "int64"])
def test_gcd_lcm_extremes(device, name, dtype):
    info = onp.iinfo(dtype)
    v = onp.array(sorted({0, 1, 2, 6, int(info.min), int(info.max), int(info.min) + 1}), dtype=dtype)
    ha, hb = onp.meshgrid(v, v)
    with device:
        a, b = dnp.array(ha), dnp.array(hb)
    compare_on(device, getattr(dnp, name), getattr(onp, name), (a, b), (ha, hb))


@pytest.mark.parametrize("name", ["deg2rad", "rad2deg"])
@few(4)
@given(data=st.data())
def test_angles(device, name, data):
    host, dev = data.draw(on_device(device, views(data.draw(dtypes), data.draw(small_shapes), special=True)))
    compare_on(device, getattr(dnp, name), getattr(onp, name), (dev,), (host,))


def test_gradients(device):
    with device:
        x = dnp.array([0.3, 1.7, 2.5], dtype="float64")
        y = dnp.array([-0.5, 0.25, 2.0], dtype="float64")
    x.attach_grad()
    y.attach_grad()
    with autograd.record():
        loss = (npx.gammaln(x) + npx.erf(y) + npx.erfinv(y / 3) + npx.digamma(x) + dnp.logaddexp(x, y)
                + dnp.hypot(x, y) + dnp.arctan2(x, y)).sum()
    loss.backward()
    assert_on(x.grad, device)
    hx, hy = x.asnumpy(), y.asnumpy()
    lse = onp.logaddexp(hx, hy)
    r2 = hx**2 + hy**2
    gx = sc.psi(hx) + sc.polygamma(1, hx) + onp.exp(hx - lse) + hx / onp.sqrt(r2) + hy / r2
    gy = (2 / onp.sqrt(onp.pi) * onp.exp(-hy**2) + onp.sqrt(onp.pi) / 2 * onp.exp(sc.erfinv(hy / 3) ** 2) / 3
          + onp.exp(hy - lse) + hy / onp.sqrt(r2) - hx / r2)
    onp.testing.assert_allclose(x.grad.asnumpy(), gx, rtol=1e-12)
    onp.testing.assert_allclose(y.grad.asnumpy(), gy, rtol=1e-12)

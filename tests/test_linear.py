"""The fused fully connected op ``_core.linear`` (``act(x @ w.T + b)``, what ``Dense`` runs):
values against NumPy over shapes, views and dtypes; gradients against central differences;
the small-product dot path of ``matmul`` it relies on; errors."""

import numpy as onp
import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import assert_same, views
from deepblocks import _core, autograd
from deepblocks import np as dnp
from test_autograd_grads import check_grad


def _reference(x, w, b, act):
    out = x @ w.T
    if b is not None:
        out = out + b
    return onp.maximum(out, 0) if act == "relu" else out


@given(data=st.data(), n=st.integers(0, 5), k=st.integers(0, 40), m=st.integers(1, 12),
       dtype=st.sampled_from(["float32", "float64"]), act=st.sampled_from([None, "relu"]),
       with_bias=st.booleans())
def test_matches_numpy(data, n, k, m, dtype, act, with_bias):
    hx, dx = data.draw(views(dtype, (n, k)))
    hw, dw = data.draw(views(dtype, (m, k)))
    hb, db = data.draw(views(dtype, (m,))) if with_bias else (None, None)
    out = _core.linear(dx, dw, db, act)
    want = _reference(hx, hw, hb, act)
    assert out.dtype == want.dtype and out.shape == want.shape
    # Sums of products round differently in another order: allow rounding relative to the size
    # of the terms (cancellation can make the result itself small), and underflow near zero.
    f64 = [None if a is None else a.astype("float64") for a in (hx, hw, hb)]
    exact = _reference(*f64, act)
    scale = onp.abs(f64[0]) @ onp.abs(f64[1]).T + (0 if hb is None else onp.abs(f64[2]))
    info = onp.finfo(dtype)
    bound = 4 * (k + 1) * (info.eps * scale + info.tiny)
    assert onp.all(onp.abs(out.asnumpy().astype("float64") - exact) <= bound)


@given(data=st.data(), n=st.integers(1, 4), k=st.integers(1, 6), m=st.integers(1, 5))
def test_mixed_and_integer_dtypes_promote_as_numpy(data, n, k, m):
    hx, dx = data.draw(views("int32", (n, k)))
    hw, dw = data.draw(views("float32", (m, k)))
    assert_same(_core.linear(dx, dw), hx @ hw.T, rtol=1e-5)


@pytest.mark.parametrize("act", [None, "relu"])
@pytest.mark.parametrize("with_bias", [True, False])
def test_gradients_match_finite_differences(act, with_bias):
    rng = onp.random.default_rng(1)
    x, w, b = rng.normal(size=(3, 4)), rng.normal(size=(5, 4)), rng.normal(size=5)
    # Keep pre-activations away from the ReLU kink, where differences are not derivatives.
    pre = x @ w.T + b
    b = b + onp.where(onp.abs(pre) < 0.1, 0.3, 0.0).max(axis=0)
    if with_bias:
        check_grad(lambda x, w, b: _core.linear(x, w, b, act), x, w, b)
    else:
        check_grad(lambda x, w: _core.linear(x, w, None, act), x, w)


def test_gradient_with_a_constant_input_and_a_transposed_weight_view():
    rng = onp.random.default_rng(2)
    base = dnp.array(rng.normal(size=(4, 5)))
    x = dnp.array(rng.normal(size=(2, 4)))
    base.attach_grad()
    with autograd.record():
        w = base.T                     # a (5, 4) view, recorded
        y = _core.linear(x, w, None, "relu").sum()
    y.backward()
    mask = (x.asnumpy() @ w.asnumpy().T) > 0
    onp.testing.assert_allclose(base.grad.asnumpy(), (mask.astype(float).T @ x.asnumpy()).T, rtol=1e-12)


def test_small_matmul_path_agrees_with_the_general_one():
    rng = onp.random.default_rng(3)
    for m, k, n in [(1, 1, 1), (2, 20, 256), (7, 9, 3), (3, 17, 5)]:
        a = rng.normal(size=(m, k)).astype("float32")
        b = rng.normal(size=(n, k)).astype("float32")
        got = _core.matmul(dnp.array(a), dnp.array(b).T).asnumpy()
        onp.testing.assert_allclose(got, a @ b.T, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("xs, ws, bs, msg", [
    ((2, 3), (4, 5), None, "does not fit weight shape"),
    ((2, 3, 1), (4, 3), None, "does not fit weight shape"),
    ((2, 3), (4, 3), (3,), "bias shape (3,)"),
])
def test_shape_errors_name_the_shapes(xs, ws, bs, msg):
    b = None if bs is None else dnp.ones(bs)
    with pytest.raises(ValueError, match=onp.char.replace(msg, "(", r"\(").item().replace(")", r"\)")):
        _core.linear(dnp.ones(xs), dnp.ones(ws), b)


def test_unknown_activation_is_a_value_error():
    with pytest.raises(ValueError, match="act must be None or 'relu'"):
        _core.linear(dnp.ones((1, 2)), dnp.ones((3, 2)), None, "tanh")


def test_devices_must_agree():
    from deepblocks import cpu
    x = dnp.ones((1, 2)).copyto(cpu(1))
    with pytest.raises(Exception, match="cpu"):
        _core.linear(x, dnp.ones((3, 2)))

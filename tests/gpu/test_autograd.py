"""Autograd on a GPU: every differentiable operation of tests/test_autograd_grads.py gives on
the device the gradient it gives on the CPU (float64, where those tests check it against
central finite differences), in the input's dtype and on the input's device; a few are
checked against finite differences on the device itself. Plus the recording machinery with
device arrays: ``grad_req`` 'write'/'add', head gradients, ``autograd.grad`` with
``create_graph``, ``detach``, ``pause``, and gradients through copies between devices."""

import numpy as onp
import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import broadcast_shape_pairs, raises
from deepblocks import autograd, npx
from deepblocks import np as dnp
from deepblocks.base import MXNetError
from test_autograd_grads import BINARY, REDUCTIONS, STRUCTURAL, UNARY, VIEWS, check_grad, sample, shape_and_axis

from .conftest import assert_on, check, few

F64 = onp.float64
seeds = st.integers(0, 2**32 - 1)
tiny_shapes = st.sampled_from([(), (3,), (2, 3), (3, 1, 2)])


def gradients(device, f, inputs, seed, inside=False):
    """The gradients of ``sum(f(*xs) * w)`` (``w`` random, one per output) for ``xs`` made
    from ``inputs`` on ``device``; each is checked to be on the device, in its input's dtype
    and shape. ``inside`` runs ``f`` under ``with device:`` (for functions that build helper
    arrays, such as index arrays and masks, on the default device)."""
    xs = [dnp.array(a, ctx=device) for a in inputs]
    for x in xs:
        x.attach_grad()
    rng = onp.random.default_rng(seed)
    with autograd.record():
        if inside:
            with device:
                out = f(*xs)
        else:
            out = f(*xs)
        outs = list(out) if isinstance(out, (list, tuple)) else [out]
        loss = None
        for o in outs:
            assert_on(o, device)
            term = (o * dnp.array(rng.standard_normal(o.shape), dtype=o.dtype, ctx=device)).sum()
            loss = term if loss is None else loss + term
    assert_on(loss, device)
    loss.backward()
    grads = []
    for a, x in zip(inputs, xs):
        g = x.grad
        assert_on(g, device)
        assert g.shape == a.shape and g.dtype == a.dtype
        grads.append(g.asnumpy())
    return grads


def same_as_cpu(device, f, inputs, seed, inside=False, rtol=1e-9, atol=1e-12):
    on_device = gradients(device, f, inputs, seed, inside)
    on_cpu = gradients(npx.cpu(0), f, inputs, seed, inside)
    for i, (g, c) in enumerate(zip(on_device, on_cpu)):
        onp.testing.assert_allclose(g, c, rtol=rtol, atol=atol, err_msg=f"gradient of input {i}")


# ---- every differentiable operation: the device agrees with the CPU ------------------------------------


@pytest.mark.parametrize("name", sorted(UNARY))
@few(2)
@given(shape=tiny_shapes, view=st.sampled_from(sorted(VIEWS)), seed=seeds)
def test_unary(device, name, shape, view, seed):
    fn, domain = UNARY[name]
    same_as_cpu(device, lambda x: fn(VIEWS[view](x)), [sample(seed, domain, shape)], seed)


@pytest.mark.parametrize("name", sorted(BINARY))
@few(3)
@given(pair=broadcast_shape_pairs(max_dims=3, min_side=1, max_side=3), flip=st.booleans(), seed=seeds)
def test_binary(device, name, pair, flip, seed):
    fn, dom_a, dom_b = BINARY[name]
    va = VIEWS["reversed" if flip else "contig"]
    same_as_cpu(device, lambda a, b: fn(va(a), b), [sample(seed, dom_a, pair[0]), sample(seed + 1, dom_b, pair[1])],
                seed)


@pytest.mark.parametrize("name", sorted(REDUCTIONS))
@few(2)
@given(data=st.data(), view=st.sampled_from(["contig", "reversed", "transposed"]), seed=seeds)
def test_reduction(device, name, data, view, seed):
    fn, domain, kind, min_side, has_keepdims = REDUCTIONS[name]
    shape, axis = data.draw(shape_and_axis(kind, min_side))
    keepdims = has_keepdims and data.draw(st.booleans())
    if view == "transposed" and kind in ("vector", "matrix"):
        view = "reversed"
    same_as_cpu(device, lambda x: fn(VIEWS[view](x), axis, keepdims), [sample(seed, domain, shape)], seed)


@pytest.mark.parametrize("name", sorted(STRUCTURAL))
@few(2)
@given(data=st.data(), seed=seeds)
def test_structural(device, name, data, seed):
    f, in_shapes, domain = STRUCTURAL[name](data.draw)
    inputs = [sample(seed + i, domain, s) for i, s in enumerate(in_shapes)]
    same_as_cpu(device, f, inputs, seed, inside=True)


def test_float32_gradients(device):
    """float32 inputs get float32 gradients on the device, equal to the CPU's up to rounding."""
    rng = onp.random.default_rng(5)
    x, w = rng.normal(size=(4, 3)).astype("float32"), rng.normal(size=(3, 2)).astype("float32")
    f = lambda x, w: (npx.sigmoid(x @ w) * dnp.tanh(x[:, :2]) + dnp.exp(-(x ** 2)).sum(axis=1, keepdims=True)).mean()
    same_as_cpu(device, f, [x, w], 0, rtol=1e-5, atol=1e-6)


# ---- finite differences on the device -------------------------------------------------------------------


FINITE = {
    "chain": (lambda x, w, b: npx.log_softmax(dnp.tanh(x @ w + b) * 2.0, axis=-1)[:, ::-1], [(2, 3), (3, 3), (3,)]),
    "broadcast_divide": (lambda a, b: dnp.exp(a) / (b * b + 1.0), [(2, 3), (3,)]),
    "reductions": (lambda x: x.max(axis=0) + x.var(axis=1).sum() + dnp.cumsum(x.T, axis=1)[::-1, -1], [(2, 3)]),
    "indexing": (lambda x: x[dnp.array([2, 0, 2], dtype="int64", ctx=x.ctx)][:, ::-2] * x[1, 1::2], [(3, 4)]),
    "where_clip": (lambda x: dnp.where(x > 0, dnp.sqrt(dnp.abs(x) + 1.0), x.clip(-0.5, None)), [(2, 5)]),
    "concat_split": (lambda a, b: dnp.split(dnp.concatenate([a, b.T], axis=0), [1], axis=0)[1] ** 2, [(2, 3), (3, 4)]),
    "fully_connected": (lambda x, w, b: npx.fully_connected(x, w, b, num_hidden=2), [(3, 2, 2), (2, 4), (2,)]),
}


@pytest.mark.parametrize("name", sorted(FINITE))
def test_finite_differences_on_the_device(device, name):
    f, in_shapes = FINITE[name]
    inputs = [sample(i + 11, "nonzero", s) for i, s in enumerate(in_shapes)]
    check_grad(f, *inputs, make=lambda a: dnp.array(a, ctx=device), rtol=1e-5, atol=1e-6)
    gradients(device, f, inputs, 0)  # and the gradients are on the device


# ---- the recording machinery with device arrays -------------------------------------------------------------


def test_grad_req_write_and_add(device):
    x = dnp.array([1.0, 2.0, 3.0], ctx=device)
    x.attach_grad()
    for _ in range(2):
        with autograd.record():
            y = (x * x).sum()
        y.backward()
    check(x.grad, onp.array([2.0, 4.0, 6.0], "float32"), device)  # 'write' overwrites
    x.attach_grad(grad_req="add")
    for _ in range(3):
        with autograd.record():
            y = (x * x).sum()
        y.backward()
    check(x.grad, onp.array([6.0, 12.0, 18.0], "float32"), device)


def test_head_gradient_on_the_device(device):
    x = dnp.array([[1.0, -2.0], [3.0, 0.5]], dtype="float64", ctx=device)
    x.attach_grad()
    with autograd.record():
        y = x * 3.0
    y.backward(dnp.array([[1.0, 2.0], [0.5, -1.0]], dtype="float64", ctx=device))
    check(x.grad, onp.array([[3.0, 6.0], [1.5, -3.0]]), device)
    with autograd.record():
        y = (x ** 2).sum(axis=0)
    y.backward()  # a non-scalar head: ones
    check(x.grad, 2 * x.asnumpy(), device)


def test_head_gradient_on_another_device_is_refused(device):
    x = dnp.ones((2,), ctx=device)
    x.attach_grad()
    with autograd.record():
        y = x * 2.0
    raises(MXNetError, y.backward, dnp.ones((2,)), contains=[str(device), "cpu(0)"])


def test_second_derivatives(device):
    x = dnp.array([0.5, -1.0, 2.0], dtype="float64", ctx=device)
    x.attach_grad()
    with autograd.record():
        y = dnp.sin(x) * x
        dy = autograd.grad(y, x, create_graph=True)
    assert_on(dy, device)
    h = x.asnumpy()
    onp.testing.assert_allclose(dy.asnumpy(), onp.cos(h) * h + onp.sin(h), rtol=1e-12)
    dy.backward()
    check(x.grad, -onp.sin(h) * h + 2 * onp.cos(h), device, rtol=1e-12)


def test_detach_pause_and_recording_flags(device):
    x = dnp.array([1.0, 2.0], ctx=device)
    x.attach_grad()
    with autograd.record():
        d = (x * 2).detach()
        assert_on(d, device)
        with autograd.pause():
            c = x * 10
        y = (x * d + c).sum()
    y.backward()
    check(x.grad, onp.array([2.0, 4.0], "float32"), device)  # d and c are constants


def test_gradients_flow_through_copies_between_devices(device):
    """``as_in_ctx``/``copyto`` are recorded: the gradient goes back to the source device."""
    h = onp.array([1.0, -2.0, 3.0])
    c = dnp.array(h)
    c.attach_grad()
    with autograd.record():
        g = c.as_in_ctx(device)
        y = (g * g).sum().as_in_ctx(npx.cpu(0))
    assert_on(g, device)
    y.backward()
    check(c.grad, 2 * h, npx.cpu(0))
    d = dnp.array(h, ctx=device)
    d.attach_grad()
    with autograd.record():
        y = (d.copyto(npx.cpu(0)) * 3.0).sum()
    y.backward()
    check(d.grad, onp.full(3, 3.0), device)


def test_mixing_devices_while_recording_is_refused(device):
    x = dnp.ones((2,), ctx=device)
    x.attach_grad()
    with autograd.record():
        raises(MXNetError, lambda: x * dnp.ones((2,)), contains=[str(device), "cpu(0)"])


def test_in_place_update_of_a_saved_device_value_is_detected(device):
    w = dnp.array([1.0, 2.0], ctx=device)
    w.attach_grad()
    with autograd.record():
        y = (w * w).sum()
    w += 1  # changes a value the graph saved
    raises(MXNetError, y.backward)

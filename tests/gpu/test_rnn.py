"""Recurrent ops on a GPU against the same computation on the CPU: the fused layer
(``_core.rnn``, which ``npx.rnn`` and ``gluon.rnn`` call) in every mode, stacked and
bidirectional, with an LSTM projection and state clipping, and the cells' fused gate step
(``_core.rnn_cell``): the outputs, final states and every input's gradient (through autograd,
with random head gradients), on the inputs' device."""

import numpy as onp
import pytest
from hypothesis import given
from hypothesis import strategies as st

from deepblocks import _core, autograd, npx
from deepblocks import np as dnp

from .conftest import assert_on, few
from .test_conv import close

GATES = {"rnn_relu": 1, "rnn_tanh": 1, "lstm": 4, "gru": 3}


def param_len(mode, inp, hidden, layers, dirs, proj):
    g, s = GATES[mode], proj or hidden
    total = 0
    for layer in range(layers):
        width = inp if layer == 0 else s * dirs
        total += dirs * (g * hidden * width + g * hidden * s + (proj * hidden if proj else 0) + 2 * g * hidden)
    return total


def run(device, f, inputs, seed):
    """The results of ``f(*xs)`` (a tuple of arrays) and the gradients of a random weighted
    sum of them with respect to every input, as host arrays."""
    xs = [dnp.array(a, ctx=device) for a in inputs]
    for x in xs:
        x.attach_grad()
    rng = onp.random.default_rng(seed)
    with autograd.record():
        ys = [y for y in f(*xs) if y is not None]
        assert_on(ys, device)
        loss = sum((y * dnp.array(rng.standard_normal(y.shape), dtype=y.dtype, ctx=device)).sum() for y in ys)
    loss.backward()
    for x in xs:
        assert_on(x.grad, device)
    return [y.asnumpy() for y in ys], [x.grad.asnumpy() for x in xs]


def same_as_cpu(device, f, inputs, seed):
    dtype = inputs[0].dtype.name
    ys, gs = run(device, f, inputs, seed)
    cys, cgs = run(npx.cpu(0), f, inputs, seed)
    for i, (y, c) in enumerate(zip(ys, cys)):
        close(y, c, dtype, f"result {i}")
    for i, (g, c) in enumerate(zip(gs, cgs)):
        close(g, c, dtype, f"gradient of input {i}")


@few(12)
@given(
    mode=st.sampled_from(sorted(GATES)),
    layers=st.integers(1, 2),
    bidirectional=st.booleans(),
    steps=st.integers(1, 4),
    batch=st.integers(1, 3),
    dtype=st.sampled_from(["float32", "float64"]),
    seed=st.integers(0, 2**32 - 1),
)
def test_fused_layer_matches_cpu(device, mode, layers, bidirectional, steps, batch, dtype, seed):
    rng = onp.random.default_rng(seed)
    inp, hidden, dirs = 3, 4, 1 + bidirectional
    proj = 2 if mode == "lstm" and seed % 2 else None
    s = proj or hidden
    inputs = [
        rng.standard_normal((steps, batch, inp)).astype(dtype),
        (0.5 * rng.standard_normal(param_len(mode, inp, hidden, layers, dirs, proj))).astype(dtype),
        rng.standard_normal((layers * dirs, batch, s)).astype(dtype),
    ]
    if mode == "lstm":
        inputs.append(rng.standard_normal((layers * dirs, batch, hidden)).astype(dtype))
    clip = (-0.5, 0.5) if mode == "lstm" and seed % 3 == 0 else (None, None)

    def f(x, w, h, c=None):
        return _core.rnn(x, w, h, c, None, mode, hidden, layers, bidirectional, proj, clip[0], clip[1], False)

    same_as_cpu(device, f, inputs, seed)


@pytest.mark.parametrize("mode", sorted(GATES))
def test_cell_gates_match_cpu(device, mode):
    rng = onp.random.default_rng(7)
    g, n, h = GATES[mode], 3, 5
    inputs = [rng.standard_normal((n, g * h)), rng.standard_normal((n, g * h))]
    if mode in ("lstm", "gru"):
        inputs.append(rng.standard_normal((n, h)))

    def f(a, b, p=None):
        return (_core.rnn_cell(a, b, p, mode),)

    same_as_cpu(device, f, inputs, 3)

"""Convolutional-network ops on a GPU against the same computation on the CPU: ``convolution``
and ``deconvolution`` (1 to 3 spatial axes, stride, padding, dilation, groups, bias, channels
last, strided inputs, 1×1 kernels, a batch too large for one chunk of columns), ``pooling``
(max, avg, sum, the ``valid`` and ``full`` conventions, ``count_include_pad``, global pooling,
ties and NaN), ``batch_norm`` (batch and running statistics, ``fix_gamma``, the channel axis)
and ``pad``: each forward result and each input's gradient (through autograd, with a random
head gradient), on the inputs' device. Max pooling must match the CPU exactly, gradient
included (each window's gradient goes to its first maximum); sums and averages too."""

import numpy as onp
import pytest
from hypothesis import given
from hypothesis import strategies as st

from deepblocks import _core, autograd, npx
from deepblocks import np as dnp

from .conftest import assert_on, few

seeds = st.integers(0, 2**32 - 1)
floats = st.sampled_from(["float32", "float64"])


def run(device, f, inputs, seed):
    """``f(*xs)`` for ``xs`` made from the host arrays ``inputs`` on ``device``, and the
    gradients of ``sum(f(*xs) * head)`` (``head`` random from ``seed``) with respect to every
    input: host copies, each checked to be on the device, in its input's dtype and shape."""
    xs = [dnp.array(a, ctx=device) for a in inputs]
    for x in xs:
        x.attach_grad()
    with autograd.record():
        y = f(*xs)
        assert_on(y, device)
        head = onp.random.default_rng(seed).standard_normal(y.shape)
        loss = (y * dnp.array(head, dtype=y.dtype, ctx=device)).sum()
    loss.backward()
    out = []
    for a, x in zip(inputs, xs):
        assert_on(x.grad, device)
        assert x.grad.shape == a.shape and x.grad.dtype == a.dtype
        out.append(x.grad.asnumpy())
    return y.asnumpy(), out


def close(got, want, dtype, what, exact=False):
    assert got.shape == want.shape and got.dtype == want.dtype, (what, got.shape, want.shape, got.dtype, want.dtype)
    if exact:
        onp.testing.assert_array_equal(got, want, err_msg=what)
        return
    tol = 2e-5 if dtype == "float32" else 1e-11
    scale = max(1.0, float(onp.nanmax(onp.abs(want))) if want.size else 1.0)
    onp.testing.assert_allclose(got, want, rtol=tol, atol=tol * scale, err_msg=what)


def same_as_cpu(device, f, inputs, seed, exact=False):
    """``f`` and its gradients agree on ``device`` and on the CPU: bit for bit where ``exact``
    (True, or "forward" for the result only), else to rounding."""
    dtype = inputs[0].dtype.name
    y, gs = run(device, f, inputs, seed)
    cy, cgs = run(npx.cpu(0), f, inputs, seed)
    close(y, cy, dtype, "forward", bool(exact))
    for i, (g, c) in enumerate(zip(gs, cgs)):
        close(g, c, dtype, f"gradient of input {i}", exact is True)


def sample(rng, shape, dtype):
    return rng.standard_normal(shape).astype(dtype)


# ---- convolution and deconvolution ---------------------------------------------------------------


@st.composite
def conv_geometry(draw, transposed=False):
    """A convolution's (or transposed one's) arguments and shapes."""
    d = draw(st.integers(1, 3))
    axis = lambda lo, hi: tuple(draw(st.integers(lo, hi)) for _ in range(d))  # noqa: E731
    g = draw(st.integers(1, 3))
    cg, fg = draw(st.integers(1, 2)), draw(st.integers(1, 3))
    kernel = axis(1, 2 if d == 3 else 3)
    stride, dilate = axis(1, 3), axis(1, 2)
    span = [dl * (k - 1) + 1 for k, dl in zip(kernel, dilate)]
    if transposed:
        sizes = axis(1, 3)
        adj = tuple(draw(st.integers(0, s - 1)) for s in stride)
        pad = tuple(draw(st.integers(0, ((n - 1) * s + sp + a - 1) // 2)) for n, s, sp, a in zip(sizes, stride, span, adj))
    else:
        pad = axis(0, 2)
        sizes = tuple(draw(st.integers(max(1, sp - 2 * p), max(1, sp - 2 * p) + (2 if d == 3 else 5))) for sp, p in zip(span, pad))
        adj = (0,) * d
    last = draw(st.booleans())
    n = draw(st.integers(1, 3))
    # Weights (g·fg, cg, *kernel) either way: a convolution maps g·cg channels to g·fg, a
    # transposed one g·fg to g·cg.
    data_c, out_c = (g * fg, g * cg) if transposed else (g * cg, g * fg)
    xs = (n, *sizes, data_c) if last else (n, data_c, *sizes)
    ws = (g * fg, *kernel, cg) if last else (g * fg, cg, *kernel)
    return dict(kernel=kernel, stride=stride, dilate=dilate, pad=pad, adj=adj, g=g, last=last, xs=xs, ws=ws,
                out_c=out_c, bias=draw(st.booleans()))


def conv_fn(geo, view=False):
    def f(x, w, b=None):
        if view:  # a strided, reversed view of the data
            x = x[..., ::-1]
        return _core.convolution(x, w, b, geo["kernel"], geo["stride"], geo["dilate"], geo["pad"], geo["g"], geo["last"])

    return f


def deconv_fn(geo):
    def f(x, w, b=None):
        return _core.deconvolution(x, w, b, geo["kernel"], geo["stride"], geo["dilate"], geo["pad"], geo["adj"], geo["g"],
                                   geo["last"])

    return f


def inputs(geo, dtype, seed):
    rng = onp.random.default_rng(seed)
    arrays = [sample(rng, geo["xs"], dtype), sample(rng, geo["ws"], dtype)]
    if geo["bias"]:
        arrays.append(sample(rng, (geo["out_c"],), dtype))
    return arrays


@few(25)
@given(geo=conv_geometry(), dtype=floats, view=st.booleans(), seed=seeds)
def test_convolution(device, geo, dtype, view, seed):
    same_as_cpu(device, conv_fn(geo, view), inputs(geo, dtype, seed), seed)


@few(20)
@given(geo=conv_geometry(transposed=True), dtype=floats, seed=seeds)
def test_deconvolution(device, geo, dtype, seed):
    same_as_cpu(device, deconv_fn(geo), inputs(geo, dtype, seed), seed)


@pytest.mark.parametrize("case", [
    # (data shape, weight shape, kernel, stride, dilate, pad, groups)
    ((2, 6, 5, 4), (4, 3, 3, 3), (3, 3), (1, 1), (1, 1), (1, 1), 2),       # images >= groups
    ((1, 6, 5, 4), (6, 1, 3, 3), (3, 3), (2, 1), (1, 2), (1, 2), 6),       # depthwise: groups > images
    ((3, 4, 5, 5), (6, 2, 1, 1), (1, 1), (1, 1), (1, 1), (0, 0), 2),       # 1x1: no columns
    ((2, 4, 7), (4, 1, 1), (1,), (1,), (3,), (0,), 4),                     # 1x1 dilated, depthwise
    ((2, 3, 7, 6), (5, 3, 1, 1), (1, 1), (2, 2), (1, 1), (0, 0), 1),       # 1x1 strided: columns
    ((2, 2, 4, 3, 5), (3, 2, 2, 1, 3), (2, 1, 3), (1, 2, 1), (1, 1, 2), (0, 1, 1), 1),
])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_convolution_cases(device, case, dtype):
    xs, ws, k, s, dl, p, g = case
    rng = onp.random.default_rng(len(xs) * 10 + g)
    arrays = [sample(rng, xs, dtype), sample(rng, ws, dtype), sample(rng, (ws[0],), dtype)]
    same_as_cpu(device, lambda x, w, b: _core.convolution(x, w, b, k, s, dl, p, g, False), arrays, 1)
    # The transposed convolution of the same geometry, back onto the data's shape when an
    # output padding (adj) can reach it.
    ys = _core.convolution(dnp.array(arrays[0]), dnp.array(arrays[1]), None, k, s, dl, p, g, False).shape
    spans = [d * (kk - 1) + 1 for d, kk in zip(dl, k)]
    adj = tuple(n - ((o - 1) * st_ - 2 * pd + sp) for n, o, st_, pd, sp in zip(xs[2:], ys[2:], s, p, spans))
    if all(0 <= a < max(st_, d) for a, st_, d in zip(adj, s, dl)):
        dy, wt = sample(rng, ys, dtype), sample(rng, ws, dtype)
        same_as_cpu(device, lambda y, w: _core.deconvolution(y, w, None, k, s, dl, p, adj, g, False), [dy, wt], 2)


def test_convolution_channels_last(device):
    rng = onp.random.default_rng(3)
    x, w, b = sample(rng, (2, 5, 6, 4), "float64"), sample(rng, (6, 3, 2, 2), "float64"), sample(rng, (6,), "float64")
    same_as_cpu(device, lambda x, w, b: _core.convolution(x, w, b, (3, 2), (2, 1), (1, 2), (1, 0), 2, True), [x, w, b], 4)
    same_as_cpu(device, lambda x, w: _core.deconvolution(x, w, None, (3, 2), (2, 1), (1, 1), (1, 0), (1, 0), 2, True),
                [sample(rng, (1, 3, 4, 4), "float64"), sample(rng, (4, 3, 2, 1), "float64")], 5)


def test_a_batch_larger_than_one_chunk_of_columns(device):
    """About 34 MB of float64 columns per image against a 64 MB scratch budget: the batch runs
    one image at a time, and the weight gradient adds the chunks' products."""
    rng = onp.random.default_rng(6)
    x, w, b = sample(rng, (3, 2, 400, 600), "float64"), sample(rng, (2, 2, 3, 3), "float64"), sample(rng, (2,), "float64")
    same_as_cpu(device, lambda x, w, b: _core.convolution(x, w, b, (3, 3), (1, 1), (1, 1), (1, 1), 1, False), [x, w, b], 7)


# ---- pooling -------------------------------------------------------------------------------------


@st.composite
def pool_geometry(draw):
    d = draw(st.integers(1, 3))
    axis = lambda lo, hi: tuple(draw(st.integers(lo, hi)) for _ in range(d))  # noqa: E731
    kernel = axis(1, 2 if d == 3 else 3)
    stride = axis(1, 3)
    pad = tuple(draw(st.integers(0, k - 1)) for k in kernel)
    sizes = tuple(draw(st.integers(max(1, k - 2 * p), max(1, k - 2 * p) + (2 if d == 3 else 5))) for k, p in zip(kernel, pad))
    last = draw(st.booleans())
    n, c = draw(st.integers(1, 2)), draw(st.integers(1, 3))
    return dict(kernel=kernel, stride=stride, pad=pad, shape=(n, *sizes, c) if last else (n, c, *sizes), last=last,
                kind=draw(st.sampled_from(["max", "avg", "sum"])), full=draw(st.booleans()),
                include=draw(st.booleans()), glob=draw(st.booleans()))


def pool_fn(geo):
    def f(x):
        return _core.pooling(x, geo["kernel"], geo["stride"], geo["pad"], geo["kind"], geo["glob"],
                             "full" if geo["full"] else "valid", geo["include"], geo["last"])

    return f


@few(40)
@given(geo=pool_geometry(), dtype=floats, ties=st.booleans(), seed=seeds)
def test_pooling(device, geo, dtype, ties, seed):
    rng = onp.random.default_rng(seed)
    # Ties: small integers, so that windows hold several maxima.
    x = rng.integers(-2, 3, geo["shape"]).astype(dtype) if ties else sample(rng, geo["shape"], dtype)
    same_as_cpu(device, pool_fn(geo), [x], seed, exact=True)


@pytest.mark.parametrize("kind", ["max", "avg", "sum"])
def test_pooling_cases(device, kind):
    rng = onp.random.default_rng(8)
    x = rng.integers(0, 4, (2, 3, 9, 10)).astype("float32")
    for args in [((3, 3), (2, 2), (1, 1), False, "valid", True), ((3, 3), (2, 2), (1, 1), False, "full", False),
                 ((2, 3), (3, 1), (0, 1), False, "full", True), ((1, 1), (1, 1), (0, 0), True, "valid", True),
                 ((1, 4), (1, 5), (0, 0), False, "full", True)]:  # stride > kernel: windows past the end
        k, s, p, glob, conv, inc = args
        same_as_cpu(device, lambda x: _core.pooling(x, k, s, p, kind, glob, conv, inc, False), [x], 9, exact=True)


def test_max_pooling_with_nan_sends_the_gradient_to_the_first_nan(device):
    x = onp.array([[[1.0, onp.nan, 3.0, onp.nan, 2.0, 2.0, -1.0]]])
    same_as_cpu(device, lambda x: _core.pooling(x, (3,), (2,), (1,), "max", False, "full", True, False), [x], 10,
                exact=True)
    y, (g,) = run(device, lambda x: _core.pooling(x, (7,), (1,), (0,), "max", True, "valid", True, False), [x], 0)
    assert onp.isnan(y).all() and onp.count_nonzero(g) == 1 and g[0, 0, 1] != 0


# ---- batch norm and pad ------------------------------------------------------------------------------


@pytest.mark.parametrize("training,use_global_stats", [(True, False), (True, True), (False, False)])
@pytest.mark.parametrize("fix_gamma", [False, True])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_batch_norm(device, training, use_global_stats, fix_gamma, dtype):
    rng = onp.random.default_rng(11)
    for shape, axis in [((4, 3, 5, 2), 1), ((6, 4), -1), ((2, 5, 3), 2)]:
        c = shape[axis]
        x, gamma, beta = sample(rng, shape, dtype) * 2 + 1, sample(rng, (c,), dtype), sample(rng, (c,), dtype)
        mean0, var0 = sample(rng, (c,), dtype), (rng.random(c) + 0.5).astype(dtype)
        stats = []  # the running statistics of each run: the device's, then the CPU's

        def f(x, gamma, beta):
            stats.append((dnp.array(mean0, ctx=x.ctx), dnp.array(var0, ctx=x.ctx)))
            return _core.batch_norm(x, gamma, beta, *stats[-1], 1e-3, 0.9, fix_gamma, use_global_stats, axis, training)

        same_as_cpu(device, f, [x, gamma, beta], 12)
        (dm, dv), (cm, cv) = stats
        assert_on((dm, dv), device)
        close(dm.asnumpy(), cm.asnumpy(), dtype, "running mean")
        close(dv.asnumpy(), cv.asnumpy(), dtype, "running variance")


@pytest.mark.parametrize("mode", ["constant", "edge", "reflect", "symmetric"])
def test_pad(device, mode):
    rng = onp.random.default_rng(13)
    x = sample(rng, (2, 3, 4, 5), "float32")
    # The gradients of the gathering modes add repeated positions (atomically on a GPU): their
    # order, so their rounding, may differ.
    same_as_cpu(device, lambda x: _core.pad(x, [(0, 0), (1, 0), (2, 3), (4, 6)], mode, 1.5), [x], 14, exact="forward")
    same_as_cpu(device, lambda x: _core.pad(x[:, ::-1, 1:], [(1, 1), (0, 2), (1, 0), (0, 0)], mode, -2.0), [x], 15,
                exact="forward")


def test_a_small_network(device):
    """Convolution, batch norm, ReLU, max pooling, a strided convolution, global average
    pooling: the loss's gradients agree on the device and on the CPU."""
    rng = onp.random.default_rng(16)
    x = sample(rng, (4, 3, 12, 12), "float32")
    w1, b1 = sample(rng, (8, 3, 3, 3), "float32") * 0.3, sample(rng, (8,), "float32")
    gamma, beta = (rng.random(8) + 0.5).astype("float32"), sample(rng, (8,), "float32")
    w2 = sample(rng, (6, 4, 3, 3), "float32") * 0.3

    def net(x, w1, b1, gamma, beta, w2):
        mean, var = dnp.zeros((8,), ctx=x.ctx), dnp.ones((8,), ctx=x.ctx)
        h = _core.convolution(x, w1, b1, (3, 3), (1, 1), (1, 1), (1, 1), 1, False)
        h = _core.batch_norm(h, gamma, beta, mean, var, 1e-5, 0.9, False, False, 1, True)
        h = _core.pooling(npx.relu(h), (2, 2), (2, 2), (0, 0), "max", False, "valid", True, False)
        h = _core.convolution(h, w2, None, (3, 3), (2, 2), (1, 1), (1, 1), 2, False)
        return _core.pooling(h, (1, 1), (1, 1), (0, 0), "avg", True, "valid", True, False)

    y, gs = run(device, net, [x, w1, b1, gamma, beta, w2], 17)
    cy, cgs = run(npx.cpu(0), net, [x, w1, b1, gamma, beta, w2], 17)
    onp.testing.assert_allclose(y, cy, rtol=1e-4, atol=1e-4)
    for i, (g, c) in enumerate(zip(gs, cgs)):
        onp.testing.assert_allclose(g, c, rtol=1e-3, atol=1e-3 * max(1.0, float(onp.abs(c).max())), err_msg=f"input {i}")

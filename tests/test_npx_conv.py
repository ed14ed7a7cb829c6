"""``npx.convolution`` / ``npx.deconvolution`` (and ``nd.Convolution`` / ``nd.Deconvolution``)
against the NumPy sliding-window references of conv_reference.py over hypothesis-drawn
geometry (1 to 3 spatial axes, strides, padding, dilation, groups, both layouts, float32 and
float64, non-contiguous views), the adjoint identity between the two, values recorded from
MXNet 1.9.1, central finite differences of every input's gradient, and bad input."""

import numpy as onp
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import conv_reference as ref
from conftest import raises, views
from deepblocks import autograd, nd, npx
from deepblocks import np as dnp
from test_autograd_grads import check_grad, examples

floats = st.sampled_from(["float32", "float64"])


def _layout(d, last):
    return ("NWC", "NHWC", "NDHWC")[d - 1] if last else ("NCW", "NCHW", "NCDHW")[d - 1]


def _shapes(n, c, sizes, last):
    return (n, *sizes, c) if last else (n, c, *sizes)


def _weight_shape(lead, inner, kernel, last):
    return (lead, *kernel, inner) if last else (lead, inner, *kernel)


@st.composite
def conv_geometry(draw, transposed=False):
    """A drawn convolution: spatial axes, groups, channels, kernel, stride, dilation, padding,
    input sizes (and ``adj`` for a transposed one), layout and bias."""
    d = draw(st.integers(1, 3))
    small = d == 3  # three spatial axes: keep the windows few
    g = draw(st.integers(1, 3))
    cg, fg = draw(st.integers(1, 2)), draw(st.integers(1, 2))
    axis = lambda lo, hi: tuple(draw(st.integers(lo, hi)) for _ in range(d))  # noqa: E731
    kernel = axis(1, 2 if small else 3)
    stride = axis(1, 3)
    dilate = axis(1, 2)
    span = [dl * (k - 1) + 1 for k, dl in zip(kernel, dilate)]
    if transposed:
        sizes = axis(1, 3 if small else 4)
        adj = tuple(draw(st.integers(0, s - 1)) for s in stride)
        pad = tuple(draw(st.integers(0, ((n - 1) * s + sp + a - 1) // 2))
                    for n, s, sp, a in zip(sizes, stride, span, adj))
    else:
        pad = axis(0, 2)
        sizes = tuple(draw(st.integers(max(1, sp - 2 * p), max(1, sp - 2 * p) + (2 if small else 5)))
                      for sp, p in zip(span, pad))
        adj = None
    return dict(d=d, g=g, cg=cg, fg=fg, kernel=kernel, stride=stride, dilate=dilate, pad=pad, adj=adj, sizes=sizes,
                n=draw(st.integers(1, 2)), last=draw(st.booleans()), bias=draw(st.booleans()))


def _bound(dtype, magnitude):
    """Rounding allowed for sums of products whose absolute terms add up to ``magnitude``."""
    eps = onp.finfo(dtype).eps
    return 16 * eps * (magnitude + 1)


@settings(max_examples=examples(40), deadline=None)
@given(data=st.data(), geo=conv_geometry(), dtype=floats)
def test_convolution_matches_the_reference(data, geo, dtype):
    g, last = geo["g"], geo["last"]
    c, f = g * geo["cg"], g * geo["fg"]
    hx, dx = data.draw(views(dtype, _shapes(geo["n"], c, geo["sizes"], last), small=True))
    hw, dw = data.draw(views(dtype, _weight_shape(f, geo["cg"], geo["kernel"], last), small=True))
    hb, db = data.draw(views(dtype, (f,), small=True)) if geo["bias"] else (None, None)
    got = npx.convolution(dx, dw, db, kernel=geo["kernel"], stride=geo["stride"], dilate=geo["dilate"],
                          pad=geo["pad"], num_filter=f, num_group=g, no_bias=not geo["bias"],
                          layout=_layout(geo["d"], last))
    args = dict(stride=geo["stride"], pad=geo["pad"], dilate=geo["dilate"], groups=g, channels_last=last)
    want = ref.convolution(hx, hw, hb, **args)
    magnitude = ref.convolution(onp.abs(hx), onp.abs(hw), None if hb is None else onp.abs(hb), **args)
    assert type(got) is dnp.ndarray and got.dtype == onp.dtype(dtype) and got.shape == want.shape
    assert onp.all(onp.abs(got.asnumpy().astype("float64") - want) <= _bound(dtype, magnitude))


@settings(max_examples=examples(40), deadline=None)
@given(data=st.data(), geo=conv_geometry(transposed=True), dtype=floats)
def test_deconvolution_matches_the_reference(data, geo, dtype):
    g, last = geo["g"], geo["last"]
    c, f = g * geo["cg"], g * geo["fg"]
    hx, dx = data.draw(views(dtype, _shapes(geo["n"], c, geo["sizes"], last), small=True))
    hw, dw = data.draw(views(dtype, _weight_shape(c, geo["fg"], geo["kernel"], last), small=True))
    hb, db = data.draw(views(dtype, (f,), small=True)) if geo["bias"] else (None, None)
    got = npx.deconvolution(dx, dw, db, kernel=geo["kernel"], stride=geo["stride"], dilate=geo["dilate"],
                            pad=geo["pad"], adj=geo["adj"], num_filter=f, num_group=g, no_bias=not geo["bias"],
                            layout=_layout(geo["d"], last))
    args = dict(stride=geo["stride"], pad=geo["pad"], dilate=geo["dilate"], adj=geo["adj"], groups=g,
                channels_last=last)
    want = ref.deconvolution(hx, hw, hb, **args)
    magnitude = ref.deconvolution(onp.abs(hx), onp.abs(hw), None if hb is None else onp.abs(hb), **args)
    assert type(got) is dnp.ndarray and got.dtype == onp.dtype(dtype) and got.shape == want.shape
    assert onp.all(onp.abs(got.asnumpy().astype("float64") - want) <= _bound(dtype, magnitude))


@settings(max_examples=examples(30), deadline=None)
@given(geo=conv_geometry(), seed=st.integers(0, 2**32 - 1))
def test_deconvolution_is_the_adjoint_of_convolution(geo, seed):
    """``<conv(x, w), y> == <x, deconv(y, w)>`` with the same weight array: the transposed
    convolution is the convolution's transpose (``adj`` recovers the input's size)."""
    g, last = geo["g"], geo["last"]
    c, f = g * geo["cg"], g * geo["fg"]
    rng = onp.random.default_rng(seed)
    x = rng.standard_normal(_shapes(geo["n"], c, geo["sizes"], last))
    w = rng.standard_normal(_weight_shape(f, geo["cg"], geo["kernel"], last))
    common = dict(kernel=geo["kernel"], stride=geo["stride"], dilate=geo["dilate"], pad=geo["pad"], num_group=g,
                  layout=_layout(geo["d"], last))
    y_conv = npx.convolution(dnp.array(x), dnp.array(w), None, num_filter=f, no_bias=True, **common)
    y = rng.standard_normal(y_conv.shape)
    span = [dl * (k - 1) + 1 for k, dl in zip(geo["kernel"], geo["dilate"])]
    adj = tuple((n + 2 * p - sp) % s for n, p, sp, s in zip(geo["sizes"], geo["pad"], span, geo["stride"]))
    x_back = npx.deconvolution(dnp.array(y), dnp.array(w), adj=adj, num_filter=c, **common)
    assert x_back.shape == x.shape
    lhs = float((y_conv.asnumpy() * y).sum())
    rhs = float((x * x_back.asnumpy()).sum())
    assert abs(lhs - rhs) <= 1e-9 * (1 + abs(lhs))


# ---- values recorded from MXNet 1.9.1 ---------------------------------------------------------------

X = onp.arange(2 * 4 * 5 * 5).reshape(2, 4, 5, 5) % 7 - 3.0
W = onp.arange(6 * 2 * 3 * 3).reshape(6, 2, 3, 3) % 5 - 2.0
B = onp.array([0.5, -1, 2, 0, 1, -0.5])
WT = onp.arange(4 * 3 * 3 * 2).reshape(4, 3, 3, 2) % 5 - 2.0


@pytest.mark.parametrize("front", ["npx", "nd"])
def test_values_recorded_from_mxnet(front):
    arr = dnp.array if front == "npx" else nd.array
    conv = npx.convolution if front == "npx" else nd.Convolution
    deconv = npx.deconvolution if front == "npx" else nd.Deconvolution
    kind = dnp.ndarray if front == "npx" else nd.NDArray
    x = arr(X.astype("float32"))
    y = conv(x, arr(W.astype("float32")), arr(B.astype("float32")), kernel=(3, 3), stride=(2, 1), pad=(1, 2),
             dilate=(1, 2), num_filter=6, num_group=2)
    assert type(y) is kind and y.shape == (2, 6, 3, 5) and float(y.asnumpy().sum()) == 38.0
    assert y.asnumpy()[0].ravel()[:20].tolist() == [1.5, -9.5, -9.5, -9.5, -2.5, -11.5, -12.5, 6.5, -3.5, 7.5, 15.5,
                                                    0.5, 10.5, 9.5, -10.5, -8.0, -11.0, 4.0, 14.0, -1.0]
    wt = arr(WT.astype("float32"))
    yt = deconv(x, wt, kernel=(3, 2), stride=(2, 3), pad=(1, 0), adj=(1, 2), num_filter=6, num_group=2, no_bias=True)
    assert type(yt) is kind and yt.shape == (2, 6, 10, 16) and float(yt.asnumpy().sum()) == -15.0
    assert yt.asnumpy()[1, 5, 0, :].tolist() == [-3.0, -6.0, 0.0, -4.0, -5.0, 0.0, -5.0, -4.0, 0.0, -6.0, -3.0,
                                                 0.0, 7.0, 5.0, 0.0, 0.0]
    # target_shape sets pad and adj: rows 2*4 + 3 - 9 = 2 -> pad 1, adj 0; columns 3*4 + 2 - 13 = 1 -> pad 1, adj 1.
    yt2 = deconv(x, wt, kernel=(3, 2), stride=(2, 3), target_shape=(9, 13), num_filter=6, num_group=2)
    assert yt2.shape == (2, 6, 9, 13) and float(yt2.asnumpy().sum()) == -4.0
    assert yt2.asnumpy()[0, 0, 0, :].tolist() == [-4.0, 0.0, -4.0, -4.0, 0.0, -6.0, -4.0, 0.0, 6.0, 3.0, 0.0, 4.0,
                                                  3.0]


def test_defaults_follow_mxnet():
    x = dnp.array(onp.random.default_rng(0).standard_normal((1, 2, 5, 5)))
    w = dnp.array(onp.random.default_rng(1).standard_normal((3, 2, 3, 3)))
    b = dnp.array([1.0, 2.0, 3.0], dtype="float64")
    # stride and dilate 1, pad 0; the kernel may be left to the weight's shape.
    out = npx.convolution(x, w, b, kernel=(3, 3), num_filter=3)
    onp.testing.assert_allclose(out.asnumpy(), ref.convolution(x.asnumpy(), w.asnumpy(), b.asnumpy()), rtol=1e-12)
    onp.testing.assert_allclose(npx.convolution(x, w, b).asnumpy(), out.asnumpy(), rtol=0)
    # no_bias ignores a given bias; deconvolution has no bias by default (MXNet's no_bias=True).
    onp.testing.assert_allclose(npx.convolution(x, w, b, kernel=(3, 3), no_bias=True).asnumpy(),
                                ref.convolution(x.asnumpy(), w.asnumpy()), rtol=1e-12)
    wt = dnp.array(onp.ones((2, 3, 2, 2)))
    onp.testing.assert_allclose(npx.deconvolution(x, wt, b, kernel=(2, 2), num_filter=3).asnumpy(),
                                ref.deconvolution(x.asnumpy(), wt.asnumpy()), rtol=1e-12)
    # an int applies to every axis
    onp.testing.assert_allclose(npx.convolution(x, w, b, stride=2, pad=1).asnumpy(),
                                ref.convolution(x.asnumpy(), w.asnumpy(), b.asnumpy(), stride=2, pad=1), rtol=1e-12)


# ---- gradients (float64, central differences) ----------------------------------------------------

CONV_CASES = {
    "1d": dict(x=(2, 3, 7), w=(4, 3, 3), stride=(2,), pad=(1,), dilate=(1,), groups=1, layout="NCW"),
    "2d_grouped_dilated": dict(x=(1, 4, 5, 6), w=(6, 2, 2, 3), stride=(2, 1), pad=(1, 2), dilate=(2, 1), groups=2,
                               layout="NCHW"),
    "2d_depthwise": dict(x=(1, 3, 4, 4), w=(3, 1, 3, 3), stride=(1, 1), pad=(1, 1), dilate=(1, 1), groups=3,
                         layout="NCHW"),
    "2d_1x1": dict(x=(2, 3, 3, 2), w=(2, 3, 1, 1), stride=(1, 1), pad=(0, 0), dilate=(1, 1), groups=1, layout="NCHW"),
    "2d_channels_last": dict(x=(1, 4, 5, 2), w=(3, 2, 3, 2), stride=(1, 2), pad=(1, 0), dilate=(1, 1), groups=1,
                             layout="NHWC"),
    "3d": dict(x=(1, 2, 3, 4, 3), w=(2, 2, 2, 2, 2), stride=(1, 2, 1), pad=(0, 1, 1), dilate=(1, 1, 2), groups=1,
               layout="NCDHW"),
}


@pytest.mark.parametrize("case", sorted(CONV_CASES))
def test_convolution_gradients(case):
    p = CONV_CASES[case]
    rng = onp.random.default_rng(len(case))
    x, w = rng.standard_normal(p["x"]), rng.standard_normal(p["w"])
    b = rng.standard_normal(p["w"][0])
    kernel = p["w"][1:-1] if p["layout"].endswith("C") else p["w"][2:]

    def f(x, w, b):
        return npx.convolution(x, w, b, kernel=kernel, stride=p["stride"], pad=p["pad"], dilate=p["dilate"],
                               num_group=p["groups"], layout=p["layout"])

    check_grad(f, x, w, b, rtol=1e-6, atol=1e-8)


DECONV_CASES = {
    "1d": dict(x=(2, 3, 4), w=(3, 2, 3), stride=(2,), pad=(1,), adj=(1,), dilate=(1,), groups=1, layout="NCW"),
    "2d_grouped": dict(x=(1, 4, 3, 3), w=(4, 1, 3, 2), stride=(2, 3), pad=(1, 0), adj=(0, 2), dilate=(1, 2), groups=2,
                       layout="NCHW"),
    "2d_channels_last": dict(x=(1, 3, 2, 2), w=(2, 2, 2, 3), stride=(2, 2), pad=(0, 1), adj=(1, 0), dilate=(1, 1),
                             groups=1, layout="NHWC"),
    "3d": dict(x=(1, 2, 2, 3, 2), w=(2, 2, 2, 2, 2), stride=(2, 1, 2), pad=(1, 0, 0), adj=(1, 0, 0),
               dilate=(1, 1, 1), groups=1, layout="NCDHW"),
}


@pytest.mark.parametrize("case", sorted(DECONV_CASES))
def test_deconvolution_gradients(case):
    p = DECONV_CASES[case]
    rng = onp.random.default_rng(len(case) + 10)
    last = p["layout"].endswith("C")
    x, w = rng.standard_normal(p["x"]), rng.standard_normal(p["w"])
    f_out = (p["w"][-1] if last else p["w"][1]) * p["groups"]
    b = rng.standard_normal(f_out)
    kernel = p["w"][1:-1] if last else p["w"][2:]

    def f(x, w, b):
        return npx.deconvolution(x, w, b, kernel=kernel, stride=p["stride"], pad=p["pad"], adj=p["adj"],
                                 dilate=p["dilate"], num_group=p["groups"], no_bias=False, layout=p["layout"])

    check_grad(f, x, w, b, rtol=1e-6, atol=1e-8)


def test_convolution_gradients_through_views():
    """Strided, reversed and transposed inputs: the views' own backward rules chain in."""
    rng = onp.random.default_rng(5)
    x, w = rng.standard_normal((2, 7, 3, 6)), rng.standard_normal((4, 3, 2, 2))

    def f(x, w):
        return npx.convolution(x.transpose(0, 2, 1, 3)[:, ::-1, ::2, ::-2], w[:, ::-1], kernel=(2, 2), no_bias=True)

    check_grad(f, x, w, rtol=1e-6, atol=1e-8)


def test_legacy_ndarrays_in_legacy_ndarrays_out():
    x = nd.array(onp.random.default_rng(0).standard_normal((1, 2, 4, 4)))
    w = nd.array(onp.ones((3, 2, 3, 3)))
    x.attach_grad()
    with autograd.record():
        y = nd.Convolution(x, w, nd.zeros(3), kernel=(3, 3), num_filter=3)
    assert type(y) is nd.NDArray
    y.backward()
    assert type(x.grad) is nd.NDArray
    onp.testing.assert_allclose(x.grad.asnumpy(), ref.deconvolution(onp.ones((1, 3, 2, 2)), onp.ones((3, 2, 3, 3))),
                                rtol=1e-6)
    out = nd.zeros((1, 3, 2, 2))
    assert nd.Convolution(x, w, None, kernel=(3, 3), num_filter=3, no_bias=True, out=out) is out


# ---- bad input: ValueError naming the shapes -------------------------------------------------------


def test_bad_input_names_the_shapes():
    x = dnp.ones((1, 4, 5, 5))
    w = dnp.ones((6, 2, 3, 3))
    conv = npx.convolution
    raises(ValueError, conv, x, dnp.ones((6, 4, 7, 7)), None, kernel=(7, 7), no_bias=True,
           contains=["(7, 7)", "(5, 5)", "(1, 4, 5, 5)"])                      # kernel larger than the input
    raises(ValueError, conv, x, dnp.ones((6, 4, 3, 3)), None, kernel=(3, 3), dilate=(3, 3), no_bias=True,
           contains=["(3, 3)", "(7, 7)", "(5, 5)"])                            # ... once dilated
    raises(ValueError, conv, x, dnp.ones((6, 1, 3, 3)), None, kernel=(3, 3), num_group=3, no_bias=True,
           contains=["4 input channels", "(1, 4, 5, 5)", "num_group=3"])       # channels not divisible by groups
    raises(ValueError, conv, x, dnp.ones((5, 2, 3, 3)), None, num_group=2, no_bias=True,
           contains=["(5, 2, 3, 3)", "num_group=2"])                           # filters not divisible by groups
    raises(ValueError, conv, x, w, None, kernel=(3, 3), layout="NCWH", no_bias=True, contains="'NCWH'")
    raises(ValueError, conv, x, w, None, kernel=(3, 3), layout="NCW", no_bias=True, contains=["'NCW'", "(1, 4, 5, 5)"])
    raises(ValueError, conv, dnp.ones((4, 5)), w, None, no_bias=True, contains="(4, 5)")   # wrong ndim
    raises(ValueError, conv, dnp.ones((1, 1, 1, 4, 5, 5)), w, None, no_bias=True, contains="(1, 1, 1, 4, 5, 5)")
    raises(ValueError, conv, x, dnp.ones((6, 2, 3)), None, num_group=2, no_bias=True,
           contains=["(6, 2, 3)", "(1, 4, 5, 5)"])                             # weight of the wrong ndim
    raises(ValueError, conv, x, w, None, kernel=(3, 3), num_filter=5, num_group=2, no_bias=True,
           contains=["num_filter=5", "(6, 2, 3, 3)"])
    raises(ValueError, conv, x, w, None, kernel=(2, 2), num_group=2, no_bias=True,
           contains=["(6, 2, 3, 3)", "(6, 2, 2, 2)"])                          # kernel does not match the weight
    raises(ValueError, conv, x, w, dnp.ones(5), num_group=2, contains=["(5,)", "(6,)"])
    raises(ValueError, conv, x, w, None, kernel=(3, 3, 3), num_group=2, no_bias=True, contains="(3, 3, 3)")
    raises(ValueError, conv, x, w, None, stride=(0, 1), num_group=2, no_bias=True, contains="stride (0, 1)")
    raises(ValueError, conv, x, w, None, pad=-1, num_group=2, no_bias=True, contains="pad (-1, -1)")
    raises(TypeError, conv, x, w, None, stride=1.5, num_group=2, no_bias=True, contains="stride")
    deconv = npx.deconvolution
    wt = dnp.ones((4, 3, 3, 3))
    raises(ValueError, deconv, x, wt, kernel=(3, 3), stride=(2, 2), adj=(2, 0), contains=["adj (2, 0)", "(2, 2)"])
    raises(ValueError, deconv, x, wt, kernel=(3, 3), target_shape=(20, 20), contains=["(20, 20)", "(7, 7)"])
    raises(ValueError, deconv, x, wt, kernel=(3, 3), pad=(4, 4), contains=["pad (4, 4)", "(1, 4, 5, 5)"])
    raises(ValueError, deconv, x, dnp.ones((3, 3, 3, 3)), kernel=(3, 3), contains=["(3, 3, 3, 3)", "(4, 3, 3, 3)"])
    raises(ValueError, nd.Convolution, nd.ones((1, 4, 5, 5)), nd.ones((6, 4, 3, 3)), None, kernel=(3, 3),
           num_filter=6, num_group=4, no_bias=True, contains="num_group=4")


def test_huge_geometry_is_an_error_not_a_crash():
    # Sizes whose arithmetic would overflow, or whose buffers could never be allocated, are
    # refused before any kernel runs.
    x, w = dnp.ones((1, 4, 5, 5)), dnp.ones((6, 4, 3, 3))
    conv, deconv, pool = npx.convolution, npx.deconvolution, npx.pooling
    raises(ValueError, conv, x, w, None, kernel=(3, 3), pad=(2 ** 40, 0), no_bias=True, contains="2**31")
    raises(ValueError, conv, x, w, None, kernel=(3, 3), dilate=(2 ** 35, 1), no_bias=True, contains="(5, 5)")
    big = dnp.ones((4, 3, 1, 1))
    raises(ValueError, deconv, x, big, kernel=(1, 1), stride=(2 ** 30, 2 ** 30), contains="too large")
    raises(ValueError, pool, x, kernel=(2, 2), stride=(2 ** 40, 1), contains="2**31")

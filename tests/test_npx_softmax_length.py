"""The attention-side operators: ``npx.softmax``/``npx.log_softmax`` with ``length`` (and their
legacy ``nd`` names), ``npx.masked_softmax``/``npx.masked_log_softmax``, the shape rules of
``npx.batch_dot``/``nd.batch_dot``, and ``SoftmaxCrossEntropyLoss`` with d2l's per-token
weights. Checked against NumPy references over hypothesis-drawn shapes, axes, views and
lengths (0 and beyond the axis included), values recorded from MXNet 1.9.1, gradients against
central differences in float64, and bad input."""

import numpy as onp
import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import assert_same, raises, shapes, views
from deepblocks import autograd, gluon, nd, npx
from deepblocks import np as dnp
from test_autograd_grads import check_grad

floats = st.sampled_from(["float32", "float64"])


# ---- references -------------------------------------------------------------------------------------


def ref_softmax(x, keep, axis, temperature=1.0, log=False, fill=0.0):
    """Softmax over the kept positions of each row along ``axis``; ``fill`` elsewhere and in
    rows with nothing kept."""
    x = x.astype("float64") / temperature
    keep = onp.broadcast_to(keep, x.shape)
    m = onp.where(keep, x, -onp.inf).max(axis=axis, keepdims=True, initial=-onp.inf)
    m = onp.where(onp.isfinite(m), m, 0.0)
    e = onp.where(keep, onp.exp(x - m), 0.0)
    s = e.sum(axis=axis, keepdims=True)
    with onp.errstate(all="ignore"):
        out = (x - m - onp.log(s)) if log else e / s
    return onp.where(keep, out, fill)


def length_keep(shape, lengths, axis):
    n = shape[axis]
    pos = onp.arange(n).reshape((n,) + (1,) * (len(shape) - 1 - axis))
    return pos < onp.expand_dims(lengths.astype("int64"), axis)


def _close(got, want, dtype):
    tol = 1e-5 if dtype == "float32" else 1e-12
    assert_same(got, want.astype(dtype), rtol=tol, atol=tol)


# ---- softmax with length ------------------------------------------------------------------------------


@given(data=st.data(), shape=shapes(min_dims=1, max_dims=4), dtype=floats,
       ldtype=st.sampled_from(["int32", "int64", "uint8"]), temperature=st.sampled_from([None, 1.0, 2.0, 0.5]))
def test_softmax_with_length(data, shape, dtype, ldtype, temperature):
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    host, dev = data.draw(views(dtype, shape, small=True))
    rest = shape[:axis % len(shape)] + shape[axis % len(shape) + 1:]
    low = 0 if ldtype == "uint8" else -1
    hl, dl = data.draw(views(ldtype, rest, kind="contig"))
    hl = onp.clip(hl, low, shape[axis] + 2).astype(ldtype)
    dl = dnp.array(hl)
    keep = length_keep(shape, hl, axis % len(shape))
    t = 1.0 if temperature is None else temperature
    _close(npx.softmax(dev, dl, axis=axis, temperature=temperature, use_length=True),
           ref_softmax(host, keep, axis, t), dtype)
    _close(npx.log_softmax(dev, axis=axis, temperature=temperature, use_length=True, length=dl),
           ref_softmax(host, keep, axis, t, log=True), dtype)


def test_softmax_length_recorded_from_mxnet():
    # Recorded from MXNet 1.9.1: npx.softmax(x, length, use_length=True) (int32 and int64 lengths).
    x = dnp.array([[1.0, 2.0, 3.0, 4.0], [1.0, 2.0, 3.0, 4.0], [5, 6, 7, 8]])
    want = [[0.2689414322376251, 0.7310585975646973, 0.0, 0.0],
            [0.032058604061603546, 0.08714432269334793, 0.23688283562660217, 0.6439142823219299],
            [0.0, 0.0, 0.0, 0.0]]
    for ldtype in ("int32", "int64"):
        got = npx.softmax(x, dnp.array([2, 4, 0], dtype=ldtype), use_length=True)
        onp.testing.assert_allclose(got.asnumpy(), want, rtol=1e-6, atol=1e-7)
    got = npx.softmax(x, dnp.array([1, 2, 3, 0], dtype="int32"), axis=0, use_length=True)
    onp.testing.assert_allclose(got.asnumpy(), [[1.0, 0.5, 0.017668424174189568, 0.0],
                                                [0.0, 0.5, 0.017668424174189568, 0.0],
                                                [0.0, 0.0, 0.9646632075309753, 0.0]], rtol=1e-6, atol=1e-7)
    got = npx.softmax(x, dnp.array([2, 3, 4], dtype="int32"), use_length=True, temperature=2.0)
    onp.testing.assert_allclose(got.asnumpy(), [[0.3775406777858734, 0.622459352016449, 0.0, 0.0],
                                                [0.18632373213768005, 0.30719590187072754, 0.5064803957939148, 0.0],
                                                [0.101536326110363, 0.16740509867668152, 0.2760043442249298,
                                                 0.45505422353744507]], rtol=1e-6, atol=1e-7)
    assert npx.softmax(x, dnp.array([2, 3, 4], dtype="int32"), use_length=True, dtype="float64").dtype == onp.float64
    # A negative length gives a row of zeros, as in MXNet.
    assert npx.softmax(x, dnp.array([-1, 2, 3], dtype="int32"), use_length=True)[0].tolist() == [0.0] * 4
    # The gradient (head gradient from numpy.random.RandomState(0).rand(3, 4)), recorded too.
    w = dnp.array(onp.random.RandomState(0).rand(3, 4))
    x.attach_grad()
    with autograd.record():
        y = (npx.softmax(x, dnp.array([2, 4, 0], dtype="int32"), use_length=True) * w).sum()
    y.backward()
    onp.testing.assert_allclose(x.grad.asnumpy(), [
        [-0.03271147981286049, 0.0327114537358284, 0.0, 0.0],
        [-0.010390041396021843, -0.008876166306436062, -0.07347225397825241, 0.09273842722177505],
        [0.0, 0.0, 0.0, 0.0]], rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("axis", [0, 1, -1])
@pytest.mark.parametrize("log", [False, True])
def test_softmax_length_gradients(axis, log):
    rng = onp.random.default_rng(3)
    x = rng.uniform(-2, 2, (3, 4, 5))
    rest = tuple(d for n, d in enumerate(x.shape) if n != axis % 3)
    lengths = dnp.array(rng.integers(0, x.shape[axis] + 2, rest), dtype="int32")  # 0 and beyond the axis too
    f = npx.log_softmax if log else npx.softmax
    grads = check_grad(lambda a: f(a, axis=axis, temperature=0.7, length=lengths, use_length=True), x)
    keep = onp.broadcast_to(length_keep(x.shape, lengths.asnumpy(), axis % 3), x.shape)
    assert (grads[0][~keep] == 0).all()


def test_softmax_length_bad_input():
    x = dnp.ones((3, 4))
    for f in (npx.softmax, npx.log_softmax):
        name = f.__name__
        # MXNet 1.9.1: "Shape inconsistent, Provided = [4], inferred shape=[3]".
        raises(ValueError, f, x, length=dnp.ones(4, dtype="int32"), use_length=True, contains=["(3,)", "(4,)"])
        raises(ValueError, f, x, length=dnp.ones((3, 1), dtype="int32"), use_length=True, contains="(3, 1)")
        raises(ValueError, f, x, length=dnp.ones(4, dtype="int32"), axis=1, use_length=True, contains="(3,)")
        # MXNet 1.9.1: "This operation only support integer types, not float32".
        raises(TypeError, f, x, length=dnp.ones(3), use_length=True, contains="float32")
        # MXNet 1.9.1: the operator expects 1 input (or 2) but got 2 (or 1).
        raises(ValueError, f, x, length=dnp.ones(3, dtype="int32"), contains="use_length")
        raises(ValueError, f, x, use_length=True, contains="length")
        raises(ValueError, f, x, axis=2, contains=["axis 2", "(3, 4)"])
        # MXNet 1.9.1: "This operation only support floating point types, not int32".
        raises(TypeError, f, dnp.ones((3, 4), dtype="int32"), contains=[name, "int32"])
        raises(TypeError, f, x, length=[1, 2, 3], use_length=True)


def test_legacy_softmax_with_length():
    x = nd.array([[1.0, 2.0, 3.0], [1.0, 1.0, 1.0]])
    length = nd.array([2, 1], dtype="int32")
    got = nd.softmax(x, length, use_length=True)     # length is the second positional, as in MXNet
    assert type(got) is nd.NDArray
    onp.testing.assert_allclose(got.asnumpy(), [[0.26894143, 0.7310586, 0], [1, 0, 0]], rtol=1e-6)
    out = nd.zeros((2, 3))
    assert nd.log_softmax(x, length=length, use_length=True, out=out) is out
    onp.testing.assert_allclose(out.asnumpy(), [[-1.3132616, -0.31326166, 0], [0, 0, 0]], rtol=1e-6)
    assert nd.softmax(x, out=out) is out and abs(out.asnumpy().sum() - 2) < 1e-6


# ---- masked softmax ------------------------------------------------------------------------------------


@given(data=st.data(), shape=shapes(min_dims=1, max_dims=4), dtype=floats,
       temperature=st.sampled_from([1.0, 2.0, 0.5]))
def test_masked_softmax(data, shape, dtype, temperature):
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    host, dev = data.draw(views(dtype, shape, small=True))
    mshape = tuple(1 if data.draw(st.booleans()) else d for d in shape)[data.draw(st.integers(0, len(shape))):]
    hm, dm = data.draw(views("bool", mshape))
    _close(npx.masked_softmax(dev, dm, axis=axis, temperature=temperature),
           ref_softmax(host, hm, axis, temperature), dtype)
    _close(npx.masked_log_softmax(dev, dm, axis=axis, temperature=temperature),
           ref_softmax(host, hm, axis, temperature, log=True, fill=-onp.inf), dtype)


def test_masked_softmax_values():
    # MXNet 2's documented example (MXNet 1.9.1 has no masked_softmax); a nonzero mask keeps.
    data = dnp.arange(5)
    mask = dnp.array([1, 0, 1, 0, 1])
    onp.testing.assert_allclose(npx.masked_softmax(data, mask).asnumpy(),
                                [0.01587624, 0., 0.11731042, 0., 0.8668133], rtol=1e-6)
    # A row masked entirely: zeros (log: -inf), with no NaN in the values or the gradient.
    x = dnp.array([[1.0, 2.0], [3.0, 4.0]])
    mask = dnp.array([[True, False], [False, False]])
    assert npx.masked_softmax(x, mask).tolist() == [[1.0, 0.0], [0.0, 0.0]]
    assert npx.masked_log_softmax(x, mask).tolist() == [[0.0, -onp.inf], [-onp.inf, -onp.inf]]
    x.attach_grad()
    with autograd.record():
        y = npx.masked_softmax(x, mask, temperature=0.1).sum() + npx.masked_softmax(x, mask).sum()
    y.backward()
    assert x.grad.tolist() == [[0.0, 0.0], [0.0, 0.0]]
    # Huge logits stay finite (the lowest value, not -inf, fills masked positions).
    big = dnp.array([[3e38, -3e38, 1.0]])
    assert npx.masked_softmax(big, dnp.array([[False, True, True]])).tolist() == [[0.0, 0.0, 1.0]]


@pytest.mark.parametrize("log", [False, True])
def test_masked_softmax_gradients(log):
    rng = onp.random.default_rng(5)
    x = rng.uniform(-2, 2, (3, 4))
    mask = dnp.array([[True, False, True, True], [False] * 4, [True, True, False, False]])
    f = npx.masked_log_softmax if log else npx.masked_softmax
    # The -inf of masked log-probabilities meets a zero head gradient there (0 * -inf is NaN).
    head = dnp.array(mask.asnumpy().astype("float64"))
    grads = check_grad(lambda a: dnp.where(mask, f(a, mask, temperature=1.5), 0.0) * head, x)
    assert (grads[0][~mask.asnumpy()] == 0).all()
    check_grad(lambda a: npx.masked_softmax(a, dnp.array([True, False, True, True]), axis=-1), x)


def test_masked_softmax_bad_input():
    x = dnp.ones((3, 4))
    for f in (npx.masked_softmax, npx.masked_log_softmax):
        raises(ValueError, f, x, dnp.ones((4, 4), dtype="bool"), contains=["(4, 4)", "(3, 4)"])
        raises(ValueError, f, x, dnp.ones((3, 4, 1), dtype="bool"), contains="(3, 4, 1)")
        raises(ValueError, f, x, dnp.ones(4, dtype="bool"), axis=2, contains="axis 2")
        raises(TypeError, f, dnp.ones((3, 4), dtype="int64"), dnp.ones(4, dtype="bool"), contains="int64")


# ---- batch_dot shape rules ---------------------------------------------------------------------------


@pytest.mark.parametrize("sa,sb,kw,words", [
    # Refused by MXNet 1.9.1 too ("batch_dot currently only support N-D*N-D array (N >= 3)",
    # "the leading batch dimensions must be equal", "shape mismatch").
    ((3, 4), (4, 5), {}, ["(3, 4)", "(4, 5)", "rank"]),
    ((2, 2, 3, 4), (2, 4, 5), {}, ["(2, 2, 3, 4)", "(2, 4, 5)"]),
    ((2, 3, 4), (3, 4, 5), {}, ["(2, 3, 4)", "(3, 4, 5)", "batch"]),
    ((2, 3, 4), (1, 4, 5), {}, ["(1, 4, 5)"]),
    ((2, 1, 3, 4), (2, 3, 4, 5), {}, ["(2, 1, 3, 4)"]),
    ((2, 3, 4), (2, 5, 4), {}, ["(2, 3, 4)", "(2, 5, 4)", "4 != 5"]),
    ((2, 3, 4), (2, 4, 5), {"transpose_a": True}, ["transpose_a=True", "3 != 4"]),
    ((3,), (3,), {}, ["(3,)"]),
])
def test_batch_dot_shape_rules(sa, sb, kw, words):
    raises(ValueError, npx.batch_dot, dnp.ones(sa), dnp.ones(sb), contains=words, **kw)
    raises(ValueError, nd.batch_dot, nd.ones(sa), nd.ones(sb), contains=words, **kw)


def test_batch_dot_shapes_mxnet_accepts():
    # Shapes MXNet 1.9.1 accepts, with its result shapes.
    assert npx.batch_dot(dnp.ones((2, 2, 3, 4)), dnp.ones((2, 2, 4, 5))).shape == (2, 2, 3, 5)
    assert npx.batch_dot(dnp.ones((0, 3, 4)), dnp.ones((0, 4, 5))).shape == (0, 3, 5)
    assert npx.batch_dot(dnp.ones((2, 3, 0)), dnp.ones((2, 0, 5))).tolist() == [[[0.0] * 5] * 3] * 2
    assert npx.batch_dot(dnp.ones((2, 4, 3)), dnp.ones((2, 5, 4)), True, True).shape == (2, 3, 5)
    assert nd.batch_dot(nd.ones((2, 3, 4)), nd.ones((2, 5, 4)), transpose_b=True).shape == (2, 3, 5)


# ---- SoftmaxCrossEntropyLoss with per-token weights (d2l's MaskedSoftmaxCELoss) ----------------------


class MaskedSoftmaxCELoss(gluon.loss.SoftmaxCELoss):
    """d2l's loss: tokens beyond each sequence's valid length weigh 0."""

    def forward(self, pred, label, valid_len):
        weights = dnp.expand_dims(dnp.ones_like(label), axis=-1)
        weights = npx.sequence_mask(weights, valid_len, True, axis=1)
        return super().forward(pred, label, weights)


def test_masked_softmax_ce_loss_recorded_from_mxnet(gluon_state):
    loss = MaskedSoftmaxCELoss()
    # Recorded from MXNet 1.9.1: [2.3025879859924316, 1.1512939929962158, 0.0] (float32;
    # ln(10) = 2.302585093 is the exact value).
    got = loss(dnp.ones((3, 4, 10)), dnp.ones((3, 4)), dnp.array([4, 2, 0]))
    assert got.shape == (3,)
    onp.testing.assert_allclose(got.asnumpy(), [2.3025879859924316, 1.1512939929962158, 0.0], rtol=2e-6)
    rs = onp.random.RandomState(3)
    pred = onp.round(rs.randn(2, 5, 6).astype("float32"), 4)
    label = rs.randint(0, 6, (2, 5)).astype("float32")
    p = dnp.array(pred)
    p.attach_grad()
    with autograd.record():
        got = loss(p, dnp.array(label), dnp.array([3.0, 5.0]))
    got.backward()
    # Recorded from MXNet 1.9.1 with the same inputs.
    onp.testing.assert_allclose(got.asnumpy(), [1.2828181982040405, 2.4199836254119873], rtol=1e-5)
    g = p.grad.asnumpy()
    assert (g[0, 3:] == 0).all()   # tokens beyond the valid length get no gradient
    onp.testing.assert_allclose(g[0, 0], [0.11677420139312744, -0.16979089379310608, 0.021501900628209114,
                                          0.0030286998953670263, 0.014794300310313702, 0.01369240041822195],
                                rtol=1e-4, atol=1e-7)
    onp.testing.assert_allclose(g[1, 4], [0.11158700287342072, 0.00824000034481287, 0.05873899906873703,
                                          0.003921200055629015, -0.18620359897613525, 0.0037165998946875334],
                                rtol=1e-4, atol=1e-7)

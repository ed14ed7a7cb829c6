"""The losses of MXNet 1.9.1's ``gluon.loss`` beyond the book's (``CTCLoss``, ``TripletLoss``,
``PoissonNLLLoss``, ``CosineEmbeddingLoss``, ``SDMLLoss``), the CTC operator (``nd.CTCLoss``), and
the label checks of ``SoftmaxCrossEntropyLoss``.

Values and gradients marked "recorded from MXNet 1.9.1" came from the real MXNet (legacy mode,
float32) on the same inputs; CTC is also checked against a brute-force sum over every alignment,
and every gradient against central finite differences in float64.
"""

import itertools
import math

import numpy as onp
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import raises
from deepblocks import autograd, nd, np, npx
from deepblocks.gluon import loss as gloss
from deepblocks.numpy_extension.ctc import ctc_loss
from test_autograd_grads import check_grad

pytestmark = pytest.mark.usefixtures("gluon_state")

A = [[1.62, -0.61, -0.53, -1.07], [0.87, -2.3, 1.74, -0.76], [0.32, -0.25, 1.46, -2.06]]
B = [[-0.32, -0.38, 1.13, -1.1], [-0.17, -0.88, 0.04, 0.58], [-1.1, 1.14, 0.9, 0.5]]
C = [[0.9, -0.68, -0.12, -0.94], [-0.27, 0.53, -0.69, -0.4], [-0.69, -0.85, -0.67, -0.01]]
COUNTS = [[0, 1, 2, 3], [4, 0, 1, 2], [1, 1, 5, 0]]


def close(out, expected, rtol=1e-5, atol=1e-6):
    onp.testing.assert_allclose(out.asnumpy(), onp.array(expected), rtol=rtol, atol=atol)


def recorded(f, *inputs, make=nd.array):
    """``f`` on float32 arrays made of ``inputs`` inside ``record``, and each input's gradient
    of ``f(...).sum()`` (MXNet's ``backward`` on a vector head)."""
    xs = [make(onp.array(v, dtype="float32")) for v in inputs]
    for x in xs:
        x.attach_grad()
    with autograd.record():
        out = f(*xs)
    out.backward()
    return out, [x.grad for x in xs]


def test_every_mxnet_loss_is_here():
    # recorded from MXNet 1.9.1: sorted(mxnet.gluon.loss.__all__)
    mxnet_names = ['CTCLoss', 'CosineEmbeddingLoss', 'HingeLoss', 'HuberLoss', 'KLDivLoss', 'L1Loss', 'L2Loss',
                   'LogisticLoss', 'Loss', 'PoissonNLLLoss', 'SDMLLoss', 'SigmoidBCELoss',
                   'SigmoidBinaryCrossEntropyLoss', 'SoftmaxCELoss', 'SoftmaxCrossEntropyLoss', 'SquaredHingeLoss',
                   'TripletLoss']
    assert sorted(gloss.__all__) == mxnet_names
    for name in mxnet_names:
        assert issubclass(getattr(gloss, name), gloss.Loss)


def test_reprs_match_mxnet():
    # recorded from MXNet 1.9.1
    assert [repr(x) for x in (gloss.CTCLoss(), gloss.CTCLoss(layout="TNC", label_layout="TN", weight=2.0),
                              gloss.TripletLoss(), gloss.PoissonNLLLoss(), gloss.CosineEmbeddingLoss(),
                              gloss.SDMLLoss())] == [
        'CTCLoss(batch_axis=0, w=None)', 'CTCLoss(batch_axis=1, w=2.0)', 'TripletLoss(batch_axis=0, w=None)',
        'PoissonNLLLoss(batch_axis=0, w=None)', 'CosineEmbeddingLoss(batch_axis=0, w=None)',
        'SDMLLoss(batch_axis=0, w=1.0)']


# ---- CTC: MXNet's numbers ----------------------------------------------------------------------------

CTC_PRED = onp.random.RandomState(0).randn(2, 5, 4).astype("float32")   # (N, T, C): blank is channel 3
CTC_LABEL = [[1, 0, -1], [2, 1, 1]]

# recorded from MXNet 1.9.1: gluon.loss.CTCLoss()(CTC_PRED, CTC_LABEL) and its gradient
CTC = [4.108916, 4.911541]
CTC_GRAD = [[[0.3009677, -0.1786368, 0.1372342, -0.2595656], [0.5219841, -0.376794, 0.2512014, -0.3963919],
             [-0.01747242, -0.1601824, 0.1472013, 0.03045291], [-0.16393, -0.05418898, 0.2504089, -0.03229032],
             [-0.2960807, 0.1153213, 0.1936299, -0.01287075]],
            [[0.01605098, 0.3963819, -0.4234494, 0.01101639], [0.8210132, -0.1143649, -0.4328108, -0.2738377],
             [0.3990659, -0.5882113, 0.1006143, 0.08853124], [0.1697235, 0.05219848, 0.2912099, -0.5131319],
             [0.4189674, -0.5917115, 0.08311088, 0.08963342]]]
# ... with pred_lengths [4, 5] and label_lengths [2, 3] (labels [[1, 0, 0], [2, 1, 1]])
CTC_LEN = [3.915356, 4.911541]
CTC_LEN_GRAD0 = [[0.3009677, -0.5051591, 0.1372342, 0.06695735], [0.173191, -0.2921537, 0.2512014, -0.1322385],
                 [-0.1319045, -0.01012404, 0.1472013, -0.005173028], [-0.2616414, 0.1814367, 0.2504089, -0.1702043],
                 [0.0, 0.0, 0.0, 0.0]]
# ... with weight=0.5 and sample_weight [1, 3]: the gradient follows the head gradient
CTC_W = [2.054458, 7.367312]
CTC_W_GRAD1_ROW0 = [0.02407646, 0.5945728, -0.635174, 0.01652459]


@pytest.mark.parametrize("make", [np.array, nd.array])
def test_ctc_matches_mxnet(make):
    if make is nd.array:
        npx.reset_np()
    out, (g,) = recorded(lambda p: gloss.CTCLoss()(p, make(CTC_LABEL)), CTC_PRED, make=make)
    assert isinstance(out, type(make([1.0]))) and out.shape == (2,) and out.dtype == onp.float32
    close(out, CTC)
    close(g, CTC_GRAD)
    out, (g,) = recorded(lambda p: gloss.CTCLoss()(p, make([[1, 0, 0], [2, 1, 1]]), make([4, 5]), make([2, 3])),
                         CTC_PRED, make=make)
    close(out, CTC_LEN)
    close(g[0], CTC_LEN_GRAD0)
    close(g[1], CTC_GRAD[1])
    out, (g,) = recorded(lambda p: gloss.CTCLoss(weight=0.5)(p, make(CTC_LABEL), None, None, make([1.0, 3.0])),
                         CTC_PRED, make=make)
    close(out, CTC_W)
    close(g[1, 0], CTC_W_GRAD1_ROW0)


def test_ctc_layouts():
    tnc = gloss.CTCLoss(layout="TNC", label_layout="TN")
    out = tnc(np.array(CTC_PRED.transpose(1, 0, 2)), np.array(CTC_LABEL).T)
    close(out, CTC)   # recorded from MXNet 1.9.1: the same values as NTC/NT
    raises(ValueError, gloss.CTCLoss, layout="NCT", contains="NCT")
    raises(ValueError, gloss.CTCLoss, label_layout="TT", contains="TT")


@pytest.mark.parametrize("label, kwargs, expected", [
    # recorded from MXNet 1.9.1 (gluon.loss.CTCLoss on CTC_PRED):
    ([[1, -1, 0], [2, 1, 1]], {}, [6.211559, 4.911541]),          # the first -1 ends a label
    ([[-1, -1, -1], [2, 1, 1]], {}, [8.116402, 4.911541]),        # an empty label: blanks only
    (CTC_LABEL, {"pred_lengths": [0, 5]}, [0.0, 4.911541]),        # no steps: loss 0
    ([[1, 0, 2], [2, 1, 1]], {"label_lengths": [0, 1]}, [8.116402, 6.79979]),
])
def test_ctc_padding_and_lengths_match_mxnet(label, kwargs, expected):
    kwargs = {k: np.array(v) for k, v in kwargs.items()}
    close(gloss.CTCLoss()(np.array(CTC_PRED), np.array(label), **kwargs), expected)


def test_ctc_infeasible_alignment_is_zero_like_mxnet():
    # recorded from MXNet 1.9.1: "0 0 0" cannot fit 3 steps (it needs 5) and gets 0; MXNet's
    # gradient there is garbage (a copy of the input), deepblocks' is zero.
    x = np.array(CTC_PRED[:, :3])
    x.attach_grad()
    with autograd.record():
        out = gloss.CTCLoss()(x, np.array([[1, 1, -1], [0, 0, 0]]))
    out.backward()
    close(out, [6.696993, 0.0])
    assert (x.grad[1].asnumpy() == 0).all() and (x.grad[0].asnumpy() != 0).all()


def test_nd_ctc_operator_matches_mxnet():
    npx.reset_np()
    data = nd.array(CTC_PRED.transpose(1, 0, 2))
    # recorded from MXNet 1.9.1: nd.CTCLoss's default blank is the first channel, padding 0
    close(nd.CTCLoss(data, nd.array([[2, 1, 0], [3, 2, 2]])), [3.600125, 7.270305])
    close(nd.CTCLoss(data, nd.array([[2, 1, 3], [3, 2, 2]]), None, nd.array([2, 3]), use_label_lengths=True),
          [3.600125, 7.270305])
    close(nd.CTCLoss(data, nd.array(CTC_LABEL), nd.array([3, 5]), use_data_lengths=True, blank_label="last"),
          [3.350676, 4.911541])
    assert nd.ctc_loss is nd.CTCLoss and nd.contrib.CTCLoss is nd.CTCLoss and nd.contrib.ctc_loss is nd.CTCLoss
    out = nd.zeros((2,))
    res = nd.ctc_loss(data, nd.array(CTC_LABEL), blank_label="last", out=out)
    assert res is out and type(out) is nd.NDArray
    close(out, CTC)


def test_ctc_typical_size_matches_mxnet():
    r = onp.random.RandomState(0)
    pred = np.array(r.randn(100, 32, 30).astype("float32"))
    label = np.array(r.randint(0, 29, size=(32, 20)).astype("float32"))
    pred.attach_grad()
    with autograd.record():
        out = gloss.CTCLoss(layout="TNC")(pred, label)
    out.backward()
    # recorded from MXNet 1.9.1
    close(out[:4], [283.7372, 276.4185, 290.9811, 283.5605])
    assert abs(float(out.asnumpy().astype("float64").sum()) - 9005.603) < 0.05
    assert abs(float(onp.abs(pred.grad.asnumpy()).astype("float64").sum()) - 5343.743) < 0.05
    close(pred.grad[0, 0], [0.07635484, 0.01952111, 0.034816, 0.1230059, 0.08468149, 0.004923705, 0.03383269,
                            0.01124565, 0.01180024, 0.019726, 0.0151104, 0.05601461, 0.02800483, 0.01477615,
                            0.02039322, -0.1350333, 0.05828928, 0.01065661, 0.01789294, 0.005569156, 0.001018518,
                            0.02515251, 0.03105548, 0.006228739, 0.1266077, 0.003055592, 0.01369591, 0.01084989,
                            0.06058929, -0.7897793], atol=1e-4)
    # (MXNet's float32 gradient is off by up to 4e-5 from the float64 answer here; deepblocks' by 1e-7.)


# ---- CTC: against every alignment ------------------------------------------------------------------------


def _collapse(path, blank):
    out = []
    for prev, s in zip((None,) + path, path):
        if s != prev and s != blank:
            out.append(s)
    return tuple(out)


def brute_ctc(logits, label, blank):
    """-log of the summed probability of every path over ``logits`` (T, C) that collapses to
    ``label``; 0 where none does (MXNet's answer for an infeasible label)."""
    steps, classes = logits.shape
    if steps == 0:
        return 0.0
    logp = logits - logits.max(axis=1, keepdims=True)
    logp = logp - onp.log(onp.exp(logp).sum(axis=1, keepdims=True))
    terms = [logp[onp.arange(steps), list(p)].sum() for p in itertools.product(range(classes), repeat=steps)
             if _collapse(p, blank) == tuple(label)]
    if not terms:
        return 0.0
    top = max(terms)
    return -(top + math.log(sum(math.exp(t - top) for t in terms)))


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 5), st.integers(1, 3), st.integers(2, 4), st.sampled_from(["first", "last"]),
       st.booleans(), st.booleans(), st.integers(0, 2**16))
def test_ctc_against_every_alignment(steps, batch, classes, blank_label, use_dl, use_ll, seed):
    r = onp.random.RandomState(seed)
    width = r.randint(0, steps + 1)
    blank = 0 if blank_label == "first" else classes - 1
    symbols = [s for s in range(classes) if s != blank]
    logits = r.normal(0, 2, (steps, batch, classes))
    lens = r.randint(0, width + 1, batch)
    dls = r.randint(0, steps + 1, batch) if use_dl else onp.full(batch, steps)
    pad = 0 if blank_label == "first" else -1
    label = onp.full((batch, width), pad, dtype="float64")
    for b in range(batch):
        label[b, :lens[b]] = r.choice(symbols, lens[b])
        if use_ll:   # anything may follow the length
            label[b, lens[b]:] = r.choice(symbols, width - lens[b])
    out = ctc_loss(np.array(logits), np.array(label), np.array(dls) if use_dl else None,
                   np.array(lens) if use_ll else None, use_dl, use_ll, blank_label)
    assert out.shape == (batch,) and out.dtype == onp.float64
    expected = [brute_ctc(logits[:dls[b], b], label[b, :lens[b]].astype(int), blank) for b in range(batch)]
    onp.testing.assert_allclose(out.asnumpy(), expected, rtol=1e-9, atol=1e-9)


def test_ctc_is_exact_for_peaked_scores():
    # Log space all the way: scores 300 apart (probabilities far below float32's range) still
    # give the exact loss, in float32 as in float64.
    logits = onp.random.RandomState(3).normal(0, 100, (5, 1, 3))
    expected = brute_ctc(logits[:, 0], (0, 1), 2)
    for dtype in ("float64", "float32"):
        out = gloss.CTCLoss(layout="TNC")(np.array(logits, dtype=dtype), np.array([[0, 1]]))
        assert out.dtype == dtype and onp.isfinite(out.asnumpy()).all()
        onp.testing.assert_allclose(out.asnumpy(), [expected], rtol=1e-5 if dtype == "float32" else 1e-12)


def test_ctc_gradient_against_finite_differences():
    logits = onp.random.RandomState(5).normal(0, 1, (2, 4, 4))
    label = np.array([[1, 1], [2, -1]])
    check_grad(lambda p: gloss.CTCLoss()(p, label), logits)
    check_grad(lambda p: gloss.CTCLoss()(p, label, np.array([3, 4]), np.array([2, 1])), logits)
    tn = np.array([[1, 2], [1, -1]])
    check_grad(lambda p: gloss.CTCLoss(layout="TNC", label_layout="TN", weight=0.7)(p, tn, None, None,
                                                                                    np.array([2.0, 0.5])),
               logits.transpose(1, 0, 2))


def test_ctc_edge_shapes():
    # No time steps (and so no labels), no batch, a label axis of width 0: defined answers.
    close(gloss.CTCLoss(layout="TNC")(np.zeros((0, 2, 3)), np.zeros((2, 0))), [0.0, 0.0])
    assert gloss.CTCLoss()(np.zeros((0, 4, 3)), np.zeros((0, 2))).shape == (0,)
    # uniform scores over 3 channels, 2 steps, empty labels: only "blank blank" fits
    close(gloss.CTCLoss()(np.zeros((2, 2, 3)), np.zeros((2, 0))), [2 * math.log(3)] * 2)
    # a one-channel alphabet (the blank alone) only takes empty labels: loss 0
    close(gloss.CTCLoss()(np.array(CTC_PRED[:, :, :1]), np.array([[-1, -1], [-1, -1]])), [0.0, 0.0])


def test_ctc_bad_input():
    ctc = gloss.CTCLoss()
    pred = np.array(CTC_PRED)
    # MXNet 1.9.1 answers garbage (or crashes) for most of these; its shape checks say the same.
    raises(ValueError, ctc, pred, np.array([[1, 4, -1], [2, 1, 1]]), contains=("label[0, 1] = 4", "out of range"))
    raises(ValueError, ctc, pred, np.array([[1, 3, -1], [2, 1, 1]]), contains=("label[0, 1] = 3", "blank"))
    raises(ValueError, ctc, pred, np.array([[1, -2, 0], [2, 1, 1]]), contains="-2")
    raises(ValueError, ctc, pred, np.array([[1.5, 0, -1], [2, 1, 1]]), contains=("integers", "1.5"))
    raises(ValueError, ctc, pred, np.array(CTC_LABEL), None, np.array([4, 3]), contains=("label_lengths[0] = 4",))
    raises(ValueError, ctc, pred, np.array(CTC_LABEL), np.array([6, 3]), contains="data_lengths[0] = 6")
    raises(ValueError, ctc, pred, np.array(CTC_LABEL), np.array([-1, 3]), contains="-1")
    raises(ValueError, ctc, pred, np.array(CTC_LABEL), np.array([3.5, 3]), contains="3.5")
    raises(ValueError, ctc, pred, np.array(CTC_LABEL), np.array([5, 5, 5]), contains="(2,)")
    # MXNet: "The max number of labels cannot exceed the maximum sequence length of the data."
    raises(ValueError, ctc, pred[:, :2], np.array(CTC_LABEL), contains=("label length 3", "sequence length 2"))
    raises(ValueError, ctc, pred, np.array([1, 0]), contains="2-d")
    raises(ValueError, ctc, pred, np.array(CTC_LABEL[:1]), contains="batch size 1")
    raises(ValueError, ctc, pred[0], np.array(CTC_LABEL), contains="3-d")
    data = nd.array(CTC_PRED.transpose(1, 0, 2))
    raises(ValueError, nd.CTCLoss, data, nd.array(CTC_LABEL), blank_label="middle", contains="middle")
    raises(ValueError, nd.CTCLoss, data, nd.array(CTC_LABEL), use_data_lengths=True, contains="data_lengths")


# ---- TripletLoss ---------------------------------------------------------------------------------------

# recorded from MXNet 1.9.1: TripletLoss()(A, B, C) and the gradients of A, B, C
TRIPLET = [6.8647, 0.0, 1.696199]
TRIPLET_GRADS = [[[2.44, -0.6, -2.5, 0.3200001], [0.0, 0.0, 0.0, 0.0], [0.8200002, -3.98, -3.14, -1.02]],
                 [[-3.88, 0.46, 3.32, -0.05999994], [0.0, 0.0, 0.0, 0.0], [-2.84, 2.78, -1.12, 5.12]],
                 [[1.44, 0.14, -0.8199999, -0.2600001], [0.0, 0.0, 0.0, 0.0], [2.02, 1.2, 4.26, -4.1]]]


@pytest.mark.parametrize("make", [np.array, nd.array])
def test_triplet_matches_mxnet(make):
    if make is nd.array:
        npx.reset_np()
    out, grads = recorded(lambda p, q, n: gloss.TripletLoss()(p, q, n), A, B, C, make=make)
    assert isinstance(out, type(make([1.0]))) and out.shape == (3,)
    close(out, TRIPLET)
    for g, want in zip(grads, TRIPLET_GRADS):
        close(g, want)
    a, b, c = (make(v) for v in (A, B, C))
    # recorded from MXNet 1.9.1
    close(gloss.TripletLoss(margin=0.5, weight=2.0)(a, b, c), [12.7294, 0.0, 2.392399])
    close(gloss.TripletLoss(margin=3)(a.reshape((3, 2, 2)), b, c.reshape((12,))), [8.8647, 0.0, 3.696199])
    close(gloss.TripletLoss(batch_axis=1)(a, b, c), [5.0235, 0.0, 0.0, 5.0011])
    # As in MXNet, no sample_weight argument.
    raises(TypeError, gloss.TripletLoss(), a, b, c, make([1.0, 2.0, 3.0]))


def test_triplet_reference_and_gradient():
    r = onp.random.RandomState(1)
    p, q, n = (r.normal(0, 1, (4, 2, 3)) for _ in range(3))
    expected = onp.maximum(((q - p) ** 2 - (n - p) ** 2).sum(axis=(1, 2)) + 0.3, 0)
    close(gloss.TripletLoss(margin=0.3)(np.array(p), np.array(q), np.array(n)), expected, rtol=1e-12)
    check_grad(lambda x, y, z: gloss.TripletLoss(margin=5.0, weight=0.5)(x, y, z), p, q, n)


# ---- PoissonNLLLoss --------------------------------------------------------------------------------------

# recorded from MXNet 1.9.1: PoissonNLLLoss()(A, COUNTS) and the gradient of A
POISSON_GRAD = [[0.4210909, -0.03805409, -0.1176163, -0.221416], [-0.1344241, 0.008354904, 0.3914453, -0.1276945],
                [0.03142732, -0.01843327, -0.05783671, 0.01062117]]
# ... PoissonNLLLoss(from_logits=False)(abs(A) + 0.1, COUNTS)
POISSON_RATE_GRAD = [[0.08333334, -0.03403755, -0.1812169, -0.1303419],
                     [-0.2603092, 0.08333334, 0.03804348, -0.1104651],
                     [-0.1150794, -0.1547619, -0.1837607, 0.08333334]]


def test_poisson_matches_mxnet():
    out, (g,) = recorded(lambda p: gloss.PoissonNLLLoss()(p, np.array(COUNTS)), A, make=np.array)
    assert out.shape == ()   # numpy mode: the mean over everything is 0-d
    close(out, 1.298298)
    close(g, POISSON_GRAD)
    rate = onp.abs(onp.array(A)) + 0.1
    out, (g,) = recorded(lambda p: gloss.PoissonNLLLoss(from_logits=False)(p, np.array(COUNTS)), rate, make=np.array)
    close(out, 1.257763)
    close(g, POISSON_RATE_GRAD)
    a, counts = np.array(A), np.array(COUNTS)
    # recorded from MXNet 1.9.1; epsilon is an argument of the call
    close(gloss.PoissonNLLLoss(from_logits=False)(np.abs(a), counts, None, 0.5), 0.5555636)
    close(gloss.PoissonNLLLoss(compute_full=True)(a, counts + 0.5), 2.636368)
    close(gloss.PoissonNLLLoss(compute_full=True)(a, counts + 1), 3.148204)
    close(gloss.PoissonNLLLoss(weight=2.0)(a, counts, np.array([[1.0], [2.0], [3.0]])), 3.16174)
    # the target is reshaped like pred; batch_axis changes nothing (MXNet: the same 1.298298)
    close(gloss.PoissonNLLLoss(batch_axis=1)(a, counts.reshape(12)), 1.298298)


def test_poisson_legacy_mode_answers_shape_1():
    npx.reset_np()
    out = gloss.PoissonNLLLoss()(nd.array(A), nd.array(COUNTS))
    assert type(out) is nd.NDArray and out.shape == (1,)   # recorded from MXNet 1.9.1: (1,)
    close(out, [1.298298])


def test_poisson_compute_full_with_zero_counts():
    # MXNet 1.9.1 answers NaN here (0 * log 0 leaks through its mask); deepblocks follows the
    # formula: the Stirling term only for targets above 1.
    a = onp.array(A)
    counts = onp.array(COUNTS, dtype="float64")
    t = onp.where(counts > 1, counts, 2.0)
    stirling = onp.where(counts > 1, t * onp.log(t) - t + 0.5 * onp.log(2 * onp.pi * t), 0.0)
    expected = (onp.exp(a) - counts * a + stirling).mean()
    x = np.array(a, dtype="float64")
    x.attach_grad()
    with autograd.record():
        out = gloss.PoissonNLLLoss(compute_full=True)(x, np.array(counts))
    out.backward()
    close(out, expected, rtol=1e-12)
    onp.testing.assert_allclose(x.grad.asnumpy(), (onp.exp(a) - counts) / a.size, rtol=1e-12)


def test_poisson_gradient_against_finite_differences():
    r = onp.random.RandomState(2)
    counts = np.array(r.poisson(2.0, (3, 4)).astype("float64"))
    check_grad(lambda p: gloss.PoissonNLLLoss(weight=1.5)(p, counts), r.normal(0, 1, (3, 4)))
    check_grad(lambda p: gloss.PoissonNLLLoss(from_logits=False, compute_full=True)(p, counts),
               r.uniform(0.5, 3.0, (3, 4)))


# ---- CosineEmbeddingLoss -------------------------------------------------------------------------------

# recorded from MXNet 1.9.1: CosineEmbeddingLoss()(A, B, [1, -1, -1]) and the gradients of A, B
COS = [[0.9161624], [0.453416], [0.0]]
COS_GRADS = [[[0.1227463, 0.09772657, -0.3350443, 0.2960834], [-0.09208886, -0.1570934, -0.06968633, 0.2104517],
              [0.0, 0.0, 0.0, 0.0]],
             [[-0.4757382, 0.1637868, 0.1870871, 0.2740052], [0.3296627, -0.3433675, 0.5083588, -0.4594053],
              [0.0, 0.0, 0.0, 0.0]]]


@pytest.mark.parametrize("make", [np.array, nd.array])
def test_cosine_embedding_matches_mxnet(make):
    if make is nd.array:
        npx.reset_np()
    label = make([1, -1, -1])
    out, grads = recorded(lambda x, y: gloss.CosineEmbeddingLoss()(x, y, label), A, B, make=make)
    assert isinstance(out, type(make([1.0]))) and out.shape == (3, 1)
    close(out, COS)
    for g, want in zip(grads, COS_GRADS):
        close(g, want)
    a, b = make(A), make(B)
    # recorded from MXNet 1.9.1
    close(gloss.CosineEmbeddingLoss(margin=0.2)(a, b, label), [[0.9161624], [0.253416], [0.0]])
    close(gloss.CosineEmbeddingLoss(weight=3.0)(a, b, label, make([[1.0], [2.0], [3.0]])),
          [[2.748487], [2.720496], [0.0]])
    # a 1-d sample_weight broadcasts against the (3, 1) column, as in MXNet
    close(gloss.CosineEmbeddingLoss()(a, b, label, make([1.0, 2.0, 3.0])),
          [[0.9161624, 1.832325, 2.748487], [0.453416, 0.906832, 1.360248], [0.0, 0.0, 0.0]])
    close(gloss.CosineEmbeddingLoss()(a, b, make([0, 1, 2])), [[0.0], [0.546584], [0.0]])
    close(gloss.CosineEmbeddingLoss()(make(onp.zeros((2, 4))), b[:2], make([1, -1])), [[1.0], [0.0]])
    close(gloss.CosineEmbeddingLoss()(a.reshape((3, 2, 2)), b.reshape((3, 2, 2)), make([1, -1, 1, 1, -1, -1])),
          [[1.33327], [0.3070044], [0.1487626], [1.336268], [0.0], [0.1092493]])
    close(gloss.CosineEmbeddingLoss()(a.reshape((12,)), b, label), COS)


def test_cosine_embedding_reference_and_gradient():
    r = onp.random.RandomState(4)
    x, y = r.normal(0, 1, (5, 3)), r.normal(0, 1, (5, 3))
    label = onp.array([1, -1, 1, -1, -1])
    cos = (x * y).sum(1) / (onp.linalg.norm(x, axis=1) * onp.linalg.norm(y, axis=1))
    expected = onp.where(label == 1, 1 - cos, onp.maximum(cos - 0.1, 0))[:, None]
    close(gloss.CosineEmbeddingLoss(margin=0.1)(np.array(x), np.array(y), np.array(label)), expected, rtol=1e-12)
    # margin -2: every -1 pair is past the hinge, so the loss is smooth everywhere
    check_grad(lambda u, v: gloss.CosineEmbeddingLoss(margin=-2.0)(u, v, np.array(label)), x, y)


# ---- SDMLLoss ----------------------------------------------------------------------------------------

# recorded from MXNet 1.9.1: SDMLLoss()(A, B) and the gradients of A, B
SDML = [1.228807, 2.684944, 6.957551]
SDML_GRADS = [[[0.3573755, -0.8674763, -0.828716, 0.9038865], [0.05409902, 0.1436642, 1.376248, -2.494831],
               [1.046949, -1.978022, 0.6483402, -2.742767]],
              [[1.855624, -2.537295, 2.344756, -1.137241], [0.08015592, 1.73674, -2.933448, 1.038713],
               [-3.394204, 3.50239, -0.6071799, 4.43224]]]


@pytest.mark.parametrize("make", [np.array, nd.array])
def test_sdml_matches_mxnet(make):
    if make is nd.array:
        npx.reset_np()
    out, grads = recorded(lambda x, y: gloss.SDMLLoss()(x, y), A, B, make=make)
    assert isinstance(out, type(make([1.0]))) and out.shape == (3,)
    close(out, SDML)
    for g, want in zip(grads, SDML_GRADS):
        close(g, want, atol=1e-5)   # float32 differences of squared distances
    # recorded from MXNet 1.9.1: weight=5 is not applied (the same as weight=1)
    close(gloss.SDMLLoss(smoothing_parameter=0.1, weight=5.0)(make(A), make(B)), [0.8383076, 2.306285, 8.437101])


def test_sdml_reference_gradient_and_bad_input():
    r = onp.random.RandomState(6)
    x, y = r.normal(0, 1, (4, 3)), r.normal(0, 1, (4, 3))
    d = ((x[:, None, :] - y[None, :, :]) ** 2).sum(-1)
    logp = -d - onp.log(onp.exp(-d).sum(1, keepdims=True))
    labels = onp.where(onp.eye(4) > 0, 0.8, 0.2 / 3)
    expected = (labels * (onp.log(labels + 1e-12) - logp)).sum(1)
    close(gloss.SDMLLoss(smoothing_parameter=0.2)(np.array(x), np.array(y)), expected, rtol=1e-12)
    check_grad(lambda u, v: gloss.SDMLLoss()(u, v), x, y)
    sdml = gloss.SDMLLoss()
    raises(ValueError, sdml, np.ones((1, 3)), np.ones((1, 3)), contains="at least 2")   # MXNet: NaN
    raises(ValueError, sdml, np.ones((3, 2, 2)), np.ones((3, 2, 2)), contains="(3, 2, 2)")
    raises(ValueError, sdml, np.ones((3, 4)), np.ones((2, 4)), contains=("(3, 4)", "(2, 4)"))


# ---- SoftmaxCrossEntropyLoss: beginner errors ------------------------------------------------------------

# recorded from MXNet 1.9.1: SoftmaxCrossEntropyLoss()(A, label) for label [0, 3, 1]; MXNet also
# answers for [0, 4, 1] (4 clipped to 3: the same values), [0, -1, 1] and [0, nan, 1] (both read
# class 0: 1.287809 in the middle) and [0, 1.5, 1] (truncated to class 1: 4.457809).
CE = [0.2561118, 2.917809, 2.135451]


@pytest.mark.parametrize("make", [np.array, nd.array])
def test_softmax_ce_integral_labels_keep_working(make):
    if make is nd.array:
        npx.reset_np()
    ce = gloss.SoftmaxCrossEntropyLoss()
    a = make(A)
    for label in ([0, 3, 1], [0.0, 3.0, 1.0], [[0], [3], [1]]):
        close(ce(a, make(label)), CE)
    close(ce(a, make(onp.array([0, 3, 1], dtype="int32"))), CE)
    close(ce(a, make(onp.array([0, 3, 1], dtype="int64"))), CE)
    close(gloss.SoftmaxCrossEntropyLoss(sparse_label=False)(a, make(onp.eye(4)[[0, 3, 1]])), CE)


@pytest.mark.parametrize("make", [np.array, nd.array])
@pytest.mark.parametrize("label, shown", [([0, 4, 1], "label 4 at index (1,)"), ([0, 7, 1], "label 7 at index (1,)"),
                                          ([0, -1, 1], "label -1 at index (1,)"),
                                          ([0, 1.5, 1], "label 1.5 at index (1,)"),
                                          ([0, onp.nan, 1], "label nan at index (1,)")])
def test_softmax_ce_rejects_bad_class_indices(make, label, shown):
    if make is nd.array:
        npx.reset_np()
    raises(ValueError, gloss.SoftmaxCrossEntropyLoss(), make(A), make(label),
           contains=(shown, "4 classes", "integers 0..3"))


def test_softmax_ce_rejects_bad_indices_along_other_axes():
    ce0 = gloss.SoftmaxCrossEntropyLoss(axis=0)            # 3 classes down the columns
    close(ce0(np.array(A), np.array([0, 2, 1, 2])), [0.9438178])   # recorded from MXNet 1.9.1
    raises(ValueError, ce0, np.array(A), np.array([0, 3, 1, 2]), contains=("label 3 at index (1,)", "3 classes"))
    ce = gloss.SoftmaxCrossEntropyLoss()
    pred = np.zeros((2, 3, 4))
    assert ce(pred, np.array([[0, 1, 2], [3, 3, 0]])).shape == (2,)
    raises(ValueError, ce, pred, np.array([[0, 1, 2], [3, 4, 0]]), contains="label 4 at index (1, 1)")
    # an empty batch has nothing to check
    assert ce(np.zeros((0, 4)), np.zeros((0,))).shape == (0,)


@pytest.mark.parametrize("make", [np.array, nd.array])
def test_softmax_ce_one_hot_labels_get_a_hint(make):
    # MXNet 1.9.1: MXNetError "Shape inconsistent, Provided = [3,4], inferred shape=[3,1]"
    if make is nd.array:
        npx.reset_np()
    e = raises(ValueError, gloss.SoftmaxCrossEntropyLoss(), make(A), make(onp.eye(4)[[0, 3, 1]]),
               contains=("(3, 4)", "sparse_label=False", "(3,)"))
    assert "one-hot" in str(e)
    raises(ValueError, gloss.SoftmaxCrossEntropyLoss(), make(onp.zeros((2, 3, 4))), make(onp.zeros((2, 3, 4))),
           contains="sparse_label=False")


def test_softmax_ce_other_label_shapes_are_named():
    # MXNet 1.9.1: "Shape inconsistent, Provided = [2], inferred shape=[3]"
    raises(ValueError, gloss.SoftmaxCrossEntropyLoss(), np.array(A), np.array([0, 1]), contains=("(2,)", "(3,)"))


def test_softmax_ce_check_is_one_reduction_and_not_recorded():
    # The label check must not disturb the graph: the gradient is the usual softmax - onehot.
    x = np.array(A)
    x.attach_grad()
    with autograd.record():
        out = gloss.SoftmaxCrossEntropyLoss()(x, np.array([0.0, 3.0, 1.0]))
    out.backward()
    p = onp.exp(onp.array(A)) / onp.exp(onp.array(A)).sum(1, keepdims=True)
    p[[0, 1, 2], [0, 3, 1]] -= 1
    onp.testing.assert_allclose(x.grad.asnumpy(), p, rtol=1e-5, atol=1e-6)

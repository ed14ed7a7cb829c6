"""gluon.loss against NumPy references (which were checked against MXNet 1.9.1's legacy-mode
values), with ``weight``, ``sample_weight`` and ``batch_axis``; gradients with respect to the
prediction against central finite differences in float64; reprs; numpy and legacy modes.
"""

import numpy as onp
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import raises
from deepblocks import autograd, nd, np, npx
from deepblocks.gluon import loss as gloss


pytestmark = pytest.mark.usefixtures("gluon_state")


def rs(seed=0):
    return onp.random.RandomState(seed)


# ---- NumPy references -----------------------------------------------------------------------------


def log_softmax(x, axis):
    m = x.max(axis=axis, keepdims=True)
    return x - m - onp.log(onp.exp(x - m).sum(axis=axis, keepdims=True))


def softplus(x):
    return onp.log1p(onp.exp(-onp.abs(x))) + onp.maximum(x, 0)


def per_example(loss, batch_axis, reduce=onp.mean):
    if loss.ndim <= 1:
        return loss
    b = batch_axis % loss.ndim
    return reduce(loss, axis=tuple(a for a in range(loss.ndim) if a != b))


def weighted(loss, weight, sample_weight):
    if sample_weight is not None:
        loss = loss * sample_weight
    if weight is not None:
        loss = loss * weight
    return loss


def ref_l2(pred, label, weight=1.0, sw=None, batch_axis=0):
    return per_example(weighted((label.reshape(pred.shape) - pred) ** 2, weight / 2, sw), batch_axis)


def ref_l1(pred, label, weight=None, sw=None, batch_axis=0):
    return per_example(weighted(onp.abs(label.reshape(pred.shape) - pred), weight, sw), batch_axis)


def ref_ce(pred, label, axis=-1, sparse_label=True, from_logits=False, weight=None, sw=None, batch_axis=0):
    logp = pred if from_logits else log_softmax(pred, axis)
    if sparse_label:
        idx = onp.expand_dims(label.astype("int64"), axis=axis % pred.ndim) if label.ndim < pred.ndim else \
            label.astype("int64")
        loss = -onp.take_along_axis(logp, idx, axis=axis)
    else:
        loss = -(logp * label).sum(axis=axis, keepdims=True)
    return per_example(weighted(loss, weight, sw), batch_axis)


def ref_bce(pred, label, from_sigmoid=False, pos_weight=None, weight=None, sw=None, batch_axis=0):
    if from_sigmoid:
        pw = 1.0 if pos_weight is None else pos_weight
        loss = -(onp.log(pred + 1e-12) * label * pw + onp.log(1 - pred + 1e-12) * (1 - label))
    else:
        # -[pw * z * log(sigmoid(x)) + (1 - z) * log(1 - sigmoid(x))]
        pw = 1.0 if pos_weight is None else pos_weight
        loss = pw * label * softplus(-pred) + (1 - label) * softplus(pred)
    return per_example(weighted(loss, weight, sw), batch_axis)


def ref_huber(pred, label, rho=1.0, weight=None, sw=None, batch_axis=0):
    d = onp.abs(label - pred)
    loss = onp.where(d > rho, d - 0.5 * rho, 0.5 / rho * d ** 2)
    return per_example(weighted(loss, weight, sw), batch_axis)


def ref_hinge(pred, label, margin=1.0, weight=None, sw=None, batch_axis=0, squared=False):
    loss = onp.maximum(margin - pred * label, 0)
    return per_example(weighted(loss ** 2 if squared else loss, weight, sw), batch_axis)


def ref_logistic(pred, label, label_format="signed", weight=None, sw=None, batch_axis=0):
    if label_format == "binary":
        label = 2 * label - 1
    return per_example(weighted(softplus(-pred * label), weight, sw), batch_axis)


def ref_kl(pred, label, from_logits=True, axis=-1, weight=None, sw=None, batch_axis=0):
    logp = pred if from_logits else log_softmax(pred, axis)
    loss = label * (onp.log(label + 1e-12) - logp)
    return per_example(weighted(loss, weight, sw), batch_axis, onp.sum)     # MXNet sums here


# ---- cases --------------------------------------------------------------------------------------------


def _data(kind, shape, seed):
    r = rs(seed)
    if kind == "real":
        return r.uniform(-2, 2, shape)
    if kind == "prob":
        return r.uniform(0.05, 0.95, shape)
    if kind == "binary":
        return r.randint(0, 2, shape).astype("float64")
    if kind == "signed":
        return r.randint(0, 2, shape) * 2.0 - 1
    if kind == "dist":
        d = r.uniform(0.1, 1.0, shape)
        return d / d.sum(axis=-1, keepdims=True)
    raise ValueError(kind)


# name -> (make loss, reference, pred kind, label kind)
CASES = {
    "l2": (lambda **k: gloss.L2Loss(**k), ref_l2, "real", "real"),
    "l1": (lambda **k: gloss.L1Loss(**k), ref_l1, "real", "real"),
    "huber": (lambda **k: gloss.HuberLoss(rho=0.8, **k), lambda *a, **k: ref_huber(*a, rho=0.8, **k), "real", "real"),
    "hinge": (lambda **k: gloss.HingeLoss(margin=1.5, **k), lambda *a, **k: ref_hinge(*a, margin=1.5, **k),
              "real", "signed"),
    "squared_hinge": (lambda **k: gloss.SquaredHingeLoss(**k), lambda *a, **k: ref_hinge(*a, squared=True, **k),
                      "real", "signed"),
    "logistic": (lambda **k: gloss.LogisticLoss(**k), ref_logistic, "real", "signed"),
    "logistic_binary": (lambda **k: gloss.LogisticLoss(label_format="binary", **k),
                        lambda *a, **k: ref_logistic(*a, label_format="binary", **k), "real", "binary"),
    "bce": (lambda **k: gloss.SigmoidBinaryCrossEntropyLoss(**k), ref_bce, "real", "binary"),
    "bce_from_sigmoid": (lambda **k: gloss.SigmoidBinaryCrossEntropyLoss(from_sigmoid=True, **k),
                         lambda *a, **k: ref_bce(*a, from_sigmoid=True, **k), "prob", "binary"),
    "ce_dense": (lambda **k: gloss.SoftmaxCrossEntropyLoss(sparse_label=False, **k),
                 lambda *a, **k: ref_ce(*a, sparse_label=False, **k), "real", "dist"),
    "kl": (lambda **k: gloss.KLDivLoss(**k), ref_kl, "real", "dist"),
    "kl_from_scores": (lambda **k: gloss.KLDivLoss(from_logits=False, **k),
                       lambda *a, **k: ref_kl(*a, from_logits=False, **k), "real", "dist"),
}


def _call(loss, pred, label, sw=None, **extra):
    args = [np.array(pred), np.array(label)]
    if sw is not None or extra:
        args.append(None if sw is None else np.array(sw))
    if extra:
        args.extend(np.array(v) for v in extra.values())
    return loss(*args)


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("weight, use_sw", [(None, False), (0.7, True)])
def test_loss_against_numpy(name, weight, use_sw):
    make, ref, pk, lk = CASES[name]
    pred, label = _data(pk, (4, 3), 1), _data(lk, (4, 3), 2)
    sw = rs(3).uniform(0, 1, (4, 1)) if use_sw else None
    kwargs = {} if weight is None else {"weight": weight}
    loss = make(**kwargs)
    out = _call(loss, pred, label, sw)
    w = weight if weight is not None else (1.0 if name == "l2" else None)
    expected = ref(pred, label, weight=w, sw=sw)
    assert out.shape == (4,) and out.dtype == onp.float64
    onp.testing.assert_allclose(out.asnumpy(), expected, rtol=1e-10, atol=1e-12)
    f32 = _call(loss, pred.astype("float32"), label.astype("float32"),
                None if sw is None else sw.astype("float32"))
    assert f32.dtype == onp.float32
    onp.testing.assert_allclose(f32.asnumpy(), expected, rtol=2e-5, atol=1e-6)


@pytest.mark.parametrize("name", sorted(CASES))
def test_loss_batch_axis(name):
    make, ref, pk, lk = CASES[name]
    pred, label = _data(pk, (3, 5, 2), 4), _data(lk, (3, 5, 2), 5)
    out = _call(make(batch_axis=1), pred, label)
    assert out.shape == (5,)
    onp.testing.assert_allclose(out.asnumpy(), ref(pred, label, batch_axis=1, weight=1.0 if name == "l2" else None),
                                rtol=1e-10, atol=1e-12)


def _fd_pred_grad(loss, pred, label, extra=(), eps=1e-6):
    P = np.array(pred)
    P.attach_grad()
    R = rs(11).uniform(0.5, 1.5, pred.shape[:1])
    with autograd.record():
        out = (loss(P, np.array(label), *extra) * np.array(R)).sum()
    out.backward()

    def f(p):
        return float((loss(np.array(p), np.array(label), *extra) * np.array(R)).sum())

    numeric = onp.zeros_like(pred)
    for idx in onp.ndindex(*pred.shape):
        up, down = pred.copy(), pred.copy()
        up[idx] += eps
        down[idx] -= eps
        numeric[idx] = (f(up) - f(down)) / (2 * eps)
    onp.testing.assert_allclose(P.grad.asnumpy(), numeric, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("name", sorted(CASES))
def test_loss_gradient_against_finite_differences(name):
    make, _, pk, lk = CASES[name]
    pred, label = _data(pk, (3, 4), 6), _data(lk, (3, 4), 7)
    if name in ("l1", "huber", "hinge", "squared_hinge"):
        # keep away from the kinks (|d| = 0, |d| = rho, margin = pred * label)
        pred = pred + onp.where(onp.abs(pred - label) < 0.05, 0.2, 0.0)
        if "hinge" in name:
            pred = onp.where(onp.abs(1.5 - pred * label) < 0.05, pred + 0.2, pred)
            pred = onp.where(onp.abs(1.0 - pred * label) < 0.05, pred + 0.2, pred)
        if name == "huber":
            pred = onp.where(onp.abs(onp.abs(pred - label) - 0.8) < 0.05, pred + 0.2, pred)
    _fd_pred_grad(make(weight=0.9), pred, label)


# ---- softmax cross-entropy ------------------------------------------------------------------------------


def test_softmax_ce_sparse_labels():
    pred = _data("real", (5, 4), 1)
    label = onp.array([0, 3, 1, 2, 3], dtype="float64")
    ce = gloss.SoftmaxCrossEntropyLoss()
    onp.testing.assert_allclose(ce(np.array(pred), np.array(label)).asnumpy(), ref_ce(pred, label), rtol=1e-12)
    # A (batch, 1) label column is the same.
    onp.testing.assert_allclose(ce(np.array(pred), np.array(label[:, None])).asnumpy(), ref_ce(pred, label),
                                rtol=1e-12)
    # int labels too.
    onp.testing.assert_allclose(ce(np.array(pred), np.array(label.astype("int32"))).asnumpy(), ref_ce(pred, label),
                                rtol=1e-12)
    _fd_pred_grad(ce, pred, label)
    assert gloss.SoftmaxCELoss is gloss.SoftmaxCrossEntropyLoss


def test_softmax_ce_from_logits_axis_weights():
    pred = log_softmax(_data("real", (4, 3, 5), 2), axis=1)
    label = rs(3).randint(0, 3, (4, 5)).astype("float64")
    sw = rs(4).uniform(0, 1, (4, 1, 1))
    ce = gloss.SoftmaxCrossEntropyLoss(axis=1, from_logits=True, weight=0.5)
    out = ce(np.array(pred), np.array(label), np.array(sw))
    expected = ref_ce(pred, label, axis=1, from_logits=True, weight=0.5, sw=sw)
    assert out.shape == (4,)
    onp.testing.assert_allclose(out.asnumpy(), expected, rtol=1e-12)
    plain = gloss.SoftmaxCrossEntropyLoss(axis=1)
    onp.testing.assert_allclose(plain(np.array(pred * 3), np.array(label)).asnumpy(),
                                ref_ce(pred * 3, label, axis=1), rtol=1e-12)
    _fd_pred_grad(plain, pred, label)


def test_softmax_ce_matches_mxnet_value():
    # The module docstring's example and MXNet 1.9.1: log(2) for two equal logits.
    out = gloss.SoftmaxCrossEntropyLoss()(np.array([[0.0, 0.0]]), np.array([1]))
    onp.testing.assert_allclose(out.asnumpy(), [onp.log(2)], rtol=1e-6)


def test_softmax_ce_is_stable_for_large_logits():
    out = gloss.SoftmaxCrossEntropyLoss()(np.array([[1000.0, 0.0], [-1000.0, 0.0]]), np.array([1, 1]))
    onp.testing.assert_allclose(out.asnumpy(), [1000.0, 0.0], atol=1e-6)


# ---- sigmoid binary cross-entropy ----------------------------------------------------------------------


@pytest.mark.parametrize("from_sigmoid", [False, True])
def test_sigmoid_bce_pos_weight(from_sigmoid):
    pred = _data("prob" if from_sigmoid else "real", (4, 3), 1)
    label = _data("binary", (4, 3), 2)
    pos_weight = rs(3).uniform(0.5, 2.0, (3,))
    bce = gloss.SigmoidBinaryCrossEntropyLoss(from_sigmoid=from_sigmoid)
    out = bce(np.array(pred), np.array(label), None, np.array(pos_weight))
    onp.testing.assert_allclose(out.asnumpy(), ref_bce(pred, label, from_sigmoid, pos_weight), rtol=1e-10)
    _fd_pred_grad(bce, pred, label, extra=(None, np.array(pos_weight)))
    assert gloss.SigmoidBCELoss is gloss.SigmoidBinaryCrossEntropyLoss


def test_sigmoid_bce_is_stable_for_large_logits():
    out = gloss.SigmoidBinaryCrossEntropyLoss()(np.array([[500.0, -500.0]]), np.array([[0.0, 1.0]]))
    onp.testing.assert_allclose(out.asnumpy(), [500.0], rtol=1e-6)


# ---- shapes, reprs, modes ------------------------------------------------------------------------------


def test_label_is_reshaped_like_pred():
    pred = _data("real", (4, 1), 1)
    label = _data("real", (4,), 2)
    out = gloss.L2Loss()(np.array(pred), np.array(label))
    onp.testing.assert_allclose(out.asnumpy(), 0.5 * (pred[:, 0] - label) ** 2, rtol=1e-12)
    raises(ValueError, gloss.L2Loss(), np.ones((4, 2)), np.ones((3,)), contains="(4, 2)")


def test_l2_loss_docstring_values():
    out = gloss.L2Loss()(np.array([[1.0], [2.0]]), np.array([0.0, 0.0]))
    onp.testing.assert_allclose(out.asnumpy(), [0.5, 2.0])


def test_loss_reprs_match_mxnet():
    assert repr(gloss.SoftmaxCrossEntropyLoss()) == "SoftmaxCrossEntropyLoss(batch_axis=0, w=None)"
    assert repr(gloss.L2Loss()) == "L2Loss(batch_axis=0, w=1.0)"
    assert repr(gloss.L1Loss()) == "L1Loss(batch_axis=0, w=None)"
    assert repr(gloss.HuberLoss()) == "HuberLoss(batch_axis=0, w=None)"
    assert repr(gloss.KLDivLoss()) == "KLDivLoss(batch_axis=0, w=None)"
    assert repr(gloss.SigmoidBinaryCrossEntropyLoss()) == "SigmoidBinaryCrossEntropyLoss(batch_axis=0, w=None)"
    assert repr(gloss.HingeLoss()) == "HingeLoss(batch_axis=0, w=None)"
    assert repr(gloss.LogisticLoss()) == "LogisticLoss(batch_axis=0, w=None)"
    assert repr(gloss.L2Loss(weight=2.0, batch_axis=1)) == "L2Loss(batch_axis=1, w=2.0)"


def test_bad_arguments():
    raises(TypeError, gloss.L1Loss(weight="heavy"), np.ones((2, 2)), np.ones((2, 2)))
    raises(ValueError, gloss.LogisticLoss, label_format="maybe", contains="signed or binary")


@pytest.mark.parametrize("name", sorted(CASES))
def test_losses_in_legacy_mode(name):
    npx.reset_np()
    make, ref, pk, lk = CASES[name]
    pred, label = _data(pk, (4, 3), 1), _data(lk, (4, 3), 2)
    out = make()(nd.array(pred, dtype="float64"), nd.array(label, dtype="float64"))
    assert type(out) is nd.NDArray and out.shape == (4,)
    onp.testing.assert_allclose(out.asnumpy(), ref(pred, label, weight=1.0 if name == "l2" else None), rtol=1e-10,
                                atol=1e-12)


def test_softmax_ce_in_legacy_mode():
    npx.reset_np()
    pred = _data("real", (3, 4), 1)
    label = onp.array([1.0, 0.0, 3.0])
    x = nd.array(pred, dtype="float64")
    x.attach_grad()
    with autograd.record():
        out = gloss.SoftmaxCrossEntropyLoss()(x, nd.array(label))
    out.backward()
    assert type(out) is nd.NDArray
    onp.testing.assert_allclose(out.asnumpy(), ref_ce(pred, label), rtol=1e-12)
    p = onp.exp(log_softmax(pred, -1))
    p[onp.arange(3), label.astype(int)] -= 1
    onp.testing.assert_allclose(x.grad.asnumpy(), p, rtol=1e-10)


@settings(max_examples=20, deadline=None)
@given(st.integers(1, 5), st.integers(2, 5), st.integers(0, 2 ** 16))
def test_softmax_ce_hypothesis(batch, classes, seed):
    pred = rs(seed).normal(0, 3, (batch, classes))
    label = rs(seed + 1).randint(0, classes, batch).astype("float64")
    out = gloss.SoftmaxCrossEntropyLoss()(np.array(pred), np.array(label))
    onp.testing.assert_allclose(out.asnumpy(), ref_ce(pred, label), rtol=1e-10, atol=1e-12)

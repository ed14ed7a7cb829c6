"""deepblocks.metric (= gluon.metric): every metric's local and global values over a sequence of
updates, resets and list-of-batch calls, recorded from MXNet 1.9.1; names, configs, the
registry and its aliases, composite and custom metrics; reference formulas under hypothesis;
and bad input."""

import math
import warnings
from collections import OrderedDict

import numpy as onp
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from conftest import raises
import deepblocks as mx
from deepblocks import gluon, nd
from deepblocks import np as dnp
from deepblocks.gluon import metric
from deepblocks.gluon.metric import (MAE, MCC, MSE, PCC, RMSE, Accuracy, CompositeEvalMetric, CrossEntropy,
                                     CustomMetric, EvalMetric, F1, Loss, NegativeLogLikelihood,
                                     PearsonCorrelation, Perplexity, TopKAccuracy)

nan = float("nan")


def A(x):
    return nd.array(onp.array(x, dtype="float32"))


# The inputs of the recordings: binary (B), three-class (C) and regression (R) batches.
B1 = (A([0, 1, 1]), A([[0.3, 0.7], [0, 1.0], [0.4, 0.6]]))
B2 = (A([0, 1, 1, 0]), A([[0.8, 0.2], [0.6, 0.4], [0.1, 0.9], [0.45, 0.55]]))
C1 = (A([2, 0, 1, 1]), A([[0.1, 0.2, 0.7], [0.5, 0.3, 0.2], [0.3, 0.4, 0.3], [0.6, 0.1, 0.3]]))
C2 = (A([0, 2]), A([[0.2, 0.5, 0.3], [0.1, 0.1, 0.8]]))
R1 = (A([2.5, 0.0, 2, 8]), A([3, -0.5, 2, 7]))
R2 = (A([[1.0, 2.0], [3.0, -1.0]]), A([[1.5, 2.0], [2.0, 0.0]]))


def same(a, b):
    if isinstance(a, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, float) and math.isnan(a):
        return isinstance(b, float) and math.isnan(b)
    return a == b


def state(m):
    return (m.get()[1], m.get_global()[1], m.num_inst, m.global_num_inst)


def walk(m, first, second):
    """The states after: an update, reset_local, a second update, reset, one update with both
    batches in lists."""
    out = []
    m.update([first[0]], [first[1]])
    out.append(state(m))
    m.reset_local()
    out.append(state(m))
    m.update([second[0]], [second[1]])
    out.append(state(m))
    m.reset()
    out.append(state(m))
    m.update([first[0], second[0]], [first[1], second[1]])
    out.append(state(m))
    return out


# recorded from MXNet 1.9.1: (local, global, num_inst, global_num_inst) after each step of walk()
RECORDED = [
    (lambda: Accuracy(), (B1, B2), [(0.6666666666666666, 0.6666666666666666, 3, 3), (nan, 0.6666666666666666, 0, 3), (0.5, 0.5714285714285714, 4, 7), (nan, nan, 0, 0), (0.5714285714285714, 0.5714285714285714, 7, 7)]),
    (lambda: Accuracy(), (C1, C2), [(0.75, 0.75, 4, 4), (nan, 0.75, 0, 4), (0.5, 0.6666666666666666, 2, 6), (nan, nan, 0, 0), (0.6666666666666666, 0.6666666666666666, 6, 6)]),
    (lambda: TopKAccuracy(top_k=2), (C1, C2), [(0.75, 0.75, 4, 4), (nan, 0.75, 0, 4), (0.5, 0.6666666666666666, 2, 6), (nan, nan, 0, 0), (0.6666666666666666, 0.6666666666666666, 6, 6)]),
    (lambda: TopKAccuracy(top_k=3), (C1, C2), [(1.0, 1.0, 4, 4), (nan, 1.0, 0, 4), (1.0, 1.0, 2, 6), (nan, nan, 0, 0), (1.0, 1.0, 6, 6)]),
    (lambda: F1(), (B1, B2), [(0.8, 0.8, 1, 1), (nan, 0.8, 0, 1), (0.5, 0.65, 1, 2), (nan, nan, 0, 0), (0.6666666666666665, 0.6666666666666665, 1, 1)]),
    (lambda: F1(average="micro"), (B1, B2), [(0.8000000000000002, 0.8000000000000002, 3, 3), (nan, 0.8000000000000002, 0, 3), (0.5, 0.6666666666666666, 4, 7), (nan, nan, 0, 0), (0.6666666666666666, 0.6666666666666666, 7, 7)]),
    (lambda: MCC(), (B1, B2), [(0.0, 0.0, 1, 1), (nan, 0.0, 0, 1), (0.0, 0.0, 1, 2), (nan, nan, 0, 0), (0.09128709291752768, 0.09128709291752768, 1, 1)]),
    (lambda: MCC(average="micro"), (B1, B2), [(0.0, 0.0, 3, 3), (nan, 0.0, 0, 3), (0.0, 0.09128709291752768, 4, 7), (nan, nan, 0, 0), (0.09128709291752768, 0.09128709291752768, 7, 7)]),
    (lambda: MAE(), (R1, R2), [(0.5, 0.5, 1, 1), (nan, 0.5, 0, 1), (0.625, 0.5625, 1, 2), (nan, nan, 0, 0), (0.5625, 0.5625, 2, 2)]),
    (lambda: MSE(), (R1, R2), [(0.375, 0.375, 1, 1), (nan, 0.375, 0, 1), (0.5625, 0.46875, 1, 2), (nan, nan, 0, 0), (0.46875, 0.46875, 2, 2)]),
    (lambda: RMSE(), (R1, R2), [(0.6123724579811096, 0.6123724579811096, 1, 1), (nan, 0.6123724579811096, 0, 1), (0.75, 0.6811862289905548, 1, 2), (nan, nan, 0, 0), (0.6811862289905548, 0.6811862289905548, 2, 2)]),
    (lambda: CrossEntropy(), (C1, C2), [(1.0671744346618652, 1.0671744346618652, 4, 4), (nan, 1.0671744346618652, 0, 4), (0.9162907600402832, 1.0168798764546711, 2, 6), (nan, nan, 0, 0), (1.0168798764546711, 1.0168798764546711, 6, 6)]),
    (lambda: CrossEntropy(eps=0.1), (B1, C2), [(0.3925517797470093, 0.3925517797470093, 3, 3), (nan, 0.3925517797470093, 0, 3), (0.6546666622161865, 0.4973977327346802, 2, 5), (nan, nan, 0, 0), (0.4973977327346802, 0.4973977327346802, 5, 5)]),
    (lambda: NegativeLogLikelihood(), (C1, C2), [(1.0671744346618652, 1.0671744346618652, 4, 4), (nan, 1.0671744346618652, 0, 4), (0.9162907600402832, 1.0168798764546711, 2, 6), (nan, nan, 0, 0), (1.0168798764546711, 1.0168798764546711, 6, 6)]),
    (lambda: Perplexity(ignore_label=None), (B1, C1), [(1.7710976285155853, 1.7710976285155853, 3, 3), (nan, 1.7710976285155853, 0, 3), (2.9071535316926678, 2.350869288776669, 4, 7), (nan, nan, 0, 0), (2.350869288776669, 2.350869288776669, 7, 7)]),
    (lambda: Perplexity(ignore_label=1), (B1, C1), [(3.3333333738044977, 3.3333333738044977, 1, 1), (nan, 3.3333333738044977, 0, 1), (1.6903084820381982, 2.1196796515527425, 2, 3), (nan, nan, 0, 0), (2.1196796515527425, 2.1196796515527425, 3, 3)]),
    (lambda: PearsonCorrelation(), (R1, R2), [(0.9848696184482703, 0.9848696184482703, 1, 1), (nan, 0.9848696184482703, 0, 1), (0.953747635118964, 0.9693086267836171, 1, 2), (nan, nan, 0, 0), (0.9693086267836171, 0.9693086267836171, 2, 2)]),
    # MXNet 1.9.1 gives the same local values, but 0.0 for every global one in 'micro' mode
    # (its global sum is never updated there); deepblocks reads the running statistics, which
    # cover everything since reset().
    (lambda: PearsonCorrelation(average="micro"), (R1, R2), [(0.9848696184482703, 0.9848696184482703, 1, 1), (nan, 0.9848696184482703, 0, 1), (0.9710747076548409, 0.9710747076548409, 1, 2), (nan, nan, 0, 0), (0.9710747076548409, 0.9710747076548409, 2, 2)]),
    (lambda: PCC(), (B1, C1), [(nan, nan, 1, 1), (nan, nan, 0, 1), (0.7, 0.5, 1, 2), (nan, nan, 0, 0), (0.5, 0.5, 1, 1)]),
]


@pytest.mark.parametrize("make, batches, expect", RECORDED, ids=[type(r[0]()).__name__ for r in RECORDED])
def test_local_and_global_values_as_mxnet(make, batches, expect):
    m = make()
    assert same(m.get()[1], nan) and m.num_inst == 0
    got = walk(m, *batches)
    assert same(got, expect), got
    for local, glob, n, gn in got:
        assert type(local) is float and type(glob) is float      # not NumPy scalars
        assert type(n) is int and type(gn) is int


def test_single_arrays_are_one_batch():
    # recorded from MXNet 1.9.1 (update(label, pred) without lists)
    for make, (label, pred), value in [(Accuracy, B1, 0.6666666666666666), (F1, B1, 0.8),
                                       (lambda: TopKAccuracy(top_k=2), C1, 0.75), (MAE, R1, 0.5),
                                       (CrossEntropy, C1, 1.0671744346618652),
                                       (PearsonCorrelation, R1, 0.9848696184482703)]:
        m = make()
        m.update(label, pred)
        assert m.get()[1] == value
    # MXNet iterates over the rows of unlisted arrays here (giving 1.7710975933270372 after
    # float32 rounding); deepblocks treats them as one batch, as every other metric does.
    p = Perplexity(ignore_label=None)
    p.update(B1[0], B1[1])
    assert p.get()[1] == 1.7710976285155853


def test_inputs_may_be_np_nd_or_numpy_arrays():
    # recorded from MXNet 1.9.1 (with nd arrays)
    expect = {"accuracy": 0.5714285714285714, "f1": 0.6666666666666665, "cross-entropy": 0.5368715694972447}
    for convert in (lambda a: a, lambda a: dnp.array(a.asnumpy()), lambda a: a.asnumpy()):
        m = metric.create(["acc", "f1", "ce"])
        m.update([convert(B1[0]), convert(B2[0])], [convert(B1[1]), convert(B2[1])])
        names, values = m.get()
        assert dict(zip(names, values)) == expect


def test_more_cases_as_mxnet():
    # each recorded from MXNet 1.9.1
    def value(m, labels, preds):
        m.update([A(x) for x in labels], [A(x) for x in preds])
        return m.get()[1]

    probs3d = [[[0.9, 0.05, 0.05], [0.2, 0.3, 0.5]], [[0.1, 0.2, 0.7], [0.3, 0.6, 0.1]]]
    assert value(Accuracy(axis=2), [[[0, 2], [1, 1]]], [probs3d]) == 0.75
    assert value(Accuracy(axis=-1), [[[0, 2], [1, 1]]], [probs3d]) == 0.75
    # predictions of the labels' shape are class indices; both are cast to int32
    assert value(Accuracy(), [[0, 1, 2, 1]], [[0, 1, 1, 1]]) == 0.75
    assert value(Accuracy(), [[0.9, 1.7, 2]], [[[0.5, 0.5, 0], [0.2, 0.2, 0.6], [0.1, 0.1, 0.1]]]) == 0.3333333333333333
    assert value(Accuracy(), [[[0], [1]]], [[[0.9, 0.1], [0.2, 0.8]]]) == 1.0
    # labels outside [0, classes) are clipped before picking (MXNet's pick), then ignored
    p = Perplexity(ignore_label=-1)
    assert value(p, [[0, -1, 5]], [[[0.2, 0.8], [0.5, 0.5], [0.3, 0.7]]]) == 2.672612413409831
    assert p.num_inst == 2
    assert value(Perplexity(ignore_label=None, axis=0), [[0, 1]], [[[0.2, 0.8], [0.5, 0.5]]]) == 3.1622777107259843
    assert value(Perplexity(ignore_label=None), [[0, 1]], [[[0.0, 1.0], [0.5, 0.5]]]) == 141421.34526455868
    # 1-D labels become columns, so they broadcast against the predictions
    assert value(MAE(), [[1, 2, 3]], [[[1, 2, 3]]]) == 0.8888888955116272
    assert value(MSE(), [[[1, 2], [3, 4]]], [[1, 2]]) == 1.5
    assert value(CrossEntropy(), [[0, -1]], [[[0.2, 0.8], [0.6, 0.4]]]) == 1.262864351272583   # NumPy indexing
    assert value(F1(), [[0, 2, 2]], [[[0.2, 0.8], [0.6, 0.4], [0.3, 0.7]]]) == 0.0              # 2 is negative
    assert value(F1(), [[0, 0, 0]], [[[0.6, 0.4], [0.6, 0.4], [0.3, 0.7]]]) == 0.0
    assert value(MCC(), [[1, 1, 1]], [[[0.2, 0.8], [0.3, 0.7], [0.3, 0.7]]]) == 0.0
    assert math.isnan(value(PearsonCorrelation(), [[1, 1, 1]], [[1, 2, 3]]))
    m = PCC()
    assert value(m, [[0, 1, 2, 2]], [[0, 1, 2, 1]]) == 0.7 and m.k == 3
    m = PCC()
    assert value(m, [[0, 1, 3]], [[[0.9, 0.1], [0.2, 0.8], [0.5, 0.5]]]) == 0.6123724356957946
    assert m.k == 4 and m.lcm.tolist() == [[1, 0, 0, 1], [0, 1, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]]


def test_topk_ties_and_one_dimensional_predictions():
    # MXNet leaves tied scores to NumPy's partition order (2/3 here with NumPy 1.23, 1/3 with
    # NumPy 2); deepblocks ranks the lower class index first.
    m = TopKAccuracy(top_k=2)
    m.update([A([0, 3, 1])], [A([[0.3, 0.3, 0.3, 0.1], [0.25, 0.25, 0.25, 0.25], [0.1, 0.2, 0.2, 0.5]])])
    assert m.get()[1] == 2 / 3
    # 1-D predictions are class indices. (MXNet compares its partition order with the labels
    # instead: 1/3 here with NumPy 1.23, and its global value stays 0.0.)
    m = TopKAccuracy(top_k=3)
    m.update([A([1, 2, 0])], [A([1, 0, 0])])
    assert m.get() == ("top_k_accuracy_3", 2 / 3) and m.get_global() == m.get()


def test_loss_and_custom_metrics():
    # recorded from MXNet 1.9.1
    m = Loss()
    m.update(None, [A([1.0, 2.0, 3.5]), A([[0.5, 0.5]])])
    assert (m.get(), m.num_inst) == (("loss", 1.5), 5)
    m.update(None, A([4.0]))
    assert (m.get(), m.num_inst) == (("loss", 1.9166666666666667), 6)
    assert [metric.Loss().name, metric.Torch().name, metric.Caffe().name] == ["loss", "torch", "caffe"]

    m = CustomMetric(lambda l, p: float(abs(l - p).sum()))
    assert m.name == "custom(<lambda>)"
    m.update([R1[0]], [R1[1]])
    assert m.get() == ("custom(<lambda>)", 2.0)

    def myf(label, pred):
        assert isinstance(label, onp.ndarray) and isinstance(pred, onp.ndarray)
        return (float(abs(label - pred).sum()), 2)

    m = CustomMetric(myf)
    m.update([R1[0], R2[0]], [R1[1], R2[1]])
    assert (m.get(), m.num_inst) == (("myf", 1.125), 4)
    raises(NotImplementedError, m.get_config, contains="CustomMetric cannot be serialized")
    m = CustomMetric(myf, allow_extra_outputs=True)
    m.update([R1[0]], [R1[1], R2[1]])              # the extra output is skipped
    assert (m.get(), m.num_inst) == (("myf", 1.0), 2)
    raises(ValueError, CustomMetric(myf).update, [R1[0]], [R1[1], R2[1]])

    def mae_f(label, pred):
        return onp.abs(label - pred).mean()

    m = metric.np(mae_f)
    assert type(m) is CustomMetric and m.name == "mae_f"
    m.update([R1[0]], [R1[1]])
    assert m.get() == ("mae_f", 0.5) and type(m.get()[1]) is float
    assert metric.np(lambda l, p: 1.0, name="const").name == "const"


def test_composite():
    # recorded from MXNet 1.9.1
    c = CompositeEvalMetric()
    for child in (Accuracy(), metric.F1(), "mse"):
        c.add(child)
    assert c.name == "composite" and str(c) == "EvalMetric: {'accuracy': nan, 'f1': nan, 'mse': nan}"
    c.update([B1[0]], [B1[1]])
    assert c.get() == (["accuracy", "f1", "mse"], [0.6666666666666666, 0.8, 0.3499999940395355])
    assert c.get_global() == c.get()
    assert c.get_name_value() == [("accuracy", 0.6666666666666666), ("f1", 0.8), ("mse", 0.3499999940395355)]
    assert c.get_global_name_value() == c.get_name_value()
    assert c.get_config() == {
        "metric": "CompositeEvalMetric", "name": "composite", "output_names": None, "label_names": None,
        "metrics": [{"axis": 1, "metric": "Accuracy", "name": "accuracy", "output_names": None, "label_names": None},
                    {"metric": "F1", "name": "f1", "output_names": None, "label_names": None},
                    {"metric": "MSE", "name": "mse", "output_names": None, "label_names": None}]}
    assert type(c.get_metric(1)) is metric.F1
    # MXNet returns (rather than raises) this ValueError
    raises(ValueError, c.get_metric, 7, contains="Metric index 7 is out of range 0 and 3")
    c.reset_local()
    assert same(c.get(), (["accuracy", "f1", "mse"], [nan, nan, nan]))
    assert c.get_global() == (["accuracy", "f1", "mse"], [0.6666666666666666, 0.8, 0.3499999940395355])
    c.reset()
    assert same(c.get_global(), (["accuracy", "f1", "mse"], [nan, nan, nan]))
    # nested composites flatten into one list
    outer = CompositeEvalMetric([CompositeEvalMetric(["acc", "mae"]), "rmse"])
    assert outer.get()[0] == ["accuracy", "mae", "rmse"]


def test_update_dict():
    # recorded from MXNet 1.9.1
    labels = OrderedDict([("l1", B1[0]), ("l2", B2[0])])
    preds = OrderedDict([("p1", B1[1]), ("p2", B2[1])])
    a = Accuracy(output_names=["p2"], label_names=["l2"])
    a.update_dict(labels, preds)
    assert (a.get(), a.num_inst) == (("accuracy", 0.5), 4)
    a = Accuracy()
    a.update_dict({"l": B1[0]}, {"p": B1[1]})
    assert a.get() == ("accuracy", 0.6666666666666666)
    # The composite filters predictions by its output_names and each child picks its own
    # labels; 'mae' (no label_names) then gets both labels for one prediction.
    c = CompositeEvalMetric([Accuracy(label_names=["l1"]), "mae"], output_names=["p1"])
    raises(ValueError, c.update_dict, labels, preds, contains="Shape of labels 2 does not match shape of predictions 1")
    assert same(c.get(), (["accuracy", "mae"], [0.6666666666666666, nan]))


def test_names_and_configs():
    # recorded from MXNet 1.9.1
    assert Accuracy().name == "accuracy" and TopKAccuracy(top_k=5).name == "top_k_accuracy_5"
    assert [m().name for m in (F1, MCC, MAE, MSE, RMSE, CrossEntropy, NegativeLogLikelihood, PearsonCorrelation,
                               PCC, Loss)] == ["f1", "mcc", "mae", "mse", "rmse", "cross-entropy", "nll-loss",
                                              "pearsonr", "pcc", "loss"]
    assert Perplexity(None).name == "perplexity"
    assert Accuracy(axis=0, name="a").get_config() == {"axis": 0, "metric": "Accuracy", "name": "a",
                                                        "output_names": None, "label_names": None}
    assert TopKAccuracy(top_k=3).get_config() == {"top_k": 3, "metric": "TopKAccuracy", "name": "top_k_accuracy_3",
                                                  "output_names": None, "label_names": None}
    assert Perplexity(ignore_label=0).get_config() == {"ignore_label": 0, "metric": "Perplexity",
                                                       "name": "perplexity", "output_names": None, "label_names": None}
    assert CrossEntropy().get_config() == {"eps": 1e-12, "metric": "CrossEntropy", "name": "cross-entropy",
                                           "output_names": None, "label_names": None}
    e = EvalMetric("base", output_names=["o"], label_names=["l"], foo=3)
    assert same((e.get(), e.get_global(), e.get_name_value()), (("base", nan), ("base", nan), [("base", nan)]))
    assert e.get_config() == {"foo": 3, "metric": "EvalMetric", "name": "base", "output_names": ["o"],
                              "label_names": ["l"]}
    assert str(e) == "EvalMetric: {'base': nan}"
    raises(NotImplementedError, e.update, [], [])


def test_create_and_registry():
    # recorded from MXNet 1.9.1: each name and alias gives this class
    names = {"acc": "Accuracy", "accuracy": "Accuracy", "Accuracy": "Accuracy", "top_k_accuracy": "TopKAccuracy",
             "top_k_acc": "TopKAccuracy", "topkaccuracy": "TopKAccuracy", "ce": "CrossEntropy",
             "crossentropy": "CrossEntropy", "nll_loss": "NegativeLogLikelihood",
             "negativeloglikelihood": "NegativeLogLikelihood", "pearsonr": "PearsonCorrelation",
             "pearsoncorrelation": "PearsonCorrelation", "composite": "CompositeEvalMetric",
             "compositeevalmetric": "CompositeEvalMetric", "f1": "F1", "mcc": "MCC", "mae": "MAE", "mse": "MSE",
             "rmse": "RMSE", "loss": "Loss", "torch": "Torch", "caffe": "Caffe", "pcc": "PCC",
             "perplexity": "Perplexity"}
    for name, cls in names.items():
        kwargs = {"top_k": 3} if "top" in name else ({"ignore_label": None} if name == "perplexity" else {})
        assert type(metric.create(name, **kwargs)).__name__ == cls
    assert metric.create("top_k_accuracy", top_k=4).name == "top_k_accuracy_4"
    assert metric.create("top_k_accuracy", 4).name == "top_k_accuracy_4"

    def mae_f(label, pred):
        return onp.abs(label - pred).mean()

    m = metric.create(["acc", MSE(), mae_f])
    assert type(m) is CompositeEvalMetric and m.get()[0] == ["accuracy", "mse", "mae_f"]
    assert [type(x).__name__ for x in m.metrics] == ["Accuracy", "MSE", "CustomMetric"]
    assert type(metric.create(mae_f)) is CustomMetric
    acc = Accuracy()
    assert metric.create(acc) is acc
    # configs and their JSON text rebuild the metric
    assert metric.create(Accuracy(axis=2, name="a2").get_config()).axis == 2
    c = CompositeEvalMetric(["acc", "f1", TopKAccuracy(top_k=2)])
    rebuilt = metric.create(c.get_config())
    assert [x.get_config() for x in rebuilt.metrics[:2]] == [x.get_config() for x in c.metrics[:2]]
    # recorded from MXNet 1.9.1: the rebuilt TopKAccuracy appends the suffix to the saved name again
    assert rebuilt.metrics[2].top_k == 2 and rebuilt.metrics[2].name == "top_k_accuracy_2_2"
    assert metric.create('["top_k_accuracy", {"top_k": 7}]').name == "top_k_accuracy_7"
    assert metric.create('{"metric": "acc", "axis": 0}').axis == 0
    assert type(metric.create(metric.F1)) is metric.F1

    # MXNet raises AssertionError for these three
    raises(ValueError, metric.create, "nosuch",
           contains=("nosuch is not registered. Please register with metric.register first", "top_k_accuracy"))
    raises(ValueError, metric.create, acc, axis=2, contains="Additional arguments are invalid")
    raises(TypeError, metric.create, 3, contains=("metric must be of string type", "int"))


def test_register_and_alias():
    @metric.alias("test_alias_name")
    class MyMetric(EvalMetric):
        def __init__(self, scale=1.0):
            super().__init__("mine", scale=scale)
            self.scale = scale

        def update(self, labels, preds):
            for label in labels:
                self.sum_metric += self.scale * float(label.asnumpy().sum())
                self.num_inst += 1

    metric.register(MyMetric)
    for name in ("mymetric", "MyMetric", "test_alias_name"):
        m = metric.create(name, scale=2.0)
        assert type(m) is MyMetric and m.get_config()["scale"] == 2.0
    m = mx.metric.create("test_alias_name")
    m.update([A([1, 2])], [A([0, 0])])
    assert m.get() == ("mine", 3.0) and m.get_global() == m.get()   # no global tally: get_global is get
    with pytest.warns(UserWarning, match="overriding existing metric"):
        metric.register(type("MyMetric", (EvalMetric,), {}))
    raises(TypeError, metric.register, int, contains="Can only register subclass of EvalMetric")


def test_module_names():
    import deepblocks.metric as by_import
    from deepblocks.gluon import metric as from_gluon

    assert mx.metric is gluon.metric is metric is by_import is from_gluon
    assert "metric" in mx.__all__ and "metric" in gluon.__all__
    for name in metric.__all__:
        assert hasattr(mx.metric, name)
    assert callable(mx.metric.np) and "np" not in metric.__all__   # a star import keeps the np module


def test_with_a_network_output():
    from deepblocks import autograd, npx

    npx.set_np()
    try:
        net = gluon.nn.Dense(3, in_units=4)
        net.initialize()
        x = dnp.array(onp.random.RandomState(0).rand(5, 4), dtype="float32")
        label = dnp.array([0, 1, 2, 1, 0])
        with autograd.record():
            out = net(x)
        acc, ce = Accuracy(), CrossEntropy()
        acc.update([label], [out])
        probs = npx.softmax(out)
        ce.update([label], [probs])
        o, p = out.asnumpy(), probs.asnumpy()
        assert acc.get()[1] == float((o.argmax(axis=1) == [0, 1, 2, 1, 0]).mean())
        assert ce.get()[1] == pytest.approx(-onp.log(p[onp.arange(5), [0, 1, 2, 1, 0]] + 1e-12).mean(), rel=1e-6)
    finally:
        npx.reset_np()


# ---- bad input -------------------------------------------------------------------------------------


def test_bad_input():
    # recorded from MXNet 1.9.1 (same type and message)
    for m in (Accuracy(), MAE(), F1(), CrossEntropy(), Perplexity(None), PearsonCorrelation(), TopKAccuracy(top_k=2)):
        raises(ValueError, m.update, [B1[0], B2[0]], [B1[1]],
               contains="Shape of labels 2 does not match shape of predictions 1")
    raises(ValueError, Accuracy().update, [A([0, 1])], [B1[1]],
           contains="Shape of labels 2 does not match shape of predictions 3")
    raises(ValueError, PearsonCorrelation().update, [A([0, 1])], [A([1, 2, 3])],
           contains="Shape of labels (2,) does not match shape of predictions (3,)")
    raises(ValueError, metric.check_label_shapes, A([1, 2]), A([[1, 2]]), shape=True,
           contains="Shape of labels (2,) does not match shape of predictions (1, 2)")
    raises(ValueError, F1().update, [C1[0]], [C1[1]], contains=("F1", "only supports binary classification"))
    raises(ValueError, MCC().update, [C1[0]], [C1[1]], contains=("MCC", "only supports binary classification"))
    # MXNet raises AssertionError for these; deepblocks a ValueError naming the shapes or value
    raises(ValueError, TopKAccuracy, top_k=1, contains="Please use Accuracy if top_k is no more than 1")
    raises(ValueError, TopKAccuracy(top_k=2).update, [A([[0]])], [A([[[0.2, 0.8]]])], contains="(1, 1, 2)")
    raises(ValueError, Perplexity(None).update, [A([0, 1])], [B1[1]], contains="shape mismatch: (2,) vs. (3, 2)")
    raises(ValueError, CrossEntropy().update, [A([0, 1])], [B1[1]], contains="(3, 2)")
    raises(ValueError, NegativeLogLikelihood().update, [A([0, 1])], [A([0.2, 0.8])], contains="(2,)")
    # MXNet fails inside NumPy here ("kth(=-2) out of bounds (3)")
    raises(ValueError, TopKAccuracy(top_k=5).update, [C1[0]], [C1[1]], contains=("top_k (5)", "(4, 3)"))
    raises(ValueError, F1().update, [A([0, 1])], [A([0.2, 0.8])], contains="(2,)")
    raises(ValueError, F1, average="weighted", contains="'weighted'")
    raises(ValueError, PearsonCorrelation, average="mean", contains="'mean'")
    raises(ValueError, PCC().update, [A([0, -1])], [A([0, 1])], contains="non-negative")
    raises(IndexError, CrossEntropy().update, [A([0, 3])], [A([[0.5, 0.5], [0.5, 0.5]])])   # as MXNet


# ---- reference formulas ------------------------------------------------------------------------------


@st.composite
def scored_batches(draw, min_classes=2, max_classes=6):
    n_classes = draw(st.integers(min_classes, max_classes))
    batches = []
    for _ in range(draw(st.integers(1, 3))):
        n = draw(st.integers(1, 8))
        # distinct scores per row, so the ranking has no ties
        scores = onp.stack([draw(st.permutations(range(n_classes))) for _ in range(n)]).astype("float32")
        labels = onp.array(draw(st.lists(st.integers(0, n_classes - 1), min_size=n, max_size=n)), dtype="float32")
        batches.append((labels, scores / n_classes))
    return n_classes, batches


@given(scored_batches(), st.data())
def test_accuracy_and_topk_against_numpy(drawn, data):
    n_classes, batches = drawn
    labels = onp.concatenate([b[0] for b in batches]).astype(int)
    scores = onp.concatenate([b[1] for b in batches])
    acc = Accuracy()
    acc.update([dnp.array(l) for l, _ in batches], [dnp.array(s) for _, s in batches])
    assert acc.get()[1] == pytest.approx((scores.argmax(axis=1) == labels).mean())
    assert acc.num_inst == len(labels)
    if n_classes > 2:
        k = data.draw(st.integers(2, n_classes))
        top = TopKAccuracy(top_k=k)
        for l, s in batches:
            top.update([nd.array(l)], [nd.array(s)])
        ranks = (scores > scores[onp.arange(len(labels)), labels][:, None]).sum(axis=1)
        assert top.get()[1] == pytest.approx((ranks < k).mean())


@given(st.lists(hnp.arrays("int64", st.integers(1, 10), elements=st.integers(0, 1)), min_size=1, max_size=4),
       st.data())
def test_f1_mcc_and_pcc_against_confusion_counts(label_list, data):
    pred_list = [data.draw(hnp.arrays("int64", l.shape, elements=st.integers(0, 1))) for l in label_list]
    labels, preds = onp.concatenate(label_list), onp.concatenate(pred_list)
    tp = float(((preds == 1) & (labels == 1)).sum())
    fp = float(((preds == 1) & (labels == 0)).sum())
    fn = float(((preds == 0) & (labels == 1)).sum())
    tn = float(((preds == 0) & (labels == 0)).sum())
    one_hot = [onp.eye(2, dtype="float32")[p] for p in pred_list]
    f1, mcc, pcc = F1(average="micro"), MCC(average="micro"), PCC()
    for m in (f1, mcc, pcc):
        m.update([dnp.array(l) for l in label_list], [dnp.array(p) for p in one_hot])
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    expect_f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    assert f1.get()[1] == pytest.approx(expect_f1)
    terms = [t for t in (tp + fp, tp + fn, tn + fp, tn + fn) if t]
    expect_mcc = (tp * tn - fp * fn) / math.sqrt(math.prod(terms))
    assert mcc.get()[1] == pytest.approx(expect_mcc, abs=1e-12)
    if len(terms) == 4:     # no empty class: PCC is Matthews' coefficient
        assert pcc.get()[1] == pytest.approx(expect_mcc, abs=1e-12)


finite = st.floats(-100, 100, width=32)


@given(st.lists(st.tuples(hnp.arrays("float32", st.integers(2, 12), elements=finite), st.data()),
                min_size=1, max_size=4))
def test_regression_metrics_against_numpy(pairs):
    batches = [(l, d.draw(hnp.arrays("float32", l.shape, elements=finite))) for l, d in pairs]
    mae, mse, rmse, pearson = MAE(), MSE(), RMSE(), PearsonCorrelation(average="micro")
    for m in (mae, mse, rmse):
        m.update([dnp.array(l) for l, _ in batches], [dnp.array(p) for _, p in batches])
    diffs = [(l.astype("float64") - p) for l, p in batches]
    assert mae.get()[1] == pytest.approx(onp.mean([onp.abs(d).mean() for d in diffs]), rel=1e-5, abs=1e-5)
    assert mse.get()[1] == pytest.approx(onp.mean([(d ** 2).mean() for d in diffs]), rel=1e-5, abs=1e-5)
    assert rmse.get()[1] == pytest.approx(onp.mean([onp.sqrt((d ** 2).mean()) for d in diffs]), rel=1e-5, abs=1e-5)
    labels = onp.concatenate([l for l, _ in batches]).astype("float64")
    preds = onp.concatenate([p for _, p in batches]).astype("float64")
    assume(labels.std() > 1e-3 and preds.std() > 1e-3)
    for l, p in batches:
        pearson.update([dnp.array(l)], [dnp.array(p)])
    assert pearson.get()[1] == pytest.approx(onp.corrcoef(preds, labels)[0, 1], abs=1e-9)
    assert pearson.get_global() == pearson.get()


@given(scored_batches(), st.sampled_from([None, 0, 1]))
def test_log_losses_and_perplexity_against_numpy(drawn, ignore):
    _, batches = drawn
    batches = [(l, (s + 0.1) / (s + 0.1).sum(axis=1, keepdims=True)) for l, s in batches]
    labels = onp.concatenate([b[0] for b in batches]).astype(int)
    probs = onp.concatenate([b[1] for b in batches]).astype("float64")
    picked = probs[onp.arange(len(labels)), labels]
    ce, nll, ppl = CrossEntropy(), NegativeLogLikelihood(), Perplexity(ignore_label=ignore)
    for m in (ce, nll, ppl):
        m.update([dnp.array(l) for l, _ in batches], [dnp.array(p) for _, p in batches])
    assert ce.get()[1] == pytest.approx(-onp.log(picked + 1e-12).mean(), rel=1e-5)
    assert nll.get()[1] == ce.get()[1]
    keep = labels != ignore if ignore is not None else onp.ones(len(labels), bool)
    if keep.any():
        assert ppl.get()[1] == pytest.approx(math.exp(-onp.log(picked[keep]).mean()), rel=1e-5)
        assert ppl.num_inst == keep.sum()
    else:
        assert ppl.num_inst == 0 and math.isnan(ppl.get()[1])

"""deepblocks.lr_scheduler: the rates of each scheduler (warm-up, stop values, the stateful
steps of FactorScheduler/MultiFactorScheduler under non-monotonic update counts), their INFO
log lines and argument checks, all recorded from MXNet 1.9.1; closed forms under hypothesis;
and the schedulers driving an optimizer through gluon.Trainer, against the same training loop
run by MXNet 1.9.1."""

import logging
import math
import warnings

import numpy as onp
import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import raises
import deepblocks as mx
from deepblocks import autograd, gluon, lr_scheduler, nd, optimizer
from deepblocks.lr_scheduler import (CosineScheduler, FactorScheduler, LRScheduler, MultiFactorScheduler,
                                     PolyScheduler)


def rates(sched, updates):
    return [sched(n) for n in updates]


# ---- sequences recorded from MXNet 1.9.1 ---------------------------------------------------------


def test_mx_names():
    import deepblocks.lr_scheduler as by_import

    assert mx.lr_scheduler is lr_scheduler is by_import
    assert "lr_scheduler" in mx.__all__
    for name in lr_scheduler.__all__:
        assert issubclass(getattr(mx.lr_scheduler, name), LRScheduler)


def test_factor_scheduler():
    # recorded from MXNet 1.9.1
    assert rates(FactorScheduler(step=3, factor=0.5, base_lr=1.0), range(12)) == [
        1.0, 1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.125, 0.125]
    assert rates(FactorScheduler(step=2, factor=0.1, stop_factor_lr=1e-3, base_lr=1.0), range(12)) == [
        1.0, 1.0, 1.0, 0.1, 0.1, 0.010000000000000002, 0.010000000000000002, 0.0010000000000000002,
        0.0010000000000000002, 0.001, 0.001, 0.001]


def test_factor_scheduler_non_monotonic_updates_keep_the_lowest_rate():
    # recorded from MXNet 1.9.1: a jump to 10 takes three steps at once; going back changes nothing
    s = FactorScheduler(step=3, factor=0.5, base_lr=1.0)
    assert rates(s, [10, 2, 11, 1, 20, 0]) == [0.125, 0.125, 0.125, 0.125, 0.015625, 0.015625]
    assert s.count == 18 and s.base_lr == 0.015625


def test_factor_scheduler_warmup():
    # recorded from MXNet 1.9.1 (the step count starts at 0, so the rate drops as the warm-up ends)
    assert rates(FactorScheduler(step=2, factor=0.5, base_lr=0.8, warmup_steps=4, warmup_begin_lr=0.1),
                 range(12)) == [0.1, 0.275, 0.45000000000000007, 0.625, 0.4, 0.2, 0.2, 0.1, 0.1, 0.05, 0.05, 0.025]
    assert rates(FactorScheduler(step=2, factor=0.5, base_lr=0.8, warmup_steps=4, warmup_begin_lr=0.1,
                                 warmup_mode="constant"), range(12)) == [
        0.1, 0.1, 0.1, 0.1, 0.4, 0.2, 0.2, 0.1, 0.1, 0.05, 0.05, 0.025]
    assert rates(FactorScheduler(step=2, factor=0.5, base_lr=1.0, warmup_steps=2), range(8)) == [
        0.0, 0.5, 1.0, 0.5, 0.5, 0.25, 0.25, 0.125]


def test_multifactor_scheduler():
    # recorded from MXNet 1.9.1
    assert rates(MultiFactorScheduler(step=[2, 5, 7], factor=0.5, base_lr=1.0), range(12)) == [
        1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.25, 0.25, 0.125, 0.125, 0.125, 0.125]
    s = MultiFactorScheduler(step=[2, 5, 7], factor=0.5, base_lr=1.0)
    assert rates(s, [6, 1, 8, 0]) == [0.25, 0.25, 0.125, 0.125]
    assert s.cur_step_ind == 3 and s.count == 7
    assert rates(MultiFactorScheduler(step=[4, 6], factor=0.1, base_lr=1.0, warmup_steps=3, warmup_begin_lr=0.25),
                 range(10)) == [0.25, 0.5, 0.75, 1.0, 1.0, 0.1, 0.1, 0.010000000000000002,
                                0.010000000000000002, 0.010000000000000002]


def test_poly_scheduler():
    # recorded from MXNet 1.9.1
    assert rates(PolyScheduler(max_update=8, base_lr=1.0, pwr=2, final_lr=0.1), range(12)) == [
        1.0, 0.7890625, 0.60625, 0.4515625, 0.325, 0.2265625, 0.15625, 0.11406250000000001, 0.1, 0.1, 0.1, 0.1]
    assert rates(PolyScheduler(max_update=10, base_lr=0.5, pwr=1, final_lr=0.0, warmup_steps=4,
                               warmup_begin_lr=0.1), range(13)) == [
        0.1, 0.2, 0.30000000000000004, 0.4, 0.5, 0.4166666666666667, 0.33333333333333337, 0.25,
        0.16666666666666669, 0.08333333333333331, 0.0, 0.0, 0.0]
    # Past max_update the rate is whatever the last call in range left.
    assert rates(PolyScheduler(max_update=8, base_lr=1.0, pwr=3), [9, 4, 20, 2]) == [1.0, 0.125, 0.125, 0.421875]


def test_cosine_scheduler():
    # recorded from MXNet 1.9.1
    assert rates(CosineScheduler(max_update=8, base_lr=1.0, final_lr=0.2), range(12)) == [
        1.0, 0.9695518130045147, 0.882842712474619, 0.7530733729460359, 0.6000000000000001,
        0.44692662705396413, 0.317157287525381, 0.2304481869954853, 0.2, 0.2, 0.2, 0.2]
    assert rates(CosineScheduler(max_update=10, base_lr=0.5, final_lr=0.05, warmup_steps=3, warmup_begin_lr=0.05),
                 range(13)) == [0.05, 0.2, 0.35, 0.5, 0.47771799527804426, 0.41528520541821506, 0.3250672101401707,
                                0.22493278985982929, 0.13471479458178498, 0.07228200472195573, 0.05, 0.05, 0.05]
    assert rates(CosineScheduler(max_update=10, base_lr=0.5, warmup_steps=3, warmup_begin_lr=0.05,
                                 warmup_mode="constant"), range(13)) == [
        0.05, 0.05, 0.05, 0.5, 0.47524221697560476, 0.4058724504646834, 0.3056302334890786, 0.19436976651092142,
        0.09412754953531663, 0.02475778302439524, 0.0, 0.0, 0.0]
    assert rates(CosineScheduler(max_update=6, base_lr=1.0), [7, 3, 9]) == [1.0, 0.5, 0.5]
    # A warm-up longer than max_update: the rate stays at base_lr after it.
    assert CosineScheduler(max_update=5, warmup_steps=6)(7) == 0.01


def test_base_scheduler_warmup():
    # recorded from MXNet 1.9.1
    b = LRScheduler(base_lr=0.3, warmup_steps=5, warmup_begin_lr=0.05)
    assert [b.get_warmup_lr(i) for i in range(5)] == [0.05, 0.1, 0.15000000000000002, 0.2, 0.25]
    assert b.warmup_final_lr == 0.3
    raises(NotImplementedError, b, 1)
    raises(ValueError, b.get_warmup_lr, 5, contains=("num_update (5)", "warmup_steps=5"))


def test_attributes_as_mxnet():
    # recorded from MXNet 1.9.1 (the __dict__ of each scheduler with default arguments)
    common = {"base_lr": 0.01, "warmup_steps": 0, "warmup_final_lr": 0.01, "warmup_begin_lr": 0,
              "warmup_mode": "linear"}
    assert vars(LRScheduler()) == common
    assert vars(FactorScheduler(step=1)) == {**common, "step": 1, "factor": 1, "stop_factor_lr": 1e-08, "count": 0}
    assert vars(MultiFactorScheduler(step=[1])) == {**common, "step": [1], "cur_step_ind": 0, "factor": 1, "count": 0}
    assert vars(PolyScheduler(max_update=3)) == {**common, "power": 2, "base_lr_orig": 0.01, "max_update": 3,
                                                 "final_lr": 0, "max_steps": 3}
    assert vars(CosineScheduler(max_update=3)) == {**common, "base_lr_orig": 0.01, "max_update": 3,
                                                   "final_lr": 0, "max_steps": 3}


def test_log_lines_as_mxnet(caplog):
    # recorded from MXNet 1.9.1 (logging.basicConfig(level=INFO) shows them on the root logger)
    with caplog.at_level(logging.INFO):
        rates(FactorScheduler(step=2, factor=0.1, stop_factor_lr=1e-3, base_lr=1.0), range(12))
        rates(MultiFactorScheduler(step=[2, 5], factor=0.5, base_lr=1.0), [6])
    assert [(r.name, r.levelname) for r in caplog.records] == [("root", "INFO")] * 7
    assert [r.getMessage() for r in caplog.records] == [
        "Update[3]: Change learning rate to 1.00000e-01",
        "Update[5]: Change learning rate to 1.00000e-02",
        "Update[7]: Change learning rate to 1.00000e-03",
        "Update[9]: now learning rate arrived at 1.00000e-03, will not change in the future",
        "Update[11]: now learning rate arrived at 1.00000e-03, will not change in the future",
        "Update[6]: Change learning rate to 5.00000e-01",
        "Update[6]: Change learning rate to 2.50000e-01",
    ]


def test_bad_arguments():
    # ValueError messages recorded from MXNet 1.9.1 (deepblocks adds the values)
    raises(ValueError, LRScheduler, base_lr=0.1, warmup_begin_lr=0.2,
           contains=("Base lr has to be higher than warmup_begin_lr", "0.2"))
    raises(ValueError, LRScheduler, warmup_steps=-1, contains="Warmup steps has to be positive or 0")
    raises(ValueError, LRScheduler, warmup_mode="cos",
           contains=("Supports only linear and constant modes of warmup", "'cos'"))
    raises(ValueError, FactorScheduler, step=0, contains="Schedule step must be greater or equal than 1 round")
    raises(ValueError, FactorScheduler, step=2, factor=1.5,
           contains=("Factor must be no more than 1 to make lr reduce", "1.5"))
    raises(ValueError, MultiFactorScheduler, step=[3, 3],
           contains=("Schedule step must be an increasing integer list", "[3, 3]"))
    raises(ValueError, MultiFactorScheduler, step=[0, 3], contains="Schedule step must be greater or equal than 1")
    raises(ValueError, MultiFactorScheduler, step=[1, 2], factor=2, contains="Factor must be no more than 1")
    raises(ValueError, PolyScheduler, max_update=0, contains="maximum number of updates must be strictly positive")
    raises(ValueError, CosineScheduler, max_update=-3, contains="maximum number of updates must be strictly positive")
    # MXNet asserts these (AssertionError); deepblocks names the argument.
    raises(TypeError, LRScheduler, warmup_steps=1.5, contains=("warmup_steps", "1.5"))
    raises(TypeError, PolyScheduler, max_update=2.0, contains=("max_update", "float"))
    raises(TypeError, CosineScheduler, max_update="10", contains="max_update")
    raises(TypeError, MultiFactorScheduler, step=3, contains="list")
    raises(ValueError, MultiFactorScheduler, step=[], contains="at least one")
    # MXNet divides by zero here; the message says why.
    for cls in (PolyScheduler, CosineScheduler):
        raises(ZeroDivisionError, cls(max_update=5, warmup_steps=5), 5, contains=("max_update (5)", "warmup_steps (5)"))


def test_integer_arguments_from_numpy():
    s = PolyScheduler(max_update=onp.int64(4), base_lr=1.0, warmup_steps=onp.int32(1))
    assert type(s.max_update) is int and type(s.warmup_steps) is int
    assert rates(s, range(5)) == [0.0, 1.0, pytest.approx(4 / 9), pytest.approx(1 / 9), 0.0]
    assert MultiFactorScheduler(step=(2, 4)).step == [2, 4]


# ---- closed forms ----------------------------------------------------------------------------------

rate = st.floats(0.001, 10.0)


@given(base=rate, final_frac=st.floats(0, 1), warmup=st.integers(0, 20), extra=st.integers(1, 50),
       pwr=st.sampled_from([1, 2, 3, 0.5]), begin_frac=st.floats(0, 1), mode=st.sampled_from(["linear", "constant"]))
def test_poly_and_cosine_follow_their_formulas(base, final_frac, warmup, extra, pwr, begin_frac, mode):
    final, begin, max_update = base * final_frac, base * begin_frac, warmup + extra
    poly = PolyScheduler(max_update, base_lr=base, pwr=pwr, final_lr=final, warmup_steps=warmup,
                         warmup_begin_lr=begin, warmup_mode=mode)
    cosine = CosineScheduler(max_update, base_lr=base, final_lr=final, warmup_steps=warmup,
                             warmup_begin_lr=begin, warmup_mode=mode)
    for n in range(max_update + 5):
        if n < warmup:
            expect = begin + (base - begin) * n / warmup if mode == "linear" else begin
            assert poly(n) == pytest.approx(expect) and cosine(n) == pytest.approx(expect)
            continue
        t = min(n, max_update) - warmup
        assert poly(n) == pytest.approx(final + (base - final) * (1 - t / extra) ** pwr, abs=1e-12)
        assert cosine(n) == pytest.approx(final + (base - final) * (1 + math.cos(math.pi * t / extra)) / 2, abs=1e-12)


@given(step=st.integers(1, 10), factor=st.floats(0.1, 1.0), stop=st.floats(1e-6, 1e-2),
       updates=st.lists(st.integers(0, 100), min_size=1, max_size=20))
def test_factor_scheduler_closed_form(step, factor, stop, updates):
    """After calls up to a largest count N, the rate is base * factor ** (drops), floored at
    stop_factor_lr, where the rate drops each time N passes a multiple of step."""
    s = FactorScheduler(step=step, factor=factor, stop_factor_lr=stop, base_lr=1.0)
    highest = 0
    for n in updates:
        highest = max(highest, n)
        drops = max(0, -(-highest // step) - 1)
        assert s(n) == pytest.approx(max(factor ** drops, stop), rel=1e-9)


@given(steps=st.lists(st.integers(1, 60), min_size=1, max_size=5, unique=True), factor=st.floats(0.1, 1.0),
       updates=st.lists(st.integers(0, 80), min_size=1, max_size=20))
def test_multifactor_scheduler_closed_form(steps, factor, updates):
    steps = sorted(steps)
    s = MultiFactorScheduler(step=steps, factor=factor, base_lr=2.0)
    highest = 0
    for n in updates:
        highest = max(highest, n)
        assert s(n) == pytest.approx(2.0 * factor ** sum(highest > k for k in steps), rel=1e-9)


# ---- with an optimizer and gluon.Trainer, against MXNet 1.9.1 -----------------------------------

X = onp.arange(12, dtype="float32").reshape(6, 2) / 10.0
Y = onp.array([[1.0], [0.5], [-0.3], [2.0], [0.1], [0.7]], dtype="float32")


def train(opt, params, steps=10):
    """Dense(1) from fixed weights on fixed data, one full-batch SGD/Adam step at a time."""
    net = gluon.nn.Dense(1, in_units=2)
    net.initialize()
    net.weight.set_data(nd.array([[0.3, -0.2]]))
    net.bias.set_data(nd.array([0.1]))
    trainer = gluon.Trainer(net.collect_params(), opt, params)
    loss_fn = gluon.loss.L2Loss()
    x, y = nd.array(X), nd.array(Y)
    lrs = []
    for _ in range(steps):
        with autograd.record():
            loss = loss_fn(net(x), y)
        loss.backward()
        trainer.step(6)
        lrs.append(trainer.learning_rate)
    return trainer, lrs, net.weight.data().asnumpy().ravel(), net.bias.data().asnumpy()


# recorded from MXNet 1.9.1: the rate after each step, and the final weight and bias
TRAINING = {
    "factor": ("sgd", lambda: {"learning_rate": 0.5, "lr_scheduler": FactorScheduler(step=2, factor=0.5)},
               [0.5, 0.5, 0.25, 0.25, 0.125, 0.125, 0.0625, 0.0625, 0.03125, 0.03125],
               [0.40193864703178406, -0.0614357590675354], [0.46625596284866333]),
    "cosine_warmup_momentum": (
        "sgd", lambda: {"momentum": 0.9, "lr_scheduler": CosineScheduler(
            max_update=8, base_lr=0.2, final_lr=0.01, warmup_steps=3, warmup_begin_lr=0.02)},
        [0.08, 0.14, 0.2, 0.18185661446562001, 0.13435661446562, 0.07564338553437999, 0.028143385534380005,
         0.01, 0.01, 0.01],
        [0.5175603032112122, 0.10100729763507843], [0.9344701766967773]),
    # Adam's default learning_rate (0.001) overwrites base_lr, but PolyScheduler decays from
    # the base_lr it was built with.
    "adam_poly": ("adam", lambda: {"lr_scheduler": PolyScheduler(max_update=6, base_lr=0.1, pwr=2)},
                  [0.06944444444444446, 0.04444444444444445, 0.025, 0.011111111111111113, 0.0027777777777777766,
                   0.0, 0.0, 0.0, 0.0, 0.0],
                  [0.4472368359565735, -0.052261482924222946], [0.24965037405490875]),
    "multifactor": ("sgd", lambda: {"learning_rate": 0.3, "lr_scheduler": MultiFactorScheduler(
        step=[3, 6], factor=0.1, base_lr=0.3)},
        [0.3, 0.3, 0.3, 0.03, 0.03, 0.03, 0.003, 0.003, 0.003, 0.003],
        [0.4160536527633667, -0.05361573025584221], [0.4033065736293793]),
}


@pytest.mark.parametrize("case", sorted(TRAINING))
def test_trainer_follows_the_schedule_as_mxnet(case):
    opt, params, expect_lrs, expect_w, expect_b = TRAINING[case]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        trainer, lrs, w, b = train(opt, params())
    assert lrs == pytest.approx(expect_lrs, rel=1e-12, abs=0)
    # float32 rounding (Adam's division by sqrt(v) + eps magnifies it to about 1e-6)
    onp.testing.assert_allclose(w, expect_w, rtol=0, atol=2e-6)
    onp.testing.assert_allclose(b, expect_b, rtol=0, atol=2e-6)
    assert trainer.optimizer.num_update == 10


def test_trainer_learning_rate_before_a_step_and_set_learning_rate():
    net = gluon.nn.Dense(1, in_units=2)
    net.initialize()
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"lr_scheduler": FactorScheduler(step=2),
                                                           "learning_rate": 0.01})
    assert trainer.learning_rate == 0.01           # recorded from MXNet 1.9.1
    # recorded from MXNet 1.9.1: a UserWarning raised as an exception
    raises(UserWarning, trainer.set_learning_rate, 0.1,
           contains="LRScheduler of the optimizer has already been defined. Note that set_learning_rate can mutate "
                    "the value of the learning rate of the optimizer only when the LRScheduler of the optimizer "
                    "is undefined.")
    plain = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.01})
    plain.set_learning_rate(0.2)
    assert plain.learning_rate == 0.2


def test_optimizer_learning_rate_overwrites_base_lr_with_mxnet_notice():
    sched = CosineScheduler(max_update=4, base_lr=0.5)
    # MXNet 1.9.1 prints this line; deepblocks warns with the same text.
    with pytest.warns(UserWarning, match="learning rate from ``lr_scheduler`` has been overwritten"):
        opt = optimizer.SGD(learning_rate=0.1, lr_scheduler=sched)
    assert sched.base_lr == 0.1 and sched.warmup_final_lr == 0.5
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        optimizer.SGD(learning_rate=0.5, lr_scheduler=CosineScheduler(max_update=4, base_lr=0.5))
        assert optimizer.SGD(lr_scheduler=FactorScheduler(step=1, base_lr=0.7)).learning_rate == 0.7
    assert opt.learning_rate == 0.5                # CosineScheduler decays from its own base_lr

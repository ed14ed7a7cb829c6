"""deepblocks.optimizer: every optimizer against a NumPy implementation of MXNet 1.9.1's
formulas over several steps, the Optimizer bookkeeping (learning rates, multipliers, update
counts, registry, Updater), in-place semantics (views, versions, autograd) and bad input."""

import doctest
import importlib
import math
import warnings

import numpy as onp
import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import raises, views
from deepblocks import MXNetError, _core, autograd, nd, optimizer
from deepblocks import np as dnp

# ---- NumPy reference: MXNet 1.9.1's update rules, written out in float64 ----------------------


def _clip(x, c):
    return x if c is None or c < 0 else onp.clip(x, -c, c)


class Reference:
    """One optimizer configuration, applied to NumPy arrays (in float64)."""

    def __init__(self, name, learning_rate=None, wd=0.0, rescale_grad=1.0, clip_gradient=None, **kw):
        self.name, self.kw = name.lower(), kw
        defaults = {"adam": 0.001, "adamw": 0.001, "rmsprop": 0.001}
        self.lr = defaults.get(self.name, 0.01) if learning_rate is None else learning_rate
        self.wd, self.rescale, self.clip = wd, rescale_grad, clip_gradient
        self.t = 0

    def state(self, w):
        z = lambda: onp.zeros_like(w, dtype="float64")  # noqa: E731
        return {"sgd": [z()], "nag": [z()], "adam": [z(), z()], "adamw": [z(), z()], "adagrad": [z()],
                "rmsprop": [z(), z(), z()]}[self.name]

    def step(self, w, g, s, lr_mult=1.0, wd_mult=1.0):
        """Updates float64 arrays ``w`` and ``s`` in place."""
        self.t += 1
        k, lr, wd, r = self.kw, self.lr * lr_mult, self.wd * wd_mult, self.rescale
        # MXNet passes clip_gradient to its kernels only when it is truthy; AdaGrad clips
        # whenever it is not None.
        c = self.clip if self.name == "adagrad" else (self.clip or None)
        if self.name in ("sgd", "nag"):
            mom = k.get("momentum", 0.0)
            G = _clip(r * g, c) + wd * w
            if mom == 0:
                w -= lr * G
            elif self.name == "nag" or k.get("nesterov"):
                # MXNet's documented NAG form; its state is the kernel's divided by -lr.
                s[0][...] = mom * s[0] + G
                w -= lr * (G + mom * s[0])
            else:
                s[0][...] = mom * s[0] - lr * G
                w += s[0]
        elif self.name in ("adam", "adamw"):
            b1, b2 = k.get("beta1", 0.9), k.get("beta2", 0.999)
            eps = k.get("epsilon", 1e-8 if self.name == "adam" else 1e-6)
            G = _clip(r * g, c) if self.name == "adamw" else _clip(r * g + wd * w, c)
            s[0][...] = b1 * s[0] + (1 - b1) * G
            s[1][...] = b2 * s[1] + (1 - b2) * G * G
            if k.get("correct_bias", True):
                lr *= math.sqrt(1 - b2**self.t) / (1 - b1**self.t)
            d = s[0] / (onp.sqrt(s[1]) + eps)
            w -= lr * (d + wd * w) if self.name == "adamw" else lr * d
        elif self.name == "rmsprop":
            g1, g2, eps = k.get("gamma1", 0.9), k.get("gamma2", 0.9), k.get("epsilon", 1e-8)
            G = _clip(r * g + wd * w, c)
            n, m, delta = s
            n[...] = (1 - g1) * G * G + g1 * n
            if k.get("centered"):
                m[...] = (1 - g1) * G + g1 * m
                delta[...] = g2 * delta - lr * G / onp.sqrt(n - m * m + eps)
                w += delta
            else:
                w -= lr * G / onp.sqrt(n + eps)
            if k.get("clip_weights"):
                w[...] = _clip(w, k["clip_weights"])
        elif self.name == "adagrad":
            G = _clip(r * g, c)
            s[0][...] += G * G
            w -= lr * (G / onp.sqrt(s[0] + k.get("eps", 1e-7)) + wd * w)
        else:
            raise KeyError(self.name)

    def expected_state(self, s):
        """The reference state in the layout the deepblocks optimizer keeps."""
        if self.name in ("sgd", "nag"):
            mom = self.kw.get("momentum", 0.0)
            if mom == 0:
                return None
            if self.name == "nag" or self.kw.get("nesterov"):
                return -self.lr * s[0]
            return s[0]
        if self.name == "adagrad":
            return s[0]
        if self.name == "rmsprop":
            return tuple(s) if self.kw.get("centered") else (s[0],)
        return tuple(s)


CONFIGS = [
    ("sgd", {}),
    ("sgd", {"momentum": 0.9}),
    ("sgd", {"momentum": 0.9, "nesterov": True}),
    ("nag", {"momentum": 0.9}),
    ("nag", {}),
    ("adam", {}),
    ("adam", {"beta1": 0.8, "beta2": 0.99, "epsilon": 1e-6}),
    ("adamw", {}),
    ("adamw", {"correct_bias": False}),
    ("rmsprop", {}),
    ("rmsprop", {"centered": True, "gamma1": 0.95, "gamma2": 0.8}),
    ("rmsprop", {"clip_weights": 0.5}),
    ("adagrad", {}),
    ("adagrad", {"eps": 1e-5}),
]
COMMON = {"learning_rate": 0.05, "wd": 0.01, "rescale_grad": 0.5, "clip_gradient": 0.4}


def _ids(c):
    return c[0] + "".join(f"-{k}={v}" for k, v in c[1].items())


def _tol(dtype):
    return dict(rtol=1e-4, atol=1e-6) if onp.dtype(dtype) == onp.float32 else dict(rtol=1e-10, atol=1e-12)


def _as_tuple(x):
    return x if isinstance(x, tuple) else (x,)


def _check_state(got, want, dtype):
    if want is None:
        assert got is None
        return
    for a, b in zip(_as_tuple(got), _as_tuple(want), strict=True):
        assert a.dtype == onp.dtype(dtype)
        onp.testing.assert_allclose(a.asnumpy(), b, **_tol(dtype))


def _run(name, kw, dtype, shape, steps, rng, common=COMMON, grad_view=None):
    """Runs ``steps`` updates through deepblocks and the reference; compares after each."""
    opt = optimizer.create(name, **common, **kw)
    ref = Reference(name, **common, **kw)
    host_w = rng.uniform(-1, 1, shape)
    w = dnp.array(host_w.astype(dtype))
    ref_w = host_w.astype(dtype).astype("float64")
    state, ref_state = opt.create_state(0, w), ref.state(ref_w)
    for _ in range(steps):
        host_g = rng.uniform(-2, 2, shape).astype(dtype)
        g = grad_view(host_g) if grad_view else dnp.array(host_g)
        opt.update(0, w, g, state)
        ref.step(ref_w, host_g.astype("float64"), ref_state)
        assert w.dtype == onp.dtype(dtype) and w.shape == tuple(shape)
        onp.testing.assert_allclose(w.asnumpy(), ref_w, **_tol(dtype))
        _check_state(state, ref.expected_state(ref_state), dtype)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("config", CONFIGS, ids=_ids)
def test_matches_the_reference_over_steps(config, dtype):
    name, kw = config
    _run(name, kw, dtype, (4, 5), 6, onp.random.default_rng(0))


@pytest.mark.parametrize("config", CONFIGS, ids=_ids)
def test_plain_hyperparameters(config):
    """No weight decay, rescaling or clipping: the bare rules."""
    name, kw = config
    _run(name, kw, "float64", (7,), 4, onp.random.default_rng(1), common={"learning_rate": 0.1})


@pytest.mark.parametrize("config", CONFIGS, ids=_ids)
def test_transposed_gradient(config):
    """A non-contiguous gradient (a transposed view) is read in place."""
    name, kw = config

    def transposed(host_g):
        g = dnp.array(onp.ascontiguousarray(host_g.T)).T
        assert not g.asnumpy().flags.c_contiguous or g.ndim < 2
        return g

    _run(name, kw, "float32", (3, 6), 3, onp.random.default_rng(2), grad_view=transposed)


def test_large_weight_takes_the_parallel_path():
    _run("adam", {}, "float32", (256, 784), 2, onp.random.default_rng(3))
    _run("sgd", {"momentum": 0.9}, "float64", (300, 500), 2, onp.random.default_rng(4))


@st.composite
def _cases(draw):
    name, kw = draw(st.sampled_from(CONFIGS))
    dtype = draw(st.sampled_from(["float32", "float64"]))
    shape = tuple(draw(st.lists(st.integers(1, 5), min_size=0, max_size=3)))
    common = {
        "learning_rate": draw(st.floats(1e-3, 0.5)),
        "wd": draw(st.sampled_from([0.0, 1e-3, 0.1])),
        "rescale_grad": draw(st.floats(0.1, 2.0)),
        "clip_gradient": draw(st.none() | st.floats(0.05, 3.0)),
    }
    grads = [draw(views(dtype, shape, kind=draw(st.sampled_from(["contig", "strided", "negative", "transposed"])),
                        small=True)) for _ in range(3)]
    return name, kw, dtype, shape, common, grads


@given(_cases())
def test_hypothesis_against_the_reference(case):
    name, kw, dtype, shape, common, grads = case
    opt = optimizer.create(name, **common, **kw)
    ref = Reference(name, **common, **kw)
    host_w = onp.linspace(-1, 1, int(onp.prod(shape))).reshape(shape).astype(dtype)
    w = dnp.array(host_w)
    ref_w = host_w.astype("float64")
    state, ref_state = opt.create_state(3, w), ref.state(ref_w)
    for host_g, g in grads:
        opt.update(3, w, g, state)
        ref.step(ref_w, host_g.astype("float64"), ref_state)
    tol = dict(rtol=2e-4, atol=1e-5) if dtype == "float32" else dict(rtol=1e-9, atol=1e-11)
    onp.testing.assert_allclose(w.asnumpy(), ref_w, **tol)
    want = ref.expected_state(ref_state)
    assert (state is None) == (want is None)
    if want is not None:
        for a, b in zip(_as_tuple(state), _as_tuple(want), strict=True):
            onp.testing.assert_allclose(a.asnumpy(), b, **tol)


def test_nag_equals_the_documented_form_and_sgd_nesterov():
    rng = onp.random.default_rng(5)
    w1, w2 = dnp.array(rng.uniform(size=5)), None
    w2 = w1.copy()
    a, b = optimizer.NAG(learning_rate=0.1, momentum=0.9), optimizer.SGD(learning_rate=0.1, momentum=0.9, nesterov=True)
    s1, s2 = a.create_state(0, w1), b.create_state(0, w2)
    for _ in range(3):
        g = dnp.array(rng.uniform(size=5))
        a.update(0, w1, g, s1)
        b.update(0, w2, g, s2)
    assert (w1.asnumpy() == w2.asnumpy()).all()
    assert isinstance(a, optimizer.SGD) and a.nesterov


# ---- in place: views, versions, autograd, array classes ---------------------------------------


def test_update_writes_through_to_live_views():
    w = dnp.array(onp.arange(6, dtype="float32").reshape(2, 3))
    row, col = w[1], w[:, 2]
    opt = optimizer.SGD(learning_rate=1.0)
    opt.update(0, w, dnp.ones((2, 3)), None)
    onp.testing.assert_array_equal(row.asnumpy(), [2.0, 3.0, 4.0])
    onp.testing.assert_array_equal(col.asnumpy(), [1.0, 4.0])


def test_a_view_as_weight_updates_only_its_elements():
    base = dnp.zeros((3, 4))
    w = base[:, ::2]
    optimizer.SGD(learning_rate=1.0).update(0, w, dnp.ones((3, 2)), None)
    expected = onp.zeros((3, 4))
    expected[:, ::2] = -1
    onp.testing.assert_array_equal(base.asnumpy(), expected)


def test_gradient_that_is_the_weight_itself():
    w = dnp.array([1.0, 2.0])
    optimizer.SGD(learning_rate=0.5).update(0, w, w, None)
    onp.testing.assert_array_equal(w.asnumpy(), [0.5, 1.0])


def test_update_bumps_the_version_so_autograd_notices():
    x = dnp.array([1.0, 2.0, 3.0])
    x.attach_grad()
    with autograd.record():
        y = (x * x).sum()
    optimizer.SGD(learning_rate=0.1).update(0, x, dnp.ones(3), None)
    with pytest.raises(MXNetError):
        y.backward()


def test_update_inside_record_is_not_recorded():
    x = dnp.array([1.0, 2.0])
    x.attach_grad()
    opt = optimizer.Adam(learning_rate=0.1)
    state = opt.create_state(0, x)
    with autograd.record():
        opt.update(0, x, dnp.array([1.0, 1.0]), state)
        y = (x * x).sum()
    y.backward()
    onp.testing.assert_allclose(x.grad.asnumpy(), 2 * x.asnumpy())
    onp.testing.assert_allclose(x.asnumpy(), [0.9, 1.9], rtol=1e-6)


def test_training_loop_with_attached_gradients():
    rng = onp.random.default_rng(6)
    X = dnp.array(rng.normal(size=(64, 3)))
    true_w = onp.array([1.5, -2.0, 0.5])
    Y = dnp.array(X.asnumpy() @ true_w)
    w = dnp.zeros(3)
    w.attach_grad()
    updater = optimizer.get_updater(optimizer.create("sgd", learning_rate=0.1, momentum=0.5))
    for _ in range(200):
        with autograd.record():
            loss = ((dnp.dot(X, w) - Y) ** 2).mean()
        loss.backward()
        updater(0, w.grad, w)
    onp.testing.assert_allclose(w.asnumpy(), true_w, atol=1e-3)


@pytest.mark.parametrize("name", ["sgd", "nag", "adam", "adamw", "rmsprop", "adagrad"])
def test_legacy_nd_arrays(name):
    opt = optimizer.create(name, momentum=0.9) if name in ("sgd", "nag") else optimizer.create(name)
    w = nd.array([[1.0, 2.0], [3.0, 4.0]])
    state = opt.create_state(0, w)
    for s in _as_tuple(state):
        assert type(s) is nd.NDArray and s.shape == (2, 2) and s.dtype == onp.float32
        assert s.ctx == w.ctx
    before = w.asnumpy().copy()
    opt.update(0, w, nd.ones((2, 2)), state)
    assert type(w) is nd.NDArray
    assert (w.asnumpy() < before).all()


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_states_match_weight_dtype_and_device(dtype):
    w = dnp.zeros((2, 3), dtype=dtype)
    for opt in (optimizer.Adam(), optimizer.RMSProp(centered=True), optimizer.AdaGrad(), optimizer.SGD(momentum=0.1)):
        for s in _as_tuple(opt.create_state(0, w)):
            assert type(s) is dnp.ndarray and s.dtype == onp.dtype(dtype) and s.shape == (2, 3)
            assert (s.asnumpy() == 0).all() and s.ctx == w.ctx
    assert optimizer.SGD().create_state(0, w) is None
    assert optimizer.NAG().create_state(0, w) is None
    assert len(optimizer.RMSProp().create_state(0, w)) == 1


# ---- Optimizer bookkeeping ----------------------------------------------------------------------


class _Param:
    def __init__(self, lr_mult=1.0, wd_mult=1.0):
        self.lr_mult, self.wd_mult = lr_mult, wd_mult


def test_default_learning_rates():
    assert optimizer.SGD().learning_rate == 0.01
    assert optimizer.NAG().learning_rate == 0.01
    assert optimizer.AdaGrad().learning_rate == 0.01
    assert optimizer.Adam().learning_rate == 0.001
    assert optimizer.AdamW().learning_rate == 0.001
    assert optimizer.RMSProp().learning_rate == 0.001
    assert optimizer.AdamW().epsilon == 1e-6 and optimizer.Adam().epsilon == 1e-8
    assert optimizer.AdaGrad().float_stable_eps == 1e-7
    opt = optimizer.RMSProp()
    assert (opt.gamma1, opt.gamma2, opt.epsilon, opt.centered, opt.clip_weights) == (0.9, 0.9, 1e-8, False, None)


def test_param_dict_multipliers():
    params = {0: _Param(lr_mult=2.0, wd_mult=0.0), 1: _Param(lr_mult=0.5, wd_mult=3.0)}
    opt = optimizer.SGD(learning_rate=0.1, wd=0.01, param_dict=params)
    assert opt._get_lr(0) == pytest.approx(0.2) and opt._get_wd(0) == 0.0
    assert opt._get_lr(1) == pytest.approx(0.05) and opt._get_wd(1) == pytest.approx(0.03)
    assert opt._get_lr(2) == pytest.approx(0.1) and opt._get_wd(2) == pytest.approx(0.01)
    # The Parameter's multipliers are read at each update (a Trainer may change them).
    params[0].lr_mult = 3.0
    assert opt._get_lr(0) == pytest.approx(0.3)


@pytest.mark.parametrize("config", CONFIGS, ids=_ids)
def test_param_dict_multipliers_reach_the_update(config):
    name, kw = config
    params = {7: _Param(lr_mult=0.5, wd_mult=4.0)}
    opt = optimizer.create(name, param_dict=params, **COMMON, **kw)
    ref = Reference(name, **COMMON, **kw)
    rng = onp.random.default_rng(7)
    host = rng.uniform(-1, 1, (3, 3))
    w, ref_w = dnp.array(host), host.copy()
    state, ref_state = opt.create_state(7, w), ref.state(ref_w)
    for _ in range(3):
        g = rng.uniform(-1, 1, (3, 3))
        opt.update(7, w, dnp.array(g), state)
        ref.step(ref_w, g, ref_state, lr_mult=0.5, wd_mult=4.0)
    onp.testing.assert_allclose(w.asnumpy(), ref_w, rtol=1e-10, atol=1e-12)


def test_set_lr_mult_and_wd_mult_by_index_and_name():
    opt = optimizer.SGD(learning_rate=1.0, wd=1.0, param_idx2name={0: "dense0_weight", 1: "dense0_bias", 2: "bn_gamma"})
    assert opt._get_wd(0) == 1.0 and opt._get_wd(1) == 0.0 and opt._get_wd(2) == 1.0
    opt.set_lr_mult({0: 0.1, "dense0_bias": 10.0})
    assert opt._get_lr(0) == pytest.approx(0.1) and opt._get_lr(1) == pytest.approx(10.0)
    assert opt._get_lr(2) == 1.0
    opt.set_wd_mult({"dense0_bias": 2.0})
    assert opt._get_wd(1) == 2.0
    opt.set_lr_mult({})
    assert opt._get_lr(0) == 1.0


def test_learning_rate_and_scheduler():
    opt = optimizer.SGD(learning_rate=0.5)
    assert opt.learning_rate == 0.5
    opt.set_learning_rate(0.25)
    assert opt.learning_rate == 0.25 and opt._get_lr(0) == 0.25

    class Halving:
        base_lr = 1.0

        def __call__(self, num_update):
            return self.base_lr / 2**num_update

    sched = Halving()
    opt = optimizer.SGD(learning_rate=0.8, lr_scheduler=sched)
    assert sched.base_lr == 0.8 and opt.learning_rate == 0.8
    e = raises(UserWarning, opt.set_learning_rate, 0.1, contains="LRScheduler of the optimizer has already been defined")
    assert "set_learning_rate" in str(e)
    w = dnp.array([1.0])
    opt.update(0, w, dnp.array([1.0]), None)   # num_update becomes 1 before the rate is read
    onp.testing.assert_allclose(w.asnumpy(), [1.0 - 0.4])
    assert opt.learning_rate == 0.4
    # Without learning_rate, the scheduler's base_lr is the rate.
    sched2 = Halving()
    assert optimizer.SGD(lr_scheduler=sched2).learning_rate == 1.0


def test_update_counts_are_per_index():
    opt = optimizer.Adam(begin_num_update=10)
    w = dnp.ones(2)
    states = [opt.create_state(i, w) for i in range(2)]
    assert opt.num_update == 10
    opt.update(0, w, dnp.ones(2), states[0])
    opt.update(0, w, dnp.ones(2), states[0])
    opt.update(1, w, dnp.ones(2), states[1])
    assert opt._index_update_count == {0: 12, 1: 11}
    assert opt.num_update == 12
    opt._update_count([0, 1])
    assert opt._index_update_count == {0: 13, 1: 12} and opt.num_update == 13


def test_adam_bias_correction_uses_the_parameter_count():
    """Two parameters updated a different number of times get different corrections."""
    opt = optimizer.Adam(learning_rate=0.1)
    a, b = dnp.zeros(1), dnp.zeros(1)
    sa, sb = opt.create_state(0, a), opt.create_state(1, b)
    for _ in range(5):
        opt.update(0, a, dnp.ones(1), sa)
    opt.update(1, b, dnp.ones(1), sb)
    # A constant gradient gives exactly -lr per step once the moments are corrected.
    onp.testing.assert_allclose(a.asnumpy(), [-0.5], rtol=1e-5)
    onp.testing.assert_allclose(b.asnumpy(), [-0.1], rtol=1e-5)


def test_list_updates():
    opt = optimizer.SGD(learning_rate=1.0)
    ws = [dnp.ones(2), dnp.ones(3)]
    opt.update([0, 1], ws, [dnp.ones(2), dnp.ones(3)], [None, None])
    assert all((w.asnumpy() == 0).all() for w in ws)
    assert opt._index_update_count == {0: 1, 1: 1}


def test_updater_creates_state_once_and_accepts_lists():
    opt = optimizer.SGD(learning_rate=0.1, momentum=0.9)
    updater = optimizer.get_updater(opt)
    assert isinstance(updater, optimizer.Updater) and updater.optimizer is opt
    w = dnp.zeros(2)
    updater(0, dnp.ones(2), w)
    mom = updater.states[0]
    updater(0, dnp.ones(2), w)
    assert updater.states[0] is mom
    onp.testing.assert_allclose(w.asnumpy(), [-0.1 - 0.19] * 2)
    ws = [dnp.zeros(1), dnp.zeros(1)]
    updater([1, "b"], [dnp.ones(1), dnp.ones(1)], ws)
    assert set(updater.states) == {0, 1, "b"}


def test_registry_and_create():
    for name, cls in [("sgd", optimizer.SGD), ("SGD", optimizer.SGD), ("nag", optimizer.NAG), ("Adam", optimizer.Adam),
                      ("adamw", optimizer.AdamW), ("RMSProp", optimizer.RMSProp), ("adagrad", optimizer.AdaGrad)]:
        assert type(optimizer.create(name)) is cls
        assert type(optimizer.Optimizer.create_optimizer(name)) is cls
    opt = optimizer.create("adam", learning_rate=0.1, beta1=0.5, wd=0.2)
    assert (opt.learning_rate, opt.beta1, opt.wd) == (0.1, 0.5, 0.2)
    raises(ValueError, optimizer.create, "nope", contains="Cannot find optimizer nope")

    @optimizer.register
    class MyTestOpt(optimizer.Optimizer):
        def _step(self, index, weight, grad, state):
            weight += grad

    assert type(optimizer.create("mytestopt")) is MyTestOpt
    w = dnp.zeros(2)
    optimizer.create("MyTestOpt").update(0, w, dnp.ones(2), None)
    assert (w.asnumpy() == 1).all()
    with pytest.warns(UserWarning, match="overriding"):
        optimizer.register(type("MyTestOpt", (optimizer.Optimizer,), {}))
    raises(TypeError, optimizer.register, object)


def test_base_optimizer_and_mxnet_keywords():
    opt = optimizer.Optimizer()
    assert opt.create_state(0, dnp.ones(1)) is None
    raises(NotImplementedError, opt.update, 0, dnp.ones(1), dnp.ones(1), None)
    # MXNet keywords without an effect here are accepted; unknown ones are a TypeError.
    optimizer.SGD(multi_precision=True, allow_np=True, aggregate_num=4, use_fused_step=False, sym=None)
    raises(TypeError, optimizer.SGD, momentun=0.9, contains="momentun")
    raises(TypeError, optimizer.Optimizer, param_idx2name=[("a", 1)])


def test_clip_gradient_zero_follows_mxnet():
    """MXNet passes clip_gradient to its kernels only when truthy (0 means no clipping),
    except in AdaGrad, which clips whenever it is not None."""
    w = dnp.array([0.0])
    optimizer.SGD(learning_rate=1.0, clip_gradient=0).update(0, w, dnp.array([2.0]), None)
    assert w.asnumpy()[0] == -2.0
    opt = optimizer.AdaGrad(learning_rate=1.0, clip_gradient=0)
    w = dnp.array([1.0])
    opt.update(0, w, dnp.array([2.0]), opt.create_state(0, w))
    assert w.asnumpy()[0] == 1.0


def test_empty_and_zero_dim_weights():
    for shape in [(0,), (2, 0), ()]:
        for name, kw in CONFIGS:
            opt = optimizer.create(name, **kw)
            w = dnp.ones(shape)
            opt.update(0, w, dnp.ones(shape), opt.create_state(0, w))
            assert w.shape == shape


# ---- bad input ------------------------------------------------------------------------------------


def test_shape_mismatch_is_a_value_error():
    opt = optimizer.Adam()
    w = dnp.zeros((2, 3))
    state = opt.create_state(0, w)
    raises(ValueError, opt.update, 0, w, dnp.zeros((3, 2)), state, contains=["grad", "(3, 2)", "(2, 3)"])
    raises(ValueError, opt.update, 0, w, dnp.zeros((2, 3)), (dnp.zeros(6), state[1]), contains=["mean", "(6,)"])
    raises(ValueError, _core.sgd_update, w, dnp.zeros(3), None, 0.1, contains="sgd_update")


def test_dtype_mismatch_is_a_type_error():
    w = dnp.zeros(3, dtype="float32")
    raises(TypeError, _core.sgd_update, w, dnp.zeros(3, dtype="float64"), None, 0.1, contains=["float64", "float32"])
    raises(TypeError, _core.sgd_update, w, dnp.zeros(3), dnp.zeros(3, dtype="float64"), 0.1, 0.0, 0.9, contains="mom")
    wi = dnp.zeros(3, dtype="int32")
    raises(TypeError, optimizer.SGD().update, 0, wi, dnp.zeros(3, dtype="int32"), None, contains="int32")
    raises(TypeError, _core.adagrad_update, w, onp.zeros(3, "float32"), dnp.zeros(3), 0.1,
           contains=["grad", "deepblocks array"])
    raises(TypeError, _core.sgd_update, [1.0], w, None, 0.1, contains="weight")


def test_bad_states():
    w = dnp.zeros(3)
    raises(ValueError, _core.sgd_update, w, dnp.ones(3), w, 0.1, 0.0, 0.9, contains="share memory")
    m = dnp.zeros(3)
    raises(ValueError, _core.adam_update, w, dnp.ones(3), m, m, 0.1, contains=["mean", "var"])
    raises(ValueError, _core.sgd_update, dnp.broadcast_to(dnp.zeros(1), (3,)), dnp.ones(3), None, 0.1,
           contains="overlap")
    raises(TypeError, _core.rmsprop_update, w, dnp.ones(3), dnp.zeros(3), dnp.zeros(3), None, 0.1,
           contains="both g and delta")
    opt = optimizer.RMSProp(centered=True)
    raises(ValueError, opt.update, 0, w, dnp.ones(3), (dnp.zeros(3),))
    # Nothing was written by the failed calls.
    assert (w.asnumpy() == 0).all()


# ---- documentation ----------------------------------------------------------------------------------


@pytest.mark.parametrize("module", ["deepblocks.optimizer", "deepblocks.optimizer.optimizer", "deepblocks.optimizer.sgd",
                                    "deepblocks.optimizer.adam", "deepblocks.optimizer.rmsprop",
                                    "deepblocks.optimizer.adagrad"])
def test_docstring_examples(module):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = doctest.testmod(importlib.import_module(module), optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0
    assert result.failed == 0


def test_allow_np_array_attribute_as_mxnet():
    # MXNet 1.9.1: Optimizer.allow_np_array is the array mode at construction; an Updater works
    # without it (MXNet's own backward-compatibility test deletes it)
    from deepblocks import util
    with util.np_array(True):
        assert optimizer.SGD().allow_np_array is True
    with util.np_array(False):
        assert optimizer.SGD().allow_np_array is False
    opt = optimizer.SGD()
    del opt.allow_np_array
    w = dnp.zeros((0, 0))
    optimizer.Updater(opt)(0, dnp.ones((0, 0)), w)
    assert w.shape == (0, 0)

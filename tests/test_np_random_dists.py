"""``np.random``'s distributions beyond uniform/normal and ``npx.random``'s extension samplers:
signatures, shapes, dtypes and errors as recorded from MXNet 1.9.1 / NumPy; one seed repeats
them all; the samples follow their distributions (Kolmogorov–Smirnov against scipy.stats for
the continuous ones, chi-square goodness of fit for the discrete ones, moments within a few
standard errors without scipy); gradients of the reparameterized samplers against central
differences taken on the same standard draws. Fixed seeds keep every test deterministic."""

import inspect
import math

import numpy as onp
import pytest

from conftest import raises
from deepblocks import autograd, npx
from deepblocks import np as dnp
from deepblocks import host_samplers

R = dnp.random

# name, positional parameters, scipy.stats distribution (name, args, kwds), mean, variance
CONTINUOUS = [
    ("exponential", (2.0,), ("expon", (), dict(scale=2.0)), 2.0, 4.0),
    ("lognormal", (0.5, 0.4), ("lognorm", (0.4,), dict(scale=math.exp(0.5))),
     math.exp(0.5 + 0.08), (math.exp(0.16) - 1) * math.exp(1 + 0.16)),
    ("logistic", (1.0, 2.0), ("logistic", (), dict(loc=1.0, scale=2.0)), 1.0, 4 * math.pi ** 2 / 3),
    ("gumbel", (1.0, 2.0), ("gumbel_r", (), dict(loc=1.0, scale=2.0)), 1.0 + 2 * 0.5772156649, math.pi ** 2 / 6 * 4),
    ("rayleigh", (2.0,), ("rayleigh", (), dict(scale=2.0)), 2.0 * math.sqrt(math.pi / 2), (4 - math.pi) / 2 * 4),
    ("weibull", (1.5,), ("weibull_min", (1.5,), {}), math.gamma(1 + 1 / 1.5),
     math.gamma(1 + 2 / 1.5) - math.gamma(1 + 1 / 1.5) ** 2),
    ("pareto", (5.0,), ("lomax", (5.0,), {}), 1 / 4, 5 / (16 * 3)),
    ("power", (2.5,), ("powerlaw", (2.5,), {}), 2.5 / 3.5, 2.5 / (3.5 ** 2 * 4.5)),
    ("laplace", (1.0, 2.0), ("laplace", (), dict(loc=1.0, scale=2.0)), 1.0, 8.0),
    ("gamma", (0.5, 2.0), ("gamma", (0.5,), dict(scale=2.0)), 1.0, 2.0),
    ("gamma", (3.0, 1.5), ("gamma", (3.0,), dict(scale=1.5)), 4.5, 6.75),
    ("beta", (2.0, 5.0), ("beta", (2.0, 5.0), {}), 2 / 7, 10 / (49 * 8)),
    ("beta", (0.3, 0.4), ("beta", (0.3, 0.4), {}), 3 / 7, 0.12 / (0.49 * 1.7)),
    ("chisquare", (3.0,), ("chi2", (3.0,), {}), 3.0, 6.0),
    ("uniform", (-1.0, 3.0), ("uniform", (), dict(loc=-1.0, scale=4.0)), 1.0, 16 / 12),
    ("normal", (1.0, 2.0), ("norm", (), dict(loc=1.0, scale=2.0)), 1.0, 4.0),
]
IDS = [f"{c[0]}{c[1]}" for c in CONTINUOUS]
N = 4000


def _draw(name, args, size, seed, **kw):
    R.seed(seed)
    return getattr(R, name)(*args, size=size, **kw)


# ---- signatures, names ------------------------------------------------------------------------


def test_signatures_extend_mxnet():
    # Recorded from MXNet 1.9.1 (`inspect.signature(mx.np.random.<name>)`); ours may only add
    # keywords after MXNet's own (dtype, device), so MXNet's positional calls mean the same.
    mx = {
        "beta": "a, b, size=None, dtype=None, ctx=None",
        "chisquare": "df, size=None, dtype=None, ctx=None",
        "choice": "a, size=None, replace=True, p=None, ctx=None, out=None",
        "exponential": "scale=1.0, size=None, ctx=None, out=None",
        "gamma": "shape, scale=1.0, size=None, dtype=None, ctx=None, out=None",
        "gumbel": "loc=0.0, scale=1.0, size=None, ctx=None, out=None",
        "logistic": "loc=0.0, scale=1.0, size=None, ctx=None, out=None",
        "lognormal": "mean=0.0, sigma=1.0, size=None, dtype=None, ctx=None, out=None",
        "multinomial": "n, pvals, size=None, **kwargs",
        "multivariate_normal": "mean, cov, size=None, check_valid=None, tol=None",
        "pareto": "a, size=None, ctx=None, out=None",
        "power": "a, size=None",
        "rayleigh": "scale=1.0, size=None, ctx=None, out=None",
        "weibull": "a, size=None, ctx=None, out=None",
        "uniform": "low=0.0, high=1.0, size=None, dtype=None, ctx=None, out=None",
        "normal": "loc=0.0, scale=1.0, size=None, dtype=None, ctx=None, out=None",
        "randint": "low, high=None, size=None, dtype=None, ctx=None, out=None",
    }
    for name, sig in mx.items():
        ours = str(inspect.signature(getattr(R, name)))[1:-1]
        assert ours.startswith(sig.replace(", **kwargs", "")), (name, ours)
        assert name in R.__all__
    npx_sigs = {
        "bernoulli": "prob=None, logit=None, size=None, dtype=None, ctx=None, out=None",
        "normal_n": "loc=0.0, scale=1.0, batch_shape=None, dtype=None, ctx=None",
        "uniform_n": "low=0.0, high=1.0, batch_shape=None, dtype=None, ctx=None",
        "seed": "seed, ctx='all'",
    }
    for name, sig in npx_sigs.items():
        assert str(inspect.signature(getattr(npx.random, name)))[1:-1].startswith(sig), name
    assert sorted(npx.random.__all__) == sorted(npx_sigs)


# ---- shapes, dtypes, broadcasting, out= ---------------------------------------------------------

ONE_PARAM = {"exponential": 2.0, "rayleigh": 2.0, "weibull": 1.5, "pareto": 3.0, "power": 2.0, "chisquare": 3.0}
TWO_PARAM = {"lognormal": (0.0, 1.0), "logistic": (0.0, 1.0), "gumbel": (0.0, 1.0), "laplace": (0.0, 1.0),
             "gamma": (2.0, 1.0), "beta": (2.0, 3.0), "normal": (0.0, 1.0), "uniform": (0.0, 1.0)}


@pytest.mark.parametrize("name", sorted(ONE_PARAM) + sorted(TWO_PARAM))
def test_shapes_dtypes_broadcasting_out(name):
    f = getattr(R, name)
    if name in ONE_PARAM:
        p = ONE_PARAM[name]
        args, arr_args = (p,), (dnp.full((2, 1), p),)
        list_args = ([[p], [p]],)
    else:
        p, q = TWO_PARAM[name]
        args, arr_args = (p, q), (dnp.full((2, 1), p), dnp.full((3,), q))
        list_args = ([[p], [p]], [q, q, q])
    # recorded from MXNet 1.9.1: number parameters and no size give one float32 sample of shape ()
    x = f(*args)
    assert x.shape == () and x.dtype == onp.float32 and isinstance(x, dnp.ndarray)
    assert f(*args, size=5).shape == (5,)
    assert f(*args, size=(2, 3)).shape == (2, 3)
    assert f(*args, size=()).shape == ()  # MXNet: size=() is no size
    assert f(*args, size=(2, 0)).shape == (2, 0)
    # array (and list) parameters broadcast; size must hold their broadcast shape
    want = (2, 1) if name in ONE_PARAM else (2, 3)
    assert f(*arr_args).shape == want
    assert f(*list_args).shape == want
    assert f(*arr_args, size=(4,) + want).shape == (4,) + want
    assert f(*arr_args, size=(2, 3)).shape == (2, 3)
    raises(ValueError, f, *arr_args, size=(3, 2), contains=["(3, 2)", str(want)])
    raises(ValueError, f, *arr_args, size=(4,), contains="(4,)")
    if name in TWO_PARAM:
        raises(ValueError, f, dnp.ones(2), dnp.ones(3), contains=["broadcast", "(2,)", "(3,)"])
    # float64 on request (a keyword for the samplers MXNet gives no dtype)
    assert f(*args, size=3, dtype="float64").dtype == onp.float64
    assert f(*arr_args, dtype="float64").dtype == onp.float64
    raises(TypeError, f, *args, size=3, dtype="int32", contains="dtype")
    # out=: written and returned; without size, out's shape and dtype are taken
    o = dnp.zeros((2, 2), dtype="float64")
    assert f(*args, out=o) is o and bool((o != 0).any())
    assert o.dtype == onp.float64
    raises(ValueError, f, *args, size=(3,), out=dnp.zeros((2,)), contains=["(2,)", "(3,)"])
    raises(TypeError, f, *args, size=2, out=onp.zeros(2), contains="out")
    raises(TypeError, f, *(("x",) + args[1:]), contains="number or an array")


def test_discrete_and_vector_shapes():
    # NumPy: int64 counts, parameters broadcast, size as for the continuous samplers
    for x in (R.poisson(3.0), R.binomial(10, 0.5)):
        assert x.shape == () and x.dtype == onp.int64
    assert R.poisson(dnp.array([1.0, 2.0]), size=(3, 2)).shape == (3, 2)
    assert R.binomial([[5], [10]], [0.1, 0.5, 0.9]).shape == (2, 3)
    assert R.poisson(2.0, size=4, dtype="float32").dtype == onp.float32
    raises(ValueError, R.binomial, [5, 10], 0.5, size=(3,))
    # recorded from MXNet 1.9.1: multinomial gives int64 of shape size + (len(pvals),)
    m = R.multinomial(10, [0.2, 0.8])
    assert m.shape == (2,) and m.dtype == onp.int64 and int(m.sum()) == 10
    assert R.multinomial(10, [0.2, 0.8], size=(2, 3)).shape == (2, 3, 2)
    assert R.multinomial(10, dnp.array([0.2, 0.8])).shape == (2,)
    # recorded from MXNet 1.9.1: multivariate_normal shapes (batched mean/cov broadcast)
    mvn = R.multivariate_normal
    assert mvn(dnp.zeros(2), dnp.eye(2)).shape == (2,) and mvn(dnp.zeros(2), dnp.eye(2)).dtype == onp.float32
    assert mvn(dnp.zeros(2), dnp.eye(2), size=(3, 4)).shape == (3, 4, 2)
    assert mvn(dnp.zeros((3, 2)), dnp.eye(2)).shape == (3, 2)
    assert mvn(dnp.zeros(2), dnp.ones((4, 2, 2)), size=5).shape == (5, 4, 2)
    assert mvn([0.0, 1.0], [[1.0, 0.0], [0.0, 1.0]], dtype="float64").dtype == onp.float64
    # batch axes broadcast (MXNet 1.9.1's fallback refuses this one; its documentation allows it)
    assert mvn(dnp.zeros((3, 2)), dnp.ones((4, 1, 2, 2)), size=5).shape == (5, 4, 3, 2)
    raises(ValueError, mvn, dnp.zeros((3, 2)), dnp.ones((4, 2, 2)), contains="broadcast")


def test_npx_samplers_shapes_and_dtypes():
    B = npx.random
    # recorded from MXNet 1.9.1
    assert B.bernoulli(0.5).shape == () and B.bernoulli(0.5).dtype == onp.float32
    assert B.bernoulli(0.5, size=(2, 3)).shape == (2, 3)
    assert B.bernoulli(logit=dnp.zeros((2, 3))).shape == (2, 3)
    assert B.bernoulli(0.5, dtype="int32").dtype == onp.int32
    assert B.bernoulli(0.5, dtype="bool").dtype == onp.bool_
    assert B.uniform_n(dnp.zeros(3), 1, batch_shape=(2,)).shape == (2, 3)
    assert B.uniform_n(0, 1, batch_shape=(2,)).shape == (2,)
    assert B.uniform_n(0, 1).shape == ()
    assert B.normal_n(dnp.zeros((3, 1)), dnp.ones(2), batch_shape=(4, 5)).shape == (4, 5, 3, 2)
    assert B.normal_n(dnp.zeros((3, 1)), dnp.ones(2), batch_shape=4).shape == (4, 3, 2)
    x = B.bernoulli(dnp.array([0.0, 1.0]), size=(50, 2)).asnumpy()
    assert (x[:, 0] == 0).all() and (x[:, 1] == 1).all()
    y = B.bernoulli(logit=dnp.array([-50.0, 50.0]), size=(50, 2)).asnumpy()
    assert (y[:, 0] == 0).all() and (y[:, 1] == 1).all()
    o = dnp.zeros((3,))
    assert B.bernoulli(0.5, out=o) is o


# ---- parameter errors ----------------------------------------------------------------------------

BAD = [  # NumPy's ValueError cases (its messages, prefixed with the sampler's name)
    ("exponential", (-1.0,), "scale < 0"),
    ("lognormal", (0.0, -1.0), "sigma < 0"),
    ("logistic", (0.0, -1.0), "scale < 0"),
    ("gumbel", (0.0, -1.0), "scale < 0"),
    ("rayleigh", (-1.0,), "scale < 0"),
    ("weibull", (-1.0,), "a <= 0"),
    ("weibull", (0.0,), "a <= 0"),  # MXNet refuses 0 (its test_np_random_a); NumPy gives zeros
    ("pareto", (0.0,), "a <= 0"),
    ("power", (-1.0,), "a <= 0"),
    ("laplace", (0.0, -1.0), "scale < 0"),
    ("gamma", (-1.0,), "shape <= 0"),
    ("gamma", (0.0,), "shape <= 0"),  # MXNet refuses 0 (its test_gamma_exception)
    ("gamma", (1.0, -1.0), "scale <= 0"),
    ("gamma", (1.0, 0.0), "scale <= 0"),
    ("beta", (0.0, 1.0), "a <= 0"),
    ("beta", (1.0, -1.0), "b <= 0"),
    ("chisquare", (0.0,), "df <= 0"),
    ("normal", (0.0, -1.0), "scale < 0"),
    ("poisson", (-1.0,), "lam < 0"),
    ("poisson", (float("nan"),), "lam is NaN"),
    ("poisson", (1e19,), "too large"),
    ("binomial", (-1, 0.5), "n < 0"),
    ("binomial", (3, 1.5), "p > 1"),
    ("binomial", (3, float("nan")), "NaN"),
]


@pytest.mark.parametrize("name,args,msg", BAD, ids=[f"{b[0]}{b[1]}" for b in BAD])
def test_bad_parameters_raise_value_error(name, args, msg):
    f = getattr(R, name)
    raises(ValueError, f, *args, contains=[name, msg])
    # array parameters are checked element by element
    bad = [isinstance(a, float) and not 0 <= a <= 1 for a in args]
    if any(bad):
        arr = [dnp.array([1.0, a]) if x else a for a, x in zip(args, bad)]
        raises(ValueError, f, *arr, contains=msg)


def test_edge_parameters_as_numpy():
    # Zero scales give loc, as NumPy's (weibull(0) and gamma(0) are errors, as MXNet's).
    assert (R.exponential(0.0, size=3).asnumpy() == 0).all()
    assert (R.logistic(2.0, 0.0, size=3).asnumpy() == 2).all()
    assert (R.binomial(0, 0.5, size=3).asnumpy() == 0).all()
    assert (R.binomial(7, 1.0, size=3).asnumpy() == 7).all()
    assert (R.binomial(10 ** 6, 0.0, size=3).asnumpy() == 0).all()
    assert (R.poisson(0.0, size=3).asnumpy() == 0).all()
    # float trials are truncated, as NumPy's
    assert (R.binomial(2.9, 1.0, size=2).asnumpy() == 2).all()


def test_multinomial_errors_and_remainder():
    raises(ValueError, R.multinomial, 3, [-0.1, 1.1], contains="pvals < 0")
    raises(ValueError, R.multinomial, 3, [0.6, 0.6, 0.1], contains="sum(pvals[:-1]) > 1.0")
    raises(ValueError, R.multinomial, -1, [0.5, 0.5], contains="n < 0")
    raises(ValueError, R.multinomial, 3, [[0.5, 0.5]], contains="one-dimensional")
    raises(TypeError, R.multinomial, 2.5, [0.5, 0.5], contains="integer")
    raises(TypeError, R.multinomial, 3, [0.5, 0.5], bogus=1)
    # NumPy: the last probability is what the others leave (recorded: MXNet 1.9.1 gives
    # [[2 8] [2 8] [2 8] [3 7] [1 9]]-like rows for [0.1, 0.1])
    R.seed(3)
    x = R.multinomial(10, [0.1, 0.1], size=2000).asnumpy()
    assert (x.sum(axis=1) == 10).all()
    assert abs(x[:, 0].mean() - 1.0) < 5 * math.sqrt(0.9 / 2000)


def test_multivariate_normal_validity_checks():
    bad = [[1.0, 2.0], [2.0, 1.0]]  # eigenvalues 3 and -1
    with pytest.warns(RuntimeWarning, match="positive-semidefinite"):
        R.multivariate_normal([0.0, 0.0], bad)
    raises(ValueError, R.multivariate_normal, [0.0, 0.0], bad, check_valid="raise", contains="semidefinite")
    R.multivariate_normal([0.0, 0.0], bad, check_valid="ignore")
    raises(ValueError, R.multivariate_normal, [0.0, 0.0], [[1.0, 0.5], [0.0, 1.0]], check_valid="raise")
    raises(ValueError, R.multivariate_normal, [0.0, 0.0], [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]], contains="square")
    raises(ValueError, R.multivariate_normal, [0.0, 0.0, 0.0], dnp.eye(2), contains="length")
    raises(ValueError, R.multivariate_normal, [0.0], [[1.0]], check_valid="maybe")
    # singular (semidefinite) covariance works, as NumPy's
    x = R.multivariate_normal([0.0, 0.0], [[1.0, 1.0], [1.0, 1.0]], size=100).asnumpy()
    onp.testing.assert_allclose(x[:, 0], x[:, 1], rtol=1e-5, atol=1e-5)


def test_npx_bernoulli_errors():
    msg = "Either `prob` or `logit` must be specified, but not both"  # MXNet 1.9.1's message
    raises(ValueError, npx.random.bernoulli, contains=msg)
    raises(ValueError, npx.random.bernoulli, 0.5, 0.1, contains=msg)
    raises(ValueError, npx.random.bernoulli, 1.5, contains="prob")
    raises(ValueError, npx.random.bernoulli, dnp.array([0.5, -0.1]), contains="prob")


def test_choice_probabilities_validated():
    raises(ValueError, R.choice, 5, 3, p=[0.1, 0, 0.3, 0.6, 0.5])
    raises(ValueError, R.choice, 5, 3, p=[-0.1, 0, 0.3, 0.6, 0.2])
    raises(ValueError, R.choice, 5, 3, p=dnp.array([0.5, 0.5]))
    o = dnp.zeros((3,), dtype="int64")
    assert R.choice(5, 3, p=dnp.array([0.1, 0, 0.3, 0.6, 0]), out=o) is o
    assert set(o.asnumpy().tolist()) <= {0, 2, 3}


# ---- one generator --------------------------------------------------------------------------------


def _every_sampler():
    return [
        lambda: R.exponential(1.0, size=5), lambda: R.lognormal(size=5), lambda: R.logistic(size=5),
        lambda: R.gumbel(size=5), lambda: R.rayleigh(size=5), lambda: R.weibull(2.0, size=5),
        lambda: R.pareto(2.0, size=5), lambda: R.power(2.0, size=5), lambda: R.laplace(size=5),
        lambda: R.gamma(0.7, size=5), lambda: R.beta(0.5, 2.0, size=5), lambda: R.chisquare(2.0, size=5),
        lambda: R.poisson(30.0, size=5), lambda: R.binomial(500, 0.3, size=5),
        lambda: R.multinomial(20, [0.3, 0.3, 0.4], size=2), lambda: R.multivariate_normal([0.0, 0.0], dnp.eye(2)),
        lambda: R.choice(5, 4, p=[0.1, 0.2, 0.3, 0.2, 0.2]), lambda: npx.random.bernoulli(0.5, size=5),
        lambda: npx.random.uniform_n(0, 1, batch_shape=3), lambda: npx.random.normal_n(0, 1, batch_shape=3),
    ]


def test_seed_repeats_every_distribution():
    R.seed(11)
    first = [f().asnumpy() for f in _every_sampler()]
    R.seed(11)
    again = [f().asnumpy() for f in _every_sampler()]
    npx.random.seed(11)
    via_npx = [f().asnumpy() for f in _every_sampler()]
    for a, b, c in zip(first, again, via_npx):
        assert onp.array_equal(a, b) and onp.array_equal(a, c)
    R.seed(12)
    other = [f().asnumpy() for f in _every_sampler()]
    assert sum(not onp.array_equal(a, b) for a, b in zip(first, other)) >= len(first) - 2


# ---- distributions ---------------------------------------------------------------------------------


@pytest.mark.parametrize("case", CONTINUOUS, ids=IDS)
def test_moments(case):
    name, args, _, mean, var = case
    x = _draw(name, args, N, 100, dtype="float64").asnumpy()
    m4 = ((x - x.mean()) ** 4).mean()
    assert abs(x.mean() - mean) < 5 * math.sqrt(var / N), (x.mean(), mean)
    assert abs(x.var() - var) < 5 * math.sqrt(max(m4 - x.var() ** 2, 1e-12) / N), (x.var(), var)


@pytest.mark.parametrize("case", CONTINUOUS, ids=IDS)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_kolmogorov_smirnov(case, dtype):
    stats = pytest.importorskip("scipy.stats")
    name, args, (dist, dargs, dkw), _, _ = case
    x = _draw(name, args, N, 200, dtype=dtype).asnumpy()
    assert x.dtype == dtype
    p = _ks(stats, x, dist, *dargs, **dkw)
    assert p > 1e-3, (name, args, p)


def _ks(stats, x, dist, *args, **kw):
    return stats.kstest(onp.asarray(x, onp.float64), getattr(stats, dist)(*args, **kw).cdf).pvalue


def test_array_parameters_give_each_element_its_distribution():
    stats = pytest.importorskip("scipy.stats")
    R.seed(7)
    shape = dnp.array([0.3, 1.0, 4.0])
    scale = dnp.array([[1.0], [3.0]])
    x = R.gamma(shape, scale, size=(3000, 2, 3)).asnumpy()
    for i, s in enumerate((1.0, 3.0)):
        for j, k in enumerate((0.3, 1.0, 4.0)):
            assert _ks(stats, x[:, i, j], "gamma", k, scale=s) > 1e-3, (s, k)
    y = R.weibull(dnp.array([0.5, 2.0]), size=(3000, 2)).asnumpy()
    assert _ks(stats, y[:, 0], "weibull_min", 0.5) > 1e-3 and _ks(stats, y[:, 1], "weibull_min", 2.0) > 1e-3
    z = R.beta([0.5, 3.0], dnp.array([2.0, 0.7]), size=(3000, 2)).asnumpy()
    assert _ks(stats, z[:, 0], "beta", 0.5, 2.0) > 1e-3 and _ks(stats, z[:, 1], "beta", 3.0, 0.7) > 1e-3


def _chi2_gof(stats, counts_of, pmf, n):
    """Chi-square goodness of fit with the tail bins merged until each expects at least 5."""
    k = onp.arange(len(pmf))
    observed = onp.array([counts_of(i) for i in k], dtype=onp.float64)
    expected = pmf * n
    obs, exp, acc_o, acc_e = [], [], 0.0, 0.0
    for o, e in zip(observed, expected):
        acc_o, acc_e = acc_o + o, acc_e + e
        if acc_e >= 5:
            obs.append(acc_o)
            exp.append(acc_e)
            acc_o = acc_e = 0.0
    obs[-1] += acc_o + (n - observed.sum())
    exp[-1] += acc_e + (n - expected.sum())
    return stats.chisquare(obs, exp).pvalue


@pytest.mark.parametrize("name,args,scipy_dist,top", [
    ("poisson", (3.0,), ("poisson", 3.0), 30),
    ("poisson", (40.0,), ("poisson", 40.0), 120),
    ("binomial", (10, 0.3), ("binom", 10, 0.3), 11),
    ("binomial", (20, 0.85), ("binom", 20, 0.85), 21),
    ("binomial", (1000, 0.25), ("binom", 1000, 0.25), 1001),
])
def test_discrete_goodness_of_fit(name, args, scipy_dist, top):
    x = _draw(name, args, N, 300).asnumpy()
    dist = scipy_dist[0]
    mean = {"poisson": lambda lam: (lam, lam), "binom": lambda n, p: (n * p, n * p * (1 - p))}[dist](*scipy_dist[1:])
    assert abs(x.mean() - mean[0]) < 5 * math.sqrt(mean[1] / N)
    stats = pytest.importorskip("scipy.stats")
    pmf = getattr(stats, dist)(*scipy_dist[1:]).pmf(onp.arange(top))
    counts = onp.bincount(x, minlength=top)
    assert _chi2_gof(stats, lambda i: counts[i], pmf, N) > 1e-3


def test_host_binomial_split_path_is_exact_in_distribution():
    # very large n go through the order-statistics splits; moments of Binomial(n, p)
    R.seed(5)
    n, p = onp.full(N, 10 ** 7), onp.full(N, 0.37)
    x = host_samplers.binomial(n, p)
    assert x.dtype == onp.int64 and (x >= 0).all() and (x <= n).all()
    sd = math.sqrt(1e7 * 0.37 * 0.63)
    assert abs(x.mean() - 3.7e6) < 5 * sd / math.sqrt(N)
    assert abs(x.std() / sd - 1) < 5 / math.sqrt(2 * N)


def test_multinomial_bernoulli_choice_frequencies():
    R.seed(21)
    pv = [0.1, 0.2, 0.3, 0.4]
    x = R.multinomial(50, pv, size=N).asnumpy()
    assert (x.sum(axis=1) == 50).all()
    for i, pi in enumerate(pv):
        assert abs(x[:, i].mean() - 50 * pi) < 5 * math.sqrt(50 * pi * (1 - pi) / N)
    # counts of two categories covary as -n p_i p_j
    c = onp.cov(x[:, 0], x[:, 3])[0, 1]
    assert abs(c - (-50 * 0.1 * 0.4)) < 0.5
    b = npx.random.bernoulli(dnp.array([0.2, 0.7]), size=(N, 2)).asnumpy()
    onp.testing.assert_allclose(b.mean(axis=0), [0.2, 0.7], atol=5 * math.sqrt(0.25 / N))
    lb = npx.random.bernoulli(logit=math.log(3.0), size=N).asnumpy()  # sigmoid = 0.75
    assert abs(lb.mean() - 0.75) < 5 * math.sqrt(0.1875 / N)
    ch = R.choice(5, N, p=[0.1, 0.0, 0.3, 0.6, 0.0]).asnumpy()
    freq = onp.bincount(ch, minlength=5) / N
    onp.testing.assert_allclose(freq, [0.1, 0.0, 0.3, 0.6, 0.0], atol=5 * math.sqrt(0.25 / N))


def test_multivariate_normal_moments():
    R.seed(8)
    cov = onp.array([[2.0, 0.6, 0.0], [0.6, 1.0, -0.3], [0.0, -0.3, 0.5]])
    mean = [1.0, -2.0, 0.5]
    x = R.multivariate_normal(mean, cov, size=N, dtype="float64").asnumpy()
    onp.testing.assert_allclose(x.mean(axis=0), mean, atol=5 * math.sqrt(2.0 / N))
    onp.testing.assert_allclose(onp.cov(x.T), cov, atol=0.12)
    # batched: each batch row has its own mean
    xb = R.multivariate_normal(dnp.array([[0.0, 0.0], [10.0, -10.0]]), dnp.eye(2), size=N).asnumpy()
    onp.testing.assert_allclose(xb.mean(axis=0), [[0, 0], [10, -10]], atol=5 / math.sqrt(N))


# ---- gradients ---------------------------------------------------------------------------------------

# Reparameterized samplers: the sample is a function of the parameters and a standard draw that
# does not depend on them, so d sample / d param is checked against central differences taken
# with the same seed (hence the same draw), in float64.
REPARAM = [
    ("exponential", [1.7]), ("lognormal", [0.3, 0.8]), ("logistic", [0.5, 1.3]), ("gumbel", [0.5, 1.3]),
    ("rayleigh", [1.2]), ("weibull", [1.7]), ("pareto", [2.5]), ("power", [2.5]), ("laplace", [0.5, 1.3]),
    ("normal", [0.5, 1.3]), ("uniform", [0.5, 1.3]), ("gamma", [2.0, 1.3]),
]


@pytest.mark.parametrize("name,params", REPARAM, ids=[r[0] for r in REPARAM])
def test_reparameterized_gradients(name, params):
    f = getattr(R, name)
    values = [onp.array([v, v * 1.5]) for v in params]
    # gamma's shape is drawn on the host: only its scale is differentiable (MXNet: neither)
    diff = [1] if name == "gamma" else range(len(params))

    def run(vals, record=False):
        R.seed(9)
        arrs = [dnp.array(v, dtype="float64") for v in vals]
        for a in arrs:
            a.attach_grad()
        with autograd.record():
            y = f(*arrs, size=(3, 2), dtype="float64")
        if record:
            y.backward()
        return y.asnumpy(), [a.grad.asnumpy() for a in arrs]

    _, grads = run(values, record=True)
    h = 1e-6
    for i in diff:
        up = [v.copy() for v in values]
        down = [v.copy() for v in values]
        up[i] += h
        down[i] -= h
        numeric = (run(up)[0] - run(down)[0]).sum(axis=0) / (2 * h)
        onp.testing.assert_allclose(grads[i], numeric, rtol=1e-4, atol=1e-6, err_msg=f"{name} param {i}")
    if name == "gamma":
        assert (grads[0] == 0).all()


def test_non_reparameterized_samplers_send_zero_gradients():
    # recorded from MXNet 1.9.1: gamma (shape), beta, chisquare and bernoulli give zero gradients
    a, b = dnp.array([1.5, 2.5]), dnp.array([1.5, 2.5])
    a.attach_grad()
    b.attach_grad()
    for f in (lambda: R.beta(a, b), lambda: R.chisquare(a), lambda: R.gamma(a, 2.0),
              lambda: npx.random.bernoulli(a / 3), lambda: npx.random.bernoulli(logit=b)):
        with autograd.record():
            y = f()
        y.backward()
        assert (a.grad.asnumpy() == 0).all() and (b.grad.asnumpy() == 0).all()


def test_multivariate_normal_and_normal_n_differentiate_in_the_mean():
    m = dnp.array([1.0, 2.0])
    m.attach_grad()
    with autograd.record():
        y = R.multivariate_normal(m, dnp.eye(2), size=3)
    y.backward()
    assert m.grad.asnumpy().tolist() == [3.0, 3.0]
    loc = dnp.array([1.5, 2.5])
    loc.attach_grad()
    with autograd.record():
        z = npx.random.normal_n(loc, 1.0, batch_shape=(3,))
    z.backward()
    # recorded from MXNet 1.9.1: d/dloc = 3 (the batch)
    assert loc.grad.asnumpy().tolist() == [3.0, 3.0]


def test_numpy_spellings_of_the_basic_samplers():
    dnp.random.seed(3)
    a = R.random((200, 50))
    assert a.shape == (200, 50) and a.dtype == onp.float32
    assert 0 <= float(a.min()) and float(a.max()) < 1 and abs(float(a.mean()) - 0.5) < 0.01
    assert R.ranf is R.random_sample and R.sample is R.random_sample and R.random is R.random_sample
    z = R.standard_normal((20000,), dtype="float64")
    assert z.dtype == onp.float64 and abs(float(z.mean())) < 0.03 and abs(float(z.std()) - 1) < 0.03
    e = R.standard_exponential((20000,))
    assert float(e.min()) >= 0 and abs(float(e.mean()) - 1) < 0.03

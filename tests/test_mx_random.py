"""``mx.random``, MXNet's top-level samplers: signatures, returned types/shapes/dtypes and
argument errors as recorded from MXNet 1.9.1; one generator shared with ``np.random`` and the
initializers (``mx.random.seed`` repeats them all); distributions checked statistically (the
streams are deepblocks' own, so means/variances within many standard errors, not values)."""

import inspect

import numpy as onp
import pytest

import deepblocks as mx
from conftest import raises
from deepblocks import nd, npx

R = mx.random
FLOAT_SAMPLERS = [("uniform", {}), ("normal", {}), ("exponential", {}), ("gamma", {}), ("poisson", {}),
                  ("negative_binomial", {}), ("generalized_negative_binomial", {})]


def test_signatures_match_mxnet():
    # Recorded from MXNet 1.9.1 (`inspect.signature(mx.random.<name>)`), _Null shown as None.
    expected = {
        "seed": "(seed_state, ctx='all')",
        "uniform": "(low=0, high=1, shape=None, dtype=None, ctx=None, out=None, **kwargs)",
        "normal": "(loc=0, scale=1, shape=None, dtype=None, ctx=None, out=None, **kwargs)",
        "randn": "(*shape, **kwargs)",
        "randint": "(low, high, shape=None, dtype=None, ctx=None, out=None, **kwargs)",
        "exponential": "(scale=1, shape=None, dtype=None, ctx=None, out=None, **kwargs)",
        "gamma": "(alpha=1, beta=1, shape=None, dtype=None, ctx=None, out=None, **kwargs)",
        "poisson": "(lam=1, shape=None, dtype=None, ctx=None, out=None, **kwargs)",
        "negative_binomial": "(k=1, p=1, shape=None, dtype=None, ctx=None, out=None, **kwargs)",
        "generalized_negative_binomial": "(mu=1, alpha=1, shape=None, dtype=None, ctx=None, out=None, **kwargs)",
        "multinomial": "(data, shape=None, get_prob=False, out=None, dtype='int32', **kwargs)",
        "shuffle": "(data, **kwargs)",
    }
    for name, sig in expected.items():
        assert str(inspect.signature(getattr(R, name))) == sig, name
    assert set(expected) <= set(R.__all__)
    import deepblocks.random as via_import
    assert via_import is R


@pytest.mark.parametrize("name,kw", FLOAT_SAMPLERS + [("randint", {"low": 0, "high": 5})])
def test_shapes_dtypes_types(name, kw):
    # MXNet 1.9.1: no shape -> (1,); float32 (int32 for randint) unless dtype says otherwise.
    f = getattr(R, name)
    default = "int32" if name == "randint" else "float32"
    wide = "int64" if name == "randint" else "float64"
    x = f(**kw)
    assert type(x) is nd.NDArray and x.shape == (1,) and x.dtype == onp.dtype(default)
    x = f(shape=(2, 3), **kw)
    assert x.shape == (2, 3) and x.dtype == onp.dtype(default)
    assert f(shape=4, dtype=wide, **kw).dtype == onp.dtype(wide)
    out = nd.zeros((3, 2), dtype=wide)
    assert f(out=out, **kw) is out


def test_legacy_ndarray_even_in_numpy_mode():
    # MXNet 1.9.1 returns NDArray from mx.random after npx.set_np() too.
    npx.set_np()
    try:
        assert type(R.uniform(shape=(2,))) is nd.NDArray
        assert type(R.normal(shape=(2,))) is nd.NDArray
    finally:
        npx.reset_np()


def test_array_parameters_prepend_their_shape():
    # Shapes recorded from MXNet 1.9.1.
    a, b = nd.array([1, 2]), nd.array([0.3, 0.4])
    assert R.gamma(a, nd.array([3, 4]), shape=5).shape == (2, 5)
    assert R.gamma(a, nd.array([3, 4])).shape == (2,)
    assert R.poisson(a, shape=5).shape == (2, 5)
    assert R.negative_binomial(a, b, shape=5).shape == (2, 5)
    assert R.generalized_negative_binomial(a, b, shape=5).shape == (2, 5)
    assert R.exponential(a, shape=5).shape == (2, 5)
    assert R.uniform(nd.array([0, 10]), nd.array([1, 11]), shape=(3,)).shape == (2, 3)
    raises(ValueError, R.gamma, a, nd.array([1, 2, 3]), contains="same shape")


def test_randn_and_shuffle():
    assert R.randn(2, 3).shape == (2, 3)
    assert R.randn(2, 3, loc=5, scale=0.1, dtype="float64").dtype == onp.float64
    x = nd.arange(10)
    y = R.shuffle(x)
    assert sorted(y.asnumpy().tolist()) == list(range(10)) and x.asnumpy().tolist() == list(range(10))


def test_multinomial():
    # Values/shapes recorded from MXNet 1.9.1 (deterministic rows).
    m = R.multinomial(nd.array([[0.0, 1.0], [1.0, 0.0]]))
    assert m.asnumpy().tolist() == [1, 0] and m.dtype == onp.int32
    assert R.multinomial(nd.array([0.2, 0.8])).shape == (1,)
    assert R.multinomial(nd.array([[0.2, 0.8], [1, 0]]), shape=3).shape == (2, 3)
    assert R.multinomial(nd.array([[0.2, 0.8], [1, 0]]), shape=(2, 2)).shape == (2, 2, 2)
    f = R.multinomial(nd.array([[0.0, 1.0], [1.0, 0.0]]), dtype="float32")
    assert f.dtype == onp.float32 and f.asnumpy().tolist() == [1.0, 0.0]
    s, logp = R.multinomial(nd.array([[0.0, 1.0], [1.0, 0.0]]), shape=3, get_prob=True)
    assert s.shape == logp.shape == (2, 3) and logp.dtype == onp.float32
    assert onp.allclose(logp.asnumpy(), 0.0)
    s, logp = R.multinomial(nd.array([0.2, 0.8]), shape=1000, get_prob=True)
    p = onp.array([0.2, 0.8])
    assert onp.allclose(logp.asnumpy(), onp.log(p[s.asnumpy()]), atol=1e-6)
    assert abs(s.asnumpy().mean() - 0.8) < 0.06
    raises(TypeError, R.multinomial, [0.5, 0.5])


@pytest.mark.parametrize("name,kw,mean,var,integral", [
    ("uniform", dict(low=-1, high=3), 1.0, 16 / 12, False),
    ("normal", dict(loc=2, scale=3), 2.0, 9.0, False),
    ("exponential", dict(scale=2), 2.0, 4.0, False),
    ("gamma", dict(alpha=2, beta=3), 6.0, 18.0, False),
    ("gamma", dict(alpha=0.5, beta=1), 0.5, 0.5, False),
    ("poisson", dict(lam=4), 4.0, 4.0, True),
    ("poisson", dict(lam=50), 50.0, 50.0, True),
    ("negative_binomial", dict(k=3, p=0.4), 4.5, 3 * 0.6 / 0.16, True),
    ("generalized_negative_binomial", dict(mu=2, alpha=0.5), 2.0, 4.0, True),
    ("generalized_negative_binomial", dict(mu=3, alpha=0), 3.0, 3.0, True),
])
def test_distribution_moments(name, kw, mean, var, integral):
    n = 40000
    x = getattr(R, name)(shape=n, dtype="float64", **kw).asnumpy()
    assert abs(x.mean() - mean) < 6 * onp.sqrt(var / n)
    assert abs(x.var() / var - 1) < 0.1
    assert (x == onp.round(x)).all() == integral


def test_seed_is_shared_with_np_random_and_initializers():
    def draws():
        return [R.uniform(shape=(3,)).asnumpy(), mx.np.random.uniform(size=(3,)).asnumpy(),
                nd.random.normal(shape=(2,)).asnumpy(), R.gamma(2, shape=4).asnumpy(),
                R.poisson(3, shape=4).asnumpy(), R.multinomial(nd.array([0.3, 0.7]), shape=5).asnumpy()]

    R.seed(42)
    a = draws()
    mx.np.random.seed(42)
    b = draws()
    R.seed(42, ctx=mx.cpu())
    c = draws()
    for x, y, z in zip(a, b, c):
        assert onp.array_equal(x, y) and onp.array_equal(x, z)

    def init_weight():
        net = mx.gluon.nn.Dense(4, in_units=3)
        net.initialize(mx.init.Xavier())
        return net.weight.data().asnumpy()

    R.seed(7)
    w1 = init_weight()
    R.seed(7)
    assert onp.array_equal(w1, init_weight())


def test_argument_errors():
    # MXNet 1.9.1: `seed_state must be int` (ValueError) for None, str and float seeds.
    for bad in (None, "a", 1.5):
        raises(ValueError, R.seed, bad, contains="seed_state must be int")
    raises(ValueError, R.gamma, -1, 1, shape=2, contains="alpha")
    raises(ValueError, R.poisson, -1, shape=2, contains="lam")
    raises(ValueError, R.negative_binomial, 1, 1.5, shape=2, contains="p")
    raises(TypeError, R.gamma, 1, 1, shape=2, dtype="int32", contains="dtype")
    raises(TypeError, R.randint, 0, 5, dtype="float32", contains="dtype")


@pytest.mark.parametrize("name, kwargs, mean, var", [
    ("uniform_like", dict(low=1, high=3), 2.0, 1 / 3),
    ("normal_like", dict(loc=1, scale=2), 1.0, 4.0),
    ("gamma_like", dict(alpha=2, beta=3), 6.0, 18.0),
    ("exponential_like", dict(lam=4), 0.25, 1 / 16),
    ("poisson_like", dict(lam=3), 3.0, 3.0),
    ("negative_binomial_like", dict(k=3, p=0.4), 4.5, 11.25),
    ("generalized_negative_binomial_like", dict(mu=2, alpha=0.5), 2.0, 4.0),
])
def test_nd_random_like_samplers(name, kwargs, mean, var):
    # MXNet 1.9.1's nd.random.*_like: shape, dtype and device of `data`, parameters by keyword
    from deepblocks import nd
    nd.random.seed(7)
    data = nd.zeros((20000,), dtype="float64")
    y = getattr(nd.random, name)(data, **kwargs)
    assert y.shape == (20000,) and y.dtype == onp.float64 and type(y) is nd.NDArray
    a = y.asnumpy()
    # five standard errors of the mean; the variance within 10%
    assert abs(a.mean() - mean) < 5 * (var / a.size) ** 0.5, a.mean()
    assert abs(a.var() - var) < 0.1 * var, a.var()
    out = nd.zeros((3,))
    assert getattr(nd.random, name)(nd.zeros((3,)), out=out, **kwargs) is out
    with pytest.raises(TypeError, match="data must be an NDArray"):
        getattr(nd.random, name)([1.0, 2.0], **kwargs)

"""The special functions (``npx.erf``/``erfinv``/``gamma``/``gammaln``/``digamma`` and their
``nd`` forms) against scipy.special, and NumPy's ``copysign``, ``hypot``, ``logaddexp``,
``logaddexp2``, ``arctan2``, ``gcd``, ``lcm``, ``deg2rad``/``radians``, ``rad2deg``/``degrees``
against NumPy: every dtype, 0-d, empty, broadcast and strided/negative-step/transposed views,
NaN, infinities, signed zeros and poles, integer overflow; then the gradients.

Deliberate deviations: those of tests/test_elementwise.py (float32 where NumPy computes in
float16, uint8 where it gives int8), and ``gammaln(-inf)`` is +inf (C's lgamma) where scipy
gives -inf.
"""

import mpmath
import numpy as onp
import pytest
import scipy.special as sc
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from conftest import (
    DTYPES,
    INT_DTYPES,
    assert_same,
    broadcast_shape_pairs,
    compare,
    dtypes,
    float_dtypes,
    raises,
    shapes,
    views,
)
from deepblocks import autograd, nd, npx
from deepblocks import np as dnp
from test_autograd_grads import check_grad

small_shapes = shapes(max_dims=3, max_side=4)
few = settings(max_examples=25)

# ---- NumPy's ufuncs ------------------------------------------------------------------------------

UNARY = ["deg2rad", "rad2deg", "radians", "degrees"]
FLOAT_BINARY = ["copysign", "hypot", "logaddexp", "logaddexp2", "arctan2"]
INT_BINARY = ["gcd", "lcm"]


@pytest.mark.parametrize("name", UNARY)
@few
@given(data=st.data())
def test_angle_conversions_match_numpy(name, data):
    dtype = data.draw(dtypes, label="dtype")
    host, dev = data.draw(views(dtype, data.draw(small_shapes), special=True))
    compare(getattr(dnp, name), getattr(onp, name), (dev,), (host,))


def test_angle_aliases_are_the_same_function():
    assert dnp.radians is dnp.deg2rad and dnp.degrees is dnp.rad2deg


@pytest.mark.parametrize("name", FLOAT_BINARY + INT_BINARY)
@few
@given(data=st.data())
def test_binary_matches_numpy(name, data):
    sa, sb = data.draw(broadcast_shape_pairs(max_dims=3))
    da, db = data.draw(dtypes, label="dtype_a"), data.draw(dtypes, label="dtype_b")
    ha, a = data.draw(views(da, sa, special=True))
    hb, b = data.draw(views(db, sb, special=True))
    compare(getattr(dnp, name), getattr(onp, name), (a, b), (ha, hb))


@pytest.mark.parametrize("name", FLOAT_BINARY + INT_BINARY)
@few
@given(data=st.data())
def test_binary_with_python_scalars(name, data):
    dtype = data.draw(dtypes, label="dtype")
    host, dev = data.draw(views(dtype, data.draw(small_shapes)))
    s = data.draw(st.sampled_from([0, 3, -2, 2.5, -0.0, True]))
    compare(getattr(dnp, name), getattr(onp, name), (dev, s), (host, s))
    compare(getattr(dnp, name), getattr(onp, name), (s, dev), (s, host))


FLOAT_SPECIALS = [0.0, -0.0, 1.0, -1.0, 2.5, -3.0, 1e300, -1e300, onp.inf, -onp.inf, onp.nan]


@pytest.mark.parametrize("name", FLOAT_BINARY)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_float_binary_special_values(name, dtype):
    # every pair: signed zeros in copysign and arctan2, inf with NaN in hypot, equal
    # infinities in logaddexp (logaddexp(-inf, -inf) is -inf)
    v = onp.array(FLOAT_SPECIALS, dtype=dtype)
    ha, hb = onp.meshgrid(v, v)
    compare(getattr(dnp, name), getattr(onp, name), (dnp.array(ha), dnp.array(hb)), (ha, hb))


@pytest.mark.parametrize("name", INT_BINARY)
@pytest.mark.parametrize("dtype", INT_DTYPES)
def test_gcd_lcm_extremes_wrap_as_numpy(name, dtype):
    info = onp.iinfo(dtype)
    v = onp.array(sorted({0, 1, -1 % (info.max + 1) if dtype == "uint8" else -1, 2, 6, -4 if info.min < 0 else 4,
                          info.min, info.max, info.max - 1, info.min + 1}), dtype=dtype)
    ha, hb = onp.meshgrid(v, v)
    compare(getattr(dnp, name), getattr(onp, name), (dnp.array(ha), dnp.array(hb)), (ha, hb))


@pytest.mark.parametrize("name", INT_BINARY)
def test_gcd_refuses_floats(name):
    raises(TypeError, getattr(dnp, name), dnp.array([1.0]), dnp.array([2], dtype="int32"))
    raises(TypeError, getattr(dnp, name), dnp.array([4], dtype="int32"), 2.0)


# ---- special functions against scipy.special ---------------------------------------------------

SPECIAL = {"erf": sc.erf, "erfinv": sc.erfinv, "gamma": sc.gamma, "gammaln": sc.gammaln, "digamma": sc.psi}
# Values that matter to each function: poles, the ends of erfinv's domain, the roots of gammaln
# and digamma, overflow thresholds.
EDGES = [0.0, -0.0, 1.0, -1.0, 2.0, -2.0, -3.0, 0.5, -0.5, 1.4616321449683622, 1e-30, -1e-30,
         0.9999999, -0.9999999, 1 - 2.0**-52, 171.6, 171.7, 35.0, 36.0, -171.5, -184.5, 1e10, -1e10 + 0.5,
         1e300, onp.inf, -onp.inf, onp.nan]


def reference(name, host):
    """scipy's answer in float64, rounded to ``host``'s float dtype."""
    with onp.errstate(all="ignore"):
        r = SPECIAL[name](host.astype("float64"))
    if name == "gammaln":
        r = onp.where(host == -onp.inf, onp.inf, r)  # C's lgamma(-inf); scipy says -inf
    if name == "digamma":
        # scipy loses digits within ~1e-2 of the poles (6e-10 relative at -0.9999999): mpmath
        x = host.astype("float64")
        near = onp.flatnonzero((x < 0) & (onp.abs(x - onp.round(x)) < 1e-2) & (x != onp.round(x)))
        r = r.copy()
        r.flat[near] = [float(mpmath.digamma(v)) for v in x.flat[near]]
    return r.astype(host.dtype)


def tolerances(name, dtype):
    """(rtol, atol): about an ulp of the dtype; the functions with roots (gammaln at 1 and 2,
    digamma at 1.46 and below 0) are bounded in absolute error near them."""
    if dtype == "float32":
        return 3e-7, (1e-7 if name in ("gammaln", "digamma") else 0.0)
    # gamma: scipy flushes subnormal results to 0 (gamma(-171.5) is 1.93e-310)
    return {"erf": (4e-16, 0), "erfinv": (5e-16, 0), "gamma": (2e-14, 1e-300),
            "gammaln": (2e-14, 1e-15), "digamma": (1e-14, 5e-15)}[name], None


def check_special(name, host, dev, fn=None):
    got = (fn or getattr(npx, name))(dev)
    rtol, atol = tolerances(name, str(host.dtype))
    if atol is None:
        rtol, atol = rtol
    assert_same(got, reference(name, host), rtol=rtol, atol=atol)


@pytest.mark.parametrize("name", sorted(SPECIAL))
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_special_edges(name, dtype):
    host = onp.array(EDGES, dtype=dtype)
    check_special(name, host, dnp.array(host))


def _wide(dtype):
    width = 32 if dtype == "float32" else 64
    # (no subnormals: scipy's gammaln of one is inf, C's its finite value)
    return (st.floats(width=width, allow_subnormal=False) | st.floats(-200, 200, width=width, allow_subnormal=False)
            | st.floats(-1, 1, width=width, allow_subnormal=False))


@pytest.mark.parametrize("name", sorted(SPECIAL))
@few
@given(data=st.data())
def test_special_matches_scipy(name, data):
    dtype = data.draw(float_dtypes, label="dtype")
    shape = data.draw(small_shapes)
    host = data.draw(hnp.arrays(dtype, shape, elements=_wide(dtype)))
    view = data.draw(st.sampled_from([(), (slice(None, None, -1),)])) if host.ndim else ()
    check_special(name, host[view], dnp.array(host)[view])


@pytest.mark.parametrize("name", sorted(SPECIAL))
def test_special_dense_grid(name):
    # a fine grid over each function's interesting range, incl. the tails of erfinv
    if name == "erfinv":
        x = onp.concatenate([onp.linspace(-1, 1, 20001), 1 - onp.logspace(-16, -1, 300), -onp.logspace(-300, -1, 300)])
    else:
        x = onp.concatenate([onp.linspace(-20, 20, 40001), onp.logspace(-300, 2.2, 300)])
    for dtype in ("float32", "float64"):
        h = x.astype(dtype)
        check_special(name, h, dnp.array(h))


# MXNet 1.9.1's results for int32 input [-5, -1, 0, 1, 2, 3, 200] (recorded): the function in
# float, converted back to int32, x86's conversion giving INT_MIN where there is no value.
MIN32 = -(2**31)
MXNET_INT32 = {
    "erf": [0, 0, 0, 0, 0, 0, 1],
    "erfinv": [0, MIN32, 0, MIN32, 0, 0, 0],
    "gamma": [MIN32, MIN32, MIN32, 1, 1, 2, MIN32],
    "gammaln": [MIN32, MIN32, MIN32, 0, 0, 0, 857],
}


@pytest.mark.parametrize("name", sorted(MXNET_INT32))
@pytest.mark.parametrize("module", ["npx", "nd"])
def test_integer_input_keeps_its_dtype_as_mxnet(name, module):
    mod, make = (npx, dnp.array) if module == "npx" else (nd, nd.array)
    x = make([-5, -1, 0, 1, 2, 3, 200], dtype="int32")
    r = getattr(mod, name)(x)
    assert type(r) is type(x)
    assert r.dtype == onp.int32
    onp.testing.assert_array_equal(r.asnumpy(), MXNET_INT32[name])


@pytest.mark.parametrize("name", sorted(SPECIAL))
@pytest.mark.parametrize("dtype", ["uint8", "int64"])
def test_other_integer_dtypes(name, dtype):
    host = onp.array([0, 1, 2, 3, 5, 250], dtype=dtype)
    r = getattr(npx, name)(dnp.array(host))
    assert r.dtype == host.dtype
    with onp.errstate(all="ignore"):  # the engine's float dtype: float32 for uint8
        f = SPECIAL[name](host.astype("float32" if dtype == "uint8" else "float64")).astype("float64")
    bound, bad = (2.0**31, 0) if dtype == "uint8" else (2.0**63, -(2**63))
    ok = (f >= -bound) & (f < bound)
    expected = onp.where(ok, onp.where(ok, f, 0).astype("int64"), bad)
    if dtype == "uint8":
        expected = expected.astype("int32").astype("uint8")
    if name == "erfinv":
        expected = onp.where(onp.isnan(f), 0, expected)
    onp.testing.assert_array_equal(r.asnumpy(), expected.astype(dtype))


@pytest.mark.parametrize("name", sorted(SPECIAL))
def test_special_refuses_bool_and_has_no_numpy_name(name):
    raises(TypeError, getattr(npx, name), dnp.array([True, False]))
    assert not hasattr(dnp, name) or name == "gamma"  # np has no special functions (np.random.gamma aside)


@pytest.mark.parametrize("name", ["erf", "erfinv", "gamma", "gammaln"])
def test_nd_forms(name):
    x = nd.array([0.25, 0.5, -0.75])
    r = getattr(nd, name)(x)
    assert isinstance(r, nd.NDArray) and r.dtype == onp.float32
    onp.testing.assert_allclose(r.asnumpy(), SPECIAL[name](x.asnumpy().astype("float64")), rtol=3e-7)
    out = nd.zeros(3)
    assert getattr(nd, name)(x, out=out) is out
    onp.testing.assert_array_equal(out.asnumpy(), r.asnumpy())
    assert not hasattr(nd, "digamma")  # as MXNet 1.9.1


@pytest.mark.parametrize("shape", [(), (0,), (2, 0, 3)])
def test_special_zero_d_and_empty(shape):
    host = onp.full(shape, 0.3)
    for name in SPECIAL:
        check_special(name, host, dnp.array(host))


# ---- gradients ----------------------------------------------------------------------------------

rng = onp.random.default_rng(0)


def uniform(lo, hi, shape=(2, 3)):
    return rng.uniform(lo, hi, shape)


@pytest.mark.parametrize("name, lo, hi", [
    ("erf", -2, 2), ("erfinv", -0.9, 0.9), ("gamma", 0.2, 5), ("gammaln", 0.2, 8), ("digamma", 0.2, 8),
])
def test_special_gradients(name, lo, hi):
    check_grad(getattr(npx, name), uniform(lo, hi), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("name", ["gamma", "gammaln", "digamma"])
def test_special_gradients_below_zero(name):
    # between the poles: -2.9 .. -2.1
    check_grad(getattr(npx, name), uniform(-2.9, -2.1), rtol=1e-5, atol=1e-7)


def test_second_derivative_of_gammaln_is_trigamma():
    x = dnp.array([0.5, 1.0, 3.0], dtype="float64")
    x.attach_grad()
    with autograd.record():
        (g,) = autograd.grad(npx.gammaln(x).sum(), [x], create_graph=True)
        s = g.sum()
    s.backward()
    onp.testing.assert_allclose(x.grad.asnumpy(), sc.polygamma(1, [0.5, 1.0, 3.0]), rtol=1e-13)


@pytest.mark.parametrize("name", ["deg2rad", "rad2deg"])
def test_angle_gradients(name):
    check_grad(getattr(dnp, name), uniform(-5, 5))


@pytest.mark.parametrize("name", ["hypot", "logaddexp", "logaddexp2", "arctan2"])
def test_binary_gradients(name):
    # broadcast operands: the engine sums the gradient back to each shape
    check_grad(getattr(dnp, name), uniform(0.5, 3, (2, 3)) * rng.choice([-1, 1], (2, 3)), uniform(-3, 3, (3,)))


def test_copysign_gradient_is_the_product_of_signs():
    a = onp.array([1.5, -2.0, 3.0, -0.5])
    b = onp.array([2.0, 1.0, -1.0, -3.0])
    (ga, gb) = check_grad(dnp.copysign, a, b)
    onp.testing.assert_array_equal(gb, onp.zeros(4))
    # a negative zero counts as negative
    x = dnp.array([2.0, -2.0])
    x.attach_grad()
    with autograd.record():
        y = dnp.copysign(x, dnp.array([-0.0, 0.0]))
    y.backward()
    onp.testing.assert_array_equal(x.grad.asnumpy(), [-1.0, -1.0])

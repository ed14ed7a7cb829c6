"""Elementwise functions and operators against NumPy: every unary function, every binary
function, operator, reflected operator and in-place operator, over every dtype pair,
broadcast shapes (0-d and empty included), strided / negative-step / transposed / broadcast
views, NEP 50 promotion of Python scalars, in-place `same_kind` casting and writes through
views; plus `where` and `clip`.

Deliberate deviations, kept small:
- deepblocks has no float16: float math on bool/uint8 input computes and returns float32
  (NumPy: float16), so those results are compared with NumPy's float32 computation.
- deepblocks has no int8: `bool ** bool`, `bool // bool`, `bool % bool`, `square(bool)`
  give uint8 where NumPy gives int8 (the values, 0 and 1, are the same).
- `reciprocal` of integers computes in float (NumPy truncates `1 / x` to an integer, so
  every |x| > 1 gives 0); see `test_reciprocal_of_integers_is_float`.
- A Python int out of an integer array's range raises ValueError (NumPy: OverflowError).
"""

import operator

import numpy as onp
import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import (
    INT_DTYPES,
    assert_same,
    compare,
    expected_exception,
    numpy_result,
    broadcast_shape_pairs,
    dtypes,
    float_dtypes,
    numeric_dtypes,
    raises,
    shapes,
    shares_memory,
    to_dev,
    views,
)
from deepblocks import np as dnp

# ---- unary functions --------------------------------------------------------------------------

UNARY = [
    "negative", "positive", "absolute", "abs", "fabs", "sign", "square", "floor", "ceil", "trunc", "fix", "rint",
    "exp", "exp2", "log", "log2", "log10", "log1p", "expm1", "sqrt", "cbrt", "reciprocal", "sin", "cos", "tan",
    "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh", "arcsinh", "arccosh", "arctanh", "logical_not",
    "invert", "bitwise_not", "isnan", "isinf", "isfinite", "round", "around",
]
# Functions whose NumPy result grows fast: keep inputs small so both sides stay finite.
FAST_GROWING = {"exp", "exp2", "expm1", "sinh", "cosh"}


@pytest.mark.parametrize("name", UNARY)
@given(data=st.data())
def test_unary_matches_numpy(name, data):
    dtype = data.draw(dtypes, label="dtype")
    if name == "reciprocal" and dtype in INT_DTYPES + ["bool"]:
        dtype = "float64"  # integer reciprocal is a documented deviation (tested below)
    shape = data.draw(shapes(), label="shape")
    host, dev = data.draw(views(dtype, shape, small=name in FAST_GROWING), label="x")
    if name == "fabs" and dtype not in ("float32", "float64"):
        # NumPy's fabs is float-only; deepblocks' fabs is abs (as MXNet's).
        assert_same(dnp.fabs(dev), onp.abs(host))
        return
    atol = 1e-6 if dtype in ("float32", "bool", "uint8") else 1e-12
    compare(getattr(dnp, name), getattr(onp, name), (dev,), (host,), atol=atol)


@pytest.mark.parametrize("name", ["exp", "log", "sqrt", "sin", "tanh", "floor", "ceil", "rint", "trunc", "sign",
                                  "abs", "isnan", "isinf", "isfinite", "negative", "square", "arctan", "log1p"])
@given(data=st.data())
def test_unary_special_floats(name, data):
    """nan, ±inf and ±0 go through every function as in NumPy."""
    dtype = data.draw(float_dtypes)
    host, dev = data.draw(views(dtype, data.draw(shapes(max_dims=2)), special=True))
    compare(getattr(dnp, name), getattr(onp, name), (dev,), (host,), atol=1e-30)


def test_unary_accepts_lists_and_scalars():
    assert_same(dnp.exp([0.0, 1.0]), onp.exp(onp.array([0.0, 1.0], "float32")))
    assert_same(dnp.sqrt(4.0), onp.sqrt(onp.float32(4.0)))
    assert_same(dnp.negative(dnp.array(3, dtype="int64")), onp.negative(onp.int64(3)))


def test_reciprocal_of_integers_keeps_the_dtype():
    # As NumPy and MXNet 1.9.1: the truncated quotient (see test_mx_fidelity_arrays for 1/0).
    r = dnp.reciprocal(dnp.array([1, 2, 4, -4, -1], dtype="int32"))
    assert r.dtype == onp.int32
    onp.testing.assert_array_equal(r.asnumpy(), [1, 0, 0, 0, -1])


@given(data=st.data())
def test_round_decimals(data):
    dtype = data.draw(numeric_dtypes)
    host, dev = data.draw(views(dtype, data.draw(shapes(max_dims=2))))
    decimals = data.draw(st.integers(-2, 3))
    ref = onp.round(host, decimals)
    got = dnp.round(dev, decimals)
    assert got.dtype == ref.dtype
    assert_same(got, ref)
    assert_same(dev.round(decimals), onp.asarray(got.asnumpy()))


# ---- binary functions and operators -----------------------------------------------------------

BINARY = [
    "add", "subtract", "multiply", "divide", "true_divide", "floor_divide", "mod", "remainder", "power",
    "maximum", "minimum", "equal", "not_equal", "less", "less_equal", "greater", "greater_equal",
    "logical_and", "logical_or", "logical_xor", "bitwise_and", "bitwise_or", "bitwise_xor",
]


def draw_pair(data, small=False, kind=None):
    sa, sb = data.draw(broadcast_shape_pairs(), label="shapes")
    da, db = data.draw(dtypes, label="dtype_a"), data.draw(dtypes, label="dtype_b")
    ha, a = data.draw(views(da, sa, small=small, kind=kind), label="a")
    hb, b = data.draw(views(db, sb, small=small, kind=kind), label="b")
    return ha, a, hb, b


@pytest.mark.parametrize("name", BINARY)
@given(data=st.data())
def test_binary_function_matches_numpy(name, data):
    ha, a, hb, b = draw_pair(data, small=name == "power")
    compare(getattr(dnp, name), getattr(onp, name), (a, b), (ha, hb), atol=1e-6)


OPERATORS = {
    "+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv, "//": operator.floordiv,
    "%": operator.mod, "**": operator.pow, "&": operator.and_, "|": operator.or_, "^": operator.xor,
    "==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge,
}
INPLACE = {
    "+": operator.iadd, "-": operator.isub, "*": operator.imul, "/": operator.itruediv, "//": operator.ifloordiv,
    "%": operator.imod, "**": operator.ipow, "&": operator.iand, "|": operator.ior, "^": operator.ixor,
}


@pytest.mark.parametrize("op", list(OPERATORS))
@given(data=st.data())
def test_operator_between_arrays(op, data):
    ha, a, hb, b = draw_pair(data, small=op == "**")
    f = OPERATORS[op]
    compare(f, f, (a, b), (ha, hb), atol=1e-6)


@pytest.mark.parametrize("op", list(OPERATORS))
@given(data=st.data())
def test_operator_with_numpy_operands(op, data):
    """deepblocks array op NumPy array, and NumPy array op deepblocks array (reflected): the
    result is a deepblocks array with NumPy's value."""
    ha, a, hb, b = draw_pair(data, small=op == "**", kind="contig")
    f = OPERATORS[op]
    compare(f, f, (a, hb), (ha, hb), atol=1e-6)
    compare(f, f, (ha, b), (ha, hb), atol=1e-6)


def python_scalars(small=False):
    bound = 20 if small else 300
    return st.one_of(
        st.booleans(),
        st.integers(-bound, bound),
        st.floats(-bound, bound, allow_subnormal=False),
        st.sampled_from([0, 1, -1, 0.0, -0.0, 0.5, float("inf"), float("nan"), True, False]),
    )


@pytest.mark.parametrize("op", list(OPERATORS))
@given(data=st.data())
def test_operator_with_python_scalar_nep50(op, data):
    """Python scalars are weak (NEP 50): float32 + 1.0 stays float32, int32 + 1.5 is float64,
    uint8 + 1 stays uint8; reflected operators too."""
    dtype = data.draw(dtypes)
    host, dev = data.draw(views(dtype, data.draw(shapes(max_dims=3)), small=op == "**"))
    s = data.draw(python_scalars(small=op == "**"))
    f = OPERATORS[op]
    if op == "**" and dtype == "bool" and s == 2 and not isinstance(s, float):
        # NumPy quirk: `bool_array ** 2` takes a fast path through `square` and gives int8,
        # while `** 3` gives int64 (NEP 50); deepblocks gives int64 for both.
        assert_same(f(dev, s), f(host.astype("int64"), s))
        return
    compare(lambda x: f(x, s), lambda x: f(x, s), (dev,), (host,), atol=1e-6)
    compare(lambda x: f(s, x), lambda x: f(s, x), (dev,), (host,), atol=1e-6)


@pytest.mark.parametrize("name", ["add", "multiply", "power", "maximum", "less", "logical_and", "bitwise_or", "mod"])
@given(data=st.data())
def test_binary_function_with_python_scalar(name, data):
    dtype = data.draw(dtypes)
    host, dev = data.draw(views(dtype, data.draw(shapes(max_dims=3)), small=True))
    s = data.draw(python_scalars(small=True))
    fd, fh = getattr(dnp, name), getattr(onp, name)
    compare(lambda x: fd(x, s), lambda x: fh(x, s), (dev,), (host,), atol=1e-6)
    compare(lambda x: fd(s, x), lambda x: fh(s, x), (dev,), (host,), atol=1e-6)


def test_nep50_examples():
    f32 = dnp.array([1.0, 2.0])
    assert (f32 + 1.0).dtype == onp.float32
    assert (f32 * 2).dtype == onp.float32
    i32 = dnp.array([1, 2], dtype="int32")
    assert (i32 + 1.5).dtype == onp.float64
    assert (i32 + 1).dtype == onp.int32
    assert (dnp.array([1, 2], dtype="uint8") + 1).dtype == onp.uint8
    assert (dnp.array([True]) + 1).dtype == onp.int64
    assert (dnp.array([True]) + 1.0).dtype == onp.float64
    assert (i32 / 2).dtype == onp.float64
    # NumPy scalars are strongly typed (not Python scalars), even np.float64, a float subclass.
    assert (f32 + onp.float64(1.5)).dtype == onp.float64
    assert (onp.float64(1.5) + f32).dtype == onp.float64
    assert (f32 + onp.float32(1.5)).dtype == onp.float32
    assert (i32 + onp.int64(1)).dtype == onp.int64


@given(data=st.data())
def test_comparison_with_out_of_range_python_int(data):
    """NumPy 2 compares integer arrays with any Python int, even one outside the dtype."""
    dtype = data.draw(st.sampled_from(INT_DTYPES))
    host, dev = data.draw(views(dtype, data.draw(shapes(max_dims=2))))
    s = data.draw(st.sampled_from([-1, 256, -(2**31) - 1, 2**31, 2**40, -(2**40)]))
    for op in ["==", "!=", "<", "<=", ">", ">="]:
        f = OPERATORS[op]
        compare(lambda x: f(x, s), lambda x: f(x, s), (dev,), (host,))
        compare(lambda x: f(s, x), lambda x: f(s, x), (dev,), (host,))


# ---- in-place operators -----------------------------------------------------------------------


@pytest.mark.parametrize("op", list(INPLACE))
@given(data=st.data())
def test_inplace_operator_writes_through_views(op, data):
    """``view op= other`` changes the view's base exactly as NumPy does, or raises NumPy's
    error class (same_kind casting: int32 /= 2 is a TypeError; shapes: ValueError)."""
    shape = data.draw(shapes(max_dims=3))
    da = data.draw(dtypes, label="dtype_a")
    kind = data.draw(st.sampled_from(["contig", "strided", "negative", "transposed", "mixed"]))
    host, dev, host_base, dev_base = data.draw(views(da, shape, kind=kind, return_base=True, small=op == "**"))
    if data.draw(st.booleans(), label="scalar_rhs"):
        hb = b = data.draw(python_scalars(small=op == "**"), label="scalar")
    else:
        other_shape = data.draw(st.sampled_from([shape, shape[1:], (1,) * len(shape), (2,) + shape]))
        hb, b = data.draw(views(data.draw(dtypes, label="dtype_b"), other_shape, small=op == "**"))
    f = INPLACE[op]
    before = host_base.copy()
    ref, err = numpy_result(f, host, hb)
    if err is not None:
        raises(expected_exception(err), f, dev, b)
        # A failed in-place operation leaves the array untouched (NumPy may have written
        # part of its result before failing, so compare with the data from before).
        assert_same(dev_base, before)
        return
    out = f(dev, b)
    assert out is dev, "in-place operators return the same array object"
    assert_same(dev, host, atol=1e-6)
    assert_same(dev_base, host_base, atol=1e-6)


@given(data=st.data())
def test_inplace_with_overlapping_operand(data):
    """``x[1:] += x[:-1]`` reads the old values (NumPy buffers overlapping operands)."""
    dtype = data.draw(numeric_dtypes)
    n = data.draw(st.integers(2, 12))
    h = data.draw(views(dtype, (n,), kind="contig"))[0]
    d = to_dev(h)
    d[1:] += d[:-1]
    h[1:] += h[:-1]
    assert_same(d, h)
    d2, h2 = to_dev(h), h.copy()
    d2[::-1] *= d2
    h2[::-1] *= h2
    assert_same(d2, h2)


def test_inplace_errors_name_dtypes_and_shapes():
    x = dnp.array([1, 2], dtype="int32")
    raises(TypeError, operator.itruediv, x, 2, contains=["float64", "int32"])
    raises(TypeError, operator.iadd, x, dnp.array([0.5, 1.0]), contains=["int32"])
    raises(ValueError, operator.iadd, x, dnp.ones((3, 2), dtype="int32"), contains=["(2,)", "(3, 2)"])
    b = dnp.array([True, False])
    raises(TypeError, operator.isub, b, b)
    assert x.tolist() == [1, 2]


# ---- where and clip ---------------------------------------------------------------------------


@given(data=st.data())
def test_where_matches_numpy(data):
    shape = data.draw(shapes(max_dims=3))
    sc = shape[data.draw(st.integers(0, len(shape))):]
    hc, c = data.draw(views(data.draw(dtypes), sc))
    sx, sy = data.draw(broadcast_shape_pairs(max_dims=3))
    hx, x = data.draw(views(data.draw(dtypes), sx))
    hy, y = data.draw(views(data.draw(dtypes), sy))
    compare(dnp.where, onp.where, (c, x, y), (hc, hx, hy))
    s = data.draw(python_scalars())
    compare(dnp.where, onp.where, (c, x, s), (hc, hx, s))
    compare(dnp.where, onp.where, (c, s, y), (hc, s, hy))


@given(data=st.data())
def test_where_one_argument_is_nonzero(data):
    host, dev = data.draw(views(data.draw(dtypes), data.draw(shapes(min_dims=1, max_dims=3))))
    got = dnp.where(dev)
    ref = onp.where(host)
    assert isinstance(got, tuple) and len(got) == len(ref)
    for g, r in zip(got, ref):
        assert_same(g, r)


@given(data=st.data())
def test_clip_matches_numpy(data):
    dtype = data.draw(numeric_dtypes)
    host, dev = data.draw(views(dtype, data.draw(shapes(max_dims=3))))
    bound = st.none() | st.integers(-50, 50) | st.floats(-50, 50)
    lo, hi = data.draw(bound), data.draw(bound)
    if lo is None and hi is None:
        raises(ValueError, dnp.clip, dev, lo, hi)
        return
    compare(dnp.clip, onp.clip, (dev, lo, hi), (host, lo, hi))
    compare(lambda x, a, b: x.clip(a, b), lambda x, a, b: x.clip(a, b), (dev, lo, hi), (host, lo, hi))


@given(data=st.data())
def test_clip_with_array_bounds(data):
    dtype = data.draw(numeric_dtypes)
    shape = data.draw(shapes(max_dims=3))
    host, dev = data.draw(views(dtype, shape))
    hl, lo = data.draw(views(dtype, shape[1:]))
    compare(dnp.clip, onp.clip, (dev, lo, None), (host, hl, None))


def test_ufunc_rejects_out_and_unknown_keywords():
    x = dnp.array([1.0, 2.0])
    raises(TypeError, dnp.exp, x, out=x)
    raises(TypeError, dnp.add, x, x, out=x)
    raises(TypeError, dnp.add, x, x, foo=1)
    # NumPy's own keywords with another value than their default: MXNet's NotImplementedError.
    raises(NotImplementedError, dnp.add, x, x, casting="unsafe")
    raises(NotImplementedError, dnp.exp, x, where=x > 1)


def test_ufunc_dtype_keyword():
    x = dnp.array([1, 2, 3], dtype="int32")
    assert_same(dnp.add(x, x, dtype="float32"), onp.add(x.asnumpy(), x.asnumpy(), dtype="float32"))
    assert_same(dnp.sqrt(x, dtype="float32"), onp.sqrt(x.asnumpy(), dtype="float32"))


@given(data=st.data())
def test_results_are_new_arrays(data):
    """An elementwise result never aliases its input (even when the op is an identity)."""
    host, dev = data.draw(views(data.draw(dtypes), data.draw(shapes(min_side=1))))
    pairs = [(dnp.floor(dev), onp.floor(host)), (dnp.trunc(dev), onp.trunc(host)), (dnp.abs(dev), onp.abs(host))]
    if dev.dtype != bool:
        pairs += [(+dev, +host), (dnp.positive(dev), onp.positive(host))]
    for r, ref in pairs:
        assert not shares_memory(r, dev)
        assert_same(r, ref)

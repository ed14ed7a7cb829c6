"""Gradient checks of every differentiable operation against central finite differences.

Every check goes through one helper, ``check_grad(f, *inputs)``: it records ``f`` on float64
deepblocks arrays, back-propagates ``sum(f(x) * w)`` for a random weight ``w`` (so non-scalar
outputs are tested with a non-trivial head gradient), and compares each input's gradient
with central differences of the same loss, computed by evaluating ``f`` on deepblocks arrays
outside ``record``. Views (negative steps, transposes, strides, broadcasts) are built from the
inputs *inside* ``f``, so their own backward rules are exercised too.

Hypothesis draws shapes, axes, view kinds and a seed; the values come from that seed
(uniform in the op's domain), so that ties, zeros and kinks (abs, relu, max, clip, mod) are
almost surely absent where finite differences need smoothness. Ties and zeros are tested
separately with exact expected gradients.
"""

import functools
import operator

import numpy as onp
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import broadcast_shape_pairs, shapes
from deepblocks import autograd, nd, np, npx

F64 = onp.float64
seeds = st.integers(0, 2**32 - 1)


def examples(n):
    """``n`` examples under the default profile, scaled with it (20x under ``thorough``)."""
    return max(1, n * settings.default.max_examples // 100)


small_shapes = shapes(min_dims=0, max_dims=3, min_side=1, max_side=3)


# ---- the helper -------------------------------------------------------------------------------


def _outputs(y):
    return list(y) if isinstance(y, (list, tuple)) else [y]


def _weights(outs, seed):
    rng = onp.random.default_rng(seed)
    return [rng.standard_normal(o.shape) for o in outs]


def _host_loss(f, make, inputs, ws):
    outs = _outputs(f(*[make(a) for a in inputs]))
    return sum(float((o.asnumpy().astype(F64) * w).sum()) for o, w in zip(outs, ws))


def numeric_grad(f, inputs, i, ws, eps=1e-6, make=np.array):
    """Central differences of ``sum(f(*inputs) * ws)`` with respect to ``inputs[i]``."""
    a = inputs[i]
    out = onp.zeros(a.shape, F64)
    for j in onp.ndindex(*a.shape):
        vals = []
        for h in (eps, -eps):
            moved = [b.copy() for b in inputs]
            moved[i][j] += h
            vals.append(_host_loss(f, make, moved, ws))
        out[j] = (vals[0] - vals[1]) / (2 * eps)
    return out


def check_grad(f, *inputs, eps=1e-6, rtol=1e-5, atol=1e-6, seed=0, make=np.array):
    """Records ``f`` on ``inputs`` (float64 NumPy arrays), back-propagates ``sum(f * w)`` and
    checks every input's gradient (value, shape and dtype) against central differences.
    Returns the analytic gradients."""
    inputs = [onp.array(a, dtype=F64) for a in inputs]
    xs = [make(a) for a in inputs]
    for x in xs:
        x.attach_grad()
    with autograd.record():
        outs = _outputs(f(*xs))
        ws = _weights(outs, seed)
        loss = None
        for o, w in zip(outs, ws):
            term = (o * make(w)).sum()
            loss = term if loss is None else loss + term
    loss.backward()
    grads = []
    for i, (a, x) in enumerate(zip(inputs, xs)):
        g = x.grad
        assert type(g) is type(x), f"input {i}: gradient is a {type(g).__name__}, not a {type(x).__name__}"
        g = g.asnumpy()
        assert g.shape == a.shape and g.dtype == F64, (i, g.shape, a.shape, g.dtype)
        expected = numeric_grad(f, inputs, i, ws, eps, make)
        onp.testing.assert_allclose(g, expected, rtol=rtol, atol=atol, err_msg=f"gradient of input {i}")
        grads.append(g)
    return grads


# ---- value domains -------------------------------------------------------------------------------

# (low, high, random sign): values are uniform in [low, high], negated at random when asked.
DOMAINS = {
    "real": (-2.0, 2.0, False),
    "nonzero": (0.2, 2.0, True),  # away from kinks at 0 (abs, relu, cbrt, reciprocal)
    "pos": (0.2, 3.0, False),
    "unit": (-0.9, 0.9, False),  # arcsin, arccos, arctanh, tan
    "gt1": (1.2, 3.0, False),  # arccosh
    "gtm1": (-0.8, 2.0, False),  # log1p
    "prod": (0.5, 1.5, True),  # products of many elements stay moderate
}


def sample(seed, domain, shape):
    lo, hi, signed = DOMAINS[domain]
    rng = onp.random.default_rng(seed)
    v = rng.uniform(lo, hi, shape)
    if signed:
        v = v * rng.choice([-1.0, 1.0], shape)
    return onp.asarray(v, F64)


# Views of a recorded input: each is itself a recorded (differentiable) operation.
VIEWS = {
    "contig": lambda x: x,
    "reversed": lambda x: x[::-1] if x.ndim else x,
    "transposed": lambda x: x.T,
    "strided": lambda x: x[..., ::2] if x.ndim else x,
    "neg_strided": lambda x: x[..., ::-2] if x.ndim else x,
    "transposed_reversed": lambda x: x.T[::-1] if x.ndim else x,
    "broadcast": lambda x: np.broadcast_to(x, (2,) + x.shape),
    "new_axis": lambda x: x[None],
}


# ---- elementwise unary (and array-with-scalar) operations ---------------------------------------

UNARY = {
    "negative": (np.negative, "real"),
    "neg_operator": (lambda x: -x, "real"),
    "abs": (np.abs, "nonzero"),
    "absolute": (np.absolute, "nonzero"),
    "square": (np.square, "real"),
    "sqrt": (np.sqrt, "pos"),
    "cbrt": (np.cbrt, "nonzero"),
    "exp": (np.exp, "real"),
    "exp2": (getattr(np, "exp2", None), "real"),
    "expm1": (np.expm1, "real"),
    "log": (np.log, "pos"),
    "log2": (np.log2, "pos"),
    "log10": (np.log10, "pos"),
    "log1p": (np.log1p, "gtm1"),
    "reciprocal": (np.reciprocal, "nonzero"),
    "sin": (np.sin, "real"),
    "cos": (np.cos, "real"),
    "tan": (np.tan, "unit"),
    "arcsin": (np.arcsin, "unit"),
    "arccos": (np.arccos, "unit"),
    "arctan": (np.arctan, "real"),
    "sinh": (np.sinh, "real"),
    "cosh": (np.cosh, "real"),
    "tanh": (np.tanh, "real"),
    "arcsinh": (np.arcsinh, "real"),
    "arccosh": (np.arccosh, "gt1"),
    "arctanh": (np.arctanh, "unit"),
    "relu": (npx.relu, "nonzero"),
    "sigmoid": (npx.sigmoid, "real"),
    "add_scalar": (lambda x: x + 2.5, "real"),
    "radd_scalar": (lambda x: 2.5 + x, "real"),
    "sub_scalar": (lambda x: x - 1.5, "real"),
    "rsub_scalar": (lambda x: 1.5 - x, "real"),
    "mul_scalar": (lambda x: x * 3.0, "real"),
    "rmul_scalar": (lambda x: -3 * x, "real"),
    "div_scalar": (lambda x: x / 3.0, "real"),
    "rdiv_scalar": (lambda x: 3.0 / x, "nonzero"),
    "pow_int_scalar": (lambda x: x**3, "real"),
    "pow_scalar": (lambda x: x**2.5, "pos"),
    "pow_neg_scalar": (lambda x: x**-1.5, "pos"),
    "np_power_scalar": (lambda x: np.power(x, 2), "real"),
    "rpow_scalar": (lambda x: 2.0**x, "real"),
    "rpow_scalar_e": (lambda x: 0.5**x, "real"),
    "mod_scalar": (lambda x: x % 1.3, "real"),
    "rmod_scalar": (lambda x: 1.3 % x, "nonzero"),
    "clip": (lambda x: np.clip(x, -0.5, 0.7), "real"),
    "clip_method": (lambda x: x.clip(-1.0, 1.5), "real"),
    "clip_one_sided": (lambda x: np.clip(x, None, 0.3), "real"),
    "astype_same": (lambda x: x.astype("float64"), "real"),
    "copy": (np.copy, "real"),
    "copy_method": (lambda x: x.copy(), "real"),
}


@pytest.mark.parametrize("name", sorted(UNARY))
@settings(max_examples=examples(40))
@given(shape=small_shapes, view=st.sampled_from(sorted(VIEWS)), seed=seeds)
def test_unary(name, shape, view, seed):
    fn, domain = UNARY[name]
    if fn is None:
        pytest.skip(f"deepblocks.numpy has no {name}")
    check_grad(lambda x: fn(VIEWS[view](x)), sample(seed, domain, shape), seed=seed)


@pytest.mark.parametrize("name", sorted(UNARY))
@settings(max_examples=examples(10))
@given(shape=small_shapes, seed=seeds)
def test_unary_float32_matches_float64(name, shape, seed):
    """float32 inputs (which take the fused first-derivative kernels of their own dtype) get
    a float32 gradient equal to the float64 one (checked above) up to float32 rounding."""
    fn, domain = UNARY[name]
    if fn is None:
        pytest.skip(f"deepblocks.numpy has no {name}")
    x64 = sample(seed, domain, shape)
    w = onp.random.default_rng(seed).standard_normal(shape)
    grads = []
    for dtype in ("float32", "float64"):
        x = np.array(x64.astype(dtype).astype(F64)).astype(dtype)  # the same values in both
        x.attach_grad()
        with autograd.record():
            loss = (fn(x[::-1] if x.ndim else x) * np.array(w.astype(dtype))).sum()
        loss.backward()
        assert x.grad.dtype == onp.dtype(dtype)
        grads.append(x.grad.asnumpy().astype(F64))
    onp.testing.assert_allclose(grads[0], grads[1], rtol=2e-4, atol=1e-5)


# ---- elementwise binary operations (broadcasting) -----------------------------------------------

BINARY = {
    "add": (lambda a, b: a + b, "real", "real"),
    "np.add": (np.add, "real", "real"),
    "subtract": (lambda a, b: a - b, "real", "real"),
    "np.subtract": (np.subtract, "real", "real"),
    "multiply": (lambda a, b: a * b, "real", "real"),
    "np.multiply": (np.multiply, "real", "real"),
    "divide": (lambda a, b: a / b, "real", "nonzero"),
    "np.divide": (np.divide, "real", "nonzero"),
    "power": (lambda a, b: a**b, "pos", "real"),
    "np.power": (np.power, "pos", "real"),
    "mod": (lambda a, b: a % b, "real", "nonzero"),
    "np.mod": (np.mod, "real", "nonzero"),
    "maximum": (np.maximum, "real", "real"),
    "minimum": (np.minimum, "real", "real"),
}


@pytest.mark.parametrize("name", sorted(BINARY))
@settings(max_examples=examples(60))
@given(pair=broadcast_shape_pairs(max_dims=3, min_side=0, max_side=3), flips=st.tuples(st.booleans(), st.booleans()), seed=seeds)
def test_binary(name, pair, flips, seed):
    fn, dom_a, dom_b = BINARY[name]
    va, vb = (VIEWS["reversed"] if flip else VIEWS["contig"] for flip in flips)
    a, b = sample(seed, dom_a, pair[0]), sample(seed + 1, dom_b, pair[1])
    # Gradients of broadcast inputs come back in the inputs' own shapes (checked in check_grad).
    check_grad(lambda a, b: fn(va(a), vb(b)), a, b, seed=seed)


def test_binary_same_array_twice():
    """An input used by both operands gets both contributions."""
    x = sample(3, "pos", (2, 3))
    (g,) = check_grad(lambda x: x * x + x / x[::-1] + x**x, x)
    assert onp.all(onp.isfinite(g))


# ---- reductions ------------------------------------------------------------------------------------


def _norm(**kw):
    return lambda x, axis, keepdims: np.linalg.norm(x, axis=axis, keepdims=keepdims, **kw)


# name: (f(x, axis, keepdims), domain, axes allowed: 'many' (None, int, tuple) / 'one' (None,
# int) / 'vector' (one int) / 'matrix' (two ints), min side, supports keepdims)
REDUCTIONS = {
    "sum": (lambda x, axis, keepdims: x.sum(axis=axis, keepdims=keepdims), "real", "many", 1, True),
    "np.sum": (lambda x, axis, keepdims: np.sum(x, axis=axis, keepdims=keepdims), "real", "many", 1, True),
    "mean": (lambda x, axis, keepdims: x.mean(axis=axis, keepdims=keepdims), "real", "many", 1, True),
    "np.mean": (lambda x, axis, keepdims: np.mean(x, axis=axis, keepdims=keepdims), "real", "many", 1, True),
    "prod": (lambda x, axis, keepdims: x.prod(axis=axis, keepdims=keepdims), "prod", "many", 1, True),
    "np.prod": (lambda x, axis, keepdims: np.prod(x, axis=axis, keepdims=keepdims), "prod", "many", 1, True),
    "max": (lambda x, axis, keepdims: x.max(axis=axis, keepdims=keepdims), "real", "many", 1, True),
    "np.max": (lambda x, axis, keepdims: np.max(x, axis=axis, keepdims=keepdims), "real", "many", 1, True),
    "min": (lambda x, axis, keepdims: x.min(axis=axis, keepdims=keepdims), "real", "many", 1, True),
    "np.min": (lambda x, axis, keepdims: np.min(x, axis=axis, keepdims=keepdims), "real", "many", 1, True),
    "var": (lambda x, axis, keepdims: x.var(axis=axis, keepdims=keepdims), "real", "many", 1, True),
    "var_ddof1": (lambda x, axis, keepdims: np.var(x, axis=axis, ddof=1, keepdims=keepdims), "real", "many", 2, True),
    "std": (lambda x, axis, keepdims: np.std(x, axis=axis, keepdims=keepdims), "real", "many", 2, True),
    "std_ddof1": (lambda x, axis, keepdims: x.std(axis=axis, ddof=1, keepdims=keepdims), "real", "many", 2, True),
    "cumsum": (lambda x, axis, keepdims: np.cumsum(x, axis=axis), "real", "one", 1, False),
    "cumsum_method": (lambda x, axis, keepdims: x.cumsum(axis=axis), "real", "one", 1, False),
    "norm": (_norm(), "real", "many_le2", 1, True),
    "norm_fro": (_norm(ord="fro"), "real", "matrix", 1, True),
    "norm_ord1": (_norm(ord=1), "nonzero", "vector", 1, True),
    "norm_ord3": (_norm(ord=3), "nonzero", "vector", 1, True),
    "norm_inf": (_norm(ord=onp.inf), "nonzero", "vector", 1, True),
    "norm_matrix_ord1": (_norm(ord=1), "nonzero", "matrix", 1, True),
    "norm_matrix_inf": (_norm(ord=-onp.inf), "nonzero", "matrix", 1, True),
}


@st.composite
def shape_and_axis(draw, kind, min_side):
    min_dims = {"vector": 1, "matrix": 2}.get(kind, 1 if min_side > 1 else 0)
    shape = draw(shapes(min_dims=min_dims, max_dims=3, min_side=min_side, max_side=3))
    nd = len(shape)
    ints = st.integers(-nd, nd - 1) if nd else st.nothing()
    if kind == "vector":
        axis = draw(ints)
    elif kind == "matrix":
        axis = tuple(draw(st.lists(ints, min_size=2, max_size=2, unique_by=lambda a: a % nd)))
    elif kind == "one":
        axis = draw(st.none() | ints)
    else:
        max_size = min(nd, 2) if kind == "many_le2" else nd
        tuples = st.lists(ints, min_size=1, max_size=max_size, unique_by=lambda a: a % nd).map(tuple) if nd else st.nothing()
        axis = draw(st.none() | ints | tuples)
        if kind == "many_le2" and axis is None and nd > 2:
            axis = (0, -1)
    return shape, axis


@pytest.mark.parametrize("name", sorted(REDUCTIONS))
@settings(max_examples=examples(50))
@given(data=st.data(), view=st.sampled_from(["contig", "reversed", "transposed", "neg_strided"]), seed=seeds)
def test_reduction(name, data, view, seed):
    fn, domain, kind, min_side, has_keepdims = REDUCTIONS[name]
    shape, axis = data.draw(shape_and_axis(kind, min_side))
    keepdims = has_keepdims and data.draw(st.booleans())
    if view == "neg_strided" and min_side > 1:
        view = "reversed"  # x[..., ::-2] could leave a line of one element (nan for ddof=1)
    if view == "transposed" and kind in ("vector", "matrix"):
        view = "reversed"  # keep the axes drawn for this shape meaningful
    check_grad(lambda x: fn(VIEWS[view](x), axis, keepdims), sample(seed, domain, shape), seed=seed)


def _grad_of(f, host, head=None):
    x = np.array(onp.asarray(host, F64))
    x.attach_grad()
    with autograd.record():
        y = f(x)
    if head is None:
        y.backward()
    else:
        y.backward(np.array(onp.asarray(head, F64)))
    return x.grad.asnumpy()


def test_prod_gradient_with_zeros_is_exact():
    x = onp.array([[1.0, 0.0, 3.0], [0.0, 2.0, 0.0], [2.0, 3.0, 4.0], [0.0, 5.0, 7.0]])
    # One zero in a line: only the zero gets the product of the others; two zeros: all zero.
    expected = onp.array([[0.0, 3.0, 0.0], [0.0, 0.0, 0.0], [12.0, 8.0, 6.0], [35.0, 0.0, 0.0]])
    onp.testing.assert_array_equal(_grad_of(lambda x: x.prod(axis=1).sum(), x), expected)
    onp.testing.assert_array_equal(_grad_of(lambda x: np.prod(x, axis=-1, keepdims=True).sum(), x), expected)
    # Along axis 0: column 0 has two zeros, columns 1 and 2 one zero each.
    expected0 = onp.zeros((4, 3))
    expected0[0, 1] = 2 * 3 * 5
    expected0[1, 2] = 3 * 4 * 7
    onp.testing.assert_array_equal(_grad_of(lambda x: x.prod(axis=0).sum(), x), expected0)
    # The whole array: several zeros, all derivatives vanish.
    onp.testing.assert_array_equal(_grad_of(lambda x: x.prod(), x), onp.zeros_like(x))
    # One zero in the whole array, viewed with a negative step.
    y = onp.array([2.0, 0.0, -3.0, 0.5])
    onp.testing.assert_array_equal(_grad_of(lambda y: y[::-1].prod(), y), [0.0, -3.0, 0.0, 0.0])
    # No zeros: prod / x_i.
    onp.testing.assert_allclose(_grad_of(lambda y: y.prod(), [2.0, -3.0, 0.5]), [-1.5, 1.0, -6.0])


def test_max_min_reduction_ties_split_evenly():
    x = onp.array([[3.0, 1.0, 3.0], [2.0, 2.0, 2.0], [0.0, 5.0, -1.0]])
    onp.testing.assert_array_equal(_grad_of(lambda x: x.max(axis=1).sum(), x), [[0.5, 0, 0.5], [1 / 3] * 3, [0, 1, 0]])
    onp.testing.assert_array_equal(_grad_of(lambda x: np.min(x, axis=1, keepdims=True).sum(), x), [[0, 1, 0], [1 / 3] * 3, [0, 0, 1]])
    onp.testing.assert_array_equal(_grad_of(lambda x: x.max(axis=0).sum(), x), [[1, 0, 1], [0, 0, 0], [0, 1, 0]])
    onp.testing.assert_array_equal(_grad_of(lambda x: x.max(), [1.0, 4.0, 4.0, 4.0, 4.0]), [0, 0.25, 0.25, 0.25, 0.25])
    onp.testing.assert_array_equal(_grad_of(lambda x: x.min(), [[1.0, 0.0], [0.0, 7.0]]), [[0, 0.5], [0.5, 0]])
    # With a head gradient.
    onp.testing.assert_array_equal(_grad_of(lambda x: x.max(axis=1), x, head=[2.0, 3.0, 4.0]), [[1, 0, 1], [1, 1, 1], [0, 4, 0]])


def test_maximum_minimum_ties_go_to_first_operand():
    a, b = onp.array([1.0, 2.0, 3.0, 4.0]), onp.array([1.0, 5.0, 3.0, 0.0])
    for fn, first, second in [(np.maximum, [1, 0, 1, 1], [0, 1, 0, 0]), (np.minimum, [1, 1, 1, 0], [0, 0, 0, 1])]:
        xa, xb = np.array(a), np.array(b)
        xa.attach_grad()
        xb.attach_grad()
        with autograd.record():
            y = fn(xa, xb)
        y.backward()
        onp.testing.assert_array_equal(xa.grad.asnumpy(), first)
        onp.testing.assert_array_equal(xb.grad.asnumpy(), second)
    # The same array on both sides: the whole gradient reaches it once through the first operand.
    onp.testing.assert_array_equal(_grad_of(lambda x: np.maximum(x, x), a), onp.ones(4))
    # A broadcast scalar operand tied with some elements.
    onp.testing.assert_array_equal(_grad_of(lambda x: np.maximum(x, 2.0), a), [0, 1, 1, 1])
    onp.testing.assert_array_equal(_grad_of(lambda x: np.minimum(x, 2.0), a), [1, 1, 0, 0])


def test_gradients_at_kinks_are_exact():
    """The subgradients where finite differences cannot decide: 0 for abs and relu at 0; the
    array (the first operand of the underlying maximum/minimum) at clip's bounds."""
    onp.testing.assert_array_equal(_grad_of(np.abs, [0.0, -2.0, 3.0]), [0, -1, 1])
    onp.testing.assert_array_equal(_grad_of(npx.relu, [0.0, -2.0, 3.0]), [0, 0, 1])
    onp.testing.assert_array_equal(_grad_of(lambda x: np.clip(x, -1, 1), [-1.0, 1.0, 0.5, 2.0, -3.0]), [1, 1, 1, 0, 0])


def test_power_at_zero_base_is_finite():
    """d(a**b)/da = b * a**(b-1), with the limits at a == 0: 1 for b == 1, 0 for b == 0 (a
    constant, not 0 * inf); d(a**b)/db = 0 at a == 0."""
    a, b = np.array(onp.zeros(4)), np.array(onp.array([1.0, 2.0, 0.0, 3.0]))
    a.attach_grad()
    b.attach_grad()
    with autograd.record():
        y = a**b
    y.backward()
    onp.testing.assert_array_equal(a.grad.asnumpy(), [1, 0, 0, 0])
    onp.testing.assert_array_equal(b.grad.asnumpy(), [0, 0, 0, 0])
    onp.testing.assert_array_equal(_grad_of(lambda x: x**0 + x**0.0 + x**2, [0.0, 2.0]), [0, 4])
    # Second derivative of x**1 at 0 goes through 0**0.
    x = np.array(onp.array([0.0, 2.0]))
    x.attach_grad()
    with autograd.record():
        d = autograd.grad(x**1, x, create_graph=True)
    d.backward()
    onp.testing.assert_array_equal(d.asnumpy(), [1, 1])
    onp.testing.assert_array_equal(x.grad.asnumpy(), [0, 0])


# ---- structural operations: each builder draws its shapes and parameters ------------------------
#
# builder(draw) -> (f, [input shapes], domain)


def _ax(draw, nd, extra=0):
    return draw(st.integers(-nd - extra, nd - 1 + extra))


def _shape(draw, min_dims=0, max_dims=3, min_side=1, max_side=3):
    return draw(shapes(min_dims=min_dims, max_dims=max_dims, min_side=min_side, max_side=max_side))


def b_reshape(draw):
    s = _shape(draw)
    new = list(reversed(s))
    if new and draw(st.booleans()):
        new[draw(st.integers(0, len(new) - 1))] = -1
    new = tuple(new)
    return (lambda x: x.reshape(new)) if draw(st.booleans()) else (lambda x: np.reshape(x, new)), [s], "real"


def b_reshape_flat(draw):
    s = _shape(draw)
    return lambda x: x[::-1].reshape(-1) if x.ndim else x.reshape(-1), [s], "real"


def b_transpose(draw):
    s = _shape(draw)
    perm = tuple(draw(st.permutations(range(len(s)))))
    return (lambda x: np.transpose(x, perm)) if draw(st.booleans()) else (lambda x: x.transpose(perm)), [s], "real"


def b_T(draw):
    return lambda x: x.T * 1.0, [_shape(draw)], "real"


def b_swapaxes(draw):
    s = _shape(draw, min_dims=1)
    a, b = _ax(draw, len(s)), _ax(draw, len(s))
    return lambda x: np.swapaxes(x, a, b), [s], "real"


def b_moveaxis(draw):
    s = _shape(draw, min_dims=1)
    a, b = _ax(draw, len(s)), _ax(draw, len(s))
    return lambda x: np.moveaxis(x, a, b), [s], "real"


def b_expand_dims(draw):
    s = _shape(draw)
    a = draw(st.integers(-len(s) - 1, len(s)))
    return lambda x: np.expand_dims(x, a), [s], "real"


def b_squeeze(draw):
    s = _shape(draw, max_side=2)
    ones = [i for i, d in enumerate(s) if d == 1]
    if ones and draw(st.booleans()):
        axis = draw(st.sampled_from(ones))
        return lambda x: np.squeeze(x, axis=axis), [s], "real"
    return lambda x: x.squeeze(), [s], "real"


def b_broadcast_to(draw):
    s = _shape(draw, max_side=2)
    target = (2,) + tuple(3 if d == 1 else d for d in s)
    return lambda x: np.broadcast_to(x, target), [s], "real"


def b_ravel(draw):
    s = _shape(draw)
    return draw(st.sampled_from([np.ravel, lambda x: x.ravel(), lambda x: x.T.flatten()])), [s], "real"


def b_flip(draw):
    s = _shape(draw, min_dims=1)
    axis = draw(st.none() | st.integers(-len(s), len(s) - 1))
    return lambda x: np.flip(x, axis), [s], "real"


def b_tile(draw):
    s = _shape(draw)
    reps = tuple(draw(st.lists(st.integers(1, 3), min_size=1, max_size=3)))
    return lambda x: np.tile(x, reps), [s], "real"


def b_repeat(draw):
    s = _shape(draw)
    r = draw(st.integers(1, 3))
    axis = draw(st.none() | st.integers(-len(s), len(s) - 1)) if s else None
    return lambda x: np.repeat(x, r, axis=axis), [s], "real"


def b_concatenate(draw):
    s = _shape(draw, min_dims=1)
    if draw(st.booleans()):
        t = _shape(draw)
        return lambda a, b: np.concatenate([a, b[::-1] if b.ndim else b], axis=None), [s, t], "real"
    axis = _ax(draw, len(s))
    t = list(s)
    t[axis] = draw(st.integers(1, 3))
    return lambda a, b: np.concatenate([a, b, a], axis=axis), [s, tuple(t)], "real"


def b_stack(draw):
    s = _shape(draw)
    axis = draw(st.integers(-len(s) - 1, len(s)))
    return lambda a, b: np.stack([a, b.T.T, a], axis=axis), [s, s], "real"


def b_split(draw):
    s = _shape(draw, min_dims=1)
    axis = _ax(draw, len(s))
    n = s[axis]
    if draw(st.booleans()):
        idx = sorted(draw(st.lists(st.integers(0, n), max_size=3)))
        return lambda x: np.split(x, idx, axis=axis), [s], "real"
    k = draw(st.sampled_from([d for d in range(1, n + 1) if n % d == 0]))
    return lambda x: np.split(x, k, axis=axis), [s], "real"


def b_array_split(draw):
    s = _shape(draw, min_dims=1)
    axis = _ax(draw, len(s))
    k = draw(st.integers(1, s[axis] + 1))
    return lambda x: np.array_split(x, k, axis=axis), [s], "real"


def b_split_partial(draw):
    """Only some parts reach the loss: the others' positions get zero gradient."""
    s = _shape(draw, min_dims=1, min_side=2)
    return lambda x: np.split(x, [1], axis=0)[1] * 2.0, [s], "real"


def b_basic_index(draw):
    s = _shape(draw, min_dims=1, max_side=4)
    key = []
    for d in s:
        kind = draw(st.sampled_from(["int", "slice", "none", "full"]))
        if kind == "int":
            key.append(draw(st.integers(-d, d - 1)))
        elif kind == "slice":
            step = draw(st.sampled_from([-3, -2, -1, 1, 2]))
            key.append(slice(draw(st.none() | st.integers(-d, d)), draw(st.none() | st.integers(-d - 1, d)), step))
        elif kind == "none":
            key.extend([None, slice(None)])
        else:
            key.append(slice(None))
    if draw(st.booleans()) and len(key) > 1:
        key = [Ellipsis] + key[-1:]
    key = tuple(key)
    return lambda x: x[key], [s], "real"


def _ints(v):
    """An int64 deepblocks index array (``np.array`` of a Python list gives float32, as MXNet)."""
    return np.array(onp.asarray(v, dtype=onp.int64))


def b_int_array_index(draw):
    s = _shape(draw, min_dims=1, max_side=4)
    n = s[0]
    idx = draw(st.lists(st.integers(-n, n - 1), min_size=1, max_size=6))  # repeats are likely
    as_list = draw(st.booleans())
    return lambda x: x[idx if as_list else _ints(idx)], [s], "real"


def b_int_array_index_2d(draw):
    s = _shape(draw, min_dims=2, max_side=3)
    idx = onp.array(draw(st.lists(st.integers(0, s[1] - 1), min_size=4, max_size=4))).reshape(2, 2)
    return lambda x: x[:, _ints(idx)], [s], "real"


def b_bool_mask(draw):
    s = _shape(draw, min_dims=1)
    mask = onp.array(draw(st.lists(st.booleans(), min_size=s[0], max_size=s[0])))
    if draw(st.booleans()):
        full = onp.random.default_rng(len(mask)).random(s) > 0.4
        return lambda x: x[np.array(full)], [s], "real"
    return lambda x: x[np.array(mask)] * 3.0, [s], "real"


def b_where(draw):
    sa, sb = draw(broadcast_shape_pairs(max_dims=3, min_side=1, max_side=3))
    cond_shape = onp.broadcast_shapes(sa, sb)[draw(st.integers(0, 1)):]
    cond = onp.random.default_rng(sum(cond_shape)).random(cond_shape) > 0.5
    return lambda a, b: np.where(np.array(cond), a, b), [sa, sb], "real"


def b_where_scalar(draw):
    s = _shape(draw)
    cond = onp.random.default_rng(7).random(s) > 0.5
    return lambda a: np.where(np.array(cond), a * a, 0.5), [s], "real"


def b_setitem(draw):
    """``y = x * 1; y[key] = v * 2``: x's gradient is zero where y was overwritten."""
    key, vshape = draw(
        st.sampled_from(
            [
                (slice(1, 3), (2, 3)),
                (slice(1, 3), (3,)),  # v broadcast over the rows
                ((slice(None, None, -2), 1), (2,)),
                ((Ellipsis, 2), (4,)),
                (([0, 2],), (2, 3)),
                ((onp.array([3, 1]), onp.array([0, 2])), (2,)),
                (onp.array([True, False, True, False]), (1, 3)),
                (2, ()),
            ]
        )
    )

    def f(x, v):
        y = x * 1
        y[key] = v * 2
        return y

    return f, [(4, 3), vshape], "real"


def b_setitem_twice(draw):
    def f(x, v):
        y = x * 1
        y[0] = v
        y[:, ::-2] = np.exp(v[None, :2])
        return y * y

    return f, [(3, 4), (4,)], "real"


def b_pick(draw):
    s = _shape(draw, min_dims=1)
    axis = _ax(draw, len(s))
    n = s[axis]
    rest = s[: axis % len(s)] + s[axis % len(s) + 1 :]
    idx = onp.random.default_rng(n).integers(-1, n + 1, rest)  # out of range: clipped
    keepdims = draw(st.booleans())
    return lambda x: npx.pick(x, np.array(idx), axis=axis, keepdims=keepdims), [s], "real"


def b_softmax(draw):
    s = _shape(draw, min_dims=1)
    axis = _ax(draw, len(s))
    t = draw(st.sampled_from([None, 2.0]))
    return lambda x: npx.softmax(x, axis=axis, temperature=t), [s], "real"


def b_log_softmax(draw):
    s = _shape(draw, min_dims=1)
    axis = _ax(draw, len(s))
    return lambda x: npx.log_softmax(x[::-1], axis=axis), [s], "real"


def b_batch_dot(draw):
    bsz, m, k, n = (draw(st.integers(1, 3)) for _ in range(4))
    ta, tb = draw(st.booleans()), draw(st.booleans())
    sa = (bsz, k, m) if ta else (bsz, m, k)
    sb = (bsz, n, k) if tb else (bsz, k, n)
    return lambda a, b: npx.batch_dot(a, b, transpose_a=ta, transpose_b=tb), [sa, sb], "real"


def _dims(draw, n):
    return [draw(st.integers(1, 3)) for _ in range(n)]


def b_dot_1d(draw):
    (k,) = _dims(draw, 1)
    return np.dot, [(k,), (k,)], "real"


def b_dot_2d(draw):
    m, k, n = _dims(draw, 3)
    return lambda a, b: a.dot(b[::-1].T), [(m, k), (n, k)], "real"


def b_dot_nd_1d(draw):
    s = _shape(draw, min_dims=1)
    return np.dot, [s, s[-1:]], "real"


def b_dot_nd_md(draw):
    s = _shape(draw, min_dims=1)
    t = tuple(_dims(draw, draw(st.integers(0, 1)))) + (s[-1],) + tuple(_dims(draw, 1))
    return np.dot, [s, t], "real"


def b_dot_scalar(draw):
    return np.dot, [(), _shape(draw)], "real"


def b_matmul(draw):
    kind = draw(st.sampled_from(["1d1d", "1d2d", "2d1d", "2d2d", "batched"]))
    m, k, n = _dims(draw, 3)
    if kind == "batched":
        b1, b2 = _dims(draw, 2)
        sa, sb = draw(st.sampled_from([((b1, 1, m, k), (b2, k, n)), ((m, k), (b1, k, n)), ((b1, m, k), (k,)), ((k,), (b1, 1, k, n))]))
    else:
        sa = {"1": (k,), "2": (m, k)}[kind[0]]
        sb = {"1": (k,), "2": (k, n)}[kind[2]]
    op = draw(st.sampled_from(["fn", "operator"]))
    return (np.matmul if op == "fn" else (lambda a, b: a @ b)), [sa, sb], "real"


def b_outer(draw):
    sa, sb = _shape(draw, min_dims=1, max_dims=2), _shape(draw, min_dims=1, max_dims=1)
    return lambda a, b: np.outer(a[::-1], b), [sa, sb], "real"


STRUCTURAL = {name[2:]: fn for name, fn in globals().items() if name.startswith("b_")}


@pytest.mark.parametrize("name", sorted(STRUCTURAL))
@settings(max_examples=examples(60))
@given(data=st.data(), seed=seeds)
def test_structural(name, data, seed):
    f, in_shapes, domain = STRUCTURAL[name](data.draw)
    inputs = [sample(seed + i, domain, s) for i, s in enumerate(in_shapes)]
    check_grad(f, *inputs, seed=seed)


# ---- indexing: repeated indices accumulate, writes cut the old values off ----------------------


def test_repeated_integer_indices_accumulate():
    x = onp.arange(5.0)
    onp.testing.assert_array_equal(_grad_of(lambda x: x[_ints([0, 2, 0, 0, -1])].sum(), x), [3, 0, 1, 0, 1])
    onp.testing.assert_array_equal(_grad_of(lambda x: x[[1, 1]] * x[[1, 3]], x), [0, 5, 0, 1, 0])
    m = onp.arange(6.0).reshape(2, 3)
    onp.testing.assert_array_equal(_grad_of(lambda m: m[[0, 0, 1], [2, 2, 0]].sum(), m), [[0, 0, 2], [1, 0, 0]])
    onp.testing.assert_array_equal(_grad_of(lambda m: m[:, [1, 1, 1]].sum(), m), [[0, 3, 0], [0, 3, 0]])
    # Through a negative-step view.
    onp.testing.assert_array_equal(_grad_of(lambda x: x[::-1][[0, 0]].sum(), x), [0, 0, 0, 0, 2])


def test_setitem_on_recorded_array():
    x, v = onp.arange(12.0).reshape(4, 3), onp.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    w = onp.random.default_rng(0).standard_normal((4, 3))
    dx, dv = np.array(x), np.array(v)
    dx.attach_grad()
    dv.attach_grad()
    with autograd.record():
        y = dx * 1
        y[1:3] = dv * 2
        loss = (y * np.array(w)).sum()
    loss.backward()
    expected_x = w.copy()
    expected_x[1:3] = 0
    onp.testing.assert_array_equal(dx.grad.asnumpy(), expected_x)
    onp.testing.assert_array_equal(dv.grad.asnumpy(), 2 * w[1:3])
    # The forward value is the written one.
    onp.testing.assert_array_equal(y.asnumpy()[1:3], 2 * v)


def test_setitem_constant_value_blocks_gradient():
    x = onp.arange(6.0).reshape(2, 3)

    def f(x):
        y = x * 2
        y[:, 1] = 7.0
        return (y * y).sum()

    onp.testing.assert_array_equal(_grad_of(f, x), 8 * x * onp.array([1, 0, 1]))


# ---- npx.one_hot, dtypes, legacy arrays, non-scalar heads -----------------------------------------


def test_one_hot_is_constant_and_usable_downstream():
    x = onp.random.default_rng(1).standard_normal((3, 4))
    labels = _ints([2, 0, 3])
    dx = np.array(x)
    dx.attach_grad()
    with autograd.record():
        oh = npx.one_hot(labels, 4, dtype="float64")
        loss = (npx.log_softmax(dx) * oh).sum()
    loss.backward()
    onp.testing.assert_array_equal(oh.asnumpy(), onp.eye(4)[[2, 0, 3]])
    soft = onp.exp(x) / onp.exp(x).sum(axis=1, keepdims=True)
    onp.testing.assert_allclose(dx.grad.asnumpy(), onp.eye(4)[[2, 0, 3]] - soft, rtol=1e-12, atol=1e-14)
    # And through finite differences.
    check_grad(lambda x: npx.log_softmax(x) * npx.one_hot(labels, 4, dtype="float64"), x)


def test_mixed_float32_float64_gradients_keep_each_dtype():
    rng = onp.random.default_rng(2)
    a32, b64, w = rng.standard_normal(3).astype("float32"), rng.standard_normal((2, 3)), rng.standard_normal((2, 3))
    a, b = np.array(a32), np.array(b64)
    assert a.dtype == onp.float32 and b.dtype == onp.float64
    a.attach_grad()
    b.attach_grad()
    with autograd.record():
        loss = (a * b * np.array(w)).sum()
    loss.backward()
    ga, gb = a.grad.asnumpy(), b.grad.asnumpy()
    assert ga.dtype == onp.float32 and ga.shape == (3,)
    assert gb.dtype == onp.float64 and gb.shape == (2, 3)
    onp.testing.assert_allclose(ga, (b64 * w).sum(axis=0), rtol=1e-6)
    onp.testing.assert_allclose(gb, a32.astype(F64) * w, rtol=1e-12)


def test_astype_between_float_dtypes():
    rng = onp.random.default_rng(3)
    x32, w = rng.standard_normal((2, 3)).astype("float32"), rng.standard_normal((2, 3))
    x = np.array(x32)
    x.attach_grad()
    with autograd.record():
        y = x.astype("float64")
        assert y.dtype == onp.float64
        loss = (y * y * np.array(w)).sum()
    loss.backward()
    g = x.grad.asnumpy()
    assert g.dtype == onp.float32
    onp.testing.assert_allclose(g, 2 * x32.astype(F64) * w, rtol=1e-6)
    # float64 -> float32 -> back: the gradient comes back in float64.
    x64 = np.array(x32.astype(F64))
    x64.attach_grad()
    with autograd.record():
        loss = (x64.astype("float32") * np.array(w.astype("float32"))).sum()
    loss.backward()
    assert x64.grad.dtype == onp.float64
    onp.testing.assert_allclose(x64.grad.asnumpy(), w.astype("float32"), rtol=0)


def test_non_scalar_backward_uses_ones():
    x = onp.random.default_rng(4).standard_normal((2, 3))
    onp.testing.assert_allclose(_grad_of(lambda x: np.sin(x.T), x), onp.cos(x), rtol=1e-14)
    head = onp.random.default_rng(5).standard_normal((3, 2))
    onp.testing.assert_allclose(_grad_of(lambda x: np.sin(x.T), x, head=head), onp.cos(x) * head.T, rtol=1e-14)


def _nd64(a):
    return nd.array(a, dtype="float64")


LEGACY = {
    "exp": (lambda x: nd.exp(x), 1),
    "mul_add": (lambda a, b: a * b + a, 2),
    "dot": (lambda a, b: nd.dot(a, b.T), 2),
    "sum_axis": (lambda x: x.sum(axis=1) * 2, 1),
    "broadcast_mul": (lambda a, b: nd.broadcast_mul(a, b[:1]), 2),
    "reshape_index": (lambda x: x.reshape((3, 2))[::-1, 1], 1),
    "relu_sigmoid": (lambda x: nd.relu(x) + nd.sigmoid(x), 1),
    "softmax": (lambda x: nd.softmax(x, axis=0), 1),
}


@pytest.mark.parametrize("name", sorted(LEGACY))
def test_legacy_ndarray(name):
    f, n_inputs = LEGACY[name]
    inputs = [sample(10 + i, "nonzero", (2, 3)) for i in range(n_inputs)]
    legacy = check_grad(f, *inputs, make=_nd64)  # also checks .grad is an NDArray
    assert all(isinstance(g, onp.ndarray) for g in legacy)
    x = _nd64(inputs[0])
    x.attach_grad()
    assert type(x.grad) is nd.NDArray and x.grad.dtype == onp.float64


# ---- second derivatives ----------------------------------------------------------------------------


def _first_grads(f, inputs, ws, create_graph=False):
    xs = [np.array(a) for a in inputs]
    for x in xs:
        x.attach_grad()
    with autograd.record():
        y = f(*xs)
        gs = autograd.grad(y, xs, create_graph=create_graph)
        gs = _outputs(gs)
        loss = None
        for g, w in zip(gs, ws):
            term = (g * np.array(w)).sum()
            loss = term if loss is None else loss + term
    return xs, gs, loss


def check_second(f, *inputs, eps=1e-5, rtol=1e-6, atol=1e-7, seed=0):
    """Differentiates ``sum_i(grad_i(f) * w_i)`` (built with ``create_graph``) and compares with
    central differences of the first derivatives. Returns the second-order gradients."""
    inputs = [onp.array(a, dtype=F64) for a in inputs]
    ws = _weights(inputs, seed)
    xs, gs, loss = _first_grads(f, inputs, ws, create_graph=True)
    loss.backward()
    out = []
    for i, (a, x) in enumerate(zip(inputs, xs)):
        got = x.grad.asnumpy()
        num = onp.zeros(a.shape)
        for j in onp.ndindex(*a.shape):
            vals = []
            for h in (eps, -eps):
                moved = [b.copy() for b in inputs]
                moved[i][j] += h
                _, g, _ = _first_grads(f, moved, ws)
                vals.append(sum(float((gk.asnumpy() * w).sum()) for gk, w in zip(g, ws)))
            num[j] = (vals[0] - vals[1]) / (2 * eps)
        onp.testing.assert_allclose(got, num, rtol=rtol, atol=atol, err_msg=f"second derivative, input {i}")
        out.append(got)
    return out, [g.asnumpy() for g in gs], ws


# name: (f, domain, closed-form f'', closed-form f')
SECOND = {
    "exp": (np.exp, "real", onp.exp, onp.exp),
    "sin": (np.sin, "real", lambda x: -onp.sin(x), onp.cos),
    "tanh": (np.tanh, "real", lambda x: -2 * onp.tanh(x) * (1 - onp.tanh(x) ** 2), lambda x: 1 - onp.tanh(x) ** 2),
    "sigmoid": (npx.sigmoid, "real", lambda x: (s := 1 / (1 + onp.exp(-x))) * (1 - s) * (1 - 2 * s), lambda x: (s := 1 / (1 + onp.exp(-x))) * (1 - s)),
    "cube": (lambda x: x**3, "real", lambda x: 6 * x, lambda x: 3 * x**2),
    "log": (np.log, "pos", lambda x: -1 / x**2, lambda x: 1 / x),
    "sqrt": (np.sqrt, "pos", lambda x: -0.25 * x**-1.5, lambda x: 0.5 / onp.sqrt(x)),
    "reversed_square": (lambda x: np.square(VIEWS["reversed"](x)), "real", lambda x: 2 * onp.ones_like(x), lambda x: 2 * x),
}


@pytest.mark.parametrize("name", sorted(SECOND))
@settings(max_examples=examples(15))
@given(shape=shapes(min_dims=0, max_dims=2, min_side=1, max_side=3), seed=seeds)
def test_second_derivative_elementwise(name, shape, seed):
    f, domain, d2, d1 = SECOND[name]
    x = sample(seed, domain, shape)
    (got,), (first,), (w,) = check_second(f, x, seed=seed)
    onp.testing.assert_allclose(first, d1(x), rtol=1e-12, atol=1e-14)
    onp.testing.assert_allclose(got, d2(x) * w, rtol=1e-10, atol=1e-12)


def test_second_derivative_product():
    rng = onp.random.default_rng(6)
    a, b = rng.standard_normal((2, 3)), rng.standard_normal(3)
    (ga, gb), (da, db), (wa, wb) = check_second(lambda x, y: x * y, a, b)
    onp.testing.assert_allclose(da, onp.broadcast_to(b, (2, 3)), rtol=1e-14)
    onp.testing.assert_allclose(db, a.sum(axis=0), rtol=1e-14)
    # d/da sum(wa*b + wb*sum_rows(a)) = wb broadcast; d/db = sum_rows(wa).
    onp.testing.assert_allclose(ga, onp.broadcast_to(wb, (2, 3)), rtol=1e-14)
    onp.testing.assert_allclose(gb, wa.sum(axis=0), rtol=1e-14)


@pytest.mark.parametrize("shapes_ab", [((2, 3), (3, 4)), ((3,), (3, 2)), ((2, 2, 3), (3, 2)), ((2, 1, 2, 3), (2, 3, 2))])
def test_second_derivative_matmul(shapes_ab):
    rng = onp.random.default_rng(7)
    a, b = (rng.standard_normal(s) for s in shapes_ab)
    (ga, gb), _, _ = check_second(lambda x, y: np.tanh(x @ y), a, b)
    assert ga.shape == a.shape and gb.shape == b.shape
    (ga, gb), (da, db), (wa, wb) = check_second(np.matmul, a, b)
    assert da.shape == a.shape and db.shape == b.shape
    if a.ndim == b.ndim == 2:
        # matmul is bilinear: with J = ones, da = J b^T and db = a^T J, so the second
        # derivatives only cross between the operands: d/da = J wb^T, d/db = wa^T J.
        j = onp.ones((a.shape[0], b.shape[1]))
        onp.testing.assert_allclose(da, j @ b.T, rtol=1e-13)
        onp.testing.assert_allclose(db, a.T @ j, rtol=1e-13)
        onp.testing.assert_allclose(ga, j @ wb.T, rtol=1e-13)
        onp.testing.assert_allclose(gb, wa.T @ j, rtol=1e-13)


@pytest.mark.parametrize("name", sorted(STRUCTURAL))
@settings(max_examples=examples(6))
@given(data=st.data(), seed=seeds)
def test_second_derivative_through_structural_ops(name, data, seed):
    """``sum(sin(op(x)))`` twice: the backward rules of the structural operations (scatter,
    gather, setitem, concatenate...) must themselves be differentiable."""
    f, in_shapes, domain = STRUCTURAL[name](data.draw)
    inputs = [sample(seed + i, domain, s) for i, s in enumerate(in_shapes)]

    def g(*xs):
        return functools.reduce(operator.add, [np.sin(o).sum() for o in _outputs(f(*xs))])

    check_second(g, *inputs, rtol=1e-5, atol=1e-6, seed=seed)


def test_second_derivative_through_setitem():
    """Regression: the gradient of ``y[key] = v`` wrote zeros into a recorded copy of the
    incoming gradient, so with ``create_graph`` backward failed ('modified in place')."""
    x, v = sample(1, "real", (4, 3)), sample(2, "real", (2, 3))

    def f(x, v):
        y = x * 1
        y[1:3] = v * 2
        return np.sin(y)

    (gx, gv), (dx, dv), (wx, wv) = check_second(f, x, v)
    y = x.copy()
    y[1:3] = 2 * v
    outside = onp.ones((4, 3))
    outside[1:3] = 0
    onp.testing.assert_allclose(dx, onp.cos(y) * outside, rtol=1e-13)
    onp.testing.assert_allclose(gx, -onp.sin(y) * outside * wx, rtol=1e-12)
    onp.testing.assert_allclose(gv, -4 * onp.sin(2 * v) * wv, rtol=1e-12)

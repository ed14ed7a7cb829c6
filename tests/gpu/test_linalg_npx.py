"""Products and the npx layer functions on a GPU against NumPy: ``matmul``/``@``/``dot``/
``outer``/``inner``/``vdot`` (float and integer, batched, broadcast batch axes, transposed
and strided operands, sizes that need several blocks), ``batch_dot``, ``fully_connected``,
``softmax``, ``log_softmax``, ``one_hot``, ``pick``, ``activation``, ``leaky_relu``,
``layer_norm``, ``batch_norm``, ``embedding``, and ``dropout`` (statistics)."""

import operator

import numpy as onp
import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import dtypes, float_dtypes, host_arrays, numeric_dtypes, raises, shapes, views
from deepblocks import autograd, npx
from deepblocks import np as dnp
from test_linalg import matmul_shapes, product_atol
from test_npx import ref_softmax
from test_npx_nn import _ACT, _LEAKY

from .conftest import assert_on, check, compare_on, few, on_device


def draw(data, device, dtype, shape, **kw):
    return data.draw(on_device(device, views(dtype, shape, **kw)))


def close(got, want, device, dtype):
    assert_on(got, device)
    tol = 1e-5 if dtype == "float32" else 1e-10
    g = got.asnumpy()
    assert g.shape == want.shape and g.dtype == onp.dtype(dtype), (g.shape, want.shape, g.dtype)
    onp.testing.assert_allclose(g.astype("float64"), want.astype("float64"), rtol=tol, atol=tol)


# ---- products ------------------------------------------------------------------------------------------------


@few(25)
@given(data=st.data())
def test_matmul(device, data):
    sa, sb = data.draw(matmul_shapes())
    ha, a = draw(data, device, data.draw(dtypes), sa)
    hb, b = draw(data, device, data.draw(dtypes), sb)
    atol = product_atol(ha, hb)
    compare_on(device, dnp.matmul, onp.matmul, (a, b), (ha, hb), atol=atol, rtol=1e-5)
    compare_on(device, operator.matmul, operator.matmul, (a, b), (ha, hb), atol=atol, rtol=1e-5)
    compare_on(device, operator.matmul, operator.matmul, (a, hb), (ha, hb), atol=atol, rtol=1e-5)
    compare_on(device, operator.matmul, operator.matmul, (ha, b), (ha, hb), atol=atol, rtol=1e-5)


@few(6)
@given(data=st.data())
def test_larger_float_products(device, data):
    """Sizes past one block and one tile, with every kind of operand layout."""
    dtype = data.draw(st.sampled_from(["float32", "float64"]))
    m, k, n = (data.draw(st.integers(1, 40)) for _ in range(3))
    kind = data.draw(st.sampled_from(["contig", "transposed", "negative", "strided"]))
    ha, a = draw(data, device, dtype, (m, k), kind=kind, small=True)
    hb, b = draw(data, device, dtype, (k, n), kind=kind, small=True)
    atol = 1e-4 * k if dtype == "float32" else 1e-10 * k
    check(a @ b, ha @ hb, device, atol=atol, rtol=1e-4)


def test_batched_and_broadcast_products(device):
    rng = onp.random.default_rng(0)
    ha = rng.standard_normal((3, 33, 20)).astype("float32")
    hb = rng.standard_normal((20, 17)).astype("float32")
    hc = rng.standard_normal((2, 1, 20, 5))
    a, b, c = (dnp.array(h, ctx=device) for h in (ha, hb, hc))
    check(a @ b, ha @ hb, device, atol=1e-4, rtol=1e-4)
    check(a.swapaxes(1, 2).swapaxes(1, 2) @ b[:, ::-1], ha @ hb[:, ::-1], device, atol=1e-4, rtol=1e-4)
    check(a @ c, ha @ hc, device, atol=1e-4, rtol=1e-4)  # float32 @ float64, broadcast batch
    check(dnp.matmul(b.T, a.swapaxes(1, 2)), onp.matmul(hb.T, ha.swapaxes(1, 2)), device, atol=1e-4, rtol=1e-4)
    hi = rng.integers(-5, 5, (21, 30)).astype("int64")
    i = dnp.array(hi, ctx=device)
    check(i @ i.T, hi @ hi.T, device)
    check(dnp.dot(i[::2], i.T.astype("int32")), onp.dot(hi[::2], hi.T.astype("int32")), device)


def test_integer_products_wrap_like_numpy(device):
    for h in (onp.array([[2**40, 3], [5, 2**33]], "int64"), onp.array([[200, 100], [7, 255]], "uint8"),
              onp.array([[True, False], [True, True]]), onp.array([[2**30, -7], [3, 2**29]], "int32")):
        d = dnp.array(h, ctx=device)
        check(d @ d, h @ h, device)
        check(d.T @ d, h.T @ h, device)


@few(15)
@given(data=st.data())
def test_dot_outer_inner_vdot(device, data):
    sa = data.draw(shapes(max_dims=3, max_side=3))
    if len(sa) and data.draw(st.booleans()):
        sb = data.draw(st.sampled_from([(sa[-1],), (sa[-1], 2), (1, sa[-1], 3)]))
    else:
        sb = data.draw(shapes(max_dims=3, max_side=3))
    ha, a = draw(data, device, data.draw(dtypes), sa)
    hb, b = draw(data, device, data.draw(dtypes), sb)
    tol = dict(atol=product_atol(ha, hb), rtol=1e-5)
    compare_on(device, dnp.dot, onp.dot, (a, b), (ha, hb), **tol)
    compare_on(device, lambda x, y: x.dot(y), lambda x, y: x.dot(y), (a, b), (ha, hb), **tol)
    if len(sa) <= 2 and len(sb) <= 2:
        compare_on(device, dnp.outer, onp.outer, (a, b), (ha, hb), **tol)
        if ha.size == hb.size and ha.dtype != bool and hb.dtype != bool:
            compare_on(device, dnp.vdot, onp.vdot, (a, b), (ha, hb), **tol)
        if sa[-1:] == sb[-1:]:
            compare_on(device, dnp.inner, onp.inner, (a, b), (ha, hb), **tol)


def test_product_shape_errors(device):
    a, b = dnp.ones((2, 3), ctx=device), dnp.ones((4, 5), ctx=device)
    raises(ValueError, dnp.matmul, a, b, contains=["(2, 3)", "(4, 5)"])
    raises(ValueError, dnp.dot, a, b, contains=["(2, 3)", "(4, 5)"])


@few(10)
@given(data=st.data())
def test_batch_dot(device, data):
    dtype = data.draw(st.sampled_from(["float32", "float64", "int64"]))
    b, m, k, n = (data.draw(st.integers(0, 4)) for _ in range(4))
    ta, tb = data.draw(st.booleans()), data.draw(st.booleans())
    ha, a = draw(data, device, dtype, (b, k, m) if ta else (b, m, k), small=True)
    hb, bb = draw(data, device, dtype, (b, n, k) if tb else (b, k, n), small=True)
    ref = (ha.swapaxes(1, 2) if ta else ha) @ (hb.swapaxes(1, 2) if tb else hb)
    check(npx.batch_dot(a, bb, transpose_a=ta, transpose_b=tb), ref, device, rtol=1e-5, atol=1e-4)


@few(10)
@given(data=st.data(), batch=st.integers(0, 3), tail=shapes(min_dims=1, max_dims=3, min_side=1, max_side=3),
       dtype=float_dtypes, no_bias=st.booleans(), flatten=st.booleans())
def test_fully_connected(device, data, batch, tail, dtype, no_bias, flatten):
    host, dev = draw(data, device, dtype, (batch,) + tail, small=True)
    k = int(onp.prod(tail)) if flatten else tail[-1]
    hw, dw = draw(data, device, dtype, (3, k), small=True)
    hb, db = draw(data, device, dtype, (3,), small=True)
    got = npx.fully_connected(dev, dw, None if no_bias else db, num_hidden=3, no_bias=no_bias, flatten=flatten)
    x = host.reshape(batch, k) if flatten else host
    want = x.astype("float64") @ hw.astype("float64").T + (0 if no_bias else hb)
    assert_on(got, device)
    assert got.dtype == dtype and got.shape == want.shape
    onp.testing.assert_allclose(got.asnumpy().astype("float64"), want, rtol=1e-4, atol=1e-3)


# ---- npx functions -------------------------------------------------------------------------------------------


@few(15)
@given(data=st.data())
def test_softmax_and_log_softmax(device, data):
    dtype = data.draw(float_dtypes)
    shape = data.draw(shapes(min_dims=1, min_side=1, max_dims=3, max_side=4))
    host, dev = draw(data, device, dtype, shape)
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    t = data.draw(st.sampled_from([None, 1.0, 0.5, 3.0]))
    ref = ref_softmax(host, axis, t or 1.0)
    tol = dict(rtol=1e-5, atol=1e-6) if dtype == "float32" else dict(rtol=1e-10, atol=1e-12)
    check(npx.softmax(dev, axis=axis, temperature=t), ref.astype(dtype), device, **tol)
    shifted = host.astype("float64") / (t or 1.0)
    shifted = shifted - shifted.max(axis=axis, keepdims=True)
    lref = shifted - onp.log(onp.exp(shifted).sum(axis=axis, keepdims=True))
    check(npx.log_softmax(dev, axis=axis, temperature=t), lref.astype(dtype), device,
          rtol=1e-5 if dtype == "float32" else 1e-10, atol=1e-4 if dtype == "float32" else 1e-10)


def test_softmax_is_stable_for_huge_inputs(device):
    x = dnp.array([[1000.0, 1000.0], [-1000.0, 0.0]], ctx=device)
    check(npx.softmax(x), onp.array([[0.5, 0.5], [0.0, 1.0]], "float32"), device)
    check(npx.log_softmax(x), onp.array([[-onp.log(2), -onp.log(2)], [-1000.0, 0.0]], "float32"), device, atol=1e-5)


@few(10)
@given(data=st.data())
def test_one_hot(device, data):
    depth = data.draw(st.integers(1, 6))
    idx = data.draw(host_arrays("int64", data.draw(shapes(max_dims=2))).map(lambda a: a % (depth + 2) - 1))
    on, off = data.draw(st.floats(-5, 5)), data.draw(st.floats(-5, 5))
    out_dtype = data.draw(st.sampled_from(["float32", "int32", "float64"]))
    src = dnp.array(idx.astype(data.draw(st.sampled_from(["int64", "int32", "float32"]))), ctx=device)
    ref = onp.where(idx[..., None] == onp.arange(depth), on, off).astype(out_dtype)
    check(npx.one_hot(src, depth, on_value=on, off_value=off, dtype=out_dtype), ref, device)
    check(npx.one_hot(src, depth), (idx[..., None] == onp.arange(depth)).astype("float32"), device)


@few(10)
@given(data=st.data())
def test_pick(device, data):
    shape = data.draw(shapes(min_dims=1, max_dims=3, min_side=1, max_side=4))
    host, dev = draw(data, device, data.draw(numeric_dtypes), shape)
    nd = len(shape)
    axis = data.draw(st.integers(-nd, nd - 1))
    n = shape[axis]
    idx = data.draw(host_arrays("int64", shape[:axis % nd] + shape[axis % nd + 1:]).map(lambda a: a % (n + 4) - 2))
    mode = data.draw(st.sampled_from(["clip", "wrap"]))
    keepdims = data.draw(st.booleans())
    fixed = onp.clip(idx, 0, n - 1) if mode == "clip" else onp.mod(idx, n)
    ref = onp.take_along_axis(host, onp.expand_dims(fixed, axis), axis)
    if not keepdims:
        ref = onp.squeeze(ref, axis)
    index = dnp.array(idx.astype(data.draw(st.sampled_from(["int64", "float32"]))), ctx=device)
    check(npx.pick(dev, index, axis=axis, mode=mode, keepdims=keepdims), ref, device)


@few(8)
@given(data=st.data(), dtype=float_dtypes, act=st.sampled_from(sorted(_ACT)))
def test_activation(device, data, dtype, act):
    host, dev = draw(data, device, dtype, data.draw(shapes(max_dims=3, max_side=3)), small=True)
    close(npx.activation(dev, act), _ACT[act](host.astype("float64")).astype(dtype), device, dtype)


@few(8)
@given(data=st.data(), dtype=float_dtypes, kind=st.sampled_from(sorted(_LEAKY)), slope=st.floats(0.0, 1.0))
def test_leaky_relu_family(device, data, dtype, kind, slope):
    host, dev = draw(data, device, dtype, data.draw(shapes(max_dims=3, max_side=3)), small=True)
    close(npx.leaky_relu(dev, kind, slope=slope), _LEAKY[kind](host.astype("float64"), slope).astype(dtype), device,
          dtype)


@few(8)
@given(data=st.data(), dtype=float_dtypes)
def test_layer_norm(device, data, dtype):
    shape = data.draw(shapes(min_dims=1, max_dims=3, min_side=2, max_side=4))
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    host, dev = draw(data, device, dtype, shape, small=True)
    c = shape[axis]
    hg, dg = draw(data, device, dtype, (c,), small=True)
    hb, db = draw(data, device, dtype, (c,), small=True)
    x = host.astype("float64")
    mean = x.mean(axis=axis, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=axis, keepdims=True)
    bshape = [1] * len(shape)
    bshape[axis] = c
    want = (x - mean) / onp.sqrt(var + 1e-5) * hg.reshape(bshape) + hb.reshape(bshape)
    got = npx.layer_norm(dev, dg, db, axis=axis, eps=1e-5)
    assert_on(got, device)
    eps = onp.finfo(dtype).eps
    bound = (8 * eps * onp.abs(x).max(axis=axis, keepdims=True) / onp.sqrt(var + 1e-5) + 8 * eps) \
        * onp.abs(hg.reshape(bshape)) + 8 * eps * (1 + onp.abs(want))
    assert onp.all(onp.abs(got.asnumpy().astype("float64") - want) <= bound)


@few(8)
@given(data=st.data(), shape=shapes(min_dims=2, min_side=1, max_side=3), dtype=float_dtypes, training=st.booleans())
def test_batch_norm(device, data, shape, dtype, training):
    host, dev = draw(data, device, dtype, shape, small=True)
    c = shape[1]
    hg, dg = draw(data, device, dtype, (c,), small=True)
    hb, db = draw(data, device, dtype, (c,), small=True)
    rm, rv = onp.linspace(-1, 1, c).astype(dtype), onp.linspace(0.5, 2, c).astype(dtype)
    run_mean, run_var = dnp.array(rm, ctx=device), dnp.array(rv, ctx=device)
    x = host.astype("float64")
    red = tuple(a for a in range(len(shape)) if a != 1)
    bshape = [1] * len(shape)
    bshape[1] = c
    mean, var = (x.mean(axis=red), x.var(axis=red)) if training else (rm.astype("float64"), rv.astype("float64"))
    want = (x - mean.reshape(bshape)) / onp.sqrt(var.reshape(bshape) + 1e-3) * hg.reshape(bshape) + hb.reshape(bshape)
    with autograd.train_mode() if training else autograd.predict_mode():
        got = npx.batch_norm(dev, dg, db, run_mean, run_var, eps=1e-3, momentum=0.9, fix_gamma=False)
    assert_on(got, device)
    eps = onp.finfo(dtype).eps
    bound = (16 * eps * onp.abs(x).max() / onp.sqrt(var.reshape(bshape) + 1e-3) + 8 * eps) \
        * onp.abs(hg.reshape(bshape)) + 8 * eps * (1 + onp.abs(want))
    assert onp.all(onp.abs(got.asnumpy().astype("float64") - want) <= bound)
    assert_on((run_mean, run_var), device)
    tol = 1e-4 if dtype == "float32" else 1e-9
    if training:
        onp.testing.assert_allclose(run_mean.asnumpy(), 0.9 * rm + 0.1 * mean, rtol=tol, atol=tol)
        onp.testing.assert_allclose(run_var.asnumpy(), 0.9 * rv + 0.1 * var, rtol=tol, atol=tol)
    else:
        assert onp.array_equal(run_mean.asnumpy(), rm) and onp.array_equal(run_var.asnumpy(), rv)


@few(8)
@given(data=st.data(), idx_shape=shapes(max_dims=2, max_side=3), dtype=float_dtypes,
       idx_dtype=st.sampled_from(["int32", "int64", "float32"]))
def test_embedding(device, data, idx_shape, dtype, idx_dtype):
    rows, dim = data.draw(st.integers(1, 5)), data.draw(st.integers(1, 4))
    hw, dw = draw(data, device, dtype, (rows, dim))
    hi = data.draw(host_arrays("int64", idx_shape).map(lambda a: a % (rows + 2) - 1))
    got = npx.embedding(dnp.array(hi.astype(idx_dtype), ctx=device), dw, rows, dim)
    check(got, hw[onp.clip(hi, 0, rows - 1)], device)  # out-of-range rows are clipped, as in MXNet


@pytest.mark.parametrize("p", [0.0, 0.3, 0.8])
def test_dropout_statistics_in_training(device, p):
    """In training, dropout zeroes a fraction ``p`` and scales the rest by ``1 / (1 - p)``;
    in prediction it is the identity; ``axes`` shares the mask along those axes."""
    x = dnp.ones((40, 50), ctx=device)
    with autograd.train_mode():
        y = npx.dropout(x, p=p)
    assert_on(y, device)
    h = y.asnumpy()
    kept = h != 0
    onp.testing.assert_allclose(h[kept], 1 / (1 - p), rtol=1e-6)
    assert abs(1 - kept.mean() - p) < 0.06
    with autograd.predict_mode():
        check(npx.dropout(x, p=p), onp.ones((40, 50), "float32"), device)
    with autograd.train_mode():
        z = npx.dropout(dnp.ones((40, 50), ctx=device), p=p, axes=(1,)).asnumpy()
    assert (z == z[:, :1]).all()


@pytest.mark.parametrize("name", ["tril", "triu"])
@few(6)
@given(data=st.data(), k=st.integers(-3, 3))
def test_triangles(device, name, data, k):
    """np.tril/np.triu on the device, values and gradients (the triangle of the gradient)."""
    dtype = data.draw(dtypes, label="dtype")
    host, dev = data.draw(on_device(device, views(dtype, data.draw(shapes(min_dims=1, max_dims=3, max_side=3)))))
    compare_on(device, lambda x: getattr(dnp, name)(x, k), lambda x: getattr(onp, name)(x, k), (dev,), (host,))
    if dtype == "float64" and host.ndim >= 2:
        x = dev.copy()
        x.attach_grad()
        with autograd.record():
            y = getattr(dnp, name)(x, k)
        y.backward(dnp.ones(y.shape, dtype="float64", ctx=device))
        assert_on(x.grad, device)
        onp.testing.assert_array_equal(x.grad.asnumpy(), getattr(onp, name)(onp.ones(host.shape), k))

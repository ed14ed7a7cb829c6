"""``npx.pooling`` (and ``nd.Pooling``) against the NumPy reference of conv_reference.py, which
follows MXNet's CPU code (validated against MXNet 1.9.1's values below): max, avg and sum,
the 'valid' and 'full' conventions, ``count_include_pad``, global pooling, both layouts,
float32 and float64, non-contiguous views; gradients by central finite differences; bad input."""

import numpy as onp
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import conv_reference as ref
from conftest import raises, views
from deepblocks import autograd, nd, npx
from deepblocks import np as dnp
from test_autograd_grads import check_grad, examples

floats = st.sampled_from(["float32", "float64"])


def _layout(d, last):
    return ("NWC", "NHWC", "NDHWC")[d - 1] if last else ("NCW", "NCHW", "NCDHW")[d - 1]


@st.composite
def pool_geometry(draw):
    d = draw(st.integers(1, 3))
    hi = 2 if d == 3 else 3
    kernel = tuple(draw(st.integers(1, hi)) for _ in range(d))
    stride = tuple(draw(st.integers(1, 3)) for _ in range(d))
    pad = tuple(draw(st.integers(0, k - 1)) for k in kernel)  # MXNet: pad < kernel
    sizes = tuple(draw(st.integers(max(1, k - 2 * p), max(1, k - 2 * p) + 4)) for k, p in zip(kernel, pad))
    full = draw(st.booleans())
    # Windows lying wholly in the padding (possible with 'full') are ill-defined in MXNet.
    assume(ref.pool_windows_reach_data(sizes, kernel, stride, pad, full))
    return dict(d=d, kernel=kernel, stride=stride, pad=pad, sizes=sizes, full=full,
                pool_type=draw(st.sampled_from(["max", "avg", "sum"])), count_include_pad=draw(st.booleans()),
                n=draw(st.integers(1, 2)), c=draw(st.integers(1, 3)), last=draw(st.booleans()))


@settings(max_examples=examples(40), deadline=None)
@given(data=st.data(), geo=pool_geometry(), dtype=floats, global_pool=st.booleans())
def test_pooling_matches_the_reference(data, geo, dtype, global_pool):
    last = geo["last"]
    shape = (geo["n"], *geo["sizes"], geo["c"]) if last else (geo["n"], geo["c"], *geo["sizes"])
    host, dev = data.draw(views(dtype, shape, small=True))
    got = npx.pooling(dev, kernel=geo["kernel"], pool_type=geo["pool_type"], global_pool=global_pool,
                      pooling_convention="full" if geo["full"] else "valid", stride=geo["stride"], pad=geo["pad"],
                      count_include_pad=geo["count_include_pad"], layout=_layout(geo["d"], last))
    want = ref.pooling(host, geo["kernel"], geo["stride"], geo["pad"], geo["pool_type"], geo["full"],
                       geo["count_include_pad"], global_pool, last)
    assert type(got) is dnp.ndarray and got.dtype == onp.dtype(dtype) and got.shape == want.shape
    magnitude = ref.pooling(onp.abs(host), geo["kernel"], geo["stride"], geo["pad"], "sum", geo["full"],
                            True, global_pool, last)
    bound = 16 * onp.finfo(dtype).eps * (magnitude + 1)
    assert onp.all(onp.abs(got.asnumpy().astype("float64") - want) <= bound)


# ---- values recorded from MXNet 1.9.1 ---------------------------------------------------------------

XP = onp.arange(1 * 2 * 5 * 6).reshape(1, 2, 5, 6) * 1.5 % 11

MXNET = [  # (arguments, channel 1 of the output)
    (dict(kernel=(2, 2), pool_type="max"),
     [[10.0, 4.0, 5.5, 7.0, 8.5], [10.0, 9.5, 3.5, 5.0, 6.5], [9.5, 9.5, 10.5, 10.5, 4.5],
      [7.5, 9.0, 10.5, 10.5, 10.0]]),
    (dict(kernel=(3, 3), stride=(2, 2), pad=(1, 1), pool_type="max", pooling_convention="full"),
     [[10.0, 5.5, 8.5, 8.5], [10.0, 10.5, 10.5, 6.5], [7.5, 10.5, 10.5, 2.5]]),
    (dict(kernel=(3, 3), stride=(2, 2), pad=(1, 1), pool_type="avg"),
     [[1.55556, 2.0, 4.0], [4.61111, 4.88889, 4.22222], [2.55556, 5.33333, 3.66667]]),
    (dict(kernel=(3, 3), stride=(2, 2), pad=(1, 1), pool_type="avg", pooling_convention="full"),
     [[1.55556, 2.0, 4.0, 2.5], [4.61111, 4.88889, 4.22222, 2.25], [2.55556, 5.33333, 3.66667, 0.5]]),
    (dict(kernel=(3, 3), stride=(2, 2), pad=(1, 1), pool_type="avg", count_include_pad=False,
          pooling_convention="full"),
     [[3.5, 3.0, 6.0, 7.5], [6.91667, 4.88889, 4.22222, 4.5], [5.75, 8.0, 5.5, 1.5]]),
    (dict(kernel=(3, 2), stride=(2, 3), pad=(1, 1), pool_type="sum", pooling_convention="full"),
     [[11.0, 15.0, 15.0], [24.0, 26.5, 13.5], [10.0, 35.0, 3.0]]),
    (dict(kernel=(1, 1), pool_type="avg", global_pool=True), [[5.15]]),
    (dict(kernel=(1, 1), pool_type="max", global_pool=True), [[10.5]]),
]


@pytest.mark.parametrize("front", ["npx", "nd"])
@pytest.mark.parametrize("case", range(len(MXNET)))
def test_values_recorded_from_mxnet(front, case):
    kwargs, want = MXNET[case]
    x = (dnp.array if front == "npx" else nd.array)(XP.astype("float32"))
    got = (npx.pooling if front == "npx" else nd.Pooling)(x, **kwargs)
    assert type(got) is (dnp.ndarray if front == "npx" else nd.NDArray)
    onp.testing.assert_allclose(got.asnumpy()[0, 1], want, rtol=1e-5)
    onp.testing.assert_allclose(got.asnumpy(), ref.pooling(
        XP, kwargs["kernel"], kwargs.get("stride"), kwargs.get("pad"), kwargs["pool_type"],
        kwargs.get("pooling_convention") == "full", kwargs.get("count_include_pad", True),
        kwargs.get("global_pool", False)), rtol=1e-6)


def test_defaults_follow_mxnet():
    x = dnp.array(onp.arange(24.0).reshape(1, 1, 4, 6))
    # pool_type 'max', stride 1, pad 0, 'valid'; global pooling needs no kernel.
    onp.testing.assert_array_equal(npx.pooling(x, kernel=(2, 2)).asnumpy(), ref.pooling(x.asnumpy(), (2, 2)))
    onp.testing.assert_array_equal(npx.pooling(x, global_pool=True).asnumpy(), [[[[23.0]]]])
    onp.testing.assert_array_equal(npx.pooling(x, kernel=2, stride=2, pool_type="avg").asnumpy(),
                                   ref.pooling(x.asnumpy(), (2, 2), (2, 2), None, "avg"))


# ---- gradients (float64, central differences) ----------------------------------------------------

GRAD_CASES = {
    "max_2d": dict(shape=(2, 2, 5, 6), kernel=(3, 3), stride=(2, 2), pad=(1, 1), pool_type="max"),
    "max_full_1d": dict(shape=(1, 3, 8), kernel=(3,), stride=(2,), pad=(1,), pool_type="max",
                        pooling_convention="full"),
    "avg_2d": dict(shape=(1, 2, 5, 5), kernel=(3, 2), stride=(2, 1), pad=(1, 1), pool_type="avg"),
    "avg_full_no_pad_count": dict(shape=(1, 2, 5, 6), kernel=(3, 3), stride=(2, 2), pad=(1, 1), pool_type="avg",
                                  pooling_convention="full", count_include_pad=False),
    "sum_3d": dict(shape=(1, 1, 3, 4, 3), kernel=(2, 2, 2), stride=(1, 2, 1), pad=(0, 1, 1), pool_type="sum"),
    "avg_channels_last": dict(shape=(1, 4, 5, 2), kernel=(2, 3), stride=(2, 2), pad=(1, 0), pool_type="avg",
                              layout="NHWC"),
    "max_global": dict(shape=(2, 3, 3, 4), kernel=(1, 1), pool_type="max", global_pool=True),
    "avg_global_3d": dict(shape=(1, 2, 2, 3, 2), kernel=(1, 1, 1), pool_type="avg", global_pool=True),
}


@pytest.mark.parametrize("case", sorted(GRAD_CASES))
def test_pooling_gradients(case):
    kwargs = dict(GRAD_CASES[case])
    shape = kwargs.pop("shape")
    # Distinct values (a permutation): every window has one maximum, finite differences see no ties.
    x = onp.random.default_rng(len(case)).permutation(onp.prod(shape)).reshape(shape) * 0.1
    check_grad(lambda x: npx.pooling(x, **kwargs), x, rtol=1e-6, atol=1e-8)


def test_max_pooling_sends_the_gradient_to_one_maximum():
    # Ties: MXNet sends each window's gradient to one of its maxima, never splits it.
    x = dnp.ones((1, 1, 2, 4))
    x.attach_grad()
    with autograd.record():
        y = npx.pooling(x, kernel=(2, 2), stride=(2, 2))
    y.backward()
    g = x.grad.asnumpy()[0, 0]
    assert g.sum() == 2.0 and sorted(g.ravel().tolist()) == [0.0] * 6 + [1.0] * 2
    assert g[:, :2].sum() == 1.0 and g[:, 2:].sum() == 1.0


def test_legacy_ndarrays_in_legacy_ndarrays_out():
    x = nd.array(onp.arange(16.0).reshape(1, 1, 4, 4))
    x.attach_grad()
    with autograd.record():
        y = nd.Pooling(x, kernel=(2, 2), stride=(2, 2), pool_type="avg")
    assert type(y) is nd.NDArray
    y.backward()
    assert type(x.grad) is nd.NDArray
    onp.testing.assert_array_equal(x.grad.asnumpy(), onp.full((1, 1, 4, 4), 0.25))


# ---- bad input ----------------------------------------------------------------------------------------


def test_bad_input_names_the_shapes():
    x = dnp.ones((1, 2, 4, 4))
    raises(ValueError, npx.pooling, x, kernel=(5, 5), contains=["(5, 5)", "(4, 4)", "(1, 2, 4, 4)"])
    raises(ValueError, npx.pooling, x, kernel=(2, 2), pad=(2, 2), contains=["pad (2, 2)", "kernel (2, 2)"])
    raises(ValueError, npx.pooling, x, kernel=(2, 2, 2), contains="(2, 2, 2)")
    raises(ValueError, npx.pooling, x, kernel=(2, 2), layout="NCW", contains=["'NCW'", "(1, 2, 4, 4)"])
    raises(ValueError, npx.pooling, x, kernel=(2, 2), layout="HWCN", contains="'HWCN'")
    raises(ValueError, npx.pooling, dnp.ones((4, 4)), kernel=(2, 2), contains="(4, 4)")
    raises(ValueError, npx.pooling, x, kernel=(2, 2), pool_type="median", contains="'median'")
    raises(ValueError, npx.pooling, x, kernel=(2, 2), pooling_convention="floor", contains="'floor'")
    raises(ValueError, npx.pooling, x, contains="kernel is required")
    raises(NotImplementedError, npx.pooling, x, kernel=(2, 2), pool_type="lp", contains="'lp'")
    raises(ValueError, nd.Pooling, nd.ones((1, 2, 4, 4)), kernel=(5, 5), contains="(5, 5)")

"""Gradients of the differentiable search/statistics functions against central differences
(``check_grad``): gathers (take in each mode, take_along_axis), order statistics (median,
quantile/percentile methods, nan* versions), averages, nan-skipping reductions, cumprod
(zeros included), diff, interp and nan_to_num."""

import numpy as onp
import pytest

from deepblocks import autograd
from deepblocks import np as dnp
from test_autograd_grads import check_grad

rng = onp.random.default_rng(7)
X = rng.uniform(-2, 2, (3, 4))  # distinct values: order statistics are smooth here
XN = X.copy()
XN[0, 1] = XN[2, 3] = onp.nan


def _idx(a):
    return dnp.array(onp.asarray(a, dtype="int64"))


@pytest.mark.parametrize("mode", ["raise", "wrap", "clip"])
def test_take_modes(mode):
    check_grad(lambda a: dnp.take(a, _idx([[0, -1], [5, 2]]) if mode != "raise" else _idx([[0, -1], [2, 2]]),
                                  axis=1, mode=mode), X)


def test_take_along_axis():
    idx = _idx(onp.argsort(X, axis=0)[::-1])
    check_grad(lambda a: dnp.take_along_axis(a, idx, 0), X)
    check_grad(lambda a: dnp.take_along_axis(a, _idx([[1], [1], [0]]), 1), X)


@pytest.mark.parametrize("method", ["linear", "lower", "higher", "midpoint", "nearest", "hazen", "weibull"])
def test_quantile_methods(method):
    check_grad(lambda a: dnp.quantile(a, [0.3, 0.75], axis=1, method=method), X)
    check_grad(lambda a: dnp.percentile(a, 40.0, axis=(0, 1), method=method), X)


def test_median_and_nan_order_statistics():
    check_grad(lambda a: dnp.median(a, axis=0), X)
    check_grad(lambda a: dnp.median(a), X)
    mask = dnp.array(onp.isnan(XN))
    # the NaN entries are put back inside f, so the inputs stay finite for the differences
    def with_nan(a):
        return dnp.where(mask, onp.nan, a)
    check_grad(lambda a: dnp.nanmedian(with_nan(a), axis=1), X)
    check_grad(lambda a: dnp.nanquantile(with_nan(a), [0.2, 0.9], axis=0), X)
    check_grad(lambda a: dnp.nanpercentile(with_nan(a), 50, axis=1), X)


def test_average():
    w = rng.uniform(0.5, 2, (4,))
    check_grad(lambda a, b: dnp.average(a, axis=1, weights=b), X, w)
    check_grad(lambda a: dnp.average(a, axis=0, keepdims=True), X)


@pytest.mark.parametrize("name", ["nansum", "nanmean", "nanmax", "nanmin", "nanprod", "nanstd", "nanvar",
                                  "nancumsum", "nancumprod"])
def test_nan_reductions(name):
    mask = dnp.array(onp.isnan(XN))
    f = getattr(dnp, name)
    check_grad(lambda a: f(dnp.where(mask, onp.nan, a), axis=1), X)
    if name not in ("nancumsum", "nancumprod"):
        check_grad(lambda a: f(dnp.where(mask, onp.nan, a)), X)


def test_cumprod_with_zeros():
    x = onp.array([[1.5, 0.0, 2.0, -1.0, 0.0, 3.0], [0.7, -1.2, 0.0, 1.1, 2.0, 0.5]])
    check_grad(lambda a: dnp.cumprod(a, axis=1), x)
    check_grad(lambda a: dnp.cumprod(a), x)
    check_grad(lambda a: a.cumprod(axis=0), x)


def test_cumprod_second_derivative():
    x = dnp.array(onp.array([2.0, 0.0, 3.0]))
    x.attach_grad()
    with autograd.record():
        g = autograd.grad(dnp.cumprod(x).sum(), x, create_graph=True)
        g.sum().backward()
    # d/dx sum_j prod_{i<=j} x_i; second derivatives summed over the gradient's entries
    onp.testing.assert_allclose(g.asnumpy(), [1.0, 2.0 + 6.0, 0.0])
    onp.testing.assert_allclose(x.grad.asnumpy(), [1.0 + 3.0 + 0.0, 1.0 + 3.0 + 2.0, 0.0 + 2.0])


def test_diff_interp_nan_to_num():
    check_grad(lambda a: dnp.diff(a, n=2, axis=1, prepend=dnp.array(onp.zeros((3, 1)))), X)
    xp, fp = dnp.array(onp.array([-2.5, -1.0, 0.3, 2.5])), onp.array([1.0, -1.0, 2.0, 0.5])
    check_grad(lambda x, f: dnp.interp(x, xp, f), X.ravel(), fp)
    check_grad(lambda x: dnp.interp(x, xp, dnp.array(fp), period=3.0), X.ravel())
    special = dnp.array(onp.array([onp.nan, onp.inf, 0.0, -onp.inf]))
    check_grad(lambda a: dnp.nan_to_num(a + special, posinf=5.0, neginf=-7.0), onp.array([0.3, 0.1, 1.2, -0.4]))

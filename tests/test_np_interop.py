"""NumPy's own functions on deepblocks arrays (``__array_ufunc__`` / ``__array_function__``):
``numpy.exp(x)``, ``numpy.concatenate([x, y])``, ``numpy.sum(x, axis=0)`` run deepblocks'
function and give deepblocks arrays that autograd records; functions deepblocks lacks fall
back to NumPy (results converted back, as MXNet's numpy mode does); legacy arrays give legacy
results; matplotlib plots both kinds."""

import numpy as onp
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import float_dtypes, shapes, views
from deepblocks import autograd, nd
from deepblocks import np as dnp
from test_autograd_grads import check_grad


def _same(r, expected):
    assert isinstance(r, dnp.ndarray) and not isinstance(r, onp.ndarray)
    onp.testing.assert_allclose(r.asnumpy(), expected, rtol=1e-6)
    assert r.shape == onp.shape(expected)


# ---- dispatch to deepblocks' functions ----------------------------------------------------------------


@settings(max_examples=40)
@given(st.data(), float_dtypes, shapes(max_dims=3))
def test_ufuncs_give_deepblocks_arrays(data, dtype, shape):
    host, dev = data.draw(views(dtype, shape))
    for f in (onp.exp, onp.negative, onp.abs, onp.sqrt, onp.tanh):
        r = f(dev)
        _same(r, f(host))
        assert r.dtype == f(host).dtype
    _same(onp.add(dev, 1), onp.add(host, 1))
    _same(onp.maximum(dev, dev[..., :1] if dev.ndim else dev), onp.maximum(host, host[..., :1] if host.ndim else host))
    _same(onp.multiply(2, dev), 2 * host)


def test_functions_give_deepblocks_arrays():
    h = onp.arange(12, dtype="float32").reshape(3, 4)
    x = dnp.array(h)
    _same(onp.concatenate([x, x]), onp.concatenate([h, h]))
    _same(onp.concatenate([x, h], axis=1), onp.concatenate([h, h], axis=1))  # NumPy arrays mixed in
    _same(onp.sum(x, axis=0), h.sum(axis=0))
    _same(onp.mean(x), h.mean())
    _same(onp.max(x, axis=1, keepdims=True), h.max(axis=1, keepdims=True))
    _same(onp.transpose(x), h.T)
    _same(onp.reshape(x, (4, 3)), h.reshape(4, 3))
    _same(onp.stack([x, x], axis=1), onp.stack([h, h], axis=1))
    _same(onp.where(x > 5, x, 0), onp.where(h > 5, h, 0))
    _same(onp.linalg.norm(x), onp.linalg.norm(h))
    assert onp.shape(x) == (3, 4)
    # The deepblocks function itself ran: a result on a view still shares nothing with NumPy.
    assert type(onp.dot(x, x.T)) is dnp.ndarray


def test_numpy_operand_first():
    h = onp.arange(4.0)
    x = dnp.arange(4)
    r = h + x  # NumPy's operator calls numpy.add, which defers to deepblocks
    _same(r, h + onp.arange(4.0, dtype="float32"))
    _same(h * x, h * onp.arange(4.0))
    _same(h < x, h < onp.arange(4.0))
    _same(onp.float32(2) * x, 2 * onp.arange(4.0))
    # In place on the NumPy array: stays a NumPy array, as NumPy's `out=` promises.
    h2 = onp.zeros(4)
    h2 += x
    assert type(h2) is onp.ndarray
    onp.testing.assert_array_equal(h2, [0, 1, 2, 3])


def test_autograd_records_numpy_calls():
    check_grad(lambda x: onp.exp(x), onp.array([[0.1, -0.5], [1.0, 2.0]]))
    check_grad(lambda x, y: onp.maximum(x, y) * onp.tanh(x), onp.array([0.3, -1.0, 2.0]), onp.array([0.1, 0.5, 1.0]))
    check_grad(lambda x: onp.sum(onp.square(x), axis=0), onp.array([[1.0, 2.0], [3.0, -4.0]]))
    check_grad(lambda x, y: onp.concatenate([x, y]), onp.array([1.0, 2.0]), onp.array([3.0]))
    check_grad(lambda x: onp.mean(x), onp.array([1.0, 2.0, 4.0]))


def test_ufunc_methods():
    h = onp.arange(6, dtype="float32").reshape(2, 3)
    x = dnp.array(h)
    _same(onp.add.reduce(x), onp.add.reduce(h))  # axis 0, NumPy's default for reduce
    _same(onp.add.reduce(x, axis=None), onp.add.reduce(h, axis=None))
    _same(onp.maximum.reduce(x, axis=1), onp.maximum.reduce(h, axis=1))
    _same(onp.add.accumulate(x), onp.add.accumulate(h))
    _same(onp.multiply.outer(x, x[0]), onp.multiply.outer(h, h[0]))  # NumPy's, converted back
    y = dnp.zeros(3)
    onp.add.at(y, [0, 0, 2], 1.0)  # unbuffered: index 0 counted twice, written into y
    onp.testing.assert_array_equal(y.asnumpy(), [2.0, 0.0, 1.0])


def test_out_arguments():
    x = dnp.arange(3)
    host_out = onp.empty(3, dtype="float32")
    r = onp.exp(x, out=host_out)
    assert r is host_out
    onp.testing.assert_allclose(host_out, onp.exp(onp.arange(3.0)), rtol=1e-6)
    dev_out = dnp.zeros(3)
    assert onp.multiply(x, 2, out=dev_out) is dev_out
    onp.testing.assert_array_equal(dev_out.asnumpy(), [0, 2, 4])
    s = dnp.zeros(())
    assert onp.sum(x, out=s) is s and float(s) == 3.0
    f = dnp.zeros(3)
    assert onp.fmax(x, 1, out=f) is f  # a fallback writes out= too
    onp.testing.assert_array_equal(f.asnumpy(), [1, 1, 2])


# ---- falling back to NumPy ----------------------------------------------------------------------------


@pytest.fixture
def without_ptp(monkeypatch):
    """deepblocks without ``np.ptp`` and ``np.fmax``: NumPy's must then fall back (the
    dispatch looks functions and ufuncs up by name, once)."""
    from deepblocks.numpy import interop

    monkeypatch.delattr(dnp, "ptp")
    monkeypatch.delattr(dnp, "fmax")
    monkeypatch.setattr(interop, "_FUNCTIONS", {})
    monkeypatch.setattr(interop, "_UFUNCS", {})
    yield
    interop._FUNCTIONS.clear()
    interop._UFUNCS.clear()


def test_fallback_results(without_ptp):
    h = onp.array([[3.0, 1.0, 2.0], [0.5, 8.0, -1.0]])
    x = dnp.array(h, dtype="float64")
    _same(onp.median(x, axis=0), onp.median(h, axis=0))  # deepblocks' own median
    _same(onp.ptp(x, axis=0), onp.ptp(h, axis=0))  # a function deepblocks lacks
    m = onp.ptp(x)  # NumPy scalars stay scalars, as in MXNet
    assert type(m) is onp.float64 and m == onp.ptp(h)
    _same(onp.percentile(x, 30, axis=1), onp.percentile(h, 30, axis=1))
    _same(onp.fmax(x, 1.0), onp.fmax(h, 1.0))  # a ufunc deepblocks lacks
    q, r = onp.divmod(x, 2.0)
    _same(q, h // 2.0)
    counts, edges = onp.histogram(x, bins=3)
    _same(counts, onp.histogram(h, bins=3)[0])
    assert counts.dtype == onp.int64
    spectrum = onp.fft.fft(x)  # complex: deepblocks has no complex arrays, so NumPy's stays
    assert type(spectrum) is onp.ndarray and spectrum.dtype == onp.complex128
    assert onp.count_nonzero(x) == 6  # Python numbers stay numbers
    # An option deepblocks does not implement falls back instead of failing.
    o = onp.zeros_like(h)
    assert onp.exp(x, where=h > 1, out=o) is o
    onp.testing.assert_allclose(o, onp.exp(h, where=h > 1, out=onp.zeros_like(h)))
    d = dnp.ones((2, 3), dtype="float64")
    assert onp.exp(x, where=h > 1, out=d) is d  # into a deepblocks out=: the unmasked elements kept
    onp.testing.assert_allclose(d.asnumpy(), onp.exp(h, where=h > 1, out=onp.ones_like(h)))


def test_fallbacks_see_the_arrays_memory():
    x = dnp.zeros(3)
    onp.copyto(x, [1.0, 2.0, 3.0])  # NumPy's in-place functions write into deepblocks arrays
    onp.testing.assert_array_equal(x.asnumpy(), [1.0, 2.0, 3.0])
    m = dnp.zeros((3, 3), dtype="int32")
    onp.fill_diagonal(m, 5)
    onp.testing.assert_array_equal(m.asnumpy(), 5 * onp.eye(3, dtype="int32"))
    onp.put(x, [0], [-1.0])
    assert float(x[0]) == -1.0
    assert onp.shares_memory(x, x[1:]) and not onp.shares_memory(x, x.copy())
    r = onp.partition(m[0], 1)
    assert not onp.shares_memory(r, m)  # fallback results are copies, as in MXNet


def test_fallback_refused_while_recording(without_ptp):
    x = dnp.array([1.0, 2.0])
    x.attach_grad()
    with autograd.record():
        with pytest.raises(ValueError, match="falling back to NumPy"):
            onp.ptp(x)
        with pytest.raises(ValueError, match="falling back to NumPy"):
            onp.fmax(x, 1.0)
        y = onp.exp(x)  # deepblocks' own: fine
    y.backward()


def test_foreign_array_types_are_left_to_their_owners():
    class Other:
        def __array_function__(self, func, types, args, kwargs):
            return "other"

    assert onp.concatenate([dnp.ones(2), Other()]) == "other"


# ---- legacy arrays ---------------------------------------------------------------------------------------


def test_legacy_arrays_give_legacy_results():
    h = onp.arange(6, dtype="float32").reshape(2, 3)
    x = nd.array(h)
    for r, expected in ((onp.exp(x), onp.exp(h)), (onp.add(x, 1), h + 1), (onp.concatenate([x, x]), onp.concatenate([h, h])),
                        (onp.sum(x, axis=0), h.sum(axis=0)), (onp.median(x, axis=1), onp.median(h, axis=1))):
        assert isinstance(r, nd.NDArray) and type(r) is not dnp.ndarray
        onp.testing.assert_allclose(r.asnumpy(), expected, rtol=1e-6)
    # NumPy operands first: the legacy operators, as before (comparisons give float 0/1).
    eq = onp.array([0.0, 1.0, 2.0]) == x
    assert type(eq) is nd.NDArray and eq.dtype == onp.float32
    onp.testing.assert_array_equal(eq.asnumpy(), [[1, 1, 1], [0, 0, 0]])
    d = onp.ones(3) - x
    assert type(d) is nd.NDArray
    onp.testing.assert_array_equal(d.asnumpy(), 1 - h)
    total = onp.sum(x)
    assert type(total) is nd.NDArray and total.shape == (1,)  # no 0-d legacy arrays, as x.sum()
    assert float(total.asscalar()) == 15.0
    x.attach_grad()
    with autograd.record():
        y = onp.exp(x).sum()
    y.backward()
    onp.testing.assert_allclose(x.grad.asnumpy(), onp.exp(h), rtol=1e-6)
    assert type(x.grad) is nd.NDArray


# ---- conversions and matplotlib ------------------------------------------------------------------------


def test_asarray_and_array_still_convert():
    x = dnp.arange(6).reshape(2, 3)
    a = onp.asarray(x)
    assert type(a) is onp.ndarray and onp.shares_memory(a, onp.asarray(x))
    b = onp.array(x)
    assert type(b) is onp.ndarray and not onp.shares_memory(a, b)
    assert type(onp.asarray(nd.ones(2))) is onp.ndarray
    onp.testing.assert_array_equal(onp.asarray(x, dtype="int64"), [[0, 1, 2], [3, 4, 5]])


def _d2l_plot(axes, X, Y=None, fmts=("-", "m--", "g-.", "r:")):
    """The pattern of d2l's ``plot`` helper: one or several lines, lists or arrays."""

    def has_one_axis(X):
        return hasattr(X, "ndim") and X.ndim == 1 or isinstance(X, list) and not hasattr(X[0], "__len__")

    if has_one_axis(X):
        X = [X]
    if Y is None:
        X, Y = [[]] * len(X), X
    elif has_one_axis(Y):
        Y = [Y]
    if len(X) != len(Y):
        X = X * len(Y)
    axes.cla()
    for x, y, fmt in zip(X, Y, fmts):
        if len(x):
            axes.plot(x, y, fmt)
        else:
            axes.plot(y, fmt)
    axes.set_xscale("linear")
    axes.set_yscale("linear")
    axes.set_xlim([0, 3])
    axes.legend(["f", "g"])
    axes.grid()


@pytest.mark.parametrize("kind", ["np", "nd"])
def test_matplotlib_plots_deepblocks_arrays(kind):
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    mod = dnp if kind == "np" else nd
    x = mod.arange(0, 3, 0.1)
    y = x * x
    fig, ax = plt.subplots()
    try:
        (line,) = ax.plot(x, y)
        onp.testing.assert_allclose(line.get_xdata(), x.asnumpy())
        onp.testing.assert_allclose(line.get_ydata(), y.asnumpy())
        ax.scatter(x, y)
        ax.hist(y, bins=5)
        ax.imshow(mod.ones((4, 4)))
        _d2l_plot(ax, x, [x * 2 - 3, y])
        _d2l_plot(ax, [x, x], [y, y - 1])
        fig.canvas.draw()
        onp.testing.assert_allclose(ax.get_lines()[1].get_ydata(), (y - 1).asnumpy())
    finally:
        plt.close(fig)

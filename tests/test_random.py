"""Random sampling: one seedable generator shared by ``np.random`` and ``npx.random``
(seeding repeats every draw), shapes from ``size`` / varargs, dtypes (float32 by default,
int64 for integers), ranges, rough moments, and the in-place/permutation functions.
Distributions are checked statistically (means and spreads within many standard errors), as
the streams are deepblocks' own, not NumPy's."""

import numpy as onp
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import assert_same, dtypes, raises, shapes, views
from deepblocks import npx
from deepblocks import np as dnp

R = dnp.random


def draws():
    return [R.uniform(-1, 2, (3, 4)), R.normal(1, 2, (5,)), R.randn(2, 3), R.rand(4), R.randint(0, 100, (6,)),
            R.choice(10, (3,)), R.permutation(7)]


@given(seed=st.integers(0, 2**64 - 1))
@settings(max_examples=20)
def test_seed_repeats_every_draw(seed):
    R.seed(seed)
    a = draws()
    R.seed(seed)
    b = draws()
    npx.random.seed(seed)
    c = draws()
    for x, y, z in zip(a, b, c):
        assert_same(x, y.asnumpy())
        assert_same(x, z.asnumpy())


def test_different_seeds_differ_and_seed_errors():
    R.seed(1)
    a = R.uniform(size=100).asnumpy()
    R.seed(2)
    assert not onp.array_equal(a, R.uniform(size=100).asnumpy())
    raises(ValueError, R.seed, -1)
    raises(ValueError, R.seed, 2**64)
    raises(TypeError, R.seed, 1.5)


@given(size=st.none() | st.integers(0, 5) | shapes(max_dims=3), dtype=st.sampled_from([None, "float32", "float64"]))
@settings(max_examples=30)
def test_shapes_and_dtypes(size, dtype):
    expected = () if size is None else (size,) if isinstance(size, int) else size
    want = onp.dtype(dtype or "float32")
    for x in [R.uniform(0, 1, size, dtype=dtype), R.normal(0, 1, size, dtype=dtype)]:
        assert isinstance(x, dnp.ndarray) and x.shape == expected and x.dtype == want
    x = R.randint(0, 5, size)
    assert x.shape == expected and x.dtype == onp.int64
    assert R.randint(0, 5, size, dtype="int32").dtype == onp.int32
    if isinstance(size, tuple):
        assert R.randn(*size).shape == size and R.randn(*size).dtype == onp.float32
        assert R.rand(*size).shape == size
    assert R.choice(5, size).shape == expected


def test_uniform_range_and_moments():
    R.seed(0)
    n = 200_000
    for dtype in ["float32", "float64"]:
        x = R.uniform(-2.0, 3.0, n, dtype=dtype).asnumpy()
        assert x.min() >= -2.0 and x.max() < 3.0
        assert abs(x.mean() - 0.5) < 5 * 5 / onp.sqrt(12 * n)
        assert abs(x.var() - 25 / 12) < 0.05
        # All ten deciles are hit about equally.
        counts = onp.histogram(x, bins=10, range=(-2, 3))[0]
        assert counts.min() > 0.9 * n / 10
    u = R.rand(n).asnumpy()
    assert u.min() >= 0 and u.max() < 1
    # A float32 interval narrower than float32 spacing stays half-open.
    t = R.uniform(1.0, 1.0 + 1e-7, 1000).asnumpy()
    assert (t < 1.0 + 1e-7).all()


def test_normal_moments():
    R.seed(1)
    n = 200_000
    x = R.normal(3.0, 2.0, n, dtype="float64").asnumpy()
    assert abs(x.mean() - 3.0) < 5 * 2 / onp.sqrt(n)
    assert abs(x.std() - 2.0) < 0.02
    z = R.randn(n).asnumpy()
    assert abs(z.mean()) < 5 / onp.sqrt(n) and abs(z.std() - 1) < 0.02
    assert abs(((z > 1.96) | (z < -1.96)).mean() - 0.05) < 0.005
    raises(ValueError, R.normal, 0, -1, 3)
    assert_same(R.normal(5.0, 0.0, (3,)), onp.full(3, 5.0, "float32"))


def test_randint():
    R.seed(2)
    x = R.randint(-3, 4, 100_000).asnumpy()
    assert x.min() == -3 and x.max() == 3
    counts = onp.bincount(x + 3)
    assert counts.min() > 0.9 * 100_000 / 7
    y = R.randint(5, size=1000).asnumpy()
    assert y.min() == 0 and y.max() == 4
    u = R.randint(250, 256, 1000, dtype="uint8").asnumpy()
    assert u.dtype == onp.uint8 and u.min() == 250 and u.max() == 255
    raises(ValueError, R.randint, 3, 3)
    raises(ValueError, R.randint, 0, 300, dtype="uint8", contains="uint8")
    raises(ValueError, R.randint, -1, 3, dtype="uint8")
    raises(TypeError, R.randint, 0, 3, dtype="float32")
    raises(TypeError, R.uniform, 0, 1, 3, dtype="int32")
    raises(ValueError, R.uniform, 0, 1, -1)


@given(data=st.data())
@settings(max_examples=30)
def test_shuffle_permutes_rows_in_place(data):
    host, dev, hb, db = data.draw(views(data.draw(dtypes), data.draw(shapes(min_dims=1, max_dims=3)),
                                        kind="mixed", return_base=True))
    before = host.copy()
    R.shuffle(dev)
    after = dev.asnumpy()
    assert after.shape == before.shape
    # The same rows, in some order.
    key = lambda a: sorted(map(bytes, (onp.ascontiguousarray(r).tobytes() for r in a)))  # noqa: E731
    assert key(after) == key(before)
    # The base changed only where the view is.
    hb_view_positions = onp.zeros(hb.shape, bool)
    if host.size:
        idx = onp.arange(hb.size).reshape(hb.shape)
        hb_view_positions.flat[onp.unique(_view_of(idx, host, hb))] = True
    onp.testing.assert_array_equal(db.asnumpy()[~hb_view_positions], hb[~hb_view_positions])


def _view_of(idx, view, base):
    """Flat positions in ``base`` that ``view`` (a NumPy view of it) covers."""
    offset = (view.__array_interface__["data"][0] - base.__array_interface__["data"][0]) // base.itemsize
    elem = [s // base.itemsize for s in view.strides]
    grids = onp.indices(view.shape).reshape(view.ndim, -1)
    return offset + (onp.array(elem)[:, None] * grids).sum(0)


def test_shuffle_and_permutation_errors_and_values():
    R.seed(3)
    p = R.permutation(10).asnumpy()
    assert sorted(p.tolist()) == list(range(10)) and p.dtype == onp.int64
    h = onp.arange(12.0).reshape(6, 2)
    q = R.permutation(dnp.array(h)).asnumpy()
    assert sorted(map(tuple, q.tolist())) == sorted(map(tuple, h.tolist()))
    raises(ValueError, R.shuffle, dnp.array(1.0))
    raises(TypeError, R.shuffle, [1, 2, 3])
    raises(ValueError, R.permutation, -1)


def test_choice():
    R.seed(4)
    n = 50_000
    c = R.choice(4, n, p=[0.1, 0.2, 0.3, 0.4]).asnumpy()
    freq = onp.bincount(c, minlength=4) / n
    onp.testing.assert_allclose(freq, [0.1, 0.2, 0.3, 0.4], atol=0.015)
    u = R.choice(10, 10, replace=False).asnumpy()
    assert sorted(u.tolist()) == list(range(10))
    w = R.choice(5, 2, replace=False, p=[0.5, 0.5, 0, 0, 0]).asnumpy()
    assert w.tolist() in ([0, 1], [1, 0])
    raises(ValueError, R.choice, 5, 3, replace=False, p=[0.5, 0.5, 0, 0, 0], contains="non-zero")
    pool = dnp.array([10.0, 20.0, 30.0])
    s = R.choice(pool, (2, 3))
    assert s.shape == (2, 3) and s.dtype == onp.float32 and set(s.asnumpy().ravel()) <= {10.0, 20.0, 30.0}
    raises(ValueError, R.choice, 3, 4, replace=False)
    raises(ValueError, R.choice, 3, 2, p=[0.5, 0.6, 0.0])
    raises(ValueError, R.choice, 3, 2, p=[0.5, 0.5])
    raises(ValueError, R.choice, 0, 2)
    raises(ValueError, R.choice, dnp.ones((2, 2)), 2)


# ---- array parameters and out= (MXNet 1.9.1's np.random.normal/uniform) --------------------------


def test_normal_uniform_array_parameters_broadcast_and_differentiate():
    from deepblocks import autograd

    loc, scale = dnp.zeros((3, 1)), dnp.ones((2,))
    loc.attach_grad()
    scale.attach_grad()
    with autograd.record():
        s = R.normal(loc, scale)
    s.backward()
    # recorded from MXNet 1.9.1: shape (3, 2), float32, d/dloc = 2 per row (summed over the broadcast)
    assert s.shape == (3, 2) and s.dtype == onp.float32
    assert loc.grad.asnumpy().tolist() == [[2.0], [2.0], [2.0]]
    # d sample / d scale is the standard normal draw: (s - loc) / scale summed over axis 0
    onp.testing.assert_allclose(scale.grad.asnumpy(), s.asnumpy().sum(axis=0), rtol=1e-5)
    assert R.normal(dnp.zeros(2), 1.0, size=(3, 2)).shape == (3, 2)
    raises(ValueError, R.normal, dnp.zeros(2), 1.0, size=(3,), contains=["(2,)", "(3,)"])
    low, high = dnp.zeros(4), dnp.array([1.0, 2.0, 3.0, 4.0])
    low.attach_grad()
    high.attach_grad()
    with autograd.record():
        u = R.uniform(low, high)
    u.backward()
    x = u.asnumpy() / high.asnumpy()  # the underlying uniform draw in [0, 1)
    assert ((x >= 0) & (x < 1)).all()
    onp.testing.assert_allclose(high.grad.asnumpy(), x, rtol=1e-5)
    onp.testing.assert_allclose(low.grad.asnumpy(), 1 - x, rtol=1e-5)
    assert R.uniform(dnp.zeros(2), 1, dtype="float64").dtype == onp.float64


def test_normal_uniform_write_into_out():
    o = dnp.zeros((2, 2))
    # recorded from MXNet 1.9.1: the samples go into out, which is returned
    assert R.uniform(0, 1, size=(2, 2), out=o) is o
    assert ((o.asnumpy() > 0) & (o.asnumpy() < 1)).all()
    o2 = dnp.zeros((2, 3))
    assert R.normal(dnp.zeros(3), 1.0, size=(2, 3), out=o2) is o2
    assert (o2.asnumpy() != 0).all()
    raises(ValueError, R.normal, 0, 1, size=(2,), out=dnp.zeros((3,)), contains=["(3,)", "(2,)"])

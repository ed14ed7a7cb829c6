"""``np.tril`` / ``np.triu`` against NumPy (every dtype, stacks, 1-D input, empty, 0-d, strided
and negative-step views, any diagonal offset), their gradients against central differences,
and the same on every GPU (tests/gpu/test_linalg_npx.py)."""

import numpy as onp
import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import arrays_and_views, raises, shapes
from deepblocks import autograd, np
from test_autograd_grads import check_grad

offsets = st.integers(-4, 4)


@pytest.mark.parametrize("name", ["tril", "triu"])
@given(data=st.data(), k=offsets)
def test_matches_numpy(name, data, k):
    host, dev = data.draw(arrays_and_views(shape=data.draw(shapes(min_dims=1, max_dims=4))))
    out = getattr(np, name)(dev, k)
    expected = getattr(onp, name)(host, k)
    assert out.shape == expected.shape and out.dtype == expected.dtype
    onp.testing.assert_array_equal(out.asnumpy(), expected)


@pytest.mark.parametrize("name", ["tril", "triu"])
def test_0d_input_is_refused(name):
    raises(ValueError, getattr(np, name), np.array(1.0), contains=("at least one dimension",))


def test_result_is_a_new_array():
    x = np.ones((2, 2))
    y = np.tril(x)
    y[0, 0] = 5
    assert x[0, 0] == 1


@pytest.mark.parametrize("name", ["tril", "triu"])
@given(shape=shapes(min_dims=1, max_dims=3, min_side=1, max_side=3), k=offsets, seed=st.integers(0, 2**32 - 1))
def test_gradient(name, shape, k, seed):
    a = onp.random.default_rng(seed).standard_normal(shape)
    check_grad(lambda x: getattr(np, name)(x, k), a, seed=seed)


def test_second_derivative_through_the_triangle():
    x = np.array([[1.0, 2.0], [3.0, 4.0]], dtype="float64")
    x.attach_grad()
    with autograd.record():
        y = (np.triu(x) ** 3).sum()
        (g,) = autograd.grad(y, [x], create_graph=True)
        z = g.sum()
    z.backward()
    onp.testing.assert_allclose(x.grad.asnumpy(), [[6.0, 12.0], [0.0, 24.0]])


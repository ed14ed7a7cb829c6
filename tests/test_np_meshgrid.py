"""``np.meshgrid`` against NumPy: one to three vectors, both indexings, sparse and dense,
copies and views, and its gradient (each vector's gradient is the sum of the head over the
other axes)."""

import numpy as onp
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import raises
from deepblocks import autograd
from deepblocks import np


@settings(max_examples=30, deadline=None)
@given(
    lengths=st.lists(st.integers(0, 4), min_size=1, max_size=3),
    indexing=st.sampled_from(["xy", "ij"]),
    sparse=st.booleans(),
    copy=st.booleans(),
    dtype=st.sampled_from(["float32", "float64", "int32", "int64"]),
)
def test_meshgrid_matches_numpy(lengths, indexing, sparse, copy, dtype):
    vectors = [onp.arange(n, dtype=dtype) * (i + 1) for i, n in enumerate(lengths)]
    got = np.meshgrid(*[np.array(v, dtype=dtype) for v in vectors], indexing=indexing, sparse=sparse, copy=copy)
    want = onp.meshgrid(*vectors, indexing=indexing, sparse=sparse, copy=copy)
    assert isinstance(got, list) and len(got) == len(want)
    for g, w in zip(got, want):
        assert g.shape == w.shape and g.dtype == w.dtype
        onp.testing.assert_array_equal(g.asnumpy(), w)


def test_meshgrid_gradient_sums_over_the_other_axes():
    x, y = np.array([1.0, 2.0, 3.0], dtype="float64"), np.array([4.0, 5.0], dtype="float64")
    x.attach_grad()
    y.attach_grad()
    head = onp.arange(6.0).reshape(2, 3)
    with autograd.record():
        xx, yy = np.meshgrid(x, y)
        loss = (xx * np.array(head)).sum() + (yy * np.array(head)).sum()
    loss.backward()
    onp.testing.assert_allclose(x.grad.asnumpy(), head.sum(axis=0))
    onp.testing.assert_allclose(y.grad.asnumpy(), head.sum(axis=1))


def test_meshgrid_rejects_an_unknown_indexing():
    raises(ValueError, np.meshgrid, np.arange(3), indexing="yx", contains="'yx'")

"""``npx.reshape`` (MXNet's shape codes -1 to -6, ``reverse``), ``npx.nonzero`` and
``npx.constraint_check`` against results recorded from MXNet 1.9.1, and the ``np.bool``/
``np.bool_`` aliases."""

import numpy as onp
import pytest

from conftest import assert_same, raises
from deepblocks import np as dnp
from deepblocks import npx
from deepblocks.base import MXNetError

# (input shape, newshape, reverse, output shape), recorded from mxnet 1.9.1's npx.reshape.
OK = [
    ((2, 3, 4, 5), (-4,), False, (2, 3, 4, 5)),
    ((2, 3, 4, 5), (24, 1, 5), True, (24, 1, 5)),
    ((2, 3, 4, 5), (-1, 6), False, (20, 6)),
    ((2, 3, 4, 5), (1, 12, 1, -1), True, (1, 12, 1, 10)),
    ((2, 3, 4, 5), (-1, 4, 6), False, (5, 4, 6)),
    ((8, 1, 1, 1, 3), (-4,), False, (8, 1, 1, 1, 3)),
    ((8, 1, 1, 1, 3), (-1, 6, 4), True, (1, 6, 4)),
    ((8, 1, 1, 1, 3), (-1, -4), True, (1, 8, 1, 1, 1, 3)),
    ((8, 3, 3, 3, 4, 4), (1, 3, -1, 8, -5), False, (1, 3, 9, 8, 16)),
    ((8, 3, 3, 3, 4, 4), (1, -1, 6, 4, 8), False, (1, 18, 6, 4, 8)),
    ((8, 3, 3, 3, 4, 4), (-4,), True, (8, 3, 3, 3, 4, 4)),
    ((8, 3, 3, 3, 4, 4), (-1, -2), False, (1152, 3)),
    ((8, 3, 3, 3, 4, 4), (-1,), True, (3456,)),
    ((2, 0, 3), (2, -4, 0, 2), True, (2, 2, 0, 2)),
    ((2, 0, 3), (0, 24), False, (0, 24)),
    ((2, 0, 3), (8, 0), True, (8, 0)),
    ((2, 0, 3), (12, -4, 24), True, (12, 2, 0, 24)),
    ((2, 0, 3), (2, 8, 4, 24, 0), False, (2, 8, 4, 24, 0)),
    ((2, 0, 3), (-5,), True, (0,)),
    ((2, 0, 3), (0, 4, 24, -4), True, (0, 4, 24, 2, 0, 3)),
    ((2, 0, 3), (3, 2, 24, 0, 24), True, (3, 2, 24, 0, 24)),
    ((2, 0, 3), (0,), True, (0,)),
    ((2, 0, 3), (24, 4, -4), True, (24, 4, 2, 0, 3)),
    ((2, 0, 3), (-1, 4), False, (0, 4)),
    ((), (), False, ()),
    ((), (), True, ()),
    ((), (-1,), True, (1,)),
    ((), (1,), True, (1,)),
    ((1,), (), False, ()),
    ((1,), (), True, ()),
    ((1,), (-2, -1), False, (1, 1)),
    ((1,), (-4,), False, (1,)),
    ((1,), (-3,), False, ()),
    ((1,), (-2,), False, (1,)),
    ((1,), (-2, 1, 1, 1), False, (1, 1, 1, 1)),
    ((6,), (-1, 3), True, (2, 3)),
    ((6,), (-2,), False, (6,)),
    ((6,), (-4,), True, (6,)),
    ((6,), (-1,), True, (6,)),
    ((1, 1), (-2,), False, (1,)),
    ((1, 1), (-3,), False, ()),
    ((1, 1), (), False, ()),
    ((1, 1), (), True, ()),
    ((1, 1), (-4,), False, (1, 1)),
    ((1, 1), (1,), True, (1,)),
    ((4, 1, 6), (-4,), True, (4, 1, 6)),
    ((4, 1, 6), (-1,), True, (24,)),
    ((4, 1, 6), (2, -1, 6, -4, -4), False, (2, 2, 6)),
    ((3, 1), (3, -3), False, (3,)),
    ((3, 1), (-5,), True, (3,)),
    ((3, 1), (1, 3), False, (1, 3)),
    ((3, 1), (-4, 1), False, (3, 1, 1)),
    ((3, 1), (-5,), False, (3,)),
    ((3, 1), (-1, -3), True, (3,)),
    ((2, 3, 8), (-2, -2, 2, -1), False, (2, 3, 2, 4)),
    ((8, 3, 3, 3, 4, 4), (-6, 2, -1, -4), False, (2, 4, 3, 3, 3, 4, 4)),
    ((8, 3, 3, 3, 4, 4), (-5, -4), False, (24, 3, 3, 4, 4)),
    ((8, 1, 1, 1, 3), (-2, -3, -3, -3, -2), False, (8, 3)),
    ((8, 3, 3, 3, 3, 8), (-4, -5), True, (8, 3, 3, 3, 24)),
    ((8, 3, 2, 4, 8), (-4, -1, 2, -6), True, (8, 3, 2, 4, 4, 2)),
    ((2, 3, 4, 5), (-4, 2, -1, -2), True, (2, 2, 6, 5)),
    ((2, 0, 3), (2, -1), False, (2, 0)),
    ((), (-1,), False, (1,)),
]
# (input shape, newshape, reverse) that MXNet 1.9.1 rejects with an MXNetError.
ERR = [
    ((1, 1), (-4, 4, 4, 24), False),
    ((4, 1, 6), (-1, 2, 24, 12, 1), True),
    ((2, 3, 4, 5), (), True),
    ((1,), (2, 8, 6), True),
    ((2, 0, 3), (0, -1), False),
    ((3, 1), (-2, 4, -5, 1), True),
    ((4, 1, 6), (6, 8), True),
    ((6,), (0, -5, 3), False),
    ((3, 1), (), True),
    ((1, 1), (24, 3, 2, -6, 2, 1, 5), True),
    ((), (-1, -1, -5, 6, -4), True),
    ((3, 1), (-2, 2, 4, -5, -6, 3, 2), False),
    ((8, 3, 3, 3, 4, 4), (-6, 2, 3, -2, 5, 8), False),
    ((1,), (-6, 4, -1, 8, -6, 1, 1), True),
    ((8, 3, 3, 3, 4, 4), (8, -3, 2, -3, 2), True),
    ((8, 1, 1, 1, 3), (-1, 0, 12, -1, -1), False),
    ((), (5,), True),
    ((8, 3, 3, 3, 4, 4), (-3, 3), True),
    ((6,), (-6, 1, 2, -2, -3, 0), True),
    ((8, 1, 1, 1, 3), (6,), True),
    ((8, 1, 1, 1, 3), (-2, 4, 0, -6, 2, 3, -6, -1, 1), True),
    ((6,), (2, 1, 5, 4), True),
    ((3, 1), (12, -1, -6, 3, 3, -4, 0), True),
    ((8, 1, 1, 1, 3), (), True),
    ((6,), (3, 24), True),
    ((4, 1, 6), (8, 2, -5, 3, 1), True),
    ((6,), (12, -2, 4, 4), True),
    ((2, 0, 3), (2,), False),
    ((4, 1, 6), (3, 0, -5, 6, -2), False),
    ((1,), (-6, 4, -1), True),
]


@pytest.mark.parametrize("src,newshape,reverse,expected", OK)
def test_reshape_matches_mxnet(src, newshape, reverse, expected):
    x = dnp.arange(int(onp.prod(src))).reshape(src)
    out = npx.reshape(x, newshape, reverse=reverse)
    assert_same(out, onp.arange(int(onp.prod(src)), dtype="float32").reshape(expected))


@pytest.mark.parametrize("src,newshape,reverse", ERR)
def test_reshape_errors_match_mxnet(src, newshape, reverse):
    raises(MXNetError, npx.reshape, dnp.zeros(src), newshape, reverse=reverse, contains="Cannot reshape")


def test_reshape_documented_examples_and_view():
    # MXNet 1.9.1's own examples (its docstring), and an int newshape.
    assert npx.reshape(dnp.ones((8, 3, 3, 3, 4, 4)), (-5, -4)).shape == (24, 3, 3, 4, 4)
    assert npx.reshape(dnp.ones((8, 3, 3, 3, 3, 8)), (-4, -5), reverse=True).shape == (8, 3, 3, 3, 24)
    assert npx.reshape(dnp.ones((2, 3, 4, 5)), 120).shape == (120,)
    x = dnp.zeros((2, 3))
    y = npx.reshape(x, (-1,))
    y[0] = 5
    assert x[0, 0] == 5  # a view when the layout allows, as ndarray.reshape
    raises(NotImplementedError, npx.reshape, x, (-1,), order="F")


# npx.nonzero, recorded from MXNet 1.9.1: (input, dtype, rows)
NONZERO = [
    ([[0, 1], [2, 0]], "float32", [[0, 1], [1, 0]]),
    ([0.0, 1.0, 2.0], "float32", [[1], [2]]),
    (3.0, "float32", [[0]]),
    (0.0, "float32", onp.zeros((0, 1))),
    (onp.zeros((2, 0, 3)), "float32", onp.zeros((0, 3))),
    ([[True, False]], "bool", [[0, 0]]),
    (onp.zeros((2, 3)), "float32", onp.zeros((0, 2))),
]


@pytest.mark.parametrize("data,dtype,rows", NONZERO)
def test_nonzero_matches_mxnet(data, dtype, rows):
    out = npx.nonzero(dnp.array(data, dtype=dtype))
    assert_same(out, onp.asarray(rows, dtype="int64"))


def test_nonzero_of_views_is_numpys_transposed():
    host = onp.arange(24).reshape(2, 3, 4) % 3
    dev = dnp.array(host)
    assert_same(npx.nonzero(dev[:, ::-1, 1::2]), onp.transpose(onp.nonzero(host[:, ::-1, 1::2])))


def test_constraint_check():
    # MXNet 1.9.1: a boolean array that holds everywhere gives array(True) (bool, 0-d),
    # an empty one too; a False element raises ValueError with msg; other dtypes MXNetError.
    for x in [dnp.array([1, 2]) > 0, dnp.ones((2, 3), dtype="bool"), dnp.zeros((0,), dtype="bool"),
              dnp.array(True, dtype="bool")]:
        assert_same(npx.constraint_check(x, "bad thing"), onp.array(True))
    for x in [dnp.array([True, False], dtype="bool"), dnp.array(False, dtype="bool"), dnp.array([1.0, 0.0]) > 0.5]:
        raises(ValueError, npx.constraint_check, x, "bad thing", contains="bad thing")
    raises(MXNetError, npx.constraint_check, dnp.array([1.0, 2.0]), "bad thing")


def test_bool_aliases_are_mxnets():
    # MXNet 1.9.1: mx.np.bool is Python's bool, mx.np.bool_ is NumPy's bool_.
    assert dnp.bool is bool and dnp.bool_ is onp.bool_

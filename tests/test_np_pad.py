"""``np.pad`` against ``numpy.pad`` (constant, edge, reflect, symmetric; NumPy's ``pad_width``
forms; every dtype; 0-d, empty and non-contiguous inputs; widths larger than the axis),
its gradient by central finite differences, and the legacy ``nd.pad`` (MXNet's flat
``pad_width``) against values recorded from MXNet 1.9.1."""

import numpy as onp
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import assert_same, dtypes, raises, shapes, views
from deepblocks import nd
from deepblocks import np as dnp
from test_autograd_grads import check_grad, examples

MODES = ["constant", "edge", "reflect", "symmetric"]


@st.composite
def pad_widths(draw, ndim):
    """Any of NumPy's forms: an int, ``(before, after)``, ``((before, after),)`` or one pair per axis."""
    w = st.integers(0, 4)
    form = draw(st.sampled_from(["int", "pair", "one_pair", "per_axis"]))
    if form == "int":
        return draw(w)
    if form == "pair":
        return (draw(w), draw(w))
    if form == "one_pair":
        return ((draw(w), draw(w)),)
    return tuple((draw(w), draw(w)) for _ in range(ndim))


@settings(max_examples=examples(60), deadline=None)
@given(data=st.data(), dtype=dtypes, shape=shapes(max_dims=3, max_side=4), mode=st.sampled_from(MODES))
def test_pad_matches_numpy(data, dtype, shape, mode):
    host, dev = data.draw(views(dtype, shape))
    width = data.draw(pad_widths(len(shape)))
    kwargs = {}
    if mode == "constant" and data.draw(st.booleans()):
        kwargs["constant_values"] = 1 if dtype == "bool" else 7
    try:
        want = onp.pad(host, width, mode, **kwargs)
    except TypeError:  # no pairs for a 0-d array: an empty, float-typed pad_width
        raises(TypeError, dnp.pad, dev, width, mode, contains="integral")
        return
    except ValueError:  # NumPy cannot extend an empty axis except with constants
        raises(ValueError, dnp.pad, dev, width, mode, contains="empty axis")
        return
    assert_same(dnp.pad(dev, width, mode, **kwargs), want)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("width", [((1, 2), (3, 0)), ((0, 0), (5, 4)), 2])
def test_pad_gradients(mode, width):
    """The gradient sums each padded copy back onto its source (reflections included)."""
    x = onp.random.default_rng(3).standard_normal((3, 4))
    check_grad(lambda x: dnp.pad(x[:, ::-1], width, mode), x, rtol=1e-7, atol=1e-9)


def test_pad_width_errors_as_numpy():
    x = dnp.ones((2, 3))
    raises(TypeError, dnp.pad, x, 1.5, contains="integral")
    raises(ValueError, dnp.pad, x, -1, contains="negative")
    raises(ValueError, dnp.pad, x, ((1, 2), (3, 4), (5, 6)), contains="2 dimensions")
    raises(ValueError, dnp.pad, x, 1, mode="diagonal", contains="'diagonal'")
    raises(NotImplementedError, dnp.pad, x, 1, mode="wrap", contains="'wrap'")
    raises(NotImplementedError, dnp.pad, x, 1, constant_values=(1, 2), contains="constant_values")
    raises(TypeError, dnp.pad, x, 1, mode="reflect", reflect_type="odd", contains="reflect_type")


# ---- legacy nd.pad: values recorded from MXNet 1.9.1 ------------------------------------------------

MXNET = {
    "constant": [[9.0, 9.0, 9.0, 9.0, 9.0, 9.0, 9.0], [9.0, 9.0, 0.0, 1.0, 2.0, 3.0, 9.0],
                 [9.0, 9.0, 4.0, 5.0, 6.0, 7.0, 9.0], [9.0, 9.0, 8.0, 9.0, 10.0, 11.0, 9.0],
                 [9.0, 9.0, 9.0, 9.0, 9.0, 9.0, 9.0], [9.0, 9.0, 9.0, 9.0, 9.0, 9.0, 9.0]],
    "edge": [[0.0, 0.0, 0.0, 1.0, 2.0, 3.0, 3.0], [0.0, 0.0, 0.0, 1.0, 2.0, 3.0, 3.0],
             [4.0, 4.0, 4.0, 5.0, 6.0, 7.0, 7.0], [8.0, 8.0, 8.0, 9.0, 10.0, 11.0, 11.0],
             [8.0, 8.0, 8.0, 9.0, 10.0, 11.0, 11.0], [8.0, 8.0, 8.0, 9.0, 10.0, 11.0, 11.0]],
    "reflect": [[6.0, 5.0, 4.0, 5.0, 6.0, 7.0, 6.0], [2.0, 1.0, 0.0, 1.0, 2.0, 3.0, 2.0],
                [6.0, 5.0, 4.0, 5.0, 6.0, 7.0, 6.0], [10.0, 9.0, 8.0, 9.0, 10.0, 11.0, 10.0],
                [6.0, 5.0, 4.0, 5.0, 6.0, 7.0, 6.0], [2.0, 1.0, 0.0, 1.0, 2.0, 3.0, 2.0]],
}


@pytest.mark.parametrize("mode", sorted(MXNET))
def test_nd_pad_values_recorded_from_mxnet(mode):
    x = nd.arange(12).reshape((1, 1, 3, 4))
    out = nd.pad(x, mode=mode, pad_width=(0, 0, 0, 0, 1, 2, 2, 1), constant_value=9)
    assert type(out) is nd.NDArray and out.shape == (1, 1, 6, 7) and out.dtype == onp.float32
    onp.testing.assert_array_equal(out.asnumpy()[0, 0], MXNET[mode])


def test_nd_pad_width_must_cover_every_axis():
    raises(ValueError, nd.pad, nd.ones((1, 1, 3, 4)), mode="edge", pad_width=(1, 1, 2, 2), contains="(1, 1, 3, 4)")


def test_huge_widths_are_an_error_not_a_crash():
    x = dnp.ones((2, 3))
    for mode in ("constant", "edge", "reflect", "symmetric"):
        with pytest.raises(ValueError):
            dnp.pad(x, ((2 ** 62, 0), (0, 0)), mode=mode)

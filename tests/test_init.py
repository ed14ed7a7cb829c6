"""deepblocks.init: each initializer's distribution and MXNet's dispatch by name suffix."""

import math

import numpy as onp
import pytest

from deepblocks import init, np


def filled(initializer, shape, name="dense0_weight", dtype="float32"):
    arr = np.zeros(shape, dtype=dtype)
    initializer(name, arr)
    return arr.asnumpy()


def test_constant_zero_one():
    assert onp.all(filled(init.Constant(42), (2, 3)) == 42)
    assert onp.all(filled(init.Zero(), (4,), "w_weight") == 0)
    assert onp.all(filled(init.One(), (2, 2)) == 1)
    row = np.array([1.0, 2.0, 3.0])
    assert onp.array_equal(filled(init.Constant(row), (2, 3)), [[1, 2, 3], [1, 2, 3]])


def test_uniform_and_normal_statistics():
    np.random.seed(0)
    u = filled(init.Uniform(), (200, 200))
    assert u.dtype == onp.float32
    assert -0.07 <= u.min() < -0.069 and 0.069 < u.max() <= 0.07
    assert abs(u.mean()) < 0.002
    n = filled(init.Normal(sigma=0.01), (200, 200), dtype="float64")
    assert n.dtype == onp.float64
    assert abs(n.std() - 0.01) < 0.0003 and abs(n.mean()) < 0.0002


def test_the_seed_makes_initialization_repeatable():
    np.random.seed(7)
    a = filled(init.Xavier(), (5, 4))
    np.random.seed(7)
    b = filled(init.Xavier(), (5, 4))
    assert onp.array_equal(a, b)


@pytest.mark.parametrize("factor_type", ["avg", "in", "out"])
def test_xavier_scale(factor_type):
    np.random.seed(1)
    shape = (64, 32, 3, 3)
    fan_in, fan_out = 32 * 9, 64 * 9
    factor = {"avg": (fan_in + fan_out) / 2, "in": fan_in, "out": fan_out}[factor_type]
    c = math.sqrt(3 / factor)
    u = filled(init.Xavier(factor_type=factor_type), shape)
    assert u.max() <= c and u.min() >= -c and u.max() > 0.95 * c
    g = filled(init.Xavier(rnd_type="gaussian", factor_type=factor_type, magnitude=2), shape)
    assert abs(g.std() - math.sqrt(2 / factor)) < 0.05 * math.sqrt(2 / factor)
    with pytest.raises(ValueError, match="cannot be applied to vector dense0_weight"):
        filled(init.Xavier(), (5,))
    with pytest.raises(ValueError):
        init.Xavier(rnd_type="beta")


def test_msra_prelu_is_gaussian_xavier_with_the_prelu_magnitude():
    np.random.seed(2)
    w = filled(init.MSRAPrelu(), (300, 300))
    expected = math.sqrt(2 / (1 + 0.25 ** 2) / 300)
    assert abs(w.std() - expected) < 0.03 * expected


def test_orthogonal_rows():
    for shape in [(4, 6), (6, 4), (3, 2, 2)]:
        q = filled(init.Orthogonal(scale=1.0), shape, dtype="float64").reshape(shape[0], -1)
        small = min(q.shape)
        gram = q @ q.T if q.shape[0] == small else q.T @ q
        assert onp.allclose(gram, onp.eye(small), atol=1e-10)


def test_bilinear_kernel_is_symmetric_and_peaks_in_the_middle():
    k = filled(init.Bilinear(), (1, 1, 4, 4))[0, 0]
    assert onp.allclose(k, k.T) and onp.allclose(k, k[::-1, ::-1])
    assert k[1, 1] == k.max()


def test_dispatch_by_suffix_and_custom_initializers():
    seen = []

    class MyInit(init.Initializer):
        def _init_weight(self, name, data):
            seen.append((str(name), data.shape))
            data[:] = 7

    my = MyInit()
    assert onp.all(filled(my, (2, 3), "dense0_weight") == 7)
    assert onp.all(filled(my, (3,), "dense0_bias") == 0)
    assert onp.all(filled(my, (3,), "batchnorm0_gamma") == 1)
    assert onp.all(filled(my, (3,), "batchnorm0_beta") == 0)
    ones = np.full((3,), 5.0)
    my("batchnorm0_running_var", ones)
    assert onp.all(ones.asnumpy() == 1)
    assert seen == [("dense0_weight", (2, 3))]
    with pytest.raises(ValueError, match="Unknown initialization pattern for dense0_scale"):
        filled(my, (3,), "dense0_scale")
    with pytest.raises(NotImplementedError):
        filled(init.Initializer(), (2,), "w_weight")
    with pytest.raises(TypeError, match="deepblocks array"):
        my("dense0_weight", onp.zeros(3))


def test_a_per_parameter_initializer_wins():
    desc = init.InitDesc("dense0_weight", attrs={"__init__": "zeros"})
    arr = np.ones((2, 2))
    init.Constant(3)(desc, arr)
    assert onp.all(arr.asnumpy() == 0)
    assert desc.global_init == init.Constant(3)


def test_create_dumps_and_registry():
    x = init.Xavier(factor_type="in", magnitude=2)
    assert init.create(x.dumps()) == x
    assert isinstance(init.create("zeros"), init.Zero)
    assert isinstance(init.create("Uniform", scale=0.5), init.Uniform)
    with pytest.raises(ValueError, match="unknown initializer"):
        init.create("nonsense")

    @init.register
    class Twos(init.Initializer):
        def _init_weight(self, _, arr):
            arr[:] = 2

    assert onp.all(filled(init.create("twos"), (2,)) == 2)
    with pytest.raises(TypeError):
        init.register(int)


def test_mixed_uses_the_first_matching_pattern():
    mixed = init.Mixed(["conv.*", ".*"], [init.Constant(1), init.Constant(2)])
    assert onp.all(filled(mixed, (2,), "conv0_weight") == 1)
    assert onp.all(filled(mixed, (2,), "dense0_weight") == 2)
    # The chosen initializer still dispatches by suffix, as in MXNet: biases get zeros.
    assert onp.all(filled(mixed, (2,), "conv0_bias") == 0)
    with pytest.raises(ValueError, match="did not match any pattern"):
        filled(init.Mixed(["conv.*"], ["zeros"]), (2,), "dense0_weight")

"""Bad input: every public entry point of ``np``, ``np.random``, ``np.linalg``, ``npx`` and
the ``ndarray`` methods and operators answers wrong shapes, dtypes, axes, indices, dtype
names, devices and values with a standard Python exception that names what is wrong — never
a Rust panic (``pyo3_runtime.PanicException``, a BaseException), an abort, a hang or a
silently wrong result. Two parts: a table of documented errors with their messages, and a
fuzzer that calls everything with hostile arguments.
"""

import math
import operator

import numpy as onp
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import raises
from deepblocks import MXNetError, npx
from deepblocks import np as dnp

# The exception classes deepblocks documents (MemoryError for impossible allocations,
# NotImplementedError for MXNet arguments deepblocks does not implement yet).
ALLOWED = (ValueError, TypeError, IndexError, MXNetError, MemoryError, NotImplementedError)

# ---- documented errors ------------------------------------------------------------------------

x23 = dnp.ones((2, 3))
i23 = dnp.ones((2, 3), dtype="int32")
b2 = dnp.array([True, False])

DOCUMENTED = [
    # shapes: ValueError naming both shapes
    (lambda: x23 + dnp.ones((4,)), ValueError, ["(2, 3)", "(4,)"]),
    (lambda: dnp.add(x23, dnp.ones((3, 2))), ValueError, ["(2, 3)", "(3, 2)"]),
    (lambda: dnp.where(dnp.ones((2,)) > 0, x23, 0), ValueError, ["(2,)", "(2, 3)"]),
    (lambda: x23.reshape(4, 2), ValueError, ["(2, 3)", "(4, 2)"]),
    (lambda: dnp.broadcast_to(x23, (3, 3)), ValueError, ["(2, 3)", "(3, 3)"]),
    (lambda: x23 @ x23, ValueError, ["(2, 3)"]),
    (lambda: dnp.concatenate([x23, dnp.ones((2, 2))]), ValueError, ["dimension 1"]),
    (lambda: dnp.stack([x23, dnp.ones((3, 2))]), ValueError, ["(2, 3)", "(3, 2)"]),
    (lambda: dnp.split(dnp.ones(5), 2), ValueError, ["5", "2"]),
    (lambda: x23.squeeze(0), ValueError, ["(2, 3)"]),
    (lambda: x23.transpose(0, 2), IndexError, ["2"]),
    (lambda: x23.transpose((0,)), ValueError, ["(2, 3)"]),
    (lambda: x23.copyto(dnp.ones(3)), ValueError, ["(3,)", "(2, 3)"]),
    (lambda: operator.iadd(x23, dnp.ones((2, 2, 3))), ValueError, ["(2, 3)", "(2, 2, 3)"]),
    (lambda: x23.__setitem__(0, dnp.ones(4)), ValueError, ["(4,)", "(3,)"]),
    (lambda: dnp.zeros((0, 2)).max(), ValueError, ["(0, 2)"]),
    (lambda: dnp.zeros(-3), ValueError, ["-3"]),
    (lambda: dnp.ones((2, 3)).item(), ValueError, ["(2, 3)"]),
    (lambda: bool(x23), ValueError, ["(2, 3)"]),
    # dtypes: TypeError naming the dtypes
    (lambda: x23 & x23, TypeError, ["float32"]),
    (lambda: dnp.bitwise_or(x23, i23), TypeError, ["float32", "int32"]),
    (lambda: operator.itruediv(i23, 2), TypeError, ["float64", "int32"]),
    (lambda: operator.iadd(dnp.ones(2, dtype="uint8"), dnp.ones(2, dtype="int32")), TypeError, ["int32", "uint8"]),
    (lambda: b2 - b2, TypeError, ["boolean subtract"]),
    (lambda: -b2, TypeError, ["negative"]),
    (lambda: ~x23, TypeError, ["invert", "float32"]),
    (lambda: dnp.array([1, 2], dtype="complex64"), TypeError, ["complex64"]),
    (lambda: x23.astype("float16"), TypeError, ["float16"]),
    (lambda: dnp.zeros(2, dtype="int3"), TypeError, ["int3"]),
    (lambda: x23.astype(None), TypeError, []),
    (lambda: dnp.array(onp.array(["a"])), TypeError, ["str"]),
    (lambda: dnp.random.uniform(size=2, dtype="int32"), TypeError, ["int32"]),
    (lambda: dnp.take(x23, dnp.array([0.5])), TypeError, ["float32"]),
    # axes: IndexError naming the axis and the rank (NumPy's AxisError is an IndexError too)
    (lambda: x23.sum(axis=2), IndexError, ["2", "dimension 2"]),
    (lambda: dnp.argmax(x23, axis=-3), IndexError, ["-3"]),
    (lambda: dnp.moveaxis(x23, 0, 5), IndexError, ["5"]),
    (lambda: dnp.flip(x23, 3), IndexError, ["3"]),
    (lambda: dnp.expand_dims(x23, 4), IndexError, ["4"]),
    (lambda: dnp.cumsum(x23, axis=9), IndexError, ["9"]),
    (lambda: x23.sum(axis=(1, 1)), ValueError, ["repeated axis"]),
    (lambda: x23.sum(axis="0"), TypeError, ["str"]),
    (lambda: x23.swapaxes(0, 1.0), TypeError, []),
    # indices
    (lambda: x23[2], IndexError, ["2", "size 2"]),
    (lambda: x23[0, 3], IndexError, ["3", "axis 1"]),
    (lambda: x23[0, 0, 0], IndexError, ["too many indices"]),
    (lambda: x23[1.0], IndexError, []),
    (lambda: x23[[0, 5]], IndexError, ["5"]),
    (lambda: x23[dnp.array([True])], IndexError, ["boolean index"]),
    (lambda: x23[[0, 1], [0, 1, 2]], IndexError, ["(2,)", "(3,)"]),
    (lambda: x23["a"], IndexError, []),
    (lambda: x23[::0], ValueError, ["step"]),
    # values
    (lambda: dnp.arange(0, 1, 0), ValueError, ["step"]),
    (lambda: dnp.linspace(0, 1, -2), ValueError, ["-2"]),
    (lambda: dnp.random.normal(0, -1), ValueError, ["-1"]),
    (lambda: dnp.random.randint(5, 2), ValueError, ["5", "2"]),
    (lambda: dnp.random.choice(3, 5, replace=False), ValueError, ["5", "3"]),
    (lambda: dnp.random.seed(-5), ValueError, ["-5"]),
    (lambda: dnp.power(i23, -1), ValueError, ["negative integer powers"]),
    (lambda: dnp.ones(2, dtype="uint8") + 300, ValueError, ["300", "uint8"]),
    (lambda: dnp.clip(x23, None, None), ValueError, ["max or min"]),
    (lambda: dnp.linalg.norm(x23, "bad"), ValueError, ["bad"]),
    (lambda: npx.pick(x23, dnp.array([0, 1]), mode="bad"), ValueError, ["bad"]),
    (lambda: x23.repeat(-1), ValueError, ["negative"]),
    (lambda: int(dnp.array(float("nan"))), ValueError, []),
    (lambda: dnp.exp(x23, out=x23), TypeError, ["out="]),
    (lambda: x23.sum(out=x23), TypeError, ["out="]),
    # devices: MXNetError naming the device
    (lambda: dnp.zeros(2, ctx=npx.gpu(3)), MXNetError, ["gpu(3)"]),
    (lambda: x23.as_in_ctx(npx.gpu(0)), MXNetError, ["gpu(0)"]),
    (lambda: dnp.array([1.0], ctx="gpu(2)"), MXNetError, ["gpu(2)"]),
    (lambda: dnp.ones(2, ctx="mars(0)"), ValueError, ["mars"]),
    (lambda: dnp.ones(2, ctx=3.5), TypeError, []),
]


@pytest.mark.parametrize("case", range(len(DOCUMENTED)))
def test_documented_error(case):
    fn, exc, words = DOCUMENTED[case]
    if exc is MXNetError and npx.num_gpus():
        pytest.skip("a GPU is present")
    raises(exc, fn, contains=words)


def test_mxnet_error_is_a_runtime_error():
    from deepblocks import base

    assert issubclass(MXNetError, RuntimeError)
    assert base.MXNetError is MXNetError
    assert issubclass(base.NotSupportedError, MXNetError)


# ---- the fuzzer -------------------------------------------------------------------------------


def _arrays():
    out = []
    for dtype in ["float32", "float64", "int32", "int64", "uint8", "bool"]:
        for shape in [(), (0,), (3,), (2, 3), (2, 0, 3), (1, 3, 1)]:
            out.append(dnp.ones(shape, dtype=dtype))
    out.append(dnp.arange(12).reshape(3, 4)[::-1, ::2])
    out.append(dnp.broadcast_to(dnp.arange(3), (2, 3)))
    out.append(onp.arange(6.0).reshape(2, 3))
    out.append(onp.array(2, dtype="int8"))
    return out


ARRAYS = _arrays()
SCALARS = [0, 1, 2, -1, -7, 3, 2**31, 2**63, 2**70, -(2**70), 0.5, -2.5, math.nan, math.inf, -math.inf, True, False,
           None, "abc", "float32", "int8", "", (), (2, -1), (0, 0), (-1, -1), (1, 2, 3), (2**40, 2**40), [1, 2],
           [[1], [2, 3]], [1.5], [True, False], [], object(), npx.gpu(0), npx.cpu(), slice(None), slice(0, 0, 0),
           Ellipsis, complex(1, 2), b"x", onp.float64(1.5), onp.int64(-1), onp.bool_(True), {}, lambda: 1]
VALUES = st.sampled_from(ARRAYS) | st.sampled_from(SCALARS)
KWARGS = st.dictionaries(
    st.sampled_from(["axis", "dtype", "keepdims", "ctx", "device", "out", "ddof", "k", "num", "size", "replace", "p",
                     "mode", "ord", "temperature", "transpose_a", "order", "decimals", "endpoint", "copy"]),
    VALUES, max_size=2)

SKIP = {"ndarray", "dtype", "float32", "float64", "int32", "int64", "uint8", "bool_"}
NP_FUNCS = [n for n in dir(dnp) if not n.startswith("_") and callable(getattr(dnp, n)) and n not in SKIP]
RANDOM_FUNCS = [n for n in dnp.random.__all__]
NPX_FUNCS = ["relu", "sigmoid", "softmax", "log_softmax", "one_hot", "pick", "batch_dot", "topk", "cpu", "gpu"]
METHODS = [n for n in dir(dnp.ndarray) if not n.startswith("_") and callable(getattr(dnp.ndarray, n))]
OPERATORS = [operator.add, operator.sub, operator.mul, operator.truediv, operator.floordiv, operator.mod, operator.pow,
             operator.matmul, operator.and_, operator.or_, operator.xor, operator.eq, operator.lt, operator.ge,
             operator.iadd, operator.imul, operator.itruediv, operator.ipow, operator.iand, operator.imatmul,
             operator.getitem, operator.neg, operator.invert, operator.abs, operator.pos]


def survive(fn, *args, **kwargs):
    """Calls ``fn``: any result is fine; an error must be one of the documented classes and
    never a Rust panic."""
    try:
        with onp.errstate(all="ignore"):
            fn(*args, **kwargs)
    except ALLOWED as e:
        assert str(e), f"{type(e).__name__} without a message from {fn}"
    except OverflowError:
        pass  # Python's own int conversion of 2**70 and friends
    except BaseException as e:  # noqa: BLE001
        raise AssertionError(f"{getattr(fn, '__name__', fn)}{args!r:.200} {kwargs!r:.100} raised {type(e).__name__}: {e}") from e


def _huge(args, kwargs):
    """Arguments that would ask for gigabytes (2**31 elements and such) are skipped: valid but slow."""
    vals = list(args) + list(kwargs.values())
    flat = []
    for v in vals:
        flat.extend(v if isinstance(v, (tuple, list)) else [v])
    return any(isinstance(v, int) and not isinstance(v, bool) and 2**20 < abs(v) < 2**62 for v in flat)


@settings(max_examples=400)
@given(name=st.sampled_from(NP_FUNCS), args=st.lists(VALUES, max_size=3), kwargs=KWARGS)
def test_fuzz_np_functions(name, args, kwargs):
    if _huge(args, kwargs):
        return
    survive(getattr(dnp, name), *args, **kwargs)


@settings(max_examples=200)
@given(name=st.sampled_from(RANDOM_FUNCS + ["linalg.norm"] + ["npx." + n for n in NPX_FUNCS]),
       args=st.lists(VALUES, max_size=3), kwargs=KWARGS)
def test_fuzz_random_linalg_npx(name, args, kwargs):
    if _huge(args, kwargs):
        return
    mod, _, fname = name.rpartition(".")
    fn = {"": dnp.random, "linalg": dnp.linalg, "npx": npx}[mod].__dict__[fname] if mod else getattr(dnp.random, fname)
    survive(fn, *args, **kwargs)


@settings(max_examples=400)
@given(arr=st.sampled_from(ARRAYS[:-2]), name=st.sampled_from(METHODS), args=st.lists(VALUES, max_size=2), kwargs=KWARGS)
def test_fuzz_methods(arr, name, args, kwargs):
    if _huge(args, kwargs):
        return
    survive(getattr(arr.copy(), name), *args, **kwargs)


@settings(max_examples=400)
@given(arr=st.sampled_from(ARRAYS[:-2]), op=st.sampled_from(OPERATORS), other=VALUES, value=VALUES)
def test_fuzz_operators_and_indexing(arr, op, other, value):
    a = arr.copy()
    if op in (operator.neg, operator.invert, operator.abs, operator.pos):
        survive(op, a)
    else:
        survive(op, a, other)
        if op is not operator.getitem and isinstance(other, (int, float, list, onp.ndarray)):
            survive(op, other, a)  # reflected
    survive(a.__setitem__, other, value)
    for conv in (float, int, bool, len, list, repr, str, hash, onp.asarray):
        survive(conv, a)

"""Shared pieces of the NumPy differential tests: hypothesis strategies for dtypes, shapes and
arrays (including non-contiguous and negative-step views built the same way on both sides),
comparison helpers, and a guard that turns an escaped Rust panic into a clear test failure.

The pattern of a differential test:

    host, dev = draw(views(dtype, shape))     # the same data, the same view, on both sides
    assert_same(dnp.exp(dev), onp.exp(host))  # values, shape and dtype must agree
"""

import os

import numpy as onp
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from deepblocks import np as dnp

_HEALTH = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]
# `deepblocks` (default) keeps the suite within a few minutes on two cores; select `thorough`
# with DEEPBLOCKS_HYPOTHESIS=thorough for a long bug hunt.
settings.register_profile("deepblocks", max_examples=100, deadline=None, suppress_health_check=_HEALTH)
settings.register_profile("thorough", max_examples=2000, deadline=None, suppress_health_check=_HEALTH)
settings.load_profile(os.environ.get("DEEPBLOCKS_HYPOTHESIS", "deepblocks"))

def pytest_configure(config):
    # NumPy's reference answers warn about empty means, zero divisions and the like.
    config.addinivalue_line("filterwarnings", "ignore::RuntimeWarning")


DTYPES = ["bool", "uint8", "int32", "int64", "float32", "float64"]
INT_DTYPES = ["uint8", "int32", "int64"]
FLOAT_DTYPES = ["float32", "float64"]
NUMERIC_DTYPES = INT_DTYPES + FLOAT_DTYPES

dtypes = st.sampled_from(DTYPES)
numeric_dtypes = st.sampled_from(NUMERIC_DTYPES)
float_dtypes = st.sampled_from(FLOAT_DTYPES)
int_dtypes = st.sampled_from(INT_DTYPES)


# ---- Rust panics must never reach Python --------------------------------------------------------


def _is_panic(exc):
    return type(exc).__name__ == "PanicException"


@pytest.hookimpl(hookwrapper=True)
def pytest_pyfunc_call(pyfuncitem):
    """Fails a test with a clear message when a `pyo3_runtime.PanicException` (a BaseException,
    which `pytest.raises(Exception)` would not catch) escapes from deepblocks."""
    outcome = yield
    exc = outcome.excinfo[1] if outcome.excinfo else None
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if _is_panic(exc):
            outcome.force_exception(AssertionError(f"a Rust panic escaped into Python: {exc!r}"))
            return
        exc = exc.__cause__ or exc.__context__


def raises(exc_type, fn, *args, contains=(), **kwargs):
    """Calls ``fn`` and checks it raises ``exc_type`` (never a panic) whose message names each
    string in ``contains``. Returns the exception."""
    try:
        fn(*args, **kwargs)
    except BaseException as e:  # noqa: BLE001 - panics are BaseExceptions
        assert not _is_panic(e), f"Rust panic instead of {exc_type.__name__}: {e!r}"
        assert isinstance(e, exc_type), f"expected {exc_type.__name__}, got {type(e).__name__}: {e}"
        msg = str(e)
        for c in (contains,) if isinstance(contains, str) else contains:
            assert str(c) in msg, f"message {msg!r} does not mention {c!r}"
        return e
    raise AssertionError(f"{fn.__name__ if hasattr(fn, '__name__') else fn} did not raise {exc_type.__name__}")


# ---- shapes ------------------------------------------------------------------------------------


def shapes(min_dims=0, max_dims=4, min_side=0, max_side=4):
    """Shapes including 0-d and empty axes."""
    return hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=min_side, max_side=max_side)


nonempty_shapes = shapes(min_side=1)


@st.composite
def broadcast_shape_pairs(draw, max_dims=4, min_side=0, max_side=4):
    """Two shapes that broadcast together (size-1 axes, missing leading axes, empty axes)."""
    result = draw(shapes(0, max_dims, min_side, max_side))
    a, b = [], []
    for d in result:
        choice = draw(st.integers(0, 2))
        a.append(1 if choice == 1 else d)
        b.append(1 if choice == 2 else d)
    a = a[draw(st.integers(0, len(a))):]
    b = b[draw(st.integers(0, len(b))):]
    if draw(st.booleans()):
        a, b = b, a
    return tuple(a), tuple(b)


# ---- elements and arrays ------------------------------------------------------------------------


def elements(dtype, small=False, special=False):
    """Element strategy for ``dtype``. ``small`` keeps magnitudes low enough that products and
    sums of a few elements stay exact; ``special`` adds nan, inf and signed zeros to floats."""
    dtype = onp.dtype(dtype)
    if dtype == onp.bool_:
        return st.booleans()
    if dtype.kind in "iu":
        info = onp.iinfo(dtype)
        lo, hi = (-20, 20) if small else (-1000, 1000)
        return st.integers(max(lo, int(info.min)), min(hi, int(info.max)))
    width = dtype.itemsize * 8
    bound = 20.0 if small else 1e3
    if special:
        return st.floats(width=width, allow_nan=True, allow_infinity=True, allow_subnormal=False) | st.sampled_from(
            [0.0, -0.0, onp.inf, -onp.inf, onp.nan, 0.5, -0.5, 1.5, 2.5, -2.5]
        )
    return st.floats(-bound, bound, width=width, allow_subnormal=False) | st.sampled_from([0.0, -0.0, 0.5, -1.5, 2.5])


def host_arrays(dtype, shape, **kw):
    return hnp.arrays(onp.dtype(dtype), shape, elements=elements(dtype, **kw))


def to_dev(host):
    """The deepblocks copy of a host NumPy array (it keeps NumPy's dtype)."""
    d = dnp.array(host)
    assert d.dtype == host.dtype and d.shape == host.shape
    return d


@st.composite
def views(draw, dtype, shape, kind=None, return_base=False, **kw):
    """The same view of the same data on both sides: ``(host_view, dev_view)``.

    ``kind`` picks how the view is made (drawn when None): ``contig`` (a fresh array),
    ``strided`` (slices with steps of 1..3 and offsets), ``negative`` (negative steps),
    ``transposed`` (axes permuted), ``mixed`` (all of these), ``broadcast`` (stride-0 axes).
    With ``return_base`` the bases come back too: ``(host, dev, host_base, dev_base)``.
    """
    shape = tuple(shape)
    kind = kind or draw(st.sampled_from(["contig", "strided", "negative", "transposed", "mixed", "broadcast"]))
    nd = len(shape)
    if kind == "contig" or nd == 0:
        host_base = draw(host_arrays(dtype, shape, **kw))
        dev_base = to_dev(host_base)
        out = (host_base, dev_base)
        return out + (host_base, dev_base) if return_base else out
    if kind == "broadcast":
        small = tuple(1 if draw(st.booleans()) else d for d in shape)
        small = small[draw(st.integers(0, nd)):]
        host_base = draw(host_arrays(dtype, small, **kw))
        dev_base = to_dev(host_base)
        out = (onp.broadcast_to(host_base, shape), dnp.broadcast_to(dev_base, shape))
        return out + (host_base, dev_base) if return_base else out
    perm = list(range(nd))
    if kind in ("transposed", "mixed"):
        perm = draw(st.permutations(range(nd)))
    # The sliced array has shape q, and q transposed by `perm` has `shape`.
    q = [0] * nd
    for i, p in enumerate(perm):
        q[p] = shape[i]
    base_shape, key = [], []
    for d in q:
        if kind in ("strided", "mixed", "negative"):
            step = draw(st.sampled_from([1, 2, 3] if kind == "strided" else [-1, -2, 1, 2] if kind == "mixed" else [-1, -2, -3]))
        else:
            step = 1
        lead = draw(st.integers(0, 2))
        tail = draw(st.integers(0, 2))
        span = (d - 1) * abs(step) + 1 if d > 0 else 0
        base_shape.append(lead + span + tail)
        if d == 0:
            key.append(slice(lead, lead, step if step > 0 else -step))
        elif step > 0:
            key.append(slice(lead, lead + span, step))
        else:
            start = lead + span - 1
            stop = lead - 1 if lead > 0 else None
            key.append(slice(start, stop, step))
    host_base = draw(host_arrays(dtype, tuple(base_shape), **kw))
    dev_base = to_dev(host_base)
    key = tuple(key)
    host = host_base[key].transpose(perm)
    dev = dev_base[key].transpose(perm)
    assert host.shape == shape and dev.shape == shape, (host.shape, dev.shape, shape)
    out = (host, dev)
    return out + (host_base, dev_base) if return_base else out


@st.composite
def arrays_and_views(draw, dtypes=dtypes, shape=None, **kw):
    """``(host, dev)`` of a drawn dtype and shape, viewed in a drawn way."""
    dtype = draw(dtypes)
    shape = draw(shapes()) if shape is None else shape
    return draw(views(dtype, shape, **kw))


# ---- differential calls ------------------------------------------------------------------------


def numpy_result(fn, *args):
    """NumPy's answer, or the exception it raises."""
    with onp.errstate(all="ignore"):
        try:
            return fn(*args), None
        except (TypeError, ValueError, IndexError, OverflowError, ZeroDivisionError) as e:
            return None, e


def expected_exception(e):
    """The exception class deepblocks must raise where NumPy raised ``e``."""
    if isinstance(e, onp.exceptions.AxisError):
        return IndexError  # NumPy's AxisError is an IndexError (and a ValueError)
    if isinstance(e, OverflowError):
        return ValueError  # documented deviation: out-of-range Python ints give ValueError
    if isinstance(e, TypeError):
        return TypeError
    if isinstance(e, IndexError):
        return IndexError
    return ValueError


def float16_free(fn, host_args):
    """Recomputes NumPy's answer in float32 where NumPy would compute in float16 (deepblocks
    has no float16, so it computes float math on bool/uint8 in float32)."""
    with onp.errstate(all="ignore"):
        ref = onp.asarray(fn(*host_args))
        if ref.dtype == onp.float16:
            cast = [a.astype("float32") if isinstance(a, onp.ndarray) and a.dtype.kind in "bu" else a for a in host_args]
            ref = onp.asarray(fn(*cast))
            assert ref.dtype == onp.float32
        if ref.dtype == onp.int8:
            # Deliberate deviation: no int8, bool arithmetic that NumPy widens to int8 gives uint8.
            ref = ref.astype("uint8")
        return ref


def compare(dev_fn, host_fn, dev_args, host_args, rtol=None, atol=0.0):
    """``dev_fn(*dev_args)`` gives NumPy's ``host_fn(*host_args)``, or raises the matching
    exception class where NumPy raises."""
    ref, err = numpy_result(host_fn, *host_args)
    if err is not None:
        raises(expected_exception(err), dev_fn, *dev_args)
        return
    ref = float16_free(host_fn, host_args)
    assert_same(dev_fn(*dev_args), onp.asarray(ref), rtol=rtol, atol=atol)


# ---- comparison -----------------------------------------------------------------------------------


def expected_dtype(host_dtype):
    """The dtype deepblocks gives where NumPy gives ``host_dtype``. Deliberate deviations:
    deepblocks has no float16 (float math on bool/uint8 gives float32) and no uint64 (sums,
    products and cumulative sums of uint8 give int64, as those of the signed types)."""
    d = onp.dtype(host_dtype)
    return {onp.dtype("float16"): onp.dtype("float32"), onp.dtype("uint64"): onp.dtype("int64")}.get(d, d)


def tolerance(dtype):
    d = onp.dtype(dtype)
    if d == onp.float64:
        return 1e-12
    if d == onp.float16:
        return 2e-3
    return 1e-5


def assert_same(dev, host, rtol=None, atol=0.0, check_dtype=True):
    """``dev`` (a deepblocks array) equals ``host`` (NumPy's answer): type, shape, dtype, values."""
    host = onp.asarray(host)
    assert isinstance(dev, dnp.ndarray), f"expected a deepblocks array, got {type(dev).__name__}"
    got = dev.asnumpy()
    assert got.shape == host.shape, f"shape {got.shape} != NumPy's {host.shape}"
    if check_dtype:
        assert got.dtype == expected_dtype(host.dtype), f"dtype {got.dtype} != NumPy's {host.dtype}"
    if host.dtype == onp.uint64:
        host = host.astype("int64")  # the same bits: products of uint8 wrap modulo 2**64 in both
    if host.dtype.kind in "fc" or got.dtype.kind == "f":
        rt = tolerance(host.dtype) if rtol is None else rtol
        onp.testing.assert_allclose(got.astype("float64"), host.astype("float64"), rtol=rt, atol=atol, equal_nan=True)
    else:
        onp.testing.assert_array_equal(got, host)


def shares_memory(dev_a, dev_b):
    """True when two deepblocks arrays are views of one storage."""
    return dev_a._storage_id == dev_b._storage_id


# ---- array mode and Gluon state ----------------------------------------------------------------------


def _in_mode(switch):
    from deepblocks import util

    saved = dict(util._state)
    switch()
    yield
    util._state.update(saved)


@pytest.fixture
def np_mode():
    """numpy mode for one test (the previous mode is restored after)."""
    from deepblocks import npx

    yield from _in_mode(npx.set_np)


@pytest.fixture
def legacy_mode():
    """legacy ``nd`` mode for one test (the previous mode is restored after)."""
    from deepblocks import npx

    yield from _in_mode(npx.reset_np)


@pytest.fixture
def gluon_state(monkeypatch):
    """numpy mode, fresh display-name counters (``dense0`` again), prediction mode; the array
    mode is restored after, and the test must not leave recording or training on."""
    from deepblocks import autograd, npx
    from deepblocks.gluon import block

    monkeypatch.setattr(block, "_global_counter", {})
    autograd.set_recording(False)
    autograd.set_training(False)
    yield from _in_mode(npx.set_np)
    assert not autograd.is_recording() and not autograd.is_training()

"""Helpers for users' own tests, as MXNet's ``mx.test_utils``.

Comparisons take deepblocks ``np``/``nd`` arrays, NumPy arrays and Python scalars alike, with
tolerances chosen by dtype as MXNet 1.9.1 chooses them:

>>> import numpy as onp
>>> from deepblocks import np, test_utils
>>> test_utils.assert_almost_equal(np.array([1.0, 2.0]), onp.array([1.0, 2.0 + 1e-7]))
>>> test_utils.almost_equal(onp.array([1.0, 2.0]), onp.array([1.0, 2.1]))
False
>>> test_utils.get_tols(onp.ones(2, "float16"), onp.ones(2, "float32"), None, None)
(0.01, 0.1)
"""

import contextlib as _contextlib
import os as _os
import threading as _threading

import numpy as _onp

from . import autograd as _autograd
from . import context as _context
from . import util as _util

__all__ = [
    "default_context", "set_default_context", "default_rtols", "default_atols",
    "default_numeric_eps", "get_rtol", "get_atol", "get_tols", "almost_equal",
    "assert_almost_equal", "assert_allclose", "same", "assert_exception", "rand_shape_2d",
    "rand_shape_3d", "rand_shape_nd", "rand_ndarray", "random_arrays", "np_reduce",
    "check_numeric_gradient", "environment", "is_cd_run", "list_gpus",
]

_FLOATS = ("float16", "float32", "float64")
_EXACT = ("bool", "int8", "uint8", "int32", "uint32", "int64", "uint64")


# ---- devices ---------------------------------------------------------------------------------------

# The engine keeps a per-thread stack of `with ctx:` devices; set_default_context pushes one
# entry of its own and remembers it, so a later call replaces it instead of stacking up.
_pushed = _threading.local()


def default_context():
    """The device new arrays go to (MXNet's ``default_context``).

    >>> from deepblocks import test_utils
    >>> test_utils.default_context()
    cpu(0)
    """
    return _context.current_context()


def set_default_context(ctx):
    """Makes ``ctx`` the default device of this thread.

    Meant to be called outside ``with ctx:`` blocks (as in test set-up): inside one, the
    block's exit would end the setting.

    >>> from deepblocks import cpu, test_utils
    >>> test_utils.set_default_context(cpu(1)); test_utils.default_context()
    cpu(1)
    >>> test_utils.set_default_context(cpu(0)); test_utils.default_context()
    cpu(0)
    """
    if not isinstance(ctx, _context.Context):
        raise TypeError(f"set_default_context expects a Context such as cpu(0), got {type(ctx).__name__}")
    old = getattr(_pushed, "ctx", None)
    if old is not None:
        old.__exit__(None, None, None)
        _pushed.ctx = None
    if ctx != _context.current_context():
        ctx.__enter__()
        _pushed.ctx = ctx


def list_gpus():
    """``range(n)`` over the ``n`` visible GPUs (MXNet returns a range too)."""
    return range(_context.num_gpus())


def is_cd_run():
    """Whether the tests run as part of a continuous-delivery job (``CD_JOB=1``).

    >>> from deepblocks import test_utils
    >>> with test_utils.environment("CD_JOB", "1"):
    ...     test_utils.is_cd_run()
    True
    """
    return _os.environ.get("CD_JOB") == "1"


@_contextlib.contextmanager
def environment(*args):
    """Sets environment variables for the ``with`` block, restoring them after it.

    Takes ``(name, value)`` or a dict ``{name: value}``; a value of ``None`` unsets the variable.

    >>> import os
    >>> from deepblocks import test_utils
    >>> with test_utils.environment({"DB_DOC_VAR": "1"}):
    ...     os.environ["DB_DOC_VAR"]
    '1'
    >>> "DB_DOC_VAR" in os.environ
    False
    """
    if len(args) == 2:
        changes = {args[0]: args[1]}
    elif len(args) == 1 and isinstance(args[0], dict):
        changes = dict(args[0])
    else:
        raise ValueError("environment() takes (name, value) or a dict {name: value}, "
                         f"got {len(args)} positional argument(s)")
    saved = {name: _os.environ.get(name) for name in changes}

    def apply(values):
        for name, value in values.items():
            if value is None:
                _os.environ.pop(name, None)
            else:
                _os.environ[name] = str(value)

    apply(changes)
    try:
        yield
    finally:
        apply(saved)


# ---- tolerances ------------------------------------------------------------------------------------

def default_rtols():
    """Relative tolerance by dtype (values recorded from MXNet 1.9.1)."""
    out = {_onp.dtype("float16"): 1e-2, _onp.dtype("float32"): 1e-4, _onp.dtype("float64"): 1e-5}
    out.update({_onp.dtype(d): 0 for d in _EXACT})
    return out


def default_atols():
    """Absolute tolerance by dtype (values recorded from MXNet 1.9.1)."""
    out = {_onp.dtype("float16"): 1e-1, _onp.dtype("float32"): 1e-3, _onp.dtype("float64"): 1e-20}
    out.update({_onp.dtype(d): 0 for d in _EXACT})
    return out


def default_numeric_eps():
    """Finite-difference step by dtype (powers of two, as in MXNet 1.9.1)."""
    return {_onp.dtype("float16"): 2.0 ** -6, _onp.dtype("float32"): 2.0 ** -9,
            _onp.dtype("float64"): 2.0 ** -14}


def _dtype_of(x):
    # Python scalars compare as float64, like MXNet (which turns them into NumPy scalars).
    dtype = getattr(x, "dtype", None)
    if dtype is None:
        return _onp.asarray(x).dtype
    return _onp.dtype(dtype)


def _tol(table, dtype):
    dtype = _onp.dtype(dtype)
    if dtype in table:
        return table[dtype]
    # Other dtypes (int16, complex, ...) take the float64 tolerance, the strictest float one.
    return table[_onp.dtype("float64")] if dtype.kind in "fc" else 0


def get_rtol(rtol=None, dtype=_onp.dtype("float64")):
    """``rtol`` if given, else the default for ``dtype``."""
    return _tol(default_rtols(), dtype) if rtol is None else rtol


def get_atol(atol=None, dtype=_onp.dtype("float64")):
    """``atol`` if given, else the default for ``dtype``."""
    return _tol(default_atols(), dtype) if atol is None else atol


def get_tols(x, y, rtol, atol):
    """(rtol, atol) for comparing ``x`` and ``y``: each default is the looser of the two dtypes'."""
    dx, dy = _dtype_of(x), _dtype_of(y)
    if rtol is None:
        rtol = max(get_rtol(None, dx), get_rtol(None, dy))
    if atol is None:
        atol = max(get_atol(None, dx), get_atol(None, dy))
    return rtol, atol


# ---- comparisons -----------------------------------------------------------------------------------

def _as_numpy(x):
    """A NumPy view of a deepblocks array, NumPy array or scalar."""
    if hasattr(x, "asnumpy"):
        return x.asnumpy()
    if isinstance(x, _onp.ndarray):
        return x
    try:
        return _onp.asarray(x)
    except Exception as err:  # noqa: BLE001 - any conversion failure becomes a clear TypeError
        raise TypeError(f"cannot compare a {type(x).__name__}: pass an array or a number") from err


def almost_equal(a, b, rtol=None, atol=None, equal_nan=False, use_broadcast=True):
    """Whether ``a`` and ``b`` are element-wise close (``|a - b| <= atol + rtol * |b|``).

    As in MXNet 1.9.1, the default tolerances here are float64's (rtol=1e-5, atol=1e-20)
    whatever the dtypes; ``assert_almost_equal`` picks them by dtype instead.

    >>> import numpy as onp
    >>> from deepblocks import test_utils
    >>> test_utils.almost_equal(1.0, 1.0 + 1e-6), test_utils.almost_equal(1.0, 1.001)
    (True, False)
    """
    a, b = _as_numpy(a), _as_numpy(b)
    if not use_broadcast and a.shape != b.shape:
        return False
    _check_broadcast(a, b)
    return bool(_onp.allclose(a, b, rtol=get_rtol(rtol), atol=get_atol(atol), equal_nan=equal_nan))


def _check_broadcast(a, b):
    try:
        _onp.broadcast_shapes(a.shape, b.shape)
    except ValueError:
        raise ValueError(f"operands could not be broadcast together with shapes {a.shape} {b.shape}") from None


def _relative_errors(a, b, rtol, atol, equal_nan):
    """|a - b| / (atol + rtol * |b|), broadcast; NaN where a NaN is involved (0 where both are
    NaN and ``equal_nan``), inf where the tolerance is 0 and the values differ."""
    a64 = a.astype(_onp.float64) if a.dtype.kind != "c" else a
    b64 = b.astype(_onp.float64) if b.dtype.kind != "c" else b
    a64, b64 = _onp.broadcast_arrays(a64, b64)
    with _onp.errstate(divide="ignore", invalid="ignore"):
        diff = _onp.abs(a64 - b64)
        err = diff / (atol + rtol * _onp.abs(b64))
        err = _onp.where(diff == 0, 0.0, err)  # equal infinities, or a zero tolerance on equal values
    if equal_nan:
        err = _onp.where(_onp.isnan(a64) & _onp.isnan(b64), 0.0, err)
    return a64, b64, err


def assert_almost_equal(a, b, rtol=None, atol=None, names=("a", "b"), equal_nan=False,
                        use_broadcast=True, mismatches=(10, 10)):
    """Raises AssertionError unless ``a`` and ``b`` are element-wise close.

    Default tolerances follow the looser of the two dtypes (see ``default_rtols``). The message
    gives the largest error, the share of mismatching elements, and the positions of up to
    ``mismatches[0]`` worst ones with both values, named by ``names``.

    >>> import numpy as onp
    >>> from deepblocks import test_utils
    >>> try:
    ...     test_utils.assert_almost_equal(onp.array([[1.0, 2.0], [3.0, 4.0]]),
    ...                                    onp.array([[1.0, 2.5], [3.0, 4.0]]), names=("x", "y"))
    ... except AssertionError as err:
    ...     print(str(err).splitlines()[3])
    Location of maximum error: (0, 1), x=2.00000000, y=2.50000000
    """
    a_np, b_np = _as_numpy(a), _as_numpy(b)
    rtol, atol = get_tols(a_np, b_np, rtol, atol)
    na, nb = names
    if not use_broadcast and a_np.shape != b_np.shape:
        raise AssertionError(
            f"\nItems are not equal: {na}.shape = {a_np.shape} and {nb}.shape = {b_np.shape} are not equal\n"
            f" ACTUAL: {a_np!r}\n DESIRED: {b_np!r}")
    _check_broadcast(a_np, b_np)
    if _onp.allclose(a_np, b_np, rtol=rtol, atol=atol, equal_nan=equal_nan):
        return
    a64, b64, err = _relative_errors(a_np, b_np, rtol, atol, equal_nan)
    close = _onp.isclose(*_onp.broadcast_arrays(a_np, b_np), rtol=rtol, atol=atol, equal_nan=equal_nan)
    bad = _onp.argwhere(~close)
    # Worst first; NaN errors count as the worst of all.
    bad_err = err[tuple(bad.T)]
    # Stable on the negated error, so ties keep row-major order (the first position wins).
    order = _onp.argsort(-_onp.where(_onp.isnan(bad_err), _onp.inf, bad_err), kind="stable")
    worst = [tuple(int(i) for i in bad[k]) for k in order[: max(int(mismatches[0]), 1)]]
    top = worst[0]

    def at(pos):
        e = err[pos] if err.ndim else err
        x, y = (a64[pos], b64[pos]) if a64.ndim else (a64, b64)
        return f"Error {float(e):f}  Location of error: {pos}, {na}={float(x):.8f}, {nb}={float(y):.8f}"

    lines = [
        "",
        "Items are not equal:",
        f"Error {float(err[top] if err.ndim else err):f} exceeds tolerance rtol={rtol:e}, atol={atol:e} "
        f"(mismatch {100.0 * len(bad) / max(close.size, 1):f}%).",
        f"Location of maximum error: {top}, {na}={float(a64[top] if a64.ndim else a64):.8f}, "
        f"{nb}={float(b64[top] if b64.ndim else b64):.8f}",
        f"Largest errors ({len(worst)} of {len(bad)} mismatching of {close.size} elements):",
    ]
    lines += [f"  {k + 1}: {at(pos)}" for k, pos in enumerate(worst)]
    lines += [f" ACTUAL: {a_np!r}", f" DESIRED: {b_np!r}"]
    raise AssertionError("\n".join(lines))


def assert_allclose(a, b, rtol=1e-07, atol=0, equal_nan=True):
    """``assert_almost_equal`` with NumPy's ``assert_allclose`` defaults (rtol=1e-7, atol=0, NaNs equal).

    >>> from deepblocks import test_utils
    >>> test_utils.assert_allclose([1.0, float("nan")], [1.0, float("nan")])
    """
    assert_almost_equal(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan)


def same(a, b):
    """Whether ``a`` and ``b`` have the same shape and exactly equal elements (NaN != NaN).

    >>> import numpy as onp
    >>> from deepblocks import nd, test_utils
    >>> test_utils.same(nd.ones((2,)), onp.ones(2)), test_utils.same(onp.ones(2), onp.ones(3))
    (True, False)
    """
    return bool(_onp.array_equal(_as_numpy(a), _as_numpy(b)))


def assert_exception(f, exception_type, *args, **kwargs):
    """Asserts that ``f(*args, **kwargs)`` raises ``exception_type``; other exceptions propagate.

    >>> from deepblocks import test_utils
    >>> test_utils.assert_exception(lambda x: 1 / x, ZeroDivisionError, 0)
    """
    try:
        f(*args, **kwargs)
    except exception_type:
        return
    name = getattr(exception_type, "__name__", repr(exception_type))
    raise AssertionError(f"{getattr(f, '__name__', f)!s} did not raise {name}")


# ---- random data -----------------------------------------------------------------------------------
# These draw from NumPy's global generator, as MXNet's do, so `numpy.random.seed` fixes them.

def rand_shape_nd(num_dim, dim=10, allow_zero_size=False):
    """A random shape of ``num_dim`` sizes, each in ``[1, dim]`` (``[0, dim]`` if ``allow_zero_size``).

    >>> from deepblocks import test_utils
    >>> s = test_utils.rand_shape_nd(3, dim=4)
    >>> len(s), all(1 <= d <= 4 for d in s)
    (3, True)
    """
    if not isinstance(num_dim, (int, _onp.integer)) or num_dim < 0:
        raise ValueError(f"num_dim must be a non-negative int, got {num_dim!r}")
    if not isinstance(dim, (int, _onp.integer)) or dim < 1:
        raise ValueError(f"dim must be a positive int, got {dim!r}")
    low = 0 if allow_zero_size else 1
    return tuple(int(d) for d in _onp.random.randint(low, dim + 1, size=num_dim))


def rand_shape_2d(dim0=10, dim1=10, allow_zero_size=False):
    """A random 2-d shape with sizes up to ``dim0`` and ``dim1``."""
    low = 0 if allow_zero_size else 1
    return (int(_onp.random.randint(low, dim0 + 1)), int(_onp.random.randint(low, dim1 + 1)))


def rand_shape_3d(dim0=10, dim1=10, dim2=10, allow_zero_size=False):
    """A random 3-d shape with sizes up to ``dim0``, ``dim1`` and ``dim2``."""
    low = 0 if allow_zero_size else 1
    return tuple(int(_onp.random.randint(low, d + 1)) for d in (dim0, dim1, dim2))


def random_arrays(*shapes):
    """Standard-normal float32 NumPy arrays: one array for one shape, else a list.

    >>> from deepblocks import test_utils
    >>> a, b = test_utils.random_arrays((2, 3), (4,))
    >>> a.shape, b.shape, a.dtype
    ((2, 3), (4,), dtype('float32'))
    """
    arrays = [_onp.array(_onp.random.randn(*s), dtype=_onp.float32) for s in shapes]
    return arrays[0] if len(arrays) == 1 else arrays


def rand_ndarray(shape, stype="default", density=None, dtype=None, modifier_func=None,
                 shuffle_csr_indices=False, distribution=None, ctx=None):
    """A standard-normal legacy ``nd.NDArray`` of ``shape`` (float32 unless ``dtype``), as
    MXNet 1.9.1 returns (in numpy mode too). Only dense storage exists in deepblocks.

    >>> from deepblocks import test_utils
    >>> x = test_utils.rand_ndarray((2, 3), dtype="float64")
    >>> type(x).__name__, x.shape, x.dtype.__name__
    ('NDArray', (2, 3), 'float64')
    """
    if stype != "default":
        raise ValueError(f"rand_ndarray: stype {stype!r} is not supported; deepblocks has only "
                         "dense arrays (stype='default')")
    from . import ndarray as _nd

    values = _onp.array(_onp.random.randn(*tuple(shape)), dtype=_onp.float32)
    return _nd.array(values, dtype=dtype if dtype is not None else "float32",
                     ctx=ctx if ctx is not None else default_context())


def np_reduce(dat, axis, keepdims, numpy_reduce_func):
    """Reduces NumPy ``dat`` over ``axis`` (None: all, int or tuple) one axis at a time with
    ``numpy_reduce_func(x, axis=i)``, keeping size-1 axes when ``keepdims``.

    >>> import numpy as onp
    >>> from deepblocks import test_utils
    >>> x = onp.arange(24.0).reshape(2, 3, 4)
    >>> test_utils.np_reduce(x, (0, 2), True, onp.sum).shape, float(test_utils.np_reduce(x, None, False, onp.sum))
    ((1, 3, 1), 276.0)
    """
    if isinstance(axis, int):
        axis = [axis]
    elif axis is None:
        axis = list(range(dat.ndim))
    axes = sorted({a % dat.ndim for a in axis}, reverse=True) if dat.ndim else []
    out = dat
    for a in axes:
        out = numpy_reduce_func(out, axis=a)
    if keepdims:
        out = _onp.asarray(out).reshape([1 if i in axes else n for i, n in enumerate(dat.shape)])
    return out


# ---- gradients -------------------------------------------------------------------------------------

def check_numeric_gradient(sym, location, aux_states=None, numeric_eps=None, rtol=None, atol=None,
                           grad_nodes=None, use_forward_train=True, ctx=None, grad_stype_dict=None,
                           dtype=_onp.float32):
    """Checks autograd's gradients of a function against central finite differences.

    deepblocks has no Symbol API, so ``sym`` is a Python callable of arrays returning one array
    (MXNet's takes a Symbol). ``location`` is a list of NumPy arrays passed positionally, or a
    dict passed as keyword arguments; they become ``np`` arrays in numpy mode and ``nd`` arrays
    otherwise, of ``dtype``. The output is projected on a random direction (NumPy's global
    generator) and each input's gradient is compared with
    ``(f(x + eps/2) - f(x - eps/2)) / eps``; ``grad_nodes`` (names or positions) limits the
    inputs checked. Tolerances and ``numeric_eps`` default by ``dtype``.

    >>> import numpy as onp
    >>> from deepblocks import test_utils
    >>> onp.random.seed(0)
    >>> test_utils.check_numeric_gradient(lambda x, y: x * y + x, [onp.random.rand(2, 3), onp.random.rand(2, 3)],
    ...                                   dtype=onp.float64)
    """
    if hasattr(sym, "list_arguments") or not callable(sym):
        raise TypeError("check_numeric_gradient: deepblocks has no Symbol API; pass a Python function "
                        f"of arrays instead (got {type(sym).__name__})")
    dtype = _onp.dtype(dtype)
    if dtype.name not in _FLOATS:
        raise ValueError(f"check_numeric_gradient: dtype must be float16, float32 or float64, got {dtype}")
    if aux_states is not None:
        raise ValueError("check_numeric_gradient: aux_states apply to Symbols only; pass them as "
                         "inputs of the function")
    if grad_stype_dict is not None:
        raise ValueError("check_numeric_gradient: grad_stype_dict is not supported (dense gradients only)")
    if isinstance(location, dict):
        names = list(location)
        values = [location[k] for k in names]
    elif isinstance(location, (list, tuple)):
        names = list(range(len(location)))
        values = list(location)
    else:
        raise TypeError("check_numeric_gradient: location must be a list or dict of arrays, "
                        f"got {type(location).__name__}")
    values = [_onp.array(_as_numpy(v), dtype=dtype) for v in values]
    if grad_nodes is None:
        checked = list(names)
    else:
        checked = list(grad_nodes)
        unknown = [g for g in checked if g not in names]
        if unknown:
            raise ValueError(f"check_numeric_gradient: grad_nodes {unknown} are not inputs ({names})")
    eps = numeric_eps if numeric_eps is not None else default_numeric_eps()[dtype]
    rtol, atol = get_rtol(rtol, dtype), get_atol(atol, dtype)
    ctx = ctx if ctx is not None else default_context()
    if _util.is_np_array():
        from . import numpy as _np_mod
        make = lambda v: _np_mod.array(v, dtype=dtype, ctx=ctx)  # noqa: E731
    else:
        from . import ndarray as _nd_mod
        make = lambda v: _nd_mod.array(v, dtype=dtype, ctx=ctx)  # noqa: E731

    def call(arrays):
        if isinstance(location, dict):
            return sym(**dict(zip(names, arrays)))
        return sym(*arrays)

    def output_of(arrays):
        out = call(arrays)
        if isinstance(out, (list, tuple)):
            if len(out) != 1:
                raise ValueError(f"check_numeric_gradient: the function must return one array, got {len(out)}")
            out = out[0]
        return out

    # Analytic gradients of <f(x), proj>.
    inputs = [make(v) for v in values]
    for x in inputs:
        x.attach_grad()
    with _autograd.record():
        out = output_of(inputs)
        proj_np = _onp.random.normal(0.0, 1.0, size=out.shape).astype(dtype)
        loss = (out * make(proj_np)).sum()
    loss.backward()
    proj = proj_np.astype(_onp.float64)

    def projected(arrays):
        return float((_as_numpy(output_of([make(v) for v in arrays])).astype(_onp.float64) * proj).sum())

    for name in checked:
        i = names.index(name)
        numeric = _onp.zeros(values[i].shape, dtype=_onp.float64)
        for pos in _onp.ndindex(*values[i].shape):
            shifted = [v.copy() for v in values]
            base = float(values[i][pos])
            shifted[i][pos] = base + eps / 2
            up = projected(shifted)
            shifted[i][pos] = base - eps / 2
            down = projected(shifted)
            numeric[pos] = (up - down) / eps
        analytic = _as_numpy(inputs[i].grad)
        assert_almost_equal(numeric.astype(dtype), analytic, rtol, atol,
                            names=(f"NUMERICAL_{name}", f"BACKWARD_{name}"))


# The rest of MXNet's names (retrying, test matrices, sampler checks, refusals of the Symbol
# and sparse APIs) live in test_utils_more to keep this file about comparisons and data.
from .test_utils_more import *  # noqa: E402,F401,F403
from . import test_utils_more as _more  # noqa: E402

__all__ += _more.__all__

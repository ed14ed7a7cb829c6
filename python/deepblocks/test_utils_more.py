"""The rest of ``mx.test_utils`` that MXNet's own unit tests and users' test files import:
retrying, dtype and tolerance queries, test matrices, statistical checks of samplers,
element-wise helpers, and clear refusals for the Symbol and sparse APIs deepblocks lacks.
``deepblocks.test_utils`` re-exports every name here.

>>> import numpy as onp
>>> from deepblocks import test_utils
>>> test_utils.collapse_sum_like(onp.ones((2, 3, 4)), (3, 1)).tolist()
[[8.0], [8.0], [8.0]]
>>> buckets, probs = test_utils.gen_buckets_probs_with_ppf(lambda q: q, 4)
>>> buckets[1], probs[1]
((0.25, 0.5), 0.25)
"""

import contextlib as _contextlib
import functools as _functools
import math as _math
import os as _os
import platform as _platform

import numpy as _onp

from . import context as _context
from .util import getenv, get_cuda_compute_capability, setenv, use_np  # noqa: F401 (re-exported)

__all__ = [
    "retry", "is_op_runnable", "collapse_sum_like", "effective_dtype", "default_dtype", "get_etol",
    "assert_almost_equal_ignore_nan", "assert_almost_equal_with_err", "rand_coord_2d",
    "new_matrix_with_real_eigvals_2d", "new_matrix_with_real_eigvals_nd", "new_orthonormal_matrix_2d",
    "new_sym_matrix_with_real_eigvals_2d", "new_sym_matrix_with_real_eigvals_nd", "random_sample",
    "random_uniform_arrays", "same_array", "var_check", "mean_check", "chi_square_check",
    "gen_buckets_probs_with_ppf", "verify_generator", "compare_ndarray_tuple", "compare_optimizer",
    "create_vector", "create_2d_tensor", "get_identity_mat", "get_identity_mat_batch", "DummyIter",
    "discard_stderr", "use_np", "setenv", "getenv", "is_aarch64_run", "has_tvm_ops",
    "get_cuda_compute_capability", "assign_each", "assign_each2", "checkShapes",
    "check_gluon_hybridize_consistency", "rand_sparse_ndarray", "create_sparse_array",
    "create_sparse_array_zd", "shuffle_csr_column_indices", "check_symbolic_forward",
    "check_symbolic_backward", "check_consistency", "check_speed", "simple_forward",
]


def _tu():
    from . import test_utils
    return test_utils


def _numpy(x):
    return x.asnumpy() if hasattr(x, "asnumpy") else _onp.asarray(x)


# ---- running tests ---------------------------------------------------------------------------

def retry(n):
    """Decorator: runs a test up to ``n`` times until it stops failing with AssertionError
    (for statistical tests); the last failure propagates.

    >>> calls = []
    >>> @retry(3)
    ... def flaky():
    ...     calls.append(1)
    ...     assert len(calls) == 2
    >>> flaky(); len(calls)
    2
    """
    if not n > 0:
        raise ValueError(f"retry: n must be positive, got {n}")

    def decorate(test):
        @_functools.wraps(test)
        def wrapper(*args, **kwargs):
            for attempt in range(n):
                try:
                    test(*args, **kwargs)
                    return
                except AssertionError:
                    if attempt == n - 1:
                        raise
        return wrapper
    return decorate


def is_op_runnable():
    """Whether operators can run on the default device (always: deepblocks has no TVM ops)."""
    return True


def has_tvm_ops():
    """False: deepblocks' operators are not built with TVM."""
    return False


def is_aarch64_run():
    """Whether this machine is 64-bit ARM."""
    return _platform.machine() == "aarch64"


@_contextlib.contextmanager
def discard_stderr():
    """A ``with`` block that sends the process's stderr (file descriptor 2) to /dev/null."""
    # descriptor 2 itself, not sys.stderr.fileno(): native code (the engine, CUDA) writes
    # there whatever Python's sys.stderr is
    fileno = 2
    try:
        saved = _os.dup(fileno)
    except OSError:
        # no descriptor 2 (a detached process): nothing to redirect
        yield
        return
    try:
        with open(_os.devnull, "w") as sink:
            _os.dup2(sink.fileno(), fileno)
            yield
    finally:
        _os.dup2(saved, fileno)
        _os.close(saved)


# ---- dtypes and tolerances -------------------------------------------------------------------

def default_dtype():
    """float32, the dtype of new arrays."""
    return _onp.float32


def effective_dtype(dat):
    """The dtype whose precision ``dat``'s values have. MXNet lowers float32 to float16 on GPUs
    that use TF32 products; deepblocks' cuBLAS products are full float32, so this is
    ``dat.dtype``."""
    return _onp.dtype(dat.dtype)


def get_etol(etol=None):
    """The fraction of elements allowed to miss the tolerance (0 unless given)."""
    return 0 if etol is None else etol


def collapse_sum_like(a, shape):
    """Sums ``a`` (NumPy) over the axes that broadcasting ``shape`` to ``a.shape`` expanded:
    the gradient of a broadcast input.

    >>> collapse_sum_like(_onp.ones((2, 3)), (1, 3)).tolist()
    [[2.0, 2.0, 2.0]]
    """
    a = _numpy(a)
    shape = tuple(shape)
    if len(a.shape) < len(shape):
        raise ValueError(f"collapse_sum_like: shape {shape} has more axes than {a.shape}")
    if 0 in shape or a.size == 0:
        return _onp.zeros(shape, dtype=a.dtype)
    lead = len(a.shape) - len(shape)
    axes = list(range(lead))
    for i, s in enumerate(shape):
        if s != a.shape[lead + i]:
            if s != 1:
                raise ValueError(f"collapse_sum_like: {shape} does not broadcast to {a.shape}")
            axes.append(lead + i)
    return a.sum(axis=tuple(axes)).reshape(shape)


def assert_almost_equal_ignore_nan(a, b, rtol=None, atol=None, names=("a", "b")):
    """``assert_almost_equal`` after setting the places where either side is NaN to 0."""
    a, b = _onp.array(_numpy(a), copy=True), _onp.array(_numpy(b), copy=True)
    nan = _onp.isnan(a) | _onp.isnan(b)
    a[nan] = 0
    b[nan] = 0
    _tu().assert_almost_equal(a, b, rtol, atol, names)


def assert_almost_equal_with_err(a, b, rtol=None, atol=None, etol=None, names=("a", "b"), equal_nan=False):
    """``assert_almost_equal`` that lets a fraction ``etol`` of the elements miss the tolerance.

    >>> assert_almost_equal_with_err(_onp.array([1.0, 2.0, 3.0, 4.0]), _onp.array([1.0, 2.0, 3.0, 9.0]), etol=0.3)
    """
    etol = get_etol(etol)
    if not etol > 0:
        _tu().assert_almost_equal(a, b, rtol, atol, names, equal_nan)
        return
    a, b = _numpy(a), _numpy(b)
    rtol, atol = _tu().get_tols(a, b, rtol, atol)
    ok = _onp.isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan)
    missed = float((~ok).sum()) / max(ok.size, 1)
    if missed > etol:
        raise AssertionError(f"{missed:.2%} of the elements of {names[0]} and {names[1]} differ beyond "
                             f"rtol={rtol}, atol={atol}; at most {etol:.2%} may")


def checkShapes(a, b):  # noqa: N802 (MXNet's name)
    """Raises AssertionError unless ``a`` and ``b`` have the same shape."""
    if a.shape != b.shape:
        raise AssertionError(f"a.shape = {a.shape} and b.shape = {b.shape} are not equal")


def compare_ndarray_tuple(t1, t2, rtol=None, atol=None):
    """``assert_almost_equal`` over nested tuples of arrays (None skips)."""
    if t1 is None or t2 is None:
        return
    if isinstance(t1, tuple):
        for x, y in zip(t1, t2):
            compare_ndarray_tuple(x, y, rtol, atol)
    else:
        _tu().assert_almost_equal(t1, t2, rtol=rtol, atol=atol)


def same_array(array1, array2):
    """Whether two deepblocks arrays share their memory (a write into one shows in the other)."""
    if not _tu().same(array1, array2):
        return False
    array1[:] += 1
    try:
        return _tu().same(array1, array2)
    finally:
        array1[:] -= 1


def compare_optimizer(opt1, opt2, shapes, dtype, w_stype="default", g_stype="default", rtol=1e-4, atol=1e-5,
                      compare_states=True, ntensors=1):
    """Runs one update of ``opt1`` and ``opt2`` on equal random weights and gradients of
    ``shapes`` and asserts equal states and weights (dense arrays only)."""
    from . import nd
    if w_stype != "default" or g_stype != "default":
        raise NotImplementedError("compare_optimizer: deepblocks has no sparse arrays")
    shapes = [shapes] if ntensors == 1 else list(shapes)
    idx = 0 if ntensors == 1 else list(range(ntensors))
    w_np = [_onp.random.uniform(-1, 1, s).astype(dtype) for s in shapes]
    g_np = [_onp.random.uniform(-1, 1, s).astype(dtype) for s in shapes]
    w1, w2 = [nd.array(w, dtype=dtype) for w in w_np], [nd.array(w, dtype=dtype) for w in w_np]
    g1, g2 = [nd.array(g, dtype=dtype) for g in g_np], [nd.array(g, dtype=dtype) for g in g_np]
    s1 = [opt1.create_state_multi_precision(i, w) for i, w in enumerate(w1)]
    s2 = [opt2.create_state_multi_precision(i, w) for i, w in enumerate(w2)]
    if compare_states:
        compare_ndarray_tuple(tuple(s1), tuple(s2), rtol=rtol, atol=atol)
    if ntensors == 1:
        opt1.update_multi_precision(idx, w1[0], g1[0], s1[0])
        opt2.update_multi_precision(idx, w2[0], g2[0], s2[0])
    else:
        # the first takes the tensors as one (a multi-tensor optimizer), the reference one by one
        opt1.update_multi_precision(idx, w1, g1, s1)
        for i in range(ntensors):
            opt2.update_multi_precision(i, w2[i], g2[i], s2[i])
    if compare_states:
        compare_ndarray_tuple(tuple(s1), tuple(s2), rtol=rtol, atol=atol)
    for a, b in zip(w1, w2):
        _tu().assert_almost_equal(a, b, rtol=rtol, atol=atol)


# ---- test data -------------------------------------------------------------------------------
# NumPy's global generator, as MXNet's helpers use it.

def rand_coord_2d(x_low, x_high, y_low, y_high):
    """A random integer point with ``x`` in ``[x_low, x_high)`` and ``y`` in ``[y_low, y_high)``."""
    return (_onp.random.randint(x_low, x_high, dtype=_onp.int64),
            _onp.random.randint(y_low, y_high, dtype=_onp.int64))


def random_sample(population, k):
    """``k`` distinct elements of the list ``population`` in random order."""
    if not 0 <= k <= len(population):
        raise ValueError(f"random_sample: k={k} must be in [0, {len(population)}]")
    picked = list(population)
    _onp.random.shuffle(picked)
    return picked[:k]


def random_uniform_arrays(*shapes, low=0.0, high=1.0, dtype=None):
    """NumPy arrays of uniform samples in ``[low, high)``, one per shape (float32 by default)."""
    dtype = default_dtype() if dtype is None else dtype
    return [_onp.random.uniform(low, high, size=s).astype(dtype) for s in shapes]


def new_orthonormal_matrix_2d(n):
    """A random ``n x n`` orthonormal matrix (NumPy)."""
    x = _onp.random.randn(n, n)
    return _onp.linalg.qr(x.T @ x)[0]


def new_sym_matrix_with_real_eigvals_2d(n):
    """A random symmetric ``n x n`` matrix with eigenvalues in ``[-10, 10)``."""
    q = new_orthonormal_matrix_2d(n)
    return q.T @ _onp.diag(_onp.random.uniform(-10.0, 10.0, n)) @ q


def new_matrix_with_real_eigvals_2d(n):
    """A random ``n x n`` matrix with real eigenvalues in ``[-10, 10)``, similar to a diagonal
    matrix through a well-conditioned (condition number < 3) transform."""
    while True:
        v = _onp.random.uniform(-1.0, 1.0, (n, 1))
        v /= _onp.linalg.norm(v)
        # a Householder reflection times a diagonal: invertible and easy to condition
        q = (_onp.eye(n) - 2 * v @ v.T) @ _onp.diag(_onp.random.uniform(-1.0, 1.0, n))
        if _onp.linalg.cond(q, 2) < 3:
            break
    return _onp.linalg.inv(q) @ _onp.diag(_onp.random.uniform(-10.0, 10.0, n)) @ q


def _batched(make, shape):
    n = int(_onp.prod(shape[:-2])) if len(shape) > 2 else 1
    return _onp.array([make(shape[-1]) for _ in range(n)]).reshape(shape)


def new_matrix_with_real_eigvals_nd(shape):
    """A stack of ``new_matrix_with_real_eigvals_2d`` matrices of ``shape`` (``(..., n, n)``)."""
    return _batched(new_matrix_with_real_eigvals_2d, shape)


def new_sym_matrix_with_real_eigvals_nd(shape):
    """A stack of ``new_sym_matrix_with_real_eigvals_2d`` matrices of ``shape``."""
    return _batched(new_sym_matrix_with_real_eigvals_2d, shape)


def create_vector(size, dtype=_onp.int64):
    """``nd.arange(size)`` in ``dtype``."""
    from . import nd
    return nd.arange(0, size, dtype=dtype)


def create_2d_tensor(rows, columns, dtype=_onp.int64):
    """A ``(rows, columns)`` array whose row ``i`` holds ``i``."""
    from . import nd
    return nd.broadcast_to(nd.arange(0, rows, dtype=dtype).reshape(rows, 1), shape=(rows, columns))


def get_identity_mat(size):
    """The ``size x size`` identity as a float32 NDArray."""
    from . import nd
    return nd.array(_onp.eye(size, dtype=_onp.float32))


def get_identity_mat_batch(size):
    """Two stacked ``size x size`` identities, shape ``(2, size, size)``."""
    from . import nd
    eye = _onp.eye(size, dtype=_onp.float32)
    return nd.array(_onp.stack([eye, eye]))


def assign_each(the_input, function):
    """``function`` applied to each element of the NumPy array ``the_input`` (a float64 copy);
    a plain copy when ``function`` is None."""
    if function is None:
        return _onp.array(the_input)
    return _onp.vectorize(function, otypes=[_onp.float64])(the_input) if the_input.size else \
        _onp.zeros(the_input.shape)


def assign_each2(input1, input2, function):
    """``function`` applied to each pair of elements of two same-shaped NumPy arrays."""
    if function is None:
        return _onp.array(input1)
    if input1.shape != input2.shape:
        raise ValueError(f"assign_each2: shapes {input1.shape} and {input2.shape} differ")
    return _onp.vectorize(function, otypes=[_onp.float64])(input1, input2) if input1.size else \
        _onp.zeros(input1.shape)


class DummyIter:
    """Repeats the first batch of ``real_iter`` forever (for speed tests without I/O)."""

    def __init__(self, real_iter):
        self.batch_size = real_iter.batch_size
        self.provide_data = real_iter.provide_data
        self.provide_label = real_iter.provide_label
        self.the_batch = next(iter(real_iter))

    def __iter__(self):
        return self

    def next(self):
        return self.the_batch

    __next__ = next


# ---- statistical checks of samplers ----------------------------------------------------------

def mean_check(generator, mu, sigma, nsamples=1000000):
    """Whether the mean of ``generator(nsamples)`` lies within three standard errors of ``mu``."""
    mean = _onp.asarray(_numpy(generator(nsamples)), dtype=_onp.float64).mean()
    bound = 3 * sigma / _onp.sqrt(nsamples)
    return bool(mu - bound < mean < mu + bound)


def var_check(generator, sigma, nsamples=1000000):
    """Whether the sample variance of ``generator(nsamples)`` lies within three standard errors
    of ``sigma ** 2``."""
    var = _onp.asarray(_numpy(generator(nsamples)), dtype=_onp.float64).var(ddof=1)
    bound = 3 * _onp.sqrt(2 * sigma ** 4 / (nsamples - 1))
    return bool(sigma ** 2 - bound < var < sigma ** 2 + bound)


def gen_buckets_probs_with_ppf(ppf, nbuckets):
    """``nbuckets`` equally likely intervals of a continuous distribution, from its quantile
    function ``ppf``, and their probabilities."""
    if not nbuckets > 0:
        raise ValueError(f"gen_buckets_probs_with_ppf: nbuckets must be positive, got {nbuckets}")
    buckets = [(ppf(i / float(nbuckets)), ppf((i + 1) / float(nbuckets))) for i in range(nbuckets)]
    return buckets, [1.0 / nbuckets] * nbuckets


def _chi2_sf(stat, dof):
    """P(X > stat) for X chi-square with ``dof`` degrees of freedom: the regularized upper
    incomplete gamma function Q(dof/2, stat/2), by its series below a + 1 and its continued
    fraction above (Numerical Recipes' split), to about 1e-12."""
    a, x = dof / 2.0, stat / 2.0
    if x <= 0:
        return 1.0
    log_front = a * _math.log(x) - x - _math.lgamma(a)
    if x < a + 1:
        term = total = 1.0 / a
        k = a
        while abs(term) > abs(total) * 1e-15:
            k += 1
            term *= x / k
            total += term
        return max(0.0, 1.0 - total * _math.exp(log_front))
    # Lentz's method for the continued fraction of Q
    tiny = 1e-300
    b = x + 1 - a
    c, d = 1 / tiny, 1 / b
    h = d
    for i in range(1, 10000):
        an = -i * (i - a)
        b += 2
        d = an * d + b
        d = tiny if abs(d) < tiny else d
        c = b + an / c
        c = tiny if abs(c) < tiny else c
        d = 1 / d
        step = d * c
        h *= step
        if abs(step - 1) < 1e-15:
            break
    return min(1.0, _math.exp(log_front) * h)


def chi_square_check(generator, buckets, probs, nsamples=1000000):
    """Pearson's chi-square test of ``generator(nsamples)`` against bucket probabilities.

    ``buckets`` are ``(low, high)`` intervals (continuous samples) or the values themselves
    (discrete samples). Returns ``(p_value, observed_counts, expected_counts)``.

    >>> import numpy as onp
    >>> onp.random.seed(0)
    >>> p, obs, exp = chi_square_check(lambda n: onp.random.randint(0, 4, n), [0, 1, 2, 3], [0.25] * 4, 4000)
    >>> p > 0.01, int(obs.sum()), exp.tolist()
    (True, 4000, [1000, 1000, 1000, 1000])
    """
    if not isinstance(buckets, list) or len(buckets) != len(probs):
        raise ValueError("chi_square_check: buckets must be a list as long as probs")
    samples = _onp.asarray(_numpy(generator(nsamples))).ravel()
    expected = (nsamples * _onp.array(probs, dtype=_onp.float32)).astype(_onp.int32)
    if isinstance(buckets[0], (list, tuple)):
        edges = _onp.array([e for pair in buckets for e in pair], dtype=_onp.float32)
        if _onp.any(_onp.diff(edges) < 0):
            raise ValueError("chi_square_check: buckets must be ordered, non-overlapping intervals")
        # a sample at or after bucket i's low edge and before bucket i+1's low edge counts in
        # bucket i (a sample in a gap between buckets too, as MXNet counts it)
        ids = _onp.searchsorted(edges, samples, side="right") // 2
        observed = _onp.array([(ids == i).sum() for i in range(len(buckets))], dtype=_onp.int64)
    else:
        observed = _onp.array([(samples == b).sum() for b in buckets], dtype=_onp.int64)
    # scipy.stats.chisquare rescales nothing: the statistic of the counts as given
    stat = float((((observed - expected) ** 2) / _onp.maximum(expected, 1e-300)).sum())
    return _chi2_sf(stat, len(buckets) - 1), observed, expected


def verify_generator(generator, buckets, probs, nsamples=1000000, nrepeat=5, success_rate=0.2, alpha=0.05):
    """Runs ``chi_square_check`` ``nrepeat`` times; fails unless at least ``success_rate`` of
    the runs have p-value above ``alpha``. Returns the p-values."""
    runs = [chi_square_check(generator, buckets, probs, nsamples) for _ in range(nrepeat)]
    pvalues = [r[0] for r in runs]
    if sum(p > alpha for p in pvalues) < nrepeat * success_rate:
        raise AssertionError(f"Generator test fails, Chi-square p={pvalues}, "
                             f"obs_freq={[r[1].tolist() for r in runs]}, "
                             f"expected_freq={[r[2].tolist() for r in runs]}.\nbuckets={buckets}, probs={probs}")
    return pvalues


# ---- Gluon -----------------------------------------------------------------------------------

def check_gluon_hybridize_consistency(net_builder, data_l, numpy_func=None, test_grad=True, rtol=1e-4, atol=1e-4):
    """Builds the net twice with ``net_builder()`` (same initial parameters), runs one copy
    hybridized and one not on the inputs ``data_l`` and asserts equal outputs (and gradients
    of the inputs and parameters when ``test_grad``), and equal to ``numpy_func`` if given."""
    from . import autograd, np
    saved = None
    results = []
    for hybridize in (False, True):
        net = net_builder()
        net.initialize()
        if saved is None:
            net(*[np.array(_numpy(d)) for d in data_l])          # complete deferred shapes
            # by position: the second build's parameters have other names (prefixes count up)
            saved = [p.data().copy() for p in net.collect_params().values()]
        else:
            net(*[np.array(_numpy(d)) for d in data_l])
            for p, value in zip(net.collect_params().values(), saved):
                p.set_data(value)
        if hybridize:
            net.hybridize()
        inputs = [np.array(_numpy(d)) for d in data_l]
        for x in inputs:
            x.attach_grad()
        with autograd.record():
            out = net(*inputs)
        outs = list(out) if isinstance(out, (list, tuple)) else [out]
        if test_grad:
            autograd.backward(outs)
        results.append((outs, [x.grad for x in inputs] if test_grad else [],
                        [p.grad() for p in net.collect_params().values() if p.grad_req != "null"] if test_grad else []))
    (o1, gi1, gp1), (o2, gi2, gp2) = results
    for a, b in zip(o1 + gi1 + gp1, o2 + gi2 + gp2):
        _tu().assert_almost_equal(a, b, rtol=rtol, atol=atol)
    if numpy_func is not None:
        expect = numpy_func(*[_numpy(d) for d in data_l])
        expect = list(expect) if isinstance(expect, (list, tuple)) else [expect]
        for a, b in zip(o1, expect):
            _tu().assert_almost_equal(a, b, rtol=rtol, atol=atol)


# ---- APIs deepblocks does not have -----------------------------------------------------------

def _no_sparse(name):
    def refuse(*args, **kwargs):
        raise NotImplementedError(f"{name}: deepblocks has no sparse arrays (csr / row_sparse); "
                                  "use dense arrays")
    refuse.__name__ = name
    refuse.__doc__ = f"Not available: ``{name}`` makes sparse arrays, which deepblocks does not have."
    return refuse


rand_sparse_ndarray = _no_sparse("rand_sparse_ndarray")
create_sparse_array = _no_sparse("create_sparse_array")
create_sparse_array_zd = _no_sparse("create_sparse_array_zd")
shuffle_csr_column_indices = _no_sparse("shuffle_csr_column_indices")


def _callable_only(name, fn):
    """``fn`` for a Python callable in place of a Symbol; a clear refusal for anything else."""
    @_functools.wraps(fn)
    def wrapper(sym, *args, **kwargs):
        if not callable(sym):
            raise NotImplementedError(
                f"{name}: deepblocks has no Symbol API yet; pass a Python function of the input arrays instead")
        return fn(sym, *args, **kwargs)
    return wrapper


def _location_arrays(location):
    from . import np
    values = list(location.values()) if isinstance(location, dict) else list(location)
    return [np.array(_numpy(v)) for v in values]


def _symbolic_forward(sym, location, expected, rtol=None, atol=None, aux_states=None, ctx=None,
                      equal_nan=False, dtype=None):
    outs = sym(*_location_arrays(location))
    outs = list(outs) if isinstance(outs, (list, tuple)) else [outs]
    expected = list(expected.values()) if isinstance(expected, dict) else list(expected)
    for i, (a, b) in enumerate(zip(outs, expected)):
        _tu().assert_almost_equal(a, b, rtol=rtol, atol=atol, names=(f"output {i}", "expected"),
                                  equal_nan=equal_nan)
    return [o.asnumpy() for o in outs]


def _symbolic_backward(sym, location, out_grads, expected, rtol=None, atol=None, aux_states=None,
                       grad_req="write", ctx=None, grad_stypes=None, equal_nan=False, dtype=None):
    from . import autograd, np
    inputs = _location_arrays(location)
    for x in inputs:
        x.attach_grad()
    with autograd.record():
        outs = sym(*inputs)
    outs = list(outs) if isinstance(outs, (list, tuple)) else [outs]
    heads = [np.array(_numpy(g)) for g in (out_grads if isinstance(out_grads, (list, tuple)) else [out_grads])]
    autograd.backward(outs, heads)
    expected = list(expected.values()) if isinstance(expected, dict) else list(expected)
    for i, (x, b) in enumerate(zip(inputs, expected)):
        if b is not None:
            _tu().assert_almost_equal(x.grad, b, rtol=rtol, atol=atol, names=(f"gradient of input {i}", "expected"),
                                      equal_nan=equal_nan)
    return [x.grad.asnumpy() for x in inputs]


check_symbolic_forward = _callable_only("check_symbolic_forward", _symbolic_forward)
check_symbolic_forward.__doc__ = """Runs the Python function ``sym`` (in place of MXNet's Symbol) on the
arrays of ``location`` and compares each output with ``expected``."""
check_symbolic_backward = _callable_only("check_symbolic_backward", _symbolic_backward)
check_symbolic_backward.__doc__ = """Back-propagates ``out_grads`` through the Python function ``sym``
at ``location`` and compares the input gradients with ``expected`` (None skips one)."""


def _simple_forward(sym, ctx=None, is_train=False, **inputs):
    from . import autograd
    with autograd.train_mode() if is_train else autograd.predict_mode():
        outs = sym(*_location_arrays(inputs))
    outs = list(outs) if isinstance(outs, (list, tuple)) else [outs]
    outs = [o.asnumpy() for o in outs]
    return outs[0] if len(outs) == 1 else outs


simple_forward = _callable_only("simple_forward", _simple_forward)
simple_forward.__doc__ = """The outputs (NumPy) of the Python function ``sym`` on the keyword arrays
``inputs``, in prediction mode unless ``is_train``."""


def check_consistency(sym, ctx_list, *args, **kwargs):
    """Not available: compares one Symbol across devices and dtypes; deepblocks has no Symbol
    API yet (compare a function's results on ``cpu()`` and ``gpu()`` with ``assert_almost_equal``)."""
    raise NotImplementedError("check_consistency: deepblocks has no Symbol API yet")


def check_speed(sym, location=None, ctx=None, N=20, grad_req=None, typ="whole", **kwargs):  # noqa: N803
    """Seconds per call of the Python function ``sym`` on the arrays of ``location`` (forward
    only for ``typ='forward'``, else forward and backward), averaged over ``N`` calls."""
    import time
    from . import autograd
    if not callable(sym):
        raise NotImplementedError("check_speed: deepblocks has no Symbol API yet; pass a Python function")
    if typ not in ("whole", "forward"):
        raise ValueError(f"check_speed: typ must be 'whole' or 'forward', got {typ!r}")
    inputs = _location_arrays(location if location is not None else kwargs)

    def once():
        if typ == "forward":
            out = sym(*inputs)
            (out[0] if isinstance(out, (list, tuple)) else out).wait_to_read()
            return
        for x in inputs:
            x.attach_grad()
        with autograd.record():
            out = sym(*inputs)
        autograd.backward(list(out) if isinstance(out, (list, tuple)) else [out])
        inputs[0].grad.wait_to_read()

    once()
    start = time.perf_counter()
    for _ in range(N):
        once()
    return (time.perf_counter() - start) / N

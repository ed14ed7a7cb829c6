"""The CUDA kernel sources (src/cuda/kernels/), checked without a GPU:

- every module compiles with NVRTC for sm_75, sm_80 and sm_90 (skipped when libnvrtc is
  missing, unless DEEPBLOCKS_REQUIRE_NVRTC=1);
- the kernels run on the CPU (compiled as host C++ by tests/cuda_host_kernels.py, one real
  thread per CUDA thread) and give NumPy's / the CPU engine's answers, through strided,
  negative-step and broadcast operands, odd grid and block sizes (grid-stride loops, block
  reductions with a block size that is not a power of two) and concurrent atomics.

Only NumPy and ctypes are needed, so any interpreter runs this file. On a GPU machine with
CuPy, DEEPBLOCKS_KERNEL_BACKEND=cupy runs the same checks on the device instead.
"""

import concurrent.futures
import os

import numpy as np
import pytest

import cuda_host_kernels as host
import cuda_nvrtc_compile as nvrtc

U64_MAX = 2**64 - 1


# ---- NVRTC -------------------------------------------------------------------------------------


def test_every_module_compiles_with_nvrtc_for_each_architecture():
    lib = nvrtc.load()
    if lib is None:
        if os.environ.get("DEEPBLOCKS_REQUIRE_NVRTC") == "1":
            pytest.fail("libnvrtc not found (pip install nvidia-cuda-nvrtc-cu12, or set DEEPBLOCKS_NVRTC)")
        pytest.skip("libnvrtc not found (pip install nvidia-cuda-nvrtc-cu12, or set DEEPBLOCKS_NVRTC)")
    modules = nvrtc.modules()
    assert len(modules) >= 10, sorted(modules)
    jobs = [(name, arch) for name in modules for arch in nvrtc.ARCHS]
    # NVRTC is thread-safe and ctypes releases the GIL during the call.
    with concurrent.futures.ThreadPoolExecutor(os.cpu_count() or 2) as pool:
        results = list(pool.map(lambda job: (job, nvrtc.compile_source(lib, job[0], modules[job[0]], job[1])), jobs))
    failures = [f"{name} ({arch}):\n{log}" for (name, arch), (ok, log, _) in results if not ok]
    assert not failures, "\n".join(failures)


# ---- Host builds ------------------------------------------------------------------------------------

MODULES = ["creation", "copy", "unary", "grad", "binary", "where_clip", "reduce", "sort", "index", "matmul", "linear",
           "optim"]


@pytest.fixture(scope="module")
def k(tmp_path_factory):
    """{module: host.Module}, or host.GpuModule with DEEPBLOCKS_KERNEL_BACKEND=cupy."""
    if host.compiler() is None:
        pytest.skip("no C++ compiler (g++/c++)")
    work = str(tmp_path_factory.mktemp("cuda_host"))
    if os.environ.get("DEEPBLOCKS_KERNEL_BACKEND") == "cupy":
        return {m: host.GpuModule(m, host.signatures(m, work)) for m in MODULES}
    with concurrent.futures.ThreadPoolExecutor(os.cpu_count() or 2) as pool:
        built = dict(zip(MODULES, pool.map(lambda m: host.build(m, work), MODULES)))
    return {m: host.Module(*built[m]) for m in MODULES}


def offset(view, base):
    """Element offset of view[0, ..., 0] in base's storage."""
    return (view.__array_interface__["data"][0] - base.__array_interface__["data"][0]) // base.itemsize


def info(shape, *views):
    """[dims, strides of each view broadcast to shape (in elements)], as the launcher builds it."""
    out = list(shape)
    for v in views:
        out += [s // v.itemsize for s in np.broadcast_to(v, shape).strides]
    return np.array(out, dtype=np.int64)


def strided_f32(rng, n=48):
    base = rng.standard_normal(n).astype(np.float32)
    # (4, 6): rows in reverse, every other column, transposed.
    return base, base.reshape(6, 8)[::-1, 1::2].T


# ---- Elementwise ---------------------------------------------------------------------------------


def test_unary_on_a_negative_step_transposed_view(k):
    rng = np.random.default_rng(0)
    base, x = strided_f32(rng)
    assert x.strides[1] < 0 and not x.flags.c_contiguous
    for name, ref, tol in [("exp", np.exp, 1e-6), ("sigmoid", lambda v: 1 / (1 + np.exp(-v)), 1e-6), ("negative", np.negative, 0)]:
        out = np.full(x.shape, np.nan, np.float32)
        getattr(k["unary"], f"unary_{name}_f32")(3, 7, x.size, x.ndim, info(x.shape, x), base, offset(x, base), out)
        np.testing.assert_allclose(out, ref(x.astype(np.float64)), rtol=tol, atol=tol)


def test_many_elements_through_several_axes(k):
    # Indices well past one block's worth, through a 4-d view with a broadcast and a flipped axis.
    rng = np.random.default_rng(10)
    base = rng.integers(-100, 100, 3 * 50 * 40, dtype=np.int64)
    x = base.reshape(3, 50, 40)[:, ::-1, ::3].transpose(2, 0, 1)[:, None]  # (14, 1, 3, 50)
    shape = (14, 5, 3, 50)
    out = np.zeros(shape, np.float64)
    k["copy"].cast_i64_f64(7, 64, out.size, 4, info(shape, x), base, offset(x, base), out)
    np.testing.assert_array_equal(out, np.broadcast_to(x, shape))


def test_64_bit_division_path(k):
    # A block longer than 2**32 sends the index division through the 64-bit routine.
    src = np.arange(10, dtype=np.float32)
    out = np.zeros(6, np.float32)
    k["index"].gather_f32(1, 4, 6, 2**33, 0, None, np.array([3], np.int64), src, out)
    np.testing.assert_array_equal(out, src[3:9])
    y = np.zeros(5)
    k["linear"].linear_epilogue_f64(1, 3, 5, 2**40 + 1, y, np.arange(5.0) - 2, 0, 1)
    np.testing.assert_array_equal(y, [0, 0, 0, 1, 2])


def test_unary_semantics_per_dtype(k):
    u = k["unary"]

    def run(name, x, out_dtype=None):
        out = np.zeros(x.shape, out_dtype or x.dtype)
        getattr(u, name)(2, 5, x.size, 0, None, x, 0, out)
        return out

    f = np.array([0.5, 1.5, 2.5, -0.5, -0.0, np.nan, -np.inf, 3.0], np.float64)
    np.testing.assert_array_equal(run("unary_round_f64", f), np.round(f))
    np.testing.assert_array_equal(run("unary_sign_f64", f), [1, 1, 1, -1, 0, np.nan, -1, 1])
    np.testing.assert_array_equal(run("unary_relu_f64", f), [0.5, 1.5, 2.5, 0, 0, np.nan, 0, 3])
    assert np.signbit(run("unary_sign_f64", f)[4])  # sign(-0.0) is -0.0, as on the CPU
    np.testing.assert_array_equal(run("unary_isnan_f64", f, bool), np.isnan(f))
    np.testing.assert_array_equal(run("unary_isinf_f64", f, bool), np.isinf(f))
    np.testing.assert_array_equal(run("unary_isfinite_f64", f, bool), np.isfinite(f))
    np.testing.assert_array_equal(run("unary_logical_not_f64", f, bool), ~f.astype(bool))
    i = np.array([-(2**31), -7, 0, 5, 2**31 - 1], np.int32)
    np.testing.assert_array_equal(run("unary_negative_i32", i), np.negative(i))  # wraps at INT_MIN
    np.testing.assert_array_equal(run("unary_absolute_i32", i), np.abs(i))
    np.testing.assert_array_equal(run("unary_square_i32", i), i * i)
    np.testing.assert_array_equal(run("unary_floor_i32", i), i)
    np.testing.assert_array_equal(run("unary_isfinite_i32", i, bool), np.ones(5, bool))
    b = np.array([7, 0, 255, 128], np.uint8)
    np.testing.assert_array_equal(run("unary_invert_u8", b), ~b)
    np.testing.assert_array_equal(run("unary_sign_u8", b), np.sign(b))
    np.testing.assert_array_equal(run("unary_invert_bool", b.astype(bool)), ~b.astype(bool))
    # The contiguous fast path honours the input's offset.
    base = np.arange(10, dtype=np.float64)
    out = np.zeros(6)
    u.unary_sqrt_f64(1, 4, 6, 0, None, base, 3, out)
    np.testing.assert_allclose(out, np.sqrt(base[3:9]))


def test_fused_gradients(k):
    rng = np.random.default_rng(1)
    base, g = strided_f32(rng)
    v = rng.uniform(0.1, 2.0, (4, 6)).astype(np.float32)
    inf = info(g.shape, g, v)
    for name, ref in [("sigmoid", lambda g, y: g * y * (1 - y)), ("relu", lambda g, x: np.where(x > 0, g, 0)),
                      ("sqrt", lambda g, y: g / (2 * y)), ("cos", lambda g, x: -g * np.sin(x))]:
        out = np.zeros(g.shape, np.float32)
        getattr(k["grad"], f"grad_{name}_f32")(2, 9, g.size, 2, inf, base, offset(g, base), v, 0, out)
        np.testing.assert_allclose(out, ref(g, v), rtol=1e-5, atol=1e-6)


def test_binary_broadcast_and_semantics(k):
    b = k["binary"]
    a_base = np.array([-7, 5, -(2**63), 5, 9, 5], np.int64)
    a = a_base[::2].reshape(3, 1)  # (3, 1), stride 2: -7, INT64_MIN, 9
    b_base = np.array([3, -2, 0, -1], np.int64)
    bb = b_base[::-1]  # (4,), stride -1
    shape = (3, 4)
    inf = info(shape, a, bb)
    A, B = np.broadcast_to(a, shape), np.broadcast_to(bb, shape)
    with np.errstate(all="ignore"):
        for op, ref in [("add", np.add), ("subtract", np.subtract), ("multiply", np.multiply),
                        ("floor_divide", np.floor_divide), ("remainder", np.remainder), ("maximum", np.maximum)]:
            out = np.full(shape, 99, np.int64)
            getattr(b, f"binary_{op}_i64")(2, 5, 12, 2, inf, a_base, offset(a, a_base), b_base, offset(bb, b_base), out)
            np.testing.assert_array_equal(out, ref(A, B), err_msg=op)
        out = np.zeros(shape, bool)
        b.binary_less_i64(2, 5, 12, 2, inf, a_base, offset(a, a_base), b_base, offset(bb, b_base), out)
        np.testing.assert_array_equal(out, A < B)
    # Python's float floor division and remainder, NaN-propagating maximum, true division.
    x = np.array([-7.5, 7.5, 5.0, -0.0, 1.0, np.nan, 3.0, -3.0])
    y = np.array([2.0, -2.0, 0.0, 3.0, np.inf, 1.0, np.nan, 1.5])
    with np.errstate(all="ignore"):
        for op, ref in [("floor_divide", np.floor_divide), ("remainder", np.remainder), ("maximum", np.maximum),
                        ("minimum", np.minimum), ("true_divide", np.true_divide), ("power", np.power)]:
            out = np.zeros(8)
            getattr(b, f"binary_{op}_f64")(1, 3, 8, 0, None, x, 0, y, 0, out)
            np.testing.assert_allclose(out, ref(x, y), rtol=1e-15 if op == "power" else 0, atol=0, err_msg=op)
    p = np.array([3, -3, 2, 7, 0], np.int32)
    e = np.array([4, 3, 31, 0, 0], np.int32)
    out = np.zeros(5, np.int32)
    b.binary_power_i32(1, 2, 5, 0, None, p, 0, e, 0, out)
    np.testing.assert_array_equal(out, np.power(p, e))
    out = np.zeros(8, bool)
    b.binary_logical_xor_f64(1, 3, 8, 0, None, x, 0, y, 0, out)
    np.testing.assert_array_equal(out, np.logical_xor(x, y))
    u1, u2 = np.array([0xF0, 0x0F, 0xFF], np.uint8), np.array([0xFF, 0x0F, 0x01], np.uint8)
    out = np.zeros(3, np.uint8)
    b.binary_bitwise_xor_u8(1, 2, 3, 0, None, u1, 0, u2, 0, out)
    np.testing.assert_array_equal(out, u1 ^ u2)
    out = np.zeros(3, np.uint8)
    b.binary_add_u8(1, 2, 3, 0, None, u1, 0, u2, 0, out)
    np.testing.assert_array_equal(out, u1 + u2)  # wraps


def test_binary_in_place_into_a_strided_view(k):
    rng = np.random.default_rng(2)
    base, a = strided_f32(rng)
    expect = base.copy()
    rhs = rng.standard_normal(6).astype(np.float32)  # broadcast along a's rows
    view = expect.reshape(6, 8)[::-1, 1::2].T
    view -= rhs
    k["binary"].binary_inplace_subtract_f32(3, 4, a.size, 2, info(a.shape, a, rhs), base, offset(a, base), rhs, 0)
    np.testing.assert_array_equal(base, expect)


def test_where_and_clip(k):
    w = k["where_clip"]
    cond = np.array([True, False, True]).reshape(3, 1)
    x_base = np.arange(8, dtype=np.float32)
    x = x_base[::-2]  # (4,)
    y = np.array(-1.0, np.float32)  # 0-d, broadcast everywhere
    out = np.zeros((3, 4), np.float32)
    w.where_f32(2, 3, 12, 2, info((3, 4), cond, x, y), cond, 0, x_base, offset(x, x_base), y, 0, out)
    np.testing.assert_array_equal(out, np.where(cond, x, y))
    v = np.array([-2.0, 0.5, 3.0, np.nan])
    hi = np.array([1.0])
    out = np.zeros(4)
    w.clip_f64(1, 3, 4, 1, info((4,), v, hi, hi), v, 0, None, 0, hi, 0, out)
    np.testing.assert_array_equal(out, [-2.0, 0.5, 1.0, np.nan])


# ---- Copies ----------------------------------------------------------------------------------------


def sat_i32(v):
    return 0 if np.isnan(v) else int(min(max(v, -(2**31)), 2**31 - 1))


def test_casts_follow_the_cpu_engine(k):
    c = k["copy"]
    f = np.array([-1.0, 300.0, 2.9, 255.5, -0.5, np.nan, 1e10, -1e10, 3e9, -2.5])
    src = f[::-1]
    got = np.zeros(src.shape, np.uint8)
    c.cast_f64_u8(2, 3, src.size, 1, info(src.shape, src), f, offset(src, f), got)
    np.testing.assert_array_equal(got, [sat_i32(v) & 0xFF for v in src])  # -1.0 -> 255, 300.0 -> 44
    got = np.zeros(src.shape, np.int32)
    c.cast_f64_i32(2, 3, src.size, 1, info(src.shape, src), f, offset(src, f), got)
    np.testing.assert_array_equal(got, [sat_i32(v) for v in src])
    got = np.zeros(src.shape, bool)
    c.cast_f64_bool(2, 3, src.size, 0, None, f, 0, got)
    np.testing.assert_array_equal(got, f.astype(bool))
    big = np.array([2**40 + 5, -(2**40) - 3, 2**53 + 1, -1], np.int64)
    for dst, ref in [("i32", big.astype(np.int32)), ("u8", big.astype(np.uint8)), ("f32", big.astype(np.float32)), ("f64", big.astype(np.float64))]:
        got = np.zeros(4, ref.dtype)
        getattr(c, f"cast_i64_{dst}")(1, 3, 4, 0, None, big, 0, got)
        np.testing.assert_array_equal(got, ref, err_msg=dst)
    b = np.array([True, False, True])
    got = np.zeros(3, np.float32)
    c.cast_bool_f32(1, 2, 3, 0, None, b, 0, got)
    np.testing.assert_array_equal(got, [1, 0, 1])


def test_set_into_a_strided_view_and_fill(k):
    c = k["copy"]
    dst = np.zeros(30, np.int32)
    view = dst.reshape(5, 6)[::2, ::-3]  # (3, 2), negative column step
    src = np.array([1.7, -2.7], np.float32)  # broadcast over the rows
    expect = dst.copy()
    expect.reshape(5, 6)[::2, ::-3] = src.astype(np.int32)
    c.set_f32_i32(2, 2, view.size, 2, info(view.shape, view, src), dst, offset(view, dst), src, 0)
    np.testing.assert_array_equal(dst, expect)
    eye = np.zeros((4, 5))
    diag = np.lib.stride_tricks.as_strided(eye[0:, 1:], shape=(4,), strides=(6 * 8,))
    c.fill_strided_f64(1, 3, 4, 1, info((4,), diag), eye, offset(diag, eye), 1.0)
    np.testing.assert_array_equal(eye, np.eye(4, 5, 1))


def test_creation_and_random_scaling(k):
    cr = k["creation"]
    out = np.zeros(7, np.float32)
    cr.arange_f32(2, 3, 7, out, 0.5, 0.25)
    np.testing.assert_array_equal(out, np.arange(7) * np.float32(0.25) + np.float32(0.5))
    out = np.zeros(5, np.int64)
    cr.arange_i64(2, 3, 5, out, 5, -2)
    np.testing.assert_array_equal(out, [5, 3, 1, -1, -3])
    out = np.zeros(5)
    cr.linspace_f64(2, 3, 5, out, 0.0, 0.25, 1.0, 1)
    np.testing.assert_array_equal(out, np.linspace(0, 1, 5))
    # cuRAND's uniforms are in (0, 1]: 1 maps to low; values that round up to high stay below it.
    u = np.array([1.0, 0.5, 1e-9, 1e-30], np.float32)
    out = np.zeros(4, np.float32)
    cr.uniform_scale_f32(1, 3, 4, u, out, 0.0, 1.0)
    assert out[0] == 0.0 and out[1] == 0.5
    assert out[2] == out[3] == np.nextafter(np.float32(1), np.float32(0))
    z = np.array([0.0, 1.0, -2.0])
    cr.normal_scale_f64(1, 2, 3, z, z, 1.0, 0.5)  # in place
    np.testing.assert_array_equal(z, [1.0, 1.5, 0.0])
    bits = np.array([0, 7, 1, 0, 0xFFFFFFFF, 0xFFFFFFFF], np.uint32)
    out = np.zeros(3, np.int32)
    cr.randint_i32(1, 2, 3, bits, out, -5, 10)
    np.testing.assert_array_equal(out, [-5 + 7 % 10, -5 + (1 << 32) % 10, -5 + (2**64 - 1) % 10])


# ---- Reductions ------------------------------------------------------------------------------------


def reduce(k, op, dtype, x, out_dtype, grid=2, block=40, x_off=0, base=None):
    """Reduces (or scans) the middle axis of a dense (outer, len, inner) x."""
    outer, length, inner = x.shape
    if op == "cumsum":
        fn, out = getattr(k["reduce"], f"cumsum_{dtype}"), np.zeros(x.shape, out_dtype)
    else:
        fn, out = getattr(k["reduce"], f"reduce_{op}_{dtype}"), np.zeros((outer, inner), out_dtype)
    fn(grid, block, outer, length, inner, x if base is None else base, x_off, out)
    return out


def test_row_reductions_with_a_block_that_is_not_a_power_of_two(k):
    rng = np.random.default_rng(3)
    x = rng.standard_normal((5, 1000)).astype(np.float32)[:, :, None]
    np.testing.assert_allclose(reduce(k, "sum", "f32", x, np.float32)[:, 0], x[:, :, 0].astype(np.float64).sum(1), rtol=1e-6)
    m = reduce(k, "mean", "f32", x, np.float32)[:, 0]
    np.testing.assert_allclose(m, x[:, :, 0].astype(np.float64).mean(1), rtol=1e-5, atol=1e-7)
    i = rng.integers(2**31 - 100, 2**31 - 1, (3, 77), dtype=np.int32)[:, :, None]
    np.testing.assert_array_equal(reduce(k, "sum", "i32", i, np.int64)[:, 0], i[:, :, 0].astype(np.int64).sum(1))
    np.testing.assert_array_equal(reduce(k, "mean", "i32", i, np.float64)[:, 0], i[:, :, 0].astype(np.float64).mean(1))
    p = np.array([[2, 3, -1, 5], [1, 1, 1, 0]], np.int64)[:, :, None]
    np.testing.assert_array_equal(reduce(k, "prod", "i64", p, np.int64, block=3)[:, 0], [-30, 0])
    # Extremes propagate NaN; argmax takes the first extreme, or the first NaN.
    f = np.array([[1.0, 5.0, 5.0, -2.0, 5.0], [1.0, np.nan, 7.0, np.nan, 0.0], [-1.0, -1.0, -3.0, -3.0, -1.0]])[:, :, None]
    np.testing.assert_array_equal(reduce(k, "maximum", "f64", f, np.float64, block=2)[:, 0], np.max(f[:, :, 0], 1))
    np.testing.assert_array_equal(reduce(k, "minimum", "f64", f, np.float64, block=3)[:, 0], np.min(f[:, :, 0], 1))
    np.testing.assert_array_equal(reduce(k, "argmax", "f64", f, np.int64, block=3)[:, 0], np.argmax(f[:, :, 0], 1))
    np.testing.assert_array_equal(reduce(k, "argmin", "f64", f, np.int64, block=4)[:, 0], np.argmin(f[:, :, 0], 1))
    np.testing.assert_array_equal(reduce(k, "all", "f64", f, bool)[:, 0], [True, False, True])
    z = np.array([[0, 0, 0], [0, 3, 0]], np.uint8)[:, :, None]
    np.testing.assert_array_equal(reduce(k, "any", "u8", z, bool, block=2)[:, 0], [False, True])
    np.testing.assert_array_equal(reduce(k, "minimum", "u8", z, np.uint8, block=2)[:, 0], [0, 0])
    # Short lines share a block (10 lines of 3 in 32 threads); empty lines give the identity.
    short = rng.integers(-50, 50, (53, 3, 1), dtype=np.int64)
    np.testing.assert_array_equal(reduce(k, "sum", "i64", short, np.int64, grid=2, block=32)[:, 0], short[:, :, 0].sum(1))
    np.testing.assert_array_equal(reduce(k, "argmax", "i64", short, np.int64, grid=2, block=32)[:, 0], short[:, :, 0].argmax(1))
    np.testing.assert_array_equal(reduce(k, "cumsum", "i64", short, np.int64, grid=2, block=32), np.cumsum(short, 1))
    empty = np.zeros((4, 0, 1), np.float32)
    np.testing.assert_array_equal(reduce(k, "sum", "f32", empty, np.float32, block=8)[:, 0], np.zeros(4))
    np.testing.assert_array_equal(reduce(k, "any", "f32", empty, bool, block=8)[:, 0], np.zeros(4, bool))
    # The input offset, and more lines than blocks.
    base = np.arange(100, dtype=np.int64)
    view = base[10:70].reshape(6, 10, 1)
    np.testing.assert_array_equal(reduce(k, "sum", "i64", view, np.int64, grid=4, block=3, x_off=10, base=base)[:, 0], view[:, :, 0].sum(1))


def test_column_reductions_and_running_sums(k):
    rng = np.random.default_rng(4)
    x = rng.standard_normal((3, 7, 5))
    for block in [4, 40]:  # 4 columns a block, each line whole; 5 columns, each line split 8 ways
        np.testing.assert_allclose(reduce(k, "sum", "f64", x, np.float64, grid=2, block=block), x.sum(1), rtol=1e-12)
        np.testing.assert_array_equal(reduce(k, "argmax", "f64", x, np.int64, grid=2, block=block), x.argmax(1))
    w = rng.integers(-5, 5, (2, 45, 70), dtype=np.int32)
    w[0, 3:, 9] = w[0, 2, 9]  # ties resolve to the first index
    np.testing.assert_array_equal(reduce(k, "sum", "i32", w, np.int64, grid=3, block=96), w.sum(1))
    np.testing.assert_array_equal(reduce(k, "argmin", "i32", w, np.int64, grid=3, block=96), w.argmin(1))
    np.testing.assert_allclose(reduce(k, "cumsum", "f64", x, np.float64, grid=2, block=4), np.cumsum(x, 1), rtol=1e-12)
    i = rng.integers(-1000, 1000, (4, 100, 1), dtype=np.int32)
    np.testing.assert_array_equal(reduce(k, "cumsum", "i32", i, np.int64, grid=3, block=32), np.cumsum(i.astype(np.int64), 1))
    f = rng.standard_normal((2, 70, 1)).astype(np.float32)
    np.testing.assert_allclose(reduce(k, "cumsum", "f32", f, np.float32, grid=1, block=24), np.cumsum(f.astype(np.float64), 1), rtol=1e-5, atol=1e-6)


# ---- Indexing ----------------------------------------------------------------------------------------


def offsets_for(k, view, base, arrays, index_shape):
    """The launcher's block offsets for `arrays` ({axis: index array}) into `view`."""
    ix = k["index"]
    count = int(np.prod(index_shape))
    offs = np.full(count, offset(view, base), np.int64)
    bad = np.array([U64_MAX], np.uint64)
    strides = [s // base.itemsize for s in view.strides]
    for axis, idx in arrays.items():
        tag = {np.dtype(np.int64): "i64", np.dtype(np.int32): "i32", np.dtype(np.uint8): "u8"}[idx.dtype]
        getattr(ix, f"index_offsets_{tag}")(2, 3, count, len(index_shape), info(index_shape, idx), idx, 0, offs, bad,
                                            view.shape[axis], strides[axis])
    return offs, int(bad[0])


def test_gather_with_several_index_arrays_and_a_negative_step_rest(k):
    ix = k["index"]
    base = np.arange(5 * 4 * 3, dtype=np.float32)
    view = base.reshape(5, 4, 3)[:, ::-1, :]
    i0 = np.array([[4, -1], [0, 2]], np.int64)
    i2 = np.array([[2], [-3]], np.int32)
    offs, bad = offsets_for(k, view, base, {0: i0, 2: i2}, (2, 2))
    assert bad == U64_MAX
    out = np.zeros((2, 2, 4), np.float32)
    rest_info = np.array([4, view.strides[1] // 4], np.int64)
    ix.gather_f32(2, 5, out.size, 4, 1, rest_info, offs, base, out)
    np.testing.assert_array_equal(out, view[i0, :, i2])
    # The first position out of bounds is reported.
    _, bad = offsets_for(k, view, base, {0: np.array([1, -6, 0, 5], np.int64)}, (4,))
    assert bad == 1
    _, bad = offsets_for(k, view, base, {2: np.array([0, 2, 3], np.uint8)}, (3,))
    assert bad == 2


def test_scatter_add_accumulates_repeated_indices(k):
    ix = k["index"]
    rng = np.random.default_rng(5)
    rows = np.array([1, 3, 1, 1, 0, 3, 1], np.int64)
    for tag, dtype in [("f32", np.float32), ("f64", np.float64), ("i64", np.int64), ("i32", np.int32), ("u8", np.uint8)]:
        z = np.zeros((4, 3), dtype)
        g = rng.integers(0, 50, (7, 3)).astype(dtype)
        offs, bad = offsets_for(k, z, z, {0: rows}, (7,))
        assert bad == U64_MAX
        getattr(ix, f"scatter_add_{tag}")(3, 8, g.size, 3, 0, None, 2, None, offs, z, g, 0)
        expect = np.zeros((4, 3), dtype)
        np.add.at(expect, rows, g)
        np.testing.assert_array_equal(z, expect, err_msg=tag)
    # scatter writes a broadcast value through the same plan (x[[0, 2]] = [7, 8, 9]).
    x = np.zeros((4, 3), np.int64)
    val = np.array([7, 8, 9], np.int64)
    offs, _ = offsets_for(k, x, x, {0: np.array([0, 2], np.int64)}, (2,))
    ix.scatter_i64(1, 4, 6, 3, 0, None, 2, info((2, 3), val), offs, x, val, 0)
    np.testing.assert_array_equal(x, [[7, 8, 9], [0, 0, 0], [7, 8, 9], [0, 0, 0]])


def test_nonzero_from_a_running_count(k):
    rng = np.random.default_rng(6)
    mask = rng.random((3, 4, 5)) < 0.3
    csum = reduce(k, "cumsum", "bool", mask.reshape(1, -1, 1), np.int64, grid=1, block=16).reshape(-1)
    count = int(csum[-1])
    out = np.zeros((3, count), np.int64)
    k["index"].nonzero_bool(2, 7, mask.size, 3, np.array(mask.shape, np.int64), mask, 0, csum, out, count)
    np.testing.assert_array_equal(out, np.array(np.nonzero(mask)))


# ---- Sorting -------------------------------------------------------------------------------------------


def sort_lanes(k, dtype, x, k_first, descending, grid, block, x_off=0, base=None, staged=False):
    """The sort kernels on a dense (outer, len, inner) x: (values, positions), (outer, k, inner);
    one block a lane (sort_block), or the network stage by stage over all lanes (``staged``)."""
    outer, length, inner = x.shape
    lanes, padded, desc, src = outer * inner, 1 << max(length - 1, 0).bit_length(), int(descending), x if base is None else base
    values = np.zeros((outer, k_first, inner), x.dtype)
    indices = np.full((outer, k_first, inner), -1, np.int64)
    slots = (lanes if staged else grid) * padded
    keys, pos = np.zeros(slots, x.dtype), np.zeros(slots, np.int64)
    if not staged:
        getattr(k["sort"], f"sort_block_{dtype}")(grid, block, lanes, length, inner, k_first, padded, desc, src, x_off,
                                                  keys, pos, values, indices)
        return values, indices
    getattr(k["sort"], f"sort_fill_{dtype}")(grid, block, lanes, length, inner, padded, src, x_off, keys, pos)
    size = 2
    while size <= padded:
        stride = size // 2
        while stride:
            getattr(k["sort"], f"sort_stage_{dtype}")(grid, block, lanes, length, padded, size, stride, desc, keys, pos)
            stride //= 2
        size *= 2
    getattr(k["sort"], f"sort_take_{dtype}")(grid, block, lanes, inner, k_first, padded, keys, pos, values, indices)
    return values, indices


def descending_positions(x, axis):
    rev = np.argsort(np.flip(x, axis), axis=axis, kind="stable")
    return x.shape[axis] - 1 - np.flip(rev, axis)


def test_bitonic_sort_pads_lanes_and_breaks_ties_by_position(k):
    rng = np.random.default_rng(11)
    # Lanes of 37 (padded to 64) along the middle axis, 4 x 3 of them, in 3 blocks of 5
    # threads (not a power of two): NaN last ascending and first descending, ties in order.
    x = rng.integers(0, 6, (4, 37, 3)).astype(np.float64)
    x[rng.random(x.shape) < 0.15] = np.nan
    x[0, :5, 0] = [0.0, -0.0, 0.0, -0.0, 0.0]
    up = np.argsort(x, axis=1, kind="stable")
    values, idx = sort_lanes(k, "f64", x, 37, False, grid=3, block=5)
    np.testing.assert_array_equal(idx, up)
    np.testing.assert_array_equal(values, np.take_along_axis(x, up, 1))
    down = descending_positions(x, 1)
    values, idx = sort_lanes(k, "f64", x, 10, True, grid=2, block=7)
    np.testing.assert_array_equal(idx, down[:, :10])
    np.testing.assert_array_equal(values, np.take_along_axis(x, down[:, :10], 1))
    # Integers, bool and uint8; one element a lane; a lane of 2^n exactly; an input offset.
    for dtype, tag in [(np.int32, "i32"), (np.int64, "i64"), (np.uint8, "u8"), (np.bool_, "bool")]:
        y = rng.integers(0, 3, (2, 16, 1)).astype(dtype)
        np.testing.assert_array_equal(sort_lanes(k, tag, y, 16, False, grid=1, block=8)[1], np.argsort(y, 1, kind="stable"))
        np.testing.assert_array_equal(sort_lanes(k, tag, y, 3, True, grid=1, block=3)[1], descending_positions(y, 1)[:, :3])
    one = np.array([[[5.0], [3.0]]]).reshape(1, 1, 2)
    np.testing.assert_array_equal(sort_lanes(k, "f64", one, 1, False, grid=1, block=1)[1], [[[0, 0]]])
    base = np.arange(40, dtype=np.int64)[::-1].copy()
    view = base[7:27].reshape(2, 10, 1)
    values, idx = sort_lanes(k, "i64", view, 10, False, grid=1, block=4, x_off=7, base=base)
    np.testing.assert_array_equal(values, np.sort(view, 1))


def test_staged_bitonic_sort_over_every_lane(k):
    rng = np.random.default_rng(12)
    x = rng.integers(0, 9, (3, 45, 2)).astype(np.float32)
    x[rng.random(x.shape) < 0.1] = np.nan
    for descending, first in [(False, 45), (True, 6)]:
        want = descending_positions(x, 1) if descending else np.argsort(x, axis=1, kind="stable")
        values, idx = sort_lanes(k, "f32", x, first, descending, grid=3, block=7, staged=True)
        np.testing.assert_array_equal(idx, want[:, :first])
        np.testing.assert_array_equal(values, np.take_along_axis(x, want[:, :first], 1))
    base = np.arange(30, dtype=np.int64)[::-1].copy()
    view = base[3:27].reshape(1, 24, 1)
    values, _ = sort_lanes(k, "i64", view, 24, False, grid=2, block=5, x_off=3, base=base, staged=True)
    np.testing.assert_array_equal(values, np.sort(view, 1))


# ---- Matmul, linear, optimizers -------------------------------------------------------------------


def test_exact_integer_matmul_with_batch_offsets(k):
    rng = np.random.default_rng(7)
    a = rng.integers(-9, 9, (2, 3, 4), dtype=np.int32)
    b_base = rng.integers(-9, 9, (5, 4), dtype=np.int32)
    b = b_base.T  # (4, 5), transposed: row stride 1, column stride 4, shared by both products
    offsets = np.array([0, 0, 12, 0], np.int64)
    out = np.zeros((2, 3, 5), np.int32)
    k["matmul"].matmul_i32(2, 7, 2, 3, 5, 4, offsets, a, 4, 1, b_base, 1, 4, out)
    np.testing.assert_array_equal(out, a @ b)
    x, y = np.array([[True, False], [False, False]]), np.array([[True, True], [False, True]])
    out = np.zeros((2, 2), bool)
    k["matmul"].matmul_bool(1, 3, 1, 2, 2, 2, np.zeros(2, np.int64), x, 2, 1, y, 2, 1, out)
    np.testing.assert_array_equal(out, x @ y)


def test_linear_epilogue(k):
    rng = np.random.default_rng(8)
    y = rng.standard_normal((5, 7)).astype(np.float32)
    y[0, 0], y[1, 1] = np.nan, -0.0
    bias_base = rng.standard_normal(9).astype(np.float32)
    bias = bias_base[2:]
    out = y.copy()
    k["linear"].linear_epilogue_f32(2, 6, out.size, 7, out, bias_base, 2, 1)
    expect = y + bias
    expect[expect < 0] = 0
    np.testing.assert_array_equal(out, expect)
    out = y.copy()
    k["linear"].linear_epilogue_f32(2, 6, out.size, 7, out, None, 0, 1)
    assert np.isnan(out[0, 0]) and np.signbit(out[1, 1])
    np.testing.assert_array_equal(out[y > 0], y[y > 0])


def test_sgd_momentum_and_adam_on_strided_weights(k):
    rng = np.random.default_rng(9)
    o = k["optim"]
    for tag, dtype, tol in [("f32", np.float32, 1e-6), ("f64", np.float64, 1e-14)]:
        wbase = rng.standard_normal(48).astype(dtype)
        w = wbase.reshape(6, 8)[::-1, 1::2].T  # (4, 6) strided weight
        g = rng.standard_normal((4, 6)).astype(dtype)
        mom = np.zeros((4, 6), dtype)
        w_ref, m_ref = w.astype(np.float64), np.zeros((4, 6))
        lr, wd, rescale, clip, momentum = 0.1, 0.01, 0.5, 0.3, 0.9
        inf = info(w.shape, w, g, mom)
        for _ in range(3):
            getattr(o, f"optim_sgd_mom_update_{tag}")(2, 5, w.size, 2, inf, wbase, offset(w, wbase), g, 0, mom, 0,
                                                        lr, wd, rescale, clip, momentum)
            gg = np.clip(rescale * g.astype(np.float64), -clip, clip)
            m_ref = momentum * m_ref - lr * (gg + wd * w_ref)
            w_ref = w_ref + m_ref
        np.testing.assert_allclose(w, w_ref, rtol=tol * 10, atol=tol * 10)
        np.testing.assert_allclose(mom, m_ref, rtol=tol * 10, atol=tol * 10)

        mean, var = np.zeros((4, 6), dtype), np.zeros((4, 6), dtype)
        w0 = w.astype(np.float64)
        inf = info(w.shape, w, g, mean, var)
        for decoupled in [False, True]:
            wb2 = wbase.copy()
            w2 = wb2.reshape(6, 8)[::-1, 1::2].T
            mean[...], var[...] = 0, 0
            wr, mr, vr = w0.copy(), np.zeros((4, 6)), np.zeros((4, 6))
            b1, b2, eps, wd2 = 0.9, 0.999, 1e-8, 0.1
            for t in range(1, 4):
                step_lr = 0.01 * np.sqrt(1 - b2**t) / (1 - b1**t)
                name = "adamw_update" if decoupled else "adam_update"
                getattr(o, f"optim_{name}_{tag}")(3, 3, w2.size, 2, inf, wb2, offset(w2, wb2), g, 0, mean, 0, var, 0,
                                                     step_lr, wd2, 0.5, -1.0, b1, b2, eps)
                gg = 0.5 * g.astype(np.float64) + (0 if decoupled else wd2 * wr)
                mr = b1 * mr + (1 - b1) * gg
                vr = b2 * vr + (1 - b2) * gg * gg
                d = mr / (np.sqrt(vr) + eps)
                wr = wr - step_lr * (d + wd2 * wr if decoupled else d)
            np.testing.assert_allclose(w2, wr, rtol=tol * 100, atol=tol * 100)
            np.testing.assert_allclose(mean, mr, rtol=tol * 100, atol=tol * 100)

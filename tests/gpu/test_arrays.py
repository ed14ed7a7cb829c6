"""Arrays on a GPU: every creation function with ``ctx=``/``device=``, copies between devices
(``copyto``, ``as_in_ctx``, ``as_in_context``, ``to_device``, ``np.array``), assignment into
views, conversions to Python and NumPy, printouts, and synchronization."""

import numpy as onp

from conftest import assert_same, raises, shares_memory
from deepblocks import nd, np, npx

from .conftest import DEVICES, assert_on, check, gpu_only


def test_num_gpus_counts_the_devices():
    if DEVICES[0].device_type == "gpu":
        assert npx.num_gpus() == len(DEVICES) >= 1
    assert [d.device_id for d in DEVICES] == sorted({d.device_id for d in DEVICES})


# ---- creation --------------------------------------------------------------------------------------


def test_creation_functions_take_ctx(device):
    cases = [
        (np.zeros((2, 3), ctx=device), onp.zeros((2, 3), "float32")),
        (np.zeros((2,), dtype="int32", ctx=device), onp.zeros(2, "int32")),
        (np.ones((3,), dtype="uint8", ctx=device), onp.ones(3, "uint8")),
        (np.ones((), ctx=device), onp.ones((), "float32")),
        (np.full((2, 2), 7, dtype="int64", ctx=device), onp.full((2, 2), 7, "int64")),
        (np.full((2,), True, ctx=device), onp.full(2, True)),
        (np.full((0, 3), 2.5, ctx=device), onp.full((0, 3), 2.5, "float32")),
        (np.empty((2, 0), ctx=device), onp.zeros((2, 0), "float32")),
        (np.empty((3,), dtype="float64", ctx=device), onp.zeros(3)),  # deepblocks' empty is zeroed
        (np.arange(5, ctx=device), onp.arange(5, dtype="float32")),
        (np.arange(2, 11, 3, dtype="int32", ctx=device), onp.arange(2, 11, 3, dtype="int32")),
        (np.arange(1.0, -1.0, -0.5, dtype="float64", ctx=device), onp.arange(1.0, -1.0, -0.5)),
        (np.linspace(0, 1, 5, ctx=device), onp.linspace(0, 1, 5, dtype="float32")),
        (np.linspace(-2, 2, 4, endpoint=False, dtype="float64", ctx=device), onp.linspace(-2, 2, 4, endpoint=False)),
        (np.eye(3, ctx=device), onp.eye(3, dtype="float32")),
        (np.eye(2, 4, k=1, dtype="int32", ctx=device), onp.eye(2, 4, k=1, dtype="int32")),
        (np.identity(2, dtype="float64", ctx=device), onp.identity(2)),
        (np.array([[1, 2], [3, 4]], ctx=device), onp.array([[1, 2], [3, 4]], "float32")),
        (np.array(onp.arange(6, dtype="int64").reshape(2, 3).T, ctx=device), onp.arange(6).reshape(2, 3).T),
        (np.array([True, False], ctx=device), onp.array([True, False])),
        (np.array(2.5, dtype="float64", ctx=device), onp.array(2.5)),
        (np.asarray([1, 2], dtype="uint8", ctx=device), onp.array([1, 2], "uint8")),
        (np.zeros(4, device=device), onp.zeros(4, "float32")),
        (np.arange(3, device=device), onp.arange(3, dtype="float32")),
    ]
    for got, want in cases:
        check(got, want, device)


def test_creation_under_with_device(device):
    with device:
        for got, want in [(np.zeros((2,)), onp.zeros(2, "float32")), (np.arange(3), onp.arange(3, dtype="float32")),
                          (np.array([1, 2]), onp.array([1, 2], "float32")), (np.eye(2), onp.eye(2, dtype="float32"))]:
            check(got, want, device)
    assert np.zeros(1).ctx == npx.cpu(0)


LIKE = [(np.zeros_like, onp.zeros_like), (np.ones_like, onp.ones_like), (np.empty_like, onp.zeros_like),
        (lambda a, **kw: np.full_like(a, 9, **kw), lambda a, **kw: onp.full_like(a, 9, **kw))]


def test_like_functions_take_ctx(device):
    host = onp.arange(6, dtype="int32").reshape(2, 3)
    for f, ref in LIKE:
        check(f(host, ctx=device), ref(host), device)
        check(f(np.array(host), dtype="float64", ctx=device), ref(host, dtype="float64"), device)
        check(f(np.array(host, ctx=device), ctx=device), ref(host), device)


def test_like_functions_keep_the_device_of_the_prototype(device):
    host = onp.arange(6, dtype="int32").reshape(2, 3)
    g = np.array(host, ctx=device)
    for f, ref in LIKE:
        check(f(g), ref(host), device)
        check(f(g.T, dtype="uint8"), ref(host.T, dtype="uint8"), device)


def test_random_creation_takes_ctx(device):
    np.random.seed(3)
    u = np.random.uniform(-1, 2, size=(200,), ctx=device)
    n = np.random.normal(1.0, 0.5, size=(20, 20), dtype="float64", ctx=device)
    r = np.random.randint(3, 9, size=(300,), ctx=device)
    for x, dt, shape in [(u, "float32", (200,)), (n, "float64", (20, 20)), (r, "int64", (300,))]:
        assert_on(x, device)
        assert x.dtype == dt and x.shape == shape
    hu, hn, hr = u.asnumpy(), n.asnumpy(), r.asnumpy()
    assert hu.min() >= -1 and hu.max() < 2 and abs(hu.mean() - 0.5) < 0.25
    assert abs(hn.mean() - 1.0) < 0.15 and abs(hn.std() - 0.5) < 0.1
    assert set(onp.unique(hr)) == set(range(3, 9))
    for x in (np.random.randn(2, 3, ctx=device), np.random.rand(4, ctx=device),
              np.random.uniform(size=(2,), device=device)):
        assert_on(x, device)
    # The seed repeats the draws on the device.
    np.random.seed(3)
    assert_same(np.random.uniform(-1, 2, size=(200,), ctx=device), hu)


def test_random_choice_takes_ctx(device):
    c = np.random.choice(5, size=(3,), ctx=device)
    assert_on(c, device)
    assert set(c.asnumpy().tolist()) <= set(range(5))
    c = np.random.choice(np.array([1.0, 2.0], ctx=device), size=(4,))
    assert_on(c, device)
    assert set(c.asnumpy().tolist()) <= {1.0, 2.0}


# ---- copies between devices ---------------------------------------------------------------------------


def test_moves_to_and_from_the_device(device):
    host = onp.arange(12, dtype="float64").reshape(3, 4)
    c = np.array(host)
    g = c.copyto(device)
    check(g, host, device)
    for back in (g.copyto(npx.cpu(0)), g.as_in_ctx(npx.cpu(0)), g.as_in_context(npx.cpu(0)), g.to_device(npx.cpu(0)),
                 np.array(g), np.array(g, ctx=npx.cpu(0))):
        assert back.ctx == npx.cpu(0)
        assert_same(back, host)
    for there in (c.as_in_ctx(device), c.as_in_context(device), c.to_device(device), np.array(c, ctx=device),
                  np.array(g, dtype="float32", ctx=device)):
        check(there, host.astype(there.dtype), device)
    # A view goes over as its values.
    check(c.T[::-1, 1:].copyto(device), host.T[::-1, 1:], device)
    check(g.T[::-1, 1:].copyto(npx.cpu(0)).as_in_ctx(device), host.T[::-1, 1:], device)


def test_same_device_moves(device):
    g = np.arange(4, ctx=device)
    assert g.as_in_ctx(device) is g and g.as_in_context(device) is g
    c = g.copyto(device)
    assert c is not g and not shares_memory(c, g)
    check(c, onp.arange(4, dtype="float32"), device)
    assert shares_memory(np.asarray(g, ctx=device), g)


def test_asarray_and_copy_keep_the_device(device):
    """``np.asarray`` of an array needs no copy, so it stays where it is (NumPy's contract, and
    PyTorch's ``as_tensor``); ``np.copy`` copies on the same device."""
    g = np.arange(4, ctx=device)
    a = np.asarray(g)
    assert_on(a, device)
    assert shares_memory(a, g)
    c = np.copy(g[::-1])
    check(c, onp.arange(4, dtype="float32")[::-1], device)
    assert not shares_memory(c, g)


def test_copyto_an_array_writes_into_it(device):
    host = onp.arange(6, dtype="float32").reshape(2, 3)
    g = np.array(host, ctx=device)
    for dst in (np.zeros((2, 3), ctx=device), np.zeros((2, 3)), np.zeros((3, 2), ctx=device).T):
        assert g.copyto(dst) is dst
        assert_same(dst, host)
    dst = np.zeros((2, 3), ctx=device)
    np.array(host).copyto(dst)
    check(dst, host, device)
    raises(ValueError, g.copyto, np.zeros((3, 2), ctx=device), contains=["(3, 2)", "(2, 3)"])


def test_moves_between_two_devices(devices):
    a, b = devices
    host = onp.arange(10, dtype="int32")
    x = np.array(host, ctx=a)
    for y in (x.copyto(b), x.as_in_ctx(b), x.to_device(b), np.array(x, ctx=b), x[::-2].copyto(b)):
        assert_on(y, b)
        assert_same(y, host if y.shape == (10,) else host[::-2])
    dst = np.zeros(10, dtype="int32", ctx=b)
    x.copyto(dst)
    check(dst, host, b)
    assert_same(x, host)


def test_assignment_into_views(device):
    host = onp.zeros((4, 5), "float32")
    g = np.zeros((4, 5), ctx=device)
    src = onp.arange(20, dtype="float32").reshape(4, 5)
    s = np.array(src, ctx=device)
    for key, value in [((slice(1, 3), slice(None, None, 2)), src[:2, :3]),
                       ((slice(None, None, -1), 0), src[:, 1]),
                       ((Ellipsis, -1), 7.0),
                       ((1,), src[3])]:
        host[key] = value
        g[key] = value if onp.ndim(value) == 0 else np.array(value, ctx=device)
        check(g, host, device)
    g.T[...] = s.T
    check(g, src, device)
    g[:] = src[::-1]  # a NumPy value is uploaded
    check(g, src[::-1], device)
    g[0, :2] = [5, 6]
    host = src[::-1].copy()
    host[0, :2] = [5, 6]
    check(g, host, device)
    g.fill(3)
    check(g, onp.full((4, 5), 3, "float32"), device)


def test_casts_and_copies_stay_on_the_device(device):
    host = onp.array([[-1.5, 0.0, 2.7], [3.2, -0.2, 255.9]])
    g = np.array(host, ctx=device)
    for dt in ("float32", "int32", "int64", "bool"):
        check(g.astype(dt), host.astype(dt), device)
    check(g.T.copy(), host.T, device)
    check(g.T.astype("float32"), host.T.astype("float32"), device)
    check(np.array(host.astype("uint8"), ctx=device).astype("float64"), host.astype("uint8").astype("float64"), device)
    check(g.reshape(3, 2), host.reshape(3, 2), device)
    check(g.T.reshape(6), host.T.reshape(6), device)
    check(g.flatten(), host.flatten(), device)


# ---- conversions -------------------------------------------------------------------------------------


def test_conversions_to_python_and_numpy(device):
    g = np.array([[1.5, -2.0], [3.0, 4.25]], dtype="float64", ctx=device)
    assert isinstance(g.asnumpy(), onp.ndarray)
    onp.testing.assert_array_equal(g.asnumpy(), [[1.5, -2.0], [3.0, 4.25]])
    assert g.tolist() == [[1.5, -2.0], [3.0, 4.25]]
    assert g.T.tolist() == [[1.5, 3.0], [-2.0, 4.25]]
    s = g[1, 1]
    assert s.item() == 4.25 and float(s) == 4.25 and int(s) == 4 and bool(s) is True
    assert np.array(7, dtype="int32", ctx=device).item() == 7
    assert np.array([True], ctx=device).item() is True
    assert g.asnumpy().flags.writeable
    h = g.asnumpy()
    h[0, 0] = 100.0  # a host copy: the device array is untouched
    assert g[0, 0].item() == 1.5


def test_numpy_conversion_copies_to_the_host(device):
    """NumPy cannot view device memory: ``onp.asarray``/``onp.array`` of a device array give a
    host copy, which later writes on either side do not reach."""
    g = np.arange(4, dtype="int32", ctx=device)
    for h in (onp.asarray(g), onp.array(g)):
        assert isinstance(h, onp.ndarray) and h.dtype == onp.int32
        onp.testing.assert_array_equal(h, [0, 1, 2, 3])
    h = onp.asarray(g[::-2])
    onp.testing.assert_array_equal(h, [3, 1])
    if device.device_type == "gpu":
        h = onp.asarray(g)
        h[0] = 100
        g[1] = 50
        assert g.tolist() == [0, 50, 2, 3] and h.tolist() == [100, 1, 2, 3]


# ---- printouts -----------------------------------------------------------------------------------------


def test_printouts_name_the_device(device):
    tag = f", ctx={device}" if device.device_type == "gpu" else ""
    at = f" @{device}" if device.device_type == "gpu" else ""
    g = np.array([[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]], ctx=device)
    assert repr(g) == f"array([[0., 1., 2.],\n       [3., 4., 5.]]{tag})"
    assert str(g) == f"[[0. 1. 2.]\n [3. 4. 5.]]{at}"
    assert repr(np.array([1, 2], dtype="int32", ctx=device)) == f"array([1, 2], dtype=int32{tag})"
    assert repr(np.array([True, False], ctx=device)) == f"array([ True, False]{tag})"
    assert repr(np.zeros((0,), ctx=device)) == f"array([]{tag})"
    assert repr(np.array(3.5, ctx=device)) == f"array(3.5{tag})"
    assert str(np.array(3.5, ctx=device)) == "3.5"  # MXNet prints 0-d arrays without the device
    assert repr(g.T[::-1]) == f"array([[2., 5.],\n       [1., 4.],\n       [0., 3.]]{tag})"


@gpu_only
def test_legacy_nd_printouts(device, legacy_mode):
    a = nd.ones((2, 3), ctx=device)
    assert a.context == device
    assert str(a) == f"\n[[1. 1. 1.]\n [1. 1. 1.]]\n<NDArray 2x3 @{device}>"
    assert repr(nd.array([1, 2], ctx=device)) == f"\n[1. 2.]\n<NDArray 2 @{device}>"


def test_legacy_nd_arrays_on_the_device(device, legacy_mode):
    """MXNet 1.x ``nd`` semantics hold on the device: reductions of shape (1,), float32 0/1
    comparisons, ``asscalar``, ``as_in_context``."""
    a = nd.array([[1.0, 2.0], [3.0, 4.0]], ctx=device)
    for got, want in [(a.sum(), onp.array([10.0], "float32")), (a > 2, onp.array([[0, 0], [1, 1]], "float32")),
                      (nd.dot(a, a.T), onp.array([[5.0, 11.0], [11.0, 25.0]], "float32")),
                      (a * 2 + 1, onp.array([[3.0, 5.0], [7.0, 9.0]], "float32"))]:
        assert got.context == device
        onp.testing.assert_array_equal(got.asnumpy(), want)
    assert a.max().asscalar() == 4.0
    assert a.as_in_context(npx.cpu(0)).context == npx.cpu(0)


@gpu_only
def test_device_printouts():
    assert repr(npx.gpu(0)) == str(npx.gpu(0)) == "gpu(0)"
    assert npx.gpu(1).device_type == "gpu" and npx.gpu(1).device_id == 1
    assert npx.gpu(1) != npx.gpu(0) and npx.gpu(0) != npx.cpu(0) and npx.gpu(0) == npx.gpu()


# ---- synchronization ---------------------------------------------------------------------------------


def test_wait_to_read_and_waitall(device):
    g = np.arange(1000, dtype="int64", ctx=device)
    h = g[::-1].copy()
    h.wait_to_read()
    g.wait_to_read()
    npx.waitall()
    nd.waitall()
    assert h[0].item() == 999

"""Hardening: counts from the user that become allocations give MemoryError or ValueError (the
engine never aborts the process on a failed allocation); zero-size shapes whose other
dimensions overflow are refused; loaders read regular files only and check declared sizes
against the file before they allocate; saves clean up after a killed save and keep the
permission bits of the file they replace.

The huge requests run in a child process under an address-space limit, so that a check that
stops working aborts that child (reported with the call), not this test session or the
machine. Random calls of the whole API are fuzzed in ``test_fuzz_child.py``.
"""

import json
import os
import signal
import stat
import subprocess
import sys
import threading
import time

import numpy as onp
import pytest

from deepblocks import gluon, nd, np, npx
from deepblocks.base import MXNetError

# ---- 1. huge counts: MemoryError, not an abort ---------------------------------------------------

# Each needs terabytes (or more array objects than memory holds); the child's address space is
# 4 GiB, so every one must be refused before any filling starts.
HUGE_REQUESTS = [
    "np.split(np.zeros(0), 2**40)",
    "np.array_split(np.arange(4), 2**40)",
    "np.array_split(np.arange(4), 2**62)",
    "nd.split(nd.zeros((2, 0)), 2**40, axis=1)",
    "gluon.utils.split_data(np.arange(4), 2**40, even_split=False)",
    "np.repeat(np.arange(4), 2**40)",
    "np.arange(4).repeat(2**40)",
    "nd.repeat(nd.array([1, 2]), 2**40)",
    "np.tile(np.arange(4), 2**40)",
    "nd.tile(nd.array([1, 2]), (2**40,))",
    "np.empty(2**40)",
    "np.zeros(2**40)",
    "np.ones((2**20, 2**20))",
    "np.full(2**40, 1.0)",
    "np.full((2**40,), 0)",
    "nd.zeros((2**40,))",
    "nd.full((2**40,), 3)",
    "np.arange(0, 1, 1e-15)",
    "np.arange(0, 1e18)",
    "nd.arange(0, 2**40)",
    "nd.arange(0, 4, repeat=2**40)",
    "np.linspace(0, 1, 2**40)",
    "nd.linspace(0, 1, 2**40)",
    "np.eye(2**20)",
    "np.identity(2**20)",
    "nd.eye(2**20)",
    "npx.one_hot(np.array([1, 2]), 2**40)",
    "nd.one_hot(nd.array([1, 2]), 2**40)",
    "np.random.uniform(size=2**40)",
    "np.random.normal(size=(2**40,))",
    "np.random.randint(0, 10, size=2**40)",
    "np.random.permutation(2**40)",
    "np.random.choice(5, size=2**40)",
    "np.random.choice(2**40, 3, replace=False)",
    "np.broadcast_to(np.arange(4), (2**40, 4)).copy()",
    "np.broadcast_to(np.arange(4), (2**40, 4)) + 1",
    "np.pad(np.arange(4), 2**40)",
    "np.pad(np.ones((2, 2)), ((0, 2**40), (1, 1)), mode='edge')",
    "np.outer(np.zeros(2**20), np.zeros(2**20))",
    "np.zeros(2**20)[:, None] * np.zeros(2**20)",
    "np.zeros((4, 4))[np.zeros((2**20, 1), dtype='int64'), np.zeros((1, 2**20), dtype='int64')]",
    "np.zeros(4)[np.broadcast_to(np.array([0], dtype='int64'), (2**40,))]",
    "np.meshgrid(np.zeros(2**20), np.zeros(2**20))",
    "np.concatenate([np.broadcast_to(np.zeros(1), (2**39,))] * 2)",
    "np.stack([np.broadcast_to(np.zeros(1), (2**39,))] * 2)",
]

_CHILD = r"""
import json, resource, sys
hard = resource.getrlimit(resource.RLIMIT_AS)[1]
resource.setrlimit(resource.RLIMIT_AS, (4 << 30 if hard == resource.RLIM_INFINITY else min(4 << 30, hard), hard))
from deepblocks import gluon, nd, np, npx
results = {}
for code in json.loads(sys.stdin.read()):
    print(code, file=sys.stderr, flush=True)
    try:
        eval(code)
        results[code] = ("no error", "")
    except BaseException as e:  # a PanicException derives from BaseException
        results[code] = (type(e).__name__, str(e))
print(json.dumps(results))
"""


@pytest.fixture(scope="module")
def huge_results():
    # CPU only: a GPU context reserves more address space than the child's limit.
    p = subprocess.run([sys.executable, "-c", _CHILD], input=json.dumps(HUGE_REQUESTS), capture_output=True,
                       text=True, timeout=300, env=dict(os.environ, CUDA_VISIBLE_DEVICES=""))
    if p.returncode != 0:
        last = p.stderr.strip().splitlines()[-1:] or ["(nothing)"]
        pytest.fail(f"the child died (status {p.returncode}) at: {last[0]}\n{p.stderr[-3000:]}")
    return json.loads(p.stdout)


@pytest.mark.parametrize("code", HUGE_REQUESTS)
def test_huge_requests_raise_memory_error(huge_results, code):
    name, message = huge_results[code]
    assert name == "MemoryError", f"{code}: {name}: {message}"
    assert "cannot allocate" in message


def test_memory_errors_name_the_request():
    # 2**50 float32 elements: 4 PiB, more than any machine, without any limit set.
    with pytest.raises(MemoryError, match=r"cannot allocate 1125899906842624 elements of 4 bytes each \(4194304\.0 GiB\)"):
        np.zeros(2**50)
    with pytest.raises(MemoryError, match=r"cannot allocate 1099511627776 array parts"):
        np.array_split(np.arange(3), 2**40)


def test_ordinary_requests_still_work():
    assert [p.shape for p in np.array_split(np.arange(7), 3)] == [(3,), (2,), (2,)]
    assert [p.shape for p in np.split(np.zeros(0), 5)] == [(0,)] * 5
    assert [p.shape for p in gluon.utils.split_data(np.arange(7), 4, even_split=False)] == [(2,), (2,), (2,), (1,)]
    assert [p.shape for p in gluon.utils.split_data(np.arange(2), 3, even_split=False)] == [(1,), (1,), (0,)]
    assert np.repeat(np.zeros((0, 3)), 2**40, axis=0).shape == (0, 3)
    assert np.tile(np.zeros(0), 2**40).shape == (0,)
    assert np.matmul(np.zeros((2**40, 0, 3)), np.zeros((3, 0))).shape == (2**40, 0, 0)
    assert np.zeros((2**40, 0)).sum(axis=0).shape == (0,)
    big = np.broadcast_to(np.arange(4.0), (2**40, 4))  # a view: no memory
    assert big.shape == (2**40, 4) and float(big[2**40 - 1, 3]) == 3.0


# ---- 2. zero-size shapes whose other dimensions overflow ---------------------------------------------


@pytest.mark.parametrize("make", [
    lambda: np.zeros((0, 2**62, 2**62)),
    lambda: np.empty((2**62, 2**62, 0)),
    lambda: np.ones((2**40, 0, 2**40), dtype="int32"),
    lambda: np.full((0, 2**63 - 1, 2), 1.0),
    lambda: nd.zeros((0, 2**62, 2**62)),
    lambda: np.random.uniform(size=(0, 2**62, 2**62)),
    lambda: np.zeros(0).reshape(2**62, 0, 2**62),
    lambda: np.broadcast_to(np.zeros((0, 1, 1)), (0, 2**62, 2**62)),
    lambda: np.broadcast_to(np.arange(4), (2**62, 4)),
])
def test_zero_size_shapes_whose_other_dimensions_overflow_are_refused(make):
    with pytest.raises(ValueError, match="too big"):
        make()


def test_zero_size_shapes_within_bounds_are_fine():
    a = np.zeros((0, 2**40, 2**10))
    assert a.shape == (0, 2**40, 2**10) and a.size == 0
    assert np.zeros((0, 2**59)).shape == (0, 2**59)
    assert onp.array_equal(np.zeros((3, 0)).asnumpy(), onp.zeros((3, 0), dtype="float32"))


# ---- 3. loaders: regular files only, declared sizes checked first ---------------------------------


def _net_and_trainer():
    net = gluon.nn.Dense(2, in_units=3)
    net.initialize()
    return net, gluon.Trainer(net.collect_params(), "sgd")


def _loaders():
    net, trainer = _net_and_trainer()
    return {
        "npx.load": npx.load,
        "nd.load": nd.load,
        "load_parameters": net.load_parameters,
        "collect_params().load": net.collect_params().load,
        "Trainer.load_states": trainer.load_states,
    }


LOADERS = list(_loaders())


def _call_with_deadline(fn, arg, seconds=20):
    """``fn(arg)``'s exception, failing the test if it has not returned within ``seconds``
    (a loader that opened a FIFO would wait for a writer forever)."""
    out = {}

    def target():
        try:
            fn(arg)
            out["error"] = None
        except BaseException as e:
            out["error"] = e

    t = threading.Thread(target=target, daemon=True)
    t.start()
    t.join(seconds)
    if t.is_alive():
        # Release the blocked open so the thread can end, then fail.
        if os.path.exists(arg) and stat.S_ISFIFO(os.stat(arg).st_mode):
            fd = os.open(arg, os.O_WRONLY | os.O_NONBLOCK)
            os.close(fd)
        pytest.fail(f"{fn} blocked on {arg}")
    return out["error"]


@pytest.mark.parametrize("loader", LOADERS)
def test_loaders_refuse_a_fifo_without_blocking(tmp_path, loader):
    fifo = tmp_path / "pipe.params"
    os.mkfifo(fifo)
    err = _call_with_deadline(_loaders()[loader], str(fifo))
    assert isinstance(err, MXNetError), repr(err)
    assert "FIFO" in str(err) and str(fifo) in str(err)


@pytest.mark.parametrize("loader", LOADERS)
@pytest.mark.parametrize("target, kind", [("dir", "a directory"), ("/dev/zero", "a character device"),
                                          ("/dev/null", "a character device")])
def test_loaders_refuse_directories_and_devices(tmp_path, loader, target, kind):
    path = str(tmp_path) if target == "dir" else target
    if not os.path.exists(path):
        pytest.skip(f"{path} does not exist here")
    err = _call_with_deadline(_loaders()[loader], path)
    assert isinstance(err, MXNetError), repr(err)
    assert kind in str(err) and path in str(err) and "not a regular file" in str(err)


def test_dataset_files_are_read_only_when_regular(tmp_path):
    from deepblocks.gluon.data.download import check_sha1
    from deepblocks.gluon.data.vision import MNIST

    # The images file is looked up first; a FIFO in its place is never handed to a download.
    fifo = tmp_path / "train-images-idx3-ubyte.gz"
    os.mkfifo(fifo)
    # A FIFO in the dataset folder is no dataset file: its SHA-1 is checked before any
    # download, and that check refuses it rather than waiting for a writer.
    for call, arg in ((lambda root: MNIST(root=root), str(tmp_path)), (lambda p: check_sha1(p, "0" * 40), str(fifo))):
        err = _call_with_deadline(call, arg)
        assert isinstance(err, MXNetError), repr(err)
        assert "FIFO" in str(err) and str(fifo) in str(err)
    err = _call_with_deadline(lambda p: check_sha1(p, "0" * 40), "/dev/zero")
    assert isinstance(err, MXNetError) and "character device" in str(err)


def test_a_symlink_to_a_regular_file_loads(tmp_path):
    npx.save(tmp_path / "real", [np.arange(3)])
    os.symlink(tmp_path / "real", tmp_path / "link")
    (a,) = npx.load(tmp_path / "link")
    assert onp.array_equal(a.asnumpy(), [0, 1, 2])


def _safetensors_header(shape, nbytes):
    header = json.dumps({"w": {"dtype": "F32", "shape": shape, "data_offsets": [0, nbytes]}}).encode()
    return len(header).to_bytes(8, "little") + header


def test_a_tiny_file_declaring_a_terabyte_tensor_is_refused(tmp_path):
    f = tmp_path / "tiny"
    f.write_bytes(_safetensors_header([2**38], 2**40) + b"\0" * 16)
    for load in (npx.load, nd.load):
        with pytest.raises(MXNetError, match=r"declares 1099511627\d+ bytes, but the file has \d+"):
            load(f)
    # A header length beyond the file.
    f.write_bytes((2**40).to_bytes(8, "little") + b"{}")
    with pytest.raises(MXNetError, match="header length 1099511627776 is more than the 2 bytes after it"):
        npx.load(f)
    f.write_bytes(b"\1\0")
    with pytest.raises(MXNetError, match="fewer than the 8"):
        npx.load(f)


def test_a_tiny_mxnet_file_declaring_a_huge_array_is_refused(tmp_path):
    f = tmp_path / "tiny.params"
    words = (0x112).to_bytes(8, "little") + (0).to_bytes(8, "little") + (1).to_bytes(8, "little")
    record = (0xF993FAC9).to_bytes(4, "little") + (0).to_bytes(4, "little") + (1).to_bytes(4, "little")
    record += (2**40).to_bytes(8, "little") + (1).to_bytes(4, "little") + (0).to_bytes(4, "little") * 2
    f.write_bytes(words + record + b"\0" * 8)
    with pytest.raises(MXNetError, match="the file ends inside the elements"):
        npx.load(f)


def _big_sparse(path, length):
    with open(path, "r+b" if os.path.exists(path) else "wb") as f:
        try:
            f.truncate(length)
        except OSError:
            pytest.skip("this file system does not take a 1 TiB sparse file")


@pytest.mark.skipif(os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") > 2**39, reason="a machine with > 512 GiB")
def test_a_sparse_terabyte_file_is_a_memory_error_not_a_read(tmp_path):
    # The header is consistent with the file's length, so only the memory check stops it.
    f = tmp_path / "sparse"
    head = _safetensors_header([2**38], 2**40)
    f.write_bytes(head)
    _big_sparse(f, len(head) + 2**40)
    t = time.perf_counter()
    with pytest.raises(MemoryError):
        npx.load(f)
    m = tmp_path / "sparse.params"
    m.write_bytes((0x112).to_bytes(8, "little") + b"\0" * 8)
    _big_sparse(m, 2**40)
    with pytest.raises(MemoryError):
        npx.load(m)
    assert time.perf_counter() - t < 10


# ---- 4. saving: stale temporaries, permission bits -----------------------------------------------------


def _temps(d):
    return sorted(n for n in os.listdir(d) if n.endswith(".tmp"))


_SAVER = r"""
import sys
from deepblocks import np, npx
x = np.ones((64, 1024, 1024), dtype='uint8')
while True:
    npx.save(sys.argv[1], x)
"""


def _kill_mid_save(target):
    """Runs a process that saves to ``target`` over and over and kills it (SIGKILL) while a
    temporary file of its is on disk: that process's pid and the temporary's name. (A kill
    that lands just after a rename leaves nothing; then it tries again.)"""
    folder = os.path.dirname(target)
    for _ in range(5):
        saver = subprocess.Popen([sys.executable, "-c", _SAVER, str(target)])
        try:
            deadline = time.monotonic() + 60
            while not _temps(folder):
                assert time.monotonic() < deadline, "the saver never wrote a temporary file"
                assert saver.poll() is None, "the saver exited"
                time.sleep(0.001)
            saver.send_signal(signal.SIGKILL)
        finally:
            saver.kill()
            saver.wait()
        left = _temps(folder)
        if left:
            return saver.pid, left
    pytest.fail("no kill landed while the saver's temporary file existed")


def test_the_temporary_of_a_killed_save_goes_with_the_next_save(tmp_path):
    target = tmp_path / "model.params"
    pid, (left,) = _kill_mid_save(target)
    assert left.startswith(f".model.params.deepblocks-{pid}-")
    # Another target's save leaves it alone; the next save to this target removes it.
    npx.save(tmp_path / "other", [np.ones(1)])
    assert _temps(tmp_path) == [left]
    npx.save(target, [np.arange(3)])
    assert _temps(tmp_path) == []
    assert onp.array_equal(npx.load(target)[0].asnumpy(), [0, 1, 2])


def test_a_live_writers_temporary_is_kept(tmp_path):
    target = tmp_path / "w.params"
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        live = tmp_path / f".w.params.deepblocks-{sleeper.pid}-abc123.tmp"
        live.write_bytes(b"partial")
        npx.save(target, [np.ones(2)])
        assert _temps(tmp_path) == [live.name]
    finally:
        sleeper.kill()
        sleeper.wait()
    npx.save(target, [np.ones(2)])
    assert _temps(tmp_path) == []


@pytest.mark.parametrize("save", [
    lambda p: npx.save(p, [np.ones(2)]),
    lambda p: nd.save(p, [nd.ones(2)]),
    lambda p: _net_and_trainer()[0].save_parameters(str(p)),
    lambda p: _net_and_trainer()[1].save_states(str(p)),
])
def test_saving_over_a_file_keeps_its_permission_bits(tmp_path, save):
    f = tmp_path / "x.params"
    for mode in (0o640, 0o600, 0o604):
        f.write_bytes(b"old")
        os.chmod(f, mode)
        save(f)
        assert stat.S_IMODE(os.stat(f).st_mode) == mode
        assert f.read_bytes() != b"old"


def test_a_new_file_gets_the_umask_default(tmp_path):
    old = os.umask(0o027)
    try:
        npx.save(tmp_path / "new", [np.ones(2)])
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(tmp_path / "new").st_mode) == 0o640

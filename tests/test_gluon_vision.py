"""gluon.data.vision: MNIST / FashionMNIST read from idx files made here (gzipped or not),
the UCI digits shipped with the package (file, split, license), bad files, downloads from a loopback HTTP server (SHA-1 checks, atomic files, MXNET_GLUON_REPO),
and the transforms against NumPy references (bilinear Resize with OpenCV's half-pixel centres)."""

import doctest
import functools
import gzip
import hashlib
import http.server
import importlib
import os
import struct
import subprocess
import sys
import threading

import numpy as onp
import pytest

from deepblocks import nd, np, util
from deepblocks import gluon
from deepblocks.base import MXNetError, NotSupportedError
from deepblocks.gluon.data import DataLoader
from deepblocks.gluon.data import download as dl
from deepblocks.gluon.data.vision import MNIST, Digits, FashionMNIST, transforms

FILES = {
    True: ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
    False: ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),
}




# ---- idx fixtures --------------------------------------------------------------------------------


def idx_bytes(array, magic):
    return struct.pack(f">{1 + array.ndim}I", magic, *array.shape) + array.astype(onp.uint8).tobytes()


def sample_data(n=7, seed=0, size=28):
    rng = onp.random.default_rng(seed)
    return (rng.integers(0, 256, (n, size, size), dtype=onp.uint8),
            rng.integers(0, 10, n, dtype=onp.uint8))


def write_split(root, train=True, n=7, seed=0, gz=True, keep_suffix=True):
    """Writes the image and label idx files of one split; returns (images, labels, paths)."""
    images, labels = sample_data(n, seed)
    paths = []
    for name, payload in zip(FILES[train], (idx_bytes(images, 2051), idx_bytes(labels, 2049))):
        if gz:
            payload = gzip.compress(payload)
        path = root / (name if keep_suffix else name[:-3])
        path.write_bytes(payload)
        paths.append(path)
    return images, labels, paths


# ---- reading -------------------------------------------------------------------------------------


@pytest.mark.parametrize("gz, keep_suffix", [(True, True), (False, False), (False, True)])
def test_mnist_reads_idx_files(np_mode, tmp_path, gz, keep_suffix):
    images, labels, _ = write_split(tmp_path, gz=gz, keep_suffix=keep_suffix)
    ds = MNIST(root=str(tmp_path), train=True)
    assert len(ds) == 7
    for i in range(7):
        image, label = ds[i]
        assert type(image) is np.ndarray  # numpy mode (type(x) is nd.NDArray holds for both kinds, as in MXNet)
        assert image.shape == (28, 28, 1) and image.dtype == onp.uint8
        onp.testing.assert_array_equal(image.asnumpy()[:, :, 0], images[i])
        assert type(label) is onp.int32 and label == labels[i]
    assert [int(lbl) for _, lbl in ds] == labels.tolist()


def test_fashion_mnist_test_split_in_legacy_mode(legacy_mode, tmp_path):
    write_split(tmp_path, train=True, n=3, seed=1)
    images, labels, _ = write_split(tmp_path, train=False, n=5, seed=2)
    ds = FashionMNIST(root=tmp_path, train=False)
    assert len(ds) == 5
    image, label = ds[4]
    assert type(image) is nd.NDArray and image.shape == (28, 28, 1)
    assert image.dtype == onp.uint8
    onp.testing.assert_array_equal(image.asnumpy()[:, :, 0], images[4])
    assert type(label) is onp.int32 and label == labels[4]
    assert len(FashionMNIST(root=tmp_path, train=True)) == 3


def test_root_expands_the_user_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / "mnist").mkdir()
    write_split(tmp_path / "mnist", n=2)
    assert len(MNIST(root="~/mnist")) == 2


def test_default_roots_follow_mxnet(monkeypatch):
    import inspect

    home = os.getenv("MXNET_HOME", os.path.join(os.path.expanduser("~"), ".mxnet"))
    assert inspect.signature(MNIST).parameters["root"].default == os.path.join(home, "datasets", "mnist")
    assert (inspect.signature(FashionMNIST).parameters["root"].default
            == os.path.join(home, "datasets", "fashion-mnist"))


def test_dataset_transform_gets_data_and_label(np_mode, tmp_path):
    images, labels, _ = write_split(tmp_path, n=3)
    ds = MNIST(root=tmp_path, transform=lambda data, label: (data.astype("float32") / 255, label + 1))
    x, y = ds[1]
    assert x.dtype == onp.float32
    onp.testing.assert_allclose(x.asnumpy()[:, :, 0], images[1] / onp.float32(255), rtol=1e-6)
    assert y == labels[1] + 1


def test_lazy_and_eager_transforms(np_mode, tmp_path):
    images, labels, _ = write_split(tmp_path, n=4)
    ds = FashionMNIST(root=tmp_path)
    for lazy in (True, False):
        t = ds.transform_first(transforms.ToTensor(), lazy=lazy)
        x, y = t[2]
        assert x.shape == (1, 28, 28) and x.dtype == onp.float32
        onp.testing.assert_allclose(x.asnumpy()[0], images[2] / onp.float32(255), rtol=1e-6)
        assert y == labels[2]
    both = ds.transform(lambda x, y: (x.shape, int(y) * 2))
    assert both[3] == ((28, 28, 1), int(labels[3]) * 2)


# ---- bad files -----------------------------------------------------------------------------------


def _expect_bad(root, path, match="not a valid idx file"):
    with pytest.raises(MXNetError, match=match) as info:
        MNIST(root=root)
    assert str(path) in str(info.value)


@pytest.mark.parametrize("gz", [True, False])
def test_truncated_files_name_the_file(tmp_path, gz):
    _, _, (image_file, label_file) = write_split(tmp_path, n=3, gz=gz)
    raw = idx_bytes(*[sample_data(3)[0]], 2051)
    for cut in (0, 3, 10, 16, 17, len(raw) // 2, len(raw) - 1):
        part = raw[:cut]
        image_file.write_bytes(gzip.compress(part) if gz else part)
        _expect_bad(tmp_path, image_file)
    extra = raw + b"\x00"
    image_file.write_bytes(gzip.compress(extra) if gz else extra)
    _expect_bad(tmp_path, image_file, "holds more")


def test_wrong_magic_and_mismatched_counts(tmp_path):
    images, labels, (image_file, label_file) = write_split(tmp_path, n=3, gz=False)
    label_file.write_bytes(idx_bytes(images, 2051))  # an image file where labels belong
    _expect_bad(tmp_path, label_file, "magic number 2051, expected 2049")
    label_file.write_bytes(idx_bytes(labels[:2], 2049))
    with pytest.raises(MXNetError, match="3 images but .* 2 labels"):
        MNIST(root=tmp_path)


def test_corrupted_gzip_streams(tmp_path):
    _, _, (image_file, _) = write_split(tmp_path, n=3)
    good = image_file.read_bytes()
    image_file.write_bytes(good[: len(good) // 2])  # ends inside the compressed stream
    _expect_bad(tmp_path, image_file)
    image_file.write_bytes(good[:10] + bytes(b ^ 0xFF for b in good[10:40]) + good[40:])
    _expect_bad(tmp_path, image_file)
    image_file.write_bytes(good[:-8] + b"\0" * 8)  # bad CRC and length
    _expect_bad(tmp_path, image_file)


def test_huge_header_sizes_do_not_allocate(tmp_path):
    _, _, (image_file, _) = write_split(tmp_path, n=3, gz=False)
    image_file.write_bytes(struct.pack(">4I", 2051, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF) + b"\0" * 64)
    _expect_bad(tmp_path, image_file, "only 64")


# ---- downloads -----------------------------------------------------------------------------------


class _Handler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        self.server.requests.append(self.path)
        super().do_GET()


@pytest.fixture
def repo(tmp_path, monkeypatch):
    """A loopback HTTP server over tmp_path/'repo', named by MXNET_GLUON_REPO (no slash, as a
    user might write it)."""
    folder = tmp_path / "repo"
    folder.mkdir()
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Handler, directory=str(folder)))
    server.requests = []
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    monkeypatch.setenv("MXNET_GLUON_REPO", f"http://127.0.0.1:{server.server_address[1]}")
    try:
        yield folder, server.requests
    finally:
        server.shutdown()
        server.server_close()


def _publish(folder, namespace, train=True, n=6, seed=3):
    """Puts a split's gzipped idx files in the repo; returns images, labels and their sha1s."""
    ns = folder / "gluon" / "dataset" / namespace
    ns.mkdir(parents=True, exist_ok=True)
    images, labels, paths = write_split(ns, train=train, n=n, seed=seed)
    return images, labels, {p.name: hashlib.sha1(p.read_bytes()).hexdigest() for p in paths}


def test_repo_urls(monkeypatch):
    monkeypatch.delenv("MXNET_GLUON_REPO", raising=False)
    assert (dl.repo_file_url("gluon/dataset/mnist", "t10k-images-idx3-ubyte.gz")
            == "https://apache-mxnet.s3-accelerate.dualstack.amazonaws.com/gluon/dataset/mnist/"
               "t10k-images-idx3-ubyte.gz")
    monkeypatch.setenv("MXNET_GLUON_REPO", "http://mirror/x")
    assert dl.repo_file_url("gluon/dataset/fashion-mnist", "a.gz") == "http://mirror/x/gluon/dataset/fashion-mnist/a.gz"
    assert MNIST._sha1["train-images-idx3-ubyte.gz"] == "6c95f4b05d2bf285e1bfb0e7960c31bd3b3f8a7d"
    assert FashionMNIST._sha1["t10k-labels-idx1-ubyte.gz"] == "17f9ab60e7257a1620f4ad76bbbaf857c3920701"


def test_missing_files_are_downloaded_and_verified(np_mode, repo, tmp_path, monkeypatch, capsys):
    folder, requests = repo
    images, labels, sha1 = _publish(folder, "fashion-mnist")
    monkeypatch.setattr(FashionMNIST, "_sha1", sha1)
    root = tmp_path / "cache" / "fashion-mnist"
    ds = FashionMNIST(root=str(root))
    assert sorted(requests) == sorted(f"/gluon/dataset/fashion-mnist/{n}" for n in FILES[True])
    assert sorted(os.listdir(root)) == sorted(FILES[True])  # no temporary files left
    assert "Downloading" in capsys.readouterr().out
    onp.testing.assert_array_equal(ds[5][0].asnumpy()[:, :, 0], images[5])
    assert ds[5][1] == labels[5]
    FashionMNIST(root=str(root))  # present now: nothing more is fetched
    assert len(requests) == 2


def test_sha1_mismatch_raises_and_leaves_no_file(repo, tmp_path, monkeypatch):
    folder, requests = repo
    _, _, sha1 = _publish(folder, "mnist")
    sha1["train-images-idx3-ubyte.gz"] = "0" * 40
    monkeypatch.setattr(MNIST, "_sha1", sha1)
    root = tmp_path / "mnist"
    with pytest.raises(MXNetError, match="SHA-1"):
        MNIST(root=root)
    assert os.listdir(root) == []
    assert len(requests) == 5  # retried, as in MXNet


def test_missing_remote_file_is_not_retried(repo, tmp_path):
    _, requests = repo
    with pytest.raises(MXNetError, match="404"):
        MNIST(root=tmp_path / "m", train=False)
    assert len(requests) == 1
    assert os.listdir(tmp_path / "m") == []


def test_download_keeps_good_files_and_replaces_bad_ones(repo, tmp_path):
    folder, requests = repo
    (folder / "f.bin").write_bytes(b"new contents")
    url = os.environ["MXNET_GLUON_REPO"] + "/f.bin"
    good = hashlib.sha1(b"new contents").hexdigest()
    target = tmp_path / "f.bin"
    assert dl.download(url, path=str(tmp_path), sha1_hash=good) == str(target)
    assert target.read_bytes() == b"new contents" and len(requests) == 1
    dl.download(url, path=str(tmp_path), sha1_hash=good)
    assert len(requests) == 1
    target.write_bytes(b"stale")
    dl.download(url, path=str(target), sha1_hash=good)
    assert target.read_bytes() == b"new contents" and len(requests) == 2
    dl.download(url, path=str(target), overwrite=True)
    assert len(requests) == 3
    assert dl.check_sha1(str(target), good.upper())


def test_file_urls_work_offline(tmp_path):
    src = tmp_path / "src.bin"
    src.write_bytes(b"abc")
    out = dl.download(src.as_uri(), path=str(tmp_path / "dst.bin"))
    assert open(out, "rb").read() == b"abc"


# ---- the d2l pipeline ----------------------------------------------------------------------------


@pytest.mark.parametrize("num_workers", [0, 2])
def test_dataloader_over_transformed_fashion_mnist(np_mode, tmp_path, num_workers):
    images, labels, _ = write_split(tmp_path, n=10, seed=5)
    trans = transforms.Compose([transforms.Resize(32), transforms.ToTensor()])
    ds = FashionMNIST(root=tmp_path).transform_first(trans)
    batches = list(DataLoader(ds, 4, shuffle=False, num_workers=num_workers))
    assert [b[0].shape for b in batches] == [(4, 1, 32, 32), (4, 1, 32, 32), (2, 1, 32, 32)]
    X, y = batches[0]
    assert isinstance(X, np.ndarray) and X.dtype == onp.float32
    assert isinstance(y, np.ndarray) and y.dtype == onp.int32
    onp.testing.assert_array_equal(onp.concatenate([b[1].asnumpy() for b in batches]), labels)
    expect = onp.rint(reference_resize(images[1][:, :, None].astype(onp.float64), 32, 32))
    onp.testing.assert_allclose(X.asnumpy()[1, 0], expect[:, :, 0] / 255, rtol=1e-6)


def test_dataloader_in_legacy_mode(legacy_mode, tmp_path):
    write_split(tmp_path, n=5)
    ds = MNIST(root=tmp_path).transform_first(transforms.ToTensor())
    X, y = next(iter(DataLoader(ds, 5)))
    assert type(X) is nd.NDArray and X.shape == (5, 1, 28, 28)
    assert type(y) is nd.NDArray and y.dtype == onp.int32


# ---- the UCI digits shipped with the package ------------------------------------------------------

DIGITS_DIR = os.path.dirname(importlib.import_module("deepblocks.gluon.data.vision.datasets").__file__)


def test_digits_file_is_the_unmodified_scikit_learn_copy():
    with open(os.path.join(DIGITS_DIR, "digits.csv.gz"), "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    with open(os.path.join(DIGITS_DIR, "DIGITS_LICENSE.txt")) as f:
        license_text = f.read()
    assert digest in license_text  # the license file names the exact file it covers
    assert "CC BY 4.0" in license_text and "Alpaydin" in license_text and "10.24432/C50P49" in license_text


def test_digits_split_is_fixed_balanced_and_complete(np_mode):
    full, train, test = Digits(train=None), Digits(train=True), Digits(train=False)
    assert (len(full), len(train), len(test)) == (1797, 1442, 355)
    labels = onp.array([int(full[i][1]) for i in range(len(full))])
    assert onp.bincount(labels).tolist() == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]
    test_labels = onp.array([int(test[i][1]) for i in range(len(test))])
    # every fifth image of each digit: each class is a fifth of the test set, rounded down
    assert onp.bincount(test_labels).tolist() == [n // 5 for n in onp.bincount(labels)]
    # the two parts are the whole set, without overlap, in file order
    images = full._data.asnumpy().reshape(len(full), -1)
    parts = onp.concatenate([train._data.asnumpy(), test._data.asnumpy()]).reshape(len(full), -1)
    assert sorted(map(bytes, images)) == sorted(map(bytes, parts))
    rank = onp.array([(labels[:i] == labels[i]).sum() for i in range(len(labels))])
    onp.testing.assert_array_equal(test._data.asnumpy().reshape(len(test), -1), images[rank % 5 == 4])


def test_digits_samples_follow_mnist_format(np_mode):
    image, label = Digits()[3]
    assert isinstance(image, np.ndarray) and image.shape == (8, 8, 1) and image.dtype == onp.uint8
    assert isinstance(label, onp.int32)
    pixels = Digits(train=None)._data.asnumpy()
    assert pixels.min() == 0 and pixels.max() == 16


def test_digits_in_legacy_mode_with_transform_and_loader(legacy_mode):
    ds = Digits(train=False, transform=lambda x, y: (x.astype("float32") / 16, y + 1))
    image, label = ds[0]
    plain_image, plain_label = Digits(train=False)[0]
    assert type(image) is nd.NDArray and image.dtype == onp.float32
    onp.testing.assert_array_equal(image.asnumpy() * 16, plain_image.asnumpy())
    assert int(label) == int(plain_label) + 1
    X, y = next(iter(DataLoader(Digits(train=False).transform_first(transforms.ToTensor()), 7)))
    assert type(X) is nd.NDArray and X.shape == (7, 1, 8, 8) and X.dtype == onp.float32


def test_digits_train_must_be_a_bool_or_none():
    with pytest.raises(ValueError, match="True, False or None"):
        Digits(train="test")


# ---- transforms ----------------------------------------------------------------------------------


def reference_resize(image, out_h, out_w):
    """Bilinear resize of an (H, W, C) float image, pixel by pixel: output pixel (i, j) samples
    the input at ((i + .5) * H / out_h - .5, (j + .5) * W / out_w - .5), clamped to the image
    (OpenCV's INTER_LINEAR, which MXNet's image.resize calls)."""
    h, w, _ = image.shape
    out = onp.zeros((out_h, out_w, image.shape[2]))
    for i in range(out_h):
        y = min(max((i + 0.5) * h / out_h - 0.5, 0.0), h - 1)
        y0 = int(onp.floor(y))
        y1, fy = min(y0 + 1, h - 1), y - y0
        for j in range(out_w):
            x = min(max((j + 0.5) * w / out_w - 0.5, 0.0), w - 1)
            x0 = int(onp.floor(x))
            x1, fx = min(x0 + 1, w - 1), x - x0
            out[i, j] = ((1 - fy) * ((1 - fx) * image[y0, x0] + fx * image[y0, x1])
                         + fy * ((1 - fx) * image[y1, x0] + fx * image[y1, x1]))
    return out


def rand_image(shape, dtype="uint8", seed=0):
    rng = onp.random.default_rng(seed)
    if dtype == "uint8":
        return rng.integers(0, 256, shape, dtype=onp.uint8)
    return rng.uniform(0, 255, shape).astype(dtype)


@pytest.mark.parametrize("h, w, size, out_hw", [
    (28, 28, 32, (32, 32)),
    (28, 28, 13, (13, 13)),
    (5, 7, (11, 3), (3, 11)),      # size is (width, height)
    (6, 4, (4, 6), (6, 4)),        # the same size: unchanged
    (1, 2, (4, 1), (1, 4)),
])
@pytest.mark.parametrize("dtype", ["uint8", "float32", "float64"])
def test_resize_matches_the_reference(np_mode, h, w, size, out_hw, dtype):
    host = rand_image((h, w, 3), dtype)
    out = transforms.Resize(size)(np.array(host, dtype=dtype))
    assert out.shape == out_hw + (3,) and out.dtype == onp.dtype(dtype)
    ref = reference_resize(host.astype(onp.float64), *out_hw)
    if dtype == "uint8":
        # Rounded to nearest: within half a level of the exact value.
        assert onp.abs(out.asnumpy() - ref).max() <= 0.5 + 1e-9
    else:
        onp.testing.assert_allclose(out.asnumpy(), ref, rtol=1e-5, atol=1e-3)
    if out_hw == (h, w):
        onp.testing.assert_array_equal(out.asnumpy(), host)


def test_resize_known_values():
    # OpenCV's cv2.resize(np.uint8([[0, 255]]), (4, 1)) with INTER_LINEAR.
    out = transforms.Resize((4, 1))(np.array(onp.array([[[0], [255]]], dtype=onp.uint8), dtype="uint8"))
    assert out.asnumpy().ravel().tolist() == [0, 64, 191, 255]
    near = transforms.Resize((4, 1), interpolation=0)(np.array([[[0.0], [1.0]]]))
    assert near.asnumpy().ravel().tolist() == [0, 0, 1, 1]
    down = transforms.Resize((3, 1), interpolation=0)(np.array([[[0.0], [1.0], [2.0], [3.0], [4.0], [5.0]]]))
    assert down.asnumpy().ravel().tolist() == [0, 2, 4]  # floor(i * 6 / 3)


def test_resize_batches_keep_ratio_and_modes(legacy_mode):
    batch = rand_image((3, 10, 20, 2))
    out = transforms.Resize((8, 5))(nd.array(batch, dtype="uint8"))
    assert type(out) is nd.NDArray and out.shape == (3, 5, 8, 2) and out.dtype == onp.uint8
    for k in range(3):
        assert onp.abs(out.asnumpy()[k] - reference_resize(batch[k].astype(float), 5, 8)).max() <= 0.5
    # keep_ratio: the short side becomes `size`, the other is scaled and rounded down.
    assert transforms.Resize(7, keep_ratio=True)(nd.array(batch[0])).shape == (7, 14, 2)
    assert transforms.Resize(7, keep_ratio=True)(nd.array(rand_image((20, 9, 1)))).shape == (15, 7, 1)
    assert transforms.Resize(7)(nd.array(batch[0])).shape == (7, 7, 2)
    assert transforms.Resize([6])(nd.array(batch[0])).shape == (6, 6, 2)
    assert isinstance(transforms.Resize(4)(batch[0]), nd.NDArray)  # NumPy input: the mode's kind


def test_resize_bad_arguments():
    x = np.zeros((4, 4, 1))
    with pytest.raises(ValueError, match=r"\(H, W, C\)"):
        transforms.Resize(2)(np.zeros((4, 4)))
    with pytest.raises(ValueError, match="positive"):
        transforms.Resize(0)(x)
    with pytest.raises(ValueError, match="width, height"):
        transforms.Resize((1, 2, 3))(x)
    with pytest.raises(NotSupportedError, match="interpolation=2"):
        transforms.Resize(2, interpolation=2)


@pytest.mark.parametrize("shape", [(4, 5, 3), (2, 4, 5, 1)])
@pytest.mark.parametrize("dtype", ["uint8", "float32"])
def test_to_tensor(np_mode, shape, dtype):
    host = rand_image(shape, dtype)
    out = transforms.ToTensor()(np.array(host, dtype=dtype))
    axes = (2, 0, 1) if len(shape) == 3 else (0, 3, 1, 2)
    expect = host.astype(onp.float32).transpose(axes) / onp.float32(255)
    assert out.dtype == onp.float32 and out.shape == expect.shape
    onp.testing.assert_array_equal(out.asnumpy(), expect)


def test_to_tensor_legacy_and_bad_shapes(legacy_mode):
    out = transforms.ToTensor()(nd.array(rand_image((2, 3, 1)), dtype="uint8"))
    assert type(out) is nd.NDArray and out.shape == (1, 2, 3)
    with pytest.raises(ValueError, match=r"got \(2, 3\)"):
        transforms.ToTensor()(nd.zeros((2, 3)))


@pytest.mark.parametrize("mean, std", [(0.5, 0.25), ((0.1, 0.2, 0.3), (1.0, 2.0, 4.0)), ([0.5], [2.0])])
@pytest.mark.parametrize("shape", [(3, 4, 5), (2, 3, 4, 5)])
def test_normalize(np_mode, mean, std, shape):
    host = onp.random.default_rng(1).uniform(size=shape).astype(onp.float32)
    out = transforms.Normalize(mean, std)(np.array(host))
    m = onp.broadcast_to(onp.asarray(mean, onp.float32).reshape(-1, 1, 1), (3, 1, 1))
    s = onp.broadcast_to(onp.asarray(std, onp.float32).reshape(-1, 1, 1), (3, 1, 1))
    assert out.dtype == onp.float32 and out.shape == shape
    onp.testing.assert_allclose(out.asnumpy(), (host - m) / s, rtol=1e-6)


def test_normalize_defaults_and_errors(legacy_mode):
    x = nd.array(onp.ones((1, 2, 2)))
    out = transforms.Normalize()(x)
    assert type(out) is nd.NDArray and (out.asnumpy() == 1).all()
    with pytest.raises(ValueError, match="1 or 1 values .* got 3"):
        transforms.Normalize((0, 0, 0))(x)
    with pytest.raises(TypeError, match="ToTensor"):
        transforms.Normalize()(nd.array(onp.ones((1, 2, 2)), dtype="uint8"))
    with pytest.raises(ValueError, match=r"\(C, H, W\)"):
        transforms.Normalize()(nd.ones((2, 2)))


def test_normalize_is_differentiable(np_mode):
    from deepblocks import autograd

    x = np.array(onp.ones((2, 2, 2), dtype=onp.float32))
    x.attach_grad()
    with autograd.record():
        y = transforms.Normalize(0.5, (2.0, 4.0))(x).sum()
    y.backward()
    onp.testing.assert_allclose(x.grad.asnumpy(), onp.array([0.5, 0.25])[:, None, None] * onp.ones((2, 2, 2)))


def test_cast_and_flips(np_mode):
    host = rand_image((3, 4, 2))
    x = np.array(host, dtype="uint8")
    assert transforms.Cast()(x).dtype == onp.float32
    assert transforms.Cast("int32")(x).dtype == onp.int32
    np.random.seed(7)
    seen = set()
    for _ in range(40):
        out = transforms.RandomFlipLeftRight()(x).asnumpy()
        flipped = (out == host[:, ::-1]).all()
        assert flipped or (out == host).all()
        seen.add(bool(flipped))
        out = transforms.RandomFlipTopBottom()(x).asnumpy()
        assert (out == host[::-1]).all() or (out == host).all()
    assert seen == {True, False}


def test_center_crop(np_mode):
    host = rand_image((10, 12, 3))
    out = transforms.CenterCrop((4, 6))(np.array(host, dtype="uint8"))  # (w, h)
    onp.testing.assert_array_equal(out.asnumpy(), host[2:8, 4:8])
    out = transforms.CenterCrop(5)(np.array(host, dtype="uint8"))
    onp.testing.assert_array_equal(out.asnumpy(), host[2:7, 3:8])
    # Larger than the image: the largest centred crop of that aspect ratio, resized up.
    big = transforms.CenterCrop((24, 20))(np.array(host, dtype="uint8"))
    assert big.shape == (20, 24, 3) and big.dtype == onp.uint8
    crop = host[0:10, 0:12].astype(float)
    assert onp.abs(big.asnumpy() - reference_resize(crop, 20, 24)).max() <= 0.5


def test_transforms_are_blocks_with_mxnet_reprs():
    from deepblocks.gluon import nn

    assert isinstance(transforms.ToTensor(), nn.HybridBlock)
    assert isinstance(transforms.CenterCrop(3), nn.Block)
    assert not isinstance(transforms.CenterCrop(3), nn.HybridBlock)
    assert repr(transforms.ToTensor()) == "ToTensor(\n\n)"
    # Consecutive HybridBlocks are grouped into one HybridSequential, as in MXNet 1.9.
    t = transforms.Compose([transforms.Resize(28), transforms.ToTensor()])
    assert isinstance(t, nn.Sequential) and len(t) == 1
    assert repr(t) == ("Compose(\n  (0): HybridSequential(\n    (0): Resize(\n    \n    )\n"
                       "    (1): ToTensor(\n    \n    )\n  )\n)")
    t = transforms.Compose([transforms.Cast(), transforms.CenterCrop(2), transforms.CenterCrop(1),
                            transforms.ToTensor(), transforms.Normalize()])
    assert [type(b).__name__ for b in t] == ["Cast", "CenterCrop", "CenterCrop", "HybridSequential"]
    out = t(np.array(onp.arange(27, dtype=onp.uint8).reshape(3, 3, 3), dtype="uint8"))
    assert out.shape == (3, 1, 1) and out.dtype == onp.float32
    onp.testing.assert_allclose(out.asnumpy().ravel(), onp.array([0.0, 1.0, 2.0]) / 255)
    assert transforms.Compose([]) is not None and len(transforms.Compose([])) == 0
    with pytest.raises(TypeError, match="Block"):
        transforms.Compose([lambda x: x])


# ---- the package ---------------------------------------------------------------------------------


def test_vision_is_reachable_and_imported_lazily():
    assert gluon.data.vision.FashionMNIST is FashionMNIST
    assert gluon.data.vision.transforms.Compose is transforms.Compose
    code = ("import sys, deepblocks; from deepblocks import gluon; "
            "print('deepblocks.gluon.data.vision' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize("name", ["deepblocks.gluon.data.vision",
                                  "deepblocks.gluon.data.vision.datasets",
                                  "deepblocks.gluon.data.vision.transforms",
                                  "deepblocks.gluon.data.download"])
def test_docstring_examples(name):
    saved = dict(util._state)
    try:
        result = doctest.testmod(importlib.import_module(name),
                                 optionflags=doctest.NORMALIZE_WHITESPACE, verbose=False)
    finally:
        util._state.update(saved)
    assert result.failed == 0

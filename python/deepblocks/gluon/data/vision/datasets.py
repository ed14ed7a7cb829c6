"""Vision datasets: MNIST and Fashion-MNIST, downloaded as in ``mxnet.gluon.data.vision``, and
the small UCI handwritten digits, shipped inside the package.

Both read the four standard idx files (``train-images-idx3-ubyte.gz`` and so on) from
``root``. A file already there is used as it is, gzipped or not and under either name (with
or without ``.gz``), so a copy made offline, or a small synthetic stand-in, works; a missing
one is downloaded from MXNet's repository (see ``deepblocks.gluon.data.download``) and checked
against the SHA-1 MXNet publishes for it.
"""

import gzip
import os
import zlib

import numpy as _onp

from .... import _core, ndarray as _nd
from .... import numpy as _np
from ....util import is_np_array
from ..dataset import Dataset
from ..download import download, open_regular, repo_file_url

__all__ = ["MNIST", "FashionMNIST", "Digits"]

_LABEL_MAGIC = 2049  # idx1: unsigned bytes, one dimension
_IMAGE_MAGIC = 2051  # idx3: unsigned bytes, three dimensions


def _data_dir():
    """MXNet's cache folder: ``$MXNET_HOME``, else ``~/.mxnet``."""
    return os.getenv("MXNET_HOME", os.path.join(os.path.expanduser("~"), ".mxnet"))


class _Samples(Dataset):
    """Images and labels held in memory, with an optional ``transform(image, label)``."""

    def __getitem__(self, idx):
        if self._transform is not None:
            return self._transform(self._data[idx], self._label[idx])
        return self._data[idx], self._label[idx]

    def __len__(self):
        return len(self._label)


class _DownloadedDataset(_Samples):
    """A dataset held in memory as ``_data`` (images) and ``_label`` (a NumPy array), loaded
    from ``root`` by ``_get_data``; ``transform(data, label)`` applies to each sample."""

    def __init__(self, root, transform):
        self._root = os.path.expanduser(os.fspath(root))
        self._transform = transform
        self._data = None
        self._label = None
        os.makedirs(self._root, exist_ok=True)
        self._get_data()

    def _get_data(self):
        raise NotImplementedError


class MNIST(_DownloadedDataset):
    """MNIST handwritten digits, from http://yann.lecun.com/exdb/mnist.

    Each sample is ``(image, label)``: a ``(28, 28, 1)`` uint8 array (``np.ndarray`` after
    ``npx.set_np()``, ``nd.NDArray`` otherwise, decided when the dataset is created) and an
    ``int32`` NumPy scalar.

    Parameters
    ----------
    root : str, default ``$MXNET_HOME/datasets/mnist``
        Folder holding the idx files; missing ones are downloaded into it.
    train : bool, default True
        The training set (60000 samples) or the test set (10000).
    transform : callable, default None
        Applied to each sample as ``transform(data, label)``, e.g.
        ``lambda data, label: (data.astype(np.float32) / 255, label)``.

    >>> from deepblocks.gluon.data.vision import MNIST
    >>> mnist_train = MNIST(train=True)             # doctest: +SKIP
    >>> image, label = mnist_train[0]               # doctest: +SKIP
    >>> image.shape, image.dtype, label             # doctest: +SKIP
    ((28, 28, 1), dtype('uint8'), np.int32(5))
    """

    _namespace = "mnist"
    # SHA-1 of each file in MXNet's repository (facts taken from MXNet 1.9.1).
    _sha1 = {
        "train-images-idx3-ubyte.gz": "6c95f4b05d2bf285e1bfb0e7960c31bd3b3f8a7d",
        "train-labels-idx1-ubyte.gz": "2a80914081dc54586dbdf242f9805a6b8d2a15fc",
        "t10k-images-idx3-ubyte.gz": "c3a25af1f52dad7f726cce8cacb138654b760d48",
        "t10k-labels-idx1-ubyte.gz": "763e7fa3757d93b0cdec073cef058b2004252c17",
    }

    def __init__(self, root=os.path.join(_data_dir(), "datasets", "mnist"), train=True,
                 transform=None):
        self._train = train
        super().__init__(root, transform)

    def _get_data(self):
        prefix = "train" if self._train else "t10k"
        image_file = self._file(f"{prefix}-images-idx3-ubyte.gz")
        label_file = self._file(f"{prefix}-labels-idx1-ubyte.gz")
        label = _read_idx(label_file, _LABEL_MAGIC).astype(_onp.int32)
        data = _read_idx(image_file, _IMAGE_MAGIC)
        if len(data) != len(label):
            raise _core.MXNetError(
                f"{image_file} holds {len(data)} images but {label_file} holds {len(label)} labels")
        data = data.reshape(data.shape + (1,))
        make = _np.array if is_np_array() else _nd.array
        self._data = make(data, dtype=data.dtype)
        self._label = label

    def _file(self, name):
        """The local path of the repository file ``name`` (``*.gz``): the file as it is under
        ``root``, gzipped or not, else a fresh download."""
        for candidate in (name, name[:-len(".gz")]):
            path = os.path.join(self._root, candidate)
            if os.path.isfile(path):
                return path
        return download(repo_file_url("gluon/dataset/" + self._namespace, name),
                        path=os.path.join(self._root, name), sha1_hash=self._sha1.get(name))


class FashionMNIST(MNIST):
    """Zalando's Fashion-MNIST (https://github.com/zalandoresearch/fashion-mnist): 28x28
    grey images of 10 kinds of clothing, a drop-in replacement for MNIST with the same
    sample format.

    Parameters
    ----------
    root : str, default ``$MXNET_HOME/datasets/fashion-mnist``
        Folder holding the idx files; missing ones are downloaded into it.
    train : bool, default True
        The training set (60000 samples) or the test set (10000).
    transform : callable, default None
        Applied to each sample as ``transform(data, label)``.
    """

    _namespace = "fashion-mnist"
    _sha1 = {
        "train-images-idx3-ubyte.gz": "0cf37b0d40ed5169c6b3aba31069a9770ac9043d",
        "train-labels-idx1-ubyte.gz": "236021d52f1e40852b06a4c3008d8de8aef1e40b",
        "t10k-images-idx3-ubyte.gz": "626ed6a7c06dd17c0eec72fa3be1740f146a2863",
        "t10k-labels-idx1-ubyte.gz": "17f9ab60e7257a1620f4ad76bbbaf857c3920701",
    }

    def __init__(self, root=os.path.join(_data_dir(), "datasets", "fashion-mnist"), train=True,
                 transform=None):
        super().__init__(root, train, transform)


class Digits(_Samples):
    """The UCI handwritten digits: 1,797 grey 8x8 images of the digits 0-9, shipped with
    deepblocks (``digits.csv.gz`` beside this module, 57 KB; no download).

    The data are the test part of E. Alpaydin and C. Kaynak's *Optical Recognition of
    Handwritten Digits* (UCI Machine Learning Repository, 1998, CC BY 4.0; see
    ``DIGITS_LICENSE.txt`` beside this module), as scikit-learn's ``load_digits`` has them.
    Each pixel counts the "on" pixels of a 4x4 block of a 32x32 bitmap, so it lies in 0..16.

    Samples are ``(image, label)`` in MNIST's format: a ``(8, 8, 1)`` uint8 array
    (``np.ndarray`` after ``npx.set_np()``, ``nd.NDArray`` otherwise) and an ``int32``
    NumPy scalar.

    Parameters
    ----------
    train : bool or None, default True
        The split is fixed and balanced, with no random draw: every fifth image of each digit
        (the 5th, 10th, ... in file order) is a test image. True gives the other 1,442
        images, False the 355 test images, None all 1,797.
    transform : callable, default None
        Applied to each sample as ``transform(data, label)``.

    >>> from deepblocks import npx
    >>> from deepblocks.gluon.data.vision import Digits
    >>> npx.set_np()
    >>> train, test = Digits(train=True), Digits(train=False)
    >>> len(train), len(test), len(Digits(train=None))
    (1442, 355, 1797)
    >>> image, label = train[0]
    >>> image.shape, image.dtype, int(image.max()), label.dtype, int(label)
    ((8, 8, 1), dtype('uint8'), 15, dtype('int32'), 0)
    >>> scaled = train.transform_first(lambda x: x.astype('float32') / 16)
    >>> float(scaled[0][0].max())
    0.9375
    """

    def __init__(self, train=True, transform=None):
        if train not in (True, False, None):
            raise ValueError(f"train must be True, False or None, not {train!r}")
        self._transform = transform
        data, label = _read_digits()
        if train is not None:
            rank = _onp.zeros(len(label), dtype=_onp.int64)
            for digit in range(10):
                mine = label == digit
                rank[mine] = _onp.arange(mine.sum())
            keep = (rank % 5 == 4) != train
            data, label = data[keep], label[keep]
        make = _np.array if is_np_array() else _nd.array
        self._data = make(data, dtype=data.dtype)
        self._label = label



def _read_digits():
    """Images ``(1797, 8, 8, 1)`` uint8 and labels ``(1797,)`` int32 from ``digits.csv.gz``."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "digits.csv.gz")
    with gzip.open(path, "rt") as f:
        table = _onp.loadtxt(f, delimiter=",", dtype=_onp.uint8)
    return table[:, :64].reshape(-1, 8, 8, 1).copy(), table[:, 64].astype(_onp.int32)


class _BadIdx(Exception):
    """A malformed idx header (turned into ``MXNetError`` naming the file)."""


def _read_idx(path, magic):
    """The array in the idx file ``path`` (gzipped or not): unsigned bytes, its dimensions
    given by the header, which must start with ``magic``."""
    ndim = magic & 0xFF
    try:
        with open_regular(path) as raw:
            gzipped = raw.read(2) == b"\x1f\x8b"
            raw.seek(0)
            f = gzip.GzipFile(fileobj=raw, mode="rb") if gzipped else raw
            header = f.read(4 * (1 + ndim))
            if len(header) < 4 * (1 + ndim):
                raise _BadIdx(f"the file ends inside its {4 * (1 + ndim)}-byte header")
            fields = [int(v) for v in _onp.frombuffer(header, dtype=">u4")]
            if fields[0] != magic:
                raise _BadIdx(f"magic number {fields[0]}, expected {magic}")
            shape = tuple(fields[1:])
            size = 1
            for n in shape:
                size *= n
            body = _read_at_most(f, size + 1)
    except (OSError, EOFError, zlib.error) as e:
        raise _core.MXNetError(f"{path}: not a valid idx file ({e})") from e
    except _BadIdx as e:
        raise _core.MXNetError(f"{path}: not a valid idx file ({e})") from None
    if len(body) != size:
        what = "more" if len(body) > size else f"only {len(body)}"
        raise _core.MXNetError(
            f"{path}: not a valid idx file (its header promises {size} bytes of data for shape "
            f"{shape}, but it holds {what})")
    return _onp.frombuffer(body, dtype=_onp.uint8).reshape(shape)


def _read_at_most(f, limit):
    """Up to ``limit`` bytes of ``f``, in chunks: a header claiming a huge size must not make
    us allocate it."""
    chunks = []
    while limit > 0:
        chunk = f.read(min(limit, 1 << 24))
        if not chunk:
            break
        chunks.append(chunk)
        limit -= len(chunk)
    return b"".join(chunks)

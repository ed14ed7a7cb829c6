"""Fetching dataset files into a local cache, as ``mxnet.gluon.utils.download`` does.

Files come from MXNet's public repository, ``https://apache-mxnet.s3-accelerate.dualstack.amazonaws.com/``,
or from the one named by the ``MXNET_GLUON_REPO`` environment variable (any URL ``urllib``
opens, ``file://`` included, so a local mirror works offline). A download goes to a temporary
file beside its destination and is renamed into place only when complete and, when a SHA-1 is
known, verified: an interrupted or corrupted download never leaves a partial file behind.
"""

import hashlib
import os
import stat
import tempfile

from ... import _core

__all__ = ["download", "check_sha1"]

_DEFAULT_REPO = "https://apache-mxnet.s3-accelerate.dualstack.amazonaws.com/"
_CHUNK = 1 << 20


def open_regular(filename):
    """``open(filename, 'rb')`` for a regular file only. A FIFO would block the open until
    some writer came, a device such as ``/dev/zero`` never ends and a directory is no file,
    so each is refused by its kind before it is opened (``MXNetError`` naming the path)."""
    _require_regular(filename, os.stat(filename).st_mode)
    # Not waiting in the open itself, in case a FIFO took the file's place since the check.
    fd = os.open(filename, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        _require_regular(filename, os.fstat(fd).st_mode)
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _require_regular(filename, mode):
    if not stat.S_ISREG(mode):
        kinds = [(stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO (named pipe)"),
                 (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket")]
        kind = next((name for test, name in kinds if test(mode)), "not a regular file")
        raise _core.MXNetError(f"cannot read {os.fspath(filename)}: it is {kind}, not a regular file")


def check_sha1(filename, sha1_hash):
    """Whether the SHA-1 of the file ``filename`` is ``sha1_hash`` (hex digits)."""
    digest = hashlib.sha1()
    with open_regular(filename) as f:
        for chunk in iter(lambda: f.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest() == sha1_hash.lower()


def repo_url():
    """The base URL of the dataset repository, ending in ``/``."""
    url = os.environ.get("MXNET_GLUON_REPO") or _DEFAULT_REPO
    return url if url.endswith("/") else url + "/"


def repo_file_url(namespace, filename):
    """The URL of ``filename`` in the repository folder ``namespace`` (e.g. ``gluon/dataset/mnist``)."""
    return f"{repo_url()}{namespace}/{filename}"


def download(url, path=None, overwrite=False, sha1_hash=None, retries=5):
    """Downloads ``url`` and returns the local file name.

    ``path`` is the destination file, or a folder to put the file in under its name in the
    URL (default: the current folder). An existing file is kept unless ``overwrite`` is set or
    its SHA-1 differs from ``sha1_hash``. The download is attempted up to ``retries`` times (at
    least once), except after an HTTP client error (404 and the like); the last failure is
    raised as ``MXNetError`` (a SHA-1 mismatch counts as a failure).
    """
    name = url.split("/")[-1]
    if path is None:
        fname = name
    else:
        path = os.path.expanduser(os.fspath(path))
        fname = os.path.join(path, name) if os.path.isdir(path) else path
    if not os.path.basename(fname):
        raise ValueError(f"download: no file name in the URL {url!r}; pass path= to name the file")
    if retries < 0:
        raise ValueError(f"download: retries must be at least 0, got {retries}")
    attempts = max(retries, 1)
    if not overwrite and os.path.exists(fname) and (not sha1_hash or check_sha1(fname, sha1_hash)):
        return fname
    os.makedirs(os.path.dirname(os.path.abspath(fname)), exist_ok=True)
    for attempts_left in range(attempts - 1, -1, -1):
        print(f"Downloading {fname} from {url}...")
        try:
            _fetch(url, fname, sha1_hash)
            return fname
        except Exception as e:  # noqa: BLE001 - any failure of the transfer is retried, as in MXNet
            code = getattr(e, "code", None)
            permanent = isinstance(e, ValueError) or (isinstance(code, int) and 400 <= code < 500)
            if attempts_left == 0 or permanent:
                if isinstance(e, _core.MXNetError):
                    raise
                raise _core.MXNetError(f"download of {url} failed: {e}") from e
            print(f"download failed due to {e!r}, retrying, {attempts_left} attempt"
                  f"{'s' if attempts_left > 1 else ''} left")


def _fetch(url, fname, sha1_hash):
    """One download of ``url`` into ``fname``, through a temporary file in the same folder."""
    import urllib.request  # here, not at import: it is slow to import

    fd, tmp = tempfile.mkstemp(prefix=os.path.basename(fname) + ".", suffix=".part",
                               dir=os.path.dirname(os.path.abspath(fname)))
    try:
        digest = hashlib.sha1()
        size = 0
        with os.fdopen(fd, "wb") as out, urllib.request.urlopen(url, timeout=60) as response:
            expected = response.headers.get("Content-Length")
            for chunk in iter(lambda: response.read(_CHUNK), b""):
                out.write(chunk)
                digest.update(chunk)
                size += len(chunk)
            out.flush()
            os.fsync(out.fileno())
        if expected is not None and expected.isdigit() and int(expected) != size:
            raise OSError(f"the connection closed after {size} of {expected} bytes")
        if sha1_hash and digest.hexdigest() != sha1_hash.lower():
            raise _core.MXNetError(
                f"{fname}: the file downloaded from {url} has SHA-1 {digest.hexdigest()}, not the "
                f"expected {sha1_hash.lower()}. The repo may be outdated or the download incomplete; "
                f"if MXNET_GLUON_REPO overrides the repo, consider switching to the default one.")
        os.replace(tmp, fname)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise

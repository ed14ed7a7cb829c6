"""``npx.save`` / ``npx.load``: arrays, lists and dicts of arrays in safetensors files.

The format holds only a JSON header and raw numbers, so loading a file never runs code
(unlike pickle). Whether the file held one array, a list or a dict is kept in the header's
metadata; any other safetensors file loads as a dict. Saving replaces the file atomically:
if it fails, the previous file is still there. A replaced file keeps its permission bits, and
the temporary file of a save that was killed is removed by the next save to the same path.

Only regular files are read: a FIFO, a device or a directory is refused (``MXNetError``)
before it is opened, so a load never waits for a pipe's writer. The sizes a file declares are
checked against its length before memory is set aside for its arrays, and a file larger than
this machine's memory is a ``MemoryError``.

``load`` also reads MXNet's own binary files (``mx.nd.save``, ``mx.npx.save``, Gluon's
``save_parameters`` and ``export``), recognised by their first bytes, with a parser that
only copies numbers: a dict when the file has names (its keys exactly as stored, such as
``'0.weight'`` or ``'arg:dense0_weight'``), else a list.

>>> import os, tempfile
>>> from deepblocks import np, npx
>>> path = os.path.join(tempfile.mkdtemp(), "arrays")
>>> npx.save(path, {"w": np.ones((2, 2)), "b": np.zeros(2)})
>>> sorted(npx.load(path).items())
[('b', array([0., 0.])), ('w', array([[1., 1.],
       [1., 1.]]))]
>>> npx.save(path, np.arange(3))
>>> npx.load(path)
[array([0., 1., 2.])]
"""

import json
import os

from .. import _core
from .. import numpy as _np

__all__ = ["save", "load"]

_FORMAT = "deepblocks.arrays"


def _array(x, what):
    if not isinstance(x, _core.ndarray):
        raise TypeError(f"save: {what} must be an array, got {type(x).__name__}")
    return x


def save(file, arr):
    """Saves an array, a list of arrays or a dict of str to array to ``file``.

    A single array or a list loads back as a list, a dict as a dict (MXNet's behaviour).
    """
    path = os.fspath(file)
    if isinstance(arr, dict):
        for k in arr:
            if not isinstance(k, str):
                raise TypeError(f"save: dict keys must be str, got {type(k).__name__} {k!r}")
        items = [(k, _array(v, f"value {k!r}")) for k, v in arr.items()]
        container = "dict"
    elif isinstance(arr, (list, tuple)):
        items = [(str(i), _array(v, f"item {i}")) for i, v in enumerate(arr)]
        container = "list"
    else:
        items = [("0", _array(arr, "the value"))]
        container = "list"
    meta = {"format": _FORMAT, "container": container, "keys": json.dumps([k for k, _ in items])}
    _core.save_tensors(path, items, meta)


def load(file):
    """Loads a file written by ``save`` or by MXNet: a list or a dict of arrays (on the CPU)."""
    path = os.fspath(file)
    if _core.is_mxnet_file(path):
        arrays, names = _core.load_mxnet(path)
        return dict(zip(names, arrays)) if names else arrays
    items, meta = _core.load_tensors(path)
    by_name = dict(items)
    if meta.get("format") != _FORMAT:
        return by_name
    try:
        keys = json.loads(meta.get("keys", "[]"))
    except ValueError:
        keys = None
    if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys) or sorted(keys) != sorted(by_name):
        raise _core.MXNetError(f"{path}: the file's index does not match its arrays")
    if meta.get("container") == "dict":
        return {k: by_name[k] for k in keys}
    return [by_name[k] for k in keys]

"""Global array-mode switches, as in ``mxnet.util``.

MXNet has two array flavours: ``np.ndarray`` (NumPy semantics, turned on for Gluon outputs by
``npx.set_np()``) and the legacy ``nd.NDArray``. Both wrap the same engine tensor; this module
only records which one Gluon should hand back.

>>> from deepblocks import npx
>>> npx.set_np(); npx.is_np_array()
True
>>> npx.reset_np(); npx.is_np_array()
False
"""


_state = {"array": False, "shape": False}


def set_np(shape=True, array=True, dtype=False):
    """Turns on NumPy semantics (``shape``: 0-d and empty shapes; ``array``: np.ndarray outputs)."""
    if dtype:
        raise ValueError("deepblocks keeps float32 as the default dtype; set_np(dtype=True) is not supported")
    if array and not shape:
        raise ValueError("NumPy arrays need NumPy shape semantics: set_np(shape=True) when array=True")
    _state["shape"] = bool(shape)
    _state["array"] = bool(array)


def reset_np():
    """Returns to MXNet's legacy mode (``nd.NDArray`` outputs)."""
    _state["shape"] = False
    _state["array"] = False


def set_np_shape(active):
    """Turns NumPy shape semantics on or off; returns the previous setting."""
    prev = _state["shape"]
    _state["shape"] = bool(active)
    return prev


def is_np_array():
    """True after ``npx.set_np()``."""
    return _state["array"]


def is_np_shape():
    return _state["shape"]


class np_shape:
    """A ``with`` block (or decorator) with NumPy shape semantics on (or off, for
    ``np_shape(False)``); the previous setting comes back at its end.

    >>> from deepblocks import util
    >>> with util.np_shape(True):
    ...     util.is_np_shape()
    True
    """

    def __init__(self, active=True):
        self._active = bool(active)
        self._prev = []

    def __enter__(self):
        self._prev.append(set_np_shape(self._active))
        return self

    def __exit__(self, *exc):
        set_np_shape(self._prev.pop())

    def __call__(self, func):
        import functools

        @functools.wraps(func)
        def wrapped(*args, **kwargs):
            with np_shape(self._active):
                return func(*args, **kwargs)
        return wrapped


def use_np_shape(func):
    """Decorator running ``func`` (or each method of a class) with NumPy shape semantics on.

    >>> from deepblocks import util
    >>> util.use_np_shape(util.is_np_shape)()
    True
    """
    if isinstance(func, type):
        for name, attr in list(vars(func).items()):
            if callable(attr) and not isinstance(attr, type):
                setattr(func, name, np_shape(True)(attr))
        return func
    return np_shape(True)(func)


def use_np(func_or_class):
    """Decorator kept for MXNet code: deepblocks needs no per-function mode switch."""
    return func_or_class



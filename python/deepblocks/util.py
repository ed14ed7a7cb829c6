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
    """Runs a function, or every method of a class (a Gluon Block; inherited methods
    included), with NumPy semantics on, as MXNet's ``use_np``: inside, ``is_np_array()`` is
    True, Gluon hands out np.ndarray, and a Block's parameters are np.ndarray even in a
    legacy-mode program. MXNet's own tests decorate their test functions with it.

    >>> from deepblocks import util
    >>> util.use_np(util.is_np_array)()
    True
    """
    if isinstance(func_or_class, type):
        from types import FunctionType
        done = set()
        for klass in func_or_class.__mro__[:-1]:          # all but object
            for name, attr in vars(klass).items():
                if name not in done and isinstance(attr, FunctionType):
                    setattr(func_or_class, name, _in_np_mode(attr))
                done.add(name)
        return func_or_class
    return _in_np_mode(func_or_class)


def _in_np_mode(func):
    import functools

    @functools.wraps(func)
    def wrapped(*args, **kwargs):
        prev = _state["array"], _state["shape"]
        _state["array"] = _state["shape"] = True
        try:
            return func(*args, **kwargs)
        finally:
            _state["array"], _state["shape"] = prev
    return wrapped




# ---- the rest of mxnet.util's public names ---------------------------------------------------

class np_array:
    """A ``with`` block (or decorator) that turns NumPy array outputs on (or off), restoring
    the previous setting at its end (MXNet's ``util.np_array``).

    >>> from deepblocks import util
    >>> with util.np_array(True):
    ...     util.is_np_array()
    True
    """

    def __init__(self, active=True):
        self._active = bool(active)
        self._prev = []

    def __enter__(self):
        self._prev.append(_state["array"])
        _state["array"] = self._active
        return self

    def __exit__(self, *exc):
        _state["array"] = self._prev.pop()

    def __call__(self, func):
        import functools

        @functools.wraps(func)
        def wrapped(*args, **kwargs):
            with np_array(self._active):
                return func(*args, **kwargs)
        return wrapped


def use_np_array(func):
    """Decorator running ``func`` with NumPy array outputs on (a class: each of its methods)."""
    if isinstance(func, type):
        for name, attr in list(vars(func).items()):
            if callable(attr) and not isinstance(attr, type):
                setattr(func, name, np_array(True)(attr))
        return func
    return np_array(True)(func)


def getenv(name):
    """The value of environment variable ``name``, or None (MXNet reads the C runtime's copy;
    deepblocks has no separate one, so this is ``os.environ``)."""
    import os
    return os.environ.get(name)


def setenv(name, value):
    """Sets (or, for ``value=None``, removes) environment variable ``name``."""
    import os
    if value is None:
        os.environ.pop(name, None)
    else:
        os.environ[name] = str(value)


def set_module(module):
    """Decorator that sets ``__module__`` of a function or class (as MXNet uses it for docs).

    >>> @set_module('deepblocks.numpy')
    ... def f(): pass
    >>> f.__module__
    'deepblocks.numpy'
    """
    def decorator(func):
        if module is not None:
            func.__module__ = module
        return func
    return decorator


_UFUNC_CASTING = frozenset(("no", "equiv", "safe", "same_kind", "unsafe"))
_UFUNC_DTYPES = frozenset(("int8", "uint8", "int32", "int64", "float16", "float32", "float64"))


def np_ufunc_legal_option(key, value):
    """Whether ``key=value`` is a ufunc keyword MXNet's NumPy front end accepts.

    >>> np_ufunc_legal_option('casting', 'same_kind'), np_ufunc_legal_option('order', 3)
    (True, False)
    """
    if key == "where":
        return True
    if key == "casting":
        return value in _UFUNC_CASTING
    if key == "order":
        return isinstance(value, str)
    if key == "dtype":
        import numpy as _onp
        try:
            return _onp.dtype(value).name in _UFUNC_DTYPES
        except TypeError:
            return False
    if key == "subok":
        return isinstance(value, bool)
    return False


def _wrap_ufunc(func):
    import functools

    @functools.wraps(func)
    def wrapped(*args, **kwargs):
        for key, value in kwargs.items():
            if key != "out" and not np_ufunc_legal_option(key, value):
                raise TypeError(f"{func.__name__}: {key}={value!r} is not a supported ufunc argument")
        return func(*args, **kwargs)
    return wrapped


def wrap_np_unary_func(func):
    """Decorator checking a unary ufunc's keyword arguments (``np_ufunc_legal_option``)."""
    return _wrap_ufunc(func)


def wrap_np_binary_func(func):
    """Decorator checking a binary ufunc's keyword arguments (``np_ufunc_legal_option``)."""
    return _wrap_ufunc(func)


def get_gpu_count():
    """How many GPUs deepblocks can use (as ``npx.num_gpus()``)."""
    from . import _core
    return _core.num_gpus()


def _driver_device(device_id):
    """libcuda and the device handle of ``device_id``, with its primary context current."""
    import ctypes
    from .base import MXNetError
    from . import cuda
    count = cuda.device_count()
    if not 0 <= device_id < count:
        raise MXNetError(f"gpu({device_id}) does not exist: the CUDA driver reports {count} GPU(s)")
    lib = ctypes.CDLL("libcuda.so.1")
    dev, ctx = ctypes.c_int(), ctypes.c_void_p()
    for call in (lambda: lib.cuInit(0), lambda: lib.cuDeviceGet(ctypes.byref(dev), device_id),
                 lambda: lib.cuDevicePrimaryCtxRetain(ctypes.byref(ctx), dev),
                 lambda: lib.cuCtxSetCurrent(ctx)):
        if call() != 0:
            raise MXNetError(f"the CUDA driver could not open gpu({device_id})")
    return lib, dev


def get_gpu_memory(gpu_dev_id):
    """``(free, total)`` bytes of GPU ``gpu_dev_id``'s memory, from the CUDA driver."""
    import ctypes
    lib, _ = _driver_device(gpu_dev_id)
    free, total = ctypes.c_size_t(), ctypes.c_size_t()
    if lib.cuMemGetInfo_v2(ctypes.byref(free), ctypes.byref(total)) != 0:
        from .base import MXNetError
        raise MXNetError(f"the CUDA driver gave no memory information for gpu({gpu_dev_id})")
    return free.value, total.value


def get_cuda_compute_capability(ctx):
    """The compute capability of GPU context ``ctx`` as an int (``80`` for sm_80)."""
    import ctypes
    if getattr(ctx, "device_type", None) != "gpu":
        raise ValueError(f"get_cuda_compute_capability expects a GPU context, got {ctx}")
    lib, dev = _driver_device(ctx.device_id)
    major, minor = ctypes.c_int(), ctypes.c_int()
    # CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR / _MINOR
    lib.cuDeviceGetAttribute(ctypes.byref(major), 75, dev)
    lib.cuDeviceGetAttribute(ctypes.byref(minor), 76, dev)
    return major.value * 10 + minor.value


def py_str(x):
    """``x`` as ``str`` (bytes decoded as UTF-8), as ``mxnet.util.py_str``."""
    from .base import py_str as _py_str
    return _py_str(x)

"""What the CUDA backend finds here, and the NVRTC compile check of its kernels.

deepblocks loads every CUDA library at run time, so it imports and runs on machines without
CUDA; ``status()`` says what it found. ``check()`` compiles every embedded kernel with NVRTC
for Turing, Ampere and Hopper (``sm_75``, ``sm_80``, ``sm_90``) — no GPU or driver needed,
only libnvrtc, e.g. from ``pip install nvidia-cuda-nvrtc-cu12``.

>>> from deepblocks import cuda
>>> sorted(cuda.status())[:3]
['compiled', 'devices', 'driver']
>>> cuda.device_count() >= 0
True
"""

import ctypes
import glob
import os

from . import _core
from .base import MXNetError

__all__ = ["status", "transfers", "is_available", "device_count", "load_nvrtc", "load_gpu_libraries", "check"]


def status():
    """``{compiled, driver, devices, nvrtc, nvrtc_version, modules, kernels, emulator}`` for
    this machine: ``devices`` is what the CUDA driver reports; ``emulator`` is the library of
    the host emulator when ``DEEPBLOCKS_CUDA_EMULATOR`` is set (tests; ``npx.num_gpus()``
    then counts its devices), else None."""
    return dict(_core.cuda_status())


def transfers():
    """``(to_device, to_host)``: how many copies between host and GPU memory were made so far
    (each waits for the queued GPU work; a training step should make none).

    >>> to_device, to_host = transfers()
    >>> to_device >= 0 and to_host >= 0
    True
    """
    return _core.cuda_transfers()


def device_count():
    """How many GPUs the CUDA driver reports (0 without a driver)."""
    return _core.cuda_status()["devices"]


def is_available():
    """Whether the driver reports at least one GPU."""
    return device_count() > 0


def _nvrtc_candidates():
    """Directories that may hold libnvrtc: $DEEPBLOCKS_NVRTC, the pip wheels' lib folders
    (nvidia-cuda-nvrtc-cu12), then a CUDA toolkit."""
    env = os.environ.get("DEEPBLOCKS_NVRTC")
    if env:
        yield env if os.path.isdir(env) else os.path.dirname(env)
    try:
        import nvidia  # the namespace package of NVIDIA's pip wheels
        for root in list(getattr(nvidia, "__path__", [])):
            yield os.path.join(root, "cuda_nvrtc", "lib")
    except ImportError:
        pass
    for home in (os.environ.get("CUDA_HOME"), os.environ.get("CUDA_PATH"), "/usr/local/cuda"):
        if home:
            yield os.path.join(home, "lib64")


_loaded: list = []


def _pip_lib_dirs(package):
    """The lib folders of one of NVIDIA's pip wheels (``cublas``, ``curand``), if installed."""
    try:
        import nvidia
        return [os.path.join(root, package, "lib") for root in list(getattr(nvidia, "__path__", []))]
    except ImportError:
        return []


def load_gpu_libraries():
    """Makes the libraries a GPU needs loadable by the engine, which opens them by name:
    NVRTC (kernels are compiled at first use), then cuBLAS and cuRAND from NVIDIA's pip wheels
    when those are installed and not already on the loader's path. Called at import on a
    machine whose driver reports a GPU. Returns the libraries it loaded."""
    loaded = [p for p in [load_nvrtc()] if p]
    for package, names in (("cublas", ("libcublasLt.so.12", "libcublas.so.12")), ("curand", ("libcurand.so.10",))):
        for folder in _pip_lib_dirs(package):
            paths = [os.path.join(folder, n) for n in names]
            if all(os.path.exists(p) for p in paths):
                for p in paths:
                    ctypes.CDLL(p, mode=ctypes.RTLD_GLOBAL)
                loaded.extend(paths)
                break
    return loaded


def load_nvrtc():
    """Makes libnvrtc loadable by the engine: loads it (and its builtins library, which NVRTC
    opens by name) from the first candidate folder that has it. Returns the path, or None when
    it is already on the loader's path or nowhere to be found."""
    if _loaded:
        return _loaded[0]
    for folder in _nvrtc_candidates():
        libs = sorted(glob.glob(os.path.join(folder, "libnvrtc.so.12*")))
        if not libs:
            continue
        # NVRTC dlopens libnvrtc-builtins by name at the first compile: load it globally first.
        for builtins in sorted(glob.glob(os.path.join(folder, "libnvrtc-builtins.so.12*"))):
            ctypes.CDLL(builtins, mode=ctypes.RTLD_GLOBAL)
        ctypes.CDLL(libs[0], mode=ctypes.RTLD_GLOBAL)
        _loaded.append(libs[0])
        return libs[0]
    return None


def check(archs=None):
    """Compiles every kernel module for each architecture (default sm_75, sm_80, sm_90).
    Returns one dict per architecture: ``{arch, modules, modules_ok, kernels_ok, failures}``."""
    load_nvrtc()
    if not _core.cuda_status()["nvrtc"]:
        raise MXNetError("libnvrtc was not found: pip install nvidia-cuda-nvrtc-cu12 (or set DEEPBLOCKS_NVRTC "
                         "to the folder holding libnvrtc.so.12)")
    return [dict(r) for r in _core.cuda_check(archs)]


# With a GPU present, the engine will compile kernels and call cuBLAS/cuRAND: make pip-installed
# copies of those libraries findable before the first GPU operation.
if device_count() > 0:
    load_gpu_libraries()

"""Devices (MXNet "contexts"): ``cpu(i)``, ``gpu(i)`` and the default device.

>>> from deepblocks import context
>>> context.cpu(), context.gpu(1), context.num_gpus() >= 0
(cpu(0), gpu(1), True)
>>> with context.cpu(0):
...     context.current_context()
cpu(0)
"""

from ._core import Context, current_context, num_gpus

__all__ = ["Context", "cpu", "cpu_pinned", "gpu", "current_context", "current_device", "num_gpus", "Device",
           "gpu_memory_info"]

Device = Context


def cpu(device_id=0):
    """The CPU (``device_id`` is accepted for MXNet compatibility)."""
    return Context("cpu", device_id)


def cpu_pinned(device_id=0):
    """MXNet's page-locked host memory for fast GPU copies. deepblocks keeps no separate pinned
    pool, so this is host memory, the same device as ``cpu(device_id)`` (and shown as such).

    >>> from deepblocks import context
    >>> context.cpu_pinned(), context.cpu_pinned(1) == context.cpu(1)
    (cpu(0), True)
    """
    return Context("cpu_pinned", device_id)


def gpu(device_id=0):
    """GPU ``device_id``. Creating it always works; allocating on a missing GPU raises MXNetError."""
    return Context("gpu", device_id)


def current_device():
    return current_context()


def gpu_memory_info(device_id=0):
    """``(free, total)`` bytes of GPU ``device_id``'s memory (MXNet's ``context.gpu_memory_info``)."""
    from .util import get_gpu_memory
    return get_gpu_memory(device_id)

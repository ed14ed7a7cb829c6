"""``mx.engine``: MXNet's bulk-execution setting.

MXNet's asynchronous engine can bundle up to ``size`` operators into one scheduled unit.
deepblocks runs every operation eagerly and synchronously, so there is nothing to bundle; the
setting is kept (and returned, as MXNet returns it) so that code tuning it runs unchanged.

>>> from deepblocks import engine
>>> previous = engine.set_bulk_size(10)
>>> with engine.bulk(5):
...     engine.set_bulk_size(5)
5
>>> engine.set_bulk_size(previous)
10
"""

__all__ = ["set_bulk_size", "bulk"]

_bulk_size = [0]


def set_bulk_size(size):
    """Sets the bulk size; returns the previous one."""
    if isinstance(size, bool) or not isinstance(size, int) or size < 0:
        raise ValueError(f"set_bulk_size: size must be an int >= 0, got {size!r}")
    previous, _bulk_size[0] = _bulk_size[0], size
    return previous


class _BulkScope:
    def __init__(self, size):
        self._size = size
        self._previous = None

    def __enter__(self):
        self._previous = set_bulk_size(self._size)
        return self

    def __exit__(self, *exc):
        set_bulk_size(self._previous)


def bulk(size):
    """A ``with`` block with bulk size ``size``, restoring the previous size at its end."""
    return _BulkScope(size)

"""Exceptions shared by the engine and Gluon, as in ``mxnet.base``."""

from ._core import MXNetError

__all__ = ["MXNetError", "NotSupportedError"]


class NotSupportedError(MXNetError):
    """An MXNet feature that deepblocks deliberately does not provide."""

"""``deepblocks.gluon``: MXNet Gluon's high-level API. This build has ``gluon.data`` and
``gluon.utils``; Blocks, Parameters, losses and the Trainer come with the Gluon issue."""

from . import data, utils

__all__ = ["data", "utils"]

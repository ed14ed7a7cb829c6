"""``deepblocks.gluon``: MXNet Gluon's high-level API. This build has ``gluon.data``;
Blocks, Parameters, losses and the Trainer come with the Gluon issue."""

from . import data

__all__ = ["data"]

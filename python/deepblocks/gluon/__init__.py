"""``deepblocks.gluon``: MXNet Gluon's high-level API — Blocks and layers (``gluon.nn``,
``gluon.rnn``), Parameters, losses, the Trainer, data loading and utilities.

>>> from deepblocks import gluon, np, npx, autograd
>>> from deepblocks.gluon import nn
>>> npx.set_np()
>>> net = nn.Dense(1)
>>> net.initialize()
>>> trainer = gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': 0.1})
>>> loss = gluon.loss.L2Loss()
>>> with autograd.record():
...     l = loss(net(np.ones((4, 2))), np.ones((4, 1)))
>>> l.backward()
>>> trainer.step(4)
"""

from . import parameter
from .parameter import Constant, DeferredInitializationError, Parameter, ParameterDict, ParameterList
from .block import Block, HybridBlock, SymbolBlock
from . import nn, loss, utils, data, rnn
from . import metric
from .trainer import Trainer
from . import contrib

__all__ = ["Block", "HybridBlock", "SymbolBlock", "Parameter", "Constant", "ParameterDict", "ParameterList",
           "DeferredInitializationError", "Trainer", "nn", "rnn", "loss", "data", "utils", "parameter", "contrib", "metric"]

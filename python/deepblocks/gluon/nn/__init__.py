"""``gluon.nn``: layers and containers.

>>> from deepblocks import np, npx
>>> from deepblocks.gluon import nn
>>> npx.set_np()
>>> net = nn.Sequential()
>>> net.add(nn.Dense(256, activation='relu'), nn.Dense(10))
>>> net.initialize()
>>> net(np.random.uniform(size=(2, 20))).shape
(2, 10)
"""

from ..block import Block, HybridBlock, SymbolBlock
from .activations import *  # noqa: F401,F403
from .activations import __all__ as _act
from .basic_layers import *  # noqa: F401,F403
from .basic_layers import __all__ as _basic
from .containers import *  # noqa: F401,F403
from .containers import __all__ as _cont
from .conv_layers import *  # noqa: F401,F403
from .conv_layers import __all__ as _conv
from .normalization import *  # noqa: F401,F403
from .normalization import __all__ as _norm

__all__ = ["Block", "HybridBlock", "SymbolBlock"] + _act + [n for n in _basic if n != "param_value"] + _cont + _conv + _norm

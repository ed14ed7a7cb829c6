"""``gluon.rnn``: recurrent layers (``RNN``, ``LSTM``, ``GRU``: a whole sequence per call,
one fused ``npx.rnn`` operation) and recurrent cells (one step per call, or ``unroll``).

>>> from deepblocks import np, npx
>>> from deepblocks.gluon import rnn
>>> npx.set_np()
>>> rnn_layer = rnn.RNN(256)
>>> rnn_layer.initialize()
>>> state = rnn_layer.begin_state(batch_size=32)
>>> Y, state_new = rnn_layer(np.random.uniform(size=(35, 32, 28)), state)
>>> Y.shape, len(state_new), state_new[0].shape
((35, 32, 256), 1, (1, 32, 256))
"""

from .rnn_cell import *  # noqa: F401,F403
from .rnn_cell import __all__ as _cells
from .rnn_layer import *  # noqa: F401,F403
from .rnn_layer import __all__ as _layers

__all__ = _cells + _layers

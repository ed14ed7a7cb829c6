"""The legacy ``nd`` name of the fused recurrent operator, ``nd.RNN``, with MXNet 1.9's
signature: it checks and runs through ``npx.rnn`` and answers NDArrays.

>>> from deepblocks import nd
>>> T, N, C, H = 4, 2, 3, 5
>>> size = 3 * H * C + 3 * H * H + 2 * 3 * H          # one GRU layer: weights, then biases
>>> out, hy = nd.RNN(nd.ones((T, N, C)), nd.ones(size) * 0.1, nd.zeros((1, N, H)), state_size=H,
...                  num_layers=1, mode='gru', state_outputs=True)
>>> out.shape, hy.shape
((4, 2, 5), (1, 2, 5))
"""

from .. import _core
from ..numpy_extension.rnn import rnn as _rnn
from .ndarray import _nd
from .ops import _write

__all__ = ["RNN"]


def RNN(data=None, parameters=None, state=None, state_cell=None, sequence_length=None, state_size=None,
        num_layers=None, bidirectional=False, mode=None, p=0.0, state_outputs=False, projection_size=None,
        lstm_state_clip_min=None, lstm_state_clip_max=None, lstm_state_clip_nan=False, use_sequence_length=False,
        out=None):
    """MXNet's ``RNN``: see ``npx.rnn``. With ``state_outputs`` a list ``[out, hy]`` (``[out, hy,
    cy]`` for 'lstm'); ``out=`` takes an NDArray, or a list of them for the list."""
    if data is None:
        raise ValueError("RNN: data is required (sequence length, batch size, input size)")
    result = _rnn(_nd(data if isinstance(data, _core.ndarray) else _core.array(data, None, None, None, True)),
                  parameters, state, state_cell, sequence_length, mode=mode, state_size=state_size,
                  num_layers=num_layers, bidirectional=bidirectional, state_outputs=state_outputs, p=p,
                  use_sequence_length=use_sequence_length, projection_size=projection_size,
                  lstm_state_clip_min=lstm_state_clip_min, lstm_state_clip_max=lstm_state_clip_max,
                  lstm_state_clip_nan=lstm_state_clip_nan)
    if not state_outputs:
        return _write(result, out)
    if out is None:
        return result
    if not isinstance(out, (list, tuple)) or len(out) != len(result):
        raise ValueError(f"RNN: out= must be a list of {len(result)} NDArrays with state_outputs=True")
    return [_write(r, o) for r, o in zip(result, out)]

"""Recurrent layers: ``RNN``, ``LSTM`` and ``GRU``, each a stack of layers run over a whole
sequence by one fused ``npx.rnn`` call, with MXNet 1.9's signatures, parameter names
(``lstm0_l0_i2h_weight``, ``lstm0_r0_h2h_bias`` for the backward direction), file keys
(``_unfused.0.l_cell.i2h_weight``, as MXNet writes them) and printouts.

``input_size=0`` leaves the input width to the first forward pass (shown as -1 in numpy
mode, ``None`` in legacy mode, as MXNet prints it).

>>> from deepblocks import np, npx
>>> from deepblocks.gluon import rnn
>>> npx.set_np()
>>> layer = rnn.LSTM(8, num_layers=2)
>>> layer
LSTM(-1 -> 8, TNC, num_layers=2)
>>> layer.initialize()
>>> x = np.ones((5, 3, 4))                     # (time, batch, features)
>>> layer(x).shape                             # without states: just the output
(5, 3, 8)
>>> out, (h, c) = layer(x, layer.begin_state(batch_size=3))
>>> h.shape, c.shape
((2, 3, 8), (2, 3, 8))
>>> layer
LSTM(4 -> 8, TNC, num_layers=2)
"""

import re

from ... import _core
from ... import ndarray as _nd
from ... import numpy as _np
from ... import numpy_extension as _npx
from ...base import MXNetError
from ...numpy_extension.rnn import GATES
from ..block import HybridBlock
from ..nn._checks import check_count, check_rate
from ..nn.basic_layers import param_value
from .rnn_cell import _begin_states, _like

__all__ = ["RNN", "LSTM", "GRU"]

_KEY = re.compile(r"([lr])(\d+)_(i2h|h2h|h2r)_(weight|bias)\Z")


class _RNNLayer(HybridBlock):
    """The recurrent layers' common part: parameters in MXNet's order, deferred input size,
    states, the fused forward pass and the printout."""

    def __init__(self, hidden_size, num_layers, layout, dropout, bidirectional, input_size,
                 i2h_weight_initializer, h2h_weight_initializer, i2h_bias_initializer, h2h_bias_initializer,
                 mode, projection_size, h2r_weight_initializer, lstm_state_clip_min, lstm_state_clip_max,
                 lstm_state_clip_nan, dtype, use_sequence_length=False, **kwargs):
        cls = type(self).__name__
        hidden_size = check_count(cls, "hidden_size", hidden_size)
        num_layers = check_count(cls, "num_layers", num_layers)
        input_size = check_count(cls, "input_size", input_size, minimum=0)
        check_rate(cls, "dropout", dropout)
        if projection_size:
            projection_size = check_count(cls, "projection_size", projection_size)
        super().__init__(**kwargs)
        if layout not in ("TNC", "NTC"):
            raise ValueError(f"Invalid layout {layout}; must be one of ['TNC' or 'NTC']")
        self._hidden_size = hidden_size
        self._projection_size = projection_size if projection_size else None
        self._num_layers = num_layers
        self._mode = mode
        self._layout = layout
        self._dropout = dropout
        self._dir = 2 if bidirectional else 1
        self._input_size = input_size
        self._lstm_state_clip_min = lstm_state_clip_min
        self._lstm_state_clip_max = lstm_state_clip_max
        self._lstm_state_clip_nan = lstm_state_clip_nan
        self._dtype = dtype
        self._use_sequence_length = use_sequence_length
        self._gates = GATES[mode]
        self._initializers = {"i2h_weight_initializer": i2h_weight_initializer,
                              "h2h_weight_initializer": h2h_weight_initializer,
                              "i2h_bias_initializer": i2h_bias_initializer,
                              "h2h_bias_initializer": h2h_bias_initializer}
        inits = {"i2h_weight": i2h_weight_initializer, "h2h_weight": h2h_weight_initializer,
                 "i2h_bias": i2h_bias_initializer, "h2h_bias": h2h_bias_initializer,
                 "h2r_weight": h2r_weight_initializer}
        rows, width = self._gates * hidden_size, self._projection_size or hidden_size
        names = ["i2h_weight", "h2h_weight", "i2h_bias", "h2h_bias"] + (["h2r_weight"] if projection_size else [])
        n_in = input_size
        for layer in range(num_layers):
            for d in "lr"[:self._dir]:
                shapes = {"i2h_weight": (rows, n_in), "h2h_weight": (rows, width), "i2h_bias": (rows,),
                          "h2h_bias": (rows,), "h2r_weight": (self._projection_size, hidden_size)}
                for name in names:
                    key = f"{d}{layer}_{name}"
                    setattr(self, key, self.params.get(key, shape=shapes[name], init=inits[name],
                                                       allow_deferred_init=True, dtype=dtype))
            n_in = width * self._dir
        # The packed order of npx.rnn: every weight (layer, direction, i2h/h2h/h2r), then every bias.
        weights = [f"{d}{layer}_{g}_weight" for layer in range(num_layers) for d in "lr"[:self._dir]
                   for g in ("i2h", "h2h", "h2r")[:3 if projection_size else 2]]
        biases = [f"{d}{layer}_{g}_bias" for layer in range(num_layers) for d in "lr"[:self._dir]
                  for g in ("i2h", "h2h")]
        self._packed = weights + biases

    def __repr__(self):
        shape = self.l0_i2h_weight.shape
        s = f"{self.__class__.__name__}({shape[1] if shape[1] else None} -> {shape[0] // self._gates}, {self._layout}"
        if self._num_layers != 1:
            s += f", num_layers={self._num_layers}"
        if self._dropout != 0:
            s += f", dropout={self._dropout}"
        if self._dir == 2:
            s += ", bidirectional"
        return s + ")"

    # ---- parameter paths ------------------------------------------------------------------

    def _file_key(self, local):
        """The structural key MXNet 1.9 writes for a parameter (``l0_i2h_weight`` becomes
        ``_unfused.0.i2h_weight``, or ``_unfused.0.l_cell.i2h_weight`` when bidirectional)."""
        m = _KEY.match(local)
        if m is None:
            return local
        d, layer, g, t = m.groups()
        if self._dir == 2:
            return f"_unfused.{layer}.{d}_cell.{g}_{t}"
        return f"_unfused.{layer}.{g}_{t}"

    def _walk_params(self, prefix, out, visiting):
        if id(self) in visiting:
            return
        visiting.add(id(self))
        for local, p in self._own_params():
            out[prefix + self._file_key(local)] = p
        for cname, child in self._children.items():
            child._walk_params(f"{prefix}{cname}.", out, visiting)
        visiting.discard(id(self))

    def _share_into(self, prefix, src, used):
        # Shared dicts are keyed by the file keys above; the Block machinery matches local names.
        to_local = {prefix + self._file_key(k): prefix + k for k in self._reg_params}
        view = {to_local.get(k, k): v for k, v in src.items()}
        seen = set()
        super()._share_into(prefix, view, seen)
        to_file = {v: k for k, v in to_local.items()}
        used.update(to_file.get(k, k) for k in seen)

    # ---- the same network as cells --------------------------------------------------------

    def _unfuse(self):
        """The layer as a ``HybridSequentialRNNCell`` of cells (``l0_`` ..., ``BidirectionalCell``
        of ``l{i}_``/``r{i}_`` cells when bidirectional, a ``DropoutCell`` between layers when
        ``dropout`` > 0) that shares this layer's Parameters, so both compute the same function.
        Not available with a projection or state clipping (no cell has them).

        >>> from deepblocks import nd
        >>> from deepblocks.gluon import rnn
        >>> layer = rnn.GRU(3, num_layers=2, bidirectional=True, input_size=4)
        >>> stack = layer._unfuse()
        >>> stack
        HybridSequentialRNNCell(
        (0): BidirectionalCell(forward=GRUCell(4 -> 9), backward=GRUCell(4 -> 9))
        (1): BidirectionalCell(forward=GRUCell(6 -> 9), backward=GRUCell(6 -> 9))
        )
        >>> stack[0]._children['l_cell'].i2h_weight is layer.l0_i2h_weight
        True
        """
        from . import rnn_cell

        if self._projection_size:
            raise MXNetError(f"{self.name}: _unfuse does not support a projection layer (projection_size="
                             f"{self._projection_size})")
        if self._lstm_state_clip_min is not None or self._lstm_state_clip_max is not None:
            raise MXNetError(f"{self.name}: _unfuse does not support state clipping")
        if self._mode.startswith("rnn_"):
            def make(**kwargs):
                return rnn_cell.RNNCell(self._hidden_size, activation=self._mode[4:], **kwargs)
        else:
            cls = rnn_cell.LSTMCell if self._mode == "lstm" else rnn_cell.GRUCell

            def make(**kwargs):
                return cls(self._hidden_size, **kwargs)

        # Cells named l{i}_/r{i}_ under this prefix find the layer's own Parameters in the
        # shared dict, so no copy is made.
        stack = rnn_cell.HybridSequentialRNNCell(prefix=self.prefix, params=self.params)
        with stack.name_scope():
            n_in = self._input_size
            for i in range(self._num_layers):
                kwargs = dict(self._initializers, input_size=n_in)
                if self._dir == 2:
                    stack.add(rnn_cell.BidirectionalCell(make(prefix=f"l{i}_", **kwargs),
                                                         make(prefix=f"r{i}_", **kwargs)))
                else:
                    stack.add(make(prefix=f"l{i}_", **kwargs))
                if self._dropout > 0 and i != self._num_layers - 1:
                    stack.add(rnn_cell.DropoutCell(self._dropout))
                n_in = self._hidden_size * self._dir
        return stack

    # ---- shapes and states ------------------------------------------------------------------

    def infer_shape(self, inputs, *args, **kwargs):
        self._check_input(inputs)
        n_in = inputs.shape[2]
        self.l0_i2h_weight.shape = (self._gates * self._hidden_size, n_in)
        if self._dir == 2:
            self.r0_i2h_weight.shape = (self._gates * self._hidden_size, n_in)

    def _check_input(self, inputs):
        if not isinstance(inputs, _core.ndarray):
            raise TypeError(f"{self.name}: {self.__class__.__name__} expects an array input, got "
                            f"{type(inputs).__name__}")
        if inputs.ndim != 3:
            raise ValueError(f"{self.name}: {self.__class__.__name__} expects 3-D input in layout {self._layout} "
                             f"(sequence length, batch size, input size permuted as {self._layout}), got shape "
                             f"{inputs.shape}")

    def state_info(self, batch_size=0):
        """Shape, layout and dtype of each state: ``[h]``, or ``[h, c]`` for an LSTM."""
        n = self._num_layers * self._dir
        shapes = [(n, batch_size, self._projection_size or self._hidden_size)]
        if self._mode == "lstm":
            shapes.append((n, batch_size, self._hidden_size))
        return [{"shape": s, "__layout__": "LNC", "dtype": self._dtype} for s in shapes]

    def begin_state(self, batch_size=0, func=_nd.zeros, **kwargs):
        """The initial states: a list of ``func(name=..., shape=..., dtype=..., **kwargs)``
        arrays (zeros by default; ``kwargs`` such as ``ctx`` reach ``func``, and a ``func`` that
        does not take ``name`` or ``__layout__`` gets only what it takes)."""
        return _begin_states(func, self.state_info(batch_size), lambda i: f"{self.prefix}h0_{i}", kwargs)

    def cast(self, dtype):
        super().cast(dtype)
        self._dtype = dtype

    # ---- forward ----------------------------------------------------------------------------

    def forward(self, inputs, states=None, sequence_length=None):
        """Runs the layers over ``inputs``: the output alone when ``states`` is None (zeros are
        used), else ``(output, new_states)``."""
        self._check_input(inputs)
        batch = inputs.shape[self._layout.find("N")]
        skip_states = states is None
        if skip_states:
            states = self.begin_state(batch, ctx=inputs.ctx, dtype=inputs.dtype)
        if isinstance(states, _core.ndarray):
            states = [states]
        infos = self.state_info(batch)
        if len(states) != len(infos):
            raise ValueError(f"{self.name}: {self.__class__.__name__} expects {len(infos)} recurrent state(s), got "
                             f"{len(states)}")
        for state, info in zip(states, infos):
            if state.shape != info["shape"]:
                raise ValueError(f"Invalid recurrent state shape. Expecting {info['shape']}, got {state.shape}.")
        if self._use_sequence_length:
            if sequence_length is None:
                raise ValueError(f"{self.name}: use_sequence_length=True needs sequence_length (one length per "
                                 f"batch element)")
        elif sequence_length is not None:
            raise ValueError(f"{self.name}: sequence_length was given but the layer was created with "
                             f"use_sequence_length=False")
        n_in = self.l0_i2h_weight.shape[1]
        if inputs.shape[2] != n_in:
            raise ValueError(f"{self.name}: input shape {inputs.shape} has {inputs.shape[2]} features but the layer "
                             f"expects input_size={n_in}")
        out, new_states = self._forward_kernel(inputs, states, sequence_length)
        return out if skip_states else (out, new_states)

    def _forward_kernel(self, inputs, states, sequence_length):
        x = inputs.swapaxes(0, 1) if self._layout == "NTC" else inputs
        flat = _np.concatenate([param_value(self._reg_params[k], inputs).reshape(-1) for k in self._packed])
        result = _npx.rnn(x, flat, states[0], states[1] if self._mode == "lstm" else None, sequence_length,
                          mode=self._mode, state_size=self._hidden_size, num_layers=self._num_layers,
                          bidirectional=self._dir == 2, state_outputs=True, p=self._dropout,
                          use_sequence_length=self._use_sequence_length, projection_size=self._projection_size,
                          lstm_state_clip_min=self._lstm_state_clip_min,
                          lstm_state_clip_max=self._lstm_state_clip_max,
                          lstm_state_clip_nan=self._lstm_state_clip_nan)
        out, new_states = result[0], list(result[1:])
        if self._layout == "NTC":
            out = out.swapaxes(0, 1)
        return _like(inputs, out), [_like(inputs, s) for s in new_states]


class RNN(_RNNLayer):
    """A multi-layer Elman RNN: ``h_t = activation(W_i2h x_t + b_i2h + W_h2h h_{t-1} + b_h2h)``
    with ``activation`` 'relu' (the default, as in MXNet) or 'tanh'.

    Inputs: ``data`` of shape ``(time, batch, input_size)`` ('TNC'; ``(batch, time,
    input_size)`` for 'NTC') and optionally ``states``, one array ``(num_layers * directions,
    batch, hidden_size)`` (or a list of it). Output ``(time, batch, directions * hidden_size)``
    ('TNC'), plus the list of new states when ``states`` were given. ``dropout`` applies to
    the outputs of every layer but the last, in training.

    >>> from deepblocks import np, npx
    >>> from deepblocks.gluon import rnn
    >>> npx.set_np()
    >>> layer = rnn.RNN(100, 3)
    >>> layer.initialize()
    >>> out, hn = layer(np.random.uniform(size=(5, 3, 10)), np.zeros((3, 3, 100)))
    >>> out.shape, hn[0].shape
    ((5, 3, 100), (3, 3, 100))

    Parameters
    ----------
    hidden_size
        The number of features in the hidden state.
    num_layers
        The number of stacked recurrent layers.
    activation
        Nonlinearity of the hidden state: ``'relu'`` or ``'tanh'``.
    layout
        Axis order of the input and output: ``'TNC'`` (time, batch, features; the default) or
        ``'NTC'``.
    dropout
        Dropout rate applied to the outputs of each layer but the last (training only).
    bidirectional
        Whether to run a second, reversed-time direction and concatenate both outputs.
    i2h_weight_initializer
        Initializer of the input-to-hidden weights.
    h2h_weight_initializer
        Initializer of the hidden-to-hidden weights.
    i2h_bias_initializer
        Initializer of the input-to-hidden biases (zeros by default).
    h2h_bias_initializer
        Initializer of the hidden-to-hidden biases (zeros by default).
    input_size
        The number of input features; 0 (the default) leaves it to the first forward pass.
    dtype
        Data type of the parameters (``'float32'`` by default).
    """

    def __init__(self, hidden_size, num_layers=1, activation="relu", layout="TNC", dropout=0, bidirectional=False,
                 i2h_weight_initializer=None, h2h_weight_initializer=None, i2h_bias_initializer="zeros",
                 h2h_bias_initializer="zeros", input_size=0, dtype="float32", **kwargs):
        if activation not in ("relu", "tanh"):
            raise ValueError(f"RNN: activation must be 'relu' or 'tanh', got {activation!r}")
        super().__init__(hidden_size, num_layers, layout, dropout, bidirectional, input_size,
                         i2h_weight_initializer, h2h_weight_initializer, i2h_bias_initializer, h2h_bias_initializer,
                         "rnn_" + activation, None, None, None, None, False, dtype, **kwargs)


class LSTM(_RNNLayer):
    """A multi-layer LSTM: gates ``i, f, g, o`` from ``W_i2h x_t + b_i2h + W_h2h h_{t-1} +
    b_h2h``, ``c_t = sigmoid(f) * c_{t-1} + sigmoid(i) * tanh(g)``, ``h_t = sigmoid(o) *
    tanh(c_t)``.

    ``states`` is the list ``[h, c]``, each ``(num_layers * directions, batch, hidden_size)``
    (``h`` is ``projection_size`` wide with a projection: then ``h_t = W_h2r (sigmoid(o) *
    tanh(c_t))``). ``state_clip_min``/``state_clip_max`` clip the cell state after each step
    and ``state_clip_nan`` turns a NaN cell state into ``state_clip_min`` (cuDNN's clipping;
    MXNet's CPU kernel ignores these options).

    >>> from deepblocks import np, npx
    >>> from deepblocks.gluon import rnn
    >>> npx.set_np()
    >>> layer = rnn.LSTM(6, projection_size=3, input_size=4)
    >>> [p.shape for p in layer.collect_params().values()]
    [(24, 4), (24, 3), (24,), (24,), (3, 6)]
    >>> [info['shape'] for info in layer.state_info(2)]
    [(1, 2, 3), (1, 2, 6)]

    Parameters
    ----------
    hidden_size
        The number of features in the hidden state.
    num_layers
        The number of stacked recurrent layers.
    layout
        Axis order of the input and output: ``'TNC'`` (time, batch, features; the default) or
        ``'NTC'``.
    dropout
        Dropout rate applied to the outputs of each layer but the last (training only).
    bidirectional
        Whether to run a second, reversed-time direction and concatenate both outputs.
    input_size
        The number of input features; 0 (the default) leaves it to the first forward pass.
    i2h_weight_initializer
        Initializer of the input-to-hidden weights.
    h2h_weight_initializer
        Initializer of the hidden-to-hidden weights.
    i2h_bias_initializer
        Initializer of the input-to-hidden biases (zeros by default).
    h2h_bias_initializer
        Initializer of the hidden-to-hidden biases (zeros by default).
    projection_size
        Width of a learned projection of the hidden state (LSTMP); None for no projection.
    h2r_weight_initializer
        Initializer of the projection weights (with ``projection_size``).
    state_clip_min
        Lower bound the cell state is clipped to after each step (None: no clipping).
    state_clip_max
        Upper bound the cell state is clipped to after each step (None: no clipping).
    state_clip_nan
        Whether NaN cell-state values are replaced by the clipping bounds.
    dtype
        Data type of the parameters (``'float32'`` by default).
    """

    def __init__(self, hidden_size, num_layers=1, layout="TNC", dropout=0, bidirectional=False, input_size=0,
                 i2h_weight_initializer=None, h2h_weight_initializer=None, i2h_bias_initializer="zeros",
                 h2h_bias_initializer="zeros", projection_size=None, h2r_weight_initializer=None,
                 state_clip_min=None, state_clip_max=None, state_clip_nan=False, dtype="float32", **kwargs):
        super().__init__(hidden_size, num_layers, layout, dropout, bidirectional, input_size,
                         i2h_weight_initializer, h2h_weight_initializer, i2h_bias_initializer, h2h_bias_initializer,
                         "lstm", projection_size, h2r_weight_initializer, state_clip_min, state_clip_max,
                         state_clip_nan, dtype, **kwargs)


class GRU(_RNNLayer):
    """A multi-layer GRU, cuDNN's variant: gates ``r, z, n`` with ``n = tanh(W_in x_t + b_in +
    r * (W_hn h_{t-1} + b_hn))`` and ``h_t = (1 - z) * n + z * h_{t-1}``.

    >>> from deepblocks import np, npx
    >>> from deepblocks.gluon import rnn
    >>> npx.set_np()
    >>> layer = rnn.GRU(5, layout='NTC', bidirectional=True)
    >>> layer.initialize()
    >>> layer(np.ones((2, 7, 3))).shape
    (2, 7, 10)

    Parameters
    ----------
    hidden_size
        The number of features in the hidden state.
    num_layers
        The number of stacked recurrent layers.
    layout
        Axis order of the input and output: ``'TNC'`` (time, batch, features; the default) or
        ``'NTC'``.
    dropout
        Dropout rate applied to the outputs of each layer but the last (training only).
    bidirectional
        Whether to run a second, reversed-time direction and concatenate both outputs.
    input_size
        The number of input features; 0 (the default) leaves it to the first forward pass.
    i2h_weight_initializer
        Initializer of the input-to-hidden weights.
    h2h_weight_initializer
        Initializer of the hidden-to-hidden weights.
    i2h_bias_initializer
        Initializer of the input-to-hidden biases (zeros by default).
    h2h_bias_initializer
        Initializer of the hidden-to-hidden biases (zeros by default).
    dtype
        Data type of the parameters (``'float32'`` by default).
    """

    def __init__(self, hidden_size, num_layers=1, layout="TNC", dropout=0, bidirectional=False, input_size=0,
                 i2h_weight_initializer=None, h2h_weight_initializer=None, i2h_bias_initializer="zeros",
                 h2h_bias_initializer="zeros", dtype="float32", **kwargs):
        super().__init__(hidden_size, num_layers, layout, dropout, bidirectional, input_size,
                         i2h_weight_initializer, h2h_weight_initializer, i2h_bias_initializer, h2h_bias_initializer,
                         "gru", None, None, None, None, False, dtype, **kwargs)

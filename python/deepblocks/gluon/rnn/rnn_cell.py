"""Recurrent cells: one time step per call (``cell(inputs, states) -> (output, new_states)``)
and ``unroll`` over a sequence. ``RNNCell``, ``LSTMCell`` and ``GRUCell`` compute; the
others combine cells: ``SequentialRNNCell``/``HybridSequentialRNNCell`` stack them,
``BidirectionalCell`` runs two over the sequence in opposite directions, ``DropoutCell``
drops inputs out, and the modifier cells ``ZoneoutCell`` and ``ResidualCell`` wrap one.
Signatures, parameter names (``lstm0_i2h_weight``), states and printouts are MXNet 1.9's;
the cells also work in numpy mode (MXNet 1.9's need legacy NDArrays), answering arrays of
the inputs' kind.

>>> from deepblocks import np, npx
>>> from deepblocks.gluon import rnn
>>> npx.set_np()
>>> cell = rnn.LSTMCell(4)
>>> cell.initialize()
>>> out, states = cell(np.ones((2, 3)), cell.begin_state(batch_size=2))
>>> out.shape, [s.shape for s in states]
((2, 4), [(2, 4), (2, 4)])
>>> outputs, states = cell.unroll(5, np.ones((2, 5, 3)), layout='NTC', merge_outputs=True)
>>> outputs.shape
(2, 5, 4)
>>> cell
LSTMCell(3 -> 16)
"""

import inspect
import numbers

from ... import _core
from ... import autograd
from ... import ndarray as _nd
from ... import numpy as _np
from ... import numpy_extension as _npx
from ...base import MXNetError
from ...numpy_extension.nn import _flat2d
from ...numpy_extension.rnn import _tie
from ...util import is_np_array
from ..block import Block, HybridBlock, _indent
from ..nn.activations import ACTIVATIONS, LeakyReLU
from ..nn._checks import check_count
from ..nn.basic_layers import param_value

__all__ = ["RecurrentCell", "HybridRecurrentCell", "RNNCell", "LSTMCell", "GRUCell", "SequentialRNNCell",
           "HybridSequentialRNNCell", "DropoutCell", "ModifierCell", "ZoneoutCell", "ResidualCell",
           "BidirectionalCell"]


# ---- array kinds ---------------------------------------------------------------------------


def _plain(x):
    """A numpy-mode view of ``x`` (free for a legacy NDArray): the arithmetic below follows
    NumPy whatever kind came in."""
    return x if type(x) is _core.ndarray else _core.ndarray(x)


def _is_legacy(x):
    if isinstance(x, (list, tuple)):
        x = x[0] if x else None
    return isinstance(x, _core.ndarray) and type(x) is not _core.ndarray


def _like(source, result):
    """``result`` (an array or a list of arrays) as the kind of ``source``."""
    if isinstance(result, list):
        return [_like(source, r) for r in result]
    return _core._as_legacy(result) if _is_legacy(source) else result


def _as_kind(legacy, result):
    if isinstance(result, list):
        return [_as_kind(legacy, r) for r in result]
    return _core._as_legacy(result) if legacy else _plain(result)


# ---- states --------------------------------------------------------------------------------


def _call_state_func(func, kwargs):
    """``func(**kwargs)`` with only the keywords ``func`` takes (all of them if it takes
    ``**kwargs``): MXNet passes ``name`` and ``__layout__``, which ``np.zeros`` does not take."""
    try:
        params = inspect.signature(func).parameters.values()
    except (TypeError, ValueError):
        return func(**kwargs)
    if not any(p.kind is p.VAR_KEYWORD for p in params):
        names = {p.name for p in params if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)}
        kwargs = {k: v for k, v in kwargs.items() if k in names}
    return func(**kwargs)


def _begin_states(func, infos, name_of, kwargs):
    """One state per ``state_info`` entry: ``func(name=name_of(i), **info, **kwargs)`` (numpy
    arrays in numpy mode)."""
    if func is None:
        func = _nd.zeros
    states = []
    for i, info in enumerate(infos):
        info = dict(info or {})
        info.update(kwargs)
        state = _call_state_func(func, dict(name=name_of(i), **info))
        if is_np_array() and _is_legacy(state):
            state = state.as_np_ndarray()
        states.append(state)
    return states


def _cells_state_info(cells, batch_size):
    return [info for c in cells for info in c.state_info(batch_size)]


def _cells_begin_state(cells, **kwargs):
    return [s for c in cells for s in c.begin_state(**kwargs)]


def _get_begin_state(cell, begin_state, inputs, batch_size):
    if begin_state is not None:
        return begin_state
    first = inputs if isinstance(inputs, _core.ndarray) else inputs[0]
    return cell.begin_state(batch_size=batch_size, ctx=first.ctx, dtype=first.dtype)


def _check_state(state, want):
    if tuple(state.shape) != want:
        raise ValueError(f"Invalid recurrent state shape. Expecting {want}, got {tuple(state.shape)}.")


# ---- sequences -----------------------------------------------------------------------------


def _step(x, axis, t):
    return x[(slice(None),) * axis + (t,)]


def _format_sequence(length, inputs, layout, merge):
    """``inputs`` (one array in ``layout``, or a list of per-step ``(batch, ...)`` arrays) as a
    list of numpy-mode steps (``merge=False``), one array (``merge=True``) or as it came
    (``None``). Returns ``(inputs, time axis, batch size)``."""
    if inputs is None:
        raise ValueError("unroll(inputs=None) has been deprecated. Please create input variables outside unroll.")
    axis, batch_axis = layout.find("T"), layout.find("N")
    if isinstance(inputs, _core.ndarray):
        x = _plain(inputs)
        if x.ndim < 3:
            raise ValueError(f"unroll: inputs in layout {layout} must have at least 3 dimensions, got shape {x.shape}")
        if length is not None and length != x.shape[axis]:
            raise ValueError(f"unroll: length={length} does not match the time axis ({axis}) of input shape {x.shape}")
        batch = x.shape[batch_axis]
        if merge is False:
            return [_step(x, axis, t) for t in range(x.shape[axis])], axis, batch
        return x, axis, batch
    steps = [_plain(s) for s in inputs]
    if length is not None and len(steps) != length:
        raise ValueError(f"unroll: length={length} but {len(steps)} input steps were given")
    batch = steps[0].shape[0] if steps else 0
    if merge is True:
        return _np.stack(steps, axis=axis), axis, batch
    return steps, axis, batch


def _valid(valid_length):
    return _plain(valid_length).astype("int64")


def _mask_sequence_variable_length(data, valid_length, time_axis, merge):
    """Zeros every step at or past each sequence's valid length (MXNet's ``SequenceMask``)."""
    if not isinstance(data, _core.ndarray):
        data = _np.stack(data, axis=time_axis)
    steps, batch = data.shape[time_axis], data.shape[1 - time_axis]
    keep = _np.arange(steps, dtype="int64", ctx=data.ctx).reshape(steps, 1) < _valid(valid_length).reshape(1, batch)
    if time_axis == 1:
        keep = keep.T
    keep = keep.reshape(keep.shape + (1,) * (data.ndim - 2))
    out = _core.where_(keep, data, _np.zeros((), dtype=data.dtype, ctx=data.ctx))
    if not merge:
        return [_step(out, time_axis, t) for t in range(steps)]
    return out


def _gather_rows(stacked, rows):
    """``stacked[rows[t, b], b]`` for a ``(T, N, ...)`` array and ``(T', N)`` int64 rows."""
    steps, batch = stacked.shape[0], stacked.shape[1]
    flat = stacked.reshape((steps * batch,) + stacked.shape[2:])
    idx = rows * batch + _np.arange(batch, dtype="int64", ctx=stacked.ctx).reshape(1, batch)
    return _core.take(flat, idx.reshape(-1), 0).reshape((rows.shape[0], batch) + stacked.shape[2:])


def _sequence_last(begin, all_states, valid_length):
    """The states after each sequence's last valid step (the begin state for length 0)."""
    steps = len(all_states)
    last = _valid(valid_length).clip(0, steps).reshape(1, -1)
    return [_gather_rows(_np.stack([_plain(b)] + [_plain(s[j]) for s in all_states]), last)[0]
            for j, b in enumerate(begin)]


def _reverse_sequences(sequences, valid_length=None):
    """The steps in reverse order; with ``valid_length`` each sequence is reversed within its
    length and its padding stays in place (MXNet's ``SequenceReverse``)."""
    if valid_length is None:
        return list(reversed(sequences))
    stacked = _np.stack(sequences)
    steps = stacked.shape[0]
    t = _np.arange(steps, dtype="int64", ctx=stacked.ctx).reshape(steps, 1)
    n = _valid(valid_length).reshape(1, -1)
    rows = _core.where_(t < n, n - 1 - t, t)
    out = _gather_rows(stacked, rows)
    return [out[i] for i in range(steps)]


# ---- base classes ------------------------------------------------------------------------


class RecurrentCell(Block):
    """Base class of the recurrent cells: ``state_info``, ``begin_state``, ``unroll`` and a
    one-step ``forward(inputs, states) -> (output, new_states)``.

    ``prefix`` names the cell's parameters; ``params`` shares another cell's.
    """

    def __init__(self, prefix=None, params=None):
        super().__init__(prefix=prefix, params=params)
        self._modified = False
        self.reset()

    def reset(self):
        """Resets the step counters (before reusing the cell on a new sequence)."""
        self._init_counter = -1
        self._counter = -1
        for cell in self._children.values():
            cell.reset()

    def state_info(self, batch_size=0):
        """Shape and layout of each state."""
        raise NotImplementedError()

    def _check_unmodified(self, what="ZoneoutCell"):
        if self._modified:
            raise MXNetError(f"After applying modifier cells (e.g. {what}) the base cell cannot be called directly. "
                             "Call the modifier cell instead.")

    def begin_state(self, batch_size=0, func=_nd.zeros, **kwargs):
        """The initial states: a list of ``func(name=..., shape=..., **kwargs)`` (zeros by
        default; ``kwargs`` such as ``ctx`` and ``dtype`` reach ``func``)."""
        self._check_unmodified()

        def name_of(_):
            self._init_counter += 1
            return f"{self.prefix}begin_state_{self._init_counter}"

        return _begin_states(func, self.state_info(batch_size), name_of, kwargs)

    def unroll(self, length, inputs, begin_state=None, layout="NTC", merge_outputs=None, valid_length=None):
        """Runs the cell over ``length`` steps of ``inputs`` (one array in ``layout`` or a list
        of ``(batch, ...)`` steps). Returns ``(outputs, states)``: outputs as one array in
        ``layout`` (``merge_outputs=True``) or a list of steps (False; None gives a list,
        or an array when ``valid_length`` is given). With ``valid_length`` (one length per
        batch element) outputs past each length are 0 and the states are those of each
        sequence's last valid step."""
        self.reset()
        legacy = _is_legacy(inputs)
        inputs, axis, batch = _format_sequence(length, inputs, layout, False)
        begin = _get_begin_state(self, begin_state, inputs, batch)
        states = begin
        outputs, all_states = [], []
        for x in inputs:
            output, states = self(x, states)
            outputs.append(output)
            if valid_length is not None:
                all_states.append(states)
        if valid_length is not None:
            states = _sequence_last(begin, all_states, valid_length)
            outputs = _tie(_mask_sequence_variable_length(outputs, valid_length, axis, True), states)
        outputs, _, _ = _format_sequence(length, outputs, layout, merge_outputs)
        return _as_kind(legacy, outputs), _as_kind(legacy, list(states))

    def _get_activation(self, x, activation):
        """``activation`` applied to ``x``: an activation name, a ``LeakyReLU`` block or a function."""
        if isinstance(activation, str):
            return _npx.activation(x, activation)
        if isinstance(activation, LeakyReLU):
            return _npx.leaky_relu(x, "leaky", slope=activation._alpha)
        return activation(x)

    def forward(self, inputs, states):
        """One step: ``(output, new_states)``. Cells written MXNet-1.x style implement
        ``hybrid_forward(F, inputs, states, **params)`` instead."""
        self._counter += 1
        return super().forward(inputs, states)


class HybridRecurrentCell(RecurrentCell, HybridBlock):
    """A recurrent cell that can be hybridized (deepblocks runs it eagerly either way).

    Parameters
    ----------
    prefix
        Display-name prefix of the parameters (default: the class name and a counter, e.g.
        ``hybridrecurrentcell0_``).
    params
        A ``ParameterDict`` whose Parameters this Block shares (``params=other.params``).
    """

    def __init__(self, prefix=None, params=None):
        super().__init__(prefix=prefix, params=params)

    def hybrid_forward(self, F, x, *args, **kwargs):
        raise NotImplementedError


# ---- cells that compute --------------------------------------------------------------------


class _GatedCell(HybridRecurrentCell):
    """The computing cells' common part: the four parameters, deferred input size, the two
    projections ``i2h``/``h2h`` of one step and the printout."""

    _num_gates = 1
    _num_states = 1

    def __init__(self, hidden_size, i2h_weight_initializer, h2h_weight_initializer, i2h_bias_initializer,
                 h2h_bias_initializer, input_size, prefix, params):
        hidden_size = check_count(type(self).__name__, "hidden_size", hidden_size)
        input_size = check_count(type(self).__name__, "input_size", input_size, minimum=0)
        super().__init__(prefix=prefix, params=params)
        self._hidden_size = hidden_size
        self._input_size = input_size
        rows = self._num_gates * hidden_size
        self.i2h_weight = self.params.get("i2h_weight", shape=(rows, input_size), init=i2h_weight_initializer,
                                          allow_deferred_init=True)
        self.h2h_weight = self.params.get("h2h_weight", shape=(rows, hidden_size), init=h2h_weight_initializer,
                                          allow_deferred_init=True)
        self.i2h_bias = self.params.get("i2h_bias", shape=(rows,), init=i2h_bias_initializer,
                                        allow_deferred_init=True)
        self.h2h_bias = self.params.get("h2h_bias", shape=(rows,), init=h2h_bias_initializer,
                                        allow_deferred_init=True)

    def state_info(self, batch_size=0):
        return [{"shape": (batch_size, self._hidden_size), "__layout__": "NC"} for _ in range(self._num_states)]

    def infer_shape(self, inputs, *args):
        x = _flat2d(inputs) if inputs.ndim != 2 else inputs
        self.i2h_weight.shape = (self._num_gates * self._hidden_size, x.shape[1])

    def _mapping(self):
        shape = self.i2h_weight.shape
        return f"{shape[1] if shape[1] else None} -> {shape[0]}"

    def __repr__(self):
        return f"{self.__class__.__name__}({self._mapping()})"

    def _projections(self, inputs, states):
        """``(x, i2h, h2h, plain states)`` for one step, checked."""
        x = _plain(inputs)
        if x.ndim != 2:
            x = _flat2d(x)
        if not isinstance(states, (list, tuple)):
            states = [states]
        if len(states) != self._num_states:
            raise ValueError(f"{self.name}: {self.__class__.__name__} expects {self._num_states} state(s), "
                             f"got {len(states)}")
        states = [_plain(s) for s in states]
        for s in states:
            _check_state(s, (x.shape[0], self._hidden_size))
        w = param_value(self.i2h_weight, x)
        if x.shape[1] != w.shape[1]:
            raise ValueError(f"{self.name}: input shape {tuple(inputs.shape)} does not fit i2h_weight shape "
                             f"{w.shape} (expected {w.shape[1]} input features)")
        i2h = _core.linear(x, w, param_value(self.i2h_bias, x))
        h2h = _core.linear(states[0], param_value(self.h2h_weight, x), param_value(self.h2h_bias, x))
        return i2h, h2h, states


def _check_activation(owner, name, activation):
    """An activation name MXNet's Activation knows, or a callable (a block, a function)."""
    if isinstance(activation, str):
        if activation not in ACTIVATIONS:
            raise ValueError(f"{owner}: unknown {name} {activation!r} ({', '.join(ACTIVATIONS)}, or a function)")
    elif not callable(activation):
        raise TypeError(f"{owner}: {name} must be an activation name or a function, got {type(activation).__name__}")


class RNNCell(_GatedCell):
    """An Elman RNN cell: ``h_t = activation(W_i2h x_t + b_i2h + W_h2h h_{t-1} + b_h2h)``.

    ``activation`` is an activation name ('tanh', the default, 'relu', 'sigmoid',
    'softsign', 'softrelu'), a ``LeakyReLU`` block or a function. One state, ``(batch,
    hidden_size)``.

    >>> from deepblocks import np, npx
    >>> from deepblocks.gluon import rnn
    >>> npx.set_np()
    >>> cell = rnn.RNNCell(3, activation='relu', input_size=2)
    >>> cell.initialize(init='ones')
    >>> out, [h] = cell(np.ones((1, 2)), [np.ones((1, 3))])
    >>> out
    array([[5., 5., 5.]])

    Parameters
    ----------
    hidden_size
        The number of features in the hidden state.
    activation
        Nonlinearity of the hidden state: ``'relu'`` or ``'tanh'``.
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
    prefix
        Display-name prefix of the parameters (default: the class name and a counter, e.g.
        ``rnncell0_``).
    params
        A ``ParameterDict`` whose Parameters this Block shares (``params=other.params``).
    """

    def __init__(self, hidden_size, activation="tanh", i2h_weight_initializer=None, h2h_weight_initializer=None,
                 i2h_bias_initializer="zeros", h2h_bias_initializer="zeros", input_size=0, prefix=None, params=None):
        _check_activation("RNNCell", "activation", activation)
        super().__init__(hidden_size, i2h_weight_initializer, h2h_weight_initializer, i2h_bias_initializer,
                         h2h_bias_initializer, input_size, prefix, params)
        self._activation = activation

    def _alias(self):
        return "rnn"

    def __repr__(self):
        return f"{self.__class__.__name__}({self._mapping()}, {self._activation})"

    def forward(self, inputs, states):
        self._counter += 1
        i2h, h2h, _ = self._projections(inputs, states)
        act = self._activation
        if isinstance(act, str):
            out = _npx.rnn_cell(i2h, h2h, act)
        else:
            out = self._get_activation(i2h + h2h, act)
        out = _like(inputs, out)
        return out, [out]


class LSTMCell(_GatedCell):
    """A long short-term memory cell: gates ``i, f, g, o`` from ``W_i2h x_t + b_i2h + W_h2h
    h_{t-1} + b_h2h``, ``c_t = sigmoid(f) * c_{t-1} + sigmoid(i) * tanh(g)`` and ``h_t =
    sigmoid(o) * tanh(c_t)`` (``activation`` replaces tanh, ``recurrent_activation``
    sigmoid). Two states, ``[h, c]``, each ``(batch, hidden_size)``; the output is ``h_t``.

    >>> from deepblocks import np, npx
    >>> from deepblocks.gluon import rnn
    >>> npx.set_np()
    >>> cell = rnn.LSTMCell(2, input_size=3)
    >>> cell.initialize(init='zeros')
    >>> out, [h, c] = cell(np.ones((1, 3)), [np.zeros((1, 2)), np.ones((1, 2))])
    >>> c
    array([[0.5, 0.5]])

    Parameters
    ----------
    hidden_size
        The number of features in the hidden state.
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
    prefix
        Display-name prefix of the parameters (default: the class name and a counter, e.g.
        ``lstmcell0_``).
    params
        A ``ParameterDict`` whose Parameters this Block shares (``params=other.params``).
    activation
        Activation of the cell input and output (``'tanh'`` by default).
    recurrent_activation
        Activation of the gates (``'sigmoid'`` by default).
    """

    _num_gates = 4
    _num_states = 2

    def __init__(self, hidden_size, i2h_weight_initializer=None, h2h_weight_initializer=None,
                 i2h_bias_initializer="zeros", h2h_bias_initializer="zeros", input_size=0, prefix=None, params=None,
                 activation="tanh", recurrent_activation="sigmoid"):
        _check_activation("LSTMCell", "activation", activation)
        _check_activation("LSTMCell", "recurrent_activation", recurrent_activation)
        super().__init__(hidden_size, i2h_weight_initializer, h2h_weight_initializer, i2h_bias_initializer,
                         h2h_bias_initializer, input_size, prefix, params)
        self._activation = activation
        self._recurrent_activation = recurrent_activation

    def _alias(self):
        return "lstm"

    def forward(self, inputs, states):
        self._counter += 1
        i2h, h2h, (_, c) = self._projections(inputs, states)
        if self._activation == "tanh" and self._recurrent_activation == "sigmoid":
            h, c = _npx.lstm_cell(i2h, h2h, c)
        else:
            h, c = self._custom_step(i2h + h2h, c)
        h, c = _like(inputs, h), _like(inputs, c)
        return h, [h, c]

    def _custom_step(self, gates, c):
        n = self._hidden_size
        i, f, g, o = (gates[:, k * n:(k + 1) * n] for k in range(4))
        rec = self._recurrent_activation
        c = self._get_activation(f, rec) * c + self._get_activation(i, rec) * self._get_activation(g, self._activation)
        return self._get_activation(o, rec) * self._get_activation(c, self._activation), c


class GRUCell(_GatedCell):
    """A gated recurrent unit cell, cuDNN's variant: gates ``r, z, n`` with ``n = tanh(W_in x_t
    + b_in + r * (W_hn h_{t-1} + b_hn))`` and ``h_t = (1 - z) * n + z * h_{t-1}``. One state,
    ``(batch, hidden_size)``.

    >>> from deepblocks import np, npx
    >>> from deepblocks.gluon import rnn
    >>> npx.set_np()
    >>> cell = rnn.GRUCell(2, input_size=3)
    >>> cell.initialize(init='zeros')
    >>> cell(np.ones((1, 3)), [np.full((1, 2), 4.0)])[0]
    array([[2., 2.]])

    Parameters
    ----------
    hidden_size
        The number of features in the hidden state.
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
    prefix
        Display-name prefix of the parameters (default: the class name and a counter, e.g.
        ``grucell0_``).
    params
        A ``ParameterDict`` whose Parameters this Block shares (``params=other.params``).
    """

    _num_gates = 3

    def __init__(self, hidden_size, i2h_weight_initializer=None, h2h_weight_initializer=None,
                 i2h_bias_initializer="zeros", h2h_bias_initializer="zeros", input_size=0, prefix=None, params=None):
        super().__init__(hidden_size, i2h_weight_initializer, h2h_weight_initializer, i2h_bias_initializer,
                         h2h_bias_initializer, input_size, prefix, params)

    def _alias(self):
        return "gru"

    def forward(self, inputs, states):
        self._counter += 1
        i2h, h2h, (h,) = self._projections(inputs, states)
        out = _like(inputs, _npx.gru_cell(i2h, h2h, h))
        return out, [out]


# ---- cells that combine cells ------------------------------------------------------------


def _stack_repr(cell):
    body = "\n".join(f"({i}): {_indent(repr(m), 2)}" for i, m in cell._children.items())
    return f"{cell.__class__.__name__}(\n{body}\n)"


class _Stack:
    """The sequential cells' common part (MXNet has two classes, one hybrid)."""

    def __repr__(self):
        return _stack_repr(self)

    def add(self, cell):
        """Appends a cell to the stack."""
        self.register_child(cell)

    def state_info(self, batch_size=0):
        return _cells_state_info(self._children.values(), batch_size)

    def begin_state(self, **kwargs):
        self._check_unmodified()
        return _cells_begin_state(self._children.values(), **kwargs)

    def forward(self, inputs, states):
        self._counter += 1
        if any(isinstance(c, BidirectionalCell) for c in self._children.values()):
            raise NotImplementedError("Bidirectional cannot be stepped. Please use unroll")
        next_states, p = [], 0
        for cell in self._children.values():
            n = len(cell.state_info())
            inputs, state = cell(inputs, states[p:p + n])
            p += n
            next_states.extend(state)
        return inputs, next_states

    def unroll(self, length, inputs, begin_state=None, layout="NTC", merge_outputs=None, valid_length=None):
        self.reset()
        legacy = _is_legacy(inputs)
        inputs, _, batch = _format_sequence(length, inputs, layout, None)
        begin_state = _get_begin_state(self, begin_state, inputs, batch)
        cells = list(self._children.values())
        p, next_states = 0, []
        for i, cell in enumerate(cells):
            n = len(cell.state_info())
            inputs, states = cell.unroll(length, inputs=inputs, begin_state=begin_state[p:p + n], layout=layout,
                                         merge_outputs=None if i < len(cells) - 1 else merge_outputs,
                                         valid_length=valid_length)
            p += n
            next_states.extend(states)
        return _as_kind(legacy, inputs), _as_kind(legacy, next_states)

    def __getitem__(self, i):
        return self._children[str(i)]

    def __len__(self):
        return len(self._children)


class SequentialRNNCell(_Stack, RecurrentCell):  # type: ignore[misc]  # _Stack's begin_state wins
    """Stacks cells: each step runs them in order, the states of all concatenated.

    >>> from deepblocks import np, npx
    >>> from deepblocks.gluon import rnn
    >>> npx.set_np()
    >>> stack = rnn.SequentialRNNCell()
    >>> with stack.name_scope():
    ...     stack.add(rnn.LSTMCell(4))
    ...     stack.add(rnn.GRUCell(3))
    >>> stack.initialize()
    >>> outputs, states = stack.unroll(6, np.ones((2, 6, 5)), merge_outputs=True)
    >>> outputs.shape, [s.shape for s in states]
    ((2, 6, 3), [(2, 4), (2, 4), (2, 3)])

    Parameters
    ----------
    prefix
        Display-name prefix of the parameters (default: the class name and a counter, e.g.
        ``sequentialrnncell0_``).
    params
        A ``ParameterDict`` whose Parameters this Block shares (``params=other.params``).
    """

    def __init__(self, prefix=None, params=None):
        super().__init__(prefix=prefix, params=params)


class HybridSequentialRNNCell(_Stack, HybridRecurrentCell):  # type: ignore[misc]  # as above
    """``SequentialRNNCell`` for hybrid cells.

    Parameters
    ----------
    prefix
        Display-name prefix of the parameters (default: the class name and a counter, e.g.
        ``hybridsequentialrnncell0_``).
    params
        A ``ParameterDict`` whose Parameters this Block shares (``params=other.params``).
    """

    def __init__(self, prefix=None, params=None):
        super().__init__(prefix=prefix, params=params)


class DropoutCell(HybridRecurrentCell):
    """Drops inputs out with probability ``rate`` in training (the states pass through);
    ``axes`` share one mask along those axes.

    Parameters
    ----------
    rate
        The probability that an element of the step's output is set to zero during training.
    axes
        Axes along which the same dropout mask is shared (broadcast); empty for an independent mask
        per element.
    prefix
        Display-name prefix of the parameters (default: the class name and a counter, e.g.
        ``dropoutcell0_``).
    params
        A ``ParameterDict`` whose Parameters this Block shares (``params=other.params``).
    """

    def __init__(self, rate, axes=(), prefix=None, params=None):
        super().__init__(prefix, params)
        if not isinstance(rate, numbers.Number) or isinstance(rate, bool):
            raise TypeError(f"rate must be a number, got {type(rate).__name__}")
        self._rate = rate
        self._axes = axes

    def __repr__(self):
        return f"{self.__class__.__name__}(rate={self._rate}, axes={self._axes})"

    def state_info(self, batch_size=0):
        return []

    def _alias(self):
        return "dropout"

    def forward(self, inputs, states):
        self._counter += 1
        if self._rate > 0:
            inputs = _npx.dropout(inputs, p=self._rate, axes=self._axes)
        return inputs, states

    def unroll(self, length, inputs, begin_state=None, layout="NTC", merge_outputs=None, valid_length=None):
        self.reset()
        legacy = _is_legacy(inputs)
        inputs, _, _ = _format_sequence(length, inputs, layout, merge_outputs)
        if isinstance(inputs, _core.ndarray):
            out, states = self.forward(inputs, begin_state if begin_state else [])
            return _as_kind(legacy, out), states
        return super().unroll(length, _as_kind(legacy, inputs), begin_state=begin_state, layout=layout,
                              merge_outputs=merge_outputs, valid_length=None)


class ModifierCell(HybridRecurrentCell):
    """Base class of the cells that wrap a cell and change what it does (``ZoneoutCell``,
    ``ResidualCell``). The wrapped cell must then be used only through the modifier.

    Parameters
    ----------
    base_cell
        The cell this one wraps.
    """

    def __init__(self, base_cell):
        if base_cell._modified:
            raise ValueError(f"Cell {base_cell.name} is already modified. One cell cannot be modified twice")
        base_cell._modified = True
        super().__init__(prefix=base_cell.prefix + self._alias(), params=None)
        self.base_cell = base_cell

    @property
    def params(self):
        return self.base_cell.params

    def state_info(self, batch_size=0):
        return self.base_cell.state_info(batch_size)

    def begin_state(self, func=_nd.zeros, **kwargs):
        self._check_unmodified("DropoutCell")
        self.base_cell._modified = False
        try:
            return self.base_cell.begin_state(func=func, **kwargs)
        finally:
            self.base_cell._modified = True

    def hybrid_forward(self, F, inputs, states):
        raise NotImplementedError

    def __repr__(self):
        return f"{self.__class__.__name__}({self.base_cell!r})"


class ZoneoutCell(ModifierCell):
    """Zoneout (Krueger et al., 2016): in training each output and state element keeps its
    previous value with probability ``zoneout_outputs`` / ``zoneout_states``.

    Parameters
    ----------
    base_cell
        The cell this one wraps.
    """

    def __init__(self, base_cell, zoneout_outputs=0.0, zoneout_states=0.0):
        if isinstance(base_cell, BidirectionalCell):
            raise ValueError("BidirectionalCell doesn't support zoneout since it doesn't support step. "
                             "Please add ZoneoutCell to the cells underneath instead.")
        super().__init__(base_cell)
        self.zoneout_outputs = zoneout_outputs
        self.zoneout_states = zoneout_states
        self._prev_output = None

    def __repr__(self):
        return (f"{self.__class__.__name__}(p_out={self.zoneout_outputs}, p_state={self.zoneout_states}, "
                f"{self.base_cell!r})")

    def _alias(self):
        return "zoneout"

    def reset(self):
        super().reset()
        self._prev_output = None

    @staticmethod
    def _keep_new(p, like):
        """A mask that keeps the new value with probability ``1 - p`` in training (always in
        prediction)."""
        if p == 0 or not autograd.is_training():
            return None
        return _np.random.uniform(0, 1, like.shape, dtype=like.dtype, ctx=like.ctx) >= p

    def forward(self, inputs, states):
        self._counter += 1
        output, new_states = self.base_cell(inputs, states)
        prev = self._prev_output
        if prev is None:
            prev = _np.zeros(output.shape, dtype=output.dtype, ctx=output.ctx)
        keep = self._keep_new(self.zoneout_outputs, output)
        if keep is not None:
            output = _like(inputs, _core.where_(keep, _plain(output), _plain(prev)))
        mixed = []
        for new, old in zip(new_states, states):
            keep = self._keep_new(self.zoneout_states, new)
            mixed.append(new if keep is None else _like(inputs, _core.where_(keep, _plain(new), _plain(old))))
        if self.zoneout_states:
            output = _like(inputs, _tie(_plain(output), [_plain(m) for m in mixed]))
        self._prev_output = output
        return output, mixed


class ResidualCell(ModifierCell):
    """Adds the input to the wrapped cell's output (Wu et al., 2016).

    Parameters
    ----------
    base_cell
        The cell this one wraps.
    """

    def __init__(self, base_cell):
        super().__init__(base_cell)

    def forward(self, inputs, states):
        self._counter += 1
        output, states = self.base_cell(inputs, states)
        return _like(inputs, _plain(output) + _plain(inputs)), states

    def unroll(self, length, inputs, begin_state=None, layout="NTC", merge_outputs=None, valid_length=None):
        self.reset()
        legacy = _is_legacy(inputs)
        self.base_cell._modified = False
        try:
            outputs, states = self.base_cell.unroll(length, inputs=inputs, begin_state=begin_state, layout=layout,
                                                    merge_outputs=merge_outputs, valid_length=valid_length)
        finally:
            self.base_cell._modified = True
        merge = isinstance(outputs, _core.ndarray) if merge_outputs is None else merge_outputs
        inputs, axis, _ = _format_sequence(length, inputs, layout, merge)
        if valid_length is not None:
            inputs = _mask_sequence_variable_length(inputs, valid_length, axis, merge)
        if merge:
            outputs = _plain(outputs) + inputs
        else:
            outputs = [_plain(o) + i for o, i in zip(outputs, inputs)]
        return _as_kind(legacy, outputs), states


class BidirectionalCell(HybridRecurrentCell):
    """Runs ``l_cell`` forward and ``r_cell`` backward over the sequence and concatenates
    their outputs on the feature axis (``unroll`` only: it cannot be stepped). The states are
    ``l_cell``'s followed by ``r_cell``'s.

    >>> from deepblocks import np, npx
    >>> from deepblocks.gluon import rnn
    >>> npx.set_np()
    >>> bi = rnn.BidirectionalCell(rnn.GRUCell(3), rnn.GRUCell(3))
    >>> bi.initialize()
    >>> outputs, states = bi.unroll(4, np.ones((4, 2, 5)), layout='TNC', merge_outputs=True)
    >>> outputs.shape, len(states)
    ((4, 2, 6), 2)

    Parameters
    ----------
    output_prefix
        Prefix of the output names (MXNet's symbolic naming; kept for compatibility).
    """

    def __init__(self, l_cell, r_cell, output_prefix="bi_"):
        super().__init__(prefix="", params=None)
        self.register_child(l_cell, "l_cell")
        self.register_child(r_cell, "r_cell")
        self._output_prefix = output_prefix

    def __call__(self, inputs, states):
        raise NotImplementedError("Bidirectional cannot be stepped. Please use unroll")

    def __repr__(self):
        return (f"{self.__class__.__name__}(forward={self._children['l_cell']!r}, "
                f"backward={self._children['r_cell']!r})")

    def state_info(self, batch_size=0):
        return _cells_state_info(self._children.values(), batch_size)

    def begin_state(self, **kwargs):
        self._check_unmodified("DropoutCell")
        return _cells_begin_state(self._children.values(), **kwargs)

    def unroll(self, length, inputs, begin_state=None, layout="NTC", merge_outputs=None, valid_length=None):
        self.reset()
        legacy = _is_legacy(inputs)
        inputs, axis, batch = _format_sequence(length, inputs, layout, False)
        reversed_inputs = _reverse_sequences(inputs, valid_length)
        begin_state = _get_begin_state(self, begin_state, inputs, batch)
        l_cell, r_cell = self._children.values()
        n_l = len(l_cell.state_info(batch))
        l_outputs, l_states = l_cell.unroll(length, inputs=inputs, begin_state=begin_state[:n_l], layout=layout,
                                            merge_outputs=merge_outputs, valid_length=valid_length)
        r_outputs, r_states = r_cell.unroll(length, inputs=reversed_inputs, begin_state=begin_state[n_l:],
                                            layout=layout, merge_outputs=False, valid_length=valid_length)
        reversed_r = _reverse_sequences([_plain(o) for o in r_outputs], valid_length)
        if merge_outputs is None:
            merge_outputs = isinstance(l_outputs, _core.ndarray)
            l_outputs, _, _ = _format_sequence(None, l_outputs, layout, merge_outputs)
            reversed_r, _, _ = _format_sequence(None, reversed_r, layout, merge_outputs)
        if merge_outputs:
            if not isinstance(reversed_r, _core.ndarray):
                reversed_r = _np.stack(reversed_r, axis=axis)
            outputs = _np.concatenate([_plain(l_outputs), reversed_r], axis=2)
        else:
            outputs = [_np.concatenate([_plain(lo), ro], axis=1) for lo, ro in zip(l_outputs, reversed_r)]
        if valid_length is not None:
            outputs = _mask_sequence_variable_length(outputs, valid_length, axis, merge_outputs)
        return _as_kind(legacy, outputs), _as_kind(legacy, list(l_states) + list(r_states))

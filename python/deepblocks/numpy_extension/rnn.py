"""The recurrent layers' fused operator ``npx.rnn`` (MXNet's ``RNN``) and the per-step gate
functions it shares with the Gluon cells: ``rnn_cell``, ``lstm_cell`` and ``gru_cell``.

``npx.rnn`` runs a whole stack of Elman RNN, LSTM or GRU layers over a sequence in one
call, with every weight packed in one flat vector in MXNet's (and cuDNN's) order: first all
weights — for each layer, for each direction (forward, then backward): ``i2h_weight``,
``h2h_weight`` and, with a projection, ``h2r_weight`` — then all biases — for each layer and
direction: ``i2h_bias``, ``h2h_bias``. Gates are stacked as cuDNN stacks them: LSTM input,
forget, cell, output (``i, f, g, o``); GRU reset, update, new (``r, z, n``) with
``n = tanh(W_in x + b_in + r * (W_hn h + b_hn))`` and ``h' = (1 - z) * n + z * h``.

The gate functions take the already-biased projections ``i2h = x @ W_i2h.T + b_i2h`` and
``h2h = h @ W_h2h.T + b_h2h`` (each of shape ``(batch, gates * hidden)``), so that the
projections stay single matrix products and the elementwise part is one function.

>>> from deepblocks import np, npx
>>> x = np.ones((3, 1, 2))                       # (time, batch, features)
>>> params = np.full((1 * 2 + 1 * 1 + 2,), 0.5)  # i2h (1x2), h2h (1x1), two biases
>>> out = npx.rnn(x, params, np.zeros((1, 1, 1)), mode='rnn_relu', state_size=1, num_layers=1)
>>> out.reshape(-1)
array([2. , 3. , 3.5])
"""

import numpy as _onp

from .. import _core
from .. import autograd as _autograd
from .. import numpy as _np
from .nn import activation as _activation
from .nn import dropout as _dropout

__all__ = ["rnn", "rnn_cell", "lstm_cell", "gru_cell"]

# Gates per mode: the weights of one layer and direction have `gates * state_size` rows.
GATES = {"rnn_relu": 1, "rnn_tanh": 1, "lstm": 4, "gru": 3}

def _plain(x):
    """``x`` as a numpy-mode array (a free view of a legacy NDArray): the gate arithmetic
    follows NumPy whichever kind of array came in."""
    return x if type(x) is _core.ndarray else _core.ndarray(x)


def _gates(a, n):
    """The ``n`` equal column blocks of ``a`` (views, no copies)."""
    h = a.shape[-1] // n
    return [a[:, k * h:(k + 1) * h] for k in range(n)]


def rnn_cell(i2h, h2h, activation):
    """One Elman RNN step: ``activation(i2h + h2h)`` ('tanh', 'relu', or any ``npx.activation``
    type).

    >>> from deepblocks import np, npx
    >>> npx.rnn_cell(np.array([[1.0, -2.0]]), np.array([[0.5, 0.5]]), 'relu')
    array([[1.5, 0. ]])
    """
    if activation in ("tanh", "relu"):
        return _core.rnn_cell(_plain(i2h), _plain(h2h), None, "rnn_" + activation)
    return _activation(i2h + h2h, activation)


def lstm_cell(i2h, h2h, c_prev):
    """One LSTM step from the gate pre-activations ``i2h + h2h`` (columns ``i, f, g, o``, each
    ``hidden`` wide): ``c = sigmoid(f) * c_prev + sigmoid(i) * tanh(g)`` and
    ``h = sigmoid(o) * tanh(c)``. Returns ``(next_h, next_c)``.

    >>> from deepblocks import np, npx
    >>> h, c = npx.lstm_cell(np.zeros((1, 4)), np.zeros((1, 4)), np.ones((1, 1)))
    >>> float(c[0, 0]), round(float(h[0, 0]), 4)
    (0.5, 0.2311)
    """
    both = _core.rnn_cell(_plain(i2h), _plain(h2h), _plain(c_prev), "lstm")
    return both[0], both[1]


def _lstm_step(i2h, h2h, c_prev, clip):
    """``lstm_cell`` with the cell state clipped to ``clip = (low, high, nan_to_low)`` before
    it makes ``h`` (cuDNN's LSTM clipping), or not clipped when ``clip`` is None."""
    i, f, g, o = _gates(i2h + h2h, 4)
    c = _core.unary(f, "sigmoid") * c_prev + _core.unary(i, "sigmoid") * _core.unary(g, "tanh")
    if clip is not None:
        c = _clip_state(c, *clip)
    return _core.unary(o, "sigmoid") * _core.unary(c, "tanh"), c


def _clip_state(c, low, high, nan_to_low):
    clipped = _np.clip(c, low, high)
    if nan_to_low:
        # cuDNN's "no NaN propagation": a NaN compares false with both bounds and lands on the low one.
        clipped = _np.where(_np.isnan(c), _np.full((), low, dtype=c.dtype, ctx=c.ctx), clipped)
    return clipped


def gru_cell(i2h, h2h, h_prev):
    """One GRU step, cuDNN's variant (the reset gate scales the recurrent projection after
    its product): with columns ``r, z, n`` of ``i2h`` and ``h2h``,
    ``n = tanh(i2h_n + sigmoid(i2h_r + h2h_r) * h2h_n)`` and
    ``next_h = (1 - z) * n + z * h_prev`` where ``z = sigmoid(i2h_z + h2h_z)``.

    >>> from deepblocks import np, npx
    >>> npx.gru_cell(np.zeros((1, 3)), np.zeros((1, 3)), np.array([[2.0]]))
    array([[1.]])
    """
    return _core.rnn_cell(_plain(i2h), _plain(h2h), _plain(h_prev), "gru")


def _gru_step(i2h, h2h, h_prev):
    """``gru_cell`` composed of engine ops (the per-sequence-length path of ``rnn``)."""
    xr, xz, xn = _gates(i2h, 3)
    hr, hz, hn = _gates(h2h, 3)
    r = _core.unary(xr + hr, "sigmoid")
    z = _core.unary(xz + hz, "sigmoid")
    n = _core.unary(xn + r * hn, "tanh")
    return n + z * (h_prev - n)


# ---- the fused operator ---------------------------------------------------------------------


class _Spec:
    """The sizes of one ``rnn`` call, checked against its arguments."""

    def __init__(self, mode, state_size, num_layers, bidirectional, projection_size, input_size):
        if mode not in GATES:
            raise ValueError(f"rnn: mode must be one of {sorted(GATES)}, got {mode!r}")
        for what, v in (("state_size", state_size), ("num_layers", num_layers)):
            if isinstance(v, bool) or not isinstance(v, (int, _onp.integer)) or v < 1:
                raise ValueError(f"rnn: {what} must be a positive integer, got {v!r}")
        if projection_size:
            if mode != "lstm":
                raise ValueError(f"rnn: projection_size is only supported with mode='lstm', got mode={mode!r}")
            if isinstance(projection_size, bool) or not isinstance(projection_size, (int, _onp.integer)) \
                    or not 0 < projection_size < state_size:
                raise ValueError(f"rnn: projection_size must be a positive integer below state_size={state_size}, "
                                 f"got {projection_size!r}")
        self.mode, self.hidden, self.layers = mode, int(state_size), int(num_layers)
        self.dirs = 2 if bidirectional else 1
        self.proj = int(projection_size) if projection_size else None
        self.gates = GATES[mode]
        self.input_size = input_size

    @property
    def out_size(self):
        """The width of each direction's output and recurrent state (the projection's, if any)."""
        return self.proj or self.hidden

    def layer_inputs(self):
        n = self.input_size
        for _ in range(self.layers):
            yield n
            n = self.out_size * self.dirs

    def weight_shapes(self, n_in):
        """The weight shapes of one layer and direction, in the packed order."""
        rows = self.gates * self.hidden
        shapes = [(rows, n_in), (rows, self.out_size)]
        if self.proj:
            shapes.append((self.proj, self.hidden))
        return shapes

    def size(self):
        """The flat vector's length (in closed form: every layer after the first has the same
        size, and ``num_layers`` comes from the caller unchecked)."""
        rows = self.gates * self.hidden

        def per_dir(n_in):
            return sum(a * b for a, b in self.weight_shapes(n_in)) + 2 * rows

        rest = per_dir(self.out_size * self.dirs) * (self.layers - 1)
        return self.dirs * (per_dir(self.input_size) + rest)

    def unpack(self, flat):
        """``[(layer, direction) -> (weights..., i2h_bias, h2h_bias)]``, views of ``flat``."""
        rows = self.gates * self.hidden
        weights, pos = [], 0
        for n_in in self.layer_inputs():
            for _ in range(self.dirs):
                ws = []
                for a, b in self.weight_shapes(n_in):
                    ws.append(flat[pos:pos + a * b].reshape(a, b))
                    pos += a * b
                weights.append(ws)
        out = []
        for ws in weights:
            out.append((*ws, flat[pos:pos + rows], flat[pos + rows:pos + 2 * rows]))
            pos += 2 * rows
        return out


def _check_state(what, state, want, data_shape):
    if state is None:
        raise ValueError(f"rnn: {what} is required (shape {want} for data of shape {data_shape})")
    if tuple(state.shape) != want:
        raise ValueError(f"rnn: {what} must have shape {want} (layers * directions, batch, size) for data of "
                         f"shape {data_shape}, got {tuple(state.shape)}")


def _check_dtypes(**arrays):
    dtypes = {k: _onp.dtype(v.dtype) for k, v in arrays.items() if v is not None}
    if dtypes["data"].kind != "f":
        raise TypeError(f"rnn: data must be a floating-point array, got dtype {dtypes['data']}")
    if len(set(dtypes.values())) > 1:
        listed = ", ".join(f"{k} {d}" for k, d in dtypes.items())
        raise TypeError(f"rnn: data, parameters and states must share one dtype, got {listed}")


def _lengths(sequence_length, steps, batch):
    """The valid lengths as host ints (checked) and as an engine int64 vector."""
    if sequence_length is None:
        raise ValueError("rnn: use_sequence_length=True needs sequence_length (one length per batch element)")
    if tuple(sequence_length.shape) != (batch,):
        raise ValueError(f"rnn: sequence_length must have shape ({batch},) (one length per batch element), "
                         f"got {tuple(sequence_length.shape)}")
    host = _onp.asarray(_plain(sequence_length).asnumpy())
    if host.size and (host.min() < 0 or host.max() > steps or _onp.any(host != _onp.round(host))):
        raise ValueError(f"rnn: sequence_length values must be whole numbers in [0, {steps}] for a sequence of "
                         f"{steps} steps, got {host.tolist()}")
    return host.astype(_onp.int64)


def _reverse_index(lengths, steps, batch):
    """Flat ``(time * batch)`` row indices that reverse each sequence within its valid length
    and leave the padding in place (the map is its own inverse)."""
    t = _onp.arange(steps)[:, None]
    n = lengths[None, :]
    rows = _onp.where(t < n, n - 1 - t, t)
    return rows * batch + _onp.arange(batch)[None, :]


def _tie(out, states):
    """``out``, recorded as depending on ``states`` with a zero-weight link while recording.

    A caller often back-propagates from the output alone and carries the final states into
    the next batch (d2l does). Each state must then be an ancestor of the output: a backward
    pass frees only the nodes it visits, and a state whose unvisited node still refers to
    freed ones cannot enter a later graph. (A fused operator, whose outputs share one node,
    needs no link.)"""
    if not _core.is_recording() or not states:
        return out
    link = None
    for s in states:
        total = s.sum()
        link = total if link is None else link + total
    never = _np.zeros((), dtype="bool", ctx=out.ctx)
    return _core.where_(never, link.astype(out.dtype), out)


def _reorder(a, rows):
    """The ``(T, N, C)`` array ``a`` with its ``T * N`` rows taken in the flat order ``rows``."""
    steps, batch, width = a.shape
    return _core.take(a.reshape(steps * batch, width), rows, 0).reshape(steps, batch, width)


def _run_direction(spec, x, ws, h, c, reverse, mask, clip):
    """One layer in one direction over ``x`` (T, N, C): ``(outputs (T, N, out), h, c)``.
    ``mask`` (T, N, 1) bool freezes the state and zeros the output past each sequence's
    length (``reverse`` then means ``x`` is already reversed per sequence)."""
    steps, batch = x.shape[0], x.shape[1]
    w_i2h, w_h2h = ws[0], ws[1]
    w_h2r = ws[2] if spec.proj else None
    b_i2h, b_h2h = ws[-2], ws[-1]
    # One product for the input projections of every step.
    xw = _core.linear(x.reshape(steps * batch, x.shape[2]), w_i2h, b_i2h).reshape(steps, batch, w_i2h.shape[0])
    order = range(steps - 1, -1, -1) if reverse and mask is None else range(steps)
    outs = [None] * steps
    zero = None
    for t in order:
        h2h = _core.linear(h, w_h2h, b_h2h)
        if spec.mode == "lstm":
            new_h, new_c = _lstm_step(xw[t], h2h, c, clip)
            if w_h2r is not None:
                new_h = _core.linear(new_h, w_h2r, None)
        elif spec.mode == "gru":
            new_h, new_c = _gru_step(xw[t], h2h, h), None
        else:
            new_h, new_c = _activation(xw[t] + h2h, spec.mode[4:]), None
        if mask is not None:
            keep = mask[t]
            if zero is None:
                zero = _np.zeros((), dtype=new_h.dtype, ctx=new_h.ctx)
            outs[t] = _core.where_(keep, new_h, zero)
            new_h = _core.where_(keep, new_h, h)
            if new_c is not None:
                new_c = _core.where_(keep, new_c, c)
        else:
            outs[t] = new_h
        h, c = new_h, new_c
    return _np.stack(outs), h, c


def _fused(x, flat, h0, c0, spec, p, clip):
    """The whole stack as one engine operation (one graph node): ``[out, hy(, cy)]``. The
    dropout masks between layers are drawn here, from deepblocks' generator."""
    masks = None
    if p > 0 and spec.layers > 1 and _autograd.is_training():
        shape = (spec.layers - 1, x.shape[0], x.shape[1], spec.out_size * spec.dirs)
        keep = _np.random.uniform(0, 1, shape, dtype=x.dtype, ctx=x.ctx) >= p
        masks = keep.astype(x.dtype) / (1 - p)
    lo, hi, nan = clip if clip is not None else (None, None, False)
    out, hy, cy = _core.rnn(x, flat, h0, c0, masks, spec.mode, spec.hidden, spec.layers, spec.dirs == 2, spec.proj,
                            lo, hi, nan)
    return [out, hy] + ([cy] if cy is not None else [])


def rnn(data, parameters, state, state_cell=None, sequence_length=None, mode=None, state_size=None,
        num_layers=None, bidirectional=False, state_outputs=False, p=0.0, use_sequence_length=False,
        projection_size=None, lstm_state_clip_min=None, lstm_state_clip_max=None, lstm_state_clip_nan=False):
    """A stack of ``num_layers`` recurrent layers over ``data`` of shape ``(time, batch,
    features)`` in one call (MXNet's fused ``RNN`` operator).

    ``mode`` is 'rnn_relu', 'rnn_tanh', 'lstm' or 'gru'; ``parameters`` the flat vector of
    every weight then every bias (see the module docstring); ``state`` the initial hidden
    state ``(num_layers * directions, batch, state_size)`` (``projection_size`` wide with a
    projection) and, for 'lstm', ``state_cell`` the initial cell state
    ``(num_layers * directions, batch, state_size)``. A bidirectional layer concatenates its
    forward and backward outputs on the last axis.

    Returns the output ``(time, batch, directions * size)``; with ``state_outputs`` the list
    ``[out, hy]`` (``[out, hy, cy]`` for 'lstm') of the output and the final states.

    ``p`` drops out the outputs of every layer but the last, in training mode only. With
    ``use_sequence_length``, ``sequence_length`` (one length per batch element) limits each
    sequence: outputs past it are 0, the final states are those of its last valid step, and
    the backward direction starts at that step (cuDNN's behaviour; MXNet's CPU kernel
    ignores the lengths). ``lstm_state_clip_min``/``max`` clip the LSTM cell state after each
    step, and ``lstm_state_clip_nan`` turns a NaN cell state into ``lstm_state_clip_min``
    (cuDNN's clipping; MXNet's CPU kernel ignores it).

    The result is of ``data``'s kind (a legacy ``NDArray`` for an ``NDArray``).

    >>> from deepblocks import np, npx
    >>> T, N, C, H = 5, 2, 3, 4
    >>> size = 4 * H * C + 4 * H * H + 2 * 4 * H
    >>> out, hy, cy = npx.rnn(np.ones((T, N, C)), np.full((size,), 0.1), np.zeros((1, N, H)),
    ...                       np.zeros((1, N, H)), mode='lstm', state_size=H, num_layers=1, state_outputs=True)
    >>> out.shape, hy.shape, cy.shape
    ((5, 2, 4), (1, 2, 4), (1, 2, 4))
    """
    for what, v in (("data", data), ("parameters", parameters)):
        if v is None:
            raise ValueError(f"rnn: {what} is required")
    legacy = isinstance(data, _core.ndarray) and type(data) is not _core.ndarray
    x = _plain(data) if isinstance(data, _core.ndarray) else _np.asarray(data)
    if x.ndim != 3:
        raise ValueError(f"rnn: data must be 3-D (sequence length, batch size, input size), got shape {x.shape}")
    steps, batch, n_in = x.shape
    spec = _Spec(mode, state_size, num_layers, bidirectional, projection_size, n_in)
    flat = _plain(parameters) if isinstance(parameters, _core.ndarray) else _np.asarray(parameters)
    if flat.ndim != 1 or flat.shape[0] != spec.size():
        raise ValueError(
            f"rnn: parameters must be a vector of {spec.size()} values for mode={mode!r}, state_size={state_size}, "
            f"num_layers={num_layers}, bidirectional={bool(bidirectional)}, projection_size={projection_size} and "
            f"data of shape {x.shape} (input size {n_in}), got shape {tuple(flat.shape)}")
    stacked = spec.layers * spec.dirs
    _check_state("state", state, (stacked, batch, spec.out_size), x.shape)
    h0 = _plain(state)
    c0 = None
    if mode == "lstm":
        _check_state("state_cell", state_cell, (stacked, batch, spec.hidden), x.shape)
        c0 = _plain(state_cell)
    _check_dtypes(data=x, parameters=flat, state=h0, state_cell=c0)
    if not 0 <= p < 1:
        raise ValueError(f"rnn: dropout p must be in [0, 1), got {p}")
    clip = None
    if mode == "lstm" and (lstm_state_clip_min is not None or lstm_state_clip_max is not None):
        if lstm_state_clip_min is None or lstm_state_clip_max is None or lstm_state_clip_min > lstm_state_clip_max:
            raise ValueError(f"rnn: lstm_state_clip_min and lstm_state_clip_max must be given together with "
                             f"min <= max, got {lstm_state_clip_min} and {lstm_state_clip_max}")
        clip = (float(lstm_state_clip_min), float(lstm_state_clip_max), bool(lstm_state_clip_nan))

    if not use_sequence_length:
        results = _fused(x, flat, h0, c0, spec, p, clip)
        if legacy:
            results = [_core._as_legacy(r) for r in results]
        return results if state_outputs else results[0]

    # Per-sequence lengths: composed of engine ops, one graph node per operation.
    mask = rev = None
    if use_sequence_length:
        lengths = _lengths(sequence_length, steps, batch)
        mask = _np.array((_onp.arange(steps)[:, None] < lengths[None, :])[:, :, None], ctx=x.ctx)
        if spec.dirs == 2:
            rev = _np.array(_reverse_index(lengths, steps, batch).reshape(-1), dtype="int64", ctx=x.ctx)

    weights = spec.unpack(flat)
    hs, cs = [], []
    layer_in = x
    for layer in range(spec.layers):
        outs = []
        for d in range(spec.dirs):
            k = layer * spec.dirs + d
            inp = layer_in
            if d == 1 and rev is not None:
                inp = _reorder(layer_in, rev)
            if steps == 0:
                out, h, c = _np.zeros((0, batch, spec.out_size), dtype=x.dtype, ctx=x.ctx), h0[k], None
                c = None if c0 is None else c0[k]
            else:
                out, h, c = _run_direction(spec, inp, weights[k], h0[k], None if c0 is None else c0[k], d == 1,
                                           mask, clip)
            if d == 1 and rev is not None:
                out = _reorder(out, rev)
            outs.append(out)
            hs.append(h)
            cs.append(c)
        layer_in = outs[0] if spec.dirs == 1 else _np.concatenate(outs, axis=2)
        if p > 0 and layer < spec.layers - 1:
            layer_in = _dropout(layer_in, p=p)
    states = [_np.stack(hs)] + ([_np.stack(cs)] if mode == "lstm" else [])
    results = [_tie(layer_in, states)] + (states if state_outputs else [])
    if legacy:
        results = [_core._as_legacy(r) for r in results]
    return results if state_outputs else results[0]

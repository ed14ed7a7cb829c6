"""Plain-NumPy references for the recurrent layers and cells, written from the gate equations
(float64, one sequence and one step at a time, nothing shared with the engine's code):
Elman RNN, LSTM (cuDNN gate order i, f, g, o; optional projection and cell-state clipping)
and GRU (cuDNN's variant, gates r, z, n), stacked and bidirectional, with per-sequence valid
lengths; and MXNet's packing of every weight, then every bias, into one vector.

>>> import numpy
>>> w = {(0, 0): cell_weights("rnn_relu", 1, 1, seed=0)}
>>> out, h, c = stack("rnn_relu", numpy.ones((2, 1, 1)), w, numpy.zeros((1, 1, 1)), None, layers=1, dirs=1)
>>> out.shape, h.shape
((2, 1, 1), (1, 1, 1))
"""

import numpy as onp

GATES = {"rnn_relu": 1, "rnn_tanh": 1, "lstm": 4, "gru": 3}


def sigmoid(x):
    return 1 / (1 + onp.exp(-x))


ACTIVATIONS = {"tanh": onp.tanh, "relu": lambda x: onp.maximum(x, 0), "sigmoid": sigmoid,
               "softsign": lambda x: x / (1 + onp.abs(x)), "softrelu": lambda x: onp.log1p(onp.exp(x))}


def cell_weights(mode, n_in, hidden, proj=None, seed=0, scale=0.5):
    """``{'i2h_weight', 'h2h_weight', 'i2h_bias', 'h2h_bias'[, 'h2r_weight']}`` for one cell."""
    rng = onp.random.default_rng(seed)
    rows = GATES[mode] * hidden
    w = {"i2h_weight": rng.uniform(-scale, scale, (rows, n_in)),
         "h2h_weight": rng.uniform(-scale, scale, (rows, proj or hidden)),
         "i2h_bias": rng.uniform(-scale, scale, rows),
         "h2h_bias": rng.uniform(-scale, scale, rows)}
    if proj:
        w["h2r_weight"] = rng.uniform(-scale, scale, (proj, hidden))
    return w


def layer_weights(mode, n_in, hidden, layers, dirs, proj=None, seed=0):
    """``{(layer, direction): cell weights}`` for a stack (layer inputs after the first are
    the concatenated directions)."""
    out, width = {}, proj or hidden
    for layer in range(layers):
        for d in range(dirs):
            out[layer, d] = cell_weights(mode, n_in if layer == 0 else width * dirs, hidden, proj,
                                         seed=seed + 10 * layer + d)
    return out


def pack(weights, layers, dirs):
    """MXNet's flat parameter vector: all weights (layer, direction, i2h/h2h/h2r), then all
    biases (layer, direction, i2h/h2h)."""
    parts = []
    for layer in range(layers):
        for d in range(dirs):
            w = weights[layer, d]
            parts += [w["i2h_weight"].ravel(), w["h2h_weight"].ravel()]
            if "h2r_weight" in w:
                parts.append(w["h2r_weight"].ravel())
    for layer in range(layers):
        for d in range(dirs):
            parts += [weights[layer, d]["i2h_bias"], weights[layer, d]["h2h_bias"]]
    return onp.concatenate(parts)


def step(mode, w, x, h, c=None, clip=None, activation=None, recurrent_activation="sigmoid"):
    """One step of one cell on ``x`` (N, C) and states ``h`` (N, H or P), ``c`` (N, H):
    ``(new_h, new_c)``. ``activation`` overrides the RNN activation (or LSTM's tanh)."""
    a = x @ w["i2h_weight"].T + w["i2h_bias"]
    b = h @ w["h2h_weight"].T + w["h2h_bias"]
    if mode in ("rnn_relu", "rnn_tanh"):
        return ACTIVATIONS[activation or mode[4:]](a + b), None
    if mode == "lstm":
        act, rec = ACTIVATIONS[activation or "tanh"], ACTIVATIONS[recurrent_activation]
        i, f, g, o = onp.split(a + b, 4, axis=1)
        c = rec(f) * c + rec(i) * act(g)
        if clip is not None:
            lo, hi, nan = clip
            c = onp.where(onp.isnan(c), lo if nan else onp.nan, onp.clip(c, lo, hi))
        h = rec(o) * act(c)
        if "h2r_weight" in w:
            h = h @ w["h2r_weight"].T
        return h, c
    ar, az, an = onp.split(a, 3, axis=1)
    br, bz, bn = onp.split(b, 3, axis=1)
    r, z = sigmoid(ar + br), sigmoid(az + bz)
    n = onp.tanh(an + r * bn)
    return (1 - z) * n + z * h, None


def run(mode, w, xs, h, c=None, clip=None, **kw):
    """The cell over the steps ``xs`` (T, N, C): ``(outputs (T, N, H), h, c)``."""
    outs = []
    for x in xs:
        h, c = step(mode, w, x, h, c, clip, **kw)
        outs.append(h)
    width = h.shape[-1]
    return (onp.stack(outs) if outs else onp.zeros((0, xs.shape[1], width))), h, c


def stack(mode, x, weights, h0, c0, layers, dirs, lengths=None, clip=None):
    """A stacked (bidirectional) layer on ``x`` (T, N, C) with states ``(layers * dirs, N, .)``,
    one sequence at a time so that each uses its own valid length (default: all of T).
    Returns ``(out (T, N, dirs * width), hy, cy)``; outputs past a sequence's length are 0
    and its final states those of its last valid step."""
    steps, batch = x.shape[:2]
    lengths = [steps] * batch if lengths is None else list(lengths)
    inp = x
    hy, cy = onp.zeros(h0.shape), None if c0 is None else onp.zeros(c0.shape)
    for layer in range(layers):
        outs = []
        for d in range(dirs):
            k = layer * dirs + d
            width = h0.shape[-1]
            out = onp.zeros((steps, batch, width))
            for b in range(batch):
                n = lengths[b]
                seq = inp[:n, b:b + 1]
                if d == 1:
                    seq = seq[::-1]
                o, h, c = run(mode, weights[layer, d], seq, h0[k, b:b + 1], None if c0 is None else c0[k, b:b + 1],
                              clip)
                out[:n, b] = (o[::-1] if d == 1 else o)[:, 0]
                hy[k, b] = h[0]
                if c0 is not None:
                    cy[k, b] = c[0]
            outs.append(out)
        inp = onp.concatenate(outs, axis=2)
    return inp, hy, cy

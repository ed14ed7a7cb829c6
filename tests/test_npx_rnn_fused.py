"""The fused recurrent op at sizes where the CPU splits each time step across threads by
hidden units (hidden >= 32, batch x state x gates beyond the parallel threshold): outputs,
final states and gradients against the NumPy reference of tests/rnn_reference.py, for every
mode, bidirectional and stacked, in float32 and float64. The threads change only the order
of work, so float64 results match the reference to rounding."""

import numpy as onp
import pytest

import rnn_reference as ref
from deepblocks import autograd, npx
from deepblocks import np


@pytest.mark.parametrize("mode", ["rnn_relu", "rnn_tanh", "lstm", "gru"])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_threaded_steps_match_the_reference(mode, dtype):
    steps, batch, n_in, hidden, layers, dirs = 4, 40, 24, 72, 2, 2
    weights = ref.layer_weights(mode, n_in, hidden, layers, dirs, seed=3)
    flat = ref.pack(weights, layers, dirs) * 0.3
    rng = onp.random.default_rng(5)
    x = rng.standard_normal((steps, batch, n_in))
    h0 = rng.standard_normal((layers * dirs, batch, hidden))
    c0 = rng.standard_normal((layers * dirs, batch, hidden)) if mode == "lstm" else None
    scaled = {k: {n: v * 0.3 for n, v in w.items()} for k, w in weights.items()}
    want = ref.stack(mode, x, scaled, h0, c0, layers, dirs)

    args = [np.array(a, dtype=dtype) for a in (x, flat, h0)] + ([np.array(c0, dtype=dtype)] if c0 is not None else [])
    for a in args:
        a.attach_grad()
    heads = [rng.standard_normal(w.shape) for w in want if w is not None]
    with autograd.record():
        got = npx.rnn(args[0], args[1], args[2], args[3] if c0 is not None else None, mode=mode, state_size=hidden,
                      num_layers=layers, bidirectional=True, state_outputs=True)
        loss = sum((g * np.array(hd, dtype=dtype)).sum() for g, hd in zip(got, heads))
    loss.backward()
    tol = 2e-4 if dtype == "float32" else 1e-10
    for g, w in zip(got, want):
        onp.testing.assert_allclose(g.asnumpy(), w, rtol=tol, atol=tol)

    # Gradients: a directional derivative along a random direction, against central
    # differences of the float64 reference.
    direction = [rng.standard_normal(a.shape) for a in (x, flat, h0)] + ([rng.standard_normal(c0.shape)] if c0 is not None else [])

    def objective(eps):
        xs = [v + eps * d for v, d in zip([x, flat, h0] + ([c0] if c0 is not None else []), direction)]
        w = ref.layer_weights(mode, n_in, hidden, layers, dirs, seed=3)
        # Unpack the shifted flat vector back into the reference's dictionaries.
        pos, unpacked = 0, {}
        for k in sorted(w):
            unpacked[k] = {}
            for name in ("i2h_weight", "h2h_weight"):
                n = w[k][name].size
                unpacked[k][name] = xs[1][pos:pos + n].reshape(w[k][name].shape)
                pos += n
        for k in sorted(w):
            for name in ("i2h_bias", "h2h_bias"):
                n = w[k][name].size
                unpacked[k][name] = xs[1][pos:pos + n]
                pos += n
        out = ref.stack(mode, xs[0], unpacked, xs[2], xs[3] if c0 is not None else None, layers, dirs)
        return sum((o * hd).sum() for o, hd in zip([o for o in out if o is not None], heads))

    numeric = (objective(1e-6) - objective(-1e-6)) / 2e-6
    analytic = sum((a.grad.asnumpy().astype("float64") * d).sum() for a, d in zip(args, direction))
    assert abs(numeric - analytic) <= (1e-3 if dtype == "float32" else 1e-6) * max(1.0, abs(numeric)), (numeric, analytic)


@pytest.mark.parametrize("kwargs", [
    {"state_size": 2**62, "num_layers": 1},
    {"state_size": 5, "num_layers": 2**40},
    {"state_size": 2**31, "num_layers": 2**31},
])
def test_sizes_beyond_memory_are_value_errors_not_hangs(kwargs):
    # Both the Python check and the engine's compute the parameter count in closed form.
    from deepblocks import _core
    x, w, h = np.ones((3, 2, 4)), np.ones((10,)), np.zeros((1, 2, 5))
    with pytest.raises(ValueError):
        npx.rnn(x, w, h, mode="gru", **kwargs)
    with pytest.raises(ValueError):
        _core.rnn(x, w, h, None, None, "gru", kwargs["state_size"], kwargs["num_layers"])
